#include "jobrunner.h"

#include <QCoreApplication>
#include <QRunnable>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <new>

namespace orrery::ui {

struct JobRunner::Shared {
    JobId id = 0;
    std::atomic_bool stop {false};
    std::mutex mutex;
    qint64 done = 0;
    qint64 total = 0;
    QString message;
    bool progressPending = false;
    struct Partial {
        std::any value;
        bool kept = false;
    };
    std::vector<Partial> partials; ///< waiting for the GUI, oldest first
    bool partialPending = false;
    Outcome outcome = Outcome::Ready;
    std::any result;
    QString error;
};

void JobRun::post(std::any value, bool kept)
{
    if (m_post)
        m_post(std::move(value), kept);
}

JobRunner::JobRunner(QObject *parent, int maxThreads) : QObject(parent), m_pool(new QThreadPool(this))
{
    m_pool->setMaxThreadCount(maxThreads > 0 ? maxThreads : std::max(4, QThread::idealThreadCount()));
    m_pool->setObjectName(QStringLiteral("orrery-jobs"));
}

JobRunner::~JobRunner()
{
    cancelAll();
    m_pool->waitForDone();
}

JobId JobRunner::start(JobSpec spec, Work work)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const JobId id = ++m_serial;
    if (!spec.key.isEmpty()) {
        if (const JobId old = m_keys.value(spec.key)) {
            if (auto it = m_jobs.find(old); it != m_jobs.end())
                it->second.shared->stop.store(true);
            remove(old, Outcome::Superseded, {});
        }
        m_keys.insert(spec.key, id);
    }

    auto shared = std::make_shared<Shared>();
    shared->id = id;
    Job job;
    job.shared = shared;
    job.info.id = id;
    job.info.key = spec.key;
    job.info.label = spec.label;
    job.spec = std::move(spec);
    job.clock.start();
    m_jobs.emplace(id, std::move(job));

    m_pool->start(QRunnable::create([this, shared, work = std::move(work)] {
        const auto progress = [this, shared](qint64 done, qint64 total, const QString &message) {
            std::lock_guard lock(shared->mutex);
            shared->done = done;
            shared->total = total;
            shared->message = message;
            if (std::exchange(shared->progressPending, true))
                return;
            QMetaObject::invokeMethod(
                this, [this, shared] { deliverProgress(shared); }, Qt::QueuedConnection);
        };
        const auto post = [this, shared](std::any value, bool kept) {
            std::lock_guard lock(shared->mutex);
            auto &waiting = shared->partials;
            if (!kept && !waiting.empty() && !waiting.back().kept)
                waiting.back().value = std::move(value);
            else
                waiting.push_back({std::move(value), kept});
            if (std::exchange(shared->partialPending, true))
                return;
            QMetaObject::invokeMethod(
                this, [this, shared] { deliverPartial(shared); }, Qt::QueuedConnection);
        };
        JobRun run(progress, &shared->stop, post);
        Outcome outcome = Outcome::Ready;
        std::any result;
        QString error;
        try {
            result = work(run);
        } catch (const Cancelled &) {
            outcome = Outcome::Cancelled;
        } catch (const Error &e) {
            outcome = Outcome::Failed;
            error = e.message();
        } catch (const std::bad_alloc &) {
            outcome = Outcome::Failed;
            error = QStringLiteral("out of memory");
        } catch (const std::exception &e) {
            outcome = Outcome::Failed;
            error = QString::fromLocal8Bit(e.what());
        }
        {
            std::lock_guard lock(shared->mutex);
            shared->outcome = outcome;
            shared->result = std::move(result);
            shared->error = error;
        }
        QMetaObject::invokeMethod(
            this, [this, shared] { deliverEnd(shared); }, Qt::QueuedConnection);
    }));
    emit started(id);
    return id;
}

bool JobRunner::cancel(JobId id)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return false;
    it->second.shared->stop.store(true);
    if (!std::exchange(it->second.info.cancelling, true))
        emit progressed(id, it->second.info.done, it->second.info.total);
    return true;
}

void JobRunner::cancelAll()
{
    for (const JobId id : jobs())
        cancel(id);
}

QList<JobId> JobRunner::jobs() const
{
    QList<JobId> ids;
    ids.reserve(qsizetype(m_jobs.size()));
    for (const auto &[id, job] : m_jobs)
        ids.append(id);
    return ids;
}

JobRunner::Info JobRunner::info(JobId id) const
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return {};
    Info info = it->second.info;
    info.elapsedMs = it->second.clock.elapsed();
    return info;
}

bool JobRunner::waitForDone(int msecs)
{
    return m_pool->waitForDone(msecs);
}

void JobRunner::deliverProgress(const std::shared_ptr<Shared> &shared)
{
    qint64 done = 0;
    qint64 total = 0;
    QString message;
    {
        std::lock_guard lock(shared->mutex);
        shared->progressPending = false;
        done = shared->done;
        total = shared->total;
        message = shared->message;
    }
    const auto it = m_jobs.find(shared->id);
    if (it == m_jobs.end())
        return;
    Job &job = it->second;
    const qint64 now = job.clock.elapsed();
    // A new total or a step back is a new phase (loading, then training): its own rate.
    if (total != job.info.total || done < job.info.done || (!message.isEmpty() && message != job.info.message)) {
        job.phaseStartMs = now;
        job.phaseStartDone = done;
        job.info.etaSeconds = -1;
    }
    job.info.done = done;
    job.info.total = total;
    if (!message.isEmpty())
        job.info.message = message;
    const qint64 spanMs = now - job.phaseStartMs;
    if (total > 0 && done > job.phaseStartDone && spanMs >= 300) {
        const double rate = double(done - job.phaseStartDone) / double(spanMs); // per ms
        const double eta = double(std::max<qint64>(total - done, 0)) / rate / 1000.0;
        job.info.etaSeconds = job.info.etaSeconds < 0 ? eta : 0.6 * job.info.etaSeconds + 0.4 * eta;
    }
    emit progressed(shared->id, done, total);
}

void JobRunner::deliverPartial(const std::shared_ptr<Shared> &shared)
{
    std::vector<Shared::Partial> partials;
    {
        std::lock_guard lock(shared->mutex);
        shared->partialPending = false;
        partials.swap(shared->partials);
    }
    for (Shared::Partial &partial : partials) {
        // Looked up each time: a callback may start or cancel jobs, which changes m_jobs.
        const auto it = m_jobs.find(shared->id);
        if (it == m_jobs.end() || it->second.info.cancelling)
            return;
        const auto callback = it->second.spec.onPartial;
        if (callback && !it->second.spec.context.isNull())
            callback(std::move(partial.value));
    }
}

void JobRunner::deliverEnd(const std::shared_ptr<Shared> &shared)
{
    const auto it = m_jobs.find(shared->id);
    if (it == m_jobs.end())
        return; // superseded: nobody waits for it any more
    const JobId id = shared->id;
    const JobSpec spec = std::move(it->second.spec);
    // Gone before the callbacks run, so that they may start the next job under the same key.
    m_jobs.erase(it);
    if (!spec.key.isEmpty() && m_keys.value(spec.key) == id)
        m_keys.remove(spec.key);

    Outcome outcome;
    std::any result;
    QString error;
    {
        std::lock_guard lock(shared->mutex);
        outcome = shared->outcome;
        result = std::move(shared->result);
        error = shared->error;
    }
    if (!spec.context.isNull()) {
        switch (outcome) {
        case Outcome::Ready:
            if (spec.onReady)
                spec.onReady(std::move(result));
            break;
        case Outcome::Failed:
            if (spec.onFailed)
                spec.onFailed(error);
            break;
        case Outcome::Cancelled:
            if (spec.onCancelled)
                spec.onCancelled();
            break;
        case Outcome::Superseded: break;
        }
    }
    emit finished(id, outcome, error);
}

void JobRunner::remove(JobId id, Outcome outcome, const QString &message)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    if (m_keys.value(it->second.info.key) == id)
        m_keys.remove(it->second.info.key);
    m_jobs.erase(it);
    emit finished(id, outcome, message);
}

QString formatDuration(double seconds)
{
    if (!(seconds >= 0))
        return {};
    const qint64 s = qint64(std::ceil(seconds));
    if (s < 60)
        return QCoreApplication::translate("orrery::ui::JobRunner", "%1 s").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("orrery::ui::JobRunner", "%1 min %2 s")
            .arg(s / 60)
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("orrery::ui::JobRunner", "%1 h %2 min")
        .arg(s / 3600)
        .arg(s / 60 % 60, 2, 10, QLatin1Char('0'));
}

} // namespace orrery::ui
