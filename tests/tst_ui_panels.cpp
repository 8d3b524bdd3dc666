// The job runner and the window's panels: jobs, datasets with sets and layouts, compute map,
// inspector with neighbours, search, filter, drag-and-drop import and its problems, exports.

#include "datasetdock.h"
#include "datasetmodel.h"
#include "inspector.h"
#include "itemlistmodel.h"
#include "itemspage.h"
#include "jobindicator.h"
#include "jobrunner.h"
#include "jobsmodel.h"
#include "jobspanel.h"
#include "mainwindow.h"
#include "mapcontroller.h"
#include "mappage.h"
#include "problemsdock.h"
#include "problemsmodel.h"
#include "projectsession.h"
#include "recommenddock.h"
#include "recommendpanel.h"
#include "scatterview.h"
#include "searchdock.h"
#include "settings.h"

#include "index/vectorindex.h"
#include "io/sample.h"
#include "pipeline/pipeline.h"
#include "store/corpus.h"
#include "store/layouts.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QMimeData>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

#include <atomic>

using namespace orrery;
using namespace orrery::ui;
using Tester = QAbstractItemModelTester;

namespace {

/// Work that runs until cancelled (or `ms` passes), reporting steady progress.
JobRunner::Work steady(int ms, std::atomic_int *running = nullptr)
{
    return [ms, running](JobRun &job) -> std::any {
        if (running)
            ++*running;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < ms) {
            job.progress(clock.elapsed(), ms, QStringLiteral("working"));
            if (job.cancelled()) {
                if (running)
                    --*running;
                job.checkCancelled();
            }
            QThread::msleep(2);
        }
        if (running)
            --*running;
        return int(ms);
    };
}

QList<qint64> idsOf(const QList<QVariant> &args, int at)
{
    return args.at(at).value<QList<qint64>>();
}

} // namespace

class TestUiPanels final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void runnerConcurrentAndProgress();
    void runnerCancel();
    void runnerLatestRequestWins();
    void runnerPartials();
    void runnerFailureAndContext();
    void jobsPanelCancelButton();
    void problemsParse_data();
    void problemsParse();

    void openPopulatesModels();
    void dropImports();
    void importProblemListed();
    void searchEnterSelects();
    void filterAdmits_data();
    void filterAdmits();
    void computeMapAndNeighbours();
    void playlistSongsAndNeighbours();
    void cancelMapWithinDeadline();
    void jobsShowInStatusBar();
    void exportSelectionJson();
    void responsiveWhileComputing();

private:
    QString copy(const QString &name);
    QTemporaryDir m_dir;
    QString m_sample;
};

void TestUiPanels::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery")).clear();
    m_sample = m_dir.filePath(QStringLiteral("sample.orrery"));
    JobContext job;
    io::createSampleProject(m_sample, job);
}

void TestUiPanels::cleanupTestCase()
{
    QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery")).clear();
}

QString TestUiPanels::copy(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    return QFile::copy(m_sample, path) ? path : QString();
}

void TestUiPanels::runnerConcurrentAndProgress()
{
    ORRERY_TIMING_TEST(runnerConcurrentAndProgress);
    JobRunner runner;
    JobsModel model(&runner);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    std::atomic_int running {0};
    int peak = 0;
    QSignalSpy finished(&runner, &JobRunner::finished);
    QSignalSpy progressed(&runner, &JobRunner::progressed);
    connect(&runner, &JobRunner::progressed, this, [&] {
        QCOMPARE(QThread::currentThread(), qApp->thread()); // delivered on the GUI thread
        peak = std::max(peak, running.load());
    });
    int ready = 0;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 3; ++i) {
        JobSpec spec;
        spec.label = QStringLiteral("job %1").arg(i);
        spec.context = this;
        spec.onReady = JobRunner::typed<int>([&](int ms) { ready += ms; });
        runner.start(spec, steady(600, &running));
    }
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(1, JobsModel::Label).data().toString(), QStringLiteral("job 1"));
    // ETA: a steady job knows how long it has left once it is under way.
    QTRY_VERIFY_WITH_TIMEOUT(runner.info(runner.jobs().first()).etaSeconds >= 0, 2000);
    const JobRunner::Info info = runner.info(runner.jobs().first());
    QVERIFY2(info.etaSeconds > 0.05 && info.etaSeconds < 1.0, qPrintable(QString::number(info.etaSeconds)));
    QVERIFY(model.index(0, JobsModel::Remaining).data().toString().endsWith(QStringLiteral(" s")));
    const double fraction = model.index(0, JobsModel::Progress).data(JobsModel::ProgressRole).toDouble();
    QVERIFY(fraction > 0 && fraction < 1);

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 5000);
    const qint64 took = clock.elapsed();
    qInfo("three 600 ms jobs in %lld ms, %lld progress deliveries, peak %d at once", took, qint64(progressed.size()),
          peak);
    QCOMPARE(ready, 1800);
    QCOMPARE(peak, 3);
    QVERIFY2(took < 1500, "the jobs did not run at once");
    // JobContext throttles to ~20 a second per job, the runner coalesces further.
    QVERIFY(progressed.size() <= 3 * 20);
    QCOMPARE(model.rowCount(), 0);
    for (const QList<QVariant> &args : finished)
        QCOMPARE(args[1].value<JobRunner::Outcome>(), JobRunner::Outcome::Ready);
}

void TestUiPanels::runnerCancel()
{
    ORRERY_TIMING_TEST(runnerCancel);
    JobRunner runner;
    JobSpec spec;
    spec.label = QStringLiteral("long");
    spec.context = this;
    bool cancelledCallback = false;
    bool readyCallback = false;
    spec.onCancelled = [&] { cancelledCallback = true; };
    spec.onReady = [&](std::any &&) { readyCallback = true; };
    const JobId id = runner.start(spec, steady(30000));
    QSignalSpy finished(&runner, &JobRunner::finished);
    QTRY_VERIFY_WITH_TIMEOUT(runner.info(id).done > 0, 2000);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(runner.cancel(id));
    QVERIFY(runner.info(id).cancelling);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 200);
    qInfo("cancelled after %lld ms", clock.elapsed());
    QCOMPARE(finished[0][1].value<JobRunner::Outcome>(), JobRunner::Outcome::Cancelled);
    QVERIFY(cancelledCallback);
    QVERIFY(!readyCallback);
    QVERIFY(!runner.isRunning(id));
    QVERIFY(!runner.cancel(id));
}

void TestUiPanels::runnerLatestRequestWins()
{
    JobRunner runner;
    QStringList delivered;
    QStringList partials;
    const auto request = [&](const QString &name, int ms) {
        JobSpec spec;
        spec.label = name;
        spec.key = QStringLiteral("layout:set");
        spec.context = this;
        spec.onReady = JobRunner::typed<QString>([&](QString v) { delivered.append(v); });
        spec.onPartial = JobRunner::typed<QString>([&](QString v) { partials.append(v); });
        return runner.start(spec, [name, ms](JobRun &job) -> std::any {
            QElapsedTimer clock;
            clock.start();
            // Ignores the stop flag for a while: a stale result must be dropped all the same.
            while (clock.elapsed() < ms) {
                job.post(name);
                QThread::msleep(5);
            }
            return name;
        });
    };
    QSignalSpy finished(&runner, &JobRunner::finished);
    const JobId first = request(QStringLiteral("pca"), 300);
    const JobId second = request(QStringLiteral("umap"), 100);
    // The first is gone at once, superseded; only one job is listed.
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished[0][0].value<JobId>(), first);
    QCOMPARE(finished[0][1].value<JobRunner::Outcome>(), JobRunner::Outcome::Superseded);
    QCOMPARE(runner.jobs(), QList<JobId> {second});
    QCOMPARE(runner.jobOfKey(QStringLiteral("layout:set")), second);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 3000);
    QVERIFY(runner.waitForDone(3000));
    QCoreApplication::processEvents();
    QCOMPARE(delivered, QStringList {QStringLiteral("umap")});
    QVERIFY(!partials.isEmpty());
    QVERIFY2(!partials.contains(QStringLiteral("pca")), "a superseded job's partial result got through");
    QCOMPARE(runner.jobOfKey(QStringLiteral("layout:set")), JobId(0));
}

void TestUiPanels::runnerPartials()
{
    JobRunner runner;
    std::vector<int> seen;
    int result = -1;
    JobSpec spec;
    spec.context = this;
    spec.onPartial = JobRunner::typed<int>([&](int v) {
        QVERIFY(result < 0); // partials come before the result
        seen.push_back(v);
    });
    spec.onReady = JobRunner::typed<int>([&](int v) { result = v; });
    runner.start(spec, [](JobRun &job) -> std::any {
        for (int i = 0; i < 5000; ++i) {
            job.post(i, i % 1000 == 999); // a finished stage every 1000
            if (i % 500 == 0)
                QThread::msleep(20);
        }
        return 5000;
    });
    QTRY_COMPARE_WITH_TIMEOUT(result, 5000, 5000);
    // Only the newest waiting value is delivered: few deliveries, in order.
    QVERIFY(!seen.empty());
    QVERIFY2(seen.size() < 1000, qPrintable(QString::number(seen.size())));
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    for (const int kept : {999, 1999, 2999, 3999, 4999})
        QVERIFY2(std::find(seen.begin(), seen.end(), kept) != seen.end(), qPrintable(QString::number(kept)));
    qInfo("5000 partial results posted, %zu delivered", seen.size());
}

void TestUiPanels::runnerFailureAndContext()
{
    JobRunner runner;
    QString failure;
    JobSpec spec;
    spec.context = this;
    spec.onFailed = [&](const QString &message) { failure = message; };
    runner.start(spec, [](JobRun &) -> std::any { throw Error(QStringLiteral("data.csv:3: expected a number")); });
    QTRY_COMPARE_WITH_TIMEOUT(failure, QStringLiteral("data.csv:3: expected a number"), 2000);

    // Callbacks of a context that is gone are dropped; the job still finishes.
    auto *context = new QObject;
    bool called = false;
    JobSpec gone;
    gone.context = context;
    gone.onReady = [&](std::any &&) { called = true; };
    QSignalSpy finished(&runner, &JobRunner::finished);
    runner.start(gone, steady(50));
    delete context;
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 2000);
    QVERIFY(!called);
}

void TestUiPanels::jobsPanelCancelButton()
{
    ORRERY_TIMING_TEST(jobsPanelCancelButton);
    JobRunner runner;
    JobsPanel panel(&runner);
    panel.resize(600, 200);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    Tester tester(panel.model(), Tester::FailureReportingMode::QtTest);
    JobSpec a;
    a.label = QStringLiteral("first");
    a.context = this;
    JobSpec b = a;
    b.label = QStringLiteral("second");
    const JobId first = runner.start(a, steady(30000));
    const JobId second = runner.start(b, steady(30000));
    QCOMPARE(panel.model()->rowCount(), 2);
    QSignalSpy finished(&runner, &JobRunner::finished);
    QCoreApplication::processEvents();
    QElapsedTimer clock;
    clock.start();
    // The second row's button cancels the second job only.
    QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, panel.cancelButtonRect(1).center());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 200);
    qInfo("cancel button to finished: %lld ms", clock.elapsed());
    QCOMPARE(finished[0][0].value<JobId>(), second);
    QVERIFY(runner.isRunning(first));
    QCOMPARE(panel.model()->rowCount(), 1);
    QCOMPARE(panel.model()->jobAt(0), first);
    runner.cancelAll();
    QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 0, 200);
}

void TestUiPanels::problemsParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("line") << QStringLiteral("/data/broken.json:3: expected a value")
                          << QStringLiteral("/data/broken.json") << 3 << 0 << QStringLiteral("expected a value");
    QTest::newRow("column") << QStringLiteral("/d/a.csv:12:7: unterminated quote") << QStringLiteral("/d/a.csv") << 12
                            << 7 << QStringLiteral("unterminated quote");
    QTest::newRow("file only") << QStringLiteral("/d/x.npy: not a NumPy file") << QStringLiteral("/d/x.npy") << 0 << 0
                               << QStringLiteral("not a NumPy file");
    QTest::newRow("bare") << QStringLiteral("no importable files found") << QString() << 0 << 0
                          << QStringLiteral("no importable files found");
}

void TestUiPanels::problemsParse()
{
    QFETCH(QString, text);
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    const ProblemsModel::Problem p = ProblemsModel::parse(text, true);
    QCOMPARE(p.file, file);
    QCOMPARE(p.line, line);
    QCOMPARE(p.column, column);
    QCOMPARE(p.message, message);
}

void TestUiPanels::openPopulatesModels()
{
    const QString path = copy(QStringLiteral("open.orrery"));
    {
        // A stored set and layout, so that the tree has all three levels.
        Project project(path);
        const MapPlan plan = planFor(project, project.datasetId(QString::fromUtf8(io::sampleRecordsName)));
        JobContext job;
        runEmbedStep(project, plan.steps.front(), job);
        runLayoutStep(project, plan.mapSet, ProjectionMethod::Pca, job);
    }
    MainWindow window;
    Tester datasetTester(window.datasets()->model(), Tester::FailureReportingMode::QtTest);
    Tester searchTester(window.search()->model(), Tester::FailureReportingMode::QtTest);
    Tester problemTester(window.problems()->model(), Tester::FailureReportingMode::QtTest);
    QSignalSpy layouts(window.mapController(), &ui::MapController::layoutReady);
    QVERIFY(window.openProject(path));
    DatasetModel *model = window.datasets()->model();
    QCOMPARE(model->rowCount(), 3);
    const QModelIndex records = model->index(2, 0);
    QCOMPARE(records.data().toString(), QStringLiteral("Sample records"));
    QCOMPARE(model->rowCount(records), 1);
    const QModelIndex set = model->index(0, 0, records);
    QCOMPARE(set.data().toString(), QStringLiteral("mbat"));
    QCOMPARE(set.data(DatasetModel::FullNameRole).toString(), QStringLiteral("Sample records/mbat"));
    QCOMPARE(model->index(0, DatasetModel::Items, records).data().toString(), QStringLiteral("60"));
    QCOMPARE(model->rowCount(set), 1);
    QCOMPARE(model->index(0, 0, set).data().toString(), QStringLiteral("PCA"));
    QCOMPARE(model->parent(model->index(0, 0, set)), set);
    QCOMPARE(model->datasetIdOf(model->index(0, 0, set)),
             window.session()->project()->datasetId(QStringLiteral("Sample records")));
    // The filter lists datasets and labels.
    QStringList filters;
    for (int i = 0; i < window.search()->filterCombo()->count(); ++i)
        filters.append(window.search()->filterCombo()->itemText(i));
    QVERIFY2(filters.contains(QStringLiteral("Dataset: Sample articles")), qPrintable(filters.join(u'|')));
    QVERIFY2(filters.contains(QStringLiteral("Label: science (10)")), qPrintable(filters.join(u'|')));
    QCOMPARE(window.centreTabs()->tabText(0), QStringLiteral("Map"));
    QCOMPARE(window.centreTabs()->tabText(1), QStringLiteral("Items"));

    // Opening shows the newest stored layout: the map gets 60 points, from the project.
    QTRY_VERIFY_WITH_TIMEOUT(!layouts.isEmpty() && layouts.last()[0].toString() == u"Sample records/mbat/pca", 5000);
    QCOMPARE(window.session()->set(), QStringLiteral("Sample records/mbat"));
    QCOMPARE(window.datasets()->view()->currentIndex().data(DatasetModel::FullNameRole).toString(),
             QStringLiteral("Sample records/mbat/pca"));
    QVERIFY(window.mapController()->currentLayout().stored);
    QTRY_COMPARE_WITH_TIMEOUT(window.map()->view()->pointCount(), 60, 5000);

    // A dataset without sets shows nothing; choosing the set again shows its stored layout at once.
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample articles")));
    QCOMPARE(window.session()->set(), QString());
    QCOMPARE(window.map()->view()->pointCount(), 0);
    QSignalSpy setSpy(window.session(), &ui::ProjectSession::setChanged);
    layouts.clear();
    QVERIFY(window.datasets()->selectSet(QStringLiteral("Sample records/mbat")));
    QCOMPARE(window.session()->set(), QStringLiteral("Sample records/mbat"));
    QCOMPARE(setSpy.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!layouts.isEmpty() && layouts.last()[0].toString() == u"Sample records/mbat/pca", 5000);
    const QList<QVariant> last = layouts.last();
    QCOMPARE(last[1].value<std::vector<double>>().size(), size_t(120));
    QCOMPARE(last[2].value<std::vector<qint64>>().size(), size_t(60));
    QCOMPARE(last[3].toBool(), false);
    QVERIFY(window.mapController()->currentLayout().stored);
    // The map holds the layout's points, one per record.
    QCOMPARE(window.map()->view()->pointCount(), 60);
    QCOMPARE(window.map()->layoutName(), QStringLiteral("Sample records/mbat/pca"));
    QVERIFY(window.jobRunner()->waitForDone(5000));
}

void TestUiPanels::dropImports()
{
    const QString path = copy(QStringLiteral("drop.orrery"));
    const QString folder = m_dir.filePath(QStringLiteral("dropped"));
    test::writeFile(QDir(folder).filePath(QStringLiteral("mix.m3u")),
                    "#EXTM3U\n#EXTINF:215,Nina Hale - Open Highway\nmusic/open-highway.mp3\n"
                    "#EXTINF:187,The Lanterns - Gas Station Coffee\nmusic/gas-station-coffee.mp3\n");
    MainWindow window;
    QVERIFY(window.openProject(path));
    QSignalSpy finished(window.session(), &ui::ProjectSession::importFinished);
    QSignalSpy started(window.session(), &ui::ProjectSession::jobStarted);

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(folder)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(started.size(), 1);
    QVERIFY(window.session()->isBusy());
    // While it runs, further drops are refused.
    QDragEnterEvent again(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    again.setAccepted(false);
    QApplication::sendEvent(&window, &again);
    QVERIFY(!again.isAccepted());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][2].toString()));
    QCOMPARE(window.datasets()->model()->rowCount(), 4);
    QCOMPARE(window.datasets()->model()->dataset(3).name, QStringLiteral("dropped"));
    QCOMPARE(window.datasets()->model()->dataset(3).items, qint64(2));
    QCOMPARE(window.session()->datasetId(), window.datasets()->model()->dataset(3).id);
    QCOMPARE(window.problems()->model()->rowCount(), 0);
}

void TestUiPanels::importProblemListed()
{
    const QString path = copy(QStringLiteral("problem.orrery"));
    const QByteArray before = [&] {
        Project p(path);
        return test::fingerprint(p);
    }();
    const QString bad = m_dir.filePath(QStringLiteral("broken.json"));
    test::writeFile(bad, "[\n  {\"id\": \"a\", \"name\": \"fine\"},\n  {\"id\": \"b\", \"name\": }\n]\n");
    MainWindow window;
    QVERIFY(window.openProject(path));
    Tester tester(window.problems()->model(), Tester::FailureReportingMode::QtTest);
    QSignalSpy finished(window.session(), &ui::ProjectSession::importFinished);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(bad)});
    // As a drag from a file manager arrives: enter, then drop.
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QVERIFY(drop.isAccepted());
    QVERIFY(window.session()->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    QCOMPARE(finished[0][0].toBool(), false);

    ProblemsModel *problems = window.problems()->model();
    QCOMPARE(problems->rowCount(), 1);
    QCOMPARE(problems->errorCount(), 1);
    QCOMPARE(QFileInfo(problems->problem(0).file).fileName(), QStringLiteral("broken.json"));
    QCOMPARE(problems->problem(0).line, 3);
    QVERIFY(problems->index(0, ProblemsModel::Location).data().toString().startsWith(u"broken.json:3"));
    QVERIFY(!problems->problem(0).message.isEmpty());
    QVERIFY(!window.problems()->isHidden());
    // Nothing from the failing file is kept.
    QCOMPARE(window.datasets()->model()->rowCount(), 3);
    Project after(path);
    QCOMPARE(test::fingerprint(after), before);
}

void TestUiPanels::searchEnterSelects()
{
    MainWindow window;
    QVERIFY(window.openProject(m_sample));
    Tester tester(window.search()->model(), Tester::FailureReportingMode::QtTest);
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample articles")));
    QSignalSpy results(window.search(), &ui::SearchDock::searchResults);
    QSignalSpy current(window.session(), &ui::ProjectSession::currentItemChanged);
    window.search()->setSearchText(QStringLiteral("lisbon trams"));
    QCOMPARE(window.search()->model()->rowCount(), 1);
    const qint64 doc = window.session()->project()->itemForKey(QStringLiteral("travel/10.txt"));
    QCOMPARE(window.search()->model()->itemId(0), doc);
    QCOMPARE(idsOf(results.last(), 0), QList<qint64> {doc});

    // Enter in the search box jumps to the best match: it becomes current and the inspector shows it.
    window.search()->searchEdit()->setFocus();
    QTest::keyClick(window.search()->searchEdit(), Qt::Key_Return);
    QCOMPARE(window.session()->currentItem(), doc);
    QCOMPARE(current.last()[0].toLongLong(), doc);
    QCOMPARE(window.inspector()->itemId(), doc);
    QCOMPARE(window.inspector()->details()->title, QStringLiteral("Lisbon trams celebrate a century on the hills"));
    QCOMPARE(window.inspector()->details()->labels, QStringList {QStringLiteral("travel")});

    // Several matches, ranked; activating the second row selects it.
    window.search()->setSearchText(QStringLiteral("harbour"));
    QVERIFY(window.search()->model()->rowCount() >= 2);
    QCOMPARE(idsOf(results.last(), 0).size(), window.search()->model()->rowCount());
    const qint64 second = window.search()->model()->itemId(1);
    emit window.search()->view()->activated(window.search()->model()->index(1, ItemListModel::Name));
    QCOMPARE(window.session()->currentItem(), second);

    window.search()->setSearchText({});
    QCOMPARE(window.search()->model()->rowCount(), 0);
    QVERIFY(idsOf(results.last(), 0).isEmpty());
}

void TestUiPanels::filterAdmits_data()
{
    QTest::addColumn<QString>("entry");
    QTest::addColumn<int>("admitted");
    QTest::newRow("label") << QStringLiteral("Label: science (10)") << 10;
    QTest::newRow("dataset") << QStringLiteral("Dataset: Sample records") << 60;
    QTest::newRow("everything") << QStringLiteral("Everything") << -1;
}

void TestUiPanels::filterAdmits()
{
    QFETCH(QString, entry);
    QFETCH(int, admitted);
    MainWindow window;
    QVERIFY(window.openProject(m_sample));
    QSignalSpy filter(window.search(), &ui::SearchDock::filterChanged);
    const int row = window.search()->filterCombo()->findText(entry);
    QVERIFY2(row >= 0, qPrintable(entry));
    window.search()->filterCombo()->setCurrentIndex(row);
    emit window.search()->filterCombo()->activated(row);
    QCOMPARE(filter.size(), 1);
    const QList<qint64> ids = idsOf(filter[0], 0);
    QCOMPARE(filter[0][1].toBool(), admitted >= 0);
    if (admitted < 0)
        return;
    QCOMPARE(ids.size(), admitted);
    QVERIFY(std::is_sorted(ids.begin(), ids.end()));
    if (entry.startsWith(u"Label")) {
        const std::vector<QString> labels = itemLabels(*window.session()->project(),
                                                       std::vector<qint64>(ids.begin(), ids.end()));
        for (const QString &l : labels)
            QCOMPARE(l, QStringLiteral("science"));
    }
}

void TestUiPanels::computeMapAndNeighbours()
{
    const QString path = copy(QStringLiteral("compute.orrery"));
    MainWindow window;
    window.resize(1200, 800);
    QVERIFY(window.openProject(path));
    Tester datasetTester(window.datasets()->model(), Tester::FailureReportingMode::QtTest);
    Tester neighbourTester(window.inspector()->neighbourModel(), Tester::FailureReportingMode::QtTest);
    Tester jobsTester(window.jobsPanel()->model(), Tester::FailureReportingMode::QtTest);
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample articles")));
    QSignalSpy layouts(window.mapController(), &ui::MapController::layoutReady);
    QSignalSpy computed(window.mapController(), &ui::MapController::mapComputed);
    QSignalSpy indexReady(window.session(), &ui::ProjectSession::indexReady);
    QVERIFY(window.mapController()->computeMap(window.session()->datasetId()));
    QVERIFY(window.mapController()->isComputing());
    QCOMPARE(window.jobsPanel()->model()->rowCount(), 1);
    QVERIFY(!window.mapController()->computeMap(window.session()->datasetId())); // one at a time per dataset
    QTRY_COMPARE_WITH_TIMEOUT(computed.size(), 1, 60000);
    QVERIFY2(computed[0][1].toBool(), qPrintable(computed[0][2].toString()));
    QCOMPARE(computed[0][0].toString(), QStringLiteral("Sample articles/lsa"));

    // PCA first, UMAP last; both stored and listed under the set.
    QVERIFY(layouts.size() >= 2);
    QStringList names;
    for (const QList<QVariant> &l : layouts)
        if (!l[3].toBool())
            names.append(l[0].toString());
    QCOMPARE(names.first(), QStringLiteral("Sample articles/lsa/pca"));
    QCOMPARE(names.last(), QStringLiteral("Sample articles/lsa/umap"));
    QCOMPARE(layouts.last()[2].value<std::vector<qint64>>().size(), size_t(40));
    QVERIFY(window.datasets()->model()->indexOfLayout(QStringLiteral("Sample articles/lsa/umap")).isValid());
    QCOMPARE(listLayouts(*window.session()->project()).size(), 2);
    QCOMPARE(window.session()->set(), QStringLiteral("Sample articles/lsa"));
    QCOMPARE(window.datasets()->view()->currentIndex().data(DatasetModel::FullNameRole).toString(),
             QStringLiteral("Sample articles/lsa/umap"));

    // Selecting a document lists its k nearest documents with similarities, nearest first.
    QTRY_VERIFY_WITH_TIMEOUT(window.session()->index(window.session()->set()) != nullptr, 10000);
    const qint64 doc = window.session()->project()->itemForKey(QStringLiteral("science/01.txt"));
    QSignalSpy neighbours(window.inspector(), &ui::Inspector::neighboursChanged);
    window.session()->setCurrentItem(doc);
    ItemListModel *list = window.inspector()->neighbourModel();
    QCOMPARE(list->rowCount(), window.inspector()->neighbourCount());
    QCOMPARE(list->rowCount(), 10);
    QCOMPARE(idsOf(neighbours.last(), 0), list->ids());
    QVERIFY(!list->ids().contains(doc));
    const QList<qint64> found = list->ids();
    const std::vector<QString> labels = itemLabels(*window.session()->project(),
                                                   std::vector<qint64>(found.begin(), found.end()));
    const auto science = std::count(labels.begin(), labels.end(), QStringLiteral("science"));
    QVERIFY2(science >= 7, qPrintable(QString::number(science)));
    for (int r = 1; r < list->rowCount(); ++r)
        QVERIFY(list->index(r, ItemListModel::Score).data(ItemListModel::ScoreRole).toDouble()
                <= list->index(r - 1, ItemListModel::Score).data(ItemListModel::ScoreRole).toDouble());

    // Clicking a neighbour jumps to it.
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTreeView *view = window.inspector()->neighbourView();
    const qint64 third = list->itemId(2);
    const QRect cell = view->visualRect(list->index(2, ItemListModel::Name));
    QVERIFY(cell.isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(window.session()->currentItem(), third);
    QCOMPARE(window.inspector()->itemId(), third);
    QVERIFY(!list->ids().contains(third));
    QCOMPARE(list->rowCount(), 10);

    // The map holds the 40 documents, coloured by label; a click on a point selects its
    // document, the inspector lists its neighbours and the map marks them.
    ScatterView *map = window.map()->view();
    QCOMPARE(map->pointCount(), 40);
    QTRY_VERIFY_WITH_TIMEOUT(map->isReady(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(map->colouring(), ScatterView::Colouring::Categories, 5000);
    const qint64 target = window.session()->project()->itemForKey(QStringLiteral("sport/02.txt"));
    const qint64 row = map->rowOf(target);
    QVERIFY(row >= 0);
    const QPointF at = map->mapToScreen(map->position(row));
    QVERIFY2(map->rect().contains(at.toPoint()), "the fitted map shows every point");
    QCOMPARE(map->rowAt(at), row); // no other document sits on it
    QTest::mouseClick(map, Qt::LeftButton, {}, at.toPoint());
    QCOMPARE(window.session()->currentItem(), target);
    QCOMPARE(map->currentRow(), row);
    QCOMPARE(list->rowCount(), 10);
    QVERIFY(!list->ids().contains(target));
    QCOMPARE(map->neighbours().size(), size_t(10));
    for (const qint64 n : map->neighbours())
        QVERIFY(list->ids().contains(map->idOf(n)));

    // The map exports as PNG (at the view's size, points in the label colours) and as SVG.
    QString error;
    const QString png = m_dir.filePath(QStringLiteral("map.png"));
    QVERIFY2(window.map()->exportImage(png, &error), qPrintable(error));
    const QImage image(png);
    QCOMPARE(image.size(), map->size() * map->devicePixelRatioF());
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y) & 0xffffff);
    QVERIFY2(colours.size() > 4, qPrintable(QString::number(colours.size())));
    const QString svg = m_dir.filePath(QStringLiteral("map.svg"));
    QVERIFY2(window.map()->exportImage(svg, &error), qPrintable(error));
    const QByteArray svgText = test::fileBytes(svg);
    QVERIFY(svgText.contains("<svg"));
    QVERIFY2(svgText.count("<circle") + svgText.count("<ellipse") + svgText.count("<path") >= 40, "one mark per point");
    QVERIFY(window.jobRunner()->waitForDone(10000));
}

void TestUiPanels::playlistSongsAndNeighbours()
{
    const QString path = copy(QStringLiteral("playlists.orrery"));
    {
        // The playlists' sets, as compute-map stores them (the map itself is not needed here).
        Project project(path);
        const MapPlan plan = planFor(project, project.datasetId(QString::fromUtf8(io::samplePlaylistsName)));
        JobContext job;
        for (const EmbedStep &step : plan.steps)
            runEmbedStep(project, step, job);
    }
    MainWindow window;
    QVERIFY(window.openProject(path));
    Tester songTester(window.inspector()->songModel(), Tester::FailureReportingMode::QtTest);
    QVERIFY(window.datasets()->selectSet(QStringLiteral("Sample playlists/sgns")));
    QTRY_VERIFY_WITH_TIMEOUT(window.session()->index(window.session()->set()) != nullptr, 20000);

    // A song: neighbours among the songs.
    const qint64 dataset = window.session()->project()->datasetId(QStringLiteral("Sample playlists"));
    const qint64 song = datasetItems(*window.session()->project(), dataset, ItemKind::Track).front();
    window.session()->setCurrentItem(song);
    QCOMPARE(window.inspector()->neighbourModel()->rowCount(), 10);
    QVERIFY(!window.inspector()->songView()->isVisibleTo(window.inspector()));

    // A playlist on the songs' map: its songs in order (the path), neighbours from the playlists' set.
    sql::Statement st(window.session()->project()->db(),
                      "SELECT item_id, entries FROM sequence WHERE dataset_id = ? LIMIT 1");
    st.bind(1, dataset);
    QVERIFY(st.step());
    const qint64 playlist = st.columnInt(0);
    const std::vector<qint64> entries = unpackIds(st.columnBlob(1));
    QSignalSpy pathSpy(window.inspector(), &ui::Inspector::pathChanged);
    window.session()->setCurrentItem(playlist);
    QCOMPARE(window.inspector()->songModel()->rowCount(), int(entries.size()));
    QCOMPARE(idsOf(pathSpy.last(), 0), QList<qint64>(entries.begin(), entries.end()));
    QTRY_COMPARE_WITH_TIMEOUT(window.inspector()->neighbourModel()->rowCount(), 10, 10000);
    const std::vector<ItemLabel> kinds = itemLabelsOf(*window.session()->project(),
                                                      {window.inspector()->neighbourModel()->itemId(0)});
    QVERIFY(kinds.front().kind == ItemKind::Playlist);
    // A song of it is one click away.
    emit window.inspector()->songView()->clicked(window.inspector()->songModel()->index(1, ItemListModel::Name));
    QCOMPARE(window.session()->currentItem(), entries[1]);

    // The playlist continued: its songs seed the recommendations (from the songs' set), none of
    // them comes back, every result gives a reason, and a double-click shows the song.
    window.session()->setCurrentItem(playlist);
    window.session()->setSelection({playlist});
    RecommendPanel *panel = window.recommendations()->panel();
    Tester recommendTester(panel->model(), Tester::FailureReportingMode::QtTest);
    QSignalSpy recommended(panel, &RecommendPanel::recommended);
    window.recommendations()->seedFromSelection();
    QCOMPARE(panel->seeds(), QList<qint64>(entries.begin(), entries.end()));
    QTRY_VERIFY_WITH_TIMEOUT(recommended.size() >= 1 && panel->model()->rowCount() > 0, 30000);
    const QList<RecommendationModel::Row> rows = panel->model()->rows();
    QVERIFY(rows.size() >= 10);
    for (const RecommendationModel::Row &row : rows) {
        QVERIFY(std::find(entries.begin(), entries.end(), row.entry.itemId) == entries.end());
        QVERIFY(std::find(entries.begin(), entries.end(), row.becauseId) != entries.end());
    }
    emit panel->view()->doubleClicked(panel->model()->index(0, 0));
    QCOMPARE(window.session()->currentItem(), rows.front().entry.itemId);
    QVERIFY(window.jobRunner()->waitForDone(10000));
}

void TestUiPanels::cancelMapWithinDeadline()
{
    ORRERY_TIMING_TEST(cancelMapWithinDeadline);
    const QString path = copy(QStringLiteral("cancel-map.orrery"));
    MainWindow window;
    QVERIFY(window.openProject(path));
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample playlists")));
    QSignalSpy computed(window.mapController(), &ui::MapController::mapComputed);
    QVERIFY(window.mapController()->computeMap(window.session()->datasetId()));
    JobRunner *runner = window.jobRunner();
    const JobId job = runner->jobs().last();
    // Training is under way.
    QTRY_VERIFY_WITH_TIMEOUT(runner->info(job).done > 0, 20000);
    QElapsedTimer clock;
    clock.start();
    window.jobsPanel()->show();
    runner->cancel(job);
    QTRY_COMPARE_WITH_TIMEOUT(computed.size(), 1, 200);
    qInfo("map computation cancelled in %lld ms", clock.elapsed());
    QCOMPARE(computed[0][1].toBool(), false);
    QVERIFY(!window.mapController()->isComputing());
    QVERIFY(listLayouts(*window.session()->project()).isEmpty());
}

void TestUiPanels::jobsShowInStatusBar()
{
    // The Jobs dock takes no room while nothing runs; a running job shows in the status bar,
    // whose label opens the dock on demand.
    const QString path = copy(QStringLiteral("jobs-status.orrery"));
    MainWindow window;
    window.resize(1000, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openProject(path));
    QVERIFY(window.jobRunner()->waitForDone(10000));
    QTRY_COMPARE_WITH_TIMEOUT(window.jobRunner()->count(), 0, 10000);
    auto *indicator = window.findChild<ui::JobIndicator *>();
    QVERIFY(indicator);
    QVERIFY(!window.jobsDock()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!indicator->isVisible(), 5000);

    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample playlists")));
    QVERIFY(window.mapController()->computeMap(window.session()->datasetId()));
    QTRY_VERIFY_WITH_TIMEOUT(indicator->isVisible(), 5000);
    auto *label = indicator->findChild<QToolButton *>(QStringLiteral("jobLabel"));
    QVERIFY(label);
    QVERIFY2(label->text().startsWith(QStringLiteral("Map of Sample playlists")), qPrintable(label->text()));
    QVERIFY(!window.jobsDock()->isVisible());
    label->click();
    QVERIFY(window.jobsDock()->isVisible());
    QCOMPARE(window.jobsPanel()->model()->rowCount(), window.jobRunner()->count());

    QSignalSpy computed(window.mapController(), &ui::MapController::mapComputed);
    window.jobRunner()->cancelAll();
    QTRY_COMPARE_WITH_TIMEOUT(computed.size(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!indicator->isVisible(), 5000);
}

void TestUiPanels::exportSelectionJson()
{
    const QString path = copy(QStringLiteral("export.orrery"));
    MainWindow window;
    QVERIFY(window.openProject(path));
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample records")));
    const qint64 dataset = window.session()->project()->datasetId(QStringLiteral("Sample records"));
    const std::vector<qint64> records = datasetItems(*window.session()->project(), dataset, ItemKind::Record);
    const QList<qint64> chosen {records[5], records[1], records[9]};
    window.session()->setSelection(chosen);
    QCOMPARE(window.session()->selection(), chosen);
    QSignalSpy done(window.session(), &ui::ProjectSession::exportFinished);
    const QString out = m_dir.filePath(QStringLiteral("selection.json"));
    QVERIFY(window.session()->exportSelection(io::ItemFormat::Json, out));
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 10000);
    QVERIFY2(done[0][0].toBool(), qPrintable(done[0][1].toString()));
    const QJsonArray array = QJsonDocument::fromJson(test::fileBytes(out)).array();
    QCOMPARE(array.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(array[i][QStringLiteral("id")].toInteger(), chosen[i]);

    // Map images wait for the map view.
    QString error;
    QVERIFY(!window.map()->exportImage(m_dir.filePath(QStringLiteral("map.png")), &error));
    QVERIFY(!error.isEmpty());
}

void TestUiPanels::responsiveWhileComputing()
{
    ORRERY_TIMING_TEST(responsiveWhileComputing);
    // The event loop keeps turning while item2vec trains and UMAP converges (partial layouts
    // arriving): a 5 ms timer measures every gap between its ticks.
    const QString path = copy(QStringLiteral("responsive.orrery"));
    MainWindow window;
    QVERIFY(window.openProject(path));
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample playlists")));
    QSignalSpy computed(window.mapController(), &ui::MapController::mapComputed);
    int partials = 0;
    connect(window.mapController(), &ui::MapController::layoutReady, this,
            [&](const QString &, const std::vector<double> &xy, const std::vector<qint64> &, bool partial) {
                QVERIFY(!xy.empty());
                partials += partial;
            });
    std::vector<qint64> gaps;
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        gaps.push_back(now - last);
        last = now;
    });
    ticker.start();
    QVERIFY(window.mapController()->computeMap(window.session()->datasetId()));
    QTRY_COMPARE_WITH_TIMEOUT(computed.size(), 1, 120000);
    ticker.stop();
    QVERIFY2(computed[0][1].toBool(), qPrintable(computed[0][2].toString()));
    std::sort(gaps.begin(), gaps.end());
    const qint64 p99 = gaps[gaps.size() * 99 / 100];
    qInfo("map of the sample playlists in %lld ms: %d partial layouts, %zu ticks, event loop gap p50 %lld ms, "
          "p99 %lld ms, max %lld ms",
          clock.elapsed(), partials, gaps.size(), gaps[gaps.size() / 2], p99, gaps.back());
    QVERIFY(partials >= 1);
    QVERIFY2(p99 <= 50, qPrintable(QStringLiteral("p99 gap %1 ms").arg(p99)));
}

ORRERY_UI_TEST_MAIN(TestUiPanels)

#include "tst_ui_panels.moc"
