#include "agreement.h"

#include "base/error.h"
#include "base/workerpool.h"
#include "index/exactknn.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <unordered_map>

namespace orrery {

namespace {

/// Row-major n × k neighbour rows of every row of `m`, itself excluded, nearest first.
std::vector<qint32> neighbourRows(const RowMatrixXf &m, int k, const AgreementOptions &options, JobContext &job,
                                  const QString &phase)
{
    const qint64 n = m.rows();
    if (n > options.exactThreshold) {
        IndexOptions o;
        o.metric = options.metric;
        o.threads = resolveThreads(options.threads);
        o.exactThreshold = 0;
        o.recallQueries = 200;
        const VectorIndex index = VectorIndex::build(m, o, job);
        return index.allRows(k, o.threads, job).index;
    }
    const RowMatrixXf x = options.metric == Metric::Cosine ? normalizedRows(m) : m;
    Eigen::VectorXf sq;
    if (options.metric == Metric::L2)
        sq = x.rowwise().squaredNorm();
    std::vector<qint32> out(size_t(n * k));
    WorkerPool pool(resolveThreads(options.threads));
    std::mutex progressMutex;
    std::atomic<qint64> done {0};
    constexpr qint64 Block = 256;
    pool.forChunks(
        n, Block,
        [&](qint64 begin, qint64 end, qint64) {
            Eigen::MatrixXf s = x.middleRows(begin, end - begin) * x.transpose();
            if (options.metric == Metric::L2) // −|a − b|² up to the row's own constant
                s = (2 * s).rowwise() - sq.transpose();
            std::vector<qint32> order(size_t(n - 1));
            for (qint64 r = 0; r < end - begin; ++r) {
                const qint64 self = begin + r;
                qint32 j = 0;
                for (qint64 c = 0; c < n; ++c)
                    if (c != self)
                        order[size_t(j++)] = qint32(c);
                const auto nearer = [&](qint32 a, qint32 b) {
                    const float sa = s(r, a), sb = s(r, b);
                    return sa > sb || (sa == sb && a < b);
                };
                std::nth_element(order.begin(), order.begin() + (k - 1), order.end(), nearer);
                std::sort(order.begin(), order.begin() + k, nearer);
                std::copy(order.begin(), order.begin() + k, out.begin() + self * k);
                if (job.cancelled())
                    return;
            }
            const qint64 now = done += end - begin;
            const std::lock_guard lock(progressMutex);
            job.progress(now, n, phase);
        },
        &job);
    job.checkCancelled();
    return out;
}

} // namespace

NeighbourhoodAgreement neighbourhoodAgreement(const RowMatrixXf &a, const RowMatrixXf &b,
                                              const AgreementOptions &options, JobContext &job)
{
    if (a.rows() != b.rows())
        throw Error(QStringLiteral("neighbourhood agreement: the two sides have %1 and %2 rows; expected the same "
                                   "points on both")
                        .arg(a.rows())
                        .arg(b.rows()));
    const qint64 n = a.rows();
    NeighbourhoodAgreement result;
    result.k = int(std::clamp<qint64>(options.k, 0, std::max<qint64>(0, n - 1)));
    result.perPoint.assign(size_t(n), 0.0f);
    if (result.k == 0)
        return result;
    const int k = result.k;
    const std::vector<qint32> na = neighbourRows(a, k, options, job, QStringLiteral("neighbours in A"));
    const std::vector<qint32> nb = neighbourRows(b, k, options, job, QStringLiteral("neighbours in B"));
    double sum = 0;
    std::vector<qint32> sa(static_cast<size_t>(k)), sb(static_cast<size_t>(k));
    for (qint64 i = 0; i < n; ++i) {
        std::copy_n(na.begin() + i * k, k, sa.begin());
        std::copy_n(nb.begin() + i * k, k, sb.begin());
        std::sort(sa.begin(), sa.end());
        std::sort(sb.begin(), sb.end());
        int shared = 0;
        for (size_t p = 0, q = 0; p < sa.size() && q < sb.size();) {
            if (sa[p] == sb[q]) {
                ++shared;
                ++p;
                ++q;
            } else if (sa[p] < sb[q]) {
                ++p;
            } else {
                ++q;
            }
        }
        result.perPoint[size_t(i)] = float(shared) / float(k);
        sum += double(shared) / k;
    }
    result.mean = sum / double(n);
    return result;
}

SharedRows sharedRows(const std::vector<qint64> &idsA, const std::vector<qint64> &idsB)
{
    std::unordered_map<qint64, qint64> rowOfB;
    rowOfB.reserve(idsB.size());
    for (size_t i = 0; i < idsB.size(); ++i)
        rowOfB.emplace(idsB[i], qint64(i));
    SharedRows out;
    for (size_t i = 0; i < idsA.size(); ++i) {
        const auto it = rowOfB.find(idsA[i]);
        if (it == rowOfB.end())
            continue;
        out.ids.push_back(idsA[i]);
        out.rowsA.push_back(qint64(i));
        out.rowsB.push_back(it->second);
    }
    return out;
}

RowMatrixXf gatherRows(const std::vector<float> &data, int dim, const std::vector<qint64> &rows)
{
    RowMatrixXf out(Eigen::Index(rows.size()), dim);
    for (size_t i = 0; i < rows.size(); ++i)
        std::copy_n(data.begin() + rows[i] * dim, dim, out.row(Eigen::Index(i)).data());
    return out;
}

RowMatrixXf gatherRows(const std::vector<double> &xy, const std::vector<qint64> &rows)
{
    RowMatrixXf out(Eigen::Index(rows.size()), 2);
    for (size_t i = 0; i < rows.size(); ++i) {
        out(Eigen::Index(i), 0) = float(xy[size_t(rows[i] * 2)]);
        out(Eigen::Index(i), 1) = float(xy[size_t(rows[i] * 2 + 1)]);
    }
    return out;
}

SetAgreement setAgreement(const EmbeddingSet &a, const EmbeddingSet &b, const AgreementOptions &options,
                          JobContext &job)
{
    const SharedRows shared = sharedRows(a.ids, b.ids);
    if (shared.ids.size() < 2)
        throw Error(QStringLiteral("sets \"%1\" and \"%2\" share %3 items; expected at least 2 items in both")
                        .arg(a.name, b.name)
                        .arg(shared.ids.size()));
    SetAgreement out;
    out.ids = shared.ids;
    out.agreement = neighbourhoodAgreement(gatherRows(a.vectors, a.dim, shared.rowsA),
                                           gatherRows(b.vectors, b.dim, shared.rowsB), options, job);
    return out;
}

} // namespace orrery
