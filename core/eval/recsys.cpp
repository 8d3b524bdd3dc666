#include "recsys.h"

#include "base/random.h"
#include "index/vectorindex.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>
#include <unordered_set>

namespace orrery {

namespace {

std::unordered_set<qint64> asSet(std::span<const qint64> ids)
{
    return {ids.begin(), ids.end()};
}

/// The challenge's discount: 1 at rank 1, 1 / log₂ i from rank 2 on.
double discount(size_t rank)
{
    return rank <= 1 ? 1.0 : 1.0 / std::log2(double(rank));
}

/// Runs body(i) for i in [0, count) on `threads` threads (strided, so each thread's share is fixed),
/// rethrowing the first exception after all have joined.
template<typename Body> void parallelFor(qint64 count, int threads, JobContext &job, const Body &body)
{
    threads = int(std::clamp<qint64>(threads, 1, std::max<qint64>(1, count)));
    std::exception_ptr error;
    std::mutex mutex;
    std::atomic<qint64> done {0};
    std::atomic_bool stop {false};
    const auto work = [&](int t) {
        try {
            for (qint64 i = t; i < count && !stop.load(); i += threads) {
                body(i);
                done.fetch_add(1);
                if (job.cancelled())
                    stop.store(true);
            }
        } catch (...) {
            const std::lock_guard lock(mutex);
            if (!error)
                error = std::current_exception();
            stop.store(true);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work, t);
    work(0);
    for (std::thread &t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
    job.checkCancelled();
}

QJsonObject methodJson(const MethodReport &m)
{
    return {{QStringLiteral("method"), toString(m.method)}, {QStringLiteral("playlists"), m.playlists},
            {QStringLiteral("r_precision"), m.rPrecision},  {QStringLiteral("ndcg"), m.ndcg},
            {QStringLiteral("clicks"), m.clicks},           {QStringLiteral("recall_at_10"), m.recall10},
            {QStringLiteral("recall_at_50"), m.recall50},   {QStringLiteral("recall_at_500"), m.recall500},
            {QStringLiteral("coverage"), m.coverage},       {QStringLiteral("diversity"), m.diversity},
            {QStringLiteral("ms_per_query"), m.msPerQuery}};
}

} // namespace

double rPrecision(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults)
{
    const std::unordered_set<qint64> g = asSet(relevant);
    if (g.empty())
        return 0;
    const size_t cut = std::min({g.size(), size_t(std::max(0, maxResults)), ranked.size()});
    std::unordered_set<qint64> hits;
    for (size_t i = 0; i < cut; ++i)
        if (g.count(ranked[i]))
            hits.insert(ranked[i]);
    return double(hits.size()) / double(g.size());
}

double ndcg(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults)
{
    const std::unordered_set<qint64> g = asSet(relevant);
    if (g.empty())
        return 0;
    const size_t cut = std::min(size_t(std::max(0, maxResults)), ranked.size());
    std::unordered_set<qint64> seen;
    double dcg = 0;
    size_t rank = 0;
    for (size_t i = 0; i < cut; ++i) {
        if (!seen.insert(ranked[i]).second)
            continue; // a repeat is dropped and the later results move up, as in the reference code
        ++rank;
        if (g.count(ranked[i]))
            dcg += discount(rank);
    }
    double idcg = 0;
    const size_t ideal = std::min(g.size(), size_t(std::max(0, maxResults)));
    for (size_t i = 1; i <= ideal; ++i)
        idcg += discount(i);
    return idcg > 0 ? dcg / idcg : 0;
}

int clicks(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults)
{
    const std::unordered_set<qint64> g = asSet(relevant);
    const size_t cut = std::min(size_t(std::max(0, maxResults)), ranked.size());
    for (size_t i = 0; i < cut; ++i)
        if (g.count(ranked[i]))
            return int(i / 10);
    return std::max(0, maxResults) / 10 + 1;
}

double recallAt(std::span<const qint64> relevant, std::span<const qint64> ranked, int k)
{
    const std::unordered_set<qint64> g = asSet(relevant);
    if (g.empty())
        return 0;
    std::unordered_set<qint64> hits;
    const size_t cut = std::min(size_t(std::max(0, k)), ranked.size());
    for (size_t i = 0; i < cut; ++i)
        if (g.count(ranked[i]))
            hits.insert(ranked[i]);
    return double(hits.size()) / double(g.size());
}

double intraListDiversity(const RowMatrixXf &rows)
{
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(rows.cols());
    qint64 m = 0;
    for (Eigen::Index r = 0; r < rows.rows(); ++r) {
        const double norm = double(rows.row(r).norm());
        if (!(norm > 0))
            continue;
        sum += rows.row(r).transpose().cast<double>() / norm;
        ++m;
    }
    if (m < 2)
        return 0;
    // Σ_{i≠j} cos(i, j) = |Σ u_i|² − m for unit rows u.
    const double pairs = double(m) * double(m - 1);
    return 1.0 - (sum.squaredNorm() - double(m)) / pairs;
}

PlaylistScores scorePlaylist(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults)
{
    PlaylistScores s;
    s.rPrecision = rPrecision(relevant, ranked, maxResults);
    s.ndcg = ndcg(relevant, ranked, maxResults);
    s.clicks = clicks(relevant, ranked, maxResults);
    s.recall10 = recallAt(relevant, ranked, std::min(10, maxResults));
    s.recall50 = recallAt(relevant, ranked, std::min(50, maxResults));
    s.recall500 = recallAt(relevant, ranked, std::min(500, maxResults));
    return s;
}

HoldoutSplit splitHoldout(const Corpus &corpus, qint64 holdout, qint64 validation, qint64 minLength, quint64 seed)
{
    if (holdout < 1 || validation < 0)
        throw Error(QStringLiteral("hold-out: expected at least one test playlist and no negative validation count"));
    std::vector<qint64> eligible;
    for (qint64 s = 0; s < corpus.sequences(); ++s)
        if (corpus.length(s) > minLength)
            eligible.push_back(s);
    if (qint64(eligible.size()) < holdout + validation + 1)
        throw Error(QStringLiteral("hold-out: %1 test and %2 validation playlists were asked for, but only %3 "
                                   "playlists have more than %4 tracks (and some must stay for training)")
                        .arg(holdout)
                        .arg(validation)
                        .arg(eligible.size())
                        .arg(minLength));
    Random rng(seed);
    for (size_t i = eligible.size(); i > 1; --i)
        std::swap(eligible[i - 1], eligible[size_t(rng.below(i))]);
    HoldoutSplit split;
    split.test.assign(eligible.begin(), eligible.begin() + holdout);
    split.validation.assign(eligible.begin() + holdout, eligible.begin() + holdout + validation);
    std::vector<char> held(size_t(corpus.sequences()), 0);
    for (const qint64 s : split.test)
        held[size_t(s)] = 1;
    for (const qint64 s : split.validation)
        held[size_t(s)] = 1;
    for (qint64 s = 0; s < corpus.sequences(); ++s)
        if (!held[size_t(s)])
            split.train.push_back(s);
    std::sort(split.test.begin(), split.test.end());
    std::sort(split.validation.begin(), split.validation.end());
    return split;
}

Corpus subsetCorpus(const Corpus &corpus, std::span<const qint64> sequences)
{
    Corpus out;
    out.vocab = corpus.vocab;
    out.counts.assign(corpus.vocab.size(), 0);
    out.offsets.push_back(0);
    for (const qint64 s : sequences) {
        out.sequenceIds.push_back(corpus.sequenceIds[size_t(s)]);
        for (const qint32 *t = corpus.begin(s); t != corpus.end(s); ++t) {
            out.tokens.push_back(*t);
            ++out.counts[size_t(*t)];
        }
        out.offsets.push_back(qint64(out.tokens.size()));
    }
    return out;
}

std::vector<ContinuationCase> continuationCases(const Corpus &corpus, std::span<const qint64> sequences, int k,
                                                bool random, quint64 seed)
{
    std::vector<ContinuationCase> out;
    std::vector<qint64> positions;
    for (const qint64 s : sequences) {
        const qint64 len = corpus.length(s);
        const qint32 *b = corpus.begin(s);
        positions.resize(size_t(len));
        for (qint64 i = 0; i < len; ++i)
            positions[size_t(i)] = i;
        const qint64 seeds = std::min<qint64>(std::max(0, k), len);
        if (random) {
            Random rng(seed ^ (quint64(s) * 0x9E3779B97F4A7C15ull));
            for (qint64 i = 0; i < seeds; ++i)
                std::swap(positions[size_t(i)], positions[size_t(i + qint64(rng.below(quint64(len - i))))]);
            std::sort(positions.begin(), positions.begin() + seeds);
        }
        ContinuationCase c;
        std::unordered_set<qint64> seedSet;
        for (qint64 i = 0; i < seeds; ++i) {
            const qint64 id = corpus.vocab[size_t(b[positions[size_t(i)]])];
            c.seeds.push_back(id);
            seedSet.insert(id);
        }
        std::unordered_set<qint64> hidden;
        for (qint64 i = seeds; i < len; ++i) {
            const qint64 id = corpus.vocab[size_t(b[positions[size_t(i)]])];
            if (!seedSet.count(id) && hidden.insert(id).second)
                c.relevant.push_back(id);
        }
        if (!c.relevant.empty())
            out.push_back(std::move(c));
    }
    return out;
}

BlendWeights tuneBlend(const Recommender &recommender, const std::vector<ContinuationCase> &cases, int results,
                       int threads, JobContext &job)
{
    // Each case's candidates are scored once; a weight vector then only re-ranks them.
    struct Prepared {
        std::array<std::vector<float>, BlendWeights::size> components;
        std::vector<char> relevant; ///< per candidate
        std::vector<char> excluded; ///< seeds
        qint64 relevantCount = 0;
    };
    using Weights = std::array<double, BlendWeights::size>;
    std::vector<Prepared> prepared(cases.size());
    parallelFor(qint64(cases.size()), threads, job, [&](qint64 i) {
        const ContinuationCase &c = cases[size_t(i)];
        RecommendRequest request;
        request.seeds = c.seeds;
        request.n = results;
        CandidateScores scores = recommender.candidateScores(request);
        Prepared &p = prepared[size_t(i)];
        const std::unordered_set<qint64> relevant(c.relevant.begin(), c.relevant.end());
        const std::unordered_set<qint64> seeds(c.seeds.begin(), c.seeds.end());
        p.relevantCount = qint64(relevant.size());
        const std::vector<qint64> &ids = scores.items;
        p.relevant.resize(ids.size());
        p.excluded.resize(ids.size());
        for (size_t j = 0; j < ids.size(); ++j) {
            p.relevant[j] = relevant.count(ids[j]) ? 1 : 0;
            p.excluded[j] = seeds.count(ids[j]) ? 1 : 0;
        }
        for (size_t k = 0; k < BlendWeights::size; ++k)
            p.components[k] = std::move(scores.components[k]);
    });

    const auto means = [&](const Weights &w) {
        std::vector<std::pair<double, double>> partial(size_t(std::max(1, threads)), {0.0, 0.0});
        JobContext quiet;
        parallelFor(qint64(prepared.size()), threads, quiet, [&](qint64 i) {
            const Prepared &p = prepared[size_t(i)];
            const size_t n = p.relevant.size();
            std::vector<std::pair<float, qint32>> order;
            order.reserve(n);
            for (size_t j = 0; j < n; ++j) {
                if (p.excluded[j])
                    continue;
                float total = 0;
                for (size_t k = 0; k < BlendWeights::size; ++k)
                    total += float(w[k]) * p.components[k][j];
                order.emplace_back(-total, qint32(j));
            }
            const size_t top = std::min(order.size(), size_t(results));
            std::partial_sort(order.begin(), order.begin() + qint64(top), order.end());
            double dcg = 0, idcg = 0;
            qint64 rHits = 0;
            for (size_t r = 0; r < top; ++r) {
                if (p.relevant[size_t(order[r].second)]) {
                    dcg += discount(r + 1);
                    if (qint64(r) < p.relevantCount)
                        ++rHits;
                }
            }
            for (qint64 r = 1; r <= std::min<qint64>(p.relevantCount, results); ++r)
                idcg += discount(size_t(r));
            auto &sums = partial[size_t(i % std::max(1, threads))];
            sums.first += dcg / idcg;
            sums.second += double(rHits) / double(p.relevantCount);
        });
        std::pair<double, double> sum {0.0, 0.0};
        for (const auto &v : partial) {
            sum.first += v.first;
            sum.second += v.second;
        }
        const double cases = double(std::max<size_t>(1, prepared.size()));
        return std::pair {sum.first / cases, sum.second / cases};
    };
    // Each measure is taken relative to the best single component on it, and the blend is judged
    // by the worse of the two ratios (with a little of their mean to move along plateaus): a blend
    // that trades R-precision for NDCG does not count as better than the best single method.
    std::pair<double, double> reference {1e-9, 1e-9};
    Weights bestSingle {};
    double bestSingleSum = -1;
    std::vector<std::pair<double, double>> singles;
    for (size_t k = 0; k < BlendWeights::size; ++k) {
        Weights w {};
        w[k] = 1;
        const auto m = means(w);
        singles.push_back(m);
        reference.first = std::max(reference.first, m.first);
        reference.second = std::max(reference.second, m.second);
    }
    for (size_t k = 0; k < BlendWeights::size; ++k) {
        const double sum = singles[k].first / reference.first + singles[k].second / reference.second;
        if (sum > bestSingleSum) {
            bestSingleSum = sum;
            bestSingle = {};
            bestSingle[k] = 1;
        }
    }
    const auto objective = [&](const Weights &w) {
        const auto [ndcg, rPrecision] = means(w);
        const double a = ndcg / reference.first, b = rPrecision / reference.second;
        return std::min(a, b) + 0.1 * (a + b) / 2;
    };

    // Coordinate ascent from two starts (the given weights, the best single component):
    // each round tries every grid value for one weight at a time and keeps what helps.
    static constexpr double grid[] = {0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3};
    const Weights starts[] = {recommender.params().blend.array(), bestSingle};
    constexpr int rounds = 4;
    const qint64 steps = qint64(std::size(starts)) * rounds * BlendWeights::size;
    Weights best = starts[0];
    double bestValue = -std::numeric_limits<double>::infinity(); // the first start's value is taken below
    qint64 step = 0;
    for (const Weights &start : starts) {
        Weights current = start;
        double currentValue = objective(current);
        for (int round = 0; round < rounds; ++round) {
            bool improved = false;
            for (size_t k = 0; k < BlendWeights::size; ++k) {
                for (const double v : grid) {
                    Weights w = current;
                    w[k] = v;
                    if (w == current || std::accumulate(w.begin(), w.end(), 0.0) <= 0)
                        continue;
                    const double value = objective(w);
                    if (value > currentValue + 1e-9) {
                        currentValue = value;
                        current = w;
                        improved = true;
                    }
                }
                job.progress(++step, steps, QStringLiteral("tuning the blend"));
            }
            if (!improved)
                break;
        }
        if (currentValue > bestValue + 1e-9) {
            bestValue = currentValue;
            best = current;
        }
    }
    job.progress(steps, steps, QStringLiteral("tuning the blend"));
    return BlendWeights::fromArray(best);
}

QJsonObject EvaluationReport::toJson() const
{
    QJsonArray list;
    for (const MethodReport &m : methods)
        list.append(methodJson(m));
    return {{QStringLiteral("train_playlists"), trainPlaylists},
            {QStringLiteral("validation_playlists"), validationPlaylists},
            {QStringLiteral("test_playlists"), testPlaylists},
            {QStringLiteral("catalogue"), catalogue},
            {QStringLiteral("vectors"), vectors},
            {QStringLiteral("train_seconds"), trainSeconds},
            {QStringLiteral("tune_seconds"), tuneSeconds},
            {QStringLiteral("blend"),
             QJsonObject {{QStringLiteral("popularity"), blend.popularity},
                          {QStringLiteral("centroid"), blend.centroid},
                          {QStringLiteral("attention"), blend.attention},
                          {QStringLiteral("cooc"), blend.cooccurrence},
                          {QStringLiteral("pknn"), blend.playlists}}},
            {QStringLiteral("methods"), list}};
}

EvaluationReport evaluateContinuation(const Corpus &corpus, const EmbeddingSet *given, const EvaluationOptions &options,
                                      JobContext &job)
{
    if (options.seedsK < 0 || options.results < 1)
        throw Error(QStringLiteral("evaluate: expected seeds ≥ 0 and at least one result"));
    const bool blend = std::find(options.methods.begin(), options.methods.end(), RecommendMethod::Blend)
        != options.methods.end();
    // The validation playlists are held out whether or not the blend is evaluated, so that one
    // method's row is the same alone as in the full table.
    const HoldoutSplit split = splitHoldout(corpus, options.holdout, options.validation, options.seedsK, options.seed);
    const Corpus training = subsetCorpus(corpus, split.train);

    EvaluationReport report;
    report.trainPlaylists = qint64(split.train.size());
    report.validationPlaylists = qint64(split.validation.size());
    QElapsedTimer clock;
    clock.start();
    EmbeddingSet trained;
    const EmbeddingSet *set = given;
    if (given) {
        report.vectors = QStringLiteral("set \"%1\" as given (if it was trained on all playlists it has seen the "
                                        "held-out ones)")
                             .arg(given->name);
    } else {
        SgnsResult r = trainSgns(training, options.sgns, job);
        trained.name = QStringLiteral("sgns on the training playlists");
        trained.method = QStringLiteral("sgns");
        trained.dim = r.dim;
        trained.ids = std::move(r.ids);
        trained.vectors = std::move(r.vectors);
        set = &trained;
        report.vectors = QStringLiteral("sgns trained on the %1 training playlists (dim %2, %3 epochs, seed %4)")
                             .arg(split.train.size())
                             .arg(options.sgns.dim)
                             .arg(options.sgns.epochs)
                             .arg(options.sgns.seed);
    }
    Recommender recommender(training, set, nullptr, options.params, job);
    report.trainSeconds = double(clock.nsecsElapsed()) / 1e9;
    report.catalogue = recommender.catalogue();

    const std::vector<ContinuationCase> validationCases = continuationCases(corpus, split.validation, options.seedsK,
                                                                            options.randomSeeds, options.seed + 1);
    if (blend && !validationCases.empty() && !options.reportValidation) {
        clock.restart();
        recommender.setBlend(tuneBlend(recommender, validationCases, options.results, options.threads, job));
        report.tuneSeconds = double(clock.nsecsElapsed()) / 1e9;
    }
    report.blend = recommender.params().blend;

    const std::vector<ContinuationCase> cases = options.reportValidation
        ? validationCases
        : continuationCases(corpus, split.test, options.seedsK, options.randomSeeds, options.seed + 2);
    report.testPlaylists = qint64(cases.size());
    if (cases.empty())
        throw Error(QStringLiteral("evaluate: no held-out playlist has a track to find beyond its seeds"));

    for (const RecommendMethod method : options.methods) {
        std::vector<PlaylistScores> scores(cases.size());
        std::vector<std::vector<qint64>> lists(cases.size());
        std::vector<double> diversity(cases.size(), 0.0);
        std::vector<double> nanos(cases.size(), 0.0);
        parallelFor(qint64(cases.size()), options.threads, job, [&](qint64 i) {
            const ContinuationCase &c = cases[size_t(i)];
            RecommendRequest request;
            request.seeds = c.seeds;
            request.n = options.results;
            QElapsedTimer t;
            t.start();
            const std::vector<Recommendation> recs = recommender.recommend(method, request);
            nanos[size_t(i)] = double(t.nsecsElapsed());
            std::vector<qint64> &ids = lists[size_t(i)];
            for (const Recommendation &r : recs)
                ids.push_back(r.itemId);
            scores[size_t(i)] = scorePlaylist(c.relevant, ids, options.results);
            if (recommender.hasVectors()) {
                RowMatrixXf rows(qint64(ids.size()), recommender.dim());
                Eigen::Index filled = 0;
                for (const qint64 id : ids) {
                    const std::span<const float> v = recommender.vectorOf(id);
                    if (!v.empty())
                        rows.row(filled++) = Eigen::Map<const Eigen::RowVectorXf>(v.data(), recommender.dim());
                }
                rows.conservativeResize(filled, Eigen::NoChange);
                diversity[size_t(i)] = intraListDiversity(rows);
            }
            if (i % 64 == 0 && options.threads <= 1)
                job.progress(i, qint64(cases.size()), QStringLiteral("evaluating %1").arg(toString(method)));
        });
        MethodReport m;
        m.method = method;
        m.playlists = qint64(cases.size());
        std::unordered_set<qint64> covered;
        double totalNanos = 0;
        for (size_t i = 0; i < cases.size(); ++i) {
            m.rPrecision += scores[i].rPrecision;
            m.ndcg += scores[i].ndcg;
            m.clicks += scores[i].clicks;
            m.recall10 += scores[i].recall10;
            m.recall50 += scores[i].recall50;
            m.recall500 += scores[i].recall500;
            m.diversity += diversity[i];
            totalNanos += nanos[i];
            covered.insert(lists[i].begin(), lists[i].end());
        }
        const double n = double(cases.size());
        m.rPrecision /= n;
        m.ndcg /= n;
        m.clicks /= n;
        m.recall10 /= n;
        m.recall50 /= n;
        m.recall500 /= n;
        m.diversity /= n;
        m.msPerQuery = totalNanos / n / 1e6;
        m.coverage = report.catalogue ? double(covered.size()) / double(report.catalogue) : 0;
        report.methods.push_back(m);
    }
    return report;
}

} // namespace orrery
