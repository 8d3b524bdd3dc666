#pragma once

#include <QFile>
#include <QString>

#include <memory>
#include <string>
#include <string_view>

namespace orrery::io {

/// Reads a JSON file forward in bounded memory and hands out whole top-level values
/// (for example the elements of a large array) as padded byte ranges that simdjson can
/// parse in place. Line numbers are tracked so errors can name `file:line:column`.
class JsonStream final {
public:
    explicit JsonStream(const QString &path);

    /// Skips white space; the next byte, or 0 at the end of the file.
    char peek();
    /// Consumes `c` (after white space) or fails with "expected <what>".
    void expect(char c, const char *what);
    /// Consumes `c` (after white space) if it is next.
    bool consume(char c);
    /// Reads an object key (a JSON string) and the colon after it.
    std::string readKey();
    /// Marks the next complete JSON value; view() then covers it. The view (and the
    /// padding after it) stays valid until the next call that moves the stream.
    std::string_view nextValue();
    /// Capacity from the value's start to the end of the allocation, for simdjson.
    size_t capacityFrom(const char *start) const { return size_t(m_data.get() + m_cap - start); }

    /// 1-based line and column of a pointer inside the current buffer.
    std::pair<qint64, qint64> lineColumn(const char *at) const;
    [[noreturn]] void failAt(const char *at, const QString &message) const;
    [[noreturn]] void failHere(const QString &message);

    qint64 bytesRead() const { return m_consumedBase + qint64(m_pos); }
    const QString &path() const { return m_path; }

private:
    bool fill(); ///< reads more; false at the end
    void skipWhitespace();
    void advanceTo(size_t pos);
    void countLines(const char *from, const char *to, qint64 *line, qint64 *lineStart) const;
    size_t skipStringBody(size_t i) const;
    size_t skipPlain(size_t i, bool topLevel) const;

    QString m_path;
    QFile m_file;
    std::unique_ptr<char[]> m_data;
    size_t m_cap = 0; ///< allocated bytes (len + padding at least)
    size_t m_len = 0; ///< valid bytes
    size_t m_pos = 0; ///< next unread byte
    qint64 m_consumedBase = 0; ///< file offset of m_data[0]
    qint64 m_line = 1; ///< line of m_data[m_lineMark]
    size_t m_lineMark = 0;
    qint64 m_lineStartFile = 0; ///< file offset where line m_line starts
    mutable qint64 m_cacheOffset = -1; ///< last lineColumn() answer, to resume counting
    mutable qint64 m_cacheLine = 1;
    mutable qint64 m_cacheLineStart = 0;
};

} // namespace orrery::io
