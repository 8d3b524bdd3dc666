#pragma once

#include "base/jobcontext.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <vector>

class QThreadPool;

namespace orrery::ui {

using JobId = quint64;

/// What a job's work function runs with: JobContext's throttled progress and stop flag, plus
/// intermediate results (a t-SNE or UMAP layout as it converges) for the GUI thread.
class JobRun final : public JobContext {
public:
    /// Hands an intermediate result to the GUI thread. A frame that the GUI has not taken yet is
    /// replaced by the next (only the newest is delivered, so a slow window never queues up
    /// frames); a `kept` value (a finished stage, e.g. the PCA before the UMAP) is always
    /// delivered, in order.
    void post(std::any value, bool kept = false);

private:
    friend class JobRunner;
    using PostFn = std::function<void(std::any, bool)>;
    JobRun(ProgressFn progress, const std::atomic_bool *stop, PostFn post)
        : JobContext(std::move(progress), stop), m_post(std::move(post))
    {
    }
    PostFn m_post;
};

/// How a job is shown and what becomes of its outcome. The callbacks run on the GUI thread, only
/// while `context` lives and only for the job that is current for its key.
struct JobSpec {
    QString label; ///< shown in the jobs panel, e.g. "UMAP of Sample playlists/sgns"
    /// Jobs with the same non-empty key replace each other: starting one cancels the one running
    /// and drops whatever it still delivers ("latest request wins"), e.g. "layout:<set>".
    QString key;
    QPointer<QObject> context;
    std::function<void(std::any &&result)> onReady;
    std::function<void(std::any &&partial)> onPartial;
    std::function<void(const QString &message)> onFailed;
    std::function<void()> onCancelled; ///< cancelled by cancel(), not superseded
};

/// Runs several jobs at once on a thread pool of its own (in the manner of hotspot's parser and
/// job tracker): each a function of a JobRun returning its result, with an atomic stop flag,
/// progress coalesced on the GUI thread (at most one pending delivery per job), an ETA, and a
/// generation per key so that stale results are dropped. Everything but the work runs on the
/// thread that owns the runner.
class JobRunner final : public QObject {
    Q_OBJECT

public:
    using Work = std::function<std::any(JobRun &run)>;
    enum class Outcome { Ready, Failed, Cancelled, Superseded };
    Q_ENUM(Outcome)

    /// A running job as the jobs panel shows it.
    struct Info {
        JobId id = 0;
        QString key;
        QString label;
        QString message; ///< the last progress message
        qint64 done = 0;
        qint64 total = 0; ///< 0 while unknown
        qint64 elapsedMs = 0;
        double etaSeconds = -1; ///< estimated time left in the current phase; -1 while unknown
        bool cancelling = false;
    };

    /// `maxThreads` ≤ 0: as many jobs at once as cores, but at least four (jobs wait on disk
    /// as often as they compute, and the heavy ones bring worker threads of their own).
    explicit JobRunner(QObject *parent = nullptr, int maxThreads = 0);
    /// Cancels every job and waits for the workers to return.
    ~JobRunner() override;

    /// Starts `work` on the pool; a running job with the same key is superseded. Returns its id.
    JobId start(JobSpec spec, Work work);

    /// spec.onReady = JobRunner::typed<Layout>([this](Layout layout) { … });
    template<typename T, typename F> static std::function<void(std::any &&)> typed(F f)
    {
        return [f = std::move(f)](std::any &&value) mutable { f(std::any_cast<T>(std::move(value))); };
    }

    /// Asks a job to stop; it reports cancelled as soon as its work notices (core functions check
    /// within milliseconds). False when no such job runs.
    bool cancel(JobId id);
    void cancelAll();
    bool isRunning(JobId id) const { return m_jobs.count(id) != 0; }
    /// The current job of a key, or 0.
    JobId jobOfKey(const QString &key) const { return m_keys.value(key); }
    /// Running jobs, oldest first (superseded ones are gone from here at once).
    QList<JobId> jobs() const;
    int count() const { return int(m_jobs.size()); }
    Info info(JobId id) const;
    /// Waits until no worker runs, superseded ones included (tests and shutdown); true when done.
    bool waitForDone(int msecs = -1);

signals:
    void started(orrery::ui::JobId id);
    /// New numbers for info(id): throttled by the work's JobContext, coalesced here.
    void progressed(orrery::ui::JobId id, qint64 done, qint64 total);
    /// The job is gone from jobs(); its callbacks ran before this.
    void finished(orrery::ui::JobId id, orrery::ui::JobRunner::Outcome outcome, const QString &message);

private:
    struct Shared;
    struct Job {
        std::shared_ptr<Shared> shared;
        JobSpec spec;
        Info info;
        QElapsedTimer clock;
        qint64 phaseStartMs = 0;
        qint64 phaseStartDone = 0;
    };

    void deliverProgress(const std::shared_ptr<Shared> &shared);
    void deliverPartial(const std::shared_ptr<Shared> &shared);
    void deliverEnd(const std::shared_ptr<Shared> &shared);
    void remove(JobId id, Outcome outcome, const QString &message);

    QThreadPool *m_pool = nullptr;
    std::map<JobId, Job> m_jobs;
    QHash<QString, JobId> m_keys;
    JobId m_serial = 0;
};

/// "1 h 05 min", "3 min 20 s", "12 s": how long is left, for the jobs panel.
QString formatDuration(double seconds);

} // namespace orrery::ui
