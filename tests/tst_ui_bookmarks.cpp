// Bookmarks (store and dock: save, reopen, restore, rename, delete) and the window's undo history
// of selection, camera, chart filters and colour-by.

#include "bookmarkmodel.h"
#include "bookmarksdock.h"
#include "chartsdock.h"
#include "mainwindow.h"
#include "mappage.h"
#include "scatterview.h"
#include "viewhistory.h"
#include "viewstate.h"

#include "io/sample.h"
#include "pipeline/pipeline.h"
#include "store/bookmarks.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QJsonArray>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>

using namespace orrery;
using namespace orrery::ui;
using Tester = QAbstractItemModelTester;

class TestUiBookmarks final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void storeRoundTrip();
    void bookmarkRestoresView();
    void undoSelectionAndView();

private:
    bool openMap(MainWindow &window, const QString &path);
    QTemporaryDir m_dir;
    QString m_sample;
};

void TestUiBookmarks::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery")).clear();
    m_sample = m_dir.filePath(QStringLiteral("sample.orrery"));
    JobContext job;
    io::createSampleProject(m_sample, job);
    Project project(m_sample);
    const MapPlan plan = planFor(project, project.datasetId(QString::fromUtf8(io::sampleRecordsName)));
    runEmbedStep(project, plan.steps.front(), job);
    runLayoutStep(project, plan.mapSet, ProjectionMethod::Pca, job);
}

void TestUiBookmarks::cleanupTestCase()
{
    QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery")).clear();
}

bool TestUiBookmarks::openMap(MainWindow &window, const QString &path)
{
    if (!window.openProject(path))
        return false;
    ScatterView *view = window.map()->view();
    return QTest::qWaitFor([&] { return view->pointCount() == 60 && view->isReady(); }, 10000);
}

void TestUiBookmarks::storeRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("b.orrery"));
    const QJsonObject state {{QStringLiteral("layout"), QStringLiteral("s/pca")},
                             {QStringLiteral("selection"), QJsonArray {3, 1, 2}}};
    qint64 first = 0;
    {
        Project p(path);
        first = saveBookmark(p, QStringLiteral("first"), state);
        saveBookmark(p, QStringLiteral("second"), {});
    }
    Project p(path);
    const QList<Bookmark> all = listBookmarks(p);
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].name, QStringLiteral("first"));
    QCOMPARE(all[0].state, state);
    QVERIFY(!all[0].created.isEmpty());
    QVERIFY(renameBookmark(p, first, QStringLiteral("renamed")));
    QCOMPARE(loadBookmark(p, first).name, QStringLiteral("renamed"));
    QVERIFY(removeBookmark(p, first));
    QVERIFY(!removeBookmark(p, first));
    QVERIFY(!renameBookmark(p, first, QStringLiteral("x")));
    QVERIFY_THROWS_EXCEPTION(Error, loadBookmark(p, first));
    QCOMPARE(listBookmarks(p).size(), 1);
}

void TestUiBookmarks::bookmarkRestoresView()
{
    const QString path = m_dir.filePath(QStringLiteral("bookmarks.orrery"));
    QFile::remove(path);
    QVERIFY(QFile::copy(m_sample, path));
    QJsonObject saved;
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(openMap(window, path));
        BookmarksDock *dock = window.bookmarks();
        Tester tester(dock->model(), Tester::FailureReportingMode::QtTest);
        Tester proxyTester(dock->proxy(), Tester::FailureReportingMode::QtTest);
        ScatterView *view = window.map()->view();
        view->setView(QPointF(0.125, -0.25), view->scale() * 3.5);
        view->setSelection({2, 5, 7});
        window.map()->setColourBy(ColourBy::Dataset);
        ChartsDock *charts = window.charts();
        charts->addChart({AttributeKind::Dataset, {}});
        QTRY_VERIFY_WITH_TIMEOUT(!charts->isLoading(), 10000);
        charts->clickBar(0, 0);
        QCOMPARE(view->selection().size(), size_t(60)); // the one dataset: every point
        view->setSelection({2, 5, 7});
        saved = window.viewState()->capture();
        QVERIFY(dock->addBookmark(QStringLiteral("three points")) > 0);
        QCOMPARE(dock->model()->rowCount(), 1);
        // Renaming in place writes the project.
        QVERIFY(dock->proxy()->setData(dock->proxy()->index(0, 0), QStringLiteral("three")));
        dock->filterEdit()->setText(QStringLiteral("nothing like it"));
        QCOMPARE(dock->proxy()->rowCount(), 0);
        dock->filterEdit()->clear();
    }
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(openMap(window, path));
    BookmarksDock *dock = window.bookmarks();
    QCOMPARE(dock->model()->rowCount(), 1);
    QCOMPARE(dock->model()->index(0).data().toString(), QStringLiteral("three"));
    ScatterView *view = window.map()->view();
    QVERIFY(view->selection().empty());
    QSignalSpy restored(window.viewState(), &ViewState::restored);
    QVERIFY(dock->activate(dock->model()->bookmark(0).id));
    QVERIFY(!restored.isEmpty() || restored.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(!window.charts()->isLoading(), 10000);
    QCOMPARE(view->selection(), (std::vector<qint64> {2, 5, 7}));
    QCOMPARE(view->centre(), QPointF(0.125, -0.25));
    QCOMPARE(view->scale(), saved.value(QStringLiteral("view")).toObject().value(QStringLiteral("scale")).toDouble());
    QVERIFY(window.map()->colourBy() == ColourBy::Dataset);
    QCOMPARE(window.charts()->chartCount(), 1);
    QCOMPARE(window.charts()->crossFilter().filter(0), QSet<qint32> {0});
    QCOMPARE(window.viewState()->capture(), saved);

    QVERIFY(dock->remove(dock->model()->bookmark(0).id));
    QCOMPARE(dock->model()->rowCount(), 0);
    Project p(path);
    QVERIFY(listBookmarks(p).isEmpty());
}

void TestUiBookmarks::undoSelectionAndView()
{
    const QString path = m_dir.filePath(QStringLiteral("undo.orrery"));
    QFile::remove(path);
    QVERIFY(QFile::copy(m_sample, path));
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(openMap(window, path));
    ScatterView *view = window.map()->view();
    ViewHistory *history = window.history();
    QUndoStack *stack = history->stack();
    stack->clear();

    // Selections, undone and redone, without new steps while restoring.
    view->setSelection({1, 2});
    view->setSelection({4});
    QCOMPARE(stack->count(), 2);
    stack->undo();
    QCOMPARE(view->selection(), (std::vector<qint64> {1, 2}));
    stack->undo();
    QVERIFY(view->selection().empty());
    QCOMPARE(stack->count(), 2);
    stack->redo();
    QCOMPARE(view->selection(), (std::vector<qint64> {1, 2}));
    stack->redo();
    QCOMPARE(view->selection(), (std::vector<qint64> {4}));

    // A wheel burst is one step.
    stack->clear();
    const QPointF c0 = view->centre();
    const double s0 = view->scale();
    for (int i = 0; i < 10; ++i)
        view->zoomBy(1.1, QPointF(100, 80));
    QCOMPARE(stack->count(), 1);
    stack->undo();
    QCOMPARE(view->centre(), c0);
    QCOMPARE(view->scale(), s0);

    // 150 separate camera steps are kept, each restored exactly.
    stack->clear();
    history->setBurstInterval(0);
    std::vector<std::pair<QPointF, double>> views {{view->centre(), view->scale()}};
    for (int i = 0; i < 150; ++i) {
        view->setView(QPointF(0.01 * i, -0.02 * i), s0 * (1 + 0.01 * i));
        views.emplace_back(view->centre(), view->scale());
    }
    QCOMPARE(stack->count(), 150);
    for (int i = 150; i > 0; --i) {
        stack->undo();
        QCOMPARE(view->centre(), views[size_t(i - 1)].first);
        QCOMPARE(view->scale(), views[size_t(i - 1)].second);
    }
    QCOMPARE(stack->count(), 150);
    while (stack->canRedo())
        stack->redo();
    QCOMPARE(view->centre(), views.back().first);

    // Chart filters and colour-by.
    stack->clear();
    ChartsDock *charts = window.charts();
    charts->addChart({AttributeKind::Dataset, {}});
    QTRY_VERIFY_WITH_TIMEOUT(!charts->isLoading(), 10000);
    const int before = stack->count();
    charts->clickBar(0, 0);
    QVERIFY(stack->count() > before);
    QCOMPARE(charts->crossFilter().filter(0), QSet<qint32> {0});
    while (stack->canUndo())
        stack->undo();
    QVERIFY(charts->crossFilter().filter(0).isEmpty());
    QCOMPARE(view->selection(), (std::vector<qint64> {4})); // as before the click
    history->restoreColourBy(ColourBy::Label);
    QVERIFY(window.map()->colourBy() == ColourBy::Label);
}

ORRERY_UI_TEST_MAIN(TestUiBookmarks)

#include "tst_ui_bookmarks.moc"
