#include "io/readers.h"
#include "io/source.h"

#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace orrery::io {

namespace {

constexpr qint64 linesPerProgress = 4096;

char upper(char c)
{
    return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
}

bool equalsNoCase(std::string_view s, std::string_view upperText)
{
    if (s.size() != upperText.size())
        return false;
    for (size_t i = 0; i < s.size(); ++i)
        if (upper(s[i]) != upperText[i])
            return false;
    return true;
}

void requireNoNul(const QString &path, std::string_view data)
{
    const size_t nul = data.find('\0');
    if (nul == std::string_view::npos)
        return;
    const auto [line, column] = lineColumnAt(data, nul);
    fail(path, line, column, QStringLiteral("unexpected NUL byte; expected text (is this a binary file?)"));
}

void addMember(std::string &json, std::string_view name)
{
    json += json.empty() ? '{' : ',';
    appendJsonString(json, name);
    json += ':';
}

bool parseNumber(std::string_view token, double *value)
{
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), *value);
    return ec == std::errc() && end == token.data() + token.size() && std::isfinite(*value);
}

void addNumber(std::string &json, std::string_view name, double value)
{
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    addMember(json, name);
    json.append(buffer, written.ptr);
}

struct Entry {
    std::string_view file;
    std::string_view title;
    std::string_view length;
    qint64 line = 0; ///< where the entry is first named, for messages
    qint64 fileLine = 0;
    qint64 titleLine = 0;
    qint64 lengthLine = 0;
};

enum class Field { File, Title, Length };

struct Playlist {
    std::map<qint64, Entry> entries; ///< by N, so File10 follows File9 whatever the file's order
    std::string_view version;
    bool sawHeader = false;
    qint64 lastLine = 0;
};

/// Splits `File12` into its field and 12; false for keys that are not numbered entry fields.
bool entryKey(std::string_view key, Field *field, qint64 *index)
{
    size_t digits = key.size();
    while (digits > 0 && key[digits - 1] >= '0' && key[digits - 1] <= '9')
        --digits;
    if (digits == key.size() || key.size() - digits > 9)
        return false;
    const std::string_view name = key.substr(0, digits);
    if (equalsNoCase(name, "FILE"))
        *field = Field::File;
    else if (equalsNoCase(name, "TITLE"))
        *field = Field::Title;
    else if (equalsNoCase(name, "LENGTH"))
        *field = Field::Length;
    else
        return false;
    std::from_chars(key.data() + digits, key.data() + key.size(), *index);
    return true;
}

void setField(const QString &path, qint64 line, std::string_view key, std::string_view value, ImportWriter &out,
              Playlist *playlist)
{
    Field field = Field::File;
    qint64 index = 0;
    if (!entryKey(key, &field, &index)) {
        if (equalsNoCase(key, "VERSION"))
            playlist->version = value;
        return; // NumberOfEntries is often wrong; the entries themselves count
    }
    Entry &entry = playlist->entries[index];
    if (!entry.line)
        entry.line = line;
    qint64 &seen = field == Field::File ? entry.fileLine : field == Field::Title ? entry.titleLine : entry.lengthLine;
    if (seen) {
        out.skipRecord(location(path, line),
                       QStringLiteral("%1 appears again (first on line %2); keeping the first").arg(qs(key)).arg(seen));
        return;
    }
    seen = line;
    (field == Field::File ? entry.file : field == Field::Title ? entry.title : entry.length) = value;
}

void readLines(const QString &path, std::string_view data, ImportWriter &out, Playlist *playlist)
{
    LineReader lines(data);
    std::string_view line;
    bool inPlaylist = false;
    while (lines.next(&line)) {
        const qint64 number = lines.lineNumber();
        if (number % linesPerProgress == 0)
            out.advance(qint64(lines.offset()));
        line = trimmed(line);
        if (line.empty() || line.front() == ';' || line.front() == '#')
            continue;
        if (line.front() == '[') {
            inPlaylist = equalsNoCase(line, "[PLAYLIST]");
            if (!playlist->sawHeader && !inPlaylist)
                fail(path, number, 1, QStringLiteral("expected the [playlist] header, found %1").arg(qs(line)));
            playlist->sawHeader = true;
            continue;
        }
        if (!playlist->sawHeader)
            fail(path, number, 1, QStringLiteral("expected the [playlist] header before the first entry"));
        if (!inPlaylist)
            continue;
        const size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            out.skipRecord(location(path, number), QStringLiteral("expected Key=Value, found \"%1\"").arg(qs(line)));
            continue;
        }
        setField(path, number, trimmed(line.substr(0, eq)), trimmed(line.substr(eq + 1)), out, playlist);
    }
    playlist->lastLine = lines.lineNumber();
}

qint64 entryItem(const QString &path, qint64 index, const Entry &entry, ImportWriter &out)
{
    if (entry.file.empty()) {
        const QString what = entry.fileLine ? QStringLiteral("File%1 is empty").arg(index)
            : entry.titleLine               ? QStringLiteral("Title%1 has no File%1").arg(index)
                                            : QStringLiteral("Length%1 has no File%1").arg(index);
        out.skipRecord(location(path, entry.fileLine ? entry.fileLine : entry.line), what);
        return 0;
    }
    ItemFields fields;
    fields.kind = ItemKind::Track;
    fields.identity = entry.file;
    fields.key = entry.file;
    // Winamp writes "Artist - Title" here, as in M3U's #EXTINF.
    const size_t dash = entry.title.find(" - ");
    if (dash == std::string_view::npos) {
        fields.title = entry.title;
    } else {
        fields.artist = trimmed(entry.title.substr(0, dash));
        fields.title = trimmed(entry.title.substr(dash + 3));
    }
    std::string attrs;
    double seconds = 0;
    if (parseNumber(entry.length, &seconds) && seconds >= 0) {
        addNumber(attrs, "duration", seconds);
        attrs += '}';
    }
    fields.attrs = attrs;
    return out.item(fields);
}

} // namespace

void readPls(const QString &path, ImportWriter &out)
{
    const QByteArray bytes = readFile(path);
    const std::string_view data(bytes.constData(), size_t(bytes.size()));
    requireUtf8(path, data);
    requireNoNul(path, data);

    Playlist playlist;
    readLines(path, data, out, &playlist);
    if (!playlist.sawHeader)
        fail(path, std::max<qint64>(1, playlist.lastLine), 0, QStringLiteral("expected the [playlist] header"));

    std::vector<qint64> entries;
    entries.reserve(playlist.entries.size());
    for (const auto &[index, entry] : playlist.entries) {
        if (const qint64 id = entryItem(path, index, entry, out))
            entries.push_back(id);
    }
    if (entries.empty())
        fail(path, std::max<qint64>(1, playlist.lastLine), 0,
             QStringLiteral("expected at least one FileN=… entry, found none"));

    std::string attrs;
    double version = 0;
    if (parseNumber(playlist.version, &version))
        addNumber(attrs, "version", version);
    else if (!playlist.version.empty()) {
        addMember(attrs, "version");
        appendJsonString(attrs, playlist.version);
    }
    if (!attrs.empty())
        attrs += '}';

    const QByteArray key = path.toUtf8();
    const std::string name = playlistNameFromPath(path).toStdString();
    ItemFields fields;
    fields.kind = ItemKind::Playlist;
    fields.key = std::string_view(key.constData(), size_t(key.size()));
    fields.title = name;
    fields.attrs = attrs;
    out.sequence(fields, entries);
}

} // namespace orrery::io
