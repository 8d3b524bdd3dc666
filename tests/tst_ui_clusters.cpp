// Clusters in the window: the Cluster job run from the map, the map coloured and labelled by the
// clustering, the layout's clustering shown on opening, bookmarks that keep it, and cancelling.

#include "bookmarksdock.h"
#include "chartsdock.h"
#include "clusterdialog.h"
#include "jobrunner.h"
#include "mainwindow.h"
#include "mappage.h"
#include "scatterview.h"
#include "viewstate.h"

#include "io/sample.h"
#include "pipeline/pipeline.h"
#include "store/clusterings.h"
#include "store/project.h"
#include "testutil.h"

#include <QApplication>
#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace orrery;
using namespace orrery::ui;

class TestUiClusters final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void dialogRequest();
    void clusterFromTheWindow();
    void cancelStoresNothing();

private:
    bool openMap(MainWindow &window, const QString &path);
    QString copyOfSample(const QString &name);
    QTemporaryDir m_dir;
    QString m_sample;
    QString m_set, m_layout;
};

void TestUiClusters::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sample = m_dir.filePath(QStringLiteral("sample.orrery"));
    JobContext job;
    io::createSampleProject(m_sample, job);
    Project project(m_sample);
    // The records: 60 JSON items of a few kinds, embedded and laid out in well under a second.
    const MapPlan plan = planFor(project, project.datasetId(QString::fromUtf8(io::sampleRecordsName)));
    runEmbedStep(project, plan.steps.front(), job);
    m_set = plan.mapSet;
    m_layout = runLayoutStep(project, m_set, ProjectionMethod::Pca, job).name;
}

bool TestUiClusters::openMap(MainWindow &window, const QString &path)
{
    if (!window.openProject(path))
        return false;
    ScatterView *view = window.map()->view();
    return QTest::qWaitFor([&] { return view->pointCount() == 60 && view->isReady(); }, 10000);
}

QString TestUiClusters::copyOfSample(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    return QFile::copy(m_sample, path) ? path : QString();
}

void TestUiClusters::dialogRequest()
{
    ClusterDialog dialog(QStringLiteral("s"), QStringLiteral("s/umap"));
    ClusterRequest r = dialog.request();
    QCOMPARE(r.method, QStringLiteral("kmeans"));
    QCOMPARE(r.setName, QStringLiteral("s"));
    QCOMPARE(r.k, 0); // automatic by silhouette
    QCOMPARE(dialog.kSpin()->text(), QStringLiteral("automatic (silhouette)"));
    QVERIFY(dialog.kSpin()->isEnabled());
    QVERIFY(!dialog.minSizeSpin()->isEnabled());
    dialog.methodCombo()->setCurrentIndex(1);
    dialog.minSizeSpin()->setValue(7);
    dialog.kSpin()->setValue(5);
    r = dialog.request();
    QCOMPARE(r.method, QStringLiteral("density"));
    QCOMPARE(r.layoutName, QStringLiteral("s/umap"));
    QVERIFY(r.setName.isEmpty());
    QCOMPARE(r.minSize, qint64(7));
    QVERIFY(!dialog.kSpin()->isEnabled());
    QCOMPARE(clusteringName(r), QStringLiteral("s/umap/density"));
}

void TestUiClusters::clusterFromTheWindow()
{
    const QString path = copyOfSample(QStringLiteral("clusters.orrery"));
    QVERIFY(!path.isEmpty());
    const QString kmeansName = m_set + QStringLiteral("/kmeans");
    QJsonObject saved;
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(openMap(window, path));
        MapPage *map = window.map();
        ScatterView *view = map->view();
        view->setClusterAnchorSyncLimit(0); // the anchors come from a worker, as on a large map
        QCOMPARE(map->layoutName(), m_layout);
        QCOMPARE(map->setName(), m_set);
        QVERIFY(map->clusterings().isEmpty());
        QVERIFY(map->clusteringName().isEmpty());

        QSignalSpy stored(map, &MapPage::clusteringStored);
        ClusterRequest request;
        request.k = 4;
        QVERIFY(map->startClustering(request));
        QVERIFY(stored.wait(20000));
        QCOMPARE(stored.first().first().toString(), kmeansName);
        {
            Project p(path);
            const QList<ClusteringInfo> all = listClusterings(p);
            QCOMPARE(all.size(), 1);
            QCOMPARE(all[0].name, kmeansName);
            QCOMPARE(all[0].setName, m_set);
            QCOMPARE(all[0].clusters, 4);
        }
        // Shown at once, coloured by its clusters, and listed to choose.
        QCOMPARE(map->clusteringName(), kmeansName);
        QVERIFY(map->isClusteringShown());
        QVERIFY(map->isColouringByClusters());
        QCOMPARE(view->colouring(), ScatterView::Colouring::Categories);
        QCOMPARE(view->categoryNames().size(), 4);
        QCOMPARE(view->colourLevel(), 0);
        QCOMPARE(map->clusterings().size(), 1);
        QCOMPARE(map->colourCombo()->currentText(), QStringLiteral("Clusters: %1").arg(kmeansName));
        QCOMPARE(map->colourCombo()->currentData().toString(), kmeansName);
        // Every row has its cluster; the labels arrive once the worker has built the anchors.
        QVERIFY(std::ranges::all_of(view->rowClusters(), [](qint32 c) { return c >= 0; }));
        QTRY_COMPARE_WITH_TIMEOUT(view->clusterAnchors().clusters().size(), size_t(4), 10000);
        QVERIFY(view->clusterLabelsVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!view->clusterLabels().empty(), 10000);
        for (const ClusterLabel &l : view->clusterLabels())
            QVERIFY(!l.place.rect.intersects(view->legendArea()));
        // The labels can be hidden and shown again.
        map->clusterLabelsButton()->setChecked(false);
        QVERIFY(!view->clusterLabelsVisible());
        view->repaint();
        QVERIFY(view->clusterLabels().empty());
        map->clusterLabelsButton()->setChecked(true);
        QVERIFY(view->clusterLabelsVisible());
        // The charts can chart it without reopening.
        ChartsDock *charts = window.charts();
        charts->addChart();
        QVERIFY(charts->panel(0)->attributeCombo()->findText(QStringLiteral("Cluster: %1").arg(kmeansName)) >= 0);

        // An attribute colours again, the labels stay; choosing the entry colours by clusters again.
        map->setColourBy(ColourBy::Kind);
        QVERIFY(!map->isColouringByClusters());
        QCOMPARE(map->clusteringName(), kmeansName);
        QTRY_VERIFY_WITH_TIMEOUT(view->colourLevel() < 0 && view->colouring() != ScatterView::Colouring::None, 10000);
        QComboBox *combo = map->colourCombo();
        const int entry = combo->findData(kmeansName);
        QVERIFY(entry >= 0);
        combo->setCurrentIndex(entry);
        emit combo->activated(entry);
        QTRY_COMPARE_WITH_TIMEOUT(view->colourLevel(), 0, 10000);
        QCOMPARE(view->categoryNames().size(), 4);

        // A bookmark keeps the clustering and its colouring.
        saved = window.viewState()->capture();
        QCOMPARE(saved.value(QStringLiteral("clusters")).toString(), kmeansName);
        QCOMPARE(saved.value(QStringLiteral("colourBy")).toString(), QStringLiteral("clusters"));
        QVERIFY(window.bookmarks()->addBookmark(QStringLiteral("clusters")) > 0);

        // Density clusters of the layout shown, as a second clustering of the set.
        QSignalSpy shown(map, &MapPage::clusteringShown);
        request = {};
        request.method = QStringLiteral("density");
        request.minSize = 5;
        QVERIFY(map->startClustering(request));
        QVERIFY(stored.wait(20000));
        QCOMPARE(map->clusteringName(), m_layout + QStringLiteral("/density"));
        QCOMPARE(map->clusterings().size(), 2);
        QVERIFY(combo->findData(kmeansName) >= 0);
        QVERIFY(combo->findData(QString(m_layout + QStringLiteral("/density"))) >= 0);
    }

    // Opening shows the layout's own clustering (its density clusters) with labels, colours unchanged.
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(openMap(window, path));
    MapPage *map = window.map();
    ScatterView *view = map->view();
    QCOMPARE(map->clusteringName(), m_layout + QStringLiteral("/density"));
    QTRY_VERIFY_WITH_TIMEOUT(map->isClusteringShown() && view->hasClusters(), 10000);
    QVERIFY(!map->isColouringByClusters());
    QTRY_VERIFY_WITH_TIMEOUT(!view->clusterLabels().empty(), 10000);

    // The bookmark brings back the k-means clusters and their colours.
    QSignalSpy restored(window.viewState(), &ViewState::restored);
    window.viewState()->restore(saved);
    QVERIFY(!restored.isEmpty() || restored.wait(10000));
    QCOMPARE(map->clusteringName(), kmeansName);
    QTRY_VERIFY_WITH_TIMEOUT(map->isClusteringShown(), 10000);
    QVERIFY(map->isColouringByClusters());
    QCOMPARE(view->colourLevel(), 0);
    QCOMPARE(view->categoryNames().size(), 4);
    QCOMPARE(window.viewState()->capture().value(QStringLiteral("clusters")).toString(), kmeansName);

    // A bookmark from before clusters were saved: its colour, and the clustering stays.
    QJsonObject old = saved;
    old.remove(QStringLiteral("clusters"));
    old.insert(QStringLiteral("colourBy"), QStringLiteral("dataset"));
    window.viewState()->restore(old);
    QVERIFY(map->colourBy() == ColourBy::Dataset);
    QVERIFY(!map->isColouringByClusters());
    QCOMPARE(map->clusteringName(), kmeansName);
    QTRY_VERIFY_WITH_TIMEOUT(view->colourLevel() < 0 && view->colouring() == ScatterView::Colouring::Categories, 10000);

    // One that shows no clusters takes them off.
    QJsonObject none = saved;
    none.insert(QStringLiteral("clusters"), QString());
    none.insert(QStringLiteral("colourBy"), QStringLiteral("label"));
    window.viewState()->restore(none);
    QVERIFY(map->clusteringName().isEmpty());
    QVERIFY(!view->hasClusters());
}

void TestUiClusters::cancelStoresNothing()
{
    const QString path = copyOfSample(QStringLiteral("cancel.orrery"));
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.resize(1000, 700);
    QVERIFY(openMap(window, path));
    JobRunner *runner = window.jobRunner();
    ClusterRequest request; // k by silhouette: the longest of the k-means runs
    QVERIFY(window.map()->startClustering(request));
    const JobId job = runner->jobOfKey(QStringLiteral("cluster"));
    QVERIFY(job != 0);
    JobId ended = 0;
    JobRunner::Outcome outcome = JobRunner::Outcome::Ready;
    connect(runner, &JobRunner::finished, this, [&](JobId id, JobRunner::Outcome o) {
        if (id == job) {
            ended = id;
            outcome = o;
        }
    });
    QVERIFY(runner->cancel(job));
    QTRY_VERIFY_WITH_TIMEOUT(!runner->isRunning(job), 5000);
    QVERIFY(runner->waitForDone(5000));
    QCOMPARE(ended, job);
    QCOMPARE(outcome, JobRunner::Outcome::Cancelled);
    Project p(path);
    QVERIFY(listClusterings(p).isEmpty());
    QVERIFY(window.map()->clusteringName().isEmpty());
    QVERIFY(!window.map()->view()->hasClusters());
}

ORRERY_UI_TEST_MAIN(TestUiClusters)
#include "tst_ui_clusters.moc"
