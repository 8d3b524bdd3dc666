#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "base/types.h"
#include "embed/pvdbow.h"
#include "embed/seq2seq.h"
#include "eval/probes.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace orrery {
class Project;

/// A request to train a sequence model over a dataset's playlists or documents and store the
/// vectors it gives them as an embedding set, with the model's checkpoint under the same name.
struct SequenceModelRequest {
    QString method = QStringLiteral("seq2seq"); ///< "seq2seq" or "pvdbow"
    qint64 datasetId = 0;
    QString setName; ///< the set (and the model) it stores
    QString from; ///< the item vectors it starts from (seq2seq: required; pvdbow: optional); unused on resume
    bool resume = false; ///< seq2seq: go on from the stored model of that name
    /// Encode with this stored model instead of training (items frozen): the dataset's sequences
    /// are new to it, e.g. playlists imported after training. Its items are matched by item id.
    QString model;
    bool replace = false; ///< replace a set or model of that name (a fresh run)
    Seq2seqOptions seq2seq;
    PvdbowOptions pvdbow; ///< e.g. pvdbowDefaults() of the dataset's kind
    /// After each epoch, once its checkpoint is stored: the epoch (from 1) and its loss.
    std::function<void(int epoch, int epochs, double loss)> onEpoch;
};

/// Trains (or resumes), storing a checkpoint after every epoch, then encodes every sequence
/// and stores the set; with `model` set, only encodes with that stored model. A cancel or a failure leaves the last
/// checkpoint stored and no set. Throws Error for an unknown dataset, a name in use without `replace`, a missing model
/// on resume, or options out of range.
EmbeddingSet runSequenceModel(Project &project, const SequenceModelRequest &request, JobContext &job);

/// PvdbowOptions::forText for documents, forPlaylists otherwise.
PvdbowOptions pvdbowDefaults(DatasetKind kind);

/// The methods runSequenceModel trains, for menus: "seq2seq", "pvdbow".
QStringList sequenceModelMethods();

/// The stored pvdbow model of that name; throws Error naming what is missing or wrong.
PvdbowModel loadPvdbow(Project &project, const QString &name);

/// A stored seq2seq or pvdbow model as an encoder for the probes, named after it: seq2seq
/// encodes (its Matryoshka prefixes shorter than the vector become prefix rows), pvdbow infers
/// with its items frozen. Throws Error as loadSeq2seq and loadPvdbow do.
SequenceEncoder modelEncoder(Project &project, const QString &name);

/// The stored seq2seq model of that name; throws Error naming what is missing or wrong.
Seq2seqModel loadSeq2seq(Project &project, const QString &name);

} // namespace orrery
