#pragma once

#include "base/jobcontext.h"
#include "base/types.h"

#include <QHash>
#include <QString>

#include <vector>

namespace orrery {
class Project;

/// A dataset's sequences (playlists or documents) as flat arrays, ready for training:
/// sequence s holds tokens[offsets[s] .. offsets[s+1]), each a vocabulary index.
struct Corpus {
    std::vector<qint64> sequenceIds; ///< the item id of each sequence
    std::vector<qint64> offsets; ///< size sequences + 1
    std::vector<qint32> tokens; ///< vocabulary indices, in order
    std::vector<qint64> vocab; ///< vocabulary index -> item id
    std::vector<qint64> counts; ///< vocabulary index -> occurrences in the corpus

    qint64 sequences() const { return qint64(sequenceIds.size()); }
    qint64 length(qint64 s) const { return offsets[size_t(s) + 1] - offsets[size_t(s)]; }
    const qint32 *begin(qint64 s) const { return tokens.data() + offsets[size_t(s)]; }
    const qint32 *end(qint64 s) const { return tokens.data() + offsets[size_t(s) + 1]; }
};

/// Reads every sequence of a dataset in item-id order. The vocabulary is numbered in order
/// of first appearance, so the same project always gives the same corpus.
Corpus loadCorpus(Project &project, qint64 datasetId, JobContext &job);

/// Item ids of the dataset's members of one kind, in id order.
std::vector<qint64> datasetItems(Project &project, qint64 datasetId, ItemKind kind);

/// For each id: the name of its label (a tag of kind "label", such as a document's folder),
/// or an empty string when it has none.
std::vector<QString> itemLabels(Project &project, const std::vector<qint64> &ids);

/// The tags (kind "tag") of each id, as indices into `names`.
struct ItemTags {
    std::vector<QString> names;
    std::vector<std::vector<qint32>> perItem;
};
ItemTags itemTags(Project &project, const std::vector<qint64> &ids);

/// Source keys (`dataset_item.key`, else `item.key`) for ids, in the given order.
std::vector<QString> itemKeys(Project &project, const std::vector<qint64> &ids, qint64 datasetId = 0);

} // namespace orrery
