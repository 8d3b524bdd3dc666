#include "itemdetails.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

std::optional<ItemDetails> readItemDetails(Project &project, qint64 id)
{
    sql::Statement item(project.db(),
                        "SELECT kind, key, coalesce(title, ''), coalesce(artist, ''), "
                        "coalesce(album, ''), coalesce(body, ''), coalesce(attrs, '') "
                        "FROM item WHERE id = ?");
    item.bind(1, id);
    if (!item.step())
        return std::nullopt;
    ItemDetails d;
    d.id = id;
    d.kind = ItemKind(item.columnInt(0));
    d.key = item.columnText(1);
    d.title = item.columnText(2);
    d.artist = item.columnText(3);
    d.album = item.columnText(4);
    d.body = item.columnText(5);
    d.attrs = item.columnText(6);

    sql::Statement tags(project.db(),
                        "SELECT DISTINCT t.kind, t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                        "WHERE it.item_id = ? ORDER BY t.name");
    tags.bind(1, id);
    while (tags.step())
        (tags.columnText(0) == u"label" ? d.labels : d.tags).append(tags.columnText(1));

    sql::Statement sets(project.db(),
                        "SELECT d.id, d.name, di.key FROM dataset_item di "
                        "JOIN dataset d ON d.id = di.dataset_id WHERE di.item_id = ? ORDER BY d.id");
    sets.bind(1, id);
    while (sets.step())
        d.datasets.append({sets.columnInt(0), sets.columnText(1), sets.columnText(2)});
    if (d.datasets.isEmpty()) {
        // A playlist's own item is not a dataset member; its sequence names the dataset.
        sql::Statement seq(project.db(),
                           "SELECT d.id, d.name FROM sequence s JOIN dataset d ON d.id = s.dataset_id "
                           "WHERE s.item_id = ?");
        seq.bind(1, id);
        if (seq.step())
            d.datasets.append({seq.columnInt(0), seq.columnText(1), d.key});
    }

    sql::Statement entries(project.db(), "SELECT entries FROM sequence WHERE item_id = ?");
    entries.bind(1, id);
    if (entries.step())
        d.entries = unpackIds(entries.columnBlob(0));
    return d;
}

std::vector<ItemLabel> itemLabelsOf(Project &project, const std::vector<qint64> &ids)
{
    sql::Statement st(project.db(),
                      "SELECT kind, coalesce(nullif(title, ''), key), coalesce(artist, ''), key "
                      "FROM item WHERE id = ?");
    std::vector<ItemLabel> out;
    out.reserve(ids.size());
    for (const qint64 id : ids) {
        ItemLabel label;
        label.id = id;
        st.bind(1, id);
        if (st.step()) {
            label.kind = ItemKind(st.columnInt(0));
            label.name = st.columnText(1);
            label.artist = st.columnText(2);
            label.key = st.columnText(3);
        }
        st.reset();
        out.push_back(std::move(label));
    }
    return out;
}

} // namespace orrery
