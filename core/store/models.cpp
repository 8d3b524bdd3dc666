#include "store/models.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

namespace {
constexpr qint64 ChunkBytes = qint64(256) << 20;
} // namespace

void saveModel(Project &project, const StoredModel &model)
{
    if (model.name.isEmpty())
        throw Error(QStringLiteral("a model needs a name"));
    sql::Transaction tx(project.db());
    sql::Statement del(project.db(), "DELETE FROM model WHERE name = ?");
    del.bind(1, model.name).exec();
    sql::Statement st(project.db(),
                      "INSERT INTO model(name, dataset_id, method, params, stats, bytes) VALUES(?,?,?,?,?,?)");
    st.bind(1, model.name);
    if (model.datasetId)
        st.bind(2, model.datasetId);
    else
        st.bindNull(2);
    st.bind(3, model.method).bind(4, model.params).bind(5, model.stats).bind(6, qint64(model.state.size()));
    st.exec();
    const qint64 id = sqlite3_last_insert_rowid(project.db());
    sql::Statement chunk(project.db(), "INSERT INTO model_chunk(model_id, seq, data) VALUES(?,?,?)");
    for (qint64 offset = 0, seq = 0; offset < model.state.size(); offset += ChunkBytes, ++seq) {
        chunk.bind(1, id).bind(2, seq).bindBlob(3, model.state.constData() + offset,
                                                std::min<qint64>(ChunkBytes, model.state.size() - offset));
        chunk.exec();
    }
    tx.commit();
}

std::optional<StoredModel> loadModel(Project &project, const QString &name)
{
    sql::Statement st(project.db(),
                      "SELECT id, coalesce(dataset_id, 0), method, params, stats, bytes FROM model "
                      "WHERE name = ?");
    st.bind(1, name);
    if (!st.step())
        return std::nullopt;
    StoredModel m;
    m.name = name;
    const qint64 id = st.columnInt(0);
    m.datasetId = st.columnInt(1);
    m.method = st.columnText(2);
    m.params = st.columnObject(3);
    m.stats = st.columnObject(4);
    const qint64 bytes = st.columnInt(5);
    m.state.reserve(bytes);
    sql::Statement chunks(project.db(), "SELECT data FROM model_chunk WHERE model_id = ? ORDER BY seq");
    chunks.bind(1, id);
    while (chunks.step()) {
        const std::span<const std::byte> blob = chunks.columnBlob(0);
        m.state.append(reinterpret_cast<const char *>(blob.data()), qsizetype(blob.size()));
    }
    if (m.state.size() != bytes)
        throw Error(
            QStringLiteral("model \"%1\": %2 of its %3 bytes are stored").arg(name).arg(m.state.size()).arg(bytes));
    return m;
}

QList<ModelInfo> listModels(Project &project)
{
    QList<ModelInfo> out;
    sql::Statement st(project.db(),
                      "SELECT name, method, coalesce(dataset_id, 0), bytes, updated FROM model ORDER BY name");
    while (st.step())
        out.append({st.columnText(0), st.columnText(1), st.columnInt(2), st.columnInt(3), st.columnText(4)});
    return out;
}

bool removeModel(Project &project, const QString &name)
{
    sql::Statement st(project.db(), "DELETE FROM model WHERE name = ?");
    st.bind(1, name).exec();
    return sqlite3_changes(project.db()) > 0;
}

} // namespace orrery
