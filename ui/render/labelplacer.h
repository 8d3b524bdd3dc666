#pragma once

#include <QLineF>
#include <QRectF>

#include <vector>

namespace orrery::ui {

/// A label to place: its anchor point and its box size, in pixels.
struct LabelRequest {
    QPointF anchor;
    QSizeF size;
};

/// Where a label went: next to its anchor, or further out joined to it by a leader line.
struct LabelPlacement {
    QRectF rect; ///< null when the label found no room anywhere in the bounds
    bool leader = false;
};

/// Places labels greedily in request order (earlier ones win). Each first tries the eight positions
/// next to its anchor (right, left, above, below, then the diagonals), `gap` pixels off; when all
/// of those are taken it moves outward on rings of growing radius to the nearest free spot and gets
/// a leader. A place is free when it lies inside `bounds` and overlaps no label already placed, no
/// obstacle and no other request's anchor. Leaders do not cross one another: crossing pairs swap
/// places, or the later label moves to the nearest spot whose leader crosses none (only a heap so
/// tight that no such spot is left keeps a crossing, rather than hiding the label); where the view
/// allows it they cross no label and no obstacle either. Only a label with no free spot in the
/// bounds is dropped.
std::vector<LabelPlacement> placeLabelsWithLeaders(const std::vector<LabelRequest> &requests, const QRectF &bounds,
                                                   double gap = 4, const std::vector<QRectF> &obstacles = {});

/// Whether two segments cross at a point inside both (touching ends and collinear overlaps do not count).
bool segmentsCross(const QLineF &a, const QLineF &b);

/// The leader from an anchor to the nearest point of its label's box.
QLineF leaderLine(QPointF anchor, const QRectF &box);

} // namespace orrery::ui
