#include "pipeline/cluster.h"

#include "base/embeddingset.h"
#include "base/layout.h"
#include "projection/clusterhierarchy.h"
#include "projection/ctfidf.h"
#include "projection/densityclusters.h"
#include "projection/kmeans.h"
#include "store/clusterings.h"
#include "store/embeddingsets.h"
#include "store/itemterms.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace orrery {

QString clusteringName(const ClusterRequest &request)
{
    if (!request.name.isEmpty())
        return request.name;
    return request.method == u"density" ? request.layoutName + QStringLiteral("/density")
                                        : request.setName + QStringLiteral("/kmeans");
}

Clustering clusterSet(Project &project, const ClusterRequest &request, JobContext &job)
{
    if (request.method != u"kmeans" && request.method != u"density")
        throw Error(QStringLiteral("unknown clustering method \"%1\" (kmeans, density)").arg(request.method));
    const bool density = request.method == u"density";
    if (density && request.layoutName.isEmpty())
        throw Error(QStringLiteral("density clustering needs a layout (--projection)"));
    if (!density && request.setName.isEmpty())
        throw Error(QStringLiteral("k-means needs an embedding set (--set)"));
    if (request.k < 0 || request.minSize < 0)
        throw Error(QStringLiteral("k and the minimum cluster size cannot be negative"));
    QElapsedTimer clock;
    clock.start();
    Clustering out;
    out.name = clusteringName(request);
    out.method = request.method;
    out.params = {{QStringLiteral("seed"), qint64(request.seed)}};
    std::vector<double> centroids;
    int dim = 0;
    if (density) {
        const Layout layout = loadLayout(project, request.layoutName);
        out.layoutName = layout.name;
        out.layoutId = layout.id;
        out.setName = layout.setName;
        out.setId = layout.setId;
        DensityOptions options;
        options.minSize = request.minSize;
        const DensityResult r = densityClusters(layout.xy.data(), layout.count(), options, job);
        out.assignment = r.assignment;
        centroids = clusterCentroids2d(layout.xy.data(), layout.count(), r.assignment, r.clusters);
        dim = 2;
        out.params.insert(QStringLiteral("min_size"), request.minSize);
        out.stats.insert(QStringLiteral("noise"), r.noise);
        out.stats.insert(QStringLiteral("grid"), r.grid);
        out.stats.insert(QStringLiteral("threshold"), r.threshold);
        out.clusters = clusterHierarchy(centroids, r.sizes, dim);
    } else {
        EmbeddingSet set = loadEmbeddingSet(project, request.setName);
        out.setName = set.name;
        out.setId = set.id;
        if (request.normalize)
            set.normalizeRows();
        dim = set.dim;
        int k = request.k;
        if (k == 0) {
            std::vector<KScore> scores;
            k = chooseK(set.vectors.data(), set.count(), set.dim, request.kMin, request.kMax, request.silhouetteSample,
                        request.seed, job, &scores);
            QJsonArray tried;
            for (const KScore &s : scores)
                tried.append(QJsonArray {s.k, s.silhouette});
            out.stats.insert(QStringLiteral("silhouette"), tried);
        }
        KMeansOptions options;
        options.k = k;
        options.iterations = request.iterations;
        options.seed = request.seed;
        options.threads = request.threads;
        const KMeansResult r = kmeans(set.vectors.data(), set.count(), set.dim, options, job);
        out.assignment = r.assignment;
        out.params.insert(QStringLiteral("k"), r.k);
        out.params.insert(QStringLiteral("k_chosen"), request.k == 0);
        out.params.insert(QStringLiteral("normalize"), request.normalize);
        out.params.insert(QStringLiteral("iterations"), request.iterations);
        out.stats.insert(QStringLiteral("inertia"), r.inertia);
        out.stats.insert(QStringLiteral("iterations_run"), r.iterations);
        centroids.assign(r.centroids.begin(), r.centroids.end());
        out.clusters = clusterHierarchy(centroids, r.sizes, dim);
    }
    job.checkCancelled();
    const std::vector<qint64> ids = embeddingSetIds(project, out.setId);
    const ItemTerms terms = itemTerms(project, ids, job);
    labelClusters(out.clusters, out.assignment, terms, job, request.topTerms);
    int levels = 0;
    for (const Cluster &c : out.clusters)
        levels = std::max(levels, c.level + 1);
    out.stats.insert(QStringLiteral("levels"), levels);
    out.stats.insert(QStringLiteral("seconds"), double(clock.nsecsElapsed()) / 1e9);
    job.checkCancelled();
    saveClustering(project, out, request.replace);
    return out;
}

} // namespace orrery
