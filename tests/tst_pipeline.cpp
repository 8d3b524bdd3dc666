// One-click maps (core/jobs/pipeline): the default plan per dataset kind, running it, and the
// selection export (core/io/exporter exportItems).

#include "base/embeddingset.h"
#include "index/vectorindex.h"
#include "io/exporter.h"
#include "io/sample.h"
#include "pipeline/pipeline.h"
#include "store/colouring.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <map>

using namespace orrery;

class TestPipeline final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void plans_data();
    void plans();
    void unknownDataset();
    void recordsMap();
    void articlesMap();
    void playlistsMap();
    void cancelLayout();
    void exportSelection_data();
    void exportSelection();
    void exportErrors();
    void pointColours();

private:
    QString copy(const QString &name);
    QTemporaryDir m_dir;
    QString m_sample;
};

void TestPipeline::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sample = m_dir.filePath(QStringLiteral("sample.orrery"));
    JobContext job;
    io::createSampleProject(m_sample, job);
}

QString TestPipeline::copy(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    return QFile::copy(m_sample, path) ? path : QString();
}

void TestPipeline::plans_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QString>("mapSet");
    QTest::newRow("playlists") << QStringLiteral("Sample playlists")
                               << QStringList {QStringLiteral("Sample playlists/sgns"),
                                               QStringLiteral("Sample playlists/mean")}
                               << QStringLiteral("Sample playlists/sgns");
    QTest::newRow("articles") << QStringLiteral("Sample articles")
                              << QStringList {QStringLiteral("Sample articles/lsa")}
                              << QStringLiteral("Sample articles/lsa");
    QTest::newRow("records") << QStringLiteral("Sample records") << QStringList {QStringLiteral("Sample records/mbat")}
                             << QStringLiteral("Sample records/mbat");
}

void TestPipeline::plans()
{
    QFETCH(QString, dataset);
    QFETCH(QStringList, steps);
    QFETCH(QString, mapSet);
    Project project(m_sample);
    const MapPlan plan = planFor(project, project.datasetId(dataset));
    QCOMPARE(plan.datasetName, dataset);
    QStringList names;
    for (const EmbedStep &step : plan.steps)
        names.append(step.setName);
    QCOMPARE(names, steps);
    QCOMPARE(plan.mapSet, mapSet);
    QCOMPARE(plan.projections.size(), size_t(2));
    QVERIFY(plan.projections.front() == ProjectionMethod::Pca);
    QVERIFY(plan.summary().contains(mapSet));
    if (plan.kind == DatasetKind::Playlists) {
        QVERIFY(plan.steps[1].method == EmbedStep::Method::Pool);
        QCOMPARE(plan.steps[1].from, mapSet);
    }
}

void TestPipeline::unknownDataset()
{
    Project project(m_sample);
    QVERIFY_THROWS_EXCEPTION(Error, planFor(project, 9999));
}

void TestPipeline::recordsMap()
{
    const QString path = copy(QStringLiteral("records.orrery"));
    Project project(path);
    const qint64 dataset = project.datasetId(QString::fromUtf8(io::sampleRecordsName));
    const MapPlan plan = planFor(project, dataset);
    int partials = 0;
    int finals = 0;
    QElapsedTimer clock;
    clock.start();
    JobContext job;
    const std::vector<Layout> layouts = runPlan(project, plan, job, [&](const Layout &layout, bool partial) {
        QCOMPARE(layout.count(), qint64(60));
        (partial ? partials : finals) += 1;
    });
    qInfo("records: %s in %lld ms", qPrintable(plan.summary()), clock.elapsed());
    QCOMPARE(finals, 2);
    QVERIFY2(partials >= 1, "UMAP showed no intermediate layout");
    QCOMPARE(layouts.size(), size_t(2));

    // Both stored, under the names the app looks for.
    const QList<LayoutInfo> stored = listLayouts(project);
    QStringList names;
    for (const LayoutInfo &l : stored)
        names.append(l.name);
    names.sort();
    QCOMPARE(names,
             QStringList({QStringLiteral("Sample records/mbat/pca"), QStringLiteral("Sample records/mbat/umap")}));
    const Layout umap = loadLayout(project, layoutName(plan.mapSet, ProjectionMethod::Umap));
    QCOMPARE(umap.xy, layouts[1].xy);
    // The map separates what MBAT separates: moons sit nearer to moons than to telescopes.
    const EmbeddingSet set = loadEmbeddingSet(project, plan.mapSet);
    QCOMPARE(set.count(), qint64(60));
    sql::Statement type(project.db(), "SELECT json_extract(attrs, '$.type') FROM item WHERE id = ?");
    std::map<QString, std::vector<qint64>> byType;
    for (qint64 r = 0; r < set.count(); ++r) {
        type.bind(1, set.ids[size_t(r)]);
        QVERIFY(type.step());
        byType[type.columnText(0)].push_back(r);
        type.reset();
    }
    QCOMPARE(byType.size(), size_t(4));
    const auto meanDistance = [&](const std::vector<qint64> &a, const std::vector<qint64> &b) {
        double sum = 0;
        qint64 n = 0;
        for (const qint64 i : a)
            for (const qint64 j : b)
                if (i != j) {
                    sum += std::hypot(umap.xy[size_t(2 * i)] - umap.xy[size_t(2 * j)],
                                      umap.xy[size_t(2 * i + 1)] - umap.xy[size_t(2 * j + 1)]);
                    ++n;
                }
        return sum / double(n);
    };
    const double within = meanDistance(byType[QStringLiteral("moon")], byType[QStringLiteral("moon")]);
    const double across = meanDistance(byType[QStringLiteral("moon")], byType[QStringLiteral("telescope")]);
    qInfo("UMAP moon-moon %.2f, moon-telescope %.2f", within, across);
    QVERIFY(within < across);

    // Stored sets are not computed again unless asked.
    QVERIFY(planFor(project, dataset).steps.empty());
    QCOMPARE(planFor(project, dataset, true).steps.size(), size_t(1));
}

void TestPipeline::articlesMap()
{
    const QString path = copy(QStringLiteral("articles.orrery"));
    Project project(path);
    const qint64 dataset = project.datasetId(QString::fromUtf8(io::sampleArticlesName));
    const MapPlan plan = planFor(project, dataset);
    JobContext job;
    for (const EmbedStep &step : plan.steps)
        runEmbedStep(project, step, job);
    const EmbeddingSet set = loadEmbeddingSet(project, plan.mapSet);
    QCOMPARE(set.count(), qint64(40));
    QVERIFY(set.kind == ItemKind::Document);
    // Nearest neighbour by LSA shares the folder label far more often than chance (1 in 4).
    const std::vector<QString> labels = itemLabels(project, set.ids);
    const VectorIndex index = VectorIndex::build(set, {}, job);
    int same = 0;
    for (qint64 r = 0; r < set.count(); ++r) {
        const std::vector<Neighbour> nn = index.ofItem(set.ids[size_t(r)], 1);
        QCOMPARE(nn.size(), size_t(1));
        same += labels[size_t(nn[0].row)] == labels[size_t(r)];
    }
    qInfo("LSA 1-NN label agreement: %d of 40", same);
    QVERIFY(same >= 30);
}

void TestPipeline::playlistsMap()
{
    const QString path = copy(QStringLiteral("playlists.orrery"));
    Project project(path);
    const qint64 dataset = project.datasetId(QString::fromUtf8(io::samplePlaylistsName));
    MapPlan plan = planFor(project, dataset);
    plan.projections = {ProjectionMethod::Pca};
    QElapsedTimer clock;
    clock.start();
    JobContext job;
    const std::vector<Layout> layouts = runPlan(project, plan, job);
    qInfo("playlists: %s in %lld ms", qPrintable(plan.summary()), clock.elapsed());
    const EmbeddingSet songs = loadEmbeddingSet(project, QStringLiteral("Sample playlists/sgns"));
    const EmbeddingSet playlists = loadEmbeddingSet(project, QStringLiteral("Sample playlists/mean"));
    QVERIFY(songs.kind == ItemKind::Track);
    QCOMPARE(songs.count(), qint64(1977)); // min count 1: every song of the sample
    QVERIFY(playlists.kind == ItemKind::Playlist);
    QCOMPARE(playlists.count(), qint64(300));
    QCOMPARE(layouts.front().count(), songs.count());

    // Playlists named after a genre ("rock Chill") find a playlist of the same genre as their
    // nearest named neighbour far more often than chance (one in eight genres).
    const auto agreement = [&](const EmbeddingSet &pooled) {
        sql::Statement title(project.db(), "SELECT title FROM item WHERE id = ?");
        std::vector<qint64> rows;
        std::vector<QString> genre;
        for (qint64 r = 0; r < pooled.count(); ++r) {
            title.bind(1, pooled.ids[size_t(r)]);
            QString g;
            if (title.step()) {
                const QStringList words = title.columnText(0).split(u' ');
                if (words.size() > 1 && words[0] == words[0].toLower())
                    g = words[0];
            }
            title.reset();
            if (!g.isEmpty()) {
                rows.push_back(r);
                genre.push_back(g);
            }
        }
        int same = 0;
        for (size_t a = 0; a < rows.size(); ++a) {
            double best = -2;
            size_t bestB = a;
            for (size_t b = 0; b < rows.size(); ++b) {
                if (a == b)
                    continue;
                const auto x = pooled.row(rows[a]);
                const auto y = pooled.row(rows[b]);
                double dot = 0, nx = 0, ny = 0;
                for (int d = 0; d < pooled.dim; ++d) {
                    dot += double(x[size_t(d)]) * y[size_t(d)];
                    nx += double(x[size_t(d)]) * x[size_t(d)];
                    ny += double(y[size_t(d)]) * y[size_t(d)];
                }
                const double c = dot / std::sqrt(nx * ny + 1e-30);
                if (c > best) {
                    best = c;
                    bestB = b;
                }
            }
            same += genre[a] == genre[bestB];
        }
        qInfo("genre agreement of the nearest named playlist: %d of %zu", same, rows.size());
        return double(same) / double(rows.size());
    };
    QVERIFY(agreement(playlists) >= 0.6);

    QCOMPARE(loadLayout(project, QStringLiteral("Sample playlists/sgns/pca")).count(), songs.count());
}

void TestPipeline::cancelLayout()
{
    const QString path = copy(QStringLiteral("cancel.orrery"));
    Project project(path);
    const qint64 dataset = project.datasetId(QString::fromUtf8(io::sampleArticlesName));
    const MapPlan plan = planFor(project, dataset);
    JobContext quiet;
    runEmbedStep(project, plan.steps.front(), quiet);
    std::atomic_bool stop {true};
    JobContext cancelled({}, &stop);
    QVERIFY_THROWS_EXCEPTION(Cancelled, runLayoutStep(project, plan.mapSet, ProjectionMethod::Umap, cancelled));
    QVERIFY(listLayouts(project).isEmpty());
}

void TestPipeline::exportSelection_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<bool>("withSet");
    QTest::newRow("csv") << int(io::ItemFormat::Csv) << false;
    QTest::newRow("csv+vectors") << int(io::ItemFormat::Csv) << true;
    QTest::newRow("json") << int(io::ItemFormat::Json) << false;
    QTest::newRow("json+vectors") << int(io::ItemFormat::Json) << true;
    QTest::newRow("projector") << int(io::ItemFormat::Projector) << true;
}

void TestPipeline::exportSelection()
{
    QFETCH(int, format);
    QFETCH(bool, withSet);
    const QString path = copy(QStringLiteral("export-%1-%2.orrery").arg(format).arg(withSet));
    Project project(path);
    const qint64 dataset = project.datasetId(QString::fromUtf8(io::sampleRecordsName));
    JobContext job;
    const MapPlan plan = planFor(project, dataset);
    const EmbeddingSet set = runEmbedStep(project, plan.steps.front(), job);
    // A selection in map order (not id order), with one document that has no MBAT vector.
    std::vector<qint64> ids {set.ids[7], set.ids[3], set.ids[42]};
    const qint64 document = datasetItems(project, project.datasetId(QString::fromUtf8(io::sampleArticlesName)),
                                         ItemKind::Document)
                                .front();
    ids.push_back(document);
    const QString out = m_dir.filePath(QStringLiteral("export-%1-%2").arg(format).arg(withSet))
        + (format == int(io::ItemFormat::Csv)        ? QStringLiteral(".csv")
               : format == int(io::ItemFormat::Json) ? QStringLiteral(".json")
                                                     : QString());
    const io::ItemExportResult result = io::exportItems(project, ids, withSet ? &set : nullptr, io::ItemFormat(format),
                                                        out);
    const std::vector<QString> keys = itemKeys(project, ids);
    QCOMPARE(result.withoutVector, withSet ? 1 : 0);

    switch (io::ItemFormat(format)) {
    case io::ItemFormat::Csv: {
        QCOMPARE(result.rows, qint64(4));
        const QList<QByteArray> lines = test::fileBytes(out).trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        const QList<QByteArray> header = lines[0].split(',');
        QCOMPARE(header.mid(0, 4), QList<QByteArray>({"id", "key", "kind", "title"}));
        QCOMPARE(header.size(), 8 + (withSet ? set.dim : 0));
        QVERIFY(lines[1].startsWith(QByteArray(QByteArray::number(ids[0]) + ',' + keys[0].toUtf8() + ",record,")));
        QVERIFY(lines[4].contains(",document,"));
        QVERIFY2(lines[4].contains(",science,") || lines[4].contains(",sport,") || lines[4].contains(",music,")
                     || lines[4].contains(",travel,"),
                 lines[4].constData()); // the document's label
        if (withSet) {
            // The vector columns hold the set's row; the document's are empty.
            QCOMPARE(lines[1].split(',').size(), header.size());
            QCOMPARE(lines[1].split(',').at(8).toFloat(), set.row(7)[0]);
            QVERIFY(lines[4].endsWith(QByteArray(set.dim, ',')));
        }
        break;
    }
    case io::ItemFormat::Json: {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(test::fileBytes(out), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonArray array = doc.array();
        QCOMPARE(array.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(array[i][QStringLiteral("id")].toInteger(), ids[size_t(i)]);
            QCOMPARE(array[i][QStringLiteral("key")].toString(), keys[size_t(i)]);
        }
        // Records keep their JSON as an object.
        QVERIFY(array[0][QStringLiteral("attrs")].isObject());
        QVERIFY(!array[0][QStringLiteral("attrs")][QStringLiteral("name")].toString().isEmpty());
        QVERIFY(array[3][QStringLiteral("text")].toString().size() > 40);
        QCOMPARE(array[3][QStringLiteral("labels")].toArray().size(), 1);
        if (withSet) {
            QCOMPARE(array[1][QStringLiteral("vector")].toArray().size(), set.dim);
            QCOMPARE(float(array[1][QStringLiteral("vector")][0].toDouble()), set.row(3)[0]);
            QVERIFY(array[3][QStringLiteral("vector")].isNull());
        } else {
            QVERIFY(!array[0].toObject().contains(QStringLiteral("vector")));
        }
        break;
    }
    case io::ItemFormat::Projector: {
        QCOMPARE(result.rows, qint64(3));
        QCOMPARE(result.files.size(), 2);
        // Re-imports with the selection's keys and vectors, in order.
        Project again(m_dir.filePath(QStringLiteral("reimport.orrery")));
        const io::ImportResult imported = test::importInto(again, {out});
        QVERIFY2(imported.ok, qPrintable(imported.error));
        const EmbeddingSet back = loadEmbeddingSet(again, again.embeddingSets().first().name);
        QCOMPARE(back.count(), qint64(3));
        QCOMPARE(back.dim, set.dim);
        const std::vector<QString> backKeys = itemKeys(again, back.ids);
        QCOMPARE(backKeys, std::vector<QString>(keys.begin(), keys.begin() + 3));
        QCOMPARE(back.row(0)[5], set.row(7)[5]);
        QCOMPARE(back.row(2)[0], set.row(42)[0]);
        break;
    }
    }
}

void TestPipeline::exportErrors()
{
    Project project(m_sample);
    const std::vector<qint64> ids {1, 2};
    QVERIFY_THROWS_EXCEPTION(
        Error,
        io::exportItems(project, ids, nullptr, io::ItemFormat::Projector, m_dir.filePath(QStringLiteral("none"))));
    QVERIFY_THROWS_EXCEPTION(Error,
                             io::exportItems(project, {1, 99999999}, nullptr, io::ItemFormat::Csv,
                                             m_dir.filePath(QStringLiteral("none.csv"))));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("none.csv"))));
}

void TestPipeline::pointColours()
{
    Project project(m_sample);
    JobContext job;
    const qint64 playlists = project.datasetId(QString::fromUtf8(io::samplePlaylistsName));
    const qint64 articles = project.datasetId(QString::fromUtf8(io::sampleArticlesName));
    const std::vector<qint64> tracks = datasetItems(project, playlists, ItemKind::Track);
    const Corpus corpus = loadCorpus(project, playlists, job);
    const Corpus docs = loadCorpus(project, articles, job);

    // Tracks by tag: their 8 genres, every track coloured; capped at 5 the rest pool as "other".
    PointColours c = readPointColours(project, tracks, ColourBy::Label, 12, job);
    QVERIFY(c.isCategorical());
    QCOMPARE(c.names.size(), 8);
    QVERIFY(std::none_of(c.categories.begin(), c.categories.end(), [](qint32 v) { return v < 0; }));
    const ItemTags tags = itemTags(project, tracks);
    for (size_t i = 0; i < tracks.size(); i += 97)
        QCOMPARE(c.names[c.categories[i]], tags.names[size_t(tags.perItem[i].front())]);
    c = readPointColours(project, tracks, ColourBy::Label, 5, job);
    QCOMPARE(c.names.size(), 5);
    QCOMPARE(c.names.last(), QStringLiteral("other"));
    std::vector<qint64> perCategory(5, 0);
    for (const qint32 v : c.categories)
        ++perCategory[size_t(v)];
    QVERIFY(std::is_sorted(perCategory.begin(), perCategory.begin() + 4, std::greater<>()));

    // Documents by label: their folders.
    c = readPointColours(project, docs.sequenceIds, ColourBy::Label, 12, job);
    QStringList labels = c.names;
    labels.sort();
    QCOMPARE(labels,
             (QStringList {QStringLiteral("music"), QStringLiteral("science"), QStringLiteral("sport"),
                           QStringLiteral("travel")}));

    // Mixed ids by dataset and by kind.
    std::vector<qint64> mixed {tracks[0], docs.sequenceIds[0], corpus.sequenceIds[0]};
    c = readPointColours(project, mixed, ColourBy::Dataset, 12, job);
    QCOMPARE(c.names[c.categories[0]], QString::fromUtf8(io::samplePlaylistsName));
    QCOMPARE(c.names[c.categories[1]], QString::fromUtf8(io::sampleArticlesName));
    QCOMPARE(c.names[c.categories[2]], QString::fromUtf8(io::samplePlaylistsName));
    c = readPointColours(project, mixed, ColourBy::Kind, 12, job);
    QCOMPARE(c.names[c.categories[0]], toString(ItemKind::Track));
    QCOMPARE(c.names[c.categories[1]], toString(ItemKind::Document));
    QCOMPARE(c.names[c.categories[2]], toString(ItemKind::Playlist));

    // Playlists by length: the lengths themselves; tracks by popularity: log10 of playlists holding them.
    c = readPointColours(project, corpus.sequenceIds, ColourBy::Length, 12, job);
    QVERIFY(!c.isCategorical());
    for (qint64 s = 0; s < corpus.sequences(); s += 13)
        QCOMPARE(c.values[size_t(s)], float(corpus.length(s)));
    c = readPointColours(project, {corpus.vocab[0], docs.sequenceIds[0]}, ColourBy::Popularity, 12, job);
    qint64 holding = 0;
    for (qint64 s = 0; s < corpus.sequences(); ++s)
        holding += std::find(corpus.begin(s), corpus.end(s), 0) != corpus.end(s);
    QCOMPARE(c.values[0], float(std::log10(double(holding))));
    QVERIFY(std::isnan(c.values[1])); // no playlist holds a document
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
