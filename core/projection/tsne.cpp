#include "tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace orrery {

namespace {

constexpr qint64 Chunk = 256;
/// Points per quadtree leaf: exact sums over a few points cost less than more levels of cells.
constexpr qint32 LeafSize = 8;

/// Barnes-Hut quadtree over the current layout, rebuilt every iteration.
class QuadTree final {
public:
    void build(const std::vector<double> &xy)
    {
        const qint32 n = qint32(xy.size() / 2);
        m_nodes.clear();
        m_order.resize(size_t(n));
        for (qint32 i = 0; i < n; ++i)
            m_order[size_t(i)] = i;
        m_xy = xy.data();
        double minX = std::numeric_limits<double>::max(), minY = minX;
        double maxX = std::numeric_limits<double>::lowest(), maxY = maxX;
        for (qint32 i = 0; i < n; ++i) {
            minX = std::min(minX, xy[size_t(2 * i)]), maxX = std::max(maxX, xy[size_t(2 * i)]);
            minY = std::min(minY, xy[size_t(2 * i + 1)]), maxY = std::max(maxY, xy[size_t(2 * i + 1)]);
        }
        const double half = std::max(maxX - minX, maxY - minY) * 0.5 * (1 + 1e-6) + 1e-12;
        m_nodes.push_back({});
        split(0, 0, n, (minX + maxX) * 0.5, (minY + maxY) * 0.5, half, 0);
        m_px.resize(size_t(n));
        m_py.resize(size_t(n));
        for (qint32 t = 0; t < n; ++t) {
            m_px[size_t(t)] = xy[size_t(2 * m_order[size_t(t)])];
            m_py[size_t(t)] = xy[size_t(2 * m_order[size_t(t)] + 1)];
        }
    }

    /// The points in tree order: neighbours in the plane are close in it, so traversing them in
    /// this order keeps the tree's nodes in cache.
    qint32 pointAt(qint64 t) const { return m_order[size_t(t)]; }

    /// Adds Σ_j q_ij² (y_i − y_j) to (fx, fy) and Σ_j q_ij to sumQ, q = 1 / (1 + |y_i − y_j|²), j ≠ i.
    void repulsion(double x, double y, qint32 self, double theta2, double &fx, double &fy, double &sumQ) const
    {
        // Raw pointers: this is the innermost loop, and debug builds call operator[] otherwise.
        const Node *nodes = m_nodes.data();
        const qint32 *order = m_order.data();
        const double *px = m_px.data(), *py = m_py.data();
        double ax = 0, ay = 0, q = 0;
        qint32 stack[256];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Node &node = nodes[stack[--top]];
            const double dx = x - node.mx, dy = y - node.my;
            const double d2 = dx * dx + dy * dy;
            // Never true for a cell that holds the point itself: it lies within the cell's diagonal.
            if (node.size2 < theta2 * d2) {
                const double qt = 1.0 / (1.0 + d2);
                double m = node.count * qt;
                q += m;
                m *= qt;
                ax += m * dx;
                ay += m * dy;
            } else if (node.child < 0) {
                for (qint32 t = node.begin; t < node.begin + node.count; ++t) {
                    if (order[t] == self)
                        continue;
                    const double ex = x - px[t], ey = y - py[t];
                    const double qt = 1.0 / (1.0 + ex * ex + ey * ey);
                    q += qt;
                    ax += qt * qt * ex;
                    ay += qt * qt * ey;
                }
            } else {
                for (qint32 c = node.child; c < node.child + 4; ++c)
                    if (nodes[c].count > 0)
                        stack[top++] = c;
            }
        }
        fx += ax;
        fy += ay;
        sumQ += q;
    }

private:
    struct Node {
        double mx = 0, my = 0; ///< centre of mass
        double size2 = 0; ///< squared side length
        qint32 count = 0;
        qint32 child = -1; ///< first of four children, or -1 for a leaf
        qint32 begin = 0; ///< a leaf's first point in m_order
    };

    void split(qint32 node, qint32 begin, qint32 end, double cx, double cy, double half, int depth)
    {
        double mx = 0, my = 0;
        for (qint32 t = begin; t < end; ++t) {
            mx += m_xy[size_t(2 * m_order[size_t(t)])];
            my += m_xy[size_t(2 * m_order[size_t(t)] + 1)];
        }
        const qint32 count = end - begin;
        {
            Node &nd = m_nodes[size_t(node)];
            nd.count = count;
            nd.mx = count ? mx / count : cx;
            nd.my = count ? my / count : cy;
            nd.size2 = 4 * half * half;
            nd.begin = begin;
            // Depth 60 stops identical points from splitting forever; they share a leaf.
            if (count <= LeafSize || depth >= 60)
                return;
        }
        qint32 *first = m_order.data() + begin, *last = m_order.data() + end;
        const auto below = [&](qint32 i) { return m_xy[size_t(2 * i + 1)] < cy; };
        const auto left = [&](qint32 i) { return m_xy[size_t(2 * i)] < cx; };
        qint32 *midY = std::partition(first, last, below);
        qint32 *midLow = std::partition(first, midY, left);
        qint32 *midHigh = std::partition(midY, last, left);
        const qint32 child = qint32(m_nodes.size());
        m_nodes[size_t(node)].child = child;
        m_nodes.resize(m_nodes.size() + 4);
        const double h = half * 0.5;
        const qint32 a = qint32(midLow - m_order.data()), b = qint32(midY - m_order.data()),
                     c = qint32(midHigh - m_order.data());
        split(child, begin, a, cx - h, cy - h, h, depth + 1);
        split(child + 1, a, b, cx + h, cy - h, h, depth + 1);
        split(child + 2, b, c, cx - h, cy + h, h, depth + 1);
        split(child + 3, c, end, cx + h, cy + h, h, depth + 1);
    }

    std::vector<Node> m_nodes;
    std::vector<qint32> m_order;
    std::vector<double> m_px, m_py;
    const double *m_xy = nullptr;
};

} // namespace

int tsneNeighbours(double perplexity, qint64 n)
{
    return int(std::clamp<qint64>(qint64(3 * perplexity + 1), 1, std::max<qint64>(1, n - 1)));
}

SparseGraph tsneAffinities(const Neighbours &nn, double perplexity, WorkerPool &pool, JobContext &job)
{
    const int k = nn.k;
    const qint64 n = k ? qint64(nn.index.size()) / k : 0;
    const double target = std::log(perplexity);
    std::vector<double> conditional(nn.index.size());
    pool.forChunks(
        n, Chunk,
        [&](qint64 begin, qint64 end, qint64) {
            std::vector<double> d2(static_cast<size_t>(k));
            for (qint64 i = begin; i < end; ++i) {
                double least = std::numeric_limits<double>::max();
                for (int j = 0; j < k; ++j) {
                    d2[size_t(j)] = std::max(0.0, 2.0 - 2.0 * double(nn.similarity[size_t(i * k + j)]));
                    least = std::min(least, d2[size_t(j)]);
                }
                // Shifting by the nearest distance changes neither P nor the entropy, and
                // keeps exp() from underflowing when the precision is large.
                for (double &d : d2)
                    d -= least;
                double beta = 1, lo = 0, hi = std::numeric_limits<double>::infinity(), sum = 1;
                for (int step = 0; step < 200; ++step) {
                    sum = 0;
                    double weighted = 0;
                    for (int j = 0; j < k; ++j) {
                        const double p = std::exp(-beta * d2[size_t(j)]);
                        sum += p;
                        weighted += d2[size_t(j)] * p;
                    }
                    const double entropy = std::log(sum) + beta * weighted / sum;
                    const double diff = entropy - target;
                    if (std::abs(diff) < 1e-5)
                        break;
                    if (diff > 0) {
                        lo = beta;
                        beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
                    } else {
                        hi = beta;
                        beta = (beta + lo) / 2;
                    }
                }
                for (int j = 0; j < k; ++j)
                    conditional[size_t(i * k + j)] = std::exp(-beta * d2[size_t(j)]) / sum;
            }
        },
        &job);
    job.checkCancelled();
    SparseGraph p = symmetrize(
        nn, conditional, [](double a, double b) { return a + b; }, pool, job);
    double total = 0;
    for (const double w : p.weights)
        total += w;
    if (total > 0)
        for (double &w : p.weights)
            w /= total;
    return p;
}

std::vector<double> tsneOptimize(const SparseGraph &p, std::vector<double> y, const TsneOptions &options,
                                 WorkerPool &pool, JobContext &job, const LayoutCallback &partial)
{
    const qint64 n = qint64(y.size() / 2);
    if (n < 2)
        return y;
    const double learningRate = options.learningRate > 0 ? options.learningRate : std::max(200.0, double(n) / 12.0);
    const double theta2 = options.theta * options.theta;
    std::vector<double> update(y.size(), 0.0), gains(y.size(), 1.0), attract(y.size()), repel(y.size());
    std::vector<double> chunkQ(static_cast<size_t>((n + Chunk - 1) / Chunk));
    QuadTree tree;
    PartialReporter reporter(partial);
    for (int it = 0; it < options.iterations; ++it) {
        job.checkCancelled();
        const bool early = it < options.exaggerationIterations;
        const double exaggeration = early ? options.exaggeration : 1.0;
        const double momentum = early ? 0.5 : 0.8;
        tree.build(y);
        pool.forChunks(
            n, Chunk,
            [&](qint64 begin, qint64 end, qint64 chunk) {
                double q = 0;
                const double *yy = y.data();
                const qint64 *offsets = p.offsets.data();
                const qint32 *columns = p.columns.data();
                const double *weights = p.weights.data();
                double *rep = repel.data(), *att = attract.data();
                for (qint64 t = begin; t < end; ++t) {
                    const qint64 i = tree.pointAt(t);
                    const double xi = yy[2 * i], yi = yy[2 * i + 1];
                    double fx = 0, fy = 0;
                    tree.repulsion(xi, yi, qint32(i), theta2, fx, fy, q);
                    rep[2 * i] = fx;
                    rep[2 * i + 1] = fy;
                    double ax = 0, ay = 0;
                    for (qint64 e = offsets[i]; e < offsets[i + 1]; ++e) {
                        const qint64 j = columns[e];
                        const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
                        const double w = weights[e] / (1.0 + dx * dx + dy * dy);
                        ax += w * dx;
                        ay += w * dy;
                    }
                    att[2 * i] = ax;
                    att[2 * i + 1] = ay;
                }
                chunkQ[size_t(chunk)] = q;
            },
            &job);
        job.checkCancelled();
        double sumQ = 0;
        for (const double q : chunkQ)
            sumQ += q;
        const double invQ = sumQ > 0 ? 1.0 / sumQ : 0.0;
        double meanX = 0, meanY = 0;
        double *yy = y.data(), *up = update.data(), *gain = gains.data();
        const double *att = attract.data(), *rep = repel.data();
        for (qint64 c = 0; c < 2 * n; ++c) {
            const double grad = exaggeration * att[c] - rep[c] * invQ;
            const double g = std::max(grad * up[c] < 0 ? gain[c] + 0.2 : gain[c] * 0.8, 0.01);
            gain[c] = g;
            up[c] = momentum * up[c] - learningRate * g * grad;
            yy[c] += up[c];
            (c % 2 ? meanY : meanX) += yy[c];
        }
        meanX /= double(n);
        meanY /= double(n);
        for (qint64 i = 0; i < n; ++i) {
            yy[2 * i] -= meanX;
            yy[2 * i + 1] -= meanY;
        }
        job.progress(it + 1, options.iterations, QStringLiteral("t-SNE"));
        if (reporter.due() && it + 1 < options.iterations)
            reporter.report(y, it + 1);
    }
    return y;
}

} // namespace orrery
