#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace orrery::ui {

/// Every setting the window keeps between runs, and the one place their QSettings keys live.
class Settings final {
public:
    /// Bumped when the docks change, so that an older arrangement is not restored.
    static constexpr int WindowStateVersion = 3;

    /// Recently opened projects, newest first.
    static QStringList recentProjects();
    /// Puts `path` first among the recent projects (keeping the newest few).
    static void addRecentProject(const QString &path);
    static void clearRecentProjects();

    /// The folder file dialogs open in: the last one used when it still exists, else home.
    static QString lastFolder();
    /// Remembers the folder of `path` (or `path` itself when it is a folder).
    static void rememberFolder(const QString &path);

    static QByteArray windowGeometry();
    static void setWindowGeometry(const QByteArray &geometry);
    static QByteArray windowState();
    static void setWindowState(const QByteArray &state);
};

} // namespace orrery::ui
