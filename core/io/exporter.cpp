#include "exporter.h"

#include "store/corpus.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

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
    sql::Statement st(project.db(), "SELECT coalesce(title, ''), coalesce(artist, '') FROM item WHERE id = ?");
    for (size_t i = 0; i < set.ids.size(); ++i) {
        st.bind(1, set.ids[i]);
        QString title, artist;
        if (st.step()) {
            title = st.columnText(0);
            artist = st.columnText(1);
        }
        st.reset();
        out += (tsvField(keys[i]) + u'\t' + tsvField(title) + u'\t' + tsvField(artist) + u'\t' + tsvField(labels[i]) + u'\n').toUtf8();
    }
    return out;
}

} // namespace

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
        QByteArray header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + QByteArray::number(set.count()) + ", "
            + QByteArray::number(set.dim) + "), }";
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
