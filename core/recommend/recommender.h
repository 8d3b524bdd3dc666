#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "recommend/playlistknn.h"
#include "store/corpus.h"

#include <QString>

#include <array>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace orrery {
class VectorIndex;
class Project;

/// The recommenders. Popularity is the baseline; the blend mixes the others.
enum class RecommendMethod { Popularity, Centroid, Attention, Cooccurrence, PlaylistKnn, Blend };

/// "popularity", "centroid", "attention", "cooc", "pknn", "blend".
QString toString(RecommendMethod method);
bool fromString(const QString &name, RecommendMethod *method);

/// One proposed item: its score under the method, and the seed that contributed most to it
/// ("because you have X"), 0 when none did (the popularity list and its fill).
struct Recommendation {
    qint64 itemId = 0;
    float score = 0;
    qint64 becauseItemId = 0;
    friend bool operator==(const Recommendation &, const Recommendation &) = default;
};

/// What to recommend for.
struct RecommendRequest {
    std::vector<qint64> seeds; ///< item ids; unknown ones are ignored
    std::vector<qint64> negatives; ///< "not like these": never proposed, and items near them are damped
    int n = 500;
    bool excludeSeeds = true;
    int maxPerArtist = 0; ///< 0: no cap
    double mmrLambda = 1; ///< maximal marginal relevance: 1 ranks by relevance only, lower trades it for variety
};

/// Weights of the blend's components (each normalised per query to a maximum of 1).
struct BlendWeights {
    double popularity = 0.03;
    double centroid = 0.1;
    double attention = 0.02;
    double cooccurrence = 0.03;
    double playlists = 1.0;
    static constexpr int size = 5;
    std::array<double, size> array() const { return {popularity, centroid, attention, cooccurrence, playlists}; }
    static BlendWeights fromArray(const std::array<double, size> &w) { return {w[0], w[1], w[2], w[3], w[4]}; }
};

/// Hyper-parameters (defaults chosen on validation playlists, see the README).
struct RecommenderParams {
    double tau = 0.3; ///< attention: seeds less similar than this to a candidate do not vote for it
    double gamma = 1.0; ///< attention: w = max(0, cos − τ)^γ
    int coocWindow = 0; ///< co-occurrence: pairs at most this far apart in a playlist; 0: the whole playlist
    double coocBeta = 0.8; ///< co-occurrence: sim(i, j) = c_ij / (pop_i^β · pop_j^(1−β)); 0.5 is the cosine
    int coocNeighbours = 200; ///< co-occurrence neighbours kept per item
    int candidatesPerSeed = 200; ///< index neighbours fetched around each seed (attention, blend)
    PlaylistKnnOptions playlistKnn; ///< playlist neighbours (pknn, blend)
    /// Project the rows' common direction (their mean) out before normalising: SGNS vectors share
    /// one (mean pairwise cosine 0.55 on yes_small), which drowns cosine thresholds.
    bool center = true;
    BlendWeights blend;
    int threads = 2; ///< threads for building the co-occurrence lists
};

/// Per-candidate component scores of one query, before blending: what the blend ranks and what
/// its weights are tuned on.
struct CandidateScores {
    std::vector<qint32> internal; ///< internal candidate numbers
    std::vector<qint64> items; ///< the item id of each candidate
    /// Components in BlendWeights order (popularity, centroid, attention, co-occurrence, playlist
    /// neighbours), each scaled so its maximum over the candidates is 1 (all zero when none scores).
    std::array<std::vector<float>, BlendWeights::size> components;
    std::array<std::vector<qint64>, BlendWeights::size> because; ///< the seed behind each component's score
    std::vector<float> damping; ///< multiplier from the negative seeds (1 without any)
};

/// Answers continuation queries from a dataset's (training) playlists and an embedding set:
/// popularity counts, item-kNN co-occurrence lists, the playlists for playlist-kNN, and the set's
/// unit vectors with a neighbour index. Built once, queried concurrently (recommend() is const and thread-safe).
class Recommender final {
public:
    /// Builds from the playlists of `training` (popularity and co-occurrence) and the rows of
    /// `set` (may be null: no vector methods). `index` is the set's stored neighbour index over
    /// its raw rows; when null, one is built over the (centred) unit rows (exact below 20,000
    /// rows). With a raw index and centring, candidates come from the raw space and are scored in
    /// the centred one. Throws Error when the corpus is empty or the set holds none of its items.
    Recommender(const Corpus &training, const EmbeddingSet *set, std::shared_ptr<const VectorIndex> index,
                const RecommenderParams &params, JobContext &job);
    ~Recommender();
    Recommender(Recommender &&) noexcept;
    Recommender &operator=(Recommender &&) noexcept;

    const RecommenderParams &params() const { return m_params; }
    void setBlend(const BlendWeights &weights) { m_params.blend = weights; }
    void setPlaylistKnn(const PlaylistKnnOptions &options) { m_params.playlistKnn = options; }
    void setAttention(double tau, double gamma)
    {
        m_params.tau = tau;
        m_params.gamma = gamma;
    }
    /// Artist of each item (any string; empty = unknown), for RecommendRequest::maxPerArtist.
    void setArtists(const std::unordered_map<qint64, QString> &artistOfItem);

    /// Ranked recommendations, at most request.n (fewer only when the catalogue runs out).
    /// Lists a method cannot fill (few candidates, or no known seed) continue in popularity order
    /// with score 0. Seeds unknown to both the playlists and the set are ignored.
    std::vector<Recommendation> recommend(RecommendMethod method, const RecommendRequest &request) const;

    /// The blend's inputs for one query (candidates of every method, every component scored).
    CandidateScores candidateScores(const RecommendRequest &request) const;
    /// Ranks candidate scores under blend weights (then the request's exclusions, cap and MMR).
    std::vector<Recommendation> rankBlend(const CandidateScores &scores, const BlendWeights &weights,
                                          const RecommendRequest &request) const;

    /// Items with at least one occurrence in the training playlists.
    qint64 catalogue() const { return qint64(m_byPopularity.size()); }
    /// Seeds of the request known to the playlists or the set.
    qint64 knownSeeds(std::span<const qint64> seeds) const;
    /// Unit vector of an item, or an empty span.
    std::span<const float> vectorOf(qint64 itemId) const;
    int dim() const { return m_dim; }
    bool hasVectors() const { return m_dim > 0; }
    qint64 popularity(qint64 itemId) const;

private:
    struct Query;
    Query prepare(const RecommendRequest &request) const;
    qint32 slotOf(qint64 itemId) const;
    const float *rowOfSlot(qint32 slot) const;
    float cosine(qint32 a, qint32 b) const;
    std::vector<qint32> indexNeighbours(qint32 seedSlot, int k) const;
    std::vector<qint32> vectorNeighbours(std::span<const float> vector, int k) const;
    std::vector<qint32> candidates(RecommendMethod method, const Query &q) const;
    const std::vector<PlaylistKnnScore> &playlistNeighbours(const Query &q) const;
    void scoreComponent(int component, const Query &q, std::span<const qint32> cands, std::span<float> score,
                        std::span<qint64> because) const;
    std::vector<Recommendation> finish(std::vector<std::pair<qint32, float>> ranked, std::span<const qint64> because,
                                       const Query &q, const std::unordered_map<qint32, size_t> *position) const;

    RecommenderParams m_params;
    std::vector<qint64> m_ids; ///< slot -> item id
    std::unordered_map<qint64, qint32> m_slots; ///< item id -> slot
    std::vector<qint64> m_count; ///< slot -> playlists holding it (training)
    std::vector<qint32> m_byPopularity; ///< slots with a count, most popular first
    std::vector<qint32> m_artist; ///< slot -> artist number, -1 unknown
    int m_dim = 0;
    RowMatrixXf m_vectors; ///< unit rows, in the set's row order
    std::vector<qint32> m_rowOfSlot; ///< -1 without a vector
    std::vector<qint32> m_slotOfRow;
    std::shared_ptr<const VectorIndex> m_index;
    bool m_indexOwnRows = false; ///< m_index was built here over m_vectors (its item ids are rows)
    std::vector<float> m_mean; ///< unit common direction projected out (zeros without centring)
    std::vector<float> m_along; ///< each row's component along it
    std::vector<float> m_norms; ///< length of each row after projecting it out
    std::vector<qint64> m_coocOffsets; ///< CSR over slots
    std::vector<qint32> m_coocSlot;
    std::vector<float> m_coocSim;
    PlaylistKnn m_playlistKnn; ///< over slots
};

/// A recommender over a project: the playlists of dataset `datasetId` (popularity, co-occurrence,
/// playlist neighbours), the rows of `set` (may be null) with its stored cosine index (built in
/// memory when missing or stale; the project is only read), and the items' artists. Throws Error
/// when the dataset has no playlists or the set holds none of their songs.
Recommender projectRecommender(Project &project, const EmbeddingSet *set, qint64 datasetId,
                               const RecommenderParams &params, JobContext &job);

} // namespace orrery
