#pragma once

#include "embed/embeddingset.h"
#include "jobs/jobcontext.h"

#include <QJsonObject>

namespace orrery {

/// Int8 scalar quantisation with one scale per dimension (scale[d] = max |v[d]| / 127).
/// Fills set.quantized and set.scales; the float vectors stay.
void quantizeInt8(EmbeddingSet &set);
/// The float rows the int8 codes stand for.
RowMatrixXf dequantized(const EmbeddingSet &set);

/// Rotates the rows onto their principal axes (mean kept, axes ordered by variance), so that
/// the first d′ dimensions are the best d′-dimensional linear summary and can be used alone,
/// as Matryoshka representations are. Fills set.rotation; inner products are unchanged.
void pcaRotate(EmbeddingSet &set);

/// recall@k of approximations against exact cosine search on the full float vectors, for
/// `queries` rows sampled with `seed`: int8 codes, and prefixes of 32 and 64 dimensions
/// (after pcaRotate, when the set has a rotation). Keys: recall_int8, recall_prefix32, …
QJsonObject compressionRecall(const EmbeddingSet &set, int k, int queries, quint64 seed, JobContext &job);

} // namespace orrery
