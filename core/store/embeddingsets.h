#pragma once

#include "base/embeddingset.h"

#include <QString>

#include <vector>

namespace orrery {
class Project;

/// Stores a set; a set with the same name is replaced when `replace` is set, else Error.
/// Returns the new row id.
qint64 saveEmbeddingSet(Project &project, EmbeddingSet &set, bool replace = false);
/// Deletes a set with its indexes and layouts (and the index side files no longer named);
/// false when there is no set of that name.
bool deleteEmbeddingSet(Project &project, const QString &name);
/// Loads a set by name with one read per blob (no per-row overhead). Throws Error when unknown.
EmbeddingSet loadEmbeddingSet(Project &project, const QString &name);
/// The item ids of a set's rows, in row order, without reading its vectors; empty when no set
/// has the id. Sets `*datasetId` (0 when the set has none, or there is no such set).
std::vector<qint64> embeddingSetIds(Project &project, qint64 setId, qint64 *datasetId = nullptr);

/// A set's item ids, row by row, without its vectors. Throws Error when unknown.
std::vector<qint64> loadEmbeddingSetIds(Project &project, const QString &name);
/// The set of song vectors behind `name`: the set itself when it holds tracks, else the set it was
/// pooled from (its params' "from") when that one does; empty when neither (or no such set).
QString trackSetBehind(Project &project, const QString &name);

} // namespace orrery
