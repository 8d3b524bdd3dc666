#pragma once

#include "io/importer.h"

#include <QString>

namespace orrery::io {

/// One line saying in plain words what an import brought: the dataset's own items by its kind
/// (songs in playlists, documents and their words, records, vectors) with the playlists' or
/// documents' entries, tag and label assignments, vectors, bad records skipped, how many items
/// were new to the project (for playlists and documents, the sequences' own items included) and
/// the time taken, e.g. `imported "mix" (csv, 1 file): 3 songs in 2 playlists with 5 entries;
/// 5 items new to the project, songs and playlists together; 0.01 s`. No trailing newline.
QString describeImport(const ImportResult &result);

} // namespace orrery::io
