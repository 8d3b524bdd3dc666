#pragma once

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace orrery::ui {

class DatasetModel;
class ItemModel;
class ProjectSession;

/// The centre's Items tab: the session's dataset as a table of its items (fetched in pages,
/// sortable, narrowed by the search), whose current row and selection become the session's.
class ItemsPage final : public QWidget {
    Q_OBJECT

public:
    ItemsPage(ProjectSession *session, const DatasetModel *datasets, QWidget *parent = nullptr);

    ItemModel *model() const { return m_items; }
    QTableView *view() const { return m_view; }

    /// Narrows the table to the items matching a search (empty: all of them).
    void setSearch(const QString &text);

signals:
    /// The rows loaded or their count changed.
    void countsChanged();
    void message(const QString &text, int timeoutMs);

private:
    void showDataset(qint64 datasetId);

    ProjectSession *m_session;
    const DatasetModel *m_datasets;
    ItemModel *m_items;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_title;
    QTableView *m_view;
};

} // namespace orrery::ui
