#pragma once

#include <QDockWidget>

class QTreeView;

namespace orrery::ui {

class ProblemsModel;

/// Import problems, each as file:line with its message; it opens by itself when an import fails.
class ProblemsDock final : public QDockWidget {
    Q_OBJECT

public:
    explicit ProblemsDock(QWidget *parent = nullptr);

    ProblemsModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }

    /// Lists an import's error (empty when it succeeded) and its warnings; an error opens the dock.
    void addImport(const QString &sources, const QString &error, const QStringList &warnings);

private:
    ProblemsModel *m_model;
    QTreeView *m_view;
};

} // namespace orrery::ui
