#pragma once

#include "jobrunner.h"

#include <QStyledItemDelegate>
#include <QWidget>

class QLabel;
class QTreeView;

namespace orrery::ui {

class JobsModel;

/// Paints a progress bar in JobsModel's Progress column and a cancel button in its Cancel
/// column; a click on the button asks for that job to be cancelled.
class JobDelegate final : public QStyledItemDelegate {
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

signals:
    void cancelRequested(orrery::ui::JobId id);
};

/// The jobs dock: every running job with its progress bar, time left and a cancel button.
class JobsPanel final : public QWidget {
    Q_OBJECT

public:
    explicit JobsPanel(JobRunner *runner, QWidget *parent = nullptr);

    JobsModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    /// Where the cancel button of a row is drawn, in view viewport coordinates (for tests).
    QRect cancelButtonRect(int row) const;

private:
    void updatePlaceholder();

    JobRunner *m_runner;
    JobsModel *m_model;
    QTreeView *m_view;
    QLabel *m_idle;
};

} // namespace orrery::ui
