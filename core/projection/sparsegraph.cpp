#include "sparsegraph.h"

#include <algorithm>

namespace orrery {

SparseGraph symmetrize(const Neighbours &nn, const std::vector<double> &directed,
                       const std::function<double(double, double)> &combine, WorkerPool &pool, JobContext &job)
{
    struct Entry {
        qint32 column;
        float out; // w(i→j)
        float in; // w(j→i)
    };
    const qint64 n = nn.k ? qint64(nn.index.size()) / nn.k : 0;
    const int k = nn.k;
    std::vector<qint64> start(size_t(n + 1), 0);
    for (qint64 i = 0; i < n; ++i) {
        start[size_t(i + 1)] += k;
        for (int j = 0; j < k; ++j)
            ++start[size_t(nn.of(i)[j]) + 1];
    }
    for (qint64 i = 0; i < n; ++i)
        start[size_t(i + 1)] += start[size_t(i)];
    std::vector<Entry> entries(static_cast<size_t>(start[size_t(n)]));
    {
        std::vector<qint64> fill(start.begin(), start.end() - 1);
        for (qint64 i = 0; i < n; ++i) {
            for (int j = 0; j < k; ++j) {
                const qint32 to = nn.of(i)[j];
                const float w = float(directed[size_t(i * k + j)]);
                entries[size_t(fill[size_t(i)]++)] = {to, w, 0.0f};
                entries[size_t(fill[size_t(to)]++)] = {qint32(i), 0.0f, w};
            }
        }
    }
    job.checkCancelled();

    // Sort and merge each row in place; kept[i] is how many entries row i keeps.
    std::vector<qint64> kept(size_t(n), 0);
    std::vector<double> merged(entries.size());
    pool.forChunks(
        n, 1024,
        [&](qint64 begin, qint64 end, qint64) {
            for (qint64 i = begin; i < end; ++i) {
                Entry *first = entries.data() + start[size_t(i)];
                Entry *last = entries.data() + start[size_t(i + 1)];
                std::sort(first, last, [](const Entry &a, const Entry &b) { return a.column < b.column; });
                qint64 out = start[size_t(i)];
                for (Entry *e = first; e != last;) {
                    Entry sum = *e;
                    for (++e; e != last && e->column == sum.column; ++e)
                        sum.out += e->out, sum.in += e->in;
                    if (sum.column == qint32(i))
                        continue;
                    const double w = combine(double(sum.out), double(sum.in));
                    if (w > 0) {
                        entries[size_t(out)].column = sum.column;
                        merged[size_t(out)] = w;
                        ++out;
                    }
                }
                kept[size_t(i)] = out - start[size_t(i)];
            }
        },
        &job);
    job.checkCancelled();

    SparseGraph g;
    g.offsets.assign(size_t(n + 1), 0);
    for (qint64 i = 0; i < n; ++i)
        g.offsets[size_t(i + 1)] = g.offsets[size_t(i)] + kept[size_t(i)];
    g.columns.resize(size_t(g.offsets[size_t(n)]));
    g.weights.resize(g.columns.size());
    for (qint64 i = 0; i < n; ++i) {
        const qint64 from = start[size_t(i)], to = g.offsets[size_t(i)];
        for (qint64 e = 0; e < kept[size_t(i)]; ++e) {
            g.columns[size_t(to + e)] = entries[size_t(from + e)].column;
            g.weights[size_t(to + e)] = merged[size_t(from + e)];
        }
    }
    return g;
}

} // namespace orrery
