// The store's finders the window uses: full-text search, tags to filter by, the items of a dataset
// or a tag, items by key, and what an embedding set holds.
#include "testutil.h"

#include "io/sample.h"
#include "store/datasets.h"
#include "store/embeddingsets.h"
#include "store/filters.h"
#include "store/project.h"
#include "store/search.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace orrery;

class TestSearch final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Project> m_project;

    qint64 dataset(const char *name) const { return m_project->datasetId(QString::fromUtf8(name)); }

    void addSet(const QString &name, ItemKind kind, const QJsonObject &params)
    {
        EmbeddingSet set;
        set.name = name;
        set.kind = kind;
        set.method = QStringLiteral("imported");
        set.params = params;
        set.dim = 2;
        std::vector<qint64> items = itemsInDataset(*m_project, dataset(io::samplePlaylistsName));
        std::sort(items.begin(), items.end());
        set.ids.assign(items.begin(), items.begin() + 5);
        set.vectors.assign(set.ids.size() * 2, 0.5f);
        saveEmbeddingSet(*m_project, set);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("sample.orrery"));
        JobContext job;
        io::createSampleProject(m_path, job);
        m_project = std::make_unique<Project>(m_path);
    }

    void searchItems_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("found");
        QTest::newRow("articles: a word")
            << QString::fromUtf8(io::sampleArticlesName) << QStringLiteral("\"magnetic\"") << true;
        QTest::newRow("records: a name") << QString::fromUtf8(io::sampleRecordsName) << QStringLiteral("moon*") << true;
        QTest::newRow("playlists: nothing")
            << QString::fromUtf8(io::samplePlaylistsName) << QStringLiteral("zzzqqqxx") << false;
    }

    void searchItems()
    {
        QFETCH(QString, dataset);
        QFETCH(QString, query);
        QFETCH(bool, found);
        const qint64 id = m_project->datasetId(dataset);
        QVERIFY(id);
        std::vector<qint64> all = orrery::searchItems(*m_project, id, query, 100000, false);
        QCOMPARE(!all.empty(), found);
        // Every match is one of the dataset's items.
        std::vector<qint64> members = itemsInDataset(*m_project, id);
        std::sort(members.begin(), members.end());
        for (const qint64 item : all)
            QVERIFY(std::binary_search(members.begin(), members.end(), item));
        // Ranked, the same matches, best first; a limit keeps the best ones.
        std::vector<qint64> ranked = orrery::searchItems(*m_project, id, query, 100000, true);
        const std::vector<qint64> best = orrery::searchItems(*m_project, id, query, 2, true);
        QCOMPARE(qint64(best.size()), std::min<qint64>(2, qint64(all.size())));
        QVERIFY(std::equal(best.begin(), best.end(), ranked.begin()));
        std::sort(all.begin(), all.end());
        std::sort(ranked.begin(), ranked.end());
        QCOMPARE(ranked, all);
    }

    void searchRefusesABrokenQuery()
    {
        QVERIFY_THROWS_EXCEPTION(
            Error,
            orrery::searchItems(*m_project, dataset(io::sampleArticlesName), QStringLiteral("\"unclosed"), 10, true));
    }

    void popularTagsAndTheirItems()
    {
        const QList<TagChoice> tags = popularTags(*m_project, 200);
        QVERIFY(!tags.isEmpty());
        bool science = false;
        for (int i = 0; i < tags.size(); ++i) {
            const TagChoice &t = tags[i];
            if (i > 0)
                QVERIFY(std::tie(tags[i - 1].kind, tags[i - 1].name) < std::tie(t.kind, t.name));
            QCOMPARE(qint64(itemsWithTag(*m_project, t.name, t.kind).size()), t.items);
            science |= t.kind == u"label" && t.name == u"science";
        }
        QVERIFY(science);
        QCOMPARE(itemsWithTag(*m_project, QStringLiteral("science"), QStringLiteral("label")).size(), size_t(10));
        QVERIFY(itemsWithTag(*m_project, QStringLiteral("science"), QStringLiteral("tag")).empty());
        // The most common ones: a limit keeps the tags carried by the most items.
        const QList<TagChoice> top = popularTags(*m_project, 3);
        QCOMPARE(top.size(), 3);
        qint64 least = std::numeric_limits<qint64>::max();
        for (const TagChoice &t : top)
            least = std::min(least, t.items);
        for (const TagChoice &t : tags)
            if (!std::any_of(top.begin(), top.end(),
                             [&](const TagChoice &k) { return k.name == t.name && k.kind == t.kind; }))
                QVERIFY(t.items <= least);
    }

    // The Filter box's "Label: science" admits the labelled items only, not a tag of that name.
    void itemsWithTagOfAKind()
    {
        const qint64 song = m_project->itemForKey(QStringLiteral("spotify:track:01FCzh8g6kJl9mNPMXKsd5"));
        const std::vector<std::pair<qint64, QString>> tags {{song, QStringLiteral("science")}};
        tagItems(*m_project, dataset(io::samplePlaylistsName), tags);
        QCOMPARE(itemsWithTag(*m_project, QStringLiteral("science"), QStringLiteral("tag")),
                 std::vector<qint64> {song});
        QCOMPARE(itemsWithTag(*m_project, QStringLiteral("science"), QStringLiteral("label")).size(), size_t(10));
        QCOMPARE(itemsWithTag(*m_project, QStringLiteral("science")).size(), size_t(11));
    }

    void itemsByKeyAndTheirDatasets()
    {
        const qint64 playlists = dataset(io::samplePlaylistsName);
        const qint64 articles = dataset(io::sampleArticlesName);
        const qint64 song = m_project->itemForKey(QStringLiteral("spotify:track:01FCzh8g6kJl9mNPMXKsd5"));
        QVERIFY(song);
        QCOMPARE(findItemByKey(*m_project, QStringLiteral("spotify:track:01FCzh8g6kJl9mNPMXKsd5")), song);
        // Asked for in another dataset first, it is still found in its own.
        QCOMPARE(findItemByKey(*m_project, QStringLiteral("spotify:track:01FCzh8g6kJl9mNPMXKsd5"), articles), song);
        QCOMPARE(findItemByKey(*m_project, QStringLiteral("spotify:track:no-such-song")), qint64(0));
        QCOMPARE(datasetsOfItem(*m_project, song), std::vector<qint64> {playlists});
        QVERIFY(datasetsOfItem(*m_project, 0).empty());
        const std::vector<qint64> items = itemsInDataset(*m_project, playlists);
        QVERIFY(std::find(items.begin(), items.end(), song) != items.end());
    }

    void setIdsAndTheSongsBehindASet()
    {
        addSet(QStringLiteral("songs"), ItemKind::Track, {});
        addSet(QStringLiteral("pooled"), ItemKind::Playlist, {{QStringLiteral("from"), QStringLiteral("songs")}});
        addSet(QStringLiteral("pooled again"), ItemKind::Playlist,
               {{QStringLiteral("from"), QStringLiteral("pooled")}});
        addSet(QStringLiteral("records"), ItemKind::Record, {});
        QCOMPARE(loadEmbeddingSetIds(*m_project, QStringLiteral("pooled")),
                 loadEmbeddingSet(*m_project, QStringLiteral("pooled")).ids);
        QVERIFY_THROWS_EXCEPTION(Error, loadEmbeddingSetIds(*m_project, QStringLiteral("no such set")));
        QCOMPARE(trackSetBehind(*m_project, QStringLiteral("songs")), QStringLiteral("songs"));
        QCOMPARE(trackSetBehind(*m_project, QStringLiteral("pooled")), QStringLiteral("songs"));
        // Two hops at most: a set pooled from a pooled set serves no songs.
        QCOMPARE(trackSetBehind(*m_project, QStringLiteral("pooled again")), QString());
        QCOMPARE(trackSetBehind(*m_project, QStringLiteral("records")), QString());
        QCOMPARE(trackSetBehind(*m_project, QStringLiteral("no such set")), QString());
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "tst_search.moc"
