#include "corpus.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <cstring>
#include <unordered_map>

namespace orrery {

Corpus loadCorpus(Project &project, qint64 datasetId, JobContext &job)
{
    Corpus c;
    qint64 total = 0;
    {
        sql::Statement st(project.db(), "SELECT count(*), coalesce(sum(length), 0) FROM sequence WHERE dataset_id = ?");
        st.bind(1, datasetId);
        st.step();
        c.sequenceIds.reserve(size_t(st.columnInt(0)));
        total = st.columnInt(1);
        c.tokens.reserve(size_t(total));
    }
    std::unordered_map<qint64, qint32> index;
    c.offsets.push_back(0);
    sql::Statement st(project.db(), "SELECT item_id, entries FROM sequence WHERE dataset_id = ? ORDER BY item_id");
    st.bind(1, datasetId);
    std::vector<qint64> ids;
    while (st.step()) {
        c.sequenceIds.push_back(st.columnInt(0));
        st.columnArray(1, ids);
        for (const qint64 id : ids) {
            auto [it, inserted] = index.try_emplace(id, qint32(c.vocab.size()));
            if (inserted) {
                c.vocab.push_back(id);
                c.counts.push_back(0);
            }
            ++c.counts[size_t(it->second)];
            c.tokens.push_back(it->second);
        }
        c.offsets.push_back(qint64(c.tokens.size()));
        if ((c.sequenceIds.size() & 4095) == 0) {
            job.checkCancelled();
            job.progress(qint64(c.tokens.size()), total, QStringLiteral("reading sequences"));
        }
    }
    return c;
}

std::vector<qint64> datasetItems(Project &project, qint64 datasetId, ItemKind kind)
{
    sql::Statement st(project.db(),
                      "SELECT di.item_id FROM dataset_item di JOIN item i ON i.id = di.item_id "
                      "WHERE di.dataset_id = ? AND i.kind = ? ORDER BY di.item_id");
    st.bind(1, datasetId).bind(2, qint64(kind));
    return st.ints();
}

namespace {
std::unordered_map<qint64, size_t> positions(const std::vector<qint64> &ids)
{
    std::unordered_map<qint64, size_t> position;
    position.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i)
        position.emplace(ids[i], i);
    return position;
}
} // namespace

std::vector<QString> itemLabels(Project &project, const std::vector<qint64> &ids)
{
    // One pass over item_tag, then a lookup per id: cheaper than a query per item.
    const auto position = positions(ids);
    std::vector<QString> out(ids.size());
    sql::Statement st(project.db(),
                      "SELECT it.item_id, t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                      "WHERE t.kind = 'label' ORDER BY it.item_id, t.id");
    while (st.step()) {
        const auto it = position.find(st.columnInt(0));
        if (it != position.end() && out[it->second].isEmpty())
            out[it->second] = st.columnText(1);
    }
    return out;
}

ItemTags itemTags(Project &project, const std::vector<qint64> &ids)
{
    const auto position = positions(ids);
    ItemTags out;
    out.perItem.resize(ids.size());
    std::unordered_map<qint64, qint32> tagIndex;
    sql::Statement st(project.db(),
                      "SELECT DISTINCT it.item_id, t.id, t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                      "WHERE t.kind = 'tag' ORDER BY it.item_id, t.id");
    while (st.step()) {
        const auto it = position.find(st.columnInt(0));
        if (it == position.end())
            continue;
        auto [tag, inserted] = tagIndex.try_emplace(st.columnInt(1), qint32(out.names.size()));
        if (inserted)
            out.names.push_back(st.columnText(2));
        out.perItem[it->second].push_back(tag->second);
    }
    return out;
}

std::vector<QString> itemKeys(Project &project, const std::vector<qint64> &ids, qint64 datasetId)
{
    std::vector<QString> out;
    out.reserve(ids.size());
    sql::Statement scoped(project.db(), "SELECT key FROM dataset_item WHERE item_id = ? AND dataset_id = ?");
    sql::Statement any(project.db(), "SELECT key FROM item WHERE id = ?");
    for (const qint64 id : ids) {
        QString key;
        if (datasetId) {
            scoped.bind(1, id).bind(2, datasetId);
            if (scoped.step())
                key = scoped.columnText(0);
            scoped.reset();
        }
        if (key.isNull()) {
            any.bind(1, id);
            if (any.step())
                key = any.columnText(0);
            any.reset();
        }
        out.push_back(key);
    }
    return out;
}

} // namespace orrery
