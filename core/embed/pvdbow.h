#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "embed/sgns.h"
#include "store/corpus.h"

#include <QByteArray>
#include <QJsonObject>

#include <vector>

namespace orrery {

/// Hyper-parameters of PV-DBOW paragraph vectors (Le & Mikolov 2014, "distributed bag of words"):
/// each sequence's own vector is trained to predict the sequence's items by skip-gram with
/// negative sampling, one logistic pair per kept item occurrence.
struct PvdbowOptions {
    int dim = 100; ///< vector length, of the sequence vectors and the item vectors alike
    int negative = 5; ///< negative samples per positive pair
    double nsExponent = 0.75; ///< α of the count^α noise distribution (as SgnsOptions::nsExponent)
    double sample = 1e-4; ///< sub-sampling threshold of frequent items, 0 = keep all (as SgnsOptions::sample)
    int epochs = 20; ///< passes over the corpus
    int minCount = 1; ///< items occurring fewer times are left out of the vocabulary and the sequences
    double alpha = 0.025; ///< learning rate at the start, decaying linearly to minAlpha (training and inference)
    double minAlpha = 0.0001; ///< learning rate at the end
    /// Interleave skip-gram over the items (gensim's dbow_words), so that item input vectors are
    /// learnt too and the sequence vectors share their space with the items' output vectors.
    bool trainItems = true;
    int window = 5; ///< largest skip-gram context distance when trainItems is on
    int inferEpochs = 50; ///< inference epochs for a new sequence (item vectors frozen)
    int threads = 0; ///< worker threads, 0 = one per core; training is reproducible bit for bit with 1 only
    quint64 seed = 1;

    /// Settings for playlists, tuned on yes_small (majority-tag 10-NN agreement; see pvdbow.cpp).
    static PvdbowOptions forPlaylists();
    /// Settings for documents, tuned on the BBC articles (10-NN folder agreement; see pvdbow.cpp).
    static PvdbowOptions forText();
};

/// What inference needs: the vocabulary and the output ("context") vectors that a sequence
/// vector predicts. They stay frozen at inference.
struct PvdbowModel {
    int dim = 0;
    std::vector<qint64> itemIds; ///< model vocabulary (item ids, as Corpus::vocab)
    std::vector<qint64> counts; ///< occurrences of each item in the training corpus (noise and sub-sampling)
    std::vector<float> output; ///< itemIds.size() × dim, row-major
    PvdbowOptions options; ///< what the model was trained with (inference uses its rates, sample, seed)

    /// A versioned little-endian binary: magic "OPVD", version, options, then the arrays.
    QByteArray serialize() const;
    /// Reads serialize()'s bytes; throws Error naming the byte offset and what was expected on
    /// malformed or truncated input.
    static PvdbowModel deserialize(const QByteArray &bytes);
};

/// A training run: one vector per sequence of the corpus, and the model to infer new ones with.
struct PvdbowResult {
    std::vector<qint64> sequenceIds; ///< corpus.sequenceIds, in order
    std::vector<float> vectors; ///< sequences × dim, row-major, as trained (not normalised; compare by cosine)
    PvdbowModel model;
    /// Item input vectors (model.itemIds order, itemIds.size() × dim) when trainItems is on, else empty.
    std::vector<float> itemVectors;
    SgnsStats stats; ///< tokens, seconds, tokens/s, per-epoch loss of the sequence pairs, vocabulary
};

/// Trains PV-DBOW on a corpus's sequences with the skip-gram machinery of trainSgns (its noise
/// sampler, sub-sampling rule, linear rate decay and Hogwild threads). Reports progress through
/// `job`, throws Cancelled within 200 ms of its stop flag and Error on options out of range, an
/// empty vocabulary or initial item vectors of another dimension.
///
/// `initialItems`, optional: item input vectors to start from (an item2vec or word2vec set of the
/// same dim, matched by item id; the others start random). Only used when trainItems is on.
PvdbowResult trainPvdbow(const Corpus &corpus, const PvdbowOptions &options, JobContext &job,
                         const EmbeddingSet *initialItems = nullptr);

/// One row per sequence of `corpus` (its vocab holds item ids; unknown items skipped), the sequence
/// vector trained against the frozen model.output; seeded, deterministic with one thread.
/// (Each sequence draws from its own seeded stream, so any thread count gives the same bytes.)
/// A sequence with no known item gets a zero row. Throws Cancelled, and Error on an empty model.
RowMatrixXf inferPvdbow(const PvdbowModel &model, const Corpus &corpus, JobContext &job, int threads = 0);

/// The options as stored in an embedding set's params.
QJsonObject pvdbowParams(const PvdbowOptions &options);

/// A trained result as an embedding set (method "pvdbow", kind Playlist or Document, params, stats
/// incl. per-epoch loss), ready to name and save.
EmbeddingSet pvdbowEmbeddingSet(const PvdbowResult &result, ItemKind sequenceKind, const PvdbowOptions &options);

} // namespace orrery
