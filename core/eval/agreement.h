#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "index/vectorindex.h"

#include <vector>

namespace orrery {

/// How far two embeddings of the same items agree on who is near whom: per point, the share of
/// its k nearest neighbours in A that are also among its k nearest in B (the point itself never
/// counts). 1 when both see the same neighbourhood, about k / n for unrelated ones.
struct NeighbourhoodAgreement {
    int k = 0; ///< the k used (at most rows − 1)
    std::vector<float> perPoint; ///< one value in [0, 1] per row
    double mean = 0;
};

struct AgreementOptions {
    int k = 10;
    /// Cosine for embeddings; L2 for 2D layouts, where the angle to the origin means nothing.
    Metric metric = Metric::Cosine;
    int threads = 0; ///< ≤ 0: one per hardware thread
    /// Up to this many rows the neighbours are exact (blocked products on the threads); above,
    /// an HNSW index (VectorIndex) of each side answers, at its tuned recall.
    qint64 exactThreshold = 50000;
};

/// Agreement of two matrices whose rows are the same points in the same order (any dimensions:
/// two embedding sets, two layouts as n × 2, or one of each). Reports progress and checks `job`
/// for a cancel between blocks (Cancelled). Throws Error when the row counts differ.
NeighbourhoodAgreement neighbourhoodAgreement(const RowMatrixXf &a, const RowMatrixXf &b,
                                              const AgreementOptions &options, JobContext &job);

/// Rows of two sets that hold the same item: ids[i] is at row rowsA[i] of A and rowsB[i] of B,
/// in A's row order.
struct SharedRows {
    std::vector<qint64> ids;
    std::vector<qint64> rowsA;
    std::vector<qint64> rowsB;
};
SharedRows sharedRows(const std::vector<qint64> &idsA, const std::vector<qint64> &idsB);

/// The listed rows of a row-major float matrix (`dim` columns), or of an n × 2 layout.
RowMatrixXf gatherRows(const std::vector<float> &data, int dim, const std::vector<qint64> &rows);
RowMatrixXf gatherRows(const std::vector<double> &xy, const std::vector<qint64> &rows);

/// Agreement of two embedding sets over the items they share (matched by item id); `ids` says
/// which item each per-point value belongs to. Throws Error when they share fewer than 2 items.
struct SetAgreement {
    std::vector<qint64> ids;
    NeighbourhoodAgreement agreement;
};
SetAgreement setAgreement(const EmbeddingSet &a, const EmbeddingSet &b, const AgreementOptions &options,
                          JobContext &job);

} // namespace orrery
