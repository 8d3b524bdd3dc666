#pragma once

#include "jobrunner.h"

#include "io/exporter.h"
#include "projection/computelayout.h"

#include <QJsonObject>
#include <QList>
#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;
class QTreeView;

namespace orrery {
class Project;
class VectorIndex;
} // namespace orrery

namespace orrery::ui {

class DatasetModel;
class MapPage;
class RecommendPanel;
class Inspector;
class ItemListModel;
class ItemModel;
class JobsPanel;
class ProblemsModel;

/// A layout as the map gets it: coordinates (x at 2i, y at 2i + 1) for the rows of its set.
struct MapLayout {
    QString name; ///< "<set>/<method>"
    QString setName;
    QString method;
    std::vector<double> xy;
    std::shared_ptr<const std::vector<qint64>> ids; ///< the set's item ids, row by row
    bool partial = false; ///< an intermediate layout of a projection still converging
    bool stored = false; ///< loaded from the project rather than computed now
    QJsonObject stats;
};

/// The main window: the map (or the items table) in the centre, datasets with their embedding
/// sets and layouts, search results, the inspector, jobs and import problems in docks. Work runs
/// in a JobRunner: imports (one at a time), map computations, layouts and neighbour indexes.
///
/// For the map view, connect layoutReady, currentItemChanged, neighboursChanged, pathChanged,
/// searchResults and filterChanged to it, and its clicks and selections to selectItem and
/// setSelection.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// AppDataLocation/sample.orrery.
    static QString sampleProjectPath();
    /// Creates the sample project unless a readable one is there already; returns its path.
    /// Runs on the calling thread (well under 2 s). Throws Error.
    static QString ensureSampleProject();
    /// Recently opened projects, newest first.
    static QStringList recentProjects();

    /// Opens (or creates) a project file. On failure: false, and the reason goes to `error`
    /// when given, else to a message box. The sample project's first dataset gets its map
    /// computed when it has none yet.
    bool openProject(const QString &path, QString *error = nullptr);
    /// Opens the sample project, creating it in the background when it is missing.
    void openSample();
    Project *project() const { return m_project.get(); }

    /// Imports files and folders into a new dataset of the open project, off the GUI thread.
    /// False when no project is open or an import is running; importFinished() reports the outcome.
    bool importPaths(const QStringList &paths);
    /// True while an import or the sample's creation runs (other jobs run beside them).
    bool isBusy() const { return m_exclusiveJob != 0; }
    /// Asks the running import to stop; it reports `cancelled` within 200 ms.
    void cancelJob();

    /// Selects a dataset by name in the list; false when there is none.
    bool selectDataset(const QString &name);
    qint64 currentDatasetId() const;
    /// Applies a search at once (typing waits for a pause): the items table, the results list
    /// and searchResults().
    void setSearchText(const QString &text);

    /// The embedding set the map and the neighbours refer to; empty when none.
    const QString &currentSet() const { return m_mapSet; }
    /// Selects a set in the datasets panel (which shows its best stored layout, else its PCA).
    bool selectSet(const QString &setName);
    /// Shows a set's layout: the stored one at once, else computed in a job whose intermediate
    /// layouts animate the map and which is stored when done. Latest request wins.
    void showLayout(const QString &setName, ProjectionMethod method);
    /// The layout last delivered by layoutReady (partial or final).
    const MapLayout &currentLayout() const { return m_layout; }
    /// One click from an import to a map (core planFor): the default embedding sets for the
    /// dataset's kind, then PCA (shown at once) and UMAP (animating), all stored. 0: the current
    /// dataset. False when it cannot start (mapComputed reports the outcome otherwise).
    bool computeMap(qint64 datasetId = 0);
    /// True while a map computation or a layout runs.
    bool isComputingMap() const;
    /// The neighbour index of the current set, once loaded or built (neighbourIndexReady).
    std::shared_ptr<const VectorIndex> neighbourIndex() const { return m_index; }

    /// The item shown in the inspector; 0 when none.
    qint64 currentItemId() const { return m_currentItem; }
    /// Selects an item by its source key (in the current dataset first, else any); false when unknown.
    bool selectItemByKey(const QString &key);
    /// The selection exports work on: what setSelection got, else the current item.
    QList<qint64> selection() const;
    /// Writes the selection (with vectors from the current set when there is one) in a job;
    /// exportFinished reports. False when there is nothing to export.
    bool exportSelection(io::ItemFormat format, const QString &path);

    /// The centre's map page; createMapPage() makes it.
    QWidget *mapPage() const { return m_mapPage; }
    /// The map tab (the same widget as mapPage()).
    MapPage *map() const { return m_map; }
    RecommendPanel *recommendPanel() const { return m_recommend; }
    /// Seeds the recommendations with the selection (a playlist brings its songs).
    void recommendFromSelection() { seedRecommendations(); }
    /// Writes the map page as PNG or SVG (by the file's suffix); false (with the reason) when the
    /// map has no points yet or the file cannot be written.
    bool exportMapImage(const QString &path, QString *error = nullptr);

    DatasetModel *datasetModel() const { return m_datasets; }
    ItemModel *itemModel() const { return m_items; }
    QSortFilterProxyModel *itemProxy() const { return m_itemProxy; }
    QTreeView *datasetView() const { return m_datasetView; }
    QTableView *itemView() const { return m_itemView; }
    QTabWidget *centreTabs() const { return m_tabs; }
    JobRunner *jobRunner() const { return m_runner; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    Inspector *inspector() const { return m_inspector; }
    ItemListModel *searchModel() const { return m_searchResults; }
    QTreeView *searchView() const { return m_searchView; }
    QLineEdit *searchEdit() const { return m_search; }
    QComboBox *filterCombo() const { return m_filter; }
    ProblemsModel *problemsModel() const { return m_problems; }
    QTreeView *problemsView() const { return m_problemsView; }
    QDockWidget *problemsDock() const { return m_problemsDock; }

    /// Renders the window, as it is once pending events have run, to a PNG file.
    bool saveScreenshot(const QString &path, QString *error = nullptr);
    /// False when no geometry was saved yet (the caller picks a size).
    bool hasSavedGeometry() const { return m_restoredGeometry; }

public slots:
    /// Shows an item in the inspector and makes it current (the map's click, a search result,
    /// a neighbour). 0 clears.
    void selectItem(qint64 id);
    /// The map's (or the table's) selection, for exports.
    void setSelection(const QList<qint64> &ids);
    /// A hovered point: its name in the status bar (0: nothing hovered).
    void showItemHint(qint64 id);
    /// Asks for a file and exports the map image (the actions are disabled while the map is empty).
    void exportMapImage();

signals:
    void projectOpened(const QString &path);
    /// An import or the sample's creation started, progressed or ended (other jobs: jobRunner()).
    void jobStarted(const QString &label);
    void jobProgress(qint64 done, qint64 total);
    void jobFinished(bool ok, bool cancelled, const QString &message);
    /// An import ended, after the dataset list was reloaded; `message` is a summary or the error.
    void importFinished(bool ok, bool cancelled, const QString &message);

    /// A layout for the map: `partial` while t-SNE or UMAP converge, then the final one. An
    /// empty name with no points means there is nothing to show (no set chosen).
    void layoutReady(const QString &name, const std::vector<double> &xy, const std::vector<qint64> &ids,
                     bool partial);
    /// The set the map and neighbours refer to changed.
    void embeddingSetSelected(const QString &setName);
    /// A layout was asked for (from the datasets panel or the Map menu); layoutReady follows.
    void layoutRequested(const QString &setName, const QString &method);
    /// A compute-map run ended (its layouts are stored when ok).
    void mapComputed(const QString &setName, bool ok, const QString &message);
    /// The current set's neighbour index is loaded; the inspector lists neighbours now.
    void neighbourIndexReady(const QString &setName);
    void currentItemChanged(qint64 id);
    void neighboursChanged(const QList<qint64> &ids);
    /// A playlist's songs in order (empty for other items): the path to draw.
    void pathChanged(const QList<qint64> &ids);
    /// The current search's matches in the current dataset (empty when not searching).
    void searchResults(const QList<qint64> &ids);
    /// The attribute filter: the admitted item ids, sorted; `active` false admits everything.
    void filterChanged(const QList<qint64> &admitted, bool active);
    void exportFinished(bool ok, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    /// The centre's first page: the map (MapPage), wired to the window's signals.
    QWidget *createMapPage();
    /// The set of song vectors recommendations for `setName` come from: itself when it holds
    /// songs, the set it was pooled from when it holds playlists; empty when neither.
    QString songSetFor(const QString &setName) const;
    void updateRecommendSource();
    void seedRecommendations();
    void createActions();
    void createWidgets();
    void createDocks();
    void restoreSettings();
    void saveSettings();
    JobId startExclusive(const QString &label, JobSpec spec, JobRunner::Work work);
    void updateJobStatus();
    void reloadDatasets(qint64 selectId);
    void treeCurrentChanged(const QModelIndex &current);
    void datasetChanged(qint64 datasetId);
    void setCurrentSet(const QString &setName);
    void loadNeighbourIndex(const QString &setName);
    /// The set the current item's neighbours come from: the map's, else one of the item's kind.
    QString setForCurrentItem() const;
    void updateInspectorIndex();
    void deliverLayout(const MapLayout &layout);
    void clearMap();
    void selectInTree(const QModelIndex &index);
    void runSearch(const QString &text);
    void activateSearchResult(const QModelIndex &index);
    void fillFilter();
    void applyFilter(int row);
    void updateCounts();
    void updateActions();
    void addRecent(const QString &path);
    void fillRecentMenu();
    void showError(const QString &text, const QString &details, const QStringList &warnings = {});
    QString uniqueDatasetName(const QStringList &paths) const;
    void chooseProject();
    void chooseNewProject();
    void chooseImport(bool folder);
    void chooseExport(io::ItemFormat format);
    void about();
    bool stale(quint64 serial) const { return serial != m_projectSerial; }

    std::unique_ptr<Project> m_project;
    quint64 m_projectSerial = 0;
    JobRunner *m_runner = nullptr;
    JobId m_exclusiveJob = 0;
    QHash<qint64, JobId> m_mapJobs; ///< compute-map jobs by dataset
    bool m_restoredGeometry = false;
    bool m_restoredState = false;
    bool m_shown = false;
    bool m_syncingTree = false;

    QString m_mapSet;
    MapLayout m_layout;
    std::shared_ptr<const VectorIndex> m_index; ///< the map set's
    QHash<QString, std::shared_ptr<const VectorIndex>> m_indexes; ///< loaded so far, by set
    QHash<QString, JobId> m_indexJobs;
    qint64 m_currentItem = 0;
    QList<qint64> m_selection;

    DatasetModel *m_datasets = nullptr;
    ItemModel *m_items = nullptr;
    QSortFilterProxyModel *m_itemProxy = nullptr;
    ItemListModel *m_searchResults = nullptr;
    ProblemsModel *m_problems = nullptr;

    QTabWidget *m_tabs = nullptr;
    QWidget *m_mapPage = nullptr;
    MapPage *m_map = nullptr;
    RecommendPanel *m_recommend = nullptr;
    QDockWidget *m_recommendDock = nullptr;
    QLabel *m_recommendSeeds = nullptr;
    QToolButton *m_seedButton = nullptr;
    QString m_recommendSet; ///< the song set m_recommend was given
    QDockWidget *m_datasetDock = nullptr;
    QDockWidget *m_searchDock = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    QDockWidget *m_jobsDock = nullptr;
    QDockWidget *m_problemsDock = nullptr;
    QTreeView *m_datasetView = nullptr;
    QTableView *m_itemView = nullptr;
    QTreeView *m_searchView = nullptr;
    QTreeView *m_problemsView = nullptr;
    QLabel *m_searchSummary = nullptr;
    Inspector *m_inspector = nullptr;
    JobsPanel *m_jobsPanel = nullptr;
    QLabel *m_datasetTitle = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_filter = nullptr;
    QTimer *m_searchTimer = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_jobLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;

    QMenu *m_recentMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_importFolderAction = nullptr;
    QAction *m_sampleAction = nullptr;
    QAction *m_computeMapAction = nullptr;
    QList<QAction *> m_projectionActions;
    QList<QAction *> m_exportSelectionActions;
    QList<QAction *> m_exportMapActions;
};

} // namespace orrery::ui
