#pragma once

#include "crossfilter.h"

#include "store/attributes.h"

#include <QDockWidget>
#include <QJsonArray>
#include <QList>
#include <QPointer>

#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QToolButton;
class QVBoxLayout;

class QChart;
class QChartView;
class QAbstractBarSeries;
class QBarSet;
class QBarCategoryAxis;
class QValueAxis;

namespace orrery::ui {

class JobRunner;
class ScatterView;

/// One linked chart: an attribute chooser above a bar chart (categories, horizontal) or a
/// histogram (numbers), with the bars of all points passing the other charts and of the selection.
class ChartPanel final : public QWidget {
    Q_OBJECT

public:
    explicit ChartPanel(QWidget *parent = nullptr);

    QComboBox *attributeCombo() const { return m_attribute; }
    QChartView *chartView() const { return m_view; }
    QBarSet *allSet() const { return m_all; }
    QBarSet *selectionSet() const { return m_selection; }
    /// The attributes to choose from: combo data are {kind, field} pairs.
    void setChoices(const QStringList &fields, const QStringList &clusterings);
    void setSpec(const AttributeSpec &spec);
    AttributeSpec spec() const;
    /// New bars (names change: the axis is rebuilt) and which of them are in the filter.
    void showBars(const ChartBuckets &buckets, const std::vector<qint64> &all, const std::vector<qint64> &selection,
                  const QSet<qint32> &filter, const QString &status);
    /// The bucket a bar set's index stands for (horizontal charts list the first bucket on top).
    int bucketOfBar(int index) const;

signals:
    void attributeChosen();
    void barClicked(int bucket, Qt::KeyboardModifiers modifiers);
    void clearRequested();
    void removeRequested();

private:
    QComboBox *m_attribute;
    QToolButton *m_clear;
    QToolButton *m_remove;
    QChart *m_chart;
    QChartView *m_view;
    QAbstractBarSeries *m_series = nullptr;
    QBarSet *m_all = nullptr;
    QBarSet *m_selection = nullptr;
    QStringList m_names;
    bool m_horizontal = false;
};

/// Linked charts of the map's points (a cross-filter): a list of charts, each counting the rows of
/// the current map by an attribute read in a job. A click on a bar filters its chart to that bar
/// (Ctrl toggles bars, Shift extends a range of histogram bins) and selects the rows passing every
/// chart on the map; rows failing any chart (or the search dock's filter) are dimmed. Each chart's
/// "all" bars count rows passing the other charts, its "selection" bars the map's selection.
class ChartsDock final : public QDockWidget {
    Q_OBJECT

public:
    /// Reads one attribute for the rows of a map, on a worker thread.
    using AttributeSource = std::function<AttributeValues(const QString &projectPath, const std::vector<qint64> &ids,
                                                          const AttributeSpec &spec, JobContext &job)>;

    explicit ChartsDock(JobRunner *runner, QWidget *parent = nullptr);

    /// The map whose rows are counted and whose selection and dimming the charts drive.
    void setMapView(ScatterView *view);
    /// A project was opened (empty: closed): lists its JSON fields and clusterings; charts stay.
    void setProject(const QString &path, const QStringList &jsonFields, const QStringList &clusterings);
    /// The project's clusterings changed (one was computed): the charts offer them, keeping their choice.
    void setClusterings(const QStringList &clusterings);
    /// The rows of a new map (its item ids): every chart is read again; filters stay by bar name.
    void setRows(const std::vector<qint64> &ids);
    /// Replaces how attributes are read (tests; the store by default).
    void setAttributeSource(AttributeSource source) { m_source = std::move(source); }

    int addChart(const AttributeSpec &spec = {});
    void removeChart(int chart);
    int chartCount() const { return int(m_charts.size()); }
    ChartPanel *panel(int chart) const { return m_charts[size_t(chart)].panel; }
    void setAttribute(int chart, const AttributeSpec &spec);
    /// Values for a chart's rows as if read (a hand-made vector, e.g. cluster ids).
    void setValues(int chart, const AttributeValues &values);
    bool isLoading() const;

    /// What a click on a bar does (see the class comment).
    void clickBar(int chart, int bucket, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    void clearFilter(int chart);
    const CrossFilter &crossFilter() const { return m_filter; }

    /// The search dock's attribute filter, combined with the charts' into the map's dimming.
    void setSearchFilter(const QList<qint64> &admitted, bool active);

    /// The charts with their attributes and filters (by bar name), for bookmarks and undo.
    QJsonArray state() const;
    /// Replaces the charts; filters apply once their values are read. Emits no filtersChanged.
    void setState(const QJsonArray &state);
    /// Restores only the filters of the charts there are (undo); emits no filtersChanged.
    void setFilterState(const QJsonArray &state);

signals:
    /// A user's click changed the filters (for undo).
    void filtersChanged(const QJsonArray &before, const QJsonArray &after);
    /// Every chart has its values.
    void loaded();

private:
    struct Chart {
        ChartPanel *panel = nullptr;
        AttributeSpec spec;
        QStringList pendingFilter;
        quint64 serial = 0;
        bool loading = false;
        int lastBucket = -1;
    };
    int indexOf(ChartPanel *panel) const;
    void load(int chart);
    void applyFilters();
    void refresh();
    std::vector<qint64> rowsOf(const QList<qint64> &ids) const;

    JobRunner *m_runner;
    AttributeSource m_source;
    QPointer<ScatterView> m_view;
    QString m_projectPath;
    QStringList m_fields, m_clusterings;
    std::shared_ptr<const std::vector<qint64>> m_ids;
    CrossFilter m_filter;
    std::vector<Chart> m_charts;
    quint64 m_serial = 0;
    bool m_searchActive = false;
    QList<qint64> m_searchAdmitted;
    QVBoxLayout *m_list;
};

} // namespace orrery::ui
