#include "pvdbow.h"

#include "base/workerpool.h"
#include "sgnskernel.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QtEndian>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>

namespace orrery {

// Defaults measured with tests/tst_pvdbow.cpp (Debug build with this file at -O2, 2 threads, seed 1,
// the machine shared with other builds; 2026-12-02).
//
// Playlists, yes_small (41,480 playlists, 176k entries), majority-tag 10-NN agreement among a
// seeded sample of 2,971 playlists: 0.322 at sample 0, 20 epochs, window 3, α -0.5, dim 50, with
// the songs trained alongside (mean-pooled item2vec with SgnsOptions::forPlaylists: 0.321). The
// item2vec sample 1e-5 leaves a playlist of ~4 songs too few updates (0.089); 10 / 100 epochs
// gave 0.287 / 0.257, α 0.75 0.318, window 5 0.319, sample 1e-4 with 30 epochs 0.313, pure DBOW
// (no song pairs) at 100 epochs 0.261.
PvdbowOptions PvdbowOptions::forPlaylists()
{
    PvdbowOptions o;
    o.dim = 50;
    o.negative = 5;
    o.nsExponent = -0.5;
    o.sample = 0;
    o.epochs = 20;
    o.minCount = 1;
    o.alpha = 0.025;
    o.minAlpha = 0.0001;
    o.trainItems = true;
    o.window = 3;
    o.inferEpochs = 50;
    return o;
}

// Text, the BBC articles (2,225 documents, 861k tokens), 10-NN folder agreement: pure DBOW (no
// word pairs) with min count 5, 15 epochs, rate 0.025, sample 1e-4, dim 100 gives 0.950 / 0.949
// (seeds 1 / 2), SIF over word2vec from SgnsOptions::forText 0.948, in 4 s against word2vec's
// 12-20 s. 20 epochs gave 0.948 / 0.946, 10 0.915, 40 (min count 2) 0.924; rate 0.05 / 0.0125
// 0.912 / 0.928; min count 2 / 10 0.946 / 0.948; sample 1e-3 / 1e-5 0.937 / 0.918; negative 10
// 0.944; α 0.5 0.945; dim 50 0.949. Training the words too (dbow_words, 10 epochs) gave 0.900 at
// a tenth of the speed.
PvdbowOptions PvdbowOptions::forText()
{
    PvdbowOptions o;
    o.dim = 100;
    o.negative = 5;
    o.nsExponent = 0.75;
    o.sample = 1e-4;
    o.epochs = 15;
    o.minCount = 5;
    o.alpha = 0.025;
    o.minAlpha = 0.0001;
    o.trainItems = false;
    o.window = 5;
    o.inferEpochs = 50;
    return o;
}

namespace {

using namespace sgnskernel;

constexpr int Lookahead = 16; // noise drawn this many steps ahead, its rows prefetched (as in sgns.cpp)

struct Local {
    explicit Local(quint64 seed) : rng(seed) { }
    Random rng;
    float *neu1e = nullptr;
    qint32 noise[Lookahead] = {};
    int next = 0;
    double loss = 0;
    qint64 pairs = 0;
};

struct alignas(64) ThreadState {
    std::atomic<qint64> read {0};
    std::vector<double> loss;
    std::vector<qint64> pairs;
};

void checkOptions(const PvdbowOptions &o)
{
    if (o.dim < 1 || o.dim > 100000 || o.window < 1 || o.negative < 0 || o.epochs < 1 || o.minCount < 1
        || o.inferEpochs < 1 || o.threads < 0 || !(o.alpha > 0) || !(o.minAlpha >= 0 && o.minAlpha <= o.alpha)
        || !(o.sample >= 0) || !std::isfinite(o.nsExponent))
        throw Error(QStringLiteral("pvdbow: options out of range (dim %1, window %2, negative %3, epochs %4, "
                                   "min count %5, alpha %6, min alpha %7, sample %8, exponent %9, infer epochs %10)")
                        .arg(o.dim)
                        .arg(o.window)
                        .arg(o.negative)
                        .arg(o.epochs)
                        .arg(o.minCount)
                        .arg(o.alpha)
                        .arg(o.minAlpha)
                        .arg(o.sample)
                        .arg(o.nsExponent)
                        .arg(o.inferEpochs));
}

int threadCount(int requested, qint64 sequences)
{
    const int t = requested > 0 ? requested : resolveThreads(0);
    return int(std::clamp<qint64>(t, 1, std::max<qint64>(1, sequences)));
}

void randomRow(float *row, int dim, Random &rng)
{
    for (int d = 0; d < dim; ++d)
        row[d] = float((rng.uniform() - 0.5) / dim);
}

class Trainer final {
public:
    Trainer(const Corpus &corpus, const PvdbowOptions &o, JobContext &job, const EmbeddingSet *initial)
        : m_corpus(corpus), m_o(o), m_job(job), m_initial(initial)
    {
    }

    PvdbowResult run();

private:
    void buildVocabulary();
    void partition(int threads);
    void train(int thread);
    void trainSequence(qint64 s, const qint32 *tokens, int n, double lrAtStart, double lrStep, Local &w);
    qint32 nextNoise(Local &w) const
    {
        const qint32 target = w.noise[w.next];
        const qint32 drawn = m_sampler.draw(w.rng);
        w.noise[w.next] = drawn;
        w.next = (w.next + 1) % Lookahead;
        prefetchRow(m_out.get() + size_t(drawn) * size_t(m_stride), size_t(m_stride) * sizeof(float));
        return target;
    }
    bool stopRequested() const { return m_abort.load(std::memory_order_relaxed) || m_job.cancelled(); }
    void reportProgress();

    const Corpus &m_corpus;
    const PvdbowOptions m_o;
    JobContext &m_job;
    const EmbeddingSet *m_initial;
    Tables m_tables;

    std::vector<qint32> m_remap; // corpus vocabulary index -> trained index, or -1
    std::vector<qint64> m_ids, m_counts;
    std::vector<float> m_keep;
    NegativeSampler m_sampler;
    qint64 m_tokensPerEpoch = 0;
    qint64 m_skippedRare = 0;
    double m_sample = 0;

    int m_stride = 0;
    int m_blocks = 0;
    FloatBuffer m_in, m_out, m_doc;

    std::vector<qint64> m_sliceStart, m_sliceTokens;
    std::vector<ThreadState> m_states;
    std::atomic_bool m_abort {false};
    QElapsedTimer m_trainClock;
    qint64 m_total = 0;
};

void Trainer::buildVocabulary()
{
    const size_t v = m_corpus.vocab.size();
    m_remap.assign(v, -1);
    for (size_t i = 0; i < v; ++i) {
        if (m_corpus.counts[i] >= m_o.minCount) {
            m_remap[i] = qint32(m_ids.size());
            m_ids.push_back(m_corpus.vocab[i]);
            m_counts.push_back(m_corpus.counts[i]);
            m_tokensPerEpoch += m_corpus.counts[i];
        } else {
            ++m_skippedRare;
        }
    }
    if (m_ids.empty())
        throw Error(
            QStringLiteral("pvdbow: no item occurs at least %1 times; lower the minimum count").arg(m_o.minCount));
    m_job.checkCancelled();
    m_sampler = NegativeSampler(m_counts, m_o.nsExponent);
    m_keep = keepProbabilities(m_counts, m_tokensPerEpoch, m_o.sample, &m_sample);
}

void Trainer::partition(int threads)
{
    // Contiguous runs of sequences with about the same number of trained tokens each (as trainSgns).
    m_sliceStart.assign(1, 0);
    m_sliceTokens.clear();
    const qint64 sequences = m_corpus.sequences();
    qint64 s = 0, before = 0;
    for (int t = 0; t < threads; ++t) {
        const qint64 goal = m_tokensPerEpoch * (t + 1) / threads;
        qint64 tokens = 0;
        while (s < sequences && (t == threads - 1 || before + tokens < goal)) {
            for (const qint32 *p = m_corpus.begin(s); p != m_corpus.end(s); ++p)
                tokens += m_remap[size_t(*p)] >= 0;
            ++s;
        }
        m_sliceStart.push_back(s);
        m_sliceTokens.push_back(tokens);
        before += tokens;
    }
}

void Trainer::trainSequence(qint64 s, const qint32 *tokens, int n, double lrAtStart, double lrStep, Local &w)
{
    float *const in = m_in.get();
    float *const out = m_out.get();
    float *const doc = m_doc.get() + size_t(s) * size_t(m_stride);
    const size_t stride = size_t(m_stride), rowBytes = stride * sizeof(float);
    const int blocks = m_blocks, window = m_o.window, negative = m_o.negative;
    float *const neu1e = w.neu1e;
    double docLoss = 0, itemLoss = 0;
    qint64 docPairs = 0;
    for (int i = 0; i < n; ++i) {
        if ((i & 1023) == 1023 && stopRequested())
            break;
        if (i + 1 < n)
            prefetchRow(out + size_t(tokens[i + 1]) * stride, rowBytes);
        const float lr = float(lrAtStart - lrStep * i);
        const qint32 center = tokens[i];
        if (m_o.trainItems) {
            // Skip-gram over the items, exactly as trainSgns: each context item predicts the centre.
            const int reach = window - int(w.rng.below(quint64(window)));
            const int lo = std::max(0, i - reach), hi = std::min(n - 1, i + reach);
            for (int j = lo; j <= hi; ++j) {
                if (j == i)
                    continue;
                float *const l1 = in + size_t(tokens[j]) * stride;
                std::memset(neu1e, 0, sizeof(float) * stride);
                logisticStep(m_tables, l1, out + size_t(center) * stride, neu1e, true, lr, blocks, itemLoss);
                for (int d = 0; d < negative; ++d) {
                    const qint32 target = nextNoise(w);
                    if (target != center)
                        logisticStep(m_tables, l1, out + size_t(target) * stride, neu1e, false, lr, blocks, itemLoss);
                }
                axpy(1.0f, neu1e, l1, blocks);
            }
        }
        // The sequence's vector predicts the item (PV-DBOW's one pair per position).
        std::memset(neu1e, 0, sizeof(float) * stride);
        logisticStep(m_tables, doc, out + size_t(center) * stride, neu1e, true, lr, blocks, docLoss);
        for (int d = 0; d < negative; ++d) {
            const qint32 target = nextNoise(w);
            if (target != center)
                logisticStep(m_tables, doc, out + size_t(target) * stride, neu1e, false, lr, blocks, docLoss);
        }
        axpy(1.0f, neu1e, doc, blocks);
        ++docPairs;
    }
    w.loss += docLoss;
    w.pairs += docPairs;
}

void Trainer::reportProgress()
{
    qint64 done = 0;
    for (const ThreadState &s : m_states)
        done += s.read.load(std::memory_order_relaxed);
    const double seconds = double(m_trainClock.nsecsElapsed()) * 1e-9;
    const double rate = seconds > 0 ? double(done) / seconds : 0.0;
    const qint64 perEpoch = std::max<qint64>(1, m_tokensPerEpoch);
    QString message = QStringLiteral("PV-DBOW epoch %1/%2, %3 tokens/s")
                          .arg(std::min<qint64>(done / perEpoch + 1, m_o.epochs))
                          .arg(m_o.epochs)
                          .arg(compactCount(rate));
    if (rate > 0 && done > 0)
        message += QStringLiteral(", ETA %1 s").arg(double(m_total - done) / rate, 0, 'f', 0);
    m_job.progress(done, m_total, message);
}

void Trainer::train(int thread)
{
    ThreadState &state = m_states[size_t(thread)];
    const qint64 first = m_sliceStart[size_t(thread)], last = m_sliceStart[size_t(thread) + 1];
    const double total = double(std::max<qint64>(1, m_sliceTokens[size_t(thread)] * m_o.epochs));
    const double lrStep = (m_o.alpha - m_o.minAlpha) / total;
    std::vector<qint32> sentence;
    const FloatBuffer neu1e = zeroedFloats(size_t(m_stride));
    qint64 read = 0, published = 0;
    for (int epoch = 0; epoch < m_o.epochs && !stopRequested(); ++epoch) {
        Local w(streamSeed(m_o.seed, thread, epoch));
        w.neu1e = neu1e.get();
        for (qint32 &n : w.noise)
            n = m_sampler.draw(w.rng);
        for (qint64 s = first; s < last; ++s) {
            sentence.clear();
            const qint64 start = read;
            for (const qint32 *p = m_corpus.begin(s); p != m_corpus.end(s); ++p) {
                const qint32 v = m_remap[size_t(*p)];
                if (v < 0)
                    continue;
                ++read;
                const float keep = m_keep[size_t(v)];
                if (keep < 1.0f && keep < float(w.rng.uniform()))
                    continue;
                sentence.push_back(v);
            }
            const double perPosition = sentence.empty() ? 0.0 : double(read - start) / double(sentence.size());
            const double lr = m_o.alpha - lrStep * double(start);
            trainSequence(s, sentence.data(), int(sentence.size()), lr, lrStep * perPosition, w);
            if (read - published >= 1024) {
                published = read;
                state.read.store(read, std::memory_order_relaxed);
                if (thread == 0)
                    reportProgress(); // worker 0 is the calling thread, the only one that may use `job`
                if (stopRequested())
                    break;
            }
        }
        state.read.store(read, std::memory_order_relaxed);
        if (stopRequested())
            break;
        state.loss[size_t(epoch)] = w.loss;
        state.pairs[size_t(epoch)] = w.pairs;
    }
}

PvdbowResult Trainer::run()
{
    QElapsedTimer clock;
    clock.start();
    const PvdbowOptions &o = m_o;
    checkOptions(o);
    if (m_initial && m_initial->dim != o.dim)
        throw Error(QStringLiteral("pvdbow: the initial item vectors \"%1\" have %2 dimensions, the options ask for %3")
                        .arg(m_initial->name)
                        .arg(m_initial->dim)
                        .arg(o.dim));
    buildVocabulary();

    const qint64 rows = qint64(m_ids.size());
    const qint64 sequences = m_corpus.sequences();
    m_stride = (o.dim + Lanes - 1) / Lanes * Lanes;
    m_blocks = m_stride / Lanes;
    m_out = zeroedFloats(size_t(rows) * size_t(m_stride));
    m_doc = zeroedFloats(size_t(std::max<qint64>(1, sequences)) * size_t(m_stride));
    m_in = zeroedFloats(o.trainItems ? size_t(rows) * size_t(m_stride) : 1);
    {
        Random rng(o.seed);
        for (qint64 s = 0; s < sequences; ++s) {
            randomRow(m_doc.get() + s * m_stride, o.dim, rng);
            if ((s & 65535) == 65535)
                m_job.checkCancelled();
        }
        if (o.trainItems) {
            QHash<qint64, qint64> initialRow;
            if (m_initial)
                for (qint64 r = 0; r < m_initial->count(); ++r)
                    initialRow.insert(m_initial->ids[size_t(r)], r);
            for (qint64 r = 0; r < rows; ++r) {
                float *row = m_in.get() + r * m_stride;
                randomRow(row, o.dim, rng);
                if (const auto it = initialRow.constFind(m_ids[size_t(r)]); it != initialRow.cend())
                    std::memcpy(row, m_initial->vectors.data() + *it * o.dim, sizeof(float) * size_t(o.dim));
                if ((r & 65535) == 65535)
                    m_job.checkCancelled();
            }
        }
    }

    const int threads = threadCount(o.threads, sequences);
    partition(threads);
    m_states = std::vector<ThreadState>(size_t(threads));
    for (ThreadState &s : m_states) {
        s.loss.assign(size_t(o.epochs), 0.0);
        s.pairs.assign(size_t(o.epochs), 0);
    }
    m_total = m_tokensPerEpoch * o.epochs;
    m_job.checkCancelled();

    m_trainClock.start();
    {
        WorkerPool pool(threads);
        pool.run([&](int worker) {
            try {
                train(worker);
            } catch (...) { // a throwing progress callback or out of memory: stop the others too
                m_abort = true;
                throw;
            }
        });
    }
    const double trainSeconds = double(m_trainClock.nsecsElapsed()) * 1e-9;
    m_job.checkCancelled();
    if (m_abort)
        throw Cancelled();

    PvdbowResult result;
    result.sequenceIds = m_corpus.sequenceIds;
    result.vectors.resize(size_t(sequences) * size_t(o.dim));
    for (qint64 s = 0; s < sequences; ++s)
        std::memcpy(result.vectors.data() + s * o.dim, m_doc.get() + s * m_stride, sizeof(float) * size_t(o.dim));
    PvdbowModel &model = result.model;
    model.dim = o.dim;
    model.itemIds = m_ids;
    model.counts = m_counts;
    model.options = o;
    model.output.resize(size_t(rows) * size_t(o.dim));
    for (qint64 r = 0; r < rows; ++r)
        std::memcpy(model.output.data() + r * o.dim, m_out.get() + r * m_stride, sizeof(float) * size_t(o.dim));
    if (o.trainItems) {
        result.itemVectors.resize(size_t(rows) * size_t(o.dim));
        for (qint64 r = 0; r < rows; ++r)
            std::memcpy(result.itemVectors.data() + r * o.dim, m_in.get() + r * m_stride,
                        sizeof(float) * size_t(o.dim));
    }
    SgnsStats &st = result.stats;
    for (const ThreadState &s : m_states)
        st.tokens += s.read.load(std::memory_order_relaxed);
    for (int e = 0; e < o.epochs; ++e) {
        double loss = 0;
        qint64 pairs = 0;
        for (const ThreadState &s : m_states) {
            loss += s.loss[size_t(e)];
            pairs += s.pairs[size_t(e)];
        }
        st.epochLoss.push_back(pairs ? loss / double(pairs) : 0.0);
    }
    st.vocabulary = rows;
    st.skippedRare = m_skippedRare;
    st.sample = m_sample;
    st.seconds = double(clock.nsecsElapsed()) * 1e-9;
    st.tokensPerSecond = trainSeconds > 0 ? double(st.tokens) / trainSeconds : 0.0;
    m_job.progress(
        m_total, m_total,
        QStringLiteral("trained %1 sequence vectors, loss %2").arg(sequences).arg(st.epochLoss.back(), 0, 'f', 3));
    return result;
}

// --- inference -------------------------------------------------------------------------------

class Inferrer final {
public:
    Inferrer(const PvdbowModel &model, const Corpus &corpus, JobContext &job)
        : m_model(model), m_corpus(corpus), m_job(job), m_o(model.options)
    {
    }

    RowMatrixXf run(int threads);

private:
    void inferOne(qint64 s, float *row, std::vector<qint32> &tokens, std::vector<qint32> &kept, float *doc,
                  float *neu1e) const;
    bool stopRequested() const { return m_abort.load(std::memory_order_relaxed) || m_job.cancelled(); }

    const PvdbowModel &m_model;
    const Corpus &m_corpus;
    JobContext &m_job;
    const PvdbowOptions m_o;
    Tables m_tables;
    std::vector<qint32> m_remap; // corpus vocabulary index -> model row, or -1
    std::vector<float> m_keep;
    NegativeSampler m_sampler;
    int m_stride = 0, m_blocks = 0;
    FloatBuffer m_out;
    std::atomic_bool m_abort {false};
};

void Inferrer::inferOne(qint64 s, float *row, std::vector<qint32> &tokens, std::vector<qint32> &kept, float *doc,
                        float *neu1e) const
{
    const int dim = m_model.dim, blocks = m_blocks, negative = m_o.negative;
    const size_t stride = size_t(m_stride);
    const float *const out = m_out.get();
    tokens.clear();
    for (const qint32 *p = m_corpus.begin(s); p != m_corpus.end(s); ++p)
        if (const qint32 v = m_remap[size_t(*p)]; v >= 0)
            tokens.push_back(v);
    if (tokens.empty()) {
        std::fill(row, row + dim, 0.0f);
        return;
    }
    // Its own stream per sequence: the same vector whatever the threads and the other sequences.
    Random rng(streamSeed(m_o.seed ^ 0x5EC0DE5EC0DE5EC0ull, 0, int(s & 0x3FFFFFFF)) + quint64(s));
    std::memset(doc, 0, sizeof(float) * stride);
    randomRow(doc, dim, rng);
    qint32 noise[Lookahead];
    for (qint32 &n : noise)
        n = m_sampler.draw(rng);
    int next = 0;
    const double total = double(tokens.size()) * m_o.inferEpochs;
    const double lrStep = (m_o.alpha - m_o.minAlpha) / total;
    qint64 read = 0;
    for (int epoch = 0; epoch < m_o.inferEpochs; ++epoch) {
        if (stopRequested())
            return;
        kept.clear();
        const qint64 start = read;
        for (const qint32 v : tokens) {
            ++read;
            const float keep = m_keep[size_t(v)];
            if (keep < 1.0f && keep < float(rng.uniform()))
                continue;
            kept.push_back(v);
        }
        const double perPosition = kept.empty() ? 0.0 : double(read - start) / double(kept.size());
        const double lrAtStart = m_o.alpha - lrStep * double(start);
        for (size_t i = 0; i < kept.size(); ++i) {
            if ((i & 1023) == 1023 && stopRequested())
                return;
            const float lr = float(lrAtStart - lrStep * perPosition * double(i));
            const qint32 center = kept[i];
            std::memset(neu1e, 0, sizeof(float) * stride);
            // The logistic step with the output row frozen: only the gradient of the sequence vector.
            const auto step = [&](qint32 target, bool positive) {
                const float *l2 = out + size_t(target) * stride;
                const float f = dot(doc, l2, blocks);
                const float x = (f + MaxExp) * TableScale;
                const float label = positive ? 1.0f : 0.0f;
                const float g = x >= float(TableSize) ? label - 1 : x < 0 ? label : label - m_tables.sigmoid[int(x)];
                axpy(g * lr, l2, neu1e, blocks);
            };
            step(center, true);
            for (int d = 0; d < negative; ++d) {
                const qint32 target = noise[next];
                noise[next] = m_sampler.draw(rng);
                next = (next + 1) % Lookahead;
                if (target != center)
                    step(target, false);
            }
            axpy(1.0f, neu1e, doc, blocks);
        }
    }
    std::memcpy(row, doc, sizeof(float) * size_t(dim));
}

RowMatrixXf Inferrer::run(int requestedThreads)
{
    const PvdbowModel &m = m_model;
    checkOptions(m_o);
    if (m.dim < 1 || m.itemIds.empty() || m.counts.size() != m.itemIds.size()
        || m.output.size() != m.itemIds.size() * size_t(m.dim) || m.options.dim != m.dim)
        throw Error(
            QStringLiteral("pvdbow: the model is empty or inconsistent (dim %1, %2 items, %3 counts, %4 floats)")
                .arg(m.dim)
                .arg(m.itemIds.size())
                .arg(m.counts.size())
                .arg(m.output.size()));
    QHash<qint64, qint32> row;
    row.reserve(qsizetype(m.itemIds.size()));
    for (size_t i = 0; i < m.itemIds.size(); ++i)
        row.insert(m.itemIds[i], qint32(i));
    m_remap.assign(m_corpus.vocab.size(), -1);
    for (size_t i = 0; i < m_corpus.vocab.size(); ++i)
        m_remap[i] = row.value(m_corpus.vocab[i], -1);
    m_job.checkCancelled();
    m_sampler = NegativeSampler(m.counts, m_o.nsExponent);
    qint64 total = 0;
    for (const qint64 c : m.counts)
        total += c;
    double applied = 0;
    m_keep = keepProbabilities(m.counts, total, m_o.sample, &applied);
    m_stride = (m.dim + Lanes - 1) / Lanes * Lanes;
    m_blocks = m_stride / Lanes;
    m_out = zeroedFloats(m.itemIds.size() * size_t(m_stride));
    for (size_t r = 0; r < m.itemIds.size(); ++r)
        std::memcpy(m_out.get() + r * size_t(m_stride), m.output.data() + r * size_t(m.dim),
                    sizeof(float) * size_t(m.dim));

    const qint64 sequences = m_corpus.sequences();
    RowMatrixXf result = RowMatrixXf::Zero(sequences, m.dim);
    const int threads = threadCount(requestedThreads, sequences);
    constexpr qint64 Chunk = 8;
    std::atomic<qint64> nextChunk {0}, done {0};
    {
        WorkerPool pool(threads);
        pool.run([&](int worker) {
            try {
                std::vector<qint32> tokens, kept;
                const FloatBuffer doc = zeroedFloats(size_t(m_stride)), neu1e = zeroedFloats(size_t(m_stride));
                while (!stopRequested()) {
                    const qint64 begin = nextChunk.fetch_add(Chunk), end = std::min(sequences, begin + Chunk);
                    if (begin >= sequences)
                        break;
                    for (qint64 s = begin; s < end; ++s)
                        inferOne(s, result.data() + s * m.dim, tokens, kept, doc.get(), neu1e.get());
                    const qint64 d = done.fetch_add(end - begin) + end - begin;
                    if (worker == 0) // the calling thread, the only one that may use `job`
                        m_job.progress(d, sequences,
                                       QStringLiteral("inferring sequence vectors: %1 of %2").arg(d).arg(sequences));
                }
            } catch (...) {
                m_abort = true;
                throw;
            }
        });
    }
    m_job.checkCancelled();
    if (m_abort)
        throw Cancelled();
    m_job.progress(sequences, sequences, QStringLiteral("inferred %1 sequence vectors").arg(sequences));
    return result;
}

// --- serialisation ---------------------------------------------------------------------------

constexpr char Magic[4] = {'O', 'P', 'V', 'D'};
constexpr quint32 FormatVersion = 1;

class Writer final {
public:
    template<typename T> void put(T v)
    {
        char b[sizeof(T)];
        qToLittleEndian(v, b);
        m_bytes.append(b, qsizetype(sizeof(T)));
    }
    void putDouble(double v)
    {
        quint64 bits;
        std::memcpy(&bits, &v, sizeof bits);
        put(bits);
    }
    void putFloat(float v)
    {
        quint32 bits;
        std::memcpy(&bits, &v, sizeof bits);
        put(bits);
    }
    QByteArray m_bytes;
};

class Reader final {
public:
    explicit Reader(const QByteArray &bytes) : m_bytes(bytes) { }

    template<typename T> T get(const char *what)
    {
        need(sizeof(T), what);
        const T v = qFromLittleEndian<T>(m_bytes.constData() + m_pos);
        m_pos += qsizetype(sizeof(T));
        return v;
    }
    double getDouble(const char *what)
    {
        const quint64 bits = get<quint64>(what);
        double v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    float getFloat(const char *what)
    {
        const quint32 bits = get<quint32>(what);
        float v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    void need(size_t bytes, const char *what) const
    {
        if (size_t(m_bytes.size() - m_pos) < bytes)
            throw Error(QStringLiteral("PV-DBOW model: byte %1: expected %2 (%3 bytes), the data ends after %4 bytes")
                            .arg(m_pos)
                            .arg(QLatin1StringView(what))
                            .arg(bytes)
                            .arg(m_bytes.size()));
    }
    [[noreturn]] void fail(qsizetype at, const QString &what) const
    {
        throw Error(QStringLiteral("PV-DBOW model: byte %1: %2").arg(at).arg(what));
    }
    qsizetype pos() const { return m_pos; }
    qsizetype left() const { return m_bytes.size() - m_pos; }

private:
    const QByteArray &m_bytes;
    qsizetype m_pos = 0;
};

} // namespace

QByteArray PvdbowModel::serialize() const
{
    Writer w;
    w.m_bytes.append(Magic, 4);
    w.put<quint32>(FormatVersion);
    const PvdbowOptions &o = options;
    w.put<qint32>(dim);
    w.put<qint32>(o.negative);
    w.putDouble(o.nsExponent);
    w.putDouble(o.sample);
    w.put<qint32>(o.epochs);
    w.put<qint32>(o.minCount);
    w.putDouble(o.alpha);
    w.putDouble(o.minAlpha);
    w.put<quint8>(o.trainItems ? 1 : 0);
    w.put<qint32>(o.window);
    w.put<qint32>(o.inferEpochs);
    w.put<qint32>(o.threads);
    w.put<quint64>(o.seed);
    w.put<quint64>(quint64(itemIds.size()));
    for (const qint64 id : itemIds)
        w.put<qint64>(id);
    for (const qint64 c : counts)
        w.put<qint64>(c);
    for (const float f : output)
        w.putFloat(f);
    return w.m_bytes;
}

PvdbowModel PvdbowModel::deserialize(const QByteArray &bytes)
{
    Reader r(bytes);
    r.need(4, "the magic \"OPVD\"");
    if (std::memcmp(bytes.constData(), Magic, 4) != 0)
        r.fail(0, QStringLiteral("expected the magic \"OPVD\" of a PV-DBOW model"));
    (void)r.get<quint32>("the magic");
    const qsizetype versionAt = r.pos();
    const quint32 version = r.get<quint32>("the format version");
    if (version != FormatVersion)
        r.fail(versionAt, QStringLiteral("format version %1, expected %2").arg(version).arg(FormatVersion));
    PvdbowModel m;
    PvdbowOptions &o = m.options;
    const qsizetype dimAt = r.pos();
    m.dim = r.get<qint32>("the dimension");
    o.dim = m.dim;
    if (m.dim < 1 || m.dim > 100000)
        r.fail(dimAt, QStringLiteral("dimension %1, expected 1 to 100000").arg(m.dim));
    o.negative = r.get<qint32>("the negative samples");
    o.nsExponent = r.getDouble("the noise exponent");
    o.sample = r.getDouble("the sub-sampling threshold");
    o.epochs = r.get<qint32>("the epochs");
    o.minCount = r.get<qint32>("the minimum count");
    o.alpha = r.getDouble("the learning rate");
    o.minAlpha = r.getDouble("the final learning rate");
    const qsizetype flagAt = r.pos();
    const quint8 trainItems = r.get<quint8>("the train-items flag");
    if (trainItems > 1)
        r.fail(flagAt, QStringLiteral("train-items flag %1, expected 0 or 1").arg(trainItems));
    o.trainItems = trainItems == 1;
    o.window = r.get<qint32>("the window");
    o.inferEpochs = r.get<qint32>("the inference epochs");
    o.threads = r.get<qint32>("the threads");
    o.seed = r.get<quint64>("the seed");
    try {
        checkOptions(o);
    } catch (const Error &e) {
        r.fail(r.pos(), QStringLiteral("the options are out of range: %1").arg(e.message()));
    }
    const qsizetype countAt = r.pos();
    const quint64 n = r.get<quint64>("the item count");
    const quint64 perItem = 16 + 4 * quint64(m.dim);
    if (n == 0 || n > quint64(r.left()))
        r.fail(countAt,
               QStringLiteral("%1 items of %2 dimensions do not fit in the %3 bytes that follow")
                   .arg(n)
                   .arg(m.dim)
                   .arg(r.left()));
    if (quint64(r.left()) != n * perItem)
        r.fail(countAt,
               QStringLiteral("%1 items of %2 dimensions need %3 bytes after this count, %4 follow")
                   .arg(n)
                   .arg(m.dim)
                   .arg(n * perItem)
                   .arg(r.left()));
    m.itemIds.resize(size_t(n));
    m.counts.resize(size_t(n));
    m.output.resize(size_t(n) * size_t(m.dim));
    for (qint64 &id : m.itemIds)
        id = r.get<qint64>("an item id");
    for (qint64 &c : m.counts) {
        const qsizetype at = r.pos();
        c = r.get<qint64>("an item count");
        if (c < 1)
            r.fail(at, QStringLiteral("item count %1, expected at least 1").arg(c));
    }
    for (float &f : m.output) {
        const qsizetype at = r.pos();
        f = r.getFloat("an output vector component");
        if (!std::isfinite(f))
            r.fail(at, QStringLiteral("an output vector component is not finite"));
    }
    return m;
}

PvdbowResult trainPvdbow(const Corpus &corpus, const PvdbowOptions &options, JobContext &job,
                         const EmbeddingSet *initialItems)
{
    Trainer trainer(corpus, options, job, initialItems);
    return trainer.run();
}

RowMatrixXf inferPvdbow(const PvdbowModel &model, const Corpus &corpus, JobContext &job, int threads)
{
    Inferrer inferrer(model, corpus, job);
    return inferrer.run(threads);
}

QJsonObject pvdbowParams(const PvdbowOptions &o)
{
    return {{QStringLiteral("dim"), o.dim},
            {QStringLiteral("negative"), o.negative},
            {QStringLiteral("ns_exponent"), o.nsExponent},
            {QStringLiteral("sample"), o.sample},
            {QStringLiteral("epochs"), o.epochs},
            {QStringLiteral("min_count"), o.minCount},
            {QStringLiteral("alpha"), o.alpha},
            {QStringLiteral("min_alpha"), o.minAlpha},
            {QStringLiteral("train_items"), o.trainItems},
            {QStringLiteral("window"), o.window},
            {QStringLiteral("infer_epochs"), o.inferEpochs},
            {QStringLiteral("threads"), o.threads},
            {QStringLiteral("seed"), qint64(o.seed)}};
}

EmbeddingSet pvdbowEmbeddingSet(const PvdbowResult &r, ItemKind sequenceKind, const PvdbowOptions &options)
{
    EmbeddingSet set;
    set.method = QStringLiteral("pvdbow");
    set.kind = sequenceKind;
    set.params = pvdbowParams(options);
    QJsonArray losses;
    for (const double l : r.stats.epochLoss)
        losses.append(l);
    set.stats = {{QStringLiteral("tokens"), r.stats.tokens},
                 {QStringLiteral("seconds"), r.stats.seconds},
                 {QStringLiteral("tokens_per_s"), r.stats.tokensPerSecond},
                 {QStringLiteral("epoch_loss"), losses},
                 {QStringLiteral("vocabulary"), r.stats.vocabulary},
                 {QStringLiteral("skipped_rare"), r.stats.skippedRare},
                 {QStringLiteral("sample_applied"), r.stats.sample}};
    set.dim = r.model.dim;
    set.ids = r.sequenceIds;
    set.vectors = r.vectors;
    return set;
}

} // namespace orrery
