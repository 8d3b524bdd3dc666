#pragma once

#include "base/embeddingset.h"
#include "embed/sgns.h"

#include <QJsonObject>

namespace orrery {
class Project;

/// The options a skip-gram run was trained with, as stored in an embedding set's params.
QJsonObject sgnsParams(const SgnsOptions &options);

/// A trained result as an embedding set (method "sgns", the kind of its items, the options as
/// params, tokens/s, per-epoch loss and vocabulary as stats), ready to name and save.
EmbeddingSet sgnsEmbeddingSet(Project &project, SgnsResult result, const SgnsOptions &options);

} // namespace orrery
