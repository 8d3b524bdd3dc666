// Spotify Million Playlist Dataset slices: {"info": {...}, "playlists": [ {...}, ... ]}.
// The file is streamed: JsonStream hands out one playlist at a time and simdjson's
// On-Demand parser reads it in place, so memory does not grow with the file.
#include "io/jsonstream.h"
#include "io/readers.h"
#include "io/source.h"

#include <simdjson.h>

#include <algorithm>

namespace orrery::io {

namespace {

namespace dom = simdjson::dom;

/// Appends a DOM value as compact JSON.
void appendJson(std::string &out, dom::element v)
{
    if (v.is_string())
        appendJsonString(out, std::string_view(v));
    else
        out += simdjson::minify(v);
}

struct Track {
    std::string_view uri, name, artist, album;
    qint64 pos = -1;
    std::string attrs;
};

class MpdReader final {
public:
    MpdReader(const QString &path, ImportWriter &out) : m_stream(path), m_out(out) { }

    void read()
    {
        m_stream.expect('{', "a JSON object with \"info\" and \"playlists\"");
        bool sawPlaylists = false;
        if (!m_stream.consume('}')) {
            do {
                const std::string key = m_stream.readKey();
                if (key == "playlists") {
                    readPlaylists();
                    sawPlaylists = true;
                } else {
                    const std::string_view raw = m_stream.nextValue();
                    if (key == "info" && !m_out.hasDatasetAttributes())
                        storeInfo(raw);
                }
            } while (m_stream.consume(','));
            m_stream.expect('}', "',' or '}' after a member of the top-level object");
        }
        if (m_stream.peek() != 0)
            m_stream.failHere(QStringLiteral("unexpected data after the top-level object"));
        if (!sawPlaylists)
            fail(m_stream.path(), 1, 1, QStringLiteral("expected a \"playlists\" array (is this an MPD slice?)"));
    }

private:
    void storeInfo(std::string_view raw)
    {
        if (raw.starts_with('{'))
            m_out.datasetAttributes(std::string("{\"info\":") + std::string(raw) + "}");
    }

    void readPlaylists()
    {
        m_stream.expect('[', "'[' to open the \"playlists\" array");
        if (m_stream.consume(']'))
            return; // an empty slice is valid
        do {
            const std::string_view raw = m_stream.nextValue();
            readPlaylist(raw);
            m_out.advance(m_stream.bytesRead());
        } while (m_stream.consume(','));
        m_stream.expect(']', "',' or ']' in the \"playlists\" array");
    }

    [[noreturn]] void failJson(const char *at, simdjson::error_code code)
    {
        m_stream.failAt(
            at, QStringLiteral("invalid JSON in this playlist: %1").arg(QLatin1String(simdjson::error_message(code))));
    }

    void readPlaylist(std::string_view raw)
    {
        if (!raw.starts_with('{'))
            m_stream.failAt(raw.data(), QStringLiteral("expected a playlist object"));
        dom::element root;
        if (const auto e = m_parser.parse(raw.data(), raw.size(), false).get(root))
            failJson(raw.data(), e);
        dom::object playlist = root.get_object().value_unsafe();

        const auto where = [&] {
            const auto [line, column] = m_stream.lineColumn(raw.data());
            return location(m_stream.path(), line, column);
        };
        m_attrs.assign("{");
        std::string_view name;
        std::string key;
        dom::array tracks;
        bool sawTracks = false;
        for (const auto field : playlist) {
            if (field.key == "tracks") {
                if (field.value.get_array().get(tracks))
                    return m_out.skipRecord(where(), QStringLiteral("\"tracks\" is not an array; playlist skipped"));
                sawTracks = true;
                continue;
            }
            if (field.key == "name") {
                if (field.value.get_string().get(name))
                    name = {};
            } else if (field.key == "pid")
                key = simdjson::minify(field.value);
            if (m_attrs.size() > 1)
                m_attrs += ',';
            appendJsonString(m_attrs, field.key);
            m_attrs += ':';
            appendJson(m_attrs, field.value);
        }
        m_attrs += '}';
        if (!sawTracks)
            return m_out.skipRecord(where(), QStringLiteral("playlist without a \"tracks\" array; skipped"));
        if (key.empty())
            key = std::to_string(m_out.stats().sequences + m_out.stats().skipped);
        else if (key.front() == '"')
            key = key.substr(1, key.size() - 2);
        if (m_out.find(ItemKind::Playlist, key))
            return m_out.skipRecord(where(), QStringLiteral("duplicate pid %1; skipped").arg(qs(key)));

        m_tracks.clear();
        size_t index = 0;
        for (const dom::element element : tracks) {
            dom::object track;
            if (element.get_object().get(track))
                return m_out.skipRecord(where(),
                                        QStringLiteral("track %1 is not an object; playlist skipped").arg(index));
            Track t;
            t.attrs.assign("{");
            for (const auto field : track) {
                if (field.key == "track_uri") {
                    if (field.value.get_string().get(t.uri) || t.uri.empty())
                        return m_out.skipRecord(
                            where(),
                            QStringLiteral("track %1: \"track_uri\" is not a non-empty string; playlist skipped")
                                .arg(index));
                    continue;
                }
                if (field.key == "pos") {
                    int64_t pos = -1;
                    if (field.value.get_int64().get(pos) || pos < 0)
                        return m_out.skipRecord(
                            where(),
                            QStringLiteral("track %1: \"pos\" is not a non-negative integer; playlist skipped")
                                .arg(index));
                    t.pos = pos;
                    continue;
                }
                std::string_view *slot = field.key == "track_name" ? &t.name
                    : field.key == "artist_name"                   ? &t.artist
                    : field.key == "album_name"                    ? &t.album
                                                                   : nullptr;
                if (slot && field.value.get_string().get(*slot) == simdjson::SUCCESS)
                    continue;
                if (t.attrs.size() > 1)
                    t.attrs += ',';
                appendJsonString(t.attrs, field.key);
                t.attrs += ':';
                appendJson(t.attrs, field.value);
            }
            t.attrs += '}';
            if (t.uri.empty())
                return m_out.skipRecord(where(),
                                        QStringLiteral("track %1 has no \"track_uri\"; playlist skipped").arg(index));
            m_tracks.push_back(std::move(t));
            ++index;
        }

        // Entries in "pos" order when every track has one, else in array order.
        const bool havePos = std::all_of(m_tracks.begin(), m_tracks.end(), [](const Track &t) { return t.pos >= 0; });
        if (havePos)
            std::stable_sort(m_tracks.begin(), m_tracks.end(),
                             [](const Track &a, const Track &b) { return a.pos < b.pos; });
        m_entries.clear();
        m_entries.reserve(m_tracks.size());
        for (const Track &t : m_tracks) {
            qint64 id = m_out.find(ItemKind::Track, t.uri);
            if (!id) {
                ItemFields f;
                f.kind = ItemKind::Track;
                f.identity = t.uri;
                f.key = t.uri;
                f.title = t.name;
                f.artist = t.artist;
                f.album = t.album;
                f.attrs = t.attrs.size() > 2 ? std::string_view(t.attrs) : std::string_view();
                id = m_out.item(f);
            }
            m_entries.push_back(id);
        }
        ItemFields p;
        p.kind = ItemKind::Playlist;
        p.key = key;
        p.title = name;
        p.attrs = m_attrs;
        m_out.sequence(p, m_entries);
    }

    JsonStream m_stream;
    ImportWriter &m_out;
    dom::parser m_parser;
    std::string m_attrs;
    std::vector<Track> m_tracks;
    std::vector<qint64> m_entries;
};

} // namespace

void readMpd(const QString &path, ImportWriter &out)
{
    MpdReader(path, out).read();
}

} // namespace orrery::io
