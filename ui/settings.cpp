#include "settings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace orrery::ui {

namespace {

constexpr int maxRecent = 10;

QSettings store()
{
    return QSettings(QStringLiteral("Orrery"), QStringLiteral("Orrery"));
}

const QString recentKey = QStringLiteral("recentProjects");
const QString lastFolderKey = QStringLiteral("lastFolder");
const QString geometryKey = QStringLiteral("window/geometry");
const QString stateKey = QStringLiteral("window/state");

} // namespace

QStringList Settings::recentProjects()
{
    return store().value(recentKey).toStringList();
}

void Settings::addRecentProject(const QString &path)
{
    QSettings settings = store();
    QStringList recent = settings.value(recentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > maxRecent)
        recent.removeLast();
    settings.setValue(recentKey, recent);
}

void Settings::clearRecentProjects()
{
    store().remove(recentKey);
}

QString Settings::lastFolder()
{
    const QString folder = store().value(lastFolderKey).toString();
    return QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

void Settings::rememberFolder(const QString &path)
{
    const QFileInfo info(path);
    store().setValue(lastFolderKey, info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

QByteArray Settings::windowGeometry()
{
    return store().value(geometryKey).toByteArray();
}

void Settings::setWindowGeometry(const QByteArray &geometry)
{
    store().setValue(geometryKey, geometry);
}

QByteArray Settings::windowState()
{
    return store().value(stateKey).toByteArray();
}

void Settings::setWindowState(const QByteArray &state)
{
    store().setValue(stateKey, state);
}

} // namespace orrery::ui
