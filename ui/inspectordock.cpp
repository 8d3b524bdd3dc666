#include "inspectordock.h"

#include "datasetmodel.h"
#include "inspector.h"
#include "projectsession.h"

#include "store/itemdetails.h"

#include <algorithm>

namespace orrery::ui {

InspectorDock::InspectorDock(ProjectSession *session, const DatasetModel *datasets, QWidget *parent)
    : QDockWidget(tr("Inspector"), parent), m_session(session), m_datasets(datasets), m_inspector(new Inspector)
{
    setObjectName(QStringLiteral("inspector"));
    setWidget(m_inspector);
    connect(m_session, &ProjectSession::aboutToClose, this, [this] { m_inspector->setProject(nullptr); });
    connect(m_session, &ProjectSession::opened, this, [this] { m_inspector->setProject(m_session->project()); });
    connect(m_session, &ProjectSession::currentItemChanged, this, [this](qint64 id) {
        m_inspector->showItem(id);
        updateIndex();
    });
    connect(m_session, &ProjectSession::setChanged, this, &InspectorDock::updateIndex);
    connect(m_session, &ProjectSession::indexReady, this, &InspectorDock::updateIndex);
    connect(m_session, &ProjectSession::indexFailed, this, &InspectorDock::updateIndex);
}

QString InspectorDock::setForCurrentItem() const
{
    const QString &mapSet = m_session->set();
    const std::optional<ItemDetails> &item = m_inspector->details();
    if (!item)
        return mapSet;
    const QList<EmbeddingSetInfo> &sets = m_datasets->embeddingSets();
    const auto mapInfo = std::find_if(sets.begin(), sets.end(),
                                      [&](const EmbeddingSetInfo &s) { return s.name == mapSet; });
    if (mapInfo != sets.end() && mapInfo->kind == item->kind)
        return mapSet;
    for (const EmbeddingSetInfo &s : sets)
        if (s.kind == item->kind)
            for (const ItemDetails::Membership &m : item->datasets)
                if (m.dataset == s.dataset)
                    return s.name;
    return mapSet;
}

void InspectorDock::updateIndex()
{
    const QString set = setForCurrentItem();
    if (set.isEmpty()) {
        m_inspector->setIndex(nullptr, {});
        return;
    }
    const auto index = m_session->index(set);
    if (!index && m_datasets->indexOfSet(set).isValid())
        m_session->loadIndex(set);
    m_inspector->setIndex(index, set, !index && m_session->isLoadingIndex(set));
}

} // namespace orrery::ui
