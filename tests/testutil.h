#pragma once

#include "io/importer.h"
#include "store/project.h"
#include "store/sqlite.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace orrery::test {

/// ../shared/data, or an empty string when it is absent (tests then QSKIP).
inline QString sharedData(const QString &sub = {})
{
    const QString root = QString::fromUtf8(ORRERY_SHARED_DATA);
    if (!QDir(root).exists())
        return {};
    return sub.isEmpty() ? root : QDir(root).filePath(sub);
}

#define ORRERY_REQUIRE_SHARED(sub)                                                                                     \
    const QString shared = orrery::test::sharedData(QStringLiteral(sub));                                              \
    if (shared.isEmpty() || !QFileInfo::exists(shared))                                                                \
        QSKIP("../shared/data is absent");

/// Marks the test function it opens as asserting on wall-clock time (a cancel within 200 ms, an
/// event loop that never stalls). tests/CMakeLists.txt finds the marker and runs those functions in
/// a ctest entry of their own, `<test>-timing`, labelled `timing`, which the asan preset skips; the
/// main entry sets ORRERY_SKIP_TIMING so that they run once. `function` must be the function's name.
#define ORRERY_TIMING_TEST(function)                                                                                   \
    do {                                                                                                               \
        QVERIFY2(qstrcmp(QTest::currentTestFunction(), #function) == 0, "ORRERY_TIMING_TEST names another test");      \
        if (qEnvironmentVariableIsSet("ORRERY_SKIP_TIMING"))                                                           \
            QSKIP("asserts on wall-clock time: runs in the -timing ctest entry");                                      \
    } while (false)

/// What a run of orrery-cli (ORRERY_CLI) left: exit code (-1 after a crash or a time-out) and output.
struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Runs orrery-cli with `args` and waits up to `timeoutMs` for it.
inline Run cli(const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(QString::fromUtf8(ORRERY_CLI), args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

#ifdef ORRERY_GUI
/// Runs the window (ORRERY_GUI) offscreen with `args`, its settings and app data under `home`
/// (never the user's), and waits up to `timeoutMs` for it to exit.
inline Run gui(const QStringList &args, const QString &home, int timeoutMs)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir(home).filePath(QStringLiteral("gui-config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), QDir(home).filePath(QStringLiteral("gui-data")));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ORRERY_GUI), args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}
#endif

inline QString fixture(const QString &rel)
{
    return QDir(QString::fromUtf8(ORRERY_FIXTURES)).filePath(rel);
}

inline void writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(f.write(data), data.size());
}

/// Imports into `project` with a silent job.
inline io::ImportResult importInto(Project &project, const QStringList &paths, io::ImportOptions options = {})
{
    JobContext job;
    return io::importPaths(project, paths, options, job);
}

/// A digest of every row of every table, to show a failed import changed nothing.
inline QByteArray fingerprint(Project &project)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QStringList tables;
    {
        sql::Statement st(project.db(),
                          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "AND name NOT LIKE 'item_fts_%' ORDER BY name");
        while (st.step())
            tables.append(st.columnText(0));
    }
    for (const QString &table : std::as_const(tables)) {
        const QByteArray sql = "SELECT * FROM " + table.toUtf8();
        sql::Statement st(project.db(), std::string_view(sql.constData(), size_t(sql.size())));
        hash.addData(table.toUtf8());
        while (st.step()) {
            const int columns = sqlite3_column_count(st.handle());
            for (int c = 0; c < columns; ++c) {
                const auto blob = st.columnBlob(c);
                hash.addData(QByteArrayView(reinterpret_cast<const char *>(blob.data()), qsizetype(blob.size())));
                hash.addData("|");
            }
        }
    }
    return hash.result().toHex();
}

inline QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Points the program's settings and app data (XDG_CONFIG_HOME, XDG_DATA_HOME) at a folder of
/// its own that lives until exit, before the QApplication exists: UI tests run side by side
/// under ctest, and one's recent projects or window state must never reach another, nor the
/// user's. (QStandardPaths' test mode would share one ~/.qttest among all of them.)
inline void isolateSettings()
{
    static QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(home.filePath(QStringLiteral("config"))));
    qputenv("XDG_DATA_HOME", QFile::encodeName(home.filePath(QStringLiteral("data"))));
}

} // namespace orrery::test

/// main() of a widget test: the offscreen platform unless one is set, settings of its own
/// (test::isolateSettings), then the test object's functions. The file includes <QApplication>.
#define ORRERY_UI_TEST_MAIN(TestClass)                                                                                 \
    int main(int argc, char **argv)                                                                                    \
    {                                                                                                                  \
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))                                                            \
            qputenv("QT_QPA_PLATFORM", "offscreen");                                                                   \
        orrery::test::isolateSettings();                                                                               \
        QApplication app(argc, argv);                                                                                  \
        TestClass test;                                                                                                \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&test, argc, argv);                                                                        \
    }
