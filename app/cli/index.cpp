#include "common.h"

#include "index/vectorindex.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

int runIndex(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("set"), QStringLiteral("Embedding set to index."), QStringLiteral("SET")});
    parser.addOption(
        {QStringLiteral("M"), QStringLiteral("Graph degree (default 16)."), QStringLiteral("N"), QStringLiteral("16")});
    parser.addOption({QStringLiteral("ef-construction"), QStringLiteral("Search breadth while building (default 200)."),
                      QStringLiteral("N"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("ef"),
                      QStringLiteral("Search breadth of queries (default: the smallest of 16, 32, 64, … "
                                     "that reaches recall@10 0.98 on the sample)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("metric"), QStringLiteral("cosine (default) or l2."), QStringLiteral("METRIC"),
                      QStringLiteral("cosine")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Insert threads (default 2)."), QStringLiteral("N"),
                      QStringLiteral("2")});
    parser.addOption({QStringLiteral("exact-threshold"),
                      QStringLiteral("Sets with fewer rows get exact search instead of a graph (default 20000)."),
                      QStringLiteral("N"), QStringLiteral("20000")});
    parser.addOption({QStringLiteral("queries"), QStringLiteral("Rows sampled to measure recall@10 (default 1000)."),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the sample and the graph (default 1)."),
                      QStringLiteral("S"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("check-recall"),
                      QStringLiteral("Also measure recall@10 at the chosen ef on a second, held-out sample.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object.")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Builds the neighbour index of an embedding set (HNSW, or exact search for small "
                           "sets), measures its recall@10 against exact search, and stores it in the project."));
        rc >= 0)
        return rc;
    if (!parser.isSet(QStringLiteral("set"))) {
        err(QStringLiteral("orrery-cli index: --set is required\n"));
        return Usage;
    }
    IndexOptions options;
    if (!fromString(parser.value(QStringLiteral("metric")), &options.metric)) {
        err(QStringLiteral("orrery-cli index: --metric expects cosine or l2, not \"%1\"\n")
                .arg(parser.value(QStringLiteral("metric"))));
        return Usage;
    }
    const QString verb = QStringLiteral("orrery-cli index");
    constexpr int many = std::numeric_limits<int>::max();
    if (!intOption(parser, verb, QStringLiteral("M"), 2, 1024, &options.M)
        || !intOption(parser, verb, QStringLiteral("ef-construction"), 1, many, &options.efConstruction)
        || !intOption(parser, verb, QStringLiteral("threads"), 1, 1024, &options.threads)
        || !intOption(parser, verb, QStringLiteral("exact-threshold"), 0, many, &options.exactThreshold)
        || !intOption(parser, verb, QStringLiteral("queries"), 0, many, &options.recallQueries)
        || !intOption(parser, verb, QStringLiteral("ef"), 1, many, &options.ef))
        return Usage;
    bool seedOk = false;
    options.seed = parser.value(QStringLiteral("seed")).toULongLong(&seedOk);
    options.checkRecall = parser.isSet(QStringLiteral("check-recall"));
    if (!seedOk) {
        err(QStringLiteral("orrery-cli index: --seed expects a non-negative integer\n"));
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    return withProject(path, [&](Project &project) -> int {
        const EmbeddingSet set = loadEmbeddingSet(project, parser.value(QStringLiteral("set")));
        JobContext job(phasedProgress());
        QElapsedTimer clock;
        clock.start();
        const VectorIndex index = VectorIndex::build(set, options, job);
        const QString sideFile = index.save(project);
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        endProgress();
        const QJsonObject &stats = index.stats();
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject o {{QStringLiteral("set"), set.name},
                           {QStringLiteral("kind"), index.isExact() ? QStringLiteral("exact") : QStringLiteral("hnsw")},
                           {QStringLiteral("metric"), toString(index.metric())},
                           {QStringLiteral("count"), index.count()},
                           {QStringLiteral("dim"), index.dim()},
                           {QStringLiteral("ef"), index.ef()},
                           {QStringLiteral("recall_at_10"), index.recall()},
                           {QStringLiteral("build_seconds"), stats.value(u"build_seconds")},
                           {QStringLiteral("seconds"), seconds},
                           {QStringLiteral("stored"), sideFile.isEmpty() ? QStringLiteral("inline") : sideFile}};
            if (!index.isExact()) {
                o.insert(QStringLiteral("M"), options.M);
                o.insert(QStringLiteral("ef_construction"), options.efConstruction);
                o.insert(QStringLiteral("ef_tuned"), stats.value(u"ef_tuned"));
                o.insert(QStringLiteral("sample"), stats.value(u"sample"));
                o.insert(QStringLiteral("recall_seconds"), stats.value(u"recall_seconds"));
                o.insert(QStringLiteral("tuning"), stats.value(u"tuning"));
                if (stats.contains(u"held_out_recall"))
                    o.insert(QStringLiteral("held_out_recall_at_10"), stats.value(u"held_out_recall"));
            }
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
            return Ok;
        }
        if (index.isExact()) {
            out(QStringLiteral("set \"%1\": %2 vectors of %3 dimensions, below the threshold of %4: exact %5 search "
                               "(recall@10 1), stored in %6 s\n")
                    .arg(set.name)
                    .arg(index.count())
                    .arg(index.dim())
                    .arg(options.exactThreshold)
                    .arg(toString(index.metric()))
                    .arg(seconds, 0, 'f', 2));
            return Ok;
        }
        out(QStringLiteral("set \"%1\": HNSW index of %2 vectors of %3 dimensions (%4, M %5, efConstruction %6)\n")
                .arg(set.name)
                .arg(index.count())
                .arg(index.dim())
                .arg(toString(index.metric()))
                .arg(options.M)
                .arg(options.efConstruction));
        out(QStringLiteral("built in %1 s on %2 threads; ef %3%4; recall@10 %5 on %6 sampled rows (measured in %7 s)\n")
                .arg(stats.value(u"build_seconds").toDouble(), 0, 'f', 2)
                .arg(options.threads)
                .arg(index.ef())
                .arg(stats.value(u"ef_tuned").toBool() ? QStringLiteral(" (tuned)") : QString())
                .arg(index.recall(), 0, 'f', 4)
                .arg(stats.value(u"sample").toInteger())
                .arg(stats.value(u"recall_seconds").toDouble(), 0, 'f', 2));
        if (stats.contains(u"held_out_recall"))
            out(QStringLiteral("held-out recall@10 at ef %1: %2\n")
                    .arg(index.ef())
                    .arg(stats.value(u"held_out_recall").toDouble(), 0, 'f', 4));
        out(sideFile.isEmpty() ? QStringLiteral("stored in the project\n")
                               : QStringLiteral("stored in %1\n").arg(sideFile));
        return Ok;
    });
}

} // namespace orrery::cli
