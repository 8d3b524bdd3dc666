// `orrery-cli export --playlist`: a stored playlist as M3U8, XSPF, CSV or MPD JSON. Dispatched
// from export.cpp's runExport.
#include "common.h"

#include "io/playlistwriter.h"
#include "store/project.h"

#include <QFileInfo>

namespace orrery::cli {

int exportPlaylist(const QStringList &args)
{
    const QString verb = args.first();
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("playlist"), QStringLiteral("Source key of the playlist (as imported)."),
                      QStringLiteral("KEY")});
    parser.addOption(
        {QStringLiteral("dataset"), QStringLiteral("Look the key up in this dataset only."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("m3u8, xspf, csv or json (MPD schema); default: from the --out extension."),
                      QStringLiteral("FORMAT")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output file."), QStringLiteral("FILE")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Writes a playlist as M3U8 (#EXTINF with artist - title, the source "
                                                "key as location), XSPF, CSV or MPD JSON; each re-imports with the "
                                                "same track keys."));
        rc >= 0)
        return rc;
    if (!parser.isSet(QStringLiteral("out"))) {
        err(verb + QStringLiteral(": --out is required\n"));
        return Usage;
    }
    const QString outPath = parser.value(QStringLiteral("out"));
    // Without --format the extension decides, so that a.csv never holds M3U.
    QString formatName = parser.value(QStringLiteral("format"));
    if (formatName.isEmpty()) {
        const QString suffix = QFileInfo(outPath).suffix().toLower();
        formatName = suffix == u"m3u" ? QStringLiteral("m3u8") : suffix;
    }
    io::PlaylistFormat format;
    if (!io::fromString(formatName, &format)) {
        err(verb
            + (parser.isSet(QStringLiteral("format"))
                   ? QStringLiteral(": unknown format '%1' (m3u8, xspf, csv, json)\n").arg(formatName)
                   : QStringLiteral(": cannot tell the format from '%1'; give --format m3u8|xspf|csv|json\n")
                         .arg(outPath)));
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    if (!outputIsSafe(verb, outPath, path))
        return Usage;
    return withProject(path, verb, [&](Project &project) -> int {
        qint64 datasetId = 0;
        if (parser.isSet(QStringLiteral("dataset"))) {
            datasetId = project.datasetId(parser.value(QStringLiteral("dataset")));
            if (!datasetId) {
                err(verb
                    + QStringLiteral(": no dataset named \"%1\" (orrery-cli info lists them)\n")
                          .arg(parser.value(QStringLiteral("dataset"))));
                return InputError;
            }
        }
        const QString key = parser.value(QStringLiteral("playlist"));
        const io::StoredPlaylist stored = io::loadPlaylist(project, key, datasetId);
        if (!stored.itemId) {
            err(verb + QStringLiteral(": no playlist has the key \"%1\"\n").arg(key));
            return InputError;
        }
        io::PlaylistExport list;
        list.name = stored.name;
        list.entries = io::playlistEntries(project, stored.items, stored.datasetId);
        io::writePlaylist(parser.value(QStringLiteral("out")), list, format);
        out(QStringLiteral("wrote playlist \"%1\" (%2 tracks) as %3 to %4\n")
                .arg(stored.name)
                .arg(list.entries.size())
                .arg(io::toString(format), parser.value(QStringLiteral("out"))));
        return Ok;
    });
}

} // namespace orrery::cli
