#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "store/corpus.h"

#include <Eigen/Core>

#include <optional>
#include <vector>

namespace orrery {

/// How item vectors become one vector per sequence (playlist or document).
enum class PoolingMethod {
    Mean, ///< average of the item vectors: a bag, order ignored
    Sif, ///< smooth inverse frequency weights, first principal component removed (Arora et al. 2017);
         ///< the removed directions are in stats `removed_components`
    Pyramid, ///< means over 1, 2 and 4 equal segments, concatenated: coarse order kept
    Positional, ///< Σᵢ Pⁱ xᵢ with a random orthogonal P: every position bound to its item
};

/// "mean", "sif", "pyramid", "positional".
QString toString(PoolingMethod method);
bool fromString(const QString &name, PoolingMethod *method);

struct PoolingOptions {
    double sifA = 1e-3; ///< SIF smoothing a in a / (a + p(w))
    int sifComponents = 1; ///< principal components SIF removes (0: the weighted average only)
    qint64 sifSampleRows = 20000; ///< rows the SIF principal component is estimated from
    std::vector<int> pyramidLevels {1, 2, 4};
    quint64 seed = 1; ///< seeds the positional matrix P
    /// Kind of the output rows; by default Document when the item vectors are words, else Playlist.
    std::optional<ItemKind> sequenceKind;
};

/// One L2-normalised row per sequence of `corpus` (ids = corpus.sequenceIds, in order).
///
/// Entries whose item has no row in `itemVectors` are dropped before pooling (positions and
/// segments refer to the known items) and counted in stats `unknown_items`; a sequence with no
/// known item gets a zero row and is counted in `empty_sequences`. The result's name and
/// dataset are left for the caller to set.
EmbeddingSet poolSequences(const Corpus &corpus, const EmbeddingSet &itemVectors, PoolingMethod method,
                           const PoolingOptions &options, JobContext &job);

/// A seeded random orthogonal matrix, distributed uniformly (Haar): the Householder QR of a
/// standard Gaussian matrix drawn from orrery::Random, columns' signs fixed by diag(R) > 0.
/// The same seed gives the same matrix on every machine.
Eigen::MatrixXf randomOrthogonal(int dim, quint64 seed);

} // namespace orrery
