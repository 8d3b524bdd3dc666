#include "itempages.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <algorithm>

namespace orrery {

namespace {

// Sequences' own items (playlists) are left out, as DatasetInfo::items leaves them out.
constexpr const char *allPage = R"sql(
    SELECT i.id, i.kind, di.key, i.title, i.artist, i.album
    FROM dataset_item di JOIN item i ON i.id = di.item_id
    WHERE di.dataset_id = ?1 AND di.item_id > ?2 AND i.kind <> 5
    ORDER BY di.item_id LIMIT ?3)sql";

constexpr const char *allCount = R"sql(
    SELECT count(*) FROM dataset_item di JOIN item i ON i.id = di.item_id
    WHERE di.dataset_id = ?1 AND i.kind <> 5)sql";

// Keyset paging on the FTS rowid keeps each page as cheap as the first.
constexpr const char *searchPage = R"sql(
    SELECT i.id, i.kind, di.key, i.title, i.artist, i.album
    FROM item_fts
    JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
    JOIN item i ON i.id = item_fts.rowid
    WHERE item_fts MATCH ?4 AND item_fts.rowid > ?2 AND i.kind <> 5
    ORDER BY item_fts.rowid LIMIT ?3)sql";

constexpr const char *searchCount = R"sql(
    SELECT count(*) FROM item_fts
    JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
    JOIN item i ON i.id = item_fts.rowid
    WHERE item_fts MATCH ?2 AND i.kind <> 5)sql";

} // namespace

std::vector<ItemRow> itemPage(const Project &project, qint64 datasetId, const QString &ftsQuery, qint64 afterId,
                              qint64 limit)
{
    sql::Statement st(project.db(), ftsQuery.isEmpty() ? allPage : searchPage);
    st.bind(1, datasetId).bind(2, afterId).bind(3, limit);
    if (!ftsQuery.isEmpty())
        st.bind(4, ftsQuery);
    std::vector<ItemRow> rows;
    rows.reserve(size_t(std::clamp<qint64>(limit, 0, 4096)));
    while (st.step()) {
        ItemRow row;
        row.id = st.columnInt(0);
        row.kind = ItemKind(st.columnInt(1));
        row.key = st.columnText(2);
        row.title = st.columnText(3);
        row.artist = st.columnText(4);
        row.album = st.columnText(5);
        rows.push_back(std::move(row));
    }
    return rows;
}

qint64 itemCount(const Project &project, qint64 datasetId, const QString &ftsQuery)
{
    sql::Statement st(project.db(), ftsQuery.isEmpty() ? allCount : searchCount);
    st.bind(1, datasetId);
    if (!ftsQuery.isEmpty())
        st.bind(2, ftsQuery);
    return st.step() ? st.columnInt(0) : 0;
}

} // namespace orrery
