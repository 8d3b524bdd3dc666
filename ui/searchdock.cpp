#include "searchdock.h"

#include "itemlistmodel.h"
#include "itemmodel.h"
#include "projectsession.h"
#include "uiutil.h"

#include "store/filters.h"
#include "store/project.h"
#include "store/search.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace orrery::ui {

namespace {

constexpr qint64 listLimit = 500;
constexpr qint64 highlightLimit = 200000;
constexpr int filterTags = 200;

QList<qint64> toList(const std::vector<qint64> &ids)
{
    return QList<qint64>(ids.begin(), ids.end());
}

} // namespace

SearchDock::SearchDock(ProjectSession *session, QWidget *parent)
    : QDockWidget(tr("Search"), parent), m_session(session), m_results(new ItemListModel(this))
{
    setObjectName(QStringLiteral("search"));
    m_results->setScoreTitle(QString());

    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(tr("Search titles, artists, text…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(fontMetrics().averageCharWidth() * 28);
    m_search->setMaximumWidth(fontMetrics().averageCharWidth() * 48);
    m_search->addAction(themedIcon("edit-find", "find"), QLineEdit::LeadingPosition);
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchTimer, &QTimer::timeout, this, [this] { runSearch(m_search->text()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        // Enter jumps to the best match.
        setSearchText(m_search->text());
        if (m_results->rowCount() > 0) {
            emit itemActivated(m_results->itemId(0));
            m_view->setCurrentIndex(m_results->index(0, ItemListModel::Name));
        }
    });

    m_filter = new QComboBox;
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setToolTip(tr("Dim the points outside a dataset, tag or label"));
    m_filter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_filter->setMinimumContentsLength(12);
    connect(m_filter, &QComboBox::activated, this, &SearchDock::applyFilter);
    m_view = new QTreeView;
    m_view->setModel(m_results);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setColumnHidden(ItemListModel::Score, true);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ItemListModel::Name, QHeaderView::Stretch);
    const auto activate = [this](const QModelIndex &index) {
        if (index.isValid())
            emit itemActivated(m_results->itemId(index.row()));
    };
    connect(m_view, &QAbstractItemView::activated, this, activate);
    connect(m_view, &QAbstractItemView::doubleClicked, this, activate);
    m_summary = new QLabel;
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setWordWrap(true);

    auto *panel = new QWidget;
    auto *layout = new QVBoxLayout(panel);
    const int gap = style()->pixelMetric(QStyle::PM_LayoutLeftMargin) / 2;
    layout->setContentsMargins(gap, 0, 0, 0);
    auto *filterRow = new QHBoxLayout;
    auto *filterLabel = new QLabel(tr("&Filter:"));
    filterLabel->setBuddy(m_filter);
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(m_filter, 1);
    layout->addLayout(filterRow);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    setWidget(panel);

    connect(m_session, &ProjectSession::aboutToClose, this, [this] {
        clearSearch();
        m_results->clear();
    });
    connect(m_session, &ProjectSession::datasetChanged, this, &SearchDock::refresh);
}

void SearchDock::setSearchText(const QString &text)
{
    if (m_search->text() != text) {
        m_search->blockSignals(true);
        m_search->setText(text);
        m_search->blockSignals(false);
    }
    m_searchTimer->stop();
    runSearch(text);
}

void SearchDock::clearSearch()
{
    m_search->blockSignals(true);
    m_search->clear();
    m_search->blockSignals(false);
    m_searchTimer->stop();
}

void SearchDock::refresh()
{
    runSearch(m_search->text());
}

void SearchDock::runSearch(const QString &text)
{
    emit searchApplied(text);
    const QString fts = ItemModel::ftsQuery(text);
    const qint64 dataset = m_session->datasetId();
    Project *project = m_session->project();
    if (fts.isEmpty() || !project || !dataset) {
        m_results->clear();
        m_summary->setText(text.trimmed().isEmpty() ? tr("Type in the search box to find items.")
                                                    : tr("No dataset selected."));
        emit searchResults({});
        return;
    }
    try {
        const std::vector<qint64> best = searchItems(*project, dataset, fts, listLimit, true);
        std::vector<qint64> matches = searchItems(*project, dataset, fts, highlightLimit, false);
        std::sort(matches.begin(), matches.end());
        m_results->setItems(*project, best);
        m_summary->setText(matches.empty() ? tr("No match for “%1”.").arg(text.trimmed())
                               : qint64(matches.size()) > listLimit
                               ? tr("%1 matches; the best %2 listed. Enter opens the first.")
                                     .arg(formatCount(qint64(matches.size())), formatCount(listLimit))
                               : tr("%n match(es). Enter opens the first.", nullptr, int(matches.size())));
        emit searchResults(toList(matches));
    } catch (const Error &e) {
        m_results->clear();
        m_summary->setText(e.message());
        emit searchResults({});
    }
}

void SearchDock::reloadFilter()
{
    m_filter->clear();
    m_filter->addItem(tr("Everything"), QStringList());
    Project *project = m_session->project();
    if (!project) {
        emit filterChanged({}, false);
        return;
    }
    try {
        for (const DatasetInfo &d : project->datasets())
            m_filter->addItem(tr("Dataset: %1").arg(d.name),
                              QStringList {QStringLiteral("dataset"), QString::number(d.id)});
        for (const TagChoice &tag : popularTags(*project, filterTags)) {
            const QString text = tag.kind == u"label" ? tr("Label: %1 (%2)") : tr("Tag: %1 (%2)");
            m_filter->addItem(text.arg(tag.name, formatCount(tag.items)), QStringList {tag.kind, tag.name});
        }
    } catch (const Error &e) {
        emit message(tr("Could not read the tags: %1").arg(e.message()), 8000);
    }
    emit filterChanged({}, false);
}

void SearchDock::applyFilter(int row)
{
    const QStringList what = m_filter->itemData(row).toStringList();
    Project *project = m_session->project();
    if (what.size() != 2 || !project) {
        emit filterChanged({}, false);
        emit message(tr("Filter off"), 4000);
        return;
    }
    try {
        std::vector<qint64> ids = what[0] == u"dataset" ? itemsInDataset(*project, what[1].toLongLong())
                                                        : itemsWithTag(*project, what[1], what[0]);
        std::sort(ids.begin(), ids.end());
        emit message(tr("Filter: %1 items admitted").arg(formatCount(qint64(ids.size()))), 6000);
        emit filterChanged(toList(ids), true);
    } catch (const Error &e) {
        emit message(e.message(), 8000);
    }
}

} // namespace orrery::ui
