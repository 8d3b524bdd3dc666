#include "projection/kmeans.h"

#include "base/random.h"
#include "base/workerpool.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

namespace orrery {

namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRows = Eigen::Map<const RowMajorF>;

constexpr qint64 AssignChunk = 2048;

double squaredDistance(const float *a, const float *b, int dim)
{
    double sum = 0;
    for (int d = 0; d < dim; ++d) {
        const double diff = double(a[d]) - double(b[d]);
        sum += diff * diff;
    }
    return sum;
}

/// Greedy k-means++ (Arthur & Vassilvitskii 2007) on the rows `sample`: each next centroid drawn with
/// probability proportional to its squared distance from the nearest one chosen so far.
std::vector<float> seedCentroids(const float *data, int dim, const std::vector<qint64> &sample, int k, Random &rng,
                                 JobContext &job)
{
    const size_t s = sample.size();
    std::vector<float> centroids(size_t(k) * size_t(dim));
    std::vector<double> nearest(s, std::numeric_limits<double>::infinity());
    qint64 chosen = sample[size_t(rng.below(s))];
    for (int c = 0; c < k; ++c) {
        job.checkCancelled();
        std::copy_n(data + chosen * dim, dim, centroids.data() + size_t(c) * size_t(dim));
        const float *centre = centroids.data() + size_t(c) * size_t(dim);
        double total = 0;
        for (size_t i = 0; i < s; ++i) {
            nearest[i] = std::min(nearest[i], squaredDistance(data + sample[i] * dim, centre, dim));
            total += nearest[i];
        }
        if (c + 1 == k)
            break;
        if (total <= 0) { // fewer distinct rows than k: any row will do
            chosen = sample[size_t(rng.below(s))];
            continue;
        }
        // Greedy k-means++ (as scikit-learn): of 2 + ln k candidates, the one that lowers the
        // potential most, which avoids most of plain k-means++'s split-and-merged seedings.
        const int candidates = 2 + int(std::log(double(k)));
        size_t pick = s - 1;
        double bestPotential = std::numeric_limits<double>::infinity();
        for (int t = 0; t < candidates; ++t) {
            double target = rng.uniform() * total;
            size_t candidate = s - 1;
            for (size_t i = 0; i < s; ++i) {
                target -= nearest[i];
                if (target < 0) {
                    candidate = i;
                    break;
                }
            }
            double potential = 0;
            const float *row = data + sample[candidate] * dim;
            for (size_t i = 0; i < s; ++i)
                potential += std::min(nearest[i], squaredDistance(data + sample[i] * dim, row, dim));
            if (potential < bestPotential)
                bestPotential = potential, pick = candidate;
        }
        chosen = sample[pick];
    }
    return centroids;
}

} // namespace

KMeansResult kmeans(const float *data, qint64 n, int dim, const KMeansOptions &options, JobContext &job)
{
    KMeansResult r;
    r.dim = dim;
    if (n <= 0 || dim <= 0)
        return r;
    const int k = int(std::clamp<qint64>(options.k, 1, n));
    r.k = k;
    Random rng(options.seed);
    const qint64 sampleSize = std::min<qint64>(
        n, options.seedSample > 0 ? options.seedSample : std::max<qint64>(20000, 40LL * k));
    std::vector<qint64> sample(static_cast<size_t>(sampleSize));
    if (sampleSize == n)
        for (qint64 i = 0; i < n; ++i)
            sample[size_t(i)] = i;
    else
        for (auto &i : sample)
            i = qint64(rng.below(quint64(n)));
    r.centroids = seedCentroids(data, dim, sample, k, rng, job);

    std::vector<float> rowNorms(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        rowNorms[size_t(i)] = float(ConstRows(data + i * dim, 1, dim).squaredNorm());
    r.assignment.assign(size_t(n), -1);
    std::vector<float> distances(size_t(n), 0.0f);
    const qint64 chunks = (n + AssignChunk - 1) / AssignChunk;
    std::vector<qint64> movedPerChunk(static_cast<size_t>(chunks));
    WorkerPool pool(resolveThreads(options.threads));
    std::vector<double> sums(size_t(k) * size_t(dim));
    r.sizes.assign(size_t(k), 0);

    for (int it = 0; it < std::max(1, options.iterations); ++it) {
        job.progress(it, options.iterations, QStringLiteral("k-means"));
        const ConstRows centroids(r.centroids.data(), k, dim);
        const Eigen::VectorXf centroidNorms = centroids.rowwise().squaredNorm();
        std::fill(movedPerChunk.begin(), movedPerChunk.end(), 0);
        pool.forChunks(
            n, AssignChunk,
            [&](qint64 begin, qint64 end, qint64 chunk) {
                const ConstRows block(data + begin * dim, end - begin, dim);
                const RowMajorF dots = block * centroids.transpose();
                qint64 moved = 0;
                for (qint64 i = begin; i < end; ++i) {
                    const float *row = dots.data() + (i - begin) * k;
                    int best = 0;
                    float bestDistance = std::numeric_limits<float>::infinity();
                    for (int c = 0; c < k; ++c) {
                        const float d = centroidNorms[c] - 2 * row[c];
                        if (d < bestDistance)
                            bestDistance = d, best = c;
                    }
                    if (r.assignment[size_t(i)] != best)
                        ++moved, r.assignment[size_t(i)] = best;
                    distances[size_t(i)] = std::max(0.0f, bestDistance + rowNorms[size_t(i)]);
                }
                movedPerChunk[size_t(chunk)] = moved;
            },
            &job);
        job.checkCancelled();
        r.iterations = it + 1;
        qint64 moved = 0;
        for (const qint64 m : movedPerChunk)
            moved += m;
        if (moved == 0)
            break;
        // Update: the mean of each centroid's rows, in double; an empty one takes the worst-placed row.
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(r.sizes.begin(), r.sizes.end(), 0);
        for (qint64 i = 0; i < n; ++i) {
            const qint32 c = r.assignment[size_t(i)];
            ++r.sizes[size_t(c)];
            double *sum = sums.data() + size_t(c) * size_t(dim);
            const float *row = data + i * dim;
            for (int d = 0; d < dim; ++d)
                sum[d] += row[d];
        }
        for (int c = 0; c < k; ++c) {
            float *centre = r.centroids.data() + size_t(c) * size_t(dim);
            if (r.sizes[size_t(c)] > 0) {
                for (int d = 0; d < dim; ++d)
                    centre[d] = float(sums[size_t(c) * size_t(dim) + size_t(d)] / double(r.sizes[size_t(c)]));
                continue;
            }
            const qint64 far = qint64(std::max_element(distances.begin(), distances.end()) - distances.begin());
            std::copy_n(data + far * dim, dim, centre);
            distances[size_t(far)] = 0;
        }
    }
    std::fill(r.sizes.begin(), r.sizes.end(), 0);
    r.inertia = 0;
    for (qint64 i = 0; i < n; ++i) {
        ++r.sizes[size_t(r.assignment[size_t(i)])];
        r.inertia += distances[size_t(i)];
    }
    job.progress(options.iterations, options.iterations, QStringLiteral("k-means"));
    return r;
}

namespace {

double silhouetteOf(const std::vector<float> &pairwise, qint64 n, const std::vector<qint32> &assignment, int k)
{
    std::vector<double> sum(static_cast<size_t>(k));
    std::vector<qint64> size(size_t(k), 0);
    for (const qint32 c : assignment)
        if (c >= 0)
            ++size[size_t(c)];
    double total = 0;
    qint64 counted = 0;
    for (qint64 i = 0; i < n; ++i) {
        const qint32 own = assignment[size_t(i)];
        if (own < 0)
            continue;
        ++counted;
        if (size[size_t(own)] < 2)
            continue;
        std::fill(sum.begin(), sum.end(), 0.0);
        const float *row = pairwise.data() + i * n;
        for (qint64 j = 0; j < n; ++j)
            if (assignment[size_t(j)] >= 0)
                sum[size_t(assignment[size_t(j)])] += row[j];
        const double a = sum[size_t(own)] / double(size[size_t(own)] - 1);
        double b = std::numeric_limits<double>::infinity();
        for (int c = 0; c < k; ++c)
            if (c != own && size[size_t(c)] > 0)
                b = std::min(b, sum[size_t(c)] / double(size[size_t(c)]));
        if (std::isfinite(b) && std::max(a, b) > 0)
            total += (b - a) / std::max(a, b);
    }
    return counted ? total / double(counted) : 0;
}

std::vector<float> pairwiseDistances(const float *data, qint64 n, int dim)
{
    const ConstRows x(data, n, dim);
    const Eigen::VectorXf norms = x.rowwise().squaredNorm();
    RowMajorF d = x * x.transpose();
    std::vector<float> out(size_t(n * n));
    for (qint64 i = 0; i < n; ++i)
        for (qint64 j = 0; j < n; ++j)
            out[size_t(i * n + j)] = std::sqrt(std::max(0.0f, norms[i] + norms[j] - 2 * d(i, j)));
    return out;
}

} // namespace

double silhouette(const float *data, qint64 n, int dim, const std::vector<qint32> &assignment, int k)
{
    return silhouetteOf(pairwiseDistances(data, n, dim), n, assignment, k);
}

int chooseK(const float *data, qint64 n, int dim, int kMin, int kMax, qint64 sample, quint64 seed, JobContext &job,
            std::vector<KScore> *scores)
{
    kMin = std::max(2, kMin);
    const qint64 s = std::min(n, std::max<qint64>(sample, 1));
    kMax = int(std::min<qint64>(kMax, s - 1));
    if (kMax < kMin)
        return int(std::clamp<qint64>(kMin, 1, n));
    // A sample without repeats (partial Fisher–Yates), in row order.
    std::vector<qint64> rows(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        rows[size_t(i)] = i;
    Random rng(seed);
    for (qint64 i = 0; i < s; ++i)
        std::swap(rows[size_t(i)], rows[size_t(i + qint64(rng.below(quint64(n - i))))]);
    rows.resize(size_t(s));
    std::sort(rows.begin(), rows.end());
    std::vector<float> x(size_t(s) * size_t(dim));
    for (qint64 i = 0; i < s; ++i)
        std::copy_n(data + rows[size_t(i)] * dim, dim, x.data() + i * dim);
    const std::vector<float> pairwise = pairwiseDistances(x.data(), s, dim);
    int best = kMin;
    double bestScore = -2;
    for (int k = kMin; k <= kMax; ++k) {
        job.checkCancelled();
        job.progress(k - kMin, kMax - kMin + 1, QStringLiteral("choosing k"));
        KMeansOptions options;
        options.k = k;
        options.seed = seed;
        options.threads = 1;
        JobContext quiet(JobContext::ProgressFn {}, nullptr);
        const KMeansResult r = kmeans(x.data(), s, dim, options, quiet);
        const double score = silhouetteOf(pairwise, s, r.assignment, r.k);
        if (scores)
            scores->push_back({k, score});
        if (score > bestScore)
            bestScore = score, best = k;
    }
    job.progress(kMax - kMin + 1, kMax - kMin + 1, QStringLiteral("choosing k"));
    return best;
}

} // namespace orrery
