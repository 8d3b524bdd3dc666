// Neighbourhood agreement (core/eval/agreement), the readable similarity (core/index/similarity)
// and the agreement verb.

#include "testutil.h"

#include "base/random.h"
#include "eval/agreement.h"
#include "index/exactknn.h"
#include "index/similarity.h"
#include "index/vectorindex.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <Eigen/QR>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

using namespace orrery;

namespace {

/// Rows in `clusters` Gaussian clusters (centres at spread 2, points at 0.5).
RowMatrixXf clustered(int rows, int dim, int clusters, quint64 seed)
{
    Random rng(seed);
    RowMatrixXf centres(clusters, dim);
    for (int c = 0; c < clusters; ++c)
        for (int d = 0; d < dim; ++d)
            centres(c, d) = float(rng.normal()) * 2;
    RowMatrixXf m(rows, dim);
    for (int r = 0; r < rows; ++r) {
        const int c = int(rng.below(quint64(clusters)));
        for (int d = 0; d < dim; ++d)
            m(r, d) = centres(c, d) + float(rng.normal()) * 0.5f;
    }
    return m;
}

RowMatrixXf gaussian(int rows, int dim, quint64 seed)
{
    Random rng(seed);
    RowMatrixXf m(rows, dim);
    for (int r = 0; r < rows; ++r)
        for (int d = 0; d < dim; ++d)
            m(r, d) = float(rng.normal());
    return m;
}

std::vector<float> rowOf(const RowMatrixXf &m, Eigen::Index r)
{
    return {m.row(r).data(), m.row(r).data() + m.cols()};
}

EmbeddingSet setOf(const RowMatrixXf &m, std::vector<qint64> ids, const QString &name)
{
    EmbeddingSet s;
    s.name = name;
    s.method = QStringLiteral("test");
    s.dim = int(m.cols());
    s.ids = std::move(ids);
    s.vectors.assign(m.data(), m.data() + m.size());
    return s;
}

test::Run cli(const QStringList &args)
{
    return test::cli(args, 120000);
}

} // namespace

class TestAgreement final : public QObject {
    Q_OBJECT

private slots:
    void identicalSetsAgreeEverywhere()
    {
        const RowMatrixXf a = clustered(300, 12, 6, 3);
        JobContext job;
        for (const Metric metric : {Metric::Cosine, Metric::L2}) {
            AgreementOptions o;
            o.k = 10;
            o.metric = metric;
            o.threads = 2;
            const NeighbourhoodAgreement r = neighbourhoodAgreement(a, a, o, job);
            QCOMPARE(r.k, 10);
            QCOMPARE(qint64(r.perPoint.size()), qint64(300));
            QCOMPARE(r.mean, 1.0);
            QVERIFY(std::all_of(r.perPoint.begin(), r.perPoint.end(), [](float v) { return v == 1.0f; }));
        }
    }

    void unrelatedSetsAgreeLittle()
    {
        // Independent Gaussian sets: a shared neighbour happens by chance, k / (n − 1) ≈ 0.03.
        const RowMatrixXf a = gaussian(300, 16, 5), b = gaussian(300, 16, 6);
        JobContext job;
        const NeighbourhoodAgreement r = neighbourhoodAgreement(a, b, {}, job);
        qInfo("unrelated sets: mean agreement %.4f", r.mean);
        QVERIFY2(r.mean < 0.08, qPrintable(QString::number(r.mean)));
        // A rotation keeps every cosine, so every neighbourhood.
        const Eigen::MatrixXf q = Eigen::MatrixXf(gaussian(16, 16, 7)).householderQr().householderQ();
        const RowMatrixXf rotated = a * q;
        QCOMPARE(neighbourhoodAgreement(a, rotated, {}, job).mean, 1.0);
    }

    void oneMovedPoint()
    {
        // Ten points on a line, 2 neighbours each (L2, as on a map); point 0 moves beyond point 9.
        // In A: 0 → {1, 2}, 1 → {0, 2}; in B: 0 → {9, 8}, 1 → {2, 3}; the rest keep theirs.
        RowMatrixXf a(10, 2), b(10, 2);
        for (int i = 0; i < 10; ++i) {
            a(i, 0) = b(i, 0) = float(i);
            a(i, 1) = b(i, 1) = 0;
        }
        b(0, 0) = 100;
        AgreementOptions o;
        o.k = 2;
        o.metric = Metric::L2;
        JobContext job;
        const NeighbourhoodAgreement r = neighbourhoodAgreement(a, b, o, job);
        const std::vector<float> expected {0, 0.5f, 1, 1, 1, 1, 1, 1, 1, 1};
        QCOMPARE(r.perPoint, expected);
        QCOMPARE(r.mean, 0.85);
    }

    void setsMatchRowsByItemId()
    {
        // B holds the same vectors in another order, and 50 rows fewer plus 20 items A lacks.
        const RowMatrixXf a = clustered(200, 8, 5, 11);
        std::vector<qint64> idsA(200);
        for (int i = 0; i < 200; ++i)
            idsA[size_t(i)] = 500 + i;
        std::vector<int> order(200);
        std::iota(order.begin(), order.end(), 0);
        Random rng(2);
        for (int i = 199; i > 0; --i)
            std::swap(order[size_t(i)], order[size_t(rng.below(quint64(i + 1)))]);
        RowMatrixXf b(170, 8);
        std::vector<qint64> idsB;
        for (int i = 0; i < 150; ++i) {
            b.row(i) = a.row(order[size_t(i)]);
            idsB.push_back(idsA[size_t(order[size_t(i)])]);
        }
        const RowMatrixXf extra = gaussian(20, 8, 4);
        for (int i = 0; i < 20; ++i) {
            b.row(150 + i) = extra.row(i);
            idsB.push_back(9000 + i);
        }
        JobContext job;
        const SetAgreement same = setAgreement(setOf(a, idsA, QStringLiteral("a")), setOf(b, idsB, QStringLiteral("b")),
                                               {}, job);
        QCOMPARE(qint64(same.ids.size()), qint64(150));
        QVERIFY(std::is_sorted(same.ids.begin(), same.ids.end())); // in A's row order
        // The shared 150 rows are the same vectors on both sides, so the same neighbourhoods.
        QCOMPARE(same.agreement.mean, 1.0);

        // Sets with fewer than 2 shared items are refused.
        QVERIFY_THROWS_EXCEPTION(Error,
                                 setAgreement(setOf(a, idsA, QStringLiteral("a")),
                                              setOf(gaussian(3, 8, 1), {1, 2, 3}, QStringLiteral("c")), {}, job));
    }

    void cancelStops()
    {
        const RowMatrixXf a = gaussian(3000, 16, 1);
        std::atomic_bool stop {true};
        JobContext job({}, &stop);
        QVERIFY_THROWS_EXCEPTION(Cancelled, neighbourhoodAgreement(a, a, {}, job));
    }

    void centredSimilaritySpreadsAStrongDirection()
    {
        // Six clusters, all far along one common direction: raw cosines are all near 1.
        const int n = 600, dim = 24;
        RowMatrixXf rows = clustered(n, dim, 6, 9) * 0.02f;
        rows.col(0).array() += 1.0f;
        const SimilarityScale scale = SimilarityScale::of(rows);
        QVERIFY(scale.isValid());
        QVERIFY2(scale.commonDirection() > 0.9f, qPrintable(QString::number(scale.commonDirection())));

        const RowMatrixXf unit = normalizedRows(rows);
        Random rng(4);
        float rawMin = 1, centredMin = 1, centredMax = -1;
        for (int p = 0; p < 500; ++p) {
            const qint64 i = qint64(rng.below(n)), j = qint64(rng.below(n));
            if (i == j)
                continue;
            rawMin = std::min(rawMin, unit.row(i).dot(unit.row(j)));
            const float c = scale.centred(rowOf(rows, i), rowOf(rows, j));
            centredMin = std::min(centredMin, c);
            centredMax = std::max(centredMax, c);
        }
        qInfo("random pairs: raw cosine ≥ %.3f; centred %.3f … %.3f", rawMin, centredMin, centredMax);
        QVERIFY(rawMin > 0.9f);
        QVERIFY(centredMin < -0.3f);
        QVERIFY(centredMax > 0.8f);

        // The centred cosine is the plain cosine of the unit rows minus their mean ...
        RowMatrixXf centred = unit;
        const Eigen::Map<const Eigen::RowVectorXf> mean(scale.mean().data(), dim);
        centred.rowwise() -= mean;
        const RowMatrixXf centredUnit = normalizedRows(centred);
        QCOMPARE(scale.centred(rowOf(rows, 3), rowOf(rows, 70)), centredUnit.row(3).dot(centredUnit.row(70)));
        // ... and ranks neighbours nearly as the raw cosine does.
        JobContext job;
        const double kept = neighbourhoodAgreement(rows, centred, {}, job).mean;
        qInfo("10-NN kept by centring: %.3f", kept);
        QVERIFY2(kept > 0.8, qPrintable(QString::number(kept)));

        // Through an index: the neighbours' readable similarity, and their rank among random pairs.
        IndexOptions o;
        const VectorIndex index = VectorIndex::build(rows, o, job);
        const SimilarityScale fromIndex = SimilarityScale::of(index);
        QVERIFY(std::abs(fromIndex.commonDirection() - scale.commonDirection()) < 1e-4f);
        const std::vector<Neighbour> found = index.ofItem(3, 10);
        const std::vector<ReadableSimilarity> readable = fromIndex.apply(index, index.vector(3), found);
        QCOMPARE(readable.size(), found.size());
        for (size_t i = 0; i < found.size(); ++i) {
            QCOMPARE(readable[i].cosine, found[i].similarity);
            QVERIFY(std::abs(readable[i].centred - scale.centred(rowOf(rows, 3), rowOf(rows, found[i].row))) < 1e-4f);
            QVERIFY2(readable[i].percentile > 0.7f, qPrintable(QString::number(readable[i].percentile)));
        }
        QVERIFY(fromIndex.percentile(-1.0f) == 0.0f);
        QVERIFY(fromIndex.percentile(1.01f) == 1.0f);
    }

    void agreementVerb()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.orrery"));
        const RowMatrixXf source = clustered(400, 16, 8, 21);
        QByteArray vectors, meta = "key\tgenre\n";
        for (int r = 0; r < 400; ++r) {
            for (int d = 0; d < 16; ++d)
                vectors += QByteArray::number(source(r, d), 'g', 9) + (d < 15 ? "\t" : "\n");
            meta += "song-" + QByteArray::number(r) + "\t" + (r % 3 ? "rock" : "jazz") + "\n";
        }
        test::writeFile(dir.filePath(QStringLiteral("src/vectors.tsv")), vectors);
        test::writeFile(dir.filePath(QStringLiteral("src/metadata.tsv")), meta);
        test::Run run = cli({QStringLiteral("import"), project, dir.filePath(QStringLiteral("src")),
                             QStringLiteral("--dataset"), QStringLiteral("src")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        {
            // "flipped": the same vectors in reverse row order; "noise": unrelated vectors.
            Project p(project);
            const EmbeddingSet src = loadEmbeddingSet(p, QStringLiteral("src"));
            EmbeddingSet flipped = src;
            flipped.id = 0;
            flipped.name = QStringLiteral("flipped");
            std::reverse(flipped.ids.begin(), flipped.ids.end());
            for (qint64 r = 0; r < src.count(); ++r)
                std::copy_n(src.row(src.count() - 1 - r).data(), src.dim, flipped.row(r).data());
            saveEmbeddingSet(p, flipped);
            EmbeddingSet noise = src;
            noise.id = 0;
            noise.name = QStringLiteral("noise");
            const RowMatrixXf g = gaussian(400, 16, 77);
            noise.vectors.assign(g.data(), g.data() + g.size());
            saveEmbeddingSet(p, noise);
        }
        const QString csv = dir.filePath(QStringLiteral("agreement.csv"));
        run = cli({QStringLiteral("agreement"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--set"), QStringLiteral("flipped"), QStringLiteral("--json"),
                   QStringLiteral("--out"), csv});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject same = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(same.value(u"mean").toDouble(), 1.0);
        QCOMPARE(same.value(u"k").toInt(), 10);
        QCOMPARE(same.value(u"points").toInt(), 400);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 401);
        QCOMPARE(lines[0], QByteArray("key,agreement"));
        QCOMPARE(lines[1], QByteArray("song-0,1.0000"));
        QCOMPARE(lines[400], QByteArray("song-399,1.0000"));

        run = cli({QStringLiteral("agreement"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--set"), QStringLiteral("noise"), QStringLiteral("-k"), QStringLiteral("5"),
                   QStringLiteral("--json"), QStringLiteral("--out"), csv});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject unrelated = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(unrelated.value(u"k").toInt(), 5);
        QVERIFY2(unrelated.value(u"mean").toDouble() < 0.1, run.out.constData());
        f.close(); // --out replaced the file: read the new one
        QVERIFY(f.open(QIODevice::ReadOnly));
        double sum = 0;
        const QList<QByteArray> rows = f.readAll().trimmed().split('\n');
        QCOMPARE(rows.size(), 401);
        for (qsizetype i = 1; i < rows.size(); ++i)
            sum += rows[i].split(',').at(1).toDouble();
        QVERIFY(std::abs(sum / 400 - unrelated.value(u"mean").toDouble()) < 1e-3);

        // Plain text; usage errors (1); an unknown set (2).
        run = cli({QStringLiteral("agreement"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--set"), QStringLiteral("flipped")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("1.0000") && run.out.contains("400"), run.out.constData());
        run = cli({QStringLiteral("agreement"), project, QStringLiteral("--set"), QStringLiteral("src")});
        QCOMPARE(run.exitCode, 1);
        run = cli({QStringLiteral("agreement"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--set"), QStringLiteral("flipped"), QStringLiteral("-k"), QStringLiteral("0")});
        QCOMPARE(run.exitCode, 1);
        run = cli({QStringLiteral("agreement"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--set"), QStringLiteral("nope")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("nope"), run.err.constData());

        // The neighbours verb prints the centred similarity beside the cosine.
        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--key"), QStringLiteral("song-5"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject nb = QJsonDocument::fromJson(run.out).object();
        QVERIFY(nb.contains(u"common_direction"));
        for (const QJsonValue &v : nb.value(u"neighbours").toArray()) {
            QVERIFY(v.toObject().contains(u"centred"));
            QVERIFY(v.toObject().value(u"percentile").toDouble() > 0.5);
        }
    }
};

QTEST_GUILESS_MAIN(TestAgreement)
#include "tst_agreement.moc"
