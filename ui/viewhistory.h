#pragma once

#include "store/colouring.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QPointF>

class QUndoStack;

namespace orrery::ui {

class ChartsDock;
class MapPage;
class ScatterView;

/// The map's undo history: selection, chart filter, camera and colour-by changes as commands
/// of one QUndoStack (500 steps). A drag or a wheel burst (view changes less than 400 ms apart)
/// merges into one step. Undoing restores through the parts' setters without pushing anything;
/// another map (other rows) starts a new history.
class ViewHistory final : public QObject {
    Q_OBJECT

public:
    ViewHistory(MapPage *map, ChartsDock *charts, QObject *parent = nullptr);

    QUndoStack *stack() const { return m_stack; }
    /// True while a command restores state (the changes it causes are not recorded).
    bool isRestoring() const { return m_restoring; }
    /// View changes closer than this merge into one step (400 ms; 0 never merges).
    void setBurstInterval(int milliseconds) { m_burstMs = milliseconds; }

    // What the commands call.
    void restoreSelection(const QList<qint64> &ids);
    void restoreView(QPointF centre, double scale);
    void restoreFilters(const QJsonArray &charts);
    void restoreColourBy(ColourBy by);

private:
    void selectionChanged();
    void viewChanged();
    void colourChosen();
    /// Takes the map as it is as the starting point when its rows changed; true when they did.
    bool rebaseline();
    QList<qint64> selectedIds() const;

    MapPage *m_map;
    ScatterView *m_view;
    ChartsDock *m_charts;
    QUndoStack *m_stack;
    bool m_restoring = false;
    qint64 m_rows = -1;
    qint64 m_firstId = -1;
    QList<qint64> m_selection;
    QPointF m_centre;
    double m_scale = 1;
    ColourBy m_colourBy = ColourBy::None;
    QElapsedTimer m_lastView;
    int m_burstMs = 400;
};

} // namespace orrery::ui
