#include "mainwindow.h"

#include "datasetmodel.h"
#include "itemmodel.h"

#include "io/importer.h"
#include "io/sample.h"
#include "jobs/jobcontext.h"
#include "store/project.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
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
#include <QPixmap>
#include <QProgressBar>
#include <QSettings>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <QUrl>

#include <algorithm>
#include <atomic>

namespace orrery::ui {

namespace {

const QString organization = QStringLiteral("Orrery");
const QString application = QStringLiteral("Orrery");
const QString recentKey = QStringLiteral("recentProjects");
const QString geometryKey = QStringLiteral("window/geometry");
const QString stateKey = QStringLiteral("window/state");
const QString lastFolderKey = QStringLiteral("lastFolder");
constexpr int maxRecent = 10;

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

} // namespace

struct MainWindow::Job {
    quint64 id = 0;
    std::unique_ptr<QThread> thread;
    std::atomic_bool stop{false};
    Done done;
};

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    m_datasets = new DatasetModel(this);
    m_items = new ItemModel(this);
    m_itemProxy = new QSortFilterProxyModel(this);
    m_itemProxy->setSourceModel(m_items);
    m_itemProxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_itemProxy->setSortLocaleAware(true);

    createWidgets();
    createActions();
    restoreSettings();
    setAcceptDrops(true);
    setWindowTitle(tr("No project"));
    updateActions();
    updateCounts();
}

MainWindow::~MainWindow()
{
    stopJobAndWait();
    // The models read through the project; empty them while it is still open.
    m_items->clear();
    m_datasets->clear();
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

void MainWindow::createWidgets()
{
    m_datasetView = new QTreeView;
    m_datasetView->setModel(m_datasets);
    m_datasetView->setRootIsDecorated(false);
    m_datasetView->setUniformRowHeights(true);
    m_datasetView->setAllColumnsShowFocus(true);
    m_datasetView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_datasetView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_datasetView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QHeaderView *datasetHeader = m_datasetView->header();
    datasetHeader->setStretchLastSection(false);
    datasetHeader->setSectionResizeMode(QHeaderView::ResizeToContents);
    datasetHeader->setSectionResizeMode(DatasetModel::Name, QHeaderView::Stretch);
    connect(m_datasetView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::datasetChanged);

    m_datasetDock = new QDockWidget(tr("Datasets"), this);
    m_datasetDock->setObjectName(QStringLiteral("datasets"));
    m_datasetDock->setWidget(m_datasetView);
    m_datasetDock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea);
    addDockWidget(Qt::LeftDockWidgetArea, m_datasetDock);

    m_datasetTitle = new QLabel;
    QFont titleFont = m_datasetTitle->font();
    titleFont.setBold(true);
    m_datasetTitle->setFont(titleFont);
    m_datasetTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("Search titles, artists, text…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(fontMetrics().averageCharWidth() * 36);
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchTimer, &QTimer::timeout, this, [this] { m_items->setSearch(m_search->text()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] { setSearchText(m_search->text()); });

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

    connect(m_items, &QAbstractItemModel::modelReset, this, &MainWindow::updateCounts);
    connect(m_items, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCounts);
    connect(m_items, &ItemModel::failed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Could not read the items: %1").arg(message), 8000);
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_datasetTitle, 1);
    bar->addWidget(m_search);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    const int margin = style()->pixelMetric(QStyle::PM_LayoutTopMargin) / 2;
    layout->setContentsMargins(margin, margin, margin, 0);
    layout->addLayout(bar);
    layout->addWidget(m_itemView, 1);
    setCentralWidget(central);

    m_counts = new QLabel;
    m_jobLabel = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(ch * 28);
    m_progress->setTextVisible(false);
    m_cancel = new QToolButton;
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running job; the project stays as it was"));
    m_cancel->setAutoRaise(true);
    connect(m_cancel, &QToolButton::clicked, this, &MainWindow::cancelJob);
    statusBar()->addWidget(m_counts, 1);
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    m_jobLabel->hide();
    m_progress->hide();
    m_cancel->hide();
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newAction = file->addAction(QIcon::fromTheme(QStringLiteral("document-new")), tr("&New Project…"), this,
                                  &MainWindow::chooseNewProject);
    m_newAction->setShortcut(QKeySequence::New);
    m_openAction = file->addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open…"), this,
                                   &MainWindow::chooseProject);
    m_openAction->setShortcut(QKeySequence::Open);
    m_sampleAction = file->addAction(tr("Open &Sample"), this, &MainWindow::openSample);
    m_sampleAction->setStatusTip(
        tr("Open a small project with playlists, articles and records made up on this machine"));
    m_recentMenu = file->addMenu(QIcon::fromTheme(QStringLiteral("document-open-recent")), tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    m_importAction = file->addAction(QIcon::fromTheme(QStringLiteral("document-import")), tr("&Import…"), this,
                                     [this] { chooseImport(false); });
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importAction->setStatusTip(tr("Import playlist, document, record or vector files as a new dataset"));
    m_importFolderAction = file->addAction(tr("Import &Folder…"), this, [this] { chooseImport(true); });
    m_importFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    m_importFolderAction->setStatusTip(tr("Import a folder (MPD slices, a text corpus, …) as a new dataset"));
    file->addSeparator();
    QAction *quit = file->addAction(QIcon::fromTheme(QStringLiteral("application-exit")), tr("&Quit"), this,
                                    &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *find = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-find")), tr("&Find"), this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_datasetDock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Orrery"), this, &MainWindow::about);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::restoreSettings()
{
    QSettings settings(organization, application);
    m_restoredGeometry = restoreGeometry(settings.value(geometryKey).toByteArray());
    if (!m_restoredGeometry)
        resize(1280, 800);
    m_restoredState = restoreState(settings.value(stateKey).toByteArray());
}

void MainWindow::saveSettings()
{
    QSettings settings(organization, application);
    settings.setValue(geometryKey, saveGeometry());
    settings.setValue(stateKey, saveState());
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
        return fail(tr("A job is running; wait for it or cancel it first."));
    const QString absolute = QFileInfo(path).absoluteFilePath();
    std::unique_ptr<Project> project;
    try {
        project = std::make_unique<Project>(absolute);
    } catch (const Error &e) {
        return fail(e.message());
    }
    m_search->blockSignals(true);
    m_search->clear();
    m_search->blockSignals(false);
    m_items->clear();
    m_datasets->clear();
    m_project = std::move(project);
    setWindowTitle(QFileInfo(absolute).fileName());
    setWindowFilePath(absolute);
    addRecent(absolute);
    reloadDatasets(0);
    updateActions();
    emit projectOpened(absolute);
    return true;
}

void MainWindow::openSample()
{
    const QString path = sampleProjectPath();
    if (QFileInfo::exists(path)) {
        openProject(path);
        return;
    }
    startJob(
        tr("Creating the sample project"),
        [path](JobContext &job) {
            io::createSampleProject(path, job);
            Outcome outcome;
            outcome.ok = true;
            return outcome;
        },
        [this, path](const Outcome &outcome) {
            if (outcome.ok)
                openProject(path);
            else if (!outcome.cancelled)
                showError(tr("Could not create the sample project."), outcome.error);
        });
}

bool MainWindow::importPaths(const QStringList &paths)
{
    if (!m_project || paths.isEmpty() || isBusy())
        return false;
    io::ImportOptions options;
    options.dataset = uniqueDatasetName(paths);
    const QString projectPath = m_project->path();
    return startJob(
        tr("Importing “%1”").arg(options.dataset),
        [projectPath, paths, options](JobContext &job) {
            // A connection of its own: the GUI's stays free to read while this one writes (WAL).
            Project project(projectPath);
            const io::ImportResult result = io::importPaths(project, paths, options, job);
            Outcome outcome;
            outcome.ok = result.ok;
            outcome.cancelled = result.cancelled;
            outcome.error = result.error;
            outcome.warnings = result.stats.warnings;
            outcome.datasetId = result.datasetId;
            outcome.datasetName = result.datasetName;
            outcome.items = result.stats.datasetItems;
            outcome.sequences = result.stats.sequences;
            outcome.skipped = result.stats.skipped;
            outcome.seconds = result.stats.seconds;
            return outcome;
        },
        [this, paths](const Outcome &outcome) {
            QString message;
            if (outcome.ok) {
                reloadDatasets(outcome.datasetId);
                message = tr("Imported “%1”: %2 items, %3 sequences in %4 s")
                              .arg(outcome.datasetName, formatCount(outcome.items), formatCount(outcome.sequences),
                                   QLocale().toString(outcome.seconds, 'f', 1));
                if (outcome.skipped)
                    message += tr("; %1 bad records skipped").arg(formatCount(outcome.skipped));
                statusBar()->showMessage(message, 10000);
            } else if (outcome.cancelled) {
                message = tr("Import cancelled; the project is unchanged.");
                statusBar()->showMessage(message, 10000);
            } else {
                message = outcome.error;
                showError(tr("Could not import “%1”.").arg(QFileInfo(paths.first()).fileName()), outcome.error,
                          outcome.warnings);
            }
            emit importFinished(outcome.ok, outcome.cancelled, message);
        });
}

bool MainWindow::startJob(const QString &label, Work work, Done done)
{
    if (m_job)
        return false;
    m_job = std::make_unique<Job>();
    Job *job = m_job.get();
    job->id = ++m_jobSerial;
    job->done = std::move(done);
    const quint64 id = job->id;
    job->thread.reset(QThread::create([this, job, id, work = std::move(work)] {
        Outcome outcome;
        try {
            JobContext context(
                [this, id](qint64 done, qint64 total, const QString &message) {
                    QMetaObject::invokeMethod(
                        this, [this, id, done, total, message] { jobProgressed(id, done, total, message); },
                        Qt::QueuedConnection);
                },
                &job->stop);
            outcome = work(context);
        } catch (const Cancelled &) {
            outcome = Outcome();
            outcome.cancelled = true;
        } catch (const Error &e) {
            outcome.error = e.message();
        } catch (const std::bad_alloc &) {
            outcome.error = QStringLiteral("out of memory");
        }
        // State changes happen on the GUI thread only.
        QMetaObject::invokeMethod(this, [this, id, outcome] { finishJob(id, outcome); }, Qt::QueuedConnection);
    }));
    job->thread->setObjectName(QStringLiteral("orrery-job"));

    m_jobLabel->setText(label);
    m_progress->setRange(0, 0);
    m_cancel->setEnabled(true);
    m_jobLabel->show();
    m_progress->show();
    m_cancel->show();
    updateActions();
    job->thread->start();
    emit jobStarted(label);
    return true;
}

void MainWindow::jobProgressed(quint64 id, qint64 done, qint64 total, const QString &message)
{
    if (!m_job || m_job->id != id)
        return;
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
    }
    m_progress->setToolTip(message);
    emit jobProgress(done, total);
}

void MainWindow::finishJob(quint64 id, const Outcome &outcome)
{
    if (!m_job || m_job->id != id)
        return;
    const std::unique_ptr<Job> job = std::move(m_job);
    job->thread->wait(); // it only has to return from its function
    m_jobLabel->hide();
    m_progress->hide();
    m_cancel->hide();
    updateActions();
    if (job->done)
        job->done(outcome);
    emit jobFinished(outcome.ok, outcome.cancelled, outcome.ok ? QString() : outcome.error);
}

void MainWindow::cancelJob()
{
    if (!m_job)
        return;
    m_job->stop.store(true);
    m_cancel->setEnabled(false);
    m_jobLabel->setText(tr("Cancelling…"));
}

void MainWindow::stopJobAndWait()
{
    if (!m_job)
        return;
    m_job->stop.store(true);
    m_job->thread->wait();
    m_job.reset();
}

void MainWindow::reloadDatasets(qint64 selectId)
{
    const qint64 keep = selectId ? selectId : currentDatasetId();
    try {
        m_datasets->reload(m_project.get());
    } catch (const Error &e) {
        showError(tr("Could not read the project."), e.message());
    }
    int row = keep ? m_datasets->rowOf(keep) : -1;
    if (row < 0 && m_datasets->rowCount() > 0)
        row = 0;
    if (row >= 0)
        m_datasetView->setCurrentIndex(m_datasets->index(row, DatasetModel::Name));
    else
        datasetChanged();
}

bool MainWindow::selectDataset(const QString &name)
{
    const int row = m_datasets->rowOf(name);
    if (row < 0)
        return false;
    m_datasetView->setCurrentIndex(m_datasets->index(row, DatasetModel::Name));
    return true;
}

qint64 MainWindow::currentDatasetId() const
{
    const QModelIndex current = m_datasetView->currentIndex();
    return current.isValid() ? m_datasets->dataset(current.row()).id : 0;
}

void MainWindow::setSearchText(const QString &text)
{
    if (m_search->text() != text) {
        m_search->blockSignals(true);
        m_search->setText(text);
        m_search->blockSignals(false);
    }
    m_searchTimer->stop();
    m_items->setSearch(text);
}

void MainWindow::datasetChanged()
{
    const QModelIndex current = m_datasetView->currentIndex();
    if (!m_project || !current.isValid()) {
        m_items->setDataset(nullptr, 0);
        m_datasetTitle->clear();
        updateCounts();
        return;
    }
    const DatasetInfo &info = m_datasets->dataset(current.row());
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
}

void MainWindow::updateCounts()
{
    if (!m_project) {
        m_counts->setText(tr("No project open. File ▸ Open Sample shows what Orrery does."));
        return;
    }
    const QModelIndex current = m_datasetView->currentIndex();
    if (!current.isValid()) {
        m_counts->setText(m_datasets->rowCount() ? tr("%1 datasets").arg(m_datasets->rowCount())
                                                 : tr("No datasets yet. File ▸ Import… adds one."));
        return;
    }
    const DatasetInfo &info = m_datasets->dataset(current.row());
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
        resizeDocks({m_datasetDock}, {std::min(fontMetrics().averageCharWidth() * 72, width() * 2 / 5)},
                    Qt::Horizontal);
    }
    m_shown = true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    stopJobAndWait();
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
        paths.append(url.toLocalFile());
    if (importPaths(paths))
        event->acceptProposedAction();
}

} // namespace orrery::ui
