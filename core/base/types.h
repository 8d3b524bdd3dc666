#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <string_view>

namespace orrery {

/// What one row of the `item` table stands for. Stored as its integer value.
enum class ItemKind : int { Track = 0, Document = 1, Record = 2, Word = 3, Vector = 4, Playlist = 5 };

/// What one import holds. Stored as its name.
enum class DatasetKind { Playlists, Documents, Records, Vectors };

QString toString(ItemKind kind);
QString toString(DatasetKind kind);
bool fromString(const QString &name, DatasetKind *kind);

/// One dataset as listed by `orrery-cli info`.
struct DatasetInfo {
    qint64 id = 0;
    QString name;
    DatasetKind kind = DatasetKind::Playlists;
    QString format;
    qint64 items = 0; ///< distinct items the dataset holds (sequences' own items excluded)
    qint64 sequences = 0; ///< playlists or documents
    qint64 entries = 0; ///< sum of sequence lengths
    qint64 tags = 0; ///< distinct tags and labels on the dataset's items
};

/// One embedding set as listed by `orrery-cli sets`.
struct EmbeddingSetInfo {
    qint64 id = 0;
    QString name;
    QString dataset;
    ItemKind kind = ItemKind::Vector;
    QString method;
    int dim = 0;
    qint64 count = 0;
};

} // namespace orrery
