#pragma once

#include "index/vectorindex.h"

#include <functional>
#include <span>
#include <vector>

namespace orrery {

/// A neighbour's similarity in three forms: the raw cosine the index ranks by, the cosine after
/// removing the set's common direction, and where that centred value falls among random pairs.
struct ReadableSimilarity {
    float cosine = 0;
    float centred = 0;
    float percentile = 0; ///< share of random pairs of the set with a lower centred cosine, in [0, 1]
};

/// Makes similarities in a set whose vectors share one strong direction readable. SGNS song
/// vectors, for instance, all lie near one direction (yes_small: the mean unit vector has norm
/// 0.72), so every neighbour shows cosine 0.995–0.999 and a random pair 0.45; subtracting the
/// mean unit vector before the cosine spreads them out while barely changing who is near whom.
/// Computed once per index (a pass over its rows and a seeded sample of random pairs) and then
/// applied to any neighbour list of that index; a copyable value, safe to share across threads.
class SimilarityScale final {
public:
    SimilarityScale() = default;
    /// The scale of an index's rows: their unit-length mean, and the centred cosines of `pairs`
    /// random pairs of distinct rows drawn with `seed`.
    static SimilarityScale of(const VectorIndex &index, int pairs = 4000, quint64 seed = 1);
    /// The same over bare rows (each scaled to unit length first).
    static SimilarityScale of(const RowMatrixXf &rows, int pairs = 4000, quint64 seed = 1);

    bool isValid() const { return !m_mean.empty(); }
    int dim() const { return int(m_mean.size()); }
    /// The mean of the unit-length rows; its norm says how strong the common direction is
    /// (0: none, 1: every row the same).
    const std::vector<float> &mean() const { return m_mean; }
    float commonDirection() const { return m_meanNorm; }
    /// Sorted centred cosines of the random pairs.
    const std::vector<float> &randomPairs() const { return m_random; }

    /// cos(â − m, b̂ − m) with â, b̂ the vectors at unit length and m the mean; 0 when either
    /// centred vector vanishes.
    float centred(std::span<const float> a, std::span<const float> b) const;
    /// Share of the random pairs whose centred cosine is below `centred`.
    float percentile(float centred) const;

    /// The readable form of each neighbour of `query` (a vector of the index's space, e.g. the
    /// item's own row) found in `index`; `cosine` is Neighbour::similarity as it was.
    std::vector<ReadableSimilarity> apply(const VectorIndex &index, std::span<const float> query,
                                          const std::vector<Neighbour> &neighbours) const;

private:
    void finish(const std::function<std::vector<float>(qint64)> &row, qint64 rows, int pairs, quint64 seed);

    std::vector<float> m_mean;
    float m_meanNorm = 0;
    std::vector<float> m_random;
};

} // namespace orrery
