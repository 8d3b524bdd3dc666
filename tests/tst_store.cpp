#include "testutil.h"

#include "store/datasets.h"
#include "store/embeddingsets.h"
#include "store/filters.h"
#include "store/indexblobs.h"
#include "store/itempages.h"
#include "store/items.h"
#include "store/models.h"
#include "store/playlists.h"
#include "store/project.h"
#include "store/sqlite.h"
#include "store/transaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <set>

using namespace orrery;

namespace {

// Two Spotify MPD playlists (the official schema): one track without an artist, one without
// a duration, and a song on both lists.
const QByteArray mpdSlice = R"json({"info": {"slice": "0-1", "version": "v1"}, "playlists": [
 {"name": "Road songs", "collaborative": "false", "pid": 0, "num_tracks": 3, "tracks": [
  {"pos": 0, "artist_name": "Queen", "track_uri": "spotify:track:7tFiyTwD0nx5a1eklYtX2J",
   "artist_uri": "spotify:artist:1dfeR4HaWDbWqFHLkxsg1d", "track_name": "Bohemian Rhapsody",
   "album_uri": "spotify:album:6i6folBtxKV28WX3msQ4FE", "duration_ms": 354320, "album_name": "A Night at the Opera"},
  {"pos": 1, "artist_name": "Sigur Rós", "track_uri": "spotify:track:6eTGxxQxiTFE6LjZu5ZGgO",
   "artist_uri": "spotify:artist:6UUrUCIZtQeOf8tC0WuzRy", "track_name": "Hoppípolla",
   "album_uri": "spotify:album:2PSvRqGE6rPd3mUBXpxQUW", "duration_ms": 268000, "album_name": "Takk..."},
  {"pos": 2, "artist_name": "", "track_uri": "spotify:track:0aym2LBJBk9DAYuHHutrIl",
   "track_name": "Field Recording 3", "album_name": ""}]},
 {"name": "Quiet", "collaborative": "false", "pid": 1, "num_tracks": 2, "tracks": [
  {"pos": 0, "artist_name": "Björk", "track_uri": "spotify:track:1fGr5sF9Nw2DYDuYOLJKzX",
   "artist_uri": "spotify:artist:7w29UYBi0qsHi5RTcv3lmA", "track_name": "Jóga",
   "album_uri": "spotify:album:3icQJjkpqpd8zmFXV4uvJ6", "duration_ms": 305000, "album_name": "Homogenic"},
  {"pos": 1, "artist_name": "Sigur Rós", "track_uri": "spotify:track:6eTGxxQxiTFE6LjZu5ZGgO",
   "artist_uri": "spotify:artist:6UUrUCIZtQeOf8tC0WuzRy", "track_name": "Hoppípolla",
   "album_uri": "spotify:album:2PSvRqGE6rPd3mUBXpxQUW", "duration_ms": 268000, "album_name": "Takk..."}]}]})json";

// Records shaped like mledoze/countries.
const QByteArray countries = R"json([
 {"id": "fr", "name": {"common": "France", "official": "French Republic"}, "region": "Europe",
  "languages": ["French"], "area": 551695, "landlocked": false, "capital": ["Paris"]},
 {"id": "de", "name": {"common": "Germany", "official": "Federal Republic of Germany"}, "region": "Europe",
  "languages": ["German"], "area": 357114, "landlocked": false, "capital": ["Berlin"]},
 {"id": "ch", "name": {"common": "Switzerland", "official": "Swiss Confederation"}, "region": "Europe",
  "languages": ["French", "German", "Italian", "Romansh"], "area": 41284, "landlocked": true, "capital": ["Bern"]},
 {"id": "np", "name": {"common": "Nepal", "official": "Federal Democratic Republic of Nepal"}, "region": "Asia",
  "languages": ["Nepali"], "area": 147181.5, "landlocked": true, "capital": ["Kathmandu"]},
 {"id": "aq", "name": {"common": "Antarctica"}, "region": "Antarctic", "languages": [], "area": 14000000,
  "landlocked": false, "capital": null}
])json";

/// A project with the MPD slice (twice, as "mpd" and "mpd-again"), the countries and four BBC-like
/// news articles in two labelled folders ("news").
struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<Project> project;
    qint64 mpd = 0, mpdAgain = 0, countries = 0, news = 0;

    Fixture()
    {
        project = std::make_unique<Project>(dir.filePath(QStringLiteral("store.orrery")));
        const QString slice = dir.filePath(QStringLiteral("mpd.slice.0-1.json"));
        test::writeFile(slice, mpdSlice);
        const QString records = dir.filePath(QStringLiteral("countries.json"));
        test::writeFile(records, ::countries);
        test::writeFile(dir.filePath(QStringLiteral("news/sport/001.txt")),
                        "Claxton hunting first major medal\n\nBritish hurdler Sarah Claxton is confident she can win "
                        "her first major medal at the European Indoor Championships in Madrid.\n");
        test::writeFile(dir.filePath(QStringLiteral("news/sport/002.txt")),
                        "Owen set for Newcastle move\n\nMichael Owen is poised to complete a move to Newcastle, the "
                        "match winner said after training.\n");
        test::writeFile(dir.filePath(QStringLiteral("news/tech/001.txt")),
                        "Mobile phones go digital\n\nMobile phone makers expect a digital music boom as phones "
                        "learn to play music tracks.\n");
        test::writeFile(dir.filePath(QStringLiteral("news/tech/002.txt")),
                        "Games maker fights for survival\n\nThe makers of the match-three game say training its "
                        "players took years.\n");
        mpd = import({slice}, io::Format::Mpd, QStringLiteral("mpd"));
        mpdAgain = import({slice}, io::Format::Mpd, QStringLiteral("mpd-again"));
        this->countries = import({records}, io::Format::Json, QStringLiteral("countries"));
        news = import({dir.filePath(QStringLiteral("news"))}, io::Format::Text, QStringLiteral("news"));
    }

    qint64 import(const QStringList &paths, io::Format format, const QString &name)
    {
        io::ImportOptions options;
        options.format = format;
        options.dataset = name;
        options.strict = true;
        const io::ImportResult r = test::importInto(*project, paths, options);
        if (!r.ok)
            qFatal("import of %s failed: %s", qPrintable(name), qPrintable(r.error));
        return r.datasetId;
    }

    qint64 item(const QString &key, qint64 datasetId = 0) const { return project->itemForKey(key, datasetId); }
};

QString kindOf(std::optional<ItemKind> kind)
{
    return kind ? toString(*kind) : QStringLiteral("none");
}

std::vector<qint64> sorted(std::vector<qint64> v)
{
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace

class TestStore final : public QObject {
    Q_OBJECT

private:
    static qint64 scalar(Project &p, const char *sql)
    {
        sql::Statement st(p.db(), sql);
        return st.step() ? st.columnInt(0) : -1;
    }
    static QString text(Project &p, const char *sql)
    {
        sql::Statement st(p.db(), sql);
        return st.step() ? st.columnText(0) : QString();
    }

private Q_SLOTS:
    void newProjectHasSchemaWalAndForeignKeys()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("a.orrery")));
        QCOMPARE(p.schemaVersion(), Project::SchemaVersion);
        QCOMPARE(text(p, "PRAGMA journal_mode"), QStringLiteral("wal"));
        QCOMPARE(scalar(p, "PRAGMA foreign_keys"), 1);
        QCOMPARE(scalar(p, "PRAGMA application_id"), 0x4F525259);
        for (const char *table : {"dataset", "item", "dataset_item", "sequence", "tag", "item_tag", "item_fts",
                                  "embedding_set", "index_blob", "layout", "bookmark", "clustering", "cluster"}) {
            sql::Statement st(p.db(), "SELECT count(*) FROM sqlite_schema WHERE name = ?");
            st.bind(1, std::string_view(table));
            QVERIFY(st.step());
            QVERIFY2(st.columnInt(0) == 1, table);
        }
        QVERIFY(p.datasets().isEmpty());
    }

    void reopeningKeepsDataAndDoesNotMigrateAgain()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.orrery"));
        {
            Project p(path);
            sql::exec(p.db(), "INSERT INTO dataset(name, kind, format) VALUES('d', 'records', 'json')");
        }
        Project p(path);
        QCOMPARE(p.datasets().size(), 1);
        QCOMPARE(p.datasets().first().name, QStringLiteral("d"));
        QCOMPARE(toString(p.datasets().first().kind), QStringLiteral("records"));
    }

    void migratesAnEmptyVersionZeroFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("empty.orrery"));
        {
            sqlite3 *db = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
            sqlite3_close(db);
        }
        Project p(path);
        QCOMPARE(p.schemaVersion(), Project::SchemaVersion);
    }

    void migratesAVersionOneFileKeepingItsData()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.orrery"));
        {
            Project p(path);
            sql::exec(p.db(),
                      "INSERT INTO dataset(name, kind, format) VALUES('d', 'records', 'json');"
                      "DROP TABLE model_chunk; DROP TABLE model; DROP TABLE cluster; DROP TABLE clustering; "
                      "PRAGMA user_version=1");
        }
        Project p(path);
        QCOMPARE(p.schemaVersion(), Project::SchemaVersion);
        QCOMPARE(p.datasets().size(), 1);
        QCOMPARE(scalar(p, "SELECT count(*) FROM sqlite_schema WHERE name IN ('clustering', 'cluster')"), 2);
        QCOMPARE(scalar(p, "SELECT count(*) FROM sqlite_schema WHERE name IN ('model', 'model_chunk')"), 2);
    }

    void storesModelsOverSeveralRows()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("m.orrery")));
        QVERIFY(!loadModel(p, QStringLiteral("none")));
        StoredModel m;
        m.name = QStringLiteral("d/seq2seq");
        m.method = QStringLiteral("seq2seq");
        m.params = {{QStringLiteral("hidden"), 64}};
        m.stats = {{QStringLiteral("epochs_done"), 2}};
        // Over the 256 MiB row size, so it takes two rows, with bytes that vary.
        m.state.resize((qint64(256) << 20) + 1000);
        for (qsizetype i = 0; i < m.state.size(); i += 4093)
            m.state[i] = char(i * 7);
        saveModel(p, m);
        QCOMPARE(scalar(p, "SELECT count(*) FROM model_chunk"), 2);
        const std::optional<StoredModel> back = loadModel(p, m.name);
        QVERIFY(back);
        QCOMPARE(back->method, m.method);
        QCOMPARE(back->params, m.params);
        QCOMPARE(back->stats, m.stats);
        QVERIFY(back->state == m.state);
        m.state = QByteArray("small");
        saveModel(p, m); // replaces, leaving no rows of the old one
        QCOMPARE(scalar(p, "SELECT count(*) FROM model_chunk"), 1);
        QCOMPARE(loadModel(p, m.name)->state, QByteArray("small"));
        QCOMPARE(listModels(p).size(), 1);
        QCOMPARE(listModels(p).first().bytes, qint64(5));
        QVERIFY(removeModel(p, m.name));
        QVERIFY(!removeModel(p, m.name));
        QCOMPARE(scalar(p, "SELECT count(*) FROM model_chunk"), 0);
    }

    void rejectsFilesThatAreNotProjects_data()
    {
        QTest::addColumn<QByteArray>("setupSql");
        QTest::addColumn<QByteArray>("rawBytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("newer schema") << QByteArray(
            "PRAGMA application_id=1330795097; PRAGMA user_version=99; CREATE TABLE t(x)")
                                      << QByteArray() << QStringLiteral("newer Orrery");
        QTest::newRow("other sqlite app")
            << QByteArray("CREATE TABLE notes(x)") << QByteArray() << QStringLiteral("not an Orrery project");
        QTest::newRow("other application id") << QByteArray("PRAGMA application_id=42; CREATE TABLE t(x)")
                                              << QByteArray() << QStringLiteral("not an Orrery project");
        QTest::newRow("binary junk") << QByteArray() << QByteArray(4096, '\x7f') << QStringLiteral("junk.orrery");
    }

    void rejectsFilesThatAreNotProjects()
    {
        QFETCH(QByteArray, setupSql);
        QFETCH(QByteArray, rawBytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("junk.orrery"));
        if (!rawBytes.isEmpty()) {
            test::writeFile(path, rawBytes);
        } else {
            sqlite3 *db = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db, setupSql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        const QByteArray before = test::fileBytes(path);
        try {
            Project p(path);
            QFAIL("opened a file that is not an Orrery project");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
            QVERIFY2(e.message().startsWith(path), qPrintable(e.message()));
        }
        QCOMPARE(test::fileBytes(path), before);
    }

    void idsPackAsLittleEndianInt64()
    {
        const std::vector<qint64> ids {1, 2, 300000000000LL, -5};
        const QByteArray blob = packIds(ids);
        QCOMPARE(blob.size(), 32);
        QCOMPARE(quint8(blob.at(0)), quint8(1));
        QCOMPARE(quint8(blob.at(8)), quint8(2));
        const auto back = unpackIds({reinterpret_cast<const std::byte *>(blob.constData()), size_t(blob.size())});
        QCOMPARE(back, ids);
    }

    void transactionRollsBackUnlessCommitted()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("a.orrery")));
        {
            sql::Transaction tx(p.db());
            sql::exec(p.db(), "INSERT INTO dataset(name, kind, format) VALUES('gone', 'records', 'json')");
        }
        QCOMPARE(p.datasets().size(), 0);
        {
            sql::Transaction tx(p.db());
            sql::exec(p.db(), "INSERT INTO dataset(name, kind, format) VALUES('kept', 'records', 'json')");
            tx.commit();
        }
        QCOMPARE(p.datasets().size(), 1);
    }

    void statementErrorsNameTheProblem()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("a.orrery")));
        sql::exec(p.db(), "INSERT INTO dataset(name, kind, format) VALUES('d', 'records', 'json')");
        try {
            sql::exec(p.db(), "INSERT INTO dataset(name, kind, format) VALUES('d', 'records', 'json')");
            QFAIL("a duplicate dataset name was accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(u"UNIQUE"), qPrintable(e.message()));
        }
    }

    void itemKindOfAnId()
    {
        Fixture f;
        QCOMPARE(kindOf(itemKind(*f.project, f.item(QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J")))),
                 toString(ItemKind::Track));
        QCOMPARE(kindOf(itemKind(*f.project, f.item(QStringLiteral("ch")))), toString(ItemKind::Record));
        QCOMPARE(kindOf(itemKind(*f.project, f.item(QStringLiteral("0"), f.mpd))), toString(ItemKind::Playlist));
        QCOMPARE(kindOf(itemKind(*f.project, f.item(QStringLiteral("tech/002.txt")))), toString(ItemKind::Document));
        QVERIFY(!itemKind(*f.project, 987654));
    }

    void itemArtistsSkipsItemsWithoutOne()
    {
        Fixture f;
        const qint64 queen = f.item(QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J"));
        const qint64 sigur = f.item(QStringLiteral("spotify:track:6eTGxxQxiTFE6LjZu5ZGgO"));
        const qint64 field = f.item(QStringLiteral("spotify:track:0aym2LBJBk9DAYuHHutrIl"));
        const qint64 bjork = f.item(QStringLiteral("spotify:track:1fGr5sF9Nw2DYDuYOLJKzX"));
        const std::vector<qint64> ids {queen, sigur, field, 987654};
        const auto artists = itemArtists(*f.project, ids);
        QCOMPARE(artists.size(), size_t(2)); // not the track without an artist, nor Björk (not asked for)
        QCOMPARE(artists.at(queen), QStringLiteral("Queen"));
        QCOMPARE(artists.at(sigur), QStringLiteral("Sigur Rós"));
        QVERIFY(!artists.count(bjork));
    }

    void itemTitlesInOrder()
    {
        Fixture f;
        const std::vector<qint64> ids {f.item(QStringLiteral("spotify:track:1fGr5sF9Nw2DYDuYOLJKzX")), 987654,
                                       f.item(QStringLiteral("spotify:track:0aym2LBJBk9DAYuHHutrIl")),
                                       f.item(QStringLiteral("np"))};
        const std::vector<TitleArtist> titles = itemTitles(*f.project, ids);
        QCOMPARE(titles.size(), size_t(4));
        QCOMPARE(titles[0].title, QStringLiteral("Jóga"));
        QCOMPARE(titles[0].artist, QStringLiteral("Björk"));
        QVERIFY(titles[1].title.isEmpty() && titles[1].artist.isEmpty()); // no such item
        QCOMPARE(titles[2].title, QStringLiteral("Field Recording 3"));
        QVERIFY(titles[2].artist.isEmpty());
        QCOMPARE(titles[3].title, QStringLiteral("Nepal")); // a record's name.common
    }

    void itemRecordsWithTagsAndLabels()
    {
        Fixture f;
        const qint64 doc = f.item(QStringLiteral("sport/002.txt"));
        const qint64 ch = f.item(QStringLiteral("ch"));
        const std::pair<qint64, QString> tags[] = {{doc, QStringLiteral("transfers")},
                                                   {doc, QStringLiteral("football")}};
        tagItems(*f.project, f.news, tags);
        const std::vector<qint64> ids {doc, 987654, ch};
        const auto records = itemRecords(*f.project, ids);
        QCOMPARE(records.size(), size_t(3));
        QVERIFY(records[0] && !records[1] && records[2]);
        QCOMPARE(toString(records[0]->kind), toString(ItemKind::Document));
        QCOMPARE(records[0]->title, QStringLiteral("Owen set for Newcastle move"));
        QVERIFY2(records[0]->body.contains(u"poised to complete"), qPrintable(records[0]->body));
        QCOMPARE(records[0]->labels, QStringList {QStringLiteral("sport")});
        QCOMPARE(records[0]->tags, (QStringList {QStringLiteral("football"), QStringLiteral("transfers")}));
        QCOMPARE(toString(records[2]->kind), toString(ItemKind::Record));
        QCOMPARE(records[2]->title, QStringLiteral("Switzerland"));
        QVERIFY(records[2]->artist.isEmpty() && records[2]->tags.isEmpty() && records[2]->labels.isEmpty());
        QCOMPARE(QJsonDocument::fromJson(records[2]->attrs.toUtf8()).object().value(u"capital").toArray().first(),
                 QStringLiteral("Bern"));
    }

    void itemsByIdentityOfWords_data()
    {
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<QList<bool>>("known");
        QTest::newRow("known words") << QStringList {QStringLiteral("medal"), QStringLiteral("newcastle")}
                                     << QList<bool> {true, true};
        QTest::newRow("unknown between") << QStringList {QStringLiteral("music"), QStringLiteral("zeppelin"),
                                                         QStringLiteral("phones")}
                                         << QList<bool> {true, false, true};
        QTest::newRow("case matters") << QStringList {QStringLiteral("Medal")} << QList<bool> {false};
        QTest::newRow("none") << QStringList {} << QList<bool> {};
    }

    void itemsByIdentityOfWords()
    {
        QFETCH(QStringList, words);
        QFETCH(QList<bool>, known);
        Fixture f;
        const std::vector<QString> identities(words.begin(), words.end());
        const std::vector<qint64> ids = itemsByIdentity(*f.project, ItemKind::Word, identities);
        QCOMPARE(ids.size(), size_t(words.size()));
        const auto keys = memberKeys(*f.project, f.news, ItemKind::Word);
        for (qsizetype i = 0; i < words.size(); ++i) {
            QCOMPARE(ids[size_t(i)] != 0, known[i]);
            if (known[i]) {
                QCOMPARE(kindOf(itemKind(*f.project, ids[size_t(i)])), toString(ItemKind::Word));
                const auto it = std::find_if(keys.begin(), keys.end(),
                                             [&](const auto &k) { return k.first == ids[size_t(i)]; });
                QVERIFY(it != keys.end());
                QCOMPARE(it->second, words[i]);
            }
        }
        // A track is no word.
        const QString track = QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J");
        QCOMPARE(itemsByIdentity(*f.project, ItemKind::Word, std::span(&track, 1)), std::vector<qint64> {0});
    }

    void memberKeysCountsAndAttributes()
    {
        Fixture f;
        QCOMPARE(memberCount(*f.project, f.countries, ItemKind::Record), qint64(5));
        QCOMPARE(memberCount(*f.project, f.countries, ItemKind::Track), qint64(0));
        QCOMPARE(memberCount(*f.project, f.mpd, ItemKind::Track), qint64(4)); // Hoppípolla once
        QCOMPARE(memberCount(*f.project, f.news, ItemKind::Document), qint64(4));
        const auto records = memberKeys(*f.project, f.countries, ItemKind::Record);
        std::set<QString> keys;
        for (const auto &[id, key] : records) {
            keys.insert(key);
            QCOMPARE(f.item(key, f.countries), id);
        }
        QCOMPARE(keys,
                 (std::set<QString> {QStringLiteral("aq"), QStringLiteral("ch"), QStringLiteral("de"),
                                     QStringLiteral("fr"), QStringLiteral("np")}));

        std::vector<qint64> seen;
        QStringList regions;
        forEachMemberAttrs(*f.project, f.countries, ItemKind::Record,
                           [&](qint64 id, std::optional<std::string_view> attrs) {
                               QVERIFY(attrs.has_value());
                               seen.push_back(id);
                               regions << QJsonDocument::fromJson(QByteArray(attrs->data(), qsizetype(attrs->size())))
                                              .object()
                                              .value(u"region")
                                              .toString();
                           });
        QCOMPARE(seen.size(), size_t(5));
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(regions.count(QStringLiteral("Europe")), 3);
        // Tracks of an MPD import carry attributes; documents with no label would not.
        qint64 tracks = 0;
        forEachMemberAttrs(*f.project, f.mpd, ItemKind::Track,
                           [&](qint64, std::optional<std::string_view>) { ++tracks; });
        QCOMPARE(tracks, qint64(4));
        // The visitor's exception ends the walk.
        int visited = 0;
        QVERIFY_THROWS_EXCEPTION(
            Error,
            forEachMemberAttrs(*f.project, f.countries, ItemKind::Record, [&](qint64, std::optional<std::string_view>) {
                if (++visited == 2)
                    throw Error(QStringLiteral("stop"));
            }));
        QCOMPARE(visited, 2);
    }

    void itemPagesAndCounts_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QString>("fts");
        QTest::addColumn<QStringList>("keys");
        QTest::newRow("all countries") << QStringLiteral("countries") << QString()
                                       << QStringList {QStringLiteral("fr"), QStringLiteral("de"), QStringLiteral("ch"),
                                                       QStringLiteral("np"), QStringLiteral("aq")};
        QTest::newRow("attribute text") << QStringLiteral("countries") << QStringLiteral("\"europe\"")
                                        << QStringList {QStringLiteral("fr"), QStringLiteral("de"),
                                                        QStringLiteral("ch")};
        QTest::newRow("prefix") << QStringLiteral("countries") << QStringLiteral("\"germ\"*")
                                << QStringList {QStringLiteral("de"), QStringLiteral("ch")};
        QTest::newRow("no playlists") << QStringLiteral("mpd") << QString()
                                      << QStringList {QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J"),
                                                      QStringLiteral("spotify:track:6eTGxxQxiTFE6LjZu5ZGgO"),
                                                      QStringLiteral("spotify:track:0aym2LBJBk9DAYuHHutrIl"),
                                                      QStringLiteral("spotify:track:1fGr5sF9Nw2DYDuYOLJKzX")};
        QTest::newRow("artist, diacritics folded")
            << QStringLiteral("mpd") << QStringLiteral("\"sigur\" \"ros\"")
            << QStringList {QStringLiteral("spotify:track:6eTGxxQxiTFE6LjZu5ZGgO")};
        QTest::newRow("other dataset's words")
            << QStringLiteral("countries") << QStringLiteral("\"queen\"") << QStringList {};
    }

    void itemPagesAndCounts()
    {
        QFETCH(QString, dataset);
        QFETCH(QString, fts);
        QFETCH(QStringList, keys);
        Fixture f;
        const qint64 datasetId = f.project->datasetId(dataset);
        QCOMPARE(itemCount(*f.project, datasetId, fts), qint64(keys.size()));
        // Pages of two, each after the last id of the one before, add up to the whole list.
        QStringList paged;
        qint64 after = 0;
        for (int pages = 0; pages < 10; ++pages) {
            const std::vector<ItemRow> page = itemPage(*f.project, datasetId, fts, after, 2);
            QVERIFY(page.size() <= 2);
            for (const ItemRow &row : page) {
                QVERIFY(row.id > after);
                after = row.id;
                QCOMPARE(row.id, f.item(row.key, datasetId));
                QVERIFY(row.kind != ItemKind::Playlist);
                paged << row.key;
            }
            if (page.size() < 2)
                break;
        }
        QCOMPARE(paged, keys);
        const std::vector<ItemRow> all = itemPage(*f.project, datasetId, fts, 0, 100);
        QCOMPARE(qsizetype(all.size()), keys.size());
        if (dataset == u"mpd" && fts.isEmpty()) {
            QCOMPARE(all[0].title, QStringLiteral("Bohemian Rhapsody"));
            QCOMPARE(all[0].artist, QStringLiteral("Queen"));
            QCOMPARE(all[0].album, QStringLiteral("A Night at the Opera"));
            QCOMPARE(toString(all[0].kind), toString(ItemKind::Track));
        }
    }

    void itemPageRejectsAMalformedSearch()
    {
        Fixture f;
        QVERIFY_THROWS_EXCEPTION(Error, itemPage(*f.project, f.countries, QStringLiteral("\"unclosed"), 0, 10));
        QVERIFY_THROWS_EXCEPTION(Error, itemCount(*f.project, f.countries, QStringLiteral("AND AND")));
    }

    void trackFieldsForPlaylistFiles()
    {
        Fixture f;
        const qint64 queen = f.item(QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J"));
        const qint64 field = f.item(QStringLiteral("spotify:track:0aym2LBJBk9DAYuHHutrIl"));
        const std::vector<qint64> ids {field, 987654, queen};
        const std::vector<TrackFields> tracks = trackFields(*f.project, ids, f.mpd);
        QCOMPARE(tracks.size(), size_t(3));
        QCOMPARE(tracks[0].itemId, field);
        QVERIFY(tracks[0].found);
        QCOMPARE(tracks[0].title, QStringLiteral("Field Recording 3"));
        QVERIFY(tracks[0].artist.isEmpty() && tracks[0].artistUri.isEmpty());
        QCOMPARE(tracks[0].duration, -1.0);
        QVERIFY(!tracks[1].found);
        QCOMPARE(tracks[1].itemId, qint64(987654));
        QVERIFY(tracks[1].key.isEmpty() && tracks[1].title.isEmpty());
        QCOMPARE(tracks[1].duration, -1.0);
        QCOMPARE(tracks[2].key, QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J"));
        QCOMPARE(tracks[2].identity, QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J"));
        QCOMPARE(tracks[2].album, QStringLiteral("A Night at the Opera"));
        QCOMPARE(tracks[2].duration, 354.32);
        QCOMPARE(tracks[2].artistUri, QStringLiteral("spotify:artist:1dfeR4HaWDbWqFHLkxsg1d"));
        QCOMPARE(tracks[2].albumUri, QStringLiteral("spotify:album:6i6folBtxKV28WX3msQ4FE"));
        // Without a dataset, or in one the track is not in, the item's own key.
        QCOMPARE(trackFields(*f.project, ids, f.countries)[2].key, tracks[2].key);
    }

    void playlistsWithKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QStringList>("datasets");
        QTest::addColumn<QString>("title");
        QTest::addColumn<int>("entries");
        QTest::newRow("one dataset") << QStringLiteral("1") << QStringLiteral("mpd-again")
                                     << QStringList {QStringLiteral("mpd-again")} << QStringLiteral("Quiet") << 2;
        QTest::newRow("any dataset") << QStringLiteral("0") << QString()
                                     << QStringList {QStringLiteral("mpd"), QStringLiteral("mpd-again")}
                                     << QStringLiteral("Road songs") << 3;
        QTest::newRow("unknown key") << QStringLiteral("7") << QString() << QStringList {} << QString() << 0;
        QTest::newRow("a track's key") << QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J") << QString()
                                       << QStringList {} << QString() << 0;
        QTest::newRow("not in that dataset")
            << QStringLiteral("0") << QStringLiteral("countries") << QStringList {} << QString() << 0;
    }

    void playlistsWithKey()
    {
        QFETCH(QString, key);
        QFETCH(QString, dataset);
        QFETCH(QStringList, datasets);
        QFETCH(QString, title);
        QFETCH(int, entries);
        Fixture f;
        const std::vector<PlaylistMatch> found = orrery::playlistsWithKey(
            *f.project, key, dataset.isEmpty() ? 0 : f.project->datasetId(dataset));
        QStringList names;
        for (const PlaylistMatch &m : found) {
            names << m.dataset;
            QCOMPARE(m.datasetId, f.project->datasetId(m.dataset));
            QCOMPARE(m.itemId, f.item(key, m.datasetId));
            QCOMPARE(m.title, title);
            QCOMPARE(int(m.entries.size()), entries);
            QCOMPARE(trackFields(*f.project, m.entries, m.datasetId).front().title,
                     key == u"0" ? QStringLiteral("Bohemian Rhapsody") : QStringLiteral("Jóga"));
        }
        QCOMPARE(names, datasets);
    }

    void rowFilterQueries()
    {
        Fixture f;
        QCOMPARE(sorted(itemsInDataset(*f.project, f.countries)),
                 sorted({f.item(QStringLiteral("fr")), f.item(QStringLiteral("de")), f.item(QStringLiteral("ch")),
                         f.item(QStringLiteral("np")), f.item(QStringLiteral("aq"))}));
        // Playlists' own items are members too; the shared song once.
        QCOMPARE(itemsInDataset(*f.project, f.mpd).size(), size_t(4 + 2));
        QVERIFY(itemsInDataset(*f.project, 987654).empty());

        QVERIFY(tagExists(*f.project, QStringLiteral("sport"))); // a label
        QVERIFY(!tagExists(*f.project, QStringLiteral("Sport")));
        QVERIFY(!tagExists(*f.project, QStringLiteral("jazz")));
        QCOMPARE(sorted(itemsWithTag(*f.project, QStringLiteral("tech"))),
                 sorted({f.item(QStringLiteral("tech/001.txt")), f.item(QStringLiteral("tech/002.txt"))}));
        QVERIFY(itemsWithTag(*f.project, QStringLiteral("jazz")).empty());
    }

    void itemsWithAttribute_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QStringList>("keys");
        QTest::newRow("text") << QStringLiteral("$.region") << QStringLiteral("Europe")
                              << QStringList {QStringLiteral("fr"), QStringLiteral("de"), QStringLiteral("ch")};
        QTest::newRow("text is exact") << QStringLiteral("$.region") << QStringLiteral("europe") << QStringList {};
        QTest::newRow("nested") << QStringLiteral("$.name.common") << QStringLiteral("Nepal")
                                << QStringList {QStringLiteral("np")};
        QTest::newRow("integer") << QStringLiteral("$.area") << QStringLiteral("41284")
                                 << QStringList {QStringLiteral("ch")};
        QTest::newRow("real") << QStringLiteral("$.area") << QStringLiteral("147181.5")
                              << QStringList {QStringLiteral("np")};
        QTest::newRow("number as written differently")
            << QStringLiteral("$.area") << QStringLiteral("1.4e7") << QStringList {QStringLiteral("aq")};
        QTest::newRow("true") << QStringLiteral("$.landlocked") << QStringLiteral("true")
                              << QStringList {QStringLiteral("ch"), QStringLiteral("np")};
        QTest::newRow("null") << QStringLiteral("$.capital") << QStringLiteral("null")
                              << QStringList {QStringLiteral("aq")};
        QTest::newRow("array element") << QStringLiteral("$.languages") << QStringLiteral("German")
                                       << QStringList {QStringLiteral("de"), QStringLiteral("ch")};
        QTest::newRow("array element of an object")
            << QStringLiteral("$.capital") << QStringLiteral("Bern") << QStringList {QStringLiteral("ch")};
        QTest::newRow("missing path") << QStringLiteral("$.population") << QStringLiteral("1") << QStringList {};
    }

    void itemsWithAttribute()
    {
        QFETCH(QString, path);
        QFETCH(QString, value);
        QFETCH(QStringList, keys);
        Fixture f;
        std::vector<qint64> expected;
        for (const QString &key : keys)
            expected.push_back(f.item(key, f.countries));
        QCOMPARE(sorted(orrery::itemsWithAttribute(*f.project, path, value)), sorted(expected));
    }

    void itemsWithAttributeRejectsAMalformedPath()
    {
        Fixture f;
        QVERIFY_THROWS_EXCEPTION(Error,
                                 orrery::itemsWithAttribute(*f.project, QStringLiteral("$.[x"), QStringLiteral("1")));
    }

    void indexBlobsReplaceOnlyTheirMetric()
    {
        Fixture f;
        EmbeddingSet set;
        set.name = QStringLiteral("countries-2d");
        set.datasetId = f.countries;
        set.kind = ItemKind::Record;
        set.method = QStringLiteral("test");
        set.dim = 2;
        set.ids = {f.item(QStringLiteral("fr")), f.item(QStringLiteral("de"))};
        set.vectors = {46.2f, 2.2f, 51.2f, 10.4f};
        saveEmbeddingSet(*f.project, set);
        QVERIFY(!loadIndexBlob(*f.project, set.id));

        IndexBlob side;
        side.setId = set.id;
        side.kind = QStringLiteral("hnsw");
        side.params = {{QStringLiteral("metric"), QStringLiteral("cosine")}, {QStringLiteral("M"), 16}};
        side.path = QStringLiteral("store.orrery.indexes/%1-cosine.hnsw").arg(set.id);
        side.stats = {{QStringLiteral("ef"), 32}};
        QVERIFY(replaceIndexBlob(*f.project, side).empty());

        IndexBlob inlined = side;
        inlined.path.clear();
        inlined.hasData = true;
        inlined.data = QByteArray("\x00\x01graph\xff", 8);
        inlined.stats = {{QStringLiteral("ef"), 48}};
        QCOMPARE(replaceIndexBlob(*f.project, inlined), std::vector<QString> {side.path}); // the side file to remove

        IndexBlob l2;
        l2.setId = set.id;
        l2.kind = QStringLiteral("exact");
        l2.params = {{QStringLiteral("metric"), QStringLiteral("l2")}};
        QVERIFY(replaceIndexBlob(*f.project, l2).empty());

        const auto cosine = loadIndexBlob(*f.project, set.id, QStringLiteral("cosine"));
        QVERIFY(cosine);
        QCOMPARE(cosine->kind, QStringLiteral("hnsw"));
        QVERIFY(cosine->hasData);
        QCOMPARE(cosine->data, inlined.data);
        QVERIFY(cosine->path.isEmpty());
        QCOMPARE(cosine->params.value(u"M").toInt(), 16);
        QCOMPARE(cosine->stats.value(u"ef").toInt(), 48);
        const auto euclid = loadIndexBlob(*f.project, set.id, QStringLiteral("l2"));
        QVERIFY(euclid && euclid->kind == u"exact" && !euclid->hasData);
        QCOMPARE(loadIndexBlob(*f.project, set.id)->kind, QStringLiteral("exact")); // the newest of any metric
        QVERIFY(!loadIndexBlob(*f.project, set.id, QStringLiteral("dot")));
        sql::Statement rows(f.project->db(), "SELECT count(*) FROM index_blob");
        QVERIFY(rows.step());
        QCOMPARE(rows.columnInt(0), 2);

        // A row without a metric is cosine.
        sql::exec(f.project->db(), "UPDATE index_blob SET params = '{}' WHERE kind = 'hnsw'");
        QVERIFY(loadIndexBlob(*f.project, set.id, QStringLiteral("cosine")));

        qint64 datasetId = -1;
        QCOMPARE(embeddingSetIds(*f.project, set.id, &datasetId), set.ids);
        QCOMPARE(datasetId, f.countries);
        QVERIFY(embeddingSetIds(*f.project, set.id + 1, &datasetId).empty());
        QCOMPARE(datasetId, qint64(0));
    }

    void addDatasetAndTransactions()
    {
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("a.orrery")));
        const QStringList sources {QStringLiteral("/data/mpd/mpd.slice.0-999.json"),
                                   QStringLiteral("/data/mpd/mpd.slice.1000-1999.json")};
        {
            WriteTransaction tx(p);
            QCOMPARE(addDataset(p, QStringLiteral("mpd"), DatasetKind::Playlists, QStringLiteral("mpd"), sources),
                     qint64(1));
        } // rolled back
        QVERIFY(p.datasets().isEmpty());
        {
            WriteTransaction tx(p);
            const qint64 id = addDataset(p, QStringLiteral("mpd"), DatasetKind::Playlists, QStringLiteral("mpd"),
                                         sources);
            tx.commit();
            QCOMPARE(p.datasetId(QStringLiteral("mpd")), id);
        }
        QCOMPARE(p.datasets().size(), 1);
        QCOMPARE(toString(p.datasets().first().kind), toString(DatasetKind::Playlists));
        QCOMPARE(p.datasets().first().format, QStringLiteral("mpd"));
        sql::Statement st(p.db(), "SELECT sources FROM dataset");
        QVERIFY(st.step());
        QCOMPARE(QJsonDocument::fromJson(st.columnText(0).toUtf8()).array().toVariantList(),
                 QVariant(sources).toList());
        try {
            addDataset(p, QStringLiteral("mpd"), DatasetKind::Records, QStringLiteral("json"), {});
            QFAIL("a second dataset of the same name was added");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(u"UNIQUE"), qPrintable(e.message()));
        }
    }

    void tagItemsCreatesTagsOnceAndKeepsExistingLinks()
    {
        Fixture f;
        const qint64 queen = f.item(QStringLiteral("spotify:track:7tFiyTwD0nx5a1eklYtX2J"));
        const qint64 sigur = f.item(QStringLiteral("spotify:track:6eTGxxQxiTFE6LjZu5ZGgO"));
        const qint64 bjork = f.item(QStringLiteral("spotify:track:1fGr5sF9Nw2DYDuYOLJKzX"));
        const std::pair<qint64, QString> first[] = {{queen, QStringLiteral("rock")},
                                                    {sigur, QStringLiteral("post-rock")},
                                                    {bjork, QStringLiteral("post-rock")}};
        tagItems(*f.project, f.mpd, first);
        const std::pair<qint64, QString> again[] = {{sigur, QStringLiteral("post-rock")},
                                                    {sigur, QStringLiteral("sport")}};
        tagItems(*f.project, f.mpd, again); // "sport" is a label so far: a tag of that name is another row
        QCOMPARE(sorted(itemsWithTag(*f.project, QStringLiteral("post-rock"))), sorted({sigur, bjork}));
        QCOMPARE(itemsWithTag(*f.project, QStringLiteral("rock")), std::vector<qint64> {queen});
        const auto records = itemRecords(*f.project, std::vector<qint64> {sigur});
        QCOMPARE(records[0]->tags, (QStringList {QStringLiteral("post-rock"), QStringLiteral("sport")}));
        QVERIFY(records[0]->labels.isEmpty());
        sql::Statement st(f.project->db(),
                          "SELECT count(*) FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                          "WHERE t.kind = 'tag' AND it.dataset_id = ?");
        st.bind(1, f.mpd);
        QVERIFY(st.step());
        QCOMPARE(st.columnInt(0), 4);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
