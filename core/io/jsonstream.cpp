#include "jsonstream.h"

#include "io/source.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace orrery::io {

namespace {
constexpr size_t ChunkBytes = size_t(4) << 20;
constexpr size_t Padding = simdjson::SIMDJSON_PADDING;
} // namespace

void JsonStream::countLines(const char *from, const char *to, qint64 *line, qint64 *lineStart) const
{
    if (from >= to)
        return;
    const auto n = std::count(from, to, '\n');
    if (n == 0)
        return;
    *line += n;
    const void *last = memrchr(from, '\n', size_t(to - from));
    *lineStart = m_consumedBase + (static_cast<const char *>(last) - m_data.get()) + 1;
}

JsonStream::JsonStream(const QString &path) : m_path(path), m_file(path)
{
    if (!m_file.open(QIODevice::ReadOnly))
        throw Error(path + QStringLiteral(": cannot read: ") + m_file.errorString());
    m_cap = ChunkBytes + Padding;
    m_data = std::make_unique<char[]>(m_cap);
    fill();
    if (m_len >= 3 && std::memcmp(m_data.get(), "\xEF\xBB\xBF", 3) == 0)
        m_pos = 3;
}

bool JsonStream::fill()
{
    // Drop what has been consumed, keeping the line bookkeeping right.
    if (m_pos > 0) {
        advanceTo(m_pos);
        std::memmove(m_data.get(), m_data.get() + m_pos, m_len - m_pos);
        m_len -= m_pos;
        m_consumedBase += qint64(m_pos);
        m_lineMark -= m_pos;
        m_pos = 0;
    }
    if (m_cap - Padding - m_len < ChunkBytes / 2) {
        const size_t newCap = std::max(m_cap * 2, m_len + ChunkBytes + Padding);
        auto bigger = std::make_unique<char[]>(newCap);
        std::memcpy(bigger.get(), m_data.get(), m_len);
        m_data = std::move(bigger);
        m_cap = newCap;
    }
    const qint64 got = m_file.read(m_data.get() + m_len, qint64(m_cap - Padding - m_len));
    if (got < 0)
        throw Error(m_path + QStringLiteral(": cannot read: ") + m_file.errorString());
    m_len += size_t(got);
    std::memset(m_data.get() + m_len, ' ', Padding);
    return got > 0;
}

void JsonStream::advanceTo(size_t pos)
{
    const char *base = m_data.get();
    size_t from = m_lineMark;
    const qint64 markFile = m_consumedBase + qint64(m_lineMark);
    if (m_cacheOffset >= markFile && m_cacheOffset <= m_consumedBase + qint64(pos)) {
        from = size_t(m_cacheOffset - m_consumedBase);
        m_line = m_cacheLine;
        m_lineStartFile = m_cacheLineStart;
    }
    countLines(base + from, base + pos, &m_line, &m_lineStartFile);
    m_lineMark = pos;
}

std::pair<qint64, qint64> JsonStream::lineColumn(const char *at) const
{
    // Callers ask in increasing order (one playlist after the other), so counting resumes
    // from the last answer and the whole file is scanned once.
    const char *base = m_data.get();
    const size_t o = size_t(std::clamp<std::ptrdiff_t>(at - base, 0, std::ptrdiff_t(m_len)));
    const qint64 fileOffset = m_consumedBase + qint64(o);
    if (m_cacheOffset < m_consumedBase + qint64(m_lineMark) || m_cacheOffset > fileOffset) {
        m_cacheOffset = m_consumedBase + qint64(m_lineMark);
        m_cacheLine = m_line;
        m_cacheLineStart = m_lineStartFile;
    }
    countLines(base + (m_cacheOffset - m_consumedBase), base + o, &m_cacheLine, &m_cacheLineStart);
    m_cacheOffset = fileOffset;
    return {m_cacheLine, fileOffset - m_cacheLineStart + 1};
}

void JsonStream::failAt(const char *at, const QString &message) const
{
    const auto [line, column] = lineColumn(at);
    fail(m_path, line, column, message);
}

void JsonStream::failHere(const QString &message)
{
    skipWhitespace();
    failAt(m_data.get() + m_pos, message);
}

void JsonStream::skipWhitespace()
{
    for (;;) {
        while (m_pos < m_len) {
            const char c = m_data[m_pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
                return;
            ++m_pos;
        }
        if (!fill())
            return;
    }
}

char JsonStream::peek()
{
    skipWhitespace();
    return m_pos < m_len ? m_data[m_pos] : 0;
}

void JsonStream::expect(char c, const char *what)
{
    if (peek() != c) {
        if (m_pos >= m_len)
            failHere(QStringLiteral("unexpected end of file; expected %1 (truncated JSON?)").arg(QLatin1String(what)));
        failHere(QStringLiteral("expected %1").arg(QLatin1String(what)));
    }
    ++m_pos;
}

bool JsonStream::consume(char c)
{
    if (peek() != c)
        return false;
    ++m_pos;
    return true;
}

std::string JsonStream::readKey()
{
    const std::string_view raw = nextValue();
    if (raw.empty() || raw.front() != '"')
        failAt(raw.data(), QStringLiteral("expected an object key (a string)"));
    simdjson::dom::parser parser;
    std::string_view key;
    if (parser.parse(raw.data(), raw.size()).get_string().get(key) != simdjson::SUCCESS)
        failAt(raw.data(), QStringLiteral("expected an object key (a string)"));
    std::string out(key);
    expect(':', "':' after an object key");
    return out;
}

size_t JsonStream::skipStringBody(size_t i) const
{
    const char *d = m_data.get();
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    while (i + 16 <= m_len) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(d + i));
        const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        if (mask)
            return i + size_t(__builtin_ctz(unsigned(mask)));
        i += 16;
    }
#endif
    while (i < m_len && d[i] != '"' && d[i] != '\\')
        ++i;
    return i;
}

size_t JsonStream::skipPlain(size_t i, bool topLevel) const
{
    // At the top level every byte may end a scalar, so nothing is skipped there.
    if (topLevel)
        return i;
    const char *d = m_data.get();
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"');
    // '{' 0x7B and '[' 0x5B differ by one bit, as do '}' 0x7D and ']' 0x5D: test with bit 5 cleared.
    const __m128i open = _mm_set1_epi8(0x5B), close = _mm_set1_epi8(0x5D), clear = _mm_set1_epi8(char(0xDF));
    while (i + 16 <= m_len) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(d + i));
        const __m128i folded = _mm_and_si128(v, clear);
        const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, q),
                                         _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
        const int mask = _mm_movemask_epi8(hit);
        if (mask)
            return i + size_t(__builtin_ctz(unsigned(mask)));
        i += 16;
    }
#endif
    while (i < m_len) {
        const char c = d[i];
        if (c == '"' || c == '{' || c == '}' || c == '[' || c == ']')
            return i;
        ++i;
    }
    return i;
}

std::string_view JsonStream::nextValue()
{
    skipWhitespace();
    if (m_pos >= m_len)
        failHere(QStringLiteral("unexpected end of file; expected a value (truncated JSON?)"));
    // The value's start stays at m_pos while we scan; fill() may move the buffer,
    // so positions are kept as offsets from m_pos.
    size_t scan = m_pos;
    int depth = 0;
    bool inString = false;
    for (;;) {
        if (scan >= m_len) {
            const size_t rel = scan - m_pos;
            if (!fill()) {
                if (inString || depth > 0)
                    failAt(m_data.get() + m_len,
                           QStringLiteral("unexpected end of file inside %1 (truncated JSON?)")
                               .arg(inString ? QStringLiteral("a string") : QStringLiteral("an object or array")));
                break;
            }
            scan = m_pos + rel;
            continue;
        }
        // Jump over bytes that cannot change the state: most of a pretty-printed file.
        scan = inString ? skipStringBody(scan) : skipPlain(scan, depth == 0);
        if (scan >= m_len)
            continue;
        const char c = m_data[scan];
        if (inString) {
            if (c == '\\')
                ++scan; // skip the escaped byte (it may be the next chunk's first: handled by the bound check)
            else if (c == '"') {
                inString = false;
                if (depth == 0) {
                    ++scan;
                    break;
                }
            }
            ++scan;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                break; // the end of the enclosing container: a scalar ended here
            if (--depth == 0) {
                ++scan;
                break;
            }
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
            break; // the end of a scalar
        }
        ++scan;
    }
    const std::string_view value(m_data.get() + m_pos, scan - m_pos);
    m_pos = scan;
    return value;
}

} // namespace orrery::io
