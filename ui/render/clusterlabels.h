#pragma once

#include "base/clustering.h"
#include "labelplacer.h"
#include "maprenderer.h"

#include <QColor>
#include <QFont>
#include <QHash>
#include <QImage>

#include <vector>

class QPainter;

namespace orrery::ui {

/// One cluster of a clustering as the map sees it: where its members lie in the current layout.
struct ClusterPlace {
    qint32 id = 0;
    qint32 level = 0; ///< 0 is the finest
    qint32 parent = -1; ///< index into ClusterAnchors::clusters(), -1 at the top
    std::vector<qint32> children; ///< indices
    qint64 members = 0; ///< rows of the map in it
    QString text;
    QPointF anchor; ///< data coordinates: the mean of its members inside `extent`
    QRectF extent; ///< data coordinates: its members' 10th to 90th percentiles along each axis
};

/// A clustering's anchors in one layout, at every level. Built once per (clustering, layout) in
/// O(rows), from at most a few thousand members sampled per cluster, so about 10 ms at 1M rows.
class ClusterAnchors final {
public:
    ClusterAnchors() = default;
    /// `rowCluster` is the finest cluster id of each row of `points` (-1: noise or none).
    ClusterAnchors(const QList<Cluster> &clusters, const std::vector<qint32> &rowCluster, const MapPoints &points);

    const std::vector<ClusterPlace> &clusters() const { return m_clusters; }
    bool isEmpty() const { return m_clusters.empty(); }
    int levels() const { return m_levels; }
    /// Index of a cluster id, or -1.
    qint32 indexOf(qint32 id) const;

    /// The clusters to label in `view`: from the top level down, a cluster is replaced by its
    /// children once its extent spans more than `splitShare` of the view's smaller side on screen;
    /// only those whose anchor is in view are kept. Coarser first, then larger first.
    std::vector<qint32> visible(const MapView &view, double splitShare = 0.4) const;

private:
    std::vector<ClusterPlace> m_clusters;
    int m_levels = 0;
};

/// A cluster label laid out in a view (logical pixels).
struct ClusterLabel {
    qint32 cluster = -1; ///< index into ClusterAnchors::clusters()
    qint32 level = 0;
    QString text;
    QPointF anchor;
    QFont font;
    LabelPlacement place;
};

/// The label of each cluster `visible` chooses, with its font (larger and bold at coarser levels
/// and for bigger clusters) and box size, not yet placed.
std::vector<ClusterLabel> clusterLabelRequests(const ClusterAnchors &anchors, const MapView &view, const QFont &base,
                                               double splitShare = 0.4);

/// The requests of `labels` for placeLabelsWithLeaders, and back.
std::vector<LabelRequest> labelRequests(const std::vector<ClusterLabel> &labels);

/// Chooses and places cluster labels in `bounds`, clear of `obstacles` (the legend) and of each other.
std::vector<ClusterLabel> layoutClusterLabels(const ClusterAnchors &anchors, const MapView &view, const QFont &base,
                                              const QRectF &bounds, const std::vector<QRectF> &obstacles);

/// Rendered label boxes (the box, the haloed text) by text, font, colours, size and pixel ratio, so
/// a frame blits each label instead of stroking its glyph outlines again: the halo's stroke is
/// most of a label's cost. Bounded; cleared when full.
class LabelSprites final {
public:
    /// The label's box as an image at `devicePixelRatio`, rendered on first use.
    const QImage &sprite(const ClusterLabel &label, const QColor &text, const QColor &background,
                         double devicePixelRatio);
    qsizetype size() const { return m_sprites.size(); }

private:
    QHash<QString, QImage> m_sprites;
};

/// Draws a placed label: text with a halo in the background colour over a faint box, and its leader
/// (a thin line to a dot on the anchor) when it has one. With `sprites` the box comes from the cache
/// (raster targets; pass none for vector output such as SVG).
void paintClusterLabel(QPainter &p, const ClusterLabel &label, const QColor &text, const QColor &background,
                       LabelSprites *sprites = nullptr);

} // namespace orrery::ui
