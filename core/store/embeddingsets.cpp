#include "store/embeddingsets.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <cmath>

namespace orrery {

namespace {

template<typename T> void bindVector(sql::Statement &st, int index, const std::vector<T> &v)
{
    if (v.empty())
        st.bindNull(index);
    else
        st.bindBlob(index, v.data(), qint64(v.size() * sizeof(T)));
}

} // namespace

qint64 saveEmbeddingSet(Project &project, EmbeddingSet &set, bool replace)
{
    if (set.dim <= 0 || set.vectors.size() != set.ids.size() * size_t(set.dim))
        throw Error(QStringLiteral("embedding set \"%1\": %2 values do not make %3 rows of %4")
                        .arg(set.name)
                        .arg(set.vectors.size())
                        .arg(set.ids.size())
                        .arg(set.dim));
    sql::Transaction tx(project.db());
    if (replace) {
        sql::Statement del(project.db(), "DELETE FROM embedding_set WHERE name = ?");
        del.bind(1, set.name).exec();
    }
    sql::Statement st(
        project.db(),
        "INSERT INTO embedding_set(name, dataset_id, item_kind, method, params, dim, count, ids, vectors, "
        "quantized, scales, rotation, stats) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, set.name);
    if (set.datasetId)
        st.bind(2, set.datasetId);
    else
        st.bindNull(2);
    st.bind(3, qint64(set.kind)).bind(4, set.method).bind(5, set.params).bind(6, qint64(set.dim)).bind(7, set.count());
    bindVector(st, 8, set.ids);
    bindVector(st, 9, set.vectors);
    bindVector(st, 10, set.quantized);
    bindVector(st, 11, set.scales);
    bindVector(st, 12, set.rotation);
    st.bind(13, set.stats);
    try {
        st.exec();
    } catch (const Error &e) {
        if (e.message().contains(u"UNIQUE"))
            throw Error(
                QStringLiteral("an embedding set named \"%1\" already exists; choose another --name").arg(set.name));
        throw;
    }
    set.id = sqlite3_last_insert_rowid(project.db());
    tx.commit();
    if (replace)
        project.removeUnreferencedIndexFiles(); // the replaced set's large index went with it
    return set.id;
}

bool deleteEmbeddingSet(Project &project, const QString &name)
{
    {
        sql::Transaction tx(project.db());
        sql::Statement del(project.db(), "DELETE FROM embedding_set WHERE name = ?");
        del.bind(1, name).exec();
        if (sqlite3_changes(project.db()) == 0)
            return false;
        tx.commit();
    }
    project.removeUnreferencedIndexFiles();
    return true;
}

EmbeddingSet loadEmbeddingSet(Project &project, const QString &name)
{
    sql::Statement st(project.db(),
                      "SELECT id, name, coalesce(dataset_id, 0), item_kind, method, params, dim, ids, vectors, "
                      "quantized, scales, rotation, stats FROM embedding_set WHERE name = ?");
    st.bind(1, name);
    if (!st.step())
        throw Error(QStringLiteral("no embedding set named \"%1\" (orrery-cli sets lists them)").arg(name));
    EmbeddingSet set;
    set.id = st.columnInt(0);
    set.name = st.columnText(1);
    set.datasetId = st.columnInt(2);
    set.kind = ItemKind(st.columnInt(3));
    set.method = st.columnText(4);
    set.params = st.columnObject(5);
    set.dim = int(st.columnInt(6));
    set.ids = st.columnArray<qint64>(7);
    set.vectors = st.columnArray<float>(8);
    set.quantized = st.columnArray<qint8>(9);
    set.scales = st.columnArray<float>(10);
    set.rotation = st.columnArray<float>(11);
    set.stats = st.columnObject(12);
    return set;
}

std::vector<qint64> loadEmbeddingSetIds(Project &project, const QString &name)
{
    sql::Statement st(project.db(), "SELECT ids FROM embedding_set WHERE name = ?");
    st.bind(1, name);
    if (!st.step())
        throw Error(QStringLiteral("no embedding set named \"%1\"").arg(name));
    return unpackIds(st.columnBlob(0));
}

QString trackSetBehind(Project &project, const QString &name)
{
    sql::Statement st(
        project.db(),
        "SELECT item_kind, coalesce(json_extract(params, '$.from'), '') FROM embedding_set WHERE name = ?");
    QString set = name;
    for (int hop = 0; hop < 2 && !set.isEmpty(); ++hop) {
        st.bind(1, set);
        if (!st.step())
            return {};
        const ItemKind kind = ItemKind(st.columnInt(0));
        const QString from = st.columnText(1);
        st.reset();
        if (kind == ItemKind::Track)
            return set;
        set = from;
    }
    return {};
}

std::vector<qint64> embeddingSetIds(Project &project, qint64 setId, qint64 *datasetId)
{
    sql::Statement st(project.db(), "SELECT ids, coalesce(dataset_id, 0) FROM embedding_set WHERE id = ?");
    st.bind(1, setId);
    std::vector<qint64> ids;
    qint64 dataset = 0;
    if (st.step()) {
        ids = unpackIds(st.columnBlob(0));
        dataset = st.columnInt(1);
    }
    if (datasetId)
        *datasetId = dataset;
    return ids;
}

} // namespace orrery
