#include "source.h"

#include <QFile>

#include <simdjson.h>

namespace orrery::io {

QString location(const QString &path, qint64 line, qint64 column)
{
    QString out = path + u':' + QString::number(line);
    if (column > 0)
        out += u':' + QString::number(column);
    return out;
}

void fail(const QString &path, qint64 line, qint64 column, const QString &message)
{
    throw Error(location(path, line, column) + QStringLiteral(": ") + message);
}

void failAtByte(const QString &path, qint64 offset, const QString &message)
{
    throw Error(path + QStringLiteral(": byte ") + QString::number(offset) + QStringLiteral(": ") + message);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path + QStringLiteral(": cannot read: ") + file.errorString());
    QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError)
        throw Error(path + QStringLiteral(": cannot read: ") + file.errorString());
    return data;
}

QByteArray readHead(const QString &path, qint64 bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(bytes);
}

size_t firstInvalidUtf8(std::string_view data)
{
    if (simdjson::validate_utf8(data.data(), data.size()))
        return std::string_view::npos;
    // Slow path only on failure: find the offending sequence.
    const auto *s = reinterpret_cast<const unsigned char *>(data.data());
    const size_t n = data.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > n)
            return i;
        for (size_t k = 1; k < len; ++k)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        if (len > 1 && !simdjson::validate_utf8(data.data() + i, len))
            return i; // overlong, surrogate or out of range
        i += len;
    }
    return std::string_view::npos;
}

std::pair<qint64, qint64> lineColumnAt(std::string_view data, size_t offset)
{
    qint64 line = 1;
    size_t lineStart = 0;
    for (size_t i = 0; i < offset && i < data.size(); ++i) {
        if (data[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return {line, qint64(offset - lineStart) + 1};
}

void requireUtf8(const QString &path, std::string_view data)
{
    const size_t bad = firstInvalidUtf8(data);
    if (bad == std::string_view::npos)
        return;
    const auto [line, column] = lineColumnAt(data, bad);
    fail(path, line, column,
         QStringLiteral("invalid UTF-8 (byte 0x%1); expected UTF-8 text")
             .arg(uint(static_cast<unsigned char>(data[bad])), 2, 16, QLatin1Char('0')));
}

LineReader::LineReader(std::string_view data) : m_data(data)
{
    if (m_data.starts_with("\xEF\xBB\xBF"))
        m_pos = 3;
}

bool LineReader::next(std::string_view *line)
{
    if (m_pos >= m_data.size())
        return false;
    const size_t start = m_pos;
    size_t end = start;
    while (end < m_data.size() && m_data[end] != '\n' && m_data[end] != '\r')
        ++end;
    *line = m_data.substr(start, end - start);
    m_pos = end;
    if (m_pos < m_data.size()) {
        if (m_data[m_pos] == '\r' && m_pos + 1 < m_data.size() && m_data[m_pos + 1] == '\n')
            m_pos += 2;
        else
            ++m_pos;
    }
    ++m_line;
    return true;
}

std::string_view trimmed(std::string_view s)
{
    const auto isSpace = [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    };
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

void appendJsonString(std::string &out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    size_t run = 0; // start of the pending run of bytes that need no escape
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

} // namespace orrery::io
