#include "viewhistory.h"

#include "chartsdock.h"
#include "mappage.h"
#include "scatterview.h"

#include <QComboBox>
#include <QUndoCommand>
#include <QUndoStack>

namespace orrery::ui {

namespace {

constexpr int viewCommandId = 1;

/// A command whose first redo() is the change already made.
class HistoryCommand : public QUndoCommand {
public:
    HistoryCommand(ViewHistory *history, const QString &text) : m_history(history) { setText(text); }
    void redo() final
    {
        if (std::exchange(m_first, false))
            return;
        apply(true);
    }
    void undo() final { apply(false); }

protected:
    virtual void apply(bool after) = 0;
    ViewHistory *m_history;

private:
    bool m_first = true;
};

class SelectionCommand final : public HistoryCommand {
public:
    SelectionCommand(ViewHistory *history, QList<qint64> before, QList<qint64> after)
        : HistoryCommand(history, ViewHistory::tr("Selection")), m_before(std::move(before)), m_after(std::move(after))
    {
    }

private:
    void apply(bool after) override { m_history->restoreSelection(after ? m_after : m_before); }
    QList<qint64> m_before, m_after;
};

class ViewCommand final : public HistoryCommand {
public:
    ViewCommand(ViewHistory *history, QPointF c0, double s0, QPointF c1, double s1, bool burst)
        : HistoryCommand(history, ViewHistory::tr("Zoom or Pan")), m_c0(c0), m_c1(c1), m_s0(s0), m_s1(s1),
          m_burst(burst)
    {
    }
    int id() const override { return viewCommandId; }
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *next = static_cast<const ViewCommand *>(other);
        if (!next->m_burst)
            return false;
        m_c1 = next->m_c1;
        m_s1 = next->m_s1;
        return true;
    }

private:
    void apply(bool after) override { m_history->restoreView(after ? m_c1 : m_c0, after ? m_s1 : m_s0); }
    QPointF m_c0, m_c1;
    double m_s0, m_s1;
    bool m_burst;
};

class FilterCommand final : public HistoryCommand {
public:
    FilterCommand(ViewHistory *history, QJsonArray before, QJsonArray after)
        : HistoryCommand(history, ViewHistory::tr("Chart Filter")), m_before(std::move(before)),
          m_after(std::move(after))
    {
    }

private:
    void apply(bool after) override { m_history->restoreFilters(after ? m_after : m_before); }
    QJsonArray m_before, m_after;
};

class ColourCommand final : public HistoryCommand {
public:
    ColourCommand(ViewHistory *history, ColourBy before, ColourBy after)
        : HistoryCommand(history, ViewHistory::tr("Colour By")), m_before(before), m_after(after)
    {
    }

private:
    void apply(bool after) override { m_history->restoreColourBy(after ? m_after : m_before); }
    ColourBy m_before, m_after;
};

} // namespace

ViewHistory::ViewHistory(MapPage *map, ChartsDock *charts, QObject *parent)
    : QObject(parent), m_map(map), m_view(map->view()), m_charts(charts), m_stack(new QUndoStack(this))
{
    m_stack->setUndoLimit(500);
    m_colourBy = m_map->colourBy();
    connect(m_view, &ScatterView::selectionChanged, this, &ViewHistory::selectionChanged);
    connect(m_view, &ScatterView::viewChanged, this, &ViewHistory::viewChanged);
    connect(m_map->colourCombo(), &QComboBox::activated, this, &ViewHistory::colourChosen);
    connect(m_charts, &ChartsDock::filtersChanged, this, [this](const QJsonArray &before, const QJsonArray &after) {
        if (!m_restoring && before != after)
            m_stack->push(new FilterCommand(this, before, after));
    });
}

bool ViewHistory::rebaseline()
{
    const qint64 rows = m_view->pointCount();
    const qint64 first = rows ? m_view->idOf(0) : -1;
    if (rows == m_rows && first == m_firstId)
        return false;
    m_rows = rows;
    m_firstId = first;
    m_selection = selectedIds();
    m_centre = m_view->centre();
    m_scale = m_view->scale();
    m_stack->clear();
    return true;
}

QList<qint64> ViewHistory::selectedIds() const
{
    QList<qint64> ids;
    ids.reserve(qsizetype(m_view->selection().size()));
    for (const qint64 row : m_view->selection())
        ids.append(m_view->idOf(row));
    return ids;
}

void ViewHistory::selectionChanged()
{
    if (rebaseline())
        return;
    QList<qint64> now = selectedIds();
    if (m_restoring || now == m_selection) {
        m_selection = std::move(now);
        return;
    }
    m_stack->push(new SelectionCommand(this, m_selection, now));
    m_selection = std::move(now);
}

void ViewHistory::viewChanged()
{
    if (rebaseline())
        return;
    const QPointF centre = m_view->centre();
    const double scale = m_view->scale();
    if (m_restoring || (centre == m_centre && scale == m_scale)) {
        m_centre = centre;
        m_scale = scale;
        return;
    }
    const bool burst = m_lastView.isValid() && m_lastView.elapsed() < m_burstMs;
    m_lastView.start();
    m_stack->push(new ViewCommand(this, m_centre, m_scale, centre, scale, burst));
    m_centre = centre;
    m_scale = scale;
}

void ViewHistory::colourChosen()
{
    const ColourBy now = m_map->colourBy();
    if (!m_restoring && now != m_colourBy)
        m_stack->push(new ColourCommand(this, m_colourBy, now));
    m_colourBy = now;
}

void ViewHistory::restoreSelection(const QList<qint64> &ids)
{
    const bool was = std::exchange(m_restoring, true);
    std::vector<qint64> rows;
    rows.reserve(size_t(ids.size()));
    for (const qint64 id : ids)
        if (const qint64 row = m_view->rowOf(id); row >= 0)
            rows.push_back(row);
    m_view->setSelection(rows);
    m_selection = selectedIds();
    m_restoring = was;
}

void ViewHistory::restoreView(QPointF centre, double scale)
{
    const bool was = std::exchange(m_restoring, true);
    m_view->setView(centre, scale);
    m_centre = m_view->centre();
    m_scale = m_view->scale();
    m_lastView.invalidate(); // the next change is a step of its own
    m_restoring = was;
}

void ViewHistory::restoreFilters(const QJsonArray &charts)
{
    const bool was = std::exchange(m_restoring, true);
    m_charts->setFilterState(charts);
    m_restoring = was;
}

void ViewHistory::restoreColourBy(ColourBy by)
{
    const bool was = std::exchange(m_restoring, true);
    m_map->setColourBy(by);
    m_colourBy = by;
    m_restoring = was;
}

} // namespace orrery::ui
