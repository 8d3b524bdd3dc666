#include "chartsdock.h"

#include "jobrunner.h"
#include "scatterview.h"

#include "store/project.h"

#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QJsonObject>
#include <QLabel>
#include <QLegendMarker>
#include <QPushButton>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace orrery::ui {

namespace {

AttributeValues readFromStore(const QString &path, const std::vector<qint64> &ids, const AttributeSpec &spec,
                              JobContext &job)
{
    Project project(path);
    return readAttribute(project, ids, spec, job);
}

QJsonObject specJson(const AttributeSpec &spec, const QStringList &filter)
{
    QJsonObject o;
    o.insert(QStringLiteral("attribute"), toString(spec.kind));
    if (!spec.field.isEmpty())
        o.insert(QStringLiteral("field"), spec.field);
    o.insert(QStringLiteral("filter"), QJsonArray::fromStringList(filter));
    return o;
}

AttributeSpec specOf(const QJsonObject &o)
{
    AttributeSpec spec;
    fromString(o.value(QStringLiteral("attribute")).toString(), &spec.kind);
    spec.field = o.value(QStringLiteral("field")).toString();
    return spec;
}

QStringList filterOf(const QJsonObject &o)
{
    QStringList out;
    for (const QJsonValue &v : o.value(QStringLiteral("filter")).toArray())
        out.append(v.toString());
    return out;
}

} // namespace

// --- ChartPanel ---------------------------------------------------------------------------------

ChartPanel::ChartPanel(QWidget *parent) : QWidget(parent)
{
    m_attribute = new QComboBox;
    m_attribute->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_attribute->setMinimumContentsLength(12);
    m_attribute->setToolTip(tr("What this chart counts the map's points by"));
    connect(m_attribute, &QComboBox::activated, this, &ChartPanel::attributeChosen);
    m_clear = new QToolButton;
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Drop this chart's filter"));
    connect(m_clear, &QToolButton::clicked, this, &ChartPanel::clearRequested);
    m_remove = new QToolButton;
    m_remove->setText(tr("Remove"));
    m_remove->setToolTip(tr("Remove this chart"));
    connect(m_remove, &QToolButton::clicked, this, &ChartPanel::removeRequested);
    setChoices({}, {});

    m_chart = new QChart;
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(2, 2, 2, 2));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setAlignment(Qt::AlignTop);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_chart->legend()->setFont(small);
    m_chart->setTitleFont(small);
    m_view = new QChartView(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(fontMetrics().height() * 14);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_attribute, 1);
    top->addWidget(m_clear);
    top->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
}

void ChartPanel::setChoices(const QStringList &fields, const QStringList &clusterings)
{
    const AttributeSpec current = spec();
    m_attribute->clear();
    const std::pair<QString, AttributeKind> fixed[] = {
        {tr("Tag"), AttributeKind::Tag},
        {tr("Label"), AttributeKind::Label},
        {tr("Dataset"), AttributeKind::Dataset},
        {tr("Length"), AttributeKind::Length},
        {tr("Popularity"), AttributeKind::Popularity},
    };
    for (const auto &[text, kind] : fixed)
        m_attribute->addItem(text, QStringList {toString(kind), QString()});
    for (const QString &c : clusterings)
        m_attribute->addItem(tr("Cluster: %1").arg(c), QStringList {toString(AttributeKind::Cluster), c});
    for (const QString &f : fields)
        m_attribute->addItem(tr("Field: %1").arg(f), QStringList {toString(AttributeKind::Json), f});
    setSpec(current);
}

void ChartPanel::setSpec(const AttributeSpec &spec)
{
    const QStringList data {toString(spec.kind), spec.field};
    int index = m_attribute->findData(data);
    if (index < 0 && (spec.kind == AttributeKind::Json || spec.kind == AttributeKind::Cluster)) {
        // A field or clustering not listed (yet): offer it anyway, so a bookmark restores it.
        m_attribute->addItem(spec.kind == AttributeKind::Json ? tr("Field: %1").arg(spec.field)
                                                              : tr("Cluster: %1").arg(spec.field),
                             data);
        index = m_attribute->count() - 1;
    }
    m_attribute->setCurrentIndex(std::max(index, 0));
}

AttributeSpec ChartPanel::spec() const
{
    AttributeSpec spec;
    const QStringList data = m_attribute->currentData().toStringList();
    if (data.size() == 2) {
        fromString(data[0], &spec.kind);
        spec.field = data[1];
    }
    return spec;
}

int ChartPanel::bucketOfBar(int index) const
{
    return m_horizontal ? int(m_names.size()) - 1 - index : index;
}

void ChartPanel::showBars(const ChartBuckets &buckets, const std::vector<qint64> &all,
                          const std::vector<qint64> &selection, const QSet<qint32> &filter, const QString &status)
{
    const bool horizontal = !buckets.numeric;
    if (!m_series || buckets.names != m_names || horizontal != m_horizontal) {
        m_chart->removeAllSeries(); // deletes them; removeAxis() hands an axis back instead
        for (QAbstractAxis *axis : m_chart->axes()) {
            m_chart->removeAxis(axis);
            delete axis;
        }
        m_names = buckets.names;
        m_horizontal = horizontal;
        m_series = horizontal ? static_cast<QAbstractBarSeries *>(new QHorizontalBarSeries)
                              : static_cast<QAbstractBarSeries *>(new QBarSeries);
        m_series->setBarWidth(0.85);
        m_all = new QBarSet(tr("All"));
        m_all->setColor(QColor(0x7f, 0x9c, 0xc4));
        m_all->setSelectedColor(QColor(0x1f, 0x4e, 0x9c));
        m_selection = new QBarSet(tr("Selection"));
        m_selection->setColor(QColor(0xf0, 0x8a, 0x24));
        m_selection->setSelectedColor(QColor(0xc0, 0x5a, 0x00));
        m_series->append(m_all);
        m_series->append(m_selection);
        m_chart->addSeries(m_series);
        auto *categories = new QBarCategoryAxis;
        QStringList names = m_names;
        if (horizontal)
            std::reverse(names.begin(), names.end());
        // Long names would squeeze the bars: the axis shows a prefix, the tooltip the whole.
        for (QString &n : names)
            if (n.size() > 18)
                n = n.left(17) + u'…';
        categories->append(names);
        auto *values = new QValueAxis;
        values->setLabelFormat(QStringLiteral("%d"));
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        categories->setLabelsFont(small);
        values->setLabelsFont(small);
        if (!horizontal)
            categories->setLabelsAngle(m_names.size() > 6 ? -60 : 0);
        m_chart->addAxis(categories, horizontal ? Qt::AlignLeft : Qt::AlignBottom);
        m_chart->addAxis(values, horizontal ? Qt::AlignBottom : Qt::AlignLeft);
        m_series->attachAxis(categories);
        m_series->attachAxis(values);
        const auto clicked = [this](int index) {
            emit barClicked(bucketOfBar(index), QApplication::keyboardModifiers());
        };
        connect(m_all, &QBarSet::clicked, this, clicked);
        connect(m_selection, &QBarSet::clicked, this, clicked);
        connect(m_series, &QAbstractBarSeries::hovered, this, [this](bool on, int index, QBarSet *) {
            const int bucket = bucketOfBar(index);
            m_view->setToolTip(on && bucket >= 0 && bucket < m_names.size() ? tr("%1: %2 of all, %3 selected")
                                                                                  .arg(m_names[bucket])
                                                                                  .arg(m_all->at(index))
                                                                                  .arg(m_selection->at(index))
                                                                            : QString());
        });
    }
    const int n = int(m_names.size());
    QList<qreal> a(n), s(n);
    qint64 top = 1;
    for (int i = 0; i < n; ++i) {
        const int bar = horizontal ? n - 1 - i : i;
        a[bar] = qreal(all[size_t(i)]);
        s[bar] = qreal(selection[size_t(i)]);
        top = std::max({top, all[size_t(i)], selection[size_t(i)]});
    }
    m_all->remove(0, m_all->count());
    m_all->append(a);
    m_selection->remove(0, m_selection->count());
    m_selection->append(s);
    m_all->deselectAllBars();
    for (const qint32 bucket : filter)
        if (bucket >= 0 && bucket < n)
            m_all->selectBar(horizontal ? n - 1 - bucket : bucket);
    const auto axes = m_chart->axes(horizontal ? Qt::Horizontal : Qt::Vertical);
    if (!axes.isEmpty())
        if (auto *values = qobject_cast<QValueAxis *>(axes.first())) {
            values->setRange(0, double(top) * 1.05);
            values->applyNiceNumbers();
        }
    for (QAbstractAxis *axis : m_chart->axes())
        axis->setVisible(n > 0); // an empty chart shows its status, not a meaningless scale
    m_chart->setTitle(status);
    m_clear->setEnabled(!filter.isEmpty());
}

// --- ChartsDock ---------------------------------------------------------------------------------

ChartsDock::ChartsDock(JobRunner *runner, QWidget *parent)
    : QDockWidget(tr("Charts"), parent), m_runner(runner), m_source(readFromStore)
{
    setObjectName(QStringLiteral("charts"));
    auto *body = new QWidget;
    auto *layout = new QVBoxLayout(body);
    auto *add = new QPushButton(tr("Add Chart"));
    add->setToolTip(tr("Another chart: its bars filter the map together with the others'"));
    connect(add, &QPushButton::clicked, this, [this] { addChart(); });
    auto *hint = new QLabel(tr("Click a bar to select and filter; Ctrl adds bars, Shift a range."));
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *top = new QHBoxLayout;
    top->addWidget(hint, 1);
    top->addWidget(add);
    layout->addLayout(top);
    m_list = new QVBoxLayout;
    layout->addLayout(m_list);
    layout->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(body);
    setWidget(scroll);
}

void ChartsDock::setMapView(ScatterView *view)
{
    m_view = view;
    connect(view, &ScatterView::selectionChanged, this, &ChartsDock::refresh);
}

void ChartsDock::setProject(const QString &path, const QStringList &jsonFields, const QStringList &clusterings)
{
    m_projectPath = path;
    m_fields = jsonFields;
    m_clusterings = clusterings;
    for (const Chart &c : m_charts)
        c.panel->setChoices(m_fields, m_clusterings);
    m_searchActive = false;
    m_searchAdmitted.clear();
    setRows({});
}

void ChartsDock::setClusterings(const QStringList &clusterings)
{
    m_clusterings = clusterings;
    for (const Chart &c : m_charts)
        c.panel->setChoices(m_fields, m_clusterings);
}

void ChartsDock::setRows(const std::vector<qint64> &ids)
{
    if (m_ids && *m_ids == ids)
        return;
    for (int chart = 0; chart < chartCount(); ++chart)
        if (m_charts[size_t(chart)].pendingFilter.isEmpty())
            m_charts[size_t(chart)].pendingFilter = m_filter.filterNames(chart);
    m_ids = std::make_shared<const std::vector<qint64>>(ids);
    m_filter.setRowCount(qint64(ids.size()));
    for (int chart = 0; chart < chartCount(); ++chart)
        load(chart);
    refresh();
}

int ChartsDock::addChart(const AttributeSpec &spec)
{
    Chart c;
    c.panel = new ChartPanel;
    c.panel->setChoices(m_fields, m_clusterings);
    c.panel->setSpec(spec);
    c.spec = c.panel->spec();
    ChartPanel *panel = c.panel;
    connect(panel, &ChartPanel::attributeChosen, this, [this, panel] {
        if (const int i = indexOf(panel); i >= 0)
            setAttribute(i, panel->spec());
    });
    connect(panel, &ChartPanel::barClicked, this, [this, panel](int bucket, Qt::KeyboardModifiers modifiers) {
        if (const int i = indexOf(panel); i >= 0)
            clickBar(i, bucket, modifiers);
    });
    connect(panel, &ChartPanel::clearRequested, this, [this, panel] {
        if (const int i = indexOf(panel); i >= 0)
            clearFilter(i);
    });
    connect(panel, &ChartPanel::removeRequested, this, [this, panel] {
        if (const int i = indexOf(panel); i >= 0) {
            const QJsonArray before = state();
            const bool filtered = !m_filter.filter(i).isEmpty();
            removeChart(i);
            if (filtered)
                emit filtersChanged(before, state());
        }
    });
    m_charts.push_back(c);
    m_filter.addChart();
    m_list->addWidget(panel);
    const int chart = chartCount() - 1;
    load(chart);
    refresh();
    return chart;
}

void ChartsDock::removeChart(int chart)
{
    if (chart < 0 || chart >= chartCount())
        return;
    delete m_charts[size_t(chart)].panel;
    m_charts.erase(m_charts.begin() + chart);
    m_filter.removeChart(chart);
    applyFilters();
    refresh();
}

int ChartsDock::indexOf(ChartPanel *panel) const
{
    for (size_t i = 0; i < m_charts.size(); ++i)
        if (m_charts[i].panel == panel)
            return int(i);
    return -1;
}

void ChartsDock::setAttribute(int chart, const AttributeSpec &spec)
{
    Chart &c = m_charts[size_t(chart)];
    const bool filtered = !m_filter.filter(chart).isEmpty();
    const QJsonArray before = state();
    c.spec = spec;
    c.panel->setSpec(spec);
    c.pendingFilter.clear();
    m_filter.setFilter(chart, {});
    m_filter.setValues(chart, {});
    load(chart);
    if (filtered) {
        applyFilters();
        emit filtersChanged(before, state());
    }
    refresh();
}

void ChartsDock::load(int chart)
{
    Chart &c = m_charts[size_t(chart)];
    c.serial = ++m_serial;
    c.loading = false;
    if (!m_ids || m_ids->empty() || m_projectPath.isEmpty())
        return;
    c.loading = true;
    const quint64 serial = c.serial;
    ChartPanel *panel = c.panel;
    JobSpec spec;
    spec.label = tr("Chart of %1").arg(panel->attributeCombo()->currentText());
    spec.context = panel;
    spec.onReady = JobRunner::typed<AttributeValues>([this, panel, serial](AttributeValues values) {
        const int i = indexOf(panel);
        if (i < 0 || m_charts[size_t(i)].serial != serial)
            return;
        setValues(i, values);
    });
    spec.onFailed = [this, panel, serial](const QString &message) {
        const int i = indexOf(panel);
        if (i < 0 || m_charts[size_t(i)].serial != serial)
            return;
        m_charts[size_t(i)].loading = false;
        panel->chartView()->chart()->setTitle(message);
        if (!isLoading())
            emit loaded();
    };
    m_runner->start(spec, [source = m_source, path = m_projectPath, ids = m_ids, attribute = c.spec](JobRun &job) {
        return std::any(source(path, *ids, attribute, job));
    });
}

void ChartsDock::setValues(int chart, const AttributeValues &values)
{
    Chart &c = m_charts[size_t(chart)];
    c.loading = false;
    c.serial = ++m_serial; // a job still running for the chart is outdated
    m_filter.setValues(chart, values);
    if (!c.pendingFilter.isEmpty()) {
        m_filter.setFilterNames(chart, c.pendingFilter);
        c.pendingFilter.clear();
    }
    applyFilters();
    refresh();
    if (!isLoading())
        emit loaded();
}

bool ChartsDock::isLoading() const
{
    return std::any_of(m_charts.begin(), m_charts.end(), [](const Chart &c) { return c.loading; });
}

void ChartsDock::clickBar(int chart, int bucket, Qt::KeyboardModifiers modifiers)
{
    if (chart < 0 || chart >= chartCount() || bucket < 0 || bucket >= m_filter.buckets(chart).names.size())
        return;
    const QJsonArray before = state();
    Chart &c = m_charts[size_t(chart)];
    QSet<qint32> filter = m_filter.filter(chart);
    if (modifiers & Qt::ShiftModifier && c.lastBucket >= 0) {
        for (int b = std::min(c.lastBucket, bucket); b <= std::max(c.lastBucket, bucket); ++b)
            filter.insert(b);
    } else if (modifiers & Qt::ControlModifier) {
        if (!filter.remove(bucket))
            filter.insert(bucket);
        c.lastBucket = bucket;
    } else {
        filter = filter == QSet<qint32> {bucket} ? QSet<qint32>() : QSet<qint32> {bucket};
        c.lastBucket = bucket;
    }
    m_filter.setFilter(chart, filter);
    applyFilters();
    if (m_view)
        m_view->setSelection(m_filter.anyFilter() ? m_filter.passingRows() : std::vector<qint64>());
    refresh();
    emit filtersChanged(before, state());
}

void ChartsDock::clearFilter(int chart)
{
    if (m_filter.filter(chart).isEmpty())
        return;
    const QJsonArray before = state();
    m_filter.setFilter(chart, {});
    applyFilters();
    refresh();
    emit filtersChanged(before, state());
}

std::vector<qint64> ChartsDock::rowsOf(const QList<qint64> &ids) const
{
    std::vector<qint64> rows;
    if (!m_view)
        return rows;
    rows.reserve(size_t(ids.size()));
    for (const qint64 id : ids)
        if (const qint64 row = m_view->rowOf(id); row >= 0)
            rows.push_back(row);
    return rows;
}

void ChartsDock::setSearchFilter(const QList<qint64> &admitted, bool active)
{
    m_searchActive = active;
    m_searchAdmitted = active ? admitted : QList<qint64>();
    applyFilters();
}

void ChartsDock::applyFilters()
{
    if (!m_view || m_view->pointCount() != m_filter.rowCount())
        return;
    std::vector<quint8> mask = m_filter.dimmedMask();
    if (m_searchActive) {
        std::vector<quint8> search(size_t(m_filter.rowCount()), 1);
        for (const qint64 row : rowsOf(m_searchAdmitted))
            search[size_t(row)] = 0;
        if (mask.empty())
            mask = std::move(search);
        else
            for (size_t i = 0; i < mask.size(); ++i)
                mask[i] |= search[i];
    }
    if (mask.empty())
        m_view->clearFilter();
    else
        m_view->setDimmed(std::move(mask));
}

void ChartsDock::refresh()
{
    const std::vector<qint64> none;
    const std::vector<qint64> &selection = m_view && m_view->pointCount() == m_filter.rowCount() ? m_view->selection()
                                                                                                 : none;
    for (int chart = 0; chart < chartCount(); ++chart) {
        const Chart &c = m_charts[size_t(chart)];
        QString status;
        if (c.loading)
            status = tr("Reading…");
        else if (!m_filter.hasValues(chart))
            status = m_filter.rowCount() ? QString() : tr("No map");
        else if (m_filter.buckets(chart).names.isEmpty())
            status = tr("No values on this map");
        c.panel->showBars(m_filter.buckets(chart), m_filter.allCounts(chart), m_filter.countsOf(chart, selection),
                          m_filter.filter(chart), status);
    }
}

QJsonArray ChartsDock::state() const
{
    QJsonArray out;
    for (int chart = 0; chart < chartCount(); ++chart) {
        const Chart &c = m_charts[size_t(chart)];
        out.append(specJson(c.spec, c.pendingFilter.isEmpty() ? m_filter.filterNames(chart) : c.pendingFilter));
    }
    return out;
}

void ChartsDock::setState(const QJsonArray &state)
{
    while (chartCount())
        removeChart(chartCount() - 1);
    for (const QJsonValue &v : state) {
        const QJsonObject o = v.toObject();
        const int chart = addChart(specOf(o));
        m_charts[size_t(chart)].pendingFilter = filterOf(o);
    }
    applyFilters();
    refresh();
}

void ChartsDock::setFilterState(const QJsonArray &state)
{
    bool same = state.size() == chartCount();
    for (int chart = 0; same && chart < chartCount(); ++chart)
        same = specOf(state[chart].toObject()) == m_charts[size_t(chart)].spec;
    if (!same) {
        setState(state);
        return;
    }
    for (int chart = 0; chart < chartCount(); ++chart) {
        const QStringList names = filterOf(state[chart].toObject());
        if (m_filter.hasValues(chart))
            m_filter.setFilterNames(chart, names);
        else
            m_charts[size_t(chart)].pendingFilter = names;
    }
    applyFilters();
    refresh();
}

} // namespace orrery::ui
