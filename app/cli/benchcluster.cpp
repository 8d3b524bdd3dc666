#include "common.h"

#include "base/random.h"
#include "base/workerpool.h"
#include "projection/clusterhierarchy.h"
#include "projection/ctfidf.h"
#include "projection/densityclusters.h"
#include "projection/kmeans.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <thread>

#ifdef ORRERY_HAVE_FAISS
#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#endif

namespace orrery::cli {

namespace {

/// Share of rows whose cluster's most common true component is their own.
double purity(const std::vector<qint32> &assignment, const std::vector<qint32> &truth, int k, int components)
{
    std::vector<qint64> table(size_t(k) * size_t(components), 0);
    for (size_t i = 0; i < assignment.size(); ++i)
        if (assignment[i] >= 0)
            ++table[size_t(assignment[i]) * size_t(components) + size_t(truth[i])];
    qint64 hit = 0;
    for (int c = 0; c < k; ++c)
        hit += *std::max_element(table.begin() + qint64(c) * components, table.begin() + qint64(c + 1) * components);
    return double(hit) / double(assignment.size());
}

double seconds(const QElapsedTimer &clock)
{
    return double(clock.nsecsElapsed()) / 1e9;
}

} // namespace

int benchCluster(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("cluster"), QStringLiteral("The benchmark."));
    parser.addOption({QStringLiteral("points"), QStringLiteral("Rows (default 1000000)."), QStringLiteral("N"),
                      QStringLiteral("1000000")});
    parser.addOption(
        {QStringLiteral("dim"), QStringLiteral("Dimensions (default 64)."), QStringLiteral("D"), QStringLiteral("64")});
    parser.addOption(
        {QStringLiteral("k"), QStringLiteral("Clusters (default 100)."), QStringLiteral("K"), QStringLiteral("100")});
    parser.addOption({QStringLiteral("iterations"), QStringLiteral("Lloyd iterations (default 20)."),
                      QStringLiteral("N"), QStringLiteral("20")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads (default: one per core)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (the default; kept for symmetry).")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Times k-means of a seeded Gaussian mixture (and faiss's k-means "
                                                "beside it when built with faiss), density clusters of as many 2D "
                                                "points and c-TF-IDF labels of as many rows; prints JSON."));
        rc >= 0)
        return rc;
    const qint64 n = parser.value(QStringLiteral("points")).toLongLong();
    const int dim = parser.value(QStringLiteral("dim")).toInt();
    const int k = parser.value(QStringLiteral("k")).toInt();
    const int iterations = parser.value(QStringLiteral("iterations")).toInt();
    const int threads = parser.value(QStringLiteral("threads")).toInt();
    if (n < 10 || dim < 1 || k < 2 || k > n || iterations < 1) {
        err(QStringLiteral("orrery-cli bench cluster: --points ≥ 10, --dim ≥ 1, 2 ≤ --k ≤ points, --iterations ≥ 1\n"));
        return Usage;
    }
    return reportErrors([&]() -> int {
        // A Gaussian mixture: k components, centres N(0, 2²) per dimension, unit noise.
        QElapsedTimer clock;
        clock.start();
        Random rng(7);
        std::vector<float> centres(size_t(k) * size_t(dim));
        for (float &c : centres)
            c = float(2 * rng.normal());
        std::vector<qint32> truth(static_cast<size_t>(n));
        std::vector<float> x(size_t(n) * size_t(dim));
        for (qint64 i = 0; i < n; ++i) {
            const qint32 c = qint32(rng.below(quint64(k)));
            truth[size_t(i)] = c;
            for (int d = 0; d < dim; ++d)
                x[size_t(i) * size_t(dim) + size_t(d)] = centres[size_t(c) * size_t(dim) + size_t(d)]
                    + float(rng.normal());
        }
        const double generate = seconds(clock);
        QJsonObject report {{QStringLiteral("bench"), QStringLiteral("cluster")},
                            {QStringLiteral("points"), n},
                            {QStringLiteral("dim"), dim},
                            {QStringLiteral("k"), k},
                            {QStringLiteral("iterations"), iterations},
                            {QStringLiteral("threads"), resolveThreads(threads)},
                            {QStringLiteral("seconds_generate"), generate}};

        JobContext job;
        KMeansOptions options;
        options.k = k;
        options.iterations = iterations;
        options.threads = threads;
        clock.restart();
        const KMeansResult r = kmeans(x.data(), n, dim, options, job);
        report.insert(QStringLiteral("kmeans"),
                      QJsonObject {{QStringLiteral("seconds"), seconds(clock)},
                                   {QStringLiteral("iterations_run"), r.iterations},
                                   {QStringLiteral("inertia_per_row"), r.inertia / double(n)},
                                   {QStringLiteral("purity"), purity(r.assignment, truth, r.k, k)}});
#ifdef ORRERY_HAVE_FAISS
        {
            faiss::ClusteringParameters cp;
            cp.niter = iterations;
            cp.seed = 1;
            cp.max_points_per_centroid = int(n / k + 1); // every row, as ours: no subsampling
            faiss::Clustering fk(dim, k, cp);
            faiss::IndexFlatL2 index(dim);
            clock.restart();
            fk.train(n, x.data(), index);
            const double train = seconds(clock);
            std::vector<float> distances(static_cast<size_t>(n));
            std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(n));
            index.search(n, x.data(), 1, distances.data(), labels.data());
            std::vector<qint32> assignment(static_cast<size_t>(n));
            double inertia = 0;
            for (qint64 i = 0; i < n; ++i)
                assignment[size_t(i)] = qint32(labels[size_t(i)]), inertia += distances[size_t(i)];
            report.insert(QStringLiteral("faiss_kmeans"),
                          QJsonObject {{QStringLiteral("seconds"), train},
                                       {QStringLiteral("inertia_per_row"), inertia / double(n)},
                                       {QStringLiteral("purity"), purity(assignment, truth, k, k)}});
        }
#else
        report.insert(QStringLiteral("faiss_kmeans"), QStringLiteral("not built (libfaiss-dev absent)"));
#endif

        // Density: n 2D points from 30 blobs of varied spread, plus 5% uniform noise.
        const int blobs = 30;
        std::vector<double> blobCentre(blobs * 2), spread(blobs);
        for (int b = 0; b < blobs; ++b)
            blobCentre[size_t(2 * b)] = rng.uniform() * 100, blobCentre[size_t(2 * b + 1)] = rng.uniform() * 100,
                                  spread[size_t(b)] = 0.5 + rng.uniform();
        std::vector<double> xy(size_t(n) * 2);
        for (qint64 i = 0; i < n; ++i) {
            if (rng.uniform() < 0.05) {
                xy[size_t(2 * i)] = rng.uniform() * 100, xy[size_t(2 * i + 1)] = rng.uniform() * 100;
                continue;
            }
            const int b = int(rng.below(blobs));
            xy[size_t(2 * i)] = blobCentre[size_t(2 * b)] + spread[size_t(b)] * rng.normal();
            xy[size_t(2 * i + 1)] = blobCentre[size_t(2 * b + 1)] + spread[size_t(b)] * rng.normal();
        }
        clock.restart();
        const DensityResult density = densityClusters(xy.data(), n, {}, job);
        report.insert(QStringLiteral("density"),
                      QJsonObject {{QStringLiteral("seconds"), seconds(clock)},
                                   {QStringLiteral("clusters"), density.clusters},
                                   {QStringLiteral("blobs"), blobs},
                                   {QStringLiteral("noise"), density.noise},
                                   {QStringLiteral("grid"), density.grid}});

        // Labels: every row carries 10 terms, 6 drawn from its component's own 20 and 4 from a
        // shared vocabulary of 50 000, over the k-means clusters and their hierarchy.
        ItemTerms terms;
        const int shared = 50000, own = 20;
        for (int t = 0; t < shared; ++t)
            terms.vocabulary.push_back(QStringLiteral("w%1").arg(t));
        for (int c = 0; c < k; ++c)
            for (int t = 0; t < own; ++t)
                terms.vocabulary.push_back(QStringLiteral("c%1t%2").arg(c).arg(t));
        terms.offsets.reserve(size_t(n) + 1);
        terms.terms.reserve(size_t(n) * 10);
        for (qint64 i = 0; i < n; ++i) {
            for (int j = 0; j < 6; ++j)
                terms.terms.push_back(qint32(shared + truth[size_t(i)] * own + int(rng.below(own))));
            for (int j = 0; j < 4; ++j)
                terms.terms.push_back(qint32(rng.below(shared)));
            terms.offsets.push_back(qint64(terms.terms.size()));
        }
        clock.restart();
        QList<Cluster> clusters = clusterHierarchy(std::vector<double>(r.centroids.begin(), r.centroids.end()), r.sizes,
                                                   dim);
        const double hierarchy = seconds(clock);
        clock.restart();
        labelClusters(clusters, r.assignment, terms, job);
        int levels = 0;
        for (const Cluster &c : clusters)
            levels = std::max(levels, c.level + 1);
        report.insert(QStringLiteral("labels"),
                      QJsonObject {{QStringLiteral("seconds"), seconds(clock)},
                                   {QStringLiteral("seconds_hierarchy"), hierarchy},
                                   {QStringLiteral("terms"), qint64(terms.terms.size())},
                                   {QStringLiteral("clusters"), qint64(clusters.size())},
                                   {QStringLiteral("levels"), levels}});
        out(QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact)) + u'\n');
        return Ok;
    });
}

} // namespace orrery::cli
