#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"

#include <vector>

namespace orrery {
class WorkerPool;

/// Trustworthiness T(k) of a 2D layout (Venna & Kaski 2001; the formula of
/// sklearn.manifold.trustworthiness): 1 − 2 / (m·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k),
/// where Uₖ(i) are the k nearest neighbours of i in the layout that are not among its k nearest
/// in the high-dimensional space, and r(i, j) is j's exact rank among all n rows by cosine
/// similarity to i. Averaged over `sample` points drawn with `seed` (all when sample ≤ 0 or ≥ n),
/// so m = min(sample, n). 1 means every layout neighbour is a true neighbour; a random layout
/// scores about 0.5. `xy` holds n × 2 coordinates (Euclidean in 2D).
double trustworthiness(const RowMatrixXf &high, const std::vector<double> &xy, int k, qint64 sample, quint64 seed);

/// The same with a cancel check and the given workers.
double trustworthiness(const RowMatrixXf &high, const std::vector<double> &xy, int k, qint64 sample, quint64 seed,
                       WorkerPool &pool, JobContext &job);

/// `count` distinct indices of [0, n) drawn with `seed`, in increasing order (all when count ≥ n).
std::vector<qint64> sampleIndices(qint64 n, qint64 count, quint64 seed);

} // namespace orrery
