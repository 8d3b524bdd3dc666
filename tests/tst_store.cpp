#include "testutil.h"

#include "store/project.h"

#include <QTemporaryDir>
#include <QTest>

using namespace orrery;

class TestStore final : public QObject
{
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
                                  "embedding_set", "index_blob", "layout", "bookmark"}) {
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

    void rejectsFilesThatAreNotProjects_data()
    {
        QTest::addColumn<QByteArray>("setupSql");
        QTest::addColumn<QByteArray>("rawBytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("newer schema") << QByteArray("PRAGMA application_id=1330795097; PRAGMA user_version=99; CREATE TABLE t(x)")
                                      << QByteArray() << QStringLiteral("newer Orrery");
        QTest::newRow("other sqlite app") << QByteArray("CREATE TABLE notes(x)") << QByteArray()
                                          << QStringLiteral("not an Orrery project");
        QTest::newRow("other application id") << QByteArray("PRAGMA application_id=42; CREATE TABLE t(x)") << QByteArray()
                                              << QStringLiteral("not an Orrery project");
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
        const std::vector<qint64> ids{1, 2, 300000000000LL, -5};
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
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
