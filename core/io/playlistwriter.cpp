#include "playlistwriter.h"

#include "base/error.h"
#include "io/identity.h"
#include "store/playlists.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QXmlStreamWriter>

#include <cmath>

namespace orrery::io {

namespace {

const struct {
    PlaylistFormat format;
    const char *name;
} formatNames[] = {
    {PlaylistFormat::M3u8, "m3u8"},
    {PlaylistFormat::Xspf, "xspf"},
    {PlaylistFormat::Csv, "csv"},
    {PlaylistFormat::Json, "json"},
};

/// A track the importers identify by artist and title only: writing its key as a location would
/// make a different item, so the formats that can carry artist and title alone do that.
bool knownByArtistAndTitle(const PlaylistEntry &e)
{
    if (!e.identity.startsWith(u"at:") || e.title.trimmed().isEmpty())
        return false;
    const QByteArray artist = e.artist.toUtf8();
    const QByteArray title = e.title.toUtf8();
    const std::string key = artistTitleKey(std::string_view(artist.constData(), size_t(artist.size())),
                                           std::string_view(title.constData(), size_t(title.size())));
    return QString::fromStdString(key) == e.key;
}

/// URIs (`scheme:…`) and paths go into <location>, other keys (song numbers, ids) into <identifier>.
bool looksLikeLocation(const QString &key)
{
    static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*:"));
    return key.startsWith(u'/') || key.startsWith(u'.') || scheme.match(key).hasMatch() || key.contains(u'\\');
}

/// Text formats lose control characters in keys (XML cannot hold most of them and turns CR into
/// LF, CSV readers normalise line ends, a NUL ends an M3U line): refuse them rather than write a
/// key that reads back different. Line breaks get the M3U-specific message there.
void refuseControlCharacters(const QString &key, size_t index, const char *format)
{
    for (const QChar c : key) {
        if (c.unicode() < 0x20 && c != u'\t') {
            throw Error(QStringLiteral("track %1: key \"%2\" holds the control character U+%3, which %4 cannot carry "
                                       "unchanged; use json")
                            .arg(index + 1)
                            .arg(QString(key).replace(c, u'\uFFFD'))
                            .arg(uint(c.unicode()), 4, 16, QChar(u'0'))
                            .arg(QString::fromLatin1(format)));
        }
    }
}

QString oneLine(QString s)
{
    return s.replace(u'\r', u' ').replace(u'\n', u' ');
}

QString display(const PlaylistEntry &e)
{
    const QString title = oneLine(e.title).trimmed();
    const QString artist = oneLine(e.artist).trimmed();
    if (artist.isEmpty())
        return title;
    return artist + QStringLiteral(" - ") + title;
}

QByteArray m3u(const PlaylistExport &list)
{
    QString text = QStringLiteral("#EXTM3U\n");
    if (!list.name.isEmpty())
        text += QStringLiteral("#PLAYLIST:") + oneLine(list.name).trimmed() + u'\n';
    for (size_t i = 0; i < list.entries.size(); ++i) {
        const PlaylistEntry &e = list.entries[i];
        if (e.key.isEmpty() || e.key.startsWith(u'#') || e.key.contains(u'\n') || e.key.contains(u'\r')
            || e.key.trimmed() != e.key)
            throw Error(QStringLiteral("track %1: key \"%2\" cannot be an M3U location line (it would not read back "
                                       "the same); use xspf, csv or json")
                            .arg(i + 1)
                            .arg(e.key));
        refuseControlCharacters(e.key, i, "M3U");
        const qint64 seconds = e.duration >= 0 ? qint64(std::llround(e.duration)) : -1;
        const QString name = display(e);
        if (!name.isEmpty() || seconds >= 0)
            text += QStringLiteral("#EXTINF:%1,%2\n").arg(seconds).arg(name);
        text += e.key + u'\n';
    }
    return text.toUtf8();
}

QByteArray xspf(const PlaylistExport &list)
{
    QByteArray bytes;
    QXmlStreamWriter xml(&bytes);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(2);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("playlist"));
    xml.writeAttribute(QStringLiteral("version"), QStringLiteral("1"));
    xml.writeDefaultNamespace(QStringLiteral("http://xspf.org/ns/0/"));
    if (!list.name.isEmpty())
        xml.writeTextElement(QStringLiteral("title"), list.name);
    xml.writeStartElement(QStringLiteral("trackList"));
    for (size_t i = 0; i < list.entries.size(); ++i) {
        const PlaylistEntry &e = list.entries[i];
        const bool byName = knownByArtistAndTitle(e);
        if (!byName && e.key.trimmed() != e.key)
            throw Error(QStringLiteral("track %1: key \"%2\" has surrounding blanks, which XSPF readers drop")
                            .arg(i + 1)
                            .arg(e.key));
        if (e.key.isEmpty())
            throw Error(QStringLiteral("track %1 has an empty key").arg(i + 1));
        if (!byName)
            refuseControlCharacters(e.key, i, "XSPF");
        xml.writeStartElement(QStringLiteral("track"));
        if (!byName)
            xml.writeTextElement(looksLikeLocation(e.key) ? QStringLiteral("location") : QStringLiteral("identifier"),
                                 e.key);
        if (!e.title.isEmpty())
            xml.writeTextElement(QStringLiteral("title"), e.title);
        if (!e.artist.isEmpty())
            xml.writeTextElement(QStringLiteral("creator"), e.artist);
        if (!e.album.isEmpty())
            xml.writeTextElement(QStringLiteral("album"), e.album);
        if (e.duration >= 0)
            xml.writeTextElement(QStringLiteral("duration"), QString::number(std::llround(e.duration * 1000)));
        if (e.score)
            xml.writeTextElement(
                QStringLiteral("annotation"),
                e.because.isEmpty()
                    ? QStringLiteral("score %1").arg(double(*e.score), 0, 'g', 6)
                    : QStringLiteral("score %1, because of %2").arg(double(*e.score), 0, 'g', 6).arg(e.because));
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndElement();
    xml.writeEndDocument();
    return bytes;
}

QString csvField(const QString &s)
{
    if (s.isEmpty())
        return s;
    const bool quote = s.contains(u',') || s.contains(u'"') || s.contains(u'\n') || s.contains(u'\r')
        || s.contains(u'\t') || s.contains(u';') || s.front().isSpace() || s.back().isSpace();
    if (!quote)
        return s;
    QString q = s;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

QByteArray csv(const PlaylistExport &list)
{
    const bool scored = std::any_of(list.entries.begin(), list.entries.end(),
                                    [](const PlaylistEntry &e) { return e.score.has_value(); });
    QString text = QStringLiteral("playlist,position,artist,track,album,uri,duration");
    if (scored)
        text += QStringLiteral(",score,because");
    text += QStringLiteral("\r\n");
    const QString name = csvField(list.name.isEmpty() ? QStringLiteral("playlist") : list.name);
    for (size_t i = 0; i < list.entries.size(); ++i) {
        const PlaylistEntry &e = list.entries[i];
        const bool byName = knownByArtistAndTitle(e);
        if (!byName && (e.key.isEmpty() || e.key.trimmed() != e.key))
            throw Error(
                QStringLiteral("track %1: key \"%2\" is empty or has surrounding blanks, which CSV readers drop")
                    .arg(i + 1)
                    .arg(e.key));
        if (!byName)
            refuseControlCharacters(e.key, i, "CSV");
        QStringList row {name,
                         QString::number(i + 1),
                         csvField(e.artist),
                         csvField(e.title),
                         csvField(e.album),
                         byName ? QString() : csvField(e.key),
                         e.duration >= 0 ? QString::number(e.duration, 'g', 10) : QString()};
        if (scored) {
            row << (e.score ? QString::number(double(*e.score), 'g', 7) : QString()) << csvField(e.because);
        }
        text += row.join(u',') + QStringLiteral("\r\n");
    }
    return text.toUtf8();
}

QByteArray json(const PlaylistExport &list)
{
    QJsonArray tracks;
    for (size_t i = 0; i < list.entries.size(); ++i) {
        const PlaylistEntry &e = list.entries[i];
        if (e.key.isEmpty())
            throw Error(QStringLiteral("track %1 has an empty key").arg(i + 1));
        QJsonObject t {{QStringLiteral("pos"), qint64(i)},
                       {QStringLiteral("track_uri"), e.key},
                       {QStringLiteral("track_name"), e.title},
                       {QStringLiteral("artist_name"), e.artist},
                       {QStringLiteral("album_name"), e.album}};
        if (e.duration >= 0)
            t.insert(QStringLiteral("duration_ms"), std::llround(e.duration * 1000));
        if (!e.artistUri.isEmpty())
            t.insert(QStringLiteral("artist_uri"), e.artistUri);
        if (!e.albumUri.isEmpty())
            t.insert(QStringLiteral("album_uri"), e.albumUri);
        if (e.score)
            t.insert(QStringLiteral("score"), double(*e.score));
        if (!e.because.isEmpty())
            t.insert(QStringLiteral("because"), e.because);
        tracks.append(t);
    }
    const QJsonObject playlist {{QStringLiteral("pid"), 0},
                                {QStringLiteral("name"), list.name},
                                {QStringLiteral("num_tracks"), qint64(list.entries.size())},
                                {QStringLiteral("tracks"), tracks}};
    const QJsonObject root {
        {QStringLiteral("info"), QJsonObject {{QStringLiteral("generated_by"), QStringLiteral("orrery")}}},
        {QStringLiteral("playlists"), QJsonArray {playlist}}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace

QString toString(PlaylistFormat format)
{
    for (const auto &f : formatNames)
        if (f.format == format)
            return QString::fromLatin1(f.name);
    return {};
}

bool fromString(const QString &name, PlaylistFormat *format)
{
    for (const auto &f : formatNames) {
        if (name.compare(QLatin1String(f.name), Qt::CaseInsensitive) == 0) {
            *format = f.format;
            return true;
        }
    }
    if (name.compare(u"m3u", Qt::CaseInsensitive) == 0) {
        *format = PlaylistFormat::M3u8;
        return true;
    }
    return false;
}

std::vector<PlaylistEntry> playlistEntries(Project &project, std::span<const qint64> itemIds, qint64 datasetId)
{
    std::vector<PlaylistEntry> out;
    out.reserve(itemIds.size());
    for (TrackFields &t : trackFields(project, itemIds, datasetId)) {
        PlaylistEntry e;
        e.itemId = t.itemId;
        e.identity = std::move(t.identity);
        e.key = std::move(t.key);
        e.title = std::move(t.title);
        e.artist = std::move(t.artist);
        e.album = std::move(t.album);
        e.duration = t.duration;
        e.artistUri = std::move(t.artistUri);
        e.albumUri = std::move(t.albumUri);
        out.push_back(std::move(e));
    }
    return out;
}

StoredPlaylist loadPlaylist(Project &project, const QString &key, qint64 datasetId)
{
    StoredPlaylist out;
    std::vector<PlaylistMatch> matches = playlistsWithKey(project, key, datasetId);
    if (matches.empty())
        return out;
    if (matches.size() > 1) {
        QStringList datasets;
        for (const PlaylistMatch &m : matches)
            datasets << m.dataset;
        throw Error(QStringLiteral("playlist key \"%1\" is in %2 datasets (%3); name one with --dataset")
                        .arg(key)
                        .arg(datasets.size())
                        .arg(datasets.join(QStringLiteral(", "))));
    }
    PlaylistMatch &m = matches.front();
    out.itemId = m.itemId;
    out.datasetId = m.datasetId;
    out.name = std::move(m.title);
    out.items = std::move(m.entries);
    return out;
}

QByteArray formatPlaylist(const PlaylistExport &list, PlaylistFormat format)
{
    switch (format) {
    case PlaylistFormat::M3u8: return m3u(list);
    case PlaylistFormat::Xspf: return xspf(list);
    case PlaylistFormat::Csv: return csv(list);
    case PlaylistFormat::Json: return json(list);
    }
    return {};
}

void writePlaylist(const QString &path, const PlaylistExport &list, PlaylistFormat format)
{
    const QByteArray bytes = formatPlaylist(list, format);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        throw Error(path + QStringLiteral(": cannot write: ") + f.errorString());
}

} // namespace orrery::io
