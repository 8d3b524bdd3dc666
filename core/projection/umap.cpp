#include "umap.h"

#include "base/random.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

namespace orrery {

namespace {

float clip(float v)
{
    return v > 4.0f ? 4.0f : (v < -4.0f ? -4.0f : v);
}

// With more than one worker, Hogwild workers read and write shared coordinates without locks:
// relaxed atomics (plain loads and stores on x86) keep those races defined behaviour.
template<bool Shared> float load(const float *v)
{
    if constexpr (Shared)
        return std::atomic_ref<float>(*const_cast<float *>(v)).load(std::memory_order_relaxed);
    else
        return *v;
}

template<bool Shared> void store(float *v, float value)
{
    if constexpr (Shared)
        std::atomic_ref<float>(*v).store(value, std::memory_order_relaxed);
    else
        *v = value;
}

/// The state of UMAP's edge sampling, shared by the workers.
struct Sgd {
    const qint32 *head;
    const qint32 *tail;
    const double *perSample;
    double *nextSample;
    double *nextNegative;
    double negativeRate;
    float a, b;
    quint64 count;
};

/// One epoch over edges [begin, end); returns early once `job` is cancelled. Coordinates and
/// gradients are single precision, as in umap-learn: the SGD's own noise is far larger.
template<bool Shared>
void sgdEpoch(const Sgd &s, float *y, qint64 begin, qint64 end, int epoch, float alpha, Random &rng,
              const JobContext &job)
{
    const float a = s.a, b = s.b;
    for (qint64 e = begin; e < end; ++e) {
        if ((e & 0x3fff) == 0 && job.cancelled())
            return;
        if (s.nextSample[e] > epoch)
            continue;
        const qint32 j = s.head[e], k = s.tail[e];
        float cx = load<Shared>(y + 2 * j), cy = load<Shared>(y + 2 * j + 1);
        float ox = load<Shared>(y + 2 * k), oy = load<Shared>(y + 2 * k + 1);
        float dx = cx - ox, dy = cy - oy, d2 = dx * dx + dy * dy;
        if (d2 > 0) {
            const float pb = std::pow(d2, b);
            const float coeff = -2.0f * a * b * (pb / d2) / (a * pb + 1.0f);
            const float gx = clip(coeff * dx) * alpha, gy = clip(coeff * dy) * alpha;
            cx += gx, cy += gy;
            store<Shared>(y + 2 * k, ox - gx);
            store<Shared>(y + 2 * k + 1, oy - gy);
        }
        s.nextSample[e] += s.perSample[e];
        const double perNegative = s.perSample[e] / s.negativeRate;
        const int negatives = int((epoch - s.nextNegative[e]) / perNegative);
        for (int t = 0; t < negatives; ++t) {
            const qint32 other = qint32(rng.below(s.count));
            ox = load<Shared>(y + 2 * other), oy = load<Shared>(y + 2 * other + 1);
            dx = cx - ox, dy = cy - oy, d2 = dx * dx + dy * dy;
            if (d2 > 0) {
                const float coeff = 2.0f * b / ((0.001f + d2) * (a * std::pow(d2, b) + 1.0f));
                cx += clip(coeff * dx) * alpha;
                cy += clip(coeff * dy) * alpha;
            } else if (other != j) {
                cx += 4.0f * alpha;
                cy += 4.0f * alpha;
            }
        }
        s.nextNegative[e] += negatives * perNegative;
        store<Shared>(y + 2 * j, cx);
        store<Shared>(y + 2 * j + 1, cy);
    }
}

/// Makes the columns of a row-major n × b block orthonormal and orthogonal to the unit vector
/// `trivial` (modified Gram–Schmidt, two passes for round-off).
void orthonormalize(std::vector<double> &block, qint64 n, int b, const std::vector<double> &trivial)
{
    double *x = block.data();
    const double *t = trivial.data();
    for (int pass = 0; pass < 2; ++pass) {
        double along[8] = {};
        for (qint64 i = 0; i < n; ++i)
            for (int c = 0; c < b; ++c)
                along[c] += t[i] * x[i * b + c];
        for (qint64 i = 0; i < n; ++i)
            for (int c = 0; c < b; ++c)
                x[i * b + c] -= along[c] * t[i];
        for (int c = 0; c < b; ++c) {
            for (int p = 0; p < c; ++p) {
                double dot = 0;
                for (qint64 i = 0; i < n; ++i)
                    dot += x[i * b + p] * x[i * b + c];
                for (qint64 i = 0; i < n; ++i)
                    x[i * b + c] -= dot * x[i * b + p];
            }
            double norm = 0;
            for (qint64 i = 0; i < n; ++i)
                norm += x[i * b + c] * x[i * b + c];
            norm = std::sqrt(norm);
            const double inv = norm > 1e-150 ? 1.0 / norm : 0.0;
            for (qint64 i = 0; i < n; ++i)
                x[i * b + c] *= inv;
        }
    }
}

/// Xᵀ·Y of two row-major n × b blocks, symmetrised.
Eigen::MatrixXd projected(const std::vector<double> &x, const std::vector<double> &y, qint64 n, int b)
{
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(b, b);
    for (qint64 i = 0; i < n; ++i)
        for (int r = 0; r < b; ++r)
            for (int c = 0; c < b; ++c)
                h(r, c) += x[size_t(i * b + r)] * y[size_t(i * b + c)];
    return 0.5 * (h + h.transpose());
}

} // namespace

int umapEpochs(int requested, qint64 n)
{
    if (requested > 0)
        return requested;
    return n <= 10000 ? 500 : 200;
}

UmapCurve fitUmapCurve(double minDist, double spread)
{
    constexpr int Points = 300;
    std::vector<double> x(Points), y(Points);
    for (int i = 0; i < Points; ++i) {
        x[size_t(i)] = 3.0 * spread * i / (Points - 1);
        y[size_t(i)] = x[size_t(i)] < minDist ? 1.0 : std::exp(-(x[size_t(i)] - minDist) / spread);
    }
    const auto cost = [&](double a, double b) {
        double c = 0;
        for (int i = 0; i < Points; ++i) {
            const double r = 1.0 / (1.0 + a * std::pow(x[size_t(i)], 2 * b)) - y[size_t(i)];
            c += r * r;
        }
        return c;
    };
    double a = 1, b = 1, lambda = 1e-3, current = cost(a, b);
    for (int iter = 0; iter < 500; ++iter) {
        double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
        for (int i = 0; i < Points; ++i) {
            const double xi = x[size_t(i)];
            const double t = xi > 0 ? std::pow(xi, 2 * b) : 0.0;
            const double f = 1.0 / (1.0 + a * t);
            const double r = f - y[size_t(i)];
            const double da = -t * f * f;
            const double db = xi > 0 ? -a * t * 2.0 * std::log(xi) * f * f : 0.0;
            jaa += da * da, jab += da * db, jbb += db * db;
            ga += da * r, gb += db * r;
        }
        const double maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda);
        const double det = maa * mbb - jab * jab;
        if (det == 0)
            break;
        const double stepA = -(mbb * ga - jab * gb) / det;
        const double stepB = -(maa * gb - jab * ga) / det;
        const double next = cost(a + stepA, b + stepB);
        if (next < current) {
            a += stepA, b += stepB;
            const bool done = current - next < 1e-15 * std::max(1.0, current);
            current = next;
            lambda = std::max(lambda / 10, 1e-12);
            if (done)
                break;
        } else {
            lambda *= 10;
            if (lambda > 1e12)
                break;
        }
    }
    return {a, b};
}

SparseGraph fuzzySimplicialSet(const Neighbours &nn, int neighbors, WorkerPool &pool, JobContext &job)
{
    const int k = nn.k;
    const qint64 n = k ? qint64(nn.index.size()) / k : 0;
    const double target = std::log2(double(std::max(2, neighbors)));
    double meanAll = 0;
    for (const float s : nn.similarity)
        meanAll += std::sqrt(std::max(0.0, 2.0 - 2.0 * double(s)));
    meanAll /= double(std::max<size_t>(1, nn.similarity.size()));
    std::vector<double> membership(nn.index.size());
    pool.forChunks(
        n, 512,
        [&](qint64 begin, qint64 end, qint64) {
            std::vector<double> d(static_cast<size_t>(k));
            for (qint64 i = begin; i < end; ++i) {
                double rho = 0, mean = 0;
                for (int j = 0; j < k; ++j) {
                    d[size_t(j)] = std::sqrt(std::max(0.0, 2.0 - 2.0 * double(nn.similarity[size_t(i * k + j)])));
                    mean += d[size_t(j)];
                }
                mean /= k;
                for (const double v : d)
                    if (v > 0 && (rho == 0 || v < rho))
                        rho = v;
                double lo = 0, hi = std::numeric_limits<double>::infinity(), sigma = 1;
                for (int step = 0; step < 64; ++step) {
                    double sum = 0;
                    for (const double v : d)
                        sum += v - rho > 0 ? std::exp(-(v - rho) / sigma) : 1.0;
                    if (std::abs(sum - target) < 1e-5)
                        break;
                    if (sum > target) {
                        hi = sigma;
                        sigma = (lo + hi) / 2;
                    } else {
                        lo = sigma;
                        sigma = std::isinf(hi) ? sigma * 2 : (lo + hi) / 2;
                    }
                }
                sigma = std::max(sigma, 1e-3 * (rho > 0 ? mean : meanAll));
                for (int j = 0; j < k; ++j) {
                    const double over = d[size_t(j)] - rho;
                    membership[size_t(i * k + j)] = over <= 0 ? 1.0 : std::exp(-over / sigma);
                }
            }
        },
        &job);
    job.checkCancelled();
    return symmetrize(
        nn, membership, [](double a, double b) { return a + b - a * b; }, pool, job);
}

std::vector<double> spectralLayout(const SparseGraph &graph, quint64 seed, WorkerPool &pool, JobContext &job)
{
    const qint64 n = graph.rows();
    const int b = int(std::min<qint64>(6, n - 1));
    if (b < 2)
        return {};
    std::vector<double> scale(static_cast<size_t>(n)), trivial(static_cast<size_t>(n));
    double trivialNorm = 0;
    for (qint64 i = 0; i < n; ++i) {
        double degree = 0;
        for (qint64 e = graph.offsets[size_t(i)]; e < graph.offsets[size_t(i + 1)]; ++e)
            degree += graph.weights[size_t(e)];
        scale[size_t(i)] = degree > 0 ? 1.0 / std::sqrt(degree) : 0.0;
        trivial[size_t(i)] = std::sqrt(degree);
        trivialNorm += degree;
    }
    if (!(trivialNorm > 0))
        return {};
    for (double &t : trivial)
        t /= std::sqrt(trivialNorm);

    Random rng(seed ^ 0x5bd1e995ull);
    std::vector<double> x(size_t(n * b)), y(size_t(n * b));
    for (double &v : x)
        v = rng.normal();
    const auto multiply = [&] { // y = (x + D^-½ W D^-½ x) / 2, row by row
        pool.forChunks(
            n, 2048,
            [&](qint64 begin, qint64 end, qint64) {
                const qint64 *offsets = graph.offsets.data();
                const qint32 *columns = graph.columns.data();
                const double *weights = graph.weights.data(), *sc = scale.data(), *in = x.data();
                double *out = y.data();
                for (qint64 i = begin; i < end; ++i) {
                    double sum[8] = {};
                    for (qint64 e = offsets[i]; e < offsets[i + 1]; ++e) {
                        const qint64 j = columns[e];
                        const double w = weights[e] * sc[j];
                        for (int c = 0; c < b; ++c)
                            sum[c] += w * in[j * b + c];
                    }
                    for (int c = 0; c < b; ++c)
                        out[i * b + c] = 0.5 * (in[i * b + c] + sc[i] * sum[c]);
                }
            },
            &job);
        job.checkCancelled();
    };
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ritz;
    const auto residual = [&] { // of the two leading Ritz pairs
        double worst = 0;
        for (int c = b - 2; c < b; ++c) {
            const Eigen::VectorXd v = ritz.eigenvectors().col(c);
            const double lambda = ritz.eigenvalues()(c);
            double norm = 0;
            for (qint64 i = 0; i < n; ++i) {
                double r = 0;
                for (int t = 0; t < b; ++t)
                    r += (y[size_t(i * b + t)] - lambda * x[size_t(i * b + t)]) * v(t);
                norm += r * r;
            }
            worst = std::max(worst, std::sqrt(norm));
        }
        return worst;
    };
    constexpr int Sweeps = 300;
    for (int sweep = 0; sweep < Sweeps; ++sweep) {
        job.progress(sweep, Sweeps, QStringLiteral("spectral initialisation"));
        orthonormalize(x, n, b, trivial);
        multiply();
        if (sweep % 10 == 9) {
            ritz.compute(projected(x, y, n, b));
            if (residual() < 1e-4)
                break;
        }
        x.swap(y);
    }
    orthonormalize(x, n, b, trivial);
    multiply();
    ritz.compute(projected(x, y, n, b));
    std::vector<double> coords(size_t(2 * n), 0.0);
    for (int c = 0; c < 2; ++c) {
        const Eigen::VectorXd v = ritz.eigenvectors().col(b - 1 - c);
        for (qint64 i = 0; i < n; ++i) {
            double sum = 0;
            for (int t = 0; t < b; ++t)
                sum += x[size_t(i * b + t)] * v(t);
            coords[size_t(2 * i + c)] = sum;
        }
    }
    double largest = 0;
    for (int c = 0; c < 2; ++c) {
        double extreme = 0;
        for (qint64 i = 0; i < n; ++i)
            if (std::abs(coords[size_t(2 * i + c)]) > std::abs(extreme))
                extreme = coords[size_t(2 * i + c)];
        if (extreme < 0)
            for (qint64 i = 0; i < n; ++i)
                coords[size_t(2 * i + c)] = -coords[size_t(2 * i + c)];
        largest = std::max(largest, std::abs(extreme));
    }
    if (!std::isfinite(largest) || !(largest > 0))
        return {};
    for (double &v : coords)
        v = v * (10.0 / largest) + 1e-4 * rng.normal();
    for (int c = 0; c < 2; ++c) {
        double lo = coords[size_t(c)], hi = lo;
        for (qint64 i = 0; i < n; ++i)
            lo = std::min(lo, coords[size_t(2 * i + c)]), hi = std::max(hi, coords[size_t(2 * i + c)]);
        if (!(hi > lo))
            return {};
        for (qint64 i = 0; i < n; ++i)
            coords[size_t(2 * i + c)] = 10.0 * (coords[size_t(2 * i + c)] - lo) / (hi - lo);
    }
    return coords;
}

std::vector<double> umapOptimize(const SparseGraph &graph, std::vector<double> y, const UmapOptions &options,
                                 WorkerPool &pool, JobContext &job, const LayoutCallback &partial)
{
    const qint64 n = graph.rows();
    const int epochs = umapEpochs(options.epochs, n);
    const UmapCurve curve = fitUmapCurve(options.minDist, options.spread);
    const double a = curve.a, b = curve.b;
    double maxWeight = 0;
    for (const double w : graph.weights)
        maxWeight = std::max(maxWeight, w);
    std::vector<qint32> head, tail;
    std::vector<double> perSample;
    for (qint64 i = 0; i < n; ++i) {
        for (qint64 e = graph.offsets[size_t(i)]; e < graph.offsets[size_t(i + 1)]; ++e) {
            const double w = graph.weights[size_t(e)];
            if (w < maxWeight / epochs || w <= 0)
                continue;
            head.push_back(qint32(i));
            tail.push_back(graph.columns[size_t(e)]);
            perSample.push_back(maxWeight / w);
        }
    }
    const qint64 edges = qint64(head.size());
    const double negativeRate = std::max(1, options.negativeSamples);
    std::vector<double> nextSample = perSample;
    std::vector<double> nextNegative(static_cast<size_t>(edges));
    for (qint64 e = 0; e < edges; ++e)
        nextNegative[size_t(e)] = perSample[size_t(e)] / negativeRate;
    std::vector<Random> streams;
    for (int w = 0; w < pool.size(); ++w)
        streams.emplace_back(options.seed * 0x9E3779B97F4A7C15ull + quint64(w) + 1);
    const Sgd sgd {head.data(),  tail.data(), perSample.data(), nextSample.data(), nextNegative.data(),
                   negativeRate, float(a),    float(b),         quint64(n)};
    std::vector<float> yf(y.begin(), y.end());
    PartialReporter reporter(partial);
    for (int epoch = 0; epoch < epochs; ++epoch) {
        job.checkCancelled();
        const double alpha = options.learningRate * (1.0 - double(epoch) / epochs);
        const int workers = pool.size();
        pool.run([&](int worker) {
            const qint64 begin = edges * worker / workers, end = edges * (worker + 1) / workers;
            if (workers > 1)
                sgdEpoch<true>(sgd, yf.data(), begin, end, epoch, float(alpha), streams[size_t(worker)], job);
            else
                sgdEpoch<false>(sgd, yf.data(), begin, end, epoch, float(alpha), streams[size_t(worker)], job);
        });
        job.checkCancelled();
        job.progress(epoch + 1, epochs, QStringLiteral("UMAP"));
        if (reporter.due() && epoch + 1 < epochs) {
            y.assign(yf.begin(), yf.end());
            reporter.report(y, epoch + 1);
        }
    }
    y.assign(yf.begin(), yf.end());
    return y;
}

} // namespace orrery
