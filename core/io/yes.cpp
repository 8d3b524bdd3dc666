// Yes.com playlists as published with "Playlist prediction via metric embedding" (Chen et al. 2012):
// train.txt (source ids, appearance counts, then one playlist of song indices per line),
// song_hash.txt (`index \tTitle\tArtist`), tags.txt (tag ids per song, `#` for none), tag_hash.txt (`id, name`).
#include "io/readers.h"
#include "io/source.h"

#include <QDir>

#include <charconv>

namespace orrery::io {

namespace {

/// song_hash.txt escapes '/' as in JSON (`\/`); undo the JSON-style escapes it uses.
std::string unescape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[i + 1];
            if (n == '/' || n == '\\' || n == '"') {
                out += n;
                ++i;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

template<typename Fn> void forEachField(std::string_view line, char sep, Fn &&fn)
{
    size_t start = 0;
    while (start < line.size()) {
        size_t end = line.find(sep, start);
        if (end == std::string_view::npos)
            end = line.size();
        if (end > start)
            fn(line.substr(start, end - start), start);
        start = end + 1;
    }
}

bool parseIndex(std::string_view s, qint64 *value)
{
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *value);
    return ec == std::errc() && ptr == s.data() + s.size() && *value >= 0;
}

struct Song {
    std::string title, artist, sourceId;
    qint64 appearances = -1;
};

} // namespace

void readYes(const QString &folder, ImportWriter &out)
{
    const QDir dir(folder);
    const QString trainPath = dir.filePath(QStringLiteral("train.txt"));
    const QString songPath = dir.filePath(QStringLiteral("song_hash.txt"));
    const QString tagsPath = dir.filePath(QStringLiteral("tags.txt"));
    const QString tagNamesPath = dir.filePath(QStringLiteral("tag_hash.txt"));

    // Songs: `index \tTitle\tArtist`, indices 0..n-1 in order.
    std::vector<Song> songs;
    {
        const QByteArray data = readFile(songPath);
        const std::string_view text(data.constData(), size_t(data.size()));
        requireUtf8(songPath, text);
        LineReader lines(text);
        std::string_view line;
        while (lines.next(&line)) {
            if (trimmed(line).empty())
                continue;
            const size_t tab1 = line.find('\t');
            const size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
            qint64 index = -1;
            if (tab2 == std::string_view::npos || !parseIndex(trimmed(line.substr(0, tab1)), &index))
                fail(songPath, lines.lineNumber(), 1, QStringLiteral("expected `index<TAB>title<TAB>artist`"));
            if (index != qint64(songs.size()))
                fail(songPath, lines.lineNumber(), 1,
                     QStringLiteral("expected song index %1, found %2").arg(songs.size()).arg(index));
            songs.push_back({unescape(trimmed(line.substr(tab1 + 1, tab2 - tab1 - 1))),
                             unescape(trimmed(line.substr(tab2 + 1))),
                             {},
                             -1});
        }
        if (songs.empty())
            fail(songPath, 1, 0, QStringLiteral("expected at least one song"));
    }

    const QByteArray train = readFile(trainPath);
    const std::string_view trainText(train.constData(), size_t(train.size()));
    requireUtf8(trainPath, trainText);
    LineReader lines(trainText);
    std::string_view line;

    // Line 1: source ids; line 2: appearance counts; one per song.
    std::vector<std::string_view> header[2];
    for (auto &fields : header) {
        if (!lines.next(&line))
            fail(trainPath, lines.lineNumber() + 1, 0,
                 QStringLiteral("unexpected end of file; expected the two header lines"));
        forEachField(line, ' ', [&](std::string_view f, size_t) { fields.push_back(f); });
        if (fields.size() != songs.size())
            fail(trainPath, lines.lineNumber(), 0,
                 QStringLiteral("expected %1 values (one per song in song_hash.txt), found %2")
                     .arg(songs.size())
                     .arg(fields.size()));
    }
    for (size_t i = 0; i < songs.size(); ++i) {
        songs[i].sourceId.assign(header[0][i]);
        qint64 count = -1;
        if (parseIndex(header[1][i], &count))
            songs[i].appearances = count;
    }

    std::vector<qint64> ids(songs.size());
    std::string identity, key, attrs;
    for (size_t i = 0; i < songs.size(); ++i) {
        const Song &s = songs[i];
        identity = "yes:" + s.sourceId;
        key = std::to_string(i);
        attrs = "{\"yes_id\":";
        appendJsonString(attrs, s.sourceId);
        if (s.appearances >= 0)
            attrs += ",\"appearances\":" + std::to_string(s.appearances);
        attrs += '}';
        ItemFields f;
        f.kind = ItemKind::Track;
        f.identity = identity;
        f.key = key;
        f.title = s.title;
        f.artist = s.artist;
        f.attrs = attrs;
        ids[i] = out.item(f);
    }

    // Tags are optional: tags.txt and tag_hash.txt come together or not at all.
    if (QFileInfo::exists(tagsPath) || QFileInfo::exists(tagNamesPath)) {
        std::vector<std::string> tagNames;
        const QByteArray names = readFile(tagNamesPath);
        const std::string_view namesText(names.constData(), size_t(names.size()));
        requireUtf8(tagNamesPath, namesText);
        LineReader nameLines(namesText);
        while (nameLines.next(&line)) {
            if (trimmed(line).empty())
                continue;
            const size_t comma = line.find(',');
            qint64 id = -1;
            if (comma == std::string_view::npos || !parseIndex(trimmed(line.substr(0, comma)), &id)
                || id != qint64(tagNames.size()))
                fail(tagNamesPath, nameLines.lineNumber(), 1,
                     QStringLiteral("expected `%1, name`").arg(tagNames.size()));
            tagNames.emplace_back(trimmed(line.substr(comma + 1)));
        }
        const QByteArray tags = readFile(tagsPath);
        const std::string_view tagsText(tags.constData(), size_t(tags.size()));
        LineReader tagLines(tagsText);
        size_t song = 0;
        while (tagLines.next(&line)) {
            if (song >= songs.size()) {
                if (trimmed(line).empty())
                    continue;
                fail(tagsPath, tagLines.lineNumber(), 1,
                     QStringLiteral("more lines than songs (%1)").arg(songs.size()));
            }
            if (trimmed(line) != "#") {
                forEachField(line, ' ', [&](std::string_view f, size_t col) {
                    qint64 tag = -1;
                    if (!parseIndex(trimmed(f), &tag) || tag >= qint64(tagNames.size()))
                        fail(
                            tagsPath, tagLines.lineNumber(), qint64(col) + 1,
                            QStringLiteral("expected a tag id below %1, found \"%2\"").arg(tagNames.size()).arg(qs(f)));
                    out.tag(ids[song], tagNames[size_t(tag)]);
                });
            }
            ++song;
        }
        if (song != songs.size())
            fail(tagsPath, tagLines.lineNumber(), 0,
                 QStringLiteral("expected %1 lines (one per song), found %2").arg(songs.size()).arg(song));
    }

    // Playlists, in file order. An unknown song index means the folder's files do not
    // belong together, so it fails the whole import.
    std::vector<qint64> entries;
    qint64 playlist = 0;
    while (lines.next(&line)) {
        entries.clear();
        forEachField(line, ' ', [&](std::string_view f, size_t col) {
            qint64 index = -1;
            if (!parseIndex(trimmed(f), &index) || index >= qint64(songs.size()))
                fail(trainPath, lines.lineNumber(), qint64(col) + 1,
                     QStringLiteral("expected a song index below %1 (song_hash.txt), found \"%2\"")
                         .arg(songs.size())
                         .arg(qs(f)));
            entries.push_back(ids[size_t(index)]);
        });
        if (entries.empty())
            continue;
        key = std::to_string(playlist);
        const std::string name = "Yes playlist " + key;
        ItemFields p;
        p.kind = ItemKind::Playlist;
        p.key = key;
        p.title = name;
        out.sequence(p, entries);
        if ((++playlist & 1023) == 0)
            out.advance(qint64(lines.offset()));
    }
}

} // namespace orrery::io
