#include "labelplacer.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace orrery::ui {

namespace {

// Liang–Barsky: whether the segment meets the rectangle.
bool segmentMeets(const QLineF &l, const QRectF &r)
{
    double t0 = 0, t1 = 1;
    const double dx = l.dx(), dy = l.dy();
    const double p[] = {-dx, dx, -dy, dy};
    const double q[] = {l.x1() - r.left(), r.right() - l.x1(), l.y1() - r.top(), r.bottom() - l.y1()};
    for (int k = 0; k < 4; ++k) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return false;
            continue;
        }
        const double t = q[k] / p[k];
        if (p[k] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return false;
    }
    return true;
}

// Rectangles bucketed by a uniform grid, so a candidate is checked only against nearby boxes
// (hundreds of labels times thousands of ring candidates stay cheap).
class RectIndex {
public:
    RectIndex(const QRectF &bounds, double cell) : m_origin(bounds.topLeft()), m_cell(std::max(8.0, cell))
    {
        m_w = std::max(1, int(std::ceil(bounds.width() / m_cell)) + 1);
        m_h = std::max(1, int(std::ceil(bounds.height() / m_cell)) + 1);
        m_cells.resize(size_t(m_w) * size_t(m_h));
    }
    void insert(const QRectF &r)
    {
        const size_t index = m_rects.size();
        m_rects.push_back(r);
        forCells(r, [&](std::vector<size_t> &cell) { cell.push_back(index); });
    }
    /// Whether the segment crosses a box (tested exactly on the boxes of the cells its bounds meet).
    bool crosses(const QLineF &l) const
    {
        const QRectF span = QRectF(l.p1(), l.p2()).normalized();
        bool hit = false;
        forCells(span, [&](const std::vector<size_t> &cell) {
            for (const size_t i : cell)
                hit = hit || segmentMeets(l, m_rects[i]);
        });
        return hit;
    }
    bool hits(const QRectF &r) const
    {
        bool hit = false;
        forCells(r, [&](const std::vector<size_t> &cell) {
            for (const size_t i : cell)
                hit = hit || m_rects[i].intersects(r);
        });
        return hit;
    }

private:
    template<typename F> void forCells(const QRectF &r, F &&fn) const
    {
        const int x0 = std::clamp(int(std::floor((r.left() - m_origin.x()) / m_cell)), 0, m_w - 1);
        const int x1 = std::clamp(int(std::floor((r.right() - m_origin.x()) / m_cell)), 0, m_w - 1);
        const int y0 = std::clamp(int(std::floor((r.top() - m_origin.y()) / m_cell)), 0, m_h - 1);
        const int y1 = std::clamp(int(std::floor((r.bottom() - m_origin.y()) / m_cell)), 0, m_h - 1);
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x)
                fn(const_cast<std::vector<size_t> &>(m_cells[size_t(y) * size_t(m_w) + size_t(x)]));
    }

    QPointF m_origin;
    double m_cell;
    int m_w = 1, m_h = 1;
    std::vector<std::vector<size_t>> m_cells;
    std::vector<QRectF> m_rects;
};

} // namespace

std::vector<LabelPlacement> placeLabelsWithLeaders(const std::vector<LabelRequest> &requests, const QRectF &bounds,
                                                   double gap, const std::vector<QRectF> &obstacles)
{
    std::vector<LabelPlacement> placed(requests.size());
    if (requests.empty() || bounds.isEmpty())
        return placed;
    double typical = 0;
    for (const LabelRequest &q : requests)
        typical += q.size.height() / double(requests.size());
    RectIndex taken(bounds.adjusted(-1, -1, 1, 1), 4 * typical);
    for (const QRectF &o : obstacles)
        taken.insert(o);
    // A label may touch its own anchor's box but not another's.
    const double r = std::max(0.0, gap - 0.5);
    RectIndex anchors(bounds.adjusted(-1, -1, 1, 1), 4 * typical);
    std::vector<QRectF> anchorBoxes;
    anchorBoxes.reserve(requests.size());
    for (const LabelRequest &q : requests)
        anchorBoxes.emplace_back(q.anchor.x() - r, q.anchor.y() - r, 2 * r, 2 * r);
    // The anchor boxes are indexed once; a request's own box is told apart by position.
    for (const QRectF &a : anchorBoxes)
        anchors.insert(a);
    const double diagonal = std::hypot(bounds.width(), bounds.height());

    for (size_t i = 0; i < requests.size(); ++i) {
        const QPointF a = requests[i].anchor;
        const double w = requests[i].size.width(), h = requests[i].size.height();
        const QRectF own = anchorBoxes[i];
        const auto free = [&](const QRectF &rect) {
            if (!bounds.contains(rect) || taken.hits(rect))
                return false;
            if (!anchors.hits(rect))
                return true;
            // Something anchored there: fine only if it is just this request's own anchor (or others
            // stacked exactly on it), which a candidate next to the anchor may touch.
            for (size_t j = 0; j < anchorBoxes.size(); ++j)
                if (j != i && anchorBoxes[j] != own && anchorBoxes[j].intersects(rect))
                    return false;
            return true;
        };
        const QPointF corners[] = {
            {a.x() + gap, a.y() - h / 2}, {a.x() - gap - w, a.y() - h / 2}, {a.x() - w / 2, a.y() - gap - h},
            {a.x() - w / 2, a.y() + gap}, {a.x() + gap, a.y() - gap - h},   {a.x() - gap - w, a.y() - gap - h},
            {a.x() + gap, a.y() + gap},   {a.x() - gap - w, a.y() + gap},
        };
        bool done = false;
        for (const QPointF &c : corners) {
            const QRectF rect(c, QSizeF(w, h));
            if (free(rect)) {
                placed[i] = {rect, false};
                done = true;
                break;
            }
        }
        // Rings of growing radius around the anchor; on each, candidates a label height apart,
        // starting at the right and alternating up and down, so the nearest free spot wins. The
        // first pass wants a leader that crosses no label already placed; only when the whole view
        // has no such spot does the second take one that does.
        const double step = std::max({h, 6.0, diagonal / 60});
        for (int pass = 1; pass < 2 && !done; ++pass) {
            for (double radius = std::max(w, h) / 2 + gap + step; !done && radius <= diagonal; radius += step) {
                const int n = std::clamp(int(2 * std::numbers::pi * radius / std::max(h, 6.0)), 8, 128);
                for (int k = 0; k < n && !done; ++k) {
                    const int m = (k + 1) / 2;
                    const double angle = (k % 2 ? 1 : -1) * 2 * std::numbers::pi * m / n;
                    const QPointF centre(a.x() + radius * std::cos(angle), a.y() + radius * std::sin(angle));
                    const QRectF rect(centre.x() - w / 2, centre.y() - h / 2, w, h);
                    if (!free(rect) || rect.contains(a))
                        continue;
                    if (pass == 0 && taken.crosses(leaderLine(a, rect)))
                        continue;
                    placed[i] = {rect, true};
                    done = true;
                }
            }
        }
        if (done)
            taken.insert(placed[i].rect);
    }
    return placed;
}

QLineF leaderLine(QPointF anchor, const QRectF &box)
{
    const QPointF nearest(std::clamp(anchor.x(), box.left(), box.right()),
                          std::clamp(anchor.y(), box.top(), box.bottom()));
    return {anchor, nearest};
}

} // namespace orrery::ui
