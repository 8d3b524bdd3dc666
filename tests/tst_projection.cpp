// 2D maps: PCA against a direct eigendecomposition, trustworthiness by its definition and on real
// documents, cluster separation, sample-and-place, determinism, progress, cancel, storage and CLI.
#include "testutil.h"

#include "base/embeddingset.h"
#include "base/layout.h"
#include "base/random.h"
#include "index/exactknn.h"
#include "projection/computelayout.h"
#include "projection/pca.h"
#include "projection/trustworthiness.h"
#include "projection/umap.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>
#include <unordered_map>

using namespace orrery;

namespace {

/// `clusters` Gaussian blobs in `dim` dimensions: centres N(0, 3²), points N(centre, 1).
EmbeddingSet clusteredSet(qint64 rows, int dim, int clusters, quint64 seed, std::vector<int> *labels = nullptr)
{
    Random rng(seed);
    std::vector<float> centres(size_t(clusters) * size_t(dim));
    for (float &c : centres)
        c = float(3 * rng.normal());
    EmbeddingSet set;
    set.name = QStringLiteral("clusters");
    set.method = QStringLiteral("test");
    set.dim = dim;
    set.vectors.reserve(size_t(rows) * size_t(dim));
    for (qint64 r = 0; r < rows; ++r) {
        const int c = int(rng.below(quint64(clusters)));
        if (labels)
            labels->push_back(c);
        set.ids.push_back(r + 1);
        for (int d = 0; d < dim; ++d)
            set.vectors.push_back(centres[size_t(c) * size_t(dim) + size_t(d)] + float(rng.normal()));
    }
    return set;
}

/// Fraction of each point's k nearest points in the layout (Euclidean) that share its label.
double layoutAgreement(const std::vector<double> &xy, const std::vector<int> &labels, int k)
{
    const size_t n = labels.size();
    std::vector<std::pair<double, size_t>> d(n);
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) {
            const double dx = xy[2 * i] - xy[2 * j], dy = xy[2 * i + 1] - xy[2 * j + 1];
            d[j] = {j == i ? 1e300 : dx * dx + dy * dy, j};
        }
        std::nth_element(d.begin(), d.begin() + k, d.end());
        int agree = 0;
        for (int j = 0; j < k; ++j)
            agree += labels[d[size_t(j)].second] == labels[i];
        sum += double(agree) / k;
    }
    return sum / double(n);
}

/// Trustworthiness straight from Venna & Kaski's definition, with full rank tables.
double naiveTrustworthiness(const RowMatrixXf &high, const std::vector<double> &xy, int k)
{
    const RowMatrixXf x = normalizedRows(high);
    const qint64 n = x.rows();
    double penalty = 0;
    for (qint64 i = 0; i < n; ++i) {
        std::vector<qint64> byHigh, byLow;
        for (qint64 j = 0; j < n; ++j)
            if (j != i)
                byHigh.push_back(j), byLow.push_back(j);
        const Eigen::VectorXf sims = x * x.row(i).transpose();
        std::stable_sort(byHigh.begin(), byHigh.end(), [&](qint64 a, qint64 b) { return sims(a) > sims(b); });
        const auto low = [&](qint64 j) {
            const double dx = xy[size_t(2 * i)] - xy[size_t(2 * j)], dy = xy[size_t(2 * i + 1)] - xy[size_t(2 * j + 1)];
            return dx * dx + dy * dy;
        };
        std::stable_sort(byLow.begin(), byLow.end(), [&](qint64 a, qint64 b) { return low(a) < low(b); });
        std::vector<qint64> rank(size_t(n), 0);
        for (size_t r = 0; r < byHigh.size(); ++r)
            rank[size_t(byHigh[r])] = qint64(r) + 1;
        for (int q = 0; q < k; ++q)
            penalty += std::max<qint64>(0, rank[size_t(byLow[size_t(q)])] - k);
    }
    return 1.0 - penalty * 2.0 / (double(n) * k * (2.0 * double(n) - 3.0 * k - 1.0));
}

/// Makes the columns of a column-major n × l block orthonormal (modified Gram–Schmidt).
void orthonormalizeColumns(std::vector<double> &y, size_t n, size_t l)
{
    for (size_t c = 0; c < l; ++c) {
        double *col = y.data() + c * n;
        for (size_t p = 0; p < c; ++p) {
            const double *prev = y.data() + p * n;
            double dot = 0;
            for (size_t i = 0; i < n; ++i)
                dot += prev[i] * col[i];
            for (size_t i = 0; i < n; ++i)
                col[i] -= dot * prev[i];
        }
        double norm = 0;
        for (size_t i = 0; i < n; ++i)
            norm += col[i] * col[i];
        norm = norm > 0 ? 1 / std::sqrt(norm) : 0;
        for (size_t i = 0; i < n; ++i)
            col[i] *= norm;
    }
}

/// BBC document vectors: LSA, the `dim` leading singular directions of the (sublinear, unit-row)
/// TF-IDF matrix by a randomised SVD with two power iterations; labels from the folders.
EmbeddingSet bbcDocuments(Project &project, qint64 datasetId, int dim, quint64 seed, std::vector<int> &labels)
{
    JobContext job;
    const Corpus c = loadCorpus(project, datasetId, job);
    const size_t n = size_t(c.sequences()), l = size_t(dim) + 10;
    std::vector<qint32> df(c.vocab.size(), 0);
    std::vector<std::vector<std::pair<qint32, double>>> rows(n);
    std::unordered_map<qint32, int> tf;
    for (size_t s = 0; s < n; ++s) {
        tf.clear();
        for (const qint32 *t = c.begin(qint64(s)); t != c.end(qint64(s)); ++t)
            ++tf[*t];
        for (const auto &entry : tf)
            ++df[size_t(entry.first)], rows[s].emplace_back(entry.first, 1.0 + std::log(double(entry.second)));
        std::sort(rows[s].begin(), rows[s].end());
    }
    for (auto &row : rows) {
        double norm = 0;
        for (auto &[term, w] : row) {
            w *= std::log(double(n) / df[size_t(term)]);
            norm += w * w;
        }
        for (auto &entry : row)
            entry.second /= std::sqrt(norm);
    }
    const size_t terms = c.vocab.size();
    // y = A·Ω, then (A·Aᵀ)² y with orthonormal steps; all blocks column-major.
    Random rng(seed);
    std::vector<double> z(terms * l), y(n * l, 0.0);
    for (double &v : z)
        v = rng.normal();
    const auto timesA = [&] { // y = A z
        std::fill(y.begin(), y.end(), 0.0);
        for (size_t i = 0; i < n; ++i)
            for (const auto &[term, w] : rows[i])
                for (size_t k = 0; k < l; ++k)
                    y[k * n + i] += w * z[k * terms + size_t(term)];
    };
    const auto timesAt = [&] { // z = Aᵀ y
        std::fill(z.begin(), z.end(), 0.0);
        for (size_t i = 0; i < n; ++i)
            for (const auto &[term, w] : rows[i])
                for (size_t k = 0; k < l; ++k)
                    z[k * terms + size_t(term)] += w * y[k * n + i];
    };
    timesA();
    for (int power = 0; power < 2; ++power) {
        orthonormalizeColumns(y, n, l);
        timesAt();
        timesA();
    }
    orthonormalizeColumns(y, n, l);
    timesAt();
    // B·Bᵀ = zᵀ z (B = yᵀ A); its eigenvectors rotate y onto the left singular vectors.
    const Eigen::Index width = Eigen::Index(l);
    Eigen::MatrixXd gram(width, width);
    for (size_t a = 0; a < l; ++a)
        for (size_t b = a; b < l; ++b) {
            double dot = 0;
            for (size_t t = 0; t < terms; ++t)
                dot += z[a * terms + t] * z[b * terms + t];
            gram(Eigen::Index(a), Eigen::Index(b)) = gram(Eigen::Index(b), Eigen::Index(a)) = dot;
        }
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
    EmbeddingSet set;
    set.name = QStringLiteral("bbc-lsa");
    set.datasetId = datasetId;
    set.kind = ItemKind::Document;
    set.method = QStringLiteral("lsa");
    set.dim = dim;
    set.ids = c.sequenceIds;
    set.vectors.assign(n * size_t(dim), 0.0f);
    for (int d = 0; d < dim; ++d) {
        const Eigen::Index col = Eigen::Index(l) - 1 - d;
        const double sigma = std::sqrt(std::max(0.0, eig.eigenvalues()(col)));
        for (size_t i = 0; i < n; ++i) {
            double v = 0;
            for (size_t k = 0; k < l; ++k)
                v += y[k * n + i] * eig.eigenvectors()(Eigen::Index(k), col);
            set.vectors[i * size_t(dim) + size_t(d)] = float(v * sigma);
        }
    }
    const std::vector<QString> names = itemLabels(project, set.ids);
    QStringList distinct;
    for (const QString &name : names) {
        if (!distinct.contains(name))
            distinct.append(name);
        labels.push_back(int(distinct.indexOf(name)));
    }
    return set;
}

ProjectionOptions options(ProjectionMethod method, int threads = 0)
{
    ProjectionOptions o;
    o.method = method;
    o.threads = threads;
    o.trustSample = 0;
    return o;
}

bool allFinite(const std::vector<double> &xy)
{
    return std::all_of(xy.begin(), xy.end(), [](double v) { return std::isfinite(v); });
}

using test::Run;

Run cli(const QStringList &args)
{
    return test::cli(args, 300000);
}

} // namespace

class TestProjection final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pcaMatchesEigendecomposition()
    {
        // 150 rows of 8 dimensions with unequal spread, so the axes are well separated.
        Random rng(3);
        EmbeddingSet set;
        set.name = QStringLiteral("small");
        set.dim = 8;
        for (qint64 r = 0; r < 150; ++r) {
            set.ids.push_back(r + 1);
            for (int d = 0; d < set.dim; ++d)
                set.vectors.push_back(float((d + 1) * 0.3 * rng.normal() + (d == 0 ? 2.0 : 0.0)));
        }
        JobContext job;
        const Layout layout = computeLayout(set, options(ProjectionMethod::Pca), job);
        QCOMPARE(layout.count(), 150);
        QCOMPARE(layout.method, QStringLiteral("pca"));
        QCOMPARE(layout.name, QStringLiteral("small/pca"));

        // Directly: unit rows, centred, covariance, its two leading eigenvectors with the
        // largest-magnitude loading positive.
        Eigen::MatrixXd x = normalizedRows(set.matrix()).cast<double>();
        x.rowwise() -= x.colwise().mean();
        const Eigen::MatrixXd cov = x.transpose() * x / double(x.rows() - 1);
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
        for (int c = 0; c < 2; ++c) {
            Eigen::VectorXd axis = eig.eigenvectors().col(set.dim - 1 - c);
            Eigen::Index big = 0;
            axis.cwiseAbs().maxCoeff(&big);
            if (axis(big) < 0)
                axis = -axis;
            const Eigen::VectorXd expected = x * axis;
            double worst = 0;
            for (qint64 i = 0; i < 150; ++i)
                worst = std::max(worst, std::abs(expected(i) - layout.xy[size_t(2 * i + c)]));
            QVERIFY2(worst < 1e-9, qPrintable(QStringLiteral("component %1 differs by %2").arg(c).arg(worst)));
        }
    }

    void randomizedPcaMatchesExact()
    {
        // 520 dimensions (above ExactPcaMaxDim) holding a rank-6 signal with distinct variances.
        const int rows = 120, dim = ExactPcaMaxDim + 8;
        Random rng(9);
        Eigen::MatrixXd basis(6, dim);
        for (int i = 0; i < 6; ++i)
            for (int d = 0; d < dim; ++d)
                basis(i, d) = rng.normal();
        RowMatrixXf m(rows, dim);
        for (int r = 0; r < rows; ++r) {
            Eigen::RowVectorXd z(6);
            for (int i = 0; i < 6; ++i)
                z(i) = rng.normal() * (6 - i);
            const Eigen::RowVectorXd v = z * basis;
            for (int d = 0; d < dim; ++d)
                m(r, d) = float(v(d) + 0.01 * rng.normal());
        }
        JobContext job;
        const PcaResult pca = principalAxes(m, 2, 4, job);
        QVERIFY(pca.randomized);
        // Exact right singular vectors through the small Gram matrix.
        Eigen::MatrixXd x = m.cast<double>();
        x.rowwise() -= x.colwise().mean();
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> gram(x * x.transpose());
        for (int c = 0; c < 2; ++c) {
            const double lambda = gram.eigenvalues()(rows - 1 - c);
            Eigen::VectorXd axis = x.transpose() * gram.eigenvectors().col(rows - 1 - c) / std::sqrt(lambda);
            Eigen::Index big = 0;
            axis.cwiseAbs().maxCoeff(&big);
            if (axis(big) < 0)
                axis = -axis;
            QVERIFY2((axis - pca.axes.col(c)).cwiseAbs().maxCoeff() < 1e-6, qPrintable(QString::number(c)));
            QVERIFY(std::abs(pca.variances(c) - lambda / (rows - 1)) < 1e-6 * lambda);
        }
    }

    void umapCurveHasStandardValues()
    {
        const UmapCurve curve = fitUmapCurve(0.1, 1.0);
        QVERIFY2(std::abs(curve.a - 1.577) < 0.01 && std::abs(curve.b - 0.8951) < 0.005,
                 qPrintable(QStringLiteral("a %1 b %2").arg(curve.a).arg(curve.b)));
    }

    void trustworthinessFollowsDefinition()
    {
        EmbeddingSet set = clusteredSet(90, 6, 3, 21);
        const RowMatrixXf x = set.matrix();
        Random rng(5);
        std::vector<double> random(180), first(180);
        for (double &v : random)
            v = rng.normal();
        for (int i = 0; i < 90; ++i)
            first[size_t(2 * i)] = x(i, 0), first[size_t(2 * i + 1)] = x(i, 1);
        for (const auto *xy : {&random, &first}) {
            const double ours = trustworthiness(x, *xy, 7, 0, 1);
            const double naive = naiveTrustworthiness(x, *xy, 7);
            // 1e-4 allows one rank to flip on a float near-tie (a flip moves T by 2e-5).
            QVERIFY2(std::abs(ours - naive) < 1e-4, qPrintable(QStringLiteral("%1 vs %2").arg(ours).arg(naive)));
        }
        // A layout that keeps the (unit) rows exactly is perfectly trustworthy.
        RowMatrixXf flat(50, 2);
        std::vector<double> same(100);
        for (int i = 0; i < 50; ++i) {
            const double angle = 0.05 * i;
            flat(i, 0) = float(std::cos(angle)), flat(i, 1) = float(std::sin(angle));
            same[size_t(2 * i)] = std::cos(angle), same[size_t(2 * i + 1)] = std::sin(angle);
        }
        QCOMPARE(trustworthiness(flat, same, 4, 0, 1), 1.0);
        // A sample gives an estimate close to the full value.
        const double full = trustworthiness(x, random, 7, 0, 1);
        QVERIFY(std::abs(trustworthiness(x, random, 7, 45, 2) - full) < 0.05);
    }

    void bbcDocumentsKeepTheirNeighbours()
    {
        ORRERY_REQUIRE_SHARED("bbc");
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("bbc.orrery")));
        const auto r = test::importInto(p, {shared});
        QVERIFY2(r.ok, qPrintable(r.error));
        std::vector<int> labels;
        QElapsedTimer clock;
        clock.start();
        const EmbeddingSet docs = bbcDocuments(p, r.datasetId, 100, 5, labels);
        qInfo("bbc: import and LSA in %.1f s", double(clock.elapsed()) / 1000);
        QCOMPARE(docs.count(), 2225);
        const RowMatrixXf x = docs.matrix();
        // Floors: measured in a debug build with 2 threads, seed 1, on these 1,000 points (PCA 0.787,
        // t-SNE 0.976, UMAP 0.970; label agreement 0.76, 0.95, 0.94), minus a margin for other
        // thread counts and Hogwild's run-to-run variation.
        const struct {
            ProjectionMethod method;
            double floor;
            double agreement;
        } cases[] = {{ProjectionMethod::Pca, 0.75, 0.7},
                     {ProjectionMethod::Tsne, 0.95, 0.92},
                     {ProjectionMethod::Umap, 0.94, 0.91}};
        for (const auto &c : cases) {
            JobContext job;
            const Layout layout = computeLayout(docs, options(c.method), job);
            QVERIFY(allFinite(layout.xy));
            const double t = trustworthiness(x, layout.xy, 15, 1000, 1);
            const double agreement = layoutAgreement(layout.xy, labels, 10);
            qInfo("bbc %s: trustworthiness@15 %.4f, 10-NN label agreement in 2D %.3f, %.2f s",
                  qPrintable(layout.method), t, agreement, layout.stats.value(QStringLiteral("seconds")).toDouble());
            QVERIFY2(t >= c.floor, qPrintable(QStringLiteral("%1: %2 < %3").arg(layout.method).arg(t).arg(c.floor)));
            QVERIFY2(agreement >= c.agreement,
                     qPrintable(QStringLiteral("%1: agreement %2").arg(layout.method).arg(agreement)));
        }
    }

    void clustersSeparateProgressively_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("tsne") << int(ProjectionMethod::Tsne);
        QTest::newRow("umap") << int(ProjectionMethod::Umap);
    }
    void clustersSeparateProgressively()
    {
        QFETCH(int, method);
        std::vector<int> labels;
        const EmbeddingSet set = clusteredSet(1200, 16, 6, 7, &labels);
        JobContext job;
        int calls = 0;
        qint64 shortestGap = std::numeric_limits<qint64>::max();
        QElapsedTimer gap;
        const LayoutCallback partial = [&](const std::vector<double> &xy, int step) {
            QCOMPARE(qint64(xy.size()), 2 * set.count());
            QVERIFY(step > 0);
            if (gap.isValid())
                shortestGap = std::min(shortestGap, gap.elapsed());
            gap.start();
            ++calls;
        };
        ProjectionOptions o = options(ProjectionMethod(method));
        o.trustSample = 600;
        const Layout layout = computeLayout(set, o, job, partial);
        const double agreement = layoutAgreement(layout.xy, labels, 10);
        const double trust = layout.stats.value(QStringLiteral("trustworthiness15")).toDouble();
        qInfo("%s: %d intermediate layouts, 10-NN label agreement %.3f, trustworthiness@15 %.4f",
              qPrintable(layout.method), calls, agreement, trust);
        QVERIFY2(calls > 1, qPrintable(QString::number(calls)));
        QVERIFY2(shortestGap >= 95, qPrintable(QString::number(shortestGap)));
        QVERIFY2(agreement >= 0.97, qPrintable(QString::number(agreement)));
        QVERIFY(trust > 0.9);
    }

    void sampleAndPlace()
    {
        std::vector<int> labels;
        const EmbeddingSet set = clusteredSet(1500, 16, 6, 11, &labels);
        const RowMatrixXf x = set.matrix();
        JobContext job;
        ProjectionOptions o = options(ProjectionMethod::Umap);
        o.epochs = 200;
        const Layout full = computeLayout(set, o, job);
        o.sampleThreshold = 400;
        int calls = 0;
        const Layout placed = computeLayout(set, o, job, [&](const std::vector<double> &xy, int) {
            QCOMPARE(qint64(xy.size()), 2 * set.count());
            ++calls;
        });
        QCOMPARE(placed.count(), set.count());
        QCOMPARE(placed.stats.value(QStringLiteral("sampled")).toInteger(), 400);
        QCOMPARE(placed.stats.value(QStringLiteral("placed")).toInteger(), 1100);
        QVERIFY(allFinite(placed.xy));
        const double tFull = trustworthiness(x, full.xy, 15, 800, 1),
                     tPlaced = trustworthiness(x, placed.xy, 15, 800, 1);
        const double agreement = layoutAgreement(placed.xy, labels, 10);
        qInfo("UMAP on all 1500: trustworthiness %.4f; fitted on 400 and placed: %.4f, label agreement %.3f", tFull,
              tPlaced, agreement);
        QVERIFY2(tPlaced >= tFull - 0.05, qPrintable(QStringLiteral("%1 vs %2").arg(tPlaced).arg(tFull)));
        QVERIFY(agreement >= 0.95);

        // The HNSW search places as well as the exact one.
        o.placementSearch = PlacementSearch::Hnsw;
        const Layout approximate = computeLayout(set, o, job);
        QCOMPARE(approximate.params.value(QStringLiteral("placement_search")).toString(), QStringLiteral("hnsw"));
        QVERIFY(allFinite(approximate.xy));
        QVERIFY(trustworthiness(x, approximate.xy, 15, 800, 1) >= tFull - 0.05);
    }

    void sameSeedSameLayout()
    {
        const EmbeddingSet set = clusteredSet(500, 12, 5, 13);
        JobContext job;
        ProjectionOptions umap = options(ProjectionMethod::Umap, 1);
        umap.epochs = 100;
        const Layout a = computeLayout(set, umap, job), b = computeLayout(set, umap, job);
        QVERIFY(a.xy == b.xy);
        umap.seed = 2;
        QVERIFY(computeLayout(set, umap, job).xy != a.xy);

        // t-SNE's forces are summed in a fixed order: the same bits for any number of threads.
        ProjectionOptions tsne = options(ProjectionMethod::Tsne, 1);
        tsne.epochs = 300;
        const Layout one = computeLayout(set, tsne, job);
        tsne.threads = 2;
        QVERIFY(computeLayout(set, tsne, job).xy == one.xy);
        QVERIFY(computeLayout(set, options(ProjectionMethod::Pca, 1), job).xy
                == computeLayout(set, options(ProjectionMethod::Pca, 2), job).xy);
        // Sample-and-place repeats too.
        umap.sampleThreshold = 200;
        QVERIFY(computeLayout(set, umap, job).xy == computeLayout(set, umap, job).xy);
    }

    void layoutsRoundTrip()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        EmbeddingSet set = clusteredSet(300, 8, 3, 17);
        saveEmbeddingSet(p, set);
        JobContext job;
        ProjectionOptions o = options(ProjectionMethod::Umap, 1);
        o.epochs = 50;
        o.trustSample = 100;
        Layout layout = computeLayout(set, o, job);
        QCOMPARE(layout.name, QStringLiteral("clusters/umap"));
        QVERIFY(layout.stats.contains(QStringLiteral("trustworthiness15")));
        saveLayout(p, layout);
        QVERIFY(layout.id > 0);
        const Layout back = loadLayout(p, layout.name);
        QCOMPARE(back.id, layout.id);
        QCOMPARE(back.name, layout.name);
        QCOMPARE(back.setName, set.name);
        QCOMPARE(back.setId, set.id);
        QCOMPARE(back.method, QStringLiteral("umap"));
        QCOMPARE(back.params, layout.params);
        QCOMPARE(back.stats, layout.stats);
        QVERIFY(back.xy == layout.xy);

        QVERIFY_THROWS_EXCEPTION(Error, saveLayout(p, layout));
        layout.xy[0] = 42;
        saveLayout(p, layout, true);
        QCOMPARE(loadLayout(p, layout.name).xy[0], 42.0);
        Layout other = layout;
        other.name = QStringLiteral("second");
        other.xy.resize(10);
        QVERIFY_THROWS_EXCEPTION(Error, saveLayout(p, other)); // wrong row count
        other.xy = layout.xy;
        saveLayout(p, other);
        const QList<LayoutInfo> listed = listLayouts(p);
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed.first().name, QStringLiteral("clusters/umap"));
        QCOMPARE(listed.first().count, 300);
        QCOMPARE(listed.first().setName, set.name);
        QVERIFY(removeLayout(p, QStringLiteral("second")));
        QVERIFY(!removeLayout(p, QStringLiteral("second")));
        QVERIFY_THROWS_EXCEPTION(Error, loadLayout(p, QStringLiteral("second")));
    }

    void cancelWithin200ms_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<bool>("duringFit");
        QTest::newRow("umap, 100 ms in") << int(ProjectionMethod::Umap) << false;
        QTest::newRow("tsne, 100 ms in") << int(ProjectionMethod::Tsne) << false;
        QTest::newRow("umap, 100 ms into the fit") << int(ProjectionMethod::Umap) << true;
        QTest::newRow("tsne, 100 ms into the fit") << int(ProjectionMethod::Tsne) << true;
    }
    void cancelWithin200ms()
    {
        ORRERY_TIMING_TEST(cancelWithin200ms);
        QFETCH(int, method);
        QFETCH(bool, duringFit);
        // 30,000 rows take the HNSW path to their neighbours; 3,000 reach the optimisation soon.
        const EmbeddingSet set = clusteredSet(duringFit ? 3000 : 30000, 16, 10, 19);
        std::atomic_bool stop {false}, fitting {false}, finished {false};
        std::atomic<qint64> stoppedAt {-1};
        JobContext job({}, &stop);
        QElapsedTimer clock;
        clock.start();
        std::thread stopper([&] {
            while (duringFit && !fitting && !finished)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            stoppedAt = clock.nsecsElapsed();
            stop = true;
        });
        bool cancelled = false;
        try {
            computeLayout(set, options(ProjectionMethod(method)), job,
                          [&](const std::vector<double> &, int) { fitting = true; });
        } catch (const Cancelled &) {
            cancelled = true;
        }
        const qint64 end = clock.nsecsElapsed();
        finished = true;
        stopper.join();
        QVERIFY(cancelled);
        const double latency = double(end - stoppedAt) / 1e6;
        qInfo("cancelled %.1f ms after the stop flag", latency);
        QVERIFY2(latency < 200, qPrintable(QString::number(latency)));
    }

    void cliProjectsAndExports()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("vectors"));
        const EmbeddingSet set = clusteredSet(240, 8, 4, 23);
        QByteArray vectors, metadata = "key\tlabel\n";
        for (qint64 i = 0; i < set.count(); ++i) {
            QStringList row;
            for (const float v : set.row(i))
                row.append(QString::number(v));
            vectors += row.join(u'\t').toUtf8() + '\n';
            const QByteArray key = i == 0 ? QByteArray("has,comma")
                : i == 1                  ? QByteArray("has \"quotes\"")
                                          : QByteArray("k" + QByteArray::number(i));
            metadata += key + "\tc\n";
        }
        test::writeFile(folder + QStringLiteral("/vectors.tsv"), vectors);
        test::writeFile(folder + QStringLiteral("/metadata.tsv"), metadata);
        const QString path = dir.filePath(QStringLiteral("p.orrery"));
        {
            Project p(path);
            io::ImportOptions o;
            o.dataset = QStringLiteral("points");
            const auto r = test::importInto(p, {folder + QStringLiteral("/vectors.tsv")}, o);
            QVERIFY2(r.ok, qPrintable(r.error));
        }
        Run r = cli({QStringLiteral("project"), path, QStringLiteral("--set"), QStringLiteral("points"),
                     QStringLiteral("--method"), QStringLiteral("umap"), QStringLiteral("--seed"), QStringLiteral("3"),
                     QStringLiteral("--epochs"), QStringLiteral("100"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(report.value(QStringLiteral("layout")).toString(), QStringLiteral("points/umap"));
        QCOMPARE(report.value(QStringLiteral("count")).toInteger(), 240);
        QVERIFY(report.value(QStringLiteral("trustworthiness15")).toDouble() > 0.8);
        QVERIFY(report.value(QStringLiteral("seconds")).toDouble() > 0);

        r = cli({QStringLiteral("project"), path, QStringLiteral("--set"), QStringLiteral("points"),
                 QStringLiteral("--method"), QStringLiteral("pca")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("trustworthiness@15"), r.out.constData());
        r = cli({QStringLiteral("project"), path, QStringLiteral("--list"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("layouts")).toArray().size(), 2);

        const QString csv = dir.filePath(QStringLiteral("map.csv"));
        r = cli({QStringLiteral("export"), path, QStringLiteral("--projection"), QStringLiteral("points/umap"),
                 QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--out"), csv});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> lines = test::fileBytes(csv).split('\n');
        QCOMPARE(lines.size(), 242); // header, 240 rows, the empty piece after the last newline
        QCOMPARE(lines.at(0), QByteArray("key,x,y"));
        QVERIFY2(lines.at(1).startsWith("\"has,comma\","), lines.at(1).constData());
        QVERIFY2(lines.at(2).startsWith("\"has \"\"quotes\"\"\","), lines.at(2).constData());
        QVERIFY(lines.at(3).startsWith("k2,"));
        QCOMPARE(lines.at(3).split(',').size(), 3);
        QVERIFY(lines.last().isEmpty());

        // Usage and input errors.
        QCOMPARE(cli({QStringLiteral("project"), path, QStringLiteral("--set"), QStringLiteral("points"),
                      QStringLiteral("--method"), QStringLiteral("mds")})
                     .exitCode,
                 1);
        QCOMPARE(cli({QStringLiteral("project"), path, QStringLiteral("--set"), QStringLiteral("none"),
                      QStringLiteral("--method"), QStringLiteral("pca")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("export"), path, QStringLiteral("--projection"), QStringLiteral("none"),
                      QStringLiteral("--out"), csv})
                     .exitCode,
                 2);
    }
};

QTEST_GUILESS_MAIN(TestProjection)
#include "tst_projection.moc"
