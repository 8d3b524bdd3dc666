// The recommendations panel on the generated sample project: building on a worker thread,
// seeding, method and count, reasons, double-click, remove, drag-to-reorder (through the model's
// MIME round trip), and export that re-imports with the list's keys in its order.
#include "recommendpanel.h"

#include "base/embeddingset.h"
#include "embed/sgns.h"
#include "io/sample.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QMimeData>
#include <QSignalSpy>
#include <QTableView>

using namespace orrery;
using ui::RecommendationModel;
using ui::RecommendPanel;

class TestUiRecommend final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_dataset = 0;
    Corpus m_corpus;

    /// A playlist's first tracks as seeds.
    QList<qint64> seedsOf(qint64 sequence, int k) const
    {
        QList<qint64> out;
        for (const qint32 *t = m_corpus.begin(sequence); t != m_corpus.end(sequence) && out.size() < k; ++t)
            out.append(m_corpus.vocab[size_t(*t)]);
        return out;
    }

    QList<qint64> listed(const RecommendationModel &model) const
    {
        QList<qint64> ids;
        for (const auto &r : model.rows())
            ids.append(r.entry.itemId);
        return ids;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("sample.orrery"));
        JobContext job;
        io::createSampleProject(m_project, job);
        Project p(m_project);
        m_dataset = p.datasetId(QString::fromLatin1(io::samplePlaylistsName));
        QVERIFY(m_dataset);
        m_corpus = loadCorpus(p, m_dataset, job);
        SgnsOptions o = SgnsOptions::forPlaylists();
        o.epochs = 10;
        o.threads = 1;
        SgnsResult r = trainSgns(m_corpus, o, job);
        EmbeddingSet set;
        set.name = QStringLiteral("songs");
        set.datasetId = m_dataset;
        set.kind = ItemKind::Track;
        set.method = QStringLiteral("sgns");
        set.dim = r.dim;
        set.ids = std::move(r.ids);
        set.vectors = std::move(r.vectors);
        saveEmbeddingSet(p, set);
    }

    void recommendsWithReasons()
    {
        ui::JobRunner runner;
        RecommendPanel panel(&runner);
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy ready(&panel, &RecommendPanel::ready);
        panel.setCount(25);
        panel.setSeeds(seedsOf(0, 5)); // before the source: nothing to do yet
        QCOMPARE(panel.model()->rowCount(), 0);
        panel.setSource(m_project, QStringLiteral("songs"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.isReady(), 60000);
        QCOMPARE(ready.size(), 1);
        QCOMPARE(panel.model()->rowCount(), 25); // recommended as soon as it was ready

        const QList<qint64> seeds = seedsOf(0, 5);
        const QSet<qint64> seedSet(seeds.begin(), seeds.end());
        const auto &rows = panel.model()->rows();
        for (int i = 0; i < rows.size(); ++i) {
            QVERIFY(!seedSet.contains(rows[i].entry.itemId));
            QVERIFY(!rows[i].entry.key.isEmpty());
            if (i > 0)
                QVERIFY(rows[i].score() <= rows[i - 1].score());
            if (rows[i].becauseId) {
                QVERIFY(seedSet.contains(rows[i].becauseId));
                // The reason names the seed (under "Because you have"), and so does the tool tip.
                QCOMPARE(panel.model()->index(i, RecommendationModel::Because).data().toString(), rows[i].because);
                QVERIFY(!rows[i].because.isEmpty());
                QVERIFY(panel.model()
                            ->index(i, 0)
                            .data(Qt::ToolTipRole)
                            .toString()
                            .contains(u"because you have " + rows[i].because));
            }
        }
        QVERIFY(std::any_of(rows.begin(), rows.end(), [](const auto &r) { return r.becauseId != 0; }));

        // Method and count recompute the list.
        const QList<qint64> blend = listed(*panel.model());
        QSignalSpy recommended(&panel, &RecommendPanel::recommended);
        panel.setMethod(RecommendMethod::Popularity);
        QCOMPARE(recommended.size(), 1);
        QVERIFY(listed(*panel.model()) != blend);
        for (const auto &r : panel.model()->rows())
            QCOMPARE(r.becauseId, qint64(0));
        panel.setCount(7);
        QCOMPARE(panel.model()->rowCount(), 7);
        panel.setMethod(RecommendMethod::Blend);
        QCOMPARE(listed(*panel.model()), blend.mid(0, 7));

        // Other seeds, another list.
        panel.setSeeds(seedsOf(1, 3));
        QVERIFY(listed(*panel.model()) != blend.mid(0, 7));
    }

    void doubleClickRemoveAndReorder()
    {
        ui::JobRunner runner;
        RecommendPanel panel(&runner);
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.setCount(10);
        panel.setSeeds(seedsOf(2, 4));
        panel.setSource(m_project, QStringLiteral("songs"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.isReady(), 60000);
        panel.resize(600, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        RecommendationModel *model = panel.model();
        QList<qint64> ids = listed(*model);
        QCOMPARE(ids.size(), 10);

        QSignalSpy activated(&panel, &RecommendPanel::itemActivated);
        QTableView *view = panel.view();
        const QRect cell = view->visualRect(model->index(2, 0));
        // A real double-click is press, release, then a double-click event on the same cell.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.front().front().toLongLong(), ids[2]);

        // Remove the selected rows (rows 1 and 3).
        view->clearSelection();
        view->selectionModel()->select(model->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        view->selectionModel()->select(model->index(3, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        panel.removeSelected();
        ids.removeAt(3);
        ids.removeAt(1);
        QCOMPARE(listed(*model), ids);

        // Move row 0 below row 2 (moveRows), then drag row 4 to the top through the MIME data, as
        // a view's internal move does: a drop of a copy, then removal of the original.
        QVERIFY(model->moveRows({}, 0, 1, {}, 3));
        ids.move(0, 2);
        QCOMPARE(listed(*model), ids);
        std::unique_ptr<QMimeData> mime(model->mimeData({model->index(4, 0), model->index(4, 1)}));
        QVERIFY(model->canDropMimeData(mime.get(), Qt::MoveAction, 0, 0, {}));
        QVERIFY(model->dropMimeData(mime.get(), Qt::MoveAction, 0, 0, {}));
        QVERIFY(model->removeRows(5, 1));
        ids.move(4, 0);
        QCOMPARE(listed(*model), ids);
        QVERIFY(!model->moveRows({}, 0, 1, {}, 1)); // onto itself: no move
        QVERIFY(!model->dropMimeData(mime.get(), Qt::CopyAction, 0, 0, {}));
    }

    void exportKeepsTheEditedOrder_data()
    {
        QTest::addColumn<int>("format");
        for (const auto f :
             {io::PlaylistFormat::M3u8, io::PlaylistFormat::Xspf, io::PlaylistFormat::Csv, io::PlaylistFormat::Json})
            QTest::newRow(qPrintable(io::toString(f))) << int(f);
    }

    void exportKeepsTheEditedOrder()
    {
        QFETCH(int, format);
        ui::JobRunner runner;
        RecommendPanel panel(&runner);
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.setCount(12);
        panel.setSeeds(seedsOf(3, 5));
        panel.setSource(m_project, QStringLiteral("songs"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.isReady(), 60000);
        QVERIFY(panel.model()->moveRows({}, 5, 2, {}, 0));
        QVERIFY(panel.model()->removeRows(11, 1));
        QStringList keys;
        for (const auto &r : panel.model()->rows())
            keys << r.entry.key;
        const QString file = m_dir.filePath(
            QStringLiteral("panel-%1.%2").arg(format).arg(io::toString(io::PlaylistFormat(format))));
        panel.exportTo(file, io::PlaylistFormat(format));
        QTemporaryDir dir;
        Project back(dir.filePath(QStringLiteral("back.orrery")));
        const auto r = test::importInto(back, {file});
        QVERIFY2(r.ok, qPrintable(r.error));
        sql::Statement st(back.db(), "SELECT entries FROM sequence WHERE dataset_id = ?");
        st.bind(1, r.datasetId);
        QVERIFY(st.step());
        QStringList reread;
        for (const QString &k : itemKeys(back, unpackIds(st.columnBlob(0)), r.datasetId))
            reread << k;
        QCOMPARE(reread, keys);
    }

    void badSourceFails()
    {
        ui::JobRunner runner;
        RecommendPanel panel(&runner);
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy failed(&panel, &RecommendPanel::failed);
        panel.setSource(m_project, QStringLiteral("no such set"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
        QVERIFY(failed.front().front().toString().contains(QStringLiteral("no such set")));
        QVERIFY(!panel.isReady());
    }
};

QTEST_MAIN(TestUiRecommend)
#include "tst_ui_recommend.moc"
