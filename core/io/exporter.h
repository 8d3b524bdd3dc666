#pragma once

#include "base/embeddingset.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace orrery {
class Project;
}

namespace orrery::io {

enum class VectorFormat { Projector, Npy, Word2Vec };

/// Writes an embedding set for other tools. Projector: `vectors.tsv` and `metadata.tsv` (header
/// row; the source key first, then title, artist and label) in the folder `out`. Npy: a float32
/// C-order `.npy` at `out`, with `metadata.tsv` beside it. Word2Vec: text with a `count dim` header,
/// one `key v1 … vD` line per row (spaces in keys become underscores). Each re-imports with the
/// same keys. Returns the files written; throws Error.
QStringList exportVectors(Project &project, const EmbeddingSet &set, VectorFormat format, const QString &out);

/// How exportItems writes a selection.
enum class ItemFormat {
    Csv, ///< one row per item: id, key, kind, title, artist, album, labels, tags (`;`-separated), then the vector
    Json, ///< an array of objects with those fields, `attrs` as an object, `vector` (null without one)
    Projector, ///< `vectors.tsv` and `metadata.tsv` in the folder `out`, as exportVectors writes them
};

struct ItemExportResult {
    QStringList files;
    qint64 rows = 0; ///< items written
    qint64 withoutVector = 0; ///< items of `ids` with no row in the set (left out of projector files)
};

/// Writes the items `ids`, in that order (a map selection), for other tools. With `set`, each
/// item's vector from it goes along (CSV columns v1…vD, a JSON `vector`); Projector needs a set
/// and writes only the items that have a row in it. Throws Error (unknown ids are an error too).
ItemExportResult exportItems(Project &project, const std::vector<qint64> &ids, const EmbeddingSet *set,
                             ItemFormat format, const QString &out);

} // namespace orrery::io
