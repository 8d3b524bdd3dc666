#pragma once

#include "base/types.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace orrery {
class Project;

/// Everything the inspector shows about one item, read in a handful of queries.
struct ItemDetails {
    struct Membership {
        qint64 datasetId = 0;
        QString dataset;
        QString key; ///< the item's source key in that dataset
    };

    qint64 id = 0;
    ItemKind kind = ItemKind::Track;
    QString key; ///< the source key first seen
    QString title, artist, album;
    QString body; ///< document text (whole)
    QString attrs; ///< JSON object as stored, or empty
    QStringList tags; ///< kind "tag", by name
    QStringList labels; ///< kind "label", by name
    QList<Membership> datasets;
    std::vector<qint64> entries; ///< a playlist's songs or a document's words, in order; else empty

    /// The title, else the key: what a list shows for the item.
    QString displayName() const { return title.isEmpty() ? key : title; }
};

/// Reads one item; nullopt when there is no such id. Throws Error on a failing query.
std::optional<ItemDetails> readItemDetails(Project &project, qint64 id);

/// Title (else key) and artist of each id, in order; unknown ids give empty strings.
struct ItemLabel {
    qint64 id = 0;
    ItemKind kind = ItemKind::Track;
    QString name;
    QString artist;
    QString key;
};
std::vector<ItemLabel> itemLabelsOf(Project &project, const std::vector<qint64> &ids);

} // namespace orrery
