#include "computelayout.h"

#include "base/workerpool.h"
#include "index/knngraph.h"
#include "index/vectorindex.h"
#include "projection/pca.h"
#include "projection/trustworthiness.h"
#include "projection/tsne.h"
#include "projection/umap.h"

#include <QElapsedTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <ctime>

namespace orrery {

namespace {

constexpr double ExactPlacementBudget = 4e9;

double seconds(const QElapsedTimer &clock)
{
    return double(clock.nsecsElapsed()) / 1e9;
}

RowMatrixXf unitRows(const EmbeddingSet &set)
{
    RowMatrixXf m = set.matrix();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const float norm = m.row(i).norm();
        if (norm > 0)
            m.row(i) /= norm;
    }
    return m;
}

RowMatrixXf gatherRows(const RowMatrixXf &m, const std::vector<qint64> &rows)
{
    RowMatrixXf out(qint64(rows.size()), m.cols());
    for (size_t r = 0; r < rows.size(); ++r)
        out.row(qint64(r)) = m.row(rows[r]);
    return out;
}

/// k-NN of the sample among itself and of the other rows among the sample, through one HNSW
/// index over the sample (the graph buildKnnGraph builds, queried twice).
void hnswNeighbours(const RowMatrixXf &sample, const RowMatrixXf &rest, int kFit, int kPlace, quint64 seed,
                    WorkerPool &pool, JobContext &job, Neighbours &fit, Neighbours &place)
{
    IndexOptions options;
    options.metric = Metric::Cosine;
    options.M = 16;
    options.efConstruction = 100;
    options.ef = std::max(2 * std::max(kFit, kPlace), 32);
    options.exactThreshold = 0;
    options.recallQueries = 0;
    options.threads = pool.size();
    options.seed = seed;
    const VectorIndex index = VectorIndex::build(sample, options, job);
    fit = index.allRows(kFit, pool.size(), job);

    const qint64 rows = rest.rows();
    place.k = kPlace;
    place.index.assign(size_t(rows * kPlace), 0);
    place.similarity.assign(size_t(rows * kPlace), 0.0f);
    std::atomic<qint64> done {0};
    pool.forChunks(
        rows, 256,
        [&](qint64 begin, qint64 end, qint64) {
            for (qint64 q = begin; q < end; ++q) {
                const std::vector<Neighbour> found = index.ofVector({rest.row(q).data(), size_t(rest.cols())}, kPlace);
                for (int j = 0; j < kPlace; ++j) {
                    // Fewer answers than asked for (a tiny sample) repeat the last one.
                    const Neighbour hit = found.empty() ? Neighbour {0, 0, 0.0f}
                                                        : found[size_t(std::min<qint64>(j, qint64(found.size()) - 1))];
                    place.index[size_t(q * kPlace + j)] = qint32(hit.row);
                    place.similarity[size_t(q * kPlace + j)] = hit.similarity;
                }
            }
            job.progress(done += end - begin, rows, QStringLiteral("placing the other rows"));
        },
        &job);
    job.checkCancelled();
}

/// Writes the fitted rows and places the others at the similarity-weighted mean of their
/// sampled neighbours' positions.
void expand(const std::vector<double> &fitted, const std::vector<qint64> &sampled, const std::vector<qint64> &rest,
            const Neighbours &place, std::vector<double> &full)
{
    for (size_t i = 0; i < sampled.size(); ++i) {
        full[size_t(2 * sampled[i])] = fitted[2 * i];
        full[size_t(2 * sampled[i] + 1)] = fitted[2 * i + 1];
    }
    for (size_t r = 0; r < rest.size(); ++r) {
        double x = 0, y = 0, total = 0, plainX = 0, plainY = 0;
        for (int j = 0; j < place.k; ++j) {
            const qint32 s = place.of(qint64(r))[j];
            const double w = std::max(0.0f, place.similarity[r * size_t(place.k) + size_t(j)]);
            x += w * fitted[size_t(2 * s)], y += w * fitted[size_t(2 * s + 1)], total += w;
            plainX += fitted[size_t(2 * s)], plainY += fitted[size_t(2 * s + 1)];
        }
        if (total > 0)
            x /= total, y /= total;
        else
            x = plainX / std::max(1, place.k), y = plainY / std::max(1, place.k);
        full[size_t(2 * rest[r])] = x;
        full[size_t(2 * rest[r] + 1)] = y;
    }
}

std::vector<double> pcaLayout(const RowMatrixXf &data, quint64 seed, JobContext &job)
{
    const PcaResult pca = principalAxes(data, 2, seed, job);
    return pcaCoordinates(data, pca);
}

} // namespace

QString toString(ProjectionMethod method)
{
    switch (method) {
    case ProjectionMethod::Pca: return QStringLiteral("pca");
    case ProjectionMethod::Tsne: return QStringLiteral("tsne");
    case ProjectionMethod::Umap: return QStringLiteral("umap");
    }
    return {};
}

bool fromString(const QString &name, ProjectionMethod *method)
{
    for (const ProjectionMethod m : {ProjectionMethod::Pca, ProjectionMethod::Tsne, ProjectionMethod::Umap}) {
        if (name.compare(toString(m), Qt::CaseInsensitive) == 0) {
            *method = m;
            return true;
        }
    }
    if (name.compare(u"t-sne", Qt::CaseInsensitive) == 0) {
        *method = ProjectionMethod::Tsne;
        return true;
    }
    return false;
}

Layout computeLayout(const EmbeddingSet &set, const ProjectionOptions &options, JobContext &job,
                     const LayoutCallback &partial)
{
    QElapsedTimer clock;
    clock.start();
    const std::clock_t cpuStart = std::clock();
    const qint64 n = set.count();
    if (set.vectors.size() != size_t(n) * size_t(std::max(0, set.dim)) || (n > 0 && set.dim <= 0))
        throw Error(QStringLiteral("embedding set \"%1\": %2 values do not make %3 rows of %4")
                        .arg(set.name)
                        .arg(set.vectors.size())
                        .arg(n)
                        .arg(set.dim));
    Layout layout;
    layout.method = toString(options.method);
    layout.name = options.name.isEmpty() ? set.name + u'/' + layout.method : options.name;
    layout.setName = set.name;
    layout.setId = set.id;
    WorkerPool pool(options.threads);
    QJsonObject &params = layout.params;
    QJsonObject &stats = layout.stats;
    params.insert(QStringLiteral("method"), layout.method);
    params.insert(QStringLiteral("seed"), QString::number(options.seed));
    params.insert(QStringLiteral("threads"), pool.size());

    const RowMatrixXf unit = unitRows(set);
    layout.xy.assign(size_t(2 * n), 0.0);
    const bool embedding = options.method != ProjectionMethod::Pca && n >= 4;
    const bool sampling = embedding && options.sampleThreshold > 0 && n > options.sampleThreshold
        && options.sampleThreshold >= 4;
    double knnSeconds = 0, fitSeconds = 0, placeSeconds = 0;

    if (!embedding) {
        if (n > 0)
            layout.xy = pcaLayout(unit, options.seed, job);
        fitSeconds = seconds(clock);
    } else {
        std::vector<qint64> sampled, rest;
        RowMatrixXf sampleRows;
        if (sampling) {
            sampled = sampleIndices(n, options.sampleThreshold, options.seed);
            rest.reserve(size_t(n) - sampled.size());
            for (qint64 i = 0, s = 0; i < n; ++i) {
                if (s < qint64(sampled.size()) && sampled[size_t(s)] == i)
                    ++s;
                else
                    rest.push_back(i);
            }
            sampleRows = gatherRows(unit, sampled);
        }
        const RowMatrixXf &fitRows = sampling ? sampleRows : unit;
        const qint64 m = fitRows.rows();
        const bool tsne = options.method == ProjectionMethod::Tsne;
        const double perplexity = std::clamp(options.perplexity, 1.0, std::max(1.0, double(m - 1) / 3.0));
        const int neighbors = int(std::clamp<qint64>(options.neighbors, 2, m));
        const int k = tsne ? tsneNeighbours(perplexity, m) : neighbors - 1;
        const int kPlace = int(std::clamp<qint64>(options.placeNeighbors, 1, m));

        QElapsedTimer phase;
        phase.start();
        Neighbours graph, place;
        if (sampling) {
            const double product = double(rest.size()) * double(m);
            const bool hnsw = options.placementSearch == PlacementSearch::Hnsw
                || (options.placementSearch == PlacementSearch::Auto && product > ExactPlacementBudget);
            params.insert(QStringLiteral("placement_search"), hnsw ? QStringLiteral("hnsw") : QStringLiteral("exact"));
            if (hnsw) {
                hnswNeighbours(sampleRows, gatherRows(unit, rest), k, kPlace, options.seed, pool, job, graph, place);
            } else {
                graph = buildKnnGraph(sampleRows, k, job);
                place = exactKnn(sampleRows, gatherRows(unit, rest), kPlace, job);
            }
        } else {
            graph = buildKnnGraph(unit, k, job);
        }
        knnSeconds = seconds(phase);
        phase.restart();

        std::vector<double> full(static_cast<size_t>(2 * n));
        LayoutCallback fitCallback;
        if (partial && sampling) {
            fitCallback = [&](const std::vector<double> &fitted, int step) {
                expand(fitted, sampled, rest, place, full);
                partial(full, step);
            };
        } else if (partial) {
            fitCallback = partial;
        }

        std::vector<double> fitted;
        if (tsne) {
            TsneOptions o;
            o.perplexity = perplexity;
            if (options.epochs > 0)
                o.iterations = options.epochs;
            const SparseGraph p = tsneAffinities(graph, perplexity, pool, job);
            graph = {};
            std::vector<double> init = pcaLayout(fitRows, options.seed, job);
            double mean = 0, var = 0;
            for (qint64 i = 0; i < m; ++i)
                mean += init[size_t(2 * i)];
            mean /= double(m);
            for (qint64 i = 0; i < m; ++i)
                var += (init[size_t(2 * i)] - mean) * (init[size_t(2 * i)] - mean);
            const double sd = std::sqrt(var / double(m));
            for (double &v : init)
                v *= sd > 0 ? 1e-4 / sd : 0.0;
            fitted = tsneOptimize(p, std::move(init), o, pool, job, fitCallback);
            params.insert(QStringLiteral("perplexity"), perplexity);
            params.insert(QStringLiteral("iterations"), o.iterations);
            params.insert(QStringLiteral("theta"), o.theta);
        } else {
            UmapOptions o;
            o.neighbors = neighbors;
            o.minDist = options.minDist;
            o.epochs = umapEpochs(options.epochs, m);
            o.seed = options.seed;
            const SparseGraph fuzzy = fuzzySimplicialSet(graph, neighbors, pool, job);
            graph = {};
            std::vector<double> init = spectralLayout(fuzzy, options.seed, pool, job);
            stats.insert(QStringLiteral("init"), init.empty() ? QStringLiteral("pca") : QStringLiteral("spectral"));
            if (init.empty()) {
                init = pcaLayout(fitRows, options.seed, job);
                for (int c = 0; c < 2; ++c) {
                    double lo = init[size_t(c)], hi = lo;
                    for (qint64 i = 0; i < m; ++i)
                        lo = std::min(lo, init[size_t(2 * i + c)]), hi = std::max(hi, init[size_t(2 * i + c)]);
                    for (qint64 i = 0; i < m; ++i)
                        init[size_t(2 * i + c)] = hi > lo ? 10.0 * (init[size_t(2 * i + c)] - lo) / (hi - lo) : 0.0;
                }
            }
            fitted = umapOptimize(fuzzy, std::move(init), o, pool, job, fitCallback);
            params.insert(QStringLiteral("neighbors"), neighbors);
            params.insert(QStringLiteral("min_dist"), o.minDist);
            params.insert(QStringLiteral("epochs"), o.epochs);
        }
        fitSeconds = seconds(phase);
        phase.restart();
        if (sampling) {
            expand(fitted, sampled, rest, place, full);
            layout.xy = std::move(full);
            params.insert(QStringLiteral("sample_threshold"), options.sampleThreshold);
            params.insert(QStringLiteral("place_neighbors"), kPlace);
        } else {
            layout.xy = std::move(fitted);
        }
        placeSeconds = seconds(phase);
        stats.insert(QStringLiteral("sampled"), m);
        stats.insert(QStringLiteral("placed"), qint64(rest.size()));
    }
    stats.insert(QStringLiteral("count"), n);
    stats.insert(QStringLiteral("seconds"), seconds(clock));
    // Process CPU time, all threads: a fair measure when other work shares the cores.
    stats.insert(QStringLiteral("cpu_seconds"), double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
    if (embedding) {
        stats.insert(QStringLiteral("seconds_neighbours"), knnSeconds);
        stats.insert(QStringLiteral("seconds_fit"), fitSeconds);
        stats.insert(QStringLiteral("seconds_place"), placeSeconds);
    } else {
        stats.insert(QStringLiteral("sampled"), n);
        stats.insert(QStringLiteral("placed"), 0);
    }
    if (options.trustSample > 0 && n >= 4) {
        QElapsedTimer phase;
        phase.start();
        const qint64 points = std::min(options.trustSample, n);
        stats.insert(QStringLiteral("trustworthiness15"),
                     trustworthiness(unit, layout.xy, 15, points, options.seed, pool, job));
        stats.insert(QStringLiteral("trust_sample"), points);
        stats.insert(QStringLiteral("seconds_trust"), seconds(phase));
    }
    job.progress(1, 1, QStringLiteral("done"));
    return layout;
}

} // namespace orrery
