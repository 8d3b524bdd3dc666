#include "lsa.h"

#include "base/random.h"
#include "base/tokenizer.h"
#include "store/embeddingsets.h"
#include "store/items.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace orrery {

namespace {

/// Orthonormal basis of the columns of y (thin Householder QR).
Eigen::MatrixXf orthonormalize(const Eigen::MatrixXf &y)
{
    const Eigen::HouseholderQR<Eigen::MatrixXf> qr(y);
    return qr.householderQ() * Eigen::MatrixXf::Identity(y.rows(), y.cols());
}

/// The sparse matrix or its transpose, as a linear map; plain loops over the compressed rows
/// (column by column of x, so each pass reads one contiguous column).
class SparseOperator final {
public:
    SparseOperator(const SparseRowMatrix &a, bool transposed, JobContext &job)
        : m_a(a), m_transposed(transposed), m_job(job)
    {
    }

    Eigen::Index rows() const { return m_transposed ? m_a.cols() : m_a.rows(); }
    Eigen::Index cols() const { return m_transposed ? m_a.rows() : m_a.cols(); }

    /// this · x
    Eigen::MatrixXf times(const Eigen::MatrixXf &x) const { return m_transposed ? scatter(x) : gather(x); }
    /// thisᵀ · x
    Eigen::MatrixXf transposeTimes(const Eigen::MatrixXf &x) const { return m_transposed ? gather(x) : scatter(x); }

private:
    /// A · x: row i of A against each column of x.
    Eigen::MatrixXf gather(const Eigen::MatrixXf &x) const
    {
        Eigen::MatrixXf y(m_a.rows(), x.cols());
        const qint64 *outer = m_a.outerIndexPtr();
        const qint64 *inner = m_a.innerIndexPtr();
        const float *value = m_a.valuePtr();
        for (Eigen::Index c = 0; c < x.cols(); ++c) {
            m_job.checkCancelled();
            const float *in = x.col(c).data();
            float *out = y.col(c).data();
            for (Eigen::Index i = 0; i < m_a.rows(); ++i) {
                float sum = 0;
                for (qint64 k = outer[i]; k < outer[i + 1]; ++k)
                    sum += value[k] * in[inner[k]];
                out[i] = sum;
            }
        }
        return y;
    }

    /// Aᵀ · x: row i of A scattered, weighted by x(i, c).
    Eigen::MatrixXf scatter(const Eigen::MatrixXf &x) const
    {
        Eigen::MatrixXf y = Eigen::MatrixXf::Zero(m_a.cols(), x.cols());
        const qint64 *outer = m_a.outerIndexPtr();
        const qint64 *inner = m_a.innerIndexPtr();
        const float *value = m_a.valuePtr();
        for (Eigen::Index c = 0; c < x.cols(); ++c) {
            m_job.checkCancelled();
            const float *in = x.col(c).data();
            float *out = y.col(c).data();
            for (Eigen::Index i = 0; i < m_a.rows(); ++i) {
                const float w = in[i];
                for (qint64 k = outer[i]; k < outer[i + 1]; ++k)
                    out[inner[k]] += value[k] * w;
            }
        }
        return y;
    }

    const SparseRowMatrix &m_a;
    bool m_transposed;
    JobContext &m_job;
};

} // namespace

TruncatedSvd randomizedSvd(const SparseRowMatrix &input, int k, int oversample, int powerIterations, quint64 seed,
                           JobContext &job)
{
    TruncatedSvd out;
    SparseRowMatrix copy;
    if (!input.isCompressed()) {
        copy = input;
        copy.makeCompressed();
    }
    const SparseRowMatrix &a = input.isCompressed() ? input : copy;
    const Eigen::Index smaller = std::min(a.rows(), a.cols());
    k = int(std::min<Eigen::Index>(k, smaller));
    if (k <= 0) {
        out.u.resize(a.rows(), 0);
        out.v.resize(a.cols(), 0);
        return out;
    }
    // The range is found on the shorter side M (A or Aᵀ), so every orthonormalisation is of a
    // min(rows, cols) × l matrix: documents when there are fewer documents than terms.
    const bool transposed = a.rows() > a.cols();
    const SparseOperator m(a, transposed, job);
    const Eigen::Index l = std::min<Eigen::Index>(k + std::max(0, oversample), smaller);
    Random random(seed);
    Eigen::MatrixXf omega(m.cols(), l);
    for (Eigen::Index c = 0; c < l; ++c)
        for (Eigen::Index r = 0; r < m.cols(); ++r)
            omega(r, c) = float(random.normal());
    const int steps = powerIterations + 2;
    int step = 0;
    const auto tick = [&] {
        job.checkCancelled();
        job.progress(++step, steps, QStringLiteral("randomized SVD"));
    };
    Eigen::MatrixXf q = orthonormalize(m.times(omega));
    tick();
    // Orthonormalising after each M Mᵀ keeps the directions apart; float precision bounds the
    // singular values resolved to about 3e-4 of the largest, far below what LSA keeps.
    for (int i = 0; i < powerIterations; ++i) {
        q = orthonormalize(m.times(m.transposeTimes(q)));
        tick();
    }
    // B = Qᵀ M is l × cols(M); its SVD through the l × l matrix B Bᵀ = Û Σ² Ûᵀ, in double.
    const Eigen::MatrixXf bt = m.transposeTimes(q);
    const Eigen::MatrixXd btd = bt.cast<double>();
    const Eigen::MatrixXd gram = btd.transpose() * btd;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram);
    Eigen::MatrixXf uhat(l, k);
    Eigen::VectorXf inverse(k);
    out.s.resize(k);
    for (int j = 0; j < k; ++j) {
        const Eigen::Index src = l - 1 - j; // eigenvalues ascend
        const double sigma = std::sqrt(std::max(0.0, eigen.eigenvalues()[src]));
        out.s[j] = float(sigma);
        inverse[j] = sigma > 0 ? float(1.0 / sigma) : 0.0f;
        uhat.col(j) = eigen.eigenvectors().col(src).cast<float>();
    }
    Eigen::MatrixXf left = q * uhat; // rows(M) × k
    Eigen::MatrixXf right = bt * uhat * inverse.asDiagonal(); // cols(M) × k
    out.u = transposed ? std::move(right) : std::move(left);
    out.v = transposed ? std::move(left) : std::move(right);
    for (int j = 0; j < k; ++j) {
        Eigen::Index largest = 0;
        out.v.col(j).cwiseAbs().maxCoeff(&largest);
        if (out.v(largest, j) < 0) {
            out.v.col(j) = -out.v.col(j);
            out.u.col(j) = -out.u.col(j);
        }
    }
    tick();
    return out;
}

EmbeddingSet lsaCorpus(const Corpus &corpus, const std::vector<QString> &words, const LsaOptions &options,
                       JobContext &job, EmbeddingSet *wordVectors, EmbeddingSet *queryTerms)
{
    QElapsedTimer clock;
    clock.start();
    if (options.dim < 1)
        throw Error(QStringLiteral("lsa: the dimension must be positive (got %1)").arg(options.dim));
    const qint64 documents = corpus.sequences();
    const size_t vocabulary = corpus.vocab.size();

    // Document frequencies, counting each term once per document.
    std::vector<qint64> df(vocabulary, 0);
    std::vector<qint64> lastSeen(vocabulary, -1);
    for (qint64 d = 0; d < documents; ++d) {
        for (const qint32 *t = corpus.begin(d); t != corpus.end(d); ++t) {
            if (lastSeen[size_t(*t)] != d) {
                lastSeen[size_t(*t)] = d;
                ++df[size_t(*t)];
            }
        }
    }
    std::vector<qint32> column(vocabulary, -1);
    std::vector<qint32> terms; // column -> vocabulary index
    qint64 stopped = 0;
    for (size_t v = 0; v < vocabulary; ++v) {
        if (df[v] < options.minDocumentFrequency)
            continue;
        if (options.stopWords && v < words.size() && io::Tokenizer::isStopWord(words[v])) {
            ++stopped;
            continue;
        }
        column[v] = qint32(terms.size());
        terms.push_back(qint32(v));
    }
    std::vector<float> idf(terms.size());
    for (size_t c = 0; c < terms.size(); ++c)
        idf[c] = float(std::log((1.0 + double(documents)) / (1.0 + double(df[size_t(terms[c])]))) + 1.0);

    // TF-IDF rows, unit length, written in order straight into the compressed matrix.
    std::vector<qint32> tf(terms.size(), 0);
    std::vector<qint32> touched;
    std::vector<float> weights;
    qint64 emptyDocuments = 0;
    SparseRowMatrix a(documents, qint64(terms.size()));
    for (qint64 d = 0; d < documents; ++d) {
        touched.clear();
        for (const qint32 *t = corpus.begin(d); t != corpus.end(d); ++t) {
            const qint32 c = column[size_t(*t)];
            if (c < 0)
                continue;
            if (tf[size_t(c)]++ == 0)
                touched.push_back(c);
        }
        std::sort(touched.begin(), touched.end());
        double norm = 0;
        weights.clear();
        for (const qint32 c : touched) {
            const float w = (1.0f + std::log(float(tf[size_t(c)]))) * idf[size_t(c)];
            weights.push_back(w);
            norm += double(w) * w;
            tf[size_t(c)] = 0;
        }
        if (touched.empty())
            ++emptyDocuments;
        const float inv = norm > 0 ? float(1.0 / std::sqrt(norm)) : 0.0f;
        a.startVec(d);
        for (size_t i = 0; i < touched.size(); ++i)
            a.insertBack(d, touched[i]) = weights[i] * inv;
        if ((d & 1023) == 0)
            job.checkCancelled();
    }
    a.finalize();

    const TruncatedSvd svd = randomizedSvd(a, options.dim, options.oversample, options.powerIterations, options.seed,
                                           job);
    const int k = int(svd.s.size());

    EmbeddingSet out;
    out.kind = ItemKind::Document;
    out.method = QStringLiteral("lsa");
    out.ids = corpus.sequenceIds;
    out.dim = std::max(k, 1);
    out.vectors.assign(out.ids.size() * size_t(out.dim), 0.0f);
    if (k > 0)
        out.matrix() = svd.u * svd.s.asDiagonal();
    out.normalizeRows();

    QJsonArray singular;
    for (int j = 0; j < k; ++j)
        singular.append(double(svd.s[j]));
    out.params = QJsonObject {{QStringLiteral("dim"), k},
                              {QStringLiteral("requested_dim"), options.dim},
                              {QStringLiteral("seed"), QString::number(options.seed)},
                              {QStringLiteral("min_df"), options.minDocumentFrequency},
                              {QStringLiteral("stop_words"), options.stopWords},
                              {QStringLiteral("power_iterations"), options.powerIterations},
                              {QStringLiteral("oversample"), options.oversample},
                              {QStringLiteral("tf"), QStringLiteral("sublinear")},
                              {QStringLiteral("idf"), QStringLiteral("smooth")}};
    out.stats = QJsonObject {
        {QStringLiteral("documents"), documents},        {QStringLiteral("terms"), qint64(terms.size())},
        {QStringLiteral("stop_words_dropped"), stopped}, {QStringLiteral("empty_documents"), emptyDocuments},
        {QStringLiteral("singular_values"), singular},   {QStringLiteral("seconds"), double(clock.elapsed()) / 1000.0}};

    // Term rows over the kept terms, as `method`, from an (terms × k) matrix.
    const auto termSet = [&](EmbeddingSet &t, const char *method, const auto &rows) {
        t = EmbeddingSet();
        t.kind = ItemKind::Word;
        t.method = QString::fromLatin1(method);
        t.params = out.params;
        t.dim = out.dim;
        t.ids.reserve(terms.size());
        for (const qint32 v : terms)
            t.ids.push_back(corpus.vocab[size_t(v)]);
        t.vectors.assign(t.ids.size() * size_t(t.dim), 0.0f);
        if (k > 0)
            t.matrix() = rows;
    };
    if (wordVectors)
        termSet(*wordVectors, "lsa-words", svd.v * svd.s.asDiagonal());
    if (queryTerms)
        termSet(*queryTerms, "lsa-terms",
                Eigen::Map<const Eigen::VectorXf>(idf.data(), Eigen::Index(idf.size())).asDiagonal() * svd.v);
    return out;
}

EmbeddingSet lsaDocuments(Project &project, qint64 datasetId, const LsaOptions &options, JobContext &job,
                          EmbeddingSet *wordVectors, EmbeddingSet *queryTerms)
{
    const Corpus corpus = loadCorpus(project, datasetId, job);
    std::vector<QString> words;
    if (options.stopWords) {
        std::unordered_map<qint64, size_t> position;
        position.reserve(corpus.vocab.size());
        for (size_t v = 0; v < corpus.vocab.size(); ++v)
            position.emplace(corpus.vocab[v], v);
        words.resize(corpus.vocab.size());
        for (auto &[id, key] : memberKeys(project, datasetId, ItemKind::Word))
            if (const auto it = position.find(id); it != position.end())
                words[it->second] = std::move(key);
    }
    EmbeddingSet out = lsaCorpus(corpus, words, options, job, wordVectors, queryTerms);
    out.datasetId = datasetId;
    if (wordVectors)
        wordVectors->datasetId = datasetId;
    if (queryTerms)
        queryTerms->datasetId = datasetId;
    return out;
}

void saveLsaSets(Project &project, EmbeddingSet &documents, EmbeddingSet &queryTerms, bool replace)
{
    queryTerms.name = documents.name + QStringLiteral("/terms");
    queryTerms.datasetId = documents.datasetId;
    documents.params.insert(QStringLiteral("query_terms"), queryTerms.name);
    saveEmbeddingSet(project, queryTerms, replace);
    saveEmbeddingSet(project, documents, replace);
}

} // namespace orrery
