#include "common.h"

#include "io/synth.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

int runSynth(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("OUT_DIR"),
                                 QStringLiteral("Folder to write mpd.slice.*.json files into."));
    parser.addOption({QStringLiteral("playlists"), QStringLiteral("Number of playlists (default 1000)."),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("S"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("tracks"),
                      QStringLiteral("Catalogue size (default: 4 per playlist, 2,000 to 2.3M)."), QStringLiteral("N"),
                      QStringLiteral("0")});
    parser.addOption({QStringLiteral("genres"), QStringLiteral("Latent genres (default 16)."), QStringLiteral("N"),
                      QStringLiteral("16")});
    parser.addOption({QStringLiteral("per-file"), QStringLiteral("Playlists per slice file (default 1000)."),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("track-genres"),
                      QStringLiteral("Also write each track's latent genre to FILE (track URI <TAB> genre), for "
                                     "probe --labels. Outside OUT_DIR, which import reads whole."),
                      QStringLiteral("FILE")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Writes a realistic synthetic corpus in the Spotify Million Playlist "
                           "Dataset schema: Zipf popularity, artists and genres as latent clusters, "
                           "MPD-like playlist lengths (5-250, mean about 66)."));
        rc >= 0)
        return rc;
    io::SynthOptions options;
    bool ok[5] = {};
    options.playlists = parser.value(QStringLiteral("playlists")).toLongLong(&ok[0]);
    options.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok[1]);
    options.tracks = parser.value(QStringLiteral("tracks")).toLongLong(&ok[2]);
    options.genres = parser.value(QStringLiteral("genres")).toInt(&ok[3]);
    options.playlistsPerFile = parser.value(QStringLiteral("per-file")).toInt(&ok[4]);
    if (!std::all_of(std::begin(ok), std::end(ok), [](bool b) { return b; })) {
        err(QStringLiteral(
            "orrery-cli synth: --playlists, --seed, --tracks, --genres and --per-file take whole numbers\n"));
        return Usage;
    }
    const QString outDir = parser.positionalArguments().first();
    const QString genresPath = parser.value(QStringLiteral("track-genres"));
    if (!genresPath.isEmpty()) {
        // `import OUT_DIR` reads every file in the folder, and would take the TSV for a playlist.
        const QString dir = QDir(outDir).absolutePath() + u'/';
        if (QFileInfo(genresPath).absoluteFilePath().startsWith(dir)) {
            err(QStringLiteral("orrery-cli synth: --track-genres %1 is inside OUT_DIR %2, where import would read it "
                               "as a playlist file; write it beside the folder\n")
                    .arg(genresPath, outDir));
            return Usage;
        }
    }
    try {
        JobContext job([](qint64 done, qint64 total, const QString &m) { progressLine(done, total, m); });
        const io::SynthStats s = io::writeSynthMpd(outDir, options, job);
        if (!genresPath.isEmpty())
            io::writeSynthTrackGenres(genresPath, options);
        endProgress();
        out(QString::fromUtf8(QJsonDocument(QJsonObject {{QStringLiteral("files"), s.files},
                                                         {QStringLiteral("playlists"), s.playlists},
                                                         {QStringLiteral("entries"), s.entries},
                                                         {QStringLiteral("tracks"), s.tracks},
                                                         {QStringLiteral("artists"), s.artists},
                                                         {QStringLiteral("bytes"), s.bytes}})
                                  .toJson(QJsonDocument::Compact))
            + u'\n');
        return Ok;
    } catch (const Error &e) {
        endProgress();
        err(e.message() + u'\n');
        return e.message().startsWith(u"synth:") ? Usage : InputError;
    }
}

} // namespace orrery::cli
