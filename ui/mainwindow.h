#pragma once

#include "io/exporter.h"

#include <QList>
#include <QMainWindow>

class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;

namespace orrery::ui {

class BookmarksDock;
class ChartsDock;
class DatasetDock;
class Inspector;
class InspectorDock;
class ItemsPage;
class JobRunner;
class JobsPanel;
class MapController;
class MapPage;
class ProblemsDock;
class ProjectSession;
class RecommendDock;
class SearchDock;
class VectorsJob;
class ViewHistory;
class ViewState;

/// The main window: actions, menus and the arrangement of its parts. The map (or the items
/// table) is in the centre; datasets, search, the inspector, recommendations, jobs and import
/// problems are docks. The parts follow the project session (the open project and what is
/// current in it); the map controller decides what the map shows; all work runs in one JobRunner.
class MainWindow final : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens (or creates) a project file. On failure: false, and the reason goes to `error`
    /// when given, else to a message box. The sample project's first dataset gets its map
    /// computed when it has none yet.
    bool openProject(const QString &path, QString *error = nullptr);
    /// Opens the sample project, creating it in the background when it is missing.
    void openSample();
    /// Selects an item by its source key and shows it among its dataset's items; false when unknown.
    bool selectItemByKey(const QString &key);
    /// Renders the window, once pending events have run and the map's frame is drawn, to a PNG file.
    bool saveScreenshot(const QString &path, QString *error = nullptr);
    /// False when no geometry was saved yet (the caller picks a size).
    bool hasSavedGeometry() const { return m_restoredGeometry; }

    ProjectSession *session() const { return m_session; }
    MapController *mapController() const { return m_mapController; }
    VectorsJob *vectorsJob() const { return m_vectorsJob; }
    JobRunner *jobRunner() const { return m_runner; }
    MapPage *map() const { return m_map; }
    DatasetDock *datasets() const { return m_datasetDock; }
    SearchDock *search() const { return m_searchDock; }
    RecommendDock *recommendations() const { return m_recommendDock; }
    Inspector *inspector() const { return m_inspector; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    QDockWidget *jobsDock() const { return m_jobsDock; }
    ItemsPage *items() const { return m_items; }
    QTabWidget *centreTabs() const { return m_tabs; }
    ProblemsDock *problems() const { return m_problemsDock; }
    ChartsDock *charts() const { return m_chartsDock; }
    BookmarksDock *bookmarks() const { return m_bookmarksDock; }
    ViewState *viewState() const { return m_viewState; }
    ViewHistory *history() const { return m_history; }

protected:
    void showEvent(QShowEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createCentre();
    void createDocks();
    void createActions();
    void createExploring();
    void connectExploring();
    void connectParts();
    void projectOpened(const QString &path);
    void importFinished(bool ok, bool cancelled, const QString &message);
    void showItemHint(qint64 id);
    void updateCounts();
    void updateActions();
    void fillRecentMenu();
    void showError(const QString &text, const QString &details, const QStringList &warnings = {});
    void showMessage(const QString &text, int timeoutMs);
    void chooseProject();
    void chooseNewProject();
    void chooseImport(bool folder);
    void chooseExport(io::ItemFormat format);
    void chooseMapImage();
    void about();

    JobRunner *m_runner;
    ProjectSession *m_session;
    MapController *m_mapController;
    VectorsJob *m_vectorsJob;
    bool m_restoredGeometry = false;
    bool m_restoredState = false;
    bool m_shown = false;

    QTabWidget *m_tabs = nullptr;
    MapPage *m_map = nullptr;
    ItemsPage *m_items = nullptr;
    DatasetDock *m_datasetDock = nullptr;
    SearchDock *m_searchDock = nullptr;
    RecommendDock *m_recommendDock = nullptr;
    Inspector *m_inspector = nullptr;
    InspectorDock *m_inspectorDock = nullptr;
    JobsPanel *m_jobsPanel = nullptr;
    QDockWidget *m_jobsDock = nullptr;
    ProblemsDock *m_problemsDock = nullptr;
    QLabel *m_counts = nullptr;
    ChartsDock *m_chartsDock = nullptr;
    BookmarksDock *m_bookmarksDock = nullptr;
    ViewState *m_viewState = nullptr;
    ViewHistory *m_history = nullptr;

    QMenu *m_recentMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_importFolderAction = nullptr;
    QAction *m_sampleAction = nullptr;
    QAction *m_computeMapAction = nullptr;
    QAction *m_clusterAction = nullptr;
    QAction *m_computeVectorsAction = nullptr;
    QList<QAction *> m_projectionActions;
    QList<QAction *> m_exportSelectionActions;
    QAction *m_exportMapAction = nullptr;
};

} // namespace orrery::ui
