#include "crossfilter.h"

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace orrery::ui {

namespace {

QString number(double v)
{
    return QLocale().toString(v, 'g', 4);
}

} // namespace

ChartBuckets bucketize(const AttributeValues &values, int topCategories, int bins)
{
    ChartBuckets out;
    out.numeric = values.numeric;
    if (!values.numeric) {
        std::vector<qint64> counts(size_t(values.names.size()), 0);
        for (const qint32 c : values.categories)
            if (c >= 0 && c < qint32(counts.size()))
                ++counts[size_t(c)];
        std::vector<qint32> order(counts.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](qint32 a, qint32 b) { return counts[size_t(a)] > counts[size_t(b)]; });
        while (!order.empty() && counts[size_t(order.back())] == 0)
            order.pop_back();
        const bool pooled = qsizetype(order.size()) > topCategories;
        const size_t kept = pooled ? size_t(std::max(topCategories - 1, 1)) : order.size();
        std::vector<qint32> remap(counts.size(), pooled ? qint32(kept) : -1);
        for (size_t i = 0; i < kept; ++i) {
            remap[size_t(order[i])] = qint32(i);
            out.names.append(values.names[order[i]]);
        }
        if (pooled)
            out.names.append(QStringLiteral("other"));
        out.bucket.resize(values.categories.size(), -1);
        for (size_t i = 0; i < values.categories.size(); ++i) {
            const qint32 c = values.categories[i];
            if (c >= 0 && c < qint32(remap.size()))
                out.bucket[i] = remap[size_t(c)];
        }
        return out;
    }
    double lo = INFINITY, hi = -INFINITY;
    bool integers = true;
    for (const double v : values.values) {
        if (!std::isfinite(v))
            continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        integers = integers && v == std::floor(v);
    }
    out.bucket.assign(values.values.size(), -1);
    if (lo > hi)
        return out;
    int n = bins;
    double width;
    if (integers && hi - lo + 1 <= bins) {
        n = int(hi - lo + 1);
        width = 1;
        lo -= 0.5;
    } else {
        width = hi > lo ? (hi - lo) / bins : 1;
    }
    for (int i = 0; i <= n; ++i)
        out.edges.push_back(lo + width * i);
    for (int i = 0; i < n; ++i)
        out.names.append(integers && width == 1 ? number(out.edges[size_t(i)] + 0.5)
                                                : QStringLiteral("%1–%2").arg(number(out.edges[size_t(i)]),
                                                                              number(out.edges[size_t(i) + 1])));
    for (size_t i = 0; i < values.values.size(); ++i) {
        const double v = values.values[i];
        if (std::isfinite(v))
            out.bucket[i] = std::clamp(qint32(std::floor((v - lo) / width)), 0, n - 1);
    }
    return out;
}

void CrossFilter::setRowCount(qint64 rows)
{
    m_rows = rows;
    for (Chart &c : m_charts) {
        c.buckets = {};
        c.filter.clear();
    }
}

int CrossFilter::addChart()
{
    m_charts.emplace_back();
    return int(m_charts.size()) - 1;
}

void CrossFilter::removeChart(int chart)
{
    m_charts.erase(m_charts.begin() + chart);
}

void CrossFilter::setValues(int chart, const AttributeValues &values)
{
    Chart &c = m_charts[size_t(chart)];
    const QStringList kept = filterNames(chart);
    c.buckets = values.size() == m_rows ? bucketize(values) : ChartBuckets();
    setFilterNames(chart, kept);
}

void CrossFilter::setFilter(int chart, const QSet<qint32> &buckets)
{
    m_charts[size_t(chart)].filter = buckets;
}

QStringList CrossFilter::filterNames(int chart) const
{
    const Chart &c = m_charts[size_t(chart)];
    QList<qint32> sorted(c.filter.begin(), c.filter.end());
    std::sort(sorted.begin(), sorted.end());
    QStringList out;
    for (const qint32 b : sorted)
        if (b >= 0 && b < c.buckets.names.size())
            out.append(c.buckets.names[b]);
    return out;
}

void CrossFilter::setFilterNames(int chart, const QStringList &names)
{
    Chart &c = m_charts[size_t(chart)];
    c.filter.clear();
    for (const QString &name : names)
        if (const qsizetype i = c.buckets.names.indexOf(name); i >= 0)
            c.filter.insert(qint32(i));
}

bool CrossFilter::anyFilter() const
{
    return std::any_of(m_charts.begin(), m_charts.end(), [](const Chart &c) { return !c.filter.isEmpty(); });
}

bool CrossFilter::passes(int chart, qint64 row) const
{
    const Chart &c = m_charts[size_t(chart)];
    if (c.filter.isEmpty())
        return true;
    if (c.buckets.bucket.empty())
        return true;
    return c.filter.contains(c.buckets.bucket[size_t(row)]);
}

std::vector<qint64> CrossFilter::passingRows() const
{
    std::vector<qint64> out;
    const std::vector<quint8> mask = dimmedMask();
    for (qint64 row = 0; row < m_rows; ++row)
        if (mask.empty() || !mask[size_t(row)])
            out.push_back(row);
    return out;
}

std::vector<quint8> CrossFilter::dimmedMask() const
{
    if (!anyFilter())
        return {};
    std::vector<quint8> mask(size_t(m_rows), 0);
    for (int chart = 0; chart < chartCount(); ++chart) {
        if (m_charts[size_t(chart)].filter.isEmpty())
            continue;
        for (qint64 row = 0; row < m_rows; ++row)
            if (!mask[size_t(row)] && !passes(chart, row))
                mask[size_t(row)] = 1;
    }
    return mask;
}

std::vector<qint64> CrossFilter::allCounts(int chart) const
{
    const ChartBuckets &b = m_charts[size_t(chart)].buckets;
    std::vector<qint64> counts(size_t(b.names.size()), 0);
    if (b.bucket.empty())
        return counts;
    std::vector<int> others;
    for (int c = 0; c < chartCount(); ++c)
        if (c != chart && !m_charts[size_t(c)].filter.isEmpty())
            others.push_back(c);
    for (qint64 row = 0; row < m_rows; ++row) {
        const qint32 k = b.bucket[size_t(row)];
        if (k < 0)
            continue;
        if (std::all_of(others.begin(), others.end(), [&](int c) { return passes(c, row); }))
            ++counts[size_t(k)];
    }
    return counts;
}

std::vector<qint64> CrossFilter::countsOf(int chart, const std::vector<qint64> &rows) const
{
    const ChartBuckets &b = m_charts[size_t(chart)].buckets;
    std::vector<qint64> counts(size_t(b.names.size()), 0);
    if (b.bucket.empty())
        return counts;
    for (const qint64 row : rows)
        if (row >= 0 && row < m_rows)
            if (const qint32 k = b.bucket[size_t(row)]; k >= 0)
                ++counts[size_t(k)];
    return counts;
}

} // namespace orrery::ui
