#include "common.h"

#include "io/importer.h"
#include "io/synth.h"
#include "store/project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <sys/resource.h>

namespace orrery::cli {

int benchIndex(const QStringList &args); // benchindex.cpp
int benchMap(const QStringList &args); // benchmap.cpp
int benchRecommend(const QStringList &args); // benchrecommend.cpp
int benchCluster(const QStringList &args); // benchcluster.cpp
int benchSeq2seq(const QStringList &args); // benchseq2seq.cpp

namespace {

qint64 peakRssBytes()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return qint64(usage.ru_maxrss) * 1024;
}

int benchImport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("import"), QStringLiteral("The benchmark."));
    parser.addPositionalArgument(
        QStringLiteral("CORPUS"),
        QStringLiteral("Folder of MPD slices (default: generate --playlists into a temporary folder)."),
        QStringLiteral("[CORPUS]"));
    parser.addOption({QStringLiteral("playlists"),
                      QStringLiteral("Playlists to generate when no CORPUS is given (default 100000)."),
                      QStringLiteral("N"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed for the generated corpus (default 1)."),
                      QStringLiteral("S"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("project"),
                      QStringLiteral("Project file to import into (default: a temporary one)."),
                      QStringLiteral("FILE")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Imports an MPD-schema corpus end to end and prints JSON: "
                                                "entries/s, MB/s and peak RSS."));
        rc >= 0)
        return rc;
    const QStringList positional = parser.positionalArguments();
    QTemporaryDir temp;
    if (!temp.isValid()) {
        err(QStringLiteral("bench: cannot create a temporary folder\n"));
        return InputError;
    }
    QString corpus = positional.value(1);
    try {
        if (corpus.isEmpty()) {
            io::SynthOptions options;
            options.playlists = parser.value(QStringLiteral("playlists")).toLongLong();
            options.seed = parser.value(QStringLiteral("seed")).toULongLong();
            corpus = temp.filePath(QStringLiteral("corpus"));
            JobContext quiet;
            io::writeSynthMpd(corpus, options, quiet);
        }
        const QString projectPath = parser.isSet(QStringLiteral("project"))
            ? parser.value(QStringLiteral("project"))
            : temp.filePath(QStringLiteral("bench.orrery"));
        QFile::remove(projectPath);
        const qint64 rssBefore = peakRssBytes();
        QElapsedTimer clock;
        clock.start();
        Project project(projectPath);
        JobContext job;
        io::ImportOptions options;
        options.format = io::Format::Mpd;
        const io::ImportResult r = io::importPaths(project, {corpus}, options, job);
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        if (!r.ok) {
            err(r.error + u'\n');
            return InputError;
        }
        const QJsonObject o {{QStringLiteral("bench"), QStringLiteral("import")},
                             {QStringLiteral("tool"), QStringLiteral("orrery")},
                             {QStringLiteral("playlists"), r.stats.sequences},
                             {QStringLiteral("entries"), r.stats.entries},
                             {QStringLiteral("tracks"), r.stats.datasetItems},
                             {QStringLiteral("bytes"), r.stats.bytes},
                             {QStringLiteral("seconds"), seconds},
                             {QStringLiteral("entries_per_s"), double(r.stats.entries) / seconds},
                             {QStringLiteral("mb_per_s"), double(r.stats.bytes) / 1e6 / seconds},
                             {QStringLiteral("peak_rss_mb"), double(peakRssBytes()) / 1e6},
                             {QStringLiteral("rss_before_import_mb"), double(rssBefore) / 1e6}};
        out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        return Ok;
    } catch (const Error &e) {
        err(e.message() + u'\n');
        return InputError;
    }
}

} // namespace

int runBench(const QStringList &args)
{
    const QString which = args.value(1);
    if (which == u"import")
        return benchImport(args);
    if (which == u"index")
        return benchIndex(args);
    if (which == u"map")
        return benchMap(args);
    if (which == u"recommend")
        return benchRecommend(args);
    if (which == u"cluster")
        return benchCluster(args);
    if (which == u"seq2seq")
        return benchSeq2seq(args);
    if (which.isEmpty() || which == u"--help" || which == u"-h") {
        out(QStringLiteral(
            "Usage: orrery-cli bench BENCHMARK [options]\n\nBenchmarks (each prints one JSON line):\n"
            "  import   import an MPD-schema corpus end to end\n"
            "  index    time single-thread queries of a set's stored neighbour index\n"
            "  map      time map frames at 1M and 2M points against QPainter::drawPoints\n"
            "  recommend  time single-thread recommendation queries on a large synthetic catalogue\n"
            "  cluster  time k-means (beside faiss), density clusters and c-TF-IDF labels at 1M rows\n"
            "  seq2seq  time seq2seq training per epoch against the number of playlists, and encoding\n"));
        return which.isEmpty() ? Usage : Ok;
    }
    err(QStringLiteral("orrery-cli bench: unknown benchmark '%1'\n").arg(which));
    return Usage;
}

} // namespace orrery::cli
