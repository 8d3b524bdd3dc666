#include "exporter.h"

#include "store/corpus.h"
#include "store/items.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <unordered_map>

#include <charconv>

namespace orrery::io {

namespace {

QString tsvField(QString s)
{
    s.replace(u'\t', u' ');
    s.replace(u'\n', u' ');
    s.replace(u'\r', u' ');
    return s;
}

void appendFloat(QByteArray &out, float v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr - buf);
}

void save(QSaveFile &file, const QByteArray &data)
{
    if (file.write(data) != data.size() || !file.commit())
        throw Error(file.fileName() + QStringLiteral(": cannot write: ") + file.errorString());
}

QSaveFile *open(QSaveFile &file)
{
    QDir().mkpath(QFileInfo(file.fileName()).absolutePath());
    if (!file.open(QIODevice::WriteOnly))
        throw Error(file.fileName() + QStringLiteral(": cannot write: ") + file.errorString());
    return &file;
}

QByteArray metadata(Project &project, const EmbeddingSet &set, const std::vector<QString> &keys)
{
    const std::vector<QString> labels = itemLabels(project, set.ids);
    QByteArray out = "key\ttitle\tartist\tlabel\n";
    const std::vector<TitleArtist> titles = itemTitles(project, set.ids);
    for (size_t i = 0; i < set.ids.size(); ++i)
        out += (tsvField(keys[i]) + u'\t' + tsvField(titles[i].title) + u'\t' + tsvField(titles[i].artist) + u'\t'
                + tsvField(labels[i]) + u'\n')
                   .toUtf8();
    return out;
}

QString csvField(const QString &s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n') && !s.contains(u'\r'))
        return s;
    QString quoted = s;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

struct ItemFields {
    qint64 id = 0;
    QString key, kind, title, artist, album, body, attrs;
    QStringList labels, tags;
};

std::vector<ItemFields> readItems(Project &project, const std::vector<qint64> &ids, qint64 datasetId)
{
    const std::vector<QString> keys = itemKeys(project, ids, datasetId);
    std::vector<std::optional<ItemRecord>> records = itemRecords(project, ids);
    std::vector<ItemFields> out;
    out.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        ItemFields f;
        f.id = ids[i];
        if (!records[i])
            throw Error(QStringLiteral("export: no item with id %1 in %2").arg(f.id).arg(project.path()));
        ItemRecord &r = *records[i];
        f.key = keys[i];
        f.kind = toString(r.kind);
        f.title = std::move(r.title);
        f.artist = std::move(r.artist);
        f.album = std::move(r.album);
        f.body = std::move(r.body);
        f.attrs = std::move(r.attrs);
        f.labels = std::move(r.labels);
        f.tags = std::move(r.tags);
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace

ItemExportResult exportItems(Project &project, const std::vector<qint64> &ids, const EmbeddingSet *set,
                             ItemFormat format, const QString &out)
{
    if (format == ItemFormat::Projector && !set)
        throw Error(QStringLiteral("export: projector files need an embedding set for the vectors"));
    std::unordered_map<qint64, qint64> rowOf;
    if (set) {
        rowOf.reserve(set->ids.size());
        for (size_t r = 0; r < set->ids.size(); ++r)
            rowOf.emplace(set->ids[r], qint64(r));
    }
    const auto vectorRow = [&](qint64 id) -> qint64 {
        const auto it = rowOf.find(id);
        return it == rowOf.end() ? -1 : it->second;
    };
    ItemExportResult result;
    for (const qint64 id : ids)
        if (set && vectorRow(id) < 0)
            ++result.withoutVector;

    if (format == ItemFormat::Projector) {
        EmbeddingSet subset;
        subset.name = set->name;
        subset.datasetId = set->datasetId;
        subset.kind = set->kind;
        subset.dim = set->dim;
        for (const qint64 id : ids) {
            const qint64 row = vectorRow(id);
            if (row < 0)
                continue;
            subset.ids.push_back(id);
            const auto r = set->row(row);
            subset.vectors.insert(subset.vectors.end(), r.begin(), r.end());
        }
        if (subset.ids.empty())
            throw Error(
                QStringLiteral("export: none of the %1 items has a vector in \"%2\"").arg(ids.size()).arg(set->name));
        result.files = exportVectors(project, subset, VectorFormat::Projector, out);
        result.rows = subset.count();
        return result;
    }

    const std::vector<ItemFields> items = readItems(project, ids, set ? set->datasetId : 0);
    QByteArray data;
    if (format == ItemFormat::Csv) {
        QStringList header {QStringLiteral("id"),     QStringLiteral("key"),    QStringLiteral("kind"),
                            QStringLiteral("title"),  QStringLiteral("artist"), QStringLiteral("album"),
                            QStringLiteral("labels"), QStringLiteral("tags")};
        for (int d = 0; set && d < set->dim; ++d)
            header.append(QStringLiteral("v%1").arg(d + 1));
        data += header.join(u',').toUtf8() + '\n';
        for (const ItemFields &f : items) {
            QString line = QString::number(f.id);
            for (const QString &field :
                 {f.key, f.kind, f.title, f.artist, f.album, f.labels.join(u';'), f.tags.join(u';')})
                line += u',' + csvField(field);
            data += line.toUtf8();
            if (set) {
                const qint64 row = vectorRow(f.id);
                for (int d = 0; d < set->dim; ++d) {
                    data += ',';
                    if (row >= 0)
                        appendFloat(data, set->row(row)[size_t(d)]);
                }
            }
            data += '\n';
        }
    } else {
        QJsonArray array;
        for (const ItemFields &f : items) {
            QJsonObject o {{QStringLiteral("id"), f.id},
                           {QStringLiteral("key"), f.key},
                           {QStringLiteral("kind"), f.kind},
                           {QStringLiteral("title"), f.title},
                           {QStringLiteral("artist"), f.artist},
                           {QStringLiteral("album"), f.album},
                           {QStringLiteral("labels"), QJsonArray::fromStringList(f.labels)},
                           {QStringLiteral("tags"), QJsonArray::fromStringList(f.tags)}};
            if (!f.body.isEmpty())
                o.insert(QStringLiteral("text"), f.body);
            if (!f.attrs.isEmpty()) {
                const QJsonDocument attrs = QJsonDocument::fromJson(f.attrs.toUtf8());
                o.insert(QStringLiteral("attrs"), attrs.isObject() ? QJsonValue(attrs.object()) : QJsonValue(f.attrs));
            }
            if (set) {
                const qint64 row = vectorRow(f.id);
                QJsonArray vector;
                if (row >= 0)
                    for (const float v : set->row(row))
                        vector.append(double(v));
                o.insert(QStringLiteral("vector"), row >= 0 ? QJsonValue(vector) : QJsonValue(QJsonValue::Null));
            }
            array.append(o);
        }
        data = QJsonDocument(array).toJson(QJsonDocument::Indented);
    }
    QSaveFile file(out);
    save(*open(file), data);
    result.files = QStringList {out};
    result.rows = qint64(items.size());
    return result;
}

QStringList exportVectors(Project &project, const EmbeddingSet &set, VectorFormat format, const QString &out)
{
    const std::vector<QString> keys = itemKeys(project, set.ids, set.datasetId);
    const auto rows = [&](char separator, QByteArray &data) {
        for (qint64 i = 0; i < set.count(); ++i) {
            const auto r = set.row(i);
            for (int d = 0; d < set.dim; ++d) {
                if (d)
                    data += separator;
                appendFloat(data, r[size_t(d)]);
            }
            data += '\n';
        }
    };
    switch (format) {
    case VectorFormat::Projector: {
        if (!QDir().mkpath(out))
            throw Error(out + QStringLiteral(": cannot create folder"));
        const QString vectorsPath = QDir(out).filePath(QStringLiteral("vectors.tsv"));
        const QString metadataPath = QDir(out).filePath(QStringLiteral("metadata.tsv"));
        QSaveFile vectors(vectorsPath), meta(metadataPath);
        QByteArray data;
        data.reserve(set.count() * set.dim * 10);
        rows('\t', data);
        save(*open(vectors), data);
        save(*open(meta), metadata(project, set, keys));
        return {vectorsPath, metadataPath};
    }
    case VectorFormat::Npy: {
        QByteArray header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + QByteArray::number(set.count())
            + ", " + QByteArray::number(set.dim) + "), }";
        // Version 1.0: magic, version, little-endian header length; header padded so data is 64-byte aligned.
        const qsizetype total = 10 + header.size() + 1;
        header += QByteArray((64 - total % 64) % 64, ' ') + '\n';
        QByteArray data("\x93NUMPY\x01\x00", 8);
        const quint16 length = quint16(header.size());
        data += char(length & 0xff);
        data += char(length >> 8);
        data += header;
        data.append(reinterpret_cast<const char *>(set.vectors.data()), qsizetype(set.vectors.size() * sizeof(float)));
        QSaveFile npy(out);
        save(*open(npy), data);
        const QString metadataPath = QFileInfo(out).dir().filePath(QStringLiteral("metadata.tsv"));
        QSaveFile meta(metadataPath);
        save(*open(meta), metadata(project, set, keys));
        return {out, metadataPath};
    }
    case VectorFormat::Word2Vec: {
        QByteArray data = QByteArray::number(set.count()) + ' ' + QByteArray::number(set.dim) + '\n';
        for (qint64 i = 0; i < set.count(); ++i) {
            QString key = keys[size_t(i)];
            key.replace(u' ', u'_');
            key.replace(u'\t', u'_');
            key.replace(u'\n', u'_');
            data += key.toUtf8();
            for (int d = 0; d < set.dim; ++d) {
                data += ' ';
                appendFloat(data, set.row(i)[size_t(d)]);
            }
            data += '\n';
        }
        QSaveFile file(out);
        save(*open(file), data);
        return {out};
    }
    }
    return {};
}

} // namespace orrery::io
