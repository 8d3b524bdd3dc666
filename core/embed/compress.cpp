#include "compress.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace orrery {

void quantizeInt8(EmbeddingSet &set)
{
    const auto m = set.matrix();
    set.scales.assign(size_t(set.dim), 0.f);
    for (int d = 0; d < set.dim; ++d) {
        const float maxAbs = m.col(d).cwiseAbs().maxCoeff();
        set.scales[size_t(d)] = maxAbs > 0 ? maxAbs / 127.f : 1.f;
    }
    set.quantized.resize(set.vectors.size());
    for (qint64 i = 0; i < set.count(); ++i) {
        const auto r = set.row(i);
        for (int d = 0; d < set.dim; ++d)
            set.quantized[size_t(i * set.dim + d)] = qint8(
                std::clamp(std::lround(r[size_t(d)] / set.scales[size_t(d)]), -127L, 127L));
    }
}

RowMatrixXf dequantized(const EmbeddingSet &set)
{
    RowMatrixXf out(set.count(), set.dim);
    for (qint64 i = 0; i < set.count(); ++i)
        for (int d = 0; d < set.dim; ++d)
            out(i, d) = float(set.quantized[size_t(i * set.dim + d)]) * set.scales[size_t(d)];
    return out;
}

void pcaRotate(EmbeddingSet &set)
{
    auto m = set.matrix();
    const Eigen::RowVectorXd mean = m.cast<double>().colwise().mean();
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(set.dim, set.dim);
    constexpr Eigen::Index Block = 4096;
    for (Eigen::Index start = 0; start < m.rows(); start += Block) {
        const Eigen::Index rows = std::min(Block, m.rows() - start);
        const Eigen::MatrixXd centred = m.middleRows(start, rows).cast<double>().rowwise() - mean;
        cov.noalias() += centred.transpose() * centred;
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    // Eigen sorts eigenvalues ascending; the rotation puts the largest first.
    const Eigen::MatrixXf axes = eig.eigenvectors().rowwise().reverse().cast<float>();
    // Rotating about the origin keeps inner products and cosines (axes are orthonormal).
    RowMatrixXf rotated = m * axes;
    m = rotated;
    set.rotation.resize(size_t(set.dim) * size_t(set.dim));
    Eigen::Map<RowMatrixXf>(set.rotation.data(), set.dim, set.dim) = axes;
}

} // namespace orrery
