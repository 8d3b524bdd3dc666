#include "cooccurrence.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

namespace orrery {

CooccurrenceLists buildCooccurrence(const Corpus &corpus, const CooccurrenceOptions &options, JobContext &job)
{
    if (options.window < 0 || options.neighbours < 1 || !(options.beta >= 0 && options.beta <= 1))
        throw Error(QStringLiteral("co-occurrence: expected window ≥ 0, neighbours ≥ 1 and β in [0, 1]"));
    const size_t vocab = corpus.vocab.size();
    const qint64 sequences = corpus.sequences();

    CooccurrenceLists out;
    out.playlists.assign(vocab, 0);
    // Occurrences of each item as (sequence, position), grouped by item (counting sort).
    std::vector<qint64> start(vocab + 1, 0);
    {
        std::vector<qint64> lastSeen(vocab, -1);
        for (qint64 s = 0; s < sequences; ++s) {
            for (const qint32 *t = corpus.begin(s); t != corpus.end(s); ++t) {
                ++start[size_t(*t) + 1];
                if (lastSeen[size_t(*t)] != s) {
                    lastSeen[size_t(*t)] = s;
                    ++out.playlists[size_t(*t)];
                }
            }
        }
    }
    for (size_t i = 0; i < vocab; ++i)
        start[i + 1] += start[i];
    std::vector<std::pair<qint32, qint32>> occurrences(static_cast<size_t>(start[vocab]));
    {
        std::vector<qint64> fill(start.begin(), start.end() - 1);
        for (qint64 s = 0; s < sequences; ++s) {
            const qint32 *b = corpus.begin(s);
            for (const qint32 *t = b; t != corpus.end(s); ++t)
                occurrences[size_t(fill[size_t(*t)]++)] = {qint32(s), qint32(t - b)};
        }
    }

    // Each thread takes blocks of items and writes their top lists into per-item slots.
    std::vector<std::vector<std::pair<qint32, float>>> lists(vocab);
    std::vector<double> popPowBeta(vocab), popPowRest(vocab);
    for (size_t i = 0; i < vocab; ++i) {
        popPowBeta[i] = std::pow(double(std::max<qint64>(1, out.playlists[i])), options.beta);
        popPowRest[i] = std::pow(double(std::max<qint64>(1, out.playlists[i])), 1 - options.beta);
    }
    std::atomic<qint64> next {0};
    std::atomic<qint64> done {0};
    std::atomic_bool failed {false};
    std::exception_ptr error;
    std::mutex errorMutex;
    constexpr qint64 block = 256;
    const auto work = [&](bool reports) {
        try {
            std::vector<float> count(vocab, 0.0f);
            std::vector<qint32> stamp(vocab, -1);
            std::vector<qint32> touched;
            std::vector<std::pair<qint32, float>> scored;
            for (;;) {
                const qint64 first = next.fetch_add(block);
                if (first >= qint64(vocab) || failed.load())
                    return;
                const qint64 last = std::min<qint64>(qint64(vocab), first + block);
                for (qint64 i = first; i < last; ++i) {
                    touched.clear();
                    for (qint64 o = start[size_t(i)]; o < start[size_t(i) + 1]; ++o) {
                        const auto [s, p] = occurrences[size_t(o)];
                        const qint32 *b = corpus.begin(s);
                        const qint64 len = corpus.length(s);
                        const qint64 lo = options.window ? std::max<qint64>(0, p - options.window) : 0;
                        const qint64 hi = options.window ? std::min<qint64>(len, qint64(p) + options.window + 1) : len;
                        for (qint64 q = lo; q < hi; ++q) {
                            const qint32 j = b[q];
                            if (j == qint32(i) || stamp[size_t(j)] == s)
                                continue; // each playlist counts a pair once
                            stamp[size_t(j)] = s;
                            if (count[size_t(j)] == 0)
                                touched.push_back(j);
                            count[size_t(j)] += 1;
                        }
                    }
                    scored.clear();
                    for (const qint32 j : touched) {
                        scored.emplace_back(j,
                                            float(count[size_t(j)] / (popPowBeta[size_t(i)] * popPowRest[size_t(j)])));
                        count[size_t(j)] = 0;
                        stamp[size_t(j)] = -1;
                    }
                    const auto better = [](const std::pair<qint32, float> &a, const std::pair<qint32, float> &b) {
                        return a.second != b.second ? a.second > b.second : a.first < b.first;
                    };
                    if (scored.size() > size_t(options.neighbours)) {
                        std::nth_element(scored.begin(), scored.begin() + options.neighbours, scored.end(), better);
                        scored.resize(size_t(options.neighbours));
                    }
                    std::sort(scored.begin(), scored.end(), better);
                    lists[size_t(i)] = scored;
                }
                done.fetch_add(last - first);
                if (reports)
                    job.progress(done.load(), qint64(vocab), QStringLiteral("co-occurrence"));
                if (job.cancelled())
                    failed.store(true);
            }
        } catch (...) {
            const std::lock_guard lock(errorMutex);
            if (!error)
                error = std::current_exception();
            failed.store(true);
        }
    };
    const int threads = std::max(1, options.threads);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work, false);
    work(true); // the calling thread works too, and is the one that reports progress
    for (std::thread &t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
    job.checkCancelled();
    job.progress(qint64(vocab), qint64(vocab), QStringLiteral("co-occurrence"));

    out.offsets.assign(vocab + 1, 0);
    for (size_t i = 0; i < vocab; ++i)
        out.offsets[i + 1] = out.offsets[i] + qint64(lists[i].size());
    out.neighbour.reserve(size_t(out.offsets[vocab]));
    out.similarity.reserve(size_t(out.offsets[vocab]));
    for (auto &l : lists) {
        for (const auto &[j, sim] : l) {
            out.neighbour.push_back(j);
            out.similarity.push_back(sim);
        }
        l = {};
    }
    return out;
}

} // namespace orrery
