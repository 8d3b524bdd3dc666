#pragma once

#include "base/jobcontext.h"

#include <QtGlobal>

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace orrery {

/// A fixed set of worker threads that run one task at a time, for the projections' inner loops
/// (up to a thousand short parallel phases per layout, where starting threads each time would
/// cost more than the work). Worker 0 is the calling thread.
class WorkerPool final {
public:
    /// `threads` ≤ 0 means one per hardware thread.
    explicit WorkerPool(int threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    int size() const { return int(m_threads.size()) + 1; }

    /// Runs fn(worker) on every worker and waits for all; rethrows the first exception.
    void run(const std::function<void(int worker)> &fn);

    /// Splits [0, n) into consecutive chunks of `chunk` indices and hands them out to the
    /// workers as they come free; fn(begin, end, chunkIndex). Stops handing out chunks once
    /// `job` is cancelled (the caller then checks job.checkCancelled()). Outputs written per
    /// chunk index do not depend on the number of workers.
    void forChunks(qint64 n, qint64 chunk, const std::function<void(qint64 begin, qint64 end, qint64 chunkIndex)> &fn,
                   const JobContext *job = nullptr);

private:
    void loop(int worker);

    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const std::function<void(int)> *m_task = nullptr;
    quint64 m_generation = 0;
    int m_running = 0;
    bool m_quit = false;
    std::exception_ptr m_error;
};

/// Threads for a projection: `requested` when positive, else the hardware's count.
int resolveThreads(int requested);

} // namespace orrery
