#include "importwriter.h"

#include "store/project.h"

namespace orrery::io {

ImportWriter::ImportWriter(Project &project, qint64 datasetId, const ImportOptions &options, JobContext &job)
    : m_project(project), m_datasetId(datasetId), m_options(options), m_job(job)
{
    m_scope = "d";
    m_scope += std::to_string(datasetId);
    m_scope += ':';
    sqlite3 *db = project.db();
    {
        sql::Statement st(db, "SELECT EXISTS(SELECT 1 FROM item)");
        m_projectHadItems = st.step() && st.columnInt(0);
    }
    m_findItem = sql::Statement(db, "SELECT id FROM item WHERE kind = ? AND identity = ?");
    m_insertItem = sql::Statement(
        db, "INSERT INTO item(kind, identity, key, title, artist, album, body, attrs) VALUES(?,?,?,?,?,?,?,?)");
    m_insertFts = sql::Statement(db, "INSERT INTO item_fts(rowid, title, artist, album, body, attrs) VALUES(?,?,?,?,?,?)");
    m_insertMember = sql::Statement(db, "INSERT OR IGNORE INTO dataset_item(dataset_id, item_id, key) VALUES(?,?,?)");
    m_insertSequence = sql::Statement(db, "INSERT INTO sequence(item_id, dataset_id, length, entries) VALUES(?,?,?,?)");
    m_findTag = sql::Statement(db, "SELECT id FROM tag WHERE kind = ? AND name = ?");
    m_insertTag = sql::Statement(db, "INSERT INTO tag(kind, name) VALUES(?, ?)");
    m_insertItemTag = sql::Statement(db, "INSERT OR IGNORE INTO item_tag(item_id, tag_id, dataset_id) VALUES(?,?,?)");
}

ImportWriter::~ImportWriter() = default;

qint64 ImportWriter::find(ItemKind kind, std::string_view identityOrKey) const
{
    const ItemMap &map = itemsOf(kind);
    const auto it = map.find(identityOrKey);
    return it == map.end() ? 0 : it->second;
}

qint64 ImportWriter::item(const ItemFields &f)
{
    const std::string_view ident = f.identity.empty() ? f.key : f.identity;
    ItemMap &map = itemsOf(f.kind);
    if (const auto it = map.find(ident); it != map.end())
        return it->second;

    std::string stored;
    if (f.identity.empty())
        stored = m_scope + std::string(f.key);
    const std::string_view identity = f.identity.empty() ? std::string_view(stored) : f.identity;

    qint64 id = 0;
    if (m_projectHadItems && !f.identity.empty()) {
        m_findItem.bind(1, qint64(f.kind)).bind(2, identity);
        if (m_findItem.step())
            id = m_findItem.columnInt(0);
        m_findItem.reset();
    }
    if (!id) {
        const auto bindOpt = [](sql::Statement &st, int i, std::string_view v) {
            if (v.empty())
                st.bindNull(i);
            else
                st.bind(i, v);
        };
        m_insertItem.bind(1, qint64(f.kind)).bind(2, identity).bind(3, f.key);
        bindOpt(m_insertItem, 4, f.title);
        bindOpt(m_insertItem, 5, f.artist);
        bindOpt(m_insertItem, 6, f.album);
        bindOpt(m_insertItem, 7, f.body);
        bindOpt(m_insertItem, 8, f.attrs);
        m_insertItem.exec();
        id = sqlite3_last_insert_rowid(m_project.db());
        m_insertFts.bind(1, id);
        bindOpt(m_insertFts, 2, f.title);
        bindOpt(m_insertFts, 3, f.artist);
        bindOpt(m_insertFts, 4, f.album);
        bindOpt(m_insertFts, 5, f.body);
        bindOpt(m_insertFts, 6, f.attrs);
        m_insertFts.exec();
        ++m_stats.newItems;
    }
    m_insertMember.bind(1, m_datasetId).bind(2, id).bind(3, f.key).exec();
    if (f.kind != ItemKind::Playlist)
        ++m_stats.datasetItems;
    map.emplace(std::string(ident), id);
    return id;
}

qint64 ImportWriter::sequence(const ItemFields &fields, std::span<const qint64> entries)
{
    const qint64 id = item(fields);
    m_insertSequence.bind(1, id)
        .bind(2, m_datasetId)
        .bind(3, qint64(entries.size()))
        .bindBlob(4, entries.data(), qint64(entries.size_bytes()))
        .exec();
    ++m_stats.sequences;
    m_stats.entries += qint64(entries.size());
    return id;
}

void ImportWriter::tag(qint64 itemId, std::string_view name, bool label)
{
    const char *kind = label ? "label" : "tag";
    std::string mk(1, label ? 'l' : 't');
    mk += name;
    qint64 tagId = 0;
    if (const auto it = m_tags.find(mk); it != m_tags.end()) {
        tagId = it->second;
    } else {
        m_findTag.bind(1, std::string_view(kind)).bind(2, name);
        if (m_findTag.step())
            tagId = m_findTag.columnInt(0);
        m_findTag.reset();
        if (!tagId) {
            m_insertTag.bind(1, std::string_view(kind)).bind(2, name).exec();
            tagId = sqlite3_last_insert_rowid(m_project.db());
        }
        m_tags.emplace(std::move(mk), tagId);
    }
    m_insertItemTag.bind(1, itemId).bind(2, tagId).bind(3, m_datasetId).exec();
    ++m_stats.tags;
}

void ImportWriter::embeddingSet(const QString &name, ItemKind kind, const QString &method, std::span<const qint64> ids,
                                std::span<const float> vectors, int dim, const QString &paramsJson)
{
    sql::Statement st(m_project.db(), "INSERT INTO embedding_set(name, dataset_id, item_kind, method, params, dim, "
                                      "count, ids, vectors) VALUES(?,?,?,?,?,?,?,?,?)");
    st.bind(1, name)
        .bind(2, m_datasetId)
        .bind(3, qint64(kind))
        .bind(4, method)
        .bind(5, paramsJson)
        .bind(6, qint64(dim))
        .bind(7, qint64(ids.size()))
        .bindBlob(8, ids.data(), qint64(ids.size_bytes()))
        .bindBlob(9, vectors.data(), qint64(vectors.size_bytes()));
    try {
        st.exec();
    } catch (const Error &) {
        throw Error(QStringLiteral("an embedding set named \"%1\" already exists; choose another --dataset name").arg(name));
    }
    m_stats.vectors += qint64(ids.size());
}

void ImportWriter::datasetAttributes(std::string_view json)
{
    sql::Statement st(m_project.db(), "UPDATE dataset SET attrs = ? WHERE id = ?");
    st.bind(1, json).bind(2, m_datasetId).exec();
    m_hasAttributes = true;
}

void ImportWriter::skipRecord(const QString &where, const QString &message)
{
    const QString text = where + QStringLiteral(": ") + message;
    if (m_options.strict)
        throw Error(text + QStringLiteral(" (--strict)"));
    ++m_stats.skipped;
    if (m_stats.warnings.size() < 100)
        m_stats.warnings.append(text);
}

void ImportWriter::beginFile(const QString &path, qint64 bytes)
{
    Q_UNUSED(path);
    m_bytesBefore = m_stats.bytes;
    m_stats.bytes += bytes;
    ++m_stats.files;
}

void ImportWriter::advance(qint64 bytesDone)
{
    m_job.checkCancelled();
    m_job.progress(m_bytesBefore + bytesDone, m_totalBytes);
}

} // namespace orrery::io
