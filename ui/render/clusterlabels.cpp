#include "clusterlabels.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace orrery::ui {

namespace {

constexpr qint64 sampleCap = 4096; // members per cluster the anchor and extent are computed from

// The q-quantile of a copy (the caller's pairs of x and y stay aligned).
double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    const size_t k = std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + qsizetype(k), v.end());
    return v[k];
}

} // namespace

ClusterAnchors::ClusterAnchors(const QList<Cluster> &clusters, const std::vector<qint32> &rowCluster,
                               const MapPoints &points)
{
    std::unordered_map<qint32, qint32> index;
    for (const Cluster &c : clusters) {
        index.emplace(c.id, qint32(m_clusters.size()));
        ClusterPlace p;
        p.id = c.id;
        p.level = c.level;
        p.text = c.label.isEmpty() ? QString::number(c.id) : c.label;
        m_clusters.push_back(std::move(p));
        m_levels = std::max(m_levels, c.level + 1);
    }
    for (qsizetype i = 0; i < clusters.size(); ++i) {
        const auto parent = index.find(clusters[i].parent);
        if (clusters[i].parent >= 0 && parent != index.end() && parent->second != qint32(i)) {
            m_clusters[size_t(i)].parent = parent->second;
            m_clusters[size_t(parent->second)].children.push_back(qint32(i));
        }
    }
    // Members per cluster at every level (each row counts for its finest cluster and its ancestors).
    const qint64 rows = std::min<qint64>(qint64(rowCluster.size()), points.count());
    std::vector<qint32> finest(size_t(rows), -1);
    for (qint64 r = 0; r < rows; ++r) {
        const auto it = rowCluster[size_t(r)] >= 0 ? index.find(rowCluster[size_t(r)]) : index.end();
        if (it == index.end())
            continue;
        const QPointF p = points.position(r);
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
            continue;
        finest[size_t(r)] = it->second;
        for (qint32 c = it->second, guard = 0; c >= 0 && guard < 64; c = m_clusters[size_t(c)].parent, ++guard)
            ++m_clusters[size_t(c)].members;
    }
    // An even sample of each cluster's members: every k-th one, k from its size.
    std::vector<std::vector<double>> xs(m_clusters.size()), ys(m_clusters.size());
    std::vector<qint64> seen(m_clusters.size(), 0), stride(m_clusters.size(), 1);
    for (size_t c = 0; c < m_clusters.size(); ++c) {
        stride[c] = std::max<qint64>(1, (m_clusters[c].members + sampleCap - 1) / sampleCap);
        xs[c].reserve(size_t(std::min(m_clusters[c].members, sampleCap + 1)));
        ys[c].reserve(size_t(std::min(m_clusters[c].members, sampleCap + 1)));
    }
    for (qint64 r = 0; r < rows; ++r) {
        if (finest[size_t(r)] < 0)
            continue;
        const QPointF p = points.position(r);
        for (qint32 c = finest[size_t(r)], guard = 0; c >= 0 && guard < 64; c = m_clusters[size_t(c)].parent, ++guard) {
            if (seen[size_t(c)]++ % stride[size_t(c)] == 0) {
                xs[size_t(c)].push_back(p.x());
                ys[size_t(c)].push_back(p.y());
            }
        }
    }
    for (size_t c = 0; c < m_clusters.size(); ++c) {
        ClusterPlace &p = m_clusters[c];
        if (xs[c].empty())
            continue;
        const double x0 = quantile(xs[c], 0.1), x1 = quantile(xs[c], 0.9);
        const double y0 = quantile(ys[c], 0.1), y1 = quantile(ys[c], 0.9);
        p.extent = QRectF(x0, y0, x1 - x0, y1 - y0);
        // The mean of the members inside the 10–90 % box: outliers do not move it, and unlike the
        // median it does not jump across the gap of a cluster made of several blobs.
        double sx = 0, sy = 0;
        qint64 k = 0;
        for (size_t i = 0; i < xs[c].size(); ++i) {
            if (xs[c][i] < x0 || xs[c][i] > x1 || ys[c][i] < y0 || ys[c][i] > y1)
                continue;
            sx += xs[c][i];
            sy += ys[c][i];
            ++k;
        }
        p.anchor = k > 0 ? QPointF(sx / double(k), sy / double(k))
                         : QPointF(quantile(xs[c], 0.5), quantile(ys[c], 0.5));
    }
}

qint32 ClusterAnchors::indexOf(qint32 id) const
{
    for (size_t i = 0; i < m_clusters.size(); ++i)
        if (m_clusters[i].id == id)
            return qint32(i);
    return -1;
}

std::vector<qint32> ClusterAnchors::visible(const MapView &view, double splitShare) const
{
    std::vector<qint32> out;
    const QRectF inView = view.dataRect();
    const double side = std::min(view.size.width(), view.size.height());
    std::vector<qint32> stack;
    for (size_t i = 0; i < m_clusters.size(); ++i)
        if (m_clusters[i].parent < 0)
            stack.push_back(qint32(i));
    while (!stack.empty()) {
        const qint32 i = stack.back();
        stack.pop_back();
        const ClusterPlace &c = m_clusters[size_t(i)];
        if (c.members == 0)
            continue;
        // A cluster wholly out of view has no label, nor have its children.
        const QRectF &e = c.extent;
        if (e.left() > inView.right() || e.right() < inView.left() || e.top() > inView.bottom()
            || e.bottom() < inView.top())
            continue;
        const double span = std::max(c.extent.width(), c.extent.height()) * view.scale;
        if (!c.children.empty() && span > splitShare * side) {
            for (const qint32 child : c.children)
                stack.push_back(child);
            continue;
        }
        if (inView.contains(c.anchor))
            out.push_back(i);
    }
    std::sort(out.begin(), out.end(), [&](qint32 a, qint32 b) {
        const ClusterPlace &x = m_clusters[size_t(a)], &y = m_clusters[size_t(b)];
        if (x.level != y.level)
            return x.level > y.level;
        if (x.members != y.members)
            return x.members > y.members;
        return a < b;
    });
    return out;
}

std::vector<ClusterLabel> clusterLabelRequests(const ClusterAnchors &anchors, const MapView &view, const QFont &base,
                                               double splitShare)
{
    std::vector<ClusterLabel> labels;
    const std::vector<qint32> chosen = anchors.visible(view, splitShare);
    if (chosen.empty())
        return labels;
    // Sizes relative to the largest label shown: up to a third larger for big clusters.
    qint64 largest = 1;
    for (const qint32 i : chosen)
        largest = std::max(largest, anchors.clusters()[size_t(i)].members);
    const double basePt = base.pointSizeF() > 0 ? base.pointSizeF() : 9.0;
    for (const qint32 i : chosen) {
        const ClusterPlace &c = anchors.clusters()[size_t(i)];
        ClusterLabel l;
        l.cluster = i;
        l.level = c.level;
        l.anchor = view.toScreen(c.anchor);
        const double share = std::sqrt(double(c.members) / double(largest));
        l.font = base;
        l.font.setPointSizeF(basePt * (1.0 + 0.12 * std::min(c.level, 3) + 0.3 * share));
        l.font.setBold(c.level > 0 || c.parent < 0);
        const QFontMetricsF fm(l.font);
        l.text = fm.elidedText(c.text, Qt::ElideRight, 14 * fm.averageCharWidth() + 40);
        l.place.rect = QRectF(QPointF(), QSizeF(fm.horizontalAdvance(l.text) + 10, fm.height() + 2));
        labels.push_back(std::move(l));
    }
    return labels;
}

std::vector<LabelRequest> labelRequests(const std::vector<ClusterLabel> &labels)
{
    std::vector<LabelRequest> requests;
    requests.reserve(labels.size());
    for (const ClusterLabel &l : labels)
        requests.push_back({l.anchor, l.place.rect.size()});
    return requests;
}

std::vector<ClusterLabel> layoutClusterLabels(const ClusterAnchors &anchors, const MapView &view, const QFont &base,
                                              const QRectF &bounds, const std::vector<QRectF> &obstacles)
{
    std::vector<ClusterLabel> labels = clusterLabelRequests(anchors, view, base);
    const std::vector<LabelPlacement> placed = placeLabelsWithLeaders(labelRequests(labels), bounds, 3, obstacles);
    for (size_t i = 0; i < labels.size(); ++i)
        labels[i].place = placed[i];
    std::erase_if(labels, [](const ClusterLabel &l) { return l.place.rect.isNull(); });
    return labels;
}

namespace {

// The box and its haloed text, with the box's top left at `origin`.
void paintLabelBox(QPainter &p, const ClusterLabel &label, QPointF topLeft, const QColor &text,
                   const QColor &background)
{
    const QRectF box(topLeft, label.place.rect.size());
    QColor faint = background;
    faint.setAlpha(150);
    p.setPen(Qt::NoPen);
    p.setBrush(faint);
    p.drawRoundedRect(box, 4, 4);
    // The halo: the text's outline stroked wide in the background colour, then the text on top.
    const QFontMetricsF fm(label.font);
    const QPointF origin(box.left() + (box.width() - fm.horizontalAdvance(label.text)) / 2,
                         box.top() + (box.height() - fm.height()) / 2 + fm.ascent());
    QPainterPath path;
    path.addText(origin, label.font, label.text);
    QColor halo = background;
    halo.setAlpha(230);
    p.setPen(QPen(halo, 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.setPen(Qt::NoPen);
    p.setBrush(text);
    p.drawPath(path);
}

} // namespace

const QImage &LabelSprites::sprite(const ClusterLabel &label, const QColor &text, const QColor &background,
                                   double devicePixelRatio)
{
    const QSizeF size = label.place.rect.size();
    const QString key = label.text + u'\x1f' + label.font.key() + u'\x1f' + QString::number(text.rgba(), 16) + u'\x1f'
        + QString::number(background.rgba(), 16) + u'\x1f' + QString::number(size.width()) + u'x'
        + QString::number(size.height()) + u'@' + QString::number(devicePixelRatio);
    const auto found = m_sprites.constFind(key);
    if (found != m_sprites.constEnd())
        return *found;
    if (m_sprites.size() >= 1024)
        m_sprites.clear();
    QImage image(
        QSize(int(std::ceil(size.width() * devicePixelRatio)), int(std::ceil(size.height() * devicePixelRatio))),
        QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(Qt::transparent);
    {
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing, true);
        paintLabelBox(p, label, QPointF(0, 0), text, background);
    }
    return *m_sprites.insert(key, std::move(image));
}

void paintClusterLabel(QPainter &p, const ClusterLabel &label, const QColor &text, const QColor &background,
                       LabelSprites *sprites)
{
    const QRectF box = label.place.rect;
    if (box.isNull())
        return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    if (label.place.leader) {
        QColor faint = background;
        faint.setAlpha(150);
        QColor line = text;
        line.setAlpha(190);
        const QLineF leader = leaderLine(label.anchor, box);
        p.setPen(QPen(faint, 3));
        p.drawLine(leader);
        p.setPen(QPen(line, 1));
        p.drawLine(leader);
        p.setPen(Qt::NoPen);
        p.setBrush(line);
        p.drawEllipse(label.anchor, 2.2, 2.2);
    }
    // Sprites only where the painter maps logical pixels one to one (a frame, not a scaled export).
    const bool plain = p.worldTransform().type() <= QTransform::TxTranslate;
    if (sprites && plain && p.device()) {
        const double dpr = p.device()->devicePixelRatioF();
        p.drawImage(box.topLeft(), sprites->sprite(label, text, background, dpr));
    } else {
        paintLabelBox(p, label, box.topLeft(), text, background);
    }
    p.restore();
}

} // namespace orrery::ui
