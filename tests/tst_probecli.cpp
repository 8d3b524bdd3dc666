// orrery-cli probe on a generated MPD-schema corpus, labelled by genre through synth --track-genres.
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace orrery;

namespace {

using test::Run;

Run cli(const QStringList &args)
{
    return test::cli(args, 120000);
}

QJsonObject rows0(const QJsonObject &report)
{
    return report.value(u"methods").toArray().first().toObject();
}

} // namespace

class TestProbeCli final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("p.orrery"));
        m_genres = m_dir.filePath(QStringLiteral("track_genres.tsv"));
        const QString corpus = m_dir.filePath(QStringLiteral("synth"));
        Run r = cli({QStringLiteral("synth"), corpus, QStringLiteral("--playlists"), QStringLiteral("600"),
                     QStringLiteral("--genres"), QStringLiteral("6"), QStringLiteral("--track-genres"), m_genres});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // The folder stays importable as it is: the genres file is beside it, not in it.
        r = cli({QStringLiteral("import"), m_project, corpus, QStringLiteral("--dataset"), QStringLiteral("synth")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli({QStringLiteral("train"), m_project, QStringLiteral("--dataset"), QStringLiteral("synth"),
                 QStringLiteral("--dim"), QStringLiteral("16"), QStringLiteral("--epochs"), QStringLiteral("5"),
                 QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("sgns")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void trackGenresInsideTheCorpusFolderIsRefused()
    {
        const QString corpus = m_dir.filePath(QStringLiteral("other"));
        const Run r = cli({QStringLiteral("synth"), corpus, QStringLiteral("--playlists"), QStringLiteral("10"),
                           QStringLiteral("--track-genres"), corpus + QStringLiteral("/g.tsv")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("inside OUT_DIR"), r.err.constData());
        QVERIFY(!QFileInfo::exists(corpus));
    }

    void probeByGenre()
    {
        const Run r = cli({QStringLiteral("probe"), m_project, QStringLiteral("--dataset"), QStringLiteral("synth"),
                           QStringLiteral("--from"), QStringLiteral("sgns"), QStringLiteral("--labels"), m_genres,
                           QStringLiteral("--methods"), QStringLiteral("mean,sif"), QStringLiteral("--sample"),
                           QStringLiteral("300"), QStringLiteral("--folds"), QStringLiteral("3"),
                           QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(u"label_kind").toString(), QStringLiteral("majority label"));
        QCOMPARE(o.value(u"sequences").toInteger(), 300);
        QCOMPARE(o.value(u"labelled").toInteger(), 300);
        QVERIFY(o.value(u"labelled_items").toInteger() > 1000);
        const QJsonArray bins = o.value(u"length_bins").toArray();
        QCOMPARE(bins.size(), 3);
        qint64 sequences = 0;
        for (qsizetype b = 0; b < bins.size(); ++b) {
            const QJsonObject bin = bins[b].toObject();
            QVERIFY(bin.value(u"min_length").toInteger() <= bin.value(u"max_length").toInteger());
            if (b > 0)
                QVERIFY(bin.value(u"min_length").toInteger() > bins[b - 1].toObject().value(u"max_length").toInteger());
            sequences += bin.value(u"sequences").toInteger();
        }
        QCOMPARE(sequences, 300);
        // Mean pooling over more tracks lies nearer the catalogue's mean: long playlists crowd together.
        const QJsonArray meanCollapse = rows0(o).value(u"collapse").toArray();
        QVERIFY2(meanCollapse[2].toDouble() > meanCollapse[0].toDouble(), r.out.constData());
        const QJsonArray rows = o.value(u"methods").toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].toObject().value(u"name").toString(), QStringLiteral("mean"));
        QCOMPARE(rows[1].toObject().value(u"name").toString(), QStringLiteral("sif"));
        for (const QJsonValue &v : rows) {
            const QJsonObject row = v.toObject();
            QCOMPARE(row.value(u"prefix").toInt(), 0);
            QCOMPARE(row.value(u"collapse").toArray().size(), 3);
            QCOMPARE(row.value(u"label").toObject().value(u"classes").toInt(), 6);
            // A playlist draws most of its tracks from one or two genres: its vector shows it.
            QVERIFY2(row.value(u"label").toObject().value(u"accuracy").toDouble()
                         > row.value(u"label").toObject().value(u"chance").toDouble() + 0.15,
                     r.out.constData());
            QVERIFY2(row.value(u"knn_agreement").toDouble() > row.value(u"knn_chance").toDouble() + 0.1,
                     r.out.constData());
            QVERIFY(std::abs(row.value(u"knn_length_chance").toDouble() - 1.0 / 3) < 0.02);
        }
    }

    void probeTableShowsTheNewColumns()
    {
        const Run r = cli({QStringLiteral("probe"), m_project, QStringLiteral("--dataset"), QStringLiteral("synth"),
                           QStringLiteral("--from"), QStringLiteral("sgns"), QStringLiteral("--labels"), m_genres,
                           QStringLiteral("--methods"), QStringLiteral("mean"), QStringLiteral("--sample"),
                           QStringLiteral("200"), QStringLiteral("--folds"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *text : {"10-NN majority label (random)", "10-NN length bin (random)",
                                 "Collapse:", "Length bins by quantiles: ", "of the dataset's items have a label"})
            QVERIFY2(r.out.contains(text), r.out.constData());
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QByteArray>("labelsText");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("unknown method") << QStringList {QStringLiteral("--methods"), QStringLiteral("mean,median")}
                                        << QByteArray() << 1 << QByteArray("unknown pooling method \"median\"");
        QTest::newRow("malformed labels")
            << QStringList() << QByteArray("spotify:track:x\trock\nspotify:track:y\n") << 2 << QByteArray(".tsv:2:");
        QTest::newRow("labels naming no item")
            << QStringList() << QByteArray("a\trock\nb\tjazz\n") << 2 << QByteArray("none of the 2 item keys");
    }

    void badArguments()
    {
        QFETCH(QStringList, extra);
        QFETCH(QByteArray, labelsText);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, message);
        QStringList args {QStringLiteral("probe"),     m_project,
                          QStringLiteral("--dataset"), QStringLiteral("synth"),
                          QStringLiteral("--from"),    QStringLiteral("sgns"),
                          QStringLiteral("--sample"),  QStringLiteral("100")};
        if (!labelsText.isEmpty()) {
            const QString path = m_dir.filePath(QStringLiteral("bad.tsv"));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(labelsText);
            f.close();
            args << QStringLiteral("--labels") << path;
        }
        const Run r = cli(args + extra);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

private:
    QTemporaryDir m_dir;
    QString m_project;
    QString m_genres;
};

QTEST_GUILESS_MAIN(TestProbeCli)
#include "tst_probecli.moc"
