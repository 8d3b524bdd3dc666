#include "viewstate.h"

#include "chartsdock.h"
#include "datasetdock.h"
#include "mapcontroller.h"
#include "mappage.h"
#include "projectsession.h"
#include "scatterview.h"
#include "searchdock.h"

#include "store/colouring.h"

#include <QComboBox>
#include <QJsonArray>
#include <QLineEdit>

namespace orrery::ui {

ViewState::ViewState(ProjectSession *session, MapController *controller, MapPage *map, DatasetDock *datasets,
                     SearchDock *search, ChartsDock *charts, QObject *parent)
    : QObject(parent), m_session(session), m_controller(controller), m_map(map), m_datasets(datasets), m_search(search),
      m_charts(charts)
{
    connect(m_controller, &MapController::layoutReady, this,
            [this](const QString &name, const std::vector<double> &, const std::vector<qint64> &, bool partial) {
                layoutArrived(name, partial);
            });
}

QJsonObject ViewState::capture() const
{
    const ScatterView *view = m_map->view();
    QJsonObject o;
    o.insert(QStringLiteral("set"), m_session->set());
    o.insert(QStringLiteral("layout"), m_map->layoutName());
    o.insert(QStringLiteral("view"),
             QJsonObject {{QStringLiteral("x"), view->centre().x()},
                          {QStringLiteral("y"), view->centre().y()},
                          {QStringLiteral("scale"), view->scale()}});
    QJsonArray selection;
    for (const qint64 row : view->selection())
        selection.append(view->idOf(row));
    o.insert(QStringLiteral("selection"), selection);
    o.insert(QStringLiteral("colourBy"),
             m_map->isColouringByClusters() && !m_map->clusteringName().isEmpty() ? QStringLiteral("clusters")
                                                                                  : toString(m_map->colourBy()));
    o.insert(QStringLiteral("clusters"), m_map->clusteringName());
    o.insert(QStringLiteral("search"), m_search->searchEdit()->text());
    o.insert(QStringLiteral("filter"),
             QJsonArray::fromStringList(m_search->filterCombo()->currentData().toStringList()));
    o.insert(QStringLiteral("charts"), m_charts->state());
    return o;
}

void ViewState::restore(const QJsonObject &state)
{
    m_pending = state;
    const QString layout = state.value(QStringLiteral("layout")).toString();
    if (!layout.isEmpty() && layout != m_map->layoutName()) {
        m_controller->showStoredLayout(layout);
        m_datasets->markCurrent(layout);
        return; // layoutArrived goes on
    }
    applyRest();
}

void ViewState::layoutArrived(const QString &name, bool partial)
{
    if (m_pending.isEmpty() || partial || name != m_pending.value(QStringLiteral("layout")).toString())
        return;
    applyRest();
}

void ViewState::applyRest()
{
    ScatterView *view = m_map->view();
    if (!view->isReady() && view->pointCount() > 0) {
        // The view fits itself once its grid is built: the camera comes after that.
        disconnect(m_waitForPoints);
        m_waitForPoints = connect(view, &ScatterView::pointsReady, this, [this] {
            disconnect(m_waitForPoints);
            applyRest();
        });
        return;
    }
    const QJsonObject state = std::exchange(m_pending, {});
    ColourBy by;
    const QString colourBy = state.value(QStringLiteral("colourBy")).toString();
    const bool clusterColour = colourBy == u"clusters";
    if (fromString(colourBy, &by) && (by != m_map->colourBy() || m_map->isColouringByClusters()))
        m_map->setColourBy(by);
    // Bookmarks from before clusters were saved have no "clusters": the layout's own stay.
    if (state.contains(QStringLiteral("clusters"))) {
        const QString clusters = state.value(QStringLiteral("clusters")).toString();
        if (clusters != m_map->clusteringName() || clusterColour != m_map->isColouringByClusters())
            m_map->showClustering(clusters, clusterColour);
    }
    const QString search = state.value(QStringLiteral("search")).toString();
    if (search != m_search->searchEdit()->text())
        m_search->setSearchText(search);
    QStringList filter;
    for (const QJsonValue &v : state.value(QStringLiteral("filter")).toArray())
        filter.append(v.toString());
    QComboBox *combo = m_search->filterCombo();
    const int index = std::max(combo->findData(filter), 0);
    if (index != combo->currentIndex() || !filter.isEmpty()) {
        combo->setCurrentIndex(index);
        emit combo->activated(index); // the dock applies a filter on activation only
    }
    m_charts->setState(state.value(QStringLiteral("charts")).toArray());
    std::vector<qint64> rows;
    for (const QJsonValue &v : state.value(QStringLiteral("selection")).toArray())
        if (const qint64 row = view->rowOf(v.toInteger()); row >= 0)
            rows.push_back(row);
    view->setSelection(rows);
    const QJsonObject camera = state.value(QStringLiteral("view")).toObject();
    if (camera.contains(QStringLiteral("scale")))
        view->setView(
            QPointF(camera.value(QStringLiteral("x")).toDouble(), camera.value(QStringLiteral("y")).toDouble()),
            camera.value(QStringLiteral("scale")).toDouble());
    emit restored();
}

} // namespace orrery::ui
