#include "io/importsummary.h"

#include <QStringList>

namespace orrery::io {

namespace {

QString count(qint64 n, const char *one, const char *many)
{
    return QString::number(n) + u' ' + QString::fromLatin1(n == 1 ? one : many);
}

} // namespace

QString describeImport(const ImportResult &result)
{
    const ImportStats &s = result.stats;
    const DatasetKind kind = datasetKind(result.format);
    QStringList parts;
    QString what;
    QString newOnes;
    switch (kind) {
    case DatasetKind::Playlists:
        // datasetItems leaves the playlists' own items out; newItems counts them.
        what = count(s.datasetItems, "song", "songs") + QStringLiteral(" in ")
            + count(s.sequences, "playlist", "playlists") + QStringLiteral(" with ")
            + count(s.entries, "entry", "entries");
        newOnes = QStringLiteral("songs and playlists together");
        break;
    case DatasetKind::Documents:
        // datasetItems holds the documents and their distinct words.
        what = count(s.sequences, "document", "documents") + QStringLiteral(" of ") + count(s.entries, "word", "words")
            + QStringLiteral(" (") + count(s.datasetItems - s.sequences, "distinct word", "distinct words") + u')';
        newOnes = QStringLiteral("documents and words together");
        break;
    case DatasetKind::Records:
        what = count(s.datasetItems, "record", "records");
        newOnes = s.newItems < s.datasetItems ? QStringLiteral("the other records were in it already")
                                              : QStringLiteral("one per record");
        break;
    case DatasetKind::Vectors:
        // Word vectors join the words the project has; other rows make items of their own.
        what = count(s.vectors, "vector", "vectors");
        newOnes = s.newItems < s.vectors ? QStringLiteral("the other vectors belong to items the project had")
                                         : QStringLiteral("one per vector");
        break;
    }
    parts << what;
    if (s.tags > 0)
        parts << count(s.tags, "tag or label assignment", "tag and label assignments");
    if (s.vectors > 0 && kind != DatasetKind::Vectors)
        parts << count(s.vectors, "vector", "vectors");
    QString text = QStringLiteral("imported \"%1\" (%2, %3): %4; %5 new to the project, %6")
                       .arg(result.datasetName, toString(result.format), count(s.files, "file", "files"),
                            parts.join(QStringLiteral(", ")), count(s.newItems, "item", "items"), newOnes);
    if (s.skipped > 0)
        text += QStringLiteral("; ") + count(s.skipped, "bad record", "bad records")
            + QStringLiteral(" skipped (see the warnings)");
    return text + QStringLiteral("; %1 s").arg(s.seconds, 0, 'f', 2);
}

} // namespace orrery::io
