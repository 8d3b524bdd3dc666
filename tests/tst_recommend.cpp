// Playlist continuation: the recommenders on real yes_small playlists against popularity and each
// other, determinism under a seed, request options (exclusions, artist cap, MMR, negatives), the
// multi-mood behaviour of local activation, co-occurrence counts, playlist export and re-import in
// all four formats, and the recommend / export verbs through the CLI binary.
#include "testutil.h"

#include "base/embeddingset.h"
#include "base/random.h"
#include "embed/sgns.h"
#include "eval/recsys.h"
#include "io/playlistwriter.h"
#include "io/queryline.h"
#include "recommend/attention.h"
#include "recommend/cooccurrence.h"
#include "recommend/playlistknn.h"
#include "recommend/recommender.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/items.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

using namespace orrery;

namespace {

using test::Run;

Run cli(const QStringList &args)
{
    return test::cli(args, 300000);
}

/// The playlists of a dataset: (key, track keys in order), by playlist item id.
std::vector<std::pair<QString, QStringList>> playlistsOf(Project &project, qint64 datasetId)
{
    std::vector<std::pair<QString, QStringList>> out;
    sql::Statement st(project.db(), "SELECT item_id, entries FROM sequence WHERE dataset_id = ? ORDER BY item_id");
    st.bind(1, datasetId);
    while (st.step()) {
        const qint64 id = st.columnInt(0);
        const std::vector<qint64> entries = unpackIds(st.columnBlob(1));
        QStringList keys;
        for (const QString &k : itemKeys(project, entries, datasetId))
            keys << k;
        out.emplace_back(itemKeys(project, {id}, datasetId).front(), keys);
    }
    return out;
}

const MethodReport &reportOf(const EvaluationReport &r, RecommendMethod m)
{
    for (const MethodReport &x : r.methods)
        if (x.method == m)
            return x;
    qFatal("method missing from the report");
}

QJsonObject withoutTimes(QJsonObject o)
{
    o.remove(QStringLiteral("train_seconds"));
    o.remove(QStringLiteral("tune_seconds"));
    QJsonArray methods;
    for (const QJsonValue &v : o.value(QStringLiteral("methods")).toArray()) {
        QJsonObject m = v.toObject();
        m.remove(QStringLiteral("ms_per_query"));
        methods.append(m);
    }
    o.insert(QStringLiteral("methods"), methods);
    return o;
}

} // namespace

class TestRecommend final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_yes; ///< yes_small project with the set "songs", or empty without shared data
    qint64 m_yesDataset = 0;
    Corpus m_corpus;
    EmbeddingSet m_songs;

    EvaluationOptions quick(int epochs) const
    {
        EvaluationOptions o;
        o.seedsK = 5;
        o.holdout = 400;
        o.validation = 300;
        o.seed = 3;
        o.sgns.epochs = epochs;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString yes = test::sharedData(QStringLiteral("yes_small"));
        if (yes.isEmpty())
            return;
        m_yes = m_dir.filePath(QStringLiteral("yes.orrery"));
        Project p(m_yes);
        io::ImportOptions options;
        options.dataset = QStringLiteral("yes");
        const auto r = test::importInto(p, {yes}, options);
        QVERIFY2(r.ok, qPrintable(r.error));
        m_yesDataset = r.datasetId;
        JobContext job;
        m_corpus = loadCorpus(p, r.datasetId, job);
        SgnsOptions o = SgnsOptions::forPlaylists();
        o.epochs = 20;
        o.threads = 2;
        SgnsResult s = trainSgns(m_corpus, o, job);
        m_songs.name = QStringLiteral("songs");
        m_songs.datasetId = r.datasetId;
        m_songs.kind = ItemKind::Track;
        m_songs.method = QStringLiteral("sgns");
        m_songs.dim = s.dim;
        m_songs.ids = std::move(s.ids);
        m_songs.vectors = std::move(s.vectors);
        saveEmbeddingSet(p, m_songs);
    }

    void eachRecommenderBeatsPopularity()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        JobContext job;
        EvaluationOptions o = quick(30);
        o.sgns.threads = 2; // Hogwild: not bit-for-bit, but the margins below are wide
        const EvaluationReport r = evaluateContinuation(m_corpus, nullptr, o, job);
        QCOMPARE(r.testPlaylists, qint64(400));
        for (const MethodReport &m : r.methods)
            qInfo("%-11s R-prec %.4f NDCG %.4f clicks %.2f", qPrintable(toString(m.method)), m.rPrecision, m.ndcg,
                  m.clicks);
        const MethodReport &pop = reportOf(r, RecommendMethod::Popularity);
        const MethodReport &blend = reportOf(r, RecommendMethod::Blend);
        QVERIFY(pop.ndcg > 0.05); // popularity is a real baseline on radio playlists, not zero
        for (const RecommendMethod m :
             {RecommendMethod::Centroid, RecommendMethod::Attention, RecommendMethod::Cooccurrence,
              RecommendMethod::PlaylistKnn, RecommendMethod::Blend}) {
            const MethodReport &x = reportOf(r, m);
            const QByteArray what = toString(m).toUtf8();
            QVERIFY2(x.ndcg > pop.ndcg * 1.2, what.constData());
            QVERIFY2(x.rPrecision > pop.rPrecision, what.constData());
            QVERIFY2(x.recall500 > pop.recall500, what.constData());
            QVERIFY2(x.clicks < pop.clicks, what.constData());
            QVERIFY2(x.coverage > pop.coverage, what.constData());
            if (m == RecommendMethod::Blend)
                continue;
            if (m == RecommendMethod::PlaylistKnn) {
                // Playlist neighbours decide the top of the blend's list, and the others add too little
                // there to show beyond the noise of 400 playlists (tuning may even keep pknn alone):
                // at least as good on NDCG, a tie within 0.005 on R-precision.
                QVERIFY2(blend.ndcg >= x.ndcg, what.constData());
                QVERIFY2(blend.rPrecision >= x.rPrecision - 0.005, what.constData());
            } else {
                QVERIFY2(blend.ndcg > x.ndcg, what.constData());
                QVERIFY2(blend.rPrecision > x.rPrecision, what.constData());
            }
        }
        // Playlists that hold several seeds at once know more than each seed's co-occurrence list.
        QVERIFY(reportOf(r, RecommendMethod::PlaylistKnn).rPrecision
                > reportOf(r, RecommendMethod::Cooccurrence).rPrecision);
        // The weights were tuned (on validation playlists), not left at the defaults.
        QVERIFY(r.tuneSeconds > 0);
        QVERIFY(r.vectors.contains(QStringLiteral("training playlists")));
    }

    void deterministicUnderASeed()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        EvaluationOptions o = quick(3);
        o.holdout = 100;
        o.validation = 100;
        JobContext job;
        const QJsonObject a = withoutTimes(evaluateContinuation(m_corpus, nullptr, o, job).toJson());
        const QJsonObject b = withoutTimes(evaluateContinuation(m_corpus, nullptr, o, job).toJson());
        QCOMPARE(a, b);
        o.seed = 4;
        const QJsonObject c = withoutTimes(evaluateContinuation(m_corpus, nullptr, o, job).toJson());
        QVERIFY(a != c);

        // The same inputs give the same lists, scores and reasons.
        RecommenderParams params;
        const Recommender r1(m_corpus, &m_songs, nullptr, params, job);
        const Recommender r2(m_corpus, &m_songs, nullptr, params, job);
        for (qint64 s = 0; s < 60; ++s) {
            RecommendRequest q;
            for (const qint32 *t = m_corpus.begin(s * 97); t != m_corpus.end(s * 97); ++t)
                q.seeds.push_back(m_corpus.vocab[size_t(*t)]);
            q.n = 100;
            for (const RecommendMethod m :
                 {RecommendMethod::Centroid, RecommendMethod::Attention, RecommendMethod::Cooccurrence,
                  RecommendMethod::PlaylistKnn, RecommendMethod::Blend})
                QVERIFY(r1.recommend(m, q) == r2.recommend(m, q));
        }
    }

    void requestOptions()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        Project p(m_yes);
        JobContext job;
        Recommender rec = projectRecommender(p, &m_songs, m_yesDataset, RecommenderParams(), job);
        // A long playlist's first ten songs as seeds.
        qint64 longest = 0;
        for (qint64 s = 0; s < m_corpus.sequences(); ++s)
            if (m_corpus.length(s) > m_corpus.length(longest))
                longest = s;
        RecommendRequest q;
        for (const qint32 *t = m_corpus.begin(longest); t != m_corpus.begin(longest) + 10; ++t)
            q.seeds.push_back(m_corpus.vocab[size_t(*t)]);
        q.n = 50;
        const std::set<qint64> seeds(q.seeds.begin(), q.seeds.end());
        const std::unordered_map<qint64, QString> artists = itemArtists(p, m_songs.ids);

        for (const RecommendMethod m :
             {RecommendMethod::Popularity, RecommendMethod::Centroid, RecommendMethod::Attention,
              RecommendMethod::Cooccurrence, RecommendMethod::Blend}) {
            const std::vector<Recommendation> list = rec.recommend(m, q);
            QCOMPARE(list.size(), size_t(50));
            std::set<qint64> distinct;
            for (size_t i = 0; i < list.size(); ++i) {
                QVERIFY(!seeds.count(list[i].itemId));
                QVERIFY(distinct.insert(list[i].itemId).second);
                if (i > 0)
                    QVERIFY(list[i].score <= list[i - 1].score);
                if (m == RecommendMethod::Popularity)
                    QCOMPARE(list[i].becauseItemId, qint64(0));
                else if (list[i].score > 0)
                    QVERIFY2(seeds.count(list[i].becauseItemId), "the reason is one of the seeds");
            }
        }

        // Seeds may stay when asked.
        RecommendRequest keep = q;
        keep.excludeSeeds = false;
        keep.n = 200;
        const std::vector<Recommendation> kept = rec.recommend(RecommendMethod::Centroid, keep);
        QVERIFY(std::any_of(kept.begin(), kept.end(), [&](const Recommendation &r) { return seeds.count(r.itemId); }));

        // At most one song per artist.
        RecommendRequest capped = q;
        capped.maxPerArtist = 1;
        std::set<QString> seen;
        for (const Recommendation &r : rec.recommend(RecommendMethod::Blend, capped)) {
            const auto it = artists.find(r.itemId);
            QVERIFY(it != artists.end());
            QVERIFY2(seen.insert(it->second.toCaseFolded().simplified()).second, qPrintable(it->second));
        }
        const std::vector<Recommendation> uncapped = rec.recommend(RecommendMethod::Blend, q);
        std::set<QString> uncappedArtists;
        for (const Recommendation &r : uncapped)
            uncappedArtists.insert(artists.at(r.itemId).toCaseFolded().simplified());
        QVERIFY(uncappedArtists.size() < uncapped.size()); // the cap had something to do

        // MMR trades relevance for variety: the list's vectors spread out.
        const auto spread = [&](const std::vector<Recommendation> &list) {
            RowMatrixXf rows(qint64(list.size()), rec.dim());
            for (size_t i = 0; i < list.size(); ++i)
                rows.row(qint64(i)) = Eigen::Map<const Eigen::RowVectorXf>(rec.vectorOf(list[i].itemId).data(),
                                                                           rec.dim());
            return intraListDiversity(rows);
        };
        RecommendRequest diverse = q;
        diverse.mmrLambda = 0.3;
        const double plain = spread(rec.recommend(RecommendMethod::Attention, q));
        const double varied = spread(rec.recommend(RecommendMethod::Attention, diverse));
        QVERIFY2(varied > plain + 0.03, qPrintable(QStringLiteral("%1 vs %2").arg(varied).arg(plain)));

        // A negative seed is never proposed, and its close neighbours sink.
        const std::vector<Recommendation> before = rec.recommend(RecommendMethod::Centroid, q);
        RecommendRequest negative = q;
        negative.negatives = {before.front().itemId};
        const std::vector<Recommendation> after = rec.recommend(RecommendMethod::Centroid, negative);
        QVERIFY(std::none_of(after.begin(), after.end(),
                             [&](const Recommendation &r) { return r.itemId == before.front().itemId; }));
        const std::span<const float> neg = rec.vectorOf(before.front().itemId);
        const auto meanSimilarity = [&](const std::vector<Recommendation> &list) {
            double s = 0;
            for (size_t i = 0; i < 20; ++i) {
                const std::span<const float> v = rec.vectorOf(list[i].itemId);
                double d = 0;
                for (int k = 0; k < rec.dim(); ++k)
                    d += double(v[size_t(k)]) * neg[size_t(k)];
                s += d;
            }
            return s / 20;
        };
        QVERIFY(meanSimilarity(after) < meanSimilarity(before));

        // No known seed: the popularity list, whatever the method.
        RecommendRequest unknown;
        unknown.seeds = {-5, -6};
        unknown.n = 30;
        const std::vector<Recommendation> popular = rec.recommend(RecommendMethod::Popularity, unknown);
        for (const RecommendMethod m :
             {RecommendMethod::Centroid, RecommendMethod::Attention, RecommendMethod::Cooccurrence,
              RecommendMethod::PlaylistKnn, RecommendMethod::Blend}) {
            const std::vector<Recommendation> list = rec.recommend(m, unknown);
            QCOMPARE(list.size(), popular.size());
            for (size_t i = 0; i < list.size(); ++i)
                QCOMPARE(list[i].itemId, popular[i].itemId);
        }
        for (size_t i = 1; i < popular.size(); ++i)
            QVERIFY(rec.popularity(popular[i].itemId) <= rec.popularity(popular[i - 1].itemId));
    }

    void refusesASetWithoutTheSongs()
    {
        // Playlist vectors (or another dataset's songs) as the song set: a clear error instead of
        // vector methods that quietly fall back to popularity.
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        EmbeddingSet playlists;
        playlists.name = QStringLiteral("yes/mean");
        playlists.kind = ItemKind::Playlist;
        playlists.dim = 4;
        playlists.ids.assign(m_corpus.sequenceIds.begin(), m_corpus.sequenceIds.begin() + 100);
        playlists.vectors.assign(playlists.ids.size() * 4, 0.5f);
        JobContext job;
        try {
            Recommender rec(m_corpus, &playlists, nullptr, RecommenderParams(), job);
            QFAIL("a set of playlist vectors was taken for song vectors");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("\"yes/mean\" holds no song"))
                         && e.message().contains(QStringLiteral("playlist")),
                     qPrintable(e.message()));
        }
        EvaluationOptions o = quick(1);
        QVERIFY_THROWS_EXCEPTION(Error, evaluateContinuation(m_corpus, &playlists, o, job));
    }

    void shortListStartsLongList()
    {
        // Asking for 10 gives the first 10 of 500, for every method, with and without MMR.
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        JobContext job;
        const Recommender rec(m_corpus, &m_songs, nullptr, RecommenderParams(), job);
        for (const double mmr : {1.0, 0.5}) {
            for (qint64 s = 0; s < 20; ++s) {
                RecommendRequest q;
                for (const qint32 *t = m_corpus.begin(s * 311); t != m_corpus.end(s * 311); ++t)
                    q.seeds.push_back(m_corpus.vocab[size_t(*t)]);
                q.mmrLambda = mmr;
                for (const RecommendMethod m :
                     {RecommendMethod::Popularity, RecommendMethod::Centroid, RecommendMethod::Attention,
                      RecommendMethod::Cooccurrence, RecommendMethod::PlaylistKnn, RecommendMethod::Blend}) {
                    q.n = 500;
                    const std::vector<Recommendation> full = rec.recommend(m, q);
                    q.n = 10;
                    const std::vector<Recommendation> head = rec.recommend(m, q);
                    QCOMPARE(head.size(), size_t(10));
                    for (size_t i = 0; i < head.size(); ++i)
                        QVERIFY2(head[i] == full[i],
                                 qPrintable(QStringLiteral("%1, mmr %2, query %3, rank %4")
                                                .arg(toString(m))
                                                .arg(mmr)
                                                .arg(s)
                                                .arg(i + 1)));
                }
            }
        }
    }

    void attentionKeepsEachMood()
    {
        // Two moods along e1 and e2, and a third cluster between them. The centroid of a playlist
        // holding both moods points between them; local activation keeps to the moods.
        EmbeddingSet set;
        set.dim = 8;
        Random rng(5);
        const auto add = [&](qint64 id, std::array<float, 2> direction) {
            set.ids.push_back(id);
            for (int d = 0; d < 8; ++d)
                set.vectors.push_back((d < 2 ? direction[size_t(d)] : 0.0f) + 0.05f * float(rng.normal()));
        };
        for (qint64 i = 0; i < 30; ++i)
            add(100 + i, {1, 0}); // mood A
        for (qint64 i = 0; i < 30; ++i)
            add(200 + i, {0, 1}); // mood B
        for (qint64 i = 0; i < 30; ++i)
            add(300 + i, {0.7071f, 0.7071f}); // in between
        Corpus c;
        c.offsets = {0};
        for (qint64 id : set.ids) {
            c.vocab.push_back(id);
            c.counts.push_back(1);
            c.tokens.push_back(qint32(c.vocab.size() - 1));
            c.offsets.push_back(qint64(c.tokens.size()));
            c.sequenceIds.push_back(id + 1000);
        }
        RecommenderParams params;
        params.center = false;
        params.tau = 0.5;
        params.gamma = 1;
        JobContext job;
        const Recommender rec(c, &set, nullptr, params, job);
        RecommendRequest q;
        q.seeds = {100, 101, 102, 200, 201, 202};
        q.n = 20;
        const auto between = [](const std::vector<Recommendation> &list) {
            return std::count_if(list.begin(), list.end(), [](const Recommendation &r) { return r.itemId >= 300; });
        };
        QVERIFY(between(rec.recommend(RecommendMethod::Centroid, q)) >= 18);
        const std::vector<Recommendation> attention = rec.recommend(RecommendMethod::Attention, q);
        QCOMPARE(between(attention), 0);
        const auto fromA = std::count_if(attention.begin(), attention.end(),
                                         [](const Recommendation &r) { return r.itemId < 200; });
        QVERIFY(fromA >= 6 && fromA <= 14); // both moods, not one
        for (const Recommendation &r : attention)
            QCOMPARE(r.becauseItemId / 100, r.itemId / 100); // the reason is a seed of the same mood

        // The weights themselves: w = max(0, cos − τ)^γ, not normalised.
        const std::vector<float> cosines {0.9f, 0.4f, 0.7f};
        const Activation a = localActivation(cosines, 0.5, 2);
        QVERIFY(std::abs(a.score - (0.16f * 0.9f + 0.04f * 0.7f)) < 1e-6f);
        QCOMPARE(a.strongestSeed, 0);
        QCOMPARE(localActivation(std::vector<float> {0.3f, 0.1f}, 0.5, 2).strongestSeed, -1);
    }

    void cooccurrenceCounts()
    {
        // Items 0..4: playlists {0,1,2}, {0,1}, {0,3,4,1}; item 1 with 0 co-occurs in 3 playlists.
        Corpus c;
        c.vocab = {10, 11, 12, 13, 14};
        c.counts = {3, 3, 1, 1, 1};
        c.tokens = {0, 1, 2, 0, 1, 0, 3, 4, 1};
        c.offsets = {0, 3, 5, 9};
        c.sequenceIds = {1, 2, 3};
        JobContext job;
        CooccurrenceOptions o;
        o.beta = 0.5;
        const CooccurrenceLists whole = buildCooccurrence(c, o, job);
        QCOMPARE(whole.playlists, (std::vector<qint64> {3, 3, 1, 1, 1}));
        // Item 0: with 1 in 3 playlists → 3 / √(3·3) = 1; with 2, 3, 4 once → 1 / √3.
        QCOMPARE(whole.neighbour[size_t(whole.offsets[0])], 1);
        QVERIFY(std::abs(whole.similarity[size_t(whole.offsets[0])] - 1.0f) < 1e-6f);
        QCOMPARE(whole.offsets[1] - whole.offsets[0], qint64(4));
        QVERIFY(std::abs(whole.similarity[size_t(whole.offsets[0]) + 1] - float(1 / std::sqrt(3.0))) < 1e-6f);
        // Window 1: in {0,3,4,1}, 0 and 4 or 0 and 1 are too far apart.
        o.window = 1;
        const CooccurrenceLists near = buildCooccurrence(c, o, job);
        std::set<qint32> ofZero(near.neighbour.begin() + near.offsets[0], near.neighbour.begin() + near.offsets[1]);
        QCOMPARE(ofZero, (std::set<qint32> {1, 3}));
        // 0 and 1 are neighbours in the first two playlists only: 2 / 3.
        QVERIFY(std::abs(near.similarity[size_t(near.offsets[0])] - 2.0f / 3.0f) < 1e-6f);
        // β = 1 divides by pop_i only: P(j | i).
        o.window = 0;
        o.beta = 1;
        o.threads = 1;
        const CooccurrenceLists conditional = buildCooccurrence(c, o, job);
        QVERIFY(std::abs(conditional.similarity[size_t(conditional.offsets[2])] - 1.0f) < 1e-6f);
        QCOMPARE(conditional.offsets, whole.offsets); // one thread or two, β aside: the same pairs
    }

    void playlistNeighbours()
    {
        // Playlists over items 0..5 (p1 repeats 3, which counts once):
        // p0 {0,1,2}, p1 {0,1,3,3}, p2 {1,4}, p3 {5}, p4 {0,2,5,1}.
        const std::vector<qint64> offsets {0, 3, 7, 9, 10, 14};
        const std::vector<qint32> members {0, 1, 2, 0, 1, 3, 3, 1, 4, 5, 0, 2, 5, 1};
        const PlaylistKnn knn(offsets, members, 6);
        QCOMPARE(knn.playlists(), qint64(5));
        const double idf0 = std::log1p(5.0 / 3.0), idf1 = std::log1p(5.0 / 4.0); // 0 in 3 playlists, 1 in 4
        const double both = idf0 + idf1;
        // Seeds {0, 1}, sim = shared idf / length: p0 = p1 = both/3 > p4 = both/4 > p2 = idf1/2.
        PlaylistKnnOptions o;
        o.lengthExponent = 1;
        o.power = 1;
        o.neighbours = 2;
        const std::vector<qint32> seeds {0, 1};
        const auto scoreOf = [](const std::vector<PlaylistKnnScore> &list, qint32 item) {
            for (const PlaylistKnnScore &s : list)
                if (s.item == item)
                    return double(s.score);
            return 0.0;
        };
        std::vector<PlaylistKnnScore> two = knn.score(seeds, o);
        QCOMPARE(two.size(), size_t(4)); // p0 and p1: 0, 1, 2, 3
        QVERIFY(std::abs(scoreOf(two, 0) - 2 * both / 3) < 1e-5);
        QVERIFY(std::abs(scoreOf(two, 2) - both / 3) < 1e-5);
        QVERIFY(std::abs(scoreOf(two, 3) - both / 3) < 1e-5);
        QCOMPARE(two[0].item, 0); // best first, ties by item
        QCOMPARE(two[1].item, 1);
        for (const PlaylistKnnScore &s : two)
            QCOMPARE(s.because, 0); // the rarer seed of the playlist

        o.neighbours = 3; // p4 joins: 2 gains, 5 appears; 4 (only with seed 1, in p2) stays out
        const std::vector<PlaylistKnnScore> three = knn.score(seeds, o);
        QVERIFY(std::abs(scoreOf(three, 2) - (both / 3 + both / 4)) < 1e-5);
        QVERIFY(std::abs(scoreOf(three, 5) - both / 4) < 1e-5);
        QCOMPARE(scoreOf(three, 4), 0.0);
        QCOMPARE(three[2].item, 2); // after the seeds, the item in two neighbours leads

        o.power = 2; // votes are sim²
        const std::vector<PlaylistKnnScore> squared = knn.score(seeds, o);
        QVERIFY(std::abs(scoreOf(squared, 2) - (std::pow(both / 3, 2) + std::pow(both / 4, 2))) < 1e-5);

        o.neighbours = 10;
        o.lengthExponent = 0; // without the length penalty p4 ties p0 and p1, p2 trails
        const std::vector<PlaylistKnnScore> all = knn.score(std::vector<qint32> {1}, o);
        QCOMPARE(all.size(), size_t(6)); // p0, p1, p2 and p4 hold 1, and between them every item
        QVERIFY(knn.score(std::vector<qint32> {}, o).empty());
        QVERIFY(knn.score(std::vector<qint32> {7, -1}, o).empty()); // unknown items are ignored
    }

    void exportRoundTrip_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("format");
        const QStringList sources {test::fixture(QStringLiteral("playlists/road-trip.m3u8")),
                                   test::fixture(QStringLiteral("playlists/evening.xspf")),
                                   test::fixture(QStringLiteral("playlists/spreadsheet.csv")),
                                   test::fixture(QStringLiteral("playlists/listening.tsv")),
                                   test::sharedData(QStringLiteral("mpd/mpd.slice.0-999.first29.json"))};
        for (const QString &source : sources)
            for (const char *format : {"m3u8", "xspf", "csv", "json"})
                QTest::newRow(qPrintable(QFileInfo(source).fileName() + u'>' + QLatin1String(format)))
                    << source << QString::fromLatin1(format);
    }

    void exportRoundTrip()
    {
        QFETCH(QString, source);
        QFETCH(QString, format);
        if (source.isEmpty() || !QFileInfo::exists(source))
            QSKIP("../shared/data is absent");
        io::PlaylistFormat f;
        QVERIFY(io::fromString(format, &f));
        QTemporaryDir dir;
        Project original(dir.filePath(QStringLiteral("original.orrery")));
        const auto imported = test::importInto(original, {source});
        QVERIFY2(imported.ok, qPrintable(imported.error));
        const auto playlists = playlistsOf(original, imported.datasetId);
        QVERIFY(!playlists.empty());
        int n = 0;
        for (const auto &[key, keys] : playlists) {
            const io::StoredPlaylist stored = io::loadPlaylist(original, key, imported.datasetId);
            QVERIFY(stored.itemId);
            io::PlaylistExport list;
            list.name = stored.name;
            list.entries = io::playlistEntries(original, stored.items, imported.datasetId);
            const QString file = dir.filePath(QStringLiteral("list%1.%2").arg(n++).arg(format));
            io::writePlaylist(file, list, f);
            Project again(dir.filePath(QStringLiteral("again%1.orrery").arg(n)));
            io::ImportOptions options;
            options.strict = true;
            const auto back = test::importInto(again, {file}, options);
            QVERIFY2(back.ok, qPrintable(file + u' ' + back.error));
            const auto reread = playlistsOf(again, back.datasetId);
            QCOMPARE(reread.size(), size_t(1));
            QCOMPARE(reread.front().second, keys);
            if (f == io::PlaylistFormat::Json) {
                // The MPD schema's other track fields come back too (attributes of the items).
                const auto attrsOf = [](Project &p, qint64 dataset) {
                    sql::Statement st(p.db(),
                                      "SELECT coalesce(json_extract(i.attrs, '$.artist_uri'), ''), "
                                      "coalesce(json_extract(i.attrs, '$.album_uri'), '') FROM dataset_item di "
                                      "JOIN item i ON i.id = di.item_id WHERE di.dataset_id = ?1 AND i.kind = 0 "
                                      "ORDER BY di.key");
                    st.bind(1, dataset);
                    QStringList out;
                    while (st.step())
                        out << st.columnText(0) + u'|' + st.columnText(1);
                    return out;
                };
                const QStringList exportedAttrs = attrsOf(again, back.datasetId);
                QStringList originalAttrs;
                for (const io::PlaylistEntry &e : list.entries)
                    if (!e.artistUri.isEmpty())
                        originalAttrs << e.artistUri + u'|' + e.albumUri;
                if (source.endsWith(u".json"))
                    QVERIFY(!originalAttrs.isEmpty()); // MPD tracks carry their URIs
                for (const QString &a : std::as_const(originalAttrs))
                    QVERIFY2(exportedAttrs.contains(a), qPrintable(a));
            }

            // Exported into the project it came from, every track is found again (no new items)
            // where the format can carry the track's identity.
            if (f != io::PlaylistFormat::M3u8 && f != io::PlaylistFormat::Json) {
                qint64 before = 0;
                {
                    sql::Statement st(original.db(), "SELECT count(*) FROM item WHERE kind = 0");
                    QVERIFY(st.step());
                    before = st.columnInt(0);
                }
                const auto same = test::importInto(original, {file}, options);
                QVERIFY2(same.ok, qPrintable(same.error));
                sql::Statement st(original.db(), "SELECT count(*) FROM item WHERE kind = 0");
                QVERIFY(st.step());
                QCOMPARE(st.columnInt(0), before);
            }
        }
    }

    void m3uRefusesKeysItCannotHold()
    {
        io::PlaylistExport list;
        io::PlaylistEntry e;
        e.key = QStringLiteral("#not a location");
        list.entries.push_back(e);
        QVERIFY_THROWS_EXCEPTION(Error, io::formatPlaylist(list, io::PlaylistFormat::M3u8));
        // The other formats carry it.
        for (const auto f : {io::PlaylistFormat::Xspf, io::PlaylistFormat::Csv, io::PlaylistFormat::Json})
            QVERIFY(io::formatPlaylist(list, f).contains("#not a location"));
        const QByteArray m3u = [] {
            io::PlaylistExport l;
            io::PlaylistEntry t;
            t.key = QStringLiteral("/music/a.flac");
            t.artist = QStringLiteral("Queen");
            t.title = QStringLiteral("Bohemian Rhapsody");
            t.duration = 354.4;
            l.name = QStringLiteral("Trip");
            l.entries.push_back(t);
            return io::formatPlaylist(l, io::PlaylistFormat::M3u8);
        }();
        QCOMPARE(m3u, QByteArray("#EXTM3U\n#PLAYLIST:Trip\n#EXTINF:354,Queen - Bohemian Rhapsody\n/music/a.flac\n"));

        // Control characters do not survive XML, CSV line-end normalisation or an M3U line: every
        // text format refuses them, naming the track and the character; JSON escapes them.
        const QString keys[] = {QStringLiteral("id\rx"), QStringLiteral("ctl\x01x"),
                                QStringLiteral("nul") + QChar(0) + QChar(u'x')};
        for (const QString &key : keys) {
            io::PlaylistExport l;
            io::PlaylistEntry ok, bad;
            ok.key = QStringLiteral("spotify:track:1");
            bad.key = key;
            l.entries = {ok, bad};
            for (const auto f : {io::PlaylistFormat::M3u8, io::PlaylistFormat::Xspf, io::PlaylistFormat::Csv}) {
                try {
                    io::formatPlaylist(l, f);
                    QFAIL(qPrintable(QStringLiteral("%1 wrote a key with a control character").arg(io::toString(f))));
                } catch (const Error &e) {
                    QVERIFY2(e.message().contains(QStringLiteral("track 2")), qPrintable(e.message()));
                }
            }
            const QJsonObject json = QJsonDocument::fromJson(io::formatPlaylist(l, io::PlaylistFormat::Json)).object();
            const QJsonArray playlists = json.value(QStringLiteral("playlists")).toArray();
            QCOMPARE(playlists.size(), 1);
            const QJsonArray tracks = playlists.first().toObject().value(QStringLiteral("tracks")).toArray();
            QCOMPARE(tracks.size(), 2);
            QCOMPARE(tracks[1].toObject().value(QStringLiteral("track_uri")).toString(), key);
        }
    }

    void playlistKeyInTwoDatasets()
    {
        // The same file imported twice: its playlist key is in both datasets, and a lookup without
        // a dataset must say so instead of picking one.
        const QString file = QStringLiteral(ORRERY_FIXTURES "/playlists/road-trip.m3u8");
        Project p(m_dir.filePath(QStringLiteral("twice.orrery")));
        io::ImportOptions a, b;
        a.dataset = QStringLiteral("first");
        b.dataset = QStringLiteral("second");
        const auto ra = test::importInto(p, {file}, a);
        const auto rb = test::importInto(p, {file}, b);
        QVERIFY2(ra.ok && rb.ok, qPrintable(ra.error + rb.error));
        const auto lists = playlistsOf(p, rb.datasetId);
        QVERIFY(!lists.empty());
        const QString key = lists.front().first;
        try {
            io::loadPlaylist(p, key);
            QFAIL("an ambiguous key was resolved silently");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("first, second")), qPrintable(e.message()));
        }
        QCOMPARE(io::loadPlaylist(p, key, rb.datasetId).datasetId, rb.datasetId);
        QCOMPARE(io::loadPlaylist(p, QStringLiteral("no such playlist")).itemId, qint64(0));
    }

    void queryLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("id"); // echoed id, empty when the line must be refused
        QTest::addColumn<QStringList>("seeds");
        QTest::addColumn<QString>("error"); // part of the message when refused
        QTest::newRow("plain") << QByteArray("{\"id\":\"a\",\"seeds\":[\"0\",\"x y\"]}") << QByteArray("\"a\"")
                               << QStringList {QStringLiteral("0"), QStringLiteral("x y")} << QString();
        QTest::newRow("long integer id keeps its digits")
            << QByteArray("{\"seeds\":[],\"id\":12345678901234567890}") << QByteArray("12345678901234567890")
            << QStringList {} << QString();
        QTest::newRow("object id, spaces, numbers as keys")
            << QByteArray("{ \"id\" : {\"user\": 7, \"n\": [1, 2]}, \"seeds\" : [3, \"4\"], \"negatives\": [\"5\"] }")
            << QByteArray("{\"user\":7,\"n\":[1,2]}") << QStringList {QStringLiteral("3"), QStringLiteral("4")}
            << QString();
        QTest::newRow("escaped text") << QByteArray("{\"id\":\"caf\\u00e9\",\"seeds\":[\"a\\\"b\"]}")
                                      << QByteArray("\"caf\xc3\xa9\"") << QStringList {QStringLiteral("a\"b")}
                                      << QString();
        QTest::newRow("invalid escape") << QByteArray("{\"id\":\"caf\\xe9\",\"seeds\":[]}") << QByteArray()
                                        << QStringList {} << QStringLiteral("invalid JSON");
        QTest::newRow("null") << QByteArray("null") << QByteArray() << QStringList {}
                              << QStringLiteral("expected a JSON object");
        QTest::newRow("a number") << QByteArray("42") << QByteArray() << QStringList {}
                                  << QStringLiteral("expected a JSON object");
        QTest::newRow("no id") << QByteArray("{\"seeds\":[]}") << QByteArray() << QStringList {}
                               << QStringLiteral("expected an \"id\"");
        QTest::newRow("seeds not an array") << QByteArray("{\"id\":1,\"seeds\":\"0,1\"}") << QByteArray()
                                            << QStringList {} << QStringLiteral("\"seeds\" to be an array");
        QTest::newRow("fraction as key") << QByteArray("{\"id\":1,\"seeds\":[1.5]}") << QByteArray() << QStringList {}
                                         << QStringLiteral("\"seeds\" to hold keys");
        QTest::newRow("boolean as key") << QByteArray("{\"id\":1,\"seeds\":[true]}") << QByteArray() << QStringList {}
                                        << QStringLiteral("\"seeds\" to hold keys");
        QTest::newRow("negatives not an array") << QByteArray("{\"id\":1,\"seeds\":[],\"negatives\":3}") << QByteArray()
                                                << QStringList {} << QStringLiteral("\"negatives\" to be an array");
        QTest::newRow("NaN") << QByteArray("{\"id\":NaN,\"seeds\":[]}") << QByteArray() << QStringList {}
                             << QStringLiteral("invalid JSON");
        QTest::newRow("trailing garbage") << QByteArray("{\"id\":1,\"seeds\":[]} x") << QByteArray() << QStringList {}
                                          << QStringLiteral("invalid JSON");
    }

    void queryLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, id);
        QFETCH(QStringList, seeds);
        QFETCH(QString, error);
        const QString where = QStringLiteral("q.jsonl:3: ");
        if (error.isEmpty()) {
            const io::QueryLine q = io::parseQueryLine(line, where);
            QCOMPARE(q.id, id);
            QCOMPARE(q.seeds, seeds);
            return;
        }
        try {
            io::parseQueryLine(line, where);
            QFAIL("the line was accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(where) && e.message().contains(error), qPrintable(e.message()));
        }
    }

    void verbsRefuseBadOutputs_data()
    {
        // Arguments after the project (written as PROJECT where it goes), the exit code and a
        // part of the message. None of them may change the project.
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString set = QStringLiteral("songs");
        QTest::newRow("recommend over the project")
            << QStringList {QStringLiteral("recommend"), QStringLiteral("PROJECT"),
                            QStringLiteral("--set"),     set,
                            QStringLiteral("--seeds"),   QStringLiteral("0"),
                            QStringLiteral("--format"),  QStringLiteral("m3u8"),
                            QStringLiteral("--out"),     QStringLiteral("PROJECT")}
            << 1 << QStringLiteral("refusing to write");
        QTest::newRow("recommend over the WAL")
            << QStringList {QStringLiteral("recommend"), QStringLiteral("PROJECT"),
                            QStringLiteral("--set"),     set,
                            QStringLiteral("--seeds"),   QStringLiteral("0"),
                            QStringLiteral("--format"),  QStringLiteral("csv"),
                            QStringLiteral("--out"),     QStringLiteral("PROJECT-wal")}
            << 1 << QStringLiteral("over the project");
        QTest::newRow("batch over its queries") << QStringList {QStringLiteral("recommend"), QStringLiteral("PROJECT"),
                                                                QStringLiteral("--set"),     set,
                                                                QStringLiteral("--queries"), QStringLiteral("Q"),
                                                                QStringLiteral("--out"),     QStringLiteral("Q")}
                                                << 1 << QStringLiteral("over the input");
        QTest::newRow("batch with a bad line") << QStringList {QStringLiteral("recommend"), QStringLiteral("PROJECT"),
                                                               QStringLiteral("--set"),     set,
                                                               QStringLiteral("--queries"), QStringLiteral("BAD"),
                                                               QStringLiteral("--out"),     QStringLiteral("OUT")}
                                               << 2 << QStringLiteral(":2: expected a JSON object");
        QTest::newRow("export over the project")
            << QStringList {QStringLiteral("export"), QStringLiteral("PROJECT"),  QStringLiteral("--playlist"),
                            QStringLiteral("0"),      QStringLiteral("--format"), QStringLiteral("csv"),
                            QStringLiteral("--out"),  QStringLiteral("PROJECT")}
            << 1 << QStringLiteral("refusing to write");
        QTest::newRow("export without a format or a known extension")
            << QStringList {QStringLiteral("export"), QStringLiteral("PROJECT"), QStringLiteral("--playlist"),
                            QStringLiteral("0"),      QStringLiteral("--out"),   QStringLiteral("OUT.txt")}
            << 1 << QStringLiteral("cannot tell the format");
        QTest::newRow("a set of playlist vectors")
            << QStringList {QStringLiteral("recommend"), QStringLiteral("PROJECT"), QStringLiteral("--set"),
                            QStringLiteral("playlists"), QStringLiteral("--seeds"), QStringLiteral("0")}
            << 2 << QStringLiteral("holds no song");
        QTest::newRow("mmr nan") << QStringList {QStringLiteral("recommend"), QStringLiteral("PROJECT"),
                                                 QStringLiteral("--set"),     set,
                                                 QStringLiteral("--seeds"),   QStringLiteral("0"),
                                                 QStringLiteral("--mmr"),     QStringLiteral("nan")}
                                 << 1 << QStringLiteral("--mmr expects");
        QTest::newRow("blend weights all zero")
            << QStringList {QStringLiteral("recommend"),       QStringLiteral("PROJECT"),
                            QStringLiteral("--set"),           set,
                            QStringLiteral("--seeds"),         QStringLiteral("0"),
                            QStringLiteral("--blend-weights"), QStringLiteral("0,0,0,0,0")}
            << 1 << QStringLiteral("not all 0");
        QTest::newRow("no method") << QStringList {QStringLiteral("evaluate"),  QStringLiteral("PROJECT"),
                                                   QStringLiteral("--dataset"), QStringLiteral("yes"),
                                                   QStringLiteral("--methods"), QStringLiteral(",")}
                                   << 1 << QStringLiteral("names no method");
    }

    void verbsRefuseBadOutputs()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString project = m_dir.filePath(QStringLiteral("refuse.orrery"));
        QFile::remove(project);
        QVERIFY(QFile::copy(m_yes, project));
        {
            Project p(project);
            EmbeddingSet playlists;
            playlists.name = QStringLiteral("playlists");
            playlists.datasetId = m_yesDataset;
            playlists.kind = ItemKind::Playlist;
            playlists.dim = 2;
            playlists.ids.assign(m_corpus.sequenceIds.begin(), m_corpus.sequenceIds.begin() + 50);
            playlists.method = QStringLiteral("mean");
            playlists.vectors.assign(100, 0.25f);
            saveEmbeddingSet(p, playlists);
        }
        const QString queries = m_dir.filePath(QStringLiteral("refuse-q.jsonl"));
        const QString bad = m_dir.filePath(QStringLiteral("refuse-bad.jsonl"));
        const QString outPath = m_dir.filePath(QStringLiteral("refuse-out"));
        test::writeFile(queries, "{\"id\":1,\"seeds\":[\"0\"]}\n");
        test::writeFile(bad, "{\"id\":1,\"seeds\":[\"0\"]}\n42\n");
        QFile::remove(outPath);
        QFile::remove(outPath + QStringLiteral(".txt"));
        for (QString &a : args) {
            a.replace(QStringLiteral("PROJECT"), project);
            if (a == u"Q")
                a = queries;
            else if (a == u"BAD")
                a = bad;
            else if (a.startsWith(u"OUT"))
                a.replace(QStringLiteral("OUT"), outPath);
        }
        const QByteArray before = [&] {
            Project p(project);
            return test::fingerprint(p);
        }();
        const QByteArray queriesBefore = test::fileBytes(queries);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(!QFileInfo::exists(outPath));
        QVERIFY(!QFileInfo::exists(outPath + QStringLiteral(".txt")));
        QCOMPARE(test::fileBytes(queries), queriesBefore);
        Project p(project);
        QCOMPARE(test::fingerprint(p), before);
    }

    void recommendVerbBatch()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        const QString in = m_dir.filePath(QStringLiteral("queries.jsonl"));
        const QString outPath = m_dir.filePath(QStringLiteral("answers.jsonl"));
        test::writeFile(in,
                        "{\"id\":\"a\",\"seeds\":[\"0\",\"1\",\"2\"]}\n"
                        "{\"id\":\"b\",\"seeds\":[\"5\",\"no such song\",\"also unknown\"]}\n"
                        "\n"
                        "{\"id\":7,\"seeds\":[\"nobody knows me\"]}\n"
                        "{\"id\":\"d\",\"seeds\":[]}\n");
        const Run r = cli({QStringLiteral("recommend"), m_yes, QStringLiteral("--set"), QStringLiteral("songs"),
                           QStringLiteral("--queries"), in, QStringLiteral("--out"), outPath, QStringLiteral("-n"),
                           QStringLiteral("40")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("3 unknown seeds"), r.err.constData());
        QVERIFY2(r.err.contains("2 queries without a known seed"), r.err.constData());
        const QList<QByteArray> lines = test::fileBytes(outPath).trimmed().split('\n');
        QCOMPARE(lines.size(), 4); // one per query; the blank line is no query
        std::vector<QJsonObject> answers;
        for (const QByteArray &line : lines)
            answers.push_back(QJsonDocument::fromJson(line).object());
        QCOMPARE(answers[0].value(QStringLiteral("id")).toString(), QStringLiteral("a"));
        QCOMPARE(answers[2].value(QStringLiteral("id")).toInt(), 7);
        Project p(m_yes);
        for (const QJsonObject &a : answers) {
            const QJsonArray items = a.value(QStringLiteral("items")).toArray();
            const QJsonArray scores = a.value(QStringLiteral("scores")).toArray();
            QCOMPARE(items.size(), 40);
            QCOMPARE(scores.size(), 40);
            for (const QJsonValue &v : items)
                QVERIFY(p.itemForKey(v.toString(), m_yesDataset)); // source keys as imported
        }
        for (const QJsonValue &v : answers[0].value(QStringLiteral("items")).toArray())
            QVERIFY(v.toString() != u"0" && v.toString() != u"1" && v.toString() != u"2");
        // No known seed: the popularity list, the same for both such queries.
        QCOMPARE(answers[2].value(QStringLiteral("items")), answers[3].value(QStringLiteral("items")));
        JobContext job;
        const Recommender rec = projectRecommender(p, &m_songs, m_yesDataset, RecommenderParams(), job);
        RecommendRequest none;
        none.n = 40;
        const std::vector<Recommendation> popular = rec.recommend(RecommendMethod::Popularity, none);
        const QJsonArray items = answers[3].value(QStringLiteral("items")).toArray();
        for (size_t i = 0; i < popular.size(); ++i)
            QCOMPARE(items[qsizetype(i)].toString(), itemKeys(p, {popular[i].itemId}, m_yesDataset).front());
        // Known seeds give something else than the popularity list.
        QVERIFY(answers[0].value(QStringLiteral("items")) != answers[3].value(QStringLiteral("items")));
    }

    void recommendVerbRejectsABadLine()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        const QString in = m_dir.filePath(QStringLiteral("bad.jsonl"));
        const QString outPath = m_dir.filePath(QStringLiteral("bad-out.jsonl"));
        test::writeFile(in, "{\"id\":\"a\",\"seeds\":[\"0\"]}\n{\"id\":\"b\",\"seeds\":[\"1\"\n");
        const Run r = cli({QStringLiteral("recommend"), m_yes, QStringLiteral("--set"), QStringLiteral("songs"),
                           QStringLiteral("--queries"), in, QStringLiteral("--out"), outPath});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("%1:2:").arg(in).toUtf8()), r.err.constData());
        QVERIFY(!QFileInfo::exists(outPath)); // nothing half-written
        test::writeFile(in, "{\"id\":\"a\",\"seeds\":\"0\"}\n");
        const Run notArray = cli({QStringLiteral("recommend"), m_yes, QStringLiteral("--set"), QStringLiteral("songs"),
                                  QStringLiteral("--queries"), in, QStringLiteral("--out"), outPath});
        QCOMPARE(notArray.exitCode, 2);
        QVERIFY2(notArray.err.contains(":1: expected \"seeds\" to be an array"), notArray.err.constData());
    }

    void recommendVerbOneList()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        const Run r = cli({QStringLiteral("recommend"), m_yes, QStringLiteral("--set"), QStringLiteral("songs"),
                           QStringLiteral("--seeds"), QStringLiteral("10,11,unknown-key"), QStringLiteral("-n"),
                           QStringLiteral("15"), QStringLiteral("--method"), QStringLiteral("attention")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.contains("unknown-key"));
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 15);
        for (const QByteArray &line : lines)
            QVERIFY2(line.contains("\tbecause you have ") || line.contains("\t0.0000\t"), line.constData());

        // A playlist's tracks as the seeds: none of them comes back.
        const Run fromPlaylist = cli({QStringLiteral("recommend"), m_yes, QStringLiteral("--set"),
                                      QStringLiteral("songs"), QStringLiteral("--playlist"), QStringLiteral("7"),
                                      QStringLiteral("-n"), QStringLiteral("10"), QStringLiteral("--json")});
        QVERIFY2(fromPlaylist.exitCode == 0, fromPlaylist.err.constData());
        const QJsonObject answer = QJsonDocument::fromJson(fromPlaylist.out).object();
        const QJsonArray seedKeys = answer.value(QStringLiteral("seeds")).toArray();
        QVERIFY(!seedKeys.isEmpty());
        QCOMPARE(answer.value(QStringLiteral("items")).toArray().size(), 10);
        for (const QJsonValue &item : answer.value(QStringLiteral("items")).toArray())
            QVERIFY(!seedKeys.contains(item.toObject().value(QStringLiteral("key"))));

        const QString file = m_dir.filePath(QStringLiteral("continuation.xspf"));
        const Run w = cli({QStringLiteral("recommend"), m_yes, QStringLiteral("--set"), QStringLiteral("songs"),
                           QStringLiteral("--seeds"), QStringLiteral("10,11"), QStringLiteral("-n"),
                           QStringLiteral("12"), QStringLiteral("--format"), QStringLiteral("xspf"),
                           QStringLiteral("--out"), file});
        QVERIFY2(w.exitCode == 0, w.err.constData());
        QTemporaryDir dir;
        Project back(dir.filePath(QStringLiteral("back.orrery")));
        const auto imported = test::importInto(back, {file});
        QVERIFY2(imported.ok, qPrintable(imported.error));
        QCOMPARE(playlistsOf(back, imported.datasetId).front().second.size(), 12);
    }

    void exportPlaylistVerb()
    {
        if (m_yes.isEmpty())
            QSKIP("../shared/data is absent");
        Project p(m_yes);
        const auto playlists = playlistsOf(p, m_yesDataset);
        const auto longest = std::max_element(playlists.begin(), playlists.end(), [](const auto &a, const auto &b) {
            return a.second.size() < b.second.size();
        });
        for (const QString &format :
             {QStringLiteral("m3u8"), QStringLiteral("xspf"), QStringLiteral("csv"), QStringLiteral("json")}) {
            const QString file = m_dir.filePath(QStringLiteral("exported.") + format);
            const Run r = cli({QStringLiteral("export"), m_yes, QStringLiteral("--playlist"), longest->first,
                               QStringLiteral("--dataset"), QStringLiteral("yes"), QStringLiteral("--format"), format,
                               QStringLiteral("--out"), file});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QString project = m_dir.filePath(QStringLiteral("reimported-%1.orrery").arg(format));
            const Run i = cli({QStringLiteral("import"), project, file, QStringLiteral("--strict")});
            QVERIFY2(i.exitCode == 0, i.err.constData());
            Project again(project);
            QCOMPARE(playlistsOf(again, again.datasets().front().id).front().second, longest->second);
        }
        const QByteArray m3u = test::fileBytes(m_dir.filePath(QStringLiteral("exported.m3u8")));
        QVERIFY(m3u.startsWith("#EXTM3U\n#PLAYLIST:"));
        QVERIFY(m3u.contains("#EXTINF:-1,")); // yes.com songs have artist and title but no duration
        const Run missing = cli({QStringLiteral("export"), m_yes, QStringLiteral("--playlist"),
                                 QStringLiteral("no such playlist"), QStringLiteral("--out"),
                                 m_dir.filePath(QStringLiteral("x.m3u8"))});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("no playlist has the key"));
    }
};

QTEST_GUILESS_MAIN(TestRecommend)
#include "tst_recommend.moc"
