#include "itemspage.h"

#include "datasetmodel.h"
#include "itemmodel.h"
#include "projectsession.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace orrery::ui {

ItemsPage::ItemsPage(ProjectSession *session, const DatasetModel *datasets, QWidget *parent)
    : QWidget(parent), m_session(session), m_datasets(datasets), m_items(new ItemModel(this)),
      m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_items);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortLocaleAware(true);

    m_title = new QLabel;
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_view = new QTableView;
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setStretchLastSection(true);
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    // No sort column at first: the table keeps the dataset's own order until a header is clicked.
    header->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);
    const int ch = fontMetrics().averageCharWidth();
    m_view->setColumnWidth(ItemModel::Title, ch * 28);
    m_view->setColumnWidth(ItemModel::Artist, ch * 22);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        QList<qint64> ids;
        for (const QModelIndex &row : m_view->selectionModel()->selectedRows())
            ids.append(row.data(ItemModel::IdRole).toLongLong());
        m_session->setSelection(ids);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_session->setCurrentItem(current.data(ItemModel::IdRole).toLongLong());
            });
    connect(m_items, &QAbstractItemModel::modelReset, this, &ItemsPage::countsChanged);
    connect(m_items, &QAbstractItemModel::rowsInserted, this, &ItemsPage::countsChanged);
    connect(m_items, &ItemModel::failed, this,
            [this](const QString &text) { emit message(tr("Could not read the items: %1").arg(text), 8000); });

    auto *layout = new QVBoxLayout(this);
    const int margin = style()->pixelMetric(QStyle::PM_LayoutTopMargin) / 2;
    layout->setContentsMargins(margin, margin, margin, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_view, 1);

    connect(m_session, &ProjectSession::aboutToClose, m_items, &ItemModel::clear);
    connect(m_session, &ProjectSession::datasetChanged, this, &ItemsPage::showDataset);
}

void ItemsPage::setSearch(const QString &text)
{
    m_items->setSearch(text);
}

void ItemsPage::showDataset(qint64 datasetId)
{
    const int row = m_datasets->rowOf(datasetId);
    if (!m_session->project() || row < 0) {
        if (m_items->datasetId()) {
            m_items->setDataset(nullptr, 0);
            m_title->clear();
        }
        return;
    }
    if (m_items->datasetId() == datasetId)
        return;
    const DatasetInfo &info = m_datasets->dataset(row);
    m_title->setText(info.name);
    const bool music = info.kind == DatasetKind::Playlists;
    m_view->setColumnHidden(ItemModel::Artist, !music);
    m_view->setColumnHidden(ItemModel::Album, !music);
    m_items->setDataset(m_session->project(), info.id, info.items);
    m_view->scrollToTop();
    // Keys run from "science/01.txt" to 36-character URIs: fit them, and leave the rest to titles.
    const int ch = fontMetrics().averageCharWidth();
    for (const int column : {ItemModel::Key, ItemModel::Kind}) {
        m_view->resizeColumnToContents(column);
        m_view->setColumnWidth(column, std::clamp(m_view->columnWidth(column), ch * 8, ch * 44));
    }
}

} // namespace orrery::ui
