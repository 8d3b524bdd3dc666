#include "compressionrecall.h"

#include "base/random.h"
#include "embed/compress.h"
#include "index/exactknn.h"

#include <algorithm>
#include <unordered_set>

namespace orrery {

namespace {

double recall(const Neighbours &truth, const Neighbours &approx)
{
    double hits = 0;
    const qint64 rows = qint64(truth.index.size()) / std::max(1, truth.k);
    for (qint64 r = 0; r < rows; ++r) {
        const std::unordered_set<qint32> expected(truth.of(r), truth.of(r) + truth.k);
        for (int j = 0; j < approx.k; ++j)
            hits += expected.count(approx.of(r)[j]);
    }
    return rows ? hits / double(rows * truth.k) : 0.0;
}

} // namespace

QJsonObject compressionRecall(const EmbeddingSet &set, int k, int queries, quint64 seed, JobContext &job)
{
    const RowMatrixXf full = set.matrix();
    Random rng(seed);
    std::vector<Eigen::Index> picks;
    const Eigen::Index n = full.rows();
    for (Eigen::Index i = 0; i < n && Eigen::Index(picks.size()) < queries; ++i)
        if (rng.below(quint64(n - i)) < quint64(queries - Eigen::Index(picks.size())))
            picks.push_back(i); // selection sampling: a uniform sample in row order
    RowMatrixXf q(Eigen::Index(picks.size()), set.dim);
    for (size_t i = 0; i < picks.size(); ++i)
        q.row(Eigen::Index(i)) = full.row(picks[i]);
    const auto withoutSelf = [&](const RowMatrixXf &data, const RowMatrixXf &queryRows) {
        // Search k + 1 and drop the query's own row so every method is judged alike.
        Neighbours nn = exactKnn(data, queryRows, k + 1, job);
        Neighbours out;
        out.k = std::min(k, nn.k);
        for (size_t i = 0; i < picks.size(); ++i) {
            int taken = 0;
            for (int j = 0; j < nn.k && taken < out.k; ++j) {
                if (nn.of(qint64(i))[j] == qint32(picks[i]))
                    continue;
                out.index.push_back(nn.of(qint64(i))[j]);
                ++taken;
            }
            for (; taken < out.k; ++taken)
                out.index.push_back(-1);
        }
        return out;
    };
    const Neighbours truth = withoutSelf(full, q);
    QJsonObject out {{QStringLiteral("k"), k}, {QStringLiteral("queries"), qint64(picks.size())}};
    if (!set.quantized.empty()) {
        const RowMatrixXf deq = dequantized(set);
        RowMatrixXf dq(q.rows(), set.dim);
        for (size_t i = 0; i < picks.size(); ++i)
            dq.row(Eigen::Index(i)) = deq.row(picks[i]);
        out.insert(QStringLiteral("recall_int8"), recall(truth, withoutSelf(deq, dq)));
    }
    for (const int prefix : {32, 64}) {
        if (prefix >= set.dim)
            continue;
        const RowMatrixXf p = full.leftCols(prefix);
        const RowMatrixXf pq = q.leftCols(prefix);
        out.insert(QStringLiteral("recall_prefix%1").arg(prefix), recall(truth, withoutSelf(p, pq)));
    }
    return out;
}

} // namespace orrery
