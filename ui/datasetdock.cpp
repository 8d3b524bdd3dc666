#include "datasetdock.h"

#include "datasetmodel.h"
#include "mapcontroller.h"
#include "projectsession.h"

#include "pipeline/pipeline.h"
#include "store/project.h"

#include <QHeaderView>
#include <QTreeView>

#include <algorithm>

namespace orrery::ui {

DatasetDock::DatasetDock(ProjectSession *session, MapController *map, QWidget *parent)
    : QDockWidget(tr("Datasets"), parent), m_session(session), m_map(map), m_model(new DatasetModel(this))
{
    setObjectName(QStringLiteral("datasets"));
    m_view = new QTreeView;
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(DatasetModel::Name, QHeaderView::Stretch);
    // Names first in a narrow dock: kinds and counts other than items are in the tooltips and the status bar.
    for (const int column : {DatasetModel::Kind, DatasetModel::Sequences, DatasetModel::Entries, DatasetModel::Tags})
        m_view->setColumnHidden(column, true);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &DatasetDock::currentChanged);
    setWidget(m_view);

    connect(m_session, &ProjectSession::aboutToClose, this, [this] {
        // The project is going: nothing is to be shown for the tree's emptying.
        const bool was = std::exchange(m_syncing, true);
        m_model->clear();
        m_syncing = was;
    });
    connect(m_map, &MapController::projectUpdated, this, [this](const QString &current) {
        reload();
        if (!current.isEmpty())
            markCurrent(current);
    });
}

void DatasetDock::showProject()
{
    m_fresh = true;
    reload();
}

void DatasetDock::reload(qint64 selectDataset)
{
    const bool fresh = std::exchange(m_fresh, false);
    const QModelIndex before = m_view->currentIndex();
    const qint64 keepDataset = selectDataset ? selectDataset : m_model->datasetIdOf(before);
    const QString keepName = selectDataset ? QString() : before.data(DatasetModel::FullNameRole).toString();
    const int keepType = before.isValid() ? before.data(DatasetModel::TypeRole).toInt() : -1;
    const bool wasSyncing = std::exchange(m_syncing, true);
    try {
        m_model->reload(m_session->project());
    } catch (const Error &e) {
        emit message(tr("Could not read the project."), e.message());
    }
    QModelIndex target;
    if (fresh)
        target = m_model->indexOfLayout(newestLayout(0));
    else if (!selectDataset && keepType == DatasetModel::SetNode)
        target = m_model->indexOfSet(keepName);
    else if (!selectDataset && keepType == DatasetModel::LayoutNode)
        target = m_model->indexOfLayout(keepName);
    if (!target.isValid() && keepDataset)
        target = m_model->indexOfDataset(keepDataset);
    if (!target.isValid() && m_model->rowCount() > 0)
        target = m_model->index(0, DatasetModel::Name);
    // Same node as before: nothing to redo but the tree's own state.
    const bool same = target.isValid() && target.data(DatasetModel::FullNameRole) == keepName
        && target.data(DatasetModel::TypeRole).toInt() == keepType && !selectDataset && !fresh;
    m_syncing = same || wasSyncing;
    if (target.isValid()) {
        m_view->setCurrentIndex(target);
        m_view->expand(target.parent());
        m_view->expand(target);
    } else {
        currentChanged({});
    }
    m_syncing = wasSyncing;
    emit reloaded();
}

void DatasetDock::markCurrent(const QString &name)
{
    QModelIndex index = m_model->indexOfLayout(name);
    if (!index.isValid())
        index = m_model->indexOfSet(name);
    if (!index.isValid())
        return;
    const bool was = std::exchange(m_syncing, true);
    m_view->expand(index.parent());
    m_view->setCurrentIndex(index);
    m_syncing = was;
}

bool DatasetDock::selectDataset(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return false;
    m_view->setCurrentIndex(m_model->index(row, DatasetModel::Name));
    return true;
}

bool DatasetDock::selectDataset(qint64 id)
{
    const QModelIndex index = m_model->indexOfDataset(id);
    if (!index.isValid())
        return false;
    m_view->setCurrentIndex(index);
    return true;
}

bool DatasetDock::selectSet(const QString &setName)
{
    const QModelIndex index = m_model->indexOfSet(setName);
    if (!index.isValid())
        return false;
    m_view->expand(index.parent());
    m_view->setCurrentIndex(index);
    return true;
}

QString DatasetDock::newestLayout(qint64 datasetId) const
{
    const LayoutInfo *newest = nullptr;
    for (const LayoutInfo &l : m_model->layouts()) {
        if (datasetId && m_model->datasetIdOf(m_model->indexOfLayout(l.name)) != datasetId)
            continue;
        if (!newest || std::tie(l.created, l.id) > std::tie(newest->created, newest->id))
            newest = &l;
    }
    return newest ? newest->name : QString();
}

void DatasetDock::showSet(const QString &set)
{
    ProjectionMethod method = ProjectionMethod::Pca;
    for (const ProjectionMethod preferred : {ProjectionMethod::Umap, ProjectionMethod::Tsne})
        if (m_model->indexOfLayout(layoutName(set, preferred)).isValid()) {
            method = preferred;
            break;
        }
    m_map->showLayout(set, method);
}

void DatasetDock::currentChanged(const QModelIndex &current)
{
    const qint64 datasetId = m_model->datasetIdOf(current);
    m_session->setDataset(datasetId);
    if (m_syncing || !m_session->project())
        return;
    if (!current.isValid()) {
        m_session->setSet({});
        m_map->clear();
        return;
    }
    switch (m_model->nodeType(current)) {
    case DatasetModel::DatasetNode: {
        const QString &shown = m_session->set();
        if (!shown.isEmpty() && m_model->indexOfSet(shown).isValid()
            && m_model->datasetIdOf(m_model->indexOfSet(shown)) == datasetId)
            return; // already showing one of its sets
        if (const QString layout = newestLayout(datasetId); !layout.isEmpty()) {
            m_map->showStoredLayout(layout);
            return;
        }
        // No layout yet: the set its plan shows, else its first set.
        QString set;
        try {
            const QString planned = planFor(*m_session->project(), datasetId).mapSet;
            if (m_model->indexOfSet(planned).isValid())
                set = planned;
        } catch (const Error &) {
        }
        const QModelIndex node = m_model->index(current.row(), 0, current.parent());
        if (set.isEmpty() && m_model->rowCount(node) > 0)
            set = m_model->setNameOf(m_model->index(0, 0, node));
        if (set.isEmpty()) {
            m_session->setSet({});
            m_map->clear();
            return;
        }
        showSet(set);
        break;
    }
    case DatasetModel::SetNode: showSet(m_model->setNameOf(current)); break;
    case DatasetModel::LayoutNode: m_map->showStoredLayout(m_model->layoutOf(current)->name); break;
    }
}

} // namespace orrery::ui
