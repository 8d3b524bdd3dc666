#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace orrery {
class Project;

/// A saved view of the map: its name and the window's state as JSON (layout, camera, selection,
/// colouring, filters), which the window writes and reads.
struct Bookmark {
    qint64 id = 0;
    QString name;
    QJsonObject state;
    QString created; ///< ISO 8601, UTC
};

/// Stores a bookmark; returns its id.
qint64 saveBookmark(Project &project, const QString &name, const QJsonObject &state);
/// Every bookmark, oldest first.
QList<Bookmark> listBookmarks(Project &project);
/// One bookmark by id. Throws Error when unknown or when its state is no JSON object.
Bookmark loadBookmark(Project &project, qint64 id);
/// False when there is no bookmark of that id.
bool renameBookmark(Project &project, qint64 id, const QString &name);
/// False when there is no bookmark of that id.
bool removeBookmark(Project &project, qint64 id);

} // namespace orrery
