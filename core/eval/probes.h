#pragma once

#include "embed/embeddingset.h"
#include "jobs/jobcontext.h"
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
