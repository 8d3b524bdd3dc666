#include "common.h"

#include "store/clusterings.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace orrery::cli {

namespace {

QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    const bool quote = utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')
        || (!utf8.isEmpty() && (utf8.front() == ' ' || utf8.back() == ' '));
    if (!quote)
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

} // namespace

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
        qint64 datasetId = 0;
        const std::vector<qint64> ids = embeddingSetIds(project, c.setId, &datasetId);
        if (qint64(ids.size()) != c.count())
            throw Error(QStringLiteral("clustering \"%1\": %2 rows for a set of %3")
                            .arg(c.name)
                            .arg(c.count())
                            .arg(ids.size()));
        const std::vector<QString> keys = itemKeys(project, ids, datasetId);
        QHash<qint32, QString> labels;
        for (const Cluster &cluster : c.clusters)
            labels.insert(cluster.id, cluster.label);
        const QString outPath = parser.value(QStringLiteral("out"));
        QSaveFile file(outPath);
        if (!file.open(QIODevice::WriteOnly))
            throw Error(outPath + QStringLiteral(": cannot write: ") + file.errorString());
        const bool csv = format == u"csv";
        QByteArray buffer = csv ? "key,cluster,label\n" : "";
        for (qint64 i = 0; i < c.count(); ++i) {
            const qint32 cluster = c.assignment[size_t(i)];
            const QString label = labels.value(cluster);
            if (csv) {
                buffer += csvField(keys[size_t(i)]) + ',' + QByteArray::number(cluster) + ',' + csvField(label) + '\n';
            } else {
                const QJsonObject row {{QStringLiteral("key"), keys[size_t(i)]},
                                       {QStringLiteral("cluster"), cluster},
                                       {QStringLiteral("label"), label}};
                buffer += QJsonDocument(row).toJson(QJsonDocument::Compact) + '\n';
            }
            if (buffer.size() > (1 << 20)) {
                file.write(buffer);
                buffer.clear();
            }
        }
        file.write(buffer);
        if (!file.commit())
            throw Error(outPath + QStringLiteral(": cannot write: ") + file.errorString());
        out(QStringLiteral("wrote %1 rows of clustering \"%2\": %3\n").arg(c.count()).arg(c.name, outPath));
        return Ok;
    });
}

} // namespace orrery::cli
