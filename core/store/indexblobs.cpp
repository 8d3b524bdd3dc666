#include "indexblobs.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

std::optional<IndexBlob> loadIndexBlob(Project &project, qint64 setId, const QString &metric)
{
    sql::Statement st(project.db(),
                      !metric.isEmpty()
                          ? "SELECT kind, params, path, data, stats FROM index_blob WHERE set_id = ? AND "
                            "coalesce(json_extract(params, '$.metric'), 'cosine') = ? ORDER BY id DESC LIMIT 1"
                          : "SELECT kind, params, path, data, stats FROM index_blob WHERE set_id = ? "
                            "ORDER BY id DESC LIMIT 1");
    st.bind(1, setId);
    if (!metric.isEmpty())
        st.bind(2, metric);
    if (!st.step())
        return std::nullopt;
    IndexBlob blob;
    blob.setId = setId;
    blob.kind = st.columnText(0);
    blob.params = st.columnObject(1);
    blob.path = st.columnText(2);
    blob.hasData = !st.columnIsNull(3);
    if (blob.hasData) {
        const auto data = st.columnBlob(3);
        blob.data = QByteArray(reinterpret_cast<const char *>(data.data()), qsizetype(data.size()));
    }
    blob.stats = st.columnObject(4);
    return blob;
}

std::vector<QString> replaceIndexBlob(Project &project, const IndexBlob &blob)
{
    const QString metric = blob.params.value(u"metric").toString(QStringLiteral("cosine"));
    std::vector<QString> oldPaths;
    sql::Transaction tx(project.db());
    {
        sql::Statement old(project.db(),
                           "SELECT id, path FROM index_blob WHERE set_id = ? AND "
                           "coalesce(json_extract(params, '$.metric'), 'cosine') = ?");
        old.bind(1, blob.setId).bind(2, metric);
        sql::Statement del(project.db(), "DELETE FROM index_blob WHERE id = ?");
        std::vector<qint64> ids;
        while (old.step()) {
            ids.push_back(old.columnInt(0));
            if (!old.columnIsNull(1))
                oldPaths.push_back(old.columnText(1));
        }
        for (const qint64 id : ids)
            del.bind(1, id).exec();
    }
    sql::Statement st(project.db(),
                      "INSERT INTO index_blob(set_id, kind, params, path, data, stats) VALUES(?,?,?,?,?,?)");
    st.bind(1, blob.setId).bind(2, blob.kind).bind(3, blob.params);
    if (blob.path.isEmpty())
        st.bindNull(4);
    else
        st.bind(4, blob.path);
    if (blob.hasData)
        st.bindBlob(5, blob.data.constData(), blob.data.size());
    else
        st.bindNull(5);
    st.bind(6, blob.stats);
    st.exec();
    tx.commit();
    return oldPaths;
}

} // namespace orrery
