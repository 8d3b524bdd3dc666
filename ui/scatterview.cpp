#include "scatterview.h"

#include "render/colormap.h"

#include <QFileInfo>
#include <QHash>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace orrery::ui {

namespace {

constexpr qint64 syncPrepareLimit = 50000; // below this the grid is built on the spot (a few ms)
constexpr int clickSlop = 4;
constexpr qsizetype maxSelectedLabels = 40;
constexpr qsizetype maxNeighbourLabels = 30;
constexpr int legendRows = 14;
constexpr double minScale = 1e-12, maxScale = 1e12;

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

} // namespace

std::vector<QRectF> placeLabels(const std::vector<LabelRequest> &requests, const QRectF &bounds, double gap,
                                const std::vector<QRectF> &obstacles)
{
    std::vector<QRectF> placed(requests.size());
    std::vector<QRectF> taken = obstacles;
    // A label may touch its own anchor's box but not another's.
    const double r = std::max(0.0, gap - 0.5);
    std::vector<QRectF> anchors;
    anchors.reserve(requests.size());
    for (const LabelRequest &q : requests)
        anchors.emplace_back(q.anchor.x() - r, q.anchor.y() - r, 2 * r, 2 * r);
    for (size_t i = 0; i < requests.size(); ++i) {
        const QPointF a = requests[i].anchor;
        const double w = requests[i].size.width(), h = requests[i].size.height();
        const QPointF corners[] = {
            {a.x() + gap, a.y() - h / 2}, {a.x() - gap - w, a.y() - h / 2}, {a.x() - w / 2, a.y() - gap - h},
            {a.x() - w / 2, a.y() + gap}, {a.x() + gap, a.y() - gap - h},   {a.x() - gap - w, a.y() - gap - h},
            {a.x() + gap, a.y() + gap},   {a.x() - gap - w, a.y() + gap},
        };
        for (const QPointF &c : corners) {
            const QRectF rect(c, QSizeF(w, h));
            if (!bounds.contains(rect))
                continue;
            const auto hits = [&](const QRectF &o) { return o.intersects(rect); };
            if (std::any_of(taken.begin(), taken.end(), hits))
                continue;
            bool onAnchor = false;
            for (size_t j = 0; j < anchors.size() && !onAnchor; ++j)
                onAnchor = j != i && anchors[j].intersects(rect);
            if (onAnchor)
                continue;
            placed[i] = rect;
            taken.push_back(rect);
            break;
        }
    }
    return placed;
}

ScatterView::ScatterView(QWidget *parent) : QWidget(parent), m_renderer(std::make_shared<MapRenderer>(0))
{
    m_workers.setMaxThreadCount(2);
    m_contourWorker = std::make_unique<ContourWorker>(this, [this] { update(); });
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(120, 90);
}

ScatterView::~ScatterView()
{
    if (m_renderCancel)
        m_renderCancel->store(true);
    m_workers.waitForDone();
}

// ---------------------------------------------------------------------------------------------
// Points

void ScatterView::setPoints(std::vector<double> xy, std::vector<qint64> ids)
{
    const qint64 n = qint64(xy.size() / 2);
    if (!ids.empty() && qint64(ids.size()) != n)
        ids.clear();
    const bool sameRows = n == m_count && ids == m_ids;
    m_count = n;
    m_ids = std::move(ids);
    m_idOrder.clear();
    if (!sameRows)
        resetRowState();
    if (m_fitOnNextSet) {
        m_fitPending = true;
        m_fitOnNextSet = false;
    }
    preparePoints(std::move(xy));
}

void ScatterView::updatePositions(std::vector<double> xy)
{
    if (qint64(xy.size() / 2) != m_count)
        return;
    // A converging layout spreads out: keep it in view until the user moves the view.
    if (m_autoFit)
        m_fitPending = true;
    preparePoints(std::move(xy));
}

void ScatterView::clear()
{
    setPoints({}, {});
}

void ScatterView::resetRowState()
{
    m_clusterList.clear();
    m_rowCluster.clear();
    m_clusterAnchors = {};
    m_clusterLabels.clear();
    m_colourLevel = -1;
    m_colours.reset();
    m_flags.reset();
    m_colouring = Colouring::None;
    m_palette.clear();
    m_categoryNames.clear();
    m_categoryCounts.clear();
    m_valueLabel.clear();
    const bool hadSelection = !m_selection.empty();
    m_selection.clear();
    m_highlighted.clear();
    m_path.clear();
    m_neighbours.clear();
    m_neighbourCentre = -1;
    m_current = -1;
    m_hover = -1;
    m_dimmed = false;
    if (hadSelection)
        emit selectionChanged();
}

bool ScatterView::isReady() const
{
    return m_points && m_prepareAdopted == m_prepareRequested;
}

void ScatterView::preparePoints(std::vector<double> xy)
{
    const quint64 generation = ++m_prepareRequested;
    if (qint64(xy.size() / 2) <= syncPrepareLimit) {
        adoptPoints(generation, std::make_shared<const MapPoints>(xy));
        return;
    }
    if (m_preparing) {
        m_prepareQueued.emplace(generation, std::move(xy));
        return;
    }
    launchPrepare(generation, std::move(xy));
}

void ScatterView::launchPrepare(quint64 generation, std::vector<double> xy)
{
    m_preparing = true;
    auto data = std::make_shared<std::vector<double>>(std::move(xy));
    m_workers.start([this, generation, data] {
        auto points = std::make_shared<const MapPoints>(*data);
        QMetaObject::invokeMethod(
            this,
            [this, generation, points] {
                m_preparing = false;
                adoptPoints(generation, points);
                if (m_prepareQueued) {
                    auto [queuedGeneration, queuedXy] = std::move(*m_prepareQueued);
                    m_prepareQueued.reset();
                    if (queuedGeneration > m_prepareAdopted)
                        launchPrepare(queuedGeneration, std::move(queuedXy));
                }
            },
            Qt::QueuedConnection);
    });
}

void ScatterView::adoptPoints(quint64 generation, std::shared_ptr<const MapPoints> points)
{
    if (generation <= m_prepareAdopted || points->count() != m_count)
        return;
    m_prepareAdopted = generation;
    m_points = std::move(points);
    rebuildClusterAnchors();
    if (m_fitPending && generation == m_prepareRequested) {
        m_fitPending = false;
        fitToData();
    }
    scheduleRender();
    emit pointsReady();
}

qint64 ScatterView::idOf(qint64 row) const
{
    if (row < 0 || row >= m_count)
        return -1;
    return m_ids.empty() ? row : m_ids[size_t(row)];
}

qint64 ScatterView::rowOf(qint64 id) const
{
    if (m_ids.empty())
        return id >= 0 && id < m_count ? id : -1;
    if (m_idOrder.empty()) {
        m_idOrder.resize(m_ids.size());
        for (size_t i = 0; i < m_ids.size(); ++i)
            m_idOrder[i] = qint64(i);
        std::sort(m_idOrder.begin(), m_idOrder.end(),
                  [this](qint64 a, qint64 b) { return m_ids[size_t(a)] < m_ids[size_t(b)]; });
    }
    const auto it = std::lower_bound(m_idOrder.begin(), m_idOrder.end(), id,
                                     [this](qint64 row, qint64 value) { return m_ids[size_t(row)] < value; });
    return it != m_idOrder.end() && m_ids[size_t(*it)] == id ? *it : -1;
}

QPointF ScatterView::position(qint64 row) const
{
    if (!m_points || row < 0 || row >= m_points->count())
        return {};
    return m_points->position(row);
}

// ---------------------------------------------------------------------------------------------
// Colours

QRgb ScatterView::categoryColour(qint32 index)
{
    return categoricalColour(index);
}

void ScatterView::setCategories(std::vector<qint32> perPoint, QStringList names)
{
    if (qint64(perPoint.size()) != m_count)
        return;
    qint32 top = -1;
    for (const qint32 c : perPoint)
        top = std::max(top, c);
    const qint32 categories = std::min<qint32>(std::max<qint32>(top + 1, qint32(names.size())), 65534);
    auto colours = std::make_shared<std::vector<quint16>>(perPoint.size());
    m_categoryCounts.assign(size_t(categories), 0);
    for (size_t i = 0; i < perPoint.size(); ++i) {
        const qint32 c = perPoint[i];
        const bool valid = c >= 0 && c < categories;
        (*colours)[i] = valid ? quint16(c + 1) : 0;
        if (valid)
            ++m_categoryCounts[size_t(c)];
    }
    m_palette.assign(size_t(categories) + 1, noneColour);
    for (qint32 c = 0; c < categories; ++c)
        m_palette[size_t(c) + 1] = categoricalColour(c);
    m_categoryNames = std::move(names);
    m_colours = std::move(colours);
    m_colouring = Colouring::Categories;
    m_colourLevel = -1;
    refitIfAutomatic();
    scheduleRender();
}

void ScatterView::setValues(std::vector<float> values, QString label)
{
    if (qint64(values.size()) != m_count)
        return;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const float v : values) {
        if (std::isfinite(v)) {
            lo = std::min(lo, double(v));
            hi = std::max(hi, double(v));
        }
    }
    if (!(lo <= hi))
        lo = hi = 0;
    const double span = hi > lo ? hi - lo : 1.0;
    auto colours = std::make_shared<std::vector<quint16>>(values.size());
    for (size_t i = 0; i < values.size(); ++i)
        (*colours)[i] = std::isfinite(values[i]) ? quint16(1 + std::lround((double(values[i]) - lo) / span * 255)) : 0;
    m_palette.assign(257, noneColour);
    const auto &table = ColourMap::viridis().table();
    std::copy(table.begin(), table.end(), m_palette.begin() + 1);
    m_valueMin = lo;
    m_valueMax = hi;
    m_valueLabel = std::move(label);
    m_colours = std::move(colours);
    m_colouring = Colouring::Values;
    m_colourLevel = -1;
    refitIfAutomatic();
    scheduleRender();
}

void ScatterView::clearColours()
{
    m_colours.reset();
    m_palette.clear();
    m_colouring = Colouring::None;
    m_colourLevel = -1;
    m_categoryNames.clear();
    m_categoryCounts.clear();
    refitIfAutomatic();
    scheduleRender();
}

// ---------------------------------------------------------------------------------------------
// Clusters and contours

void ScatterView::setClusters(const Clustering &clustering, const std::vector<qint64> &setIds)
{
    m_clusterList = clustering.clusters;
    m_rowCluster.assign(size_t(m_count), -1);
    if (setIds.empty()) {
        for (size_t r = 0; r < m_rowCluster.size() && r < clustering.assignment.size(); ++r)
            m_rowCluster[r] = clustering.assignment[r];
    } else {
        for (size_t i = 0; i < setIds.size() && i < clustering.assignment.size(); ++i)
            if (const qint64 row = rowOf(setIds[i]); row >= 0)
                m_rowCluster[size_t(row)] = clustering.assignment[i];
    }
    // Another clustering's labels must not linger while this one's anchors are built.
    m_clusterAnchors = {};
    m_clusterLabels.clear();
    rebuildClusterAnchors();
    if (m_colourLevel >= 0)
        colourByClusters(m_colourLevel);
    update();
}

void ScatterView::clearClusters()
{
    ++m_anchorGeneration;
    m_clusterList.clear();
    m_rowCluster.clear();
    m_clusterAnchors = {};
    m_clusterLabels.clear();
    if (m_colourLevel >= 0)
        clearColours();
    update();
}

void ScatterView::rebuildClusterAnchors()
{
    ++m_anchorGeneration;
    if (m_rowCluster.empty() || !m_points || m_points->count() != qint64(m_rowCluster.size())) {
        m_clusterAnchors = {};
        return;
    }
    if (qint64(m_rowCluster.size()) <= m_anchorSyncLimit) {
        m_clusterAnchors = ClusterAnchors(m_clusterList, m_rowCluster, *m_points);
        return;
    }
    // Positions that move (a converging layout) keep the previous anchors until the new ones come.
    if (!m_anchorBuilding)
        launchAnchorBuild();
}

void ScatterView::launchAnchorBuild()
{
    m_anchorBuilding = true;
    m_anchorWorkers.setMaxThreadCount(1);
    const quint64 generation = m_anchorGeneration;
    auto rows = std::make_shared<const std::vector<qint32>>(m_rowCluster);
    m_anchorWorkers.start([this, generation, rows, clusters = m_clusterList, points = m_points] {
        auto anchors = std::make_shared<ClusterAnchors>(clusters, *rows, *points);
        QMetaObject::invokeMethod(
            this,
            [this, generation, points, anchors] {
                m_anchorBuilding = false;
                if (generation == m_anchorGeneration && points == m_points) {
                    m_clusterAnchors = std::move(*anchors);
                    update();
                    emit clusterAnchorsReady();
                } else if (qint64(m_rowCluster.size()) > m_anchorSyncLimit && m_points
                           && m_points->count() == qint64(m_rowCluster.size())) {
                    launchAnchorBuild(); // a newer request came meanwhile: build that one
                }
            },
            Qt::QueuedConnection);
    });
}

void ScatterView::setClusterLabelsVisible(bool visible)
{
    m_clusterLabelsVisible = visible;
    update();
}

void ScatterView::colourByClusters(int level)
{
    if (m_rowCluster.empty() || m_clusterList.isEmpty())
        return;
    qint32 top = 0;
    for (const Cluster &c : m_clusterList)
        top = std::max(top, c.level);
    level = std::clamp(level, 0, int(top));
    // Categories: the clusters of that level in the clustering's order; rows map up from their finest cluster.
    QHash<qint32, qsizetype> index;
    for (qsizetype i = 0; i < m_clusterList.size(); ++i)
        index.insert(m_clusterList[i].id, i);
    QHash<qint32, qint32> category;
    QStringList names;
    for (const Cluster &c : m_clusterList) {
        if (c.level != level)
            continue;
        category.insert(c.id, qint32(names.size()));
        names.append(c.label.isEmpty() ? QString::number(c.id) : c.label);
    }
    QHash<qint32, qint32> ofFinest; // finest id → category
    std::vector<qint32> perRow(m_rowCluster.size(), -1);
    for (size_t r = 0; r < perRow.size(); ++r) {
        const qint32 id = m_rowCluster[r];
        if (id < 0)
            continue;
        auto known = ofFinest.constFind(id);
        if (known == ofFinest.constEnd()) {
            qint32 c = id, found = -1;
            for (int guard = 0; guard < 64 && c >= 0; ++guard) {
                if (const auto hit = category.constFind(c); hit != category.constEnd()) {
                    found = *hit;
                    break;
                }
                const auto at = index.constFind(c);
                c = at == index.constEnd() ? -1 : m_clusterList[*at].parent;
            }
            known = ofFinest.insert(id, found);
        }
        perRow[r] = *known;
    }
    setCategories(std::move(perRow), std::move(names));
    m_colourLevel = level;
}

void ScatterView::setContoursVisible(bool visible)
{
    if (visible == m_contoursVisible)
        return;
    m_contoursVisible = visible;
    if (!visible)
        m_contourWorker->clear();
    update();
}

// ---------------------------------------------------------------------------------------------
// Appearance

void ScatterView::setPointSize(double size)
{
    m_pointSize = std::max(0.0, size);
    scheduleRender();
}

double ScatterView::effectivePointSize() const
{
    if (m_pointSize > 0)
        return m_pointSize;
    return defaultPointSize(m_count);
}

void ScatterView::setOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.02, 1.0);
    scheduleRender();
}

void ScatterView::setDensityMode(DensityMode mode)
{
    m_densityMode = mode;
    scheduleRender();
}

void ScatterView::setLegendVisible(bool visible)
{
    m_legendVisible = visible;
    refitIfAutomatic();
    update();
}

// ---------------------------------------------------------------------------------------------
// Marks

std::vector<qint64> ScatterView::validRows(std::vector<qint64> rows) const
{
    std::erase_if(rows, [this](qint64 r) { return r < 0 || r >= m_count; });
    return rows;
}

std::vector<quint8> &ScatterView::flagsForWrite()
{
    if (!m_flags)
        m_flags = std::make_shared<std::vector<quint8>>(size_t(m_count), 0);
    else if (m_flags.use_count() > 1) // a frame in flight or the renderer's cache holds it
        m_flags = std::make_shared<std::vector<quint8>>(*m_flags);
    return *m_flags;
}

void ScatterView::setFlagBits(const std::vector<qint64> &oldRows, const std::vector<qint64> &newRows, quint8 bit)
{
    if (oldRows.empty() && newRows.empty())
        return;
    std::vector<quint8> &flags = flagsForWrite();
    for (const qint64 r : oldRows)
        flags[size_t(r)] &= quint8(~bit);
    for (const qint64 r : newRows)
        flags[size_t(r)] |= bit;
    scheduleRender();
}

void ScatterView::setSelection(std::vector<qint64> rows)
{
    rows = validRows(std::move(rows));
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (rows == m_selection)
        return;
    setFlagBits(m_selection, rows, Selected);
    m_selection = std::move(rows);
    if (m_current >= 0 && !std::binary_search(m_selection.begin(), m_selection.end(), m_current))
        m_current = m_selection.empty() ? -1 : m_selection.front();
    else if (m_current < 0 && !m_selection.empty())
        m_current = m_selection.front();
    update();
    emit selectionChanged();
}

void ScatterView::setCurrentRow(qint64 row)
{
    m_current = row >= 0 && row < m_count ? row : -1;
    update();
}

void ScatterView::setHighlighted(std::vector<qint64> rows)
{
    rows = validRows(std::move(rows));
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    setFlagBits(m_highlighted, rows, Highlighted);
    m_highlighted = std::move(rows);
}

void ScatterView::setDimmed(std::vector<quint8> mask)
{
    const bool any = qint64(mask.size()) == m_count
        && std::any_of(mask.begin(), mask.end(), [](quint8 m) { return m; });
    if (!any && !m_dimmed)
        return;
    std::vector<quint8> &flags = flagsForWrite();
    for (size_t i = 0; i < flags.size(); ++i)
        flags[i] = quint8((flags[i] & ~Dimmed) | (any && mask[i] ? Dimmed : 0));
    m_dimmed = any;
    scheduleRender();
}

void ScatterView::setFilter(const std::vector<qint64> &matching)
{
    std::vector<quint8> mask(size_t(m_count), 1);
    for (const qint64 r : matching) {
        if (r >= 0 && r < m_count)
            mask[size_t(r)] = 0;
    }
    setDimmed(std::move(mask));
}

void ScatterView::setPath(std::vector<qint64> rows)
{
    m_path = validRows(std::move(rows));
    update();
}

void ScatterView::setNeighbours(std::vector<qint64> rows, qint64 centre)
{
    m_neighbours = validRows(std::move(rows));
    m_neighbourCentre = centre >= 0 && centre < m_count ? centre : -1;
    update();
}

void ScatterView::setLabels(TextProvider labels)
{
    m_labels = std::move(labels);
    update();
}

void ScatterView::setCaptions(TextProvider captions)
{
    m_captions = std::move(captions);
}

QString ScatterView::labelText(qint64 row) const
{
    if (m_labels)
        return m_labels(row);
    if (m_captions)
        return m_captions(row);
    return {};
}

// ---------------------------------------------------------------------------------------------
// View

MapView ScatterView::view() const
{
    return MapView {m_centre, m_scale, QSizeF(size())};
}

void ScatterView::setViewInternal(QPointF centre, double scale, bool userChange)
{
    if (userChange)
        m_autoFit = false;
    scale = std::clamp(scale, minScale, maxScale);
    if (!std::isfinite(centre.x()) || !std::isfinite(centre.y()))
        return;
    if (centre == m_centre && scale == m_scale)
        return;
    m_centre = centre;
    m_scale = scale;
    scheduleRender();
    update();
    emit viewChanged();
}

void ScatterView::setView(QPointF centre, double scale)
{
    setViewInternal(centre, scale, true);
}

void ScatterView::fitToData()
{
    if (!m_points) {
        m_fitPending = true;
        return;
    }
    const QRectF b = m_points->bounds();
    double w = b.width(), h = b.height();
    if (w <= 0 && h <= 0)
        w = h = 1.0;
    const auto scaleFor = [&](const QRectF &area) {
        const double margin = 0.92;
        double scale = std::numeric_limits<double>::infinity();
        if (w > 0)
            scale = std::min(scale, area.width() * margin / w);
        if (h > 0)
            scale = std::min(scale, area.height() * margin / h);
        return scale;
    };
    // When the legend would cover points, shrink the fit step by step (down to half) and slide the
    // points towards the free corner until none is under it: in a small window a whole cluster
    // can otherwise hide behind the legend.
    const QRectF whole(rect());
    const QRectF legend = legendRect(whole, m_frameInfo);
    const double full = std::clamp(scaleFor(whole), minScale, maxScale);
    const auto coversPoints = [&](QPointF centre, double s) {
        const auto toData = [&](QPointF p) {
            return QPointF(centre.x() + (p.x() - whole.center().x()) / s,
                           centre.y() - (p.y() - whole.center().y()) / s);
        };
        const QRectF under = QRectF(toData(legend.topLeft()), toData(legend.bottomRight())).normalized();
        return !m_points->rowsInRect(under).empty();
    };
    QPointF centre = b.center();
    double scale = full;
    if (!legend.isNull() && coversPoints(centre, scale)) {
        bool found = false;
        for (int step = 1; step <= 10 && !found; ++step) {
            const double s = full * (1 - 0.05 * step);
            // Free pixels around the points at this scale, and the legend's corner to move away from.
            const double slackX = std::max(0.0, whole.width() * 0.96 - w * s) / 2;
            const double slackY = std::max(0.0, whole.height() * 0.96 - h * s) / 2;
            const double towardsX = legend.center().x() > whole.center().x() ? -1 : 1;
            const double towardsY = legend.center().y() < whole.center().y() ? 1 : -1; // screen y down
            for (const auto &[fx, fy] : {std::pair {1.0, 1.0}, {1.0, 0.5}, {0.5, 1.0}, {1.0, 0.0}, {0.0, 1.0}}) {
                const QPointF shift(towardsX * fx * slackX, towardsY * fy * slackY);
                const QPointF c(b.center().x() - shift.x() / s, b.center().y() + shift.y() / s);
                if (!coversPoints(c, s)) {
                    centre = c;
                    scale = s;
                    found = true;
                    break;
                }
            }
        }
    }
    setViewInternal(centre, scale, false);
    m_autoFit = true;
}

void ScatterView::refitIfAutomatic()
{
    if (m_autoFit && m_points)
        fitToData();
}

void ScatterView::zoomBy(double factor, std::optional<QPointF> anchor)
{
    if (!(factor > 0))
        return;
    const QPointF at = anchor.value_or(QPointF(width() / 2.0, height() / 2.0));
    const QPointF d = view().toData(at);
    const double scale = std::clamp(m_scale * factor, minScale, maxScale);
    const QPointF centre(d.x() - (at.x() - width() / 2.0) / scale, d.y() + (at.y() - height() / 2.0) / scale);
    setViewInternal(centre, scale, true);
}

void ScatterView::panBy(QPointF pixels)
{
    setViewInternal(QPointF(m_centre.x() - pixels.x() / m_scale, m_centre.y() + pixels.y() / m_scale), m_scale, true);
}

qint64 ScatterView::rowAt(QPointF screen, double radius) const
{
    if (!m_points)
        return -1;
    const double r = (radius + effectivePointSize() / 2) / m_scale;
    return m_points->nearest(view().toData(screen), r);
}

// ---------------------------------------------------------------------------------------------
// Rendering

RenderParams ScatterView::renderParams(const MapView &v, double dpr) const
{
    RenderParams p;
    p.view = v;
    p.devicePixelRatio = dpr;
    p.pointSize = effectivePointSize();
    p.opacity = m_opacity;
    p.density = m_densityMode;
    const QPalette &pal = palette();
    p.background = pal.color(QPalette::Base).rgb();
    p.selectedRing = pal.color(QPalette::Highlight).rgb();
    p.highlightRing = qRgb(255, 176, 0);
    if (m_colouring != Colouring::None && m_colours)
        p.palette = m_palette;
    else
        p.palette = {pal.color(QPalette::Base).lightness() < 128 ? qRgb(110, 168, 230) : qRgb(31, 95, 160)};
    p.colouredDensity = m_colouring != Colouring::None && m_colours;
    return p;
}

RenderInput ScatterView::renderInput() const
{
    return RenderInput {m_points, m_colouring != Colouring::None ? m_colours : nullptr, m_flags};
}

void ScatterView::scheduleRender()
{
    if (m_renderScheduled)
        return;
    m_renderScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_renderScheduled)
                renderNow();
        },
        Qt::QueuedConnection);
}

void ScatterView::renderNow()
{
    m_renderScheduled = false;
    if (width() <= 0 || height() <= 0)
        return;
    RenderJob job;
    job.generation = ++m_requested;
    job.input = renderInput();
    job.params = renderParams(view(), devicePixelRatioF());
    job.cancel = std::make_shared<std::atomic<bool>>(false);
    if (!m_staleSince.isValid())
        m_staleSince.start();
    if (m_rendering) {
        // Only the newest request waits; the one in flight stops early unless the screen has
        // been stale for too long, in which case it is shown when it lands.
        m_renderQueued = std::move(job);
        if (m_staleSince.elapsed() < m_staleBudget)
            m_renderCancel->store(true);
        return;
    }
    launchRender(std::move(job));
}

void ScatterView::launchRender(RenderJob job)
{
    m_rendering = true;
    m_renderCancel = job.cancel;
    m_workers.start([this, renderer = m_renderer, job = std::move(job)] {
        FrameInfo info;
        QImage image = renderer->render(job.input, job.params, &info, job.cancel.get());
        QMetaObject::invokeMethod(
            this,
            [this, generation = job.generation, image = std::move(image), info, v = job.params.view]() mutable {
                frameDone(generation, std::move(image), info, v);
            },
            Qt::QueuedConnection);
    });
}

void ScatterView::frameDone(quint64 generation, QImage image, FrameInfo info, MapView v)
{
    m_rendering = false;
    const bool latest = generation == m_requested;
    if (!image.isNull() && generation > m_frameGeneration
        && (latest || (m_staleSince.isValid() && m_staleSince.elapsed() >= m_staleBudget))) {
        m_frame = std::move(image);
        m_frameView = v;
        m_frameGeneration = generation;
        m_frameInfo = info;
        if (latest)
            m_staleSince.invalidate();
        else
            m_staleSince.restart();
        update();
        emit frameReady(generation);
    }
    if (m_renderQueued) {
        RenderJob next = std::move(*m_renderQueued);
        m_renderQueued.reset();
        launchRender(std::move(next));
    }
}

// ---------------------------------------------------------------------------------------------
// Painting

void ScatterView::paintEvent(QPaintEvent *)
{
    if (!m_frame.isNull() && m_frame.devicePixelRatio() != devicePixelRatioF())
        scheduleRender(); // moved to a screen of another scale
    QPainter p(this);
    const QColor background = palette().color(QPalette::Base);
    p.fillRect(rect(), background);
    const MapView v = view();
    if (!m_frame.isNull() && m_frameView.scale > 0) {
        // The last frame moved and scaled to the current view until the next one lands.
        const double r = v.scale / m_frameView.scale;
        const double dx = v.size.width() / 2 + (m_frameView.centre.x() - v.centre.x()) * v.scale
            - r * m_frameView.size.width() / 2;
        const double dy = v.size.height() / 2 - (m_frameView.centre.y() - v.centre.y()) * v.scale
            - r * m_frameView.size.height() / 2;
        p.save();
        p.setTransform(QTransform(r, 0, 0, r, dx, dy));
        p.drawImage(QPointF(0, 0), m_frame);
        p.restore();
    }
    if (m_contoursVisible && m_points) {
        // Cheap while the cached set serves this view; otherwise a new one starts on its thread.
        m_contourWorker->request(m_points, v);
        if (const std::shared_ptr<const ContourSet> &set = m_contourWorker->current())
            paintContours(p, *set, v, palette().color(QPalette::Text), background);
    }
    paintOverlays(p, v, QRectF(rect()), m_frameInfo, true);
}

QRectF ScatterView::legendRect(const QRectF &area, const FrameInfo &info) const
{
    if (!m_legendVisible)
        return {};
    const QFontMetricsF fm(font());
    const double line = fm.height() + 3, pad = 8;
    if (m_colouring == Colouring::Categories) {
        const qsizetype rows = std::min<qsizetype>(qsizetype(m_categoryCounts.size()), legendRows);
        if (rows == 0)
            return {};
        double w = 0;
        for (qsizetype i = 0; i < rows; ++i) {
            const QString name = m_categoryNames.value(i, QString::number(i));
            w = std::max(w,
                         fm.horizontalAdvance(name) + fm.horizontalAdvance(QString::number(m_categoryCounts[size_t(i)]))
                             + 12);
        }
        w = std::min(w, area.width() * 0.4);
        const double extra = qsizetype(m_categoryCounts.size()) > rows ? line : 0;
        const double h = rows * line + extra + 2 * pad;
        const double boxW = w + 14 + 3 * pad;
        return {area.right() - boxW - 10, area.top() + 10, boxW, h};
    }
    if (m_colouring == Colouring::Values || info.density) {
        const double w = std::max(150.0, fm.horizontalAdvance(m_valueLabel) + 2 * pad);
        return {area.right() - w - 10, area.top() + 10, w, 2 * line + 14 + 2 * pad};
    }
    return {};
}

void ScatterView::paintLegend(QPainter &p, const QRectF &box, const FrameInfo &info) const
{
    const QPalette &pal = palette();
    const QFontMetricsF fm(font());
    const double line = fm.height() + 3, pad = 8;
    p.setPen(withAlpha(pal.color(QPalette::Mid), 200));
    p.setBrush(withAlpha(pal.color(QPalette::Window), 225));
    p.drawRoundedRect(box, 5, 5);
    p.setPen(pal.color(QPalette::WindowText));
    if (m_colouring == Colouring::Categories) {
        const qsizetype total = qsizetype(m_categoryCounts.size());
        const qsizetype rows = std::min<qsizetype>(total, legendRows);
        double y = box.top() + pad;
        for (qsizetype i = 0; i < rows; ++i, y += line) {
            const QRectF swatch(box.left() + pad, y + (line - 10) / 2, 10, 10);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor::fromRgb(categoricalColour(qint32(i))));
            p.drawEllipse(swatch);
            p.setPen(pal.color(QPalette::WindowText));
            const QString count = QString::number(m_categoryCounts[size_t(i)]);
            const double countW = fm.horizontalAdvance(count);
            const QRectF text(swatch.right() + pad, y, box.right() - pad - countW - 6 - swatch.right() - pad, line);
            p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(m_categoryNames.value(i, QString::number(i)), Qt::ElideRight, text.width()));
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(QRectF(box.right() - pad - countW, y, countW, line), Qt::AlignRight | Qt::AlignVCenter, count);
        }
        if (total > rows) {
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(QRectF(box.left() + pad, y, box.width() - 2 * pad, line), Qt::AlignLeft | Qt::AlignVCenter,
                       tr("… %n more", nullptr, int(total - rows)));
        }
        return;
    }
    const bool values = m_colouring == Colouring::Values;
    const QString title = values ? m_valueLabel : tr("points per pixel");
    p.drawText(QRectF(box.left() + pad, box.top() + pad, box.width() - 2 * pad, line), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(title, Qt::ElideRight, box.width() - 2 * pad));
    const QRectF bar(box.left() + pad, box.top() + pad + line + 2, box.width() - 2 * pad, 12);
    p.setPen(Qt::NoPen);
    if (values || !info.density) {
        p.setBrush(ColourMap::viridis().gradient(bar.topLeft(), bar.topRight()));
    } else {
        QLinearGradient g(bar.topLeft(), bar.topRight());
        for (int i = 0; i <= 8; ++i)
            g.setColorAt(i / 8.0,
                         QColor::fromRgb(MapRenderer::densityColour(i / 8.0, pal.color(QPalette::Base).rgb())));
        p.setBrush(m_colouring == Colouring::None ? QBrush(g)
                                                  : QBrush(withAlpha(pal.color(QPalette::WindowText), 160)));
    }
    p.drawRect(bar);
    p.setPen(pal.color(QPalette::WindowText));
    const QString lo = values ? QString::number(m_valueMin, 'g', 4) : QStringLiteral("1");
    const QString hi = values ? QString::number(m_valueMax, 'g', 4)
                              : QString::number(std::max(1.0, info.maxDensity), 'f', 0);
    const QRectF under(bar.left(), bar.bottom() + 2, bar.width(), line);
    p.drawText(under, Qt::AlignLeft | Qt::AlignVCenter, lo);
    p.drawText(under, Qt::AlignRight | Qt::AlignVCenter, values ? hi : tr("%1 (log)").arg(hi));
}

void ScatterView::paintOverlays(QPainter &p, const MapView &v, const QRectF &area, const FrameInfo &info,
                                bool interactive)
{
    p.setRenderHint(QPainter::Antialiasing, true);
    const QPalette &pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor accent = pal.color(QPalette::Highlight);
    const auto at = [&](qint64 row) { return v.toScreen(m_points->position(row)); };
    // A ring with a halo in the background colour, visible over points of any colour.
    const auto ring = [&](QPointF c, double radius, const QColor &colour, double width) {
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(withAlpha(pal.color(QPalette::Base), 200), width + 2.5));
        p.drawEllipse(c, radius, radius);
        p.setPen(QPen(colour, width));
        p.drawEllipse(c, radius, radius);
    };
    const QRectF legend = m_legendVisible ? legendRect(area, info) : QRectF();
    if (m_points && m_points->count() == m_count) {
        // The path: a polyline with an arrow half-way along each long enough step, and ordinals.
        if (m_path.size() >= 2) {
            QPolygonF line;
            for (const qint64 r : m_path)
                line << at(r);
            const QColor pathColour = withAlpha(text, 210);
            p.setPen(QPen(pathColour, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.setBrush(Qt::NoBrush);
            p.drawPolyline(line);
            p.setBrush(pathColour);
            p.setPen(Qt::NoPen);
            for (qsizetype i = 0; i + 1 < line.size(); ++i) {
                const QPointF a = line[i], b = line[i + 1];
                const double len = std::hypot(b.x() - a.x(), b.y() - a.y());
                if (len < 28)
                    continue;
                const QPointF u((b.x() - a.x()) / len, (b.y() - a.y()) / len), n(-u.y(), u.x());
                const QPointF tip = (a + b) / 2 + u * 5;
                p.drawPolygon(QPolygonF {tip, tip - u * 10 + n * 4.5, tip - u * 10 - n * 4.5});
            }
            QFont small = font();
            small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.75));
            small.setBold(true);
            p.setFont(small);
            const QFontMetricsF fm(small);
            // Ordinals (all of them on short paths, else the ends); stops a few pixels apart share one badge.
            const bool all = line.size() <= 60;
            std::vector<std::pair<QPointF, QStringList>> badges;
            for (qsizetype i = 0; i < line.size(); ++i) {
                if (!all && i != 0 && i + 1 != line.size())
                    continue;
                const auto same = std::find_if(badges.begin(), badges.end(),
                                               [&](const auto &b) { return QLineF(b.first, line[i]).length() < 4; });
                if (same != badges.end())
                    same->second.append(QString::number(i + 1));
                else
                    badges.emplace_back(line[i], QStringList {QString::number(i + 1)});
            }
            for (const auto &[where, ordinals] : badges) {
                const QString label = ordinals.join(QStringLiteral("·"));
                const double h = fm.height() + 1, w = std::max(h, fm.horizontalAdvance(label) + 7);
                const QRectF badge(where.x() - w / 2, where.y() - h / 2, w, h);
                p.setPen(QPen(pathColour, 1));
                p.setBrush(pal.color(QPalette::Base));
                p.drawRoundedRect(badge, h / 2, h / 2);
                p.setPen(text);
                p.drawText(badge, Qt::AlignCenter, label);
            }
            p.setFont(font());
        }
        // Neighbours: a line from the centre to each, and a ring.
        const qint64 centre = m_neighbourCentre >= 0 ? m_neighbourCentre : m_current;
        if (!m_neighbours.empty()) {
            p.setBrush(Qt::NoBrush);
            if (centre >= 0) {
                p.setPen(QPen(withAlpha(accent, 170), 1.2));
                const QPointF c = at(centre);
                for (const qint64 r : m_neighbours)
                    p.drawLine(c, at(r));
            }
            for (const qint64 r : m_neighbours)
                ring(at(r), 5.5, accent, 1.8);
        }
        if (m_current >= 0)
            ring(at(m_current), 9, text, 2);
        if (interactive && m_hover >= 0)
            ring(at(m_hover), 7, withAlpha(text, 220), 1.5);

        // Labels: hovered first, then the current row, the selection and the neighbours.
        std::vector<qint64> rows;
        if (interactive && m_hover >= 0)
            rows.push_back(m_hover);
        if (m_current >= 0)
            rows.push_back(m_current);
        for (qsizetype i = 0; i < qsizetype(m_selection.size()) && i < maxSelectedLabels; ++i)
            rows.push_back(m_selection[size_t(i)]);
        for (qsizetype i = 0; i < qsizetype(m_neighbours.size()) && i < maxNeighbourLabels; ++i)
            rows.push_back(m_neighbours[size_t(i)]);
        std::vector<qint64> unique;
        std::vector<LabelRequest> requests;
        std::vector<QString> texts;
        std::vector<bool> strong; // the hovered and current rows' labels are bold
        QFont bold = font();
        bold.setBold(true);
        const QFontMetricsF fm(font()), fmBold(bold);
        for (const qint64 r : rows) {
            if (std::find(unique.begin(), unique.end(), r) != unique.end())
                continue;
            unique.push_back(r);
            const QPointF anchor = at(r);
            if (!area.contains(anchor))
                continue;
            QString label = labelText(r);
            if (label.isEmpty())
                continue;
            const bool isStrong = r == m_current || (interactive && r == m_hover);
            const QFontMetricsF &metrics = isStrong ? fmBold : fm;
            label = metrics.elidedText(label, Qt::ElideRight, 260);
            texts.push_back(label);
            strong.push_back(isStrong);
            requests.push_back({anchor, QSizeF(metrics.horizontalAdvance(label) + 10, metrics.height() + 4)});
        }
        std::vector<QRectF> obstacles;
        if (!legend.isNull())
            obstacles.push_back(legend.adjusted(-4, -4, 4, 4));
        // Cluster labels go through the same placer after the point labels, so neither overlaps
        // the other; crowded ones of either kind move out on a leader line.
        m_clusterLabels.clear();
        if (m_clusterLabelsVisible && !m_clusterAnchors.isEmpty())
            m_clusterLabels = clusterLabelRequests(m_clusterAnchors, v, font());
        const size_t pointLabels = requests.size();
        for (const LabelRequest &q : labelRequests(m_clusterLabels))
            requests.push_back(q);
        const std::vector<LabelPlacement> placed = placeLabelsWithLeaders(requests, area.adjusted(2, 2, -2, -2), 10,
                                                                          obstacles);
        for (size_t i = 0; i < m_clusterLabels.size(); ++i)
            m_clusterLabels[i].place = placed[pointLabels + i];
        std::erase_if(m_clusterLabels, [](const ClusterLabel &l) { return l.place.rect.isNull(); });
        const QColor base = pal.color(QPalette::Base);
        for (const ClusterLabel &l : m_clusterLabels)
            paintClusterLabel(p, l, text, base, interactive ? &m_labelSprites : nullptr);
        m_labelRects.assign(pointLabels, QRectF());
        m_leaderRects.clear();
        for (size_t i = 0; i < pointLabels; ++i) {
            const QRectF &box = placed[i].rect;
            m_labelRects[i] = box;
            if (box.isNull())
                continue;
            if (placed[i].leader) {
                m_leaderRects.push_back(box);
                const QLineF leader = leaderLine(requests[i].anchor, box);
                p.setPen(QPen(withAlpha(base, 160), 3));
                p.drawLine(leader);
                p.setPen(QPen(withAlpha(text, 200), 1));
                p.drawLine(leader);
            }
            p.setPen(QPen(withAlpha(text, 90), 1));
            p.setBrush(withAlpha(pal.color(QPalette::Base), 225));
            p.drawRoundedRect(box, 4, 4);
            p.setPen(text);
            p.setFont(strong[i] ? bold : font());
            p.drawText(box, Qt::AlignCenter, texts[i]);
        }
        p.setFont(font());
        std::erase_if(m_labelRects, [](const QRectF &r) { return r.isNull(); });
    }

    if (interactive && m_drag == Drag::Box) {
        p.setPen(QPen(accent, 1, Qt::DashLine));
        p.setBrush(withAlpha(accent, 40));
        p.drawRect(QRectF(m_pressPos, m_lastPos).normalized());
    } else if (interactive && m_drag == Drag::Lasso && m_lasso.size() > 1) {
        p.setPen(QPen(accent, 1.2, Qt::DashLine));
        p.setBrush(withAlpha(accent, 40));
        p.drawPolygon(m_lasso);
    }
    if (!legend.isNull())
        paintLegend(p, legend, info);
}

// ---------------------------------------------------------------------------------------------
// Interaction

void ScatterView::applySelection(std::vector<qint64> rows, SelectOp op)
{
    std::sort(rows.begin(), rows.end());
    std::vector<qint64> result;
    if (op == SelectOp::Replace) {
        result = std::move(rows);
    } else if (op == SelectOp::Add) {
        std::set_union(m_selection.begin(), m_selection.end(), rows.begin(), rows.end(), std::back_inserter(result));
    } else {
        std::set_symmetric_difference(m_selection.begin(), m_selection.end(), rows.begin(), rows.end(),
                                      std::back_inserter(result));
    }
    setSelection(std::move(result));
}

void ScatterView::setHover(qint64 row, QPoint pos)
{
    if (row == m_hover)
        return;
    m_hover = row;
    update();
    emit hovered(row);
    const QString caption = row < 0 ? QString() : (m_captions ? m_captions(row) : labelText(row));
    if (caption.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(mapToGlobal(pos), caption, this);
}

void ScatterView::wheelEvent(QWheelEvent *event)
{
    double steps = event->angleDelta().y() / 120.0;
    if (steps == 0 && !event->pixelDelta().isNull())
        steps = event->pixelDelta().y() / 60.0;
    if (steps != 0)
        zoomBy(std::pow(1.25, steps), event->position());
    event->accept();
}

void ScatterView::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = event->position();
    m_lastPos = event->position();
    m_pressModifiers = event->modifiers();
    if (event->button() == Qt::LeftButton) {
        if ((m_pressModifiers & Qt::AltModifier) || m_mode == Mode::LassoSelect)
            m_dragKind = Drag::Lasso;
        else if ((m_pressModifiers & Qt::ShiftModifier) || m_mode == Mode::BoxSelect)
            m_dragKind = Drag::Box;
        else
            m_dragKind = Drag::Pan;
    } else if (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton) {
        m_dragKind = Drag::Pan;
    } else {
        m_dragKind = Drag::None;
    }
    m_drag = m_dragKind == Drag::None ? Drag::None : Drag::Pending;
    m_lasso.clear();
    event->accept();
}

void ScatterView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_drag == Drag::Pending && (pos - m_pressPos).manhattanLength() > clickSlop) {
        m_drag = m_dragKind;
        if (m_drag == Drag::Lasso)
            m_lasso << m_pressPos;
        setHover(-1, pos.toPoint());
    }
    switch (m_drag) {
    case Drag::Pan: panBy(pos - m_lastPos); break;
    case Drag::Box: update(); break;
    case Drag::Lasso:
        if (m_lasso.isEmpty() || QLineF(m_lasso.last(), pos).length() >= 2)
            m_lasso << pos;
        update();
        break;
    case Drag::None: setHover(rowAt(pos), pos.toPoint()); break;
    case Drag::Pending: break;
    }
    m_lastPos = pos;
    event->accept();
}

void ScatterView::mouseReleaseEvent(QMouseEvent *event)
{
    const Drag drag = m_drag;
    m_drag = Drag::None;
    const QPointF pos = event->position();
    const bool adds = m_pressModifiers & Qt::ControlModifier;
    if (drag == Drag::Pending && event->button() == Qt::LeftButton) {
        const qint64 row = rowAt(pos);
        if (m_pressModifiers & Qt::ControlModifier) {
            if (row >= 0)
                applySelection({row}, SelectOp::Toggle);
        } else if (m_pressModifiers & Qt::ShiftModifier) {
            if (row >= 0)
                applySelection({row}, SelectOp::Add);
        } else {
            applySelection(row >= 0 ? std::vector<qint64> {row} : std::vector<qint64> {}, SelectOp::Replace);
        }
        if (row >= 0)
            setCurrentRow(row);
        emit clicked(row);
    } else if (drag == Drag::Box && m_points) {
        const QRectF screen = QRectF(m_pressPos, pos).normalized();
        const QRectF data(view().toData(screen.bottomLeft()), view().toData(screen.topRight()));
        applySelection(m_points->rowsInRect(data), adds ? SelectOp::Add : SelectOp::Replace);
    } else if (drag == Drag::Lasso && m_points) {
        m_lasso << pos;
        QPolygonF data;
        for (const QPointF &q : std::as_const(m_lasso))
            data << view().toData(q);
        applySelection(m_lasso.size() >= 3 ? m_points->rowsInPolygon(data) : std::vector<qint64> {},
                       adds ? SelectOp::Add : SelectOp::Replace);
    }
    m_lasso.clear();
    update();
    event->accept();
}

void ScatterView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        const qint64 row = rowAt(event->position());
        if (row >= 0)
            emit activated(row);
    }
    event->accept();
}

void ScatterView::keyPressEvent(QKeyEvent *event)
{
    const double step = 0.1 * std::min(width(), height());
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(1.25); break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore: zoomBy(0.8); break;
    case Qt::Key_Left: panBy(QPointF(step, 0)); break;
    case Qt::Key_Right: panBy(QPointF(-step, 0)); break;
    case Qt::Key_Up: panBy(QPointF(0, step)); break;
    case Qt::Key_Down: panBy(QPointF(0, -step)); break;
    case Qt::Key_Home:
    case Qt::Key_F: fitToData(); break;
    case Qt::Key_Escape:
        if (m_drag == Drag::Box || m_drag == Drag::Lasso) {
            m_drag = Drag::None;
            m_lasso.clear();
            update();
        } else {
            clearSelection();
        }
        break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

void ScatterView::leaveEvent(QEvent *event)
{
    setHover(-1, QPoint());
    QWidget::leaveEvent(event);
}

void ScatterView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_autoFit && m_points)
        fitToData();
    scheduleRender();
}

void ScatterView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        scheduleRender();
    QWidget::changeEvent(event);
}

// ---------------------------------------------------------------------------------------------
// Exports

QImage ScatterView::renderToImage(QSize size)
{
    if (size.isEmpty())
        size = this->size();
    MapView v = view();
    v.scale *= std::min(double(size.width()) / std::max(1, width()), double(size.height()) / std::max(1, height()));
    v.size = QSizeF(size);
    MapRenderer renderer(0);
    FrameInfo info;
    QImage image = renderer.render(renderInput(), renderParams(v, 1.0), &info);
    QPainter p(&image);
    if (m_contoursVisible && m_points)
        paintContours(p, computeContours(*m_points, v), palette().color(QPalette::Text),
                      palette().color(QPalette::Base));
    paintOverlays(p, v, QRectF(QPointF(0, 0), QSizeF(size)), info, false);
    return image;
}

bool ScatterView::saveSvg(const QString &path, qint64 maxVectorPoints)
{
    const MapView v = view();
    const QRectF area(QPointF(0, 0), v.size);
    std::vector<qint64> inView;
    if (m_points)
        inView = m_points->rowsInRect(v.dataRect());
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size());
    svg.setViewBox(area);
    svg.setTitle(tr("Orrery map"));
    QPainter p;
    if (!p.begin(&svg))
        return false;
    const RenderParams params = renderParams(v, 2.0);
    FrameInfo info;
    if (m_points && qint64(inView.size()) > maxVectorPoints) {
        MapRenderer renderer(0);
        const QImage points = renderer.render(renderInput(), params, &info);
        p.drawImage(area, points);
    } else {
        p.fillRect(area, QColor::fromRgb(params.background));
        p.setPen(Qt::NoPen);
        const double radius = params.pointSize / 2;
        for (const qint64 r : inView) {
            const quint8 flags = m_flags ? (*m_flags)[size_t(r)] : 0;
            const quint16 c = m_colours && m_colouring != Colouring::None ? (*m_colours)[size_t(r)] : 0;
            QColor colour = QColor::fromRgb(params.palette[std::min<size_t>(c, params.palette.size() - 1)]);
            colour.setAlphaF(float((flags & Dimmed) ? params.opacity * 0.35 : params.opacity));
            if (flags & (Selected | Highlighted)) {
                colour.setAlphaF(1.0f);
                p.setPen(QPen(QColor::fromRgb((flags & Selected) ? params.selectedRing : params.highlightRing), 1.5));
            } else {
                p.setPen(Qt::NoPen);
            }
            p.setBrush(colour);
            const double rr = (flags & (Selected | Highlighted)) ? std::max(radius + 0.5, 2.5) : radius;
            p.drawEllipse(v.toScreen(m_points->position(r)), rr, rr);
        }
    }
    if (m_contoursVisible && m_points)
        paintContours(p, computeContours(*m_points, v), palette().color(QPalette::Text),
                      QColor::fromRgb(params.background));
    paintOverlays(p, v, area, info, false);
    if (!p.end())
        return false;
    return QFileInfo(path).size() > 0;
}

} // namespace orrery::ui
