#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "embed/pooling.h"
#include "store/corpus.h"

#include <functional>
#include <utility>
#include <vector>

namespace orrery {

/// Cross-validated accuracy of a linear probe, with the majority-class rate to compare.
struct ProbeResult {
    double accuracy = 0;
    double chance = 0; ///< share of the most common class
    int classes = 0;
    qint64 samples = 0;
};

/// k-fold cross-validated accuracy of multinomial logistic regression (softmax, L2-regularised,
/// full-batch gradient descent with Nesterov momentum, in Eigen) predicting labels[i] from row i.
/// Rows with label -1 are left out. Rows with the same `groups` value stay in one fold (so an
/// original sequence and its shuffled copy are never split). At most `maxSamples` rows, drawn
/// with `seed`, take part.
ProbeResult linearProbe(const RowMatrixXf &x, const std::vector<int> &labels, int folds, quint64 seed, JobContext &job,
                        const std::vector<qint64> &groups = {}, qint64 maxSamples = 10000);

/// Length classes as in the playlist-representation paper, by quantiles: `bins` classes of
/// about equal size over the sequences' lengths.
std::vector<int> lengthBins(const Corpus &corpus, int bins);

/// Each sequence's most common tag over its items (ties to the tag seen first), or -1 when
/// none of its items has a tag. `vocabTags` holds the tags of corpus.vocab, as itemTags gives.
std::vector<int> majorityTags(const Corpus &corpus, const ItemTags &vocabTags);

/// A copy of the corpus with each sequence's entries shuffled (seeded), for the order probe.
Corpus shuffledCopy(const Corpus &corpus, quint64 seed);

/// Strings to class indices (empty string: -1), in order of first appearance.
std::vector<int> classIndices(const std::vector<QString> &labels);

} // namespace orrery

namespace orrery {

struct PoolingProbeOptions {
    int folds = 5;
    int lengthBins = 3; ///< short / medium / long, by quantiles
    int k = 10; ///< neighbours for the label and length-bin agreement
    quint64 seed = 1;
    /// Sequences sampled (with `seed`) for the probes and the kNN agreement; encoders run on
    /// the sample only (pooling with the item frequencies of the whole corpus).
    qint64 maxSequences = 10000;
    /// Random pairs drawn (with `seed`) per length bin, and over all sequences, for the collapse figure.
    qint64 collapsePairs = 20000;
    /// The pooling rows probePooling runs (probeSequences takes its encoders instead).
    std::vector<PoolingMethod> methods {PoolingMethod::Mean, PoolingMethod::Sif, PoolingMethod::Pyramid,
                                        PoolingMethod::Positional};
};

/// A way to turn sequences into vectors for the probes: a pooling method, or a trained model
/// that infers a vector for any sequence (including the shuffled copies of the order probe).
struct SequenceEncoder {
    QString name; ///< "mean", "sif", …, "seq2seq", "pvdbow" (or an embedding set's name)
    /// Matryoshka prefix lengths to report besides the full vector (ascending, each below the
    /// vectors' dim); empty: the full vector only.
    std::vector<int> prefixes;
    /// One row per sequence of the corpus, in order. Rows need not be normalised.
    std::function<RowMatrixXf(const Corpus &, JobContext &)> encode;
};

/// An encoder that pools `itemVectors` with `method` (poolSequences); named toString(method).
SequenceEncoder poolingEncoder(const EmbeddingSet &itemVectors, PoolingMethod method, const PoolingOptions &options);

/// One length class of the sampled sequences: its range of lengths and how many fall in it.
struct LengthBin {
    qint64 minLength = 0;
    qint64 maxLength = 0;
    qint64 sequences = 0;
};

/// One encoder's row of the probe table, at its full dim or at one Matryoshka prefix.
struct SequenceProbeRow {
    QString method; ///< the encoder's name
    int dim = 0; ///< columns used: the full dim, or the prefix
    int prefix = 0; ///< 0 for the full vector, else the prefix length (== dim)
    ProbeResult length; ///< (a) length bin
    ProbeResult label; ///< (b) majority tag (playlists) or label (documents)
    ProbeResult order; ///< (c) original versus shuffled order (chance 0.5)
    double knnAgreement = 0; ///< share of the k nearest labelled sequences with the same label
    double knnChance = 0; ///< the same for neighbours drawn at random: Σ p²
    double knnLengthAgreement = 0; ///< share of the k nearest sequences in the same length bin
    double knnLengthChance = 0; ///< the same for random neighbours: Σ p² over the bins
    /// The collapse figure: per length bin, the mean cosine between random pairs of its sequences.
    std::vector<double> collapse;
    double randomPairCosine = 0; ///< mean cosine between random pairs of all sampled sequences
    double seconds = 0; ///< encoding (shared by an encoder's prefix rows) and probing
};

/// The probes for every encoder over one dataset's sequences.
struct SequenceProbeReport {
    QString labelKind; ///< "majority tag", "label" or "majority label"
    qint64 sequences = 0; ///< sequences sampled
    qint64 labelled = 0; ///< of them, with a label
    qint64 unknownItems = 0; ///< entries without an item vector (probePooling only; else 0)
    int k = 10;
    std::vector<LengthBin> bins; ///< the length classes, shortest first
    std::vector<SequenceProbeRow> rows; ///< per encoder: its prefixes ascending, then the full vector
};

/// Encodes a sample of the dataset's sequences with each encoder and runs the probes on each
/// row (every prefix, and the full vector; rows re-normalised to unit length):
/// (a) length bin, (b) majority tag or label, (c) original versus shuffled order (sequences the
/// shuffle leaves unchanged left out; each sequence and its shuffled copy stay in one fold);
/// kNN label agreement@k among labelled sequences and kNN length-bin agreement@k among all, by
/// exact cosine search (the paper's recommendation precision of playlist neighbours by genre and
/// by length); and the collapse figure, the mean cosine of seeded random pairs within each length
/// bin and overall. Throws Error when an encoder returns the wrong number of rows or a prefix
/// that is not below its dim.
SequenceProbeReport probeSequences(const Corpus &corpus, const std::vector<int> &sequenceLabels,
                                   const QString &labelKind, const std::vector<SequenceEncoder> &encoders,
                                   const PoolingProbeOptions &options, JobContext &job);

/// probeSequences with a poolingEncoder for each of options.methods, and the entries of the
/// whole corpus without a vector in `itemVectors` counted in unknownItems.
SequenceProbeReport probePooling(const Corpus &corpus, const EmbeddingSet &itemVectors,
                                 const std::vector<int> &sequenceLabels, const QString &labelKind,
                                 const PoolingProbeOptions &options, JobContext &job);

/// Entries of the corpus whose item has no row in `itemVectors`.
qint64 unknownEntries(const Corpus &corpus, const EmbeddingSet &itemVectors);

/// Each sequence's majority label from per-item labels given by source key (as
/// readKeyLabels reads them; `vocabKeys` are itemKeys of corpus.vocab): ties to the label
/// seen first, -1 when none of its items has one. `matchedItems`, when given, receives how
/// many vocabulary items have a label.
std::vector<int> majorityKeyLabels(const Corpus &corpus, const std::vector<QString> &vocabKeys,
                                   const std::vector<std::pair<QString, QString>> &keyLabels,
                                   qint64 *matchedItems = nullptr);

/// The labels probePooling uses for a dataset's corpus: each document's label, or each
/// playlist's majority tag (-1 for none), with their kind.
std::vector<int> sequenceLabels(Project &project, const Corpus &corpus, QString *labelKind);

} // namespace orrery
