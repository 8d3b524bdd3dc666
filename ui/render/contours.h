#pragma once

#include "maprenderer.h"

#include <QColor>
#include <QLineF>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
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

/// Draws a set computed for another view in `view`: every segment is mapped from the set's pixels
/// (an affine image of data coordinates) to the view's, and only those meeting the view are drawn.
/// Costs a pass over the segments, no density work.
void paintContours(QPainter &p, const ContourSet &set, const MapView &view, const QColor &line,
                   const QColor &background);

/// The view contours for `view` are computed over: the same zoom and centre, `grow` times as wide
/// and high, so the set keeps serving while the view pans by up to (grow − 1) / 2 of its size.
MapView contourArea(const MapView &view, double grow = 2.0);

/// Whether `set` still serves `view`: its zoom is within a factor `zoomTolerance` of the view's
/// (beyond it, lines would be visibly too coarse or too fine) and it covers the whole view.
bool contoursServe(const ContourSet &set, const MapView &view, double zoomTolerance = 1.5);

/// Keeps the density contours of a map off the GUI thread and off the frames: request() with each
/// frame's view is cheap while the current set serves it; otherwise it starts a computation over
/// contourArea() on its own thread. The newest request wins: an older one in flight is cancelled
/// and its result dropped, and at most one waits behind it. `ready` runs on `context`'s thread when
/// a new set is adopted. Call from that thread only.
class ContourWorker final {
public:
    ContourWorker(QObject *context, std::function<void()> ready);
    ~ContourWorker();
    ContourWorker(const ContourWorker &) = delete;
    ContourWorker &operator=(const ContourWorker &) = delete;

    /// Asks for contours of `points` serving `view`. Returns true when a computation was started
    /// or queued. New points (another pointer) drop the current set at once.
    bool request(const std::shared_ptr<const MapPoints> &points, const MapView &view, const ContourParams &params = {});
    /// Drops the current set and any work (the overlay was turned off or the points cleared).
    void clear();
    /// The newest adopted set, or null.
    const std::shared_ptr<const ContourSet> &current() const { return m_current; }
    /// Whether a computation is running or queued.
    bool busy() const { return m_running || m_queued.has_value(); }
    /// Milliseconds the last adopted computation took on its thread.
    double lastMilliseconds() const { return m_current ? m_current->milliseconds : 0; }
    /// Blocks until no computation is running (for tests and exports).
    void waitForDone() { m_pool.waitForDone(); }

private:
    struct Job {
        quint64 generation = 0;
        std::shared_ptr<const MapPoints> points;
        MapView area;
        ContourParams params;
    };
    void launch(Job job);
    void finished(quint64 generation, std::shared_ptr<const MapPoints> points, ContourParams params,
                  std::shared_ptr<const ContourSet> set);

    QObject *m_context;
    std::function<void()> m_ready;
    QThreadPool m_pool;
    std::shared_ptr<const MapPoints> m_points;
    ContourParams m_params;
    std::shared_ptr<const ContourSet> m_current;
    quint64 m_requested = 0;
    bool m_running = false;
    MapView m_runningArea;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::optional<Job> m_queued;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace orrery::ui
