#include "projectsession.h"

#include "uiutil.h"

#include "index/vectorindex.h"
#include "io/exporter.h"
#include "io/importsummary.h"
#include "io/sample.h"
#include "store/embeddingsets.h"
#include "store/project.h"
#include "store/search.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace orrery::ui {

namespace {

/// What an import job returns.
struct ImportOutcome {
    io::ImportResult result;
};

} // namespace

ProjectSession::ProjectSession(JobRunner *runner, QObject *parent) : QObject(parent), m_runner(runner) { }

ProjectSession::~ProjectSession() = default;

QString ProjectSession::samplePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("sample.orrery"));
}

QString ProjectSession::ensureSample()
{
    const QString path = samplePath();
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

bool ProjectSession::open(const QString &path, QString *error)
{
    if (isBusy()) {
        *error = tr("An import is running; wait for it or cancel it first.");
        return false;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    std::unique_ptr<Project> project;
    try {
        project = std::make_unique<Project>(absolute);
    } catch (const Error &e) {
        *error = e.message();
        return false;
    }
    close();
    m_project = std::move(project);
    emit opened(absolute);
    return true;
}

void ProjectSession::close()
{
    // Whatever ran for the previous project no longer matters.
    m_runner->cancelAll();
    ++m_serial;
    emit aboutToClose();
    m_indexes.clear();
    m_indexJobs.clear();
    m_datasetId = 0;
    m_set.clear();
    m_currentItem = 0;
    m_selection.clear();
    m_project.reset();
}

void ProjectSession::setDataset(qint64 datasetId)
{
    if (datasetId == m_datasetId)
        return;
    m_datasetId = datasetId;
    emit datasetChanged(datasetId);
}

void ProjectSession::setSet(const QString &setName)
{
    if (setName == m_set)
        return;
    m_set = setName;
    if (!setName.isEmpty())
        loadIndex(setName);
    emit setChanged(setName);
}

void ProjectSession::setCurrentItem(qint64 id)
{
    if (id == m_currentItem)
        return;
    m_currentItem = id;
    emit currentItemChanged(id);
}

QList<qint64> ProjectSession::selection() const
{
    if (!m_selection.isEmpty())
        return m_selection;
    return m_currentItem ? QList<qint64> {m_currentItem} : QList<qint64>();
}

void ProjectSession::setSelection(const QList<qint64> &ids)
{
    m_selection = ids;
    emit selectionChanged(ids);
}

qint64 ProjectSession::findItem(const QString &key) const
{
    return m_project ? findItemByKey(*m_project, key, m_datasetId) : 0;
}

QString ProjectSession::songSetFor(const QString &setName) const
{
    if (!m_project || setName.isEmpty())
        return {};
    try {
        return trackSetBehind(*m_project, setName);
    } catch (const Error &) {
        return {};
    }
}

void ProjectSession::loadIndex(const QString &setName)
{
    if (!m_project || m_indexes.contains(setName) || m_indexJobs.contains(setName))
        return;
    const QString projectPath = m_project->path();
    const quint64 serial = m_serial;
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
            emit indexReady(setName);
        });
    spec.onFailed = [this, serial, setName](const QString &message) {
        if (stale(serial))
            return;
        m_indexJobs.remove(setName);
        emit indexFailed(setName, message);
    };
    spec.onCancelled = [this, serial, setName] {
        if (!stale(serial))
            m_indexJobs.remove(setName);
    };
    m_indexJobs.insert(setName, m_runner->start(spec, [projectPath, setName](JobRun &job) -> std::any {
        Project project(projectPath);
        const EmbeddingSet set = loadEmbeddingSet(project, setName);
        IndexOptions options;
        options.recallQueries = set.count() > options.exactThreshold ? 200 : 0;
        // Small sets search exactly and build in milliseconds; a graph is worth keeping.
        return std::make_shared<const VectorIndex>(
            VectorIndex::loadOrBuild(project, set, Metric::Cosine, options, SaveBuilt::GraphOnly, job));
    }));
}

JobId ProjectSession::startExclusive(JobSpec spec, JobRunner::Work work)
{
    spec.context = this;
    const QString label = spec.label;
    const JobId id = m_runner->start(std::move(spec), std::move(work));
    m_exclusiveJob = id;
    // The session's own signals for the exclusive job; the runner reports every job.
    auto progress = std::make_shared<QMetaObject::Connection>();
    auto finished = std::make_shared<QMetaObject::Connection>();
    *progress = connect(m_runner, &JobRunner::progressed, this, [this, id](JobId job, qint64 done, qint64 total) {
        if (job == id)
            emit jobProgress(done, total);
    });
    *finished = connect(m_runner, &JobRunner::finished, this, [this, id, progress, finished](JobId job) {
        if (job != id)
            return;
        disconnect(*progress);
        disconnect(*finished);
        if (m_exclusiveJob == id) {
            m_exclusiveJob = 0;
            emit busyChanged(false);
        }
    });
    emit busyChanged(true);
    emit jobStarted(label);
    return id;
}

bool ProjectSession::importPaths(const QStringList &paths)
{
    if (!m_project || paths.isEmpty() || isBusy())
        return false;
    io::ImportOptions options;
    options.dataset = uniqueDatasetName(paths);
    const QString projectPath = m_project->path();
    const quint64 serial = m_serial;
    QStringList names;
    for (const QString &p : paths)
        names.append(QFileInfo(p).fileName());
    const QString sources = names.join(QStringLiteral(", "));

    JobSpec spec;
    spec.label = tr("Importing “%1”").arg(options.dataset);
    // An import reports cancel and failure in its result (the transaction is rolled back first).
    spec.onReady = [this, serial, sources](std::any &&value) {
        if (!stale(serial))
            importEnded(std::any_cast<ImportOutcome>(std::move(value)).result, sources);
    };
    spec.onCancelled = [this, serial, sources] {
        if (stale(serial))
            return;
        io::ImportResult cancelled;
        cancelled.cancelled = true;
        importEnded(cancelled, sources);
    };
    spec.onFailed = [this, serial, sources](const QString &message) {
        if (stale(serial))
            return;
        io::ImportResult failed;
        failed.error = message;
        importEnded(failed, sources);
    };
    return startExclusive(spec,
                          [projectPath, paths, options](JobRun &job) -> std::any {
                              // A connection of its own: the GUI's stays free to read while this one writes (WAL).
                              Project project(projectPath);
                              return ImportOutcome {io::importPaths(project, paths, options, job)};
                          })
        != 0;
}

void ProjectSession::importEnded(io::ImportResult result, const QString &sources)
{
    m_lastImport = std::move(result);
    m_lastImportSources = sources;
    const io::ImportResult &r = m_lastImport;
    QString message;
    if (r.ok) {
        message = io::describeImport(r);
        message[0] = message[0].toUpper();
    } else if (r.cancelled) {
        message = tr("Import cancelled; the project is unchanged.");
    } else {
        message = r.error;
    }
    emit importFinished(r.ok, r.cancelled, message);
}

void ProjectSession::createSample(const QString &path)
{
    JobSpec spec;
    spec.label = tr("Creating the sample project");
    spec.onReady = [this, path](std::any &&) {
        QString error;
        if (!open(path, &error))
            emit sampleFailed(error);
    };
    spec.onFailed = [this](const QString &message) { emit sampleFailed(message); };
    startExclusive(spec, [path](JobRun &job) -> std::any {
        io::createSampleProject(path, job);
        return path;
    });
}

void ProjectSession::cancelImport()
{
    if (m_exclusiveJob)
        m_runner->cancel(m_exclusiveJob);
}

QString ProjectSession::uniqueDatasetName(const QStringList &paths) const
{
    const QFileInfo first(paths.first());
    const QString base = first.isDir() ? QDir(first.absoluteFilePath()).dirName() : first.completeBaseName();
    QString name = base;
    for (int n = 2; m_project && m_project->datasetId(name); ++n)
        name = QStringLiteral("%1 %2").arg(base).arg(n);
    return name;
}

bool ProjectSession::exportSelection(io::ItemFormat format, const QString &path)
{
    const QList<qint64> chosen = selection();
    if (!m_project || chosen.isEmpty())
        return false;
    const QString projectPath = m_project->path();
    const QString setName = m_set;
    const std::vector<qint64> ids(chosen.begin(), chosen.end());
    JobSpec spec;
    spec.label = tr("Exporting %n item(s)", nullptr, int(ids.size()));
    spec.context = this;
    spec.onReady = JobRunner::typed<io::ItemExportResult>([this, path](io::ItemExportResult result) {
        QString message = tr("Exported %1 items to %2").arg(formatCount(result.rows), QDir::toNativeSeparators(path));
        if (result.withoutVector)
            message += tr(" (%1 without a vector)").arg(formatCount(result.withoutVector));
        emit exportFinished(true, message);
    });
    spec.onFailed = [this](const QString &message) { emit exportFinished(false, message); };
    m_runner->start(spec, [projectPath, setName, ids, format, path](JobRun &) -> std::any {
        Project project(projectPath);
        std::optional<EmbeddingSet> set;
        if (!setName.isEmpty())
            set = loadEmbeddingSet(project, setName);
        return io::exportItems(project, ids, set ? &*set : nullptr, format, path);
    });
    return true;
}

} // namespace orrery::ui
