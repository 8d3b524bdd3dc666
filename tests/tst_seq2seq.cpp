// The sequence autoencoder: its gradient against finite differences, training that lowers the
// loss and resumes to the same bytes, encodings that keep what the playlists share.
#include "testutil.h"

#include "base/random.h"
#include "embed/seq2seq.h"
#include "index/exactknn.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <numeric>
#include <thread>

using namespace orrery;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

/// Playlists from `genres` disjoint blocks of items, lengths 2..maxLength; genre[s] says which.
Corpus genreCorpus(int playlists, int genres, int itemsPerGenre, int maxLength, quint64 seed,
                   std::vector<int> *genre = nullptr)
{
    Random rng(seed);
    Corpus c;
    c.offsets.push_back(0);
    const int vocabulary = genres * itemsPerGenre;
    for (int s = 0; s < playlists; ++s) {
        const int g = int(rng.below(quint64(genres)));
        if (genre)
            genre->push_back(g);
        const int length = 2 + int(rng.below(quint64(maxLength - 1)));
        for (int t = 0; t < length; ++t)
            c.tokens.push_back(qint32(g * itemsPerGenre + int(rng.below(quint64(itemsPerGenre)))));
        c.sequenceIds.push_back(1000 + s);
        c.offsets.push_back(qint64(c.tokens.size()));
    }
    c.counts.assign(size_t(vocabulary), 0);
    for (const qint32 t : c.tokens)
        ++c.counts[size_t(t)];
    for (int v = 0; v < vocabulary; ++v)
        c.vocab.push_back(v + 1);
    return c;
}

/// Random unit item vectors for the corpus's items: the test starts from no knowledge.
EmbeddingSet randomItems(const Corpus &c, int dim, quint64 seed)
{
    Random rng(seed);
    EmbeddingSet set;
    set.name = QStringLiteral("items");
    set.dim = dim;
    set.ids = c.vocab;
    for (size_t i = 0; i < c.vocab.size() * size_t(dim); ++i)
        set.vectors.push_back(float(rng.normal()));
    set.normalizeRows();
    return set;
}

double agreement(const RowMatrixXf &x, const std::vector<int> &labels, int k)
{
    JobContext job;
    const Neighbours nn = exactKnn(normalizedRows(x), k, job);
    return labelAgreement(nn, labels);
}

bool sameWeights(const Seq2seqWeights &a, const Seq2seqWeights &b)
{
    if (a.items != b.items || a.outputs != b.outputs)
        return false;
    const auto x = a.dense(), y = b.dense();
    for (size_t i = 0; i < x.size(); ++i)
        if (*x[i] != *y[i])
            return false;
    return true;
}

} // namespace

class TestSeq2seq final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gradientMatchesFiniteDifferences_data()
    {
        QTest::addColumn<bool>("bidirectional");
        QTest::addColumn<std::vector<int>>("matryoshka");
        QTest::newRow("one direction") << false << std::vector<int> {};
        QTest::newRow("bidirectional") << true << std::vector<int> {};
        QTest::newRow("matryoshka 2,4") << false << std::vector<int> {2, 4};
        QTest::newRow("bidirectional, matryoshka 3,8") << true << std::vector<int> {3, 8};
    }

    void gradientMatchesFiniteDifferences()
    {
        QFETCH(bool, bidirectional);
        QFETCH(std::vector<int>, matryoshka);
        const Corpus corpus = genreCorpus(4, 2, 6, 6, 3);
        Seq2seqOptions options;
        options.hidden = 4;
        options.bidirectional = bidirectional;
        options.matryoshka = matryoshka;
        options.negative = 3;
        Seq2seqModel model = initSeq2seq(corpus, randomItems(corpus, 5, 4), options);
        // Unequal lengths, so padding, carrying and masks are all exercised.
        const std::vector<std::vector<qint32>> batch {{0, 3, 5, 1, 2}, {7, 8}, {4}, {9, 11, 10}};
        constexpr quint64 seed = 17;
        Seq2seqWeights grad = zeroLike(model.weights);
        seq2seqBatchLoss(model, batch, seed, &grad);

        std::vector<Eigen::MatrixXf *> params = model.weights.dense();
        std::vector<const Eigen::MatrixXf *> grads = std::as_const(grad).dense();
        params.push_back(&model.weights.items);
        grads.push_back(&grad.items);
        params.push_back(&model.weights.outputs);
        grads.push_back(&grad.outputs);
        constexpr float eps = 4e-3f;
        int checked = 0, nonzero = 0;
        double worst = 0;
        for (size_t p = 0; p < params.size(); ++p) {
            Eigen::MatrixXf &w = *params[p];
            for (Eigen::Index i = 0; i < w.size(); ++i) {
                const float keep = w.data()[i];
                w.data()[i] = keep + eps;
                const double up = seq2seqBatchLoss(model, batch, seed, nullptr);
                w.data()[i] = keep - eps;
                const double down = seq2seqBatchLoss(model, batch, seed, nullptr);
                w.data()[i] = keep;
                const double numeric = (up - down) / (2 * double(eps));
                const double analytic = grads[p]->data()[i];
                const double error = std::abs(numeric - analytic)
                    / (1e-3 + std::max(std::abs(numeric), std::abs(analytic)));
                worst = std::max(worst, error);
                QVERIFY2(error < 0.05,
                         qPrintable(QStringLiteral("parameter %1 entry %2: analytic %3, numeric %4")
                                        .arg(p)
                                        .arg(i)
                                        .arg(analytic)
                                        .arg(numeric)));
                ++checked;
                nonzero += std::abs(analytic) > 1e-4;
            }
        }
        // Most entries carry gradient: a backward pass that dropped a path would leave zeros.
        QVERIFY2(nonzero > checked / 2, qPrintable(QStringLiteral("%1 of %2 nonzero").arg(nonzero).arg(checked)));
        qInfo("%d entries checked, worst relative error %.4f", checked, worst);
    }

    void trainingLowersTheLossAndKeepsGenres()
    {
        std::vector<int> genre;
        const Corpus corpus = genreCorpus(600, 4, 40, 20, 5, &genre);
        Seq2seqOptions options;
        options.hidden = 16;
        options.epochs = 12;
        options.batch = 16;
        options.learningRate = 0.01;
        options.threads = 2;
        Seq2seqModel model = initSeq2seq(corpus, randomItems(corpus, 8, 6), options);
        JobContext job;
        const RowMatrixXf before = encodeSeq2seq(model, corpus, job);
        std::vector<int> seen;
        trainSeq2seq(model, corpus, job, [&](const Seq2seqModel &m) { seen.push_back(m.epochsDone); });
        std::vector<int> expected(size_t(options.epochs));
        std::iota(expected.begin(), expected.end(), 1);
        QCOMPARE(seen, expected);
        QCOMPARE(model.epochLoss.size(), size_t(options.epochs));
        QVERIFY2(model.epochLoss.back() < 0.7 * model.epochLoss.front(),
                 qPrintable(QStringLiteral("%1 -> %2").arg(model.epochLoss.front()).arg(model.epochLoss.back())));
        const RowMatrixXf after = encodeSeq2seq(model, corpus, job);
        QCOMPARE(after.rows(), Eigen::Index(600));
        QCOMPARE(after.cols(), Eigen::Index(16));
        for (Eigen::Index i = 0; i < after.rows(); ++i)
            QVERIFY(std::abs(after.row(i).norm() - 1) < 1e-4);
        const double untrained = agreement(before, genre, 10), trained = agreement(after, genre, 10);
        qInfo("10-NN genre agreement: untrained %.3f, trained %.3f (chance 0.25)", untrained, trained);
        QVERIFY2(trained > 0.9, qPrintable(QString::number(trained)));
    }

    void matryoshkaPrefixWorksAlone()
    {
        std::vector<int> genre;
        const Corpus corpus = genreCorpus(600, 4, 40, 20, 7, &genre);
        Seq2seqOptions options;
        options.hidden = 16;
        options.epochs = 12;
        options.batch = 16;
        options.learningRate = 0.01;
        options.matryoshka = {4, 16};
        Seq2seqModel model = initSeq2seq(corpus, randomItems(corpus, 8, 8), options);
        JobContext job;
        trainSeq2seq(model, corpus, job);
        const RowMatrixXf x = encodeSeq2seq(model, corpus, job);
        const double full = agreement(x, genre, 10), prefix = agreement(x.leftCols(4), genre, 10);
        qInfo("10-NN genre agreement: 16 dims %.3f, first 4 %.3f", full, prefix);
        QVERIFY2(prefix > 0.85, qPrintable(QString::number(prefix)));
    }

    void resumingGivesTheSameBytes()
    {
        const Corpus corpus = genreCorpus(200, 3, 20, 12, 9);
        Seq2seqOptions options;
        options.hidden = 8;
        options.epochs = 3;
        options.batch = 8;
        options.bidirectional = true;
        options.threads = 1;
        const EmbeddingSet items = randomItems(corpus, 6, 10);
        JobContext job;
        Seq2seqModel straight = initSeq2seq(corpus, items, options);
        trainSeq2seq(straight, corpus, job);

        Seq2seqModel first = initSeq2seq(corpus, items, options);
        QByteArray checkpoint;
        try {
            trainSeq2seq(first, corpus, job, [&](const Seq2seqModel &m) {
                checkpoint = m.serialize();
                throw Cancelled(); // stop after the first epoch, as a killed run would
            });
            QFAIL("training went on past the checkpoint");
        } catch (const Cancelled &) {
        }
        Seq2seqModel resumed = Seq2seqModel::deserialize(checkpoint);
        QCOMPARE(resumed.epochsDone, 1);
        resumed.options.threads = 2; // the thread count must not change the result
        trainSeq2seq(resumed, corpus, job);
        QCOMPARE(resumed.epochsDone, 3);
        QCOMPARE(resumed.steps, straight.steps);
        QVERIFY(sameWeights(resumed.weights, straight.weights));
        QVERIFY(sameWeights(resumed.adamV, straight.adamV));
        QCOMPARE(resumed.epochLoss, straight.epochLoss);
    }

    void malformedCheckpointsAreRefused_data()
    {
        QTest::addColumn<int>("cut");
        QTest::addColumn<int>("flip");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << 0 << -1 << u"truncated"_s;
        QTest::newRow("bad magic") << -1 << 0 << u"not a seq2seq model"_s;
        QTest::newRow("cut in the options") << 20 << -1 << u"truncated"_s;
        QTest::newRow("cut in the weights") << 2000 << -1 << u"truncated"_s;
        QTest::newRow("cut before the end") << -2 << -1 << u"truncated"_s;
    }

    void malformedCheckpointsAreRefused()
    {
        QFETCH(int, cut);
        QFETCH(int, flip);
        QFETCH(QString, expected);
        const Corpus corpus = genreCorpus(20, 2, 10, 6, 11);
        Seq2seqOptions options;
        options.hidden = 4;
        QByteArray data = initSeq2seq(corpus, randomItems(corpus, 4, 12), options).serialize();
        QVERIFY(Seq2seqModel::deserialize(data).itemIds == corpus.vocab);
        if (cut >= 0)
            data.truncate(cut);
        else if (cut == -2)
            data.chop(3);
        if (flip >= 0)
            data[flip] = char(data[flip] ^ 0x5A);
        try {
            Seq2seqModel::deserialize(data);
            QFAIL("a malformed checkpoint was read");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
        }
    }

    void cancelWithin200ms()
    {
        ORRERY_TIMING_TEST(cancelWithin200ms);
        const Corpus corpus = genreCorpus(20000, 8, 500, 60, 13);
        Seq2seqOptions options;
        options.epochs = 50;
        Seq2seqModel model = initSeq2seq(corpus, randomItems(corpus, 32, 14), options);
        std::atomic_bool stop {false};
        JobContext job({}, &stop);
        QElapsedTimer clock;
        qint64 stoppedAfter = -1;
        std::thread worker([&] {
            try {
                trainSeq2seq(model, corpus, job);
            } catch (const Cancelled &) {
                stoppedAfter = clock.elapsed();
            }
        });
        QThread::msleep(300);
        clock.start();
        stop = true;
        worker.join();
        QVERIFY(stoppedAfter >= 0);
        QVERIFY2(stoppedAfter < 200, qPrintable(QStringLiteral("%1 ms").arg(stoppedAfter)));
    }
};

QTEST_GUILESS_MAIN(TestSeq2seq)
#include "tst_seq2seq.moc"
