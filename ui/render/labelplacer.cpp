#include "labelplacer.h"

#include <algorithm>
#include <array>
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

double cross(QPointF o, QPointF a, QPointF b)
{
    return (a.x() - o.x()) * (b.y() - o.y()) - (a.y() - o.y()) * (b.x() - o.x());
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

// The candidate boxes of size `size` on rings of growing radius around `a`, nearest first, until
// `accept` takes one; returns whether one was taken.
template<typename F> bool ringSearch(QPointF a, QSizeF size, double gap, double diagonal, F &&accept)
{
    const double w = size.width(), h = size.height();
    const double step = std::max({h, 6.0, diagonal / 60});
    for (double radius = std::max(w, h) / 2 + gap + step; radius <= diagonal; radius += step) {
        const int n = std::clamp(int(2 * std::numbers::pi * radius / std::max(h, 6.0)), 8, 128);
        for (int k = 0; k < n; ++k) {
            const int m = (k + 1) / 2;
            const double angle = (k % 2 ? 1 : -1) * 2 * std::numbers::pi * m / n;
            const QPointF centre(a.x() + radius * std::cos(angle), a.y() + radius * std::sin(angle));
            if (accept(QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)))
                return true;
        }
    }
    return false;
}

// Leaves no two leaders crossing. Two that cross swap their labels' places (each centred where the
// other was) when both still fit and the pair gets shorter, which undoes the crossing and, the total
// length falling with every swap, ends. A crossing no swap undoes sends the later label to the
// nearest spot whose leader crosses no earlier one; only in a heap so tight that the view has no
// such spot does it stay where it was.
void untangle(std::vector<LabelPlacement> &placed, const std::vector<LabelRequest> &requests, const QRectF &bounds,
              const std::vector<QRectF> &obstacles, const std::vector<QRectF> &anchorBoxes, double diagonal)
{
    const size_t n = placed.size();
    const auto fits = [&](size_t i, const QRectF &rect, size_t skipA, size_t skipB) {
        if (!bounds.contains(rect) || rect.contains(requests[i].anchor))
            return false;
        for (const QRectF &o : obstacles)
            if (o.intersects(rect))
                return false;
        for (size_t j = 0; j < n; ++j) {
            if (j == i || j == skipA || j == skipB)
                continue;
            if (!placed[j].rect.isNull() && placed[j].rect.intersects(rect))
                return false;
            if (anchorBoxes[j] != anchorBoxes[i] && anchorBoxes[j].intersects(rect))
                return false;
        }
        return true;
    };
    const auto leaderOf = [&](size_t i) { return leaderLine(requests[i].anchor, placed[i].rect); };
    const auto withLeaders = [&] {
        std::vector<size_t> out;
        for (size_t i = 0; i < n; ++i)
            if (placed[i].leader && !placed[i].rect.isNull())
                out.push_back(i);
        return out;
    };
    const auto movedTo = [](const QRectF &r, QPointF centre) {
        return QRectF(centre.x() - r.width() / 2, centre.y() - r.height() / 2, r.width(), r.height());
    };
    for (int round = 0; round < 64; ++round) {
        bool changed = false;
        const std::vector<size_t> leaders = withLeaders();
        for (size_t x = 0; x < leaders.size(); ++x) {
            for (size_t y = x + 1; y < leaders.size(); ++y) {
                const size_t a = leaders[x], b = leaders[y];
                const QLineF la = leaderOf(a), lb = leaderOf(b);
                if (!segmentsCross(la, lb))
                    continue;
                // Each moved into the other's place: centred on it, or flush with its left or right.
                const auto places = [&](const QRectF &mine, const QRectF &theirs) {
                    const QRectF c = movedTo(mine, theirs.center());
                    return std::array<QRectF, 3> {c, c.translated(theirs.left() - c.left(), 0),
                                                  c.translated(theirs.right() - c.right(), 0)};
                };
                const double before = la.length() + lb.length();
                bool swapped = false;
                for (const QRectF &ra : places(placed[a].rect, placed[b].rect)) {
                    for (const QRectF &rb : places(placed[b].rect, placed[a].rect)) {
                        if (swapped || ra.intersects(rb) || !fits(a, ra, a, b) || !fits(b, rb, a, b))
                            continue;
                        const QLineF na = leaderLine(requests[a].anchor, ra), nb = leaderLine(requests[b].anchor, rb);
                        if (segmentsCross(na, nb) || na.length() + nb.length() >= before - 1e-9)
                            continue;
                        placed[a].rect = ra;
                        placed[b].rect = rb;
                        swapped = true;
                    }
                }
                if (!swapped)
                    continue;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    const auto crossesAny = [&](size_t i, const QLineF &l) {
        for (size_t j = 0; j < i; ++j)
            if (placed[j].leader && !placed[j].rect.isNull() && segmentsCross(l, leaderOf(j)))
                return true;
        return false;
    };
    for (size_t b = 0; b < n; ++b) {
        if (!placed[b].leader || placed[b].rect.isNull() || !crossesAny(b, leaderOf(b)))
            continue;
        // Only leaders of earlier requests count: they keep their places, and each later one in
        // turn keeps clear of all before it.
        const QPointF a = requests[b].anchor;
        const QRectF before = placed[b].rect;
        const bool found = ringSearch(a, placed[b].rect.size(), 0, diagonal, [&](const QRectF &rect) {
            if (rect == before || !fits(b, rect, b, b) || crossesAny(b, leaderLine(a, rect)))
                return false;
            placed[b].rect = rect;
            return true;
        });
        (void)found; // no such spot: it keeps its place, as hiding a label is worse than a crossing
    }
}

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
    // Leaders drawn so far: a new leader may cross none of them, and no label may cover one.
    std::vector<QLineF> leaders;
    const auto crossesLeader = [&](const QLineF &l) {
        const QRectF span = QRectF(l.p1(), l.p2()).normalized();
        for (const QLineF &o : leaders) {
            if (QRectF(o.p1(), o.p2())
                    .normalized()
                    .adjusted(-0.5, -0.5, 0.5, 0.5)
                    .intersects(span.adjusted(-0.5, -0.5, 0.5, 0.5))
                && segmentsCross(l, o))
                return true;
        }
        return false;
    };
    const auto coversLeader = [&](const QRectF &rect) {
        for (const QLineF &o : leaders)
            if (segmentMeets(o, rect))
                return true;
        return false;
    };

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
        // Next to the anchor, clear of the leaders drawn so far if it can be, else over one.
        bool done = false;
        for (int tier = 0; tier < 2 && !done; ++tier) {
            for (const QPointF &c : corners) {
                const QRectF rect(c, QSizeF(w, h));
                if (free(rect) && (tier == 1 || !coversLeader(rect))) {
                    placed[i] = {rect, false};
                    done = true;
                    break;
                }
            }
        }
        // Rings of growing radius around the anchor; on each, candidates a label height apart,
        // starting at the right and alternating up and down, so the nearest free spot wins. A
        // leader never crosses another leader, and no label covers one. The first pass also wants
        // a leader that crosses no label already placed nor the obstacles; only when the whole view
        // has no such spot does the second take one that does.
        const double step = std::max({h, 6.0, diagonal / 60});
        for (int pass = 0; pass < 2 && !done; ++pass) {
            for (double radius = std::max(w, h) / 2 + gap + step; !done && radius <= diagonal; radius += step) {
                const int n = std::clamp(int(2 * std::numbers::pi * radius / std::max(h, 6.0)), 8, 128);
                for (int k = 0; k < n && !done; ++k) {
                    const int m = (k + 1) / 2;
                    const double angle = (k % 2 ? 1 : -1) * 2 * std::numbers::pi * m / n;
                    const QPointF centre(a.x() + radius * std::cos(angle), a.y() + radius * std::sin(angle));
                    const QRectF rect(centre.x() - w / 2, centre.y() - h / 2, w, h);
                    if (!free(rect) || rect.contains(a))
                        continue;
                    const QLineF leader = leaderLine(a, rect);
                    if (pass == 0 && (taken.crosses(leader) || coversLeader(rect) || crossesLeader(leader)))
                        continue;
                    placed[i] = {rect, true};
                    leaders.push_back(leader);
                    done = true;
                }
            }
        }
        if (done)
            taken.insert(placed[i].rect);
    }
    untangle(placed, requests, bounds, obstacles, anchorBoxes, diagonal);
    return placed;
}

bool segmentsCross(const QLineF &a, const QLineF &b)
{
    const double d1 = cross(b.p1(), b.p2(), a.p1()), d2 = cross(b.p1(), b.p2(), a.p2());
    const double d3 = cross(a.p1(), a.p2(), b.p1()), d4 = cross(a.p1(), a.p2(), b.p2());
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

QLineF leaderLine(QPointF anchor, const QRectF &box)
{
    const QPointF nearest(std::clamp(anchor.x(), box.left(), box.right()),
                          std::clamp(anchor.y(), box.top(), box.bottom()));
    return {anchor, nearest};
}

} // namespace orrery::ui
