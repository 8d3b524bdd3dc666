// Two maps side by side (ui/comparepage): linked selection and hover by item id across
// different row orders, agreement colouring; and the query-neighbours dock with its threshold.
#include "comparepage.h"
#include "itemlistmodel.h"
#include "jobrunner.h"
#include "mappage.h"
#include "neighboursdock.h"
#include "projectsession.h"
#include "scatterview.h"

#include "base/layout.h"
#include "base/random.h"
#include "store/clusterings.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QSlider>

#include <algorithm>
#include <cmath>

using namespace orrery;
using ui::ComparePage;

class TestUiCompare final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    std::vector<qint64> m_ids; ///< of set "src", row by row

    static constexpr int Rows = 400;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("p.orrery"));
        // 400 vectors in 8 clusters along one strong common direction, keys song-N.
        Random rng(5);
        std::vector<std::vector<float>> centres(8, std::vector<float>(16));
        for (auto &c : centres)
            for (float &x : c)
                x = float(rng.normal());
        QByteArray vectors, meta = "key\tgenre\n";
        for (int r = 0; r < Rows; ++r) {
            const auto &c = centres[size_t(r % 8)];
            for (int d = 0; d < 16; ++d) {
                const float v = (d == 0 ? 4.0f : 0.0f) + c[size_t(d)] + 0.3f * float(rng.normal());
                vectors += QByteArray::number(v, 'g', 9) + (d < 15 ? "\t" : "\n");
            }
            meta += "song-" + QByteArray::number(r) + "\tg" + QByteArray::number(r % 8) + "\n";
        }
        test::writeFile(m_dir.filePath(QStringLiteral("src/vectors.tsv")), vectors);
        test::writeFile(m_dir.filePath(QStringLiteral("src/metadata.tsv")), meta);
        Project p(m_project);
        io::ImportOptions options;
        options.dataset = QStringLiteral("src");
        test::importInto(p, {m_dir.filePath(QStringLiteral("src"))}, options);
        const EmbeddingSet src = loadEmbeddingSet(p, QStringLiteral("src"));
        QCOMPARE(src.count(), qint64(Rows));
        m_ids = src.ids;
        // "flipped": the same items in reverse row order.
        EmbeddingSet flipped = src;
        flipped.id = 0;
        flipped.name = QStringLiteral("flipped");
        std::reverse(flipped.ids.begin(), flipped.ids.end());
        for (qint64 r = 0; r < Rows; ++r)
            std::copy_n(src.row(Rows - 1 - r).data(), src.dim, flipped.row(r).data());
        saveEmbeddingSet(p, flipped);
        // A map of each: dimensions 1 and 2 (the clusters show), the right one mirrored.
        Layout left, right;
        left.name = QStringLiteral("src/plain");
        left.setName = QStringLiteral("src");
        left.method = QStringLiteral("pca");
        right.name = QStringLiteral("flipped/mirrored");
        right.setName = QStringLiteral("flipped");
        right.method = QStringLiteral("pca");
        for (qint64 r = 0; r < Rows; ++r) {
            left.xy.push_back(src.row(r)[1]);
            left.xy.push_back(src.row(r)[2]);
            right.xy.push_back(-flipped.row(r)[1]);
            right.xy.push_back(flipped.row(r)[2]);
        }
        saveLayout(p, left);
        saveLayout(p, right);
        // A k-means-like clustering of "src": four clusters by row, labelled.
        Clustering km;
        km.name = QStringLiteral("src/km");
        km.setName = src.name;
        km.setId = src.id;
        km.method = QStringLiteral("kmeans");
        for (qint64 r = 0; r < Rows; ++r)
            km.assignment.push_back(qint32(r % 4));
        for (qint32 c = 0; c < 4; ++c) {
            Cluster cluster;
            cluster.id = c;
            cluster.size = Rows / 4;
            cluster.label = QStringLiteral("group %1").arg(c);
            km.clusters.append(cluster);
        }
        saveClustering(p, km);
    }

    void clustersColourBothMaps()
    {
        // Both maps coloured by one clustering of "src": the right map holds "flipped" (the same
        // items, reversed), so each item must carry the same cluster on both sides.
        ui::JobRunner runner;
        ui::ProjectSession session(&runner);
        QString error;
        QVERIFY2(session.open(m_project, &error), qPrintable(error));
        ComparePage page(&session);
        page.resize(1000, 500);
        page.show();
        page.showLayout(ComparePage::Left, QStringLiteral("src/plain"));
        page.showLayout(ComparePage::Right, QStringLiteral("flipped/mirrored"));
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && page.layoutName(ComparePage::Left) == u"src/plain"
                                     && page.layoutName(ComparePage::Right) == u"flipped/mirrored",
                                 20000);
        QCOMPARE(page.colour(), ComparePage::Colour::None); // nothing chosen on its own
        QComboBox *colour = page.colourChooser();
        const int entry = colour->findText(QStringLiteral("Clusters: src/km"));
        QVERIFY(entry >= 0);
        QSignalSpy shown(&page, &ComparePage::clustersShown);
        colour->setCurrentIndex(entry);
        QTRY_VERIFY_WITH_TIMEOUT(page.isClusteringShown(), 20000);
        QCOMPARE(page.clusteringName(), QStringLiteral("src/km"));
        ui::ScatterView *left = page.view(ComparePage::Left);
        ui::ScatterView *right = page.view(ComparePage::Right);
        QTRY_VERIFY_WITH_TIMEOUT(!left->isBuildingClusterAnchors() && !right->isBuildingClusterAnchors(), 10000);
        for (ui::ScatterView *v : {left, right}) {
            QVERIFY(v->clusterLabelsVisible());
            QCOMPARE(v->colourLevel(), 0);
            QCOMPARE(v->rowClusters().size(), size_t(Rows));
        }
        for (qint64 r = 0; r < Rows; ++r) {
            const qint64 id = left->idOf(r);
            const qint64 other = right->rowOf(id);
            QVERIFY(other >= 0);
            const auto srcRow = std::find(m_ids.begin(), m_ids.end(), id) - m_ids.begin();
            QCOMPARE(left->rowClusters()[size_t(r)], qint32(srcRow % 4));
            QCOMPARE(right->rowClusters()[size_t(other)], left->rowClusters()[size_t(r)]);
        }
        // Back to no colour: the labels go.
        page.setColour(ComparePage::Colour::None);
        QVERIFY(!left->clusterLabelsVisible() && !right->clusterLabelsVisible());
    }

    void commandLineCompare()
    {
        // `orrery --project P --compare A,B --compare-colour clusters --chart cluster --screenshot F`.
        const auto run = [&](const QStringList &args) {
            const test::Run r = test::gui(args, m_dir.path(), 120000);
            return std::pair {r.exitCode, r.err};
        };
        const QString png = m_dir.filePath(QStringLiteral("compare.png"));
        const auto [code, err] = run({QStringLiteral("--project"), m_project, QStringLiteral("--compare"),
                                      QStringLiteral("src/plain,flipped/mirrored"), QStringLiteral("--compare-colour"),
                                      QStringLiteral("clusters"), QStringLiteral("--chart"), QStringLiteral("cluster"),
                                      QStringLiteral("--size"), QStringLiteral("900x600"),
                                      QStringLiteral("--screenshot"), png});
        QVERIFY2(code == 0, err.constData());
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size() / image.devicePixelRatio(), QSize(900, 600));
        const auto [badCode, badErr] = run({QStringLiteral("--project"), m_project, QStringLiteral("--compare"),
                                            QStringLiteral("src/plain,no-such-layout"), QStringLiteral("--screenshot"),
                                            m_dir.filePath(QStringLiteral("bad.png"))});
        QCOMPARE(badCode, 2);
        QVERIFY2(badErr.contains("no-such-layout"), badErr.constData());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.png"))));
    }

    void linkedSelectionAndHover()
    {
        ui::JobRunner runner;
        ui::ProjectSession session(&runner);
        QString error;
        QVERIFY2(session.open(m_project, &error), qPrintable(error));
        ComparePage page(&session);
        page.resize(1200, 620);
        page.show();
        // Opening picks the first two layouts; choose explicitly.
        page.showLayout(ComparePage::Left, QStringLiteral("src/plain"));
        page.showLayout(ComparePage::Right, QStringLiteral("flipped/mirrored"));
        ui::ScatterView *left = page.view(ComparePage::Left);
        ui::ScatterView *right = page.view(ComparePage::Right);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && page.layoutName(ComparePage::Left) == u"src/plain"
                                     && page.layoutName(ComparePage::Right) == u"flipped/mirrored",
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(left->isReady() && right->isReady(), 10000);
        QCOMPARE(left->pointCount(), qint64(Rows));
        QCOMPARE(right->pointCount(), qint64(Rows));
        QCOMPARE(left->idOf(0), m_ids.front());
        QCOMPARE(right->idOf(0), m_ids.back());

        // Rows 0, 1 and 7 on the left are the items at rows 399, 398 and 392 on the right.
        left->setSelection({0, 1, 7});
        QCOMPARE(right->selection(), (std::vector<qint64> {392, 398, 399}));
        for (const qint64 row : right->selection())
            QVERIFY(std::count(left->selection().begin(), left->selection().end(), left->rowOf(right->idOf(row))));
        // And back: a box on the right selects those items on the left.
        right->setSelection({0, 10});
        QCOMPARE(left->selection(), (std::vector<qint64> {389, 399}));
        right->clearSelection();
        QVERIFY(left->selection().empty());

        // Hovering one rings the same item in the other; leaving clears it.
        emit left->hovered(5);
        QCOMPARE(right->highlighted(), (std::vector<qint64> {Rows - 1 - 5}));
        emit left->hovered(-1);
        QVERIFY(right->highlighted().empty());
        emit right->clicked(3);
        QCOMPARE(left->currentRow(), qint64(Rows - 1 - 3));

        // A real click on a point of the left map selects it on both.
        QTRY_VERIFY_WITH_TIMEOUT(left->frameGeneration() > 0, 10000);
        const QPoint at = left->mapToScreen(left->position(20)).toPoint();
        QTest::mouseClick(left, Qt::LeftButton, {}, at);
        QTRY_COMPARE_WITH_TIMEOUT(left->selection().size(), size_t(1), 2000);
        QCOMPARE(right->selection(), (std::vector<qint64> {right->rowOf(left->idOf(left->selection().front()))}));
        QCOMPARE(left->currentRow(), left->selection().front());
        QCOMPARE(right->idOf(right->currentRow()), left->idOf(left->currentRow()));

        // Agreement colouring: the same vectors in another order keep every neighbourhood.
        QSignalSpy ready(&page, &ComparePage::agreementReady);
        page.setColour(ComparePage::Colour::SetAgreement);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 20000);
        QCOMPARE(page.meanAgreement(), 1.0);
        QCOMPARE(qint64(page.agreementIds().size()), qint64(Rows));
        QCOMPARE(left->colouring(), ui::ScatterView::Colouring::Values);
        QCOMPARE(right->colouring(), ui::ScatterView::Colouring::Values);
        // A mirrored map keeps its neighbourhoods too (up to ties).
        page.setColour(ComparePage::Colour::MapAgreement);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 20000);
        QVERIFY2(page.meanAgreement() > 0.99, qPrintable(QString::number(page.meanAgreement())));
        page.setColour(ComparePage::Colour::None);
        QCOMPARE(left->colouring(), ui::ScatterView::Colouring::None);
        page.setColour(ComparePage::Colour::SetAgreement);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 3, 20000);

        // The picture, for a look (ORRERY_TEST_SHOTS=DIR keeps it).
        left->setSelection({0, 8, 16, 24, 32, 40});
        emit left->hovered(100);
        QTRY_VERIFY_WITH_TIMEOUT(!left->isRendering() && !right->isRendering(), 10000);
        QTest::qWait(200);
        const QImage shot = page.grab().toImage();
        QVERIFY(!shot.isNull());
        if (const QString dir = qEnvironmentVariable("ORRERY_TEST_SHOTS"); !dir.isEmpty())
            QVERIFY(shot.save(QDir(dir).filePath(QStringLiteral("compare.png"))));
        runner.cancelAll();
        runner.waitForDone();
    }

    void queryNeighboursWithThreshold()
    {
        ui::JobRunner runner;
        ui::ProjectSession session(&runner);
        QString error;
        QVERIFY2(session.open(m_project, &error), qPrintable(error));
        ui::MapPage map(&runner);
        map.setProject(session.project());
        {
            Project &p = *session.project();
            const Layout l = loadLayout(p, QStringLiteral("src/plain"));
            map.showLayout(l.name, l.xy, m_ids, false);
        }
        ui::NeighboursDock dock(&session, &map);
        QAbstractItemModelTester tester(dock.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        session.setDataset(session.project()->datasetId(QStringLiteral("src")));
        session.setSet(QStringLiteral("src"));
        QSignalSpy answered(&dock, &ui::NeighboursDock::answered);
        dock.setK(80); // more than the song's cluster of 50 holds
        dock.setThreshold(-1);
        dock.setQuery(QStringLiteral("song-5"));
        QTRY_VERIFY_WITH_TIMEOUT(!answered.isEmpty() && !dock.isBusy(), 20000);
        QCOMPARE(dock.queryItem(), m_ids[5]);
        QCOMPARE(dock.fetchedCount(), 80);
        QCOMPARE(dock.model()->rowCount(), 80);
        // Its cluster (every 8th song) comes first, and the map joins them to the query.
        const qint64 first = dock.model()->data(dock.model()->index(0, 0), ui::ItemListModel::IdRole).toLongLong();
        QCOMPARE((std::find(m_ids.begin(), m_ids.end(), first) - m_ids.begin()) % 8, 5);
        QCOMPARE(qint64(map.view()->neighbours().size()), qint64(80));

        // Raising the threshold shows fewer, never more; the map follows the list.
        int last = dock.model()->rowCount();
        int fewer = 0;
        for (const double t : {-0.2, 0.0, 0.3, 0.6, 0.8, 0.9}) {
            dock.setThreshold(t);
            const int shown = dock.model()->rowCount();
            QVERIFY2(shown <= last, qPrintable(QStringLiteral("%1 at %2 after %3").arg(shown).arg(t).arg(last)));
            fewer += shown < last;
            qInfo("threshold %.1f: %d shown", t, shown);
            last = shown;
            QCOMPARE(qint64(map.view()->neighbours().size()), qint64(shown));
            for (int r = 0; r < shown; ++r)
                QVERIFY(dock.model()->data(dock.model()->index(r, 0), ui::ItemListModel::ScoreRole).toDouble()
                        >= t - 1e-6);
        }
        QVERIFY2(fewer >= 2, qPrintable(QString::number(fewer)));
        // The threshold is on the centred cosine: at 0.5 only the song's cluster (every 8th) remains.
        dock.setThreshold(0.5);
        for (int r = 0; r < dock.model()->rowCount(); ++r) {
            const qint64 id = dock.model()->data(dock.model()->index(r, 0), ui::ItemListModel::IdRole).toLongLong();
            const auto row = std::find(m_ids.begin(), m_ids.end(), id) - m_ids.begin();
            QCOMPARE(row % 8, 5);
        }

        // Nothing matches: the note says so and the list empties.
        answered.clear();
        dock.setQuery(QStringLiteral("zzzz-no-such-thing"));
        QTRY_VERIFY_WITH_TIMEOUT(!answered.isEmpty() && !dock.isBusy(), 20000);
        QCOMPARE(dock.model()->rowCount(), 0);
        runner.cancelAll();
        runner.waitForDone();
    }
};

QTEST_MAIN(TestUiCompare)
#include "tst_ui_compare.moc"
