// The neighbour index: recall of the HNSW graph on real songs and documents, the exact path,
// storage without a rebuild, item / items / vector / text queries, filters, cancel, and the
// index and neighbours verbs.
#include "testutil.h"

#include "base/embeddingset.h"
#include "base/random.h"
#include "embed/lsa.h"
#include "index/exactknn.h"
#include "index/knngraph.h"
#include "index/vectorindex.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>
#include <unordered_map>
#include <unordered_set>

using namespace orrery;

namespace {

/// `rows` points around `clusters` centres on a low-dimensional subspace, plus noise: shaped
/// like trained embeddings. Item ids are 1000 + row.
EmbeddingSet clusteredSet(qint64 rows, int dim, int clusters, quint64 seed)
{
    Random rng(seed);
    const int rank = std::min(dim, 12);
    Eigen::MatrixXf basis(rank, dim);
    for (int i = 0; i < rank; ++i)
        for (int d = 0; d < dim; ++d)
            basis(i, d) = float(rng.normal());
    Eigen::MatrixXf centres(clusters, rank);
    for (int c = 0; c < clusters; ++c)
        for (int i = 0; i < rank; ++i)
            centres(c, i) = float(rng.normal()) * 2;
    EmbeddingSet set;
    set.name = QStringLiteral("clustered");
    set.method = QStringLiteral("test");
    set.dim = dim;
    for (qint64 r = 0; r < rows; ++r) {
        set.ids.push_back(1000 + r);
        Eigen::RowVectorXf z = centres.row(int(rng.below(quint64(clusters))));
        for (int i = 0; i < rank; ++i)
            z(i) += float(rng.normal()) * 0.5f;
        const Eigen::RowVectorXf v = z * basis;
        for (int d = 0; d < dim; ++d)
            set.vectors.push_back(v(d) + 0.05f * float(rng.normal()));
    }
    return set;
}

/// Song vectors from yes_small's playlists: each song's playlist co-occurrence row, randomly
/// projected to `dim` dimensions (Σ over its playlists of the other songs' random codes,
/// each playlist weighted by 1/length). Songs that never share a playlist are left out.
EmbeddingSet cooccurrenceSet(Project &project, qint64 datasetId, int dim, quint64 seed)
{
    JobContext job;
    const Corpus c = loadCorpus(project, datasetId, job);
    Random rng(seed);
    std::vector<float> codes(c.vocab.size() * size_t(dim));
    for (float &v : codes)
        v = float(rng.normal());
    std::vector<float> sum(c.vocab.size() * size_t(dim), 0.0f);
    std::vector<float> playlist(static_cast<size_t>(dim));
    for (qint64 s = 0; s < c.sequences(); ++s) {
        const float weight = 1.0f / float(c.length(s));
        std::fill(playlist.begin(), playlist.end(), 0.0f);
        for (const qint32 *t = c.begin(s); t != c.end(s); ++t)
            for (int d = 0; d < dim; ++d)
                playlist[size_t(d)] += codes[size_t(*t) * size_t(dim) + size_t(d)];
        for (const qint32 *t = c.begin(s); t != c.end(s); ++t)
            for (int d = 0; d < dim; ++d)
                sum[size_t(*t) * size_t(dim) + size_t(d)] += weight
                    * (playlist[size_t(d)] - codes[size_t(*t) * size_t(dim) + size_t(d)]);
    }
    EmbeddingSet set;
    set.name = QStringLiteral("songs");
    set.datasetId = datasetId;
    set.kind = ItemKind::Track;
    set.method = QStringLiteral("cooccurrence-projection");
    set.dim = dim;
    for (size_t v = 0; v < c.vocab.size(); ++v) {
        const float *row = sum.data() + v * size_t(dim);
        if (std::all_of(row, row + dim, [](float x) { return std::abs(x) < 1e-6f; }))
            continue;
        set.ids.push_back(c.vocab[v]);
        set.vectors.insert(set.vectors.end(), row, row + dim);
    }
    return set;
}

/// BBC document vectors: TF-IDF rows randomly projected to `dim` dimensions.
EmbeddingSet tfidfSet(Project &project, qint64 datasetId, int dim, quint64 seed)
{
    JobContext job;
    const Corpus c = loadCorpus(project, datasetId, job);
    std::vector<qint32> df(c.vocab.size(), 0);
    std::unordered_map<qint32, int> tf;
    for (qint64 s = 0; s < c.sequences(); ++s) {
        tf.clear();
        for (const qint32 *t = c.begin(s); t != c.end(s); ++t)
            ++tf[*t];
        for (const auto &[word, n] : tf)
            ++df[size_t(word)];
    }
    Random rng(seed);
    std::vector<float> codes(c.vocab.size() * size_t(dim));
    for (float &v : codes)
        v = float(rng.normal());
    EmbeddingSet set;
    set.name = QStringLiteral("bbc-tfidf");
    set.datasetId = datasetId;
    set.kind = ItemKind::Document;
    set.method = QStringLiteral("tfidf-projection");
    set.dim = dim;
    set.ids = c.sequenceIds;
    set.vectors.assign(set.ids.size() * size_t(dim), 0.0f);
    const double docs = double(c.sequences());
    for (qint64 s = 0; s < c.sequences(); ++s) {
        tf.clear();
        for (const qint32 *t = c.begin(s); t != c.end(s); ++t)
            ++tf[*t];
        float *row = set.vectors.data() + s * dim;
        for (const auto &[word, n] : tf) {
            const float w = float((1.0 + std::log(double(n))) * std::log(docs / df[size_t(word)]));
            const float *code = codes.data() + size_t(word) * size_t(dim);
            for (int d = 0; d < dim; ++d)
                row[d] += w * code[d];
        }
    }
    return set;
}

bool sameResults(const std::vector<Neighbour> &a, const std::vector<Neighbour> &b)
{
    return a == b;
}

using test::Run;

Run cli(const QStringList &args)
{
    return test::cli(args, 120000);
}

} // namespace

class TestIndex final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_yesProject; ///< yes_small with the "songs" set saved, or empty without shared data

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString yes = test::sharedData(QStringLiteral("yes_small"));
        if (yes.isEmpty())
            return;
        m_yesProject = m_dir.filePath(QStringLiteral("yes.orrery"));
        Project p(m_yesProject);
        const auto r = test::importInto(p, {yes});
        QVERIFY2(r.ok, qPrintable(r.error));
        EmbeddingSet songs = cooccurrenceSet(p, r.datasetId, 64, 11);
        QVERIFY(songs.count() > 2500);
        saveEmbeddingSet(p, songs);
    }

    void exactPathEqualsExactKnn()
    {
        const EmbeddingSet set = clusteredSet(1500, 24, 12, 3);
        JobContext job;
        const RowMatrixXf data = set.matrix();
        // Two extra columns of truth: float rounding may swap rows whose similarities tie to 1e-6.
        const Neighbours truth = exactKnn(data, 12, job);
        const auto matches = [&](qint64 r, int j, qint64 row, float similarity) {
            for (int i = 0; i < 12; ++i)
                if (truth.of(r)[i] == row && std::abs(truth.similarity[size_t(r * 12 + i)] - similarity) < 1e-5f)
                    return std::abs(i - j) <= 2;
            return false;
        };
        const VectorIndex index = VectorIndex::build(set, IndexOptions {}, job);
        QVERIFY(index.isExact());
        QCOMPARE(index.recall(), 1.0);
        int same = 0;
        for (qint64 r = 0; r < set.count(); r += 7) {
            const auto found = index.ofItem(set.ids[size_t(r)], 10);
            QCOMPARE(found.size(), size_t(10));
            for (int j = 0; j < 10; ++j) {
                QVERIFY(matches(r, j, found[size_t(j)].row, found[size_t(j)].similarity));
                QCOMPARE(found[size_t(j)].itemId, set.ids[size_t(found[size_t(j)].row)]);
                same += found[size_t(j)].row == truth.of(r)[j];
            }
        }
        QVERIFY(same >= 0.97 * 10 * (set.count() / 7));
        // The graph of every row and the projections' entry point below its threshold: exactKnn itself.
        const Neighbours all = index.allRows(10, 2, job);
        QCOMPARE(all.k, 10);
        for (qint64 r = 0; r < set.count(); ++r)
            for (int j = 0; j < 10; ++j)
                QVERIFY(matches(r, j, all.of(r)[j], all.similarity[size_t(r * 10 + j)]));
        QCOMPARE(buildKnnGraph(data, 12, job).index, truth.index);
        // The public ground truth agrees too.
        const auto exact = exactSearch(set, data.topRows(20), 11, Metric::Cosine, 2, job);
        for (int r = 0; r < 20; ++r) {
            QCOMPARE(exact[size_t(r)].front().row, qint64(r)); // itself first
            for (int j = 0; j < 10; ++j)
                QVERIFY(matches(r, j, exact[size_t(r)][size_t(j + 1)].row, exact[size_t(r)][size_t(j + 1)].similarity));
        }

        // L2: the negated Euclidean distance, nearest first, as a brute force computes it.
        IndexOptions l2;
        l2.metric = Metric::L2;
        const VectorIndex euclid = VectorIndex::build(set, l2, job);
        const auto found = euclid.ofItem(set.ids[5], 5);
        std::vector<std::pair<float, qint64>> brute;
        for (qint64 r = 0; r < set.count(); ++r)
            if (r != 5)
                brute.emplace_back((data.row(r) - data.row(5)).norm(), r);
        std::sort(brute.begin(), brute.end());
        for (int j = 0; j < 5; ++j) {
            QCOMPARE(found[size_t(j)].row, brute[size_t(j)].second);
            QVERIFY(std::abs(-found[size_t(j)].similarity - brute[size_t(j)].first)
                    < 1e-3f * (1 + brute[size_t(j)].first));
        }
    }

    void hnswRecallOnSongs()
    {
        if (m_yesProject.isEmpty())
            QSKIP("../shared/data is absent");
        Project p(m_yesProject);
        const EmbeddingSet songs = loadEmbeddingSet(p, QStringLiteral("songs"));
        JobContext job;
        IndexOptions options;
        options.exactThreshold = 0; // force the graph
        options.checkRecall = true;
        const VectorIndex index = VectorIndex::build(songs, options, job);
        QVERIFY(!index.isExact());
        QVERIFY(index.ef() >= 16);
        QVERIFY2(index.recall() >= 0.98, qPrintable(QString::number(index.recall())));
        QVERIFY(!index.stats().value(u"tuning").toArray().isEmpty());
        const double heldOut = index.stats().value(u"held_out_recall").toDouble();
        qInfo("yes_small songs (%lld × 64): ef %d, sample recall@10 %.4f, held-out %.4f (build %.1f s, recall %.1f s)",
              songs.count(), index.ef(), index.recall(), heldOut, index.stats().value(u"build_seconds").toDouble(),
              index.stats().value(u"recall_seconds").toDouble());
        QVERIFY2(heldOut >= 0.97, qPrintable(QString::number(heldOut)));
    }

    void knnGraphAboveItsThreshold()
    {
        // The projections' kNN graph above its threshold goes through a throwaway HNSW graph.
        const EmbeddingSet set = clusteredSet(3000, 16, 30, 8);
        const RowMatrixXf data = set.matrix();
        JobContext job;
        const Neighbours approx = buildKnnGraph(data, 10, job, 0);
        const Neighbours truth = exactKnn(data, 10, job);
        QCOMPARE(approx.k, 10);
        qint64 hits = 0;
        for (qint64 r = 0; r < set.count(); ++r) {
            const qint32 *t = truth.of(r);
            for (int j = 0; j < 10; ++j) {
                QVERIFY(approx.of(r)[j] != r);
                QVERIFY(j == 0 || approx.similarity[size_t(r * 10 + j)] <= approx.similarity[size_t(r * 10 + j - 1)]);
                hits += std::find(t, t + 10, approx.of(r)[j]) != t + 10
                    || approx.similarity[size_t(r * 10 + j)] >= truth.similarity[size_t(r * 10 + 9)] - 1e-5f;
            }
        }
        const double recall = double(hits) / double(set.count() * 10);
        qInfo("kNN graph of 3000 × 16 through HNSW: recall@10 %.4f", recall);
        QVERIFY2(recall >= 0.95, qPrintable(QString::number(recall)));
    }

    void hnswRecallOnDocumentsAndFilters()
    {
        ORRERY_REQUIRE_SHARED("bbc");
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("bbc.orrery")));
        const auto r = test::importInto(p, {shared});
        QVERIFY2(r.ok, qPrintable(r.error));
        EmbeddingSet docs = tfidfSet(p, r.datasetId, 128, 5);
        QCOMPARE(docs.count(), 2225);
        saveEmbeddingSet(p, docs);
        JobContext job;
        IndexOptions options;
        options.exactThreshold = 0;
        const VectorIndex index = VectorIndex::build(docs, options, job);
        qInfo("bbc TF-IDF projection (2225 × 128): ef %d, recall@10 %.4f", index.ef(), index.recall());
        QVERIFY2(index.recall() >= 0.98, qPrintable(QString::number(index.recall())));

        // Filter by a label: every result is a sport article, and over-fetching (the admitted
        // rows are not scanned when scanBelow is 0) still finds k of them.
        const std::vector<QString> labels = itemLabels(p, docs.ids);
        RowFilter sport = index.filter(p, IndexFilter {0, QStringLiteral("sport"), {}, {}});
        QCOMPARE(qint64(sport.rows.size()), qint64(std::count(labels.begin(), labels.end(), QStringLiteral("sport"))));
        const qint64 business = qint64(std::find(labels.begin(), labels.end(), QStringLiteral("business"))
                                       - labels.begin());
        for (const qint64 scanBelow : {qint64(4096), qint64(0)}) {
            sport.scanBelow = scanBelow;
            const auto found = index.ofItem(docs.ids[size_t(business)], 20, &sport);
            QCOMPARE(found.size(), size_t(20));
            for (const Neighbour &n : found)
                QCOMPARE(labels[size_t(n.row)], QStringLiteral("sport"));
            QVERIFY(std::is_sorted(found.begin(), found.end(),
                                   [](const Neighbour &a, const Neighbour &b) { return a.similarity > b.similarity; }));
        }
        QVERIFY_THROWS_EXCEPTION(Error, index.filter(p, IndexFilter {0, QStringLiteral("no such tag"), {}, {}}));
    }

    void saveAndLoadWithoutRebuilding()
    {
        if (m_yesProject.isEmpty())
            QSKIP("../shared/data is absent");
        JobContext job;
        IndexOptions options;
        options.exactThreshold = 0;
        options.recallQueries = 300;
        options.efConstruction = 64; // recall is not the point here
        std::vector<std::vector<Neighbour>> before;
        qint64 setId = 0;
        const QString sideFile = m_yesProject + QStringLiteral(".indexes/");
        {
            Project p(m_yesProject);
            const EmbeddingSet songs = loadEmbeddingSet(p, QStringLiteral("songs"));
            setId = songs.id;
            QVERIFY(!VectorIndex::load(p, songs)); // nothing stored yet
            const VectorIndex index = VectorIndex::build(songs, options, job);
            QVERIFY(index.save(p).isEmpty()); // small: inline
            for (qint64 r = 0; r < songs.count(); r += 101)
                before.push_back(index.ofItem(songs.ids[size_t(r)], 10));
        }
        const auto check = [&](Project &p) {
            const EmbeddingSet songs = loadEmbeddingSet(p, QStringLiteral("songs"));
            const std::optional<VectorIndex> loaded = VectorIndex::load(p, songs, Metric::Cosine);
            QVERIFY(loaded.has_value());
            QVERIFY(!loaded->isExact());
            QCOMPARE(loaded->count(), songs.count());
            QVERIFY(loaded->ef() >= 16);
            QVERIFY(loaded->recall() >= 0.98);
            size_t i = 0;
            for (qint64 r = 0; r < songs.count(); r += 101)
                QVERIFY(sameResults(loaded->ofItem(songs.ids[size_t(r)], 10), before[i++]));
        };
        {
            Project p(m_yesProject); // reopened
            check(p);
            sql::Statement st(p.db(), "SELECT count(*), count(data), count(path), min(kind) FROM index_blob");
            QVERIFY(st.step());
            QCOMPARE(st.columnInt(0), 1);
            QCOMPARE(st.columnInt(1), 1);
            QCOMPARE(st.columnInt(2), 0);
            QCOMPARE(st.columnText(3), QStringLiteral("hnsw"));
            // A side file instead (as for indexes of 64 MB and more): the reloaded graph goes there.
            const EmbeddingSet songs = loadEmbeddingSet(p, QStringLiteral("songs"));
            const std::optional<VectorIndex> loaded = VectorIndex::load(p, songs);
            const QString file = loaded->save(p, 0);
            QCOMPARE(file, sideFile + QStringLiteral("%1-cosine.hnsw").arg(setId));
            QVERIFY(QFileInfo::exists(file));
        }
        {
            Project p(m_yesProject);
            check(p);
            sql::Statement st(p.db(), "SELECT count(*), count(data), min(path) FROM index_blob");
            QVERIFY(st.step());
            QCOMPARE(st.columnInt(0), 1);
            QCOMPARE(st.columnInt(1), 0);
            QCOMPARE(st.columnText(2), QStringLiteral("yes.orrery.indexes/%1-cosine.hnsw").arg(setId));
            // Replacing it inline deletes the side file; an L2 index is stored beside it.
            const EmbeddingSet songs = loadEmbeddingSet(p, QStringLiteral("songs"));
            VectorIndex::load(p, songs)->save(p);
            QVERIFY(!QFileInfo::exists(sideFile + QStringLiteral("%1-cosine.hnsw").arg(setId)));
            IndexOptions l2 = options;
            l2.metric = Metric::L2;
            VectorIndex::build(songs, l2, job).save(p);
            QVERIFY(VectorIndex::load(p, songs, Metric::Cosine)->metric() == Metric::Cosine);
            QVERIFY(VectorIndex::load(p, songs, Metric::L2)->metric() == Metric::L2);
            QVERIFY(VectorIndex::load(p, songs)->metric() == Metric::L2); // the newest
            sql::Statement count(p.db(), "SELECT count(*) FROM index_blob");
            QVERIFY(count.step());
            QCOMPARE(count.columnInt(0), 2);
        }
        {
            Project p(m_yesProject);
            check(p);
            // A set that changed under its index makes it stale.
            EmbeddingSet songs = loadEmbeddingSet(p, QStringLiteral("songs"));
            songs.ids.pop_back();
            songs.vectors.resize(songs.vectors.size() - size_t(songs.dim));
            QVERIFY(!VectorIndex::load(p, songs));
            songs = loadEmbeddingSet(p, QStringLiteral("songs"));
            std::swap(songs.ids[0], songs.ids[1]);
            QVERIFY(!VectorIndex::load(p, songs));
            // Clean up for the other tests: the set's indexes go with it.
            sql::exec(p.db(), "DELETE FROM index_blob");
        }
    }

    void loadOrBuildSavesAsAsked_data()
    {
        QTest::addColumn<int>("save");
        QTest::addColumn<bool>("graph");
        QTest::addColumn<QString>("stored"); ///< the index_blob kind afterwards, or empty
        QTest::newRow("never, graph") << int(SaveBuilt::Never) << true << QString();
        QTest::newRow("never, exact") << int(SaveBuilt::Never) << false << QString();
        QTest::newRow("always, graph") << int(SaveBuilt::Always) << true << QStringLiteral("hnsw");
        QTest::newRow("always, exact") << int(SaveBuilt::Always) << false << QStringLiteral("exact");
        QTest::newRow("graph only, graph") << int(SaveBuilt::GraphOnly) << true << QStringLiteral("hnsw");
        QTest::newRow("graph only, exact") << int(SaveBuilt::GraphOnly) << false << QString();
    }

    void loadOrBuildSavesAsAsked()
    {
        QFETCH(int, save);
        QFETCH(bool, graph);
        QFETCH(QString, stored);
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("a.orrery")));
        EmbeddingSet set = clusteredSet(800, 16, 8, 21);
        saveEmbeddingSet(p, set);
        IndexOptions options;
        options.exactThreshold = graph ? 0 : 20000;
        options.recallQueries = 100;
        options.efConstruction = 48;
        JobContext job;
        bool built = false;
        int announced = 0;
        const VectorIndex index = VectorIndex::loadOrBuild(p, set, Metric::Cosine, options, SaveBuilt(save), job,
                                                           &built, [&] { ++announced; });
        QVERIFY(built);
        QCOMPARE(announced, 1);
        QCOMPARE(index.isExact(), !graph);
        QCOMPARE(index.count(), set.count());
        sql::Statement st(p.db(), "SELECT count(*), coalesce(min(kind), '') FROM index_blob WHERE set_id = ?");
        st.bind(1, set.id);
        QVERIFY(st.step());
        QCOMPARE(st.columnInt(0), stored.isEmpty() ? 0 : 1);
        QCOMPARE(st.columnText(1), stored);
        QCOMPARE(VectorIndex::load(p, set, Metric::Cosine).has_value(), !stored.isEmpty());
    }

    void loadOrBuildLoadsAStoredIndexAndHonoursTheMetric()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("a.orrery")));
        EmbeddingSet set = clusteredSet(900, 16, 10, 23);
        saveEmbeddingSet(p, set);
        IndexOptions options;
        options.exactThreshold = 0;
        options.recallQueries = 100;
        options.efConstruction = 48;
        JobContext job;
        const VectorIndex first = VectorIndex::build(set, options, job);
        first.save(p);

        // Stored: loaded as it is, however the options differ, and nothing is built or written.
        IndexOptions other = options;
        other.exactThreshold = 20000; // would build an exact index
        other.M = 4;
        bool built = true;
        int announced = 0;
        const VectorIndex loaded = VectorIndex::loadOrBuild(p, set, Metric::Cosine, other, SaveBuilt::Always, job,
                                                            &built, [&] { ++announced; });
        QVERIFY(!built);
        QCOMPARE(announced, 0);
        QVERIFY(!loaded.isExact());
        QCOMPARE(loaded.ef(), first.ef());
        for (qint64 r = 0; r < set.count(); r += 97)
            QVERIFY(sameResults(loaded.ofItem(set.ids[size_t(r)], 10), first.ofItem(set.ids[size_t(r)], 10)));
        // Any metric: the stored cosine one.
        QVERIFY(VectorIndex::loadOrBuild(p, set, std::nullopt, other, SaveBuilt::Never, job, &built).metric()
                == Metric::Cosine);
        QVERIFY(!built);

        // An L2 index is not the cosine one: built with L2 although the options say cosine, and stored beside it.
        const VectorIndex euclid = VectorIndex::loadOrBuild(p, set, Metric::L2, other, SaveBuilt::Always, job, &built);
        QVERIFY(built);
        QVERIFY(euclid.metric() == Metric::L2);
        QVERIFY(euclid.isExact()); // other's threshold
        QVERIFY(VectorIndex::load(p, set, Metric::L2));
        QVERIFY(VectorIndex::load(p, set, Metric::Cosine));
        QVERIFY(VectorIndex::loadOrBuild(p, set, Metric::L2, options, SaveBuilt::Never, job, &built).metric()
                == Metric::L2);
        QVERIFY(!built);

        // No metric asked for and none stored: the options' metric.
        EmbeddingSet fresh = clusteredSet(300, 8, 4, 29);
        fresh.name = QStringLiteral("fresh");
        saveEmbeddingSet(p, fresh);
        IndexOptions l2 = other;
        l2.metric = Metric::L2;
        QVERIFY(VectorIndex::loadOrBuild(p, fresh, std::nullopt, l2, SaveBuilt::Never, job, &built).metric()
                == Metric::L2);
        QVERIFY(built);
        QVERIFY(!VectorIndex::load(p, fresh));

        // A set that was never stored (no id) is built and cannot be saved unless asked not to.
        EmbeddingSet bare = clusteredSet(200, 8, 4, 31);
        QVERIFY(VectorIndex::loadOrBuild(p, bare, std::nullopt, other, SaveBuilt::Never, job, &built).isExact());
        QVERIFY(built);
        QVERIFY_THROWS_EXCEPTION(Error, VectorIndex::loadOrBuild(p, bare, std::nullopt, other, SaveBuilt::Always, job));
    }

    void sideFilesGoWithTheirSet()
    {
        JobContext job;
        IndexOptions options;
        options.exactThreshold = 0;
        options.recallQueries = 0;
        options.efConstruction = 32;
        Project p(m_yesProject);
        EmbeddingSet copy = loadEmbeddingSet(p, QStringLiteral("songs"));
        copy.name = QStringLiteral("songs copy");
        copy.id = 0;
        saveEmbeddingSet(p, copy);
        const QString first = VectorIndex::build(copy, options, job).save(p, 0);
        QVERIFY(QFileInfo::exists(first));
        // Replacing the set drops its index row (cascade) and, after the commit, its file.
        saveEmbeddingSet(p, copy, true);
        QVERIFY(!QFileInfo::exists(first));
        const QString second = VectorIndex::build(copy, options, job).save(p, 0);
        QVERIFY(QFileInfo::exists(second));
        // A file no row names (say, from a crash between the two) goes too; a save in progress stays.
        const QString stray = p.indexFolder() + QStringLiteral("/999999-cosine.hnsw");
        const QString inProgress = second + QStringLiteral(".tmp4242");
        test::writeFile(stray, "x");
        test::writeFile(inProgress, "x");
        QVERIFY(deleteEmbeddingSet(p, QStringLiteral("songs copy")));
        QVERIFY(!deleteEmbeddingSet(p, QStringLiteral("songs copy")));
        QVERIFY(!QFileInfo::exists(second));
        QVERIFY(!QFileInfo::exists(stray));
        QVERIFY(QFileInfo::exists(inProgress));
        QFile::remove(inProgress);
        QCOMPARE(p.removeUnreferencedIndexFiles(), 0);
        QVERIFY(!QDir(p.indexFolder()).exists()); // the empty folder went too
        QVERIFY_THROWS_EXCEPTION(Error, loadEmbeddingSet(p, QStringLiteral("songs copy")));
    }

    void queriesOnSongs()
    {
        if (m_yesProject.isEmpty())
            QSKIP("../shared/data is absent");
        Project p(m_yesProject);
        const EmbeddingSet songs = loadEmbeddingSet(p, QStringLiteral("songs"));
        JobContext job;
        IndexOptions options;
        options.exactThreshold = 0;
        options.recallQueries = 300;
        options.efConstruction = 64; // recall is not the point here
        const VectorIndex index = VectorIndex::build(songs, options, job);
        IndexOptions exactOptions;
        const VectorIndex exact = VectorIndex::build(songs, exactOptions, job);
        QVERIFY(exact.isExact());

        // An item: itself excluded, nearest first.
        const qint64 seed = songs.ids[42];
        const auto ofItem = index.ofItem(seed, 10);
        QCOMPARE(ofItem.size(), size_t(10));
        for (const Neighbour &n : ofItem)
            QVERIFY(n.itemId != seed);
        QVERIFY(std::is_sorted(ofItem.begin(), ofItem.end(),
                               [](const Neighbour &a, const Neighbour &b) { return a.similarity > b.similarity; }));
        QVERIFY_THROWS_EXCEPTION(Error, index.ofItem(-5, 10));

        // A raw vector: the row it came from is its nearest neighbour.
        const auto ofVector = index.ofVector(songs.row(42), 3);
        QCOMPARE(ofVector.front().itemId, seed);
        QVERIFY(std::abs(ofVector.front().similarity - 1.0f) < 1e-4f);

        // A set of items: the normalised centroid, the seeds excluded; the graph agrees with exact search.
        const std::vector<qint64> seeds {songs.ids[10], songs.ids[11], songs.ids[500], songs.ids[10]};
        const auto ofItems = index.ofItems(seeds, 10);
        const auto exactItems = exact.ofItems(seeds, 10);
        QCOMPARE(ofItems.size(), size_t(10));
        int agree = 0;
        for (const Neighbour &n : ofItems) {
            QVERIFY(std::find(seeds.begin(), seeds.end(), n.itemId) == seeds.end());
            agree += std::any_of(exactItems.begin(), exactItems.end(),
                                 [&](const Neighbour &e) { return e.row == n.row; });
        }
        QVERIFY(agree >= 8);
        // The centroid by hand.
        Eigen::VectorXf centroid = Eigen::VectorXf::Zero(songs.dim);
        for (const qint64 row : {10, 11, 500})
            centroid += songs.matrix().row(row).normalized().transpose();
        const std::vector<float> c(centroid.data(), centroid.data() + centroid.size());
        const std::vector<qint64> seedRows {10, 11, 500};
        const auto byHand = exact.ofVector(c, 10, nullptr, seedRows);
        for (size_t j = 0; j < 10; ++j) // the same ranking, up to rows whose similarities tie to 1e-5
            QVERIFY(byHand[j].row == exactItems[j].row
                    || std::abs(byHand[j].similarity - exactItems[j].similarity) < 1e-5f);

        // Filter by dataset: a second dataset holding every seventh song.
        sql::exec(p.db(), "INSERT INTO dataset(name, kind, format) VALUES('picked', 'playlists', 'test')");
        const qint64 picked = p.datasetId(QStringLiteral("picked"));
        {
            sql::Statement add(p.db(), "INSERT INTO dataset_item(dataset_id, item_id, key) VALUES(?, ?, ?)");
            for (qint64 r = 0; r < songs.count(); r += 7)
                add.bind(1, picked).bind(2, songs.ids[size_t(r)]).bind(3, QString::number(r)).exec();
        }
        std::unordered_set<qint64> inPicked;
        for (qint64 r = 0; r < songs.count(); r += 7)
            inPicked.insert(songs.ids[size_t(r)]);
        RowFilter byDataset = index.filter(p, IndexFilter {picked, {}, {}, {}});
        QCOMPARE(qint64(byDataset.rows.size()), qint64(inPicked.size()));
        for (const qint64 scanBelow : {qint64(4096), qint64(0)}) {
            byDataset.scanBelow = scanBelow;
            for (const qint64 item : {songs.ids[1], songs.ids[100], songs.ids[2000]}) {
                const auto found = index.ofItem(item, 10, &byDataset);
                QCOMPARE(found.size(), size_t(10)); // over-fetching still finds k
                for (const Neighbour &n : found)
                    QVERIFY(inPicked.count(n.itemId));
            }
        }

        // Filter by tag: the most common tag among the songs.
        const ItemTags tags = itemTags(p, songs.ids);
        std::vector<int> uses(tags.names.size(), 0);
        for (const auto &list : tags.perItem)
            for (const qint32 t : list)
                ++uses[size_t(t)];
        const size_t common = size_t(std::max_element(uses.begin(), uses.end()) - uses.begin());
        const QString tag = tags.names[common];
        RowFilter byTag = index.filter(p, IndexFilter {0, tag, {}, {}});
        QCOMPARE(qint64(byTag.rows.size()), qint64(uses[common]));
        byTag.scanBelow = 0;
        const auto tagged = index.ofItem(songs.ids[7], 10, &byTag);
        QCOMPARE(tagged.size(), size_t(10));
        for (const Neighbour &n : tagged) {
            const auto &list = tags.perItem[size_t(n.row)];
            QVERIFY(std::find(list.begin(), list.end(), qint32(common)) != list.end());
        }
        // Both at once.
        const RowFilter both = index.filter(p, IndexFilter {picked, tag, {}, {}});
        for (const qint64 row : both.rows) {
            QVERIFY(inPicked.count(songs.ids[size_t(row)]));
            QVERIFY(byTag.accepts(row));
        }

        // Filter by attribute: yes_small records each song's appearance count.
        sql::Statement st(p.db(), "SELECT json_extract(attrs, '$.appearances') FROM item WHERE id = ?");
        st.bind(1, songs.ids[3]);
        QVERIFY(st.step());
        const qint64 appearances = st.columnInt(0);
        const RowFilter byAttr = index.filter(
            p, IndexFilter {0, {}, QStringLiteral("appearances"), QString::number(appearances)});
        QVERIFY(byAttr.accepts(3));
        QVERIFY(byAttr.rows.size() < size_t(songs.count()));
        for (const Neighbour &n : index.ofItem(songs.ids[3], 5, &byAttr)) {
            st.reset();
            st.bind(1, n.itemId);
            QVERIFY(st.step());
            QCOMPARE(st.columnInt(0), appearances);
        }
        st.reset();
        sql::exec(p.db(), "DELETE FROM dataset WHERE name = 'picked'");
    }

    void textQueries()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("text.orrery")));
        // One document per line: two about music, two about football.
        test::writeFile(dir.filePath(QStringLiteral("docs.txt")),
                        "The guitar and the drums\n"
                        "Bass guitar, drums, violin\n"
                        "A goal in the football match\n"
                        "Football: the match and the goal\n");
        const auto r = test::importInto(p, {dir.filePath(QStringLiteral("docs.txt"))});
        QVERIFY2(r.ok, qPrintable(r.error));
        // A tiny word-vector set: music words near e0, football words near e1, the rest near e2.
        EmbeddingSet words;
        words.name = QStringLiteral("words");
        words.kind = ItemKind::Word;
        words.method = QStringLiteral("test");
        words.dim = 4;
        words.datasetId = r.datasetId;
        const std::vector<qint64> wordIds = datasetItems(p, r.datasetId, ItemKind::Word);
        const std::vector<QString> wordKeys = itemKeys(p, wordIds, r.datasetId);
        const QSet<QString> music {QStringLiteral("guitar"), QStringLiteral("drums"), QStringLiteral("bass"),
                                   QStringLiteral("violin")};
        const QSet<QString> sport {QStringLiteral("goal"), QStringLiteral("football"), QStringLiteral("match")};
        Random rng(3);
        for (size_t i = 0; i < wordIds.size(); ++i) {
            const int axis = music.contains(wordKeys[i]) ? 0 : sport.contains(wordKeys[i]) ? 1 : 2;
            if (wordKeys[i] == u"violin")
                continue; // a word the set does not know
            words.ids.push_back(wordIds[i]);
            for (int d = 0; d < 4; ++d)
                words.vectors.push_back((d == axis ? 1.0f : 0.0f) + 0.1f * float(rng.normal()));
        }
        saveEmbeddingSet(p, words);
        // Documents: the mean of their known words' vectors, pooled from "words".
        JobContext job;
        const Corpus c = loadCorpus(p, r.datasetId, job);
        EmbeddingSet docs;
        docs.name = QStringLiteral("docs");
        docs.kind = ItemKind::Document;
        docs.method = QStringLiteral("mean");
        docs.params = QJsonObject {{QStringLiteral("from"), QStringLiteral("words")}};
        docs.dim = 4;
        docs.ids = c.sequenceIds;
        for (qint64 s = 0; s < c.sequences(); ++s) {
            Eigen::RowVector4f sum = Eigen::RowVector4f::Zero();
            int n = 0;
            for (const qint32 *t = c.begin(s); t != c.end(s); ++t) {
                const auto it = std::find(words.ids.begin(), words.ids.end(), c.vocab[size_t(*t)]);
                if (it != words.ids.end()) {
                    sum += words.matrix().row(it - words.ids.begin());
                    ++n;
                }
            }
            sum /= float(std::max(1, n));
            docs.vectors.insert(docs.vectors.end(), sum.data(), sum.data() + 4);
        }
        saveEmbeddingSet(p, docs);

        const TextQuery q = textQuery(p, docs, QStringLiteral("GUITAR drums, violin and zzyzx"));
        QCOMPARE(q.words, (QStringList {QStringLiteral("guitar"), QStringLiteral("drums"), QStringLiteral("and")}));
        QCOMPARE(q.skipped, (QStringList {QStringLiteral("violin"), QStringLiteral("zzyzx")}));
        QCOMPARE(q.vector.size(), size_t(4));
        const VectorIndex docIndex = VectorIndex::build(docs, IndexOptions {}, job);
        const auto found = docIndex.ofVector(q.vector, 2);
        const std::vector<QString> docKeys = itemKeys(p, {found[0].itemId, found[1].itemId}, r.datasetId);
        QVERIFY(QSet<QString>(docKeys.begin(), docKeys.end())
                == (QSet<QString> {QStringLiteral("1"), QStringLiteral("2")})); // line numbers

        // A word set is averaged directly.
        const TextQuery w = textQuery(p, words, QStringLiteral("Football"));
        QCOMPARE(w.words, QStringList {QStringLiteral("football")});
        const VectorIndex wordIndex = VectorIndex::build(words, IndexOptions {}, job);
        const auto near = wordIndex.ofVector(w.vector, 3);
        QCOMPARE(itemKeys(p, {near[0].itemId}).front(), QStringLiteral("football"));
        for (const Neighbour &n : near)
            QVERIFY(sport.contains(itemKeys(p, {n.itemId}).front()));
        // Nothing known: an empty vector; a set without a word space: an error.
        QVERIFY(textQuery(p, words, QStringLiteral("zzyzx")).vector.empty());
        EmbeddingSet plain = docs;
        plain.params = {};
        QVERIFY_THROWS_EXCEPTION(Error, textQuery(p, plain, QStringLiteral("guitar")));
    }

    void textQueriesOnLsaDocuments()
    {
        // LSA documents are searched by folding typed text into their space: a document's own
        // text finds the document itself, and a topic's words find that topic.
        ORRERY_REQUIRE_SHARED("bbc");
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("bbc.orrery")));
        const io::ImportResult r = test::importInto(p, {shared});
        QVERIFY2(r.ok, qPrintable(r.error));
        JobContext job;
        EmbeddingSet terms;
        EmbeddingSet docs = lsaDocuments(p, r.datasetId, {}, job, nullptr, &terms);
        docs.name = QStringLiteral("bbc/lsa");
        saveLsaSets(p, docs, terms, false);
        const EmbeddingSet stored = loadEmbeddingSet(p, QStringLiteral("bbc/lsa"));
        QCOMPARE(stored.params.value(u"query_terms").toString(), QStringLiteral("bbc/lsa/terms"));
        QCOMPARE(int(loadEmbeddingSet(p, QStringLiteral("bbc/lsa/terms")).kind), int(ItemKind::Word));
        const VectorIndex index = VectorIndex::build(stored, IndexOptions {}, job);

        int self = 0, asked = 0;
        sql::Statement body(p.db(), "SELECT body FROM item WHERE id = ?");
        for (qint64 row = 0; row < stored.count(); row += 45) {
            body.bind(1, stored.ids[size_t(row)]);
            QVERIFY(body.step());
            const TextQuery q = textQuery(p, stored, body.columnText(0));
            body.reset();
            QVERIFY(!q.vector.empty());
            self += index.ofVector(q.vector, 1).front().itemId == stored.ids[size_t(row)];
            ++asked;
        }
        qInfo("bbc LSA: a document's own text finds it first for %d of %d documents", self, asked);
        QVERIFY2(self >= asked * 9 / 10, qPrintable(QString::number(self)));

        const TextQuery sport = textQuery(p, stored,
                                          QStringLiteral("The striker scored twice as the club won the league"));
        const auto found = index.ofVector(sport.vector, 10);
        std::vector<qint64> ids;
        for (const Neighbour &n : found)
            ids.push_back(n.itemId);
        const std::vector<QString> labels = itemLabels(p, ids);
        const auto sportDocs = std::count(labels.begin(), labels.end(), QStringLiteral("sport"));
        QVERIFY2(sportDocs >= 9, qPrintable(QString::number(sportDocs)));
    }

    void cancelWithin200ms()
    {
        ORRERY_TIMING_TEST(cancelWithin200ms);
        EmbeddingSet set;
        set.name = QStringLiteral("random");
        set.dim = 32;
        Random rng(9);
        set.ids.resize(200000);
        std::iota(set.ids.begin(), set.ids.end(), 1);
        set.vectors.resize(set.ids.size() * 32);
        for (float &v : set.vectors)
            v = float(rng.normal());
        std::atomic_bool stop {false};
        JobContext job([](qint64, qint64, const QString &) {}, &stop);
        IndexOptions options;
        options.exactThreshold = 0;
        QElapsedTimer clock;
        clock.start();
        std::atomic<qint64> stoppedAt {-1};
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            stoppedAt = clock.elapsed();
            stop = true;
        });
        bool cancelled = false;
        try {
            VectorIndex::build(set, options, job);
        } catch (const Cancelled &) {
            cancelled = true;
        }
        const qint64 caught = clock.elapsed();
        stopper.join();
        QVERIFY(cancelled);
        // The flag, not something else, stopped the build: it was raised before the build gave up.
        QVERIFY2(
            caught >= stoppedAt,
            qPrintable(QStringLiteral("cancelled at %1 ms, the flag came at %2 ms").arg(caught).arg(stoppedAt.load())));
        qInfo("cancel took effect %lld ms after the flag", caught - stoppedAt);
        QVERIFY2(caught - stoppedAt <= 200, qPrintable(QString::number(caught - stoppedAt)));
    }

    void indexAndNeighboursVerbs()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.orrery"));
        // Projector files: 400 rows in 8 clusters, keys "song-N", a genre column.
        const EmbeddingSet source = clusteredSet(400, 16, 8, 21);
        QByteArray vectors, meta = "key\tgenre\n";
        for (qint64 r = 0; r < source.count(); ++r) {
            for (int d = 0; d < 16; ++d)
                vectors += QByteArray::number(source.row(r)[size_t(d)], 'g', 9) + (d < 15 ? "\t" : "\n");
            meta += "song-" + QByteArray::number(r) + "\t" + (r % 3 ? "rock" : "jazz") + "\n";
        }
        test::writeFile(dir.filePath(QStringLiteral("src/vectors.tsv")), vectors);
        test::writeFile(dir.filePath(QStringLiteral("src/metadata.tsv")), meta);
        Run run = cli({QStringLiteral("import"), project, dir.filePath(QStringLiteral("src")),
                       QStringLiteral("--dataset"), QStringLiteral("src")});
        QVERIFY2(run.exitCode == 0, run.err.constData());

        run = cli({QStringLiteral("index"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--exact-threshold"), QStringLiteral("0"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject built = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(built.value(u"kind").toString(), QStringLiteral("hnsw"));
        QCOMPARE(built.value(u"count").toInt(), 400);
        QVERIFY(built.value(u"ef").toInt() >= 16);
        QVERIFY(built.value(u"recall_at_10").toDouble() >= 0.98);
        QVERIFY(built.contains(u"build_seconds"));
        run = cli({QStringLiteral("index"), project, QStringLiteral("--set"), QStringLiteral("src")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("exact") && run.out.contains("recall@10"), run.out.constData());
        run = cli({QStringLiteral("index"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--exact-threshold"), QStringLiteral("0"), QStringLiteral("--ef"),
                   QStringLiteral("40"), QStringLiteral("--check-recall")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("ef 40") && run.out.contains("held-out recall@10"), run.out.constData());

        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--key"), QStringLiteral("song-5"), QStringLiteral("-k"), QStringLiteral("5"),
                   QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(!run.err.contains("building"), run.err.constData()); // the stored index was used
        const QJsonObject answer = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(answer.value(u"query").toString(), QStringLiteral("song-5"));
        const QJsonArray list = answer.value(u"neighbours").toArray();
        QCOMPARE(list.size(), 5);
        // The same as exact search over the source vectors.
        JobContext job;
        const Neighbours truth = exactKnn(RowMatrixXf(source.matrix()), 5, job);
        double last = 2;
        for (int j = 0; j < 5; ++j) {
            const QJsonObject n = list.at(j).toObject();
            QCOMPARE(n.value(u"key").toString(), QStringLiteral("song-%1").arg(truth.of(5)[j]));
            QCOMPARE(n.value(u"title").toString(), n.value(u"key").toString());
            QVERIFY(n.contains(u"artist"));
            QVERIFY(n.value(u"similarity").toDouble() <= last);
            last = n.value(u"similarity").toDouble();
        }

        // Text lines; a filter on the genre attribute; a keys file.
        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--key"), QStringLiteral("song-5"), QStringLiteral("-k"), QStringLiteral("4"),
                   QStringLiteral("--attr"), QStringLiteral("genre=jazz")});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        for (const QByteArray &line : lines) {
            const QList<QByteArray> fields = line.split('\t');
            QCOMPARE(fields.size(), 4); // key, cosine, centred cosine, title
            QCOMPARE(fields[0].mid(5).toInt() % 3, 0); // jazz rows
        }
        test::writeFile(dir.filePath(QStringLiteral("keys.txt")), "song-1\n\nsong-2\n");
        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--keys-file"), dir.filePath(QStringLiteral("keys.txt")), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject centroid = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(centroid.value(u"query").toArray().size(), 2);
        QCOMPARE(centroid.value(u"neighbours").toArray().size(), 10);
        for (const QJsonValue &n : centroid.value(u"neighbours").toArray())
            QVERIFY(n.toObject().value(u"key").toString() != u"song-1"
                    && n.toObject().value(u"key").toString() != u"song-2");

        // Errors: an unknown key names it (2); a missing query is a usage error (1).
        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--key"), QStringLiteral("nope-77")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("nope-77"), run.err.constData());
        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src")});
        QCOMPARE(run.exitCode, 1);
        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--key"), QStringLiteral("song-1"), QStringLiteral("-k"), QStringLiteral("0")});
        QCOMPARE(run.exitCode, 1);
        run = cli({QStringLiteral("index"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--metric"), QStringLiteral("manhattan")});
        QCOMPARE(run.exitCode, 1);
        run = cli({QStringLiteral("index"), project, QStringLiteral("--set"), QStringLiteral("missing")});
        QCOMPARE(run.exitCode, 2);
        // Without a stored index, neighbours builds one and says so.
        {
            Project p(project);
            sql::exec(p.db(), "DELETE FROM index_blob");
        }
        run = cli({QStringLiteral("neighbours"), project, QStringLiteral("--set"), QStringLiteral("src"),
                   QStringLiteral("--key"), QStringLiteral("song-5"), QStringLiteral("-k"), QStringLiteral("5"),
                   QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains("building"), run.err.constData());
        const QJsonArray rebuilt = QJsonDocument::fromJson(run.out).object().value(u"neighbours").toArray();
        QCOMPARE(rebuilt.size(), list.size());
        for (int j = 0; j < list.size(); ++j)
            QCOMPARE(rebuilt.at(j).toObject().value(u"key"), list.at(j).toObject().value(u"key"));
    }
};

QTEST_GUILESS_MAIN(TestIndex)
#include "tst_index.moc"
