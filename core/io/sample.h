#pragma once

#include "base/jobcontext.h"

#include <QString>

namespace orrery::io {

/// The names of the datasets createSampleProject writes, in order.
inline constexpr const char *samplePlaylistsName = "Sample playlists";
inline constexpr const char *sampleArticlesName = "Sample articles";
inline constexpr const char *sampleRecordsName = "Sample records";

/// Creates (or overwrites) a project at `projectPath` holding three small datasets generated
/// without network or shared data, the same bytes on every run:
/// - "Sample playlists": 300 synthetic MPD playlists over 8 latent genres (seed 42);
/// - "Sample articles": 40 short English articles in four labelled folders (science, sport,
///   music, travel), read as text documents;
/// - "Sample records": 60 nested JSON records (planets, dwarf planets, moons and telescopes).
/// The project is built beside `projectPath` and renamed over it only when complete, so a
/// failure or cancel leaves any previous file as it was. Callers must not hold the old file
/// open. Takes a fraction of a second. Throws Error (or Cancelled); returns `projectPath`.
QString createSampleProject(const QString &projectPath, JobContext &job);

} // namespace orrery::io
