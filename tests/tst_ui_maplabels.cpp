// The map's cluster labels, leader lines, colour by cluster and deep-zoom precision: the label
// placer (ui/render/labelplacer.h), ClusterAnchors and ScatterView's clusters, on offscreen widgets.
#include "render/clusterlabels.h"
#include "render/labelplacer.h"
#include "render/maprenderer.h"
#include "scatterview.h"

#include "testutil.h"

#include <QApplication>
#include <QDir>

#include <cmath>
#include <random>

using namespace orrery;
using namespace orrery::ui;

namespace {

// Three coarse clusters (ids 100..102, level 1), each of four fine ones (ids 4k + q, level 0) over
// Gaussian blobs, and a uniform haze of noise rows (-1).
struct Blobs {
    std::vector<double> xy;
    Clustering clustering;
    std::vector<QPointF> coarse, fine;
};

Blobs makeBlobs(qint64 perFine = 1500, qint64 noise = 800, quint32 seed = 5)
{
    Blobs b;
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1.3);
    std::uniform_real_distribution<double> uniform(-20, 50);
    b.coarse = {{0, 0}, {32, 0}, {16, 28}};
    const QPointF offsets[] = {{-4.5, -4.5}, {4.5, -4.5}, {4.5, 4.5}, {-4.5, 4.5}};
    const char *const names[] = {"south-west", "south-east", "north-east", "north-west"};
    b.clustering.name = QStringLiteral("test");
    for (int k = 0; k < 3; ++k) {
        b.clustering.clusters.append(
            {100 + k, 1, -1, 4 * perFine, QStringLiteral("Coarse region %1").arg(QChar(u'A' + k)), {}});
        for (int q = 0; q < 4; ++q) {
            b.fine.push_back(b.coarse[size_t(k)] + offsets[q]);
            b.clustering.clusters.append({4 * k + q,
                                          0,
                                          100 + k,
                                          perFine,
                                          QStringLiteral("%1 %2").arg(QChar(u'A' + k)).arg(QLatin1StringView(names[q])),
                                          {}});
        }
    }
    for (int f = 0; f < 12; ++f)
        for (qint64 i = 0; i < perFine; ++i) {
            b.xy.push_back(b.fine[size_t(f)].x() + normal(rng));
            b.xy.push_back(b.fine[size_t(f)].y() + normal(rng));
            b.clustering.assignment.push_back(f);
        }
    for (qint64 i = 0; i < noise; ++i) {
        b.xy.push_back(uniform(rng));
        b.xy.push_back(uniform(rng) - 10);
        b.clustering.assignment.push_back(-1);
    }
    return b;
}

void settle(ScatterView &view)
{
    QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBuildingClusterAnchors(), 60000); // large maps build them on a worker
    view.renderNow();
    const quint64 wanted = view.requestedGeneration();
    QTRY_VERIFY_WITH_TIMEOUT(view.frameGeneration() >= wanted, 60000);
    view.repaint();
}

int channelDistance(QRgb a, QRgb b)
{
    return std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
}

// No two placed rectangles overlap, none meets an obstacle, all inside the bounds.
void checkDisjoint(const std::vector<QRectF> &rects, const QRectF &bounds, const std::vector<QRectF> &obstacles)
{
    for (size_t i = 0; i < rects.size(); ++i) {
        QVERIFY2(bounds.contains(rects[i]), "a label outside the view");
        for (const QRectF &o : obstacles)
            QVERIFY2(!rects[i].intersects(o), "a label over the legend");
        for (size_t j = i + 1; j < rects.size(); ++j)
            QVERIFY2(!rects[i].intersects(rects[j]),
                     qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i).arg(j)));
    }
}

void saveShot(const QImage &image, const QString &name)
{
    const QByteArray dir = qgetenv("ORRERY_SHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(image.save(QDir(QString::fromLocal8Bit(dir)).filePath(name)));
}

} // namespace

class TestMapLabels final : public QObject {
    Q_OBJECT

private slots:
    void placerCrowdedGetsLeaders_data();
    void placerCrowdedGetsLeaders();
    void placerDropsOnlyWhenFull();
    void coarseOutFineIn();
    void crowdedClusterLabelsUseLeaders();
    void pointLabelsUseLeaders();
    void colourByCluster();
    void clustersMapThroughIds();
    void deepZoomPrecision();
    void picture();
};

void TestMapLabels::placerCrowdedGetsLeaders_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("spread");
    QTest::newRow("heap of 40") << 40 << 12.0;
    QTest::newRow("stack of 25") << 25 << 0.0;
    QTest::newRow("heap of 90") << 90 << 30.0;
}

void TestMapLabels::placerCrowdedGetsLeaders()
{
    QFETCH(int, count);
    QFETCH(double, spread);
    const QRectF bounds(0, 0, 800, 600);
    const std::vector<QRectF> obstacles {QRectF(600, 0, 200, 180)};
    std::mt19937 rng(3);
    std::normal_distribution<double> normal(0, std::max(spread, 1e-9));
    std::vector<LabelRequest> requests;
    for (int i = 0; i < count; ++i)
        requests.push_back({QPointF(560 + (spread > 0 ? normal(rng) : 0), 200 + (spread > 0 ? normal(rng) : 0)),
                            QSizeF(60 + (i % 5) * 14, 16)});
    const std::vector<LabelPlacement> placed = placeLabelsWithLeaders(requests, bounds, 4, obstacles);
    QCOMPARE(placed.size(), requests.size());
    std::vector<QRectF> rects;
    int leaders = 0;
    for (size_t i = 0; i < placed.size(); ++i) {
        QVERIFY2(!placed[i].rect.isNull(), qPrintable(QStringLiteral("label %1 dropped").arg(i)));
        QCOMPARE(placed[i].rect.size(), requests[i].size);
        rects.push_back(placed[i].rect);
        leaders += placed[i].leader;
        const QRectF &r = placed[i].rect;
        const QPointF a = requests[i].anchor;
        const double dx = std::max({r.left() - a.x(), a.x() - r.right(), 0.0});
        const double dy = std::max({r.top() - a.y(), a.y() - r.bottom(), 0.0});
        if (!placed[i].leader) // next to its anchor
            QVERIFY(std::abs(std::max(dx, dy) - 4) < 1e-9);
        else // further out, and the leader starts at the anchor
            QCOMPARE(leaderLine(a, r).p1(), a);
        for (size_t j = 0; j < requests.size(); ++j)
            if (j != i && requests[j].anchor != a)
                QVERIFY2(!r.contains(requests[j].anchor), "a label covers another label's anchor");
    }
    checkDisjoint(rects, bounds, obstacles);
    QVERIFY2(leaders > 0, "a crowded heap placed without a single leader");
    // In the densest heap every spot next to an anchor may be taken once leaders keep from crossing.
    QVERIFY(leaders < count || count >= 90);
}

void TestMapLabels::placerDropsOnlyWhenFull()
{
    // 200 boxes of 100 × 20 cannot all fit in 300 × 200 (room for 30): the rest are dropped, the
    // placed ones still disjoint; the first eight, next to their anchors, have no leader.
    const QRectF bounds(0, 0, 300, 200);
    std::vector<LabelRequest> requests;
    for (int i = 0; i < 200; ++i)
        requests.push_back({QPointF(150 + (i % 7), 100 + (i % 5)), QSizeF(100, 20)});
    const std::vector<LabelPlacement> placed = placeLabelsWithLeaders(requests, bounds, 4);
    std::vector<QRectF> rects;
    for (const LabelPlacement &p : placed)
        if (!p.rect.isNull())
            rects.push_back(p.rect);
    checkDisjoint(rects, bounds, {});
    QVERIFY(rects.size() >= 12);
    QVERIFY(rects.size() <= 30);
    QVERIFY(!placed[0].leader && !placed[0].rect.isNull());
}

void TestMapLabels::coarseOutFineIn()
{
    const Blobs b = makeBlobs();
    ScatterView view;
    view.resize(800, 600);
    view.show();
    view.setPoints(b.xy);
    view.setClusters(b.clustering);
    view.colourByClusters(1);
    settle(view);
    QVERIFY(view.hasClusters());
    QCOMPARE(view.clusterAnchors().levels(), 2);
    // Zoomed out: the three coarse labels, and only those.
    std::vector<ClusterLabel> labels = view.clusterLabels();
    QCOMPARE(labels.size(), size_t(3));
    std::vector<QRectF> rects;
    for (const ClusterLabel &l : labels) {
        QCOMPARE(l.level, 1);
        QVERIFY(l.text.startsWith(QStringLiteral("Coarse region")));
        rects.push_back(l.place.rect);
    }
    QVERIFY(!view.legendArea().isEmpty());
    checkDisjoint(rects, QRectF(view.rect()), {view.legendArea()});
    // Anchors: the coarse centres, robust to the haze.
    for (const ClusterLabel &l : labels) {
        const ClusterPlace &c = view.clusterAnchors().clusters()[size_t(l.cluster)];
        QVERIFY(QLineF(c.anchor, b.coarse[size_t(c.id - 100)]).length() < 0.5);
    }

    // Zoomed in on region B: its four fine clusters are labelled, nothing coarse.
    view.setView(b.coarse[1], 45);
    settle(view);
    labels = view.clusterLabels();
    QStringList texts;
    rects.clear();
    for (const ClusterLabel &l : labels) {
        QCOMPARE(l.level, 0);
        texts.append(l.text);
        rects.push_back(l.place.rect);
        QVERIFY(QRectF(view.rect()).contains(l.anchor));
    }
    texts.sort();
    QCOMPARE(texts,
             QStringList({QStringLiteral("B north-east"), QStringLiteral("B north-west"),
                          QStringLiteral("B south-east"), QStringLiteral("B south-west")}));
    checkDisjoint(rects, QRectF(view.rect()), {view.legendArea()});

    // In between, on the edge of A and B at a middling zoom: a mix is fine, overlaps are not.
    view.setView((b.coarse[0] + b.coarse[1]) / 2, 18);
    settle(view);
    rects.clear();
    for (const ClusterLabel &l : view.clusterLabels())
        rects.push_back(l.place.rect);
    QVERIFY(!rects.empty());
    checkDisjoint(rects, QRectF(view.rect()), {view.legendArea()});

    // Labels off: none.
    view.setClusterLabelsVisible(false);
    view.repaint();
    QVERIFY(view.clusterLabels().empty());
}

void TestMapLabels::crowdedClusterLabelsUseLeaders()
{
    // Sixty small clusters with long names packed in a 6 × 10 lattice: at the fitted zoom their
    // labels cannot all sit next to their anchors.
    Clustering c;
    std::vector<double> xy;
    std::mt19937 rng(9);
    std::normal_distribution<double> normal(0, 0.15);
    for (int k = 0; k < 60; ++k) {
        c.clusters.append({k, 0, -1, 200, QStringLiteral("Cluster number %1 of many").arg(k), {}});
        for (int i = 0; i < 200; ++i) {
            xy.push_back((k % 10) + normal(rng));
            xy.push_back((k / 10) + normal(rng));
            c.assignment.push_back(k);
        }
    }
    ScatterView view;
    view.resize(800, 600);
    view.show();
    view.setPoints(xy);
    view.setClusters(c);
    settle(view);
    const std::vector<ClusterLabel> &labels = view.clusterLabels();
    std::vector<QRectF> rects;
    int leaders = 0;
    for (const ClusterLabel &l : labels) {
        rects.push_back(l.place.rect);
        leaders += l.place.leader;
    }
    saveShot(view.grab().toImage(), QStringLiteral("orrery-map-crowded.png"));
    checkDisjoint(rects, QRectF(view.rect()), {view.legendArea()});
    QVERIFY2(leaders > 0, "no leader lines in a crowd");
    QVERIFY(labels.size() >= 50); // a few may find no room in a view this full
}

void TestMapLabels::pointLabelsUseLeaders()
{
    const Blobs b = makeBlobs(600, 0);
    ScatterView view;
    view.resize(700, 500);
    view.show();
    view.setPoints(b.xy);
    view.setLabels([](qint64 row) { return QStringLiteral("Song number %1").arg(row); });
    // Thirty neighbours in one fine cluster: crowded labels.
    std::vector<qint64> rows;
    for (qint64 r = 1; r <= 30; ++r)
        rows.push_back(r);
    view.setNeighbours(rows, 0);
    view.setCurrentRow(0);
    settle(view);
    const std::vector<QRectF> &labels = view.labelRects();
    QCOMPARE(labels.size(), size_t(31)); // every one placed
    QVERIFY2(!view.leaderLabelRects().empty(), "crowded neighbour labels got no leaders");
    checkDisjoint(labels, QRectF(view.rect()), {});
}

void TestMapLabels::colourByCluster()
{
    const Blobs b = makeBlobs(800, 300);
    ScatterView view;
    view.resize(800, 600);
    view.show();
    view.setPoints(b.xy);
    view.setClusters(b.clustering);
    view.setDensityMode(DensityMode::Off);
    view.colourByClusters(0);
    QCOMPARE(view.colouring(), ScatterView::Colouring::Categories);
    QCOMPARE(view.colourLevel(), 0);
    QCOMPARE(view.categoryNames().size(), 12);
    QCOMPARE(view.categoryNames().at(5), QStringLiteral("B south-east"));
    settle(view);
    QVERIFY(!view.legendArea().isEmpty());
    const QImage frame = view.frame();
    const double dpr = frame.devicePixelRatio();
    // The pixels round each fine centre are mostly that cluster's colour.
    const auto dominant = [&](QPointF data, QRgb colour) {
        const QPointF s = view.mapToScreen(data) * dpr;
        int close = 0, total = 0;
        for (int dy = -3; dy <= 3; ++dy)
            for (int dx = -3; dx <= 3; ++dx, ++total)
                close += channelDistance(frame.pixel(int(s.x()) + dx, int(s.y()) + dy), colour) < 60;
        return close * 2 > total;
    };
    for (int f = 0; f < 12; ++f)
        QVERIFY2(dominant(b.fine[size_t(f)], ScatterView::categoryColour(f)), qPrintable(QString::number(f)));
    // The coarse level: three categories named by the coarse labels, each fine centre in its parent's colour.
    view.colourByClusters(1);
    QCOMPARE(view.categoryNames(),
             QStringList({QStringLiteral("Coarse region A"), QStringLiteral("Coarse region B"),
                          QStringLiteral("Coarse region C")}));
    settle(view);
    const QImage coarse = view.frame();
    for (int f = 0; f < 12; ++f) {
        const QPointF s = view.mapToScreen(b.fine[size_t(f)]) * dpr;
        QVERIFY(channelDistance(coarse.pixel(s.toPoint()), ScatterView::categoryColour(f / 4)) < 60);
    }
    // Levels are clamped; other colours end cluster colouring.
    view.colourByClusters(7);
    QCOMPARE(view.colourLevel(), 1);
    view.clearColours();
    QCOMPARE(view.colourLevel(), -1);
}

void TestMapLabels::clustersMapThroughIds()
{
    // The map shows the set's rows in another order: ids map the assignment to rows.
    const Blobs b = makeBlobs(300, 0);
    const qint64 n = qint64(b.xy.size() / 2);
    std::vector<qint64> setIds(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        setIds[size_t(i)] = 1000 + i;
    std::vector<qint64> mapIds(setIds.rbegin(), setIds.rend());
    std::vector<double> xy(b.xy.size());
    for (qint64 r = 0; r < n; ++r) {
        xy[size_t(2 * r)] = b.xy[size_t(2 * (n - 1 - r))];
        xy[size_t(2 * r + 1)] = b.xy[size_t(2 * (n - 1 - r) + 1)];
    }
    ScatterView view;
    view.resize(600, 400);
    view.setPoints(xy, mapIds);
    view.setClusters(b.clustering, setIds);
    for (qint64 r = 0; r < n; r += 97)
        QCOMPARE(view.rowClusters()[size_t(r)], b.clustering.assignment[size_t(n - 1 - r)]);
    for (const ClusterPlace &c : view.clusterAnchors().clusters())
        if (c.level == 1)
            QVERIFY(QLineF(c.anchor, b.coarse[size_t(c.id - 100)]).length() < 0.5);
    // Other rows drop the clustering.
    view.setPoints(b.xy);
    QVERIFY(!view.hasClusters());
}

void TestMapLabels::deepZoomPrecision()
{
    // A million points far from the origin (where a float keeps about 1e-3), a thousand of them in a
    // tight knot; zoomed 10,000x in on the knot.
    const qint64 n = 1000000, knot = 1000;
    const QPointF far(12345.678, -9876.543), at = far + QPointF(3.21, 1.23);
    std::mt19937 rng(17);
    std::normal_distribution<double> wide(0, 20), tight(0, 2e-3);
    std::vector<double> xy(size_t(2 * n));
    Clustering c;
    c.clusters.append({0, 0, -1, n - knot, QStringLiteral("Everything else"), {}});
    c.clusters.append({1, 0, -1, knot, QStringLiteral("The knot"), {}});
    for (qint64 i = 0; i < n; ++i) {
        const bool inKnot = i % (n / knot) == 0;
        const QPointF centre = inKnot ? at : far;
        xy[size_t(2 * i)] = centre.x() + (inKnot ? tight(rng) : wide(rng));
        xy[size_t(2 * i + 1)] = centre.y() + (inKnot ? tight(rng) : wide(rng));
        c.assignment.push_back(inKnot ? 1 : 0);
    }
    auto points = std::make_shared<const MapPoints>(xy);
    const QRectF b = points->bounds();
    const double fit = std::min(800 / b.width(), 600 / b.height());
    const MapView v {at, fit * 10000, QSizeF(800, 600)};
    const double W = 800, H = 600;
    const auto exact = [&](qint64 r) {
        return QPointF(W / 2 + (xy[size_t(2 * r)] - v.centre.x()) * v.scale,
                       H / 2 - (xy[size_t(2 * r + 1)] - v.centre.y()) * v.scale);
    };
    std::vector<qint64> inView;
    for (qint64 r = 0; r < n; ++r) {
        const QPointF s = exact(r);
        if (s.x() >= 0 && s.x() < W && s.y() >= 0 && s.y() < H)
            inView.push_back(r);
    }
    QVERIFY(qint64(inView.size()) >= knot * 9 / 10);

    // The renderer: one white pixel per point, exactly at the exact transform's pixel; none elsewhere.
    MapRenderer renderer(2);
    RenderParams params;
    params.view = v;
    params.pointSize = 1;
    params.opacity = 1;
    params.density = DensityMode::Off;
    params.background = qRgb(0, 0, 0);
    params.palette = {qRgb(255, 255, 255)};
    FrameInfo info;
    const QImage image = renderer.render(RenderInput {points, nullptr, nullptr}, params, &info);
    QCOMPARE(info.inView, qint64(inView.size()));
    QImage expected(image.size(), QImage::Format_RGB32);
    expected.fill(Qt::black);
    for (const qint64 r : inView) {
        const QPointF s = exact(r);
        expected.setPixel(int(s.x()), int(s.y()), qRgb(255, 255, 255));
        QVERIFY2(qRed(image.pixel(int(s.x()), int(s.y()))) > 200, "a point in view was not drawn where it is");
    }
    int lit = 0, stray = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const bool on = qRed(image.pixel(x, y)) > 0;
            lit += on;
            stray += on && qRed(expected.pixel(x, y)) == 0;
        }
    QCOMPARE(stray, 0);
    QVERIFY(lit > 0);

    // Hit-testing and the view's own transform in the widget, and a cluster label's anchor.
    ScatterView view;
    view.resize(800, 600);
    view.show();
    view.setPoints(xy);
    view.setClusters(c);
    QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 60000);
    view.setView(v.centre, v.scale);
    QCOMPARE(view.view().size, v.size);
    for (size_t i = 0; i < inView.size(); i += 7) {
        const qint64 r = inView[i];
        const QPointF s = exact(r);
        QVERIFY(QLineF(view.mapToScreen(view.position(r)), s).length() < 0.5);
        const qint64 hit = view.rowAt(s, 0.5);
        QVERIFY2(hit >= 0, "a point in view cannot be hit where it is drawn");
        QVERIFY(QLineF(exact(hit), s).length() <= 0.5 + view.effectivePointSize() / 2);
        QVERIFY(QLineF(view.mapToData(s), view.position(r)).length() * v.scale < 0.5);
    }
    settle(view);
    QCOMPARE(view.frameInfo().inView, qint64(inView.size()));
    bool knotLabel = false;
    for (const ClusterLabel &l : view.clusterLabels()) {
        if (l.text != QStringLiteral("The knot"))
            continue;
        knotLabel = true;
        const QPointF anchor = view.clusterAnchors().clusters()[size_t(l.cluster)].anchor;
        QVERIFY(QLineF(l.anchor, v.toScreen(anchor)).length() < 0.5);
        QVERIFY(QLineF(anchor, at).length() * v.scale < 20); // the knot's median, within 20 px of its centre
    }
    QVERIFY2(knotLabel, "the knot has no label at 10,000x");
}

void TestMapLabels::picture()
{
    // Labels, leaders and contours together, zoomed out and in: readable, nothing overlapping.
    const Blobs b = makeBlobs(4000, 3000);
    ScatterView view;
    view.resize(1000, 700);
    view.show();
    view.setPoints(b.xy);
    view.setClusters(b.clustering);
    view.colourByClusters(1);
    view.setContoursVisible(true);
    view.setLabels([](qint64 row) { return QStringLiteral("Song %1").arg(row); });
    std::vector<qint64> neighbours;
    for (qint64 r = 1; r <= 12; ++r)
        neighbours.push_back(r * 12);
    view.setNeighbours(neighbours, 0);
    view.setCurrentRow(0);
    settle(view);
    QTRY_VERIFY_WITH_TIMEOUT(view.contours() && !view.contoursPending(), 30000);
    QVERIFY(!view.contours()->isEmpty());
    view.repaint();
    QImage out = view.grab().toImage();
    saveShot(out, QStringLiteral("orrery-map-zoomed-out.png"));
    const auto allRects = [&] {
        std::vector<QRectF> rects = view.labelRects();
        for (const ClusterLabel &l : view.clusterLabels())
            rects.push_back(l.place.rect);
        return rects;
    };
    checkDisjoint(allRects(), QRectF(view.rect()), {view.legendArea()});
    view.setView(b.coarse[0] + QPointF(0.5, 0.5), 42);
    settle(view);
    view.repaint(); // asks for contours of the new view, computed off the GUI thread
    QTRY_VERIFY_WITH_TIMEOUT(view.contours() && !view.contoursPending(), 30000);
    QVERIFY(contoursServe(*view.contours(), view.view()));
    view.repaint();
    saveShot(view.grab().toImage(), QStringLiteral("orrery-map-zoomed-in.png"));
    checkDisjoint(allRects(), QRectF(view.rect()), {view.legendArea()});
    // The exported picture carries the contours too.
    saveShot(view.renderToImage(QSize(1000, 700)), QStringLiteral("orrery-map-export.png"));
}

QTEST_MAIN(TestMapLabels)
#include "tst_ui_maplabels.moc"
