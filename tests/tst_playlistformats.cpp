#include "testutil.h"

#include "io/importer.h"
#include "store/project.h"

#include <QTemporaryDir>
#include <QTest>

using namespace orrery;

namespace {

QString playlistFixture(const QString &name)
{
    return test::fixture(QStringLiteral("playlists/") + name);
}

qint64 scalar(const Project &project, const char *sqlText, qint64 arg = 0)
{
    sql::Statement st(project.db(), sqlText);
    if (arg)
        st.bind(1, arg);
    return st.step() ? st.columnInt(0) : -1;
}

qint64 itemCount(const Project &project)
{
    return scalar(project, "SELECT count(*) FROM item");
}

struct Counts {
    qint64 sequences = 0;
    qint64 entries = 0;
    qint64 items = 0; ///< distinct tracks the dataset holds
};

Counts countsOf(const Project &project, qint64 datasetId)
{
    Counts c;
    c.sequences = scalar(project, "SELECT count(*) FROM sequence WHERE dataset_id = ?", datasetId);
    c.entries = scalar(project, "SELECT coalesce(sum(length), 0) FROM sequence WHERE dataset_id = ?", datasetId);
    c.items = scalar(project,
                     "SELECT count(*) FROM dataset_item di JOIN item i ON i.id = di.item_id "
                     "WHERE di.dataset_id = ? AND i.kind = 0",
                     datasetId);
    return c;
}

struct StoredItem {
    qint64 id = 0;
    int kind = -1;
    QString identity, key, title, artist, album, attrs;
};

StoredItem itemById(const Project &project, qint64 id)
{
    StoredItem item;
    sql::Statement st(project.db(),
                      "SELECT id, kind, identity, key, title, artist, album, attrs FROM item WHERE id = ?");
    st.bind(1, id);
    if (st.step()) {
        item.id = st.columnInt(0);
        item.kind = int(st.columnInt(1));
        item.identity = st.columnText(2);
        item.key = st.columnText(3);
        item.title = st.columnText(4);
        item.artist = st.columnText(5);
        item.album = st.columnText(6);
        item.attrs = st.columnText(7);
    }
    return item;
}

StoredItem itemByIdentity(const Project &project, const QString &identity)
{
    sql::Statement st(project.db(), "SELECT id FROM item WHERE kind = 0 AND identity = ?");
    st.bind(1, identity);
    return st.step() ? itemById(project, st.columnInt(0)) : StoredItem();
}

/// The playlist item a dataset holds under `key`.
StoredItem playlistItem(const Project &project, qint64 datasetId, const QString &key)
{
    return itemById(project, project.itemForKey(key, datasetId));
}

/// The keys (as the dataset holds them) of a playlist's entries, in order.
QStringList entryKeys(const Project &project, qint64 datasetId, const QString &playlistKey)
{
    sql::Statement seq(project.db(), "SELECT entries FROM sequence WHERE item_id = ? AND dataset_id = ?");
    seq.bind(1, project.itemForKey(playlistKey, datasetId)).bind(2, datasetId);
    if (!seq.step())
        return {QStringLiteral("<no sequence %1>").arg(playlistKey)};
    QStringList keys;
    sql::Statement key(project.db(), "SELECT key FROM dataset_item WHERE dataset_id = ? AND item_id = ?");
    for (const qint64 id : unpackIds(seq.columnBlob(0))) {
        key.bind(1, datasetId).bind(2, id);
        keys.append(key.step() ? key.columnText(0) : QStringLiteral("<missing %1>").arg(id));
        key.reset();
    }
    return keys;
}

QStringList playlistKeys(const Project &project, qint64 datasetId)
{
    QStringList keys;
    sql::Statement st(project.db(),
                      "SELECT di.key FROM sequence s JOIN dataset_item di "
                      "ON di.item_id = s.item_id AND di.dataset_id = s.dataset_id "
                      "WHERE s.dataset_id = ? ORDER BY s.item_id");
    st.bind(1, datasetId);
    while (st.step())
        keys.append(st.columnText(0));
    return keys;
}

io::ImportResult importFixture(Project &project, const QString &name, io::ImportOptions options = {})
{
    return test::importInto(project, {playlistFixture(name)}, options);
}

const QString bohemian = QStringLiteral("https://music.example.com/tracks/queen/bohemian-rhapsody.mp3");
const QString fip = QStringLiteral("http://icecast.radiofrance.fr/fip-hifi.aac");
const QString getLucky = QStringLiteral("https://music.example.com/tracks/daft-punk/get-lucky.mp3");

} // namespace

class TestPlaylistFormats final : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void detection_data();
    void detection();
    void counts_data();
    void counts();

    void extendedM3u();
    void plainM3u();
    void extinfForms_data();
    void extinfForms();
    void pls();
    void xspf();
    void csvSpreadsheet();
    void tsvAndSemicolons();
    void csvQuoting_data();
    void csvQuoting();
    void sameSongInTwoFiles();
    void samePlaylistNameInTwoFiles();

    void badInput_data();
    void badInput();
    void skippedRecord_data();
    void skippedRecord();
    void strictFailsOnBadRow();

private:
    QString write(const QString &name, const QByteArray &bytes);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Project> m_project;
};

void TestPlaylistFormats::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_project = std::make_unique<Project>(m_dir->filePath(QStringLiteral("test.orrery")));
}

void TestPlaylistFormats::cleanup()
{
    m_project.reset();
    m_dir.reset();
}

QString TestPlaylistFormats::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir->filePath(name);
    test::writeFile(path, bytes);
    return path;
}

void TestPlaylistFormats::detection_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::newRow("extended m3u8") << QStringLiteral("road-trip.m3u8") << QStringLiteral("m3u");
    QTest::newRow("plain m3u, CRLF") << QStringLiteral("winamp.m3u") << QStringLiteral("m3u");
    QTest::newRow("m3u8 without #EXTM3U") << QStringLiteral("unmarked.m3u8") << QStringLiteral("m3u");
    QTest::newRow("pls") << QStringLiteral("radio.pls") << QStringLiteral("pls");
    QTest::newRow("xspf") << QStringLiteral("evening.xspf") << QStringLiteral("xspf");
    QTest::newRow("csv with BOM") << QStringLiteral("spreadsheet.csv") << QStringLiteral("csv");
    QTest::newRow("tsv") << QStringLiteral("listening.tsv") << QStringLiteral("csv");
    QTest::newRow("csv named .txt") << QStringLiteral("exported-playlists.txt") << QStringLiteral("csv");
}

void TestPlaylistFormats::detection()
{
    QFETCH(QString, file);
    QFETCH(QString, format);
    QCOMPARE(io::toString(io::detectFormat(playlistFixture(file))), format);
}

void TestPlaylistFormats::counts_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::addColumn<qint64>("sequences");
    QTest::addColumn<qint64>("entries");
    QTest::addColumn<qint64>("items");
    QTest::newRow("road-trip.m3u8") << QStringLiteral("road-trip.m3u8") << QStringLiteral("m3u") << 1ll << 6ll << 5ll;
    QTest::newRow("winamp.m3u") << QStringLiteral("winamp.m3u") << QStringLiteral("m3u") << 1ll << 5ll << 5ll;
    QTest::newRow("unmarked.m3u8") << QStringLiteral("unmarked.m3u8") << QStringLiteral("m3u") << 1ll << 2ll << 2ll;
    QTest::newRow("radio.pls") << QStringLiteral("radio.pls") << QStringLiteral("pls") << 1ll << 4ll << 4ll;
    QTest::newRow("evening.xspf") << QStringLiteral("evening.xspf") << QStringLiteral("xspf") << 1ll << 4ll << 4ll;
    QTest::newRow("spreadsheet.csv") << QStringLiteral("spreadsheet.csv") << QStringLiteral("csv") << 3ll << 7ll << 6ll;
    QTest::newRow("listening.tsv") << QStringLiteral("listening.tsv") << QStringLiteral("csv") << 2ll << 5ll << 5ll;
    QTest::newRow("exported-playlists.txt")
        << QStringLiteral("exported-playlists.txt") << QStringLiteral("csv") << 1ll << 2ll << 2ll;
}

void TestPlaylistFormats::counts()
{
    QFETCH(QString, file);
    QFETCH(QString, format);
    QFETCH(qint64, sequences);
    QFETCH(qint64, entries);
    QFETCH(qint64, items);

    const io::ImportResult r = importFixture(*m_project, file);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(io::toString(r.format), format);
    QCOMPARE(r.stats.sequences, sequences);
    QCOMPARE(r.stats.entries, entries);
    QCOMPARE(r.stats.datasetItems, items);
    QCOMPARE(r.stats.newItems, items + sequences); // a fresh project: every track and playlist is new
    QCOMPARE(r.stats.skipped, 0);
    QVERIFY2(r.stats.warnings.isEmpty(), qPrintable(r.stats.warnings.join(u'\n')));

    const Counts stored = countsOf(*m_project, r.datasetId);
    QCOMPARE(stored.sequences, sequences);
    QCOMPARE(stored.entries, entries);
    QCOMPARE(stored.items, items);
    QCOMPARE(itemCount(*m_project), items + sequences);
}

void TestPlaylistFormats::extendedM3u()
{
    const QString path = playlistFixture(QStringLiteral("road-trip.m3u8"));
    const io::ImportResult r = test::importInto(*m_project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));

    const StoredItem playlist = playlistItem(*m_project, r.datasetId, path);
    QCOMPARE(playlist.kind, int(ItemKind::Playlist));
    QCOMPARE(playlist.title, QStringLiteral("Road Trip — Été 2023"));
    const QString sigurRos = QStringLiteral("/home/ana/Music/Sigur Rós/Takk/02 Hoppípolla.flac");
    const QString bjork = QStringLiteral("/home/ana/Music/Björk/Homogenic/03 Jóga.flac");
    QCOMPARE(entryKeys(*m_project, r.datasetId, path),
             QStringList({bohemian, sigurRos, fip, bjork, getLucky, bohemian}));

    StoredItem t = itemByIdentity(*m_project, bohemian);
    QCOMPARE(t.key, bohemian);
    QCOMPARE(t.artist, QStringLiteral("Queen"));
    QCOMPARE(t.title, QStringLiteral("Bohemian Rhapsody"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"duration":354})"));

    t = itemByIdentity(*m_project, sigurRos);
    QCOMPARE(t.artist, QStringLiteral("Sigur Rós"));
    QCOMPARE(t.title, QStringLiteral("Hoppípolla"));

    t = itemByIdentity(*m_project, fip);
    QCOMPARE(t.title, QStringLiteral("FIP Radio"));
    QCOMPARE(t.artist, QString());
    QCOMPARE(t.attrs, QStringLiteral(R"({"tvg-id":"fip.fr","tvg-name":"FIP, Paris","group-title":"Radio"})"));

    t = itemByIdentity(*m_project, getLucky);
    QCOMPARE(t.artist, QStringLiteral("Daft Punk"));
    QCOMPARE(t.title, QStringLiteral("Get Lucky - Radio Edit"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"duration":245.5})"));
}

void TestPlaylistFormats::plainM3u()
{
    const QString winamp = playlistFixture(QStringLiteral("winamp.m3u"));
    const QString unmarked = playlistFixture(QStringLiteral("unmarked.m3u8"));
    const io::ImportResult r = test::importInto(*m_project, {winamp, unmarked});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.sequences, 2);

    const QStringList expected = {
        QStringLiteral(R"(C:\Users\Ana\Music\Queen\A Night at the Opera\11 Bohemian Rhapsody.mp3)"),
        QStringLiteral(R"(D:\Podcasts\Episode 12 - Interview.mp3)"),
        bohemian,
        QStringLiteral(R"(\\nas\music\Miles Davis\Kind of Blue\01 So What.flac)"),
        QStringLiteral("http://stream.example.org:8000/live?format=mp3&quality=high"),
    };
    QCOMPARE(entryKeys(*m_project, r.datasetId, winamp), expected);
    QCOMPARE(playlistItem(*m_project, r.datasetId, winamp).title, QStringLiteral("winamp"));
    for (const QString &location : expected) {
        const StoredItem t = itemByIdentity(*m_project, location); // never opened or resolved
        QCOMPARE(t.key, location);
        QCOMPARE(t.title, QString());
        QCOMPARE(t.attrs, QString());
    }

    QCOMPARE(entryKeys(*m_project, r.datasetId, unmarked),
             QStringList({QStringLiteral("/home/ana/Music/Ólafur Arnalds/re:member/01 re:member.flac"),
                          QStringLiteral("/home/ana/Music/坂本龍一/async/01 andata.flac")}));
    QCOMPARE(playlistItem(*m_project, r.datasetId, unmarked).title, QStringLiteral("unmarked"));
}

void TestPlaylistFormats::extinfForms_data()
{
    QTest::addColumn<QByteArray>("extinf");
    QTest::addColumn<QString>("artist");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("attrs");
    QTest::newRow("artist - title") << QByteArray("#EXTINF:123,Artist - Title") << QStringLiteral("Artist")
                                    << QStringLiteral("Title") << QStringLiteral(R"({"duration":123})");
    QTest::newRow("title only, unknown length")
        << QByteArray("#EXTINF:-1,Just A Title") << QString() << QStringLiteral("Just A Title") << QString();
    QTest::newRow("split at the first dash")
        << QByteArray("#EXTINF:12.5,AC/DC - Back In Black - Live") << QStringLiteral("AC/DC")
        << QStringLiteral("Back In Black - Live") << QStringLiteral(R"({"duration":12.5})");
    QTest::newRow("attributes with commas")
        << QByteArray(R"(#EXTINF:-1 tvg-id="x.1" tvg-name="A, B" radio=true,Channel One)") << QString()
        << QStringLiteral("Channel One") << QStringLiteral(R"({"tvg-id":"x.1","tvg-name":"A, B","radio":"true"})");
    QTest::newRow("lower case, no duration") << QByteArray("#extinf:,Nobody - Nothing") << QStringLiteral("Nobody")
                                             << QStringLiteral("Nothing") << QString();
    QTest::newRow("no display name") << QByteArray("#EXTINF:60") << QString() << QString()
                                     << QStringLiteral(R"({"duration":60})");
}

void TestPlaylistFormats::extinfForms()
{
    QFETCH(QByteArray, extinf);
    QFETCH(QString, artist);
    QFETCH(QString, title);
    QFETCH(QString, attrs);
    const QString path = write(QStringLiteral("one.m3u"), "#EXTM3U\r\n" + extinf + "\r\n/music/one.mp3\r\n");
    const io::ImportResult r = test::importInto(*m_project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));
    const StoredItem t = itemByIdentity(*m_project, QStringLiteral("/music/one.mp3"));
    QCOMPARE(t.artist, artist);
    QCOMPARE(t.title, title);
    QCOMPARE(t.attrs, attrs);
}

void TestPlaylistFormats::pls()
{
    const QString path = playlistFixture(QStringLiteral("radio.pls"));
    const io::ImportResult r = test::importInto(*m_project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));

    const QString jazz = QStringLiteral("http://radio.example.org/jazz.ogg");
    const QString nina = QStringLiteral("/home/ana/Music/Nina Simone/Feeling Good.mp3");
    QCOMPARE(entryKeys(*m_project, r.datasetId, path), QStringList({fip, bohemian, jazz, nina})); // by N: 1, 2, 3, 10

    const StoredItem playlist = playlistItem(*m_project, r.datasetId, path);
    QCOMPARE(playlist.title, QStringLiteral("radio"));
    QCOMPARE(playlist.attrs, QStringLiteral(R"({"version":2})"));

    StoredItem t = itemByIdentity(*m_project, fip);
    QCOMPARE(t.title, QStringLiteral("FIP Radio"));
    QCOMPARE(t.attrs, QString()); // Length1=-1: unknown
    t = itemByIdentity(*m_project, nina);
    QCOMPARE(t.artist, QStringLiteral("Nina Simone"));
    QCOMPARE(t.title, QStringLiteral("Feeling Good"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"duration":172})"));
    QCOMPARE(itemByIdentity(*m_project, jazz).title, QStringLiteral("Jazz = Radio"));
}

void TestPlaylistFormats::xspf()
{
    const QString path = playlistFixture(QStringLiteral("evening.xspf"));
    const io::ImportResult r = test::importInto(*m_project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));

    const QString soWhat = QStringLiteral("file:///home/ana/Music/Miles%20Davis/Kind%20of%20Blue/01%20So%20What.flac");
    const QString takeFive = QStringLiteral("urn:isrc:USSM15900113");
    const QString nina = QStringLiteral("Nina Simone - Feeling Good");
    QCOMPARE(entryKeys(*m_project, r.datasetId, path), QStringList({soWhat, takeFive, nina, bohemian}));

    const StoredItem playlist = playlistItem(*m_project, r.datasetId, path);
    QCOMPARE(playlist.title, QStringLiteral("Evening Jazz"));
    QCOMPARE(playlist.identity.endsWith(path), true); // private to the dataset
    QCOMPARE(playlist.attrs,
             QStringLiteral(R"({"creator":"Ana","annotation":"Quiet things for late evenings & rainy days"})"));

    StoredItem t = itemByIdentity(*m_project, soWhat); // the first <location>
    QCOMPARE(t.title, QStringLiteral("So What"));
    QCOMPARE(t.artist, QStringLiteral("Miles Davis"));
    QCOMPARE(t.album, QStringLiteral("Kind of Blue"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"duration":562,"trackNum":"1"})"));

    t = itemByIdentity(*m_project, takeFive);
    QCOMPARE(t.key, takeFive);
    QCOMPARE(t.album, QStringLiteral("Time Out"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"duration":324.5})"));

    t = itemById(*m_project, m_project->itemForKey(nina, r.datasetId));
    QCOMPARE(t.identity,
             QStringLiteral("at:nina simone\x1f"
                            "feeling good"));
    QCOMPARE(t.artist, QStringLiteral("Nina Simone"));
    QCOMPARE(t.title, QStringLiteral("Feeling Good"));
    QCOMPARE(t.attrs, QString());
}

void TestPlaylistFormats::csvSpreadsheet()
{
    const io::ImportResult r = importFixture(*m_project, QStringLiteral("spreadsheet.csv"));
    QVERIFY2(r.ok, qPrintable(r.error));
    const qint64 ds = r.datasetId;

    // (user, playlist) names a playlist: two users' "Morning" are two playlists.
    QCOMPARE(
        playlistKeys(*m_project, ds),
        QStringList({QStringLiteral("ana/Morning"), QStringLiteral("ben/Morning"), QStringLiteral("ana/Evening")}));
    const StoredItem anaMorning = playlistItem(*m_project, ds, QStringLiteral("ana/Morning"));
    QCOMPARE(anaMorning.title, QStringLiteral("Morning"));
    QCOMPARE(anaMorning.attrs, QStringLiteral(R"({"user":"ana"})"));
    QCOMPARE(playlistItem(*m_project, ds, QStringLiteral("ben/Morning")).attrs, QStringLiteral(R"({"user":"ben"})"));

    // Ordered by Position, not by row.
    const QString boxer = QStringLiteral("spotify:track:76TZCvJ8GitQ2FA1q5dKu0");
    const QString feelingGood = QStringLiteral("Nina Simone - Feeling Good");
    const QString suite = QStringLiteral("Crosby, Stills & Nash - Suite: Judy Blue Eyes");
    const QString slimShady = QStringLiteral(R"(Eminem - The "Real" Slim Shady)");
    const QString blueMonday = QStringLiteral(R"(New Order - Blue Monday 12" Version)");
    QCOMPARE(entryKeys(*m_project, ds, QStringLiteral("ana/Morning")), QStringList({boxer, feelingGood, suite}));
    QCOMPARE(entryKeys(*m_project, ds, QStringLiteral("ben/Morning")), QStringList({bohemian, slimShady}));
    // "nina  simone,FEELING GOOD" is the same song typed another way.
    QCOMPARE(entryKeys(*m_project, ds, QStringLiteral("ana/Evening")), QStringList({blueMonday, feelingGood}));

    StoredItem t = itemByIdentity(*m_project, boxer);
    QCOMPARE(t.artist, QStringLiteral("Simon & Garfunkel"));
    QCOMPARE(t.title, QStringLiteral("The Boxer"));
    QCOMPARE(t.album, QStringLiteral("Bridge over Troubled Water"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"Added At":"2023-01-05","Notes":"first, always"})"));

    t = itemByIdentity(*m_project, bohemian);
    QCOMPARE(t.attrs, QStringLiteral(R"({"Added At":"2023-02-01","Notes":"two\nlines"})"));

    t = itemById(*m_project, m_project->itemForKey(feelingGood, ds));
    QCOMPARE(t.identity,
             QStringLiteral("at:nina simone\x1f"
                            "feeling good"));
    QCOMPARE(t.album, QStringLiteral("I Put a Spell on You"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"Added At":"2023-01-05"})"));

    t = itemById(*m_project, m_project->itemForKey(suite, ds));
    QCOMPARE(t.artist, QStringLiteral("Crosby, Stills & Nash"));

    t = itemById(*m_project, m_project->itemForKey(slimShady, ds));
    QCOMPARE(t.title, QStringLiteral(R"(The "Real" Slim Shady)"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"Added At":"2023-02-01","Notes":"the \"7\" single\" edit"})"));

    t = itemById(*m_project, m_project->itemForKey(blueMonday, ds));
    QCOMPARE(t.title, QStringLiteral(R"(Blue Monday 12" Version)"));
    QCOMPARE(t.attrs, QStringLiteral(R"({"Added At":"2023-03-10","Notes":"stray \"quotes\" kept"})"));
}

void TestPlaylistFormats::tsvAndSemicolons()
{
    const QString tsv = playlistFixture(QStringLiteral("listening.tsv"));
    io::ImportResult r = test::importInto(*m_project, {tsv});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(playlistKeys(*m_project, r.datasetId), QStringList({QStringLiteral("Focus"), QStringLiteral("Workout")}));
    QCOMPARE(entryKeys(*m_project, r.datasetId, QStringLiteral("Focus")),
             QStringList({QStringLiteral("Max Richter - On the Nature of Daylight"),
                          QStringLiteral("spotify:track:5hPBW9kVQ5fEXzmbGtXnrB"),
                          QStringLiteral("Ólafur Arnalds - saman")}));
    QCOMPARE(entryKeys(*m_project, r.datasetId, QStringLiteral("Workout")),
             QStringList({QStringLiteral("The Beatles - Hello, Goodbye"), getLucky}));
    const StoredItem lucky = itemByIdentity(*m_project, getLucky);
    QCOMPARE(lucky.title, QStringLiteral("Get Lucky - Radio Edit"));
    QCOMPARE(lucky.attrs, QStringLiteral(R"({"duration_ms":"248000"})"));
    QCOMPARE(playlistItem(*m_project, r.datasetId, QStringLiteral("Focus")).attrs, QString());

    const QString txt = playlistFixture(QStringLiteral("exported-playlists.txt"));
    r = test::importInto(*m_project, {txt});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(entryKeys(*m_project, r.datasetId, QStringLiteral("Sunday")),
             QStringList({QStringLiteral("Nina Simone - Feeling Good"), QStringLiteral("Miles Davis - So What")}));
}

void TestPlaylistFormats::csvQuoting_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("album");
    QTest::newRow("quoted comma") << QByteArray("playlist,title,album\nP,\"a, b\",x\n") << QStringLiteral("a, b")
                                  << QStringLiteral("x");
    QTest::newRow("doubled quotes") << QByteArray("playlist,title,album\nP,\"say \"\"hi\"\"\",x\n")
                                    << QStringLiteral("say \"hi\"") << QStringLiteral("x");
    QTest::newRow("doubled quote at the end")
        << QByteArray("playlist,title,album\nP,\"end\"\"\",x\n") << QStringLiteral("end\"") << QStringLiteral("x");
    QTest::newRow("stray quote in unquoted field")
        << QByteArray("playlist,title,album\nP,12\" mix,x\n") << QStringLiteral("12\" mix") << QStringLiteral("x");
    QTest::newRow("stray quote in quoted field") << QByteArray("playlist,title,album\nP,\"the \"7\" single\",x\n")
                                                 << QStringLiteral("the \"7\" single") << QStringLiteral("x");
    QTest::newRow("blanks around quotes") << QByteArray("playlist , title , album\nP,  \"padded\"  ,  x  \n")
                                          << QStringLiteral("padded") << QStringLiteral("x");
    QTest::newRow("CRLF inside quotes") << QByteArray("playlist,title,album\r\nP,\"two\r\nlines\",x\r\n")
                                        << QStringLiteral("two\nlines") << QStringLiteral("x");
    QTest::newRow("empty quoted field") << QByteArray("playlist,title,album\nP,t,\"\"\n") << QStringLiteral("t")
                                        << QString();
    QTest::newRow("no final newline") << QByteArray("playlist,title,album\nP,t,\"x\"") << QStringLiteral("t")
                                      << QStringLiteral("x");
    QTest::newRow("semicolons") << QByteArray("\"Playlist\";\"Song\";\"Album_Name\"\nP;\"a, b\";x\n")
                                << QStringLiteral("a, b") << QStringLiteral("x");
    QTest::newRow("tabs sniffed") << QByteArray("playlist_name\tTrack_Name\tALBUM\nP\ta, b; c\tx\n")
                                  << QStringLiteral("a, b; c") << QStringLiteral("x");
    QTest::newRow("blank lines and CR only")
        << QByteArray("\r\rplaylist,title,album\r\rP,t,x\r\r") << QStringLiteral("t") << QStringLiteral("x");
}

void TestPlaylistFormats::csvQuoting()
{
    QFETCH(QByteArray, csv);
    QFETCH(QString, title);
    QFETCH(QString, album);
    const io::ImportResult r = test::importInto(*m_project, {write(QStringLiteral("quoting.csv"), csv)});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.skipped, 0);
    QCOMPARE(r.stats.entries, 1);
    const QStringList keys = entryKeys(*m_project, r.datasetId, QStringLiteral("P"));
    QCOMPARE(keys.size(), 1);
    const StoredItem t = itemById(*m_project, m_project->itemForKey(keys.first(), r.datasetId));
    QCOMPARE(t.title, title);
    QCOMPARE(t.album, album);
}

void TestPlaylistFormats::sameSongInTwoFiles()
{
    // One import of two files: the shared locations are one item each.
    io::ImportResult r = test::importInto(
        *m_project, {playlistFixture(QStringLiteral("road-trip.m3u8")), playlistFixture(QStringLiteral("radio.pls"))});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.sequences, 2);
    QCOMPARE(r.stats.entries, 10);
    QCOMPARE(r.stats.datasetItems, 7); // 5 + 4 - (Bohemian Rhapsody, FIP)
    QCOMPARE(countsOf(*m_project, r.datasetId).items, 7);
    const qint64 queen = itemByIdentity(*m_project, bohemian).id;
    QVERIFY(queen > 0);

    // Later imports reuse items already in the project, by location or by artist and title.
    r = importFixture(*m_project, QStringLiteral("evening.xspf"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.newItems, 3 + 1); // all but Bohemian Rhapsody, plus the playlist
    r = importFixture(*m_project, QStringLiteral("spreadsheet.csv"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.newItems, 4 + 3); // all but Bohemian Rhapsody and Feeling Good, plus 3 playlists

    QCOMPARE(scalar(*m_project,
                    "SELECT count(*) FROM item WHERE kind = 0 AND identity = "
                    "'https://music.example.com/tracks/queen/bohemian-rhapsody.mp3'"),
             1);
    QCOMPARE(itemByIdentity(*m_project, bohemian).id, queen);
    QCOMPARE(scalar(*m_project, "SELECT count(*) FROM dataset_item WHERE item_id = ?", queen), 3);
    const qint64 nina = itemByIdentity(*m_project,
                                       QStringLiteral("at:nina simone\x1f"
                                                      "feeling good"))
                            .id;
    QVERIFY(nina > 0);
    QCOMPARE(scalar(*m_project, "SELECT count(*) FROM dataset_item WHERE item_id = ?", nina), 2);
    // The .pls names Feeling Good by a file path: another item, since a location is never resolved.
    QVERIFY(itemByIdentity(*m_project, QStringLiteral("/home/ana/Music/Nina Simone/Feeling Good.mp3")).id != nina);
}

void TestPlaylistFormats::samePlaylistNameInTwoFiles()
{
    const QString jan = write(QStringLiteral("jan.csv"), "user,playlist,artist,track\nana,Morning,A,One\n");
    const QString feb = write(QStringLiteral("feb.csv"), "user,playlist,artist,track\nana,Morning,B,Two\n");
    const io::ImportResult r = test::importInto(*m_project, {jan, feb});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.sequences, 2);
    QCOMPARE(playlistKeys(*m_project, r.datasetId),
             QStringList({QStringLiteral("ana/Morning"), QStringLiteral("feb/ana/Morning")}));
    QCOMPARE(entryKeys(*m_project, r.datasetId, QStringLiteral("feb/ana/Morning")),
             QStringList({QStringLiteral("B - Two")}));
    QCOMPARE(playlistItem(*m_project, r.datasetId, QStringLiteral("feb/ana/Morning")).title, QStringLiteral("Morning"));
}

void TestPlaylistFormats::badInput_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected"); ///< what the error starts with after the folder
    QTest::addColumn<QString>("format");

    const QByteArray png = QByteArray::fromHex("89504e470d0a1a0a0000000d4948445200000010000000100806000000");
    QTest::newRow("csv: unterminated quote")
        << QStringLiteral("open.csv") << QByteArray("playlist,artist,track\nMix,A,B\nMix,C,\"Open\nMix,D,E\n")
        << QStringLiteral("open.csv:3:7: unterminated quoted field (expected a closing \")") << QStringLiteral("auto");
    QTest::newRow("csv: no known header")
        << QStringLiteral("numbers.csv") << QByteArray("id,count\n1,2\n")
        << QStringLiteral("numbers.csv:1: expected a header row") << QStringLiteral("auto");
    QTest::newRow("csv: header only") << QStringLiteral("header.csv") << QByteArray("playlist,track\n")
                                      << QStringLiteral("header.csv:2: expected at least one row")
                                      << QStringLiteral("auto");
    QTest::newRow("csv: every row bad")
        << QStringLiteral("allbad.csv") << QByteArray("playlist,artist,track\nMix;A;One\nMix;B;Two\n")
        << QStringLiteral("allbad.csv:2: every row was skipped; the first because: expected 3 fields, found 1")
        << QStringLiteral("auto");
    QTest::newRow("csv: binary junk") << QStringLiteral("junk.csv") << png
                                      << QStringLiteral("junk.csv:1:1: invalid UTF-8 (byte 0x89)")
                                      << QStringLiteral("auto");
    QTest::newRow("csv: empty") << QStringLiteral("empty.csv") << QByteArray()
                                << QStringLiteral("empty.csv:1: expected a header row") << QStringLiteral("auto");
    QTest::newRow("m3u: no entries") << QStringLiteral("comments.m3u")
                                     << QByteArray("#EXTM3U\n#EXTINF:12,A - B\n# nothing else\n")
                                     << QStringLiteral("comments.m3u:3: expected at least one entry")
                                     << QStringLiteral("auto");
    QTest::newRow("m3u: invalid UTF-8") << QStringLiteral("latin1.m3u")
                                        << QByteArray("#EXTM3U\n#EXTINF:1,Mot\xf6rhead - Ace\n/music/ace.mp3\n")
                                        << QStringLiteral("latin1.m3u:2:14: invalid UTF-8 (byte 0xf6)")
                                        << QStringLiteral("auto");
    QTest::newRow("m3u: binary junk") << QStringLiteral("junk.m3u") << png
                                      << QStringLiteral("junk.m3u:1:1: invalid UTF-8") << QStringLiteral("auto");
    QTest::newRow("m3u: NUL bytes") << QStringLiteral("zeros.m3u") << QByteArray("/a.mp3\n\0\0\0\0", 11)
                                    << QStringLiteral("zeros.m3u:2:1: unexpected NUL byte") << QStringLiteral("auto");
    QTest::newRow("m3u: empty") << QStringLiteral("empty.m3u8") << QByteArray()
                                << QStringLiteral("empty.m3u8:1: expected at least one entry")
                                << QStringLiteral("auto");
    QTest::newRow("pls: no header") << QStringLiteral("noheader.pls") << QByteArray("\nFile1=/a.mp3\n")
                                    << QStringLiteral("noheader.pls:2:1: expected the [playlist] header")
                                    << QStringLiteral("auto");
    // Detected by its extension although "[settings]" could start a JSON array.
    QTest::newRow("pls: other section") << QStringLiteral("ini.pls") << QByteArray("[settings]\nFile1=/a.mp3\n")
                                        << QStringLiteral(
                                               "ini.pls:1:1: expected the [playlist] header, found [settings]")
                                        << QStringLiteral("auto");
    QTest::newRow("pls: no entries") << QStringLiteral("none.pls")
                                     << QByteArray("[playlist]\r\nNumberOfEntries=0\r\nVersion=2\r\n")
                                     << QStringLiteral("none.pls:3: expected at least one FileN=")
                                     << QStringLiteral("auto");
    QTest::newRow("pls: binary junk") << QStringLiteral("junk.pls") << png
                                      << QStringLiteral("junk.pls:1:1: invalid UTF-8") << QStringLiteral("auto");
    QTest::newRow("pls: empty") << QStringLiteral("empty.pls") << QByteArray()
                                << QStringLiteral("empty.pls:1: expected the [playlist] header")
                                << QStringLiteral("auto");
    QTest::newRow("xspf: mismatched tag")
        << QStringLiteral("broken.xspf")
        << QByteArray("<?xml version=\"1.0\"?>\n<playlist xmlns=\"http://xspf.org/ns/0/\">\n<trackList>\n"
                      "<track><location>/a.mp3</location></trak>\n</trackList>\n</playlist>\n")
        << QStringLiteral("broken.xspf:4:") << QStringLiteral("auto");
    QTest::newRow("xspf: trailing garbage")
        << QStringLiteral("trailing.xspf")
        << QByteArray("<playlist><trackList><track><title>T</title></track></trackList></playlist>\n<playlist/>\n")
        << QStringLiteral("trailing.xspf:2:") << QStringLiteral("auto");
    QTest::newRow("xspf: wrong root") << QStringLiteral("page.xspf")
                                      << QByteArray("<?xml version=\"1.0\"?>\n<html><body/></html>\n")
                                      << QStringLiteral("page.xspf:2:") << QStringLiteral("auto");
    QTest::newRow("xspf: empty trackList")
        << QStringLiteral("nothing.xspf")
        << QByteArray("<playlist version=\"1\">\n  <title>x</title>\n  <trackList>\n  </trackList>\n</playlist>\n")
        << QStringLiteral("nothing.xspf:3: expected at least one <track>") << QStringLiteral("auto");
    QTest::newRow("xspf: binary junk") << QStringLiteral("junk.xspf") << png << QStringLiteral("junk.xspf:1:")
                                       << QStringLiteral("auto");
    QTest::newRow("xspf: empty") << QStringLiteral("empty.xspf") << QByteArray() << QStringLiteral("empty.xspf:1")
                                 << QStringLiteral("auto");
}

void TestPlaylistFormats::badInput()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QFETCH(QString, format);

    // Something already there, which a failed import must leave exactly as it was.
    const io::ImportResult before = importFixture(*m_project, QStringLiteral("road-trip.m3u8"));
    QVERIFY2(before.ok, qPrintable(before.error));
    const qint64 datasets = m_project->datasets().size();
    const qint64 items = itemCount(*m_project);
    const qint64 sequences = scalar(*m_project, "SELECT count(*) FROM sequence");

    const QString path = write(file, bytes);
    io::ImportOptions options;
    QVERIFY(io::fromString(format, &options.format));
    const io::ImportResult r = test::importInto(*m_project, {path}, options);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.startsWith(path.left(path.size() - file.size()) + expected),
             qPrintable(QStringLiteral("%1\n  expected to start with: %2").arg(r.error, expected)));
    QCOMPARE(r.datasetId, 0);
    QCOMPARE(m_project->datasets().size(), datasets);
    QCOMPARE(itemCount(*m_project), items);
    QCOMPARE(scalar(*m_project, "SELECT count(*) FROM sequence"), sequences);
}

void TestPlaylistFormats::skippedRecord_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("entries");
    QTest::addColumn<QString>("warning"); ///< after the folder

    QTest::newRow("csv: too few fields") << QStringLiteral("rows.csv")
                                         << QByteArray("playlist,artist,track\nMix,A,One\nMix,B\nMix,C,Three\n") << 2ll
                                         << QStringLiteral("rows.csv:3: expected 3 fields, found 2");
    QTest::newRow("csv: too many fields, quoted newline before")
        << QStringLiteral("rows.csv") << QByteArray("playlist,artist,track\nMix,A,\"One\nand a half\"\nMix,B,Two,x\n")
        << 1ll << QStringLiteral("rows.csv:4: expected 3 fields, found 4");
    QTest::newRow("csv: neither uri nor title")
        << QStringLiteral("rows.csv") << QByteArray("playlist,artist,track,uri\nMix,A,,\nMix,B,Two,\n") << 1ll
        << QStringLiteral("rows.csv:2: expected a uri or a title");
    QTest::newRow("csv: position not a number")
        << QStringLiteral("rows.csv") << QByteArray("playlist,pos,uri\nMix,1,/a.mp3\nMix,first,/b.mp3\n") << 1ll
        << QStringLiteral("rows.csv:3: expected a number in the position column");
    QTest::newRow("pls: title without file")
        << QStringLiteral("radio.pls") << QByteArray("[playlist]\nFile1=/a.mp3\nTitle2=Lost\nFile3=/c.mp3\n") << 2ll
        << QStringLiteral("radio.pls:3: Title2 has no File2");
    QTest::newRow("xspf: track without location, identifier or title")
        << QStringLiteral("list.xspf")
        << QByteArray("<playlist>\n<trackList>\n<track><title>A</title></track>\n<track>\n<creator>Nobody</creator>\n"
                      "</track>\n</trackList>\n</playlist>\n")
        << 1ll << QStringLiteral("list.xspf:4: expected a <location>, <identifier> or <title>");
}

void TestPlaylistFormats::skippedRecord()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, entries);
    QFETCH(QString, warning);
    const QString path = write(file, bytes);
    const io::ImportResult r = test::importInto(*m_project, {path});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.stats.skipped, 1);
    QCOMPARE(r.stats.entries, entries);
    QCOMPARE(r.stats.warnings.size(), 1);
    const QString folder = path.left(path.size() - file.size());
    QVERIFY2(r.stats.warnings.first().startsWith(folder + warning), qPrintable(r.stats.warnings.first()));
}

void TestPlaylistFormats::strictFailsOnBadRow()
{
    const QString path = write(QStringLiteral("strict.csv"),
                               "user,playlist,artist,track\nana,Mix,A,One\nana,Mix,B\nana,Mix,C,Three\n");
    const qint64 datasets = m_project->datasets().size();
    const qint64 items = itemCount(*m_project);
    io::ImportOptions options;
    options.strict = true;
    const io::ImportResult r = test::importInto(*m_project, {path}, options);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.startsWith(path + QStringLiteral(":3: expected 4 fields, found 3")), qPrintable(r.error));
    QVERIFY2(r.error.contains(QStringLiteral("--strict")), qPrintable(r.error));
    QCOMPARE(m_project->datasets().size(), datasets);
    QCOMPARE(itemCount(*m_project), items);
}

QTEST_GUILESS_MAIN(TestPlaylistFormats)
#include "tst_playlistformats.moc"
