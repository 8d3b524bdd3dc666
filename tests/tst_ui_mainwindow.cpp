#include "datasetdock.h"
#include "datasetmodel.h"
#include "inspector.h"
#include "itemmodel.h"
#include "itemspage.h"
#include "mainwindow.h"
#include "mapcontroller.h"
#include "projectsession.h"
#include "recommenddock.h"
#include "searchdock.h"
#include "settings.h"

#include "io/sample.h"
#include "io/synth.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QImage>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTreeView>

using namespace orrery;
using Tester = QAbstractItemModelTester;

namespace {

struct Expected {
    const char *name;
    DatasetKind kind;
    qint64 items, sequences, entries, tags;
};

// The sample is generated from fixed seeds and word lists: these never change unless it does.
constexpr Expected expectedSample[] = {
    {"Sample playlists", DatasetKind::Playlists, 1977, 300, 18907, 8}, // 8 genre tags on the tracks
    {"Sample articles", DatasetKind::Documents, 447, 40, 2176, 4},
    {"Sample records", DatasetKind::Records, 60, 0, 0, 0},
};

QByteArray contentHash(const QString &path)
{
    Project project(path);
    sql::Statement st(project.db(),
                      "SELECT kind, identity, key, title, artist, album, body, attrs FROM item ORDER BY id");
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 rows = 0;
    while (st.step()) {
        for (int c = 0; c < 8; ++c) {
            const std::string_view v = st.columnUtf8(c);
            hash.addData(QByteArrayView(v.data(), qsizetype(v.size())));
            hash.addData("\x1f");
        }
        ++rows;
    }
    return hash.result().toHex() + ':' + QByteArray::number(rows);
}

void fetchAll(QAbstractItemModel *model)
{
    while (model->canFetchMore({}))
        model->fetchMore({});
}

QStringList column(const QAbstractItemModel *model, int col)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row)
        out.append(model->index(row, col).data().toString());
    return out;
}

} // namespace

class TestUiMainWindow final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void sampleProject();
    void ftsQuery_data();
    void ftsQuery();
    void datasetsAndItems();
    void itemPaging();
    void search();
    void importThroughJob();
    void importError();
    void cancelImport();
    void screenshot();
    void commandLineRecommend();
    void settingsRoundTrip();

private:
    /// A fresh copy of the sample project, so that each test starts from three datasets.
    QString sampleCopy(const QString &name);

    QTemporaryDir m_dir;
    QString m_sample;
};

void TestUiMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery")).clear();
    m_sample = m_dir.filePath(QStringLiteral("sample.orrery"));
    JobContext job;
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(io::createSampleProject(m_sample, job), m_sample);
    qInfo("sample project created in %lld ms", clock.elapsed());
}

void TestUiMainWindow::cleanupTestCase()
{
    QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery")).clear();
}

QString TestUiMainWindow::sampleCopy(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    if (!QFile::copy(m_sample, path))
        return {};
    return path;
}

void TestUiMainWindow::sampleProject()
{
    {
        Project project(m_sample);
        const QList<DatasetInfo> sets = project.datasets();
        QCOMPARE(sets.size(), qsizetype(std::size(expectedSample)));
        for (int i = 0; i < sets.size(); ++i) {
            const Expected &e = expectedSample[i];
            QCOMPARE(sets[i].name, QString::fromUtf8(e.name));
            QCOMPARE(toString(sets[i].kind), toString(e.kind));
            QCOMPARE(sets[i].items, e.items);
            QCOMPARE(sets[i].sequences, e.sequences);
            QCOMPARE(sets[i].entries, e.entries);
            QCOMPARE(sets[i].tags, e.tags);
        }
        QCOMPARE(project.datasetId(QString::fromUtf8(io::samplePlaylistsName)), sets[0].id);
        // The articles' labels are their folders.
        sql::Statement labels(project.db(),
                              "SELECT group_concat(name, ',') FROM (SELECT name FROM tag "
                              "WHERE kind = 'label' ORDER BY name)");
        QVERIFY(labels.step());
        QCOMPARE(labels.columnText(0), QStringLiteral("music,science,sport,travel"));
        // Every track carries its latent genre as a tag (the map colours by it).
        sql::Statement tagged(project.db(),
                              "SELECT count(DISTINCT item_id) FROM item_tag it JOIN tag t ON t.id = "
                              "it.tag_id WHERE t.kind = 'tag' AND it.dataset_id = ?");
        tagged.bind(1, sets[0].id);
        QVERIFY(tagged.step());
        QCOMPARE(tagged.columnInt(0), sets[0].items);
    }

    // Same bytes on every run, and creating over an existing project replaces it whole.
    const QString other = m_dir.filePath(QStringLiteral("again.orrery"));
    JobContext job;
    io::createSampleProject(other, job);
    io::createSampleProject(other, job);
    QCOMPARE(Project(other).datasets().size(), qsizetype(3));
    QCOMPARE(contentHash(other), contentHash(m_sample));
    QVERIFY(!QFileInfo::exists(other + QStringLiteral(".building")));

    // A cancelled run leaves what was there.
    std::atomic_bool stop {true};
    JobContext cancelled({}, &stop);
    QVERIFY_THROWS_EXCEPTION(Cancelled, io::createSampleProject(other, cancelled));
    QCOMPARE(contentHash(other), contentHash(m_sample));
}

void TestUiMainWindow::ftsQuery_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("query");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("blank") << QStringLiteral("  \t ") << QString();
    QTest::newRow("one") << QStringLiteral("nebula") << QStringLiteral("\"nebula\"*");
    QTest::newRow("two") << QStringLiteral(" night  trains ") << QStringLiteral("\"night\" \"trains\"*");
    QTest::newRow("quotes") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say\" \"\"\"hi\"\"\"*");
    QTest::newRow("operators") << QStringLiteral("a OR b*") << QStringLiteral("\"a\" \"OR\" \"b*\"*");
}

void TestUiMainWindow::ftsQuery()
{
    QFETCH(QString, text);
    QFETCH(QString, query);
    QCOMPARE(ui::ItemModel::ftsQuery(text), query);
}

void TestUiMainWindow::datasetsAndItems()
{
    ui::MainWindow window;
    window.resize(1000, 700);
    QVERIFY(window.openProject(m_sample));
    window.show();
    Tester datasetTester(window.datasets()->model(), Tester::FailureReportingMode::QtTest);
    Tester itemTester(window.items()->model(), Tester::FailureReportingMode::QtTest);
    Tester proxyTester(window.items()->view()->model(), Tester::FailureReportingMode::QtTest);

    QCOMPARE(window.datasets()->view()->model()->rowCount(), 3);
    QCOMPARE(column(window.datasets()->model(), ui::DatasetModel::Name),
             QStringList({QStringLiteral("Sample playlists"), QStringLiteral("Sample articles"),
                          QStringLiteral("Sample records")}));
    QCOMPARE(window.datasets()->model()->index(0, ui::DatasetModel::Sequences).data().toString(),
             QStringLiteral("300"));

    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample records")));
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample playlists")));
    QCOMPARE(window.session()->datasetId(), window.session()->project()->datasetId(QStringLiteral("Sample playlists")));
    QAbstractItemModel *table = window.items()->view()->model();
    fetchAll(table);
    QCOMPARE(qint64(table->rowCount()), expectedSample[0].items);
    QCOMPARE(window.items()->model()->totalCount(), expectedSample[0].items);
    QVERIFY(!table->canFetchMore({}));
    const QStringList kinds = column(table, ui::ItemModel::Kind);
    QCOMPARE(QSet<QString>(kinds.begin(), kinds.end()), QSet<QString>({QStringLiteral("track")}));
    QVERIFY(table->index(0, ui::ItemModel::Key).data().toString().startsWith(u"spotify:track:"));
    QVERIFY(!table->index(0, ui::ItemModel::Artist).data().toString().isEmpty());

    // Sorting goes through the proxy and leaves the model's order alone.
    window.items()->view()->sortByColumn(ui::ItemModel::Title, Qt::AscendingOrder);
    const QStringList titles = column(table, ui::ItemModel::Title);
    QCOMPARE(qint64(titles.size()), expectedSample[0].items);
    for (int i = 1; i < titles.size(); ++i)
        QVERIFY2(QString::localeAwareCompare(titles[i - 1].toLower(), titles[i].toLower()) <= 0,
                 qPrintable(titles[i - 1] + u" > " + titles[i]));

    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample records")));
    fetchAll(table);
    QCOMPARE(qint64(table->rowCount()), expectedSample[2].items);
    QVERIFY(!window.datasets()->selectDataset(QStringLiteral("no such dataset")));
}

void TestUiMainWindow::itemPaging()
{
    // More items than three pages hold, from a catalogue bigger than the sample's.
    const QString mpd = m_dir.filePath(QStringLiteral("paging-mpd"));
    io::SynthOptions synth;
    synth.playlists = 400;
    synth.seed = 5;
    synth.tracks = 9000;
    JobContext job;
    io::writeSynthMpd(mpd, synth, job);
    Project project(m_dir.filePath(QStringLiteral("paging.orrery")));
    const io::ImportResult result = test::importInto(project, {mpd});
    QVERIFY2(result.ok, qPrintable(result.error));
    const qint64 items = project.datasets().first().items;
    QVERIFY2(items > 3 * ui::ItemModel::PageSize, qPrintable(QString::number(items)));

    ui::ItemModel model;
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setDataset(&project, result.datasetId);
    QCOMPARE(model.totalCount(), items);
    QCOMPARE(model.rowCount(), ui::ItemModel::PageSize);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QCOMPARE(model.rowCount(), 2 * ui::ItemModel::PageSize);
    fetchAll(&model);
    QCOMPARE(qint64(model.rowCount()), items);
    QSet<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        QVERIFY(row == 0 || model.itemId(row) > model.itemId(row - 1));
        ids.insert(model.index(row, 0).data(ui::ItemModel::IdRole).toLongLong());
    }
    QCOMPARE(qint64(ids.size()), items);

    // A search keeps to the dataset and finds an item by its title.
    const QString title = model.index(0, ui::ItemModel::Title).data().toString();
    QVERIFY(model.setSearch(title));
    QVERIFY(model.rowCount() >= 1);
    QVERIFY(column(&model, ui::ItemModel::Title).contains(title));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.canFetchMore({}));
}

void TestUiMainWindow::search()
{
    ui::MainWindow window;
    QVERIFY(window.openProject(m_sample));
    Tester itemTester(window.items()->model(), Tester::FailureReportingMode::QtTest);
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample articles")));
    QAbstractItemModel *table = window.items()->view()->model();
    fetchAll(table);
    QCOMPARE(qint64(table->rowCount()), expectedSample[1].items);

    // "nebula" is in one headline only: that document, and the word item itself.
    window.search()->setSearchText(QStringLiteral("nebula"));
    QVERIFY(window.items()->model()->error().isEmpty());
    fetchAll(table);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(window.items()->model()->totalCount(), qint64(2));
    QStringList keys = column(table, ui::ItemModel::Key);
    keys.sort();
    QCOMPARE(keys, QStringList({QStringLiteral("nebula"), QStringLiteral("science/01.txt")}));
    const int doc = column(table, ui::ItemModel::Key).indexOf(QStringLiteral("science/01.txt"));
    QCOMPARE(table->index(doc, ui::ItemModel::Kind).data().toString(), QStringLiteral("document"));
    QCOMPARE(table->index(doc, ui::ItemModel::Title).data().toString(),
             QStringLiteral("Astronomers chart a faint nebula beyond Orion"));

    // A prefix while typing, and words from the body text.
    window.search()->setSearchText(QStringLiteral("Nebul"));
    QCOMPARE(table->rowCount(), 2);
    window.search()->setSearchText(QStringLiteral("lisbon trams"));
    QCOMPARE(column(table, ui::ItemModel::Key), QStringList({QStringLiteral("travel/10.txt")}));

    // Punctuation and FTS5 syntax are plain text, never an error.
    for (const QString &text : {QStringLiteral("\"unbalanced"), QStringLiteral("a AND OR NOT ("),
                                QStringLiteral("title:nebula"), QStringLiteral("*^-+:)(\""), QStringLiteral("r&b"),
                                QStringLiteral("NEAR(a b, 2)"), QStringLiteral("ünïcödé ☃")}) {
        window.search()->setSearchText(text);
        QVERIFY2(window.items()->model()->error().isEmpty(),
                 qPrintable(text + u": " + window.items()->model()->error()));
    }
    window.search()->setSearchText(QStringLiteral("title:nebula"));
    QCOMPARE(table->rowCount(), 0);

    // The search stays when another dataset is chosen, and only that dataset's items match.
    window.search()->setSearchText(QStringLiteral("nebula"));
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample records")));
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample articles")));
    QCOMPARE(table->rowCount(), 2);

    window.search()->setSearchText({});
    fetchAll(table);
    QCOMPARE(qint64(table->rowCount()), expectedSample[1].items);
}

void TestUiMainWindow::importThroughJob()
{
    const QString path = sampleCopy(QStringLiteral("import.orrery"));
    QVERIFY(!path.isEmpty());
    const QString m3u = m_dir.filePath(QStringLiteral("road trip.m3u"));
    test::writeFile(m3u,
                    "#EXTM3U\n"
                    "#EXTINF:215,Nina Hale - Open Highway\n"
                    "music/nina-hale/open-highway.mp3\n"
                    "#EXTINF:187,The Lanterns - Gas Station Coffee\n"
                    "music/the-lanterns/gas-station-coffee.mp3\n"
                    "#EXTINF:244,Nina Hale - Mile Marker\n"
                    "music/nina-hale/mile-marker.mp3\n");

    ui::MainWindow window;
    QVERIFY(window.openProject(path));
    Tester datasetTester(window.datasets()->model(), Tester::FailureReportingMode::QtTest);
    QSignalSpy started(window.session(), &ui::ProjectSession::jobStarted);
    QSignalSpy finished(window.session(), &ui::ProjectSession::importFinished);
    QVERIFY(window.session()->importPaths({m3u}));
    QVERIFY(window.session()->isBusy());
    QCOMPARE(started.size(), 1);
    QVERIFY(!window.session()->importPaths({m3u})); // one job at a time
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][2].toString()));
    QCOMPARE(finished[0][1].toBool(), false);
    QVERIFY(!window.session()->isBusy());

    QCOMPARE(window.datasets()->model()->rowCount(), 4);
    QCOMPARE(window.session()->project()->datasets().size(), qsizetype(4));
    const DatasetInfo &added = window.datasets()->model()->dataset(3);
    QCOMPARE(added.name, QStringLiteral("road trip"));
    QCOMPARE(added.items, qint64(3));
    QCOMPARE(added.sequences, qint64(1));
    // The new dataset is selected and shown.
    QCOMPARE(window.session()->datasetId(), added.id);
    QCOMPARE(window.items()->view()->model()->rowCount(), 3);

    // Importing the same file again picks a free name instead of failing.
    QVERIFY(window.session()->importPaths({m3u}));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
    QVERIFY2(finished[1][0].toBool(), qPrintable(finished[1][2].toString()));
    QCOMPARE(window.datasets()->model()->dataset(4).name, QStringLiteral("road trip 2"));
}

void TestUiMainWindow::importError()
{
    const QString path = sampleCopy(QStringLiteral("error.orrery"));
    const QString bad = m_dir.filePath(QStringLiteral("broken.json"));
    test::writeFile(bad, "[\n  {\"id\": \"a\", \"name\": \"fine\"},\n  {\"id\": \"b\", \"name\": }\n]\n");
    ui::MainWindow window;
    QVERIFY(window.openProject(path));
    QSignalSpy finished(window.session(), &ui::ProjectSession::importFinished);
    QVERIFY(window.session()->importPaths({bad}));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QCOMPARE(finished[0][0].toBool(), false);
    QCOMPARE(finished[0][1].toBool(), false);
    const QString message = finished[0][2].toString();
    QVERIFY2(message.contains(QStringLiteral("broken.json:3")), qPrintable(message));
    QCOMPARE(window.datasets()->model()->rowCount(), 3);
    QCOMPARE(Project(path).datasets().size(), qsizetype(3));
}

void TestUiMainWindow::cancelImport()
{
    ORRERY_TIMING_TEST(cancelImport);
    const QString mpd = m_dir.filePath(QStringLiteral("big-mpd"));
    io::SynthOptions synth;
    // Big enough that reading it takes seconds (a debug build reads ~1,000 playlists a second);
    // 20,000 would be 600 MB and half a minute of writing for no better test.
    synth.playlists = 3000;
    synth.seed = 11;
    JobContext job;
    QElapsedTimer writing;
    writing.start();
    const io::SynthStats stats = io::writeSynthMpd(mpd, synth, job);
    qInfo("wrote %lld playlists (%lld MB) in %lld ms", stats.playlists, stats.bytes >> 20, writing.elapsed());

    const QString path = sampleCopy(QStringLiteral("cancel.orrery"));
    ui::MainWindow window;
    QVERIFY(window.openProject(path));
    const int before = window.datasets()->model()->rowCount();
    QSignalSpy progress(window.session(), &ui::ProjectSession::jobProgress);
    QSignalSpy finished(window.session(), &ui::ProjectSession::importFinished);
    QElapsedTimer sinceCancel;
    qint64 latency = -1;
    connect(window.session(), &ui::ProjectSession::importFinished, this, [&] { latency = sinceCancel.elapsed(); });

    QVERIFY(window.session()->importPaths({mpd}));
    // Wait until playlists are being read and written, then cancel.
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 2, 30000);
    QVERIFY2(finished.isEmpty(), "the import ended before it could be cancelled; make the corpus larger");
    const QList<QVariant> last = progress.last();
    QVERIFY2(last[0].toLongLong() < last[1].toLongLong(), "the import was not under way");
    sinceCancel.start();
    window.session()->cancelImport();
    QVERIFY(finished.wait(5000));
    qInfo("cancelled %.0f%% into the import; reported after %lld ms",
          100.0 * double(last[0].toLongLong()) / double(last[1].toLongLong()), latency);
    QVERIFY2(latency >= 0 && latency <= 200, qPrintable(QStringLiteral("cancel took %1 ms").arg(latency)));
    QCOMPARE(finished[0][0].toBool(), false);
    QCOMPARE(finished[0][1].toBool(), true);
    QVERIFY(!window.session()->isBusy());

    QCOMPARE(window.datasets()->model()->rowCount(), before);
    QCOMPARE(window.session()->project()->datasets().size(), qsizetype(before));
    QCOMPARE(Project(path).datasets().size(), qsizetype(before));
    sql::Statement items(window.session()->project()->db(), "SELECT count(*) FROM item");
    QVERIFY(items.step());
    QCOMPARE(items.columnInt(0), contentHash(m_sample).split(':').last().toLongLong());
}

void TestUiMainWindow::commandLineRecommend()
{
    // `orrery --project P --select KEY --recommend --screenshot F`: the panel continues the song,
    // and the picture waits for the list. Settings go to a folder of the test's own.
    const QString project = sampleCopy(QStringLiteral("cli-recommend.orrery"));
    const QString png = m_dir.filePath(QStringLiteral("recommend.png"));
    const auto run = [&](const QStringList &args) {
        const test::Run r = test::gui(args, m_dir.path(), 240000);
        return std::pair {r.exitCode, r.err};
    };
    // The sample (created in the test's data folder) gets its map and song vectors on first opening.
    const QString key = QStringLiteral("spotify:track:01FCzh8g6kJl9mNPMXKsd5");
    const auto [code, err] = run({QStringLiteral("--sample"), QStringLiteral("--select"), key,
                                  QStringLiteral("--recommend"), QStringLiteral("--screenshot"), png,
                                  QStringLiteral("--size"), QStringLiteral("900x600")});
    QVERIFY2(code == 0, err.constData());
    const QImage image(png);
    QCOMPARE(image.size(), QSize(900, 600));
    // A project without song vectors has nothing to recommend from: said at once, not after a wait.
    QElapsedTimer clock;
    clock.start();
    const auto [noSetCode, noSetErr] = run({QStringLiteral("--project"), project, QStringLiteral("--select"), key,
                                            QStringLiteral("--recommend"), QStringLiteral("--screenshot"), png});
    QCOMPARE(noSetCode, 1);
    QVERIFY2(noSetErr.contains("no song vectors to recommend from"), noSetErr.constData());
    QVERIFY(clock.elapsed() < 60000);
    // Without a selection there is nothing to continue.
    const auto [badCode, badErr] = run(
        {QStringLiteral("--project"), project, QStringLiteral("--recommend"), QStringLiteral("--screenshot"), png});
    QCOMPARE(badCode, 2);
    QVERIFY2(badErr.contains("--recommend needs --select"), badErr.constData());
}

void TestUiMainWindow::screenshot()
{
    ui::MainWindow window;
    window.resize(1024, 640);
    QVERIFY(window.openProject(m_sample));
    QVERIFY(window.datasets()->selectDataset(QStringLiteral("Sample articles")));
    window.search()->setSearchText(QStringLiteral("harbour"));
    window.show();
    const QString png = m_dir.filePath(QStringLiteral("shot.png"));
    QString error;
    QVERIFY2(window.saveScreenshot(png, &error), qPrintable(error));
    QVERIFY(QFileInfo(png).size() > 0);
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 4, "the screenshot is blank");

    QVERIFY(!window.saveScreenshot(m_dir.filePath(QStringLiteral("no/such/folder/shot.png")), &error));
    QVERIFY(!error.isEmpty());
}

void TestUiMainWindow::settingsRoundTrip()
{
    const QString path = sampleCopy(QStringLiteral("settings.orrery"));
    {
        ui::MainWindow window;
        QVERIFY(window.openProject(path));
        window.resize(900, 650);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.close());
    }
    QCOMPARE(ui::Settings::recentProjects().first(), QFileInfo(path).absoluteFilePath());
    QVERIFY(ui::Settings::recentProjects().contains(QFileInfo(m_sample).absoluteFilePath()));
    ui::MainWindow again;
    QVERIFY(again.hasSavedGeometry());
    QCOMPARE(again.size(), QSize(900, 650));
}

ORRERY_UI_TEST_MAIN(TestUiMainWindow)

#include "tst_ui_mainwindow.moc"
