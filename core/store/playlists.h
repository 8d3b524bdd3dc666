#pragma once

#include <QString>

#include <span>
#include <vector>

namespace orrery {
class Project;

/// What a playlist file writes for one track.
struct TrackFields {
    qint64 itemId = 0;
    bool found = false; ///< false when no item has the id (the other fields are then empty)
    QString identity; ///< item.identity
    QString key; ///< the dataset's source key, else the item's first key
    QString title, artist, album; ///< empty when unset
    double duration = -1; ///< seconds (attrs duration, or duration_ms / 1000), -1 when unknown
    QString artistUri, albumUri; ///< attrs artist_uri and album_uri, or empty
};
/// The fields of each id, in order, with keys from dataset `datasetId` (0: the items' own keys).
std::vector<TrackFields> trackFields(Project &project, std::span<const qint64> itemIds, qint64 datasetId = 0);

/// A stored playlist (sequence) found by its source key.
struct PlaylistMatch {
    qint64 itemId = 0;
    qint64 datasetId = 0;
    QString dataset; ///< the dataset's name
    QString title; ///< empty when unset
    std::vector<qint64> entries; ///< its items, in order
};
/// The playlists whose source key is `key`, in dataset `datasetId` or (when 0) in any
/// dataset, by dataset id; empty when there is none.
std::vector<PlaylistMatch> playlistsWithKey(Project &project, const QString &key, qint64 datasetId = 0);

} // namespace orrery
