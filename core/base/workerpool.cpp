#include "workerpool.h"

#include <algorithm>
#include <atomic>

namespace orrery {

int resolveThreads(int requested)
{
    if (requested > 0)
        return requested;
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

WorkerPool::WorkerPool(int threads)
{
    const int count = resolveThreads(threads);
    m_threads.reserve(size_t(count - 1));
    for (int w = 1; w < count; ++w)
        m_threads.emplace_back([this, w] { loop(w); });
}

WorkerPool::~WorkerPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    for (std::thread &t : m_threads)
        t.join();
}

void WorkerPool::loop(int worker)
{
    quint64 seen = 0;
    for (;;) {
        const std::function<void(int)> *task = nullptr;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_quit || m_generation != seen; });
            if (m_quit)
                return;
            seen = m_generation;
            task = m_task;
        }
        std::exception_ptr error;
        try {
            (*task)(worker);
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lock(m_mutex);
        if (error && !m_error)
            m_error = error;
        if (--m_running == 0)
            m_done.notify_all();
    }
}

void WorkerPool::run(const std::function<void(int)> &fn)
{
    if (m_threads.empty()) {
        fn(0);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_task = &fn;
        m_running = int(m_threads.size());
        m_error = nullptr;
        ++m_generation;
    }
    m_wake.notify_all();
    std::exception_ptr own;
    try {
        fn(0);
    } catch (...) {
        own = std::current_exception();
    }
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [&] { return m_running == 0; });
    m_task = nullptr;
    if (own)
        std::rethrow_exception(own);
    if (m_error)
        std::rethrow_exception(std::exchange(m_error, nullptr));
}

void WorkerPool::forChunks(qint64 n, qint64 chunk, const std::function<void(qint64, qint64, qint64)> &fn,
                           const JobContext *job)
{
    if (n <= 0)
        return;
    chunk = std::max<qint64>(1, chunk);
    const qint64 chunks = (n + chunk - 1) / chunk;
    std::atomic<qint64> next {0};
    run([&](int) {
        for (;;) {
            if (job && job->cancelled())
                return;
            const qint64 c = next.fetch_add(1, std::memory_order_relaxed);
            if (c >= chunks)
                return;
            const qint64 begin = c * chunk;
            fn(begin, std::min(n, begin + chunk), c);
        }
    });
}

} // namespace orrery
