#include "pca.h"

#include "base/random.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>

#include <algorithm>

namespace orrery {

namespace {

constexpr Eigen::Index Block = 4096;

Eigen::MatrixXd centredRows(const RowMatrixXf &data, Eigen::Index start, Eigen::Index rows,
                            const Eigen::RowVectorXd &mean)
{
    Eigen::MatrixXd b = data.middleRows(start, rows).cast<double>();
    b.rowwise() -= mean;
    return b;
}

void fixSigns(Eigen::MatrixXd &axes)
{
    for (Eigen::Index c = 0; c < axes.cols(); ++c) {
        Eigen::Index best = 0;
        axes.col(c).cwiseAbs().maxCoeff(&best);
        if (axes(best, c) < 0)
            axes.col(c) *= -1.0;
    }
}

Eigen::MatrixXd orthonormal(const Eigen::MatrixXd &m)
{
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(m);
    return qr.householderQ() * Eigen::MatrixXd::Identity(m.rows(), m.cols());
}

/// Xc · right, by blocks of rows (n × right.cols()).
Eigen::MatrixXd timesRight(const RowMatrixXf &data, const Eigen::RowVectorXd &mean, const Eigen::MatrixXd &right,
                           JobContext &job)
{
    Eigen::MatrixXd out(data.rows(), right.cols());
    for (Eigen::Index start = 0; start < data.rows(); start += Block) {
        job.checkCancelled();
        const Eigen::Index rows = std::min(Block, data.rows() - start);
        out.middleRows(start, rows).noalias() = centredRows(data, start, rows, mean) * right;
    }
    return out;
}

/// Xcᵀ · left, by blocks of rows (dim × left.cols()).
Eigen::MatrixXd transposeTimes(const RowMatrixXf &data, const Eigen::RowVectorXd &mean, const Eigen::MatrixXd &left,
                               JobContext &job)
{
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(data.cols(), left.cols());
    for (Eigen::Index start = 0; start < data.rows(); start += Block) {
        job.checkCancelled();
        const Eigen::Index rows = std::min(Block, data.rows() - start);
        out.noalias() += centredRows(data, start, rows, mean).transpose() * left.middleRows(start, rows);
    }
    return out;
}

} // namespace

PcaResult principalAxes(const RowMatrixXf &data, int components, quint64 seed, JobContext &job)
{
    const Eigen::Index n = data.rows(), dim = data.cols();
    PcaResult result;
    result.mean = Eigen::RowVectorXd::Zero(dim);
    result.axes = Eigen::MatrixXd::Zero(dim, components);
    result.variances = Eigen::VectorXd::Zero(components);
    if (n == 0 || dim == 0)
        return result;
    for (Eigen::Index start = 0; start < n; start += Block) {
        const Eigen::Index rows = std::min(Block, n - start);
        result.mean += data.middleRows(start, rows).cast<double>().colwise().sum();
    }
    result.mean /= double(n);
    const int k = int(std::min<Eigen::Index>(components, dim));
    const double denominator = double(std::max<Eigen::Index>(1, n - 1));

    if (dim <= ExactPcaMaxDim) {
        Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(dim, dim);
        for (Eigen::Index start = 0; start < n; start += Block) {
            job.checkCancelled();
            const Eigen::Index rows = std::min(Block, n - start);
            const Eigen::MatrixXd b = centredRows(data, start, rows, result.mean);
            cov.selfadjointView<Eigen::Lower>().rankUpdate(b.transpose());
        }
        cov = cov.selfadjointView<Eigen::Lower>();
        cov /= denominator;
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
        for (int c = 0; c < k; ++c) {
            result.axes.col(c) = eig.eigenvectors().col(dim - 1 - c);
            result.variances(c) = std::max(0.0, eig.eigenvalues()(dim - 1 - c));
        }
    } else {
        const Eigen::Index width = std::min<Eigen::Index>(dim, k + 10);
        Random rng(seed);
        Eigen::MatrixXd omega(dim, width);
        for (Eigen::Index c = 0; c < width; ++c)
            for (Eigen::Index r = 0; r < dim; ++r)
                omega(r, c) = rng.normal();
        Eigen::MatrixXd y = orthonormal(timesRight(data, result.mean, omega, job));
        for (int power = 0; power < 4; ++power) {
            const Eigen::MatrixXd z = orthonormal(transposeTimes(data, result.mean, y, job));
            y = orthonormal(timesRight(data, result.mean, z, job));
        }
        // B = Yᵀ Xc is width × dim; its right singular vectors are the axes.
        const Eigen::MatrixXd bt = transposeTimes(data, result.mean, y, job);
        const Eigen::JacobiSVD<Eigen::MatrixXd> svd(bt, Eigen::ComputeThinU);
        for (int c = 0; c < k; ++c) {
            result.axes.col(c) = svd.matrixU().col(c);
            result.variances(c) = svd.singularValues()(c) * svd.singularValues()(c) / denominator;
        }
        result.randomized = true;
    }
    fixSigns(result.axes);
    return result;
}

std::vector<double> pcaCoordinates(const RowMatrixXf &data, const PcaResult &pca)
{
    const Eigen::Index n = data.rows(), k = pca.axes.cols();
    std::vector<double> out(static_cast<size_t>(n * k));
    for (Eigen::Index start = 0; start < n; start += Block) {
        const Eigen::Index rows = std::min(Block, n - start);
        Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> block(out.data() + start * k,
                                                                                                 rows, k);
        block.noalias() = centredRows(data, start, rows, pca.mean) * pca.axes;
    }
    return out;
}

} // namespace orrery
