#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"

#include <QStringList>

#include <Eigen/Core>

#include <memory>
#include <string_view>

namespace orrery {
class Project;

/// Options of the MBAT record encoder. Key paths are dotted (`region`, `name.common`); the
/// elements of an array share the path of the array plus `.*` (`latlng.*`, `items.*.name`).
/// A field selects its path and everything below it: `name` covers `name.common` and `name.native.*`.
struct MbatOptions {
    int dim = 256;
    quint64 seed = 1;
    QStringList fields; ///< when not empty, only these paths (and what lies below them) count
    QStringList excludeFields; ///< paths left out, applied after `fields`
    bool orderAwareArrays = false; ///< element i multiplied by Pⁱ, so [a, b] differs from [b, a]
    int levels = 8; ///< level vectors per numeric path, at most dim
};

/// Encodes JSON records as fixed vectors by binding with orthogonal matrices (MBAT, Gallant
/// 2022, arXiv 2202.04771), the same on every machine for the same options:
///
/// - object: normalise(Σₖ Q_path(k) · enc(vₖ)); each key path has its own orthogonal Q;
/// - array: normalise(Σᵢ enc(xᵢ)), or Σᵢ Pⁱ enc(xᵢ) with a fixed orthogonal P when order-aware;
/// - string: normalise(Σ atom(token)) over its Tokenizer tokens (the whole string as one atom
///   when it has no word in it); an atom is a Gaussian vector seeded from the token's FNV-1a hash;
/// - number: interpolated linearly between the two nearest of `levels` orthonormal level vectors
///   of its path, placed by the path's observed min/max (on a log scale when all values are
///   positive and span three decades or more): similarity falls from 1 to 0 over one level
///   spacing, (max − min) / (levels − 1);
/// - true, false and null: atoms of their own.
///
/// Q_path = B · S_path: B is one Haar-random orthogonal matrix (Householder QR of a seeded
/// Gaussian) and S_path a signed permutation seeded from the FNV-1a hash of the path. A dense
/// QR per path would cost O(dim³) time and dim² floats for each of the thousands of paths real
/// records have (1,211 in the countries set); S_path keeps Q_a x and Q_b x as uncorrelated as
/// Haar matrices would while costing O(dim) per path, and B mixes the coordinates between levels.
class MbatEncoder final {
public:
    explicit MbatEncoder(const MbatOptions &options);
    ~MbatEncoder();
    MbatEncoder(const MbatEncoder &) = delete;
    MbatEncoder &operator=(const MbatEncoder &) = delete;

    /// First pass: widens the numeric ranges with the numbers of one record. Throws Error on
    /// invalid JSON.
    void observe(std::string_view json);
    /// Second pass: the unit vector of one record (zero when no selected field has a value).
    /// Numbers on paths never observed sit on their path's lowest level. Throws Error on invalid JSON.
    Eigen::VectorXf encode(std::string_view json);

    /// The dense binding matrix of a key path (for tests and inspection).
    Eigen::MatrixXf keyMatrix(const QString &path);
    /// The matrix P of order-aware arrays.
    Eigen::MatrixXf arrayMatrix();
    /// Distinct key paths bound so far, and those that held numbers.
    qint64 keyPaths() const;
    qint64 numericPaths() const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

/// FNV-1a, 64 bits: a hash that is the same on every machine and compiler (std::hash is not).
quint64 fnv1a64(std::string_view bytes, quint64 hash = 0xcbf29ce484222325ull);

/// One unit vector per Record item of the dataset (ids in item-id order, kind Record,
/// method "mbat"), from the JSON each record keeps in its attributes. Two passes: numeric
/// ranges, then encoding. Records with no selected value get a zero row (stats `empty_records`).
EmbeddingSet mbatRecords(Project &project, qint64 datasetId, const MbatOptions &options, JobContext &job);

} // namespace orrery
