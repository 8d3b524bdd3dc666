#pragma once

#include "index/exactknn.h"

namespace orrery {

/// The k-nearest-neighbour graph of all rows (cosine, self excluded), which t-SNE and UMAP
/// start from. Exact below `exactThreshold` rows, approximate (HNSW) above.
Neighbours buildKnnGraph(const RowMatrixXf &data, int k, JobContext &job, qint64 exactThreshold = 20000);

} // namespace orrery
