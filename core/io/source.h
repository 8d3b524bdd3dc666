#pragma once

#include "base/error.h"

#include <QByteArray>
#include <QString>

#include <string>
#include <string_view>

namespace orrery::io {

/// `file:line[:column]` as it starts every input error message.
QString location(const QString &path, qint64 line, qint64 column = 0);
/// Throws Error("path:line[:column]: message").
[[noreturn]] void fail(const QString &path, qint64 line, qint64 column, const QString &message);
/// Throws Error("path: byte N: message"), for binary formats.
[[noreturn]] void failAtByte(const QString &path, qint64 offset, const QString &message);

/// Reads a whole file; throws Error naming the file when it cannot.
QByteArray readFile(const QString &path);
/// Reads at most `bytes` from the start of a file (empty on failure); for detection.
QByteArray readHead(const QString &path, qint64 bytes = 4096);

/// Throws `path:line:column: invalid UTF-8 …` at the first bad sequence.
void requireUtf8(const QString &path, std::string_view data);
/// Byte offset of the first invalid UTF-8 sequence, or npos.
size_t firstInvalidUtf8(std::string_view data);
/// 1-based line and column of a byte offset.
std::pair<qint64, qint64> lineColumnAt(std::string_view data, size_t offset);

/// Splits a buffer into lines (LF, CRLF or CR), skipping a leading UTF-8 BOM.
class LineReader final {
public:
    explicit LineReader(std::string_view data);
    /// The next line without its terminator; false at the end.
    bool next(std::string_view *line);
    /// 1-based number of the line last returned.
    qint64 lineNumber() const { return m_line; }
    /// Byte offset just past the line last returned (and its terminator).
    size_t offset() const { return m_pos; }

private:
    std::string_view m_data;
    size_t m_pos = 0;
    qint64 m_line = 0;
};

std::string_view trimmed(std::string_view s);
inline QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

/// Appends `s` as a JSON string literal (quotes included).
void appendJsonString(std::string &out, std::string_view s);

} // namespace orrery::io
