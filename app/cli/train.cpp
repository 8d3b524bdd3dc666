#include "common.h"

#include "base/embeddingset.h"
#include "embed/sgns.h"
#include "embed/sgnsset.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <thread>
#include <type_traits>

namespace orrery::cli {

namespace {

QCommandLineOption option(const char *name, const char *help, const char *value)
{
    return {QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value)};
}

/// Reads an option into *target when it is given; false (after a message) when it is not a number in range.
template<typename T>
bool readOption(const QCommandLineParser &parser, const QString &verb, const char *name, double low, double high,
                T *target)
{
    const QString key = QString::fromLatin1(name);
    if (!parser.isSet(key))
        return true;
    bool ok = false;
    const QString text = parser.value(key);
    const double v = text.toDouble(&ok);
    if (!ok || !(v >= low && v <= high) || (std::is_integral_v<T> && v != double(qint64(v)))) {
        err(QStringLiteral("%1: --%2 expects %3 from %4 to %5, got '%6'\n")
                .arg(verb, key, std::is_integral_v<T> ? QStringLiteral("a whole number") : QStringLiteral("a number"))
                .arg(low)
                .arg(high)
                .arg(text));
        return false;
    }
    *target = T(v);
    return true;
}

} // namespace

int runTrain(const QStringList &args)
{
    const QString verb = args.first();
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption(option("dataset", "Dataset whose playlists or documents to train on.", "NAME"));
    parser.addOption(option("dim", "Vector length (playlists 50, text 100).", "N"));
    parser.addOption(option("window", "Largest context distance (playlists 3, text 5).", "N"));
    parser.addOption(option("negative", "Negative samples per pair (5).", "N"));
    parser.addOption(option("ns-exponent",
                            "Exponent of the count^a noise distribution; negative favours rare items "
                            "(playlists -0.5, text 0.75).",
                            "A"));
    parser.addOption(
        option("sample", "Sub-sampling threshold of frequent items, 0 = off (playlists 1e-5, text 1e-4).", "T"));
    parser.addOption(option("epochs", "Passes over the corpus.", "N"));
    parser.addOption(option("min-count", "Leave out items occurring fewer times.", "N"));
    parser.addOption(option("alpha",
                            "Starting learning rate, falling linearly to alpha/10000 (playlists 0.025, "
                            "text 0.05).",
                            "LR"));
    parser.addOption(
        option("threads", "Worker threads, 0 = one per core; 1 gives the same vectors on every run.", "N"));
    parser.addOption(option("seed", "Random seed.", "S"));
    parser.addOption(option("name", "Name of the embedding set (default: DATASET/sgns).", "SET"));
    parser.addOption({QStringLiteral("replace"), QStringLiteral("Replace an existing set of that name.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the summary as JSON.")});
    const QString about = QStringLiteral("Trains a vector per song or word of a dataset by skip-gram with negative "
                                         "sampling (item2vec / word2vec) and stores it as an embedding set.");
    if (const int rc = parseVerb(parser, args, 1, about); rc >= 0)
        return rc;
    const QString datasetName = parser.value(QStringLiteral("dataset"));
    if (datasetName.isEmpty()) {
        err(verb + QStringLiteral(": --dataset is required\n"));
        return Usage;
    }

    // Options given override the dataset kind's defaults: checked here, applied once the kind is known.
    const auto apply = [&](SgnsOptions &o) {
        const double alpha = o.alpha;
        double seed = double(o.seed);
        const auto given = [&](const char *name, double low, double high, auto *target) {
            return readOption(parser, verb, name, low, high, target);
        };
        if (!given("dim", 1, 4096, &o.dim) || !given("window", 1, 1000, &o.window)
            || !given("negative", 0, 1000, &o.negative) || !given("ns-exponent", -100, 100, &o.nsExponent)
            || !given("sample", 0, 1, &o.sample) || !given("epochs", 1, 100000, &o.epochs)
            || !given("min-count", 1, 2147483647.0, &o.minCount) || !given("alpha", 1e-9, 10, &o.alpha)
            || !given("threads", 0, 1024, &o.threads) || !given("seed", 0, 9007199254740992.0, &seed))
            return false;
        o.seed = quint64(seed);
        if (o.alpha != alpha)
            o.minAlpha = o.alpha * 1e-4;
        if (o.threads == 0)
            o.threads = int(std::max(1u, std::thread::hardware_concurrency()));
        return true;
    };
    if (SgnsOptions check; !apply(check))
        return Usage;
    const QString path = parser.positionalArguments().first();
    return withProject(path, verb, [&](Project &project) -> int {
        const QList<DatasetInfo> datasets = project.datasets();
        const auto info = std::find_if(datasets.begin(), datasets.end(),
                                       [&](const DatasetInfo &d) { return d.name == datasetName; });
        if (info == datasets.end()) {
            err(QStringLiteral("%1: no dataset named \"%2\" in %3\n").arg(verb, datasetName, project.path()));
            return InputError;
        }
        if (info->kind != DatasetKind::Playlists && info->kind != DatasetKind::Documents) {
            err(QStringLiteral("%1: dataset \"%2\" holds %3; train needs playlists or documents\n")
                    .arg(verb, datasetName, toString(info->kind)));
            return InputError;
        }
        SgnsOptions o = info->kind == DatasetKind::Playlists ? SgnsOptions::forPlaylists() : SgnsOptions::forText();
        apply(o);

        JobContext job([](qint64 done, qint64 total, const QString &message) { progressLine(done, total, message); });
        const Corpus corpus = loadCorpus(project, info->id, job);
        endProgress();
        if (corpus.tokens.empty()) {
            err(QStringLiteral("%1: dataset \"%2\" has no sequences to train on\n").arg(verb, datasetName));
            return InputError;
        }
        SgnsResult r = trainSgns(corpus, o, job);
        endProgress();

        const SgnsStats stats = r.stats;
        const double lastLoss = stats.epochLoss.empty() ? 0.0 : stats.epochLoss.back();
        EmbeddingSet set = sgnsEmbeddingSet(project, std::move(r), o);
        set.name = parser.isSet(QStringLiteral("name")) ? parser.value(QStringLiteral("name")) : datasetName + u"/sgns";
        set.datasetId = info->id;
        saveEmbeddingSet(project, set, parser.isSet(QStringLiteral("replace")));

        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject o2 = set.stats;
            o2.insert(QStringLiteral("set"), set.name);
            o2.insert(QStringLiteral("dataset"), datasetName);
            o2.insert(QStringLiteral("method"), set.method);
            o2.insert(QStringLiteral("kind"), toString(set.kind));
            o2.insert(QStringLiteral("dim"), set.dim);
            o2.insert(QStringLiteral("count"), set.count());
            o2.insert(QStringLiteral("params"), set.params);
            out(QString::fromUtf8(QJsonDocument(o2).toJson(QJsonDocument::Compact)) + u'\n');
        } else {
            out(QStringLiteral("trained \"%1\": %2 %3 vectors of %4 dims, %5 epochs over %6 tokens in %7 s "
                               "(%8 tokens/s), final loss %9\n")
                    .arg(set.name)
                    .arg(set.count())
                    .arg(toString(set.kind))
                    .arg(set.dim)
                    .arg(o.epochs)
                    .arg(stats.tokens)
                    .arg(stats.seconds, 0, 'f', 2)
                    .arg(stats.tokensPerSecond, 0, 'f', 0)
                    .arg(lastLoss, 0, 'f', 4));
        }
        return Ok;
    });
}

} // namespace orrery::cli
