#include "playlists.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

std::vector<TrackFields> trackFields(Project &project, std::span<const qint64> itemIds, qint64 datasetId)
{
    sql::Statement item(
        project.db(),
        "SELECT i.identity, coalesce(di.key, i.key), coalesce(i.title, ''), coalesce(i.artist, ''), "
        "coalesce(i.album, ''), coalesce(json_extract(i.attrs, '$.duration'), "
        "json_extract(i.attrs, '$.duration_ms') / 1000.0, -1), "
        "coalesce(json_extract(i.attrs, '$.artist_uri'), ''), coalesce(json_extract(i.attrs, '$.album_uri'), '') "
        "FROM item i LEFT JOIN dataset_item di ON di.item_id = i.id AND di.dataset_id = ?1 "
        "WHERE i.id = ?2");
    std::vector<TrackFields> out;
    out.reserve(itemIds.size());
    for (const qint64 id : itemIds) {
        item.bind(1, datasetId).bind(2, id);
        TrackFields t;
        t.itemId = id;
        if (item.step()) {
            t.found = true;
            t.identity = item.columnText(0);
            t.key = item.columnText(1);
            t.title = item.columnText(2);
            t.artist = item.columnText(3);
            t.album = item.columnText(4);
            t.duration = item.columnDouble(5);
            t.artistUri = item.columnText(6);
            t.albumUri = item.columnText(7);
        }
        item.reset();
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<PlaylistMatch> playlistsWithKey(Project &project, const QString &key, qint64 datasetId)
{
    sql::Statement st(project.db(),
                      "SELECT s.item_id, s.dataset_id, coalesce(i.title, ''), s.entries, d.name FROM dataset_item di "
                      "JOIN sequence s ON s.item_id = di.item_id AND s.dataset_id = di.dataset_id "
                      "JOIN item i ON i.id = s.item_id JOIN dataset d ON d.id = s.dataset_id "
                      "WHERE di.key = ?1 AND (?2 = 0 OR di.dataset_id = ?2) ORDER BY s.dataset_id");
    st.bind(1, key).bind(2, datasetId);
    std::vector<PlaylistMatch> out;
    while (st.step()) {
        PlaylistMatch m;
        m.itemId = st.columnInt(0);
        m.datasetId = st.columnInt(1);
        m.title = st.columnText(2);
        m.entries = unpackIds(st.columnBlob(3));
        m.dataset = st.columnText(4);
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace orrery
