#pragma once

#include "maprenderer.h"

#include <QColor>
#include <QLineF>

#include <atomic>
#include <memory>
#include <vector>

class QPainter;

namespace orrery::ui {

/// How to estimate and trace the density of the points in view.
struct ContourParams {
    double cellPixels = 4; ///< logical pixels per grid cell
    double sigmaPixels = 10; ///< the Gaussian kernel's standard deviation, logical pixels
    /// Each level's line encloses the densest cells holding this share of the points near the view.
    std::vector<double> masses {0.3, 0.55, 0.8};
    bool operator==(const ContourParams &) const = default;
};

/// One iso-line: the segments marching squares traced at one density.
struct ContourLevel {
    double mass = 0;
    double density = 0; ///< the threshold, in points per cell after smoothing
    std::vector<QLineF> segments; ///< logical pixels of the view the set was computed for
};

/// The density contours of one view.
struct ContourSet {
    MapView view;
    std::vector<ContourLevel> levels; ///< in the order of ContourParams::masses
    qint64 points = 0; ///< points binned (in view and a margin of three kernel widths around it)
    double milliseconds = 0;
    bool isEmpty() const { return levels.empty(); }
};

/// A kernel density estimate on a coarse grid over the view, traced at a few mass quantiles: the
/// points in view (and a margin) are binned at screen resolution in double precision, the grid is
/// blurred by a separable Gaussian and marching squares traces the iso-lines (saddles resolved by
/// the cell's mean). The grid's outer ring is kept at zero, so every line is closed. Returns an
/// empty set when `cancel` was set.
ContourSet computeContours(const MapPoints &points, const MapView &view, const ContourParams &params = {},
                           const std::atomic<bool> *cancel = nullptr);

/// Computes contours for the render thread, keeping the last set while points, view and params
/// stay the same. Not thread-safe: one caller at a time.
class ContourCache final {
public:
    std::shared_ptr<const ContourSet> get(const std::shared_ptr<const MapPoints> &points, const MapView &view,
                                          const ContourParams &params = {}, const std::atomic<bool> *cancel = nullptr);

private:
    std::shared_ptr<const MapPoints> m_points;
    ContourParams m_params;
    std::shared_ptr<const ContourSet> m_set;
};

/// Draws the lines with cosmetic pens (their width stays in device pixels under any transform),
/// denser levels more opaque, each over a faint halo in the background colour.
void paintContours(QPainter &p, const ContourSet &set, const QColor &line, const QColor &background);

} // namespace orrery::ui
