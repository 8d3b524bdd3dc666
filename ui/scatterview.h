#pragma once

#include "base/clustering.h"
#include "render/clusterlabels.h"
#include "render/contours.h"
#include "render/labelplacer.h"
#include "render/maprenderer.h"

#include <QElapsedTimer>
#include <QImage>
#include <QPolygonF>
#include <QThreadPool>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace orrery::ui {

/// Places labels greedily in request order (earlier ones win): each at the first of eight
/// positions around its anchor (right, left, above, below, then the diagonals), `gap` pixels off,
/// that stays inside `bounds` and overlaps neither a label already placed, an obstacle, nor the
/// anchor of another request. Returns one rectangle per request; a null one when no place was free.
std::vector<QRectF> placeLabels(const std::vector<LabelRequest> &requests, const QRectF &bounds, double gap = 4,
                                const std::vector<QRectF> &obstacles = {});

/// The map: up to millions of points with double-precision coordinates, splatted by MapRenderer on
/// worker threads (the latest request wins; while a frame renders the previous one is shown moved
/// and scaled), with overlays painted on top: the path, neighbours, hover, labels, box or lasso and
/// the legend. Rows are 0-based positions in the arrays handed to setPoints.
///
/// Mouse: wheel zooms about the cursor, drag pans, click selects the nearest point within a few
/// pixels (Shift adds, Ctrl toggles, a click on nothing clears), Shift-drag selects a box,
/// Alt-drag a lasso (Ctrl with either adds), double-click activates. Keys: + and − zoom, arrows
/// pan, Home or F fits, Esc drops a lasso or box in progress, else clears the selection.
class ScatterView final : public QWidget {
    Q_OBJECT

public:
    using TextProvider = std::function<QString(qint64 row)>;
    enum class Mode { Pan, BoxSelect, LassoSelect };
    enum class Colouring { None, Categories, Values };

    explicit ScatterView(QWidget *parent = nullptr);
    ~ScatterView() override;

    // --- Points -------------------------------------------------------------------------------
    /// Replaces the points (x at 2i, y at 2i + 1) and their item ids (may be empty). Keeps the view
    /// unless fitOnNextSet() (true until the first set), and keeps colours, marks and filters when
    /// `ids` equal the current ones (another map of the same rows), else clears them. Above
    /// 50,000 points the grid is built on a worker thread: pointCount() is right at once, while
    /// hit-testing and drawing start when pointsReady() is emitted.
    void setPoints(std::vector<double> xy, std::vector<qint64> ids = {});
    /// New positions for the same rows (a live layout): keeps the view and every per-row state.
    void updatePositions(std::vector<double> xy);
    void clear();
    qint64 pointCount() const { return m_count; }
    /// Whether the grid of the latest points is built (drawing and hit-testing use it).
    bool isReady() const;
    const std::vector<qint64> &ids() const { return m_ids; }
    /// The id of a row (the row itself when no ids were given), or -1.
    qint64 idOf(qint64 row) const;
    /// The row of an id, or -1.
    qint64 rowOf(qint64 id) const;
    /// Data position of a row (needs isReady()).
    QPointF position(qint64 row) const;
    void setFitOnNextSet(bool fit) { m_fitOnNextSet = fit; }
    bool fitOnNextSet() const { return m_fitOnNextSet; }

    // --- Colours ------------------------------------------------------------------------------
    /// One category per row (-1: none) with the categories' names: categorical palette and legend.
    void setCategories(std::vector<qint32> perPoint, QStringList names);
    /// One value per row (NaN: none): viridis between the finite minimum and maximum, colour bar.
    void setValues(std::vector<float> values, QString label);
    void clearColours();
    Colouring colouring() const { return m_colouring; }
    /// The categories' names (the legend's), in category order.
    const QStringList &categoryNames() const { return m_categoryNames; }
    /// The colour category `index` is drawn in.
    static QRgb categoryColour(qint32 index);

    // --- Clusters -----------------------------------------------------------------------------
    /// A clustering of the rows' embedding set: its labels are drawn at every zoom (the coarse
    /// level zoomed out, finer ones as a cluster fills more of the view). `setIds` are the item ids
    /// of the set's rows in the order of `clustering.assignment`, mapped to this map's rows through
    /// ids(); empty when the assignment is per row of this map. Anchors follow new positions; new
    /// rows (other ids) drop the clustering.
    void setClusters(const Clustering &clustering, const std::vector<qint64> &setIds = {});
    void clearClusters();
    bool hasClusters() const { return !m_clusterAnchors.isEmpty(); }
    /// The finest cluster id of each row (-1: none), after mapping through ids.
    const std::vector<qint32> &rowClusters() const { return m_rowCluster; }
    const ClusterAnchors &clusterAnchors() const { return m_clusterAnchors; }
    /// Rows up to which the anchors are built on the spot (a few ms); above it they are built on a
    /// worker and the labels appear once they arrive (clusterAnchorsReady), the latest request winning.
    void setClusterAnchorSyncLimit(qint64 rows) { m_anchorSyncLimit = rows; }
    /// True while anchors are being built off the GUI thread.
    bool isBuildingClusterAnchors() const { return m_anchorBuilding; }
    void setClusterLabelsVisible(bool visible);
    bool clusterLabelsVisible() const { return m_clusterLabelsVisible; }
    /// Colours rows by their cluster at `level` (0: the finest, clamped to the clustering's levels),
    /// with the clusters' labels as the legend's names (Colouring::Categories; colourLevel() tells).
    void colourByClusters(int level = 0);
    /// The level colourByClusters() colours by, -1 when the colours are something else.
    int colourLevel() const { return m_colourLevel; }
    /// The cluster labels the last paint placed (logical pixels).
    const std::vector<ClusterLabel> &clusterLabels() const { return m_clusterLabels; }
    /// Where the last paint put the point labels that needed a leader line (a subset of labelRects()).
    const std::vector<QRectF> &leaderLabelRects() const { return m_leaderRects; }

    // --- Contours -----------------------------------------------------------------------------
    /// Density contours of the points around the view, computed off the GUI thread and off the
    /// frames (ContourWorker) when the zoom has changed by half or the view left the area they
    /// cover; each paint draws the cached lines moved and scaled to the current view.
    void setContoursVisible(bool visible);
    bool contoursVisible() const { return m_contoursVisible; }
    /// The contours on screen (null when off or not yet computed); their `view` is the wider area
    /// they were computed over.
    const std::shared_ptr<const ContourSet> &contours() const { return m_contourWorker->current(); }
    /// Whether newer contours are being computed.
    bool contoursPending() const { return m_contourWorker->busy(); }

    // --- Appearance ---------------------------------------------------------------------------
    /// Disc diameter in logical pixels; 0 picks one from the number of points (the default).
    void setPointSize(double size);
    double pointSize() const { return m_pointSize; }
    double effectivePointSize() const;
    void setOpacity(double opacity);
    double opacity() const { return m_opacity; }
    /// Auto draws a density map when most points in view overlap several times over.
    void setDensityMode(DensityMode mode);
    DensityMode densityMode() const { return m_densityMode; }
    void setLegendVisible(bool visible);
    bool legendVisible() const { return m_legendVisible; }
    /// Where the legend is drawn, in widget coordinates (empty without one). fitToData() keeps the
    /// points clear of it when that costs less than half their spread.
    QRectF legendArea() const { return legendRect(QRectF(rect()), m_frameInfo); }

    // --- Marks --------------------------------------------------------------------------------
    void setSelection(std::vector<qint64> rows);
    /// Selected rows, ascending.
    const std::vector<qint64> &selection() const { return m_selection; }
    void clearSelection() { setSelection({}); }
    /// The item last clicked or set (its neighbours and label are shown), or -1.
    qint64 currentRow() const { return m_current; }
    void setCurrentRow(qint64 row);
    /// Search results: ringed in amber.
    void setHighlighted(std::vector<qint64> rows);
    const std::vector<qint64> &highlighted() const { return m_highlighted; }
    /// One byte per row, non-zero dims it; empty clears.
    void setDimmed(std::vector<quint8> mask);
    /// Dims every row not in `matching`.
    void setFilter(const std::vector<qint64> &matching);
    void clearFilter() { setDimmed({}); }
    /// A playlist's rows in order: a polyline with arrows and ordinals.
    void setPath(std::vector<qint64> rows);
    const std::vector<qint64> &path() const { return m_path; }
    /// Neighbours of `centre` (the current row when -1), joined to it by lines and labelled.
    void setNeighbours(std::vector<qint64> rows, qint64 centre = -1);
    const std::vector<qint64> &neighbours() const { return m_neighbours; }
    /// Label text for hovered, current, selected and neighbour rows.
    void setLabels(TextProvider labels);
    /// Tooltip text on hover; the labels when unset.
    void setCaptions(TextProvider captions);
    qint64 hoveredRow() const { return m_hover; }
    /// Where the last paint put its labels, in logical pixels (for checks).
    const std::vector<QRectF> &labelRects() const { return m_labelRects; }

    // --- View ---------------------------------------------------------------------------------
    void fitToData();
    /// Zooms about `anchor` (logical pixels; the middle when null), which stays put.
    void zoomBy(double factor, std::optional<QPointF> anchor = {});
    /// Moves the picture by `pixels` (logical).
    void panBy(QPointF pixels);
    void setView(QPointF centre, double scale);
    MapView view() const;
    QPointF centre() const { return m_centre; }
    double scale() const { return m_scale; }
    QPointF mapToScreen(QPointF data) const { return view().toScreen(data); }
    QPointF mapToData(QPointF screen) const { return view().toData(screen); }
    /// The row nearest a screen position within `radius` logical pixels (plus the point radius), or -1.
    qint64 rowAt(QPointF screen, double radius = 6) const;
    void setInteractionMode(Mode mode) { m_mode = mode; }
    Mode interactionMode() const { return m_mode; }

    // --- Frames -------------------------------------------------------------------------------
    /// Submits a frame now (changes normally coalesce into one frame per event-loop turn).
    void renderNow();
    quint64 requestedGeneration() const { return m_requested; }
    /// The generation of the frame on screen (0: none yet).
    quint64 frameGeneration() const { return m_frameGeneration; }
    const FrameInfo &frameInfo() const { return m_frameInfo; }
    const QImage &frame() const { return m_frame; }
    bool isRendering() const { return m_rendering; }
    /// A frame superseded by a newer request is dropped, unless the picture on screen has been out
    /// of date for this long (so a continuous drag over slow frames still shows progress).
    void setStaleFrameBudget(int milliseconds) { m_staleBudget = milliseconds; }

    // --- Exports ------------------------------------------------------------------------------
    /// The current view rendered synchronously at `size` (the same data in view, scaled to fit),
    /// with overlays (no hover or rubber band).
    QImage renderToImage(QSize size);
    /// The current view as SVG. Up to `maxVectorPoints` points in view are written as circles;
    /// above that the points are embedded as one raster image at twice the resolution. Overlays,
    /// labels and the legend are always vectors.
    bool saveSvg(const QString &path, qint64 maxVectorPoints = 20000);

signals:
    void hovered(qint64 row); ///< -1 when leaving a point
    void clicked(qint64 row); ///< -1 for a click on nothing
    void selectionChanged();
    void activated(qint64 row); ///< double-click on a point
    void viewChanged();
    void pointsReady(); ///< the grid of the latest points is built
    void clusterAnchorsReady(); ///< anchors built off the GUI thread are in clusterAnchors()
    void frameReady(quint64 generation);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct RenderJob {
        quint64 generation = 0;
        RenderInput input;
        RenderParams params;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    enum class Drag { None, Pending, Pan, Box, Lasso };
    enum class SelectOp { Replace, Add, Toggle };

    void preparePoints(std::vector<double> xy);
    void launchPrepare(quint64 generation, std::vector<double> xy);
    void adoptPoints(quint64 generation, std::shared_ptr<const MapPoints> points);
    void resetRowState();
    void setViewInternal(QPointF centre, double scale, bool userChange);
    void scheduleRender();
    RenderParams renderParams(const MapView &view, double dpr) const;
    RenderInput renderInput() const;
    void launchRender(RenderJob job);
    void frameDone(quint64 generation, QImage image, FrameInfo info, MapView view);
    void rebuildClusterAnchors();
    void launchAnchorBuild();
    std::vector<quint8> &flagsForWrite();
    void setFlagBits(const std::vector<qint64> &oldRows, const std::vector<qint64> &newRows, quint8 bit);
    std::vector<qint64> validRows(std::vector<qint64> rows) const;
    void applySelection(std::vector<qint64> rows, SelectOp op);
    void setHover(qint64 row, QPoint pos);
    QString labelText(qint64 row) const;
    QRectF legendRect(const QRectF &area, const FrameInfo &info) const;
    void refitIfAutomatic();
    void paintOverlays(QPainter &p, const MapView &view, const QRectF &area, const FrameInfo &info, bool interactive);
    void paintLegend(QPainter &p, const QRectF &box, const FrameInfo &info) const;

    // Points and per-row state
    qint64 m_count = 0;
    std::vector<qint64> m_ids;
    mutable std::vector<qint64> m_idOrder; // rows sorted by id, built on the first rowOf()
    std::shared_ptr<const MapPoints> m_points;
    quint64 m_prepareRequested = 0;
    quint64 m_prepareAdopted = 0;
    bool m_preparing = false;
    std::optional<std::pair<quint64, std::vector<double>>> m_prepareQueued;
    bool m_fitOnNextSet = true;
    bool m_fitPending = false;

    std::shared_ptr<std::vector<quint16>> m_colours;
    std::shared_ptr<std::vector<quint8>> m_flags;
    Colouring m_colouring = Colouring::None;
    std::vector<QRgb> m_palette;
    QStringList m_categoryNames;
    std::vector<qint64> m_categoryCounts;
    QString m_valueLabel;
    double m_valueMin = 0, m_valueMax = 0;

    std::vector<qint64> m_selection, m_highlighted, m_path, m_neighbours;
    qint64 m_neighbourCentre = -1;
    qint64 m_current = -1;
    qint64 m_hover = -1;
    bool m_dimmed = false;
    TextProvider m_labels, m_captions;
    std::vector<QRectF> m_labelRects;
    std::vector<QRectF> m_leaderRects;

    // Clusters and contours
    QList<Cluster> m_clusterList;
    std::vector<qint32> m_rowCluster;
    ClusterAnchors m_clusterAnchors;
    bool m_clusterLabelsVisible = true;
    int m_colourLevel = -1;
    std::vector<ClusterLabel> m_clusterLabels;
    qint64 m_anchorSyncLimit = 20000;
    quint64 m_anchorGeneration = 0; // bumped by every request; a build of an older one is dropped
    bool m_anchorBuilding = false;
    QThreadPool m_anchorWorkers; // one build at a time; waits for it when the view goes
    bool m_contoursVisible = false;
    std::unique_ptr<ContourWorker> m_contourWorker;
    LabelSprites m_labelSprites;

    // Appearance and view
    double m_pointSize = 0;
    double m_opacity = 0.8;
    DensityMode m_densityMode = DensityMode::Auto;
    bool m_legendVisible = true;
    QPointF m_centre;
    double m_scale = 1.0;
    bool m_autoFit = false; // refit on resize until the view is moved
    Mode m_mode = Mode::Pan;

    // Interaction
    Drag m_drag = Drag::None;
    Drag m_dragKind = Drag::None;
    QPointF m_pressPos;
    QPointF m_lastPos;
    Qt::KeyboardModifiers m_pressModifiers;
    QPolygonF m_lasso; // logical pixels

    // Rendering
    QThreadPool m_workers; // one render or prepare at a time each; the renderer fans out itself
    std::shared_ptr<MapRenderer> m_renderer;
    quint64 m_requested = 0;
    bool m_renderScheduled = false;
    bool m_rendering = false;
    std::shared_ptr<std::atomic<bool>> m_renderCancel;
    std::optional<RenderJob> m_renderQueued;
    QElapsedTimer m_staleSince;
    int m_staleBudget = 100;
    QImage m_frame;
    MapView m_frameView;
    quint64 m_frameGeneration = 0;
    FrameInfo m_frameInfo;
};

} // namespace orrery::ui
