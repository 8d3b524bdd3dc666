// `orrery-cli bench seq2seq`: training time per epoch of the sequence autoencoder against the
// number of playlists, and the time to encode one playlist, on generated MPD-schema corpora.
// Dispatched from bench.cpp's runBench.
#include "common.h"

#include "base/workerpool.h"
#include "embed/seq2seq.h"
#include "embed/sgns.h"
#include "embed/sgnsset.h"
#include "io/importer.h"
#include "io/synth.h"
#include "store/corpus.h"
#include "store/project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <sys/resource.h>

namespace orrery::cli {

namespace {

double peakRssMb()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

/// One playlist per line, vocabulary indices separated by spaces, for the reference script.
void writeCorpus(const Corpus &corpus, const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(path + QStringLiteral(": cannot write"));
    QByteArray line;
    for (qint64 s = 0; s < corpus.sequences(); ++s) {
        line.clear();
        for (const qint32 *t = corpus.begin(s); t != corpus.end(s); ++t) {
            if (t != corpus.begin(s))
                line += ' ';
            line += QByteArray::number(*t);
        }
        line += '\n';
        if (f.write(line) != line.size())
            throw Error(path + QStringLiteral(": cannot write (disk full?)"));
    }
}

} // namespace

int benchSeq2seq(const QStringList &args)
{
    const QString verb = QStringLiteral("orrery-cli bench seq2seq");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("seq2seq"), QStringLiteral("The benchmark."));
    parser.addOption({QStringLiteral("playlists"),
                      QStringLiteral("Corpus sizes to generate, comma-separated (default 10000,30000,100000)."),
                      QStringLiteral("LIST"), QStringLiteral("10000,30000,100000")});
    parser.addOption({QStringLiteral("epochs"), QStringLiteral("Training epochs at each size (default 5)."),
                      QStringLiteral("N"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("hidden"), QStringLiteral("GRU state size (default 64)."), QStringLiteral("N"),
                      QStringLiteral("64")});
    parser.addOption({QStringLiteral("matryoshka"), QStringLiteral("Prefix lengths, e.g. 8,16,32,64 (default none)."),
                      QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("bidirectional"), QStringLiteral("Train the bidirectional encoder.")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Playlists per mini-batch (default 32)."),
                      QStringLiteral("N"), QStringLiteral("32")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads (default: one per core)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("export-corpus"),
                      QStringLiteral("Also write each corpus as corpus_N.txt into this folder (one playlist of "
                                     "vocabulary indices per line) for a reference implementation."),
                      QStringLiteral("DIR")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Generates MPD-schema corpora, imports them, trains item2vec and then "
                                                "the seq2seq autoencoder on each, and prints one JSON line per size: "
                                                "seconds per epoch, positions/s, and milliseconds to encode a "
                                                "playlist on one thread."));
        rc >= 0)
        return rc;
    Seq2seqOptions options;
    if (!intOption(parser, verb, QStringLiteral("epochs"), 1, 1000, &options.epochs)
        || !intOption(parser, verb, QStringLiteral("hidden"), 1, 2048, &options.hidden)
        || !intOption(parser, verb, QStringLiteral("batch"), 1, 4096, &options.batch)
        || !intOption(parser, verb, QStringLiteral("threads"), 0, 256, &options.threads))
        return Usage;
    options.bidirectional = parser.isSet(QStringLiteral("bidirectional"));
    for (const QString &p : parser.value(QStringLiteral("matryoshka")).split(u',', Qt::SkipEmptyParts))
        options.matryoshka.push_back(p.toInt());
    std::vector<qint64> sizes;
    for (const QString &p : parser.value(QStringLiteral("playlists")).split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 n = p.toLongLong(&ok);
        if (!ok || n < 10 || n > 10000000) {
            err(verb + QStringLiteral(": --playlists expects sizes from 10 to 10000000, not '%1'\n").arg(p));
            return Usage;
        }
        sizes.push_back(n);
    }
    const QString exportDir = parser.value(QStringLiteral("export-corpus"));
    QTemporaryDir temp;
    if (!temp.isValid()) {
        err(verb + QStringLiteral(": cannot create a temporary folder\n"));
        return InputError;
    }
    return reportErrors(
        [&] {
            for (const qint64 n : sizes) {
                io::SynthOptions synth;
                synth.playlists = n;
                const QString folder = temp.filePath(QStringLiteral("corpus%1").arg(n));
                JobContext quiet;
                io::writeSynthMpd(folder, synth, quiet);
                const QString projectPath = temp.filePath(QStringLiteral("bench%1.orrery").arg(n));
                Project project(projectPath);
                io::ImportOptions importOptions;
                importOptions.format = io::Format::Mpd;
                importOptions.dataset = QStringLiteral("synth");
                const io::ImportResult imported = io::importPaths(project, {folder}, importOptions, quiet);
                if (!imported.ok)
                    throw Error(imported.error);
                QDir(folder).removeRecursively();
                const Corpus corpus = loadCorpus(project, project.datasetId(importOptions.dataset), quiet);
                if (!exportDir.isEmpty()) {
                    QDir().mkpath(exportDir);
                    writeCorpus(corpus, QDir(exportDir).filePath(QStringLiteral("corpus_%1.txt").arg(n)));
                }
                // Item vectors to start from: item2vec with few epochs (their quality is not measured here).
                SgnsOptions sgns = SgnsOptions::forPlaylists();
                sgns.epochs = 5;
                QElapsedTimer clock;
                clock.start();
                const EmbeddingSet items = sgnsEmbeddingSet(project, trainSgns(corpus, sgns, quiet), sgns);
                const double sgnsSeconds = double(clock.nsecsElapsed()) / 1e9;

                Seq2seqModel model = initSeq2seq(corpus, items, options);
                std::vector<double> epochSeconds;
                clock.restart();
                JobContext job(
                    [](qint64 done, qint64 total, const QString &message) { progressLine(done, total, message); });
                trainSeq2seq(model, corpus, job, [&](const Seq2seqModel &) {
                    epochSeconds.push_back(double(clock.nsecsElapsed()) / 1e9);
                    clock.restart();
                });
                endProgress();
                double trainSeconds = 0;
                QJsonArray epochs, losses;
                for (const double s : epochSeconds) {
                    trainSeconds += s;
                    epochs.append(s);
                }
                for (const double l : model.epochLoss)
                    losses.append(l);
                qint64 positions = 0;
                for (qint64 s = 0; s < corpus.sequences(); ++s)
                    positions += std::min<qint64>(corpus.length(s), options.maxLength);

                // Encoding one playlist at a time on one thread, as a query would.
                const qint64 probes = std::min<qint64>(2000, corpus.sequences());
                Corpus one;
                one.vocab = corpus.vocab;
                one.counts = corpus.counts;
                double encodeSeconds = 0;
                for (qint64 s = 0; s < probes; ++s) {
                    one.sequenceIds = {corpus.sequenceIds[size_t(s)]};
                    one.tokens.assign(corpus.begin(s), corpus.end(s));
                    one.offsets = {0, qint64(one.tokens.size())};
                    clock.restart();
                    const RowMatrixXf v = encodeSeq2seq(model, one, quiet, nullptr, 1);
                    encodeSeconds += double(clock.nsecsElapsed()) / 1e9;
                    if (v.rows() != 1)
                        throw Error(QStringLiteral("encoding gave %1 rows for one playlist").arg(v.rows()));
                }
                clock.restart();
                encodeSeq2seq(model, corpus, quiet, nullptr, options.threads);
                const double encodeAll = double(clock.nsecsElapsed()) / 1e9;
                const QJsonObject o {
                    {QStringLiteral("bench"), QStringLiteral("seq2seq")},
                    {QStringLiteral("playlists"), corpus.sequences()},
                    {QStringLiteral("entries"), qint64(corpus.tokens.size())},
                    {QStringLiteral("tracks"), qint64(corpus.vocab.size())},
                    {QStringLiteral("hidden"), options.hidden},
                    {QStringLiteral("batch"), options.batch},
                    {QStringLiteral("bidirectional"), options.bidirectional},
                    {QStringLiteral("matryoshka"), parser.value(QStringLiteral("matryoshka"))},
                    {QStringLiteral("threads"), resolveThreads(options.threads)},
                    {QStringLiteral("epochs"), options.epochs},
                    {QStringLiteral("epoch_seconds"), epochs},
                    {QStringLiteral("train_seconds"), trainSeconds},
                    {QStringLiteral("train_minutes"), trainSeconds / 60},
                    {QStringLiteral("positions_per_epoch"), positions},
                    {QStringLiteral("positions_per_s"), double(positions) * options.epochs / trainSeconds},
                    {QStringLiteral("epoch_loss"), losses},
                    {QStringLiteral("encode_ms_per_playlist"), 1000 * encodeSeconds / double(probes)},
                    {QStringLiteral("encode_all_seconds"), encodeAll},
                    {QStringLiteral("sgns_seconds"), sgnsSeconds},
                    {QStringLiteral("peak_rss_mb"), peakRssMb()}};
                out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
            }
            return int(Ok);
        },
        verb);
}

} // namespace orrery::cli
