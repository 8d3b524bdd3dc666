#pragma once

#include <QImage>
#include <QPolygonF>
#include <QRectF>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace orrery {
class WorkerPool;
}

namespace orrery::ui {

/// Per-row flags of the map, one byte per point.
enum PointFlag : quint8 {
    Selected = 1,
    Highlighted = 2, ///< a search result
    Dimmed = 4, ///< filtered out
};

/// A layout's points, prepared once per layout: sorted by the cells of a uniform grid (row-major,
/// y up) so that a frame splats them strip by strip with good cache locality and hit-tests visit
/// only nearby cells. Immutable once built, so it is shared between the GUI and render threads.
class MapPoints final {
public:
    /// Builds from interleaved row-order coordinates (x at 2i, y at 2i + 1). O(n), about 50 ms at
    /// 2M points. Points with a non-finite coordinate are kept but never drawn nor hit.
    explicit MapPoints(const std::vector<double> &xy);

    qint64 count() const { return qint64(m_order.size()); }
    /// The bounding box of the finite points (y up: top() is the smallest y).
    QRectF bounds() const { return m_bounds; }
    QPointF position(qint64 row) const
    {
        const quint32 s = m_rank[size_t(row)];
        return {m_xy[2 * size_t(s)], m_xy[2 * size_t(s) + 1]};
    }

    /// The row nearest `p` within `radius` data units that `accept` takes (all when empty), or -1.
    qint64 nearest(QPointF p, double radius, const std::function<bool(qint64 row)> &accept = {}) const;
    /// Rows inside a data rectangle (edges included), ascending.
    std::vector<qint64> rowsInRect(const QRectF &rect) const;
    /// Rows inside a closed data polygon (odd-even rule, as QPolygonF::containsPoint), ascending.
    std::vector<qint64> rowsInPolygon(const QPolygonF &polygon) const;

    // The layout the renderer reads.
    const double *sortedXy() const { return m_xy.data(); }
    const quint32 *order() const { return m_order.data(); } ///< sorted position → row
    const quint32 *rank() const { return m_rank.data(); } ///< row → sorted position
    int gridWidth() const { return m_gridW; }
    int gridHeight() const { return m_gridH; }
    double cellSize() const { return m_cell; }
    QPointF gridOrigin() const { return m_origin; }
    /// Sorted positions of cell (cx, cy) are [cellStart(i), cellStart(i + 1)) with i = cy * gridWidth + cx.
    quint32 cellStart(qint64 cell) const { return m_cellStart[size_t(cell)]; }

    /// Grid cell ranges [c0, c1] × [r0, r1] that overlap a data rectangle; false when none do.
    bool cellRange(const QRectF &rect, int &c0, int &c1, int &r0, int &r1) const;

private:
    std::vector<double> m_xy;
    std::vector<quint32> m_order;
    std::vector<quint32> m_rank;
    std::vector<quint32> m_cellStart;
    QRectF m_bounds;
    QPointF m_origin;
    double m_cell = 1.0;
    int m_gridW = 1;
    int m_gridH = 1;
};

/// Where the map looks: a data point at `centre` sits at the middle of a `size` (logical pixels)
/// view, `scale` logical pixels per data unit on both axes, y up.
struct MapView {
    QPointF centre;
    double scale = 1.0;
    QSizeF size;

    QPointF toScreen(QPointF d) const
    {
        return {size.width() / 2 + (d.x() - centre.x()) * scale, size.height() / 2 - (d.y() - centre.y()) * scale};
    }
    QPointF toData(QPointF s) const
    {
        return {centre.x() + (s.x() - size.width() / 2) / scale, centre.y() - (s.y() - size.height() / 2) / scale};
    }
    /// The data rectangle in view (top() is the smallest y).
    QRectF dataRect() const
    {
        const double w = size.width() / scale, h = size.height() / scale;
        return {centre.x() - w / 2, centre.y() - h / 2, w, h};
    }
    bool operator==(const MapView &) const = default;
};

enum class DensityMode { Auto, Off, On };

/// The disc diameter (logical pixels) the map uses for `points` points unless told otherwise:
/// 5 px for a few thousand, shrinking to 1 px around two million.
double defaultPointSize(qint64 points);

/// How to draw one frame.
struct RenderParams {
    MapView view;
    double devicePixelRatio = 1.0;
    double pointSize = 2.0; ///< disc diameter in logical pixels; below 1.5 device pixels points are single pixels
    double opacity = 0.8;
    DensityMode density = DensityMode::Auto;
    QRgb background = 0xff1e1e1e;
    QRgb selectedRing = 0xff3daee9;
    QRgb highlightRing = 0xffffb000;
    /// Colour index → opaque colour; index 0 is for points without a colour. Empty: one default colour.
    std::vector<QRgb> palette;
    /// Density mode shades by the mean colour of each pixel's points when set, else by a colour map.
    bool colouredDensity = false;
};

/// What the points are: shared, immutable snapshots (the renderer keeps the last ones to cache
/// their sorted copy, so callers must copy rather than change a vector they handed over).
struct RenderInput {
    std::shared_ptr<const MapPoints> points;
    std::shared_ptr<const std::vector<quint16>> colours; ///< per row; null: all index 0
    std::shared_ptr<const std::vector<quint8>> flags; ///< per row, PointFlag bits; null: none
};

/// What a frame turned out to be.
struct FrameInfo {
    bool density = false; ///< drawn as a density map
    double maxDensity = 0; ///< most points in one device pixel (density mode; dimmed ones count a quarter)
    qint64 visible = 0; ///< points in the cells in view
    qint64 inView = 0; ///< points whose position falls inside the frame (exactly those in view().dataRect())
    double milliseconds = 0;
};

/// Splats points into a QImage (Format_ARGB32_Premultiplied) on worker threads. The image is cut
/// into horizontal strips of about equal point counts; since points are sorted by grid rows, a
/// strip reads only the contiguous runs of points that can touch it, and each pixel is written by
/// one thread in a fixed order, so frames are deterministic. Alpha "over" blending in normal mode,
/// additive counts resolved through a log scale in density mode. Selected and highlighted points
/// are drawn last, enlarged and ringed. Not thread-safe: one render at a time per renderer.
class MapRenderer final {
public:
    /// `threads` ≤ 0: one per hardware thread (the calling thread is one of them).
    explicit MapRenderer(int threads = 0);
    ~MapRenderer();
    MapRenderer(const MapRenderer &) = delete;
    MapRenderer &operator=(const MapRenderer &) = delete;

    /// Renders synchronously. Returns a null image when `cancel` was set before the end.
    QImage render(const RenderInput &input, const RenderParams &params, FrameInfo *info = nullptr,
                  const std::atomic<bool> *cancel = nullptr);

    /// Whether Auto would choose the density mode: most points in view fall in cells where
    /// discs of this size overlap several times.
    static bool wantsDensity(const MapPoints &points, const RenderParams &params);

    /// The colour of a density level t in [0, 1] (log scale) on a background.
    static QRgb densityColour(double t, QRgb background);

private:
    struct Stamp;
    void ensureAttributes(const RenderInput &input);

    std::unique_ptr<WorkerPool> m_pool;
    RenderInput m_cached;
    std::vector<quint32> m_attr; ///< sorted order: colour index | flags << 16
    std::vector<float> m_density; ///< density accumulators, reused between frames
};

} // namespace orrery::ui
