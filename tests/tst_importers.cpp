// The MPD, Yes.com, JSON-record and text importers, on the shared real data and on
// small files the tests write; and what every importer must do with bad input.
#include "testutil.h"

#include "base/tokenizer.h"
#include "io/identity.h"
#include "io/synth.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>

using namespace orrery;

namespace {

qint64 scalar(Project &p, const QString &sql)
{
    const QByteArray utf8 = sql.toUtf8();
    sql::Statement st(p.db(), std::string_view(utf8.constData(), size_t(utf8.size())));
    return st.step() ? st.columnInt(0) : -1;
}

QString text(Project &p, const QString &sql)
{
    const QByteArray utf8 = sql.toUtf8();
    sql::Statement st(p.db(), std::string_view(utf8.constData(), size_t(utf8.size())));
    return st.step() ? st.columnText(0) : QString();
}

std::vector<qint64> entriesOf(Project &p, const QString &playlistKey, qint64 datasetId)
{
    sql::Statement st(p.db(),
                      "SELECT s.entries FROM sequence s JOIN dataset_item di ON di.item_id = s.item_id "
                      "WHERE di.key = ? AND s.dataset_id = ? AND di.dataset_id = s.dataset_id");
    st.bind(1, playlistKey).bind(2, datasetId);
    return st.step() ? unpackIds(st.columnBlob(0)) : std::vector<qint64>();
}

} // namespace

class TestImporters final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // --- real data, exact counts ---------------------------------------------------------

    void sharedData_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("format");
        QTest::addColumn<qint64>("items");
        QTest::addColumn<qint64>("sequences");
        QTest::addColumn<qint64>("entries");
        QTest::addColumn<qint64>("tags");
        QTest::newRow("yes_small") << "yes_small"
                                   << "yes" << 3168LL << 41480LL << 175911LL << 250LL;
        QTest::newRow("mpd first29") << "mpd/mpd.slice.0-999.first29.json"
                                     << "mpd" << 1397LL << 29LL << 1448LL << 0LL;
        QTest::newRow("countries") << "countries/countries.json"
                                   << "json" << 250LL << 0LL << 0LL << 0LL;
        // bbc: 2,225 documents + 32,252 distinct case-folded words; 5 folder labels.
        QTest::newRow("bbc") << "bbc"
                             << "text" << 34477LL << 2225LL << 861486LL << 5LL;
    }

    void sharedData()
    {
        QFETCH(QString, path);
        QFETCH(QString, format);
        QFETCH(qint64, items);
        QFETCH(qint64, sequences);
        QFETCH(qint64, entries);
        QFETCH(qint64, tags);
        const QString shared = test::sharedData(path);
        if (shared.isEmpty() || !QFileInfo::exists(shared))
            QSKIP("../shared/data is absent");
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const auto r = test::importInto(p, {shared});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(io::toString(r.format), format);
        QCOMPARE(r.stats.skipped, 0);
        const auto datasets = p.datasets();
        QCOMPARE(datasets.size(), 1);
        QCOMPARE(datasets.first().items, items);
        QCOMPARE(datasets.first().sequences, sequences);
        QCOMPARE(datasets.first().entries, entries);
        QCOMPARE(datasets.first().tags, tags);
    }

    void yesKeepsSongFieldsTagsAndOrder()
    {
        ORRERY_REQUIRE_SHARED("yes_small");
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const auto r = test::importInto(p, {shared});
        QVERIFY2(r.ok, qPrintable(r.error));
        // song_hash.txt line 1: `0\tGucci Time (w\/ Swizz Beatz)\tGucci Mane` (JSON-style escape undone)
        const qint64 song0 = p.itemForKey(QStringLiteral("0"), r.datasetId);
        QVERIFY(song0 > 0);
        QCOMPARE(text(p, QStringLiteral("SELECT title FROM item WHERE id = %1").arg(song0)),
                 QStringLiteral("Gucci Time (w/ Swizz Beatz)"));
        QCOMPARE(text(p, QStringLiteral("SELECT artist FROM item WHERE id = %1").arg(song0)),
                 QStringLiteral("Gucci Mane"));
        // Two songs titled "-" by "-" are distinct items (identity is the Yes source id).
        QCOMPARE(scalar(p, QStringLiteral("SELECT count(*) FROM item WHERE kind = 0 AND title = '-' AND artist = '-'")),
                 2);
        // tags.txt line 1 is "115 173"; tag_hash.txt names them.
        QCOMPARE(scalar(p, QStringLiteral("SELECT count(*) FROM item_tag WHERE item_id = %1").arg(song0)), 2);
        // train.txt line 3 is the first playlist: "0 1 2 3 4 5 6 7 8 "
        const auto first = entriesOf(p, QStringLiteral("0"), r.datasetId);
        QCOMPARE(first.size(), size_t(9));
        for (int i = 0; i < 9; ++i)
            QCOMPARE(first[size_t(i)], p.itemForKey(QString::number(i), r.datasetId));
    }

    void mpdKeepsEveryField()
    {
        ORRERY_REQUIRE_SHARED("mpd/mpd.slice.0-999.first29.json");
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const auto r = test::importInto(p, {shared});
        QVERIFY2(r.ok, qPrintable(r.error));
        const qint64 playlist = p.itemForKey(QStringLiteral("0"), r.datasetId);
        QCOMPARE(text(p, QStringLiteral("SELECT title FROM item WHERE id = %1").arg(playlist)),
                 QStringLiteral("Throwbacks"));
        const QJsonObject attrs = QJsonDocument::fromJson(
                                      text(p, QStringLiteral("SELECT attrs FROM item WHERE id = %1").arg(playlist))
                                          .toUtf8())
                                      .object();
        for (const char *field : {"name", "collaborative", "pid", "modified_at", "num_tracks", "num_albums",
                                  "num_followers", "num_edits", "duration_ms", "num_artists"})
            QVERIFY2(attrs.contains(QLatin1String(field)), field);
        QCOMPARE(attrs.value(u"num_tracks").toInt(), int(entriesOf(p, QStringLiteral("0"), r.datasetId).size()));
        const qint64 toxic = p.itemForKey(QStringLiteral("spotify:track:6I9VzXrHxO9rA9A5euc8Ak"), r.datasetId);
        QVERIFY(toxic > 0);
        QCOMPARE(
            text(p, QStringLiteral("SELECT title || '|' || artist || '|' || album FROM item WHERE id = %1").arg(toxic)),
            QStringLiteral("Toxic|Britney Spears|In The Zone"));
        const QJsonObject trackAttrs = QJsonDocument::fromJson(
                                           text(p, QStringLiteral("SELECT attrs FROM item WHERE id = %1").arg(toxic))
                                               .toUtf8())
                                           .object();
        QCOMPARE(trackAttrs.value(u"artist_uri").toString(), QStringLiteral("spotify:artist:26dSoYclwsYLMAKD3tpOr4"));
        QCOMPARE(trackAttrs.value(u"duration_ms").toInt(), 198800);
        QVERIFY(text(p, QStringLiteral("SELECT attrs FROM dataset WHERE id = %1").arg(r.datasetId))
                    .contains(u"generated_on"));
    }

    void mpdReducedFilesAndEmptySlices()
    {
        QTemporaryDir dir;
        const QString reduced = dir.filePath(QStringLiteral("reduced.json"));
        // Only track_uri per track, no pos (order from the array), no info; plus an empty slice.
        test::writeFile(reduced, R"({"playlists":[{"pid":7,"name":"a","tracks":[{"track_uri":"spotify:track:B"},
            {"track_uri":"spotify:track:A"}]},{"pid":8,"name":"b","tracks":[{"track_uri":"spotify:track:A","pos":1},
            {"track_uri":"spotify:track:C","pos":0}]}]})");
        const QString empty = dir.filePath(QStringLiteral("mpd.slice.9-9.json"));
        test::writeFile(empty, R"({"info":{"slice":"9-9"},"playlists":[]})");
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const auto r = test::importInto(p, {reduced, empty});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.sequences, 2);
        QCOMPARE(r.stats.entries, 4);
        QCOMPARE(r.stats.datasetItems, 3);
        const auto a = entriesOf(p, QStringLiteral("7"), r.datasetId);
        QCOMPARE(a,
                 (std::vector<qint64> {p.itemForKey(QStringLiteral("spotify:track:B")),
                                       p.itemForKey(QStringLiteral("spotify:track:A"))}));
        const auto b = entriesOf(p, QStringLiteral("8"), r.datasetId);
        QCOMPARE(b,
                 (std::vector<qint64> {p.itemForKey(QStringLiteral("spotify:track:C")),
                                       p.itemForKey(QStringLiteral("spotify:track:A"))}));
    }

    void sameSongInTwoDatasetsIsOneItem()
    {
        QTemporaryDir dir;
        const QString one = dir.filePath(QStringLiteral("one.json"));
        const QString two = dir.filePath(QStringLiteral("two.json"));
        test::writeFile(one,
                        R"({"playlists":[{"pid":1,"tracks":[{"track_uri":"spotify:track:X","track_name":"X"}]}]})");
        test::writeFile(
            two,
            R"({"playlists":[{"pid":1,"tracks":[{"track_uri":"spotify:track:X"},{"track_uri":"spotify:track:Y"}]}]})");
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        QVERIFY(test::importInto(p, {one}).ok);
        const auto r = test::importInto(p, {two});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(scalar(p, QStringLiteral("SELECT count(*) FROM item WHERE kind = 0")), 2);
        QCOMPARE(r.stats.newItems, 2); // the second playlist and track Y
        const qint64 x1 = p.itemForKey(QStringLiteral("spotify:track:X"), p.datasetId(QStringLiteral("one")));
        QCOMPARE(p.itemForKey(QStringLiteral("spotify:track:X"), r.datasetId), x1);
        QCOMPARE(text(p, QStringLiteral("SELECT title FROM item WHERE id = %1").arg(x1)), QStringLiteral("X"));
    }

    void mpdRecordProblemsSkipOrFailUnderStrict()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad-track.json"));
        test::writeFile(path,
                        "{\"playlists\":[\n{\"pid\":1,\"tracks\":[{\"track_uri\":\"spotify:track:A\"}]},\n"
                        "{\"pid\":2,\"tracks\":[{\"track_name\":\"no uri\"}]}\n]}");
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        auto r = test::importInto(p, {path});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.sequences, 1);
        QCOMPARE(r.stats.skipped, 1);
        QVERIFY2(r.stats.warnings.first().startsWith(path + QStringLiteral(":3:1:")),
                 qPrintable(r.stats.warnings.first()));
        const QByteArray before = test::fingerprint(p);
        io::ImportOptions strict;
        strict.strict = true;
        strict.dataset = QStringLiteral("strict");
        r = test::importInto(p, {path}, strict);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.startsWith(path + QStringLiteral(":3:1:")), qPrintable(r.error));
        QCOMPARE(test::fingerprint(p), before);
    }

    void jsonArrayLinesAndObject()
    {
        QTemporaryDir dir;
        const QString array = dir.filePath(QStringLiteral("array.json"));
        test::writeFile(array,
                        R"([{"id":"a","name":{"common":"Alpha"},"tags":["x",{"deep":[1,2]}]},{"title":"no id"}])");
        const QString lines = dir.filePath(QStringLiteral("records.jsonl"));
        test::writeFile(lines, "{\"id\":1,\"v\":true}\n\n{\"id\":2,\"v\":null}\n{\"id\":3, broken\n{\"id\":4}\n");
        const QString object = dir.filePath(QStringLiteral("one.json"));
        test::writeFile(object, "{\n  \"_id\": \"solo\",\n  \"nested\": {\"a\": [1, 2, {\"b\": \"c\"}]}\n}\n");
        Project p(dir.filePath(QStringLiteral("p.orrery")));

        auto r = test::importInto(p, {array});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.datasetItems, 2);
        const qint64 a = p.itemForKey(QStringLiteral("a"), r.datasetId);
        QCOMPARE(text(p, QStringLiteral("SELECT title FROM item WHERE id = %1").arg(a)), QStringLiteral("Alpha"));
        const QJsonObject attrs = QJsonDocument::fromJson(
                                      text(p, QStringLiteral("SELECT attrs FROM item WHERE id = %1").arg(a)).toUtf8())
                                      .object();
        QCOMPARE(attrs.value(u"tags").toArray().at(1).toObject().value(u"deep").toArray().size(), 2); // nesting intact
        QVERIFY(p.itemForKey(QStringLiteral("1"), r.datasetId) > 0); // record number when there is no id

        r = test::importInto(p, {lines});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.datasetItems, 3);
        QCOMPARE(r.stats.skipped, 1);
        QVERIFY2(r.stats.warnings.first().startsWith(lines + QStringLiteral(":4:")),
                 qPrintable(r.stats.warnings.first()));

        r = test::importInto(p, {object});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.datasetItems, 1);
        QVERIFY(p.itemForKey(QStringLiteral("solo"), r.datasetId) > 0);
        QCOMPARE(toString(p.datasets().last().kind), QStringLiteral("records"));
    }

    void textFolderAndLines()
    {
        QTemporaryDir dir;
        test::writeFile(dir.filePath(QStringLiteral("corpus/sport/1.txt")), "Cup final\n\nThe team won the cup.\n");
        test::writeFile(dir.filePath(QStringLiteral("corpus/tech/2.txt")), "Chips\n\nThe chip won praise.\n");
        test::writeFile(dir.filePath(QStringLiteral("corpus/README.txt")), "About this corpus.\n");
        const QString lines = dir.filePath(QStringLiteral("lines.txt"));
        test::writeFile(lines, "first document here\n\nSecond Document, here!\n");
        Project p(dir.filePath(QStringLiteral("p.orrery")));

        auto r = test::importInto(p, {dir.filePath(QStringLiteral("corpus"))});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(io::toString(r.format), QStringLiteral("text"));
        QCOMPARE(r.stats.sequences, 2); // the README is not a document
        const qint64 doc = p.itemForKey(QStringLiteral("sport/1.txt"), r.datasetId);
        QCOMPARE(text(p, QStringLiteral("SELECT title FROM item WHERE id = %1").arg(doc)), QStringLiteral("Cup final"));
        QCOMPARE(
            text(p,
                 QStringLiteral("SELECT t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id WHERE it.item_id = %1")
                     .arg(doc)),
            QStringLiteral("sport"));
        // "cup final the team won the cup" -> 7 tokens; "the", "won" shared with the other document.
        const auto words = entriesOf(p, QStringLiteral("sport/1.txt"), r.datasetId);
        QCOMPARE(words.size(), size_t(7));
        QCOMPARE(words[0], words[6]);
        QCOMPARE(words[2], p.itemForKey(QStringLiteral("the")));

        // A folder given by a relative path (as `orrery-cli import p corpus` does) labels by the
        // same sub-folders.
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        io::ImportOptions again;
        again.dataset = QStringLiteral("corpus again");
        r = test::importInto(p, {QStringLiteral("corpus")}, again);
        QVERIFY(QDir::setCurrent(before));
        QVERIFY2(r.ok, qPrintable(r.error));
        const qint64 relative = p.itemForKey(QStringLiteral("tech/2.txt"), r.datasetId);
        QVERIFY(relative > 0);
        QCOMPARE(
            text(p,
                 QStringLiteral("SELECT t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id WHERE it.item_id = %1")
                     .arg(relative)),
            QStringLiteral("tech"));

        r = test::importInto(p, {lines});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.sequences, 2);
        QVERIFY(p.itemForKey(QStringLiteral("3"), r.datasetId) > 0); // key = line number
        QCOMPARE(entriesOf(p, QStringLiteral("3"), r.datasetId).size(), size_t(3));
    }

    void searchFindsTitlesArtistsTextAndAttributes()
    {
        ORRERY_REQUIRE_SHARED("mpd/mpd.slice.0-999.first29.json");
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        QVERIFY(test::importInto(p, {shared}).ok);
        // "Toxic" by Britney Spears, and four songs by The Airborne Toxic Event.
        QCOMPARE(scalar(p, QStringLiteral("SELECT count(*) FROM item_fts WHERE item_fts MATCH 'toxic'")), 5);
        QCOMPARE(scalar(p, QStringLiteral("SELECT count(*) FROM item_fts WHERE item_fts MATCH 'title:toxic'")), 1);
        QVERIFY(scalar(p, QStringLiteral("SELECT count(*) FROM item_fts WHERE item_fts MATCH 'artist:britney'")) >= 1);
        QCOMPARE(scalar(p, QStringLiteral("SELECT count(*) FROM item_fts WHERE item_fts MATCH 'title:throwbacks'")), 1);
        QVERIFY(scalar(p,
                       QStringLiteral(
                           "SELECT count(*) FROM item_fts WHERE item_fts MATCH 'attrs:\"26dSoYclwsYLMAKD3tpOr4\"'"))
                >= 1);
    }

    // --- identity, tokens, detection -----------------------------------------------------

    void normalisedNames_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::newRow("case and spaces") << "  Hey   JUDE "
                                         << "hey jude";
        QTest::newRow("ft.") << "Song (ft. Drake)"
                             << "song (feat. drake)";
        QTest::newRow("featuring") << "Song featuring Drake"
                                   << "Song Feat. Drake";
        QTest::newRow("feat") << "Song feat Drake"
                              << "song FT Drake";
        QTest::newRow("unicode fold") << "STRASSE Ünïcode"
                                      << "strasse ünïcode";
    }
    void normalisedNames()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QCOMPARE(io::normaliseName(a), io::normaliseName(b));
        QCOMPARE(io::trackIdentity("Artist", a.toStdString()), io::trackIdentity("artist ", b.toStdString()));
    }

    void differentSongsStayApart()
    {
        QVERIFY(io::trackIdentity("A", "Left") != io::trackIdentity("A", "Right"));
        QVERIFY(io::normaliseName(QStringLiteral("Draft")) != io::normaliseName(QStringLiteral("feat")));
        QCOMPARE(io::artistTitleKey(" Queen ", "Bohemian Rhapsody"), std::string("Queen - Bohemian Rhapsody"));
    }

    void tokenizer()
    {
        QCOMPARE(io::Tokenizer::tokenize(QStringLiteral("The U.S. isn't £5 — café, 2004's \"Hello\"!")),
                 (QStringList {QStringLiteral("the"), QStringLiteral("u"), QStringLiteral("s"), QStringLiteral("isn't"),
                               QStringLiteral("5"), QStringLiteral("café"), QStringLiteral("2004"), QStringLiteral("s"),
                               QStringLiteral("hello")}));
        QVERIFY(io::Tokenizer::isStopWord(QStringLiteral("the")));
        QVERIFY(!io::Tokenizer::isStopWord(QStringLiteral("music")));
    }

    void detection_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("format");
        QTest::newRow("mpd") << "x.json" << QByteArray(R"({"info":{},"playlists":[]})") << "mpd";
        QTest::newRow("mpd no ext") << "slice" << QByteArray(" {\"playlists\":[]}") << "mpd";
        QTest::newRow("json array") << "x.json" << QByteArray(R"([{"id":1}])") << "json";
        QTest::newRow("jsonl") << "x.jsonl" << QByteArray("{\"a\":1}\n{\"a\":2}\n") << "json";
        QTest::newRow("m3u ext") << "x.m3u8" << QByteArray("/music/a.mp3\n") << "m3u";
        QTest::newRow("m3u content") << "list.txt" << QByteArray("#EXTM3U\n#EXTINF:1,A - B\na.mp3\n") << "m3u";
        QTest::newRow("pls content") << "x.ini" << QByteArray("[playlist]\nFile1=a.mp3\n") << "pls";
        QTest::newRow("xspf") << "x.xml"
                              << QByteArray("<?xml version=\"1.0\"?><playlist xmlns=\"http://xspf.org/ns/0/\"/>")
                              << "xspf";
        QTest::newRow("csv") << "x.csv" << QByteArray("playlist,artist,track\np,a,t\n") << "csv";
        QTest::newRow("csv as txt") << "x.txt" << QByteArray("playlist_name\tartist_name\ttrack_name\n") << "csv";
        QTest::newRow("npy") << "v.npy" << QByteArray("\x93NUMPY\x01\x00", 8) << "vectors";
        QTest::newRow("word2vec text") << "v.txt" << QByteArray("2 3\na 1 2 3\nb 1 2 3\n") << "vectors";
        QTest::newRow("projector tsv") << "vectors.tsv" << QByteArray("0.1\t0.2\n0.3\t0.4\n") << "vectors";
        QTest::newRow("text") << "notes.txt" << QByteArray("Just some words.\nMore words.\n") << "text";
        QTest::newRow("unknown") << "x.bin2" << QByteArray("\x01\x02\x03", 3) << "auto";
    }
    void detection()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, format);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        test::writeFile(path, content);
        QCOMPARE(io::toString(io::detectFormat(path)), format);
    }

    void detectsFolders()
    {
        ORRERY_REQUIRE_SHARED("yes_small");
        QCOMPARE(io::toString(io::detectFormat(shared)), QStringLiteral("yes"));
        QCOMPARE(io::toString(io::detectFormat(test::sharedData(QStringLiteral("bbc")))), QStringLiteral("text"));
        QCOMPARE(io::toString(io::detectFormat(test::sharedData(QStringLiteral("mpd")))), QStringLiteral("mpd"));
    }

    // --- bad input: a clear error with file:line, and the project exactly as it was -------

    void badInput_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("where"); // expected prefix after the path
        QTest::addColumn<QString>("message"); // expected part of the message
        QTest::newRow("truncated mpd")
            << "t.json" << QByteArray("{\"playlists\":[{\"pid\":1,\"tracks\":[{\"track_uri\":\"x\"}]},\n{\"pid\":2,")
            << "auto"
            << ":2:"
            << "truncated";
        QTest::newRow("truncated json array") << "t.json" << QByteArray("[{\"id\":1},\n{\"id\":2") << "json"
                                              << ":2:"
                                              << "truncated";
        QTest::newRow("json invalid utf8") << "u.json" << QByteArray("[{\"id\":1},\n{\"name\":\"caf\xe9\"}]") << "json"
                                           << ":2:1:"
                                           << "UTF-8";
        QTest::newRow("json not a record file") << "n.json" << QByteArray("42") << "json"
                                                << ":1:1:"
                                                << "expected a JSON array or object";
        QTest::newRow("binary junk as mpd") << "junk.json" << QByteArray("\x00\x01\xff\xfe{", 5) << "mpd"
                                            << ":1:1:"
                                            << "expected a JSON object";
        QTest::newRow("empty json") << "empty.json" << QByteArray() << "json"
                                    << ":1:1:"
                                    << "empty file";
        QTest::newRow("empty text") << "empty.txt" << QByteArray("\n\n") << "text"
                                    << ":1:"
                                    << "expected at least one";
        QTest::newRow("mpd without playlists") << "x.json" << QByteArray("{\"info\":{}}") << "mpd"
                                               << ":1:1:"
                                               << "\"playlists\"";
        QTest::newRow("mpd trailing garbage") << "x.json" << QByteArray("{\"playlists\":[]}\n}") << "mpd"
                                              << ":2:1:"
                                              << "unexpected data";
        QTest::newRow("mpd playlists not array") << "x.json" << QByteArray("{\"playlists\":\n 5}") << "mpd"
                                                 << ":2:2:"
                                                 << "expected '['";
        QTest::newRow("mpd bad json inside")
            << "x.json" << QByteArray("{\"playlists\":[\n  {\"pid\":1,,\"tracks\":[]}]}") << "mpd"
            << ":2:3:"
            << "invalid JSON";
    }

    void badInput()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, format);
        QFETCH(QString, where);
        QFETCH(QString, message);
        QTemporaryDir dir;
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        ORRERY_REQUIRE_SHARED("mpd/mpd.slice.0-999.first29.json");
        QVERIFY(test::importInto(p, {shared}).ok); // something to keep
        const QByteArray before = test::fingerprint(p);
        const QString path = dir.filePath(name);
        test::writeFile(path, content);
        io::ImportOptions options;
        QVERIFY(io::fromString(format, &options.format));
        const auto r = test::importInto(p, {path}, options);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.startsWith(path + where), qPrintable(r.error));
        QVERIFY2(r.error.contains(message), qPrintable(r.error));
        QCOMPARE(test::fingerprint(p), before);
        QCOMPARE(p.datasets().size(), 1);
    }

    void yesUnknownSongIndexFailsTheWholeImport()
    {
        QTemporaryDir dir;
        const QString yes = dir.filePath(QStringLiteral("yes"));
        test::writeFile(yes + QStringLiteral("/song_hash.txt"), "0 \tA\tX\n1 \tB\tY\n");
        test::writeFile(yes + QStringLiteral("/train.txt"), "100 200\n3 4\n0 1 \n1 7 \n");
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const QByteArray before = test::fingerprint(p);
        const auto r = test::importInto(p, {yes});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.startsWith(yes + QStringLiteral("/train.txt:4:3:")), qPrintable(r.error));
        QVERIFY2(r.error.contains(u"below 2"), qPrintable(r.error));
        QCOMPARE(test::fingerprint(p), before);
    }

    void failingFileAmongGoodOnesKeepsNothing()
    {
        QTemporaryDir dir;
        test::writeFile(dir.filePath(QStringLiteral("in/a.json")),
                        R"({"playlists":[{"pid":1,"tracks":[{"track_uri":"u:1"}]}]})");
        test::writeFile(dir.filePath(QStringLiteral("in/b.json")),
                        R"({"playlists":[{"pid":2,"tracks":[{"track_uri":"u:2"}]})");
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const QByteArray before = test::fingerprint(p);
        const auto r = test::importInto(p, {dir.filePath(QStringLiteral("in"))});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"b.json:1:"), qPrintable(r.error));
        QCOMPARE(test::fingerprint(p), before);
        QCOMPARE(scalar(p, QStringLiteral("SELECT count(*) FROM item")), 0);
    }

    void aFileNamedTwiceIsReadOnce()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("in/a.json"));
        test::writeFile(file, R"({"playlists":[{"pid":1,"tracks":[{"track_uri":"u:1"}]}]})");
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const auto r = test::importInto(p, {file, dir.filePath(QStringLiteral("in")), file});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.files, 1);
        QCOMPARE(r.stats.sequences, 1);
    }

    void cancelRollsBack()
    {
        QTemporaryDir dir;
        JobContext quiet;
        io::SynthOptions options;
        options.playlists = 3000;
        io::writeSynthMpd(dir.filePath(QStringLiteral("corpus")), options, quiet);
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const QByteArray before = test::fingerprint(p);
        std::atomic_bool stop = false;
        qint64 reports = 0;
        JobContext job(
            [&](qint64 done, qint64 total, const QString &) {
                ++reports;
                if (done * 3 > total)
                    stop = true;
            },
            &stop);
        const auto r = io::importPaths(p, {dir.filePath(QStringLiteral("corpus"))}, {}, job);
        QVERIFY(!r.ok);
        QVERIFY(r.cancelled);
        QVERIFY(reports > 0);
        QCOMPARE(test::fingerprint(p), before);
    }

    void duplicateDatasetNameIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("r.json"));
        test::writeFile(path, R"([{"id":1}])");
        Project p(dir.filePath(QStringLiteral("p.orrery")));
        QVERIFY(test::importInto(p, {path}).ok);
        const auto r = test::importInto(p, {path});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"already exists"), qPrintable(r.error));
    }

    // --- the synthetic corpus ---------------------------------------------------------

    void synthIsDeterministicAndMpdLike()
    {
        QTemporaryDir dir;
        JobContext quiet;
        io::SynthOptions options;
        options.playlists = 2000;
        options.seed = 5;
        const auto a = io::writeSynthMpd(dir.filePath(QStringLiteral("a")), options, quiet);
        const auto b = io::writeSynthMpd(dir.filePath(QStringLiteral("b")), options, quiet);
        QCOMPARE(a.files, 2);
        QCOMPARE(b.entries, a.entries);
        QCOMPARE(test::fileBytes(dir.filePath(QStringLiteral("a/mpd.slice.0-999.json"))),
                 test::fileBytes(dir.filePath(QStringLiteral("b/mpd.slice.0-999.json"))));
        options.seed = 6;
        io::writeSynthMpd(dir.filePath(QStringLiteral("c")), options, quiet);
        QVERIFY(test::fileBytes(dir.filePath(QStringLiteral("a/mpd.slice.0-999.json")))
                != test::fileBytes(dir.filePath(QStringLiteral("c/mpd.slice.0-999.json"))));

        Project p(dir.filePath(QStringLiteral("p.orrery")));
        const auto r = test::importInto(p, {dir.filePath(QStringLiteral("a"))});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.stats.sequences, 2000);
        QCOMPARE(r.stats.entries, a.entries);
        const double mean = double(a.entries) / 2000.0;
        QVERIFY2(mean > 55 && mean < 75, qPrintable(QString::number(mean)));
        QCOMPARE(scalar(p, QStringLiteral("SELECT min(length) FROM sequence")) >= 5, true);
        QCOMPARE(scalar(p, QStringLiteral("SELECT max(length) FROM sequence")) <= 250, true);
        // Zipf popularity: the 1% most played tracks take far more than 1% of the plays.
        std::unordered_map<qint64, qint64> plays;
        sql::Statement st(p.db(), "SELECT entries FROM sequence");
        while (st.step())
            for (const qint64 id : unpackIds(st.columnBlob(0)))
                ++plays[id];
        std::vector<qint64> counts;
        for (const auto &[id, n] : plays)
            counts.push_back(n);
        std::sort(counts.rbegin(), counts.rend());
        const size_t top = std::max<size_t>(1, counts.size() / 100);
        const qint64 topPlays = std::accumulate(counts.begin(), counts.begin() + qsizetype(top), qint64(0));
        QVERIFY2(double(topPlays) / double(a.entries) > 0.10,
                 qPrintable(QString::number(double(topPlays) / double(a.entries))));
        // Bytes per entry near the real files' 505.
        const double perEntry = double(a.bytes) / double(a.entries);
        QVERIFY2(perEntry > 420 && perEntry < 560, qPrintable(QString::number(perEntry)));
    }
};

QTEST_GUILESS_MAIN(TestImporters)
#include "tst_importers.moc"
