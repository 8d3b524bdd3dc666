#include "search.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

std::vector<qint64> searchItems(Project &project, qint64 datasetId, const QString &ftsQuery, qint64 limit, bool ranked)
{
    sql::Statement st(project.db(),
                      ranked ? R"sql(
        SELECT item_fts.rowid FROM item_fts
        JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
        WHERE item_fts MATCH ?2 ORDER BY rank LIMIT ?3)sql"
                             : R"sql(
        SELECT item_fts.rowid FROM item_fts
        JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
        WHERE item_fts MATCH ?2 LIMIT ?3)sql");
    st.bind(1, datasetId).bind(2, ftsQuery).bind(3, limit);
    return st.ints();
}

QList<TagChoice> popularTags(Project &project, int limit)
{
    sql::Statement st(project.db(),
                      "SELECT kind, name, n FROM (SELECT t.kind AS kind, t.name AS name, "
                      "count(DISTINCT it.item_id) AS n FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                      "GROUP BY t.id ORDER BY n DESC LIMIT ?) ORDER BY kind, name");
    st.bind(1, limit);
    QList<TagChoice> out;
    while (st.step())
        out.append({st.columnText(0), st.columnText(1), st.columnInt(2)});
    return out;
}

qint64 findItemByKey(Project &project, const QString &key, qint64 preferredDataset)
{
    qint64 id = preferredDataset ? project.itemForKey(key, preferredDataset) : 0;
    if (!id)
        id = project.itemForKey(key);
    if (!id) {
        sql::Statement st(project.db(), "SELECT id FROM item WHERE key = ? LIMIT 1");
        st.bind(1, key);
        if (st.step())
            id = st.columnInt(0);
    }
    return id;
}

std::vector<qint64> datasetsOfItem(Project &project, qint64 itemId)
{
    sql::Statement st(project.db(), "SELECT dataset_id FROM dataset_item WHERE item_id = ? ORDER BY dataset_id");
    st.bind(1, itemId);
    return st.ints();
}

} // namespace orrery
