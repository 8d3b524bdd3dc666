#include "contours.h"

#include <QElapsedTimer>
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

void paintContours(QPainter &p, const ContourSet &set, const QColor &line, const QColor &background)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    const size_t n = set.levels.size();
    for (size_t k = 0; k < n; ++k) {
        const ContourLevel &level = set.levels[k];
        if (level.segments.empty())
            continue;
        // Rank by density: the densest (smallest mass) level is the boldest.
        size_t rank = 0;
        for (const ContourLevel &other : set.levels)
            rank += other.mass > level.mass;
        const double t = n > 1 ? double(rank) / double(n - 1) : 1.0;
        QColor halo = background;
        halo.setAlpha(110);
        QPen under(halo, 2.6);
        under.setCosmetic(true);
        p.setPen(under);
        p.drawLines(level.segments.data(), int(level.segments.size()));
        QColor colour = line;
        colour.setAlphaF(float(0.45 + 0.45 * t));
        QPen pen(colour, 1.0 + 0.4 * t);
        pen.setCosmetic(true);
        p.setPen(pen);
        p.drawLines(level.segments.data(), int(level.segments.size()));
    }
    p.restore();
}

} // namespace orrery::ui
