#include "common.h"

#include "pipeline/cluster.h"
#include "store/clusterings.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace orrery::cli {

namespace {

QJsonObject clusterJson(const Cluster &c)
{
    QJsonArray terms;
    for (const auto &[term, score] : c.terms)
        terms.append(QJsonArray {term, score});
    return {{QStringLiteral("id"), c.id},     {QStringLiteral("level"), c.level}, {QStringLiteral("parent"), c.parent},
            {QStringLiteral("size"), c.size}, {QStringLiteral("label"), c.label}, {QStringLiteral("terms"), terms}};
}

int listClusteringsOf(Project &project, bool json)
{
    const QList<ClusteringInfo> all = listClusterings(project);
    if (json) {
        QJsonArray a;
        for (const ClusteringInfo &c : all)
            a.append(QJsonObject {{QStringLiteral("name"), c.name},
                                  {QStringLiteral("set"), c.setName},
                                  {QStringLiteral("layout"), c.layoutName},
                                  {QStringLiteral("method"), c.method},
                                  {QStringLiteral("clusters"), c.clusters},
                                  {QStringLiteral("levels"), c.levels},
                                  {QStringLiteral("created"), c.created}});
        out(QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact)) + u'\n');
        return Ok;
    }
    for (const ClusteringInfo &c : all)
        out(QStringLiteral("%1\t%2\t%3\t%4 clusters\t%5 levels\n")
                .arg(c.name, c.layoutName.isEmpty() ? c.setName : c.layoutName, c.method)
                .arg(c.clusters)
                .arg(c.levels));
    return Ok;
}

} // namespace

int runCluster(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption(
        {QStringLiteral("set"), QStringLiteral("Embedding set to cluster by k-means."), QStringLiteral("SET")});
    parser.addOption({QStringLiteral("projection"), QStringLiteral("Layout to cluster by density (on the map)."),
                      QStringLiteral("LAYOUT")});
    parser.addOption({QStringLiteral("method"), QStringLiteral("kmeans (of a set) or density (of a layout)."),
                      QStringLiteral("METHOD")});
    parser.addOption({QStringLiteral("k"),
                      QStringLiteral("k-means clusters (default: chosen by silhouette from 2 to 20 on a sample)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("min-size"),
                      QStringLiteral("density: points a cluster needs (default max(10, n/500))."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("iterations"), QStringLiteral("k-means Lloyd iterations at most (default 25)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 1)."), QStringLiteral("S")});
    parser.addOption(
        {QStringLiteral("threads"), QStringLiteral("Worker threads (default: one per core)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("Clustering name (default SET/kmeans or LAYOUT/density); one of that name is "
                                     "replaced."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("list"), QStringLiteral("List the project's clusterings instead.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Clusters a set (k-means in its space) or a layout (density on the "
                                                "map), merges the clusters into coarser levels, labels every cluster "
                                                "by c-TF-IDF of its items' terms and stores the clustering."));
        rc >= 0)
        return rc;
    const QString path = parser.positionalArguments().first();
    if (!projectExists(path))
        return InputError;
    const bool json = parser.isSet(QStringLiteral("json"));
    if (parser.isSet(QStringLiteral("list")))
        return withProject(path, [&](Project &file) { return listClusteringsOf(file, json); });
    ClusterRequest request;
    request.method = parser.value(QStringLiteral("method"));
    if (request.method.isEmpty())
        request.method = parser.isSet(QStringLiteral("projection")) ? QStringLiteral("density")
                                                                    : QStringLiteral("kmeans");
    if (request.method != u"kmeans" && request.method != u"density") {
        err(QStringLiteral("orrery-cli cluster: unknown method '%1' (kmeans, density)\n").arg(request.method));
        return Usage;
    }
    request.setName = parser.value(QStringLiteral("set"));
    request.layoutName = parser.value(QStringLiteral("projection"));
    if (request.method == u"kmeans" && request.setName.isEmpty()) {
        err(QStringLiteral("orrery-cli cluster: --method kmeans clusters a set: --set is required\n"));
        return Usage;
    }
    if (request.method == u"density" && request.layoutName.isEmpty()) {
        err(QStringLiteral("orrery-cli cluster: --method density clusters a layout: --projection is required\n"));
        return Usage;
    }
    const QString verb = QStringLiteral("orrery-cli cluster");
    qint64 k = 0, minSize = 0, iterations = request.iterations, seed = 1, threads = 0;
    if (!intOption(parser, verb, QStringLiteral("k"), 1, 100000, &k)
        || !intOption(parser, verb, QStringLiteral("min-size"), 1, std::numeric_limits<qint32>::max(), &minSize)
        || !intOption(parser, verb, QStringLiteral("iterations"), 1, 10000, &iterations)
        || !intOption(parser, verb, QStringLiteral("seed"), 0, std::numeric_limits<qint64>::max(), &seed)
        || !intOption(parser, verb, QStringLiteral("threads"), 1, 256, &threads))
        return Usage;
    request.k = int(k);
    request.minSize = minSize;
    request.iterations = int(iterations);
    request.seed = quint64(seed);
    request.threads = int(threads);
    request.name = parser.value(QStringLiteral("name"));
    return withProject(path, QStringLiteral("orrery-cli cluster"), [&](Project &file) -> int {
        JobContext job(phasedProgress());
        const Clustering c = clusterSet(file, request, job);
        endProgress();
        int finest = 0, levels = 0;
        for (const Cluster &cluster : c.clusters) {
            finest += cluster.level == 0 ? 1 : 0;
            levels = std::max(levels, cluster.level + 1);
        }
        if (json) {
            QJsonArray clusters;
            for (const Cluster &cluster : c.clusters)
                clusters.append(clusterJson(cluster));
            const QJsonObject report {
                {QStringLiteral("clustering"), c.name},   {QStringLiteral("set"), c.setName},
                {QStringLiteral("layout"), c.layoutName}, {QStringLiteral("method"), c.method},
                {QStringLiteral("count"), c.count()},     {QStringLiteral("clusters"), finest},
                {QStringLiteral("levels"), levels},       {QStringLiteral("params"), c.params},
                {QStringLiteral("stats"), c.stats},       {QStringLiteral("cluster_list"), clusters}};
            out(QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact)) + u'\n');
            return Ok;
        }
        out(QStringLiteral("clustering \"%1\": %3 rows of %2 into %4 clusters by %5, %6 levels, in %7 s\n")
                .arg(c.name, c.setName)
                .arg(c.count())
                .arg(finest)
                .arg(c.method)
                .arg(levels)
                .arg(c.stats.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 2));
        for (const Cluster &cluster : c.clusters)
            if (cluster.level == levels - 1)
                out(QStringLiteral("  %1\t%2\t%3\n").arg(cluster.id).arg(cluster.size).arg(cluster.label));
        return Ok;
    });
}

} // namespace orrery::cli
