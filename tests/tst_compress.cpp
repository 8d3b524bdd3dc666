// Embedding sets in the project: storage, int8 codes, PCA prefixes, exports that re-import.
#include "testutil.h"

#include "base/embeddingset.h"
#include "base/random.h"
#include "embed/compress.h"
#include "eval/compressionrecall.h"
#include "io/exporter.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace orrery;

namespace {

/// Rows on a 20-dimensional subspace of a 100-dimensional space, in 10 clusters, plus noise:
/// what trained embeddings look like to PCA.
EmbeddingSet lowRankSet(qint64 rows, quint64 seed)
{
    Random rng(seed);
    const int dim = 100, rank = 20, clusters = 10;
    Eigen::MatrixXf basis(rank, dim);
    for (int i = 0; i < rank; ++i)
        for (int d = 0; d < dim; ++d)
            basis(i, d) = float(rng.normal());
    Eigen::MatrixXf centres(clusters, rank);
    for (int c = 0; c < clusters; ++c)
        for (int i = 0; i < rank; ++i)
            centres(c, i) = float(rng.normal()) * float(rank - i) / rank * 3;
    EmbeddingSet set;
    set.name = QStringLiteral("low-rank");
    set.method = QStringLiteral("test");
    set.dim = dim;
    for (qint64 r = 0; r < rows; ++r) {
        set.ids.push_back(r + 1);
        Eigen::RowVectorXf z = centres.row(int(rng.below(clusters)));
        for (int i = 0; i < rank; ++i)
            z(i) += float(rng.normal()) * float(rank - i) / rank;
        Eigen::RowVectorXf v = z * basis;
        for (int d = 0; d < dim; ++d)
            set.vectors.push_back(v(d) + 0.05f * float(rng.normal()));
    }
    return set;
}

} // namespace

class TestCompress final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void saveAndLoadKeepEverything()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        EmbeddingSet set = lowRankSet(300, 1);
        set.params.insert(QStringLiteral("seed"), 1);
        set.stats.insert(QStringLiteral("note"), QStringLiteral("kept"));
        quantizeInt8(set);
        pcaRotate(set);
        saveEmbeddingSet(p, set);
        const EmbeddingSet back = loadEmbeddingSet(p, set.name);
        QCOMPARE(back.ids, set.ids);
        QCOMPARE(back.vectors, set.vectors);
        QCOMPARE(back.quantized, set.quantized);
        QCOMPARE(back.scales, set.scales);
        QCOMPARE(back.rotation, set.rotation);
        QCOMPARE(back.params, set.params);
        QCOMPARE(back.stats, set.stats);
        QCOMPARE(p.embeddingSets().size(), 1);
        QCOMPARE(p.embeddingSets().first().count, 300);
        QVERIFY_THROWS_EXCEPTION(Error, saveEmbeddingSet(p, set));
        saveEmbeddingSet(p, set, true); // replace
        QCOMPARE(p.embeddingSets().size(), 1);
        QVERIFY_THROWS_EXCEPTION(Error, loadEmbeddingSet(p, QStringLiteral("missing")));
    }

    void int8KeepsNeighbours()
    {
        EmbeddingSet set = lowRankSet(3000, 2);
        quantizeInt8(set);
        // Each code is within half a step of its value.
        const RowMatrixXf deq = dequantized(set);
        for (int d = 0; d < set.dim; ++d)
            QVERIFY((deq.col(d) - set.matrix().col(d)).cwiseAbs().maxCoeff() <= set.scales[size_t(d)] * 0.5f + 1e-6f);
        JobContext job;
        const QJsonObject r = compressionRecall(set, 10, 300, 7, job);
        QVERIFY2(r.value(u"recall_int8").toDouble() >= 0.9,
                 qPrintable(QString::number(r.value(u"recall_int8").toDouble())));
    }

    void pcaKeepsCosinesAndMakesPrefixesUseful()
    {
        EmbeddingSet set = lowRankSet(3000, 3);
        JobContext job;
        const QJsonObject before = compressionRecall(set, 10, 300, 7, job);
        const RowMatrixXf original = set.matrix();
        pcaRotate(set);
        // A rotation: inner products unchanged.
        const Eigen::MatrixXf g0 = original.topRows(50) * original.topRows(50).transpose();
        const Eigen::MatrixXf g1 = set.matrix().topRows(50) * set.matrix().topRows(50).transpose();
        QVERIFY((g0 - g1).cwiseAbs().maxCoeff() < 1e-2f * g0.cwiseAbs().maxCoeff());
        // Columns ordered by variance.
        const Eigen::RowVectorXf variance
            = (set.matrix().rowwise() - set.matrix().colwise().mean()).colwise().squaredNorm();
        QVERIFY(variance(0) >= variance(1) && variance(1) >= variance(10) && variance(10) >= variance(60));
        const QJsonObject after = compressionRecall(set, 10, 300, 7, job);
        const double p32 = after.value(u"recall_prefix32").toDouble();
        QVERIFY2(p32 >= 0.9, qPrintable(QString::number(p32)));
        QVERIFY2(p32 > before.value(u"recall_prefix32").toDouble() + 0.2,
                 qPrintable(QStringLiteral("%1 vs %2").arg(p32).arg(before.value(u"recall_prefix32").toDouble())));
        QVERIFY(after.value(u"recall_prefix64").toDouble() >= p32 - 0.02);
    }

    void exportsReimportWithTheSameKeys_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("out");
        QTest::newRow("projector") << int(io::VectorFormat::Projector) << QStringLiteral("proj");
        QTest::newRow("npy") << int(io::VectorFormat::Npy) << QStringLiteral("npy/vectors.npy");
        QTest::newRow("word2vec") << int(io::VectorFormat::Word2Vec) << QStringLiteral("w2v/words.txt");
    }
    void exportsReimportWithTheSameKeys()
    {
        QFETCH(int, format);
        QFETCH(QString, out);
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        // Source: projector files with keys that need care (spaces, UTF-8) and a label column.
        QByteArray vectors, meta = "key\tgenre\n";
        Random rng(9);
        for (int i = 0; i < 40; ++i) {
            for (int d = 0; d < 8; ++d)
                vectors += QByteArray::number(rng.normal(), 'g', 9) + (d < 7 ? "\t" : "\n");
            meta += "k\xc3\xa9y_" + QByteArray::number(i) + "\t" + (i % 2 ? "rock" : "jazz") + "\n";
        }
        test::writeFile(dir.filePath(QStringLiteral("src/vectors.tsv")), vectors);
        test::writeFile(dir.filePath(QStringLiteral("src/metadata.tsv")), meta);
        auto r = test::importInto(p, {dir.filePath(QStringLiteral("src"))});
        QVERIFY2(r.ok, qPrintable(r.error));
        const EmbeddingSet set = loadEmbeddingSet(p, QStringLiteral("src"));
        const QStringList files = io::exportVectors(p, set, io::VectorFormat(format), dir.filePath(out));
        QVERIFY(!files.isEmpty());
        io::ImportOptions options;
        options.dataset = QStringLiteral("again");
        r = test::importInto(
            p, {files.first().endsWith(u"vectors.tsv") ? QFileInfo(files.first()).absolutePath() : files.first()},
            options);
        QVERIFY2(r.ok, qPrintable(r.error));
        const EmbeddingSet again = loadEmbeddingSet(p, QStringLiteral("again"));
        QCOMPARE(again.count(), set.count());
        QCOMPARE(again.vectors, set.vectors); // shortest round-trip text, exact floats
        const auto k1 = itemKeys(p, set.ids, set.datasetId);
        const auto k2 = itemKeys(p, again.ids, again.datasetId);
        QCOMPARE(k2, k1);
        if (format != int(io::VectorFormat::Word2Vec))
            QCOMPARE(itemLabels(p, again.ids), itemLabels(p, set.ids));
    }

    void setsAndCompressFromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.orrery"));
        {
            Project p(project);
            EmbeddingSet set = lowRankSet(1500, 4);
            saveEmbeddingSet(p, set);
        }
        QProcess cli;
        cli.start(QString::fromUtf8(ORRERY_CLI), {QStringLiteral("sets"), project, QStringLiteral("--json")});
        QVERIFY(cli.waitForFinished());
        QCOMPARE(cli.exitCode(), 0);
        const QJsonObject sets = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        const QJsonObject first = sets.value(u"sets").toArray().first().toObject();
        QCOMPARE(first.value(u"name").toString(), QStringLiteral("low-rank"));
        QCOMPARE(first.value(u"dim").toInt(), 100);
        QCOMPARE(first.value(u"count").toInt(), 1500);
        QCOMPARE(first.value(u"method").toString(), QStringLiteral("test"));
        QVERIFY(first.contains(u"dataset") && first.contains(u"kind"));

        cli.start(QString::fromUtf8(ORRERY_CLI),
                  {QStringLiteral("compress"), project, QStringLiteral("--set"), QStringLiteral("low-rank"),
                   QStringLiteral("--pca"), QStringLiteral("--int8"), QStringLiteral("--queries"),
                   QStringLiteral("200")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QJsonObject report = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QVERIFY(report.value(u"recall_int8").toDouble() > 0.85);
        QVERIFY(report.value(u"recall_prefix32").toDouble() > report.value(u"recall_prefix32_unrotated").toDouble());
        Project p(project);
        const EmbeddingSet stored = loadEmbeddingSet(p, QStringLiteral("low-rank"));
        QCOMPARE(stored.quantized.size(), stored.vectors.size());
        QCOMPARE(stored.rotation.size(), size_t(100 * 100));
        QVERIFY(stored.stats.value(u"compression").toObject().contains(u"recall_int8"));
    }
};

QTEST_GUILESS_MAIN(TestCompress)
#include "tst_compress.moc"
