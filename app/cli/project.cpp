#include "common.h"

#include "base/embeddingset.h"
#include "base/layout.h"
#include "projection/computelayout.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <limits>
#include <type_traits>

namespace orrery::cli {

namespace {

QString option(const char *name)
{
    return QString::fromLatin1(name);
}

/// Reads a number option; false (after an error message) when it is not one in [lo, hi].
template<typename T> bool number(const QCommandLineParser &parser, const char *name, T lo, T hi, T *value)
{
    if (!parser.isSet(option(name)))
        return true;
    bool ok = false;
    const QString text = parser.value(option(name));
    T v {};
    if constexpr (std::is_floating_point_v<T>)
        v = T(text.toDouble(&ok));
    else if constexpr (std::is_unsigned_v<T>)
        v = T(text.toULongLong(&ok));
    else
        v = T(text.toLongLong(&ok));
    if (!ok || v < lo || v > hi) {
        err(QStringLiteral("orrery-cli project: --%1 expects a number from %2 to %3, not '%4'\n")
                .arg(option(name))
                .arg(double(lo))
                .arg(double(hi))
                .arg(text));
        return false;
    }
    *value = v;
    return true;
}

int listLayoutsOf(Project &project, bool json)
{
    const QList<LayoutInfo> layouts = listLayouts(project);
    if (json) {
        QJsonArray list;
        for (const LayoutInfo &l : layouts)
            list.append(QJsonObject {{QStringLiteral("name"), l.name},
                                     {QStringLiteral("set"), l.setName},
                                     {QStringLiteral("method"), l.method},
                                     {QStringLiteral("count"), l.count},
                                     {QStringLiteral("created"), l.created}});
        out(QString::fromUtf8(
                QJsonDocument(QJsonObject {{QStringLiteral("layouts"), list}}).toJson(QJsonDocument::Compact))
            + u'\n');
        return Ok;
    }
    for (const LayoutInfo &l : layouts)
        out(QStringLiteral("%1 %2 %3 %4\n").arg(l.name, -32).arg(l.setName, -24).arg(l.method, -5).arg(l.count, 10));
    return Ok;
}

} // namespace

int runProject(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("set"), QStringLiteral("Embedding set to map."), QStringLiteral("SET")});
    parser.addOption({QStringLiteral("method"), QStringLiteral("pca, tsne or umap."), QStringLiteral("METHOD")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("Layout name (default SET/METHOD); an existing layout of that name is replaced."),
                      QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Seed (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("Worker threads (default: all cores; 1 repeats UMAP bit for bit)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("perplexity"), QStringLiteral("t-SNE perplexity (default 30)."), QStringLiteral("X")});
    parser.addOption(
        {QStringLiteral("neighbors"), QStringLiteral("UMAP n_neighbors (default 15)."), QStringLiteral("K")});
    parser.addOption({QStringLiteral("min-dist"), QStringLiteral("UMAP min_dist (default 0.1)."), QStringLiteral("X")});
    parser.addOption({QStringLiteral("epochs"),
                      QStringLiteral("t-SNE iterations (default 1000) or UMAP epochs (default 500, 200 above "
                                     "10,000 points)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("sample-threshold"),
         QStringLiteral(
             "Above this many points, fit a seeded sample of this size and place the rest from their nearest "
             "sampled neighbours (default 200000; 0 never samples)."),
         QStringLiteral("N")});
    parser.addOption({QStringLiteral("trust-sample"),
                      QStringLiteral("Points trustworthiness@15 is measured on (default 2000; 0 skips it)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("list"), QStringLiteral("List the project's layouts instead.")});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print one JSON object: {\"layout\",\"set\",\"method\",\"count\",\"seconds\","
                                     "\"trustworthiness15\",\"sampled\",\"placed\",\"params\",\"stats\"}.")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Computes a 2D map (PCA, t-SNE or UMAP) of an embedding set, stores it "
                                                "as a layout and prints its time and trustworthiness@15."));
        rc >= 0)
        return rc;
    const QString path = parser.positionalArguments().first();
    if (!projectExists(path)) // before the options below, which --list does without
        return InputError;
    const bool json = parser.isSet(QStringLiteral("json"));
    if (parser.isSet(QStringLiteral("list")))
        return withProject(path, [&](Project &file) { return listLayoutsOf(file, json); });
    if (!parser.isSet(QStringLiteral("set")) || !parser.isSet(QStringLiteral("method"))) {
        err(QStringLiteral("orrery-cli project: --set and --method are required\n"));
        return Usage;
    }
    ProjectionOptions options;
    if (!fromString(parser.value(QStringLiteral("method")), &options.method)) {
        err(QStringLiteral("orrery-cli project: unknown method '%1' (pca, tsne, umap)\n")
                .arg(parser.value(QStringLiteral("method"))));
        return Usage;
    }
    options.name = parser.value(QStringLiteral("name"));
    options.seed = 1;
    if (!number<quint64>(parser, "seed", 0, std::numeric_limits<quint64>::max(), &options.seed)
        || !number<int>(parser, "threads", 1, 256, &options.threads)
        || !number<double>(parser, "perplexity", 1, 1000, &options.perplexity)
        || !number<int>(parser, "neighbors", 2, 1000, &options.neighbors)
        || !number<double>(parser, "min-dist", 0, 10, &options.minDist)
        || !number<int>(parser, "epochs", 1, 1000000, &options.epochs)
        || !number<qint64>(parser, "sample-threshold", 0, std::numeric_limits<qint32>::max(), &options.sampleThreshold)
        || !number<qint64>(parser, "trust-sample", 0, std::numeric_limits<qint32>::max(), &options.trustSample))
        return Usage;
    return withProject(path, [&](Project &file) -> int {
        const EmbeddingSet set = loadEmbeddingSet(file, parser.value(QStringLiteral("set")));
        JobContext job([](qint64 done, qint64 total, const QString &m) { progressLine(done, total, m); });
        Layout layout = computeLayout(set, options, job);
        endProgress();
        saveLayout(file, layout, true);
        const QJsonObject &stats = layout.stats;
        const bool measured = stats.contains(QStringLiteral("trustworthiness15"));
        if (json) {
            QJsonObject report {{QStringLiteral("layout"), layout.name},
                                {QStringLiteral("set"), layout.setName},
                                {QStringLiteral("method"), layout.method},
                                {QStringLiteral("count"), layout.count()},
                                {QStringLiteral("seconds"), stats.value(QStringLiteral("seconds"))},
                                {QStringLiteral("sampled"), stats.value(QStringLiteral("sampled"))},
                                {QStringLiteral("placed"), stats.value(QStringLiteral("placed"))},
                                {QStringLiteral("params"), layout.params},
                                {QStringLiteral("stats"), stats}};
            if (measured)
                report.insert(QStringLiteral("trustworthiness15"), stats.value(QStringLiteral("trustworthiness15")));
            out(QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact)) + u'\n');
            return Ok;
        }
        QString line = QStringLiteral("layout \"%1\": %2 points by %3 in %4 s")
                           .arg(layout.name)
                           .arg(layout.count())
                           .arg(layout.method)
                           .arg(stats.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 2);
        if (stats.value(QStringLiteral("placed")).toInteger() > 0)
            line += QStringLiteral(" (%1 fitted, %2 placed)")
                        .arg(stats.value(QStringLiteral("sampled")).toInteger())
                        .arg(stats.value(QStringLiteral("placed")).toInteger());
        if (measured)
            line += QStringLiteral(", trustworthiness@15 %1 (on %2 points)")
                        .arg(stats.value(QStringLiteral("trustworthiness15")).toDouble(), 0, 'f', 4)
                        .arg(stats.value(QStringLiteral("trust_sample")).toInteger());
        out(line + u'\n');
        return Ok;
    });
}

} // namespace orrery::cli
