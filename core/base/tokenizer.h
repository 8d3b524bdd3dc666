#pragma once

#include <QString>
#include <QStringList>

#include <functional>

namespace orrery::io {

/// Splits text into words at Unicode word boundaries (UAX #29) and case-folds them.
/// Segments without a letter or digit (spaces, punctuation) are dropped.
class Tokenizer final {
public:
    /// Calls `sink` for each token in order.
    static void tokenize(const QString &text, const std::function<void(const QString &token)> &sink);
    static QStringList tokenize(const QString &text);

    /// A small English stop-word list (articles, pronouns, auxiliaries, prepositions).
    static bool isStopWord(const QString &folded);
};

} // namespace orrery::io
