#include "bookmarks.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace orrery {

namespace {

Bookmark bookmarkOf(const sql::Statement &st)
{
    Bookmark b;
    b.id = st.columnInt(0);
    b.name = st.columnText(1);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(st.columnText(2).toUtf8(), &error);
    if (!doc.isObject())
        throw Error(QStringLiteral("bookmark %1 (%2): byte %3: its state is no JSON object (%4)")
                        .arg(b.id)
                        .arg(b.name)
                        .arg(error.offset)
                        .arg(error.errorString()));
    b.state = doc.object();
    b.created = st.columnText(3);
    return b;
}

} // namespace

qint64 saveBookmark(Project &project, const QString &name, const QJsonObject &state)
{
    sql::Statement st(project.db(), "INSERT INTO bookmark(name, state) VALUES (?, ?)");
    st.bind(1, name);
    st.bind(2, state);
    st.exec();
    return sqlite3_last_insert_rowid(project.db());
}

QList<Bookmark> listBookmarks(Project &project)
{
    sql::Statement st(project.db(), "SELECT id, name, state, created FROM bookmark ORDER BY id");
    QList<Bookmark> out;
    while (st.step())
        out.append(bookmarkOf(st));
    return out;
}

Bookmark loadBookmark(Project &project, qint64 id)
{
    sql::Statement st(project.db(), "SELECT id, name, state, created FROM bookmark WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        throw Error(QStringLiteral("no bookmark %1").arg(id));
    return bookmarkOf(st);
}

bool renameBookmark(Project &project, qint64 id, const QString &name)
{
    sql::Statement st(project.db(), "UPDATE bookmark SET name = ? WHERE id = ?");
    st.bind(1, name);
    st.bind(2, id);
    st.exec();
    return sqlite3_changes(project.db()) > 0;
}

bool removeBookmark(Project &project, qint64 id)
{
    sql::Statement st(project.db(), "DELETE FROM bookmark WHERE id = ?");
    st.bind(1, id);
    st.exec();
    return sqlite3_changes(project.db()) > 0;
}

} // namespace orrery
