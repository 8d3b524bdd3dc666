// The paper's probes: linear classifiers with k-fold cross-validation, and their labels.
#include "testutil.h"

#include "base/random.h"
#include "embed/lsa.h"
#include "eval/probes.h"

#include <QTest>

using namespace orrery;

namespace {

Corpus corpusOf(const std::vector<std::vector<qint32>> &sequences, qint32 vocabulary)
{
    Corpus c;
    c.offsets.push_back(0);
    for (size_t s = 0; s < sequences.size(); ++s) {
        c.sequenceIds.push_back(qint64(s) + 100);
        c.tokens.insert(c.tokens.end(), sequences[s].begin(), sequences[s].end());
        c.offsets.push_back(qint64(c.tokens.size()));
    }
    for (qint32 v = 0; v < vocabulary; ++v) {
        c.vocab.push_back(v + 1);
        c.counts.push_back(qint64(std::count(c.tokens.begin(), c.tokens.end(), v)));
    }
    return c;
}

} // namespace

class TestProbes final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void separableClassesAreLearned()
    {
        // Three classes around three orthogonal directions, with noise.
        Random rng(1);
        const int n = 600, d = 16;
        RowMatrixXf x(n, d);
        std::vector<int> y(n);
        for (int i = 0; i < n; ++i) {
            y[size_t(i)] = i % 3;
            for (int j = 0; j < d; ++j)
                x(i, j) = 0.3f * float(rng.normal());
            x(i, y[size_t(i)]) += 2.0f;
            x.row(i).normalize();
        }
        JobContext job;
        const ProbeResult r = linearProbe(x, y, 5, 7, job);
        QCOMPARE(r.classes, 3);
        QCOMPARE(r.samples, qint64(n));
        QVERIFY2(r.accuracy > 0.97, qPrintable(QString::number(r.accuracy)));
        QVERIFY(std::abs(r.chance - 1.0 / 3) < 1e-9);
    }

    void randomLabelsStayNearChance()
    {
        Random rng(2);
        const int n = 1000, d = 32;
        RowMatrixXf x(n, d);
        std::vector<int> y(n);
        for (int i = 0; i < n; ++i) {
            y[size_t(i)] = int(rng.below(2));
            for (int j = 0; j < d; ++j)
                x(i, j) = float(rng.normal());
        }
        JobContext job;
        const ProbeResult r = linearProbe(x, y, 5, 7, job);
        QVERIFY2(r.accuracy < 0.6, qPrintable(QString::number(r.accuracy)));
    }

    void unlabelledRowsAndSampleCap()
    {
        RowMatrixXf x = RowMatrixXf::Random(100, 4);
        std::vector<int> y(100, -1);
        for (int i = 0; i < 40; ++i)
            y[size_t(i)] = i % 2;
        JobContext job;
        QCOMPARE(linearProbe(x, y, 4, 1, job).samples, 40);
        QCOMPARE(linearProbe(x, y, 4, 1, job, {}, 20).samples, 20);
    }

    void groupsStayTogether()
    {
        // Each pair's two rows share a random label and a one-hot feature no other pair has, so a
        // row can only be classified by having seen its sibling. With the pair in one fold the
        // probe never has, and stays at chance; split across folds, it would score about 0.9.
        const int pairs = 200;
        RowMatrixXf x = RowMatrixXf::Zero(pairs * 2, pairs);
        std::vector<int> y(pairs * 2);
        std::vector<qint64> groups(pairs * 2);
        Random rng(3);
        for (int p = 0; p < pairs; ++p) {
            const int label = int(rng.below(2));
            for (int c = 0; c < 2; ++c) {
                x(p * 2 + c, p) = 1.0f;
                y[size_t(p * 2 + c)] = label;
                groups[size_t(p * 2 + c)] = p;
            }
        }
        JobContext job;
        const ProbeResult grouped = linearProbe(x, y, 5, 1, job, groups);
        QCOMPARE(grouped.samples, qint64(pairs * 2));
        QVERIFY2(grouped.accuracy <= 0.6, qPrintable(QString::number(grouped.accuracy)));
        // The same rows without groups: siblings land in other folds and the probe reads the leak.
        const ProbeResult split = linearProbe(x, y, 5, 1, job);
        QVERIFY2(split.accuracy >= 0.8, qPrintable(QString::number(split.accuracy)));
    }

    void lengthBinsAreQuantiles()
    {
        std::vector<std::vector<qint32>> seqs;
        for (int len = 1; len <= 100; ++len)
            seqs.push_back(std::vector<qint32>(size_t(len), 0));
        const auto bins = lengthBins(corpusOf(seqs, 1), 4);
        std::vector<int> perBin(4, 0);
        for (const int b : bins)
            ++perBin[size_t(b)];
        QCOMPARE(perBin, (std::vector<int> {25, 25, 25, 25}));
        QCOMPARE(bins.front(), 0);
        QCOMPARE(bins.back(), 3);
    }

    void majorityTagPerSequence()
    {
        // Items 0,1 tagged "rock" (0); item 2 tagged "jazz" (1) and "rock"; item 3 untagged.
        ItemTags tags;
        tags.names = {QStringLiteral("rock"), QStringLiteral("jazz")};
        tags.perItem = {{0}, {0}, {1, 0}, {}};
        const Corpus c = corpusOf({{0, 1, 2}, {2, 3}, {3}, {2, 2, 0}}, 4);
        QCOMPARE(majorityTags(c, tags), (std::vector<int> {0, 1, -1, 0}));
    }

    void shuffleKeepsEntries()
    {
        std::vector<std::vector<qint32>> seqs {{0, 1, 2, 3, 4, 5, 6, 7}, {7, 6}, {3}};
        const Corpus c = corpusOf(seqs, 8);
        const Corpus s = shuffledCopy(c, 4);
        QCOMPARE(s.offsets, c.offsets);
        QVERIFY(s.tokens != c.tokens);
        for (qint64 q = 0; q < c.sequences(); ++q) {
            std::vector<qint32> a(c.begin(q), c.end(q)), b(s.begin(q), s.end(q));
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            QCOMPARE(a, b);
        }
        QCOMPARE(shuffledCopy(c, 4).tokens, s.tokens);
    }

    void classIndicesInFirstSeenOrder()
    {
        QCOMPARE(classIndices({QStringLiteral("b"), QString(), QStringLiteral("a"), QStringLiteral("b")}),
                 (std::vector<int> {0, -1, 1, 0}));
    }

    void poolingProbesOnBbc()
    {
        // The probe table on real documents: LSA word vectors pooled four ways.
        ORRERY_REQUIRE_SHARED("bbc");
        QTemporaryDir dir;
        Project project(dir.filePath(QStringLiteral("p.orrery")));
        const io::ImportResult imported = test::importInto(project, {shared});
        QVERIFY2(imported.ok, qPrintable(imported.error));
        JobContext job;
        EmbeddingSet words;
        LsaOptions lsa;
        lsa.dim = 32; // positional pooling costs length × dim² per document: keep debug builds quick
        lsaDocuments(project, imported.datasetId, lsa, job, &words);
        const Corpus corpus = loadCorpus(project, imported.datasetId, job);
        QString labelKind;
        const std::vector<int> labels = sequenceLabels(project, corpus, &labelKind);
        QCOMPARE(labelKind, QStringLiteral("label"));
        PoolingProbeOptions options;
        options.maxSequences = 600;
        options.folds = 3;
        const SequenceProbeReport report = probePooling(corpus, words, labels, labelKind, options, job);
        QCOMPARE(report.sequences, qint64(600));
        QCOMPARE(report.labelled, qint64(600));
        QCOMPARE(int(report.rows.size()), 4);
        for (const SequenceProbeRow &r : report.rows) {
            const QString &m = r.method;
            qInfo("bbc %s: length %.3f (%.3f), label %.3f (%.3f), order %.3f, 10-NN %.3f (%.3f)", qPrintable(m),
                  r.length.accuracy, r.length.chance, r.label.accuracy, r.label.chance, r.order.accuracy,
                  r.knnAgreement, r.knnChance);
            QCOMPARE(r.label.classes, 5);
            QCOMPARE(r.length.classes, 3);
            QVERIFY2(r.label.accuracy > r.label.chance, qPrintable(m));
            QVERIFY2(r.knnAgreement > r.knnChance, qPrintable(m));
        }
        // Seed 1, 600 documents: mean, SIF and pyramid reach label 0.98 and 10-NN agreement
        // 0.915-0.952, length 0.49-0.53 (chance 0.333). A Haar-random P binds every
        // position to an unrelated rotation, so positional pooling keeps little of the topic
        // in documents hundreds of words long (label 0.30, 10-NN 0.23): it is there for order.
        for (int m = 0; m < 3; ++m) {
            const SequenceProbeRow &r = report.rows[size_t(m)];
            QVERIFY2(r.label.accuracy > 0.9, qPrintable(r.method));
            QVERIFY2(r.knnAgreement > 0.85, qPrintable(r.method));
            QVERIFY2(r.length.accuracy > r.length.chance + 0.1, qPrintable(r.method));
        }
        // A bag of words cannot tell a document from its shuffle; pyramid pooling can.
        QVERIFY(std::abs(report.rows[0].order.accuracy - 0.5) < 0.02);
        QVERIFY(std::abs(report.rows[1].order.accuracy - 0.5) < 0.02);
        QVERIFY2(report.rows[2].order.accuracy > 0.58, qPrintable(QString::number(report.rows[2].order.accuracy)));
    }
};

QTEST_GUILESS_MAIN(TestProbes)
#include "tst_probes.moc"
