#include "importwriter.h"

#include "io/source.h"
#include "store/project.h"

#include <cstring>

namespace orrery::io {

namespace {
constexpr size_t BatchOps = 16384;
constexpr size_t BatchBytes = size_t(8) << 20;
constexpr size_t BatchesInFlight = 4;
} // namespace

/// The store thread's prepared statements, on the project's connection.
class ImportWriter::Store final {
public:
    explicit Store(sqlite3 *db)
        : insertItem(db,
                     "INSERT INTO item(id, kind, identity, key, title, artist, album, body, attrs) "
                     "VALUES(?,?,?,?,?,?,?,?,?)"),
          insertFts(db, "INSERT INTO item_fts(rowid, title, artist, album, body, attrs) VALUES(?,?,?,?,?,?)"),
          insertMember(db, "INSERT OR IGNORE INTO dataset_item(dataset_id, item_id, key) VALUES(?,?,?)"),
          insertSequence(db, "INSERT INTO sequence(item_id, dataset_id, length, entries) VALUES(?,?,?,?)"),
          insertTag(db, "INSERT INTO tag(id, kind, name) VALUES(?,?,?)"),
          insertItemTag(db, "INSERT OR IGNORE INTO item_tag(item_id, tag_id, dataset_id) VALUES(?,?,?)"),
          setAttrs(db, "UPDATE dataset SET attrs = ? WHERE id = ?"),
          insertSet(db,
                    "INSERT INTO embedding_set(name, dataset_id, item_kind, method, params, dim, count, ids, vectors) "
                    "VALUES(?,?,?,?,?,?,?,?,?)")
    {
    }
    sql::Statement insertItem, insertFts, insertMember, insertSequence, insertTag, insertItemTag, setAttrs, insertSet;
};

ImportWriter::ImportWriter(Project &project, qint64 datasetId, const ImportOptions &options, JobContext &job)
    : m_project(project), m_datasetId(datasetId), m_options(options), m_job(job)
{
    m_scope = "d";
    m_scope += std::to_string(datasetId);
    m_scope += ':';
    sqlite3 *db = project.db();
    {
        sql::Statement st(db, "SELECT coalesce(max(id), 0) FROM item");
        st.step();
        m_nextItemId = st.columnInt(0) + 1;
        m_projectHadItems = m_nextItemId > 1;
    }
    {
        sql::Statement st(db, "SELECT id, kind, name FROM tag");
        while (st.step()) {
            std::string key(1, st.columnUtf8(1) == "label" ? 'l' : 't');
            key += st.columnUtf8(2);
            m_tags.emplace(std::move(key), st.columnInt(0));
            m_nextTagId = std::max(m_nextTagId, st.columnInt(0) + 1);
        }
    }
    {
        sql::Statement st(db, "SELECT name FROM embedding_set");
        while (st.step())
            m_setNames.insert(st.columnText(0));
    }
    if (m_projectHadItems) {
        // Committed items are visible to a second connection while this one writes (WAL).
        const QByteArray path = project.path().toUtf8();
        if (sqlite3_open_v2(path.constData(), &m_reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr)
            != SQLITE_OK) {
            sqlite3_close(m_reader);
            m_reader = nullptr;
            throw Error(project.path() + QStringLiteral(": cannot open a second connection"));
        }
        m_findItem = sql::Statement(m_reader, "SELECT id FROM item WHERE kind = ? AND identity = ?");
    }
    m_batch = std::make_unique<Batch>();
    m_thread = std::thread([this] { storeLoop(); });
}

ImportWriter::~ImportWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_abort = true;
        m_closing = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_findItem = sql::Statement();
    sqlite3_close_v2(m_reader);
}

ImportWriter::Str ImportWriter::stash(std::string_view s, bool nullWhenEmpty)
{
    if (s.empty() && nullWhenEmpty)
        return {};
    Str out {m_batch->arena.size(), s.size(), false};
    m_batch->arena.append(s);
    return out;
}

ImportWriter::Op &ImportWriter::push(OpType type)
{
    if (m_batch->ops.size() >= BatchOps || m_batch->arena.size() >= BatchBytes)
        flush();
    m_batch->ops.push_back(Op {type});
    return m_batch->ops.back();
}

void ImportWriter::flush()
{
    if (m_batch->ops.empty())
        return;
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_full.size() < BatchesInFlight || !m_storeError.isEmpty(); });
    if (!m_storeError.isEmpty()) {
        lock.unlock();
        rethrowStoreError();
    }
    m_full.push_back(std::move(m_batch));
    if (!m_free.empty()) {
        m_batch = std::move(m_free.back());
        m_free.pop_back();
    } else {
        m_batch = std::make_unique<Batch>();
    }
    lock.unlock();
    m_cv.notify_all();
}

void ImportWriter::rethrowStoreError()
{
    std::lock_guard lock(m_mutex);
    if (!m_storeError.isEmpty())
        throw Error(m_storeError);
}

void ImportWriter::finish()
{
    flush();
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    rethrowStoreError();
}

void ImportWriter::storeLoop()
{
    std::unique_ptr<Store> store;
    try {
        store = std::make_unique<Store>(m_project.db());
    } catch (const Error &e) {
        std::lock_guard lock(m_mutex);
        m_storeError = e.message();
        m_cv.notify_all();
        return;
    }
    const auto bindText = [](sql::Statement &st, int index, const Batch &b, const Str &s) {
        if (s.null)
            st.bindNull(index);
        else
            st.bind(index, b.view(s));
    };
    for (;;) {
        std::unique_ptr<Batch> batch;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return !m_full.empty() || m_closing; });
            if (m_abort || (m_full.empty() && m_closing))
                return;
            batch = std::move(m_full.front());
            m_full.pop_front();
        }
        m_cv.notify_all();
        try {
            const Batch &b = *batch;
            for (const Op &op : b.ops) {
                switch (op.type) {
                case OpType::Item: {
                    auto &st = store->insertItem;
                    st.bind(1, op.a).bind(2, op.b);
                    for (int i = 0; i < 7; ++i)
                        bindText(st, 3 + i, b, op.s[i]);
                    st.exec();
                    auto &fts = store->insertFts;
                    fts.bind(1, op.a);
                    for (int i = 0; i < 5; ++i)
                        bindText(fts, 2 + i, b, op.s[2 + i]);
                    fts.exec();
                    break;
                }
                case OpType::Member:
                    store->insertMember.bind(1, m_datasetId).bind(2, op.a);
                    bindText(store->insertMember, 3, b, op.s[0]);
                    store->insertMember.exec();
                    break;
                case OpType::Sequence: {
                    const std::string_view entries = b.view(op.s[0]);
                    store->insertSequence.bind(1, op.a)
                        .bind(2, m_datasetId)
                        .bind(3, op.b)
                        .bindBlob(4, entries.data(), qint64(entries.size()))
                        .exec();
                    break;
                }
                case OpType::Tag:
                    store->insertTag.bind(1, op.a).bind(2, b.view(op.s[0])).bind(3, b.view(op.s[1])).exec();
                    break;
                case OpType::ItemTag:
                    store->insertItemTag.bind(1, op.a).bind(2, op.b).bind(3, m_datasetId).exec();
                    break;
                case OpType::DatasetAttrs: store->setAttrs.bind(1, b.view(op.s[0])).bind(2, m_datasetId).exec(); break;
                case OpType::EmbeddingSet: {
                    const auto &ids = b.blobs[size_t(op.b)];
                    const auto &vectors = b.blobs[size_t(op.b) + 1];
                    store->insertSet.bind(1, b.view(op.s[0]))
                        .bind(2, m_datasetId)
                        .bind(3, op.a)
                        .bind(4, b.view(op.s[1]))
                        .bind(5, b.view(op.s[2]))
                        .bind(6, op.c)
                        .bind(7, qint64(ids.size() / sizeof(qint64)))
                        .bindBlob(8, ids.data(), qint64(ids.size()))
                        .bindBlob(9, vectors.data(), qint64(vectors.size()))
                        .exec();
                    break;
                }
                }
            }
        } catch (const Error &e) {
            std::lock_guard lock(m_mutex);
            m_storeError = e.message();
            m_cv.notify_all();
            return;
        }
        batch->clear();
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(batch));
    }
}

qint64 ImportWriter::existingItem(ItemKind kind, std::string_view identity)
{
    if (!m_reader)
        return 0;
    m_findItem.bind(1, qint64(kind)).bind(2, identity);
    const qint64 id = m_findItem.step() ? m_findItem.columnInt(0) : 0;
    m_findItem.reset();
    return id;
}

qint64 ImportWriter::find(ItemKind kind, std::string_view identityOrKey) const
{
    return m_items[size_t(kind)].find(identityOrKey);
}

qint64 ImportWriter::item(const ItemFields &f)
{
    const std::string_view ident = f.identity.empty() ? f.key : f.identity;
    StringIdMap &map = m_items[size_t(f.kind)];
    if (const qint64 id = map.find(ident))
        return id;

    qint64 id = f.identity.empty() ? 0 : existingItem(f.kind, f.identity);
    if (!id) {
        id = m_nextItemId++;
        Op &op = push(OpType::Item);
        op.a = id;
        op.b = qint64(f.kind);
        if (f.identity.empty()) {
            op.s[0] = stash(m_scope, false);
            m_batch->arena.append(f.key);
            op.s[0].length += f.key.size();
        } else {
            op.s[0] = stash(f.identity, false);
        }
        op.s[1] = stash(f.key, false);
        op.s[2] = stash(f.title);
        op.s[3] = stash(f.artist);
        op.s[4] = stash(f.album);
        op.s[5] = stash(f.body);
        op.s[6] = stash(f.attrs);
        ++m_stats.newItems;
    }
    Op &member = push(OpType::Member);
    member.a = id;
    member.s[0] = stash(f.key, false);
    if (f.kind != ItemKind::Playlist)
        ++m_stats.datasetItems;
    map.insert(ident, id);
    return id;
}

qint64 ImportWriter::sequence(const ItemFields &fields, std::span<const qint64> entries)
{
    const qint64 id = item(fields);
    if (!m_sequences.insert(id).second)
        throw Error(
            QStringLiteral("%1 \"%2\" appears twice in this import; each playlist or document needs its own key")
                .arg(fields.kind == ItemKind::Playlist ? QStringLiteral("playlist") : QStringLiteral("document"),
                     qs(fields.key)));
    Op &op = push(OpType::Sequence);
    op.a = id;
    op.b = qint64(entries.size());
    op.s[0] = stash(std::string_view(reinterpret_cast<const char *>(entries.data()), entries.size_bytes()), false);
    ++m_stats.sequences;
    m_stats.entries += qint64(entries.size());
    return id;
}

void ImportWriter::tag(qint64 itemId, std::string_view name, bool label)
{
    std::string key(1, label ? 'l' : 't');
    key += name;
    qint64 tagId = 0;
    if (const auto it = m_tags.find(key); it != m_tags.end()) {
        tagId = it->second;
    } else {
        tagId = m_nextTagId++;
        Op &op = push(OpType::Tag);
        op.a = tagId;
        op.s[0] = stash(label ? "label" : "tag", false);
        op.s[1] = stash(name, false);
        m_tags.emplace(std::move(key), tagId);
    }
    Op &op = push(OpType::ItemTag);
    op.a = itemId;
    op.b = tagId;
    ++m_stats.tags;
}

void ImportWriter::embeddingSet(const QString &name, ItemKind kind, const QString &method, std::span<const qint64> ids,
                                std::span<const float> vectors, int dim, const QString &paramsJson)
{
    if (m_setNames.contains(name))
        throw Error(
            QStringLiteral("an embedding set named \"%1\" already exists; choose another --dataset name").arg(name));
    m_setNames.insert(name);
    Op &op = push(OpType::EmbeddingSet);
    op.a = qint64(kind);
    op.b = qint64(m_batch->blobs.size());
    op.c = dim;
    op.s[0] = stash(name.toStdString(), false);
    op.s[1] = stash(method.toStdString(), false);
    op.s[2] = stash(paramsJson.toStdString(), false);
    const auto *idBytes = reinterpret_cast<const char *>(ids.data());
    const auto *vectorBytes = reinterpret_cast<const char *>(vectors.data());
    m_batch->blobs.emplace_back(idBytes, idBytes + ids.size_bytes());
    m_batch->blobs.emplace_back(vectorBytes, vectorBytes + vectors.size_bytes());
    m_stats.vectors += qint64(ids.size());
    flush(); // a large blob: hand it over now rather than hold it with the next rows
}

void ImportWriter::datasetAttributes(std::string_view json)
{
    Op &op = push(OpType::DatasetAttrs);
    op.s[0] = stash(json, false);
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
