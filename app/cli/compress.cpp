#include "common.h"

#include "embed/compress.h"
#include "eval/compressionrecall.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QJsonDocument>

namespace orrery::cli {

int runCompress(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("set"), QStringLiteral("Embedding set."), QStringLiteral("SET")});
    parser.addOption({QStringLiteral("pca"),
                      QStringLiteral("Rotate onto principal axes so 32- or 64-dimension prefixes can be used alone.")});
    parser.addOption({QStringLiteral("int8"), QStringLiteral("Store int8 codes with a per-dimension scale.")});
    parser.addOption({QStringLiteral("queries"),
                      QStringLiteral("Queries sampled for the recall report (default 1000)."), QStringLiteral("N"),
                      QStringLiteral("1000")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the query sample (default 1)."),
                      QStringLiteral("S"), QStringLiteral("1")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Adds int8 codes and/or a PCA rotation to an embedding set, stores it, "
                                                "and prints recall@10 of int8 and of 32- and 64-dimension prefixes "
                                                "against the full vectors as JSON."));
        rc >= 0)
        return rc;
    if (!parser.isSet(QStringLiteral("set"))) {
        err(QStringLiteral("orrery-cli compress: --set is required\n"));
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    return withProject(path, [&](Project &project) -> int {
        EmbeddingSet set = loadEmbeddingSet(project, parser.value(QStringLiteral("set")));
        JobContext job([](qint64 done, qint64 total, const QString &m) { progressLine(done, total, m); });
        const QJsonObject before = compressionRecall(set, 10, parser.value(QStringLiteral("queries")).toInt(),
                                                     parser.value(QStringLiteral("seed")).toULongLong(), job);
        if (parser.isSet(QStringLiteral("pca")))
            pcaRotate(set);
        if (parser.isSet(QStringLiteral("int8")) || !parser.isSet(QStringLiteral("pca")))
            quantizeInt8(set);
        QJsonObject report = compressionRecall(set, 10, parser.value(QStringLiteral("queries")).toInt(),
                                               parser.value(QStringLiteral("seed")).toULongLong(), job);
        if (set.rotation.empty())
            report.remove(QStringLiteral("recall_prefix32")), report.remove(QStringLiteral("recall_prefix64"));
        if (before.contains(QStringLiteral("recall_prefix32")) && !set.rotation.empty())
            report.insert(QStringLiteral("recall_prefix32_unrotated"), before.value(QStringLiteral("recall_prefix32")));
        if (before.contains(QStringLiteral("recall_prefix64")) && !set.rotation.empty())
            report.insert(QStringLiteral("recall_prefix64_unrotated"), before.value(QStringLiteral("recall_prefix64")));
        endProgress();
        set.stats.insert(QStringLiteral("compression"), report);
        saveEmbeddingSet(project, set, true);
        report.insert(QStringLiteral("set"), set.name);
        report.insert(QStringLiteral("dim"), set.dim);
        report.insert(QStringLiteral("count"), set.count());
        out(QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact)) + u'\n');
        return Ok;
    });
}

} // namespace orrery::cli
