#include "tokenizer.h"

#include <QSet>
#include <QTextBoundaryFinder>

namespace orrery::io {

void Tokenizer::tokenize(const QString &text, const std::function<void(const QString &)> &sink)
{
    QTextBoundaryFinder finder(QTextBoundaryFinder::Word, text);
    qsizetype start = 0;
    while (finder.toNextBoundary() >= 0) {
        const qsizetype end = finder.position();
        const QStringView segment = QStringView(text).mid(start, end - start);
        start = end;
        bool wordLike = false;
        for (const QChar c : segment) {
            if (c.isLetterOrNumber()) {
                wordLike = true;
                break;
            }
        }
        if (wordLike)
            sink(segment.toString().toCaseFolded());
    }
}

QStringList Tokenizer::tokenize(const QString &text)
{
    QStringList out;
    tokenize(text, [&out](const QString &t) { out.append(t); });
    return out;
}

bool Tokenizer::isStopWord(const QString &folded)
{
    static const QSet<QString> words = [] {
        QSet<QString> s;
        for (const char *w :
             {"a",    "an",    "the",   "and",   "or",    "but",   "if",  "of",    "to",     "in",    "on",    "at",
              "by",   "for",   "with",  "from",  "as",    "is",    "are", "was",   "were",   "be",    "been",  "being",
              "it",   "its",   "this",  "that",  "these", "those", "he",  "she",   "they",   "we",    "you",   "i",
              "his",  "her",   "their", "our",   "your",  "my",    "him", "them",  "us",     "me",    "has",   "have",
              "had",  "do",    "does",  "did",   "not",   "no",    "so",  "than",  "then",   "there", "which", "who",
              "whom", "what",  "when",  "where", "will",  "would", "can", "could", "should", "may",   "might", "also",
              "into", "about", "over",  "after", "said",  "s",     "t"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return words.contains(folded);
}

} // namespace orrery::io
