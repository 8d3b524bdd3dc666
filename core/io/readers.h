#pragma once

#include "io/importwriter.h"

#include <QString>

namespace orrery::io {

// One reader per format. Each reads `path` into the writer and throws Error with
// `file:line[:column]: what was expected` (or `file: byte N: …`) when the file as a whole is bad.
// A problem confined to one record goes to ImportWriter::skipRecord instead.

void readM3u(const QString &path, ImportWriter &out); ///< m3u.cpp
void readPls(const QString &path, ImportWriter &out); ///< pls.cpp
void readXspf(const QString &path, ImportWriter &out); ///< xspf.cpp
void readCsv(const QString &path, ImportWriter &out); ///< csv.cpp (CSV and TSV playlists)
void readMpd(const QString &path, ImportWriter &out); ///< mpd.cpp (one slice file)
void readYes(const QString &folder, ImportWriter &out); ///< yes.cpp (a folder with train.txt …)
/// text.cpp: a folder (one document per file, label = first sub-folder) or a file (one document per line).
void readText(const QString &path, ImportWriter &out);
void readJson(const QString &path, ImportWriter &out); ///< json.cpp: array, JSONL or one object
/// vectors.cpp: vectors.tsv (+ metadata.tsv beside it), word2vec text/binary, .vec, .npy.
void readVectors(const QString &path, ImportWriter &out);

/// The playlist name for a file-based playlist: the file's base name.
QString playlistNameFromPath(const QString &path);

} // namespace orrery::io
