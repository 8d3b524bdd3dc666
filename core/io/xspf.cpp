#include "io/identity.h"
#include "io/readers.h"
#include "io/source.h"

#include <QXmlStreamReader>

#include <charconv>
#include <string>
#include <vector>

namespace orrery::io {

namespace {

constexpr int tracksPerProgress = 1024;

[[noreturn]] void failAt(const QString &path, const QXmlStreamReader &xml, const QString &message)
{
    // QXmlStreamReader counts columns from 0; messages count from 1 like lines.
    fail(path, qMax<qint64>(1, xml.lineNumber()), xml.columnNumber() + 1, message);
}

void checkXml(const QString &path, const QXmlStreamReader &xml)
{
    if (xml.hasError())
        failAt(path, xml, xml.errorString());
}

QByteArray elementText(QXmlStreamReader &xml)
{
    return xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed().toUtf8();
}

std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), size_t(bytes.size()));
}

void addMember(std::string &json, std::string_view name)
{
    json += json.empty() ? '{' : ',';
    appendJsonString(json, name);
    json += ':';
}

void addString(std::string &json, std::string_view name, const QByteArray &value)
{
    if (value.isEmpty())
        return;
    addMember(json, name);
    appendJsonString(json, view(value));
}

/// XSPF durations are milliseconds; attrs hold seconds like the other playlist formats.
void addDuration(std::string &json, const QByteArray &milliseconds)
{
    qint64 ms = -1;
    const auto [end, ec] = std::from_chars(milliseconds.constData(), milliseconds.constData() + milliseconds.size(),
                                           ms);
    if (ec != std::errc() || end != milliseconds.constData() + milliseconds.size() || ms < 0)
        return;
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, double(ms) / 1000.0);
    addMember(json, "duration");
    json.append(buffer, written.ptr);
}

struct Track {
    QByteArray location, identifier, title, creator, album, duration, trackNum, annotation, info, image;
    qint64 line = 0;
};

void readTrack(QXmlStreamReader &xml, Track *track)
{
    while (xml.readNextStartElement()) {
        const QStringView name = xml.name();
        QByteArray *target = name == u"location" ? &track->location
            : name == u"identifier"              ? &track->identifier
            : name == u"title"                   ? &track->title
            : name == u"creator"                 ? &track->creator
            : name == u"album"                   ? &track->album
            : name == u"duration"                ? &track->duration
            : name == u"trackNum"                ? &track->trackNum
            : name == u"annotation"              ? &track->annotation
            : name == u"info"                    ? &track->info
            : name == u"image"                   ? &track->image
                                                 : nullptr;
        if (!target) {
            xml.skipCurrentElement();
            continue;
        }
        QByteArray text = elementText(xml);
        if (target->isEmpty()) // a track may list several locations; the first is the one to play
            *target = std::move(text);
    }
}

qint64 trackItem(const QString &path, const Track &track, ImportWriter &out)
{
    ItemFields fields;
    fields.kind = ItemKind::Track;
    fields.title = view(track.title);
    fields.artist = view(track.creator);
    fields.album = view(track.album);
    std::string identity;
    std::string key;
    if (!track.location.isEmpty() || !track.identifier.isEmpty()) {
        fields.identity = view(track.location.isEmpty() ? track.identifier : track.location);
        fields.key = fields.identity;
    } else if (!track.title.isEmpty()) {
        identity = trackIdentity(fields.artist, fields.title);
        key = artistTitleKey(fields.artist, fields.title);
        fields.identity = identity;
        fields.key = key;
    } else {
        out.skipRecord(location(path, track.line),
                       QStringLiteral("expected a <location>, <identifier> or <title> in <track>"));
        return 0;
    }
    std::string attrs;
    addDuration(attrs, track.duration);
    addString(attrs, "trackNum", track.trackNum);
    addString(attrs, "annotation", track.annotation);
    addString(attrs, "info", track.info);
    addString(attrs, "image", track.image);
    if (!attrs.empty())
        attrs += '}';
    fields.attrs = attrs;
    return out.item(fields);
}

void readTrackList(const QString &path, QXmlStreamReader &xml, ImportWriter &out, std::vector<qint64> *entries)
{
    int tracks = 0;
    while (xml.readNextStartElement()) {
        if (xml.name() != u"track") {
            xml.skipCurrentElement();
            continue;
        }
        Track track;
        track.line = xml.lineNumber();
        readTrack(xml, &track);
        checkXml(path, xml);
        if (const qint64 id = trackItem(path, track, out))
            entries->push_back(id);
        if (++tracks % tracksPerProgress == 0)
            out.advance(xml.characterOffset());
    }
}

struct Playlist {
    QByteArray title;
    std::string attrs;
    std::vector<qint64> entries;
    qint64 trackListLine = 0;
};

void readPlaylist(const QString &path, QXmlStreamReader &xml, ImportWriter &out, Playlist *playlist)
{
    while (xml.readNextStartElement()) {
        const QStringView name = xml.name();
        if (name == u"trackList") {
            if (!playlist->trackListLine)
                playlist->trackListLine = xml.lineNumber();
            readTrackList(path, xml, out, &playlist->entries);
        } else if (name == u"title") {
            playlist->title = elementText(xml);
        } else if (name == u"creator" || name == u"annotation" || name == u"info" || name == u"date"
                   || name == u"identifier" || name == u"license" || name == u"location" || name == u"image") {
            const QByteArray key = name.toUtf8();
            addString(playlist->attrs, view(key), elementText(xml));
        } else {
            xml.skipCurrentElement();
        }
    }
    checkXml(path, xml);
}

} // namespace

void readXspf(const QString &path, ImportWriter &out)
{
    const QByteArray bytes = readFile(path);
    QXmlStreamReader xml(bytes);
    if (!xml.readNextStartElement()) {
        checkXml(path, xml);
        failAt(path, xml, QStringLiteral("expected a <playlist> element"));
    }
    if (xml.name() != u"playlist")
        failAt(path, xml, QStringLiteral("expected <playlist> as the root element, found <%1>").arg(xml.name()));
    const qint64 rootLine = xml.lineNumber();

    Playlist playlist;
    readPlaylist(path, xml, out, &playlist);
    while (!xml.atEnd())
        xml.readNext(); // trailing garbage after </playlist> is still malformed XML
    checkXml(path, xml);

    if (playlist.entries.empty())
        fail(path, playlist.trackListLine ? playlist.trackListLine : rootLine, 0,
             QStringLiteral("expected at least one <track> with a <location>, <identifier> or <title> in <trackList>"));
    if (playlist.title.isEmpty())
        playlist.title = playlistNameFromPath(path).toUtf8();
    if (!playlist.attrs.empty())
        playlist.attrs += '}';

    const QByteArray key = path.toUtf8();
    ItemFields fields;
    fields.kind = ItemKind::Playlist;
    fields.key = view(key);
    fields.title = view(playlist.title);
    fields.attrs = playlist.attrs;
    out.sequence(fields, playlist.entries);
}

} // namespace orrery::io
