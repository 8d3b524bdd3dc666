#pragma once

#include <QDockWidget>
#include <QJsonObject>

#include <functional>

class QLineEdit;
class QListView;
class QSortFilterProxyModel;

namespace orrery {
class Project;
}

namespace orrery::ui {

class BookmarkModel;

/// The project's bookmarks: saved views of the map, listed by name (filterable), renamed in
/// place, deleted, and restored by activation. What a view is comes from the window (capture)
/// and goes back to it (restore).
class BookmarksDock final : public QDockWidget {
    Q_OBJECT

public:
    explicit BookmarksDock(QWidget *parent = nullptr);

    BookmarkModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QListView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }

    void setProject(Project *project);
    void setCapture(std::function<QJsonObject()> capture) { m_capture = std::move(capture); }
    void setRestore(std::function<void(const QJsonObject &)> restore) { m_restore = std::move(restore); }

    /// Saves the view under `name` ("View N" when empty); returns its id, 0 without a project.
    qint64 addBookmark(const QString &name = {});
    /// Restores a bookmark; false when it cannot be read.
    bool activate(qint64 id);
    /// Deletes a bookmark; false when there was none.
    bool remove(qint64 id);

signals:
    void message(const QString &text, int timeoutMs);

private:
    qint64 currentId() const;

    Project *m_project = nullptr;
    BookmarkModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QListView *m_view;
    std::function<QJsonObject()> m_capture;
    std::function<void(const QJsonObject &)> m_restore;
};

} // namespace orrery::ui
