#pragma once

#include "base/jobcontext.h"
#include "embed/sgns.h"
#include "recommend/recommender.h"
#include "store/corpus.h"

#include <QJsonObject>

#include <span>
#include <vector>

namespace orrery {

// RecSys Challenge 2018 metrics. G (`relevant`) is the set of withheld tracks, R (`ranked`) the
// ordered recommendations; R is first cut to `maxResults` (500 in the challenge). Duplicates in G
// count once; duplicates in R are handled as the challenge's reference code does (noted per metric).
// G must not be empty (the metrics are undefined then; these functions return 0).

/// R-precision = |G ∩ R[1:|G|]| / |G|: the distinct relevant tracks among the first |G| results
/// (a repeated result takes a slot but counts once).
double rPrecision(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults = 500);

/// NDCG = DCG / IDCG with DCG = rel₁ + Σ_{i≥2} relᵢ / log₂ i over R deduplicated (first occurrence
/// kept, after the cut), and IDCG the same sum for min(|G|, maxResults) hits in a row, as the
/// challenge's rules define it.
double ndcg(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults = 500);

/// Recommended-songs clicks = ⌊(rank of the first relevant result − 1) / 10⌋, or
/// maxResults / 10 + 1 (51) when no result is relevant.
int clicks(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults = 500);

/// |G ∩ R[1:k]| / |G|.
double recallAt(std::span<const qint64> relevant, std::span<const qint64> ranked, int k);

/// Mean pairwise 1 − cos over rows (any length; zero rows are left out), or 0 below two rows.
/// Computed in O(rows × dim) from the sum of the unit rows.
double intraListDiversity(const RowMatrixXf &rows);

/// One playlist's scores.
struct PlaylistScores {
    double rPrecision = 0;
    double ndcg = 0;
    double clicks = 0;
    double recall10 = 0;
    double recall50 = 0;
    double recall500 = 0;
};
PlaylistScores scorePlaylist(std::span<const qint64> relevant, std::span<const qint64> ranked, int maxResults = 500);

/// Sequence indices of a corpus split for evaluation.
struct HoldoutSplit {
    std::vector<qint64> train;
    std::vector<qint64> validation; ///< for tuning (the blend's weights)
    std::vector<qint64> test; ///< reported
};

/// A seeded split: `holdout` test and `validation` validation sequences are drawn among those
/// longer than `minLength`, the rest (short ones included) train. Throws Error when too few
/// sequences are eligible.
HoldoutSplit splitHoldout(const Corpus &corpus, qint64 holdout, qint64 validation, qint64 minLength, quint64 seed);

/// The corpus restricted to some sequences, with the same vocabulary and recounted counts
/// (items only in the other sequences get count 0).
Corpus subsetCorpus(const Corpus &corpus, std::span<const qint64> sequences);

/// One continuation task: seeds given, hidden tracks to find.
struct ContinuationCase {
    std::vector<qint64> seeds; ///< item ids
    std::vector<qint64> relevant; ///< distinct hidden item ids that are not seeds
};

/// Seeds are the first `k` tracks of each sequence, or `k` positions drawn with `seed` when
/// `random`; the rest, minus the seeds, is relevant. Sequences left with nothing relevant are skipped.
std::vector<ContinuationCase> continuationCases(const Corpus &corpus, std::span<const qint64> sequences, int k,
                                                bool random, quint64 seed);

/// What `evaluateContinuation` does.
struct EvaluationOptions {
    int seedsK = 5;
    bool randomSeeds = false;
    qint64 holdout = 1000; ///< test playlists
    qint64 validation = 1000; ///< validation playlists for tuning the blend; 0 keeps params.blend
    quint64 seed = 1;
    int results = 500;
    int threads = 2; ///< query threads
    bool reportValidation
        = false; ///< report on the validation playlists instead of the test ones (for tuning defaults)
    std::vector<RecommendMethod> methods = {RecommendMethod::Popularity,  RecommendMethod::Centroid,
                                            RecommendMethod::Attention,   RecommendMethod::Cooccurrence,
                                            RecommendMethod::PlaylistKnn, RecommendMethod::Blend};
    RecommenderParams params;
    /// Vectors are trained with these on the training playlists only (when no set is given).
    SgnsOptions sgns = [] {
        SgnsOptions o = SgnsOptions::forPlaylists();
        o.threads = 1;
        return o;
    }();
};

/// Mean scores of one recommender over the reported playlists.
struct MethodReport {
    RecommendMethod method = RecommendMethod::Popularity;
    qint64 playlists = 0;
    double rPrecision = 0;
    double ndcg = 0;
    double clicks = 0;
    double recall10 = 0;
    double recall50 = 0;
    double recall500 = 0;
    double coverage = 0; ///< distinct recommended items / items in the training playlists
    double diversity = 0; ///< mean intra-list diversity (1 − cos) of each list's vectors
    double msPerQuery = 0;
};

struct EvaluationReport {
    std::vector<MethodReport> methods;
    BlendWeights blend; ///< the weights used (tuned on validation when it was run)
    qint64 trainPlaylists = 0;
    qint64 validationPlaylists = 0;
    qint64 testPlaylists = 0; ///< reported playlists (after skipping ones with nothing hidden)
    qint64 catalogue = 0; ///< items in the training playlists
    QString vectors; ///< where the vectors came from
    double trainSeconds = 0;
    double tuneSeconds = 0;
    QJsonObject toJson() const;
};

/// Offline playlist continuation: a seeded hold-out of `corpus`'s playlists, popularity and
/// co-occurrence counted on the training playlists only, vectors either `given` (then they may have
/// seen the held-out playlists: the report says so) or trained here by SGNS on the training
/// playlists, the blend's weights tuned by coordinate ascent on the validation playlists, and every
/// method scored on the test playlists with `results` recommendations each.
EvaluationReport evaluateContinuation(const Corpus &corpus, const EmbeddingSet *given, const EvaluationOptions &options,
                                      JobContext &job);

/// Coordinate ascent over the blend's weights maximising NDCG/NDCG₀ + R-precision/R-precision₀ on
/// `cases`, where ₀ is co-occurrence alone (each relative, so neither is traded for the other).
BlendWeights tuneBlend(const Recommender &recommender, const std::vector<ContinuationCase> &cases, int results,
                       int threads, JobContext &job);

} // namespace orrery
