#pragma once

#include <QDockWidget>
#include <QList>

class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;
class QTreeView;

namespace orrery::ui {

class ItemListModel;
class ProjectSession;

/// Search and filter: the search box (for the window's tool bar), the best matches of the
/// current dataset in a list, and a filter by dataset, tag or label. Typing searches after a
/// pause, Enter at once and opens the best match. The map follows searchResults and filterChanged.
class SearchDock final : public QDockWidget {
    Q_OBJECT

public:
    explicit SearchDock(ProjectSession *session, QWidget *parent = nullptr);

    /// The search box; the window puts it in its tool bar.
    QLineEdit *searchEdit() const { return m_search; }
    QComboBox *filterCombo() const { return m_filter; }
    ItemListModel *model() const { return m_results; }
    QTreeView *view() const { return m_view; }

    /// Applies a search at once (typing waits for a pause).
    void setSearchText(const QString &text);
    /// Clears the search box without searching (a project is closing).
    void clearSearch();
    /// Runs the search in the box again (the dataset changed).
    void refresh();
    /// Lists the datasets and the most common tags and labels to filter by; the filter is off.
    void reloadFilter();

signals:
    /// The search that now applies, for the items table.
    void searchApplied(const QString &text);
    /// The current search's matches in the current dataset (empty when not searching).
    void searchResults(const QList<qint64> &ids);
    /// The attribute filter: the admitted item ids, sorted; `active` false admits everything.
    void filterChanged(const QList<qint64> &admitted, bool active);
    void itemActivated(qint64 id);
    void message(const QString &text, int timeoutMs);

private:
    void runSearch(const QString &text);
    void applyFilter(int row);

    ProjectSession *m_session;
    ItemListModel *m_results;
    QLineEdit *m_search;
    QTimer *m_searchTimer;
    QComboBox *m_filter;
    QLabel *m_summary;
    QTreeView *m_view;
};

} // namespace orrery::ui
