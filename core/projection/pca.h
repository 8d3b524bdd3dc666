#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"

#include <Eigen/Core>

#include <vector>

namespace orrery {

/// Principal axes of a matrix's rows.
struct PcaResult {
    Eigen::RowVectorXd mean; ///< 1 × dim
    Eigen::MatrixXd axes; ///< dim × components, unit columns, leading variance first
    Eigen::VectorXd variances; ///< variance along each axis (covariance eigenvalues, n − 1 denominator)
    bool randomized = false; ///< true when found by the randomised range finder
};

/// Dimensions up to which principalAxes diagonalises the full covariance; above, it uses the
/// randomised range finder, which costs O(n·dim·components) instead of O(n·dim² + dim³).
constexpr int ExactPcaMaxDim = 512;

/// The `components` leading principal axes of the rows of `data` (centred), in double precision.
/// Exact up to ExactPcaMaxDim dimensions: SelfAdjointEigenSolver on the dim × dim covariance.
/// Above: randomised (Halko, Martinsson & Tropp 2011) with 10 extra columns and 4 power
/// iterations from a Gaussian start drawn from `seed`. Signs are fixed so that each axis's
/// largest-magnitude loading is positive, so the result does not depend on the solver.
PcaResult principalAxes(const RowMatrixXf &data, int components, quint64 seed, JobContext &job);

/// The rows of `data`, centred and projected on the axes: count × components, row-major.
std::vector<double> pcaCoordinates(const RowMatrixXf &data, const PcaResult &pca);

} // namespace orrery
