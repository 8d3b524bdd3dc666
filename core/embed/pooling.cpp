#include "pooling.h"

#include "base/random.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <Eigen/Dense>

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace orrery {

QString toString(PoolingMethod method)
{
    switch (method) {
    case PoolingMethod::Mean: return QStringLiteral("mean");
    case PoolingMethod::Sif: return QStringLiteral("sif");
    case PoolingMethod::Pyramid: return QStringLiteral("pyramid");
    case PoolingMethod::Positional: return QStringLiteral("positional");
    }
    return {};
}

bool fromString(const QString &name, PoolingMethod *method)
{
    for (const PoolingMethod m :
         {PoolingMethod::Mean, PoolingMethod::Sif, PoolingMethod::Pyramid, PoolingMethod::Positional}) {
        if (name == toString(m)) {
            *method = m;
            return true;
        }
    }
    return false;
}

Eigen::MatrixXf randomOrthogonal(int dim, quint64 seed)
{
    Random random(seed);
    Eigen::MatrixXd gaussian(dim, dim);
    for (Eigen::Index c = 0; c < dim; ++c)
        for (Eigen::Index r = 0; r < dim; ++r)
            gaussian(r, c) = random.normal();
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
    Eigen::MatrixXd q = qr.householderQ();
    // Without fixing the signs QR's convention skews the distribution away from uniform.
    const auto &r = qr.matrixQR();
    for (Eigen::Index c = 0; c < dim; ++c)
        if (r(c, c) < 0)
            q.col(c) = -q.col(c);
    return q.cast<float>();
}

namespace {

using VectorMap = Eigen::Map<const Eigen::VectorXf>;

class Pooler final {
public:
    Pooler(const Corpus &corpus, const EmbeddingSet &items, PoolingMethod method, const PoolingOptions &options,
           JobContext &job)
        : m_corpus(corpus), m_items(items), m_method(method), m_options(options), m_job(job), m_dim(items.dim)
    {
        std::unordered_map<qint64, qint32> rowOf;
        rowOf.reserve(items.ids.size());
        for (size_t i = 0; i < items.ids.size(); ++i)
            rowOf.emplace(items.ids[i], qint32(i));
        m_rowOfToken.resize(corpus.vocab.size(), -1);
        for (size_t v = 0; v < corpus.vocab.size(); ++v)
            if (const auto it = rowOf.find(corpus.vocab[v]); it != rowOf.end())
                m_rowOfToken[v] = it->second;
    }

    EmbeddingSet run()
    {
        if (m_items.dim <= 0)
            throw Error(QStringLiteral("pooling: the item vectors \"%1\" are empty").arg(m_items.name));
        if (m_items.vectors.size() != m_items.ids.size() * size_t(m_items.dim))
            throw Error(QStringLiteral("pooling: the item vectors \"%1\" hold %2 values for %3 rows of %4")
                            .arg(m_items.name)
                            .arg(m_items.vectors.size())
                            .arg(m_items.ids.size())
                            .arg(m_items.dim));
        if (m_method == PoolingMethod::Pyramid) {
            if (m_options.pyramidLevels.empty())
                throw Error(QStringLiteral("pooling: pyramid pooling needs at least one level"));
            for (const int level : m_options.pyramidLevels)
                if (level < 1)
                    throw Error(QStringLiteral("pooling: pyramid levels must be positive (got %1)").arg(level));
        }
        QElapsedTimer clock;
        clock.start();
        EmbeddingSet out;
        out.kind = m_options.sequenceKind.value_or(m_items.kind == ItemKind::Word ? ItemKind::Document
                                                                                  : ItemKind::Playlist);
        out.method = toString(m_method);
        out.ids = m_corpus.sequenceIds;
        out.dim = m_dim;
        if (m_method == PoolingMethod::Pyramid)
            out.dim = m_dim * std::accumulate(m_options.pyramidLevels.begin(), m_options.pyramidLevels.end(), 0);
        out.vectors.assign(out.ids.size() * size_t(out.dim), 0.0f);

        switch (m_method) {
        case PoolingMethod::Mean:
        case PoolingMethod::Sif:
        case PoolingMethod::Pyramid: poolEach(out); break;
        case PoolingMethod::Positional: poolPositional(out); break;
        }
        if (m_method == PoolingMethod::Sif && m_options.sifComponents > 0)
            removeCommonComponents(out);
        out.normalizeRows();

        QJsonObject params {{QStringLiteral("from"), m_items.name}, {QStringLiteral("item_dim"), m_dim}};
        if (m_method == PoolingMethod::Sif) {
            params.insert(QStringLiteral("a"), m_options.sifA);
            params.insert(QStringLiteral("components_removed"), m_options.sifComponents);
        } else if (m_method == PoolingMethod::Pyramid) {
            QJsonArray levels;
            for (const int level : m_options.pyramidLevels)
                levels.append(level);
            params.insert(QStringLiteral("levels"), levels);
        } else if (m_method == PoolingMethod::Positional) {
            params.insert(QStringLiteral("seed"), QString::number(m_options.seed));
        }
        out.params = params;
        out.stats.insert(QStringLiteral("sequences"), out.count());
        out.stats.insert(QStringLiteral("entries"), qint64(m_corpus.tokens.size()));
        out.stats.insert(QStringLiteral("unknown_items"), m_unknown);
        out.stats.insert(QStringLiteral("empty_sequences"), m_empty);
        if (m_method == PoolingMethod::Sif) {
            QJsonArray components;
            for (const Eigen::VectorXf &u : m_components) {
                QJsonArray component;
                for (const float v : u)
                    component.append(double(v));
                components.append(component);
            }
            out.stats.insert(QStringLiteral("removed_components"), components);
        }
        out.stats.insert(QStringLiteral("seconds"), double(clock.elapsed()) / 1000.0);
        m_job.progress(out.count(), out.count(), QStringLiteral("pooling"));
        return out;
    }

private:
    /// The rows of sequence s's known items, in order; counts the unknown ones.
    void knownRows(qint64 s, std::vector<qint32> &rows)
    {
        rows.clear();
        for (const qint32 *t = m_corpus.begin(s); t != m_corpus.end(s); ++t) {
            const qint32 row = m_rowOfToken[size_t(*t)];
            if (row < 0)
                ++m_unknown;
            else
                rows.push_back(row);
        }
        if (rows.empty())
            ++m_empty;
    }

    VectorMap item(qint32 row) const { return {m_items.vectors.data() + qint64(row) * m_dim, m_dim}; }

    void tick(qint64 done)
    {
        if ((done & 1023) == 0) {
            m_job.checkCancelled();
            m_job.progress(done, m_corpus.sequences(), QStringLiteral("pooling"));
        }
    }

    void poolEach(EmbeddingSet &out)
    {
        std::vector<float> weight;
        if (m_method == PoolingMethod::Sif) {
            const double total = std::max<double>(1.0, double(m_corpus.tokens.size()));
            weight.resize(m_corpus.vocab.size());
            for (size_t v = 0; v < weight.size(); ++v)
                weight[v] = float(m_options.sifA / (m_options.sifA + double(m_corpus.counts[v]) / total));
        }
        std::vector<qint32> rows;
        std::vector<qint32> tokens; // vocabulary indices of the known entries, for the SIF weights
        Eigen::VectorXf sum(m_dim);
        for (qint64 s = 0; s < m_corpus.sequences(); ++s) {
            tick(s);
            knownRows(s, rows);
            if (rows.empty())
                continue;
            Eigen::Map<Eigen::VectorXf> target(out.vectors.data() + s * out.dim, out.dim);
            if (m_method == PoolingMethod::Mean) {
                sum.setZero();
                for (const qint32 row : rows)
                    sum += item(row);
                target = sum / float(rows.size());
            } else if (m_method == PoolingMethod::Sif) {
                sum.setZero();
                size_t k = 0;
                for (const qint32 *t = m_corpus.begin(s); t != m_corpus.end(s); ++t)
                    if (m_rowOfToken[size_t(*t)] >= 0)
                        sum += weight[size_t(*t)] * item(rows[k++]);
                target = sum / float(rows.size());
            } else {
                pyramid(rows, target);
            }
        }
    }

    /// Adaptive bins [floor(iL/m), ceil((i+1)L/m)): never empty, a short sequence repeats items.
    void pyramid(const std::vector<qint32> &rows, Eigen::Map<Eigen::VectorXf> &target) const
    {
        const qint64 length = qint64(rows.size());
        Eigen::Index offset = 0;
        for (const int m : m_options.pyramidLevels) {
            for (qint64 i = 0; i < m; ++i) {
                const qint64 from = i * length / m;
                const qint64 to = ((i + 1) * length + m - 1) / m;
                auto segment = target.segment(offset, m_dim);
                for (qint64 j = from; j < to; ++j)
                    segment += item(rows[size_t(j)]);
                segment /= float(to - from);
                offset += m_dim;
            }
        }
    }

    /// Σᵢ Pⁱ xᵢ by Horner's rule from the end (v ← P v + xᵢ), for a batch of sequences at once so
    /// each step is one matrix product. Sorting by length makes the active columns a prefix.
    void poolPositional(EmbeddingSet &out)
    {
        const Eigen::MatrixXf p = randomOrthogonal(m_dim, m_options.seed);
        const qint64 n = m_corpus.sequences();
        std::vector<qint32> rows;
        std::vector<qint64> lengths(static_cast<size_t>(n));
        for (qint64 s = 0; s < n; ++s) {
            knownRows(s, rows);
            lengths[size_t(s)] = qint64(rows.size());
        }
        std::vector<qint64> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](qint64 a, qint64 b) { return lengths[size_t(a)] > lengths[size_t(b)]; });

        constexpr qint64 Batch = 256;
        Eigen::MatrixXf v(m_dim, Batch), next(m_dim, Batch);
        std::vector<std::vector<qint32>> batchRows(Batch);
        for (qint64 start = 0; start < n; start += Batch) {
            m_job.checkCancelled();
            const qint64 count = std::min(Batch, n - start);
            for (qint64 b = 0; b < count; ++b) {
                auto &known = batchRows[size_t(b)];
                known.clear();
                const qint64 s = order[size_t(start + b)];
                for (const qint32 *t = m_corpus.begin(s); t != m_corpus.end(s); ++t)
                    if (const qint32 row = m_rowOfToken[size_t(*t)]; row >= 0)
                        known.push_back(row);
            }
            v.setZero();
            qint64 active = 0;
            for (qint64 position = lengths[size_t(order[size_t(start)])] - 1; position >= 0; --position) {
                if ((position & 15) == 0)
                    m_job.checkCancelled();
                while (active < count && lengths[size_t(order[size_t(start + active)])] > position)
                    ++active;
                next.leftCols(active).noalias() = p * v.leftCols(active);
                v.leftCols(active) = next.leftCols(active);
                for (qint64 b = 0; b < active; ++b)
                    v.col(b) += item(batchRows[size_t(b)][size_t(position)]);
            }
            for (qint64 b = 0; b < count; ++b) {
                const qint64 s = order[size_t(start + b)];
                Eigen::Map<Eigen::VectorXf>(out.vectors.data() + s * out.dim, out.dim) = v.col(b);
            }
            m_job.progress(start + count, n, QStringLiteral("pooling"));
        }
    }

    /// Arora et al.: subtract each row's projection on the first singular vectors of the rows,
    /// estimated from an evenly spaced sample so a million sequences cost no more than 20k.
    void removeCommonComponents(EmbeddingSet &out)
    {
        std::vector<qint64> nonEmpty;
        for (qint64 s = 0; s < out.count(); ++s) {
            const auto row = out.row(s);
            if (std::any_of(row.begin(), row.end(), [](float x) { return x != 0.0f; }))
                nonEmpty.push_back(s);
        }
        if (nonEmpty.empty())
            return;
        const qint64 sampleRows = std::max<qint64>(1, m_options.sifSampleRows);
        const qint64 stride = (qint64(nonEmpty.size()) + sampleRows - 1) / sampleRows;
        Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(out.dim, out.dim);
        RowMatrixXf block(std::min<qint64>(1024, qint64(nonEmpty.size())), out.dim);
        Eigen::Index filled = 0;
        const auto flush = [&] {
            gram.noalias() += (block.topRows(filled).transpose() * block.topRows(filled)).cast<double>();
            filled = 0;
        };
        for (size_t i = 0; i < nonEmpty.size(); i += size_t(stride)) {
            block.row(filled++) = out.matrix().row(nonEmpty[i]);
            if (filled == block.rows())
                flush();
        }
        if (filled > 0)
            flush();
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram);
        const int components = std::min(m_options.sifComponents, out.dim);
        for (int j = 0; j < components; ++j) {
            Eigen::VectorXd u = eigen.eigenvectors().col(out.dim - 1 - j); // eigenvalues ascend
            Eigen::Index largest = 0;
            u.cwiseAbs().maxCoeff(&largest);
            if (u(largest) < 0)
                u = -u;
            m_components.push_back(u.cast<float>());
        }
        auto rows = out.matrix();
        for (const qint64 s : nonEmpty)
            for (const Eigen::VectorXf &u : m_components)
                rows.row(s) -= rows.row(s).dot(u.transpose()) * u.transpose();
    }

    const Corpus &m_corpus;
    const EmbeddingSet &m_items;
    PoolingMethod m_method;
    const PoolingOptions &m_options;
    JobContext &m_job;
    int m_dim;
    std::vector<qint32> m_rowOfToken;
    std::vector<Eigen::VectorXf> m_components;
    qint64 m_unknown = 0;
    qint64 m_empty = 0;
};

} // namespace

EmbeddingSet poolSequences(const Corpus &corpus, const EmbeddingSet &itemVectors, PoolingMethod method,
                           const PoolingOptions &options, JobContext &job)
{
    return Pooler(corpus, itemVectors, method, options, job).run();
}

} // namespace orrery
