#pragma once

#include "io/importer.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
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

inline QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace orrery::test
