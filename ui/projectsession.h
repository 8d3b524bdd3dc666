#pragma once

#include "jobrunner.h"

#include "io/exporter.h"
#include "io/importer.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace orrery {
class Project;
class VectorIndex;
} // namespace orrery

namespace orrery::ui {

/// The open project and what the window is looking at in it: the current dataset, embedding set,
/// item and selection. The views follow its signals and change it through its setters; every
/// change happens on the GUI thread. It also runs the jobs that belong to the project as a whole:
/// imports (one at a time) and the neighbour indexes of its sets, loaded once and kept.
class ProjectSession final : public QObject {
    Q_OBJECT

public:
    explicit ProjectSession(JobRunner *runner, QObject *parent = nullptr);
    ~ProjectSession() override;

    /// AppDataLocation/sample.orrery.
    static QString samplePath();
    /// Creates the sample project unless a readable one is there already; returns its path.
    /// Runs on the calling thread (well under 2 s). Throws Error.
    static QString ensureSample();

    /// Opens (or creates) a project file, cancelling whatever ran for the previous one. False
    /// with the reason in `error` when it cannot be opened (or an import is running).
    bool open(const QString &path, QString *error);
    /// Forgets the project (the models must let go of it first: aboutToClose()).
    void close();
    Project *project() const { return m_project.get(); }
    JobRunner *runner() const { return m_runner; }
    /// Counts openings, so that a job's outcome can tell whether it still concerns this project.
    quint64 serial() const { return m_serial; }
    bool stale(quint64 serial) const { return serial != m_serial; }

    qint64 datasetId() const { return m_datasetId; }
    void setDataset(qint64 datasetId);
    /// The embedding set the map and the neighbours refer to; empty when none.
    const QString &set() const { return m_set; }
    void setSet(const QString &setName);
    /// The item shown in the inspector; 0 when none.
    qint64 currentItem() const { return m_currentItem; }
    void setCurrentItem(qint64 id);
    /// What exports and recommendations work on: the selection when there is one, else the
    /// current item.
    QList<qint64> selection() const;
    void setSelection(const QList<qint64> &ids);
    bool hasSelection() const { return !m_selection.isEmpty() || m_currentItem; }

    /// An item by its source key, in the current dataset first; 0 when unknown.
    qint64 findItem(const QString &key) const;
    /// The set of song vectors recommendations for `setName` come from (store's trackSetBehind).
    QString songSetFor(const QString &setName) const;

    /// A set's neighbour index once loaded (null before: call loadIndex()).
    std::shared_ptr<const VectorIndex> index(const QString &setName) const { return m_indexes.value(setName); }
    bool isLoadingIndex(const QString &setName) const { return m_indexJobs.contains(setName); }
    /// Loads the set's stored index, or builds one (stored when it is a graph), in a job;
    /// indexReady() or indexFailed() follows. Nothing happens when it is loaded or loading.
    void loadIndex(const QString &setName);
    /// Drops a loaded index (its set is being recomputed).
    void forgetIndex(const QString &setName) { m_indexes.remove(setName); }

    /// Imports files and folders into a new dataset named after them, in a job of its own
    /// connection. False when no project is open or an import runs; importFinished() follows.
    bool importPaths(const QStringList &paths);
    /// Creates the sample project at `path` in a job, then opens it (sampleFailed on failure).
    void createSample(const QString &path);
    /// True while an import or the sample's creation runs (other jobs run beside them).
    bool isBusy() const { return m_exclusiveJob != 0; }
    /// Asks the running import to stop; it reports cancelled within 200 ms.
    void cancelImport();
    /// The result of the import that ended last, and the files it read ("a.m3u, b.m3u").
    const io::ImportResult &lastImport() const { return m_lastImport; }
    const QString &lastImportSources() const { return m_lastImportSources; }
    /// Writes the selection (with vectors from the current set when there is one) in a job;
    /// exportFinished reports. False when there is nothing to export.
    bool exportSelection(io::ItemFormat format, const QString &path);
    /// A dataset name from the first path that no dataset of the project has yet.
    QString uniqueDatasetName(const QStringList &paths) const;

signals:
    /// The models reading through the current project must let it go now.
    void aboutToClose();
    void opened(const QString &path);
    void datasetChanged(qint64 datasetId);
    void setChanged(const QString &setName);
    void currentItemChanged(qint64 id);
    void selectionChanged(const QList<qint64> &ids);
    void indexReady(const QString &setName);
    void indexFailed(const QString &setName, const QString &message);
    /// isBusy() changed.
    void busyChanged(bool busy);
    /// An import or the sample's creation started or progressed (importFinished and busyChanged tell its end).
    void jobStarted(const QString &label);
    void jobProgress(qint64 done, qint64 total);
    /// An import ended; `message` is a summary or the error. lastImport() has the whole result.
    void importFinished(bool ok, bool cancelled, const QString &message);
    void sampleFailed(const QString &message);
    void exportFinished(bool ok, const QString &message);

private:
    JobId startExclusive(JobSpec spec, JobRunner::Work work);
    void importEnded(io::ImportResult result, const QString &sources);

    JobRunner *m_runner;
    std::unique_ptr<Project> m_project;
    quint64 m_serial = 0;
    JobId m_exclusiveJob = 0;
    qint64 m_datasetId = 0;
    QString m_set;
    qint64 m_currentItem = 0;
    QList<qint64> m_selection;
    QHash<QString, std::shared_ptr<const VectorIndex>> m_indexes;
    QHash<QString, JobId> m_indexJobs;
    io::ImportResult m_lastImport;
    QString m_lastImportSources;
};

} // namespace orrery::ui
