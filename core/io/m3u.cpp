#include "io/readers.h"
#include "io/source.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace orrery::io {

namespace {

constexpr qint64 linesPerProgress = 4096;

bool startsWithNoCase(std::string_view s, std::string_view upperPrefix)
{
    if (s.size() < upperPrefix.size())
        return false;
    for (size_t i = 0; i < upperPrefix.size(); ++i) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        if (c != upperPrefix[i])
            return false;
    }
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

/// Adds `"duration":N` (seconds) when `token` is a number ≥ 0; -1 means "unknown" in M3U.
void addDuration(std::string &json, std::string_view token)
{
    double seconds = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), seconds);
    if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(seconds) || seconds < 0)
        return;
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, seconds);
    addMember(json, "duration");
    json.append(buffer, written.ptr);
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

/// What an #EXTINF line says about the entry that follows it.
struct ExtInf {
    std::string_view artist;
    std::string_view title;
    std::string attrs; ///< JSON object, or empty
};

/// Reads `key="value"` pairs up to the comma that starts the display name. Values may
/// hold commas (IPTV lists put channel names there), so commas inside quotes do not count.
size_t readAttributes(std::string_view rest, size_t i, std::string &json)
{
    while (i < rest.size() && rest[i] != ',') {
        if (isBlank(rest[i])) {
            ++i;
            continue;
        }
        const size_t nameStart = i;
        while (i < rest.size() && rest[i] != '=' && rest[i] != ',' && !isBlank(rest[i]))
            ++i;
        const std::string_view name = rest.substr(nameStart, i - nameStart);
        if (i >= rest.size() || rest[i] != '=')
            continue;
        ++i;
        std::string_view value;
        if (i < rest.size() && rest[i] == '"') {
            const size_t close = rest.find('"', i + 1);
            const size_t end = close == std::string_view::npos ? rest.size() : close;
            value = rest.substr(i + 1, end - i - 1);
            i = close == std::string_view::npos ? rest.size() : close + 1;
        } else {
            const size_t start = i;
            while (i < rest.size() && rest[i] != ',' && !isBlank(rest[i]))
                ++i;
            value = rest.substr(start, i - start);
        }
        if (!name.empty() && name != "duration") {
            addMember(json, name);
            appendJsonString(json, value);
        }
    }
    return i;
}

/// `#EXTINF:duration [key="value" …],Artist - Title` (the text after the colon).
ExtInf parseExtInf(std::string_view rest)
{
    ExtInf info;
    size_t i = 0;
    while (i < rest.size() && rest[i] != ',' && !isBlank(rest[i]))
        ++i;
    addDuration(info.attrs, trimmed(rest.substr(0, i)));
    i = readAttributes(rest, i, info.attrs);
    if (!info.attrs.empty())
        info.attrs += '}';
    const std::string_view display = i < rest.size() ? trimmed(rest.substr(i + 1)) : std::string_view();
    const size_t dash = display.find(" - ");
    if (dash == std::string_view::npos) {
        info.title = display;
    } else {
        info.artist = trimmed(display.substr(0, dash));
        info.title = trimmed(display.substr(dash + 3));
    }
    return info;
}

struct PlaylistText {
    std::string name;
    std::vector<qint64> entries;
    qint64 lastLine = 0;
};

void readEntries(std::string_view data, ImportWriter &out, PlaylistText *playlist)
{
    LineReader lines(data);
    std::string_view line;
    ExtInf pending;
    while (lines.next(&line)) {
        if (lines.lineNumber() % linesPerProgress == 0)
            out.advance(qint64(lines.offset()));
        line = trimmed(line);
        if (line.empty())
            continue;
        if (line.front() == '#') {
            if (startsWithNoCase(line, "#EXTINF:"))
                pending = parseExtInf(line.substr(8));
            else if (startsWithNoCase(line, "#PLAYLIST:") && playlist->name.empty())
                playlist->name = trimmed(line.substr(10));
            continue;
        }
        ItemFields fields;
        fields.kind = ItemKind::Track;
        fields.identity = line;
        fields.key = line;
        fields.title = pending.title;
        fields.artist = pending.artist;
        fields.attrs = pending.attrs;
        playlist->entries.push_back(out.item(fields));
        pending = {};
    }
    playlist->lastLine = lines.lineNumber();
}

} // namespace

void readM3u(const QString &path, ImportWriter &out)
{
    const QByteArray bytes = readFile(path);
    const std::string_view data(bytes.constData(), size_t(bytes.size()));
    requireUtf8(path, data);
    requireNoNul(path, data);

    PlaylistText playlist;
    readEntries(data, out, &playlist);
    if (playlist.entries.empty())
        fail(path, std::max<qint64>(1, playlist.lastLine), 0,
             QStringLiteral("expected at least one entry (a path or URL on a line of its own), found none"));
    if (playlist.name.empty())
        playlist.name = playlistNameFromPath(path).toStdString();

    const QByteArray key = path.toUtf8();
    ItemFields fields;
    fields.kind = ItemKind::Playlist;
    fields.key = std::string_view(key.constData(), size_t(key.size()));
    fields.title = playlist.name;
    out.sequence(fields, playlist.entries);
}

} // namespace orrery::io
