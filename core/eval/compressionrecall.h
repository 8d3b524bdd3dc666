#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"

#include <QJsonObject>

namespace orrery {

/// recall@k of approximations against exact cosine search on the full float vectors, for
/// `queries` rows sampled with `seed`: int8 codes, and prefixes of 32 and 64 dimensions
/// (after pcaRotate, when the set has a rotation). Keys: recall_int8, recall_prefix32, …
QJsonObject compressionRecall(const EmbeddingSet &set, int k, int queries, quint64 seed, JobContext &job);

} // namespace orrery
