#pragma once

#include <QDockWidget>

class QTreeView;

namespace orrery::ui {

class DatasetModel;
class MapController;
class ProjectSession;

/// The datasets of the project with their embedding sets and layouts, as a tree. Choosing a
/// node makes its dataset the session's and shows a map: a layout as it is; a set by its best
/// stored layout (UMAP, t-SNE, else PCA, computed when new); a dataset by its newest stored layout,
/// else the set its map plan shows.
class DatasetDock final : public QDockWidget {
    Q_OBJECT

public:
    DatasetDock(ProjectSession *session, MapController *map, QWidget *parent = nullptr);

    DatasetModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }

    /// Reads a project just opened: its newest stored layout becomes current and shows, else its
    /// first dataset.
    void showProject();
    /// Re-reads the project. The current node stays (by name) unless `selectDataset` names a
    /// dataset to make current.
    void reload(qint64 selectDataset = 0);
    /// Makes a node current without showing anything (the map shows it already).
    void markCurrent(const QString &setOrLayoutName);
    /// Selects a dataset by name; false when there is none.
    bool selectDataset(const QString &name);
    bool selectDataset(qint64 id);
    /// Selects a set (which shows its best layout); false when there is none.
    bool selectSet(const QString &setName);

signals:
    /// The tree was read again (counts may have changed).
    void reloaded();
    void message(const QString &title, const QString &details);

private:
    void currentChanged(const QModelIndex &current);
    void showSet(const QString &setName);
    /// The newest stored layout of a dataset's sets (of every dataset when 0); empty when none.
    QString newestLayout(qint64 datasetId) const;

    ProjectSession *m_session;
    MapController *m_map;
    DatasetModel *m_model;
    QTreeView *m_view;
    bool m_syncing = false;
    bool m_fresh = false; ///< the project was opened and not read yet
};

} // namespace orrery::ui
