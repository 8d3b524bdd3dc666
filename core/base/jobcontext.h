#pragma once

#include "base/error.h"

#include <QElapsedTimer>
#include <QString>

#include <atomic>
#include <functional>

namespace orrery {

/// What a long-running core function gets to report progress and notice a cancel.
/// The same functions run under the GUI's job runner and synchronously in the CLI.
class JobContext {
public:
    using ProgressFn = std::function<void(qint64 done, qint64 total, const QString &message)>;

    JobContext() = default;
    explicit JobContext(ProgressFn progress, const std::atomic_bool *stop = nullptr)
        : m_progress(std::move(progress)), m_stop(stop)
    {
        m_clock.start();
    }
    virtual ~JobContext() = default;

    /// Reports progress, throttled to about 20 calls a second (the last call of a job
    /// should pass done == total to be shown).
    void progress(qint64 done, qint64 total, const QString &message = {})
    {
        if (!m_progress)
            return;
        const qint64 now = m_clock.isValid() ? m_clock.elapsed() : 0;
        if (done < total && now - m_lastReport < 50 && m_lastReport >= 0)
            return;
        m_lastReport = now;
        m_progress(done, total, message);
    }

    bool cancelled() const { return m_stop && m_stop->load(std::memory_order_relaxed); }
    /// Throws Cancelled when the stop flag is set; call it inside loops.
    void checkCancelled() const
    {
        if (cancelled())
            throw Cancelled();
    }

private:
    ProgressFn m_progress;
    const std::atomic_bool *m_stop = nullptr;
    QElapsedTimer m_clock;
    qint64 m_lastReport = -1000;
};

} // namespace orrery
