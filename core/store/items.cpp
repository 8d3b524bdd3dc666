#include "items.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <unordered_set>

namespace orrery {

std::optional<ItemKind> itemKind(Project &project, qint64 id)
{
    sql::Statement st(project.db(), "SELECT kind FROM item WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        return std::nullopt;
    return ItemKind(st.columnInt(0));
}

std::unordered_map<qint64, QString> itemArtists(Project &project, std::span<const qint64> ids)
{
    // One scan of the items beats a query per id: the ids are most of a dataset's songs.
    const std::unordered_set<qint64> wanted(ids.begin(), ids.end());
    std::unordered_map<qint64, QString> out;
    sql::Statement st(project.db(), "SELECT id, artist FROM item WHERE artist IS NOT NULL AND artist != ''");
    while (st.step()) {
        const qint64 id = st.columnInt(0);
        if (wanted.count(id))
            out.emplace(id, st.columnText(1));
    }
    return out;
}

std::vector<TitleArtist> itemTitles(Project &project, std::span<const qint64> ids)
{
    sql::Statement st(project.db(), "SELECT coalesce(title, ''), coalesce(artist, '') FROM item WHERE id = ?");
    std::vector<TitleArtist> out;
    out.reserve(ids.size());
    for (const qint64 id : ids) {
        TitleArtist t;
        st.bind(1, id);
        if (st.step()) {
            t.title = st.columnText(0);
            t.artist = st.columnText(1);
        }
        st.reset();
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<std::optional<ItemRecord>> itemRecords(Project &project, std::span<const qint64> ids)
{
    sql::Statement item(project.db(),
                        "SELECT kind, coalesce(title, ''), coalesce(artist, ''), coalesce(album, ''), "
                        "coalesce(body, ''), coalesce(attrs, '') FROM item WHERE id = ?");
    sql::Statement tags(project.db(),
                        "SELECT DISTINCT t.kind, t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                        "WHERE it.item_id = ? ORDER BY t.kind, t.name");
    std::vector<std::optional<ItemRecord>> out;
    out.reserve(ids.size());
    for (const qint64 id : ids) {
        item.bind(1, id);
        if (!item.step()) {
            item.reset();
            out.emplace_back();
            continue;
        }
        ItemRecord r;
        r.kind = ItemKind(item.columnInt(0));
        r.title = item.columnText(1);
        r.artist = item.columnText(2);
        r.album = item.columnText(3);
        r.body = item.columnText(4);
        r.attrs = item.columnText(5);
        item.reset();
        tags.bind(1, id);
        while (tags.step())
            (tags.columnText(0) == u"label" ? r.labels : r.tags).append(tags.columnText(1));
        tags.reset();
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<qint64> itemsByIdentity(Project &project, ItemKind kind, std::span<const QString> identities)
{
    sql::Statement find(project.db(), "SELECT id FROM item WHERE kind = ? AND identity = ?");
    std::vector<qint64> out;
    out.reserve(identities.size());
    for (const QString &identity : identities) {
        find.bind(1, qint64(kind)).bind(2, identity);
        out.push_back(find.step() ? find.columnInt(0) : 0);
        find.reset();
    }
    return out;
}

std::vector<std::pair<qint64, QString>> memberKeys(Project &project, qint64 datasetId, ItemKind kind)
{
    sql::Statement st(project.db(),
                      "SELECT i.id, i.key FROM dataset_item di JOIN item i ON i.id = di.item_id "
                      "WHERE di.dataset_id = ? AND i.kind = ?");
    st.bind(1, datasetId).bind(2, qint64(kind));
    std::vector<std::pair<qint64, QString>> out;
    while (st.step())
        out.emplace_back(st.columnInt(0), st.columnText(1));
    return out;
}

qint64 memberCount(Project &project, qint64 datasetId, ItemKind kind)
{
    sql::Statement st(project.db(),
                      "SELECT count(*) FROM dataset_item di JOIN item i ON i.id = di.item_id "
                      "WHERE di.dataset_id = ? AND i.kind = ?");
    st.bind(1, datasetId).bind(2, qint64(kind));
    return st.step() ? st.columnInt(0) : 0;
}

void forEachMemberAttrs(Project &project, qint64 datasetId, ItemKind kind,
                        const std::function<void(qint64 id, std::optional<std::string_view> attrs)> &visit)
{
    sql::Statement st(project.db(),
                      "SELECT i.id, i.attrs FROM dataset_item di JOIN item i ON i.id = di.item_id "
                      "WHERE di.dataset_id = ? AND i.kind = ? ORDER BY di.item_id");
    st.bind(1, datasetId).bind(2, qint64(kind));
    while (st.step())
        visit(st.columnInt(0), st.columnIsNull(1) ? std::nullopt : std::optional(st.columnUtf8(1)));
}

} // namespace orrery
