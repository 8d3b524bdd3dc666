#pragma once

#include <QList>
#include <QString>

#include <vector>

namespace orrery {
class Project;

/// Items of a dataset whose text matches a full-text query (FTS5 syntax over titles, artists,
/// albums, keys and text; see ItemModel::ftsQuery for turning typed words into one). Playlists
/// and documents match too. `ranked`: best first (bm25) rather than in the index's order. At most
/// `limit` ids. Throws Error for a query FTS5 cannot parse.
std::vector<qint64> searchItems(Project &project, qint64 datasetId, const QString &ftsQuery, qint64 limit, bool ranked);

/// A tag or label the window can filter by, with the number of items that carry it.
struct TagChoice {
    QString kind; ///< "tag" or "label"
    QString name;
    qint64 items = 0;
};
/// The `limit` tags and labels carried by the most items, ordered by kind, then name.
QList<TagChoice> popularTags(Project &project, int limit);

/// An item by its source key: within `preferredDataset` first, then in any dataset, then an item
/// of that key that no dataset lists under it; 0 when none.
qint64 findItemByKey(Project &project, const QString &key, qint64 preferredDataset = 0);
/// The datasets that hold an item, ascending.
std::vector<qint64> datasetsOfItem(Project &project, qint64 itemId);

} // namespace orrery
