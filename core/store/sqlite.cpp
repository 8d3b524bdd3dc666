#include "sqlite.h"

#include <QJsonDocument>

namespace orrery::sql {

QString lastError(sqlite3 *db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

void exec(sqlite3 *db, const char *sql)
{
    char *message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        const QString text = QString::fromUtf8(message ? message : "unknown error");
        sqlite3_free(message);
        throw Error(QStringLiteral("database: ") + text);
    }
}

Statement::Statement(sqlite3 *db, std::string_view sql)
{
    if (sqlite3_prepare_v3(db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK)
        throw Error(QStringLiteral("database: cannot prepare \"%1\": %2")
                        .arg(QString::fromUtf8(sql.data(), qsizetype(sql.size())), lastError(db)));
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

void Statement::check(int rc) const
{
    if (rc != SQLITE_OK)
        throw Error(QStringLiteral("database: ") + lastError(sqlite3_db_handle(m_stmt)));
}

Statement &Statement::bind(int index, qint64 value)
{
    check(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    check(sqlite3_bind_double(m_stmt, index, value));
    return *this;
}

Statement &Statement::bind(int index, std::string_view utf8)
{
    if (!utf8.data())
        return bindNull(index);
    check(sqlite3_bind_text64(m_stmt, index, utf8.data(), utf8.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement &Statement::bind(int index, const QString &text)
{
    if (text.isNull())
        return bindNull(index);
    const QByteArray utf8 = text.toUtf8();
    check(sqlite3_bind_text64(m_stmt, index, utf8.constData(), quint64(utf8.size()), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement &Statement::bindBlob(int index, const void *data, qint64 bytes)
{
    check(sqlite3_bind_blob64(m_stmt, index, bytes ? data : "", quint64(bytes), SQLITE_TRANSIENT));
    return *this;
}

Statement &Statement::bindNull(int index)
{
    check(sqlite3_bind_null(m_stmt, index));
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const QString message = lastError(sqlite3_db_handle(m_stmt));
    sqlite3_reset(m_stmt);
    throw Error(QStringLiteral("database: ") + message);
}

void Statement::exec()
{
    while (step()) { }
    reset();
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

QString Statement::columnText(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!text)
        return {};
    return QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column));
}

std::vector<qint64> Statement::ints()
{
    std::vector<qint64> out;
    while (step())
        out.push_back(columnInt(0));
    return out;
}

std::string_view Statement::columnUtf8(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return text ? std::string_view(text, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string_view();
}

QJsonObject Statement::columnObject(int column) const
{
    const std::string_view text = columnUtf8(column);
    return QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), qsizetype(text.size()))).object();
}

Statement &Statement::bind(int index, const QJsonObject &object)
{
    const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return bind(index, std::string_view(text.constData(), size_t(text.size())));
}

std::span<const std::byte> Statement::columnBlob(int column) const
{
    const auto *data = static_cast<const std::byte *>(sqlite3_column_blob(m_stmt, column));
    return {data, size_t(sqlite3_column_bytes(m_stmt, column))};
}

Transaction::Transaction(sqlite3 *db) : m_db(db)
{
    exec(m_db, "BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (m_open)
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit()
{
    exec(m_db, "COMMIT");
    m_open = false;
}

} // namespace orrery::sql
