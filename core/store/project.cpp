#include "project.h"

#include "store/schema.h"
#include "store/sqlite.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <cstring>

namespace orrery {

static_assert(std::size(schema::migrations) == Project::SchemaVersion, "one migration per schema version");

namespace {
constexpr qint64 ApplicationId = 0x4F525259; // "ORRY"

qint64 pragmaInt(sqlite3 *db, const char *sql)
{
    sql::Statement st(db, sql);
    return st.step() ? st.columnInt(0) : 0;
}
} // namespace

Project::Project(const QString &path) : m_path(path)
{
    const QByteArray file = path.toUtf8();
    if (sqlite3_open_v2(file.constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr)
        != SQLITE_OK) {
        const QString message = m_db ? sql::lastError(m_db) : QStringLiteral("out of memory");
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(path + QStringLiteral(": cannot open project: ") + message);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 5000);
    try {
        const qint64 appId = pragmaInt(m_db, "PRAGMA application_id");
        if (appId != 0 && appId != ApplicationId)
            throw Error(path + QStringLiteral(": not an Orrery project (application_id %1)").arg(appId));
        if (appId == 0 && pragmaInt(m_db, "PRAGMA user_version") == 0
            && pragmaInt(m_db, "SELECT count(*) FROM sqlite_schema") > 0)
            throw Error(path + QStringLiteral(": an SQLite file that is not an Orrery project"));
        // Refuse a newer schema before touching the file (WAL would rewrite its header).
        if (const int version = schemaVersion(); version > SchemaVersion)
            throw Error(QStringLiteral("schema version %1 was written by a newer Orrery (this one reads up to %2)")
                            .arg(version)
                            .arg(SchemaVersion));
        sql::exec(m_db,
                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                  "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY");
        migrate();
    } catch (const Error &e) {
        sqlite3_close(m_db);
        m_db = nullptr;
        if (e.message().startsWith(path))
            throw;
        throw Error(path + QStringLiteral(": ") + e.message());
    }
}

Project::~Project()
{
    sqlite3_close_v2(m_db);
}

void Project::migrate()
{
    int version = schemaVersion();
    if (version == SchemaVersion)
        return;
    sql::Transaction tx(m_db);
    for (; version < SchemaVersion; ++version)
        sql::exec(m_db, schema::migrations[version]);
    sql::exec(m_db,
              QByteArray("PRAGMA application_id=" + QByteArray::number(ApplicationId)
                         + ";PRAGMA user_version=" + QByteArray::number(SchemaVersion))
                  .constData());
    tx.commit();
}

int Project::schemaVersion() const
{
    return int(pragmaInt(m_db, "PRAGMA user_version"));
}

QList<DatasetInfo> Project::datasets() const
{
    QList<DatasetInfo> out;
    sql::Statement st(m_db, R"sql(
        SELECT d.id, d.name, d.kind, d.format,
          (SELECT count(*) FROM dataset_item di JOIN item i ON i.id = di.item_id
             WHERE di.dataset_id = d.id AND i.kind <> 5),
          (SELECT count(*) FROM sequence s WHERE s.dataset_id = d.id),
          (SELECT coalesce(sum(length), 0) FROM sequence s WHERE s.dataset_id = d.id),
          (SELECT count(DISTINCT tag_id) FROM item_tag t WHERE t.dataset_id = d.id)
        FROM dataset d ORDER BY d.id)sql");
    while (st.step()) {
        DatasetInfo info;
        info.id = st.columnInt(0);
        info.name = st.columnText(1);
        fromString(st.columnText(2), &info.kind);
        info.format = st.columnText(3);
        info.items = st.columnInt(4);
        info.sequences = st.columnInt(5);
        info.entries = st.columnInt(6);
        info.tags = st.columnInt(7);
        out.append(info);
    }
    return out;
}

qint64 Project::datasetId(const QString &name) const
{
    sql::Statement st(m_db, "SELECT id FROM dataset WHERE name = ?");
    st.bind(1, name);
    return st.step() ? st.columnInt(0) : 0;
}

QList<EmbeddingSetInfo> Project::embeddingSets() const
{
    QList<EmbeddingSetInfo> out;
    sql::Statement st(m_db,
                      "SELECT e.id, e.name, coalesce(d.name, ''), e.item_kind, e.method, e.dim, e.count "
                      "FROM embedding_set e LEFT JOIN dataset d ON d.id = e.dataset_id ORDER BY e.id");
    while (st.step()) {
        EmbeddingSetInfo info;
        info.id = st.columnInt(0);
        info.name = st.columnText(1);
        info.dataset = st.columnText(2);
        info.kind = ItemKind(st.columnInt(3));
        info.method = st.columnText(4);
        info.dim = int(st.columnInt(5));
        info.count = st.columnInt(6);
        out.append(info);
    }
    return out;
}

qint64 Project::itemForKey(const QString &key, qint64 datasetId) const
{
    sql::Statement st(m_db,
                      datasetId ? "SELECT item_id FROM dataset_item WHERE key = ? AND dataset_id = ? LIMIT 1"
                                : "SELECT item_id FROM dataset_item WHERE key = ? ORDER BY dataset_id LIMIT 1");
    st.bind(1, key);
    if (datasetId)
        st.bind(2, datasetId);
    return st.step() ? st.columnInt(0) : 0;
}

QString sqliteVersion()
{
    return QString::fromLatin1(sqlite3_libversion());
}

QByteArray packIds(const std::vector<qint64> &ids)
{
    static_assert(std::endian::native == std::endian::little, "the project format stores little-endian ids");
    return QByteArray(reinterpret_cast<const char *>(ids.data()), qsizetype(ids.size() * sizeof(qint64)));
}

std::vector<qint64> unpackIds(std::span<const std::byte> blob)
{
    std::vector<qint64> ids(blob.size() / sizeof(qint64));
    if (!ids.empty())
        std::memcpy(ids.data(), blob.data(), ids.size() * sizeof(qint64));
    return ids;
}

QString Project::indexFolder() const
{
    const QFileInfo file(m_path);
    return QDir(file.absolutePath()).filePath(file.fileName() + QStringLiteral(".indexes"));
}

int Project::removeUnreferencedIndexFiles()
{
    const QDir folder(indexFolder());
    if (!folder.exists())
        return 0;
    QSet<QString> referenced;
    {
        sql::Statement st(m_db, "SELECT path FROM index_blob WHERE path IS NOT NULL");
        while (st.step())
            referenced.insert(QFileInfo(QDir(QFileInfo(m_path).absolutePath()).filePath(st.columnText(0))).fileName());
    }
    int removed = 0;
    // Only finished graph files: a `.tmp<pid>` file belongs to a save in progress.
    for (const QString &name : folder.entryList({QStringLiteral("*.hnsw")}, QDir::Files))
        if (!referenced.contains(name) && QFile::remove(folder.filePath(name)))
            ++removed;
    folder.rmdir(folder.path()); // only when empty
    return removed;
}

} // namespace orrery
