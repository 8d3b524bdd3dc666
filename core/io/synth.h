#pragma once

#include <utility>
#include <vector>

#include "base/jobcontext.h"

#include <QString>

namespace orrery::io {

struct SynthOptions {
    qint64 playlists = 1000;
    quint64 seed = 1;
    int playlistsPerFile = 1000; ///< as in the real MPD slices
    int genres = 16;
    qint64 tracks = 0; ///< catalogue size; 0 picks one in proportion to the playlists
};

struct SynthStats {
    qint64 files = 0;
    qint64 playlists = 0;
    qint64 entries = 0;
    qint64 tracks = 0; ///< catalogue size
    qint64 artists = 0;
    qint64 bytes = 0;
};

/// Writes a synthetic corpus in the Spotify Million Playlist Dataset schema, pretty-printed
/// like the real slices (`mpd.slice.A-B.json`). Artists and genres are latent clusters:
/// a playlist draws most tracks from one or two genres with Zipf popularity, and often
/// several from the same artist; lengths run from 5 to 250 with a mean near 66, as in MPD.
/// The output depends only on the options (same seed, same bytes, on any machine).
SynthStats writeSynthMpd(const QString &outDir, const SynthOptions &options, JobContext &job);

/// The name of a synthetic genre.
QString synthGenreName(int genre);

/// The latent genre of every track writeSynthMpd writes with these options, as (track URI,
/// genre name) pairs: the ground truth a map or a recommender can be checked against.
std::vector<std::pair<QString, QString>> synthTrackGenres(const SynthOptions &options);

/// Writes synthTrackGenres as `track URI <TAB> genre name` lines (UTF-8, no header), the
/// labels file `orrery-cli probe --labels` reads. Returns the number of lines; throws Error
/// naming the file when it cannot be written.
qint64 writeSynthTrackGenres(const QString &path, const SynthOptions &options);

} // namespace orrery::io
