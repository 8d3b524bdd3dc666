// orrery-cli as scripts use it: exit codes, --help, the info JSON, progress on stderr.
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace orrery;

namespace {

using test::Run;

Run cli(const QStringList &args)
{
    return test::cli(args, 120000);
}

} // namespace

class TestCli final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpForEveryVerb_data()
    {
        // Every verb the top-level usage lists, so a new verb is covered without editing this.
        QTest::addColumn<QString>("verb");
        const Run r = cli({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const QByteArray listing = r.out.mid(r.out.indexOf("Verbs:"));
        int verbs = 0;
        for (const QByteArray &line : listing.split('\n')) {
            if (!line.startsWith("  "))
                continue;
            const QString verb = QString::fromUtf8(line.trimmed().split(' ').first());
            QTest::newRow(qPrintable(verb)) << verb;
            ++verbs;
        }
        QVERIFY2(verbs >= 13, listing.constData());
    }
    void helpForEveryVerb()
    {
        QFETCH(QString, verb);
        const Run r = cli({verb, QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Usage") || r.out.contains("usage"), r.out.constData());
    }

    void usageErrorsExitWithOne_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no verb") << QStringList();
        QTest::newRow("unknown verb") << QStringList {QStringLiteral("frobnicate")};
        QTest::newRow("import without paths") << QStringList {QStringLiteral("import"), QStringLiteral("p.orrery")};
        QTest::newRow("unknown option") << QStringList {QStringLiteral("info"), QStringLiteral("--bogus"),
                                                        QStringLiteral("p")};
        QTest::newRow("unknown format") << QStringList {QStringLiteral("import"), QStringLiteral("p.orrery"),
                                                        QStringLiteral("x"), QStringLiteral("--format"),
                                                        QStringLiteral("mp3")};
        QTest::newRow("synth bad number") << QStringList {QStringLiteral("synth"), QStringLiteral("out"),
                                                          QStringLiteral("--playlists"), QStringLiteral("many")};
    }
    void usageErrorsExitWithOne()
    {
        QFETCH(QStringList, args);
        QTemporaryDir dir;
        QVERIFY(QDir::setCurrent(dir.path()));
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.err.isEmpty());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("p.orrery"))));
    }

    void importAndInfoJson()
    {
        ORRERY_REQUIRE_SHARED("mpd/mpd.slice.0-999.first29.json");
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.orrery"));
        Run r = cli({QStringLiteral("import"), project, shared, QStringLiteral("--dataset"), QStringLiteral("mpd")});
        QCOMPARE(r.exitCode, 0);
        // The songs, then the playlists: every one of them new to a fresh project (1397 + 29).
        QVERIFY2(r.out.startsWith("imported \"mpd\" (mpd, 1 file): 1397 songs in 29 playlists with 1448 entries; "
                                  "1426 items new to the project, songs and playlists together; "),
                 r.out.constData());
        QVERIFY2(r.err.contains("100%"), r.err.constData()); // progress goes to stderr
        r = cli({QStringLiteral("info"), project, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(u"schema").toInt(), Project::SchemaVersion);
        const QJsonArray datasets = o.value(u"datasets").toArray();
        QCOMPARE(datasets.size(), 1);
        const QJsonObject d = datasets.first().toObject();
        QCOMPARE(d.value(u"name").toString(), QStringLiteral("mpd"));
        QCOMPARE(d.value(u"kind").toString(), QStringLiteral("playlists"));
        QCOMPARE(d.value(u"items").toInteger(), 1397);
        QCOMPARE(d.value(u"sequences").toInteger(), 29);
        QCOMPARE(d.value(u"entries").toInteger(), 1448);
        QCOMPARE(d.value(u"tags").toInteger(), 0);
        r = cli({QStringLiteral("info"), project});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("mpd") && r.out.contains("1448"), r.out.constData());
    }

    void inputErrorsExitWithTwoAndKeepTheProject()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.orrery"));
        const QString good = dir.filePath(QStringLiteral("good.json"));
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        test::writeFile(good, R"([{"id":"a"},{"id":"b"}])");
        test::writeFile(bad, "[{\"id\":\"c\"},\n{\"id\":");
        QCOMPARE(cli({QStringLiteral("import"), project, good}).exitCode, 0);
        const QByteArray before = test::fileBytes(project);
        const Run r = cli({QStringLiteral("import"), project, bad});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains((bad + QStringLiteral(":2:")).toUtf8()), r.err.constData());
        const Run info = cli({QStringLiteral("info"), project, QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(info.out).object().value(u"datasets").toArray().size(), 1);
        QCOMPARE(cli({QStringLiteral("info"), dir.filePath(QStringLiteral("missing.orrery"))}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("import"), project, dir.filePath(QStringLiteral("nope"))}).exitCode, 2);
        // The failed import was rolled back: the file on disk is byte for byte what it was.
        QCOMPARE(test::fileBytes(project), before);
    }

    void strictTurnsSkippedRecordsIntoFailure()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.orrery"));
        const QString lines = dir.filePath(QStringLiteral("r.jsonl"));
        test::writeFile(lines, "{\"id\":1}\n{\"id\":2,\n{\"id\":3}\n");
        Run r = cli({QStringLiteral("import"), project, lines, QStringLiteral("--strict")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains((lines + QStringLiteral(":2:")).toUtf8()), r.err.constData());
        r = cli({QStringLiteral("import"), project, lines, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(u"items").toInteger(), 2);
        QCOMPARE(o.value(u"skipped").toInteger(), 1);
        QVERIFY2(r.err.contains((lines + QStringLiteral(":2:")).toUtf8()), r.err.constData());
    }

    void synthThenBenchImport()
    {
        QTemporaryDir dir;
        Run r = cli({QStringLiteral("synth"), dir.filePath(QStringLiteral("c")), QStringLiteral("--playlists"),
                     QStringLiteral("1500"), QStringLiteral("--seed"), QStringLiteral("3")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject s = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(s.value(u"playlists").toInteger(), 1500);
        QCOMPARE(s.value(u"files").toInteger(), 2);
        r = cli({QStringLiteral("bench"), QStringLiteral("import"), dir.filePath(QStringLiteral("c"))});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject b = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(b.value(u"entries").toInteger(), s.value(u"entries").toInteger());
        QVERIFY(b.value(u"entries_per_s").toDouble() > 0);
        QVERIFY(b.value(u"peak_rss_mb").toDouble() > 0);
    }

    void probeComparesEveryPoolingMethod()
    {
        // Two labelled folders of documents written from fixed sentence templates, so word
        // order is consistent: order-aware pooling can tell a document from its shuffle.
        QTemporaryDir dir;
        const QStringList sport {QStringLiteral("team"),  QStringLiteral("match"),  QStringLiteral("goal"),
                                 QStringLiteral("coach"), QStringLiteral("league"), QStringLiteral("striker")};
        const QStringList music {QStringLiteral("band"),   QStringLiteral("album"),  QStringLiteral("guitar"),
                                 QStringLiteral("singer"), QStringLiteral("chorus"), QStringLiteral("tour")};
        quint32 state = 7;
        const auto next = [&state](int n) {
            state = state * 1664525u + 1013904223u;
            return int((state >> 8) % quint32(n));
        };
        for (const auto &[label, words] :
             {std::pair {QStringLiteral("sport"), sport}, std::pair {QStringLiteral("music"), music}}) {
            for (int d = 0; d < 60; ++d) {
                QString text;
                for (int sentence = 0; sentence < 3 + next(4); ++sentence)
                    text += QStringLiteral("first %1 then %2 before %3 after %4. ")
                                .arg(words[next(6)], words[next(6)], words[next(6)], words[next(6)]);
                test::writeFile(dir.filePath(QStringLiteral("docs/%1/%2.txt").arg(label).arg(d)), text.toUtf8());
            }
        }
        const QString path = dir.filePath(QStringLiteral("p.orrery"));
        Run r = cli({QStringLiteral("import"), path, dir.filePath(QStringLiteral("docs")), QStringLiteral("--dataset"),
                     QStringLiteral("docs")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli({QStringLiteral("train"), path, QStringLiteral("--dataset"), QStringLiteral("docs"),
                 QStringLiteral("--dim"), QStringLiteral("16"), QStringLiteral("--epochs"), QStringLiteral("20"),
                 QStringLiteral("--min-count"), QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList probe {QStringLiteral("probe"),     path,
                                 QStringLiteral("--dataset"), QStringLiteral("docs"),
                                 QStringLiteral("--from"),    QStringLiteral("docs/sgns"),
                                 QStringLiteral("--folds"),   QStringLiteral("4")};
        r = cli(probe + QStringList {QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(u"label_kind").toString(), QStringLiteral("label"));
        QCOMPARE(o.value(u"sequences").toInteger(), 120);
        QCOMPARE(o.value(u"labelled").toInteger(), 120);
        const QJsonArray methods = o.value(u"methods").toArray();
        QCOMPARE(methods.size(), 4);
        QStringList names;
        for (const QJsonValue &m : methods) {
            const QJsonObject row = m.toObject();
            names.append(row.value(u"method").toString());
            QCOMPARE(row.value(u"label").toObject().value(u"classes").toInt(), 2);
            QCOMPARE(row.value(u"label").toObject().value(u"samples").toInteger(), 120);
            QCOMPARE(row.value(u"order").toObject().value(u"samples").toInteger(), 240);
            QVERIFY(row.value(u"knn_chance").toDouble() == 0.5);
        }
        QCOMPARE(names,
                 (QStringList {QStringLiteral("mean"), QStringLiteral("sif"), QStringLiteral("pyramid"),
                               QStringLiteral("positional")}));
        const auto accuracy = [&](int m, const char *probeName) {
            return methods[m].toObject().value(QLatin1String(probeName)).toObject().value(u"accuracy").toDouble();
        };
        QVERIFY2(accuracy(0, "label") > 0.9, r.out.constData());
        QVERIFY2(methods[0].toObject().value(u"knn_agreement").toDouble() > 0.9, r.out.constData());
        QVERIFY2(std::abs(accuracy(0, "order") - 0.5) < 0.03, r.out.constData()); // a bag of words has no order
        QVERIFY2(accuracy(3, "order") > 0.65, r.out.constData());

        r = cli(probe);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *m : {"mean ", "sif ", "pyramid ", "positional "})
            QVERIFY2(r.out.contains(m), r.out.constData());
        QVERIFY2(r.out.contains("10-NN label (random)"), r.out.constData());

        QCOMPARE(cli({QStringLiteral("probe"), path, QStringLiteral("--dataset"), QStringLiteral("docs")}).exitCode, 1);
        QCOMPARE(cli({QStringLiteral("probe"), path, QStringLiteral("--dataset"), QStringLiteral("nope"),
                      QStringLiteral("--from"), QStringLiteral("docs/sgns")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("probe"), path, QStringLiteral("--dataset"), QStringLiteral("docs"),
                      QStringLiteral("--from"), QStringLiteral("nope")})
                     .exitCode,
                 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
