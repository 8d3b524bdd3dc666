#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "embed/pooling.h"
#include "store/corpus.h"

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
    int k = 10; ///< neighbours for the label agreement
    quint64 seed = 1;
    /// Sequences sampled (with `seed`) for the probes and the kNN agreement; pooling itself
    /// runs on the sample too, with the item frequencies of the whole corpus.
    qint64 maxSequences = 10000;
    std::vector<PoolingMethod> methods {PoolingMethod::Mean, PoolingMethod::Sif, PoolingMethod::Pyramid,
                                        PoolingMethod::Positional};
};

/// One pooling method's row of the probe table.
struct PoolingProbeRow {
    PoolingMethod method = PoolingMethod::Mean;
    int dim = 0;
    ProbeResult length; ///< (a) length bin
    ProbeResult label; ///< (b) majority tag (playlists) or label (documents)
    ProbeResult order; ///< (c) original versus shuffled order (chance 0.5)
    double knnAgreement = 0; ///< share of the k nearest sequences with the same label
    double knnChance = 0; ///< the same for neighbours drawn at random: Σ p²
    double seconds = 0;
};

/// The paper's probes for every pooling method over one dataset's sequences.
struct PoolingProbeReport {
    QString labelKind; ///< "majority tag" or "label"
    qint64 sequences = 0; ///< sequences sampled
    qint64 labelled = 0; ///< of them, with a label
    qint64 unknownItems = 0; ///< entries without a vector in the item set (skipped)
    int k = 10;
    std::vector<PoolingProbeRow> rows;
};

/// Pools the dataset's sequences from `itemVectors` with each method and runs the probes:
/// (a) length bin, (b) majority tag or document label, (c) original versus shuffled order
/// (sequences shorter than 2 left out; each sequence and its shuffled copy stay in one fold),
/// plus kNN label agreement@k by exact cosine search among the sampled sequences.
PoolingProbeReport probePooling(const Corpus &corpus, const EmbeddingSet &itemVectors,
                                const std::vector<int> &sequenceLabels, const QString &labelKind,
                                const PoolingProbeOptions &options, JobContext &job);

/// The labels probePooling uses for a dataset's corpus: each document's label, or each
/// playlist's majority tag (-1 for none), with their kind.
std::vector<int> sequenceLabels(Project &project, const Corpus &corpus, QString *labelKind);

} // namespace orrery
