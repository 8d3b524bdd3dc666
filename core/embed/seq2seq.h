#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "store/corpus.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>

#include <Eigen/Core>

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace orrery {

/// Hyper-parameters of the sequence autoencoder (Papreja et al. 2019): a GRU encoder reads a
/// playlist's item vectors in order, a GRU decoder with dot-product attention over the
/// encoder's states reconstructs it, and the encoder's final state is the playlist vector.
struct Seq2seqOptions {
    int hidden = 64; ///< GRU state size of each direction and of the decoder
    bool bidirectional = false; ///< a second encoder reads backwards; the vector is both final states
    /// Matryoshka prefix lengths of the playlist vector, ascending; the reconstruction loss is
    /// summed over the decoder started from each prefix (the rest zeroed). Empty: the whole vector.
    std::vector<int> matryoshka;
    bool attention = true; ///< the decoder attends over the encoder's states (off: it sees only the vector)
    int epochs = 5;
    int batch = 32; ///< sequences per mini-batch, bucketed by length
    int groups = 2; ///< mini-batches per update, one per worker at a time (gradients summed in order)
    int negative = 10; ///< sampled negatives per reconstructed position
    double nsExponent = 0.75; ///< α of the count^α noise distribution of the negatives
    double learningRate = 2e-3; ///< Adam's step at the start, decaying linearly to a tenth
    double clipNorm = 5; ///< global gradient norm clipped to this
    int maxLength = 100; ///< training reads the first this many entries; encoding reads them all
    bool fineTune = true; ///< update the item vectors too
    int threads = 0; ///< 0: one per core; the result does not depend on it
    quint64 seed = 1;

    /// Length of the playlist vector: hidden, doubled when bidirectional.
    int vectorDim() const { return bidirectional ? 2 * hidden : hidden; }
};

/// The learnt weights. Matrices are column-major, one column per item for the item tables.
struct Seq2seqWeights {
    Eigen::MatrixXf items; ///< E × V input item vectors (start from item2vec, fine-tuned)
    Eigen::MatrixXf outputs; ///< E × V output vectors the decoder's projection is scored against
    Eigen::MatrixXf encWx[2], encWh[2], encB[2]; ///< 3H × E, 3H × H, 3H × 1 per direction (r, u, n)
    Eigen::MatrixXf decWx, decWh, decB; ///< decoder GRU
    Eigen::MatrixXf initW, initB; ///< H × D, H × 1: decoder start state tanh(W z + b)
    Eigen::MatrixXf attW; ///< H × D: attention keys W h_j scored against the decoder state
    Eigen::MatrixXf outW, outB; ///< E × (H + D), E × 1: projection of [state; context]
    Eigen::MatrixXf start; ///< E × 1: decoder input at the first position

    /// Every dense matrix (all but the item tables), in a fixed order.
    std::vector<Eigen::MatrixXf *> dense();
    std::vector<const Eigen::MatrixXf *> dense() const;
};

/// A trained (or partly trained) model with what resuming needs: Adam's moments, the steps
/// taken and the epochs done, and the loss of each epoch.
struct Seq2seqModel {
    Seq2seqOptions options;
    std::vector<qint64> itemIds; ///< column i of the item tables belongs to item itemIds[i]
    std::vector<qint64> counts; ///< occurrences of each item in the training corpus
    Seq2seqWeights weights;
    Seq2seqWeights adamM, adamV; ///< first and second moments, same shapes
    qint64 steps = 0; ///< updates taken
    int epochsDone = 0;
    std::vector<double> epochLoss; ///< per epoch: mean over positions of the loss summed over prefixes
    double seconds = 0; ///< training wall time over all runs

    int itemDim() const { return int(weights.items.rows()); }
    int vectorDim() const { return options.vectorDim(); }

    /// A versioned binary image of everything above.
    QByteArray serialize() const;
    /// Reads serialize()'s image; throws Error naming what is wrong when it is malformed.
    static Seq2seqModel deserialize(const QByteArray &data);
};

/// A fresh model over the corpus's vocabulary: item tables from `itemVectors` (matched by item
/// id; items without a row get small seeded random vectors), the rest seeded Glorot-uniform.
/// Throws Error when options are out of range or the item set is empty.
Seq2seqModel initSeq2seq(const Corpus &corpus, const EmbeddingSet &itemVectors, const Seq2seqOptions &options);

/// Called after each epoch with the model as it then is, for a checkpoint.
using Seq2seqEpochFn = std::function<void(const Seq2seqModel &model)>;

/// Trains `model` on the corpus's sequences from model.epochsDone up to model.options.epochs
/// (resuming where a checkpoint left off gives the same bytes as one uninterrupted run).
/// Mini-batches of similar length; `groups` of them per Adam update run on the workers and
/// their gradients are summed in order, so the result does not depend on the thread count.
/// Reports progress (positions done, with the epoch's running loss) through `job` and throws
/// Cancelled within 200 ms of its stop flag; `model` then holds a part of an epoch, and the
/// last model `onEpoch` saw is the one to resume from.
void trainSeq2seq(Seq2seqModel &model, const Corpus &corpus, JobContext &job, const Seq2seqEpochFn &onEpoch = {});

/// One L2-normalised playlist vector per sequence of `corpus` (its whole length, its vocabulary
/// matched to the model's by item id; unknown items skipped, counted in `unknown` when set; a
/// sequence with none gets a zero row). Rows are in corpus order.
RowMatrixXf encodeSeq2seq(const Seq2seqModel &model, const Corpus &corpus, JobContext &job, qint64 *unknown = nullptr,
                          int threads = 0);

/// Encodes one sequence at a time (a new playlist, a query) with the model's vocabulary index
/// built once. Keeps a reference to the model, which must outlive it.
class Seq2seqEncoder final {
public:
    explicit Seq2seqEncoder(const Seq2seqModel &model);
    /// The L2-normalised vector of a sequence of item ids, the unknown ones skipped (counted in
    /// `unknown` when set); zero when none is known.
    Eigen::VectorXf encode(std::span<const qint64> itemIds, qint64 *unknown = nullptr) const;

private:
    const Seq2seqModel &m_model;
    QHash<qint64, qint32> m_index;
};

/// The encoded sequences as an embedding set (method "seq2seq", params and per-epoch loss).
EmbeddingSet seq2seqEmbeddingSet(const Seq2seqModel &model, const Corpus &corpus, ItemKind sequenceKind,
                                 JobContext &job);

/// The options as an embedding set's params.
QJsonObject seq2seqParams(const Seq2seqOptions &options);

/// Loss of one batch of sequences (model vocabulary indices) with negatives drawn from `seed`,
/// and its gradient added to `gradient` when set (the item tables' gradients dense). Internal
/// to training; public for the finite-difference test.
double seq2seqBatchLoss(const Seq2seqModel &model, const std::vector<std::vector<qint32>> &batch, quint64 seed,
                        Seq2seqWeights *gradient);

/// A zeroed gradient of the model's shapes.
Seq2seqWeights zeroLike(const Seq2seqWeights &weights);

} // namespace orrery
