#pragma once

#include "base/jobcontext.h"

#include <QtGlobal>

#include <vector>

namespace orrery {

/// How densityClusters() runs.
struct DensityOptions {
    qint64 minSize = 0; ///< points a cluster needs, else its points are noise (0: max(10, n / 500))
    int grid = 0; ///< cells along the longer side (0: from n, between 32 and 1024)
    int levels = 16; ///< density thresholds tried
};

/// Density clusters of 2D points and how they were found.
struct DensityResult {
    int clusters = 0;
    std::vector<qint32> assignment; ///< cluster per point, -1 for noise; clusters numbered by size, largest first
    std::vector<qint64> sizes;
    qint64 noise = 0;
    int grid = 0; ///< cells along the longer side
    double threshold = 0; ///< smoothed points per cell a dense cell had to reach
};

/// Density clustering of `n` points (x at 2i, y at 2i + 1) on a grid, in the manner of DBSCAN
/// with a cell for its ε: points are binned, counts smoothed over each cell's 3 × 3 block, and
/// cells at or above a threshold are dense; 8-connected dense cells make a cluster. The threshold
/// is the one of `levels` quantiles of the occupied cells' densities that yields the most clusters
/// of at least minSize points (ties: the lowest, which covers most points), as HDBSCAN keeps the
/// level with the most stable clusters. Points in a sparse cell join the cluster of a dense cell
/// within two cells, else they are noise. O(n + cells); cancellable through `job`.
DensityResult densityClusters(const double *xy, qint64 n, const DensityOptions &options, JobContext &job);

} // namespace orrery
