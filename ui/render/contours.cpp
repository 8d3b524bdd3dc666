#include "contours.h"

#include <QElapsedTimer>
#include <QPaintEngine>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace orrery::ui {

namespace {

// Blurs a w × h grid in place along x then y with a normalised Gaussian of `sigma` cells.
void gaussianBlur(std::vector<float> &grid, int w, int h, double sigma)
{
    const int radius = std::max(1, int(std::ceil(3 * sigma)));
    std::vector<float> kernel(size_t(2 * radius + 1));
    double sum = 0;
    for (int k = -radius; k <= radius; ++k)
        sum += kernel[size_t(k + radius)] = float(std::exp(-0.5 * k * k / (sigma * sigma)));
    for (float &k : kernel)
        k = float(k / sum);
    std::vector<float> line(size_t(std::max(w, h)));
    for (int y = 0; y < h; ++y) {
        float *row = grid.data() + qsizetype(y) * w;
        for (int x = 0; x < w; ++x) {
            float acc = 0;
            const int k0 = std::max(-radius, -x), k1 = std::min(radius, w - 1 - x);
            for (int k = k0; k <= k1; ++k)
                acc += kernel[size_t(k + radius)] * row[x + k];
            line[size_t(x)] = acc;
        }
        std::copy(line.begin(), line.begin() + w, row);
    }
    // Down the columns, a row at a time so reads stay sequential.
    std::vector<float> out(grid.size(), 0.0f);
    for (int y = 0; y < h; ++y) {
        float *dst = out.data() + qsizetype(y) * w;
        const int k0 = std::max(-radius, -y), k1 = std::min(radius, h - 1 - y);
        for (int k = k0; k <= k1; ++k) {
            const float weight = kernel[size_t(k + radius)];
            const float *src = grid.data() + qsizetype(y + k) * w;
            for (int x = 0; x < w; ++x)
                dst[x] += weight * src[x];
        }
    }
    grid.swap(out);
}

} // namespace

ContourSet computeContours(const MapPoints &points, const MapView &view, const ContourParams &params,
                           const std::atomic<bool> *cancel)
{
    QElapsedTimer clock;
    clock.start();
    ContourSet set;
    set.view = view;
    const double W = view.size.width(), H = view.size.height();
    if (points.count() == 0 || !(view.scale > 0) || W <= 0 || H <= 0 || params.masses.empty())
        return set;
    const double cell = std::max(1.0, params.cellPixels);
    const double margin = 3 * params.sigmaPixels;
    // Grid cells (logical pixels) from `origin`, with a ring of empty cells all round.
    const int gw = int(std::ceil((W + 2 * margin) / cell)) + 2, gh = int(std::ceil((H + 2 * margin) / cell)) + 2;
    const double ox = -margin - cell, oy = -margin - cell;
    std::vector<float> grid(size_t(gw) * size_t(gh), 0.0f);

    const QRectF near(view.toData(QPointF(-margin, H + margin)), view.toData(QPointF(W + margin, -margin)));
    int c0, c1, r0, r1;
    if (points.cellRange(near, c0, c1, r0, r1)) {
        const double *xy = points.sortedXy();
        const double s = view.scale, hw = W / 2, hh = H / 2, cx = view.centre.x(), cy = view.centre.y();
        const qint64 stride = points.gridWidth();
        for (int r = r0; r <= r1; ++r) {
            if (cancel && cancel->load(std::memory_order_relaxed))
                return {};
            const quint32 end = points.cellStart(r * stride + c1 + 1);
            for (quint32 i = points.cellStart(r * stride + c0); i < end; ++i) {
                const double gx = (hw + (xy[2 * size_t(i)] - cx) * s - ox) / cell;
                const double gy = (hh - (xy[2 * size_t(i) + 1] - cy) * s - oy) / cell;
                if (!(gx >= 1 && gx < gw - 1 && gy >= 1 && gy < gh - 1))
                    continue;
                grid[size_t(gy) * size_t(gw) + size_t(gx)] += 1.0f;
                ++set.points;
            }
        }
    }
    if (set.points == 0) {
        set.milliseconds = double(clock.nsecsElapsed()) / 1e6;
        return set;
    }
    gaussianBlur(grid, gw, gh, params.sigmaPixels / cell);
    for (int x = 0; x < gw; ++x)
        grid[size_t(x)] = grid[size_t(gh - 1) * size_t(gw) + size_t(x)] = 0;
    for (int y = 0; y < gh; ++y)
        grid[size_t(y) * size_t(gw)] = grid[size_t(y) * size_t(gw) + size_t(gw - 1)] = 0;
    if (cancel && cancel->load(std::memory_order_relaxed))
        return {};

    // Thresholds: the density above which the cells hold each share of the mass.
    std::vector<float> sorted;
    sorted.reserve(grid.size());
    double total = 0;
    for (const float v : grid)
        if (v > 0) {
            sorted.push_back(v);
            total += v;
        }
    std::sort(sorted.begin(), sorted.end(), std::greater<float>());
    std::vector<double> masses = params.masses;
    std::vector<double> thresholds(masses.size(), 0);
    {
        std::vector<size_t> order(masses.size());
        for (size_t k = 0; k < order.size(); ++k)
            order[k] = k;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return masses[a] < masses[b]; });
        double acc = 0;
        size_t at = 0;
        for (const size_t k : order) {
            const double want = std::clamp(masses[k], 0.0, 1.0) * total;
            while (at < sorted.size() && acc + sorted[at] < want)
                acc += sorted[at++];
            thresholds[k] = sorted[std::min(at, sorted.size() - 1)];
        }
    }

    const auto value = [&](int x, int y) { return double(grid[size_t(y) * size_t(gw) + size_t(x)]); };
    const auto at = [&](double x, double y) { return QPointF(ox + (x + 0.5) * cell, oy + (y + 0.5) * cell); };
    for (size_t k = 0; k < masses.size(); ++k) {
        ContourLevel level;
        level.mass = masses[k];
        level.density = thresholds[k];
        const double t = thresholds[k];
        if (t <= 0) {
            set.levels.push_back(std::move(level));
            continue;
        }
        for (int y = 0; y + 1 < gh; ++y) {
            for (int x = 0; x + 1 < gw; ++x) {
                const double a = value(x, y), b = value(x + 1, y), c = value(x + 1, y + 1), d = value(x, y + 1);
                const int index = (a >= t) | (b >= t) << 1 | (c >= t) << 2 | (d >= t) << 3;
                if (index == 0 || index == 15)
                    continue;
                const auto lerp = [&](double p, double q) { return (t - p) / (q - p); };
                const QPointF top = at(x + lerp(a, b), y), bottom = at(x + lerp(d, c), y + 1);
                const QPointF left = at(x, y + lerp(a, d)), right = at(x + 1, y + lerp(b, c));
                const auto seg = [&](QPointF p, QPointF q) { level.segments.emplace_back(p, q); };
                const bool centre = (a + b + c + d) / 4 >= t;
                switch (index) {
                case 1:
                case 14: seg(left, top); break;
                case 2:
                case 13: seg(top, right); break;
                case 3:
                case 12: seg(left, right); break;
                case 4:
                case 11: seg(right, bottom); break;
                case 6:
                case 9: seg(top, bottom); break;
                case 7:
                case 8: seg(left, bottom); break;
                case 5:
                    if (centre) {
                        seg(top, right);
                        seg(left, bottom);
                    } else {
                        seg(left, top);
                        seg(right, bottom);
                    }
                    break;
                case 10:
                    if (centre) {
                        seg(left, top);
                        seg(right, bottom);
                    } else {
                        seg(top, right);
                        seg(left, bottom);
                    }
                    break;
                default: break;
                }
            }
        }
        set.levels.push_back(std::move(level));
    }
    set.milliseconds = double(clock.nsecsElapsed()) / 1e6;
    return set;
}

std::shared_ptr<const ContourSet> ContourCache::get(const std::shared_ptr<const MapPoints> &points, const MapView &view,
                                                    const ContourParams &params, const std::atomic<bool> *cancel)
{
    if (!points)
        return {};
    if (m_set && m_points == points && m_params == params && m_set->view == view)
        return m_set;
    ContourSet set = computeContours(*points, view, params, cancel);
    if (cancel && cancel->load(std::memory_order_relaxed))
        return {};
    m_points = points;
    m_params = params;
    m_set = std::make_shared<const ContourSet>(std::move(set));
    return m_set;
}

namespace {

// Draws each level's segments as `segmentsOf` gives them (already in the painter's coordinates).
template<typename F>
void paintLevels(QPainter &p, const ContourSet &set, const QColor &line, const QColor &background, F &&segmentsOf)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    const bool raster = p.paintEngine() && p.paintEngine()->type() == QPaintEngine::Raster;
    const size_t n = set.levels.size();
    for (size_t k = 0; k < n; ++k) {
        const ContourLevel &level = set.levels[k];
        const std::vector<QLineF> &segments = segmentsOf(level);
        if (segments.empty())
            continue;
        // Rank by density: the densest (smallest mass) level is the boldest.
        size_t rank = 0;
        for (const ContourLevel &other : set.levels)
            rank += other.mass > level.mass;
        const double t = n > 1 ? double(rank) / double(n - 1) : 1.0;
        QColor halo = background;
        QColor colour = line;
        colour.setAlphaF(float(0.45 + 0.45 * t));
        if (raster) {
            // One-pixel cosmetic lines take the raster engine's fast path; wider ones are stroked
            // as outlines, which was most of the overlay's cost in a frame. The halo is the line
            // drawn a pixel off diagonally on either side instead.
            halo.setAlpha(120);
            QPen under(halo, 1.0);
            under.setCosmetic(true);
            p.setPen(under);
            for (const QPointF shift : {QPointF(0.8, 0.8), QPointF(-0.8, -0.8)}) {
                p.save();
                p.translate(shift / std::max(1e-9, std::sqrt(std::abs(p.worldTransform().determinant()))));
                p.drawLines(segments.data(), int(segments.size()));
                p.restore();
            }
            QPen pen(colour, 1.0);
            pen.setCosmetic(true);
            p.setPen(pen);
            p.drawLines(segments.data(), int(segments.size()));
            continue;
        }
        halo.setAlpha(110);
        QPen under(halo, 2.6);
        under.setCosmetic(true);
        p.setPen(under);
        p.drawLines(segments.data(), int(segments.size()));
        QPen pen(colour, 1.0 + 0.4 * t);
        pen.setCosmetic(true);
        p.setPen(pen);
        p.drawLines(segments.data(), int(segments.size()));
    }
    p.restore();
}

} // namespace

void paintContours(QPainter &p, const ContourSet &set, const QColor &line, const QColor &background)
{
    paintLevels(p, set, line, background,
                [](const ContourLevel &level) -> const std::vector<QLineF> & { return level.segments; });
}

void paintContours(QPainter &p, const ContourSet &set, const MapView &view, const QColor &line,
                   const QColor &background)
{
    const MapView &from = set.view;
    if (!(from.scale > 0) || !(view.scale > 0))
        return;
    if (from == view) {
        paintContours(p, set, line, background);
        return;
    }
    // The set's pixels to the view's: an affine map, worked out in double precision from the two
    // centres so it stays exact at deep zoom.
    const double r = view.scale / from.scale;
    const double dx = view.size.width() / 2 + (from.centre.x() - view.centre.x()) * view.scale
        - r * from.size.width() / 2;
    const double dy = view.size.height() / 2 - (from.centre.y() - view.centre.y()) * view.scale
        - r * from.size.height() / 2;
    const double W = view.size.width(), H = view.size.height(), pad = 3;
    std::vector<QLineF> mapped;
    paintLevels(p, set, line, background, [&](const ContourLevel &level) -> const std::vector<QLineF> & {
        mapped.clear();
        for (const QLineF &s : level.segments) {
            const double x1 = r * s.x1() + dx, y1 = r * s.y1() + dy, x2 = r * s.x2() + dx, y2 = r * s.y2() + dy;
            if (std::max(x1, x2) < -pad || std::min(x1, x2) > W + pad || std::max(y1, y2) < -pad
                || std::min(y1, y2) > H + pad)
                continue;
            mapped.emplace_back(x1, y1, x2, y2);
        }
        return mapped;
    });
}

MapView contourArea(const MapView &view, double grow)
{
    MapView area = view;
    area.size = QSizeF(std::ceil(view.size.width() * grow), std::ceil(view.size.height() * grow));
    return area;
}

bool contoursServe(const ContourSet &set, const MapView &view, double zoomTolerance)
{
    if (!(set.view.scale > 0) || !(view.scale > 0))
        return false;
    const double ratio = view.scale / set.view.scale;
    if (ratio > zoomTolerance || ratio < 1 / zoomTolerance)
        return false;
    // The view's data rectangle inside the set's, less the set's own margin of a kernel width or
    // so at its edges (where the grid was cut and lines close on the boundary).
    const QRectF have = set.view.dataRect();
    const double inset = 12 / set.view.scale;
    return have.adjusted(inset, inset, -inset, -inset).contains(view.dataRect());
}

ContourWorker::ContourWorker(QObject *context, std::function<void()> ready)
    : m_context(context), m_ready(std::move(ready))
{
    m_pool.setMaxThreadCount(1);
}

ContourWorker::~ContourWorker()
{
    *m_alive = false;
    if (m_cancel)
        m_cancel->store(true);
    m_pool.waitForDone();
}

bool ContourWorker::request(const std::shared_ptr<const MapPoints> &points, const MapView &view,
                            const ContourParams &params)
{
    if (!points || !(view.scale > 0) || view.size.isEmpty())
        return false;
    if (points != m_points || !(params == m_params)) {
        m_current.reset();
        m_points = points;
        m_params = params;
    } else if (m_current && contoursServe(*m_current, view)) {
        return false;
    }
    // The one in flight may still do (a small pan while it runs): wait for it rather than restart.
    if (m_running && !m_queued && m_cancel && !m_cancel->load()) {
        ContourSet probe;
        probe.view = m_runningArea;
        if (contoursServe(probe, view))
            return false;
    }
    Job job {++m_requested, points, contourArea(view), params};
    if (m_running) {
        if (m_cancel)
            m_cancel->store(true);
        m_queued = std::move(job);
        return true;
    }
    launch(std::move(job));
    return true;
}

void ContourWorker::clear()
{
    ++m_requested;
    m_queued.reset();
    if (m_cancel)
        m_cancel->store(true);
    m_current.reset();
    m_points.reset();
}

void ContourWorker::launch(Job job)
{
    m_running = true;
    m_runningArea = job.area;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_pool.start([this, job = std::move(job), cancel = m_cancel, alive = m_alive, context = m_context] {
        auto set = std::make_shared<const ContourSet>(computeContours(*job.points, job.area, job.params, cancel.get()));
        if (cancel->load())
            set.reset();
        // The context outlives this task (the destructor waits for it); `alive` guards the reply.
        QMetaObject::invokeMethod(
            context,
            [this, alive, generation = job.generation, points = job.points, params = job.params, set] {
                if (*alive)
                    finished(generation, points, params, set);
            },
            Qt::QueuedConnection);
    });
}

void ContourWorker::finished(quint64 generation, std::shared_ptr<const MapPoints> points, ContourParams params,
                             std::shared_ptr<const ContourSet> set)
{
    m_running = false;
    const bool adopted = set && generation == m_requested && points == m_points && params == m_params;
    if (adopted)
        m_current = std::move(set);
    if (m_queued) {
        Job next = std::move(*m_queued);
        m_queued.reset();
        launch(std::move(next));
    }
    if (adopted && m_ready)
        m_ready();
}

} // namespace orrery::ui
