#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"

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

} // namespace orrery
