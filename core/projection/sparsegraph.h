#pragma once

#include "base/workerpool.h"
#include "index/exactknn.h"

#include <QElapsedTimer>

#include <functional>
#include <vector>

namespace orrery {

/// A weighted graph over n points in compressed sparse rows: row i's edges are
/// columns[offsets[i] .. offsets[i + 1]), sorted by column.
struct SparseGraph {
    std::vector<qint64> offsets; ///< rows + 1
    std::vector<qint32> columns;
    std::vector<double> weights;

    qint64 rows() const { return offsets.empty() ? 0 : qint64(offsets.size()) - 1; }
    qint64 edges() const { return qint64(columns.size()); }
};

/// Makes a directed k-NN graph (row i's weights in `directed`, rows × nn.k, aligned with
/// nn.index) symmetric: each pair {i, j} gets combine(w(i→j), w(j→i)) in both rows, a missing
/// direction counting as 0. Pairs that combine to 0 are dropped. The result does not depend
/// on the number of workers.
SparseGraph symmetrize(const Neighbours &nn, const std::vector<double> &directed,
                       const std::function<double(double, double)> &combine, WorkerPool &pool, JobContext &job);

/// What the projections call with intermediate layouts: count × 2 coordinates (rows as in the
/// set) and the iteration or epoch they come from.
using LayoutCallback = std::function<void(const std::vector<double> &xy, int step)>;

/// Calls a LayoutCallback at most every `intervalMs` (the first call goes through at once), so
/// a window can animate without the optimisation waiting on it.
class PartialReporter final {
public:
    explicit PartialReporter(const LayoutCallback &callback, qint64 intervalMs = 100)
        : m_callback(callback), m_interval(intervalMs)
    {
    }
    /// True when a callback is set and the interval has passed since the last call.
    bool due() const { return m_callback && (!m_clock.isValid() || m_clock.elapsed() >= m_interval); }
    void report(const std::vector<double> &xy, int step)
    {
        m_clock.start();
        m_callback(xy, step);
    }

private:
    const LayoutCallback &m_callback;
    qint64 m_interval;
    QElapsedTimer m_clock;
};

} // namespace orrery
