#include "common.h"

#include "store/clusterings.h"
#include "store/project.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

int exportClusters(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("clusters"),
                      QStringLiteral("Clustering to export (orrery-cli cluster --list names them)."),
                      QStringLiteral("CLUSTERING")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("csv (key,cluster,label with a header) or json (JSON Lines of the same)."),
                      QStringLiteral("FORMAT"), QStringLiteral("csv")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output file."), QStringLiteral("PATH")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Writes a clustering's rows: key, finest cluster (-1 for noise) and "
                                                "its label, one row per item in the set's order, keys as imported."));
        rc >= 0)
        return rc;
    const QString format = parser.value(QStringLiteral("format"));
    if (format != u"csv" && format != u"json") {
        err(QStringLiteral("orrery-cli export: unknown clusters format '%1' (csv, json)\n").arg(format));
        return Usage;
    }
    if (!parser.isSet(QStringLiteral("clusters")) || !parser.isSet(QStringLiteral("out"))) {
        err(QStringLiteral("orrery-cli export: --clusters and --out are required\n"));
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    if (!outputIsSafe(args.first(), parser.value(QStringLiteral("out")), path))
        return Usage;
    return withProject(path, [&](Project &project) -> int {
        const Clustering c = loadClustering(project, parser.value(QStringLiteral("clusters")));
        const std::vector<QString> keys = setKeys(project, c.setId, c.count(), QStringLiteral("clustering"), c.name);
        QHash<qint32, QString> labels;
        for (const Cluster &cluster : c.clusters)
            labels.insert(cluster.id, cluster.label);
        const QString outPath = parser.value(QStringLiteral("out"));
        ChunkedFile file(outPath);
        const bool csv = format == u"csv";
        if (csv)
            file.append("key,cluster,label\n");
        for (qint64 i = 0; i < c.count(); ++i) {
            const qint32 cluster = c.assignment[size_t(i)];
            const QString label = labels.value(cluster);
            if (csv) {
                file.append(csvField(keys[size_t(i)]) + ',' + QByteArray::number(cluster) + ',' + csvField(label)
                            + '\n');
            } else {
                const QJsonObject row {{QStringLiteral("key"), keys[size_t(i)]},
                                       {QStringLiteral("cluster"), cluster},
                                       {QStringLiteral("label"), label}};
                file.append(QJsonDocument(row).toJson(QJsonDocument::Compact) + '\n');
            }
        }
        file.commit();
        out(QStringLiteral("wrote %1 rows of clustering \"%2\": %3\n").arg(c.count()).arg(c.name, outPath));
        return Ok;
    });
}

} // namespace orrery::cli
