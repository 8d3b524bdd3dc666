// Sequence models through orrery-cli: embed --method seq2seq stores a checkpoint per epoch and
// the set, --resume goes on from a killed run, and bad options are refused before any work.
#include "testutil.h"

#include "pipeline/sequencemodels.h"
#include "store/embeddingsets.h"
#include "store/models.h"
#include "store/project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace orrery;
using namespace Qt::StringLiterals;

class TestSequenceModels final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;

    static QStringList embed(const QString &project, const QStringList &more)
    {
        return QStringList {u"embed"_s, project, u"--dataset"_s, u"synth"_s, u"--method"_s, u"seq2seq"_s} + more;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString corpus = m_dir.filePath(u"corpus"_s);
        m_project = m_dir.filePath(u"p.orrery"_s);
        test::Run r = test::cli({u"synth"_s, corpus, u"--playlists"_s, u"400"_s, u"--seed"_s, u"3"_s}, 60000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = test::cli({u"import"_s, m_project, corpus, u"--dataset"_s, u"synth"_s}, 60000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = test::cli({u"train"_s, m_project, u"--dataset"_s, u"synth"_s, u"--epochs"_s, u"5"_s, u"--dim"_s, u"16"_s},
                      60000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void badOptionsAreRefusedBeforeTraining_data()
    {
        QTest::addColumn<QStringList>("more");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no --from") << QStringList {} << u"--from SET"_s;
        QTest::newRow("matryoshka descending")
            << QStringList {u"--from"_s, u"synth/sgns"_s, u"--matryoshka"_s, u"16,8"_s} << u"ascending"_s;
        QTest::newRow("matryoshka past the vector")
            << QStringList {u"--from"_s, u"synth/sgns"_s, u"--hidden"_s, u"16"_s, u"--matryoshka"_s, u"8,32"_s}
            << u"(16 here)"_s;
        QTest::newRow("resume with --hidden") << QStringList {u"--resume"_s, u"--hidden"_s, u"8"_s} << u"fixed by"_s;
        QTest::newRow("resume with --from")
            << QStringList {u"--resume"_s, u"--from"_s, u"synth/sgns"_s} << u"leave out --from"_s;
        QTest::newRow("resume without a model")
            << QStringList {u"--resume"_s, u"--name"_s, u"none"_s} << u"no trained model named \"none\""_s;
        QTest::newRow("hidden out of range")
            << QStringList {u"--from"_s, u"synth/sgns"_s, u"--hidden"_s, u"0"_s} << u"--hidden expects"_s;
        QTest::newRow("--model with --from")
            << QStringList {u"--model"_s, u"s2s"_s, u"--from"_s, u"synth/sgns"_s} << u"neither --from"_s;
        QTest::newRow("--model with --epochs")
            << QStringList {u"--model"_s, u"s2s"_s, u"--epochs"_s, u"3"_s} << u"training option"_s;
        QTest::newRow("unknown item set") << QStringList {u"--from"_s, u"nope"_s} << u"nope"_s;
    }

    void badOptionsAreRefusedBeforeTraining()
    {
        QFETCH(QStringList, more);
        QFETCH(QString, expected);
        const auto fingerprint = [this] {
            Project project(m_project);
            return test::fingerprint(project);
        };
        const QByteArray before = fingerprint();
        const test::Run r = test::cli(embed(m_project, more), 30000);
        QVERIFY(r.exitCode == 1 || r.exitCode == 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
        QCOMPARE(fingerprint(), before);
    }

    void trainsStoresAndResumes()
    {
        const QStringList args {u"--from"_s,       u"synth/sgns"_s, u"--hidden"_s, u"16"_s,  u"--epochs"_s, u"2"_s,
                                u"--matryoshka"_s, u"4,16"_s,       u"--name"_s,   u"s2s"_s, u"--json"_s};
        test::Run r = test::cli(embed(m_project, args), 120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QString::fromUtf8(r.err).count(u"(checkpoint stored)"_s), 2);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(u"rows").toInt(), 400);
        QCOMPARE(o.value(u"dim").toInt(), 16);
        QCOMPARE(o.value(u"params").toObject().value(u"matryoshka").toArray(), (QJsonArray {4, 16}));
        QCOMPARE(o.value(u"stats").toObject().value(u"epoch_loss").toArray().size(), 2);
        // The name is taken now: a fresh run must say so rather than overwrite.
        r = test::cli(embed(m_project, {u"--from"_s, u"synth/sgns"_s, u"--name"_s, u"s2s"_s}), 30000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("exists already"), r.err.constData());

        r = test::cli(embed(m_project, {u"--resume"_s, u"--name"_s, u"s2s"_s, u"--epochs"_s, u"3"_s, u"--json"_s}),
                      120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QString::fromUtf8(r.err).count(u"(checkpoint stored)"_s), 1);
        const QJsonObject resumed = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(resumed.value(u"stats").toObject().value(u"epoch_loss").toArray().size(), 3);
        QCOMPARE(resumed.value(u"params").toObject().value(u"from").toString(), u"synth/sgns"_s);
        Project project(m_project);
        const Seq2seqModel model = loadSeq2seq(project, u"s2s"_s);
        QCOMPARE(model.epochsDone, 3);
        QCOMPARE(model.vectorDim(), 16);
        QCOMPARE(loadEmbeddingSet(project, u"s2s"_s).count(), qint64(400));
    }

    void aStoredModelEncodesAnotherDataset()
    {
        // The same playlists imported again as a second dataset: encoding them with the trained
        // model must give the very vectors training stored.
        const QString again = m_dir.filePath(u"corpus"_s);
        test::Run r = test::cli({u"import"_s, m_project, again, u"--dataset"_s, u"again"_s}, 60000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = test::cli({u"embed"_s, m_project, u"--dataset"_s, u"again"_s, u"--method"_s, u"seq2seq"_s, u"--model"_s,
                       u"s2s"_s, u"--name"_s, u"again/s2s"_s},
                      60000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        Project project(m_project);
        const EmbeddingSet trained = loadEmbeddingSet(project, u"s2s"_s);
        const EmbeddingSet encoded = loadEmbeddingSet(project, u"again/s2s"_s);
        QCOMPARE(encoded.count(), trained.count());
        QCOMPARE(encoded.params.value(u"model").toString(), u"s2s"_s);
        // Same playlists in the same order (the second import reuses the items).
        for (qint64 i = 0; i < trained.count(); ++i)
            for (int d = 0; d < trained.dim; ++d)
                QCOMPARE(encoded.row(i)[size_t(d)], trained.row(i)[size_t(d)]);
    }

    void probeComparesTheModelsAndTheirPrefixes()
    {
        test::Run r = test::cli({u"embed"_s, m_project, u"--dataset"_s, u"synth"_s, u"--method"_s, u"pvdbow"_s,
                                 u"--epochs"_s, u"5"_s, u"--json"_s},
                                60000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"method").toString(), u"pvdbow"_s);
        r = test::cli({u"probe"_s, m_project, u"--dataset"_s, u"synth"_s, u"--from"_s, u"synth/sgns"_s, u"--methods"_s,
                       u"mean"_s, u"--models"_s, u"s2s,synth/pvdbow"_s, u"--folds"_s, u"3"_s, u"--json"_s},
                      120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList names;
        for (const QJsonValue row : QJsonDocument::fromJson(r.out).object().value(u"methods").toArray()) {
            names.append(row.toObject().value(u"name").toString());
            QCOMPARE(row.toObject().value(u"collapse").toArray().size(), 3);
        }
        // s2s was trained with --matryoshka 4,16: its 4-dimension prefix is a row of its own.
        QCOMPARE(names, (QStringList {u"mean"_s, u"s2s@4"_s, u"s2s"_s, u"synth/pvdbow"_s}));
        r = test::cli({u"probe"_s, m_project, u"--dataset"_s, u"synth"_s, u"--from"_s, u"synth/sgns"_s, u"--models"_s,
                       u"nothing"_s},
                      30000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no trained model named \"nothing\""), r.err.constData());
    }

    void aKilledRunResumesFromItsLastEpoch()
    {
        QProcess p;
        p.start(QString::fromUtf8(ORRERY_CLI),
                embed(m_project,
                      {u"--from"_s, u"synth/sgns"_s, u"--hidden"_s, u"16"_s, u"--epochs"_s, u"200"_s, u"--name"_s,
                       u"killed"_s}));
        QVERIFY(p.waitForStarted());
        // Kill it once a checkpoint is stored, as a crash or a closed terminal would.
        QElapsedTimer clock;
        clock.start();
        while (!p.readAllStandardError().contains("(checkpoint stored)") && clock.elapsed() < 60000)
            p.waitForReadyRead(100);
        p.kill();
        p.waitForFinished();
        int epochs = 0;
        {
            Project project(m_project);
            const Seq2seqModel model = loadSeq2seq(project, u"killed"_s);
            epochs = model.epochsDone;
            QVERIFY(epochs >= 1 && epochs < 200);
            for (const EmbeddingSetInfo &s : project.embeddingSets())
                QVERIFY2(s.name != u"killed", "a killed run stored its set");
        }
        const test::Run r = test::cli(
            embed(m_project, {u"--resume"_s, u"--name"_s, u"killed"_s, u"--epochs"_s, QString::number(epochs + 1)}),
            120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        Project project(m_project);
        QCOMPARE(loadSeq2seq(project, u"killed"_s).epochsDone, epochs + 1);
        QCOMPARE(loadEmbeddingSet(project, u"killed"_s).count(), qint64(400));
    }
};

QTEST_GUILESS_MAIN(TestSequenceModels)
#include "tst_sequencemodels.moc"
