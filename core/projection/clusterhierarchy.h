#pragma once

#include "base/clustering.h"

#include <QList>

#include <vector>

namespace orrery {

/// The finest clusters (ids 0 … k−1 at level 0, with their centroids, k × dim row-major, and
/// sizes) and coarser levels merged from them by Ward's criterion (the merge that least raises
/// the within-cluster sum of squares, ΔE = nₐn_b/(nₐ+n_b)·‖cₐ−c_b‖²): levels of about k/4,
/// k/16, … clusters while a level keeps at least `smallest` (and fewer than the one below).
/// Ward merges nest, so each cluster's parent is the level-above cluster that holds it; ids run on
/// over the levels and top-level clusters have parent −1. Sizes are the sums of the children's.
QList<Cluster> clusterHierarchy(const std::vector<double> &centroids, const std::vector<qint64> &sizes, int dim,
                                int smallest = 4);

/// Centroids (k × dim, row-major, double) of the rows of `data` under `assignment` (−1 skipped).
std::vector<double> clusterCentroids(const float *data, qint64 n, int dim, const std::vector<qint32> &assignment,
                                     int k);
/// The same for 2D points (x at 2i, y at 2i + 1).
std::vector<double> clusterCentroids2d(const double *xy, qint64 n, const std::vector<qint32> &assignment, int k);

} // namespace orrery
