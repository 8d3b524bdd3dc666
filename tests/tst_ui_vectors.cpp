// Compute Vectors in the window: the dialog's fields follow the method and the stored models,
// pooling and seq2seq run as jobs that store their set (and the model's checkpoint), progress
// names each epoch's loss, a cancel stops training within 200 ms leaving the checkpoint, and
// training resumes from it.

#include "datasetdock.h"
#include "datasetmodel.h"
#include "jobrunner.h"
#include "mainwindow.h"
#include "mappage.h"
#include "projectsession.h"
#include "scatterview.h"
#include "vectorsdialog.h"
#include "vectorsjob.h"

#include "base/random.h"
#include "embed/sgns.h"
#include "embed/sgnsset.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/modelheaders.h"
#include "store/models.h"
#include "store/project.h"
#include "testutil.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace orrery;
using namespace orrery::ui;

namespace {

const QString datasetName = QStringLiteral("mix");
const QString itemSet = QStringLiteral("mix/sgns");
constexpr int Playlists = 80;

bool hasSet(Project &project, const QString &name)
{
    const QList<EmbeddingSetInfo> sets = project.embeddingSets();
    return std::any_of(sets.begin(), sets.end(), [&](const EmbeddingSetInfo &s) { return s.name == name; });
}

} // namespace

class TestUiVectors final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void prefixes_data();
    void prefixes();
    void fieldsFollowTheMethod();
    void resumeOnlyWithAStoredModel();
    void poolFromTheWindow();
    void trainSeq2seq();
    void trainPvdbow();
    void cancelKeepsTheCheckpoint();
    void yesSmall();

private:
    QString copyOfProject(const QString &name);
    /// Waits for the job's end; the `ended` arguments of the last one.
    static bool waitEnded(QSignalSpy &ended, int timeoutMs);
    void shot(QWidget *widget, const QString &name);
    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_datasetId = 0;
};

void TestUiVectors::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // 80 playlists over 4 genres of 10 songs: each mostly from one genre, in a genre's order.
    const QString folder = m_dir.filePath(datasetName);
    Random random(7);
    for (int p = 0; p < Playlists; ++p) {
        const int genre = p % 4;
        QByteArray m3u = "#EXTM3U\n";
        const int length = 6 + int(random.below(5));
        for (int i = 0; i < length; ++i) {
            const int g = random.below(10) < 8 ? genre : int(random.below(4));
            const int song = g * 10 + int(random.below(10));
            m3u += QStringLiteral("#EXTINF:200,Artist %1 - Song %2\n/music/g%1/s%2.mp3\n").arg(g).arg(song).toUtf8();
        }
        test::writeFile(QStringLiteral("%1/p%2.m3u").arg(folder).arg(p, 3, 10, QLatin1Char('0')), m3u);
    }
    m_project = m_dir.filePath(QStringLiteral("template.orrery"));
    Project project(m_project);
    io::ImportOptions options;
    options.dataset = datasetName;
    const io::ImportResult imported = test::importInto(project, {folder}, options);
    QCOMPARE(imported.stats.sequences, qint64(Playlists));
    m_datasetId = project.datasetId(datasetName);
    QVERIFY(m_datasetId);
    // Item vectors as `orrery-cli train` makes them, small and quick.
    JobContext job;
    const Corpus corpus = loadCorpus(project, m_datasetId, job);
    SgnsOptions sgns = SgnsOptions::forPlaylists();
    sgns.dim = 12;
    sgns.epochs = 3;
    sgns.minCount = 1;
    sgns.threads = 1;
    EmbeddingSet set = sgnsEmbeddingSet(project, trainSgns(corpus, sgns, job), sgns);
    set.name = itemSet;
    set.datasetId = m_datasetId;
    saveEmbeddingSet(project, set);
    QCOMPARE(set.count(), qint64(40));
}

QString TestUiVectors::copyOfProject(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    return QFile::copy(m_project, path) ? path : QString();
}

bool TestUiVectors::waitEnded(QSignalSpy &ended, int timeoutMs)
{
    return ended.wait(timeoutMs) || !ended.isEmpty();
}

void TestUiVectors::shot(QWidget *widget, const QString &name)
{
    // ORRERY_SCREENSHOTS=folder keeps pictures of the dialog and the window to look at.
    const QString folder = qEnvironmentVariable("ORRERY_SCREENSHOTS");
    if (!folder.isEmpty())
        widget->grab().save(QDir(folder).filePath(name + QStringLiteral(".png")));
}

void TestUiVectors::prefixes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("max");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty: the whole vector") << QString() << 64 << true << QString();
    QTest::newRow("ascending") << QStringLiteral("8,16, 32 ,64") << 64 << true << QStringLiteral("8 16 32 64");
    QTest::newRow("one") << QStringLiteral("4") << 8 << true << QStringLiteral("4");
    QTest::newRow("too long") << QStringLiteral("8,16,128") << 64 << false << QStringLiteral("outside 1 to 64");
    QTest::newRow("zero") << QStringLiteral("0,8") << 64 << false << QStringLiteral("outside");
    QTest::newRow("descending") << QStringLiteral("16,8") << 64 << false << QStringLiteral("must ascend");
    QTest::newRow("repeated") << QStringLiteral("8,8") << 64 << false << QStringLiteral("must ascend");
    QTest::newRow("not a number") << QStringLiteral("8,x") << 64 << false << QStringLiteral("\"x\"");
    QTest::newRow("trailing comma") << QStringLiteral("8,") << 64 << false << QStringLiteral("whole number");
}

void TestUiVectors::prefixes()
{
    QFETCH(QString, text);
    QFETCH(int, max);
    QFETCH(bool, ok);
    QFETCH(QString, expected);
    std::vector<int> out {99};
    QString why;
    QCOMPARE(parsePrefixes(text, max, &out, &why), ok);
    if (ok) {
        QStringList got;
        for (const int p : out)
            got.append(QString::number(p));
        QCOMPARE(got.join(u' '), expected);
    } else {
        QVERIFY(out.empty());
        QVERIFY2(why.contains(expected), qPrintable(why));
    }
}

void TestUiVectors::fieldsFollowTheMethod()
{
    Project project(m_project);
    VectorsDialog dialog(project, m_datasetId);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // Every method of the table is offered, pooling first, with a tooltip saying what it does.
    QComboBox *method = dialog.methodCombo();
    const QList<VectorMethod> methods = vectorMethods();
    QCOMPARE(method->count(), methods.size());
    for (int i = 0; i < method->count(); ++i) {
        QCOMPARE(method->itemData(i).toString(), methods[i].id);
        QVERIFY(!method->itemData(i, Qt::ToolTipRole).toString().isEmpty());
    }
    QStringList ids;
    for (const VectorMethod &m : methods)
        ids.append(m.id);
    QCOMPARE(ids,
             (QStringList {QStringLiteral("mean"), QStringLiteral("sif"), QStringLiteral("pyramid"),
                           QStringLiteral("positional"), QStringLiteral("seq2seq"), QStringLiteral("pvdbow")}));

    // Pooling: the dataset, its item2vec vectors, the default name; no training options.
    QCOMPARE(dialog.datasetCombo()->currentText(), datasetName);
    QCOMPARE(method->currentData().toString(), QStringLiteral("mean"));
    QCOMPARE(dialog.fromCombo()->currentData().toString(), itemSet);
    QCOMPARE(dialog.nameEdit()->placeholderText(), QStringLiteral("mix/mean"));
    QVERIFY(!dialog.seq2seqBox()->isVisible());
    QVERIFY(dialog.computeButton()->isEnabled());
    const int poolingHeight = dialog.height();
    VectorsRequest r = dialog.request();
    QCOMPARE(r.datasetId, m_datasetId);
    QCOMPARE(r.setName, QStringLiteral("mix/mean"));
    QCOMPARE(r.from, itemSet);
    QVERIFY(!r.trained());
    QVERIFY(r.embedStep().pooling == PoolingMethod::Mean);
    shot(&dialog, QStringLiteral("vectors-dialog-pooling"));

    method->setCurrentIndex(method->findData(QStringLiteral("sif")));
    QCOMPARE(dialog.nameEdit()->placeholderText(), QStringLiteral("mix/sif"));
    QVERIFY(dialog.request().embedStep().pooling == PoolingMethod::Sif);
    QVERIFY(!dialog.seq2seqBox()->isVisible());

    // seq2seq: its options appear; nothing is stored under its name, so there is nothing to resume.
    method->setCurrentIndex(method->findData(QStringLiteral("seq2seq")));
    QVERIFY(dialog.seq2seqBox()->isVisible());
    QTRY_VERIFY(dialog.height() > poolingHeight + 100); // grown to show them
    QCOMPARE(dialog.nameEdit()->placeholderText(), QStringLiteral("mix/seq2seq"));
    QVERIFY(!dialog.resumeCheck()->isEnabled());
    QVERIFY(dialog.hiddenSpin()->isEnabled());
    QCOMPARE(dialog.computeButton()->text(), QStringLiteral("Train"));
    dialog.hiddenSpin()->setValue(16);
    dialog.bidirectionalCheck()->setChecked(true);
    dialog.epochsSpin()->setValue(3);
    dialog.matryoshkaEdit()->setText(QStringLiteral("8,16,32"));
    QVERIFY(dialog.computeButton()->isEnabled());
    r = dialog.request();
    QVERIFY(r.trained());
    const SequenceModelRequest s = r.sequenceRequest();
    QCOMPARE(s.method, QStringLiteral("seq2seq"));
    QCOMPARE(s.from, itemSet);
    QCOMPARE(s.seq2seq.hidden, 16);
    QVERIFY(s.seq2seq.bidirectional);
    QCOMPARE(s.seq2seq.epochs, 3);
    QCOMPARE(s.seq2seq.matryoshka, (std::vector<int> {8, 16, 32}));
    QVERIFY(!s.resume);
    QVERIFY(!s.replace);
    shot(&dialog, QStringLiteral("vectors-dialog-seq2seq"));
    // 32 exceeds the vector once it is one-directional: the button waits for a valid list.
    dialog.bidirectionalCheck()->setChecked(false);
    QVERIFY(!dialog.computeButton()->isEnabled());
    QVERIFY(dialog.noteLabel()->isVisible());
    QVERIFY2(dialog.noteLabel()->text().contains(QStringLiteral("outside 1 to 16")),
             qPrintable(dialog.noteLabel()->text()));
    dialog.matryoshkaEdit()->setText(QStringLiteral("4,8,16"));
    QVERIFY(dialog.computeButton()->isEnabled());
    QVERIFY(!dialog.noteLabel()->isVisible());

    // Back to pooling: the training options go away again; a typed name is kept.
    dialog.nameEdit()->setText(QStringLiteral("mine"));
    method->setCurrentIndex(method->findData(QStringLiteral("positional")));
    QVERIFY(!dialog.seq2seqBox()->isVisible());
    QTRY_VERIFY(dialog.height() < poolingHeight + 20); // shrunk again
    QCOMPARE(dialog.request().setName, QStringLiteral("mine"));
    // Storing over the item vectors' own name is allowed but said.
    dialog.nameEdit()->setText(itemSet);
    QVERIFY(dialog.noteLabel()->isVisible());
    QVERIFY(dialog.noteLabel()->text().contains(QStringLiteral("replaces")));
    QVERIFY(dialog.request().replace);
    // The dialog fits a small screen.
    QVERIFY2(dialog.sizeHint().width() <= 900, qPrintable(QString::number(dialog.sizeHint().width())));
}

void TestUiVectors::resumeOnlyWithAStoredModel()
{
    const QString path = copyOfProject(QStringLiteral("resume.orrery"));
    QVERIFY(!path.isEmpty());
    Project project(path);
    // A model stored after 2 of 6 epochs (as a cancelled run leaves it), and one of another method.
    StoredModel stored;
    stored.name = QStringLiteral("mix/seq2seq");
    stored.datasetId = m_datasetId;
    stored.method = QStringLiteral("seq2seq");
    Seq2seqOptions o;
    o.hidden = 10;
    o.bidirectional = true;
    o.matryoshka = {5, 10, 20};
    o.epochs = 6;
    stored.params = seq2seqParams(o);
    stored.params.insert(QStringLiteral("from"), itemSet);
    stored.stats = {{QStringLiteral("epochs_done"), 2}, {QStringLiteral("epoch_loss"), QJsonArray {5.5, 4.25}}};
    stored.state = QByteArray(100, 'x');
    saveModel(project, stored);
    StoredModel other = stored;
    other.name = QStringLiteral("other");
    other.method = QStringLiteral("pvdbow");
    saveModel(project, other);
    const std::optional<StoredModel> header = loadModelHeader(project, stored.name);
    QVERIFY(header);
    QVERIFY(header->state.isEmpty());
    QCOMPARE(epochsDone(*header), 2);
    QVERIFY(!loadModelHeader(project, QStringLiteral("none")));

    VectorsDialog dialog(project, m_datasetId);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QComboBox *method = dialog.methodCombo();
    QVERIFY(!dialog.resumeCheck()->isEnabled()); // pooling
    method->setCurrentIndex(method->findData(QStringLiteral("seq2seq")));
    QVERIFY(dialog.resumeCheck()->isEnabled());
    QVERIFY2(dialog.resumeCheck()->text().contains(QStringLiteral("2 of 6 epochs done")),
             qPrintable(dialog.resumeCheck()->text()));
    QVERIFY(dialog.noteLabel()->text().contains(QStringLiteral("Resume")));
    QVERIFY(dialog.request().replace); // training afresh replaces it
    dialog.hiddenSpin()->setValue(32);
    dialog.matryoshkaEdit()->setText(QStringLiteral("8"));

    // Resuming shows the model's own fixed options, locked, and trains on to its epochs.
    dialog.resumeCheck()->setChecked(true);
    QCOMPARE(dialog.hiddenSpin()->value(), 10);
    QVERIFY(!dialog.hiddenSpin()->isEnabled());
    QVERIFY(dialog.bidirectionalCheck()->isChecked());
    QVERIFY(!dialog.bidirectionalCheck()->isEnabled());
    QCOMPARE(dialog.matryoshkaEdit()->text(), QStringLiteral("5,10,20"));
    QVERIFY(!dialog.matryoshkaEdit()->isEnabled());
    QVERIFY(!dialog.fromCombo()->isEnabled());
    QCOMPARE(dialog.fromCombo()->currentData().toString(), itemSet);
    QVERIFY(dialog.epochsSpin()->isEnabled());
    QCOMPARE(dialog.epochsSpin()->minimum(), 3);
    QCOMPARE(dialog.epochsSpin()->value(), 6);
    QCOMPARE(dialog.computeButton()->text(), QStringLiteral("Resume"));
    QVERIFY2(dialog.noteLabel()->text().contains(QStringLiteral("epochs 3 to 6")),
             qPrintable(dialog.noteLabel()->text()));
    shot(&dialog, QStringLiteral("vectors-dialog-resume"));
    VectorsRequest r = dialog.request();
    QVERIFY(r.resume);
    QVERIFY(!r.replace);
    QVERIFY(r.sequenceRequest().resume);
    QVERIFY(r.sequenceRequest().from.isEmpty()); // the model knows its item vectors
    QCOMPARE(r.sequenceRequest().seq2seq.epochs, 6);

    // Unticked: the user's own choices come back.
    dialog.resumeCheck()->setChecked(false);
    QCOMPARE(dialog.hiddenSpin()->value(), 32);
    QVERIFY(dialog.hiddenSpin()->isEnabled());
    QCOMPARE(dialog.matryoshkaEdit()->text(), QStringLiteral("8"));
    QVERIFY(!dialog.bidirectionalCheck()->isChecked());
    QCOMPARE(dialog.epochsSpin()->minimum(), 1);

    // Another name (no model), or a model of another method: nothing to resume.
    dialog.resumeCheck()->setChecked(true);
    dialog.nameEdit()->setText(QStringLiteral("fresh"));
    QVERIFY(!dialog.resumeCheck()->isEnabled());
    QVERIFY(!dialog.resumeCheck()->isChecked());
    QVERIFY(!dialog.request().resume);
    QCOMPARE(dialog.hiddenSpin()->value(), 32);
    dialog.nameEdit()->setText(QStringLiteral("other"));
    QVERIFY(!dialog.resumeCheck()->isEnabled());
    dialog.nameEdit()->clear();
    QVERIFY(dialog.resumeCheck()->isEnabled());
}

void TestUiVectors::poolFromTheWindow()
{
    const QString path = copyOfProject(QStringLiteral("pool.orrery"));
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(window.openProject(path));
    QVERIFY(window.datasets()->selectDataset(datasetName));
    // Reached from the Map menu and the datasets' context menu.
    const auto computeVectors = [](const QList<QAction *> &actions) {
        return std::find_if(actions.begin(), actions.end(),
                            [](QAction *a) { return a->text() == QStringLiteral("Compute &Vectors…"); });
    };
    QList<QAction *> menuActions;
    for (QAction *menu : window.menuBar()->actions())
        if (menu->menu() && menu->text() == QStringLiteral("&Map"))
            menuActions = menu->menu()->actions();
    const auto inMenu = computeVectors(menuActions);
    QVERIFY(inMenu != menuActions.end());
    QVERIFY((*inMenu)->isEnabled());
    const QList<QAction *> dockActions = window.datasets()->view()->actions();
    QVERIFY(computeVectors(dockActions) != dockActions.end());
    VectorsJob *vectors = window.vectorsJob();
    QSignalSpy ended(vectors, &VectorsJob::ended);
    QSignalSpy stored(vectors, &VectorsJob::stored);

    VectorsRequest r;
    {
        VectorsDialog dialog(*window.session()->project(), window.session()->datasetId(), &window);
        dialog.methodCombo()->setCurrentIndex(dialog.methodCombo()->findData(QStringLiteral("pyramid")));
        r = dialog.request();
    }
    QCOMPARE(r.setName, QStringLiteral("mix/pyramid"));
    QVERIFY(vectors->start(r));
    QVERIFY(vectors->jobOf(r.setName));
    QVERIFY(waitEnded(ended, 20000));
    QCOMPARE(ended.last().at(1).toBool(), true);
    QCOMPARE(stored.size(), 1);
    QVERIFY(!vectors->jobOf(r.setName));
    {
        Project project(path);
        const EmbeddingSet set = loadEmbeddingSet(project, r.setName);
        QCOMPARE(set.method, QStringLiteral("pyramid"));
        QCOMPARE(set.count(), qint64(Playlists));
        QCOMPARE(set.dim, 7 * 12); // means of 1, 2 and 4 segments
        QCOMPARE(set.params.value(QStringLiteral("from")).toString(), itemSet);
    }
    // Listed under Datasets, chosen, and laid out on the map.
    QVERIFY(window.datasets()->model()->indexOfSet(r.setName).isValid());
    QCOMPARE(window.session()->set(), r.setName);
    ScatterView *view = window.map()->view();
    QTRY_COMPARE_WITH_TIMEOUT(view->pointCount(), qint64(Playlists), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.map()->setName(), r.setName, 10000);

    // A request with no item vectors does not start.
    VectorsRequest bad = r;
    bad.from.clear();
    QVERIFY(!vectors->start(bad));
}

void TestUiVectors::trainPvdbow()
{
    const QString path = copyOfProject(QStringLiteral("pvdbow.orrery"));
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(window.openProject(path));
    VectorsJob *vectors = window.vectorsJob();
    QSignalSpy ended(vectors, &VectorsJob::ended);
    VectorsRequest r;
    {
        VectorsDialog dialog(*window.session()->project(), window.session()->datasetId(), &window);
        dialog.methodCombo()->setCurrentIndex(dialog.methodCombo()->findData(QStringLiteral("pvdbow")));
        dialog.showCheck()->setChecked(false);
        r = dialog.request();
    }
    QVERIFY(r.trained());
    QVERIFY(vectors->start(r));
    QVERIFY(waitEnded(ended, 30000));
    QVERIFY2(ended.last().at(1).toBool(), qPrintable(ended.last().at(3).toString()));
    {
        Project project(path);
        const EmbeddingSet set = loadEmbeddingSet(project, r.setName);
        QCOMPARE(set.method, QStringLiteral("pvdbow"));
        QCOMPARE(set.count(), qint64(Playlists));
        QCOMPARE(set.dim, PvdbowOptions::forPlaylists().dim);
        const std::optional<StoredModel> model = loadModelHeader(project, r.setName);
        QVERIFY(model);
        QCOMPARE(model->method, QStringLiteral("pvdbow"));
    }
    // PV-DBOW trains in one run: its stored model is never offered for resuming.
    VectorsDialog again(*window.session()->project(), window.session()->datasetId(), &window);
    again.methodCombo()->setCurrentIndex(again.methodCombo()->findData(QStringLiteral("pvdbow")));
    QVERIFY(!again.resumeCheck()->isEnabled());
}

void TestUiVectors::trainSeq2seq()
{
    const QString path = copyOfProject(QStringLiteral("seq2seq.orrery"));
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(window.openProject(path));
    VectorsJob *vectors = window.vectorsJob();
    QSignalSpy ended(vectors, &VectorsJob::ended);
    QSignalSpy epochs(vectors, &VectorsJob::epochFinished);

    VectorsRequest r;
    {
        VectorsDialog dialog(*window.session()->project(), window.session()->datasetId(), &window);
        dialog.methodCombo()->setCurrentIndex(dialog.methodCombo()->findData(QStringLiteral("seq2seq")));
        dialog.hiddenSpin()->setValue(8);
        dialog.epochsSpin()->setValue(2);
        dialog.matryoshkaEdit()->setText(QStringLiteral("4,8"));
        dialog.showCheck()->setChecked(false);
        r = dialog.request();
    }
    QVERIFY(r.trained());
    QVERIFY(vectors->start(r));
    QVERIFY(waitEnded(ended, 30000));
    QVERIFY2(ended.last().at(1).toBool(), qPrintable(ended.last().at(3).toString()));
    QVERIFY2(ended.last().at(3).toString().contains(QStringLiteral("after 2 epochs")),
             qPrintable(ended.last().at(3).toString()));
    // Each epoch's end is reported with its loss (the runner coalesces the progress of epochs this
    // short, so the loss within an epoch is checked on the long run below).
    QVERIFY(!epochs.isEmpty());
    QCOMPARE(epochs.last().at(1).toInt(), 2);
    QCOMPARE(epochs.last().at(2).toInt(), 2);
    QVERIFY(epochs.last().at(3).toDouble() > 0);
    {
        Project project(path);
        const EmbeddingSet set = loadEmbeddingSet(project, r.setName);
        QCOMPARE(set.method, QStringLiteral("seq2seq"));
        QCOMPARE(set.count(), qint64(Playlists));
        QCOMPARE(set.dim, 8);
        const std::optional<StoredModel> model = loadModelHeader(project, r.setName);
        QVERIFY(model);
        QCOMPARE(model->method, QStringLiteral("seq2seq"));
        QCOMPARE(epochsDone(*model), 2);
        QCOMPARE(model->params.value(QStringLiteral("from")).toString(), itemSet);
    }
    // Listed, but the map stays where it was (show was off).
    QVERIFY(window.datasets()->model()->indexOfSet(r.setName).isValid());
    QVERIFY(window.session()->set() != r.setName);
}

void TestUiVectors::cancelKeepsTheCheckpoint()
{
    ORRERY_TIMING_TEST(cancelKeepsTheCheckpoint);
    const QString path = copyOfProject(QStringLiteral("cancel.orrery"));
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(window.openProject(path));
    JobRunner *runner = window.jobRunner();
    VectorsJob *vectors = window.vectorsJob();
    QSignalSpy ended(vectors, &VectorsJob::ended);
    QSignalSpy epochs(vectors, &VectorsJob::epochFinished);

    VectorsRequest r;
    {
        VectorsDialog dialog(*window.session()->project(), window.session()->datasetId(), &window);
        dialog.methodCombo()->setCurrentIndex(dialog.methodCombo()->findData(QStringLiteral("seq2seq")));
        dialog.hiddenSpin()->setValue(12);
        dialog.epochsSpin()->setValue(100000);
        r = dialog.request();
    }
    QVERIFY(vectors->start(r));
    const JobId id = vectors->jobOf(r.setName);
    QVERIFY(id);
    QVERIFY(!vectors->start(r)); // one run per name at a time
    QCOMPARE(vectors->jobOf(r.setName), id);
    // Once a checkpoint is stored, cancel from the status bar's job.
    QTRY_VERIFY_WITH_TIMEOUT(epochs.size() >= 2, 20000);
    QVERIFY(vectors->lastEpoch(r.setName).contains(QStringLiteral("loss")));
    // The jobs panel's progress names the epoch and its loss.
    QTRY_VERIFY_WITH_TIMEOUT(runner->info(id).message.contains(QStringLiteral("loss")), 5000);
    QVERIFY2(runner->info(id).message.startsWith(QStringLiteral("epoch ")), qPrintable(runner->info(id).message));
    // The status bar follows the loss within the epoch and names the last checkpoint.
    QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(QStringLiteral("checkpoint stored after "
                                                                                          "epoch")),
                             5000);
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("loss")),
             qPrintable(window.statusBar()->currentMessage()));
    shot(&window, QStringLiteral("vectors-window-training"));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(runner->cancel(id));
    QVERIFY(ended.wait(5000)); // returns as the signal arrives
    const qint64 ms = clock.elapsed();
    qInfo("cancel took %lld ms, after %d epochs reported", ms, int(epochs.size()));
    QVERIFY2(ms < 200, qPrintable(QStringLiteral("cancel took %1 ms").arg(ms)));
    QCOMPARE(ended.last().at(1).toBool(), false);
    QCOMPARE(ended.last().at(2).toBool(), true);
    QVERIFY2(ended.last().at(3).toString().contains(QStringLiteral("Resume")),
             qPrintable(ended.last().at(3).toString()));
    int done = 0;
    {
        Project project(path);
        QVERIFY(!hasSet(project, r.setName));
        const std::optional<StoredModel> model = loadModelHeader(project, r.setName);
        QVERIFY(model);
        done = epochsDone(*model);
        QVERIFY(done >= 1);
        QVERIFY(done < 100000);
    }

    // Compute Vectors now offers to resume it; resuming for one more epoch stores the set.
    VectorsRequest again;
    {
        VectorsDialog dialog(*window.session()->project(), window.session()->datasetId(), &window);
        dialog.methodCombo()->setCurrentIndex(dialog.methodCombo()->findData(QStringLiteral("seq2seq")));
        QVERIFY(dialog.resumeCheck()->isEnabled());
        dialog.resumeCheck()->setChecked(true);
        QCOMPARE(dialog.hiddenSpin()->value(), 12);
        QCOMPARE(dialog.epochsSpin()->value(), 100000);
        dialog.epochsSpin()->setValue(done + 1);
        again = dialog.request();
    }
    QVERIFY(again.resume);
    ended.clear();
    QVERIFY(vectors->start(again));
    QVERIFY(waitEnded(ended, 30000));
    QVERIFY2(ended.last().at(1).toBool(), qPrintable(ended.last().at(3).toString()));
    Project project(path);
    QVERIFY(hasSet(project, r.setName));
    QCOMPARE(loadEmbeddingSet(project, r.setName).dim, 12);
    QCOMPARE(epochsDone(*loadModelHeader(project, r.setName)), done + 1);
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->set(), r.setName, 10000);
}

void TestUiVectors::yesSmall()
{
    // Real playlists (41,480 radio playlists over 3,168 songs): SIF pooling through the window's
    // job lists and maps all of them; seq2seq cancelled in its first epoch leaves nothing behind.
    ORRERY_TIMING_TEST(yesSmall);
    ORRERY_REQUIRE_SHARED("yes_small");
    const QString path = m_dir.filePath(QStringLiteral("yes.orrery"));
    qint64 playlists = 0;
    {
        Project project(path);
        io::ImportOptions options;
        options.dataset = QStringLiteral("yes");
        playlists = test::importInto(project, {shared}, options).stats.sequences;
        QCOMPARE(playlists, qint64(41480));
        JobContext job;
        const qint64 id = project.datasetId(QStringLiteral("yes"));
        SgnsOptions sgns = SgnsOptions::forPlaylists();
        sgns.dim = 32;
        sgns.epochs = 1;
        sgns.threads = 2;
        EmbeddingSet set = sgnsEmbeddingSet(project, trainSgns(loadCorpus(project, id, job), sgns, job), sgns);
        set.name = QStringLiteral("yes/sgns");
        set.datasetId = id;
        saveEmbeddingSet(project, set);
    }
    QString message; // outlives the window, which reports its cancels as it closes
    VectorsRequest r;
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(window.openProject(path));
    JobRunner *runner = window.jobRunner();
    VectorsJob *vectors = window.vectorsJob();
    QSignalSpy ended(vectors, &VectorsJob::ended);
    {
        VectorsDialog dialog(*window.session()->project(), window.session()->datasetId(), &window);
        QCOMPARE(dialog.fromCombo()->currentData().toString(), QStringLiteral("yes/sgns"));
        dialog.methodCombo()->setCurrentIndex(dialog.methodCombo()->findData(QStringLiteral("sif")));
        r = dialog.request();
    }
    QElapsedTimer clock;
    clock.start();
    QVERIFY(vectors->start(r));
    QVERIFY(ended.wait(60000));
    QVERIFY2(ended.last().at(1).toBool(), qPrintable(ended.last().at(3).toString()));
    qInfo("SIF pooling of %lld playlists through the job: %lld ms", playlists, clock.elapsed());
    // Listed and chosen; its PCA is on its way (the Debug build's trustworthiness of 41,480 points
    // takes a minute, so the map is not waited for here).
    QVERIFY(window.datasets()->model()->indexOfSet(r.setName).isValid());
    QCOMPARE(window.session()->set(), r.setName);
    QCOMPARE(loadEmbeddingSetIds(*window.session()->project(), r.setName).size(), size_t(playlists));

    {
        VectorsDialog dialog(*window.session()->project(), window.session()->datasetId(), &window);
        dialog.methodCombo()->setCurrentIndex(dialog.methodCombo()->findData(QStringLiteral("seq2seq")));
        dialog.fromCombo()->setCurrentIndex(dialog.fromCombo()->findData(QStringLiteral("yes/sgns")));
        dialog.hiddenSpin()->setValue(32);
        dialog.epochsSpin()->setValue(50);
        r = dialog.request();
    }
    QCOMPARE(r.setName, QStringLiteral("yes/seq2seq"));
    connect(runner, &JobRunner::progressed, runner, [&](JobId id, qint64, qint64) {
        if (id == vectors->jobOf(r.setName))
            message = runner->info(id).message;
    });
    ended.clear();
    QVERIFY(vectors->start(r));
    QTRY_VERIFY_WITH_TIMEOUT(message.contains(QStringLiteral("loss")), 30000);
    QVERIFY2(message.startsWith(QStringLiteral("epoch 1 of 50: loss ")), qPrintable(message));
    shot(&window, QStringLiteral("vectors-window-yes-small"));
    clock.restart();
    QVERIFY(runner->cancel(vectors->jobOf(r.setName)));
    QVERIFY(ended.wait(5000));
    const qint64 ms = clock.elapsed();
    qInfo("seq2seq cancelled in %lld ms during \"%s\"", ms, qPrintable(message));
    QVERIFY2(ms < 200, qPrintable(QStringLiteral("cancel took %1 ms").arg(ms)));
    QVERIFY(ended.last().at(2).toBool());
    Project project(path);
    QVERIFY(!hasSet(project, r.setName));
    // Cancelled in its first epoch: no checkpoint yet, and the message says nothing was stored.
    if (!loadModelHeader(project, r.setName))
        QVERIFY2(ended.last().at(3).toString().contains(QStringLiteral("no set was stored")),
                 qPrintable(ended.last().at(3).toString()));
}

ORRERY_UI_TEST_MAIN(TestUiVectors)
#include "tst_ui_vectors.moc"
