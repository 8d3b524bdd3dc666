#include "similarity.h"

#include "base/random.h"

#include <algorithm>
#include <cmath>

namespace orrery {

namespace {

constexpr qint64 MeanRows = 100000;

void toUnit(std::vector<float> &v)
{
    double s = 0;
    for (const float x : v)
        s += double(x) * x;
    if (s > 0) {
        const float inv = float(1 / std::sqrt(s));
        for (float &x : v)
            x *= inv;
    }
}

} // namespace

void SimilarityScale::finish(const std::function<std::vector<float>(qint64)> &row, qint64 rows, int pairs, quint64 seed)
{
    m_mean.clear();
    m_random.clear();
    m_meanNorm = 0;
    if (rows == 0)
        return;
    // Above MeanRows rows an evenly spaced subset estimates the mean (to about 0.003), so the
    // scale of a million-row set costs milliseconds, not a pass over it.
    const qint64 used = std::min(rows, MeanRows);
    std::vector<double> sum;
    for (qint64 i = 0; i < used; ++i) {
        const qint64 r = used == rows ? i : qint64((__int128)i * rows / used);
        std::vector<float> v = row(r);
        toUnit(v);
        if (sum.empty())
            sum.assign(v.size(), 0.0);
        for (size_t d = 0; d < v.size(); ++d)
            sum[d] += v[d];
    }
    m_mean.resize(sum.size());
    double norm = 0;
    for (size_t d = 0; d < sum.size(); ++d) {
        m_mean[d] = float(sum[d] / double(used));
        norm += double(m_mean[d]) * m_mean[d];
    }
    m_meanNorm = float(std::sqrt(norm));
    if (rows < 2)
        return;
    Random random(seed);
    m_random.reserve(size_t(std::max(0, pairs)));
    for (int p = 0; p < pairs; ++p) {
        const qint64 a = qint64(random.uniform() * double(rows));
        qint64 b = qint64(random.uniform() * double(rows - 1));
        if (b >= a)
            ++b;
        const std::vector<float> va = row(a), vb = row(b);
        m_random.push_back(centred(va, vb));
    }
    std::sort(m_random.begin(), m_random.end());
}

SimilarityScale SimilarityScale::of(const VectorIndex &index, int pairs, quint64 seed)
{
    SimilarityScale s;
    s.finish([&](qint64 r) { return index.vector(r); }, index.count(), pairs, seed);
    return s;
}

SimilarityScale SimilarityScale::of(const RowMatrixXf &rows, int pairs, quint64 seed)
{
    SimilarityScale s;
    s.finish(
        [&](qint64 r) {
            return std::vector<float>(rows.row(Eigen::Index(r)).data(), rows.row(Eigen::Index(r)).data() + rows.cols());
        },
        rows.rows(), pairs, seed);
    return s;
}

float SimilarityScale::centred(std::span<const float> a, std::span<const float> b) const
{
    const size_t n = std::min({a.size(), b.size(), m_mean.size()});
    double na = 0, nb = 0;
    for (size_t d = 0; d < n; ++d) {
        na += double(a[d]) * a[d];
        nb += double(b[d]) * b[d];
    }
    if (na <= 0 || nb <= 0)
        return 0;
    const double ia = 1 / std::sqrt(na), ib = 1 / std::sqrt(nb);
    double dot = 0, ca = 0, cb = 0;
    for (size_t d = 0; d < n; ++d) {
        const double x = a[d] * ia - m_mean[d], y = b[d] * ib - m_mean[d];
        dot += x * y;
        ca += x * x;
        cb += y * y;
    }
    if (ca <= 1e-20 || cb <= 1e-20)
        return 0;
    return float(dot / std::sqrt(ca * cb));
}

float SimilarityScale::percentile(float centred) const
{
    if (m_random.empty())
        return 0;
    const auto it = std::lower_bound(m_random.begin(), m_random.end(), centred);
    return float(double(it - m_random.begin()) / double(m_random.size()));
}

std::vector<ReadableSimilarity> SimilarityScale::apply(const VectorIndex &index, std::span<const float> query,
                                                       const std::vector<Neighbour> &neighbours) const
{
    std::vector<ReadableSimilarity> out;
    out.reserve(neighbours.size());
    for (const Neighbour &n : neighbours) {
        ReadableSimilarity r;
        r.cosine = n.similarity;
        if (isValid() && n.row >= 0) {
            const std::vector<float> v = index.vector(n.row);
            r.centred = centred(query, v);
            r.percentile = percentile(r.centred);
        }
        out.push_back(r);
    }
    return out;
}

} // namespace orrery
