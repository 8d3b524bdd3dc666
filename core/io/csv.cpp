#include "io/identity.h"
#include "io/readers.h"
#include "io/source.h"

#include <QFileInfo>
#include <QStringList>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace orrery::io {

namespace {

constexpr qint64 recordsPerProgress = 8192;

void requireNoNul(const QString &path, std::string_view data)
{
    const size_t nul = data.find('\0');
    if (nul == std::string_view::npos)
        return;
    const auto [line, column] = lineColumnAt(data, nul);
    fail(path, line, column, QStringLiteral("unexpected NUL byte; expected text (is this a binary file?)"));
}

/// RFC 4180 records over an in-memory buffer, as forgiving as spreadsheet programs:
/// white space around quoted fields is dropped, a quote inside a quoted field that does not
/// end it is text, and quotes inside unquoted fields are text. Fields are views into the
/// buffer unless unquoting had to change them (`""`, CR LF inside quotes).
class CsvParser final {
public:
    CsvParser(const QString &path, std::string_view data, char delimiter)
        : m_path(path), m_data(data), m_delimiter(delimiter)
    {
        if (m_data.starts_with("\xEF\xBB\xBF"))
            m_pos = m_lineStart = 3;
    }

    /// Reads the next record; false at the end of the data.
    bool next(std::vector<std::string_view> *fields)
    {
        if (m_pos >= m_data.size())
            return false;
        m_recordLine = m_line;
        m_scratch.clear();
        m_spans.clear();
        for (;;) {
            readField();
            if (m_pos >= m_data.size())
                break;
            const char c = m_data[m_pos++];
            if (c == m_delimiter)
                continue;
            if (c == '\r' && m_pos < m_data.size() && m_data[m_pos] == '\n')
                ++m_pos;
            newLine(m_pos);
            break;
        }
        fields->clear();
        for (const Span &s : m_spans)
            fields->push_back(s.scratch ? std::string_view(m_scratch).substr(s.begin, s.size)
                                        : m_data.substr(s.begin, s.size));
        return true;
    }

    qint64 recordLine() const { return m_recordLine; }
    qint64 line() const { return m_line; }
    size_t offset() const { return m_pos; }

private:
    struct Span {
        size_t begin;
        size_t size;
        bool scratch;
    };

    bool isSpace(char c) const { return (c == ' ' || c == '\t') && c != m_delimiter; }
    bool endsField(char c) const { return c == m_delimiter || c == '\n' || c == '\r'; }

    void newLine(size_t start)
    {
        ++m_line;
        m_lineStart = start;
    }

    void readField()
    {
        size_t p = m_pos;
        while (p < m_data.size() && isSpace(m_data[p]))
            ++p;
        if (p < m_data.size() && m_data[p] == '"') {
            readQuoted(p);
            return;
        }
        while (p < m_data.size() && !endsField(m_data[p]))
            ++p;
        size_t begin = m_pos;
        size_t end = p;
        while (begin < end && isSpace(m_data[begin]))
            ++begin;
        while (end > begin && isSpace(m_data[end - 1]))
            --end;
        m_spans.push_back({begin, end - begin, false});
        m_pos = p;
    }

    /// The quote at `p` closes the field when only blanks stand between it and a delimiter
    /// or line end; returns where the next field or line break starts, or npos.
    size_t closingQuoteEnd(size_t p) const
    {
        size_t q = p + 1;
        while (q < m_data.size() && isSpace(m_data[q]))
            ++q;
        return q >= m_data.size() || endsField(m_data[q]) ? q : std::string_view::npos;
    }

    void readQuoted(size_t open)
    {
        const qint64 startLine = m_line;
        const qint64 startColumn = qint64(open - m_lineStart) + 1;
        size_t p = open + 1;
        size_t segment = p; // start of the text not yet copied to scratch
        size_t scratchBegin = std::string::npos;
        const auto toScratch = [&](size_t end, std::string_view extra) {
            if (scratchBegin == std::string::npos)
                scratchBegin = m_scratch.size();
            m_scratch.append(m_data.substr(segment, end - segment));
            m_scratch.append(extra);
        };
        for (;;) {
            while (p < m_data.size() && m_data[p] != '"' && m_data[p] != '\n' && m_data[p] != '\r')
                ++p;
            if (p >= m_data.size())
                fail(m_path, startLine, startColumn,
                     QStringLiteral("unterminated quoted field (expected a closing \")"));
            const char c = m_data[p];
            if (c == '\n') {
                newLine(++p);
                continue;
            }
            if (c == '\r') { // spreadsheets keep line breaks in cells as LF
                toScratch(p, "\n");
                p += p + 1 < m_data.size() && m_data[p + 1] == '\n' ? 2 : 1;
                segment = p;
                newLine(p);
                continue;
            }
            if (p + 1 < m_data.size() && m_data[p + 1] == '"') {
                toScratch(p + 1, {});
                p += 2;
                segment = p;
                continue;
            }
            if (const size_t after = closingQuoteEnd(p); after != std::string_view::npos) {
                if (scratchBegin == std::string::npos) {
                    m_spans.push_back({segment, p - segment, false});
                } else {
                    toScratch(p, {});
                    m_spans.push_back({scratchBegin, m_scratch.size() - scratchBegin, true});
                }
                m_pos = after;
                return;
            }
            ++p; // a stray quote inside the field is text
        }
    }

    const QString &m_path;
    std::string_view m_data;
    char m_delimiter;
    size_t m_pos = 0;
    size_t m_lineStart = 0;
    qint64 m_line = 1;
    qint64 m_recordLine = 1;
    std::string m_scratch;
    std::vector<Span> m_spans;
};

/// Tab, comma or semicolon, whichever the header line uses most outside quotes.
char sniffDelimiter(const QString &path, std::string_view data)
{
    if (QFileInfo(path).suffix().compare(u"tsv", Qt::CaseInsensitive) == 0)
        return '\t';
    if (data.starts_with("\xEF\xBB\xBF"))
        data.remove_prefix(3);
    size_t tabs = 0, commas = 0, semicolons = 0;
    bool quoted = false;
    bool content = false; // blank lines before the header do not end it
    for (const char c : data) {
        if (c == '"') {
            quoted = !quoted;
            content = true;
        } else if (quoted) {
            continue;
        } else if (c == '\n' || c == '\r') {
            if (content)
                break;
        } else {
            tabs += c == '\t';
            commas += c == ',';
            semicolons += c == ';';
            content = content || (c != ' ' && c != '\t');
        }
    }
    if (tabs >= commas && tabs >= semicolons && tabs > 0)
        return '\t';
    return semicolons > commas ? ';' : ',';
}

enum class Role { Other, Playlist, User, Artist, Title, Uri, Position, Album };

Role roleOf(std::string_view header)
{
    std::string name;
    for (const char c : header) {
        if (c != ' ' && c != '_')
            name += c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
    }
    static const struct {
        const char *name;
        Role role;
    } names[] = {
        {"playlist", Role::Playlist},
        {"playlistname", Role::Playlist},
        {"name", Role::Playlist},
        {"user", Role::User},
        {"userid", Role::User},
        {"username", Role::User},
        {"artist", Role::Artist},
        {"artistname", Role::Artist},
        {"artistname(s)", Role::Artist},
        {"artists", Role::Artist},
        {"track", Role::Title},
        {"title", Role::Title},
        {"trackname", Role::Title},
        {"song", Role::Title},
        {"uri", Role::Uri},
        {"trackuri", Role::Uri},
        {"url", Role::Uri},
        {"location", Role::Uri},
        {"position", Role::Position},
        {"pos", Role::Position},
        {"album", Role::Album},
        {"albumname", Role::Album},
    };
    for (const auto &n : names)
        if (name == n.name)
            return n.role;
    return Role::Other;
}

struct Columns {
    int playlist = -1, user = -1, artist = -1, title = -1, uri = -1, position = -1, album = -1;
    std::vector<std::pair<int, std::string>> other; ///< attrs columns and their names
    size_t count = 0;
};

Columns mapColumns(const std::vector<std::string_view> &header)
{
    Columns c;
    c.count = header.size();
    for (int i = 0; i < int(header.size()); ++i) {
        const std::string_view name = trimmed(header[size_t(i)]);
        int *slot = nullptr;
        switch (roleOf(name)) {
        case Role::Playlist: slot = &c.playlist; break;
        case Role::User: slot = &c.user; break;
        case Role::Artist: slot = &c.artist; break;
        case Role::Title: slot = &c.title; break;
        case Role::Uri: slot = &c.uri; break;
        case Role::Position: slot = &c.position; break;
        case Role::Album: slot = &c.album; break;
        case Role::Other: break;
        }
        if (slot && *slot < 0) {
            *slot = i;
            continue;
        }
        const bool taken = std::any_of(c.other.begin(), c.other.end(), [&](const auto &o) { return o.second == name; });
        if (!name.empty() && !taken)
            c.other.emplace_back(i, std::string(name));
    }
    return c;
}

struct Entry {
    double position;
    qint64 item;
};

struct Group {
    std::string key;
    std::string name;
    std::string user;
    std::vector<Entry> entries;
};

bool allEmpty(const std::vector<std::string_view> &fields)
{
    return std::all_of(fields.begin(), fields.end(), [](std::string_view f) { return trimmed(f).empty(); });
}

class CsvReader final {
public:
    CsvReader(const QString &path, ImportWriter &out) : m_path(path), m_out(out) { }

    void read(std::string_view data)
    {
        CsvParser parser(m_path, data, sniffDelimiter(m_path, data));
        readHeader(parser);
        qint64 rows = 0;
        while (parser.next(&m_fields)) {
            if (++rows % recordsPerProgress == 0)
                m_out.advance(qint64(parser.offset()));
            if (!allEmpty(m_fields))
                row(parser.recordLine());
        }
        if (!m_sawRow)
            fail(m_path, parser.line(), 0, QStringLiteral("expected at least one row after the header"));
        if (m_groups.empty()) // every row was bad: more likely a wrong header or delimiter than bad rows
            fail(m_path, m_firstSkip.first, 0,
                 QStringLiteral("every row was skipped; the first because: %1").arg(m_firstSkip.second));
        writePlaylists();
    }

private:
    void readHeader(CsvParser &parser)
    {
        while (parser.next(&m_fields)) {
            if (!allEmpty(m_fields))
                break;
        }
        m_columns = mapColumns(m_fields);
        if (m_columns.title < 0 && m_columns.uri < 0)
            fail(m_path, parser.recordLine(), 0,
                 QStringLiteral("expected a header row naming a title or uri column (e.g. playlist,artist,track,uri)")
                     + headerText());
        if (m_columns.playlist < 0)
            m_fileName = playlistNameFromPath(m_path).toStdString();
    }

    /// ", found \"a, b\"" for the message about a header without a known column.
    QString headerText() const
    {
        QStringList names;
        for (size_t i = 0; i < m_fields.size() && i < 12; ++i)
            names.append(qs(trimmed(m_fields[i])));
        const QString text = names.join(QStringLiteral(", ")).left(200);
        return text.isEmpty() ? QStringLiteral(", found nothing") : QStringLiteral(", found \"%1\"").arg(text);
    }

    std::string_view field(int column) const { return column < 0 ? std::string_view() : m_fields[size_t(column)]; }

    void skip(qint64 line, const QString &message)
    {
        if (!m_firstSkip.first)
            m_firstSkip = {line, message};
        m_out.skipRecord(location(m_path, line), message);
    }

    void row(qint64 line)
    {
        m_sawRow = true;
        if (m_fields.size() != m_columns.count) {
            skip(line, QStringLiteral("expected %1 fields, found %2").arg(m_columns.count).arg(m_fields.size()));
            return;
        }
        const std::string_view uri = trimmed(field(m_columns.uri));
        const std::string_view title = field(m_columns.title);
        if (uri.empty() && trimmed(title).empty()) {
            skip(line, QStringLiteral("expected a uri or a title"));
            return;
        }
        const std::string_view name = m_columns.playlist < 0 ? std::string_view(m_fileName) : field(m_columns.playlist);
        if (name.empty()) {
            skip(line, QStringLiteral("expected a playlist name"));
            return;
        }
        double position = std::numeric_limits<double>::infinity();
        if (const std::string_view text = field(m_columns.position); !text.empty()) {
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), position);
            if (ec != std::errc() || end != text.data() + text.size() || std::isnan(position)) {
                skip(line, QStringLiteral("expected a number in the position column, found \"%1\"").arg(qs(text)));
                return;
            }
        }
        const qint64 item = uri.empty() ? trackByName(title) : trackByUri(uri);
        group(name, field(m_columns.user)).entries.push_back({position, item});
    }

    std::string attrs() const
    {
        std::string json;
        for (const auto &[column, name] : m_columns.other) {
            const std::string_view value = m_fields[size_t(column)];
            if (value.empty())
                continue;
            json += json.empty() ? '{' : ',';
            appendJsonString(json, name);
            json += ':';
            appendJsonString(json, value);
        }
        if (!json.empty())
            json += '}';
        return json;
    }

    qint64 trackByUri(std::string_view uri)
    {
        if (const qint64 id = m_out.find(ItemKind::Track, uri))
            return id;
        const std::string json = attrs();
        ItemFields fields;
        fields.identity = uri;
        fields.key = uri;
        fields.title = field(m_columns.title);
        fields.artist = field(m_columns.artist);
        fields.album = field(m_columns.album);
        fields.attrs = json;
        return m_out.item(fields);
    }

    /// Normalising names is the slow part of a row, so rows typed the same way skip it.
    qint64 trackByName(std::string_view title)
    {
        const std::string_view artist = field(m_columns.artist);
        std::string raw;
        raw.reserve(artist.size() + title.size() + 1);
        raw.append(artist).append(1, '\x1f').append(title);
        if (const auto it = m_byName.find(raw); it != m_byName.end())
            return it->second;
        const std::string identity = trackIdentity(artist, title);
        const std::string key = artistTitleKey(artist, title);
        const std::string json = attrs();
        ItemFields fields;
        fields.identity = identity;
        fields.key = key;
        fields.title = trimmed(title);
        fields.artist = trimmed(artist);
        fields.album = field(m_columns.album);
        fields.attrs = json;
        const qint64 id = m_out.item(fields);
        m_byName.emplace(std::move(raw), id);
        return id;
    }

    /// Rows of one playlist usually follow each other, so the last group is checked first.
    Group &group(std::string_view name, std::string_view user)
    {
        if (m_last && m_last->name == name && m_last->user == user)
            return *m_last;
        std::string key = user.empty() ? std::string(name) : std::string(user) + '/' + std::string(name);
        if (m_columns.playlist < 0 && user.empty())
            key = m_path.toStdString();
        auto [it, inserted] = m_groupIndex.try_emplace(key, m_groups.size());
        if (inserted)
            m_groups.push_back({std::move(key), std::string(name), std::string(user), {}});
        m_last = &m_groups[it->second];
        return *m_last;
    }

    /// An earlier file of this import may hold a playlist of the same name; the writer would
    /// take both for one item, so this file's gets its own key (`file/name`).
    std::string uniqueKey(const std::string &key) const
    {
        if (!m_out.find(ItemKind::Playlist, key))
            return key;
        const std::string qualified = playlistNameFromPath(m_path).toStdString() + '/' + key;
        std::string candidate = qualified;
        for (int n = 2; m_out.find(ItemKind::Playlist, candidate); ++n)
            candidate = qualified + " (" + std::to_string(n) + ')';
        return candidate;
    }

    void writePlaylists()
    {
        for (Group &g : m_groups) {
            std::stable_sort(g.entries.begin(), g.entries.end(),
                             [](const Entry &a, const Entry &b) { return a.position < b.position; });
            std::vector<qint64> ids;
            ids.reserve(g.entries.size());
            for (const Entry &e : g.entries)
                ids.push_back(e.item);
            std::string json;
            if (!g.user.empty()) {
                json = "{\"user\":";
                appendJsonString(json, g.user);
                json += '}';
            }
            const std::string key = uniqueKey(g.key);
            ItemFields fields;
            fields.kind = ItemKind::Playlist;
            fields.key = key;
            fields.title = g.name;
            fields.attrs = json;
            m_out.sequence(fields, ids);
        }
    }

    const QString &m_path;
    ImportWriter &m_out;
    Columns m_columns;
    std::string m_fileName;
    std::vector<std::string_view> m_fields;
    std::unordered_map<std::string, qint64> m_byName;
    std::vector<Group> m_groups; // in order of first appearance
    std::unordered_map<std::string, size_t> m_groupIndex;
    Group *m_last = nullptr;
    bool m_sawRow = false;
    std::pair<qint64, QString> m_firstSkip; ///< line and reason of the first skipped row
};

} // namespace

void readCsv(const QString &path, ImportWriter &out)
{
    const QByteArray bytes = readFile(path);
    const std::string_view data(bytes.constData(), size_t(bytes.size()));
    requireUtf8(path, data);
    requireNoNul(path, data);
    CsvReader(path, out).read(data);
}

} // namespace orrery::io
