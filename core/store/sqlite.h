#pragma once

#include "base/error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <sqlite3.h>

#include <cstring>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace orrery::sql {

/// A prepared statement, reset after each step cycle so it can be reused in loops.
class Statement final {
public:
    Statement() = default;
    Statement(sqlite3 *db, std::string_view sql);
    ~Statement();
    Statement(Statement &&other) noexcept : m_stmt(std::exchange(other.m_stmt, nullptr)) { }
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    Statement &bind(int index, qint64 value);
    Statement &bind(int index, int value) { return bind(index, qint64(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, std::string_view utf8); ///< SQLITE_TRANSIENT copy; NULL when data() is null
    Statement &bind(int index, const QString &text);
    Statement &bind(int index, const QJsonObject &object); ///< as compact JSON text
    Statement &bindBlob(int index, const void *data, qint64 bytes);
    Statement &bindNull(int index);

    /// Steps once; true while a row is available. Throws Error on failure.
    bool step();
    /// Steps to completion and resets; for INSERT/UPDATE/DELETE.
    void exec();
    void reset();
    /// Steps to completion, collecting the first column of every row as an integer (ids).
    std::vector<qint64> ints();

    qint64 columnInt(int column) const { return sqlite3_column_int64(m_stmt, column); }
    double columnDouble(int column) const { return sqlite3_column_double(m_stmt, column); }
    QString columnText(int column) const;
    std::string_view columnUtf8(int column) const;
    std::span<const std::byte> columnBlob(int column) const;
    /// A blob column as an array of T, into `out` (its capacity reused across rows).
    template<typename T> void columnArray(int column, std::vector<T> &out) const
    {
        const std::span<const std::byte> blob = columnBlob(column);
        out.resize(blob.size() / sizeof(T));
        if (!out.empty())
            std::memcpy(out.data(), blob.data(), out.size() * sizeof(T));
    }
    template<typename T> std::vector<T> columnArray(int column) const
    {
        std::vector<T> out;
        columnArray(column, out);
        return out;
    }
    /// A JSON text column as an object (empty when it is NULL or not an object).
    QJsonObject columnObject(int column) const;
    bool columnIsNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

    sqlite3_stmt *handle() const { return m_stmt; }

private:
    void check(int rc) const;
    sqlite3_stmt *m_stmt = nullptr;
};

/// Runs SQL that returns no rows (may hold several statements).
void exec(sqlite3 *db, const char *sql);
/// Message of the connection's last error, for Error texts.
QString lastError(sqlite3 *db);

/// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() was called.
class Transaction final {
public:
    explicit Transaction(sqlite3 *db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    sqlite3 *m_db;
    bool m_open = true;
};

} // namespace orrery::sql
