#include "sgns.h"

#include "sgnskernel.h"

#include <QElapsedTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

namespace orrery {

// Defaults measured with tests/bench/sgns_quality.py, 2 threads, means over seeds (2026-11-25).
//
// Playlists, yes_small (3,168 songs, 176k entries), "10 nearest neighbours (cosine) that share a
// tag", where random pairs give 0.597 (rock/pop/favorites tag most songs): item2vec's settings
// (window 3, α -0.5, sample 1e-5, dim 50, negative 5) reach 0.856 at 100 epochs, against 0.664 at
// 10, 0.847 at 30 and 0.859 at 200 (sub-sampling at 1e-5 drops most entries, hence many epochs).
// The measure barely moves with the rest: α 0.75 / 0 / -1 gave 0.858 / 0.859 / 0.855, window
// 1 / 2 / 5 gave 0.857 / 0.857 / 0.860, dim 32 / 100 0.858 / 0.853, sample 0 / 1e-4 / 1e-3
// 0.846 / 0.841 / 0.840 at 5-15 times the cost. So: the paper's settings, 100 epochs.
SgnsOptions SgnsOptions::forPlaylists()
{
    SgnsOptions o;
    o.dim = 50;
    o.window = 3;
    o.negative = 5;
    o.nsExponent = -0.5;
    o.sample = 1e-5;
    o.epochs = 100;
    o.minCount = 1;
    o.alpha = 0.025;
    o.minAlpha = o.alpha * 1e-4;
    return o;
}

// Text, the BBC articles (861k tokens, 11,205 words seen 5 times or more), Spearman ρ on WS-353
// (228 pairs in the vocabulary), dim 100, window 5, α 0.75, 10 epochs: word2vec's learning rate
// 0.025 with sample 1e-3 gives 0.35; 0.05 gives 0.40, and with sample 1e-4 0.42 (0.1: 0.44, but
// that rate is a risk on large corpora). 5 epochs lose 0.03-0.15, 20 gain 0.02-0.04; dim 50,
// window 10, negative 10 or min count 2 / 10 did not help. A corpus this small wants the higher
// rate; fastText's skip-gram default is 0.05 too.
SgnsOptions SgnsOptions::forText()
{
    SgnsOptions o;
    o.dim = 100;
    o.window = 5;
    o.negative = 5;
    o.nsExponent = 0.75;
    o.sample = 1e-4;
    o.epochs = 10;
    o.minCount = 5;
    o.alpha = 0.05;
    o.minAlpha = o.alpha * 1e-4;
    return o;
}

NegativeSampler::NegativeSampler(const std::vector<qint64> &counts, double exponent)
{
    const size_t n = counts.size();
    m_table.resize(n);
    m_probability.resize(n);
    if (n == 0)
        return;
    // count^α = exp(α log count); subtracting the largest exponent keeps any α finite.
    double top = -HUGE_VAL;
    for (size_t i = 0; i < n; ++i) {
        m_probability[i] = exponent * std::log(double(std::max<qint64>(counts[i], 1)));
        top = std::max(top, m_probability[i]);
    }
    double sum = 0;
    for (double &p : m_probability) {
        p = std::exp(p - top);
        sum += p;
    }
    for (double &p : m_probability)
        p /= sum;

    // Vose's alias method: scaled probabilities n·p, small ones topped up from large ones.
    std::vector<double> scaled(n);
    std::vector<qint32> small, large;
    for (size_t i = 0; i < n; ++i) {
        scaled[i] = m_probability[i] * double(n);
        (scaled[i] < 1.0 ? small : large).push_back(qint32(i));
    }
    const auto threshold = [](double p) { return quint32(std::clamp(p * 4294967296.0, 0.0, 4294967295.0)); };
    while (!small.empty() && !large.empty()) {
        const qint32 s = small.back(), l = large.back();
        small.pop_back();
        m_table[size_t(s)] = {threshold(scaled[size_t(s)]), l};
        scaled[size_t(l)] -= 1.0 - scaled[size_t(s)];
        if (scaled[size_t(l)] < 1.0) {
            large.pop_back();
            small.push_back(l);
        }
    }
    // What is left has probability 1 up to rounding: always itself.
    for (const qint32 i : small)
        m_table[size_t(i)] = {0xFFFFFFFFu, i};
    for (const qint32 i : large)
        m_table[size_t(i)] = {0xFFFFFFFFu, i};
}

namespace {

using namespace sgnskernel;

// Noise samples are drawn this many steps before they are used, and their output rows prefetched
// meanwhile: with a vocabulary larger than the caches, waiting for those rows dominated the time.
constexpr int Lookahead = 16;

/// What one worker thread carries from sequence to sequence within an epoch.
struct WorkerLocal {
    explicit WorkerLocal(quint64 seed) : rng(seed) { }
    Random rng;
    float *neu1e = nullptr;
    qint32 noise[Lookahead] = {};
    int next = 0;
    double loss = 0;
    qint64 pairs = 0;
};

struct alignas(64) WorkerState {
    std::atomic<qint64> read {0}; // tokens read so far, all epochs
    std::atomic<int> epochsDone {0}; // epochs whose loss below is final
    std::vector<double> loss; // per epoch, sum over pairs
    std::vector<qint64> pairs; // per epoch
};

class Trainer final {
public:
    Trainer(const Corpus &corpus, const SgnsOptions &o, JobContext &job) : m_corpus(corpus), m_o(o), m_job(job) { }

    SgnsResult run();

private:
    void buildVocabulary();
    void partition(int threads);
    void work(int thread);
    void train(int thread);
    void trainSequence(const qint32 *tokens, int n, double lrAtStart, double lrStep, WorkerLocal &w);
    qint32 nextNoise(WorkerLocal &w) const
    {
        const qint32 target = w.noise[w.next];
        const qint32 drawn = m_sampler.draw(w.rng);
        w.noise[w.next] = drawn;
        w.next = (w.next + 1) % Lookahead;
        prefetchRow(m_out.get() + size_t(drawn) * size_t(m_stride), size_t(m_stride) * sizeof(float));
        return target;
    }
    bool stopRequested() const { return m_abort.load(std::memory_order_relaxed) || m_job.cancelled(); }

    const Corpus &m_corpus;
    const SgnsOptions m_o;
    JobContext &m_job;
    Tables m_tables;

    std::vector<qint32> m_remap; // corpus vocabulary index -> trained index, or -1
    std::vector<qint64> m_ids; // trained index -> item id
    std::vector<float> m_keep; // trained index -> probability of keeping a token (≥ 1: always)
    NegativeSampler m_sampler;
    qint64 m_tokensPerEpoch = 0;
    qint64 m_skippedRare = 0;
    double m_sample = 0; // the sub-sampling threshold applied

    int m_stride = 0; // floats per row, a multiple of Lanes
    int m_blocks = 0; // m_stride / Lanes
    FloatBuffer m_in, m_out;

    std::vector<qint64> m_sliceStart; // sequence ranges per thread, size threads + 1
    std::vector<qint64> m_sliceTokens;
    std::vector<WorkerState> *m_states = nullptr;
    std::atomic_bool m_abort {false};
    std::mutex m_mutex;
    std::condition_variable m_finished;
    int m_running = 0;
    std::exception_ptr m_failure;
};

void Trainer::buildVocabulary()
{
    const size_t v = m_corpus.vocab.size();
    m_remap.assign(v, -1);
    std::vector<qint64> counts;
    for (size_t i = 0; i < v; ++i) {
        if (m_corpus.counts[i] >= m_o.minCount) {
            m_remap[i] = qint32(m_ids.size());
            m_ids.push_back(m_corpus.vocab[i]);
            counts.push_back(m_corpus.counts[i]);
            m_tokensPerEpoch += m_corpus.counts[i];
        } else {
            ++m_skippedRare;
        }
    }
    if (m_ids.empty())
        throw Error(QStringLiteral("no item occurs at least %1 times; lower the minimum count").arg(m_o.minCount));
    m_job.checkCancelled();
    m_sampler = NegativeSampler(counts, m_o.nsExponent);
    // word2vec's sub-sampling: keep = (sqrt(f / (t·total)) + 1) · (t·total) / f, which is 1 at
    // f = 2.6·t·total. Its t (1e-5 to 1e-3) was meant for corpora of millions of tokens, where
    // t·total is hundreds of occurrences or more. On a small corpus t·total falls below one, the
    // rule thins even items seen once or twice and most tokens go: the 300 playlists of the sample
    // project (18.9k tokens, t·total 0.19) kept 15% of them, too few updates in 100 epochs to get
    // past the early phase where every vector points along one shared direction (all cosines
    // > 0.99). With t·total at least 2, items seen up to 5 times are always kept (the sample keeps
    // 56% and trains to a median random-pair cosine of 0.37); corpora of 200k tokens and more
    // at t = 1e-5 (yes_small: 176k, t·total 1.76) are barely touched.
    m_keep = keepProbabilities(counts, m_tokensPerEpoch, m_o.sample, &m_sample);
}

void Trainer::partition(int threads)
{
    // Contiguous runs of sequences with about the same number of trained tokens each.
    m_sliceStart.assign(1, 0);
    m_sliceTokens.clear();
    const qint64 sequences = m_corpus.sequences();
    qint64 s = 0;
    for (int t = 0; t < threads; ++t) {
        const qint64 goal = m_tokensPerEpoch * (t + 1) / threads;
        qint64 tokens = 0;
        qint64 before = 0;
        for (const qint64 n : m_sliceTokens)
            before += n;
        while (s < sequences && (t == threads - 1 || before + tokens < goal)) {
            for (const qint32 *p = m_corpus.begin(s); p != m_corpus.end(s); ++p)
                tokens += m_remap[size_t(*p)] >= 0;
            ++s;
        }
        m_sliceStart.push_back(s);
        m_sliceTokens.push_back(tokens);
    }
}

void Trainer::trainSequence(const qint32 *tokens, int n, double lrAtStart, double lrStep, WorkerLocal &w)
{
    float *const in = m_in.get();
    float *const out = m_out.get();
    float *const neu1e = w.neu1e;
    const size_t stride = size_t(m_stride), rowBytes = stride * sizeof(float);
    const int blocks = m_blocks, window = m_o.window, negative = m_o.negative;
    double lossSum = 0;
    qint64 pairCount = 0;
    for (int i = 0; i < n; ++i) {
        if ((i & 1023) == 1023 && stopRequested())
            break;
        // The next position's positive row and the context row that enters the window next.
        if (i + 1 < n)
            prefetchRow(out + size_t(tokens[i + 1]) * stride, rowBytes);
        if (i + window + 1 < n)
            prefetchRow(in + size_t(tokens[i + window + 1]) * stride, rowBytes);
        const float lr = float(lrAtStart - lrStep * i);
        const int reach = window - int(w.rng.below(quint64(window)));
        const int lo = std::max(0, i - reach), hi = std::min(n - 1, i + reach);
        const qint32 center = tokens[i];
        for (int j = lo; j <= hi; ++j) {
            if (j == i)
                continue;
            float *const l1 = in + size_t(tokens[j]) * stride;
            std::memset(neu1e, 0, sizeof(float) * stride);
            // One logistic step on (l1, target): the positive first, then the negatives.
            const auto step = [&](qint32 target, bool positive) {
                logisticStep(m_tables, l1, out + size_t(target) * stride, neu1e, positive, lr, blocks, lossSum);
            };
            step(center, true);
            for (int d = 0; d < negative; ++d) {
                const qint32 target = nextNoise(w);
                if (target != center)
                    step(target, false);
            }
            axpy(1.0f, neu1e, l1, blocks);
            ++pairCount;
        }
    }
    w.loss += lossSum;
    w.pairs += pairCount;
}

void Trainer::work(int thread)
{
    try {
        train(thread);
    } catch (...) { // out of memory: pass it on to the calling thread, stop the others
        std::lock_guard lock(m_mutex);
        if (!m_failure)
            m_failure = std::current_exception();
        m_abort = true;
    }
    std::lock_guard lock(m_mutex);
    --m_running;
    m_finished.notify_all();
}

void Trainer::train(int thread)
{
    WorkerState &state = (*m_states)[size_t(thread)];
    const qint64 first = m_sliceStart[size_t(thread)], last = m_sliceStart[size_t(thread) + 1];
    const double total = double(std::max<qint64>(1, m_sliceTokens[size_t(thread)] * m_o.epochs));
    // The learning rate falls linearly with this thread's share of the work.
    const double lrStep = (m_o.alpha - m_o.minAlpha) / total;
    std::vector<qint32> sentence;
    const FloatBuffer neu1e = zeroedFloats(size_t(m_stride));
    qint64 read = 0, published = 0;
    for (int epoch = 0; epoch < m_o.epochs && !stopRequested(); ++epoch) {
        WorkerLocal w(streamSeed(m_o.seed, thread, epoch));
        w.neu1e = neu1e.get();
        for (qint32 &n : w.noise)
            n = m_sampler.draw(w.rng);
        Random &rng = w.rng;
        for (qint64 s = first; s < last; ++s) {
            sentence.clear();
            const qint64 start = read;
            for (const qint32 *p = m_corpus.begin(s); p != m_corpus.end(s); ++p) {
                const qint32 v = m_remap[size_t(*p)];
                if (v < 0)
                    continue;
                ++read;
                const float keep = m_keep[size_t(v)];
                if (keep < 1.0f && keep < float(rng.uniform()))
                    continue;
                sentence.push_back(v);
            }
            // Positions of the kept tokens spread evenly over the tokens read, for the rate.
            const double perPosition = sentence.empty() ? 0.0 : double(read - start) / double(sentence.size());
            const double lr = m_o.alpha - lrStep * double(start);
            trainSequence(sentence.data(), int(sentence.size()), lr, lrStep * perPosition, w);
            if (read - published >= 1024) {
                published = read;
                state.read.store(read, std::memory_order_relaxed);
                if (stopRequested())
                    break;
            }
        }
        state.read.store(read, std::memory_order_relaxed);
        if (stopRequested())
            break;
        state.loss[size_t(epoch)] = w.loss;
        state.pairs[size_t(epoch)] = w.pairs;
        state.epochsDone.store(epoch + 1, std::memory_order_release);
    }
}

SgnsResult Trainer::run()
{
    QElapsedTimer clock;
    clock.start();
    const SgnsOptions &o = m_o;
    if (o.dim < 1 || o.dim > 100000 || o.window < 1 || o.negative < 0 || o.epochs < 1 || o.minCount < 1 || o.threads < 0
        || !(o.alpha > 0) || !(o.minAlpha >= 0 && o.minAlpha <= o.alpha) || !(o.sample >= 0)
        || !std::isfinite(o.nsExponent))
        throw Error(QStringLiteral("sgns: options out of range (dim %1, window %2, negative %3, epochs %4, "
                                   "min count %5, alpha %6, min alpha %7, sample %8, exponent %9)")
                        .arg(o.dim)
                        .arg(o.window)
                        .arg(o.negative)
                        .arg(o.epochs)
                        .arg(o.minCount)
                        .arg(o.alpha)
                        .arg(o.minAlpha)
                        .arg(o.sample)
                        .arg(o.nsExponent));
    buildVocabulary();

    const qint64 rows = qint64(m_ids.size());
    m_stride = (o.dim + Lanes - 1) / Lanes * Lanes;
    m_blocks = m_stride / Lanes;
    m_in = zeroedFloats(size_t(rows) * size_t(m_stride));
    m_out = zeroedFloats(size_t(rows) * size_t(m_stride));
    {
        Random rng(o.seed);
        for (qint64 r = 0; r < rows; ++r) {
            float *row = m_in.get() + r * m_stride;
            for (int d = 0; d < o.dim; ++d)
                row[d] = float((rng.uniform() - 0.5) / o.dim);
            if ((r & 65535) == 65535)
                m_job.checkCancelled();
        }
    }

    int threads = o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    threads = int(std::clamp<qint64>(threads, 1, std::max<qint64>(1, m_corpus.sequences())));
    partition(threads);
    std::vector<WorkerState> states(static_cast<size_t>(threads));
    for (WorkerState &s : states) {
        s.loss.assign(size_t(o.epochs), 0.0);
        s.pairs.assign(size_t(o.epochs), 0);
    }
    m_states = &states;
    const qint64 total = m_tokensPerEpoch * o.epochs;
    m_job.checkCancelled();

    QElapsedTimer trainClock;
    trainClock.start();
    // Whatever leaves this scope early (a thread that fails to start, a throwing progress
    // callback) stops and joins the workers first.
    std::vector<std::thread> workers;
    struct Joiner {
        std::vector<std::thread> &workers;
        std::atomic_bool &abort;
        ~Joiner()
        {
            for (std::thread &w : workers) {
                if (w.joinable()) {
                    abort = true;
                    w.join();
                }
            }
        }
    } joiner {workers, m_abort};
    m_running = threads;
    for (int t = 0; t < threads; ++t) {
        try {
            workers.emplace_back(&Trainer::work, this, t);
        } catch (...) {
            std::lock_guard lock(m_mutex);
            m_running -= threads - t;
            throw;
        }
    }

    // Watch from the calling thread: progress through `job`, and a cancel passed on to the workers.
    const auto epochLoss = [&](int e) {
        double loss = 0;
        qint64 pairs = 0;
        for (const WorkerState &s : states) {
            loss += s.loss[size_t(e)];
            pairs += s.pairs[size_t(e)];
        }
        return pairs ? loss / double(pairs) : 0.0;
    };
    {
        std::unique_lock lock(m_mutex);
        while (m_running > 0) {
            m_finished.wait_for(lock, std::chrono::milliseconds(40));
            if (m_job.cancelled())
                m_abort = true;
            qint64 done = 0;
            int epochsDone = o.epochs;
            for (const WorkerState &s : states) {
                done += s.read.load(std::memory_order_relaxed);
                epochsDone = std::min(epochsDone, s.epochsDone.load(std::memory_order_acquire));
            }
            const double seconds = double(trainClock.nsecsElapsed()) * 1e-9;
            const double rate = seconds > 0 ? double(done) / seconds : 0.0;
            QString message = QStringLiteral("epoch %1/%2").arg(std::min(epochsDone + 1, o.epochs)).arg(o.epochs);
            if (epochsDone > 0)
                message += QStringLiteral(", loss %1").arg(epochLoss(epochsDone - 1), 0, 'f', 3);
            message += QStringLiteral(", %1 tokens/s").arg(compactCount(rate));
            if (rate > 0 && done > 0)
                message += QStringLiteral(", ETA %1 s").arg(double(total - done) / rate, 0, 'f', 0);
            lock.unlock();
            m_job.progress(done, total, message);
            lock.lock();
        }
    }
    for (std::thread &w : workers)
        w.join();
    const double trainSeconds = double(trainClock.nsecsElapsed()) * 1e-9;
    if (m_failure)
        std::rethrow_exception(m_failure);
    m_job.checkCancelled();
    if (m_abort)
        throw Cancelled();

    SgnsResult result;
    result.dim = o.dim;
    result.ids = m_ids;
    result.vectors.resize(size_t(rows) * size_t(o.dim));
    for (qint64 r = 0; r < rows; ++r)
        std::memcpy(result.vectors.data() + r * o.dim, m_in.get() + r * m_stride, sizeof(float) * size_t(o.dim));
    SgnsStats &st = result.stats;
    for (const WorkerState &s : states)
        st.tokens += s.read.load(std::memory_order_relaxed);
    for (int e = 0; e < o.epochs; ++e)
        st.epochLoss.push_back(epochLoss(e));
    st.vocabulary = rows;
    st.skippedRare = m_skippedRare;
    st.sample = m_sample;
    st.seconds = double(clock.nsecsElapsed()) * 1e-9;
    st.tokensPerSecond = trainSeconds > 0 ? double(st.tokens) / trainSeconds : 0.0;
    m_job.progress(total, total,
                   QStringLiteral("trained %1 vectors, loss %2").arg(rows).arg(st.epochLoss.back(), 0, 'f', 3));
    return result;
}

} // namespace

SgnsResult trainSgns(const Corpus &corpus, const SgnsOptions &options, JobContext &job)
{
    Trainer trainer(corpus, options, job);
    return trainer.run();
}

} // namespace orrery
