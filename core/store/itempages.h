#pragma once

#include "base/types.h"

#include <QString>

#include <vector>

namespace orrery {
class Project;

/// One row of a dataset's item list.
struct ItemRow {
    qint64 id = 0;
    ItemKind kind = ItemKind::Track;
    QString key; ///< the source key in the dataset
    QString title, artist, album; ///< null when unset
};

/// Up to `limit` items of a dataset with an id above `afterId`, in id order, sequences' own
/// items (playlists) left out as DatasetInfo::items leaves them out. With a non-empty
/// `ftsQuery` (an FTS5 query over title, artist, album, text and attributes) only the
/// matching items. Paging by the last id keeps every page as cheap as the first. Throws
/// Error for a malformed query.
std::vector<ItemRow> itemPage(const Project &project, qint64 datasetId, const QString &ftsQuery, qint64 afterId,
                              qint64 limit);

/// How many rows all of itemPage's pages hold together.
qint64 itemCount(const Project &project, qint64 datasetId, const QString &ftsQuery);

} // namespace orrery
