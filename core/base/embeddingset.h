#pragma once

#include "base/types.h"

#include <QJsonObject>
#include <QString>

#include <Eigen/Core>

#include <span>
#include <vector>

namespace orrery {
using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A set of fixed-length vectors, one per item, as computed or imported. Copyable value:
/// row i belongs to item ids[i]; rows are contiguous float32 (count × dim, row-major).
struct EmbeddingSet {
    qint64 id = 0; ///< row id in the project, 0 until saved
    QString name;
    qint64 datasetId = 0;
    ItemKind kind = ItemKind::Vector;
    QString method; ///< e.g. "sgns", "mean", "sif", "pyramid", "positional", "mbat", "lsa", "imported"
    QJsonObject params; ///< what it was computed with
    QJsonObject stats; ///< training statistics and quality figures
    int dim = 0;
    std::vector<qint64> ids;
    std::vector<float> vectors;
    /// Optional int8 scalar quantisation: q = round(v / scale[d]), one scale per dimension.
    std::vector<qint8> quantized;
    std::vector<float> scales;
    /// Optional PCA rotation (dim × dim, row-major): rows of `vectors` were multiplied by it,
    /// so the first d′ dimensions carry the most variance (Matryoshka-style prefixes).
    std::vector<float> rotation;

    qint64 count() const { return qint64(ids.size()); }
    std::span<const float> row(qint64 i) const { return {vectors.data() + i * dim, size_t(dim)}; }
    std::span<float> row(qint64 i) { return {vectors.data() + i * dim, size_t(dim)}; }
    Eigen::Map<const RowMatrixXf> matrix() const { return {vectors.data(), Eigen::Index(ids.size()), dim}; }
    Eigen::Map<RowMatrixXf> matrix() { return {vectors.data(), Eigen::Index(ids.size()), dim}; }
    /// Scales every row to unit length (zero rows stay zero).
    void normalizeRows();
};

} // namespace orrery
