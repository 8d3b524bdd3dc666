#pragma once

#include <QJsonObject>
#include <QMetaObject>
#include <QObject>

namespace orrery::ui {

class ChartsDock;
class DatasetDock;
class MapController;
class MapPage;
class ProjectSession;
class SearchDock;

/// What the window is showing, as JSON, and back: the set and layout, the camera (centre and
/// scale), the selected item ids, colour-by, the clustering shown, the search text, the search dock's filter and the
/// charts with their filters. Bookmarks store it. Restoring a state of another layout shows that
/// layout first and applies the rest once its points are in.
class ViewState final : public QObject {
    Q_OBJECT

public:
    ViewState(ProjectSession *session, MapController *controller, MapPage *map, DatasetDock *datasets,
              SearchDock *search, ChartsDock *charts, QObject *parent = nullptr);

    QJsonObject capture() const;
    void restore(const QJsonObject &state);
    /// True from restore() until its layout is in and everything is applied.
    bool isRestoring() const { return !m_pending.isEmpty(); }

signals:
    /// A restore is complete.
    void restored();

private:
    void layoutArrived(const QString &name, bool partial);
    void applyRest();

    ProjectSession *m_session;
    MapController *m_controller;
    MapPage *m_map;
    DatasetDock *m_datasets;
    SearchDock *m_search;
    ChartsDock *m_charts;
    QJsonObject m_pending;
    QMetaObject::Connection m_waitForPoints;
};

} // namespace orrery::ui
