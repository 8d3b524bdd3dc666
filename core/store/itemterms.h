#pragma once

#include "base/jobcontext.h"

#include <QString>

#include <vector>

namespace orrery {
class Project;

/// The terms items carry, for labelling groups of them: item i holds
/// terms[offsets[i] .. offsets[i+1]), each an index into `vocabulary` (repeats kept).
struct ItemTerms {
    std::vector<QString> vocabulary;
    std::vector<qint64> offsets {0}; ///< items + 1
    std::vector<qint32> terms;

    qint64 items() const { return qint64(offsets.size()) - 1; }
};

/// The terms of each id, in the given order, by the item's kind:
/// - songs: the words of the title and the artist as one term;
/// - playlists: the words of the name, and the artists, title words and tags of the songs;
/// - documents: their words (the tokens of their sequence, else of their body);
/// - JSON records (and vectors with attributes): the string values of their attributes, a short
///   value (up to three words) as one term, a longer one as its words;
/// - words: the word itself.
/// Words are case-folded tokens (io::Tokenizer), stop words and one-character words left out.
/// Unknown ids have no terms. Cancellable through `job`.
ItemTerms itemTerms(Project &project, const std::vector<qint64> &ids, JobContext &job);

} // namespace orrery
