// Clusterings: k-means, density clusters of a layout, the Ward hierarchy, c-TF-IDF labels, their
// storage and the CLI verbs, on hand-made cases and on the bbc documents.
#include "testutil.h"

#include "base/random.h"
#include "pipeline/cluster.h"
#include "pipeline/pipeline.h"
#include "projection/clusterhierarchy.h"
#include "projection/ctfidf.h"
#include "projection/densityclusters.h"
#include "projection/kmeans.h"
#include "store/clusterings.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"

#include <Eigen/Eigenvalues>

#include <QJsonDocument>
#include <QJsonObject>

#include <QElapsedTimer>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include <unordered_map>

using namespace orrery;

namespace {

/// Share of rows whose cluster's most common label is their own (noise rows count as misses).
double purity(const std::vector<qint32> &assignment, const std::vector<QString> &labels)
{
    std::unordered_map<qint32, QHash<QString, int>> table;
    for (size_t i = 0; i < assignment.size(); ++i)
        if (assignment[i] >= 0)
            ++table[assignment[i]][labels[i]];
    qint64 hit = 0;
    for (const auto &[cluster, counts] : table) {
        int best = 0;
        for (const int c : counts)
            best = std::max(best, c);
        hit += best;
    }
    return double(hit) / double(assignment.size());
}

} // namespace

class TestClusters final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bbc; ///< a project with bbc imported, its vectors and a PCA layout; empty without the data

private Q_SLOTS:
    void initTestCase()
    {
        const QString data = test::sharedData(QStringLiteral("bbc"));
        if (data.isEmpty())
            return;
        m_bbc = m_dir.filePath(QStringLiteral("bbc.orrery"));
        Project p(m_bbc);
        const auto r = test::importInto(p, {data});
        QVERIFY2(r.ok, qPrintable(r.error));
        EmbedStep step;
        step.method = EmbedStep::Method::Lsa;
        step.datasetId = r.datasetId;
        step.setName = QStringLiteral("bbc/lsa");
        JobContext job;
        EmbeddingSet set = runEmbedStep(p, step, job);
        // A 2D map: a plain PCA of the vectors (the tests cannot afford UMAP in Debug).
        Eigen::MatrixXd x = set.matrix().cast<double>();
        const Eigen::RowVectorXd mean = x.colwise().mean();
        x.rowwise() -= mean;
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(x.transpose() * x);
        const Eigen::MatrixXd axes = eig.eigenvectors().rightCols(2);
        const Eigen::MatrixXd xy = x * axes;
        Layout layout;
        layout.name = QStringLiteral("bbc/lsa/pca");
        layout.setName = set.name;
        layout.method = QStringLiteral("pca");
        for (Eigen::Index i = 0; i < xy.rows(); ++i)
            layout.xy.push_back(xy(i, 0)), layout.xy.push_back(xy(i, 1));
        saveLayout(p, layout);
    }

    void ctfidfKnownAnswer()
    {
        // Cluster 0: "apple apple shared"; cluster 1: "pear shared". A = 5/2 terms per cluster.
        ItemTerms terms;
        terms.vocabulary = {QStringLiteral("apple"), QStringLiteral("shared"), QStringLiteral("pear")};
        terms.terms = {0, 0, 1, 2, 1};
        terms.offsets = {0, 2, 3, 4, 5};
        const std::vector<qint32> assignment {0, 0, 1, 1};
        QList<Cluster> clusters(2);
        clusters[0].id = 0, clusters[1].id = 1;
        JobContext job;
        labelClusters(clusters, assignment, terms, job, 5, 1);
        QCOMPARE(clusters[0].label, QStringLiteral("apple"));
        QCOMPARE(clusters[1].label, QStringLiteral("pear"));
        QCOMPARE(clusters[0].terms.size(), 2);
        QVERIFY(std::abs(clusters[0].terms[0].second - 2.0 / 3 * std::log(1 + 2.5 / 2)) < 1e-12);
        QVERIFY(std::abs(clusters[0].terms[1].second - 1.0 / 3 * std::log(1 + 2.5 / 2)) < 1e-12);
        QVERIFY(std::abs(clusters[1].terms[0].second - 0.5 * std::log(1 + 2.5 / 1)) < 1e-12);
        QVERIFY(std::abs(clusters[1].terms[1].second - 0.5 * std::log(1 + 2.5 / 2)) < 1e-12);
    }

    void kmeansFindsAMixtureAndIgnoresThreads()
    {
        Random rng(5);
        const int k = 6, dim = 8;
        const qint64 n = 3000;
        std::vector<float> x(size_t(n) * dim);
        for (qint64 i = 0; i < n; ++i)
            for (int d = 0; d < dim; ++d)
                x[size_t(i) * dim + size_t(d)] = float((d == i % k ? 10 : 0) + rng.normal());
        KMeansOptions options;
        options.k = k;
        JobContext job;
        options.threads = 1;
        const KMeansResult one = kmeans(x.data(), n, dim, options, job);
        options.threads = 2;
        const KMeansResult two = kmeans(x.data(), n, dim, options, job);
        QCOMPARE(one.assignment, two.assignment);
        std::vector<QString> truth;
        for (qint64 i = 0; i < n; ++i)
            truth.push_back(QString::number(i % k));
        QCOMPARE(purity(one.assignment, truth), 1.0);
        QCOMPARE(chooseK(x.data(), n, dim, 2, 10, 600, 1, job), k);
    }

    void densityFindsBlobsAndNoise()
    {
        Random rng(9);
        std::vector<double> xy;
        std::vector<QString> truth;
        for (int b = 0; b < 4; ++b)
            for (int i = 0; i < 2000; ++i) {
                xy.push_back(b * 20 + rng.normal()), xy.push_back((b % 2) * 20 + rng.normal());
                truth.push_back(QString::number(b));
            }
        JobContext job;
        const DensityResult r = densityClusters(xy.data(), qint64(truth.size()), {}, job);
        QCOMPARE(r.clusters, 4);
        QVERIFY2(purity(r.assignment, truth) > 0.97, qPrintable(QString::number(purity(r.assignment, truth))));
    }

    void hierarchyIsConsistent()
    {
        Random rng(2);
        const int k = 64, dim = 3;
        std::vector<double> centroids(k * dim);
        std::vector<qint64> sizes(k);
        for (int c = 0; c < k; ++c) {
            for (int d = 0; d < dim; ++d)
                centroids[size_t(c * dim + d)] = rng.normal();
            sizes[size_t(c)] = 1 + qint64(rng.below(100));
        }
        const QList<Cluster> all = clusterHierarchy(centroids, sizes, dim);
        QHash<qint32, Cluster> byId;
        std::vector<int> perLevel(8, 0);
        for (const Cluster &c : all)
            byId.insert(c.id, c), ++perLevel[size_t(c.level)];
        QCOMPARE(perLevel[0], 64);
        QCOMPARE(perLevel[1], 16);
        QCOMPARE(perLevel[2], 4);
        QCOMPARE(perLevel[3], 0);
        QHash<qint32, qint64> childSum;
        for (const Cluster &c : all) {
            if (c.level == 2) {
                QCOMPARE(c.parent, -1);
                continue;
            }
            QVERIFY(byId.contains(c.parent));
            QCOMPARE(byId[c.parent].level, c.level + 1);
            childSum[c.parent] += c.size;
        }
        for (const Cluster &c : all)
            if (c.level > 0)
                QCOMPARE(childSum[c.id], c.size);
    }

    void bbcClusters()
    {
        if (m_bbc.isEmpty())
            QSKIP("../shared/data is absent");
        Project p(m_bbc);
        const std::vector<QString> labels = itemLabels(p, loadEmbeddingSetIds(p, QStringLiteral("bbc/lsa")));
        JobContext job;
        ClusterRequest request;
        request.setName = QStringLiteral("bbc/lsa");
        request.k = 5;
        const Clustering km = clusterSet(p, request, job);
        const double kmPurity = purity(km.assignment, labels);
        request.method = QStringLiteral("density");
        request.layoutName = QStringLiteral("bbc/lsa/pca");
        const Clustering dense = clusterSet(p, request, job);
        const double densePurity = purity(dense.assignment, labels);
        qInfo("bbc: k-means (k 5) purity %.3f; density on PCA: %d clusters, purity %.3f", kmPurity,
              int(dense.clusters.size()), densePurity);
        // Floors below what was measured (Debug, 2 threads, seed 1: 0.957 and 0.378 with 2 clusters;
        // a PCA map of LSA vectors keeps only two density islands, a UMAP map would keep more).
        QVERIFY2(kmPurity > 0.92, qPrintable(QString::number(kmPurity)));
        QVERIFY2(densePurity > 0.33, qPrintable(QString::number(densePurity)));
        // A sports cluster names sport.
        bool sport = false;
        for (const Cluster &c : km.clusters)
            for (const auto &t : c.terms)
                sport |= t.first == u"england" || t.first == u"game" || t.first == u"match";
        QVERIFY(sport);
    }

    void cancelWithin200ms_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("kmeans 400k x 32") << QStringLiteral("kmeans");
        QTest::newRow("density 2M points") << QStringLiteral("density");
    }

    void cancelWithin200ms()
    {
        ORRERY_TIMING_TEST(cancelWithin200ms);
        QFETCH(QString, method);
        const bool kmeansRun = method == u"kmeans";
        const qint64 n = kmeansRun ? 400000 : 2000000;
        const int dim = kmeansRun ? 32 : 2;
        Random rng(11);
        std::vector<float> x(kmeansRun ? size_t(n) * size_t(dim) : 0);
        std::vector<double> xy(kmeansRun ? 0 : size_t(2 * n));
        for (float &v : x)
            v = float(rng.normal());
        for (double &v : xy)
            v = rng.normal();
        std::atomic_bool stop {false};
        JobContext job([](qint64, qint64, const QString &) {}, &stop);
        QElapsedTimer clock;
        clock.start();
        std::atomic<qint64> stoppedAt {-1};
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(kmeansRun ? 300 : 20));
            stoppedAt = clock.elapsed();
            stop = true;
        });
        bool cancelled = false;
        try {
            if (kmeansRun) {
                KMeansOptions options;
                options.k = 100;
                options.iterations = 1000;
                kmeans(x.data(), n, dim, options, job);
            } else {
                DensityOptions options;
                options.levels = 1000;
                options.grid = 1024;
                densityClusters(xy.data(), n, options, job);
            }
        } catch (const Cancelled &) {
            cancelled = true;
        }
        const qint64 caught = clock.elapsed();
        stopper.join();
        QVERIFY2(cancelled, "the run ended before the flag: make it longer");
        QVERIFY2(caught >= stoppedAt, "cancelled before the flag was raised");
        qInfo("cancel took effect %lld ms after the flag", caught - stoppedAt);
        QVERIFY2(caught - stoppedAt <= 200, qPrintable(QString::number(caught - stoppedAt)));
    }

    void storeRoundTripAndReplace()
    {
        if (m_bbc.isEmpty())
            QSKIP("../shared/data is absent");
        Project p(m_bbc);
        JobContext job;
        ClusterRequest request;
        request.setName = QStringLiteral("bbc/lsa");
        request.k = 20;
        request.name = QStringLiteral("round");
        const Clustering made = clusterSet(p, request, job);
        const Clustering loaded = loadClustering(p, QStringLiteral("round"));
        QCOMPARE(loaded.assignment, made.assignment);
        QCOMPARE(loaded.clusters.size(), made.clusters.size());
        QCOMPARE(loaded.clusters.size(), 25); // 20, then 5
        for (int i = 0; i < loaded.clusters.size(); ++i) {
            QCOMPARE(loaded.clusters[i].id, made.clusters[i].id);
            QCOMPARE(loaded.clusters[i].parent, made.clusters[i].parent);
            QCOMPARE(loaded.clusters[i].label, made.clusters[i].label);
            QCOMPARE(loaded.clusters[i].terms.size(), made.clusters[i].terms.size());
        }
        // Replace: same name, other k; not replacing is an error that leaves the file as it was.
        Clustering other = made;
        other.id = 0;
        const QByteArray before = test::fingerprint(p);
        QVERIFY_THROWS_EXCEPTION(Error, saveClustering(p, other, false));
        QCOMPARE(test::fingerprint(p), before);
        request.k = 7;
        clusterSet(p, request, job);
        QCOMPARE(loadClustering(p, QStringLiteral("round")).params.value(u"k").toInt(), 7);
        bool listed = false;
        for (const ClusteringInfo &info : listClusterings(p))
            listed |= info.name == u"round" && info.clusters == 7;
        QVERIFY(listed);
        QVERIFY(removeClustering(p, QStringLiteral("round")));
        QVERIFY_THROWS_EXCEPTION(Error, loadClustering(p, QStringLiteral("round")));
        // A bad method or an unknown set changes nothing.
        const QByteArray now = test::fingerprint(p);
        request.method = QStringLiteral("spectral");
        QVERIFY_THROWS_EXCEPTION(Error, clusterSet(p, request, job));
        request.method = QStringLiteral("kmeans");
        request.setName = QStringLiteral("nope");
        QVERIFY_THROWS_EXCEPTION(Error, clusterSet(p, request, job));
        QCOMPARE(test::fingerprint(p), now);
    }

    void cliVerbs()
    {
        if (m_bbc.isEmpty())
            QSKIP("../shared/data is absent");
        const test::Run made = test::cli({QStringLiteral("cluster"), m_bbc, QStringLiteral("--set"),
                                          QStringLiteral("bbc/lsa"), QStringLiteral("--method"),
                                          QStringLiteral("kmeans"), QStringLiteral("--k"), QStringLiteral("5"),
                                          QStringLiteral("--name"), QStringLiteral("cli"), QStringLiteral("--json")},
                                         60000);
        QVERIFY2(made.exitCode == 0, made.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(made.out).object();
        QCOMPARE(report.value(u"clusters").toInt(), 5);
        QCOMPARE(report.value(u"count").toInt(), 2225);
        const QString csv = m_dir.filePath(QStringLiteral("cli.csv"));
        const test::Run exported = test::cli({QStringLiteral("export"), m_bbc, QStringLiteral("--clusters"),
                                              QStringLiteral("cli"), QStringLiteral("--format"), QStringLiteral("csv"),
                                              QStringLiteral("--out"), csv},
                                             60000);
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2226);
        QCOMPARE(lines.first(), QByteArray("key,cluster,label"));
        QVERIFY(lines.at(1).startsWith("business/") || lines.at(1).contains(','));

        const QByteArray before = [&] {
            Project p(m_bbc);
            return test::fingerprint(p);
        }();
        const test::Run bad = test::cli({QStringLiteral("cluster"), m_bbc, QStringLiteral("--set"),
                                         QStringLiteral("bbc/lsa"), QStringLiteral("--method"),
                                         QStringLiteral("spectral")},
                                        60000);
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("unknown method 'spectral' (kmeans, density)"), bad.err.constData());
        const test::Run unknown = test::cli({QStringLiteral("cluster"), m_bbc, QStringLiteral("--set"),
                                             QStringLiteral("nope"), QStringLiteral("--k"), QStringLiteral("3")},
                                            60000);
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("nope"), unknown.err.constData());
        Project p(m_bbc);
        QCOMPARE(test::fingerprint(p), before);
    }
};

QTEST_GUILESS_MAIN(TestClusters)
#include "tst_clusters.moc"
