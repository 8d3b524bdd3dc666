#include "projection/densityclusters.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace orrery {

namespace {

struct Grid {
    int w = 1, h = 1;
    std::vector<qint32> cellOf; ///< per point
    std::vector<qint64> counts; ///< per cell
    std::vector<double> smooth; ///< per cell: the 3 × 3 block's count
};

Grid bin(const double *xy, qint64 n, int cells, JobContext &job)
{
    double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
    for (qint64 i = 0; i < n; ++i) {
        const double x = xy[2 * i], y = xy[2 * i + 1];
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
    Grid g;
    if (!(x1 >= x0))
        x0 = y0 = 0, x1 = y1 = 1;
    const double span = std::max({x1 - x0, y1 - y0, 1e-12});
    const double cell = span / cells;
    g.w = std::max(1, int(std::ceil((x1 - x0) / cell)) + 1);
    g.h = std::max(1, int(std::ceil((y1 - y0) / cell)) + 1);
    g.cellOf.assign(size_t(n), -1);
    g.counts.assign(size_t(g.w) * size_t(g.h), 0);
    for (qint64 i = 0; i < n; ++i) {
        if ((i & 0xFFFF) == 0)
            job.checkCancelled();
        const double x = xy[2 * i], y = xy[2 * i + 1];
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        const int cx = std::clamp(int((x - x0) / cell), 0, g.w - 1);
        const int cy = std::clamp(int((y - y0) / cell), 0, g.h - 1);
        const qint32 c = cy * g.w + cx;
        g.cellOf[size_t(i)] = c;
        ++g.counts[size_t(c)];
    }
    g.smooth.assign(g.counts.size(), 0.0);
    for (int y = 0; y < g.h; ++y)
        for (int x = 0; x < g.w; ++x) {
            qint64 sum = 0;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < g.w && ny < g.h)
                        sum += g.counts[size_t(ny) * size_t(g.w) + size_t(nx)];
                }
            // Only occupied cells can be dense, so that empty gaps between islands stay open.
            g.smooth[size_t(y) * size_t(g.w) + size_t(x)] = g.counts[size_t(y) * size_t(g.w) + size_t(x)] ? double(sum)
                                                                                                          : 0.0;
        }
    return g;
}

/// 8-connected components of the cells at or above `threshold`: a component per cell (-1 when
/// sparse) and each component's points.
int components(const Grid &g, double threshold, std::vector<qint32> &label, std::vector<qint64> &points)
{
    label.assign(g.counts.size(), -1);
    points.clear();
    std::vector<qint32> stack;
    int count = 0;
    for (size_t start = 0; start < label.size(); ++start) {
        if (label[start] >= 0 || g.smooth[start] < threshold || g.smooth[start] <= 0)
            continue;
        qint64 total = 0;
        stack.push_back(qint32(start));
        label[start] = count;
        while (!stack.empty()) {
            const qint32 c = stack.back();
            stack.pop_back();
            total += g.counts[size_t(c)];
            const int x = c % g.w, y = c / g.w;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= g.w || ny >= g.h)
                        continue;
                    const size_t nc = size_t(ny) * size_t(g.w) + size_t(nx);
                    if (label[nc] < 0 && g.smooth[nc] >= threshold && g.smooth[nc] > 0) {
                        label[nc] = count;
                        stack.push_back(qint32(nc));
                    }
                }
        }
        points.push_back(total);
        ++count;
    }
    return count;
}

} // namespace

DensityResult densityClusters(const double *xy, qint64 n, const DensityOptions &options, JobContext &job)
{
    DensityResult r;
    r.assignment.assign(size_t(std::max<qint64>(n, 0)), -1);
    r.noise = std::max<qint64>(n, 0);
    if (n <= 0)
        return r;
    const qint64 minSize = options.minSize > 0 ? options.minSize : std::max<qint64>(10, n / 500);
    // About four points per cell on average over the bounding square, as a DBSCAN ε would hold.
    const int cells = options.grid > 0 ? options.grid : std::clamp(int(std::sqrt(double(n) / 4)), 32, 1024);
    r.grid = cells;
    job.progress(0, 3, QStringLiteral("density clusters"));
    const Grid g = bin(xy, n, cells, job);

    std::vector<double> occupied;
    for (size_t c = 0; c < g.counts.size(); ++c)
        if (g.counts[c] > 0)
            occupied.push_back(g.smooth[c]);
    std::sort(occupied.begin(), occupied.end());
    std::vector<qint32> label, bestLabel;
    std::vector<qint64> points, bestPoints;
    int bestClusters = -1;
    double bestThreshold = 0;
    const int levels = std::max(1, options.levels);
    for (int l = 0; l < levels; ++l) {
        job.checkCancelled();
        // Quantiles from 0 (every occupied cell) to 0.9, so the densest tenth always stays dense.
        const double q = 0.9 * double(l) / std::max(1, levels - 1);
        const double threshold = occupied.empty() ? 1 : occupied[size_t(q * double(occupied.size() - 1))];
        if (l > 0 && threshold == bestThreshold)
            continue;
        components(g, threshold, label, points);
        const int big = int(std::count_if(points.begin(), points.end(), [&](qint64 p) { return p >= minSize; }));
        if (big > bestClusters) {
            bestClusters = big, bestThreshold = threshold;
            bestLabel.swap(label), bestPoints.swap(points);
        }
    }
    job.progress(1, 3, QStringLiteral("density clusters"));
    // Components of at least minSize, renumbered by size (largest first); the rest are sparse.
    std::vector<qint32> order(bestPoints.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](qint32 a, qint32 b) { return bestPoints[size_t(a)] > bestPoints[size_t(b)]; });
    std::vector<qint32> renumber(bestPoints.size(), -1);
    for (qint32 rank = 0; rank < qint32(order.size()); ++rank)
        if (bestPoints[size_t(order[size_t(rank)])] >= minSize)
            renumber[size_t(order[size_t(rank)])] = rank, r.clusters = rank + 1;
    std::vector<qint32> cellCluster(g.counts.size(), -1);
    for (size_t c = 0; c < cellCluster.size(); ++c)
        if (bestLabel[c] >= 0)
            cellCluster[c] = renumber[size_t(bestLabel[c])];
    // A sparse occupied cell takes the cluster of the nearest dense cell within two rings.
    std::vector<qint32> grown = cellCluster;
    for (int y = 0; y < g.h; ++y) {
        job.checkCancelled();
        for (int x = 0; x < g.w; ++x) {
            const size_t c = size_t(y) * size_t(g.w) + size_t(x);
            if (cellCluster[c] >= 0 || g.counts[c] == 0)
                continue;
            int bestDistance = std::numeric_limits<int>::max();
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx) {
                    const int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= g.w || ny >= g.h)
                        continue;
                    const qint32 other = cellCluster[size_t(ny) * size_t(g.w) + size_t(nx)];
                    if (other >= 0 && dx * dx + dy * dy < bestDistance)
                        bestDistance = dx * dx + dy * dy, grown[c] = other;
                }
        }
    }
    job.progress(2, 3, QStringLiteral("density clusters"));
    r.sizes.assign(size_t(r.clusters), 0);
    r.noise = 0;
    for (qint64 i = 0; i < n; ++i) {
        const qint32 cell = g.cellOf[size_t(i)];
        const qint32 c = cell >= 0 ? grown[size_t(cell)] : -1;
        r.assignment[size_t(i)] = c;
        if (c >= 0)
            ++r.sizes[size_t(c)];
        else
            ++r.noise;
    }
    r.threshold = bestThreshold;
    job.progress(3, 3, QStringLiteral("density clusters"));
    return r;
}

} // namespace orrery
