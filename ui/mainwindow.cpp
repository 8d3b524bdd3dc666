#include "mainwindow.h"

#include "bookmarksdock.h"
#include "chartsdock.h"
#include "comparepage.h"
#include "datasetdock.h"
#include "datasetmodel.h"
#include "inspector.h"
#include "inspectordock.h"
#include "itemmodel.h"
#include "itemspage.h"
#include "jobindicator.h"
#include "jobrunner.h"
#include "jobspanel.h"
#include "mapcontroller.h"
#include "mappage.h"
#include "neighboursdock.h"
#include "problemsdock.h"
#include "projectsession.h"
#include "recommenddock.h"
#include "scatterview.h"
#include "searchdock.h"
#include "settings.h"
#include "uiutil.h"
#include "vectorsjob.h"
#include "viewhistory.h"
#include "viewstate.h"

#include "store/attributes.h"
#include "store/embeddingsets.h"
#include "store/itemdetails.h"
#include "store/project.h"
#include "store/search.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPixmap>
#include <QShowEvent>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QUndoStack>
#include <QUrl>

#include <algorithm>

// Resources of a static library are registered by hand, outside any namespace.
static void initResources()
{
    Q_INIT_RESOURCE(ui);
}

namespace orrery::ui {

namespace {

QString sequenceNoun(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::Playlists: return MainWindow::tr("playlists");
    case DatasetKind::Documents: return MainWindow::tr("documents");
    default: return MainWindow::tr("sequences");
    }
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_runner(new JobRunner(this)), m_session(new ProjectSession(m_runner, this)),
      m_mapController(new MapController(m_session, this)), m_vectorsJob(new VectorsJob(m_session, this))
{
    initResources();
    createDocks();
    createCentre();
    createExploring();
    createActions();
    connectParts();
    m_restoredGeometry = restoreGeometry(Settings::windowGeometry());
    if (!m_restoredGeometry)
        resize(1280, 800);
    m_restoredState = restoreState(Settings::windowState(), Settings::WindowStateVersion);
    setAcceptDrops(true);
    setWindowTitle(tr("No project"));
    updateActions();
    updateCounts();
}

MainWindow::~MainWindow()
{
    m_runner->cancelAll();
    m_runner->waitForDone();
    // The models read through the project; empty them while it is still open.
    m_session->close();
}

void MainWindow::createCentre()
{
    m_map = new MapPage(m_runner);
    m_items = new ItemsPage(m_session, m_datasetDock->model());
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_map, tr("Map"));
    m_tabs->addTab(m_items, tr("Items"));
    m_tabs->addTab(new ComparePage(m_session), tr("Compare"));
    setCentralWidget(m_tabs);
    // The query dock marks the map, so it comes after it (beside the inspector and recommendations).
    auto *neighbours = new NeighboursDock(m_session, m_map, this);
    addDockWidget(Qt::RightDockWidgetArea, neighbours);
    tabifyDockWidget(m_recommendDock, neighbours);
    m_inspectorDock->raise();
    connect(neighbours, &NeighboursDock::itemActivated, m_session, &ProjectSession::setCurrentItem);

    m_counts = new QLabel;
    statusBar()->addWidget(m_counts, 1);
}

void MainWindow::createExploring()
{
    // Charts, bookmarks and the undo history work on the map, so they come after the centre.
    m_chartsDock = new ChartsDock(m_runner, this);
    m_chartsDock->setMapView(m_map->view());
    addDockWidget(Qt::RightDockWidgetArea, m_chartsDock);
    tabifyDockWidget(m_recommendDock, m_chartsDock);
    m_inspectorDock->raise();
    m_bookmarksDock = new BookmarksDock(this);
    addDockWidget(Qt::LeftDockWidgetArea, m_bookmarksDock);
    tabifyDockWidget(m_searchDock, m_bookmarksDock);
    m_searchDock->raise();
    m_bookmarksDock->setCapture([this] { return m_viewState->capture(); });
    m_bookmarksDock->setRestore([this](const QJsonObject &state) { m_viewState->restore(state); });
    m_history = new ViewHistory(m_map, m_chartsDock, this);
}

void MainWindow::connectExploring()
{
    // After connectParts: the map has a layout's points before the charts and a restore look at them.
    m_viewState = new ViewState(m_session, m_mapController, m_map, m_datasetDock, m_searchDock, m_chartsDock, this);
    connect(m_session, &ProjectSession::aboutToClose, this, [this] {
        m_bookmarksDock->setProject(nullptr);
        m_chartsDock->setProject({}, {}, {});
    });
    connect(m_session, &ProjectSession::opened, this, [this](const QString &path) {
        Project *project = m_session->project();
        m_bookmarksDock->setProject(project);
        QStringList fields, clusterings;
        try {
            fields = attributeJsonFields(*project);
            clusterings = clusteringNames(*project);
        } catch (const Error &e) {
            showMessage(tr("Could not list the attributes to chart: %1").arg(e.message()), 8000);
        }
        m_chartsDock->setProject(path, fields, clusterings);
    });
    connect(m_mapController, &MapController::layoutReady, m_chartsDock,
            [this](const QString &, const std::vector<double> &, const std::vector<qint64> &ids, bool) {
                m_chartsDock->setRows(ids);
            });
    connect(m_searchDock, &SearchDock::filterChanged, m_chartsDock, &ChartsDock::setSearchFilter);
    connect(m_bookmarksDock, &BookmarksDock::message, this, &MainWindow::showMessage);
    connect(m_map, &MapPage::message, this, &MainWindow::showMessage);
    connect(m_map, &MapPage::clusteringStored, this, [this] {
        if (Project *project = m_session->project()) {
            try {
                m_chartsDock->setClusterings(clusteringNames(*project));
            } catch (const Error &e) {
                showMessage(tr("Could not list the clusterings: %1").arg(e.message()), 8000);
            }
        }
    });
}

void MainWindow::createDocks()
{
    m_datasetDock = new DatasetDock(m_session, m_mapController, this);
    addDockWidget(Qt::LeftDockWidgetArea, m_datasetDock);
    m_searchDock = new SearchDock(m_session, this);
    addDockWidget(Qt::LeftDockWidgetArea, m_searchDock);

    m_inspectorDock = new InspectorDock(m_session, m_datasetDock->model(), this);
    m_inspector = m_inspectorDock->inspector();
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);
    m_recommendDock = new RecommendDock(m_session, this);
    addDockWidget(Qt::RightDockWidgetArea, m_recommendDock);
    tabifyDockWidget(m_inspectorDock, m_recommendDock);
    m_inspectorDock->raise();

    // Jobs and import problems share the bottom, and take no room until they are asked for:
    // progress shows in the status bar.
    m_jobsPanel = new JobsPanel(m_runner);
    m_jobsDock = new QDockWidget(tr("Jobs"), this);
    m_jobsDock->setObjectName(QStringLiteral("jobs"));
    m_jobsDock->setWidget(m_jobsPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);
    m_problemsDock = new ProblemsDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    tabifyDockWidget(m_jobsDock, m_problemsDock);
    m_jobsDock->hide();
    m_problemsDock->hide();

    auto *jobs = new JobIndicator(m_runner);
    statusBar()->addPermanentWidget(jobs);
    connect(jobs, &JobIndicator::detailsRequested, this, [this] {
        m_jobsDock->show();
        m_jobsDock->raise();
    });
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newAction = file->addAction(themedIcon("document-new", "new"), tr("&New Project…"), this,
                                  &MainWindow::chooseNewProject);
    m_newAction->setShortcut(QKeySequence::New);
    m_openAction = file->addAction(themedIcon("document-open", "open"), tr("&Open…"), this, &MainWindow::chooseProject);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setStatusTip(tr("Open an Orrery project"));
    m_sampleAction = file->addAction(tr("Open &Sample"), this, &MainWindow::openSample);
    m_sampleAction->setStatusTip(
        tr("Open a small project with playlists, articles and records made up on this machine"));
    m_recentMenu = file->addMenu(themedIcon("document-open-recent", "open"), tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    m_importAction = file->addAction(themedIcon("document-import", "import"), tr("&Import…"), this,
                                     [this] { chooseImport(false); });
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importAction->setStatusTip(tr("Import playlist, document, record or vector files as a new dataset"));
    m_importFolderAction = file->addAction(tr("Import &Folder…"), this, [this] { chooseImport(true); });
    m_importFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    m_importFolderAction->setStatusTip(tr("Import a folder (MPD slices, a text corpus, …) as a new dataset"));
    file->addSeparator();
    QMenu *exportSelection = file->addMenu(themedIcon("document-export", "export"), tr("&Export Selection"));
    const std::pair<const char *, io::ItemFormat> selectionFormats[] = {
        {QT_TR_NOOP("As &CSV…"), io::ItemFormat::Csv},
        {QT_TR_NOOP("As &JSON…"), io::ItemFormat::Json},
        {QT_TR_NOOP("As &Projector TSV…"), io::ItemFormat::Projector},
    };
    for (const auto &[text, format] : selectionFormats) {
        const io::ItemFormat f = format;
        m_exportSelectionActions.append(exportSelection->addAction(tr(text), this, [this, f] { chooseExport(f); }));
    }
    m_exportSelectionActions.first()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QMenu *exportMap = file->addMenu(tr("Export &Map Image"));
    m_exportMapAction = exportMap->addAction(tr("As &PNG or SVG…"), this, &MainWindow::chooseMapImage);
    m_exportMapAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    QAction *quit = file->addAction(themedIcon("application-exit", "quit"), tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *find = edit->addAction(themedIcon("edit-find", "find"), tr("&Find"), this, [this] {
        m_searchDock->searchEdit()->setFocus(Qt::ShortcutFocusReason);
        m_searchDock->searchEdit()->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    QAction *none = edit->addAction(tr("Select &None"), this, [this] {
        m_items->view()->clearSelection();
        m_session->setSelection({});
        m_session->setCurrentItem(0);
    });
    none->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    edit->addSeparator();
    QAction *undo = m_history->stack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    QAction *redo = m_history->stack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction *bookmark = edit->addAction(tr("&Bookmark this View"), this, [this] {
        m_bookmarksDock->show();
        m_bookmarksDock->raise();
        m_bookmarksDock->addBookmark();
    });
    bookmark->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));

    QMenu *map = menuBar()->addMenu(tr("&Map"));
    m_computeMapAction = map->addAction(themedIcon("run-build", "map"), tr("&Compute Map"), this,
                                        [this] { m_mapController->computeMap(m_session->datasetId()); });
    m_computeMapAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_computeMapAction->setStatusTip(
        tr("Embed the selected dataset with defaults for its kind, then lay it out (PCA at once, then UMAP)"));
    m_computeVectorsAction = map->addAction(tr("Compute &Vectors…"), this, [this] { m_vectorsJob->choose(this); });
    m_computeVectorsAction->setStatusTip(tr("Compute a vector per playlist or document by a pooling method or a "
                                            "trained sequence model (seq2seq), as a new embedding set"));
    m_clusterAction = map->addAction(tr("C&luster…"), m_map, &MapPage::chooseClustering);
    m_clusterAction->setStatusTip(tr("Group the points on the map into clusters that label themselves: k-means over "
                                     "its embedding set or density over its layout"));
    map->addSeparator();
    const std::pair<const char *, ProjectionMethod> methods[] = {
        {QT_TR_NOOP("&PCA"), ProjectionMethod::Pca},
        {QT_TR_NOOP("&t-SNE"), ProjectionMethod::Tsne},
        {QT_TR_NOOP("&UMAP"), ProjectionMethod::Umap},
    };
    for (const auto &[text, method] : methods) {
        const ProjectionMethod m = method;
        QAction *action = map->addAction(tr(text), this, [this, m] {
            if (!m_session->set().isEmpty())
                m_mapController->showLayout(m_session->set(), m);
        });
        action->setStatusTip(
            tr("Show the current embedding set by %1 (computed and stored when new)").arg(toString(m).toUpper()));
        m_projectionActions.append(action);
    }
    m_datasetDock->view()->addAction(m_computeMapAction);
    m_datasetDock->view()->addAction(m_computeVectorsAction);
    m_datasetDock->view()->addActions(m_projectionActions);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *showMap = view->addAction(tr("&Map"), this, [this] { m_tabs->setCurrentIndex(0); });
    showMap->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *showItems = view->addAction(tr("&Items"), this, [this] { m_tabs->setCurrentIndex(1); });
    showItems->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    view->addSeparator();
    const QList<QDockWidget *> docks {m_datasetDock,   m_searchDock, m_bookmarksDock, m_inspectorDock,
                                      m_recommendDock, m_chartsDock, m_jobsDock,      m_problemsDock};
    for (QDockWidget *d : docks)
        view->addAction(d->toggleViewAction());
    view->addSeparator();
    QAction *fullScreen = view->addAction(tr("&Full Screen"), this, [this](bool on) {
        setWindowState(on ? windowState() | Qt::WindowFullScreen : windowState() & ~Qt::WindowFullScreen);
    });
    fullScreen->setCheckable(true);
    fullScreen->setShortcut(QKeySequence::FullScreen);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Orrery"), this, &MainWindow::about);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_openAction);
    bar->addAction(m_importAction);
    bar->addSeparator();
    bar->addAction(m_computeMapAction);
    auto *spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addWidget(m_searchDock->searchEdit());
    view->insertAction(view->actions().value(3), bar->toggleViewAction());
}

void MainWindow::connectParts()
{
    connect(m_session, &ProjectSession::aboutToClose, this, [this] {
        m_map->setProject(nullptr);
        m_mapController->reset();
    });
    connect(m_session, &ProjectSession::opened, this, &MainWindow::projectOpened);
    for (const auto changed : {&ProjectSession::datasetChanged, &ProjectSession::currentItemChanged}) {
        connect(m_session, changed, this, &MainWindow::updateCounts);
        connect(m_session, changed, this, &MainWindow::updateActions);
    }
    connect(m_session, &ProjectSession::setChanged, this, &MainWindow::updateCounts);
    connect(m_session, &ProjectSession::setChanged, this, &MainWindow::updateActions);
    connect(m_session, &ProjectSession::currentItemChanged, m_map, &MapPage::setCurrentItem);
    connect(m_session, &ProjectSession::selectionChanged, this, &MainWindow::updateActions);
    connect(m_session, &ProjectSession::indexFailed, this, [this](const QString &set, const QString &message) {
        showMessage(tr("No neighbours for %1: %2").arg(set, message), 10000);
    });
    connect(m_session, &ProjectSession::busyChanged, this, &MainWindow::updateActions);
    connect(m_session, &ProjectSession::exportFinished, this, [this](bool ok, const QString &message) {
        if (ok)
            showMessage(message, 10000);
        else
            showError(tr("Could not export the selection."), message);
    });
    connect(m_session, &ProjectSession::importFinished, this, &MainWindow::importFinished);
    connect(m_session, &ProjectSession::sampleFailed, this,
            [this](const QString &message) { showError(tr("Could not create the sample project."), message); });

    // Layouts arrive as const references to vectors (not registered for queued connections):
    // direct connections, all on the GUI thread.
    connect(m_mapController, &MapController::layoutReady, m_map, &MapPage::showLayout, Qt::DirectConnection);
    connect(m_mapController, &MapController::layoutReady, this,
            [this](const QString &, const std::vector<double> &, const std::vector<qint64> &, bool partial) {
                if (!partial)
                    updateActions();
            });
    connect(m_mapController, &MapController::mapComputed, this, &MainWindow::updateActions);
    connect(m_mapController, &MapController::message, this, &MainWindow::showMessage);
    connect(m_vectorsJob, &VectorsJob::message, this, &MainWindow::showMessage);
    connect(m_vectorsJob, &VectorsJob::stored, this, [this](const QString &set, bool show) {
        m_datasetDock->reload();
        if (show)
            m_datasetDock->selectSet(set); // laid out as a chosen set is: its best layout, else PCA now
    });

    connect(m_datasetDock, &DatasetDock::reloaded, this, &MainWindow::updateCounts);
    connect(m_datasetDock, &DatasetDock::message, this,
            [this](const QString &title, const QString &details) { showError(title, details); });

    connect(m_searchDock, &SearchDock::searchApplied, m_items, &ItemsPage::setSearch);
    connect(m_items, &ItemsPage::countsChanged, this, &MainWindow::updateCounts);
    connect(m_items, &ItemsPage::message, this, &MainWindow::showMessage);
    connect(m_searchDock, &SearchDock::searchResults, m_map, &MapPage::setHighlightedItems);
    connect(m_searchDock, &SearchDock::filterChanged, m_map, &MapPage::setFilterItems);
    connect(m_searchDock, &SearchDock::itemActivated, m_session, &ProjectSession::setCurrentItem);
    connect(m_searchDock, &SearchDock::message, this, &MainWindow::showMessage);

    connect(m_inspector, &Inspector::itemActivated, m_session, &ProjectSession::setCurrentItem);
    connect(m_inspector, &Inspector::neighboursChanged, m_map, &MapPage::setNeighbourItems);
    connect(m_inspector, &Inspector::pathChanged, m_map, &MapPage::setPathItems);

    connect(m_recommendDock, &RecommendDock::itemActivated, m_session, &ProjectSession::setCurrentItem);
    connect(m_recommendDock, &RecommendDock::message, this, &MainWindow::showMessage);

    connect(m_map, &MapPage::itemClicked, this, [this](qint64 id) {
        if (id)
            m_session->setCurrentItem(id);
    });
    connect(m_map, &MapPage::itemActivated, this, [this](qint64 id) {
        m_session->setCurrentItem(id);
        m_inspectorDock->show();
        m_inspectorDock->raise();
    });
    connect(m_map, &MapPage::itemsSelected, m_session, &ProjectSession::setSelection);
    connect(m_map, &MapPage::itemHovered, this, &MainWindow::showItemHint);
    connectExploring();
}

bool MainWindow::openProject(const QString &path, QString *error)
{
    QString why;
    if (!m_session->open(path, &why)) {
        if (error)
            *error = why;
        else
            showError(tr("Could not open the project."), why);
        return false;
    }
    // First run: the sample shows a map without a click.
    const DatasetModel *datasets = m_datasetDock->model();
    if (QFileInfo(path) == QFileInfo(ProjectSession::samplePath()) && datasets->rowCount() > 0
        && datasets->embeddingSets().isEmpty())
        m_mapController->computeMap(datasets->dataset(0).id);
    return true;
}

void MainWindow::projectOpened(const QString &path)
{
    m_map->setProject(m_session->project());
    setWindowTitle(QFileInfo(path).fileName());
    setWindowFilePath(path);
    Settings::addRecentProject(path);
    m_mapController->clear();
    m_datasetDock->showProject();
    m_searchDock->reloadFilter();
    updateActions();
}

void MainWindow::openSample()
{
    const QString path = ProjectSession::samplePath();
    if (QFileInfo::exists(path))
        openProject(path);
    else
        m_session->createSample(path);
}

void MainWindow::importFinished(bool ok, bool cancelled, const QString &message)
{
    const io::ImportResult &r = m_session->lastImport();
    const QString &sources = m_session->lastImportSources();
    if (ok) {
        m_datasetDock->reload(r.datasetId);
        m_searchDock->reloadFilter();
        QString line = message;
        if (r.stats.skipped) {
            line += tr(" (see Import Problems)");
            m_problemsDock->addImport(sources, {}, r.stats.warnings);
        }
        showMessage(line + tr(". Map ▸ Compute Map lays it out."), 15000);
    } else if (cancelled) {
        showMessage(message, 10000);
    } else {
        m_problemsDock->addImport(sources, message, r.stats.warnings);
        showMessage(tr("Could not import %1: %2").arg(sources, message), 15000);
    }
}

bool MainWindow::selectItemByKey(const QString &key)
{
    const qint64 id = m_session->findItem(key);
    if (!id)
        return false;
    // Show it among its own dataset's items.
    const std::vector<qint64> datasets = datasetsOfItem(*m_session->project(), id);
    if (!datasets.empty() && std::find(datasets.begin(), datasets.end(), m_session->datasetId()) == datasets.end())
        m_datasetDock->selectDataset(datasets.front());
    m_session->setCurrentItem(id);
    return true;
}

void MainWindow::showItemHint(qint64 id)
{
    if (!id || !m_session->project()) {
        statusBar()->clearMessage();
        return;
    }
    try {
        const std::vector<ItemLabel> labels = itemLabelsOf(*m_session->project(), {id});
        const ItemLabel &l = labels.front();
        statusBar()->showMessage(l.artist.isEmpty() ? l.name : tr("%1 — %2").arg(l.name, l.artist));
    } catch (const Error &) {
    }
}

void MainWindow::chooseExport(io::ItemFormat format)
{
    QString path;
    const QString base = QDir(Settings::lastFolder()).filePath(QStringLiteral("selection"));
    switch (format) {
    case io::ItemFormat::Csv:
        path = QFileDialog::getSaveFileName(this, tr("Export Selection as CSV"), base + QStringLiteral(".csv"),
                                            tr("CSV files (*.csv)"));
        break;
    case io::ItemFormat::Json:
        path = QFileDialog::getSaveFileName(this, tr("Export Selection as JSON"), base + QStringLiteral(".json"),
                                            tr("JSON files (*.json)"));
        break;
    case io::ItemFormat::Projector:
        if (m_session->set().isEmpty()) {
            showError(tr("Projector files need vectors."), tr("Choose an embedding set in the datasets panel first."));
            return;
        }
        path = QFileDialog::getExistingDirectory(this, tr("Export Selection for the Embedding Projector (folder)"),
                                                 Settings::lastFolder());
        break;
    }
    if (path.isEmpty())
        return;
    Settings::rememberFolder(path);
    m_session->exportSelection(format, path);
}

void MainWindow::chooseMapImage()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Export Map Image"),
                                                QDir(Settings::lastFolder()).filePath(QStringLiteral("map.png")),
                                                tr("PNG images (*.png);;SVG drawings (*.svg)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    Settings::rememberFolder(path);
    QString error;
    if (m_map->exportImage(path, &error))
        showMessage(tr("Map saved to %1").arg(QDir::toNativeSeparators(path)), 8000);
    else
        showError(tr("Could not export the map."), error);
}

void MainWindow::updateCounts()
{
    if (!m_session->project()) {
        m_counts->setText(tr("No project open. File ▸ Open Sample shows what Orrery does."));
        return;
    }
    const DatasetModel *datasets = m_datasetDock->model();
    const int row = datasets->rowOf(m_session->datasetId());
    if (row < 0) {
        m_counts->setText(datasets->rowCount() ? tr("%1 datasets").arg(datasets->rowCount())
                                               : tr("No datasets yet. Drop files here, or File ▸ Import…"));
        return;
    }
    const DatasetInfo &info = datasets->dataset(row);
    const ItemModel *items = m_items->model();
    const qint64 loaded = items->rowCount();
    const qint64 total = items->totalCount();
    QStringList parts;
    if (items->isSearching())
        parts.append(tr("%1 of %2 items match").arg(formatCount(total), formatCount(info.items)));
    else
        parts.append(tr("%1 items").arg(formatCount(info.items)));
    if (loaded < total)
        parts.append(tr("%1 loaded").arg(formatCount(loaded)));
    if (info.sequences)
        parts.append(tr("%1 %2 with %3 entries")
                         .arg(formatCount(info.sequences), sequenceNoun(info.kind), formatCount(info.entries)));
    if (info.tags)
        parts.append(tr("%1 tags").arg(formatCount(info.tags)));
    if (!m_session->set().isEmpty())
        parts.append(tr("set %1").arg(m_session->set()));
    m_counts->setText(parts.join(QStringLiteral(" · ")));
}

void MainWindow::updateActions()
{
    const bool idle = !m_session->isBusy();
    const bool open = m_session->project() != nullptr;
    m_newAction->setEnabled(idle);
    m_openAction->setEnabled(idle);
    m_sampleAction->setEnabled(idle);
    m_recentMenu->setEnabled(idle);
    m_importAction->setEnabled(idle && open);
    m_importFolderAction->setEnabled(idle && open);
    const qint64 dataset = open ? m_session->datasetId() : 0;
    m_computeMapAction->setEnabled(dataset && !m_mapController->isComputing(dataset));
    m_computeVectorsAction->setEnabled(open);
    const bool hasSet = open && !m_session->set().isEmpty();
    for (QAction *action : std::as_const(m_projectionActions))
        action->setEnabled(hasSet);
    m_clusterAction->setEnabled(open && !m_map->layoutName().isEmpty());
    const bool selected = open && m_session->hasSelection();
    for (QAction *action : std::as_const(m_exportSelectionActions))
        action->setEnabled(selected);
    m_exportSelectionActions.last()->setEnabled(selected && hasSet);
    m_exportMapAction->setEnabled(m_map->view()->pointCount() > 0);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    int number = 0;
    for (const QString &path : Settings::recentProjects()) {
        if (!QFileInfo::exists(path))
            continue;
        ++number;
        QString name = QFileInfo(path).fileName();
        name.replace(u'&', QStringLiteral("&&"));
        QAction *action = m_recentMenu->addAction(number < 10 ? QStringLiteral("&%1 %2").arg(number).arg(name) : name,
                                                  this, [this, path] { openProject(path); });
        action->setStatusTip(QDir::toNativeSeparators(path));
        action->setToolTip(QDir::toNativeSeparators(path));
    }
    if (!number)
        m_recentMenu->addAction(tr("No recent projects"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear Menu"), this, [] { Settings::clearRecentProjects(); });
}

void MainWindow::showError(const QString &text, const QString &details, const QStringList &warnings)
{
    // Window-modal and non-blocking: a job's outcome never waits on a nested event loop.
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Orrery"), text, QMessageBox::Ok, this);
    box->setInformativeText(details);
    if (!warnings.isEmpty())
        box->setDetailedText(warnings.join(u'\n'));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showMessage(const QString &text, int timeoutMs)
{
    statusBar()->showMessage(text, timeoutMs);
}

void MainWindow::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), Settings::lastFolder(),
                                                      tr("Orrery projects (*.orrery);;All files (*)"));
    if (path.isEmpty())
        return;
    Settings::rememberFolder(path);
    openProject(path);
}

void MainWindow::chooseNewProject()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Project"), Settings::lastFolder(),
                                                tr("Orrery projects (*.orrery)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".orrery");
    Settings::rememberFolder(path);
    if (QFileInfo::exists(path)) {
        // The dialog asked before replacing it.
        if (m_session->project() && QFileInfo(m_session->project()->path()) == QFileInfo(path)) {
            showError(tr("Could not create the project."), tr("%1 is the project open in this window.").arg(path));
            return;
        }
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            if (QFileInfo::exists(path + suffix) && !QFile::remove(path + suffix)) {
                showError(tr("Could not create the project."), tr("%1: cannot replace it").arg(path + suffix));
                return;
            }
        }
    }
    openProject(path);
}

void MainWindow::chooseImport(bool folder)
{
    QStringList paths;
    if (folder) {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Import Folder"), Settings::lastFolder());
        if (!dir.isEmpty())
            paths.append(dir);
    } else {
        paths = QFileDialog::getOpenFileNames(
            this, tr("Import"), Settings::lastFolder(),
            tr("Playlists, documents, records and vectors (*.m3u *.m3u8 *.pls *.xspf *.csv *.tsv *.json *.jsonl "
               "*.ndjson *.txt *.npy *.vec *.bin);;All files (*)"));
    }
    if (paths.isEmpty())
        return;
    Settings::rememberFolder(paths.first());
    m_session->importPaths(paths);
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About Orrery"),
        tr("<h3>Orrery %1</h3>"
           "<p>A native explorer for embeddings and playlists.</p>"
           "<p>Built with Qt %2, SQLite %3.</p>")
            .arg(QApplication::applicationVersion().toHtmlEscaped(), QString::fromLatin1(qVersion()), sqliteVersion()));
}

bool MainWindow::saveScreenshot(const QString &path, QString *error)
{
    if (!isVisible())
        show();
    // Layouts, deferred resizes and view updates all run from the event queue.
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    // The map draws on worker threads: wait (a few seconds at most) for the frame of the view as
    // it is now, so the picture shows points rather than the previous frame.
    if (ScatterView *view = m_map->view(); view->isVisible() && view->pointCount() > 0) {
        const auto drawn = [view] {
            return view->isReady() && !view->isRendering() && view->frameGeneration() == view->requestedGeneration()
                && !view->frame().isNull();
        };
        if (!drawn()) {
            QEventLoop loop;
            const auto check = [&] {
                if (drawn())
                    loop.quit();
            };
            connect(view, &ScatterView::frameReady, &loop, check);
            connect(view, &ScatterView::pointsReady, &loop, check);
            QTimer::singleShot(5000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        view->repaint();
    }
    const QPixmap pixmap = grab();
    if (pixmap.isNull()) {
        if (error)
            *error = tr("nothing to render");
        return false;
    }
    if (!pixmap.save(path, "PNG")) {
        if (error)
            *error = tr("%1: cannot write the PNG").arg(path);
        return false;
    }
    return true;
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!m_shown && !m_restoredState) {
        // Docks take their size from the laid-out window, so the first default waits for the first show.
        const int ch = fontMetrics().averageCharWidth();
        const int side = std::clamp(width() / 4, ch * 30, ch * 56);
        resizeDocks({m_datasetDock, m_inspectorDock}, {side, side}, Qt::Horizontal);
        resizeDocks({m_datasetDock, m_searchDock}, {height() / 2, height() / 2}, Qt::Vertical);
        resizeDocks({m_jobsDock}, {fontMetrics().height() * 8}, Qt::Vertical);
    }
    m_shown = true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_runner->cancelAll();
    m_runner->waitForDone();
    Settings::setWindowGeometry(saveGeometry());
    Settings::setWindowState(saveState(Settings::WindowStateVersion));
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (m_session->project() && !m_session->isBusy() && !urls.isEmpty()
        && std::all_of(urls.begin(), urls.end(), [](const QUrl &url) { return url.isLocalFile(); }))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    if (paths.isEmpty())
        return;
    if (m_session->importPaths(paths)) {
        event->acceptProposedAction();
        showMessage(tr("Importing %n item(s) dropped…", nullptr, int(paths.size())), 5000);
    } else if (m_session->isBusy()) {
        showMessage(tr("An import is running; drop again when it is done."), 8000);
    }
}

} // namespace orrery::ui
