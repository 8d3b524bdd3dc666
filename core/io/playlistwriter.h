#pragma once

#include <QByteArray>
#include <QString>

#include <optional>
#include <span>
#include <vector>

namespace orrery {
class Project;
}

namespace orrery::io {

/// Formats a list of tracks can be written in. Each re-imports (orrery-cli import) with the same
/// source keys, in the same order.
enum class PlaylistFormat { M3u8, Xspf, Csv, Json };

/// "m3u8", "xspf", "csv", "json".
QString toString(PlaylistFormat format);
bool fromString(const QString &name, PlaylistFormat *format);

/// One track of a list to write.
struct PlaylistEntry {
    qint64 itemId = 0;
    QString key; ///< the source key, as imported
    QString identity; ///< item.identity: "at:…" marks a track known only by artist and title
    QString title;
    QString artist;
    QString album;
    double duration = -1; ///< seconds, -1 when unknown
    QString artistUri, albumUri; ///< from an MPD import's attributes (JSON export writes them back)
    std::optional<float> score; ///< for recommendations
    QString because; ///< key of the seed that contributed most, for recommendations
};

struct PlaylistExport {
    QString name;
    std::vector<PlaylistEntry> entries;
};

/// Keys (the dataset's first), display fields and durations of items, in the given order.
std::vector<PlaylistEntry> playlistEntries(Project &project, std::span<const qint64> itemIds, qint64 datasetId = 0);

/// A stored playlist (sequence) by its source key, within one dataset when datasetId is set.
struct StoredPlaylist {
    qint64 itemId = 0; ///< 0 when no playlist has the key
    qint64 datasetId = 0;
    QString name;
    std::vector<qint64> items; ///< its entries, in order
};
/// The playlist with source key `key` in dataset `datasetId`, or in any dataset when 0 (then
/// throws Error naming the datasets when the key is in several). itemId 0 when there is none.
StoredPlaylist loadPlaylist(Project &project, const QString &key, qint64 datasetId = 0);

/// The bytes of a list in a format:
/// - M3U8: `#EXTM3U`, `#PLAYLIST:name`, then `#EXTINF:seconds,Artist - Title` and the key as the
///   location line (the M3U importer's key is that line);
/// - XSPF: `<location>` for keys that look like URIs or paths, `<identifier>` for other keys, and
///   only `<creator>`/`<title>` for tracks known by artist and title (so the key is derived again);
/// - CSV: `playlist,position,artist,track,album,uri,duration[,score,because]`, RFC 4180 quoting,
///   the key in `uri` (empty for artist-and-title tracks);
/// - JSON: one playlist in the Spotify MPD schema (`track_uri` holds the key; score and reason as
///   extra track fields).
/// Throws Error naming the track when a key cannot be written so that it reads back the same
/// (an M3U location line cannot start with `#`, hold a line break or surrounding blanks).
QByteArray formatPlaylist(const PlaylistExport &list, PlaylistFormat format);

/// formatPlaylist into a file. Throws Error (with the path) when it cannot be written.
void writePlaylist(const QString &path, const PlaylistExport &list, PlaylistFormat format);

} // namespace orrery::io
