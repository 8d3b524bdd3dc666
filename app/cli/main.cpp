#include "verbs.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <cstdio>
#include <memory>

using namespace orrery::cli;

namespace {

struct Verb {
    const char *name;
    int (*run)(const QStringList &);
    const char *summary;
};

constexpr Verb verbs[] = {
    {"import", runImport, "import playlists, documents, JSON records or vectors into a project"},
    {"info", runInfo, "list a project's datasets and their counts"},
    {"train", runTrain, "train item vectors (songs or words) by skip-gram with negative sampling"},
    {"embed", runEmbed, "compute playlist, document or record vectors (pooling, MBAT, LSA)"},
    {"sets", runSets, "list a project's embedding sets"},
    {"export", runExport,
     "write an embedding set (projector TSV, .npy, word2vec) or a playlist (m3u8, xspf, csv, json)"},
    {"compress", runCompress, "add int8 codes and a PCA rotation to a set; report their recall@10"},
    {"project", runProject, "compute a 2D map (PCA, t-SNE, UMAP) of an embedding set and store it as a layout"},
    {"cluster", runCluster, "cluster a set (k-means) or a layout (density) and label the clusters (c-TF-IDF)"},
    {"index", runIndex, "build and store the neighbour index of a set (HNSW or exact); report its recall@10"},
    {"neighbours", runNeighbours, "print the nearest neighbours of an item, of several items or of typed text"},
    {"recommend", runRecommend, "propose songs that continue some seeds (JSON Lines batches or one list)"},
    {"evaluate", runEvaluate, "measure the recommenders on held-out playlists (RecSys Challenge 2018 metrics)"},
    {"agreement", runAgreement, "compare two sets or layouts of the same items by their shared nearest neighbours"},
    {"probe", runProbe, "compare pooling methods with linear probes and neighbour agreement"},
    {"synth", runSynth, "write a synthetic corpus in the Spotify MPD schema"},
    {"bench", runBench, "run a benchmark and print JSON"},
};

void usage(FILE *to)
{
    QString text = QStringLiteral("Usage: orrery-cli VERB [options]\n\nVerbs:\n");
    for (const Verb &v : verbs)
        text += QStringLiteral("  %1 %2\n").arg(QString::fromLatin1(v.name), -10).arg(QString::fromLatin1(v.summary));
    text += QStringLiteral("\n'orrery-cli VERB --help' describes a verb.\n");
    std::fputs(text.toUtf8().constData(), to);
}

} // namespace

int main(int argc, char **argv)
{
    // `bench map` measures and draws label text, which needs fonts: a GUI application, offscreen.
    const bool fonts = argc > 2 && qstrcmp(argv[1], "bench") == 0 && qstrcmp(argv[2], "map") == 0;
    if (fonts && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app = fonts ? std::make_unique<QGuiApplication>(argc, argv)
                                                        : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("orrery-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ORRERY_VERSION));
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == u"--help" || args.at(1) == u"-h" || args.at(1) == u"help") {
        usage(args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? Usage : Ok;
    }
    if (args.at(1) == u"--version") {
        out(QStringLiteral("orrery-cli " ORRERY_VERSION "\n"));
        return Ok;
    }
    for (const Verb &v : verbs) {
        if (args.at(1) == QLatin1String(v.name)) {
            QStringList verbArgs = args.mid(1);
            verbArgs[0] = QStringLiteral("orrery-cli ") + args.at(1);
            return v.run(verbArgs);
        }
    }
    err(QStringLiteral("orrery-cli: unknown verb '%1'\n").arg(args.at(1)));
    usage(stderr);
    return Usage;
}
