// Linked charts: the attribute query against a hand-made project, the cross-filter, and the
// charts dock driving the map's selection and dimming in the window (offscreen).

#include "chartsdock.h"
#include "crossfilter.h"
#include "mainwindow.h"
#include "mapcontroller.h"
#include "mappage.h"
#include "scatterview.h"

#include "io/sample.h"
#include "pipeline/pipeline.h"
#include "store/attributes.h"
#include "store/corpus.h"
#include "store/filters.h"
#include "testutil.h"

#include <QApplication>
#include <QBarSet>
#include <QChartView>
#include <QComboBox>
#include <QDockWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cmath>

using namespace orrery;
using namespace orrery::ui;

namespace {

AttributeValues categoriesOf(const std::vector<qint32> &perRow, QStringList names)
{
    AttributeValues v;
    v.spec = {AttributeKind::Cluster, QStringLiteral("hand-made")};
    v.categories = perRow;
    v.names = std::move(names);
    return v;
}

AttributeValues numbersOf(const std::vector<double> &perRow)
{
    AttributeValues v;
    v.spec = {AttributeKind::Json, QStringLiteral("score")};
    v.numeric = true;
    v.values = perRow;
    return v;
}

/// The sum of a bar set's values.
qint64 total(const QBarSet *set)
{
    qint64 sum = 0;
    for (int i = 0; i < set->count(); ++i)
        sum += qint64(set->at(i));
    return sum;
}

} // namespace

class TestUiCharts final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void attributeQuery();
    void bucketsAndCrossFilter();
    void chartSelectsAndFilters();

private:
    /// A window showing the PCA map of the sample's records (60 points).
    bool openMap(MainWindow &window);
    QTemporaryDir m_dir;
    QString m_sample;
};

void TestUiCharts::initTestCase()
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

void TestUiCharts::cleanupTestCase()
{
    QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery")).clear();
}

bool TestUiCharts::openMap(MainWindow &window)
{
    if (!window.openProject(m_sample))
        return false;
    ScatterView *view = window.map()->view();
    return QTest::qWaitFor([&] { return view->pointCount() == 60 && view->isReady(); }, 10000);
}

void TestUiCharts::attributeQuery()
{
    QTemporaryDir dir;
    const QString records = dir.filePath(QStringLiteral("records.jsonl"));
    test::writeFile(records,
                    "{\"id\":\"r1\",\"genre\":\"rock\",\"year\":1990}\n"
                    "{\"id\":\"r2\",\"genre\":\"jazz\",\"year\":2001.5}\n"
                    "{\"id\":\"r3\",\"genre\":\"rock\"}\n"
                    "{\"id\":\"r4\",\"genre\":7,\"year\":1990}\n");
    test::writeFile(dir.filePath(QStringLiteral("corpus/sport/1.txt")), "Cup final\n\nThe team won the cup.\n");
    test::writeFile(dir.filePath(QStringLiteral("corpus/tech/2.txt")), "Chips\n\nThe chip won praise.\n");
    test::writeFile(dir.filePath(QStringLiteral("corpus/tech/3.txt")), "Disks\n\nThe disk spun fast.\n");
    test::writeFile(dir.filePath(QStringLiteral("lists/a.m3u")), "#EXTM3U\n/music/x.mp3\n/music/y.mp3\n/music/x.mp3\n");
    test::writeFile(dir.filePath(QStringLiteral("lists/b.m3u")), "#EXTM3U\n/music/x.mp3\n");
    Project p(dir.filePath(QStringLiteral("p.orrery")));
    auto r = test::importInto(p, {records});
    QVERIFY2(r.ok, qPrintable(r.error));
    const qint64 recordsId = r.datasetId;
    r = test::importInto(p, {dir.filePath(QStringLiteral("corpus"))});
    QVERIFY2(r.ok, qPrintable(r.error));
    const qint64 corpusId = r.datasetId;
    r = test::importInto(p, {dir.filePath(QStringLiteral("lists"))});
    QVERIFY2(r.ok, qPrintable(r.error));
    const qint64 listsId = r.datasetId;
    JobContext job;

    // JSON fields: categorical when a value is no number (genre 7 reads as "7"), else numeric.
    const QStringList fields = attributeJsonFields(p);
    QVERIFY2(fields.contains(QStringLiteral("genre")) && fields.contains(QStringLiteral("year")),
             qPrintable(fields.join(u',')));
    QVERIFY(std::is_sorted(fields.begin(), fields.end()));
    std::vector<qint64> ids;
    for (const char *key : {"r1", "r2", "r3", "r4"})
        ids.push_back(p.itemForKey(QString::fromLatin1(key), recordsId));
    ids.push_back(987654321); // no such item
    AttributeValues genre = readAttribute(p, ids, {AttributeKind::Json, QStringLiteral("genre")}, job);
    QVERIFY(!genre.numeric);
    QCOMPARE(genre.size(), 5);
    QStringList seen;
    for (const qint32 c : genre.categories)
        seen.append(c < 0 ? QStringLiteral("-") : genre.names[c]);
    QCOMPARE(seen,
             (QStringList {QStringLiteral("rock"), QStringLiteral("jazz"), QStringLiteral("rock"), QStringLiteral("7"),
                           QStringLiteral("-")}));
    const AttributeValues year = readAttribute(p, ids, {AttributeKind::Json, QStringLiteral("year")}, job);
    QVERIFY(year.numeric);
    QCOMPARE(year.values[0], 1990.0);
    QCOMPARE(year.values[1], 2001.5);
    QVERIFY(std::isnan(year.values[2]));
    QCOMPARE(year.values[3], 1990.0);
    QVERIFY(std::isnan(year.values[4]));

    // Dataset of items from two datasets; label (the corpus folders) of documents.
    const std::vector<qint64> docs = datasetItems(p, corpusId, ItemKind::Document);
    QCOMPARE(docs.size(), size_t(3));
    std::vector<qint64> mixed = docs;
    mixed.push_back(ids[0]);
    const AttributeValues dataset = readAttribute(p, mixed, {AttributeKind::Dataset, {}}, job);
    QCOMPARE(dataset.names[dataset.categories[0]], p.datasets()[1].name);
    QCOMPARE(dataset.names[dataset.categories[3]], p.datasets()[0].name);
    const AttributeValues label = readAttribute(p, mixed, {AttributeKind::Label, {}}, job);
    QStringList labels;
    for (const qint32 c : label.categories)
        labels.append(c < 0 ? QStringLiteral("-") : label.names[c]);
    labels.removeAll(QStringLiteral("-"));
    std::sort(labels.begin(), labels.end());
    QCOMPARE(labels, (QStringList {QStringLiteral("sport"), QStringLiteral("tech"), QStringLiteral("tech")}));
    const AttributeValues tag = readAttribute(p, mixed, {AttributeKind::Tag, {}}, job);
    QCOMPARE(tag.categories[3], -1); // records carry no tags

    // Length of the playlists, popularity of their tracks (a repeat within a playlist counts once).
    const std::vector<qint64> lists = datasetItems(p, listsId, ItemKind::Playlist);
    QCOMPARE(lists.size(), size_t(2));
    const AttributeValues length = readAttribute(p, lists, {AttributeKind::Length, {}}, job);
    std::vector<double> lengths = length.values;
    std::sort(lengths.begin(), lengths.end());
    QCOMPARE(lengths, (std::vector<double> {1, 3}));
    const qint64 x = p.itemForKey(QStringLiteral("/music/x.mp3"), listsId);
    const qint64 y = p.itemForKey(QStringLiteral("/music/y.mp3"), listsId);
    QVERIFY(x > 0 && y > 0);
    const AttributeValues popularity = readAttribute(p, {x, y, ids[0]}, {AttributeKind::Popularity, {}}, job);
    QCOMPARE(popularity.values, (std::vector<double> {2, 1, 0}));

    // A clustering that does not exist names itself.
    try {
        readAttribute(p, ids, {AttributeKind::Cluster, QStringLiteral("nope")}, job);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QStringLiteral("nope")), qPrintable(e.message()));
    }
    QVERIFY(clusteringNames(p).isEmpty());
}

void TestUiCharts::bucketsAndCrossFilter()
{
    // 15 categories: the 11 commonest stay, the rest pool as "other".
    std::vector<qint32> perRow;
    QStringList names;
    for (int c = 0; c < 15; ++c) {
        names.append(QStringLiteral("c%1").arg(c));
        for (int k = 0; k < 20 - c; ++k)
            perRow.push_back(c);
    }
    perRow.push_back(-1);
    const ChartBuckets b = bucketize(categoriesOf(perRow, names), 12);
    QCOMPARE(b.names.size(), 12);
    QCOMPARE(b.names.first(), QStringLiteral("c0"));
    QCOMPARE(b.names.last(), QStringLiteral("other"));
    QCOMPARE(b.bucket[0], 0);
    QCOMPARE(b.bucket[perRow.size() - 2], 11); // c14 is pooled
    QCOMPARE(b.bucket.back(), -1);

    // Small integers get a bin each; others 20 equal bins.
    const ChartBuckets ints = bucketize(numbersOf({1, 2, 2, 5, NAN}));
    QCOMPARE(ints.names,
             (QStringList {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4"),
                           QStringLiteral("5")}));
    QCOMPARE(ints.bucket, (std::vector<qint32> {0, 1, 1, 4, -1}));
    const ChartBuckets reals = bucketize(numbersOf({0, 0.5, 9.99, 10}), 12, 20);
    QCOMPARE(reals.names.size(), 20);
    QCOMPARE(reals.bucket, (std::vector<qint32> {0, 1, 19, 19}));

    CrossFilter f;
    f.setRowCount(6);
    f.addChart();
    f.addChart();
    f.setValues(0, categoriesOf({0, 0, 1, 1, 2, 2}, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    f.setValues(1, numbersOf({1, 2, 1, 2, 1, 2}));
    QVERIFY(f.dimmedMask().empty());
    f.setFilter(0, {0, 1}); // a or b
    f.setFilter(1, {0}); // value 1
    QCOMPARE(f.dimmedMask(), (std::vector<quint8> {0, 1, 0, 1, 1, 1}));
    QCOMPARE(f.passingRows(), (std::vector<qint64> {0, 2}));
    QCOMPARE(f.allCounts(0), (std::vector<qint64> {1, 1, 1})); // rows with value 1
    QCOMPARE(f.allCounts(1), (std::vector<qint64> {2, 2})); // rows a or b
    QCOMPARE(f.filterNames(0), (QStringList {QStringLiteral("a"), QStringLiteral("b")}));
    // New values of the same buckets keep the filter by name.
    f.setValues(0, categoriesOf({2, 2, 1, 1, 0, 0}, {QStringLiteral("c"), QStringLiteral("b"), QStringLiteral("a")}));
    QStringList kept = f.filterNames(0);
    kept.sort();
    QCOMPARE(kept, (QStringList {QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(f.passingRows(), (std::vector<qint64> {0, 2}));
}

void TestUiCharts::chartSelectsAndFilters()
{
    MainWindow window;
    window.resize(1400, 900);
    QVERIFY(openMap(window));
    ScatterView *view = window.map()->view();
    ChartsDock *charts = window.charts();
    const qint64 n = view->pointCount();

    // A chart read from the project (datasets of the points): every point counted once.
    QSignalSpy loaded(charts, &ChartsDock::loaded);
    QCOMPARE(charts->addChart({AttributeKind::Dataset, {}}), 0);
    QVERIFY(loaded.wait(10000) || !charts->isLoading());
    QCOMPARE(total(charts->panel(0)->allSet()), n);
    QCOMPARE(charts->crossFilter().buckets(0).names, QStringList {QString::fromUtf8(io::sampleRecordsName)});

    // A hand-made per-row category (clusters): a click selects exactly its rows.
    std::vector<qint32> clusters;
    for (qint64 row = 0; row < n; ++row)
        clusters.push_back(qint32(row % 3 == 0 ? 0 : row % 3 == 1 ? 1 : 2));
    charts->setAttribute(0, {AttributeKind::Cluster, QStringLiteral("hand-made")});
    charts->setValues(
        0, categoriesOf(clusters, {QStringLiteral("north"), QStringLiteral("east"), QStringLiteral("west")}));
    const int east = int(charts->crossFilter().buckets(0).names.indexOf(QStringLiteral("east")));
    QVERIFY(east >= 0);
    charts->clickBar(0, east);
    std::vector<qint64> expected;
    for (qint64 row = 0; row < n; ++row)
        if (clusters[size_t(row)] == 1)
            expected.push_back(row);
    QCOMPARE(view->selection(), expected);
    QCOMPARE(total(charts->panel(0)->selectionSet()), qint64(expected.size()));

    // A selection on the map: the selection bars count it by cluster.
    view->setSelection({0, 1, 2, 3, 4, 5, 6});
    const QBarSet *selected = charts->panel(0)->selectionSet();
    const auto bar = [&](int bucket) { return charts->panel(0)->bucketOfBar(bucket); }; // its own inverse
    QCOMPARE(selected->at(bar(charts->crossFilter().buckets(0).names.indexOf(QStringLiteral("north")))), 3.0);
    QCOMPARE(selected->at(bar(east)), 2.0);
    QCOMPARE(total(selected), 7);

    // A second chart (a histogram of hand-made numbers): filters combine.
    std::vector<double> score;
    for (qint64 row = 0; row < n; ++row)
        score.push_back(double(row));
    QCOMPARE(charts->addChart({AttributeKind::Json, QStringLiteral("score")}), 1);
    charts->setValues(1, numbersOf(score));
    QCOMPARE(charts->crossFilter().buckets(1).names.size(), 20);
    charts->clickBar(1, 0);
    charts->clickBar(1, 4, Qt::ShiftModifier); // a range of bins: 0..4, rows 0..14
    QCOMPARE(charts->crossFilter().filter(1), (QSet<qint32> {0, 1, 2, 3, 4}));
    const std::vector<quint8> dimmed = charts->crossFilter().dimmedMask();
    QCOMPARE(qint64(dimmed.size()), n);
    std::vector<qint64> passing;
    for (qint64 row = 0; row < n; ++row) {
        const bool fails = clusters[size_t(row)] != 1 || charts->crossFilter().buckets(1).bucket[size_t(row)] > 4;
        QCOMPARE(bool(dimmed[size_t(row)]), fails);
        if (!fails)
            passing.push_back(row);
    }
    QVERIFY(!passing.empty() && passing.size() < expected.size());
    QCOMPARE(view->selection(), passing);
    // Each chart's "all" bars count the rows passing the other chart.
    QCOMPARE(total(charts->panel(0)->allSet()), 15);
    QCOMPARE(total(charts->panel(1)->allSet()), qint64(expected.size()));

    // The state round-trips (bookmarks and undo use it).
    const QJsonArray state = charts->state();
    charts->clearFilter(0);
    QVERIFY(!charts->crossFilter().anyFilter() || charts->crossFilter().filter(0).isEmpty());
    charts->setFilterState(state);
    QCOMPARE(charts->state(), state);
    QCOMPARE(charts->crossFilter().passingRows(), passing);

    // A picture of the window with the charts showing.
    charts->setAttribute(0, {AttributeKind::Dataset, {}});
    charts->setAttribute(1, {AttributeKind::Label, {}});
    QTRY_VERIFY_WITH_TIMEOUT(!charts->isLoading(), 10000);
    charts->show();
    charts->raise();
    const QString png = qEnvironmentVariable("ORRERY_CHARTS_PNG", m_dir.filePath(QStringLiteral("charts.png")));
    QString error;
    QVERIFY2(window.saveScreenshot(png, &error), qPrintable(error));
    QVERIFY(charts->panel(1)->chartView()->isVisible());
}

ORRERY_UI_TEST_MAIN(TestUiCharts)

#include "tst_ui_charts.moc"
