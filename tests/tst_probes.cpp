// The paper's probes: linear classifiers with k-fold cross-validation, and their labels.
#include "testutil.h"

#include "base/random.h"
#include "embed/lsa.h"
#include "embed/sgns.h"
#include "eval/probes.h"
#include "io/keylabels.h"
#include "io/synth.h"

#include <QTest>

#include <set>
#include <unordered_map>

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

/// `count` sequences of random items with lengths drawn from 5 to 120, as playlists are.
Corpus randomCorpus(int count, quint64 seed)
{
    Random rng(seed);
    std::vector<std::vector<qint32>> seqs(static_cast<size_t>(count));
    for (auto &s : seqs) {
        s.resize(5 + rng.below(116));
        for (qint32 &t : s)
            t = qint32(rng.below(200));
    }
    return corpusOf(seqs, 200);
}

/// An encoder from a function of (sequence's entries, its index in the corpus, rng) to a row.
SequenceEncoder encoderOf(const QString &name, int dim,
                          std::function<void(const qint32 *, qint64, Random &, Eigen::Ref<Eigen::RowVectorXf>)> row,
                          std::vector<int> prefixes = {})
{
    SequenceEncoder e;
    e.name = name;
    e.prefixes = std::move(prefixes);
    e.encode = [dim, row](const Corpus &c, JobContext &) {
        RowMatrixXf x(c.sequences(), dim);
        Random rng(99);
        for (qint64 s = 0; s < c.sequences(); ++s) {
            Eigen::RowVectorXf r(dim);
            row(c.begin(s), c.length(s), rng, r);
            x.row(s) = r;
        }
        return x;
    };
    return e;
}

void gaussian(Random &rng, Eigen::Ref<Eigen::RowVectorXf> r, float scale)
{
    for (Eigen::Index j = 0; j < r.size(); ++j)
        r(j) = scale * float(rng.normal());
}

/// Writes `text` to a file in `dir` and returns its path.
QString fileWith(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
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

    void knnLengthAgreement_data()
    {
        QTest::addColumn<bool>("encodesLength");
        QTest::newRow("length as an angle") << true;
        QTest::newRow("noise") << false;
    }

    void knnLengthAgreement()
    {
        // One encoder puts a sequence's length on a quarter circle, the other draws noise: the
        // nearest neighbours of the first share the length bin, those of the second at chance.
        QFETCH(bool, encodesLength);
        const Corpus corpus = randomCorpus(600, 5);
        const SequenceEncoder e = encoderOf(QStringLiteral("e"), 8,
                                            [encodesLength](const qint32 *, qint64 len, Random &rng, auto r) {
                                                gaussian(rng, r, encodesLength ? 0.02f : 1.0f);
                                                if (encodesLength) {
                                                    const double angle = double(len - 5) / 115.0 * M_PI / 2;
                                                    r(0) += float(std::cos(angle));
                                                    r(1) += float(std::sin(angle));
                                                }
                                            });
        PoolingProbeOptions options;
        options.folds = 3;
        JobContext job;
        const SequenceProbeReport report = probeSequences(corpus, std::vector<int>(600, -1), QStringLiteral("label"),
                                                          {e}, options, job);
        QCOMPARE(int(report.rows.size()), 1);
        QCOMPARE(int(report.bins.size()), 3);
        const SequenceProbeRow &row = report.rows.front();
        QVERIFY(std::abs(row.knnLengthChance - 1.0 / 3) < 0.01);
        const QByteArray got = QByteArray::number(row.knnLengthAgreement);
        if (encodesLength) {
            QVERIFY2(row.knnLengthAgreement > 0.85, got.constData());
            QVERIFY2(row.length.accuracy > 0.85, got.constData());
        } else {
            QVERIFY2(std::abs(row.knnLengthAgreement - row.knnLengthChance) < 0.05, got.constData());
        }
        QCOMPARE(report.labelled, 0);
        QCOMPARE(row.label.samples, 0);
        QCOMPARE(row.knnAgreement, 0.0);
    }

    void lengthBinsReportTheirRange()
    {
        std::vector<std::vector<qint32>> seqs;
        for (int len = 1; len <= 90; ++len)
            seqs.push_back(std::vector<qint32>(size_t(len), qint32(len % 3)));
        const SequenceEncoder e = encoderOf(QStringLiteral("noise"), 4,
                                            [](const qint32 *, qint64, Random &rng, auto r) { gaussian(rng, r, 1); });
        PoolingProbeOptions options;
        options.folds = 3;
        JobContext job;
        const SequenceProbeReport report = probeSequences(corpusOf(seqs, 3), std::vector<int>(90, 0),
                                                          QStringLiteral("label"), {e}, options, job);
        QCOMPARE(int(report.bins.size()), 3);
        QCOMPARE(report.bins[0].minLength, 1);
        QCOMPARE(report.bins[0].maxLength, 30);
        QCOMPARE(report.bins[1].minLength, 31);
        QCOMPARE(report.bins[2].maxLength, 90);
        QCOMPARE(report.bins[2].sequences, 30);
    }

    void collapseFigure()
    {
        // Long sequences' vectors are one direction plus a little noise; the others are noise.
        const Corpus corpus = randomCorpus(600, 6);
        const SequenceEncoder e = encoderOf(QStringLiteral("collapsing"), 16,
                                            [](const qint32 *, qint64 len, Random &rng, auto r) {
                                                gaussian(rng, r, len >= 70 ? 0.05f : 1.0f);
                                                if (len >= 70)
                                                    r(3) += 1.0f;
                                            });
        PoolingProbeOptions options;
        options.folds = 3;
        JobContext job;
        const SequenceProbeReport report = probeSequences(corpus, std::vector<int>(600, -1), QStringLiteral("label"),
                                                          {e}, options, job);
        QCOMPARE(report.bins.back().minLength > 80, true);
        const SequenceProbeRow &row = report.rows.front();
        QCOMPARE(int(row.collapse.size()), 3);
        const QByteArray got = QStringLiteral("%1 %2 %3 all %4")
                                   .arg(row.collapse[0])
                                   .arg(row.collapse[1])
                                   .arg(row.collapse[2])
                                   .arg(row.randomPairCosine)
                                   .toUtf8();
        QVERIFY2(row.collapse[2] > 0.9, got.constData());
        QVERIFY2(std::abs(row.collapse[0]) < 0.05, got.constData());
        // All pairs: about a fifth of them join two sequences of 70 entries or more.
        QVERIFY2(row.randomPairCosine > 0.1 && row.randomPairCosine < 0.3, got.constData());
        // The same seed draws the same pairs.
        const SequenceProbeReport again = probeSequences(corpus, std::vector<int>(600, -1), QStringLiteral("label"),
                                                         {e}, options, job);
        QCOMPARE(again.rows.front().collapse, row.collapse);
    }

    void prefixRows_data()
    {
        QTest::addColumn<int>("signalAt");
        QTest::addColumn<bool>("prefixKeepsSignal");
        QTest::newRow("signal in the first 2 dims") << 0 << true;
        QTest::newRow("signal after the prefix") << 30 << false;
    }

    void prefixRows()
    {
        // Three classes on a circle in two dims, the other 30 dims noise. A Matryoshka prefix
        // that holds the circle classifies as well as the full vector; one that drops it, at chance.
        QFETCH(int, signalAt);
        QFETCH(bool, prefixKeepsSignal);
        const Corpus corpus = randomCorpus(450, 7);
        std::vector<int> labels(450);
        for (size_t i = 0; i < labels.size(); ++i)
            labels[i] = int(i % 3);
        SequenceEncoder e;
        e.name = QStringLiteral("m");
        e.prefixes = {2, 8};
        e.encode = [signalAt](const Corpus &c, JobContext &) {
            RowMatrixXf x(c.sequences(), 32);
            Random rng(11);
            for (qint64 s = 0; s < c.sequences(); ++s) {
                Eigen::RowVectorXf r(32);
                gaussian(rng, r, 0.3f);
                // The encoder sees the sampled corpus, so the label goes by the sequence's id.
                const int label = int((c.sequenceIds[size_t(s)] - 100) % 3);
                r(signalAt) += 2.0f * float(std::cos(2 * M_PI * label / 3));
                r(signalAt + 1) += 2.0f * float(std::sin(2 * M_PI * label / 3));
                x.row(s) = r;
            }
            return x;
        };
        PoolingProbeOptions options;
        options.folds = 3;
        JobContext job;
        const SequenceProbeReport report = probeSequences(corpus, labels, QStringLiteral("label"), {e}, options, job);
        QCOMPARE(int(report.rows.size()), 3);
        QCOMPARE(report.rows[0].prefix, 2);
        QCOMPARE(report.rows[0].dim, 2);
        QCOMPARE(report.rows[1].prefix, 8);
        QCOMPARE(report.rows[2].prefix, 0);
        QCOMPARE(report.rows[2].dim, 32);
        const double full = report.rows[2].label.accuracy, prefix = report.rows[0].label.accuracy;
        const QByteArray got = QStringLiteral("prefix@2 %1, full %2").arg(prefix).arg(full).toUtf8();
        QVERIFY2(full > 0.95, got.constData());
        if (prefixKeepsSignal) {
            QVERIFY2(prefix > full - 0.03, got.constData());
            QVERIFY2(report.rows[0].knnAgreement > 0.9, got.constData());
        } else {
            QVERIFY2(std::abs(prefix - 1.0 / 3) < 0.08, got.constData());
            QVERIFY2(std::abs(report.rows[0].knnAgreement - report.rows[0].knnChance) < 0.06, got.constData());
        }
    }

    void badPrefixesAndRowCountsAreErrors_data()
    {
        QTest::addColumn<std::vector<int>>("prefixes");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QString>("message");
        QTest::newRow("prefix at the dim") << std::vector<int> {4, 8} << 60 << QStringLiteral("prefix 8");
        QTest::newRow("prefixes descending") << std::vector<int> {4, 2} << 60 << QStringLiteral("prefix 2");
        QTest::newRow("rows missing") << std::vector<int> {} << 59 << QStringLiteral("59");
    }

    void badPrefixesAndRowCountsAreErrors()
    {
        QFETCH(std::vector<int>, prefixes);
        QFETCH(int, rows);
        QFETCH(QString, message);
        SequenceEncoder e;
        e.name = QStringLiteral("bad");
        e.prefixes = prefixes;
        e.encode = [rows](const Corpus &, JobContext &) { return RowMatrixXf(RowMatrixXf::Random(rows, 8)); };
        JobContext job;
        try {
            probeSequences(randomCorpus(60, 1), std::vector<int>(60, 0), QStringLiteral("label"), {e}, {}, job);
            QFAIL("no error");
        } catch (const Error &error) {
            QVERIFY2(error.message().startsWith(u"bad: ") && error.message().contains(message),
                     qPrintable(error.message()));
        }
    }

    void readKeyLabelsAcceptsTsvAndCsv()
    {
        QTemporaryDir dir;
        const QString tsv = fileWith(dir, QStringLiteral("g.tsv"),
                                     "\xEF\xBB\xBFspotify:track:a\trock\r\n# a comment\n\nspotify:track:b\t jazz \n"
                                     "spotify:track:a\trock\nspotify:track:c\tdrum and bass");
        QCOMPARE(io::readKeyLabels(tsv),
                 (std::vector<std::pair<QString, QString>> {
                     {QStringLiteral("spotify:track:a"), QStringLiteral("rock")},
                     {QStringLiteral("spotify:track:b"), QStringLiteral("jazz")},
                     {QStringLiteral("spotify:track:c"), QStringLiteral("drum and bass")}}));
        const QString csv = fileWith(dir, QStringLiteral("g.csv"),
                                     "12,\"folk, acoustic\"\n\"7\",\"say \"\"hi\"\"\"\n 3 , pop\n");
        QCOMPARE(io::readKeyLabels(csv),
                 (std::vector<std::pair<QString, QString>> {{QStringLiteral("12"), QStringLiteral("folk, acoustic")},
                                                            {QStringLiteral("7"), QStringLiteral("say \"hi\"")},
                                                            {QStringLiteral("3"), QStringLiteral("pop")}}));
    }

    void readKeyLabelsNamesTheBadLine_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("what");
        QTest::newRow("one field") << QByteArray("a\trock\nb\n") << QStringLiteral(":2:") << QStringLiteral("1 field");
        QTest::newRow("three fields") << QByteArray("a\trock\n\nb\tjazz\tx\n") << QStringLiteral(":3:")
                                      << QStringLiteral("3 fields");
        QTest::newRow("empty label") << QByteArray("# c\na\t\n") << QStringLiteral(":2:")
                                     << QStringLiteral("empty label");
        QTest::newRow("empty key") << QByteArray("a,rock\n,jazz\n") << QStringLiteral(":2:")
                                   << QStringLiteral("empty item key");
        QTest::newRow("two labels") << QByteArray("a\trock\nb\tpop\na\tjazz\n") << QStringLiteral(":3:")
                                    << QStringLiteral("on line 1");
        QTest::newRow("open quote") << QByteArray("a,\"rock\n") << QStringLiteral(":1:")
                                    << QStringLiteral("unterminated quote");
    }

    void readKeyLabelsNamesTheBadLine()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, where);
        QFETCH(QString, what);
        QTemporaryDir dir;
        const QString path = fileWith(dir, QStringLiteral("labels.tsv"), text);
        try {
            io::readKeyLabels(path);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(path + where), qPrintable(e.message()));
            QVERIFY2(e.message().contains(what), qPrintable(e.message()));
            QVERIFY2(e.message().contains(u"expected: item key"), qPrintable(e.message()));
        }
        QVERIFY_THROWS_EXCEPTION(Error, io::readKeyLabels(dir.filePath(QStringLiteral("missing.tsv"))));
    }

    void majorityKeyLabelsPerSequence()
    {
        // Items by key: a, b rock; c jazz; d without a label.
        const Corpus c = corpusOf({{0, 1, 2}, {2, 3}, {3}, {2, 2, 0}}, 4);
        const std::vector<QString> keys {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                         QStringLiteral("d")};
        qint64 matched = 0;
        const auto labels = majorityKeyLabels(c, keys,
                                              {{QStringLiteral("c"), QStringLiteral("jazz")},
                                               {QStringLiteral("a"), QStringLiteral("rock")},
                                               {QStringLiteral("b"), QStringLiteral("rock")},
                                               {QStringLiteral("zz"), QStringLiteral("pop")}},
                                              &matched);
        QCOMPARE(labels, (std::vector<int> {1, 0, -1, 0}));
        QCOMPARE(matched, 3);
    }

    void synthTrackGenresFile()
    {
        QTemporaryDir dir;
        io::SynthOptions options;
        options.playlists = 300;
        options.seed = 4;
        options.genres = 6;
        const QString path = dir.filePath(QStringLiteral("track_genres.tsv"));
        const qint64 lines = io::writeSynthTrackGenres(path, options);
        const auto expected = io::synthTrackGenres(options);
        QCOMPARE(lines, qint64(expected.size()));
        QCOMPARE(io::readKeyLabels(path), expected);
        QCOMPARE(lines, 2000); // the smallest catalogue
        std::set<QString> genres;
        for (const auto &[uri, genre] : expected)
            genres.insert(genre);
        QCOMPARE(int(genres.size()), 6);
    }

    void probesOnYesSmall()
    {
        // The paper's table on real radio playlists: item2vec song vectors, mean and SIF pooling.
        ORRERY_REQUIRE_SHARED("yes_small");
        QTemporaryDir dir;
        Project project(dir.filePath(QStringLiteral("p.orrery")));
        const io::ImportResult imported = test::importInto(project, {shared});
        QVERIFY2(imported.ok, qPrintable(imported.error));
        JobContext job;
        const Corpus corpus = loadCorpus(project, imported.datasetId, job);
        SgnsOptions sgns = SgnsOptions::forPlaylists();
        sgns.dim = 32;
        sgns.epochs = 30;
        sgns.threads = 1;
        const SgnsResult trained = trainSgns(corpus, sgns, job);
        EmbeddingSet songs;
        songs.dim = trained.dim;
        songs.ids = trained.ids;
        songs.vectors = trained.vectors;
        QString labelKind;
        const std::vector<int> labels = sequenceLabels(project, corpus, &labelKind);
        QCOMPARE(labelKind, QStringLiteral("majority tag"));
        PoolingProbeOptions options;
        options.maxSequences = 800;
        options.folds = 3;
        options.methods = {PoolingMethod::Mean, PoolingMethod::Sif};
        const SequenceProbeReport report = probePooling(corpus, songs, labels, labelKind, options, job);
        QCOMPARE(report.sequences, 800);
        QCOMPARE(int(report.rows.size()), 2);
        // Most radio playlists hold one or two songs: the shortest quantile bin comes out empty
        // and is dropped, leaving 1-2 and 3 or more.
        QCOMPARE(int(report.bins.size()), 2);
        QCOMPARE(report.bins[0].minLength, 1);
        QCOMPARE(report.bins[0].maxLength + 1, report.bins[1].minLength);
        for (const SequenceProbeRow &r : report.rows)
            qInfo("yes_small %s: length %.3f (%.3f), tag %.3f (%.3f), 10-NN tag %.3f (%.3f), 10-NN length %.3f "
                  "(%.3f), collapse %.3f / %.3f, all %.3f",
                  qPrintable(r.method), r.length.accuracy, r.length.chance, r.label.accuracy, r.label.chance,
                  r.knnAgreement, r.knnChance, r.knnLengthAgreement, r.knnLengthChance, r.collapse[0], r.collapse[1],
                  r.randomPairCosine);
        const SequenceProbeRow &mean = report.rows[0];
        QVERIFY(mean.label.accuracy > mean.label.chance + 0.1);
        QVERIFY(mean.knnAgreement > 2 * mean.knnChance);
        QVERIFY(mean.knnLengthAgreement > mean.knnLengthChance);
        // Item2vec's song vectors share a common direction, so mean-pooled playlists crowd
        // together at every length; SIF removes that direction, and with it the crowding.
        QVERIFY2(mean.randomPairCosine > 0.3, qPrintable(QString::number(mean.randomPairCosine)));
        QVERIFY(report.rows[1].randomPairCosine < mean.randomPairCosine / 3);
    }
};

QTEST_GUILESS_MAIN(TestProbes)
#include "tst_probes.moc"
