#include "importer.h"

#include "io/readers.h"
#include "io/source.h"
#include "store/datasets.h"
#include "store/project.h"
#include "store/transaction.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace orrery::io {

namespace {

struct FormatName {
    Format format;
    const char *name;
};
constexpr FormatName formatNames[] = {
    {Format::Auto, "auto"}, {Format::M3u, "m3u"},         {Format::Pls, "pls"}, {Format::Xspf, "xspf"},
    {Format::Csv, "csv"},   {Format::Mpd, "mpd"},         {Format::Yes, "yes"}, {Format::Text, "text"},
    {Format::Json, "json"}, {Format::Vectors, "vectors"},
};

struct Unit {
    Format format;
    QString path;
};

bool isYesFolder(const QDir &dir)
{
    return dir.exists(QStringLiteral("train.txt")) && dir.exists(QStringLiteral("song_hash.txt"));
}

std::string_view firstLine(std::string_view head)
{
    const size_t end = head.find_first_of("\r\n");
    return end == std::string_view::npos ? head : head.substr(0, end);
}

bool allNumericFields(std::string_view line, char delimiter)
{
    if (trimmed(line).empty())
        return false;
    size_t start = 0;
    while (start <= line.size()) {
        size_t end = line.find(delimiter, start);
        if (end == std::string_view::npos)
            end = line.size();
        const std::string_view field = trimmed(line.substr(start, end - start));
        if (!field.empty()) {
            bool ok = false;
            QByteArray(field.data(), qsizetype(field.size())).toDouble(&ok);
            if (!ok)
                return false;
        }
        start = end + 1;
    }
    return true;
}

bool looksLikeWord2VecHeader(std::string_view line)
{
    line = trimmed(line);
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0)
        return false;
    const auto digits = [](std::string_view s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    return digits(line.substr(0, space)) && digits(trimmed(line.substr(space + 1)));
}

/// A GloVe row without a header: a token followed by three or more numbers, some with a
/// fraction (so a line of prose such as "Chapter 1 2 3" stays text).
bool looksLikeWordVectorLine(std::string_view line)
{
    const QList<QByteArray> fields = QByteArray(line.data(), qsizetype(line.size())).trimmed().split(' ');
    if (fields.size() < 4 || fields.first().isEmpty())
        return false;
    bool fraction = false;
    for (qsizetype i = 1; i < fields.size(); ++i) {
        bool ok = false;
        fields[i].toDouble(&ok);
        if (!ok)
            return false;
        fraction = fraction || fields[i].contains('.') || fields[i].contains('e');
    }
    return fraction;
}

bool hasPlaylistHeader(std::string_view line)
{
    const QString lower = qs(line).toLower();
    static const char *names[] = {"playlist", "track", "title", "artist", "uri", "trackname", "artistname"};
    int hits = 0;
    for (const char *n : names)
        hits += lower.contains(QLatin1String(n));
    return hits >= 2 && (lower.contains(u',') || lower.contains(u'\t') || lower.contains(u';'));
}

Format detectFile(const QString &path)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    const QByteArray headBytes = readHead(path);
    std::string_view head(headBytes.constData(), size_t(headBytes.size()));
    if (head.starts_with("\x93NUMPY"))
        return Format::Vectors;
    if (head.starts_with("\xEF\xBB\xBF"))
        head.remove_prefix(3);
    const std::string_view body = trimmed(head);
    if (body.starts_with("#EXTM3U"))
        return Format::M3u;
    if (QByteArray(body.data(), qsizetype(std::min<size_t>(body.size(), 10))).toLower() == "[playlist]")
        return Format::Pls;
    if (body.starts_with("<")) {
        if (head.find("<playlist") != std::string_view::npos || suffix == u"xspf")
            return Format::Xspf;
    }
    // A playlist extension wins over JSON-looking content ("[settings]" in an .ini-style .pls).
    if (suffix == u"m3u" || suffix == u"m3u8")
        return Format::M3u;
    if (suffix == u"pls")
        return Format::Pls;
    if (suffix == u"xspf")
        return Format::Xspf;
    if (body.starts_with("{") || body.starts_with("[")) {
        if (head.find("\"playlists\"") != std::string_view::npos)
            return Format::Mpd;
        return Format::Json;
    }
    if (suffix == u"npy" || suffix == u"vec" || suffix == u"bin")
        return Format::Vectors;
    if (suffix == u"json" || suffix == u"jsonl" || suffix == u"ndjson")
        return Format::Json;
    const std::string_view line = firstLine(head);
    if (looksLikeWord2VecHeader(line))
        return Format::Vectors;
    if (info.fileName() == u"train.txt" && isYesFolder(info.dir()))
        return Format::Yes;
    if ((suffix == u"txt" || suffix.isEmpty()) && looksLikeWordVectorLine(line))
        return Format::Vectors;
    if (suffix == u"tsv" || suffix == u"csv" || suffix == u"txt" || suffix.isEmpty()) {
        if (allNumericFields(line, '\t') && suffix != u"csv")
            return Format::Vectors;
        if (suffix == u"csv" || suffix == u"tsv" || hasPlaylistHeader(line))
            return Format::Csv;
    }
    if (suffix == u"txt" || suffix == u"text")
        return Format::Text;
    return Format::Auto;
}

/// A metadata.tsv belongs to the vectors beside it (vectors.tsv or an .npy) when those are imported too.
bool isVectorMetadata(const QFileInfo &info, const QStringList &paths)
{
    if (info.fileName() != u"metadata.tsv")
        return false;
    const QDir dir = info.dir();
    for (const QString &p : paths) {
        const QFileInfo other(p);
        if (other.dir() == dir
            && (other.fileName() == u"vectors.tsv" || other.suffix().compare(u"npy", Qt::CaseInsensitive) == 0))
            return true;
    }
    return false;
}

bool isHidden(const QFileInfo &info)
{
    return info.fileName().startsWith(u'.');
}

QList<Unit> expandPaths(const QStringList &paths, Format forced, QStringList *skipped);

/// Turns the user's paths into units, each file or folder once however often it is named.
QList<Unit> expand(const QStringList &paths, Format forced, QStringList *skipped)
{
    QList<Unit> units;
    QSet<QString> seen;
    for (const Unit &u : expandPaths(paths, forced, skipped)) {
        const QString canonical = QFileInfo(u.path).canonicalFilePath();
        if (!seen.contains(canonical)) {
            seen.insert(canonical);
            units.append(u);
        }
    }
    return units;
}

QList<Unit> expandPaths(const QStringList &paths, Format forced, QStringList *skipped)
{
    QList<Unit> units;
    for (const QString &raw : paths) {
        const QFileInfo info(raw);
        if (!info.exists())
            throw Error(raw + QStringLiteral(": no such file or folder"));
        if (info.isFile()) {
            if (isVectorMetadata(info, paths))
                continue; // read with the vectors beside it
            Format f = forced != Format::Auto ? forced : detectFile(raw);
            if (f == Format::Auto)
                throw Error(
                    raw + QStringLiteral(": cannot tell the format from its name or content; name it with --format"));
            if (f == Format::Yes)
                units.append({f, info.absolutePath()});
            else
                units.append({f, raw});
            continue;
        }
        const QDir dir(raw);
        if (forced == Format::Yes || (forced == Format::Auto && isYesFolder(dir))) {
            units.append({Format::Yes, raw});
            continue;
        }
        if ((forced == Format::Vectors || forced == Format::Auto) && dir.exists(QStringLiteral("vectors.tsv"))) {
            units.append({Format::Vectors, dir.filePath(QStringLiteral("vectors.tsv"))});
            continue;
        }
        QStringList files;
        QDirIterator it(raw, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            if (!isHidden(it.fileInfo()))
                files.append(file);
        }
        files.sort();
        const bool textFolder = forced == Format::Text
            || (forced == Format::Auto && !files.isEmpty()
                && std::all_of(files.begin(), files.end(), [](const QString &f) {
                       return f.endsWith(u".txt", Qt::CaseInsensitive) || QFileInfo(f).fileName().startsWith(u"README");
                   }));
        if (textFolder) {
            units.append({Format::Text, raw});
            continue;
        }
        for (const QString &file : files) {
            if (isVectorMetadata(QFileInfo(file), files))
                continue;
            const Format f = forced != Format::Auto ? forced : detectFile(file);
            if (f == Format::Auto || f == Format::Yes || f == Format::Text)
                skipped->append(file + QStringLiteral(": skipped, not a playlist, record or vector file"));
            else
                units.append({f, file});
        }
    }
    return units;
}

void readUnit(const Unit &unit, ImportWriter &out)
{
    switch (unit.format) {
    case Format::M3u: return readM3u(unit.path, out);
    case Format::Pls: return readPls(unit.path, out);
    case Format::Xspf: return readXspf(unit.path, out);
    case Format::Csv: return readCsv(unit.path, out);
    case Format::Mpd: return readMpd(unit.path, out);
    case Format::Yes: return readYes(unit.path, out);
    case Format::Text: return readText(unit.path, out);
    case Format::Json: return readJson(unit.path, out);
    case Format::Vectors: return readVectors(unit.path, out);
    case Format::Auto: break;
    }
    throw Error(unit.path + QStringLiteral(": no reader"));
}

qint64 sizeOf(const QString &path)
{
    const QFileInfo info(path);
    if (info.isFile())
        return info.size();
    qint64 total = 0;
    QDirIterator it(path, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

} // namespace

QString toString(Format format)
{
    for (const auto &f : formatNames)
        if (f.format == format)
            return QString::fromLatin1(f.name);
    return {};
}

bool fromString(const QString &name, Format *format)
{
    for (const auto &f : formatNames) {
        if (name == QLatin1String(f.name)) {
            *format = f.format;
            return true;
        }
    }
    return false;
}

DatasetKind datasetKind(Format format)
{
    switch (format) {
    case Format::Text: return DatasetKind::Documents;
    case Format::Json: return DatasetKind::Records;
    case Format::Vectors: return DatasetKind::Vectors;
    default: return DatasetKind::Playlists;
    }
}

Format detectFormat(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir()) {
        QStringList skipped;
        try {
            const QList<Unit> units = expand({path}, Format::Auto, &skipped);
            return units.isEmpty() ? Format::Auto : units.first().format;
        } catch (const Error &) {
            return Format::Auto;
        }
    }
    return info.exists() ? detectFile(path) : Format::Auto;
}

QString playlistNameFromPath(const QString &path)
{
    return QFileInfo(path).completeBaseName();
}

ImportResult importPaths(Project &project, const QStringList &paths, const ImportOptions &options, JobContext &job)
{
    ImportResult result;
    QElapsedTimer clock;
    clock.start();
    try {
        if (paths.isEmpty())
            throw Error(QStringLiteral("nothing to import"));
        QStringList skippedFiles;
        const QList<Unit> units = expand(paths, options.format, &skippedFiles);
        if (units.isEmpty())
            throw Error(paths.first() + QStringLiteral(": no file of a known format"));
        result.format = units.first().format;
        const DatasetKind kind = datasetKind(result.format);
        for (const Unit &u : units) {
            if (datasetKind(u.format) != kind)
                throw Error(u.path
                            + QStringLiteral(
                                  ": holds %1, but this import started with %2 (%3); import them as separate datasets")
                                  .arg(toString(datasetKind(u.format)), toString(kind), units.first().path));
        }
        QString name = options.dataset;
        if (name.isEmpty()) {
            const QFileInfo first(paths.first());
            name = first.isDir() ? QDir(first.absoluteFilePath()).dirName() : first.completeBaseName();
        }
        if (project.datasetId(name))
            throw Error(
                QStringLiteral("a dataset named \"%1\" already exists; choose another with --dataset").arg(name));

        qint64 totalBytes = 0;
        for (const Unit &u : units)
            totalBytes += sizeOf(u.path);

        WriteTransaction tx(project);
        QStringList sources;
        for (const QString &p : paths)
            sources.append(QFileInfo(p).absoluteFilePath());
        result.datasetId = addDataset(project, name, kind, toString(result.format), sources);
        result.datasetName = name;

        ImportWriter writer(project, result.datasetId, options, job);
        writer.setDatasetName(name);
        writer.setTotalBytes(totalBytes);
        for (const QString &s : std::as_const(skippedFiles))
            writer.stats().warnings.append(s);
        for (const Unit &u : units) {
            writer.beginFile(u.path, sizeOf(u.path));
            readUnit(u, writer);
            writer.advance(sizeOf(u.path));
        }
        writer.finish();
        if (writer.stats().sequences == 0 && writer.stats().datasetItems == 0 && writer.stats().vectors == 0)
            throw Error(paths.first()
                        + QStringLiteral(": nothing to import: no playlists, documents, records or vectors found"));
        job.checkCancelled();
        tx.commit();
        result.stats = writer.stats();
        result.ok = true;
    } catch (const Cancelled &) {
        result.cancelled = true;
        result.error = QStringLiteral("import cancelled; the project is unchanged");
        result.datasetId = 0;
    } catch (const Error &e) {
        result.error = e.message();
        result.datasetId = 0;
    } catch (const std::bad_alloc &) {
        result.error = QStringLiteral("out of memory while importing");
        result.datasetId = 0;
    }
    result.stats.seconds = double(clock.nsecsElapsed()) / 1e9;
    return result;
}

} // namespace orrery::io
