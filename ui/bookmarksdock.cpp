#include "bookmarksdock.h"

#include "bookmarkmodel.h"

#include "base/error.h"
#include "store/bookmarks.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QVBoxLayout>

namespace orrery::ui {

BookmarksDock::BookmarksDock(QWidget *parent)
    : QDockWidget(tr("Bookmarks"), parent), m_model(new BookmarkModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("bookmarks"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter = new QLineEdit;
    m_filter->setPlaceholderText(tr("Filter bookmarks"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_view = new QListView;
    m_view->setModel(m_proxy);
    m_view->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    m_view->setUniformItemSizes(true);
    connect(m_view, &QListView::activated, this,
            [this](const QModelIndex &index) { activate(index.data(BookmarkModel::IdRole).toLongLong()); });

    auto *add = new QToolButton;
    add->setText(tr("Add"));
    add->setToolTip(tr("Bookmark this view (Ctrl+D)"));
    connect(add, &QToolButton::clicked, this, [this] { addBookmark(); });
    auto *rename = new QToolButton;
    rename->setText(tr("Rename"));
    connect(rename, &QToolButton::clicked, this, [this] {
        if (m_view->currentIndex().isValid())
            m_view->edit(m_view->currentIndex());
    });
    auto *del = new QToolButton;
    del->setText(tr("Delete"));
    connect(del, &QToolButton::clicked, this, [this] { remove(currentId()); });
    auto *deleteKey = new QAction(m_view);
    deleteKey->setShortcut(QKeySequence::Delete);
    deleteKey->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteKey, &QAction::triggered, this, [this] { remove(currentId()); });
    m_view->addAction(deleteKey);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(rename);
    buttons->addWidget(del);
    buttons->addStretch(1);
    auto *body = new QWidget;
    auto *layout = new QVBoxLayout(body);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    setWidget(body);
}

void BookmarksDock::setProject(Project *project)
{
    m_project = project;
    m_model->setProject(project);
}

qint64 BookmarksDock::currentId() const
{
    return m_view->currentIndex().data(BookmarkModel::IdRole).toLongLong();
}

qint64 BookmarksDock::addBookmark(const QString &name)
{
    if (!m_project || !m_capture)
        return 0;
    const QString title = name.isEmpty() ? tr("View %1").arg(m_model->rowCount() + 1) : name;
    try {
        const qint64 id = saveBookmark(*m_project, title, m_capture());
        m_model->reload();
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(m_model->rowOf(id)));
        m_view->setCurrentIndex(index);
        emit message(tr("Bookmarked as “%1” (rename it in the Bookmarks panel)").arg(title), 6000);
        return id;
    } catch (const Error &e) {
        emit message(tr("Could not save the bookmark: %1").arg(e.message()), 10000);
        return 0;
    }
}

bool BookmarksDock::activate(qint64 id)
{
    if (!m_project || !id)
        return false;
    try {
        const Bookmark b = loadBookmark(*m_project, id);
        if (m_restore)
            m_restore(b.state);
        emit message(tr("Showing “%1”").arg(b.name), 5000);
        return true;
    } catch (const Error &e) {
        emit message(tr("Could not restore the bookmark: %1").arg(e.message()), 10000);
        return false;
    }
}

bool BookmarksDock::remove(qint64 id)
{
    if (!m_project || !id)
        return false;
    try {
        const bool removed = removeBookmark(*m_project, id);
        m_model->reload();
        return removed;
    } catch (const Error &e) {
        emit message(tr("Could not delete the bookmark: %1").arg(e.message()), 10000);
        return false;
    }
}

} // namespace orrery::ui
