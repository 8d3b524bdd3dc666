#pragma once

#include "embed/embeddingset.h"

#include <QString>

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

} // namespace orrery::io
