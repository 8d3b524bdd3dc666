#pragma once

#include "store/attributes.h"

#include <QSet>
#include <QStringList>

#include <vector>

namespace orrery::ui {

/// The bars of one chart: a bucket per row (-1: no value), the buckets' names and, for a
/// histogram, its bin edges (names.size() + 1 of them).
struct ChartBuckets {
    std::vector<qint32> bucket;
    QStringList names;
    std::vector<double> edges; ///< numeric attributes only
    bool numeric = false;
};

/// Buckets an attribute: the `topCategories` commonest categories (ties by first appearance) and
/// "other" for the rest; numbers in `bins` equal bins between the finite minimum and maximum (one
/// bin per integer when they are integers spanning fewer than `bins` values).
ChartBuckets bucketize(const AttributeValues &values, int topCategories = 12, int bins = 20);

/// Linked charts over the rows of one map: each chart's filter is a set of its buckets; a row
/// passes a chart when the chart has no filter or the row's bucket is in it. The map dims rows
/// failing any chart; a chart's "all" counts are over rows passing every OTHER chart (a
/// cross-filter), so its own bars stay clickable.
class CrossFilter final {
public:
    void setRowCount(qint64 rows);
    qint64 rowCount() const { return m_rows; }
    /// Appends a chart without values (it passes every row); returns its index.
    int addChart();
    void removeChart(int chart);
    int chartCount() const { return int(m_charts.size()); }
    /// Values of a chart; their size must be rowCount() (else the chart is left empty). Keeps the
    /// filter's buckets by name.
    void setValues(int chart, const AttributeValues &values);
    const ChartBuckets &buckets(int chart) const { return m_charts[size_t(chart)].buckets; }
    bool hasValues(int chart) const { return !m_charts[size_t(chart)].buckets.bucket.empty(); }
    void setFilter(int chart, const QSet<qint32> &buckets);
    const QSet<qint32> &filter(int chart) const { return m_charts[size_t(chart)].filter; }
    /// The filter by bucket names (for bookmarks and undo).
    QStringList filterNames(int chart) const;
    void setFilterNames(int chart, const QStringList &names);
    bool anyFilter() const;

    bool passes(int chart, qint64 row) const;
    /// Rows passing every chart, ascending.
    std::vector<qint64> passingRows() const;
    /// One byte per row, 1 where some chart's filter fails; empty when no chart filters.
    std::vector<quint8> dimmedMask() const;
    /// Per bucket: rows passing every chart but `chart`.
    std::vector<qint64> allCounts(int chart) const;
    /// Per bucket: the given rows (ascending or not).
    std::vector<qint64> countsOf(int chart, const std::vector<qint64> &rows) const;

private:
    struct Chart {
        ChartBuckets buckets;
        QSet<qint32> filter;
    };
    qint64 m_rows = 0;
    std::vector<Chart> m_charts;
};

} // namespace orrery::ui
