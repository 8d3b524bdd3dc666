#include "mainwindow.h"

#include "datasetmodel.h"
#include "inspector.h"
#include "itemlistmodel.h"
#include "itemmodel.h"
#include "jobspanel.h"
#include "jobsmodel.h"
#include "mappage.h"
#include "problemsmodel.h"
#include "recommendpanel.h"
#include "scatterview.h"

#include "index/vectorindex.h"
#include "store/layouts.h"
#include "store/embeddingsets.h"
#include "io/importer.h"
#include "io/sample.h"
#include "pipeline/pipeline.h"
#include "store/itemdetails.h"
#include "store/project.h"
#include "store/sqlite.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QProgressBar>
#include <QSettings>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

// Resources of a static library are registered by hand, outside any namespace.
static void initResources()
{
    Q_INIT_RESOURCE(ui);
}

namespace orrery::ui {

namespace {

const QString organization = QStringLiteral("Orrery");
const QString application = QStringLiteral("Orrery");
const QString recentKey = QStringLiteral("recentProjects");
const QString geometryKey = QStringLiteral("window/geometry");
const QString stateKey = QStringLiteral("window/state");
const QString lastFolderKey = QStringLiteral("lastFolder");
constexpr int maxRecent = 10;
constexpr int stateVersion = 2; ///< bumped when the docks change, so an older arrangement is not restored
constexpr qint64 searchListLimit = 500;
constexpr qint64 searchHighlightLimit = 200000;

// Playlists are searchable too: picking one shows its songs.
constexpr const char *rankedSearch = R"sql(
    SELECT item_fts.rowid FROM item_fts
    JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
    WHERE item_fts MATCH ?2 ORDER BY rank LIMIT ?3)sql";

constexpr const char *allMatches = R"sql(
    SELECT item_fts.rowid FROM item_fts
    JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
    WHERE item_fts MATCH ?2 LIMIT ?3)sql";

QString formatCount(qint64 n)
{
    return QLocale().toString(n);
}

QString sequenceNoun(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::Playlists: return MainWindow::tr("playlists");
    case DatasetKind::Documents: return MainWindow::tr("documents");
    default: return MainWindow::tr("sequences");
    }
}

QString lastFolder()
{
    QSettings settings(organization, application);
    const QString folder = settings.value(lastFolderKey).toString();
    return QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

void rememberFolder(const QString &path)
{
    QSettings settings(organization, application);
    const QFileInfo info(path);
    settings.setValue(lastFolderKey, info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

/// A themed icon when the desktop has one, else Orrery's own SVG.
QIcon icon(const char *themeName, const char *resource)
{
    return QIcon::fromTheme(QString::fromLatin1(themeName),
                            QIcon(QStringLiteral(":/orrery/icons/%1.svg").arg(QLatin1String(resource))));
}

std::shared_ptr<const std::vector<qint64>> setIds(Project &project, const QString &setName)
{
    sql::Statement st(project.db(), "SELECT ids FROM embedding_set WHERE name = ?");
    st.bind(1, setName);
    if (!st.step())
        throw Error(QStringLiteral("no embedding set named \"%1\"").arg(setName));
    return std::make_shared<const std::vector<qint64>>(unpackIds(st.columnBlob(0)));
}

std::vector<qint64> queryIds(sql::Statement &st)
{
    std::vector<qint64> ids;
    while (st.step())
        ids.push_back(st.columnInt(0));
    return ids;
}

QList<qint64> toList(const std::vector<qint64> &ids)
{
    return QList<qint64>(ids.begin(), ids.end());
}

/// The outcome of an import as the window reports it.
struct ImportOutcome {
    io::ImportResult result;
    QStringList paths;
};

/// What a compute-map job returns.
struct MapOutcome {
    MapPlan plan;
    MapLayout last;
    double seconds = 0;
};

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    initResources();
    m_runner = new JobRunner(this);
    m_datasets = new DatasetModel(this);
    m_items = new ItemModel(this);
    m_itemProxy = new QSortFilterProxyModel(this);
    m_itemProxy->setSourceModel(m_items);
    m_itemProxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_itemProxy->setSortLocaleAware(true);
    m_searchResults = new ItemListModel(this);
    m_searchResults->setScoreTitle(QString());
    m_problems = new ProblemsModel(this);

    createWidgets();
    createDocks();
    createActions();
    restoreSettings();
    setAcceptDrops(true);
    setWindowTitle(tr("No project"));
    connect(m_runner, &JobRunner::started, this, &MainWindow::updateJobStatus);
    connect(m_runner, &JobRunner::progressed, this, &MainWindow::updateJobStatus);
    connect(m_runner, &JobRunner::finished, this, &MainWindow::updateJobStatus);
    updateActions();
    updateCounts();
}

MainWindow::~MainWindow()
{
    m_runner->cancelAll();
    m_runner->waitForDone();
    // The models read through the project; empty them while it is still open.
    m_inspector->setProject(nullptr);
    m_map->setProject(nullptr);
    m_items->clear();
    m_datasets->clear();
    m_searchResults->clear();
}

QString MainWindow::sampleProjectPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("sample.orrery"));
}

QString MainWindow::ensureSampleProject()
{
    const QString path = sampleProjectPath();
    if (QFileInfo::exists(path)) {
        try {
            Project project(path);
            if (!project.datasets().isEmpty())
                return path;
        } catch (const Error &) {
            // Unreadable (older or damaged): it is ours to regenerate.
        }
    }
    JobContext job;
    return io::createSampleProject(path, job);
}

QStringList MainWindow::recentProjects()
{
    QSettings settings(organization, application);
    return settings.value(recentKey).toStringList();
}

QWidget *MainWindow::createMapPage()
{
    m_map = new MapPage(m_runner);
    // Layouts arrive as const references to vectors (not registered for queued connections):
    // direct connections, all on the GUI thread.
    connect(this, &MainWindow::layoutReady, m_map, &MapPage::showLayout, Qt::DirectConnection);
    connect(this, &MainWindow::currentItemChanged, m_map, &MapPage::setCurrentItem);
    connect(this, &MainWindow::neighboursChanged, m_map, &MapPage::setNeighbourItems);
    connect(this, &MainWindow::pathChanged, m_map, &MapPage::setPathItems);
    connect(this, &MainWindow::searchResults, m_map, &MapPage::setHighlightedItems);
    connect(this, &MainWindow::filterChanged, m_map, &MapPage::setFilterItems);
    connect(m_map, &MapPage::itemClicked, this, [this](qint64 id) {
        if (id)
            selectItem(id);
    });
    connect(m_map, &MapPage::itemActivated, this, [this](qint64 id) {
        selectItem(id);
        m_inspectorDock->show();
        m_inspectorDock->raise();
    });
    connect(m_map, &MapPage::itemsSelected, this, &MainWindow::setSelection);
    connect(m_map, &MapPage::itemHovered, this, &MainWindow::showItemHint);
    return m_map;
}

void MainWindow::createWidgets()
{
    m_datasetTitle = new QLabel;
    QFont titleFont = m_datasetTitle->font();
    titleFont.setBold(true);
    m_datasetTitle->setFont(titleFont);
    m_datasetTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(tr("Search titles, artists, text…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(fontMetrics().averageCharWidth() * 28);
    m_search->setMaximumWidth(fontMetrics().averageCharWidth() * 48);
    m_search->addAction(icon("edit-find", "find"), QLineEdit::LeadingPosition);
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchTimer, &QTimer::timeout, this, [this] { runSearch(m_search->text()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        // Enter jumps to the best match.
        setSearchText(m_search->text());
        if (m_searchResults->rowCount() > 0) {
            selectItem(m_searchResults->itemId(0));
            m_searchView->setCurrentIndex(m_searchResults->index(0, ItemListModel::Name));
        }
    });

    m_itemView = new QTableView;
    m_itemView->setModel(m_itemProxy);
    m_itemView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_itemView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_itemView->setAlternatingRowColors(true);
    m_itemView->setWordWrap(false);
    m_itemView->setShowGrid(false);
    m_itemView->verticalHeader()->hide();
    m_itemView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_itemView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    QHeaderView *itemHeader = m_itemView->horizontalHeader();
    itemHeader->setStretchLastSection(true);
    itemHeader->setSectionsMovable(true);
    itemHeader->setHighlightSections(false);
    // No sort column at first: the table keeps the dataset's own order until a header is clicked.
    itemHeader->setSortIndicator(-1, Qt::AscendingOrder);
    m_itemView->setSortingEnabled(true);
    const int ch = fontMetrics().averageCharWidth();
    m_itemView->setColumnWidth(ItemModel::Title, ch * 28);
    m_itemView->setColumnWidth(ItemModel::Artist, ch * 22);
    connect(m_itemView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        QList<qint64> ids;
        for (const QModelIndex &row : m_itemView->selectionModel()->selectedRows())
            ids.append(row.data(ItemModel::IdRole).toLongLong());
        setSelection(ids);
    });
    connect(m_itemView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    selectItem(current.data(ItemModel::IdRole).toLongLong());
            });

    connect(m_items, &QAbstractItemModel::modelReset, this, &MainWindow::updateCounts);
    connect(m_items, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCounts);
    connect(m_items, &ItemModel::failed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Could not read the items: %1").arg(message), 8000);
    });

    auto *itemsPage = new QWidget;
    auto *itemsLayout = new QVBoxLayout(itemsPage);
    const int margin = style()->pixelMetric(QStyle::PM_LayoutTopMargin) / 2;
    itemsLayout->setContentsMargins(margin, margin, margin, 0);
    itemsLayout->addWidget(m_datasetTitle);
    itemsLayout->addWidget(m_itemView, 1);

    m_mapPage = createMapPage();
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_mapPage, tr("Map"));
    m_tabs->addTab(itemsPage, tr("Items"));
    setCentralWidget(m_tabs);

    m_counts = new QLabel;
    m_jobLabel = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(ch * 24);
    m_progress->setTextVisible(false);
    m_cancel = new QToolButton;
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop this job; what it was writing is left out of the project"));
    m_cancel->setAutoRaise(true);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        const QList<JobId> jobs = m_runner->jobs();
        if (!jobs.isEmpty())
            m_runner->cancel(jobs.last());
    });
    statusBar()->addWidget(m_counts, 1);
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    m_jobLabel->hide();
    m_progress->hide();
    m_cancel->hide();
}

void MainWindow::createDocks()
{
    const int ch = fontMetrics().averageCharWidth();
    const auto dock = [this](const QString &title, const char *name, QWidget *widget, Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(QString::fromLatin1(name));
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };

    // Datasets, their embedding sets and layouts.
    m_datasetView = new QTreeView;
    m_datasetView->setModel(m_datasets);
    m_datasetView->setUniformRowHeights(true);
    m_datasetView->setAllColumnsShowFocus(true);
    m_datasetView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_datasetView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_datasetView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_datasetView->setContextMenuPolicy(Qt::ActionsContextMenu);
    QHeaderView *datasetHeader = m_datasetView->header();
    datasetHeader->setStretchLastSection(false);
    datasetHeader->setSectionResizeMode(QHeaderView::ResizeToContents);
    datasetHeader->setSectionResizeMode(DatasetModel::Name, QHeaderView::Stretch);
    // Names first in a narrow dock: kinds and counts other than items are in the tooltips and the status bar.
    for (const int column : {DatasetModel::Kind, DatasetModel::Sequences, DatasetModel::Entries, DatasetModel::Tags})
        m_datasetView->setColumnHidden(column, true);
    connect(m_datasetView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::treeCurrentChanged);
    m_datasetDock = dock(tr("Datasets"), "datasets", m_datasetView, Qt::LeftDockWidgetArea);

    // Search results and the attribute filter.
    m_filter = new QComboBox;
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setToolTip(tr("Dim the points outside a dataset, tag or label"));
    m_filter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_filter->setMinimumContentsLength(12);
    connect(m_filter, &QComboBox::activated, this, &MainWindow::applyFilter);
    m_searchView = new QTreeView;
    m_searchView->setModel(m_searchResults);
    m_searchView->setRootIsDecorated(false);
    m_searchView->setUniformRowHeights(true);
    m_searchView->setAllColumnsShowFocus(true);
    m_searchView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_searchView->setAlternatingRowColors(true);
    m_searchView->setColumnHidden(ItemListModel::Score, true);
    QHeaderView *searchHeader = m_searchView->header();
    searchHeader->setStretchLastSection(false);
    searchHeader->setSectionResizeMode(QHeaderView::ResizeToContents);
    searchHeader->setSectionResizeMode(ItemListModel::Name, QHeaderView::Stretch);
    connect(m_searchView, &QAbstractItemView::activated, this, &MainWindow::activateSearchResult);
    connect(m_searchView, &QAbstractItemView::doubleClicked, this, &MainWindow::activateSearchResult);
    m_searchSummary = new QLabel;
    m_searchSummary->setForegroundRole(QPalette::PlaceholderText);
    m_searchSummary->setWordWrap(true);
    auto *searchPanel = new QWidget;
    auto *searchLayout = new QVBoxLayout(searchPanel);
    const int gap = style()->pixelMetric(QStyle::PM_LayoutLeftMargin) / 2;
    searchLayout->setContentsMargins(gap, 0, 0, 0);
    auto *filterRow = new QHBoxLayout;
    auto *filterLabel = new QLabel(tr("&Filter:"));
    filterLabel->setBuddy(m_filter);
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(m_filter, 1);
    searchLayout->addLayout(filterRow);
    searchLayout->addWidget(m_searchSummary);
    searchLayout->addWidget(m_searchView, 1);
    m_searchDock = dock(tr("Search"), "search", searchPanel, Qt::LeftDockWidgetArea);

    // The inspector.
    m_inspector = new Inspector;
    connect(m_inspector, &Inspector::itemActivated, this, &MainWindow::selectItem);
    connect(m_inspector, &Inspector::neighboursChanged, this, &MainWindow::neighboursChanged);
    connect(m_inspector, &Inspector::pathChanged, this, &MainWindow::pathChanged);
    m_inspectorDock = dock(tr("Inspector"), "inspector", m_inspector, Qt::RightDockWidgetArea);

    // Recommendations: continue the selection (or the current playlist) with songs.
    auto *recommendations = new QWidget;
    auto *recommendLayout = new QVBoxLayout(recommendations);
    recommendLayout->setContentsMargins(0, 0, 0, 0);
    auto *seedBar = new QHBoxLayout;
    m_recommendSeeds = new QLabel(tr("No seeds yet"));
    m_recommendSeeds->setWordWrap(true);
    m_seedButton = new QToolButton;
    m_seedButton->setText(tr("Seed from selection"));
    m_seedButton->setToolTip(tr("Recommend songs that continue the selected songs, or the current playlist"));
    connect(m_seedButton, &QToolButton::clicked, this, &MainWindow::seedRecommendations);
    seedBar->addWidget(m_recommendSeeds, 1);
    seedBar->addWidget(m_seedButton);
    recommendLayout->addLayout(seedBar);
    m_recommend = new RecommendPanel;
    connect(m_recommend, &RecommendPanel::itemActivated, this, &MainWindow::selectItem);
    connect(m_recommend, &RecommendPanel::failed, this,
            [this](const QString &message) { statusBar()->showMessage(tr("Recommendations: %1").arg(message), 8000); });
    recommendLayout->addWidget(m_recommend, 1);
    m_recommendDock = dock(tr("Recommendations"), "recommendations", recommendations, Qt::RightDockWidgetArea);
    tabifyDockWidget(m_inspectorDock, m_recommendDock);
    m_inspectorDock->raise();

    // Jobs and import problems share the bottom.
    m_jobsPanel = new JobsPanel(m_runner);
    m_jobsDock = dock(tr("Jobs"), "jobs", m_jobsPanel, Qt::BottomDockWidgetArea);
    m_problemsView = new QTreeView;
    m_problemsView->setModel(m_problems);
    m_problemsView->setRootIsDecorated(false);
    m_problemsView->setUniformRowHeights(true);
    m_problemsView->setAlternatingRowColors(true);
    m_problemsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_problemsView->setWordWrap(false);
    m_problemsView->header()->setStretchLastSection(true);
    m_problemsView->setColumnWidth(ProblemsModel::Severity, ch * 12);
    m_problemsView->setColumnWidth(ProblemsModel::Location, ch * 24);
    m_problemsDock = dock(tr("Import Problems"), "problems", m_problemsView, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_jobsDock, m_problemsDock);
    m_jobsDock->raise();
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newAction = file->addAction(icon("document-new", "new"), tr("&New Project…"), this,
                                  &MainWindow::chooseNewProject);
    m_newAction->setShortcut(QKeySequence::New);
    m_openAction = file->addAction(icon("document-open", "open"), tr("&Open…"), this, &MainWindow::chooseProject);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setStatusTip(tr("Open an Orrery project"));
    m_sampleAction = file->addAction(tr("Open &Sample"), this, &MainWindow::openSample);
    m_sampleAction->setStatusTip(
        tr("Open a small project with playlists, articles and records made up on this machine"));
    m_recentMenu = file->addMenu(icon("document-open-recent", "open"), tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    m_importAction = file->addAction(icon("document-import", "import"), tr("&Import…"), this,
                                     [this] { chooseImport(false); });
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importAction->setStatusTip(tr("Import playlist, document, record or vector files as a new dataset"));
    m_importFolderAction = file->addAction(tr("Import &Folder…"), this, [this] { chooseImport(true); });
    m_importFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    m_importFolderAction->setStatusTip(tr("Import a folder (MPD slices, a text corpus, …) as a new dataset"));
    file->addSeparator();
    QMenu *exportSelection = file->addMenu(icon("document-export", "export"), tr("&Export Selection"));
    const std::pair<const char *, io::ItemFormat> selectionFormats[] = {
        {QT_TR_NOOP("As &CSV…"), io::ItemFormat::Csv},
        {QT_TR_NOOP("As &JSON…"), io::ItemFormat::Json},
        {QT_TR_NOOP("As &Projector TSV…"), io::ItemFormat::Projector},
    };
    for (const auto &[text, format] : selectionFormats) {
        const io::ItemFormat f = format;
        QAction *action = exportSelection->addAction(tr(text), this, [this, f] { chooseExport(f); });
        m_exportSelectionActions.append(action);
    }
    m_exportSelectionActions.first()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QMenu *exportMap = file->addMenu(tr("Export &Map Image"));
    QAction *exportMapAction = exportMap->addAction(tr("As &PNG or SVG…"), this, qOverload<>(&MainWindow::exportMapImage));
    exportMapAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportMapActions.append(exportMapAction);
    file->addSeparator();
    QAction *quit = file->addAction(icon("application-exit", "quit"), tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *find = edit->addAction(icon("edit-find", "find"), tr("&Find"), this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    QAction *none = edit->addAction(tr("Select &None"), this, [this] {
        m_itemView->clearSelection();
        setSelection({});
        selectItem(0);
    });
    none->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));

    QMenu *map = menuBar()->addMenu(tr("&Map"));
    m_computeMapAction = map->addAction(icon("run-build", "map"), tr("&Compute Map"), this, [this] { computeMap(); });
    m_computeMapAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_computeMapAction->setStatusTip(
        tr("Embed the selected dataset with defaults for its kind, then lay it out (PCA at once, then UMAP)"));
    map->addSeparator();
    const std::pair<const char *, ProjectionMethod> methods[] = {
        {QT_TR_NOOP("&PCA"), ProjectionMethod::Pca},
        {QT_TR_NOOP("&t-SNE"), ProjectionMethod::Tsne},
        {QT_TR_NOOP("&UMAP"), ProjectionMethod::Umap},
    };
    for (const auto &[text, method] : methods) {
        const ProjectionMethod m = method;
        QAction *action = map->addAction(tr(text), this, [this, m] {
            if (!m_mapSet.isEmpty())
                showLayout(m_mapSet, m);
        });
        action->setStatusTip(tr("Show the current embedding set by %1 (computed and stored when new)")
                                 .arg(toString(m).toUpper()));
        m_projectionActions.append(action);
    }
    m_datasetView->addAction(m_computeMapAction);
    m_datasetView->addActions(m_projectionActions);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *showMap = view->addAction(tr("&Map"), this, [this] { m_tabs->setCurrentIndex(0); });
    showMap->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *showItems = view->addAction(tr("&Items"), this, [this] { m_tabs->setCurrentIndex(1); });
    showItems->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    view->addSeparator();
    for (QDockWidget *d : {m_datasetDock, m_searchDock, m_inspectorDock, m_jobsDock, m_problemsDock})
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
    bar->addWidget(m_search);
    view->insertAction(view->actions().value(3), bar->toggleViewAction());
}

void MainWindow::restoreSettings()
{
    QSettings settings(organization, application);
    m_restoredGeometry = restoreGeometry(settings.value(geometryKey).toByteArray());
    if (!m_restoredGeometry)
        resize(1280, 800);
    m_restoredState = restoreState(settings.value(stateKey).toByteArray(), stateVersion);
}

void MainWindow::saveSettings()
{
    QSettings settings(organization, application);
    settings.setValue(geometryKey, saveGeometry());
    settings.setValue(stateKey, saveState(stateVersion));
}

bool MainWindow::openProject(const QString &path, QString *error)
{
    const auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        else
            showError(tr("Could not open the project."), message);
        return false;
    };
    if (isBusy())
        return fail(tr("An import is running; wait for it or cancel it first."));
    const QString absolute = QFileInfo(path).absoluteFilePath();
    std::unique_ptr<Project> project;
    try {
        project = std::make_unique<Project>(absolute);
    } catch (const Error &e) {
        return fail(e.message());
    }
    // Whatever ran for the previous project no longer matters.
    m_runner->cancelAll();
    ++m_projectSerial;
    m_mapJobs.clear();
    m_search->blockSignals(true);
    m_search->clear();
    m_search->blockSignals(false);
    m_inspector->setProject(nullptr);
    m_items->clear();
    m_datasets->clear();
    m_searchResults->clear();
    m_index.reset();
    m_indexes.clear();
    m_indexJobs.clear();
    m_mapSet.clear();
    m_recommendSet.clear();
    m_currentItem = 0;
    m_selection.clear();
    m_project = std::move(project);
    m_inspector->setProject(m_project.get());
    m_map->setProject(m_project.get());
    setWindowTitle(QFileInfo(absolute).fileName());
    setWindowFilePath(absolute);
    addRecent(absolute);
    clearMap();
    reloadDatasets(0);
    fillFilter();
    updateActions();
    emit projectOpened(absolute);

    // First run: the sample shows a map without a click.
    if (QFileInfo(absolute) == QFileInfo(sampleProjectPath()) && m_datasets->rowCount() > 0
        && m_datasets->embeddingSets().isEmpty())
        computeMap(m_datasets->dataset(0).id);
    return true;
}

void MainWindow::openSample()
{
    const QString path = sampleProjectPath();
    if (QFileInfo::exists(path)) {
        openProject(path);
        return;
    }
    JobSpec spec;
    spec.label = tr("Creating the sample project");
    spec.onReady = [this, path](std::any &&) { openProject(path); };
    spec.onFailed = [this](const QString &message) { showError(tr("Could not create the sample project."), message); };
    startExclusive(spec.label, spec, [path](JobRun &job) -> std::any {
        io::createSampleProject(path, job);
        return path;
    });
}

JobId MainWindow::startExclusive(const QString &label, JobSpec spec, JobRunner::Work work)
{
    spec.context = this;
    const JobId id = m_runner->start(std::move(spec), std::move(work));
    m_exclusiveJob = id;
    // The window's own signals for the exclusive job; the runner reports every job.
    auto progress = std::make_shared<QMetaObject::Connection>();
    auto finished = std::make_shared<QMetaObject::Connection>();
    *progress = connect(m_runner, &JobRunner::progressed, this, [this, id](JobId job, qint64 done, qint64 total) {
        if (job == id)
            emit jobProgress(done, total);
    });
    *finished = connect(m_runner, &JobRunner::finished, this,
                        [this, id, progress, finished](JobId job, JobRunner::Outcome outcome, const QString &message) {
                            if (job != id)
                                return;
                            disconnect(*progress);
                            disconnect(*finished);
                            if (m_exclusiveJob == id)
                                m_exclusiveJob = 0;
                            updateActions();
                            emit jobFinished(outcome == JobRunner::Outcome::Ready,
                                             outcome == JobRunner::Outcome::Cancelled, message);
                        });
    updateActions();
    emit jobStarted(label);
    return id;
}

bool MainWindow::importPaths(const QStringList &paths)
{
    if (!m_project || paths.isEmpty() || isBusy())
        return false;
    io::ImportOptions options;
    options.dataset = uniqueDatasetName(paths);
    const QString projectPath = m_project->path();
    const quint64 serial = m_projectSerial;
    QStringList names;
    for (const QString &p : paths)
        names.append(QFileInfo(p).fileName());
    const QString source = names.join(QStringLiteral(", "));

    JobSpec spec;
    spec.label = tr("Importing “%1”").arg(options.dataset);
    // An import reports cancel and failure in its result (the transaction is rolled back first).
    spec.onReady = [this, serial, source](std::any &&value) {
        if (stale(serial))
            return;
        const auto outcome = std::any_cast<ImportOutcome>(std::move(value));
        const io::ImportResult &r = outcome.result;
        QString message;
        if (r.ok) {
            reloadDatasets(r.datasetId);
            fillFilter();
            message = tr("Imported “%1”: %2 items, %3 sequences in %4 s")
                          .arg(r.datasetName, formatCount(r.stats.datasetItems), formatCount(r.stats.sequences),
                               QLocale().toString(r.stats.seconds, 'f', 1));
            if (r.stats.skipped) {
                message += tr("; %1 bad records skipped (see Import Problems)").arg(formatCount(r.stats.skipped));
                m_problems->addImport(source, {}, r.stats.warnings);
            }
            message += tr(". Map ▸ Compute Map lays it out.");
            statusBar()->showMessage(message, 15000);
        } else if (r.cancelled) {
            message = tr("Import cancelled; the project is unchanged.");
            statusBar()->showMessage(message, 10000);
        } else {
            message = r.error;
            m_problems->addImport(source, r.error, r.stats.warnings);
            m_problemsDock->show();
            m_problemsDock->raise();
            statusBar()->showMessage(tr("Could not import %1: %2").arg(source, r.error), 15000);
        }
        emit importFinished(r.ok, r.cancelled, message);
    };
    spec.onCancelled = [this, serial] {
        if (!stale(serial))
            emit importFinished(false, true, tr("Import cancelled; the project is unchanged."));
    };
    spec.onFailed = [this, serial, source](const QString &message) {
        if (stale(serial))
            return;
        m_problems->addImport(source, message, {});
        m_problemsDock->show();
        m_problemsDock->raise();
        emit importFinished(false, false, message);
    };
    return startExclusive(spec.label, spec, [projectPath, paths, options](JobRun &job) -> std::any {
        // A connection of its own: the GUI's stays free to read while this one writes (WAL).
        Project project(projectPath);
        ImportOutcome outcome;
        outcome.result = io::importPaths(project, paths, options, job);
        outcome.paths = paths;
        return outcome;
    }) != 0;
}

void MainWindow::cancelJob()
{
    if (m_exclusiveJob)
        m_runner->cancel(m_exclusiveJob);
}

void MainWindow::updateJobStatus()
{
    const QList<JobId> jobs = m_runner->jobs();
    if (jobs.isEmpty()) {
        m_jobLabel->hide();
        m_progress->hide();
        m_cancel->hide();
        return;
    }
    const JobRunner::Info info = m_runner->info(jobs.last());
    QString label = info.cancelling ? tr("Cancelling…") : info.label;
    if (jobs.size() > 1)
        label += tr(" (+%1 more)").arg(jobs.size() - 1);
    m_jobLabel->setText(label);
    if (info.total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::clamp<qint64>(info.done * 1000 / info.total, 0, 1000)));
    } else {
        m_progress->setRange(0, 0);
    }
    m_progress->setToolTip(info.message);
    m_cancel->setEnabled(!info.cancelling);
    m_jobLabel->show();
    m_progress->show();
    m_cancel->show();
}

void MainWindow::reloadDatasets(qint64 selectId)
{
    const QModelIndex before = m_datasetView->currentIndex();
    const qint64 keepDataset = selectId ? selectId : m_datasets->datasetIdOf(before);
    const QString keepName = selectId ? QString() : before.data(DatasetModel::FullNameRole).toString();
    const int keepType = before.isValid() ? before.data(DatasetModel::TypeRole).toInt() : -1;
    const bool wasSyncing = std::exchange(m_syncingTree, true);
    try {
        m_datasets->reload(m_project.get());
    } catch (const Error &e) {
        showError(tr("Could not read the project."), e.message());
    }
    QModelIndex target;
    if (!selectId && keepType == DatasetModel::SetNode)
        target = m_datasets->indexOfSet(keepName);
    else if (!selectId && keepType == DatasetModel::LayoutNode)
        target = m_datasets->indexOfLayout(keepName);
    if (!target.isValid() && keepDataset)
        target = m_datasets->indexOfDataset(keepDataset);
    if (!target.isValid() && m_datasets->rowCount() > 0)
        target = m_datasets->index(0, DatasetModel::Name);
    // Same item as before: nothing to redo but the tree's own state.
    const bool same = target.isValid() && target.data(DatasetModel::FullNameRole) == keepName
        && target.data(DatasetModel::TypeRole).toInt() == keepType && !selectId;
    m_syncingTree = same || wasSyncing;
    if (target.isValid()) {
        m_datasetView->setCurrentIndex(target);
        m_datasetView->expand(target.parent());
        m_datasetView->expand(target);
    } else {
        treeCurrentChanged({});
    }
    m_syncingTree = wasSyncing;
    if (same)
        datasetChanged(m_datasets->datasetIdOf(target));
}

void MainWindow::selectInTree(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const bool was = std::exchange(m_syncingTree, true);
    m_datasetView->expand(index.parent());
    m_datasetView->setCurrentIndex(index);
    m_syncingTree = was;
}

void MainWindow::treeCurrentChanged(const QModelIndex &current)
{
    const qint64 datasetId = m_datasets->datasetIdOf(current);
    datasetChanged(datasetId);
    if (m_syncingTree || !m_project)
        return;
    if (!current.isValid()) {
        setCurrentSet({});
        clearMap();
        return;
    }
    switch (m_datasets->nodeType(current)) {
    case DatasetModel::DatasetNode: {
        // The dataset's own map: the set its plan shows, else its first set.
        QString set;
        try {
            const QString planned = planFor(*m_project, datasetId).mapSet;
            if (m_datasets->indexOfSet(planned).isValid())
                set = planned;
        } catch (const Error &) {
        }
        const QModelIndex node = m_datasets->index(current.row(), 0, current.parent());
        if (set.isEmpty() && m_datasets->rowCount(node) > 0)
            set = m_datasets->setNameOf(m_datasets->index(0, 0, node));
        if (m_mapSet.startsWith(m_datasets->dataset(current.row()).name + u'/') && !m_mapSet.isEmpty()
            && m_datasets->indexOfSet(m_mapSet).isValid())
            return; // already showing one of its sets
        if (set.isEmpty()) {
            setCurrentSet({});
            clearMap();
            return;
        }
        setCurrentSet(set);
        QList<LayoutInfo> layouts = m_datasets->layoutsOf(set);
        ProjectionMethod method = ProjectionMethod::Pca;
        for (const ProjectionMethod preferred : {ProjectionMethod::Umap, ProjectionMethod::Tsne}) {
            if (std::any_of(layouts.begin(), layouts.end(),
                            [&](const LayoutInfo &l) { return l.name == layoutName(set, preferred); })) {
                method = preferred;
                break;
            }
        }
        showLayout(set, method);
        break;
    }
    case DatasetModel::SetNode: {
        const QString set = m_datasets->setNameOf(current);
        setCurrentSet(set);
        ProjectionMethod method = ProjectionMethod::Pca;
        for (const ProjectionMethod preferred : {ProjectionMethod::Umap, ProjectionMethod::Tsne})
            if (m_datasets->indexOfLayout(layoutName(set, preferred)).isValid()) {
                method = preferred;
                break;
            }
        showLayout(set, method);
        break;
    }
    case DatasetModel::LayoutNode: {
        const LayoutInfo *layout = m_datasets->layoutOf(current);
        ProjectionMethod method;
        setCurrentSet(layout->setName);
        if (fromString(layout->method, &method))
            showLayout(layout->setName, method);
        break;
    }
    }
}

bool MainWindow::selectDataset(const QString &name)
{
    const int row = m_datasets->rowOf(name);
    if (row < 0)
        return false;
    m_datasetView->setCurrentIndex(m_datasets->index(row, DatasetModel::Name));
    return true;
}

bool MainWindow::selectSet(const QString &setName)
{
    const QModelIndex index = m_datasets->indexOfSet(setName);
    if (!index.isValid())
        return false;
    m_datasetView->expand(index.parent());
    m_datasetView->setCurrentIndex(index);
    return true;
}

qint64 MainWindow::currentDatasetId() const
{
    return m_datasets->datasetIdOf(m_datasetView->currentIndex());
}

void MainWindow::setSearchText(const QString &text)
{
    if (m_search->text() != text) {
        m_search->blockSignals(true);
        m_search->setText(text);
        m_search->blockSignals(false);
    }
    m_searchTimer->stop();
    runSearch(text);
}

void MainWindow::runSearch(const QString &text)
{
    m_items->setSearch(text);
    const QString fts = ItemModel::ftsQuery(text);
    const qint64 dataset = currentDatasetId();
    if (fts.isEmpty() || !m_project || !dataset) {
        m_searchResults->clear();
        m_searchSummary->setText(text.trimmed().isEmpty() ? tr("Type in the search box to find items.")
                                                          : tr("No dataset selected."));
        emit searchResults({});
        return;
    }
    try {
        sql::Statement ranked(m_project->db(), rankedSearch);
        ranked.bind(1, dataset).bind(2, fts).bind(3, searchListLimit);
        const std::vector<qint64> best = queryIds(ranked);
        sql::Statement all(m_project->db(), allMatches);
        all.bind(1, dataset).bind(2, fts).bind(3, searchHighlightLimit);
        std::vector<qint64> matches = queryIds(all);
        std::sort(matches.begin(), matches.end());
        m_searchResults->setItems(*m_project, best);
        m_searchSummary->setText(matches.empty() ? tr("No match for “%1”.").arg(text.trimmed())
                                 : qint64(matches.size()) > searchListLimit
                                     ? tr("%1 matches; the best %2 listed. Enter opens the first.")
                                           .arg(formatCount(qint64(matches.size())), formatCount(searchListLimit))
                                     : tr("%n match(es). Enter opens the first.", nullptr, int(matches.size())));
        emit searchResults(toList(matches));
    } catch (const Error &e) {
        m_searchResults->clear();
        m_searchSummary->setText(e.message());
        emit searchResults({});
    }
}

void MainWindow::activateSearchResult(const QModelIndex &index)
{
    if (index.isValid())
        selectItem(m_searchResults->itemId(index.row()));
}

void MainWindow::fillFilter()
{
    m_filter->clear();
    m_filter->addItem(tr("Everything"), QStringList());
    if (!m_project) {
        emit filterChanged({}, false);
        return;
    }
    for (const DatasetInfo &d : m_datasets->datasets())
        m_filter->addItem(tr("Dataset: %1").arg(d.name), QStringList{QStringLiteral("dataset"), QString::number(d.id)});
    try {
        sql::Statement st(m_project->db(),
                          "SELECT kind, name, n FROM (SELECT t.kind AS kind, t.name AS name, "
                          "count(DISTINCT it.item_id) AS n FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                          "GROUP BY t.id ORDER BY n DESC LIMIT 200) ORDER BY kind, name");
        while (st.step()) {
            const QString kind = st.columnText(0);
            const QString name = st.columnText(1);
            const QString text = kind == u"label" ? tr("Label: %1 (%2)") : tr("Tag: %1 (%2)");
            m_filter->addItem(text.arg(name, formatCount(st.columnInt(2))), QStringList{kind, name});
        }
    } catch (const Error &e) {
        statusBar()->showMessage(tr("Could not read the tags: %1").arg(e.message()), 8000);
    }
    emit filterChanged({}, false);
}

void MainWindow::applyFilter(int row)
{
    const QStringList what = m_filter->itemData(row).toStringList();
    if (what.size() != 2 || !m_project) {
        emit filterChanged({}, false);
        statusBar()->showMessage(tr("Filter off"), 4000);
        return;
    }
    try {
        std::vector<qint64> ids;
        if (what[0] == u"dataset") {
            sql::Statement st(m_project->db(), "SELECT item_id FROM dataset_item WHERE dataset_id = ? ORDER BY item_id");
            st.bind(1, what[1].toLongLong());
            ids = queryIds(st);
        } else {
            sql::Statement st(m_project->db(), "SELECT DISTINCT it.item_id FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                                               "WHERE t.kind = ? AND t.name = ? ORDER BY it.item_id");
            st.bind(1, what[0]).bind(2, what[1]);
            ids = queryIds(st);
        }
        statusBar()->showMessage(tr("Filter: %1 items admitted").arg(formatCount(qint64(ids.size()))), 6000);
        emit filterChanged(toList(ids), true);
    } catch (const Error &e) {
        statusBar()->showMessage(e.message(), 8000);
    }
}

void MainWindow::datasetChanged(qint64 datasetId)
{
    if (!m_project || !datasetId) {
        if (m_items->datasetId()) {
            m_items->setDataset(nullptr, 0);
            m_datasetTitle->clear();
            runSearch(m_search->text());
        }
        updateCounts();
        updateActions();
        return;
    }
    if (m_items->datasetId() == datasetId) {
        updateCounts();
        updateActions();
        return;
    }
    const DatasetInfo &info = m_datasets->dataset(m_datasets->rowOf(datasetId));
    m_datasetTitle->setText(info.name);
    const bool music = info.kind == DatasetKind::Playlists;
    m_itemView->setColumnHidden(ItemModel::Artist, !music);
    m_itemView->setColumnHidden(ItemModel::Album, !music);
    m_items->setDataset(m_project.get(), info.id, info.items);
    m_itemView->scrollToTop();
    // Keys run from "science/01.txt" to 36-character URIs: fit them, and leave the rest to titles.
    const int ch = fontMetrics().averageCharWidth();
    for (const int column : {ItemModel::Key, ItemModel::Kind}) {
        m_itemView->resizeColumnToContents(column);
        m_itemView->setColumnWidth(column, std::clamp(m_itemView->columnWidth(column), ch * 8, ch * 44));
    }
    runSearch(m_search->text());
    updateCounts();
    updateActions();
}

void MainWindow::setCurrentSet(const QString &setName)
{
    if (setName == m_mapSet)
        return;
    m_mapSet = setName;
    m_index = m_indexes.value(setName);
    if (!setName.isEmpty())
        loadNeighbourIndex(setName);
    updateInspectorIndex();
    updateRecommendSource();
    updateActions();
    updateCounts();
    emit embeddingSetSelected(setName);
}

QString MainWindow::songSetFor(const QString &setName) const
{
    if (!m_project || setName.isEmpty())
        return {};
    // A set of songs serves as it is; a set of playlists pooled from song vectors serves through them.
    QString name = setName;
    for (int hop = 0; hop < 2 && !name.isEmpty(); ++hop) {
        sql::Statement st(m_project->db(),
                          "SELECT item_kind, coalesce(json_extract(params, '$.from'), '') FROM embedding_set WHERE name = ?");
        st.bind(1, name);
        if (!st.step())
            return {};
        if (ItemKind(st.columnInt(0)) == ItemKind::Track)
            return name;
        name = st.columnText(1);
    }
    return {};
}

void MainWindow::updateRecommendSource()
{
    const QString songs = songSetFor(m_mapSet);
    m_seedButton->setEnabled(!songs.isEmpty());
    if (songs.isEmpty()) {
        m_recommendSeeds->setText(m_mapSet.isEmpty() ? tr("Choose a set of song or playlist vectors")
                                                     : tr("“%1” holds no song vectors to recommend from").arg(m_mapSet));
        return;
    }
    if (songs == m_recommendSet)
        return;
    m_recommendSet = songs;
    m_recommend->setSource(m_project->path(), songs);
    if (m_recommend->seeds().isEmpty()) // seeds given before the set was ready keep their "Continuing …"
        m_recommendSeeds->setText(tr("Recommending from “%1”: select songs or a playlist, then seed").arg(songs));
}

void MainWindow::seedRecommendations()
{
    if (!m_project)
        return;
    QList<qint64> seeds;
    QString what;
    try {
        for (const qint64 id : selection()) {
            const std::optional<ItemDetails> item = readItemDetails(*m_project, id);
            if (!item)
                continue;
            if (item->kind == ItemKind::Playlist) {
                seeds.append(QList<qint64>(item->entries.begin(), item->entries.end()));
                what = tr("playlist “%1”").arg(item->displayName());
            } else {
                seeds.append(id);
                what = tr("“%1”").arg(item->displayName());
            }
        }
    } catch (const Error &e) {
        statusBar()->showMessage(e.message(), 8000);
        return;
    }
    if (seeds.isEmpty()) {
        m_recommendSeeds->setText(tr("Select songs or a playlist first"));
        return;
    }
    if (what.isEmpty() || selection().size() > 1)
        what = tr("%1 selected items").arg(selection().size());
    m_recommendSeeds->setText(seeds.size() == 1 ? tr("Continuing %1").arg(what)
                                                : tr("Continuing %1 (%2 seed songs)").arg(what).arg(seeds.size()));
    m_recommend->setSeeds(seeds);
    m_recommendDock->show();
    m_recommendDock->raise();
}

QString MainWindow::setForCurrentItem() const
{
    const std::optional<ItemDetails> &item = m_inspector->details();
    if (!item)
        return m_mapSet;
    const QList<EmbeddingSetInfo> &sets = m_datasets->embeddingSets();
    const auto mapInfo = std::find_if(sets.begin(), sets.end(), [&](const EmbeddingSetInfo &s) { return s.name == m_mapSet; });
    if (mapInfo != sets.end() && mapInfo->kind == item->kind)
        return m_mapSet;
    // A playlist on a map of songs: its neighbours come from the playlists' own set.
    for (const EmbeddingSetInfo &s : sets)
        if (s.kind == item->kind)
            for (const ItemDetails::Membership &m : item->datasets)
                if (m.dataset == s.dataset)
                    return s.name;
    return m_mapSet;
}

void MainWindow::updateInspectorIndex()
{
    const QString set = setForCurrentItem();
    if (set.isEmpty()) {
        m_inspector->setIndex(nullptr, {});
        return;
    }
    const auto index = m_indexes.value(set);
    if (!index && !m_indexJobs.contains(set) && m_datasets->indexOfSet(set).isValid())
        loadNeighbourIndex(set);
    m_inspector->setIndex(index, set, !index && m_indexJobs.contains(set));
}

void MainWindow::loadNeighbourIndex(const QString &setName)
{
    if (!m_project || m_indexes.contains(setName) || m_indexJobs.contains(setName))
        return;
    const QString projectPath = m_project->path();
    const quint64 serial = m_projectSerial;
    JobSpec spec;
    spec.label = tr("Neighbour index of %1").arg(setName);
    spec.key = QStringLiteral("index:") + setName;
    spec.context = this;
    spec.onReady = JobRunner::typed<std::shared_ptr<const VectorIndex>>(
        [this, serial, setName](std::shared_ptr<const VectorIndex> index) {
            if (stale(serial))
                return;
            m_indexJobs.remove(setName);
            m_indexes.insert(setName, index);
            if (setName == m_mapSet)
                m_index = index;
            updateInspectorIndex();
            emit neighbourIndexReady(setName);
        });
    spec.onFailed = [this, serial, setName](const QString &message) {
        if (stale(serial))
            return;
        m_indexJobs.remove(setName);
        updateInspectorIndex();
        statusBar()->showMessage(tr("No neighbours for %1: %2").arg(setName, message), 10000);
    };
    spec.onCancelled = [this, serial, setName] {
        if (!stale(serial))
            m_indexJobs.remove(setName);
    };
    m_indexJobs.insert(setName, m_runner->start(spec, [projectPath, setName](JobRun &job) -> std::any {
        Project project(projectPath);
        const EmbeddingSet set = loadEmbeddingSet(project, setName);
        if (std::optional<VectorIndex> stored = VectorIndex::load(project, set, Metric::Cosine))
            return std::shared_ptr<const VectorIndex>(std::make_shared<VectorIndex>(std::move(*stored)));
        IndexOptions options;
        options.recallQueries = set.count() > options.exactThreshold ? 200 : 0;
        VectorIndex index = VectorIndex::build(set, options, job);
        // Small sets search exactly and build in milliseconds; a graph is worth keeping.
        if (!index.isExact())
            index.save(project);
        return std::shared_ptr<const VectorIndex>(std::make_shared<VectorIndex>(std::move(index)));
    }));
}

void MainWindow::showLayout(const QString &setName, ProjectionMethod method)
{
    if (!m_project || setName.isEmpty())
        return;
    setCurrentSet(setName);
    emit layoutRequested(setName, toString(method));
    const QString projectPath = m_project->path();
    const quint64 serial = m_projectSerial;
    const QString name = layoutName(setName, method);
    const bool stored = m_datasets->indexOfLayout(name).isValid();
    JobSpec spec;
    spec.label = stored ? tr("Loading map %1").arg(name) : tr("%1 of %2").arg(toString(method).toUpper(), setName);
    spec.key = QStringLiteral("layout"); // one map: the latest request wins
    spec.context = this;
    spec.onPartial = JobRunner::typed<MapLayout>([this, serial](MapLayout layout) {
        if (!stale(serial) && layout.setName == m_mapSet)
            deliverLayout(layout);
    });
    spec.onReady = JobRunner::typed<MapLayout>([this, serial](MapLayout layout) {
        if (stale(serial))
            return;
        const bool current = layout.setName == m_mapSet;
        if (current)
            deliverLayout(layout);
        if (!layout.stored) {
            reloadDatasets(0);
            if (current)
                selectInTree(m_datasets->indexOfLayout(layout.name));
            statusBar()->showMessage(tr("Map %1 computed in %2 s")
                                         .arg(layout.name)
                                         .arg(QLocale().toString(layout.stats.value(QStringLiteral("seconds")).toDouble(), 'f', 1)),
                                     10000);
        }
    });
    spec.onFailed = [this, serial, name](const QString &message) {
        if (!stale(serial))
            statusBar()->showMessage(tr("Could not show %1: %2").arg(name, message), 15000);
    };
    m_runner->start(spec, [projectPath, setName, method, name](JobRun &job) -> std::any {
        Project project(projectPath);
        MapLayout out;
        out.name = name;
        out.setName = setName;
        out.method = toString(method);
        out.ids = setIds(project, setName);
        const QList<LayoutInfo> stored = listLayouts(project);
        if (std::any_of(stored.begin(), stored.end(), [&](const LayoutInfo &l) { return l.name == name; })) {
            Layout layout = loadLayout(project, name);
            out.xy = std::move(layout.xy);
            out.stats = layout.stats;
            out.stored = true;
            return out;
        }
        MapLayout partial = out;
        partial.partial = true;
        Layout layout = runLayoutStep(project, setName, method, job, [&](const std::vector<double> &xy, int) {
            partial.xy = xy;
            job.post(partial);
        });
        out.xy = std::move(layout.xy);
        out.stats = layout.stats;
        return out;
    });
}

bool MainWindow::isComputingMap() const
{
    return !m_mapJobs.isEmpty() || m_runner->jobOfKey(QStringLiteral("layout")) != 0;
}

bool MainWindow::computeMap(qint64 datasetId)
{
    if (!m_project)
        return false;
    if (!datasetId)
        datasetId = currentDatasetId();
    if (!datasetId || m_mapJobs.contains(datasetId))
        return false;
    MapPlan plan;
    try {
        plan = planFor(*m_project, datasetId);
    } catch (const Error &e) {
        statusBar()->showMessage(tr("Cannot compute a map: %1").arg(e.message()), 15000);
        emit mapComputed({}, false, e.message());
        return false;
    }
    for (const EmbedStep &step : plan.steps)
        m_indexes.remove(step.setName);
    // The map follows this computation from now on.
    m_runner->cancel(m_runner->jobOfKey(QStringLiteral("layout")));
    if (m_datasets->indexOfSet(plan.mapSet).isValid())
        setCurrentSet(plan.mapSet);
    else
        m_mapSet = plan.mapSet;
    const QString projectPath = m_project->path();
    const quint64 serial = m_projectSerial;
    const QString setName = plan.mapSet;
    JobSpec spec;
    spec.label = tr("Map of %1").arg(plan.datasetName);
    spec.key = QStringLiteral("compute:%1").arg(datasetId);
    spec.context = this;
    spec.onPartial = JobRunner::typed<MapLayout>([this, serial](MapLayout layout) {
        if (stale(serial) || layout.setName != m_mapSet)
            return;
        // The sets are stored before the first layout arrives: list them and load the neighbours.
        if (!m_datasets->indexOfSet(layout.setName).isValid()) {
            reloadDatasets(0);
            m_mapSet.clear();
            setCurrentSet(layout.setName);
            selectInTree(m_datasets->indexOfSet(layout.setName));
        }
        deliverLayout(layout);
    });
    spec.onReady = JobRunner::typed<MapOutcome>([this, serial, datasetId](MapOutcome outcome) {
        if (stale(serial))
            return;
        m_mapJobs.remove(datasetId);
        reloadDatasets(0);
        const bool current = outcome.plan.mapSet == m_mapSet;
        if (current) {
            loadNeighbourIndex(m_mapSet);
            selectInTree(m_datasets->indexOfLayout(outcome.last.name));
            deliverLayout(outcome.last);
        }
        const QString message = tr("Map of %1 ready in %2 s: %3")
                                    .arg(outcome.plan.datasetName)
                                    .arg(QLocale().toString(outcome.seconds, 'f', 1))
                                    .arg(outcome.plan.summary());
        statusBar()->showMessage(message, 15000);
        updateActions();
        emit mapComputed(outcome.plan.mapSet, true, message);
    });
    const auto ended = [this, serial, datasetId, setName](const QString &message) {
        if (stale(serial))
            return;
        m_mapJobs.remove(datasetId);
        reloadDatasets(0);
        updateActions();
        if (!message.isEmpty())
            statusBar()->showMessage(tr("Could not compute the map: %1").arg(message), 15000);
        emit mapComputed(setName, false, message.isEmpty() ? tr("cancelled") : message);
    };
    spec.onFailed = ended;
    spec.onCancelled = [ended] { ended({}); };
    const JobId id = m_runner->start(spec, [projectPath, plan](JobRun &job) -> std::any {
        QElapsedTimer clock;
        clock.start();
        Project project(projectPath);
        MapOutcome outcome;
        outcome.plan = plan;
        for (const EmbedStep &step : plan.steps)
            runEmbedStep(project, step, job);
        const auto ids = setIds(project, plan.mapSet);
        for (const ProjectionMethod method : plan.projections) {
            MapLayout shown;
            shown.name = layoutName(plan.mapSet, method);
            shown.setName = plan.mapSet;
            shown.method = toString(method);
            shown.ids = ids;
            shown.partial = true;
            Layout layout = runLayoutStep(project, plan.mapSet, method, job, [&](const std::vector<double> &xy, int) {
                shown.xy = xy;
                job.post(shown);
            });
            shown.xy = std::move(layout.xy);
            shown.stats = layout.stats;
            shown.partial = false;
            job.post(shown, true); // PCA shows at once while UMAP starts
            outcome.last = shown;
        }
        outcome.seconds = double(clock.elapsed()) / 1000.0;
        return outcome;
    });
    m_mapJobs.insert(datasetId, id);
    updateActions();
    statusBar()->showMessage(tr("Computing: %1").arg(plan.summary()), 10000);
    return true;
}

void MainWindow::deliverLayout(const MapLayout &layout)
{
    m_layout = layout;
    static const std::vector<qint64> none;
    emit layoutReady(layout.name, layout.xy, layout.ids ? *layout.ids : none, layout.partial);
    if (!layout.partial)
        updateActions();
}

void MainWindow::clearMap()
{
    m_layout = MapLayout();
    emit layoutReady({}, {}, {}, false);
    updateActions();
}

void MainWindow::selectItem(qint64 id)
{
    if (id == m_currentItem && id == m_inspector->itemId())
        return;
    m_currentItem = id;
    m_inspector->showItem(id);
    updateInspectorIndex();
    updateActions();
    emit currentItemChanged(id);
}

bool MainWindow::selectItemByKey(const QString &key)
{
    if (!m_project)
        return false;
    qint64 id = m_project->itemForKey(key, currentDatasetId());
    if (!id)
        id = m_project->itemForKey(key);
    if (!id) {
        sql::Statement st(m_project->db(), "SELECT id FROM item WHERE key = ? LIMIT 1");
        st.bind(1, key);
        if (st.step())
            id = st.columnInt(0);
    }
    if (!id)
        return false;
    // Show it among its own dataset's items.
    sql::Statement st(m_project->db(), "SELECT dataset_id FROM dataset_item WHERE item_id = ? ORDER BY dataset_id");
    st.bind(1, id);
    qint64 dataset = 0;
    while (st.step()) {
        if (st.columnInt(0) == currentDatasetId()) {
            dataset = 0;
            break;
        }
        if (!dataset)
            dataset = st.columnInt(0);
    }
    if (dataset)
        m_datasetView->setCurrentIndex(m_datasets->indexOfDataset(dataset));
    selectItem(id);
    return true;
}

void MainWindow::setSelection(const QList<qint64> &ids)
{
    m_selection = ids;
    updateActions();
}

QList<qint64> MainWindow::selection() const
{
    if (!m_selection.isEmpty())
        return m_selection;
    return m_currentItem ? QList<qint64>{m_currentItem} : QList<qint64>();
}

void MainWindow::showItemHint(qint64 id)
{
    if (!id || !m_project) {
        statusBar()->clearMessage();
        return;
    }
    try {
        const std::vector<ItemLabel> labels = itemLabelsOf(*m_project, {id});
        const ItemLabel &l = labels.front();
        statusBar()->showMessage(l.artist.isEmpty() ? l.name : tr("%1 — %2").arg(l.name, l.artist));
    } catch (const Error &) {
    }
}

bool MainWindow::exportSelection(io::ItemFormat format, const QString &path)
{
    const QList<qint64> chosen = selection();
    if (!m_project || chosen.isEmpty())
        return false;
    const QString projectPath = m_project->path();
    const QString setName = m_mapSet;
    const std::vector<qint64> ids(chosen.begin(), chosen.end());
    JobSpec spec;
    spec.label = tr("Exporting %n item(s)", nullptr, int(ids.size()));
    spec.context = this;
    spec.onReady = JobRunner::typed<io::ItemExportResult>([this, path](io::ItemExportResult result) {
        QString message = tr("Exported %1 items to %2").arg(formatCount(result.rows), QDir::toNativeSeparators(path));
        if (result.withoutVector)
            message += tr(" (%1 without a vector)").arg(formatCount(result.withoutVector));
        statusBar()->showMessage(message, 10000);
        emit exportFinished(true, message);
    });
    spec.onFailed = [this](const QString &message) {
        showError(tr("Could not export the selection."), message);
        emit exportFinished(false, message);
    };
    m_runner->start(spec, [projectPath, setName, ids, format, path](JobRun &) -> std::any {
        Project project(projectPath);
        std::optional<EmbeddingSet> set;
        if (!setName.isEmpty())
            set = loadEmbeddingSet(project, setName);
        return io::exportItems(project, ids, set ? &*set : nullptr, format, path);
    });
    return true;
}

void MainWindow::chooseExport(io::ItemFormat format)
{
    QString path;
    const QString base = QDir(lastFolder()).filePath(QStringLiteral("selection"));
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
        if (m_mapSet.isEmpty()) {
            showError(tr("Projector files need vectors."), tr("Choose an embedding set in the datasets panel first."));
            return;
        }
        path = QFileDialog::getExistingDirectory(this, tr("Export Selection for the Embedding Projector (folder)"),
                                                 lastFolder());
        break;
    }
    if (path.isEmpty())
        return;
    rememberFolder(path);
    exportSelection(format, path);
}

bool MainWindow::exportMapImage(const QString &path, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!m_map || m_map->view()->pointCount() == 0)
        return fail(tr("there is no map to export yet"));
    ScatterView *view = m_map->view();
    if (QFileInfo(path).suffix().compare(u"svg", Qt::CaseInsensitive) == 0) {
        if (!view->saveSvg(path))
            return fail(tr("%1: cannot write the SVG").arg(path));
        return true;
    }
    // At the window's size and pixel density, whatever frame is on screen right now.
    const QSize size = view->size() * view->devicePixelRatioF();
    if (!view->renderToImage(size.isEmpty() ? QSize(1280, 800) : size).save(path, "PNG"))
        return fail(tr("%1: cannot write the PNG").arg(path));
    return true;
}

void MainWindow::exportMapImage()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Export Map Image"),
                                                QDir(lastFolder()).filePath(QStringLiteral("map.png")),
                                                tr("PNG images (*.png);;SVG drawings (*.svg)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    rememberFolder(path);
    QString error;
    if (exportMapImage(path, &error))
        statusBar()->showMessage(tr("Map saved to %1").arg(QDir::toNativeSeparators(path)), 8000);
    else
        showError(tr("Could not export the map."), error);
}

void MainWindow::updateCounts()
{
    if (!m_project) {
        m_counts->setText(tr("No project open. File ▸ Open Sample shows what Orrery does."));
        return;
    }
    const qint64 datasetId = currentDatasetId();
    if (!datasetId) {
        m_counts->setText(m_datasets->rowCount() ? tr("%1 datasets").arg(m_datasets->rowCount())
                                                 : tr("No datasets yet. Drop files here, or File ▸ Import…"));
        return;
    }
    const DatasetInfo &info = m_datasets->dataset(m_datasets->rowOf(datasetId));
    const qint64 loaded = m_items->rowCount();
    const qint64 total = m_items->totalCount();
    QStringList parts;
    if (m_items->isSearching())
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
    if (!m_mapSet.isEmpty())
        parts.append(tr("set %1").arg(m_mapSet));
    m_counts->setText(parts.join(QStringLiteral(" · ")));
}

void MainWindow::updateActions()
{
    const bool idle = !isBusy();
    m_newAction->setEnabled(idle);
    m_openAction->setEnabled(idle);
    m_sampleAction->setEnabled(idle);
    m_recentMenu->setEnabled(idle);
    m_importAction->setEnabled(idle && m_project);
    m_importFolderAction->setEnabled(idle && m_project);
    const qint64 dataset = m_project ? currentDatasetId() : 0;
    m_computeMapAction->setEnabled(dataset && !m_mapJobs.contains(dataset));
    for (QAction *action : std::as_const(m_projectionActions))
        action->setEnabled(m_project && !m_mapSet.isEmpty());
    const bool selected = m_project && (!m_selection.isEmpty() || m_currentItem);
    for (QAction *action : std::as_const(m_exportSelectionActions))
        action->setEnabled(selected);
    m_exportSelectionActions.last()->setEnabled(selected && !m_mapSet.isEmpty());
    for (QAction *action : std::as_const(m_exportMapActions))
        action->setEnabled(m_map->view()->pointCount() > 0);
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings(organization, application);
    QStringList recent = settings.value(recentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > maxRecent)
        recent.removeLast();
    settings.setValue(recentKey, recent);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    int number = 0;
    for (const QString &path : recentProjects()) {
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
    m_recentMenu->addAction(tr("&Clear Menu"), this, [] {
        QSettings settings(organization, application);
        settings.remove(recentKey);
    });
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

QString MainWindow::uniqueDatasetName(const QStringList &paths) const
{
    const QFileInfo first(paths.first());
    const QString base = first.isDir() ? QDir(first.absoluteFilePath()).dirName() : first.completeBaseName();
    QString name = base;
    for (int n = 2; m_project && m_project->datasetId(name); ++n)
        name = QStringLiteral("%1 %2").arg(base).arg(n);
    return name;
}

void MainWindow::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), lastFolder(),
                                                      tr("Orrery projects (*.orrery);;All files (*)"));
    if (path.isEmpty())
        return;
    rememberFolder(path);
    openProject(path);
}

void MainWindow::chooseNewProject()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Project"), lastFolder(),
                                                tr("Orrery projects (*.orrery)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".orrery");
    rememberFolder(path);
    if (QFileInfo::exists(path)) {
        // The dialog asked before replacing it.
        if (m_project && QFileInfo(m_project->path()) == QFileInfo(path)) {
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
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Import Folder"), lastFolder());
        if (!dir.isEmpty())
            paths.append(dir);
    } else {
        paths = QFileDialog::getOpenFileNames(
            this, tr("Import"), lastFolder(),
            tr("Playlists, documents, records and vectors (*.m3u *.m3u8 *.pls *.xspf *.csv *.tsv *.json *.jsonl "
               "*.ndjson *.txt *.npy *.vec *.bin);;All files (*)"));
    }
    if (paths.isEmpty())
        return;
    rememberFolder(paths.first());
    importPaths(paths);
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Orrery"),
                       tr("<h3>Orrery %1</h3>"
                          "<p>A native explorer for embeddings and playlists.</p>"
                          "<p>Built with Qt %2, SQLite %3.</p>")
                           .arg(QApplication::applicationVersion().toHtmlEscaped(), QString::fromLatin1(qVersion()),
                                QString::fromLatin1(sqlite3_libversion())));
}

bool MainWindow::saveScreenshot(const QString &path, QString *error)
{
    if (!isVisible())
        show();
    // Layouts, deferred resizes and view updates all run from the event queue.
    for (int round = 0; round < 3; ++round) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    // The map draws on worker threads: wait (a few seconds at most) for the frame of the view
    // as it is now, so the picture shows points rather than the previous frame.
    if (ScatterView *view = m_map->view(); view->isVisible() && view->pointCount() > 0) {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 5000
               && (!view->isReady() || view->isRendering() || view->frameGeneration() != view->requestedGeneration()
                   || view->frame().isNull())) {
            QCoreApplication::sendPostedEvents();
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
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
        resizeDocks({m_jobsDock}, {fontMetrics().height() * 5}, Qt::Vertical);
    }
    m_shown = true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_runner->cancelAll();
    m_runner->waitForDone();
    saveSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (m_project && !isBusy() && !urls.isEmpty()
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
    if (importPaths(paths)) {
        event->acceptProposedAction();
        statusBar()->showMessage(tr("Importing %n item(s) dropped…", nullptr, int(paths.size())), 5000);
    } else if (isBusy()) {
        statusBar()->showMessage(tr("An import is running; drop again when it is done."), 8000);
    }
}

} // namespace orrery::ui
