#include "vectorindex.h"

#include "base/random.h"
#include "base/tokenizer.h"
#include "store/embeddingsets.h"
#include "store/filters.h"
#include "store/indexblobs.h"
#include "store/items.h"
#include "store/project.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryFile>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <mutex>
#include <numeric>
#include <queue>
#include <thread>
#include <unordered_map>
#include <unordered_set>

// hnswlib 0.6.2 defines non-inline functions (cpuid, AVXCapable, …) in hnswlib.h, so exactly one
// translation unit may include it: this one. Everything else reaches the graph through VectorIndex.
#if defined(__SANITIZE_ADDRESS__)
// Its SSE path prefetches the entry after the last of a full upper-layer link list while
// inserting, reading up to 3 bytes past that list's allocation. The value only feeds
// _mm_prefetch, which cannot fault, so release builds keep SSE; AddressSanitizer builds use
// hnswlib's plain distance loops, which read nothing out of bounds.
#define NO_MANUAL_VECTORIZATION
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <hnswlib/hnswlib.h>
#pragma GCC diagnostic pop

namespace orrery {

QString toString(Metric metric)
{
    return metric == Metric::L2 ? QStringLiteral("l2") : QStringLiteral("cosine");
}

bool fromString(const QString &name, Metric *metric)
{
    if (name == u"cosine")
        *metric = Metric::Cosine;
    else if (name == u"l2")
        *metric = Metric::L2;
    else
        return false;
    return true;
}

struct VectorIndex::Graph {
    // Declared first so it is destroyed last: the graph keeps a pointer to its distance parameter.
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;

    Graph(Metric metric, int dim)
    {
        if (metric == Metric::Cosine)
            space = std::make_unique<hnswlib::InnerProductSpace>(size_t(dim));
        else
            space = std::make_unique<hnswlib::L2Space>(size_t(dim));
    }
    const float *data(quint32 internal) const
    {
        return reinterpret_cast<const float *>(hnsw->getDataByInternalId(internal));
    }
    float distance(const float *a, const float *b) const { return hnsw->fstdistfunc_(a, b, hnsw->dist_func_param_); }
};

/// Rows sampled for recall and their exact neighbours (similarity, row), best first.
struct VectorIndex::RecallSample {
    int k = 0;
    std::vector<qint64> rows;
    std::vector<std::vector<std::pair<float, qint64>>> truth;
};

namespace {

// How often the calling thread reports progress and looks for a cancel while workers run.
constexpr auto PollInterval = std::chrono::milliseconds(10);

/// Runs body(i) for every i in [0, n) on `threads` threads while the calling thread reports
/// progress and watches for a cancel. Workers look at the stop flag before every item, so a
/// cancel takes effect within one item per thread; Cancelled is thrown after they joined.
void parallelFor(qint64 n, int threads, JobContext &job, const QString &message,
                 const std::function<void(qint64)> &body)
{
    threads = int(std::clamp<qint64>(threads, 1, std::max<qint64>(1, n)));
    std::atomic<qint64> next {0};
    std::atomic<qint64> done {0};
    std::atomic_bool stop {false};
    std::mutex mutex;
    std::condition_variable finished;
    int running = threads;
    std::exception_ptr failure;
    constexpr qint64 Chunk = 16;
    const auto work = [&] {
        try {
            for (;;) {
                const qint64 start = next.fetch_add(Chunk, std::memory_order_relaxed);
                if (start >= n)
                    break;
                const qint64 end = std::min(n, start + Chunk);
                for (qint64 i = start; i < end; ++i) {
                    if (stop.load(std::memory_order_relaxed) || job.cancelled()) {
                        stop = true;
                        break;
                    }
                    body(i);
                    done.fetch_add(1, std::memory_order_relaxed);
                }
                if (stop.load(std::memory_order_relaxed))
                    break;
            }
        } catch (...) {
            const std::lock_guard lock(mutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
        }
        const std::lock_guard lock(mutex);
        --running;
        finished.notify_one();
    };
    std::vector<std::thread> pool;
    pool.reserve(size_t(threads));
    try {
        for (int t = 0; t < threads; ++t)
            pool.emplace_back(work);
    } catch (...) {
        stop = true;
        for (std::thread &t : pool)
            t.join();
        throw;
    }
    {
        std::unique_lock lock(mutex);
        while (running > 0) {
            finished.wait_for(lock, PollInterval);
            lock.unlock();
            job.progress(done.load(std::memory_order_relaxed), n, message);
            if (job.cancelled())
                stop = true;
            lock.lock();
        }
    }
    for (std::thread &t : pool)
        t.join();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const Error &) {
            throw;
        } catch (const std::exception &e) {
            throw Error(message + QStringLiteral(": ") + QString::fromLocal8Bit(e.what()));
        }
    }
    job.checkCancelled();
    job.progress(n, n, message);
}

/// Orders (similarity, row) best first: higher similarity, then lower row (as exactKnn does).
bool better(const std::pair<float, qint64> &a, const std::pair<float, qint64> &b)
{
    return a.first > b.first || (a.first == b.first && a.second < b.second);
}

/// Exact top-k (similarity, row) of each query among all rows, by blocked matrix products like
/// exactKnn, but over chunks of data rows so that memory stays small for millions of rows.
/// `row(r)` and `query(i)` give rows and queries; `normalize` scales both to unit length first
/// (cosine on raw vectors). Under L2 the similarity is the negated Euclidean distance.
std::vector<std::vector<std::pair<float, qint64>>> exactTop(const std::function<const float *(qint64)> &row, qint64 n,
                                                            int dim, Metric metric, bool normalize,
                                                            const std::function<const float *(qint64)> &query, qint64 m,
                                                            int k, int threads, JobContext &job)
{
    constexpr qint64 QueryBlock = 128;
    constexpr qint64 DataChunk = 4096;
    std::vector<std::vector<std::pair<float, qint64>>> out(static_cast<size_t>(m));
    const qint64 blocks = (m + QueryBlock - 1) / QueryBlock;
    const auto unit = [](RowMatrixXf &x) {
        for (Eigen::Index i = 0; i < x.rows(); ++i)
            if (const float norm = x.row(i).norm(); norm > 0)
                x.row(i) /= norm;
    };
    parallelFor(blocks, threads, job, QStringLiteral("exact neighbours"), [&](qint64 block) {
        const qint64 q0 = block * QueryBlock;
        const qint64 qn = std::min(QueryBlock, m - q0);
        RowMatrixXf q(qn, dim);
        for (qint64 i = 0; i < qn; ++i)
            q.row(i) = Eigen::Map<const Eigen::RowVectorXf>(query(q0 + i), dim);
        if (normalize)
            unit(q);
        using Entry = std::pair<float, qint64>;
        // Max-heap under `better`: the top is the worst of the best k so far.
        std::vector<std::priority_queue<Entry, std::vector<Entry>, decltype(&better)>> heaps;
        heaps.reserve(size_t(qn));
        for (qint64 i = 0; i < qn; ++i)
            heaps.emplace_back(&better);
        RowMatrixXf chunk;
        Eigen::VectorXf sqNorms;
        for (qint64 start = 0; start < n; start += DataChunk) {
            if (job.cancelled())
                return;
            const qint64 rows = std::min(DataChunk, n - start);
            chunk.resize(rows, dim);
            for (qint64 r = 0; r < rows; ++r)
                chunk.row(r) = Eigen::Map<const Eigen::RowVectorXf>(row(start + r), dim);
            if (normalize)
                unit(chunk);
            const Eigen::MatrixXf dots = q * chunk.transpose();
            if (metric == Metric::L2)
                sqNorms = chunk.rowwise().squaredNorm();
            for (qint64 i = 0; i < qn; ++i) {
                auto &heap = heaps[size_t(i)];
                for (qint64 r = 0; r < rows; ++r) {
                    // Under L2 rank by 2 q·x − |x|², which orders like −|q − x|².
                    const float score = metric == Metric::L2 ? 2 * dots(i, r) - sqNorms(r) : dots(i, r);
                    if (qint64(heap.size()) < k) {
                        heap.emplace(score, start + r);
                    } else if (score > heap.top().first) {
                        heap.pop();
                        heap.emplace(score, start + r);
                    }
                }
            }
        }
        for (qint64 i = 0; i < qn; ++i) {
            auto &heap = heaps[size_t(i)];
            auto &best = out[size_t(q0 + i)];
            best.resize(heap.size());
            for (size_t j = heap.size(); j-- > 0;) {
                best[j] = heap.top();
                heap.pop();
            }
            if (metric == Metric::L2) {
                const float qq = q.row(i).squaredNorm();
                for (auto &[score, r] : best)
                    score = -std::sqrt(std::max(0.0f, qq - score));
            }
        }
    });
    return out;
}

/// FNV-1a over the ids: a stored index belongs to exactly these rows.
QString idsHash(const std::vector<qint64> &ids)
{
    quint64 h = 0xcbf29ce484222325ull;
    const auto *bytes = reinterpret_cast<const unsigned char *>(ids.data());
    for (size_t i = 0; i < ids.size() * sizeof(qint64); ++i) {
        h ^= bytes[i];
        h *= 0x100000001b3ull;
    }
    return QString::number(h, 16);
}

/// The bytes hnswlib 0.6.2's saveIndex writes for this graph (its stream errors go unchecked).
qint64 expectedFileSize(const hnswlib::HierarchicalNSW<float> &g)
{
    // Header: offsetLevel0_, max_elements_, cur_element_count, size_data_per_element_, label_offset_,
    // offsetData_ (size_t), maxlevel_ (int), enterpoint_node_ (tableint), maxM_, maxM0_, M_ (size_t),
    // mult_ (double), ef_construction_ (size_t); then the bottom layer, then each row's upper links.
    qint64 size = 10 * qint64(sizeof(size_t)) + qint64(sizeof(int)) + qint64(sizeof(hnswlib::tableint))
        + qint64(sizeof(double));
    size += qint64(g.cur_element_count * g.size_data_per_element_);
    for (size_t i = 0; i < g.cur_element_count; ++i)
        size += qint64(sizeof(unsigned int))
            + (g.element_levels_[i] > 0 ? qint64(g.size_links_per_element_) * g.element_levels_[i] : 0);
    return size;
}

} // namespace

VectorIndex::VectorIndex() = default;
VectorIndex::VectorIndex(VectorIndex &&other) noexcept = default;
VectorIndex &VectorIndex::operator=(VectorIndex &&other) noexcept = default;
VectorIndex::~VectorIndex() = default;

void VectorIndex::prepare(const float *in, float *out) const
{
    if (m_metric == Metric::Cosine) {
        double norm = 0;
        for (int d = 0; d < m_dim; ++d)
            norm += double(in[d]) * in[d];
        const float inv = norm > 0 ? float(1.0 / std::sqrt(norm)) : 0.0f;
        for (int d = 0; d < m_dim; ++d)
            out[d] = in[d] * inv;
    } else {
        std::copy(in, in + m_dim, out);
    }
}

float VectorIndex::similarityOf(float distance) const
{
    // InnerProductSpace measures 1 − u·v; L2Space the squared distance.
    return m_metric == Metric::Cosine ? 1.0f - distance : -std::sqrt(std::max(0.0f, distance));
}

void VectorIndex::finishLookup()
{
    m_byId.resize(m_ids.size());
    for (size_t r = 0; r < m_ids.size(); ++r)
        m_byId[r] = {m_ids[r], qint64(r)};
    std::sort(m_byId.begin(), m_byId.end());
    if (m_graph) {
        const auto &g = *m_graph->hnsw;
        m_internal.assign(m_ids.size(), 0);
        std::vector<bool> seen(m_ids.size(), false);
        if (g.cur_element_count != m_ids.size())
            throw Error(QStringLiteral("the neighbour graph holds %1 rows, the set %2")
                            .arg(g.cur_element_count)
                            .arg(m_ids.size()));
        for (hnswlib::tableint i = 0; i < g.cur_element_count; ++i) {
            const hnswlib::labeltype label = g.getExternalLabel(i);
            if (label >= m_ids.size() || seen[label])
                throw Error(QStringLiteral("the neighbour graph's labels do not match the set's rows"));
            seen[label] = true;
            m_internal[label] = i;
        }
    }
}

VectorIndex VectorIndex::build(const EmbeddingSet &set, const IndexOptions &options, JobContext &job)
{
    if (set.dim <= 0 || set.vectors.size() != set.ids.size() * size_t(set.dim))
        throw Error(QStringLiteral("embedding set \"%1\": %2 values do not make %3 rows of %4")
                        .arg(set.name)
                        .arg(set.vectors.size())
                        .arg(set.ids.size())
                        .arg(set.dim));
    return buildRows(set.vectors.data(), set.count(), set.dim, set.ids, set.id, options, job);
}

VectorIndex VectorIndex::build(const RowMatrixXf &rows, const IndexOptions &options, JobContext &job)
{
    std::vector<qint64> ids(size_t(rows.rows()));
    std::iota(ids.begin(), ids.end(), 0);
    return buildRows(rows.data(), rows.rows(), int(rows.cols()), std::move(ids), 0, options, job);
}

VectorIndex VectorIndex::buildRows(const float *data, qint64 n, int dim, std::vector<qint64> ids, qint64 setId,
                                   const IndexOptions &options, JobContext &job)
{
    if (options.M < 2 || options.efConstruction < 1 || options.ef < 0 || options.recallK < 1)
        throw Error(
            QStringLiteral("index options: M must be at least 2, efConstruction and k at least 1, ef not negative"));
    if (n > qint64(std::numeric_limits<hnswlib::tableint>::max()) - 1)
        throw Error(
            QStringLiteral("an index holds at most %1 rows").arg(std::numeric_limits<hnswlib::tableint>::max() - 1));
    VectorIndex index;
    index.m_metric = options.metric;
    index.m_dim = dim;
    index.m_setId = setId;
    index.m_ids = std::move(ids);
    const int threads = std::max(1, options.threads);
    QElapsedTimer clock;
    clock.start();
    const bool exact = n < options.exactThreshold;
    index.m_params = {{QStringLiteral("metric"), toString(options.metric)},
                      {QStringLiteral("count"), n},
                      {QStringLiteral("dim"), dim},
                      {QStringLiteral("ids_hash"), idsHash(index.m_ids)},
                      {QStringLiteral("exact_threshold"), options.exactThreshold}};
    if (exact) {
        index.m_exact = Eigen::Map<const RowMatrixXf>(data, n, dim);
        if (options.metric == Metric::Cosine) {
            index.m_exact = normalizedRows(index.m_exact);
        } else {
            const Eigen::VectorXf norms = index.m_exact.rowwise().squaredNorm();
            index.m_sqNorms.assign(norms.data(), norms.data() + norms.size());
        }
        index.finishLookup();
        index.m_stats = {{QStringLiteral("exact"), true},
                         {QStringLiteral("recall"), 1.0},
                         {QStringLiteral("recall_k"), options.recallK},
                         {QStringLiteral("ef"), 0},
                         {QStringLiteral("build_seconds"), double(clock.nsecsElapsed()) / 1e9}};
        job.progress(n, n, QStringLiteral("exact index"));
        return index;
    }

    index.m_params.insert(QStringLiteral("M"), options.M);
    index.m_params.insert(QStringLiteral("ef_construction"), options.efConstruction);
    index.m_params.insert(QStringLiteral("threads"), threads);
    index.m_params.insert(QStringLiteral("seed"), QString::number(options.seed));
    auto graph = std::make_unique<Graph>(options.metric, dim);
    try {
        graph->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
            graph->space.get(), size_t(std::max<qint64>(n, 1)), size_t(options.M), size_t(options.efConstruction),
            size_t(options.seed));
    } catch (const std::exception &e) {
        throw Error(QStringLiteral("building the neighbour index: ") + QString::fromLocal8Bit(e.what()));
    }
    // hnswlib's addPoint is thread-safe for distinct labels; labels are row numbers.
    hnswlib::HierarchicalNSW<float> &hnsw = *graph->hnsw;
    parallelFor(n, threads, job, QStringLiteral("building the neighbour index"), [&](qint64 row) {
        std::vector<float> buffer(static_cast<size_t>(dim));
        index.prepare(data + row * dim, buffer.data());
        hnsw.addPoint(buffer.data(), hnswlib::labeltype(row));
    });
    index.m_graph = std::move(graph);
    index.finishLookup();
    const double buildSeconds = double(clock.nsecsElapsed()) / 1e9;

    QJsonObject stats {{QStringLiteral("exact"), false},
                       {QStringLiteral("build_seconds"), buildSeconds},
                       {QStringLiteral("recall_k"), options.recallK}};
    if (options.recallQueries > 0 && n > 1) {
        clock.restart();
        const RecallSample sample = index.makeSample(options.recallK, options.recallQueries, options.seed, threads,
                                                     job);
        QJsonArray tuning;
        double recall = 0;
        if (options.ef > 0) {
            index.setEf(options.ef);
            recall = index.recallOn(sample, threads, job);
            tuning.append(QJsonObject {{QStringLiteral("ef"), options.ef}, {QStringLiteral("recall"), recall}});
        } else {
            // Upward from 16 until the sample reaches the target: the smallest ef that does is
            // the fastest one that keeps the promised recall.
            for (int ef = std::max(16, options.recallK);; ef *= 2) {
                index.setEf(ef);
                recall = index.recallOn(sample, threads, job);
                tuning.append(QJsonObject {{QStringLiteral("ef"), ef}, {QStringLiteral("recall"), recall}});
                if (recall >= options.targetRecall || ef >= n || ef >= (1 << 15))
                    break;
            }
        }
        stats.insert(QStringLiteral("recall"), recall);
        stats.insert(QStringLiteral("sample"), qint64(sample.rows.size()));
        stats.insert(QStringLiteral("sample_seed"), QString::number(options.seed));
        stats.insert(QStringLiteral("target_recall"), options.targetRecall);
        stats.insert(QStringLiteral("ef_tuned"), options.ef == 0);
        stats.insert(QStringLiteral("tuning"), tuning);
        if (options.checkRecall) {
            // The tuning sample flatters the ef it chose; a second sample does not.
            const RecallSample held = index.makeSample(options.recallK, options.recallQueries, options.seed + 0x5EED,
                                                       threads, job);
            stats.insert(QStringLiteral("held_out_recall"), index.recallOn(held, threads, job));
        }
        stats.insert(QStringLiteral("recall_seconds"), double(clock.nsecsElapsed()) / 1e9);
    } else {
        index.setEf(options.ef > 0 ? options.ef : 64);
    }
    stats.insert(QStringLiteral("ef"), index.m_ef);
    index.m_stats = stats;
    return index;
}

void VectorIndex::setEf(int ef)
{
    if (!m_graph)
        return;
    m_ef = std::max(1, ef);
    m_graph->hnsw->setEf(size_t(m_ef));
}

double VectorIndex::recall() const
{
    return m_stats.value(QStringLiteral("recall")).toDouble(-1);
}

qint64 VectorIndex::rowOf(qint64 itemId) const
{
    const auto it = std::lower_bound(m_byId.begin(), m_byId.end(), std::pair<qint64, qint64>(itemId, -1));
    return it != m_byId.end() && it->first == itemId ? it->second : -1;
}

std::vector<float> VectorIndex::vector(qint64 row) const
{
    if (m_graph) {
        const float *p = m_graph->data(m_internal[size_t(row)]);
        return {p, p + m_dim};
    }
    return {m_exact.row(row).data(), m_exact.row(row).data() + m_dim};
}

// ---------------------------------------------------------------------------------------
// Recall

VectorIndex::RecallSample VectorIndex::makeSample(int k, int queries, quint64 seed, int threads, JobContext &job) const
{
    RecallSample sample;
    sample.k = k;
    const qint64 n = count();
    if (qint64(queries) >= n) {
        sample.rows.resize(size_t(n));
        std::iota(sample.rows.begin(), sample.rows.end(), 0);
    } else {
        Random rng(seed);
        std::unordered_set<qint64> taken;
        while (qint64(sample.rows.size()) < queries) {
            const qint64 r = qint64(rng.below(quint64(n)));
            if (taken.insert(r).second)
                sample.rows.push_back(r);
        }
        std::sort(sample.rows.begin(), sample.rows.end());
    }
    const auto row = [this](qint64 r) -> const float * {
        return m_graph ? m_graph->data(m_internal[size_t(r)]) : m_exact.row(r).data();
    };
    // One more than k: the query's own row is among its exact neighbours and is dropped.
    sample.truth = exactTop(
        row, n, m_dim, m_metric, false, [&](qint64 i) { return row(sample.rows[size_t(i)]); },
        qint64(sample.rows.size()), k + 1, threads, job);
    for (size_t i = 0; i < sample.rows.size(); ++i) {
        auto &t = sample.truth[i];
        const auto self = std::find_if(t.begin(), t.end(), [&](const auto &e) { return e.second == sample.rows[i]; });
        if (self != t.end())
            t.erase(self);
        if (qint64(t.size()) > k)
            t.resize(size_t(k));
    }
    return sample;
}

double VectorIndex::recallOn(const RecallSample &sample, int threads, JobContext &job) const
{
    if (sample.rows.empty())
        return 1.0;
    if (!m_graph)
        return 1.0;
    std::vector<double> perQuery(sample.rows.size(), 0.0);
    parallelFor(qint64(sample.rows.size()), threads, job, QStringLiteral("measuring recall"), [&](qint64 i) {
        const qint64 self = sample.rows[size_t(i)];
        const auto &truth = sample.truth[size_t(i)];
        if (truth.empty()) {
            perQuery[size_t(i)] = 1.0;
            return;
        }
        const auto found = m_graph->hnsw->searchKnnCloserFirst(m_graph->data(m_internal[size_t(self)]),
                                                               size_t(sample.k) + 1);
        // A tie at the k-th similarity is as right as the row the exact search happened to keep.
        const float kth = truth.back().first;
        const float eps = (m_metric == Metric::Cosine ? 1e-5f : 1e-4f) * std::max(1.0f, std::abs(kth));
        int hits = 0, taken = 0;
        for (const auto &[distance, label] : found) {
            if (qint64(label) == self)
                continue;
            if (taken++ == sample.k)
                break;
            const bool inTruth = std::any_of(truth.begin(), truth.end(),
                                             [&](const auto &e) { return e.second == qint64(label); });
            if (inTruth || similarityOf(distance) >= kth - eps)
                ++hits;
        }
        perQuery[size_t(i)] = double(std::min<qint64>(hits, qint64(truth.size()))) / double(truth.size());
    });
    return std::accumulate(perQuery.begin(), perQuery.end(), 0.0) / double(perQuery.size());
}

std::vector<std::vector<Neighbour>> exactSearch(const EmbeddingSet &set, const RowMatrixXf &queries, int k,
                                                Metric metric, int threads, JobContext &job)
{
    if (queries.rows() > 0 && queries.cols() != set.dim)
        throw Error(
            QStringLiteral("queries have %1 values; the set's vectors have %2").arg(queries.cols()).arg(set.dim));
    const auto top = exactTop([&](qint64 r) { return set.vectors.data() + r * set.dim; }, set.count(), set.dim, metric,
                              metric == Metric::Cosine, [&](qint64 i) { return queries.row(i).data(); }, queries.rows(),
                              std::max(0, k), threads, job);
    std::vector<std::vector<Neighbour>> out(top.size());
    for (size_t i = 0; i < top.size(); ++i)
        for (const auto &[similarity, row] : top[i])
            out[i].push_back({row, set.ids[size_t(row)], similarity});
    return out;
}

// ---------------------------------------------------------------------------------------
// Queries

std::vector<Neighbour> VectorIndex::scan(const float *q, int k, const RowFilter *filter,
                                         std::span<const qint64> exclude, bool onlyAdmitted) const
{
    const qint64 n = count();
    const auto excluded = [&](qint64 row) { return std::binary_search(exclude.begin(), exclude.end(), row); };
    std::vector<std::pair<float, qint64>> scored;
    const auto consider = [&](qint64 row, float similarity) {
        if ((filter && !filter->accepts(row)) || excluded(row))
            return;
        scored.emplace_back(similarity, row);
    };
    const Eigen::Map<const Eigen::VectorXf> query(q, m_dim);
    const float qq = m_metric == Metric::L2 ? query.squaredNorm() : 0.0f;
    const auto fromDot = [&](qint64 row, float dot) {
        return m_metric == Metric::Cosine ? dot : -std::sqrt(std::max(0.0f, m_sqNorms[size_t(row)] - 2 * dot + qq));
    };
    if (m_graph) {
        const auto visit = [&](qint64 row) {
            consider(row, similarityOf(m_graph->distance(q, m_graph->data(m_internal[size_t(row)]))));
        };
        if (onlyAdmitted && filter) {
            for (const qint64 row : filter->rows)
                visit(row);
        } else {
            for (qint64 row = 0; row < n; ++row)
                visit(row);
        }
    } else if (onlyAdmitted && filter) {
        for (const qint64 row : filter->rows)
            consider(row, fromDot(row, m_exact.row(row).dot(query.transpose())));
    } else {
        // One matrix-vector product over all rows, as exactKnn computes its similarities.
        const Eigen::VectorXf dots = m_exact * query;
        for (qint64 row = 0; row < n; ++row)
            consider(row, fromDot(row, dots(row)));
    }
    const size_t take = std::min(scored.size(), size_t(std::max(0, k)));
    std::partial_sort(scored.begin(), scored.begin() + qsizetype(take), scored.end(), better);
    std::vector<Neighbour> out;
    out.reserve(take);
    for (size_t i = 0; i < take; ++i)
        out.push_back({scored[i].second, m_ids[size_t(scored[i].second)], scored[i].first});
    return out;
}

std::vector<Neighbour> VectorIndex::search(const float *q, int k, const RowFilter *filter,
                                           std::span<const qint64> exclude) const
{
    const qint64 n = count();
    if (k <= 0 || n == 0)
        return {};
    if (!m_graph)
        return scan(q, k, filter, exclude, filter != nullptr);
    if (filter && qint64(filter->rows.size()) <= filter->scanBelow)
        return scan(q, k, filter, exclude, true);
    // hnswlib 0.6.2 has no filter callback: fetch k × 4 (plus the excluded rows), keep what
    // passes, and double the fetch until k pass. Its search breadth grows with the fetch
    // (ef = max(ef, fetch)), so wider fetches stay accurate. Once a fetch would cover the whole
    // set, the admitted rows are scanned exactly instead.
    size_t fetch = size_t(k) * (filter ? 4 : 1) + exclude.size();
    for (;;) {
        if (qint64(fetch) >= n)
            return scan(q, k, filter, exclude, filter != nullptr);
        std::vector<std::pair<float, hnswlib::labeltype>> found;
        try {
            found = m_graph->hnsw->searchKnnCloserFirst(q, fetch);
        } catch (const std::exception &e) { // a damaged graph ("cand error")
            throw Error(QStringLiteral("neighbour index: ") + QString::fromLocal8Bit(e.what()));
        }
        std::vector<Neighbour> out;
        out.reserve(size_t(k));
        for (const auto &[distance, label] : found) {
            const qint64 row = qint64(label);
            if ((filter && !filter->accepts(row)) || std::binary_search(exclude.begin(), exclude.end(), row))
                continue;
            out.push_back({row, m_ids[size_t(row)], similarityOf(distance)});
            if (qint64(out.size()) == k)
                return out;
        }
        if (found.size() < fetch) // the graph ran out of rows to offer: look at all of them
            return scan(q, k, filter, exclude, filter != nullptr);
        fetch *= 2;
    }
}

std::vector<Neighbour> VectorIndex::ofItem(qint64 itemId, int k, const RowFilter *filter) const
{
    const qint64 row = rowOf(itemId);
    if (row < 0)
        throw Error(QStringLiteral("item %1 has no vector in this set").arg(itemId));
    const std::vector<float> v = vector(row);
    const qint64 self[] = {row};
    return search(v.data(), k, filter, self);
}

std::vector<Neighbour> VectorIndex::ofItems(std::span<const qint64> itemIds, int k, const RowFilter *filter) const
{
    std::vector<qint64> rows;
    for (const qint64 id : itemIds)
        if (const qint64 row = rowOf(id); row >= 0)
            rows.push_back(row);
    if (rows.empty())
        throw Error(QStringLiteral("none of the %1 items has a vector in this set").arg(itemIds.size()));
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // The mean of the rows as indexed (unit length under cosine): each seed weighs the same.
    std::vector<float> centroid(size_t(m_dim), 0.0f);
    for (const qint64 row : rows) {
        const std::vector<float> v = vector(row);
        for (int d = 0; d < m_dim; ++d)
            centroid[size_t(d)] += v[size_t(d)] / float(rows.size());
    }
    std::vector<float> q(static_cast<size_t>(m_dim));
    prepare(centroid.data(), q.data());
    return search(q.data(), k, filter, rows);
}

std::vector<Neighbour> VectorIndex::ofVector(std::span<const float> vector, int k, const RowFilter *filter,
                                             std::span<const qint64> excludeRows) const
{
    if (qint64(vector.size()) != m_dim)
        throw Error(
            QStringLiteral("a query vector has %1 values; the set's vectors have %2").arg(vector.size()).arg(m_dim));
    std::vector<float> q(static_cast<size_t>(m_dim));
    prepare(vector.data(), q.data());
    std::vector<qint64> exclude(excludeRows.begin(), excludeRows.end());
    std::sort(exclude.begin(), exclude.end());
    return search(q.data(), k, filter, exclude);
}

Neighbours VectorIndex::allRows(int k, int threads, JobContext &job) const
{
    if (!m_graph && m_metric == Metric::Cosine)
        return exactKnn(m_exact, k, job); // the ground truth itself
    const qint64 n = count();
    Neighbours nn;
    nn.k = int(std::clamp<qint64>(k, 0, std::max<qint64>(0, n - 1)));
    nn.index.resize(size_t(n * nn.k));
    nn.similarity.resize(size_t(n * nn.k));
    if (nn.k == 0)
        return nn;
    parallelFor(n, threads, job, QStringLiteral("neighbours of every row"), [&](qint64 row) {
        const std::vector<float> v = vector(row);
        const qint64 self[] = {row};
        const std::vector<Neighbour> found = search(v.data(), nn.k, nullptr, self);
        for (int j = 0; j < nn.k; ++j) {
            nn.index[size_t(row * nn.k + j)] = qint32(found[size_t(j)].row);
            nn.similarity[size_t(row * nn.k + j)] = found[size_t(j)].similarity;
        }
    });
    return nn;
}

// ---------------------------------------------------------------------------------------
// Filters

RowFilter VectorIndex::filter(Project &project, const IndexFilter &f) const
{
    const qint64 n = count();
    RowFilter out;
    out.admitted.assign(size_t(n), 0);
    if (f.isEmpty()) {
        std::fill(out.admitted.begin(), out.admitted.end(), quint8(1));
        out.rows.resize(size_t(n));
        std::iota(out.rows.begin(), out.rows.end(), 0);
        return out;
    }
    // Each condition yields distinct item ids; a row passes when it passed every condition.
    std::vector<quint8> passed(size_t(n), 0);
    quint8 conditions = 0;
    const auto apply = [&](const std::vector<qint64> &ids) {
        ++conditions;
        for (const qint64 id : ids) {
            const qint64 row = rowOf(id);
            if (row >= 0 && passed[size_t(row)] == conditions - 1)
                passed[size_t(row)] = conditions;
        }
    };
    if (f.datasetId)
        apply(itemsInDataset(project, f.datasetId));
    if (!f.tag.isEmpty()) {
        if (!tagExists(project, f.tag))
            throw Error(QStringLiteral("no tag or label named \"%1\"").arg(f.tag));
        apply(itemsWithTag(project, f.tag));
    }
    if (!f.attrPath.isEmpty()) {
        const QString path = f.attrPath.startsWith(u'$') ? f.attrPath : QStringLiteral("$.") + f.attrPath;
        try {
            apply(itemsWithAttribute(project, path, f.attrValue));
        } catch (const Error &e) {
            throw Error(QStringLiteral("attribute path \"%1\": %2").arg(f.attrPath, e.message()));
        }
    }
    for (qint64 row = 0; row < n; ++row) {
        if (passed[size_t(row)] == conditions) {
            out.admitted[size_t(row)] = 1;
            out.rows.push_back(row);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// Storage

QString VectorIndex::save(Project &project, qint64 inlineLimit) const
{
    if (m_setId <= 0)
        throw Error(QStringLiteral("only the index of a stored embedding set can be saved"));
    const QFileInfo projectFile(project.path());
    const QDir projectDir(projectFile.absolutePath());
    const QString folderName = projectFile.fileName() + QStringLiteral(".indexes");
    const QString fileName = QStringLiteral("%1-%2.hnsw").arg(m_setId).arg(toString(m_metric));
    const QString finalPath = projectDir.filePath(folderName + u'/' + fileName);
    // Removes the temporary graph file unless it became the side file.
    struct Temp {
        QString path;
        ~Temp()
        {
            if (!path.isEmpty())
                QFile::remove(path);
        }
    } temp;
    QByteArray inlineData;
    QString relativePath;
    if (m_graph) {
        if (!projectDir.mkpath(folderName))
            throw Error(projectDir.filePath(folderName) + QStringLiteral(": cannot create the index folder"));
        // hnswlib 0.6.2 writes only to a path; an inline index goes through this file too.
        temp.path = finalPath + QStringLiteral(".tmp%1").arg(QCoreApplication::applicationPid());
        try {
            m_graph->hnsw->saveIndex(QFile::encodeName(temp.path).toStdString());
        } catch (const std::exception &e) {
            throw Error(temp.path + QStringLiteral(": ") + QString::fromLocal8Bit(e.what()));
        }
        const qint64 size = QFileInfo(temp.path).size();
        if (size != expectedFileSize(*m_graph->hnsw))
            throw Error(temp.path + QStringLiteral(": could not write the neighbour graph (disk full?)"));
        if (size < inlineLimit) {
            QFile f(temp.path);
            if (!f.open(QIODevice::ReadOnly))
                throw Error(temp.path + QStringLiteral(": ") + f.errorString());
            inlineData = f.readAll();
            if (inlineData.size() != size)
                throw Error(temp.path + QStringLiteral(": could not read the neighbour graph back"));
        } else {
            relativePath = folderName + u'/' + fileName;
        }
    }
    QJsonObject params = m_params;
    params.insert(QStringLiteral("ef"), m_ef);
    IndexBlob blob;
    blob.setId = m_setId;
    blob.kind = m_graph ? QStringLiteral("hnsw") : QStringLiteral("exact");
    blob.params = params;
    blob.path = relativePath;
    blob.hasData = m_graph && relativePath.isEmpty();
    if (blob.hasData)
        blob.data = inlineData;
    blob.stats = m_stats;
    const std::vector<QString> oldPaths = replaceIndexBlob(project, blob);
    if (!relativePath.isEmpty()) {
        if (std::rename(QFile::encodeName(temp.path).constData(), QFile::encodeName(finalPath).constData()) != 0)
            throw Error(finalPath + QStringLiteral(": cannot store the neighbour graph"));
        temp.path.clear();
    }
    for (const QString &old : oldPaths) {
        const QString path = projectDir.filePath(old);
        if (relativePath.isEmpty() || QFileInfo(path).absoluteFilePath() != QFileInfo(finalPath).absoluteFilePath())
            QFile::remove(path);
    }
    return relativePath.isEmpty() ? QString() : finalPath;
}

std::optional<VectorIndex> VectorIndex::load(Project &project, const EmbeddingSet &set, std::optional<Metric> metric)
{
    if (set.id <= 0 || set.dim <= 0 || set.vectors.size() != set.ids.size() * size_t(set.dim))
        return std::nullopt;
    const std::optional<IndexBlob> blob = loadIndexBlob(project, set.id, metric ? toString(*metric) : QString());
    if (!blob)
        return std::nullopt;
    const QString &kind = blob->kind;
    const QJsonObject &params = blob->params;
    const QString &path = blob->path;
    const QByteArray &data = blob->data;
    const bool hasData = blob->hasData;
    const QJsonObject &stats = blob->stats;
    // Stale when the set changed under it.
    Metric m = Metric::Cosine;
    if (!fromString(params.value(u"metric").toString(), &m) || params.value(u"count").toInteger(-1) != set.count()
        || params.value(u"dim").toInt(-1) != set.dim || params.value(u"ids_hash").toString() != idsHash(set.ids))
        return std::nullopt;

    VectorIndex index;
    index.m_metric = m;
    index.m_dim = set.dim;
    index.m_setId = set.id;
    index.m_ids = set.ids;
    index.m_params = params;
    index.m_params.remove(QStringLiteral("ef"));
    index.m_stats = stats;
    if (kind == u"exact") {
        index.m_exact = set.matrix();
        if (m == Metric::Cosine) {
            index.m_exact = normalizedRows(index.m_exact);
        } else {
            const Eigen::VectorXf norms = index.m_exact.rowwise().squaredNorm();
            index.m_sqNorms.assign(norms.data(), norms.data() + norms.size());
        }
        index.finishLookup();
        return index;
    }
    if (kind != u"hnsw")
        return std::nullopt;
    QTemporaryFile inlineFile;
    QString file;
    if (hasData) {
        if (!inlineFile.open() || inlineFile.write(data) != data.size() || !inlineFile.flush())
            throw Error(QStringLiteral("cannot write a temporary file to load the neighbour index: ")
                        + inlineFile.errorString());
        file = inlineFile.fileName();
    } else {
        file = QDir(QFileInfo(project.path()).absolutePath()).filePath(path);
        if (path.isEmpty() || !QFileInfo::exists(file))
            return std::nullopt;
    }
    auto graph = std::make_unique<Graph>(m, set.dim);
    try {
        graph->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(graph->space.get(),
                                                                        QFile::encodeName(file).toStdString());
    } catch (const std::exception &) {
        return std::nullopt; // unreadable or written by another hnswlib: rebuild
    }
    auto &g = *graph->hnsw;
    // The loading constructor leaves these uninitialised; no row is ever marked deleted here.
    g.num_deleted_ = 0;
    g.metric_distance_computations = 0;
    g.metric_hops = 0;
    if (g.size_data_per_element_ != g.size_links_level0_ + size_t(set.dim) * sizeof(float) + sizeof(hnswlib::labeltype))
        return std::nullopt;
    index.m_graph = std::move(graph);
    try {
        index.finishLookup();
    } catch (const Error &) {
        return std::nullopt;
    }
    index.setEf(stats.value(u"ef").toInt(64));
    return index;
}

VectorIndex VectorIndex::loadOrBuild(Project &project, const EmbeddingSet &set, std::optional<Metric> metric,
                                     const IndexOptions &options, SaveBuilt save, JobContext &job, bool *built,
                                     const std::function<void()> &beforeBuilding)
{
    if (built)
        *built = false;
    if (std::optional<VectorIndex> stored = load(project, set, metric))
        return std::move(*stored);
    if (beforeBuilding)
        beforeBuilding();
    IndexOptions buildOptions = options;
    if (metric)
        buildOptions.metric = *metric;
    VectorIndex index = build(set, buildOptions, job);
    if (built)
        *built = true;
    if (save == SaveBuilt::Always || (save == SaveBuilt::GraphOnly && !index.isExact()))
        index.save(project);
    return index;
}

// ---------------------------------------------------------------------------------------
// Text

TextQuery textQuery(Project &project, const EmbeddingSet &set, const QString &text)
{
    EmbeddingSet loaded;
    const EmbeddingSet *words = &set;
    if (set.kind != ItemKind::Word) {
        // LSA documents name their fold-in term rows; pooled sets the word vectors they pooled.
        const QString terms = set.params.value(u"query_terms").toString();
        const QString from = terms.isEmpty() ? set.params.value(u"from").toString() : terms;
        if (from.isEmpty())
            throw Error(
                QStringLiteral("set \"%1\" holds %2s, not words, and names no word-vector set it was pooled from "
                               "(params \"from\"), so typed text has no place in its space")
                    .arg(set.name, toString(set.kind)));
        loaded = loadEmbeddingSet(project, from);
        if (loaded.kind != ItemKind::Word)
            throw Error(QStringLiteral("set \"%1\" was pooled from \"%2\", which holds %3s, not words")
                            .arg(set.name, from, toString(loaded.kind)));
        if (loaded.dim != set.dim)
            throw Error(
                QStringLiteral("set \"%1\" (%2 dimensions, %3 pooling) is not in the space of its word vectors \"%4\" "
                               "(%5 dimensions); typed text needs mean or SIF pooling")
                    .arg(set.name)
                    .arg(set.dim)
                    .arg(set.method, from)
                    .arg(loaded.dim));
        words = &loaded;
    }
    std::unordered_map<qint64, qint64> rowOfId;
    rowOfId.reserve(words->ids.size());
    for (size_t r = 0; r < words->ids.size(); ++r)
        rowOfId.emplace(words->ids[r], qint64(r));
    // Each distinct token is looked up once, in the order it first appears.
    const QStringList tokens = io::Tokenizer::tokenize(text);
    QHash<QString, qint64> rowOfToken;
    std::vector<QString> distinct;
    for (const QString &token : tokens)
        if (!rowOfToken.contains(token)) {
            rowOfToken.insert(token, -1);
            distinct.push_back(token);
        }
    const std::vector<qint64> itemIds = itemsByIdentity(project, ItemKind::Word, distinct);
    for (size_t i = 0; i < distinct.size(); ++i)
        if (const auto r = rowOfId.find(itemIds[i]); itemIds[i] && r != rowOfId.end())
            rowOfToken[distinct[i]] = r->second;
    QSet<QString> skipped;
    TextQuery out;
    std::vector<double> sum(size_t(words->dim), 0.0);
    for (const QString &token : tokens) {
        const qint64 row = rowOfToken.value(token);
        if (row < 0) {
            if (!skipped.contains(token)) {
                skipped.insert(token);
                out.skipped.append(token);
            }
            continue;
        }
        const auto v = words->row(row);
        for (size_t d = 0; d < v.size(); ++d)
            sum[d] += v[d];
        out.words.append(token);
    }
    if (!out.words.isEmpty()) {
        out.vector.resize(sum.size());
        for (size_t d = 0; d < sum.size(); ++d)
            out.vector[d] = float(sum[d] / double(out.words.size()));
    }
    return out;
}

} // namespace orrery
