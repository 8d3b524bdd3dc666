#include "maprenderer.h"

#include "base/workerpool.h"
#include "colormap.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace orrery::ui {

// ---------------------------------------------------------------------------------------------
// MapPoints

MapPoints::MapPoints(const std::vector<double> &xy)
{
    const size_t n = xy.size() / 2;
    Q_ASSERT(n < size_t(std::numeric_limits<quint32>::max()));
    double minX = std::numeric_limits<double>::infinity(), minY = minX;
    double maxX = -minX, maxY = -minX;
    size_t finite = 0;
    for (size_t i = 0; i < n; ++i) {
        const double x = xy[2 * i], y = xy[2 * i + 1];
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        minX = std::min(minX, x);
        maxX = std::max(maxX, x);
        minY = std::min(minY, y);
        maxY = std::max(maxY, y);
        ++finite;
    }
    if (finite == 0)
        minX = maxX = minY = maxY = 0;
    m_bounds = QRectF(minX, minY, maxX - minX, maxY - minY);
    m_origin = {minX, minY};

    // About four points per cell, square cells, at most 4096 cells a side.
    const double bw = maxX - minX, bh = maxY - minY;
    const double cells = std::max(1.0, double(finite) / 4.0);
    double cell = 1.0;
    if (bw > 0 && bh > 0)
        cell = std::sqrt(bw * bh / cells);
    else if (bw > 0 || bh > 0)
        cell = std::max(bw, bh) / cells;
    cell = std::max({cell, bw / 4095.0, bh / 4095.0});
    if (!(cell > 0) || !std::isfinite(cell))
        cell = 1.0;
    m_cell = cell;
    m_gridW = std::isfinite(bw / cell) ? std::min(4096, int(bw / cell) + 1) : 1;
    m_gridH = std::isfinite(bh / cell) ? std::min(4096, int(bh / cell) + 1) : 1;

    // A stable counting sort by cell; non-finite points go after the last cell.
    const quint32 cellCount = quint32(m_gridW) * quint32(m_gridH);
    std::vector<quint32> cellOf(n);
    std::vector<quint32> next(size_t(cellCount) + 2, 0);
    for (size_t i = 0; i < n; ++i) {
        const double x = xy[2 * i], y = xy[2 * i + 1];
        quint32 c = cellCount;
        if (std::isfinite(x) && std::isfinite(y)) {
            // In doubles first: spans near the limits of double can make the ratio NaN.
            const double fx = (x - minX) / cell, fy = (y - minY) / cell;
            const int cx = fx > 0 ? int(std::min(fx, double(m_gridW - 1))) : 0;
            const int cy = fy > 0 ? int(std::min(fy, double(m_gridH - 1))) : 0;
            c = quint32(cy) * quint32(m_gridW) + quint32(cx);
        }
        cellOf[i] = c;
        ++next[size_t(c) + 1];
    }
    for (size_t c = 1; c < next.size(); ++c)
        next[c] += next[c - 1];
    m_cellStart.assign(next.begin(), next.begin() + qsizetype(cellCount) + 1);
    m_xy.resize(2 * n);
    m_order.resize(n);
    m_rank.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const quint32 pos = next[cellOf[i]]++;
        m_order[pos] = quint32(i);
        m_rank[i] = pos;
        m_xy[2 * size_t(pos)] = xy[2 * i];
        m_xy[2 * size_t(pos) + 1] = xy[2 * i + 1];
    }
}

bool MapPoints::cellRange(const QRectF &rect, int &c0, int &c1, int &r0, int &r1) const
{
    const double fx0 = (rect.left() - m_origin.x()) / m_cell, fx1 = (rect.right() - m_origin.x()) / m_cell;
    const double fy0 = (rect.top() - m_origin.y()) / m_cell, fy1 = (rect.bottom() - m_origin.y()) / m_cell;
    if (!(fx1 >= 0 && fx0 < m_gridW && fy1 >= 0 && fy0 < m_gridH))
        return false;
    c0 = int(std::clamp(std::floor(fx0), 0.0, double(m_gridW - 1)));
    c1 = int(std::clamp(std::floor(fx1), 0.0, double(m_gridW - 1)));
    r0 = int(std::clamp(std::floor(fy0), 0.0, double(m_gridH - 1)));
    r1 = int(std::clamp(std::floor(fy1), 0.0, double(m_gridH - 1)));
    return true;
}

qint64 MapPoints::nearest(QPointF p, double radius, const std::function<bool(qint64)> &accept) const
{
    int c0, c1, r0, r1;
    if (count() == 0 || !(radius >= 0)
        || !cellRange(QRectF(p.x() - radius, p.y() - radius, 2 * radius, 2 * radius), c0, c1, r0, r1))
        return -1;
    double best = radius * radius;
    qint64 bestRow = -1;
    for (int r = r0; r <= r1; ++r) {
        const quint32 end = m_cellStart[size_t(r) * size_t(m_gridW) + size_t(c1) + 1];
        for (quint32 i = m_cellStart[size_t(r) * size_t(m_gridW) + size_t(c0)]; i < end; ++i) {
            const double dx = m_xy[2 * size_t(i)] - p.x(), dy = m_xy[2 * size_t(i) + 1] - p.y();
            const double d2 = dx * dx + dy * dy;
            if (d2 > best || (d2 == best && bestRow >= 0 && qint64(m_order[i]) > bestRow))
                continue;
            if (accept && !accept(qint64(m_order[i])))
                continue;
            best = d2;
            bestRow = qint64(m_order[i]);
        }
    }
    return bestRow;
}

std::vector<qint64> MapPoints::rowsInRect(const QRectF &rect) const
{
    std::vector<qint64> rows;
    int c0, c1, r0, r1;
    const QRectF r = rect.normalized();
    if (count() == 0 || !cellRange(r, c0, c1, r0, r1))
        return rows;
    for (int gr = r0; gr <= r1; ++gr) {
        const quint32 end = m_cellStart[size_t(gr) * size_t(m_gridW) + size_t(c1) + 1];
        for (quint32 i = m_cellStart[size_t(gr) * size_t(m_gridW) + size_t(c0)]; i < end; ++i) {
            const double x = m_xy[2 * size_t(i)], y = m_xy[2 * size_t(i) + 1];
            if (x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom())
                rows.push_back(qint64(m_order[i]));
        }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::vector<qint64> MapPoints::rowsInPolygon(const QPolygonF &polygon) const
{
    std::vector<qint64> rows;
    int c0, c1, r0, r1;
    if (count() == 0 || polygon.size() < 3 || !cellRange(polygon.boundingRect(), c0, c1, r0, r1))
        return rows;
    // Crossing-number test against only the edges that span each grid row's band of y.
    const qsizetype m = polygon.size();
    std::vector<int> edges;
    for (int gr = r0; gr <= r1; ++gr) {
        const double lo = m_origin.y() + gr * m_cell, hi = lo + m_cell;
        edges.clear();
        for (qsizetype e = 0; e < m; ++e) {
            const QPointF &a = polygon[e], &b = polygon[(e + 1) % m];
            if (std::min(a.y(), b.y()) <= hi && std::max(a.y(), b.y()) >= lo && a.y() != b.y())
                edges.push_back(int(e));
        }
        if (edges.empty())
            continue;
        const quint32 end = m_cellStart[size_t(gr) * size_t(m_gridW) + size_t(c1) + 1];
        for (quint32 i = m_cellStart[size_t(gr) * size_t(m_gridW) + size_t(c0)]; i < end; ++i) {
            const double x = m_xy[2 * size_t(i)], y = m_xy[2 * size_t(i) + 1];
            bool inside = false;
            for (const int e : edges) {
                const QPointF &a = polygon[e], &b = polygon[(e + 1) % m];
                if ((a.y() > y) != (b.y() > y) && x < a.x() + (y - a.y()) * (b.x() - a.x()) / (b.y() - a.y()))
                    inside = !inside;
            }
            if (inside)
                rows.push_back(qint64(m_order[i]));
        }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

// ---------------------------------------------------------------------------------------------
// MapRenderer

double defaultPointSize(qint64 points)
{
    return std::clamp(2.5 * std::pow(50000.0 / double(std::max<qint64>(1, points)), 0.25), 1.0, 5.0);
}

namespace {

// x · a / 255 on all four 8-bit channels at once, two channels per 32-bit multiply.
inline quint32 byteMul(quint32 x, quint32 a)
{
    quint32 lo = (x & 0x00ff00ffu) * a;
    lo = ((lo + ((lo >> 8) & 0x00ff00ffu) + 0x00800080u) >> 8) & 0x00ff00ffu;
    quint32 hi = ((x >> 8) & 0x00ff00ffu) * a;
    hi = (hi + ((hi >> 8) & 0x00ff00ffu) + 0x00800080u) & 0xff00ff00u;
    return hi | lo;
}

// Premultiplied "source over destination".
inline void blendOver(quint32 &dst, quint32 src)
{
    dst = src + byteMul(dst, 255u - (src >> 24));
}

inline quint32 mixRgb(QRgb a, QRgb b, double t)
{
    const auto mix = [t](int x, int y) { return int(std::lround(double(x) * (1 - t) + double(y) * t)); };
    return qRgb(mix(qRed(a), qRed(b)), mix(qGreen(a), qGreen(b)), mix(qBlue(a), qBlue(b)));
}

constexpr quint32 topFlags = Selected | Highlighted;
constexpr float dimmedShare = 0.25f; // a dimmed point's weight in a density map

} // namespace

struct MapRenderer::Stamp {
    int size = 1;
    std::vector<quint8> cover; // size × size coverage, 0..255

    // An anti-aliased disc (inner == 0) or ring, in a box of `box` pixels centred on the point.
    Stamp(int box, double outer, double inner) : size(box), cover(size_t(box) * size_t(box))
    {
        const double c = box / 2.0, o2 = outer * outer / 4, i2 = inner * inner / 4;
        for (int j = 0; j < box; ++j) {
            for (int i = 0; i < box; ++i) {
                int hits = 0;
                for (int sj = 0; sj < 4; ++sj) {
                    for (int si = 0; si < 4; ++si) {
                        const double dx = i + (si + 0.5) / 4 - c, dy = j + (sj + 0.5) / 4 - c;
                        const double d2 = dx * dx + dy * dy;
                        hits += d2 <= o2 && d2 >= i2;
                    }
                }
                cover[size_t(j) * size_t(box) + size_t(i)] = quint8((hits * 255 + 8) / 16);
                if (hits)
                    taps.push_back({i, j, quint8((hits * 255 + 8) / 16)});
            }
        }
    }

    struct Tap {
        int dx, dy;
        quint8 cover;
    };
    std::vector<Tap> taps; // the covered pixels

    // The box's top-left pixel for a point at (px, py).
    int origin(double p) const { return int(std::floor(p - size * 0.5 + 0.5)); }

    // Blends `src` (premultiplied) through the coverage, clipped to rows [y0, y1) and columns [0, width).
    void splat(quint32 *bits, qsizetype stride, int width, double px, double py, quint32 src, int y0, int y1) const
    {
        const int left = origin(px), top = origin(py);
        const int j0 = std::max(0, y0 - top), j1 = std::min(size, y1 - top);
        const int i0 = std::max(0, -left), i1 = std::min(size, width - left);
        for (int j = j0; j < j1; ++j) {
            quint32 *line = bits + qsizetype(top + j) * stride + left;
            const quint8 *cov = cover.data() + size_t(j) * size_t(size);
            for (int i = i0; i < i1; ++i) {
                if (cov[i] == 255)
                    blendOver(line[i], src);
                else if (cov[i])
                    blendOver(line[i], byteMul(src, cov[i]));
            }
        }
    }
};

MapRenderer::MapRenderer(int threads) : m_pool(std::make_unique<WorkerPool>(threads)) { }

MapRenderer::~MapRenderer() = default;

void MapRenderer::ensureAttributes(const RenderInput &input)
{
    if (m_cached.points == input.points && m_cached.colours == input.colours && m_cached.flags == input.flags)
        return;
    const MapPoints &pts = *input.points;
    const qint64 n = pts.count();
    const quint16 *colours = input.colours && qint64(input.colours->size()) == n ? input.colours->data() : nullptr;
    const quint8 *flags = input.flags && qint64(input.flags->size()) == n ? input.flags->data() : nullptr;
    m_attr.resize(size_t(n));
    const quint32 *order = pts.order();
    m_pool->forChunks(n, 1 << 16, [&](qint64 begin, qint64 end, qint64) {
        for (qint64 i = begin; i < end; ++i) {
            const quint32 row = order[i];
            m_attr[size_t(i)] = (colours ? colours[row] : 0u) | (flags ? quint32(flags[row]) << 16 : 0u);
        }
    });
    m_cached = input;
}

QRgb MapRenderer::densityColour(double t, QRgb background)
{
    // Away from the background as density rises: inferno upwards on dark, downwards on light.
    t = std::clamp(t, 0.0, 1.0);
    return ColourMap::inferno().at(qGray(background) < 128 ? 0.18 + 0.82 * t : 0.88 - 0.88 * t);
}

bool MapRenderer::wantsDensity(const MapPoints &points, const RenderParams &params)
{
    if (params.density != DensityMode::Auto)
        return params.density == DensityMode::On;
    const double dpr = params.devicePixelRatio > 0 ? params.devicePixelRatio : 1.0;
    int c0, c1, r0, r1;
    if (points.count() < 20000 || !points.cellRange(params.view.dataRect(), c0, c1, r0, r1))
        return false;
    const double d = std::max(1.0, params.pointSize * dpr);
    const double stampArea = std::max(1.0, std::numbers::pi * d * d / 4);
    const double cellPx = points.cellSize() * params.view.scale * dpr;
    // Discs in a cell overlap about count · stamp area / cell area times.
    const double crowdedCount = 4.0 * cellPx * cellPx / stampArea;
    qint64 total = 0, crowded = 0;
    const qint64 w = points.gridWidth();
    for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
            const qint64 k = qint64(points.cellStart(r * w + c + 1)) - qint64(points.cellStart(r * w + c));
            total += k;
            if (double(k) > crowdedCount)
                crowded += k;
        }
    }
    return total >= 20000 && crowded * 2 > total;
}

QImage MapRenderer::render(const RenderInput &input, const RenderParams &params, FrameInfo *info,
                           const std::atomic<bool> *cancel)
{
    QElapsedTimer clock;
    clock.start();
    const double dpr = params.devicePixelRatio > 0 ? params.devicePixelRatio : 1.0;
    const MapView &view = params.view;
    const int W = std::max(1, int(std::lround(view.size.width() * dpr)));
    const int H = std::max(1, int(std::lround(view.size.height() * dpr)));
    QImage image(W, H, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(params.background | 0xff000000u);
    FrameInfo local;
    const auto finish = [&] {
        local.milliseconds = double(clock.nsecsElapsed()) / 1e6;
        if (info)
            *info = local;
    };
    if (!input.points || input.points->count() == 0 || !(view.scale > 0)) {
        finish();
        return image;
    }
    const MapPoints &pts = *input.points;
    ensureAttributes(input);
    if (cancel && cancel->load(std::memory_order_relaxed))
        return {};

    const double s = view.scale * dpr, hw = W / 2.0, hh = H / 2.0;
    const double cx = view.centre.x(), cy = view.centre.y();
    const double d = std::max(0.5, params.pointSize * dpr);
    const bool onePixel = d < 1.5;
    const double opacity = std::clamp(params.opacity, 0.0, 1.0);
    const bool density = wantsDensity(pts, params);
    local.density = density;

    // Selected and highlighted points: a filled disc at full opacity inside a ring.
    const double topFill = std::max(d + dpr, 4.5 * dpr);
    const double ringInner = topFill + 0.8 * dpr, ringOuter = ringInner + 3.2 * dpr;
    const int topBox = int(std::ceil(ringOuter)) + 1;
    const Stamp disc(int(std::ceil(d)) + 1, d, 0);
    const Stamp topDisc(topBox, topFill, 0);
    const Stamp topRing(topBox, ringOuter, ringInner);
    const double pad = std::max(d, ringOuter) / 2 + 2;
    std::vector<qsizetype> discOffsets; // of each tap from the box's top-left, in pixels
    for (const Stamp::Tap &t : disc.taps)
        discOffsets.push_back(qsizetype(t.dy) * qsizetype(image.bytesPerLine() / 4) + t.dx);
    const qsizetype taps = qsizetype(disc.taps.size());

    // Colour tables: premultiplied at the point opacity, and dimmed (faded towards the background).
    const std::vector<QRgb> palette = params.palette.empty() ? std::vector<QRgb> {noneColour} : params.palette;
    const quint32 colours = quint32(palette.size());
    std::vector<quint32> normal(colours), dimmed(colours), opaque(colours), dimmedRgb(colours);
    const quint32 alpha = quint32(std::lround(opacity * 255));
    const quint32 dimAlpha = quint32(std::lround(std::max(0.12, opacity * 0.35) * 255));
    for (quint32 c = 0; c < colours; ++c) {
        opaque[c] = palette[c] | 0xff000000u;
        dimmedRgb[c] = mixRgb(palette[c], params.background, 0.55) | 0xff000000u;
        normal[c] = byteMul(opaque[c], alpha);
        dimmed[c] = byteMul(dimmedRgb[c], dimAlpha);
    }
    // Each disc tap's source per colour (normal, then dimmed), when the table stays small.
    std::vector<quint32> discTable;
    if (!onePixel && 2 * qsizetype(colours) * taps <= (1 << 20)) {
        discTable.resize(2 * size_t(colours) * size_t(taps));
        for (quint32 c = 0; c < 2 * colours; ++c)
            for (qsizetype t = 0; t < taps; ++t)
                discTable[size_t(c) * size_t(taps) + size_t(t)] = byteMul(c < colours ? normal[c] : dimmed[c - colours],
                                                                          disc.taps[size_t(t)].cover);
    }

    // The cells in view, and strips of about equal point counts.
    const QRectF visible(view.toData(QPointF(-pad / dpr, (H + pad) / dpr)),
                         view.toData(QPointF((W + pad) / dpr, -pad / dpr)));
    int c0, c1, r0, r1;
    if (!pts.cellRange(visible, c0, c1, r0, r1)) {
        finish();
        return image;
    }
    const qint64 gw = pts.gridWidth();
    const double cell = pts.cellSize(), oy = pts.gridOrigin().y();
    std::vector<qint64> rowCount(size_t(H), 0);
    for (int r = r0; r <= r1; ++r) {
        const qint64 k = qint64(pts.cellStart(r * gw + c1 + 1)) - qint64(pts.cellStart(r * gw + c0));
        if (k == 0)
            continue;
        const double py = std::clamp(hh - (oy + (r + 0.5) * cell - cy) * s, 0.0, double(H - 1));
        rowCount[size_t(py)] += k;
        local.visible += k;
    }
    const int strips = std::clamp(int(local.visible / 4096), 1, std::min(H, 4 * m_pool->size()));
    std::vector<int> cuts {0};
    qint64 acc = 0;
    for (int y = 0; y < H && int(cuts.size()) < strips; ++y) {
        acc += rowCount[size_t(y)];
        if (acc * strips >= local.visible * qint64(cuts.size()) && y + 1 < H)
            cuts.push_back(y + 1);
    }
    cuts.push_back(H);
    const int stripCount = int(cuts.size()) - 1;

    quint32 *bits = reinterpret_cast<quint32 *>(image.bits());
    const qsizetype stride = image.bytesPerLine() / 4;
    const double *xy = pts.sortedXy();
    const quint32 *attr = m_attr.data();
    std::vector<std::vector<quint32>> top(static_cast<size_t>(stripCount));
    std::vector<qint64> inStrip(static_cast<size_t>(stripCount), 0); // points whose centre is in the strip
    const auto tally = [&] {
        for (const qint64 k : inStrip)
            local.inView += k;
    };

    // Calls fn(sorted position) for every point in the cells that can touch rows [y0, y1).
    const auto forStripPoints = [&](int y0, int y1, auto &&fn) {
        const QRectF band(view.toData(QPointF(-pad / dpr, (y1 + pad) / dpr)),
                          view.toData(QPointF((W + pad) / dpr, (y0 - pad) / dpr)));
        int b0, b1, g0, g1;
        if (!pts.cellRange(band, b0, b1, g0, g1))
            return;
        for (int r = g0; r <= g1; ++r) {
            const quint32 end = pts.cellStart(r * gw + c1 + 1);
            for (quint32 i = pts.cellStart(r * gw + c0); i < end; ++i)
                fn(i);
        }
    };
    const auto drawTop = [&](int k) {
        const int y0 = cuts[size_t(k)], y1 = cuts[size_t(k) + 1];
        for (const quint32 i : top[size_t(k)]) {
            const double px = hw + (xy[2 * size_t(i)] - cx) * s, py = hh - (xy[2 * size_t(i) + 1] - cy) * s;
            if (px < -pad || px > W + pad || py < y0 - pad || py > y1 + pad)
                continue;
            inStrip[size_t(k)] += py >= y0 && py < y1 && px >= 0 && px < W;
            const quint32 flags = attr[i] >> 16, c = std::min(attr[i] & 0xffffu, colours - 1);
            topRing.splat(bits, stride, W, px, py,
                          (flags & Selected) ? params.selectedRing | 0xff000000u : params.highlightRing | 0xff000000u,
                          y0, y1);
            topDisc.splat(bits, stride, W, px, py, opaque[c], y0, y1);
        }
    };
    const auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };

    if (!density) {
        m_pool->forChunks(stripCount, 1, [&](qint64 k, qint64, qint64) {
            if (cancelled())
                return;
            const int y0 = cuts[size_t(k)], y1 = cuts[size_t(k) + 1];
            std::vector<quint32> &topList = top[size_t(k)];
            forStripPoints(y0, y1, [&](quint32 i) {
                const quint32 a = attr[i];
                if ((a >> 16) & topFlags) {
                    topList.push_back(i);
                    return;
                }
                const double px = hw + (xy[2 * size_t(i)] - cx) * s, py = hh - (xy[2 * size_t(i) + 1] - cy) * s;
                const quint32 c = std::min(a & 0xffffu, colours - 1);
                const quint32 src = ((a >> 16) & Dimmed) ? dimmed[c] : normal[c];
                const bool inside = py >= y0 && py < y1 && px >= 0 && px < W;
                inStrip[size_t(k)] += inside;
                if (onePixel) {
                    if (inside)
                        blendOver(bits[qsizetype(py) * stride + qsizetype(px)], src);
                } else if (px > -pad && px < W + pad && py > y0 - pad && py < y1 + pad) {
                    const int left = disc.origin(px), top = disc.origin(py);
                    if (!discTable.empty() && left >= 0 && left + disc.size <= W && top >= y0
                        && top + disc.size <= y1) {
                        // Wholly inside the strip: no clipping, sources from the table.
                        quint32 *base = bits + qsizetype(top) * stride + left;
                        const quint32 *source = discTable.data()
                            + (((a >> 16) & Dimmed) ? colours + c : c) * size_t(taps);
                        for (qsizetype t = 0; t < taps; ++t)
                            blendOver(base[discOffsets[size_t(t)]], source[t]);
                    } else {
                        disc.splat(bits, stride, W, px, py, src, y0, y1);
                    }
                }
            });
            drawTop(int(k));
        });
        if (cancelled())
            return {};
        tally();
        finish();
        return image;
    }

    // Density: each point adds its weight (and weighted colour) to its pixel; rows are smoothed by a
    // 3 × 3 tent unless points are single pixels, and shaded through log(1 + points per pixel).
    // Channels per pixel: the weight, then red, green and blue sums when coloured.
    const bool coloured = params.colouredDensity;
    const int channels = coloured ? 4 : 1;
    const bool smooth = !onePixel;
    m_density.resize(size_t(W) * size_t(H) * size_t(channels));
    float *grid = m_density.data();
    std::vector<float> stripPeak(static_cast<size_t>(stripCount), 0.0f);
    m_pool->forChunks(stripCount, 1, [&](qint64 k, qint64, qint64) {
        if (cancelled())
            return;
        const int y0 = cuts[size_t(k)], y1 = cuts[size_t(k) + 1];
        std::fill(grid + qsizetype(y0) * W * channels, grid + qsizetype(y1) * W * channels, 0.0f);
        std::vector<quint32> &topList = top[size_t(k)];
        forStripPoints(y0, y1, [&](quint32 i) {
            const quint32 a = attr[i];
            if ((a >> 16) & topFlags) {
                topList.push_back(i);
                return;
            }
            const double px = hw + (xy[2 * size_t(i)] - cx) * s, py = hh - (xy[2 * size_t(i) + 1] - cy) * s;
            if (!(py >= y0 && py < y1 && px >= 0 && px < W))
                return;
            ++inStrip[size_t(k)];
            const bool dim = (a >> 16) & Dimmed;
            const float w = dim ? dimmedShare : 1.0f;
            float *pixel = grid + (qsizetype(py) * W + qsizetype(px)) * channels;
            pixel[0] += w;
            if (coloured) {
                const quint32 c = std::min(a & 0xffffu, colours - 1);
                const QRgb rgb = dim ? dimmedRgb[c] : opaque[c];
                pixel[1] += w * float(qRed(rgb));
                pixel[2] += w * float(qGreen(rgb));
                pixel[3] += w * float(qBlue(rgb));
            }
        });
        // The densest pixel as it will be shaded: smoothed where smoothing applies, looked at only
        // where the raw count beats the best so far, and within the strip (others are being written).
        float peak = 0;
        const auto raw = [&](int x, int y) {
            return x >= 0 && x < W && y >= y0 && y < y1 ? grid[(qsizetype(y) * W + x) * channels] : 0.0f;
        };
        for (int y = y0; y < y1; ++y) {
            const float *row = grid + qsizetype(y) * W * channels;
            for (int x = 0; x < W; ++x) {
                const float c = row[qsizetype(x) * channels];
                if (c <= peak)
                    continue;
                if (!smooth) {
                    peak = c;
                    continue;
                }
                float tent = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx)
                        tent += float((2 - std::abs(dx)) * (2 - std::abs(dy))) * raw(x + dx, y + dy);
                peak = std::max(peak, tent / 16);
            }
        }
        stripPeak[size_t(k)] = peak;
    });
    if (cancelled())
        return {};
    const float peak = std::max(1.0f, *std::max_element(stripPeak.begin(), stripPeak.end()));
    local.maxDensity = peak;
    const float norm = smooth ? 1.0f / 16 : 1.0f; // the tent's weights add up to 16

    // Alpha (and, uncoloured, the pixel) per 1/16 point per pixel, through log(1 + points).
    constexpr float lutStep = 16;
    const qsizetype lutSize = qsizetype(std::min(double(peak) * lutStep + 2, double(1 << 18)));
    const double logPeak = std::log1p(double(peak));
    const auto shade = [&](double points) { return std::min(1.0, std::log1p(points) / logPeak); };
    const auto alphaOf = [&](double points) {
        // Below about one point per pixel coverage fades, so lone points stay soft dots.
        return (1.0 - std::exp(-3.0 * points)) * (0.35 + 0.65 * shade(points));
    };
    std::vector<quint8> alphaLut(size_t(lutSize), 0);
    std::vector<quint32> pixelLut(coloured ? 0 : size_t(lutSize), 0);
    for (qsizetype q = 1; q < lutSize; ++q) {
        const double points = double(q) / lutStep;
        alphaLut[size_t(q)] = quint8(std::lround(alphaOf(points) * 255));
        if (!coloured)
            pixelLut[size_t(q)] = mixRgb(params.background, densityColour(shade(points), params.background),
                                         alphaOf(points))
                | 0xff000000u;
    }
    m_pool->forChunks(stripCount, 1, [&](qint64 k, qint64, qint64) {
        if (cancelled())
            return;
        const int y0 = cuts[size_t(k)], y1 = cuts[size_t(k) + 1];
        const quint32 bg = params.background | 0xff000000u;
        const qsizetype rowFloats = qsizetype(W) * channels;
        std::vector<float> column(smooth ? size_t(rowFloats) : 0), row(smooth ? size_t(rowFloats) : 0);
        for (int y = y0; y < y1; ++y) {
            const float *values = grid + qsizetype(y) * rowFloats;
            if (smooth) {
                // [1 2 1] down the column, then across, on all channels at once.
                const float *up = y > 0 ? values - rowFloats : nullptr;
                const float *down = y + 1 < H ? values + rowFloats : nullptr;
                for (qsizetype f = 0; f < rowFloats; ++f)
                    column[size_t(f)] = 2 * values[f] + (up ? up[f] : 0.0f) + (down ? down[f] : 0.0f);
                for (qsizetype f = 0; f < rowFloats; ++f) {
                    const float left = f >= channels ? column[size_t(f - channels)] : 0.0f;
                    const float right = f + channels < rowFloats ? column[size_t(f + channels)] : 0.0f;
                    row[size_t(f)] = 2 * column[size_t(f)] + left + right;
                }
                values = row.data();
            }
            quint32 *line = bits + qsizetype(y) * stride;
            for (int x = 0; x < W; ++x) {
                const float *px = values + qsizetype(x) * channels;
                const float points = px[0] * norm;
                if (points <= 0.0f)
                    continue;
                const qsizetype q = qsizetype(points * lutStep);
                if (!coloured) {
                    line[x] = q < lutSize ? pixelLut[size_t(q)]
                                          : mixRgb(bg, densityColour(shade(points), bg), alphaOf(points)) | 0xff000000u;
                    continue;
                }
                const float inv = 1.0f / px[0];
                const quint32 mean = qRgb(std::min(255, int(px[1] * inv + 0.5f)),
                                          std::min(255, int(px[2] * inv + 0.5f)),
                                          std::min(255, int(px[3] * inv + 0.5f)));
                const quint32 a = q < lutSize ? alphaLut[size_t(q)] : quint32(std::lround(alphaOf(points) * 255));
                line[x] = byteMul(mean | 0xff000000u, a) + byteMul(bg, 255 - a);
            }
        }
        drawTop(int(k));
    });
    if (cancelled())
        return {};
    tally();
    finish();
    return image;
}

} // namespace orrery::ui
