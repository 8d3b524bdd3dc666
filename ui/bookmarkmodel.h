#pragma once

#include "store/bookmarks.h"

#include <QAbstractListModel>
#include <QList>

namespace orrery {
class Project;
}

namespace orrery::ui {

/// The project's bookmarks by name (editable: renaming writes the project), oldest first.
class BookmarkModel final : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role { IdRole = Qt::UserRole + 1 };

    explicit BookmarkModel(QObject *parent = nullptr);

    /// Reads the bookmarks of a project (null: none). Throws Error.
    void setProject(Project *project);
    void reload();
    const Bookmark &bookmark(int row) const { return m_bookmarks[row]; }
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    Project *m_project = nullptr;
    QList<Bookmark> m_bookmarks;
};

} // namespace orrery::ui
