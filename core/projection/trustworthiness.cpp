#include "trustworthiness.h"

#include "base/random.h"
#include "base/workerpool.h"
#include "index/exactknn.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace orrery {

std::vector<qint64> sampleIndices(qint64 n, qint64 count, quint64 seed)
{
    std::vector<qint64> all(static_cast<size_t>(std::max<qint64>(0, n)));
    std::iota(all.begin(), all.end(), 0);
    if (count >= n || count < 0)
        return all;
    Random rng(seed);
    for (qint64 i = 0; i < count; ++i)
        std::swap(all[size_t(i)], all[size_t(i + qint64(rng.below(quint64(n - i))))]);
    all.resize(size_t(count));
    std::sort(all.begin(), all.end());
    return all;
}

double trustworthiness(const RowMatrixXf &high, const std::vector<double> &xy, int k, qint64 sample, quint64 seed)
{
    WorkerPool pool(0);
    JobContext job;
    return trustworthiness(high, xy, k, sample, seed, pool, job);
}

double trustworthiness(const RowMatrixXf &high, const std::vector<double> &xy, int k, qint64 sample, quint64 seed,
                       WorkerPool &pool, JobContext &job)
{
    const qint64 n = high.rows();
    if (qint64(xy.size()) != 2 * n)
        throw Error(QStringLiteral("trustworthiness: %1 coordinates for %2 rows").arg(xy.size()).arg(n));
    k = int(std::min<qint64>(k, (n - 1) / 2));
    if (k < 1)
        return 1.0;
    // Rows that are already unit length (as computeLayout() passes them) are used in place.
    bool unit = true;
    for (Eigen::Index i = 0; i < high.rows() && unit; ++i) {
        const float norm = high.row(i).squaredNorm();
        unit = norm == 0 || std::abs(norm - 1.0f) < 1e-5f;
    }
    RowMatrixXf scaled;
    if (!unit)
        scaled = normalizedRows(high);
    const RowMatrixXf &x = unit ? high : scaled;
    const std::vector<qint64> points = sampleIndices(n, sample > 0 ? sample : n, seed);
    const qint64 m = qint64(points.size());
    // Rows of similarities per chunk, capped near 256 MB per worker.
    const qint64 rowsPerChunk = std::clamp<qint64>((qint64(64) << 20) / n, 1, 64);
    const qint64 chunks = (m + rowsPerChunk - 1) / rowsPerChunk;
    std::vector<double> penalty(size_t(chunks), 0.0);
    pool.forChunks(
        m, rowsPerChunk,
        [&](qint64 begin, qint64 end, qint64 chunk) {
            RowMatrixXf queries(end - begin, x.cols());
            for (qint64 r = begin; r < end; ++r)
                queries.row(r - begin) = x.row(points[size_t(r)]);
            const RowMatrixXf sims = queries * x.transpose();
            std::vector<std::pair<double, qint32>> near(static_cast<size_t>(n));
            std::vector<float> thresholds(static_cast<size_t>(k));
            std::vector<qint64> histogram(static_cast<size_t>(k + 1));
            double sum = 0;
            for (qint64 r = begin; r < end; ++r) {
                const qint64 i = points[size_t(r)];
                const double xi = xy[size_t(2 * i)], yi = xy[size_t(2 * i + 1)];
                for (qint64 j = 0; j < n; ++j) {
                    const double dx = xy[size_t(2 * j)] - xi, dy = xy[size_t(2 * j + 1)] - yi;
                    near[size_t(j)] = {j == i ? std::numeric_limits<double>::infinity() : dx * dx + dy * dy, qint32(j)};
                }
                std::nth_element(near.begin(), near.begin() + k, near.end());
                const float *s = sims.data() + (r - begin) * n;
                for (int q = 0; q < k; ++q)
                    thresholds[size_t(q)] = s[near[size_t(q)].second];
                std::sort(thresholds.begin(), thresholds.end());
                std::fill(histogram.begin(), histogram.end(), 0);
                for (qint64 l = 0; l < n; ++l)
                    if (l != i)
                        ++histogram[size_t(std::lower_bound(thresholds.begin(), thresholds.end(), s[l])
                                           - thresholds.begin())];
                // More similar than thresholds[q]: rows whose similarity exceeds at least q + 1 thresholds.
                qint64 greater = 0;
                for (int q = k - 1; q >= 0; --q) {
                    greater += histogram[size_t(q + 1)];
                    const qint64 rank = greater + 1;
                    if (rank > k)
                        sum += double(rank - k);
                }
            }
            penalty[size_t(chunk)] = sum;
        },
        &job);
    job.checkCancelled();
    double total = 0;
    for (const double p : penalty)
        total += p;
    return 1.0 - total * 2.0 / (double(m) * k * (2.0 * double(n) - 3.0 * k - 1.0));
}

} // namespace orrery
