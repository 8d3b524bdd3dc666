#include "exactknn.h"

#include <algorithm>
#include <numeric>

namespace orrery {

RowMatrixXf normalizedRows(const RowMatrixXf &m)
{
    RowMatrixXf out = m;
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
        const float n = out.row(i).norm();
        if (n > 0)
            out.row(i) /= n;
    }
    return out;
}

namespace {

Neighbours search(const RowMatrixXf &data, const RowMatrixXf &queries, int k, bool excludeSelf, JobContext &job)
{
    const RowMatrixXf x = normalizedRows(data);
    const RowMatrixXf q = excludeSelf ? x : normalizedRows(queries);
    const Eigen::Index n = x.rows();
    const Eigen::Index m = q.rows();
    Neighbours nn;
    nn.k = int(std::min<Eigen::Index>(k, std::max<Eigen::Index>(0, n - (excludeSelf ? 1 : 0))));
    nn.index.resize(size_t(m * nn.k));
    nn.similarity.resize(size_t(m * nn.k));
    if (nn.k == 0)
        return nn;
    constexpr Eigen::Index Block = 512;
    std::vector<qint32> order(static_cast<size_t>(n));
    for (Eigen::Index start = 0; start < m; start += Block) {
        job.checkCancelled();
        const Eigen::Index rows = std::min(Block, m - start);
        const Eigen::MatrixXf sims = q.middleRows(start, rows) * x.transpose();
        for (Eigen::Index r = 0; r < rows; ++r) {
            const Eigen::Index self = start + r;
            std::iota(order.begin(), order.end(), 0);
            auto last = order.end();
            if (excludeSelf)
                last = std::remove(order.begin(), order.end(), qint32(self));
            const auto better = [&](qint32 a, qint32 b) {
                const float sa = sims(r, a), sb = sims(r, b);
                return sa > sb || (sa == sb && a < b);
            };
            std::partial_sort(order.begin(), order.begin() + nn.k, last, better);
            for (int j = 0; j < nn.k; ++j) {
                nn.index[size_t(self * nn.k + j)] = order[size_t(j)];
                nn.similarity[size_t(self * nn.k + j)] = sims(r, order[size_t(j)]);
            }
        }
        job.progress(start + rows, m, QStringLiteral("exact neighbours"));
    }
    return nn;
}

} // namespace

Neighbours exactKnn(const RowMatrixXf &data, int k, JobContext &job)
{
    return search(data, data, k, true, job);
}

Neighbours exactKnn(const RowMatrixXf &data, const RowMatrixXf &queries, int k, JobContext &job)
{
    return search(data, queries, k, false, job);
}

double labelAgreement(const Neighbours &nn, const std::vector<int> &labels)
{
    double sum = 0;
    qint64 rows = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || nn.k == 0)
            continue;
        int agree = 0;
        for (int j = 0; j < nn.k; ++j)
            agree += labels[size_t(nn.of(qint64(i))[j])] == labels[i];
        sum += double(agree) / nn.k;
        ++rows;
    }
    return rows ? sum / double(rows) : 0.0;
}

} // namespace orrery
