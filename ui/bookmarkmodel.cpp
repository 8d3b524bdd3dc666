#include "bookmarkmodel.h"

#include "base/error.h"
#include "store/project.h"

namespace orrery::ui {

BookmarkModel::BookmarkModel(QObject *parent) : QAbstractListModel(parent) { }

void BookmarkModel::setProject(Project *project)
{
    m_project = project;
    reload();
}

void BookmarkModel::reload()
{
    beginResetModel();
    m_bookmarks.clear();
    if (m_project) {
        try {
            m_bookmarks = listBookmarks(*m_project);
        } catch (const Error &) {
            m_bookmarks.clear();
        }
    }
    endResetModel();
}

int BookmarkModel::rowOf(qint64 id) const
{
    for (qsizetype i = 0; i < m_bookmarks.size(); ++i)
        if (m_bookmarks[i].id == id)
            return int(i);
    return -1;
}

int BookmarkModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_bookmarks.size());
}

QVariant BookmarkModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Bookmark &b = m_bookmarks[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: return b.name;
    case Qt::ToolTipRole:
        return tr("%1\n%2 · saved %3").arg(b.name, b.state.value(QStringLiteral("layout")).toString(), b.created);
    case IdRole: return b.id;
    default: return {};
    }
}

bool BookmarkModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != Qt::EditRole
        || !m_project)
        return false;
    const QString name = value.toString().trimmed();
    Bookmark &b = m_bookmarks[index.row()];
    if (name.isEmpty() || name == b.name)
        return false;
    try {
        if (!renameBookmark(*m_project, b.id, name))
            return false;
    } catch (const Error &) {
        return false;
    }
    b.name = name;
    emit dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole});
    return true;
}

Qt::ItemFlags BookmarkModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

} // namespace orrery::ui
