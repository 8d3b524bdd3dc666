#pragma once

#include "base/jobcontext.h"
#include "base/random.h"
#include "store/corpus.h"

#include <vector>

namespace orrery {

/// Hyper-parameters of skip-gram with negative sampling (word2vec; item2vec for playlists).
struct SgnsOptions {
    int dim = 100; ///< vector length
    int window = 5; ///< largest context distance; each position draws its own from 1..window
    int negative = 5; ///< negative samples per positive pair
    double nsExponent = 0.75; ///< α of the count^α noise distribution; any real, negative oversamples rare items
    /// Sub-sampling threshold t of frequent items, 0 = keep every token. A token of an item seen
    /// f times in a corpus of N tokens is kept with probability (√(f/tN) + 1)·tN/f; tN is raised
    /// to at least 2 occurrences (t to 2/N), so that a small corpus keeps its items seen up to 5
    /// times (see SgnsStats::sample).
    double sample = 1e-3;
    int epochs = 5;
    int minCount = 5; ///< items occurring fewer times are left out of the vocabulary and the sequences
    double alpha = 0.025; ///< learning rate at the start, decaying linearly to minAlpha
    double minAlpha = 0.025 * 1e-4;
    int threads = 0; ///< worker threads, 0 = one per core; only 1 is reproducible bit for bit
    quint64 seed = 1;

    /// Item2vec settings for playlists (window 3, α = -0.5, sample 1e-5, many epochs), tuned on yes_small.
    static SgnsOptions forPlaylists();
    /// Word2vec settings for text (window 5, α = 0.75, sample 1e-4, rate 0.05), tuned on the BBC articles.
    static SgnsOptions forText();
};

/// What a training run did.
struct SgnsStats {
    qint64 tokens = 0; ///< tokens read over all epochs (before sub-sampling, rare items excluded)
    double seconds = 0; ///< wall time of the whole call
    double tokensPerSecond = 0; ///< tokens / seconds spent in the training threads (setup excluded)
    std::vector<double> epochLoss; ///< per epoch: mean over positive pairs of -log σ(pos) - Σ log σ(-neg)
    qint64 vocabulary = 0; ///< items that got a vector
    qint64 skippedRare = 0; ///< items left out for occurring fewer than minCount times
    double sample = 0; ///< the sub-sampling threshold applied: options.sample, raised to 2/N if lower
};

/// Input ("word") vectors of the trained vocabulary: row i belongs to item ids[i].
struct SgnsResult {
    std::vector<qint64> ids;
    std::vector<float> vectors; ///< ids.size() × dim, row-major
    int dim = 0;
    SgnsStats stats;
};

/// Trains item vectors on a corpus's sequences: classic word2vec skip-gram with negative sampling,
/// Hogwild over `options.threads` worker threads. Reports progress (tokens done of all epochs'
/// tokens) through `job`, throws Cancelled within 200 ms of its stop flag and Error on options
/// out of range or an empty vocabulary. The same seed with one thread gives the same bytes.
SgnsResult trainSgns(const Corpus &corpus, const SgnsOptions &options, JobContext &job);

/// Draws vocabulary indices from the distribution count^α / Σ count^α in O(1) (Walker's alias
/// method, built with doubles so that negative and large α stay exact). Internal to trainSgns,
/// public for tests.
class NegativeSampler final {
public:
    NegativeSampler() = default;
    NegativeSampler(const std::vector<qint64> &counts, double exponent);

    qint32 size() const { return qint32(m_table.size()); }
    /// The normalised probability of index i.
    double probability(qint32 i) const { return m_probability[size_t(i)]; }
    /// One draw, consuming one number of `rng`.
    qint32 draw(Random &rng) const { return fromBits(rng.next()); }
    qint32 fromBits(quint64 bits) const
    {
        const auto i = qint32((bits >> 32) * quint64(m_table.size()) >> 32);
        const Entry &e = m_table[size_t(i)];
        return quint32(bits) < e.threshold ? i : e.alias;
    }

private:
    struct Entry {
        quint32 threshold; ///< keep i when the low 32 random bits are below this
        qint32 alias;
    };
    std::vector<Entry> m_table;
    std::vector<double> m_probability;
};

} // namespace orrery
