// Readers for ready-made vectors: TensorFlow Projector TSV, word2vec text and binary,
// GloVe / fastText .vec text and NumPy .npy.

#include "io/importer.h"
#include "store/project.h"
#include "testutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace orrery;
using orrery::test::fixture;
using orrery::test::importInto;
using orrery::test::writeFile;

namespace {

/// One embedding_set row as stored.
struct StoredSet {
    QString name;
    QString method;
    QString params;
    int kind = -1;
    qint64 dim = 0;
    qint64 count = 0;
    std::vector<qint64> ids;
    std::vector<float> vectors;
};

QList<StoredSet> setsOf(const Project &project, qint64 datasetId)
{
    QList<StoredSet> sets;
    sql::Statement st(project.db(),
                      "SELECT name, method, params, item_kind, dim, count, ids, vectors FROM embedding_set "
                      "WHERE dataset_id = ? ORDER BY id");
    st.bind(1, datasetId);
    while (st.step()) {
        StoredSet s;
        s.name = st.columnText(0);
        s.method = st.columnText(1);
        s.params = st.columnText(2);
        s.kind = int(st.columnInt(3));
        s.dim = st.columnInt(4);
        s.count = st.columnInt(5);
        s.ids = unpackIds(st.columnBlob(6));
        const auto blob = st.columnBlob(7);
        s.vectors.resize(blob.size() / sizeof(float));
        std::memcpy(s.vectors.data(), blob.data(), s.vectors.size() * sizeof(float));
        sets.append(s);
    }
    return sets;
}

StoredSet onlySet(const Project &project, qint64 datasetId)
{
    const QList<StoredSet> sets = setsOf(project, datasetId);
    if (sets.size() != 1)
        return {};
    return sets.first();
}

QStringList keysOf(const Project &project, const std::vector<qint64> &ids)
{
    QStringList keys;
    sql::Statement st(project.db(), "SELECT key FROM item WHERE id = ?");
    for (const qint64 id : ids) {
        st.bind(1, id);
        keys.append(st.step() ? st.columnText(0) : QStringLiteral("<missing>"));
        st.reset();
    }
    return keys;
}

QString itemText(const Project &project, qint64 id, const char *column)
{
    sql::Statement st(project.db(), std::string("SELECT ") + column + " FROM item WHERE id = ?");
    st.bind(1, id);
    if (!st.step() || st.columnIsNull(0))
        return {};
    return st.columnText(0);
}

qint64 itemKind(const Project &project, qint64 id)
{
    sql::Statement st(project.db(), "SELECT kind FROM item WHERE id = ?");
    st.bind(1, id);
    return st.step() ? st.columnInt(0) : -1;
}

QStringList labelsOf(const Project &project, qint64 id)
{
    QStringList labels;
    sql::Statement st(project.db(),
                      "SELECT t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                      "WHERE it.item_id = ? AND t.kind = 'label' ORDER BY t.name");
    st.bind(1, id);
    while (st.step())
        labels.append(st.columnText(0));
    return labels;
}

qint64 count(const Project &project, const char *table)
{
    sql::Statement st(project.db(), std::string("SELECT count(*) FROM ") + table);
    return st.step() ? st.columnInt(0) : -1;
}

/// Compares float32 values bit for bit (QCOMPARE on floats is fuzzy).
bool sameBits(const std::vector<float> &a, const std::vector<float> &b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::bit_cast<quint32>(a[i]) != std::bit_cast<quint32>(b[i]))
            return false;
    return true;
}

QByteArray floatBytes(const std::vector<float> &values)
{
    return QByteArray(reinterpret_cast<const char *>(values.data()), qsizetype(values.size() * sizeof(float)));
}

QByteArray doubleBytes(const std::vector<double> &values)
{
    return QByteArray(reinterpret_cast<const char *>(values.data()), qsizetype(values.size() * sizeof(double)));
}

/// A word2vec binary file as the C tool writes it (with '\n' after each vector) or as
/// gensim does (without).
QByteArray word2vecFile(const QList<QByteArray> &words, const std::vector<float> &values, int dim, bool newline)
{
    QByteArray out = QByteArray::number(words.size()) + ' ' + QByteArray::number(dim) + '\n';
    for (qsizetype w = 0; w < words.size(); ++w) {
        out += words[w] + ' ';
        out += QByteArray(reinterpret_cast<const char *>(values.data() + w * dim), dim * qsizetype(sizeof(float)));
        if (newline)
            out += '\n';
    }
    return out;
}

/// A .npy file: magic, version, header length, the dict padded to a multiple of 64, data.
QByteArray npy(const QByteArray &descr, const QByteArray &fortran, const QByteArray &shape, const QByteArray &payload,
               int major = 1)
{
    QByteArray dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    const int prefix = major == 1 ? 10 : 12;
    while ((prefix + dict.size() + 1) % 64 != 0)
        dict += ' ';
    dict += '\n';
    QByteArray out("\x93NUMPY", 6);
    out += char(major);
    out += char(0);
    const quint32 len = quint32(dict.size());
    out += char(len & 0xFF);
    out += char((len >> 8) & 0xFF);
    if (major != 1) {
        out += char((len >> 16) & 0xFF);
        out += char((len >> 24) & 0xFF);
    }
    return out + dict + payload;
}

/// The counts an import must leave as they were when it fails.
QList<qint64> projectCounts(const Project &project)
{
    QList<qint64> counts;
    for (const char *table : {"dataset", "item", "dataset_item", "embedding_set", "tag", "item_tag"})
        counts.append(count(project, table));
    return counts;
}

} // namespace

class TestVectors final : public QObject {
    Q_OBJECT

private slots:
    void detectsEachFormat_data();
    void detectsEachFormat();
    void projectorWithMetadata();
    void projectorWithoutMetadata();
    void projectorOneColumnMetadata();
    void duplicateKeysAreSkipped();
    void wordText_data();
    void wordText();
    void word2vecBinary_data();
    void word2vecBinary();
    void binaryWordsThatAreNotUtf8AreSkipped();
    void npyRoundTrip_data();
    void npyRoundTrip();
    void npyWithMetadata();
    void npyFolderMakesOneSetPerFile();
    void sameWordIsOneItemAcrossDatasets();
    void projectorWordsServeAsWordVectors();
    void projectorOneColumnHeadedWord();
    void embedSaysHowToLinkWords();
    void badInput_data();
    void badInput();
    void reportsProgressAndCancels();

private:
    QTemporaryDir m_tmp;
    int m_projects = 0;
    QString newProjectPath() { return m_tmp.filePath(QStringLiteral("p%1.orrery").arg(++m_projects)); }
};

void TestVectors::detectsEachFormat_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("content"); // written to path when not empty
    QTest::newRow("projector folder") << fixture(QStringLiteral("vectors/projector")) << QByteArray();
    QTest::newRow("projector vectors.tsv") << fixture(QStringLiteral("vectors/projector/vectors.tsv")) << QByteArray();
    QTest::newRow("word2vec text") << fixture(QStringLiteral("vectors/word2vec.txt")) << QByteArray();
    QTest::newRow("fasttext vec") << fixture(QStringLiteral("vectors/fasttext.vec")) << QByteArray();
    QTest::newRow("glove txt") << fixture(QStringLiteral("vectors/glove.txt")) << QByteArray();
    QTest::newRow("word2vec binary") << QStringLiteral("words.bin")
                                     << word2vecFile({"a", "b"}, {1.f, 2.f, 3.f, 4.f}, 2, true);
    QTest::newRow("npy f4") << QStringLiteral("a.npy") << npy("<f4", "False", "(1, 2)", floatBytes({1.f, 2.f}));
    QTest::newRow("npy without suffix") << QStringLiteral("array") << npy("<f8", "False", "(1, 1)", doubleBytes({1.0}));
}

void TestVectors::detectsEachFormat()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, content);
    if (!content.isEmpty()) {
        path = m_tmp.filePath(QStringLiteral("detect/") + path);
        writeFile(path, content);
    }
    QCOMPARE(io::toString(io::detectFormat(path)), QStringLiteral("vectors"));
}

void TestVectors::projectorWithMetadata()
{
    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {fixture(QStringLiteral("vectors/projector"))});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(io::toString(r.format), QStringLiteral("vectors"));
    QCOMPARE(r.datasetName, QStringLiteral("projector"));
    QCOMPARE(r.stats.vectors, 5);
    QCOMPARE(r.stats.skipped, 0);

    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(set.name, QStringLiteral("projector"));
    QCOMPARE(set.method, QStringLiteral("imported"));
    QCOMPARE(set.kind, int(ItemKind::Vector));
    QCOMPARE(set.params, QStringLiteral(R"({"format":"projector","source":"vectors.tsv","metadata":"metadata.tsv"})"));
    QCOMPARE(set.dim, 4);
    QCOMPARE(set.count, 5);
    QVERIFY(sameBits(set.vectors, {0.5f,  -1.25f, 0.03f, 2.f,  1.f,  0.f,  -0.5f, 0.125f, -3.5f, 2.25f,
                                   1e-3f, -0.f,   0.1f,  0.2f, 0.3f, 0.4f, 7.f,   -7.f,   7.5f,  -7.5f}));
    QCOMPARE(keysOf(project, set.ids),
             (QStringList {QStringLiteral("aurora"), QStringLiteral("basalt"), QStringLiteral("cobalt"),
                           QStringLiteral("dune"), QStringLiteral("ember")}));
    const qint64 aurora = set.ids[0];
    QCOMPARE(itemKind(project, aurora), qint64(ItemKind::Vector));
    QCOMPARE(itemText(project, aurora, "title"), QStringLiteral("aurora"));
    QCOMPARE(itemText(project, aurora, "attrs"), QStringLiteral(R"({"Genre":"ambient"})"));
    // Dataset-private: the writer scopes an empty identity to the dataset.
    QVERIFY(itemText(project, aurora, "identity") != QStringLiteral("aurora"));
    QCOMPARE(labelsOf(project, aurora), QStringList {QStringLiteral("ambient")});
    QCOMPARE(labelsOf(project, set.ids[3]), QStringList {QStringLiteral("jazz")});
    QCOMPARE(count(project, "tag"), 3);
    QCOMPARE(project.itemForKey(QStringLiteral("ember"), r.datasetId), set.ids[4]);
}

void TestVectors::projectorWithoutMetadata()
{
    const QString dir = m_tmp.filePath(QStringLiteral("nometa"));
    writeFile(dir + QStringLiteral("/vectors.tsv"),
              test::fileBytes(fixture(QStringLiteral("vectors/projector/vectors.tsv"))));
    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {dir});
    QVERIFY2(r.ok, qPrintable(r.error));
    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(set.count, 5);
    QCOMPARE(set.params, QStringLiteral(R"({"format":"projector","source":"vectors.tsv"})"));
    QCOMPARE(keysOf(project, set.ids),
             (QStringList {QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
                           QStringLiteral("4")}));
    QCOMPARE(itemText(project, set.ids[0], "attrs"), QString());
    QCOMPARE(count(project, "tag"), 0);
}

void TestVectors::projectorOneColumnMetadata()
{
    // One column: no header row, so "Name" is the first key. CRLF and a blank last line too.
    const QString dir = m_tmp.filePath(QStringLiteral("onecol"));
    writeFile(dir + QStringLiteral("/vectors.tsv"), "1\t2\r\n3\t4\r\n\r\n5\t6\r\n");
    writeFile(dir + QStringLiteral("/metadata.tsv"), "Name\r\nzeta\r\n\u00e9t\u00e9\r\n\r\n");
    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {dir});
    QVERIFY2(r.ok, qPrintable(r.error));
    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(set.dim, 2);
    QVERIFY(sameBits(set.vectors, {1.f, 2.f, 3.f, 4.f, 5.f, 6.f}));
    QCOMPARE(keysOf(project, set.ids),
             (QStringList {QStringLiteral("Name"), QStringLiteral("zeta"), QStringLiteral("\u00e9t\u00e9")}));
    QCOMPARE(itemText(project, set.ids[1], "attrs"), QString());
    QCOMPARE(count(project, "tag"), 0);
}

void TestVectors::duplicateKeysAreSkipped()
{
    const QString dir = m_tmp.filePath(QStringLiteral("dupes"));
    writeFile(dir + QStringLiteral("/vectors.tsv"), "1\t1\n2\t2\n3\t3\n");
    writeFile(dir + QStringLiteral("/metadata.tsv"), "key\tclass\na\tx\nb\ty\na\tz\n");
    {
        Project project(newProjectPath());
        const io::ImportResult r = importInto(project, {dir});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.skipped, 1);
        QCOMPARE(r.stats.warnings.size(), 1);
        QVERIFY2(r.stats.warnings.first().contains(u"metadata.tsv:4: duplicate key \"a\" (first on line 2)"),
                 qPrintable(r.stats.warnings.first()));
        const StoredSet set = onlySet(project, r.datasetId);
        QCOMPARE(set.count, 2);
        QVERIFY(sameBits(set.vectors, {1.f, 1.f, 2.f, 2.f}));
        QCOMPARE(keysOf(project, set.ids), (QStringList {QStringLiteral("a"), QStringLiteral("b")}));
        // The skipped row's label is not attached to the first "a".
        QCOMPARE(labelsOf(project, set.ids[0]), QStringList {QStringLiteral("x")});
    }
    {
        Project project(newProjectPath());
        io::ImportOptions strict;
        strict.strict = true;
        const io::ImportResult r = importInto(project, {dir}, strict);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"metadata.tsv:4: duplicate key") && r.error.contains(u"--strict"),
                 qPrintable(r.error));
        QCOMPARE(count(project, "item"), 0);
    }
    {
        const QString words = m_tmp.filePath(QStringLiteral("dupes/words.vec"));
        writeFile(words, "3 1\nw 1\nv 2\nw 3\n");
        Project project(newProjectPath());
        const io::ImportResult r = importInto(project, {words});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.skipped, 1);
        QVERIFY2(r.stats.warnings.first().contains(u"words.vec:4: duplicate word \"w\" (first on line 2)"),
                 qPrintable(r.stats.warnings.first()));
        QVERIFY(sameBits(onlySet(project, r.datasetId).vectors, {1.f, 2.f}));
    }
}

void TestVectors::wordText_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QStringList>("keys");
    QTest::addColumn<std::vector<float>>("values");

    QTest::newRow("word2vec text") << fixture(QStringLiteral("vectors/word2vec.txt")) << QStringLiteral("word2vec-text")
                                   << QStringList {QStringLiteral("</s>"), QStringLiteral("king"),
                                                   QStringLiteral("queen"), QStringLiteral("jazz")}
                                   << std::vector<float> {0.001f, -0.002f, 0.003f, 0.5f, 0.25f, -0.125f,
                                                          0.5f,   -0.25f,  0.125f, -1.f, 2.f,   -3.f};
    QTest::newRow("fasttext vec") << fixture(QStringLiteral("vectors/fasttext.vec")) << QStringLiteral("fasttext-vec")
                                  << QStringList {QStringLiteral("king"), QStringLiteral(","), QStringLiteral("queen")}
                                  << std::vector<float> {0.1f, 0.2f, -0.5f, 1e-2f, 0.3f, -0.4f};
    QTest::newRow("glove") << fixture(QStringLiteral("vectors/glove.txt")) << QStringLiteral("glove")
                           << QStringList {QStringLiteral("the"), QStringLiteral(","),
                                           QStringLiteral("at name@domain.com"), QStringLiteral("king")}
                           << std::vector<float> {0.418f, 0.24968f, -0.41242f, 0.013441f, 0.23682f, -0.16899f,
                                                  0.1f,   -0.2f,    0.3f,      1.5f,      -2.5f,    3.5f};
}

void TestVectors::wordText()
{
    QFETCH(QString, path);
    QFETCH(QString, format);
    QFETCH(QStringList, keys);
    QFETCH(std::vector<float>, values);

    Project project(newProjectPath());
    io::ImportOptions options;
    options.format = io::Format::Vectors; // GloVe's .txt is not detected (see detectsEachFormat)
    const io::ImportResult r = importInto(project, {path}, options);
    QVERIFY2(r.ok, qPrintable(r.error));
    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(set.kind, int(ItemKind::Word));
    QCOMPARE(set.dim, qint64(values.size()) / keys.size());
    QCOMPARE(set.params, QStringLiteral(R"({"format":"%1","source":"%2"})").arg(format, QFileInfo(path).fileName()));
    QCOMPARE(keysOf(project, set.ids), keys);
    QVERIFY(sameBits(set.vectors, values));
    for (qsizetype i = 0; i < keys.size(); ++i) {
        // Words are global: the identity is the word itself.
        QCOMPARE(itemText(project, set.ids[size_t(i)], "identity"), keys[i]);
        QCOMPARE(itemKind(project, set.ids[size_t(i)]), qint64(ItemKind::Word));
    }
}

void TestVectors::word2vecBinary_data()
{
    QTest::addColumn<bool>("newline");
    QTest::newRow("C tool, newline after each vector") << true;
    QTest::newRow("gensim, no newline") << false;
}

void TestVectors::word2vecBinary()
{
    QFETCH(bool, newline);
    const int dim = 3;
    // Values whose bytes include '\n' (0x0A) and ' ' (0x20) test that floats are read by length.
    std::vector<float> values = {0.1f, -2.5f, 3.14159f, 1e-30f, -0.f, 65504.f, 0.f, 1.f, -1.f};
    float tricky;
    const quint32 bits = 0x200A200Au;
    std::memcpy(&tricky, &bits, 4);
    values.push_back(tricky);
    values.push_back(std::numeric_limits<float>::denorm_min());
    values.push_back(std::numeric_limits<float>::max());
    const QList<QByteArray> words = {"king", "caf\xc3\xa9", "</s>", "new_york"};
    const QString path = m_tmp.filePath(QStringLiteral("bin%1/vectors.bin").arg(newline));
    writeFile(path, word2vecFile(words, values, dim, newline));
    QCOMPARE(io::toString(io::detectFormat(path)), QStringLiteral("vectors"));

    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));
    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(set.kind, int(ItemKind::Word));
    QCOMPARE(set.dim, dim);
    QCOMPARE(set.count, 4);
    QCOMPARE(set.params, QStringLiteral(R"({"format":"word2vec-binary","source":"vectors.bin"})"));
    QVERIFY(sameBits(set.vectors, values));
    QCOMPARE(keysOf(project, set.ids),
             (QStringList {QStringLiteral("king"), QStringLiteral("caf\u00e9"), QStringLiteral("</s>"),
                           QStringLiteral("new_york")}));
}

void TestVectors::binaryWordsThatAreNotUtf8AreSkipped()
{
    // GoogleNews-vectors holds a few words cut inside a UTF-8 sequence: skipped, not fatal.
    const QString path = m_tmp.filePath(QStringLiteral("latin1/words.bin"));
    const QByteArray file = word2vecFile({"ok", "caf\xe9", "fine"}, {1, 2, 3, 4, 5, 6}, 2, true);
    writeFile(path, file);
    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.skipped, 1);
    QVERIFY2(r.stats.warnings.first().contains(
                 QStringLiteral("words.bin: byte %1: word is not valid UTF-8").arg(file.indexOf("caf"))),
             qPrintable(r.stats.warnings.first()));
    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(keysOf(project, set.ids), (QStringList {QStringLiteral("ok"), QStringLiteral("fine")}));
    QVERIFY(sameBits(set.vectors, {1, 2, 5, 6}));
}

void TestVectors::npyRoundTrip_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<std::vector<float>>("expected");

    const std::vector<float> f4 = {0.1f, -2.5f, 3.14159f, 1e-30f, -0.f, 65504.f};
    QTest::newRow("<f4 v1.0") << npy("<f4", "False", "(2, 3)", floatBytes(f4)) << f4;
    QTest::newRow("<f4 v2.0") << npy("<f4", "False", "(3, 2)", floatBytes(f4), 2) << f4;
    QTest::newRow("<f4 v3.0") << npy("<f4", "False", "(6, 1)", floatBytes(f4), 3) << f4;
    const std::vector<double> f8 = {0.1, -2.5, 3.141592653589793, 1e-30, 1e-50, 1.0 / 3.0};
    std::vector<float> f8as4;
    for (const double d : f8)
        f8as4.push_back(float(d));
    QTest::newRow("<f8 v1.0") << npy("<f8", "False", "(3, 2)", doubleBytes(f8)) << f8as4;
    // Written by NumPy on Python 2: no trailing comma in the dict, long integers in the shape.
    QByteArray py2 = npy("<f4", "False", "(2L, 3L)", floatBytes(f4));
    py2.replace(", }", "}  ");
    QTest::newRow("python 2 header") << py2 << f4;
    QByteArray big;
    for (const float v : f4) {
        const quint32 u = std::bit_cast<quint32>(v);
        for (int shift = 24; shift >= 0; shift -= 8)
            big += char((u >> shift) & 0xFF);
    }
    QTest::newRow(">f4 big-endian") << npy(">f4", "False", "(2, 3)", big) << f4;
}

void TestVectors::npyRoundTrip()
{
    QFETCH(QByteArray, file);
    QFETCH(std::vector<float>, expected);
    const QString path = m_tmp.filePath(
        QStringLiteral("npy/%1/array.npy").arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_')));
    writeFile(path, file);
    QCOMPARE(io::toString(io::detectFormat(path)), QStringLiteral("vectors"));

    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));
    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(set.kind, int(ItemKind::Vector));
    QCOMPARE(set.params, QStringLiteral(R"({"format":"npy","source":"array.npy"})"));
    QCOMPARE(set.count * set.dim, qint64(expected.size()));
    QVERIFY(sameBits(set.vectors, expected));
    QStringList rows;
    for (qint64 i = 0; i < set.count; ++i)
        rows.append(QString::number(i));
    QCOMPARE(keysOf(project, set.ids), rows);
}

void TestVectors::npyWithMetadata()
{
    const QString dir = m_tmp.filePath(QStringLiteral("npymeta"));
    writeFile(dir + QStringLiteral("/emb.npy"), npy("<f4", "False", "(3, 2)", floatBytes({1, 2, 3, 4, 5, 6})));
    writeFile(dir + QStringLiteral("/metadata.tsv"), "id\tLABEL\tyear\nq1\tpos\t1999\nq2\tneg\t\nq3\tpos\t2001\n");
    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {dir + QStringLiteral("/emb.npy")});
    QVERIFY2(r.ok, qPrintable(r.error));
    const StoredSet set = onlySet(project, r.datasetId);
    QCOMPARE(set.params, QStringLiteral(R"({"format":"npy","source":"emb.npy","metadata":"metadata.tsv"})"));
    QCOMPARE(keysOf(project, set.ids),
             (QStringList {QStringLiteral("q1"), QStringLiteral("q2"), QStringLiteral("q3")}));
    QCOMPARE(itemText(project, set.ids[0], "attrs"), QStringLiteral(R"({"LABEL":"pos","year":"1999"})"));
    QCOMPARE(itemText(project, set.ids[1], "attrs"), QStringLiteral(R"({"LABEL":"neg"})"));
    QCOMPARE(labelsOf(project, set.ids[1]), QStringList {QStringLiteral("neg")});
    QCOMPARE(labelsOf(project, set.ids[2]), QStringList {QStringLiteral("pos")});

    // The folder itself: metadata.tsv is read with the .npy, not taken for a CSV playlist.
    Project fromFolder(newProjectPath());
    const io::ImportResult f = importInto(fromFolder, {dir});
    QVERIFY2(f.ok, qPrintable(f.error));
    QCOMPARE(keysOf(fromFolder, onlySet(fromFolder, f.datasetId).ids),
             (QStringList {QStringLiteral("q1"), QStringLiteral("q2"), QStringLiteral("q3")}));
}

void TestVectors::npyFolderMakesOneSetPerFile()
{
    const QString dir = m_tmp.filePath(QStringLiteral("npyfolder"));
    writeFile(dir + QStringLiteral("/a.npy"), npy("<f4", "False", "(2, 2)", floatBytes({1, 2, 3, 4})));
    writeFile(dir + QStringLiteral("/b.npy"), npy("<f8", "False", "(2, 3)", doubleBytes({1, 2, 3, 4, 5, 6})));
    Project project(newProjectPath());
    const io::ImportResult r = importInto(project, {dir});
    QVERIFY2(r.ok, qPrintable(r.error));
    const QList<StoredSet> sets = setsOf(project, r.datasetId);
    QCOMPARE(sets.size(), 2);
    QCOMPARE(sets[0].name, QStringLiteral("npyfolder"));
    QCOMPARE(sets[1].name, QStringLiteral("npyfolder/b.npy"));
    // Row i of both files is the same item of the dataset.
    QCOMPARE(sets[0].ids, sets[1].ids);
    QCOMPARE(r.stats.vectors, 4);
}

void TestVectors::sameWordIsOneItemAcrossDatasets()
{
    Project project(newProjectPath());
    io::ImportOptions first;
    first.dataset = QStringLiteral("text");
    const io::ImportResult a = importInto(project, {fixture(QStringLiteral("vectors/word2vec.txt"))}, first);
    QVERIFY2(a.ok, qPrintable(a.error));
    const QString bin = m_tmp.filePath(QStringLiteral("twice/words.bin"));
    writeFile(bin, word2vecFile({"queen", "king", "prince"}, {1, 2, 3, 4, 5, 6}, 2, true));
    io::ImportOptions second;
    second.dataset = QStringLiteral("binary");
    const io::ImportResult b = importInto(project, {bin}, second);
    QVERIFY2(b.ok, qPrintable(b.error));
    QCOMPARE(b.stats.newItems, 1); // only "prince"

    const StoredSet sa = onlySet(project, a.datasetId);
    const StoredSet sb = onlySet(project, b.datasetId);
    QCOMPARE(sb.ids[0], sa.ids[2]); // queen
    QCOMPARE(sb.ids[1], sa.ids[1]); // king
    QVERIFY(std::find(sa.ids.begin(), sa.ids.end(), sb.ids[2]) == sa.ids.end());
    QCOMPARE(project.itemForKey(QStringLiteral("king"), a.datasetId),
             project.itemForKey(QStringLiteral("king"), b.datasetId));
    QCOMPARE(count(project, "item"), 5);
}

void TestVectors::projectorWordsServeAsWordVectors()
{
    // Projector tensors whose metadata heads its key column "word" are word vectors: their rows are
    // the text dataset's words, so pooling the documents from them finds those words.
    using test::cli;
    const QString root = fixture(QStringLiteral("projector-words"));
    const QString project = newProjectPath();
    test::Run r = cli({QStringLiteral("import"), project, root + QStringLiteral("/docs"), QStringLiteral("--dataset"),
                       QStringLiteral("docs")},
                      60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.startsWith("imported \"docs\" (text, 1 file): 4 documents of 23 words (14 distinct words); "
                              "18 items new to the project, documents and words together; "),
             r.out.constData());
    r = cli({QStringLiteral("import"), project, root + QStringLiteral("/vectors"), QStringLiteral("--dataset"),
             QStringLiteral("wv")},
            60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    // Six of the seven words are the documents' own; only "violin" is new.
    QVERIFY2(r.out.startsWith("imported \"wv\" (vectors, 1 file): 7 vectors; 1 item new to the project, the other "
                              "vectors belong to items the project had; "),
             r.out.constData());
    {
        Project p(project);
        const qint64 docs = p.datasetId(QStringLiteral("docs")), wv = p.datasetId(QStringLiteral("wv"));
        const StoredSet set = onlySet(p, wv);
        QCOMPARE(set.kind, int(ItemKind::Word));
        QCOMPARE(keysOf(p, {set.ids[0], set.ids[6]}), (QStringList {QStringLiteral("goal"), QStringLiteral("violin")}));
        QCOMPARE(set.ids[0], p.itemForKey(QStringLiteral("goal"), docs));
        QCOMPARE(itemKind(p, set.ids[0]), qint64(ItemKind::Word));
        // The other columns describe a word the vectors bring; the documents' words stay as they were.
        QCOMPARE(itemText(p, set.ids[6], "attrs"), QStringLiteral(R"({"count":"3"})"));
    }
    r = cli({QStringLiteral("embed"), project, QStringLiteral("--dataset"), QStringLiteral("docs"),
             QStringLiteral("--method"), QStringLiteral("mean"), QStringLiteral("--from"), QStringLiteral("wv"),
             QStringLiteral("--json")},
            60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(summary.value(u"rows").toInteger(), 4);
    // Known: team, goal; match, team; phone, chip; screen, phone. The other 15 words have no vector.
    QCOMPARE(summary.value(u"stats").toObject().value(u"unknown_items").toInteger(), 15);
}

void TestVectors::projectorOneColumnHeadedWord()
{
    // One column whose first line is "word" and one line more than there are vectors: a header, so
    // the keys are words, the same items as word2vec's. With as many lines as vectors, "word" is the
    // first key, as the Projector reads one column.
    Project project(newProjectPath());
    io::ImportOptions text;
    text.dataset = QStringLiteral("text");
    const io::ImportResult a = importInto(project, {fixture(QStringLiteral("vectors/word2vec.txt"))}, text);
    QVERIFY2(a.ok, qPrintable(a.error));
    const QString headed = m_tmp.filePath(QStringLiteral("headed"));
    writeFile(headed + QStringLiteral("/vectors.tsv"), "1\t2\n3\t4\n5\t6\n");
    writeFile(headed + QStringLiteral("/metadata.tsv"), "word\nking\nqueen\nprince\n");
    const io::ImportResult b = importInto(project, {headed});
    QVERIFY2(b.ok, qPrintable(b.error));
    const StoredSet words = onlySet(project, b.datasetId);
    QCOMPARE(words.kind, int(ItemKind::Word));
    QCOMPARE(keysOf(project, words.ids),
             (QStringList {QStringLiteral("king"), QStringLiteral("queen"), QStringLiteral("prince")}));
    QCOMPARE(words.ids[0], project.itemForKey(QStringLiteral("king"), a.datasetId));
    QCOMPARE(b.stats.newItems, 1); // prince

    const QString keyed = m_tmp.filePath(QStringLiteral("keyed"));
    writeFile(keyed + QStringLiteral("/vectors.tsv"), "1\t2\n3\t4\n5\t6\n");
    writeFile(keyed + QStringLiteral("/metadata.tsv"), "word\nking\nqueen\n");
    const io::ImportResult c = importInto(project, {keyed});
    QVERIFY2(c.ok, qPrintable(c.error));
    const StoredSet rows = onlySet(project, c.datasetId);
    QCOMPARE(rows.kind, int(ItemKind::Vector));
    QCOMPARE(keysOf(project, rows.ids),
             (QStringList {QStringLiteral("word"), QStringLiteral("king"), QStringLiteral("queen")}));
    QVERIFY(rows.ids[1] != words.ids[0]);
}

void TestVectors::embedSaysHowToLinkWords()
{
    // The same vectors keyed under another header are unlinked rows: none of the words is found,
    // and the message says which files would serve as word vectors.
    using test::cli;
    const QString root = fixture(QStringLiteral("projector-words"));
    const QString dir = m_tmp.filePath(QStringLiteral("unlinked"));
    writeFile(dir + QStringLiteral("/vectors.tsv"), test::fileBytes(root + QStringLiteral("/vectors/vectors.tsv")));
    writeFile(dir + QStringLiteral("/metadata.tsv"),
              test::fileBytes(root + QStringLiteral("/vectors/metadata.tsv")).replace("word\tcount", "Name\tcount"));
    const QString project = newProjectPath();
    test::Run r = cli({QStringLiteral("import"), project, root + QStringLiteral("/docs"), QStringLiteral("--dataset"),
                       QStringLiteral("docs")},
                      60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = cli({QStringLiteral("import"), project, dir}, 60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("7 vectors; 7 items new to the project, one per vector; "), r.out.constData());
    r = cli({QStringLiteral("embed"), project, QStringLiteral("--dataset"), QStringLiteral("docs"),
             QStringLiteral("--method"), QStringLiteral("mean"), QStringLiteral("--from"), QStringLiteral("unlinked")},
            60000);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("none of the words of \"docs\" has a vector in \"unlinked\"; vectors serve as word vectors "
                            "when imported from word2vec, GloVe or fastText files"),
             r.err.constData());
    QVERIFY2(r.err.contains("Projector tensors whose metadata.tsv heads its key column \"word\""), r.err.constData());
}

void TestVectors::badInput_data()
{
    QTest::addColumn<QString>("target"); // what is imported, relative to the case's folder
    QTest::addColumn<QStringList>("names"); // files to write
    QTest::addColumn<QList<QByteArray>>("contents");
    QTest::addColumn<QString>("expected"); // part of the error

    const auto row = [](const char *tag, const QString &target, const QStringList &names,
                        const QList<QByteArray> &contents,
                        const QString &expected) { QTest::newRow(tag) << target << names << contents << expected; };
    const QString dir; // the case's folder itself
    const QString vt = QStringLiteral("vectors.tsv"), mt = QStringLiteral("metadata.tsv");

    row("ragged vectors.tsv", dir, {vt}, {"1\t2\t3\n4\t5\t6\n7\t8\n"},
        QStringLiteral("vectors.tsv:3: expected 3 values, found 2"));
    row("vectors.tsv row too wide", dir, {vt}, {"1\t2\n4\t5\t6\n"},
        QStringLiteral("vectors.tsv:2: expected 2 values, found 3"));
    row("vectors.tsv not a number", dir, {vt}, {"1\t2\t3\n4\t x\t6\n"},
        QStringLiteral("vectors.tsv:2:4: expected a number, found \"x\""));
    row("vectors.tsv empty field", dir, {vt}, {"1\t\t3\n"}, QStringLiteral("vectors.tsv:1:3: expected a number"));
    row("vectors.tsv NaN", dir, {vt}, {"1\t2\n3\tNaN\n"},
        QStringLiteral("vectors.tsv:2:3: expected a finite number, found \"NaN\""));
    row("vectors.tsv Inf", dir, {vt}, {"1\t-inf\n"}, QStringLiteral("vectors.tsv:1:3: expected a finite number"));
    row("vectors.tsv out of float range", dir, {vt}, {"1\t1e39\n"},
        QStringLiteral("vectors.tsv:1:3: expected a number within float32 range"));
    row("more vectors than metadata rows", dir, {vt, mt}, {"1\n2\n3\n", "a\nb\n"},
        QStringLiteral("vectors.tsv:3: expected one metadata row per vector: vectors.tsv holds at least 3 vectors, "
                       "metadata.tsv holds 2 rows"));
    row("more metadata rows than vectors", dir, {vt, mt}, {"1\n2\n", "k\tlabel\na\tx\nb\ty\nc\tz\n"},
        QStringLiteral("metadata.tsv:4: expected one metadata row per vector: vectors.tsv holds 2 vectors, "
                       "metadata.tsv holds 3 rows"));
    row("ragged metadata", dir, {vt, mt}, {"1\n2\n", "k\tlabel\na\tx\tx2\nb\ty\n"},
        QStringLiteral("metadata.tsv:2: expected 2 tab-separated columns"));
    row("metadata not UTF-8", dir, {vt, mt}, {"1\n2\n", "a\nb\xff\n"},
        QStringLiteral("metadata.tsv:2:2: invalid UTF-8"));

    const QByteArray f4x6 = floatBytes({1, 2, 3, 4, 5, 6});
    const QString np = QStringLiteral("a.npy");
    row("npy bad magic", np, {np}, {QByteArray("\x93NUMPX\x01\x00", 8) + QByteArray(100, ' ')},
        QStringLiteral("a.npy: byte 5: expected the .npy magic"));
    QByteArray list = npy("<f4", "False", "[2, 3]", f4x6);
    row("npy shape not a tuple", np, {np}, {list},
        QStringLiteral("a.npy: byte %1: expected '(' opening the shape tuple").arg(list.indexOf('[')));
    QByteArray unclosed = npy("<f4", "False", "(2, 3)", f4x6);
    unclosed.replace(", }", ",  ");
    row("npy header dict not closed", np, {np}, {unclosed}, QStringLiteral("expected a quoted key"));
    QByteArray unknownKey = npy("<f4", "False", "(2, 3)", f4x6);
    unknownKey.replace("'shape'", "'shapf'");
    row("npy unknown key", np, {np}, {unknownKey},
        QStringLiteral("a.npy: byte %1: expected 'descr', 'fortran_order' or 'shape', found \"shapf\"")
            .arg(unknownKey.indexOf("'shapf'")));
    QByteArray longHeader = npy("<f4", "False", "(2, 3)", {});
    longHeader[8] = char(0xFF);
    row("npy header longer than the file", np, {np}, {longHeader},
        QStringLiteral("a.npy: byte 8: expected a header of"));
    const QByteArray fortran = npy("<f4", "True", "(2, 3)", f4x6);
    row("npy fortran_order True", np, {np}, {fortran},
        QStringLiteral("a.npy: byte %1: expected fortran_order False").arg(fortran.indexOf("True")));
    row("npy 1-D", np, {np}, {npy("<f4", "False", "(6,)", f4x6)},
        QStringLiteral("expected a 2-D shape (rows, dimension), found (6,)"));
    row("npy int64", np, {np}, {npy("<i8", "False", "(2, 3)", QByteArray(48, '\0'))},
        QStringLiteral("expected descr '<f4' or '<f8' (float32 or float64), found '<i8'"));
    row("npy version 4", np, {np}, {npy("<f4", "False", "(2, 3)", f4x6, 4)},
        QStringLiteral("a.npy: byte 6: expected .npy version 1.0, 2.0 or 3.0, found 4.0"));
    const QByteArray shortData = npy("<f4", "False", "(3, 3)", f4x6);
    row("npy data shorter than shape", np, {np}, {shortData},
        QStringLiteral("a.npy: byte %1: expected 3 x 3 values (36 bytes)").arg(shortData.size()));
    const QByteArray longData = npy("<f4", "False", "(1, 3)", f4x6);
    row("npy data longer than shape", np, {np}, {longData},
        QStringLiteral("a.npy: byte %1: expected the end of the file").arg(longData.size() - 12));
    const QByteArray nan = npy("<f4", "False", "(2, 3)", floatBytes({1, 2, 3, 4, std::nanf(""), 6}));
    row("npy NaN", np, {np}, {nan},
        QStringLiteral("a.npy: byte %1: expected a finite value (row 1, column 1)").arg(nan.size() - 8));
    const QByteArray huge = npy("<f8", "False", "(1, 2)", doubleBytes({1.0, 1e300}));
    row("npy f8 beyond float32", np, {np}, {huge},
        QStringLiteral("a.npy: byte %1: expected a finite value within float32 range").arg(huge.size() - 8));
    row("npy row count differs from metadata", np, {np, mt}, {npy("<f4", "False", "(2, 3)", f4x6), "a\nb\nc\n"},
        QStringLiteral(
            "metadata.tsv:3: expected one metadata row per vector: a.npy holds 2 vectors, metadata.tsv holds 3 rows"));

    const QString bin = QStringLiteral("words.bin");
    const QByteArray full = word2vecFile({"king", "queen"}, {1, 2, 3, 4, 5, 6}, 3, true);
    // The second word's floats start after "3 3\n" + "king " + 12 bytes + "\n" + "queen ".
    row("truncated word2vec binary", bin, {bin}, {full.left(full.size() - 3)},
        QStringLiteral("words.bin: byte 28: expected 3 float32 values for word \"queen\""));
    row("word2vec binary with fewer words than its header", bin, {bin},
        {word2vecFile({"king"}, {1, 2, 3}, 3, true).replace("1 3\n", "2 3\n")},
        QStringLiteral("words.bin: byte 22: expected 2 words (as the header says), found 1"));
    row("word2vec binary NaN", bin, {bin}, {word2vecFile({"king"}, {1, std::nanf(""), 3}, 3, false)},
        QStringLiteral("words.bin: byte 13: expected a finite float32 value for word \"king\""));
    row("word2vec binary without a header", bin, {bin}, {QByteArray("king \x01\x02\x03\x04", 9)},
        QStringLiteral("words.bin:1: expected a word2vec header line"));

    const QString txt = QStringLiteral("words.txt");
    row("word2vec text row too narrow", txt, {txt}, {"3 3\na 1 2 3\nb 1 2\nc 1 2 3\n"},
        QStringLiteral("words.txt:3: expected 3 values, found 2"));
    row("word2vec text row too wide", txt, {txt}, {"3 3\na 1 2 3\nb 1 2 3 4\nc 1 2 3\n"},
        QStringLiteral("words.txt:3: expected 3 values, found 4"));
    row("word2vec text fewer rows than header", txt, {txt}, {"3 2\na 1 2\nb 3 4\n"},
        QStringLiteral("words.txt:1: the header says 3 words, but the file holds 2"));
    row("word2vec text more rows than header", txt, {txt}, {"1 2\na 1 2\nb 3 4\n"},
        QStringLiteral("words.txt:3: expected the end of the file: the header (line 1) says 1 words"));
    row("word2vec text not a number", txt, {txt}, {"2 2\na 1 2\nb 3 four\n"},
        QStringLiteral("words.txt:3:5: expected a number, found \"four\""));
    const QString vec = QStringLiteral("glove.vec");
    row("glove Inf", vec, {vec}, {"a 1 2\nb inf 4\n"}, QStringLiteral("glove.vec:2:3: expected a finite number"));
    row("glove row width", vec, {vec}, {"a 1 2\nb 3\n"}, QStringLiteral("glove.vec:2: expected 2 values, found 1"));
    row("glove not UTF-8", vec, {vec}, {"a 1 2\nb\xe9 3 4\n"}, QStringLiteral("glove.vec:2:2: invalid UTF-8"));
}

void TestVectors::badInput()
{
    QFETCH(QString, target);
    QFETCH(QStringList, names);
    QFETCH(QList<QByteArray>, contents);
    QFETCH(QString, expected);

    const QString dir = m_tmp.filePath(QStringLiteral("bad/")
                                       + QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_'));
    for (qsizetype i = 0; i < names.size(); ++i)
        writeFile(dir + u'/' + names[i], contents[i]);
    const QString path = target.isEmpty() ? dir : dir + u'/' + target;
    QCOMPARE(io::toString(io::detectFormat(path)), QStringLiteral("vectors"));

    Project project(newProjectPath());
    const io::ImportResult good = importInto(project, {fixture(QStringLiteral("vectors/projector"))});
    QVERIFY2(good.ok, qPrintable(good.error));
    io::ImportOptions other;
    other.dataset = QStringLiteral("baseline words");
    QVERIFY(importInto(project, {fixture(QStringLiteral("vectors/word2vec.txt"))}, other).ok);
    const QList<qint64> before = projectCounts(project);

    const io::ImportResult r = importInto(project, {path});
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(expected),
             qPrintable(QStringLiteral("error: ") + r.error + QStringLiteral("\nexpected: ") + expected));
    // The file is named with its folder, and located by line or byte.
    QVERIFY2(r.error.startsWith(dir + u'/'), qPrintable(r.error));
    QVERIFY2(r.error.contains(QRegularExpression(QStringLiteral(R"(^[^ ]+(:\d+|: byte \d+):)"))), qPrintable(r.error));
    QCOMPARE(projectCounts(project), before);
    QCOMPARE(r.datasetId, 0);
}

void TestVectors::reportsProgressAndCancels()
{
    // A GloVe-like file big enough to report progress mid-way (fixed seed).
    const QString path = m_tmp.filePath(QStringLiteral("progress/big.vec"));
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    QByteArray text;
    for (int w = 0; w < 20000; ++w) {
        text += "w" + QByteArray::number(w);
        for (int k = 0; k < 8; ++k)
            text += ' ' + QByteArray::number(dist(rng), 'g', 9);
        text += '\n';
    }
    writeFile(path, text);

    Project project(newProjectPath());
    std::atomic_bool stop = false;
    QList<qint64> reports;
    JobContext job(
        [&](qint64 done, qint64 total, const QString &) {
            reports.append(done);
            QCOMPARE(total, qint64(text.size()));
            stop = true;
        },
        &stop);
    const io::ImportResult r = io::importPaths(project, {path}, {}, job);
    QVERIFY(r.cancelled);
    QVERIFY(!r.ok);
    QCOMPARE(reports.size(), 1);
    QVERIFY(reports.first() < text.size());
    QCOMPARE(count(project, "item"), 0);

    // Without cancel, the same file imports whole, values as printed.
    JobContext quiet;
    const io::ImportResult ok = io::importPaths(project, {path}, {}, quiet);
    QVERIFY2(ok.ok, qPrintable(ok.error));
    QCOMPARE(ok.stats.vectors, 20000);
}

QTEST_GUILESS_MAIN(TestVectors)
#include "tst_vectors.moc"
