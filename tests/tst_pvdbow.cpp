// PV-DBOW paragraph vectors: reproducibility, inference with the items frozen, the model's binary
// form, cancel, and quality on synthetic genres, the BBC articles (against SIF, and held out) and
// the yes_small playlists (against mean-pooled item2vec).
#include "base/embeddingset.h"
#include "base/random.h"
#include "embed/pooling.h"
#include "embed/pvdbow.h"
#include "embed/sgns.h"
#include "index/exactknn.h"
#include "store/corpus.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <thread>

using namespace orrery;
using namespace Qt::StringLiterals;

namespace {

/// Two disjoint "genres" of `perGenre` items each; sequence s draws from genre s % 2, popular
/// items more often. Sequence ids are 1 + s, item ids 1000 + item.
Corpus genreCorpus(int perGenre, int sequences, int length, quint64 seed)
{
    Corpus c;
    Random rng(seed);
    for (int i = 0; i < 2 * perGenre; ++i)
        c.vocab.push_back(1000 + i);
    c.counts.assign(c.vocab.size(), 0);
    c.offsets.push_back(0);
    for (int s = 0; s < sequences; ++s) {
        const int genre = s % 2;
        for (int k = 0; k < length; ++k) {
            const double u = rng.uniform();
            const qint32 token = qint32(genre * perGenre + int(u * u * perGenre));
            c.tokens.push_back(token);
            ++c.counts[size_t(token)];
        }
        c.offsets.push_back(qint64(c.tokens.size()));
        c.sequenceIds.push_back(s + 1);
    }
    return c;
}

/// The sequences `keep` of `c`, with the same vocabulary and counts recomputed over them.
Corpus subCorpus(const Corpus &c, const std::vector<qint64> &keep)
{
    Corpus out;
    out.vocab = c.vocab;
    out.counts.assign(c.vocab.size(), 0);
    out.offsets.push_back(0);
    for (const qint64 s : keep) {
        out.sequenceIds.push_back(c.sequenceIds[size_t(s)]);
        for (const qint32 *p = c.begin(s); p != c.end(s); ++p) {
            out.tokens.push_back(*p);
            ++out.counts[size_t(*p)];
        }
        out.offsets.push_back(qint64(out.tokens.size()));
    }
    return out;
}

RowMatrixXf matrixOf(const std::vector<float> &v, qint64 rows, int dim)
{
    RowMatrixXf m(rows, dim);
    std::memcpy(m.data(), v.data(), v.size() * sizeof(float));
    return m;
}

double knnAgreement(const RowMatrixXf &m, const std::vector<int> &labels, int k)
{
    JobContext job;
    return labelAgreement(exactKnn(m, k, job), labels);
}

/// Mean over labelled queries of the share of their k nearest `data` rows with the same label.
double crossAgreement(const RowMatrixXf &data, const std::vector<int> &dataLabels, const RowMatrixXf &queries,
                      const std::vector<int> &queryLabels, int k)
{
    JobContext job;
    const Neighbours nn = exactKnn(data, queries, k, job);
    double sum = 0;
    qint64 judged = 0;
    for (qint64 q = 0; q < queries.rows(); ++q) {
        if (queryLabels[size_t(q)] < 0)
            continue;
        ++judged;
        int hits = 0;
        for (int j = 0; j < nn.k; ++j)
            hits += dataLabels[size_t(nn.of(q)[j])] == queryLabels[size_t(q)];
        sum += double(hits) / nn.k;
    }
    return judged ? sum / double(judged) : 0.0;
}

std::vector<int> classes(const std::vector<QString> &names)
{
    std::map<QString, int> index;
    std::vector<int> out;
    for (const QString &n : names)
        out.push_back(n.isEmpty() ? -1 : index.try_emplace(n, int(index.size())).first->second);
    return out;
}

/// Each sequence's most common tag over its items (ties to the first seen), -1 without one.
std::vector<int> majorityTags(const Corpus &corpus, const ItemTags &vocabTags)
{
    std::vector<int> out;
    std::vector<int> count(vocabTags.names.size(), 0);
    for (qint64 s = 0; s < corpus.sequences(); ++s) {
        std::fill(count.begin(), count.end(), 0);
        int best = -1;
        for (const qint32 *p = corpus.begin(s); p != corpus.end(s); ++p)
            for (const qint32 t : vocabTags.perItem[size_t(*p)])
                if (++count[size_t(t)] > (best < 0 ? 0 : count[size_t(best)]))
                    best = t;
        out.push_back(best);
    }
    return out;
}

EmbeddingSet asSet(const SgnsResult &r, ItemKind kind)
{
    EmbeddingSet set;
    set.name = QStringLiteral("items");
    set.kind = kind;
    set.dim = r.dim;
    set.ids = r.ids;
    set.vectors = r.vectors;
    return set;
}

float cosine(const float *a, const float *b, int dim)
{
    double ab = 0, aa = 0, bb = 0;
    for (int d = 0; d < dim; ++d) {
        ab += double(a[d]) * b[d];
        aa += double(a[d]) * a[d];
        bb += double(b[d]) * b[d];
    }
    return float(ab / std::sqrt(aa * bb));
}

PvdbowOptions smallOptions()
{
    PvdbowOptions o;
    o.dim = 16;
    o.epochs = 5;
    o.inferEpochs = 20;
    o.window = 2;
    o.threads = 1;
    o.seed = 3;
    return o;
}

} // namespace

class TestPvdbow final : public QObject {
    Q_OBJECT

    /// The BBC articles imported once for the tests that read them (null without ../shared/data).
    struct Bbc {
        QTemporaryDir dir;
        std::unique_ptr<Project> project;
        Corpus corpus;
        std::vector<int> labels;
    };
    std::unique_ptr<Bbc> m_bbc;

    Bbc *bbc()
    {
        if (m_bbc)
            return m_bbc.get();
        const QString shared = test::sharedData(QStringLiteral("bbc"));
        if (shared.isEmpty() || !QFileInfo::exists(shared))
            return nullptr;
        auto b = std::make_unique<Bbc>();
        b->project = std::make_unique<Project>(b->dir.filePath(QStringLiteral("p.orrery")));
        const io::ImportResult r = test::importInto(*b->project, {shared});
        if (!r.ok)
            qFatal("bbc import failed: %s", qPrintable(r.error));
        JobContext job;
        b->corpus = loadCorpus(*b->project, r.datasetId, job);
        b->labels = classes(itemLabels(*b->project, b->corpus.sequenceIds));
        m_bbc = std::move(b);
        return m_bbc.get();
    }

private slots:
    void oneThreadRepeatsBitForBit()
    {
        const Corpus c = genreCorpus(40, 300, 20, 1);
        PvdbowOptions o = smallOptions();
        JobContext job;
        const PvdbowResult a = trainPvdbow(c, o, job);
        const PvdbowResult b = trainPvdbow(c, o, job);
        QCOMPARE(a.sequenceIds, c.sequenceIds);
        QCOMPARE(a.vectors.size(), size_t(300 * 16));
        QVERIFY(a.vectors == b.vectors);
        QVERIFY(a.model.output == b.model.output);
        QVERIFY(a.itemVectors == b.itemVectors);
        QCOMPARE(a.stats.epochLoss, b.stats.epochLoss);
        o.seed = 4;
        QVERIFY(trainPvdbow(c, o, job).vectors != a.vectors);

        // Inference draws one stream per sequence: the same bytes with any number of threads.
        const RowMatrixXf one = inferPvdbow(a.model, c, job, 1);
        const RowMatrixXf two = inferPvdbow(a.model, c, job, 2);
        QCOMPARE(one.rows(), 300);
        QCOMPARE(one.cols(), 16);
        QVERIFY(one == two);
        QVERIFY(inferPvdbow(a.model, c, job, 1) == one);
    }

    void statsAndEmbeddingSet()
    {
        const Corpus c = genreCorpus(40, 300, 20, 1);
        PvdbowOptions o = smallOptions();
        JobContext job;
        const PvdbowResult r = trainPvdbow(c, o, job);
        QCOMPARE(r.stats.tokens, qint64(300 * 20 * o.epochs));
        QCOMPARE(r.stats.epochLoss.size(), size_t(o.epochs));
        QVERIFY2(r.stats.epochLoss.back() < r.stats.epochLoss.front(),
                 qPrintable(QStringLiteral("%1 -> %2").arg(r.stats.epochLoss.front()).arg(r.stats.epochLoss.back())));
        QCOMPARE(r.model.itemIds.size(), size_t(80));
        QCOMPARE(r.itemVectors.size(), size_t(80 * 16));
        const EmbeddingSet set = pvdbowEmbeddingSet(r, ItemKind::Playlist, o);
        QCOMPARE(set.method, QStringLiteral("pvdbow"));
        QVERIFY(set.kind == ItemKind::Playlist);
        QCOMPARE(set.dim, 16);
        QCOMPARE(set.ids, c.sequenceIds);
        QCOMPARE(set.params.value(QStringLiteral("infer_epochs")).toInt(), 20);
        QCOMPARE(set.params.value(QStringLiteral("train_items")).toBool(), true);
        QCOMPARE(set.stats.value(QStringLiteral("epoch_loss")).toArray().size(), o.epochs);
        o.trainItems = false;
        QVERIFY(trainPvdbow(c, o, job).itemVectors.empty());
    }

    void genresSeparateAndInferenceFindsThem()
    {
        const Corpus c = genreCorpus(60, 400, 30, 2);
        PvdbowOptions o = smallOptions();
        o.epochs = 10;
        o.sample = 0; // on 12k tokens the threshold's floor thins most tokens, and PV-DBOW starts slowly
        JobContext job;
        std::vector<int> genre;
        for (qint64 s = 0; s < c.sequences(); ++s)
            genre.push_back(int(s % 2));
        for (const bool trainItems : {true, false}) {
            o.trainItems = trainItems;
            const PvdbowResult r = trainPvdbow(c, o, job);
            const RowMatrixXf trained = matrixOf(r.vectors, c.sequences(), o.dim);
            const double agreement = knnAgreement(trained, genre, 5);
            qInfo("genres, train items %d: 5-NN agreement %.3f, loss %.3f -> %.3f", int(trainItems), agreement,
                  r.stats.epochLoss.front(), r.stats.epochLoss.back());
            QVERIFY2(agreement >= 0.95, qPrintable(QString::number(agreement)));
            // New sequences of either genre, never seen: their inferred vectors sit among their genre.
            const Corpus fresh = genreCorpus(60, 100, 30, 99);
            const RowMatrixXf inferred = inferPvdbow(r.model, fresh, job, 1);
            std::vector<int> freshGenre;
            for (qint64 s = 0; s < fresh.sequences(); ++s)
                freshGenre.push_back(int(s % 2));
            const double cross = crossAgreement(trained, genre, inferred, freshGenre, 5);
            QVERIFY2(cross >= 0.95, qPrintable(QString::number(cross)));
        }
    }

    void unknownItemsAreSkipped()
    {
        const Corpus c = genreCorpus(20, 100, 10, 1);
        JobContext job;
        const PvdbowResult r = trainPvdbow(c, smallOptions(), job);
        // Items 5000.. are not in the model: an all-unknown sequence gets a zero row, and unknown
        // items among known ones change nothing.
        Corpus q;
        q.vocab = {5000, 1000, 5001, 1001};
        q.counts = {2, 1, 1, 1};
        q.tokens = {0, 2, 0, 1, 3};
        q.offsets = {0, 2, 5};
        q.sequenceIds = {7, 8};
        Corpus known;
        known.vocab = {1000, 1001};
        known.counts = {1, 1};
        known.tokens = {0, 1};
        known.offsets = {0, 0, 2};
        known.sequenceIds = {7, 8};
        const RowMatrixXf a = inferPvdbow(r.model, q, job, 1);
        const RowMatrixXf b = inferPvdbow(r.model, known, job, 1);
        QCOMPARE(a.row(0).norm(), 0.0f);
        QVERIFY(a.row(1) == b.row(1));
        QVERIFY(a.row(1).norm() > 0);
    }

    void initialItemVectorsAreUsed()
    {
        const Corpus c = genreCorpus(20, 100, 10, 1);
        JobContext job;
        PvdbowOptions o = smallOptions();
        EmbeddingSet init;
        init.dim = 16;
        init.ids = {1000, 1001};
        init.vectors.assign(32, 0.25f);
        const PvdbowResult plain = trainPvdbow(c, o, job);
        const PvdbowResult started = trainPvdbow(c, o, job, &init);
        QVERIFY(plain.vectors != started.vectors);
        init.dim = 8;
        init.vectors.resize(16);
        QVERIFY_THROWS_EXCEPTION(Error, trainPvdbow(c, o, job, &init));
    }

    void optionsOutOfRange()
    {
        const Corpus c = genreCorpus(5, 10, 5, 1);
        JobContext job;
        PvdbowOptions o = smallOptions();
        o.dim = 0;
        QVERIFY_THROWS_EXCEPTION(Error, trainPvdbow(c, o, job));
        o = smallOptions();
        o.inferEpochs = 0;
        QVERIFY_THROWS_EXCEPTION(Error, trainPvdbow(c, o, job));
        o = smallOptions();
        o.minCount = 1000;
        QVERIFY_THROWS_EXCEPTION(Error, trainPvdbow(c, o, job));
        QVERIFY_THROWS_EXCEPTION(Error, inferPvdbow(PvdbowModel {}, c, job));
    }

    void serializeRoundTrips()
    {
        const Corpus c = genreCorpus(20, 100, 10, 1);
        JobContext job;
        PvdbowOptions o = smallOptions();
        o.nsExponent = -0.5;
        o.sample = 1e-3;
        o.trainItems = false;
        o.seed = 0xFEDCBA9876543210ull;
        const PvdbowModel m = trainPvdbow(c, o, job).model;
        const QByteArray bytes = m.serialize();
        QCOMPARE(bytes.size(), 4 + 4 + 4 + 4 + 8 + 8 + 4 + 4 + 8 + 8 + 1 + 4 + 4 + 4 + 8 + 8 + 40 * (16 + 4 * 16));
        QCOMPARE(bytes.left(4), QByteArray("OPVD"));
        const PvdbowModel back = PvdbowModel::deserialize(bytes);
        QCOMPARE(back.dim, m.dim);
        QCOMPARE(back.itemIds, m.itemIds);
        QCOMPARE(back.counts, m.counts);
        QVERIFY(back.output == m.output);
        QCOMPARE(back.options.nsExponent, -0.5);
        QCOMPARE(back.options.sample, 1e-3);
        QCOMPARE(back.options.trainItems, false);
        QCOMPARE(back.options.seed, 0xFEDCBA9876543210ull);
        QCOMPARE(back.options.inferEpochs, o.inferEpochs);
        QCOMPARE(back.serialize(), bytes);
        QVERIFY(inferPvdbow(back, c, job, 1) == inferPvdbow(m, c, job, 1));
    }

    void malformedModelsThrow_data()
    {
        QTest::addColumn<int>("cut"); // truncate to this many bytes, or -1
        QTest::addColumn<int>("at"); // else overwrite this byte
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << 0 << 0 << 0 << u"byte 0: expected the magic"_s;
        QTest::newRow("short magic") << 3 << 0 << 0 << u"byte 0: expected the magic"_s;
        QTest::newRow("no version") << 6 << 0 << 0 << u"byte 4: expected the format version"_s;
        QTest::newRow("half header") << 40 << 0 << 0 << u"expected the learning rate"_s;
        QTest::newRow("no count") << 80 << 0 << 0 << u"byte 77: expected the item count"_s;
        QTest::newRow("one byte short") << -2 << 0 << 0 << u"need 3200 bytes after this count, 3199 follow"_s;
        QTest::newRow("bad magic") << -1 << 1 << int('X') << u"byte 0: expected the magic"_s;
        QTest::newRow("version 2") << -1 << 4 << 2 << u"byte 4: format version 2, expected 1"_s;
        QTest::newRow("dim 0") << -1 << 8 << 0 << u"byte 8: dimension 0"_s;
        QTest::newRow("train items 7") << -1 << 56 << 7 << u"byte 56: train-items flag 7"_s;
        QTest::newRow("negative -1") << -1 << 12 << 0xFF << u"options are out of range"_s;
        QTest::newRow("count 0") << -1 << 85 + 40 * 8 << 0 << u"item count 0, expected at least 1"_s;
    }

    void malformedModelsThrow()
    {
        QFETCH(int, cut);
        QFETCH(int, at);
        QFETCH(int, value);
        QFETCH(QString, message);
        const Corpus c = genreCorpus(20, 100, 10, 1);
        JobContext job;
        PvdbowOptions o = smallOptions();
        o.trainItems = false;
        QByteArray bytes = trainPvdbow(c, o, job).model.serialize();
        if (cut >= 0)
            bytes.truncate(cut);
        else if (cut == -2)
            bytes.chop(1);
        else if (at == 85 + 40 * 8)
            std::memset(bytes.data() + at, 0, 8); // the first count, all 8 bytes
        else if (at == 12)
            std::memset(bytes.data() + at, value, 4);
        else
            bytes[at] = char(value);
        try {
            PvdbowModel::deserialize(bytes);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
        // A non-finite vector component and a trailing byte are rejected too.
        QByteArray good = trainPvdbow(c, o, job).model.serialize();
        const float nan = std::numeric_limits<float>::quiet_NaN();
        std::memcpy(good.data() + good.size() - 4, &nan, 4);
        QVERIFY_THROWS_EXCEPTION(Error, PvdbowModel::deserialize(good));
        QVERIFY_THROWS_EXCEPTION(Error, PvdbowModel::deserialize(trainPvdbow(c, o, job).model.serialize() + 'x'));
    }

    void cancelThrowsCancelled()
    {
        const Corpus c = genreCorpus(20, 100, 10, 1);
        JobContext quiet;
        const PvdbowResult r = trainPvdbow(c, smallOptions(), quiet);
        const std::atomic_bool stop {true};
        JobContext job({}, &stop);
        QVERIFY_THROWS_EXCEPTION(Cancelled, trainPvdbow(c, smallOptions(), job));
        QVERIFY_THROWS_EXCEPTION(Cancelled, inferPvdbow(r.model, c, job));
    }

    void cancelStopsWithin200ms()
    {
        ORRERY_TIMING_TEST(cancelStopsWithin200ms);
        const Corpus c = genreCorpus(1000, 20000, 50, 5);
        PvdbowOptions o = smallOptions();
        o.dim = 64;
        o.epochs = 1000;
        o.inferEpochs = 100000;
        o.threads = 2;
        JobContext quiet;
        PvdbowOptions brief = o;
        brief.epochs = 1;
        const PvdbowModel model = trainPvdbow(genreCorpus(1000, 200, 50, 5), brief, quiet).model;
        for (const bool infer : {false, true}) {
            std::atomic_bool stop {false};
            std::atomic<qint64> progressCalls {0};
            JobContext job([&](qint64, qint64, const QString &) { ++progressCalls; }, &stop);
            using Clock = std::chrono::steady_clock;
            std::atomic<Clock::rep> stoppedAt {0};
            std::thread canceller([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(150));
                stoppedAt = Clock::now().time_since_epoch().count();
                stop = true;
            });
            bool cancelled = false;
            try {
                if (infer)
                    inferPvdbow(model, c, job, 2);
                else
                    trainPvdbow(c, o, job);
            } catch (const Cancelled &) {
                cancelled = true;
            }
            const Clock::time_point caught = Clock::now();
            canceller.join();
            const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     caught - Clock::time_point(Clock::duration(stoppedAt.load())))
                                     .count();
            QVERIFY(cancelled);
            qInfo("%s cancelled %lld ms after the stop flag", infer ? "inference" : "training", qint64(latency));
            QVERIFY2(latency < 200, qPrintable(QStringLiteral("%1 ms").arg(qint64(latency))));
            QVERIFY(progressCalls > 0);
        }
    }

    void bbcAtLeastAsGoodAsSif()
    {
        Bbc *b = bbc();
        if (!b)
            QSKIP("../shared/data is absent");
        JobContext job;
        // SIF over word vectors trained on the same corpus with the `train` verb's text defaults.
        SgnsOptions so = SgnsOptions::forText();
        so.threads = 2;
        const SgnsResult words = trainSgns(b->corpus, so, job);
        const EmbeddingSet sif = poolSequences(b->corpus, asSet(words, ItemKind::Word), PoolingMethod::Sif,
                                               PoolingOptions {}, job);
        const double sifAgreement = knnAgreement(RowMatrixXf(sif.matrix()), b->labels, 10);

        PvdbowOptions o = PvdbowOptions::forText();
        o.threads = 2;
        const PvdbowResult r = trainPvdbow(b->corpus, o, job);
        const double agreement = knnAgreement(matrixOf(r.vectors, b->corpus.sequences(), o.dim), b->labels, 10);
        qInfo("bbc: 10-NN label agreement PV-DBOW %.3f (%.1f s, %.0f tokens/s), SIF %.3f (%.1f s of word2vec)",
              agreement, r.stats.seconds, r.stats.tokensPerSecond, sifAgreement, words.stats.seconds);
        // Measured 0.950 against SIF's 0.948. Two Hogwild threads move both by about ±0.002 from run
        // to run, hence the allowance of 0.003: "reaches SIF" rather than a coin toss on the third digit.
        QVERIFY2(agreement >= sifAgreement - 0.003,
                 qPrintable(QStringLiteral("%1 < SIF %2").arg(agreement).arg(sifAgreement)));
        QVERIFY2(agreement >= 0.94, qPrintable(QString::number(agreement)));
    }

    void bbcHeldOutInference()
    {
        Bbc *b = bbc();
        if (!b)
            QSKIP("../shared/data is absent");
        // A seeded 80/20 split; the 20% are never seen in training.
        Random rng(2014);
        std::vector<qint64> trainRows, testRows;
        for (qint64 s = 0; s < b->corpus.sequences(); ++s)
            (rng.uniform() < 0.8 ? trainRows : testRows).push_back(s);
        const Corpus train = subCorpus(b->corpus, trainRows), held = subCorpus(b->corpus, testRows);
        std::vector<int> trainLabels, heldLabels;
        for (const qint64 s : trainRows)
            trainLabels.push_back(b->labels[size_t(s)]);
        for (const qint64 s : testRows)
            heldLabels.push_back(b->labels[size_t(s)]);

        JobContext job;
        PvdbowOptions o = PvdbowOptions::forText();
        o.threads = 2;
        const PvdbowResult r = trainPvdbow(train, o, job);
        const RowMatrixXf trained = matrixOf(r.vectors, train.sequences(), o.dim);
        QElapsedTimer clock;
        clock.start();
        const RowMatrixXf inferred = inferPvdbow(r.model, held, job, 2);
        const double inferSeconds = double(clock.elapsed()) / 1000;
        const double agreement = crossAgreement(trained, trainLabels, inferred, heldLabels, 10);

        // Training documents inferred again land near the vectors training gave them.
        const Corpus again = subCorpus(train, [] {
            std::vector<qint64> v;
            for (qint64 s = 0; s < 1780; s += 20)
                v.push_back(s);
            return v;
        }());
        const RowMatrixXf reinferred = inferPvdbow(r.model, again, job, 2);
        double meanCosine = 0;
        float worst = 1;
        for (qint64 i = 0; i < reinferred.rows(); ++i) {
            const float cos = cosine(reinferred.row(i).data(), trained.row(i * 20).data(), o.dim);
            meanCosine += cos;
            worst = std::min(worst, cos);
        }
        meanCosine /= double(reinferred.rows());
        qInfo("bbc held out: %zu training, %zu held-out documents; held-out 10-NN agreement %.3f (inferred in %.1f s); "
              "re-inferred training documents: mean cosine %.3f, lowest %.3f",
              trainRows.size(), testRows.size(), agreement, inferSeconds, meanCosine, double(worst));
        QVERIFY2(agreement > 0.83, qPrintable(QString::number(agreement)));
        QVERIFY2(meanCosine >= 0.7 && worst >= 0.5, qPrintable(QStringLiteral("%1, %2").arg(meanCosine).arg(worst)));
    }

    void yesSmallPlaylists()
    {
        ORRERY_REQUIRE_SHARED("yes_small");
        QTemporaryDir dir;
        Project project(dir.filePath(QStringLiteral("p.orrery")));
        const auto imported = test::importInto(project, {shared});
        QVERIFY2(imported.ok, qPrintable(imported.error));
        JobContext job;
        const Corpus corpus = loadCorpus(project, imported.datasetId, job);
        const std::vector<int> tags = majorityTags(corpus, itemTags(project, corpus.vocab));
        // 10-NN agreement among a seeded sample of 3,000 playlists (`orrery-cli probe` samples 10,000,
        // too slow for exact search in the Debug build).
        Random rng(1);
        std::vector<qint64> sample;
        for (qint64 s = 0; s < corpus.sequences(); ++s)
            if (rng.below(quint64(corpus.sequences())) < 3000)
                sample.push_back(s);
        std::vector<int> sampleTags;
        for (const qint64 s : sample)
            sampleTags.push_back(tags[size_t(s)]);
        const auto sampled = [&](const RowMatrixXf &all) {
            RowMatrixXf m(qint64(sample.size()), all.cols());
            for (size_t i = 0; i < sample.size(); ++i)
                m.row(qint64(i)) = all.row(sample[i]);
            return m;
        };

        PvdbowOptions o = PvdbowOptions::forPlaylists();
        o.threads = 2;
        const PvdbowResult r = trainPvdbow(corpus, o, job);
        const double agreement = knnAgreement(sampled(matrixOf(r.vectors, corpus.sequences(), o.dim)), sampleTags, 10);

        SgnsOptions so = SgnsOptions::forPlaylists();
        so.threads = 2;
        const SgnsResult songs = trainSgns(corpus, so, job);
        const EmbeddingSet mean = poolSequences(corpus, asSet(songs, ItemKind::Track), PoolingMethod::Mean,
                                                PoolingOptions {}, job);
        const double meanAgreement = knnAgreement(sampled(RowMatrixXf(mean.matrix())), sampleTags, 10);
        qInfo("yes_small: %zu playlists sampled; majority-tag 10-NN agreement PV-DBOW %.3f (%.1f s, %.0f tokens/s), "
              "mean-pooled item2vec %.3f (%.1f s)",
              sample.size(), agreement, r.stats.seconds, r.stats.tokensPerSecond, meanAgreement, songs.stats.seconds);
        // Measured 0.322 (mean-pooled item2vec 0.321); random neighbours would give about 0.07.
        QVERIFY2(agreement >= 0.29, qPrintable(QString::number(agreement)));
    }
};

QTEST_GUILESS_MAIN(TestPvdbow)
#include "tst_pvdbow.moc"
