#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"

#include <vector>

namespace orrery {

/// Exact k nearest neighbours by cosine similarity, by blocked matrix products (Eigen).
/// The ground truth that approximate indexes are measured against, and the search used
/// below the index's size threshold.
struct Neighbours {
    int k = 0;
    std::vector<qint32> index; ///< rows × k row indices, nearest first
    std::vector<float> similarity; ///< rows × k cosine similarities
    const qint32 *of(qint64 row) const { return index.data() + row * k; }
};

/// Neighbours of every row of `data` among all rows, excluding the row itself.
Neighbours exactKnn(const RowMatrixXf &data, int k, JobContext &job);
/// Neighbours of each query row among the rows of `data` (nothing excluded).
Neighbours exactKnn(const RowMatrixXf &data, const RowMatrixXf &queries, int k, JobContext &job);

/// Rows scaled to unit length (zero rows stay zero).
RowMatrixXf normalizedRows(const RowMatrixXf &m);

/// Fraction of rows whose neighbours share the row's label, averaged over rows that have a
/// label (neighbours without a label count as disagreeing). Labels: one per row, -1 for none.
double labelAgreement(const Neighbours &nn, const std::vector<int> &labels);

} // namespace orrery
