#include "render/colormap.h"
#include "render/maprenderer.h"
#include "scatterview.h"

#include "testutil.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QSignalSpy>
#include <QTimer>

#include <random>
#include <set>

#include <time.h>

using namespace orrery;
using namespace orrery::ui;

namespace {

struct Clusters {
    std::vector<double> xy;
    std::vector<qint32> category;
    std::vector<QPointF> centres;
};

// k Gaussian clusters on a circle of radius 10, standard deviation `spread`, fixed seed.
Clusters makeClusters(qint64 n, int k, double spread, quint32 seed = 7)
{
    Clusters c;
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.0, spread);
    for (int i = 0; i < k; ++i)
        c.centres.emplace_back(10 * std::cos(2 * M_PI * i / k), 10 * std::sin(2 * M_PI * i / k));
    c.xy.resize(size_t(2 * n));
    c.category.resize(size_t(n));
    for (qint64 i = 0; i < n; ++i) {
        const int which = int(i % k);
        c.category[size_t(i)] = which;
        c.xy[size_t(2 * i)] = c.centres[size_t(which)].x() + normal(rng);
        c.xy[size_t(2 * i + 1)] = c.centres[size_t(which)].y() + normal(rng);
    }
    return c;
}

std::vector<double> uniformPoints(qint64 n, double lo, double hi, quint32 seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<double> xy(size_t(2 * n));
    for (double &v : xy)
        v = u(rng);
    return xy;
}

// Waits until the latest points are prepared and a frame of the current state is on screen.
void settle(ScatterView &view)
{
    QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 120000);
    view.renderNow();
    const quint64 wanted = view.requestedGeneration();
    QTRY_VERIFY_WITH_TIMEOUT(view.frameGeneration() >= wanted, 120000);
}

void sendMouse(QWidget &w, QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons buttons,
               Qt::KeyboardModifiers modifiers)
{
    QMouseEvent event(type, pos, w.mapToGlobal(pos), button, buttons, modifiers);
    QApplication::sendEvent(&w, &event);
}

void drag(QWidget &w, const QPolygonF &path, Qt::KeyboardModifiers modifiers)
{
    sendMouse(w, QEvent::MouseButtonPress, path.first(), Qt::LeftButton, Qt::LeftButton, modifiers);
    for (qsizetype i = 1; i < path.size(); ++i)
        sendMouse(w, QEvent::MouseMove, path[i], Qt::NoButton, Qt::LeftButton, modifiers);
    sendMouse(w, QEvent::MouseButtonRelease, path.last(), Qt::LeftButton, Qt::NoButton, modifiers);
}

// CPU time of the calling thread: what it did, not how long the shared machine kept it waiting.
double threadCpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

int channelDistance(QRgb a, QRgb b)
{
    return std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
}

qint64 countDifferent(const QImage &image, const QRect &region, QRgb background)
{
    qint64 n = 0;
    const QRect r = region.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            n += channelDistance(image.pixel(x, y), background) > 12;
    return n;
}

} // namespace

class TestScatterView : public QObject {
    Q_OBJECT

private slots:
    void labelPlacement_data();
    void labelPlacement();
    void labelPlacementStackedAnchors();
    void gridQueriesMatchBruteForce_data();
    void gridQueriesMatchBruteForce();
    void rendererIsDeterministicAcrossThreads();
    void onePixelPointsLandOnTheirPixels();
    void highDpiFrames();
    void holdsPointsAndFits_data();
    void holdsPointsAndFits();
    void clickSelects();
    void boxSelection();
    void lassoSelection();
    void wheelZoomKeepsCursorPoint();
    void keyboard();
    void categoricalColours();
    void fitKeepsPointsClearOfTheLegend_data();
    void fitKeepsPointsClearOfTheLegend();
    void continuousColours();
    void densityMode();
    void labelsDrawnWithoutOverlap();
    void hoverAndActivate();
    void updatePositionsKeepsViewAndSelection();
    void latestGenerationWins();
    void bigDataDoesNotBlock();
    void exports();
    void picture();
};

void TestScatterView::labelPlacement_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("spread");
    QTest::addColumn<bool>("allPlaced");
    QTest::newRow("far apart") << 12 << 0.0 << true;
    QTest::newRow("crowded") << 80 << 120.0 << false;
    QTest::newRow("very crowded") << 150 << 40.0 << false;
}

void TestScatterView::labelPlacement()
{
    QFETCH(int, count);
    QFETCH(double, spread);
    QFETCH(bool, allPlaced);
    const QRectF bounds(0, 0, 800, 600);
    std::vector<LabelRequest> requests;
    std::mt19937 rng(3);
    std::normal_distribution<double> normal(0, spread);
    for (int i = 0; i < count; ++i) {
        // Far apart: a 4 × 3 lattice; otherwise a Gaussian heap in the middle.
        const QPointF anchor = spread == 0 ? QPointF(100 + (i % 4) * 200, 100 + (i / 4) * 200)
                                           : QPointF(400 + normal(rng), 300 + normal(rng));
        requests.push_back({anchor, QSizeF(60 + (i % 5) * 12, 16)});
    }
    const std::vector<QRectF> obstacles {QRectF(700, 0, 100, 120)};
    const std::vector<QRectF> placed = placeLabels(requests, bounds, 4, obstacles);
    QCOMPARE(placed.size(), requests.size());
    int n = 0;
    for (size_t i = 0; i < placed.size(); ++i) {
        if (placed[i].isNull()) {
            QVERIFY2(!allPlaced, "a label on its own was not placed");
            continue;
        }
        ++n;
        const QRectF &r = placed[i];
        QVERIFY(bounds.contains(r));
        QCOMPARE(r.size(), requests[i].size);
        QVERIFY(!r.intersects(obstacles[0]));
        // Next to its anchor: the anchor is `gap` pixels outside the box along x or y.
        const QPointF a = requests[i].anchor;
        const double dx = std::max({r.left() - a.x(), a.x() - r.right(), 0.0});
        const double dy = std::max({r.top() - a.y(), a.y() - r.bottom(), 0.0});
        QVERIFY2(std::abs(std::max(dx, dy) - 4) < 1e-9,
                 qPrintable(QStringLiteral("label %1 is %2, %3 off").arg(i).arg(dx).arg(dy)));
        for (size_t j = 0; j < placed.size(); ++j) {
            if (j != i && !placed[j].isNull())
                QVERIFY2(!r.intersects(placed[j]),
                         qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i).arg(j)));
            if (j != i)
                QVERIFY2(!r.contains(requests[j].anchor), "a label covers another labelled point");
        }
    }
    if (!allPlaced) {
        // Crowded: many, but not all, find room; earlier requests win.
        QVERIFY(n > 5);
        QVERIFY(n < count);
    }
}

void TestScatterView::labelPlacementStackedAnchors()
{
    // Ten labels taller than twice the gap on one spot: right of it, then left; every other slot
    // overlaps one of those two.
    const QPointF a(200, 200);
    std::vector<LabelRequest> requests(10, LabelRequest {a, QSizeF(50, 14)});
    const std::vector<QRectF> placed = placeLabels(requests, QRectF(0, 0, 400, 400), 4);
    QCOMPARE(placed[0], QRectF(a.x() + 4, a.y() - 7, 50, 14));
    QCOMPARE(placed[1], QRectF(a.x() - 4 - 50, a.y() - 7, 50, 14));
    for (size_t i = 2; i < placed.size(); ++i)
        QVERIFY(placed[i].isNull());
    // Short labels fit above and below too.
    requests.assign(10, LabelRequest {a, QSizeF(50, 6)});
    const std::vector<QRectF> flat = placeLabels(requests, QRectF(0, 0, 400, 400), 4);
    QCOMPARE(std::count_if(flat.begin(), flat.end(), [](const QRectF &r) { return !r.isNull(); }), 4);
    QCOMPARE(flat[2], QRectF(a.x() - 25, a.y() - 4 - 6, 50, 6));
    QCOMPARE(flat[3], QRectF(a.x() - 25, a.y() + 4, 50, 6));
}

void TestScatterView::gridQueriesMatchBruteForce_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("shape");
    QTest::newRow("1 point") << 1 << 0;
    QTest::newRow("uniform 2000") << 2000 << 0;
    QTest::newRow("clusters 100k") << 100000 << 1;
    QTest::newRow("on a line 5000") << 5000 << 2;
    QTest::newRow("duplicates 3000") << 3000 << 3;
    QTest::newRow("with NaN and infinity 2000") << 2000 << 4;
}

void TestScatterView::gridQueriesMatchBruteForce()
{
    QFETCH(int, n);
    QFETCH(int, shape);
    std::vector<double> xy;
    if (shape == 1) {
        xy = makeClusters(n, 6, 0.8).xy;
    } else {
        xy = uniformPoints(n, -50, 50, 11);
        for (int i = 0; i < n; ++i) {
            if (shape == 2)
                xy[size_t(2 * i + 1)] = 3.0;
            if (shape == 4 && i % 10 == 3)
                xy[size_t(2 * i + (i % 20 == 3))] = i % 40 == 3 ? std::numeric_limits<double>::quiet_NaN()
                                                                : std::numeric_limits<double>::infinity();
            if (shape == 3) {
                xy[size_t(2 * i)] = std::round(xy[size_t(2 * i)] / 10) * 10;
                xy[size_t(2 * i + 1)] = std::round(xy[size_t(2 * i + 1)] / 10) * 10;
            }
        }
    }
    const MapPoints points(xy);
    QCOMPARE(points.count(), qint64(n));
    for (qint64 r = 0; r < n; ++r) {
        if (std::isfinite(xy[size_t(2 * r)]) && std::isfinite(xy[size_t(2 * r + 1)]))
            QCOMPARE(points.position(r), QPointF(xy[size_t(2 * r)], xy[size_t(2 * r + 1)]));
        QCOMPARE(points.order()[points.rank()[r]], quint32(r));
    }

    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(-55, 55);
    for (int q = 0; q < 40; ++q) {
        const QPointF p(u(rng), shape == 2 ? 3.0 + u(rng) / 20 : u(rng));
        const double radius = 0.5 + (q % 5) * 2;
        qint64 expected = -1;
        double best = radius * radius;
        for (qint64 r = 0; r < n; ++r) {
            const double dx = xy[size_t(2 * r)] - p.x(), dy = xy[size_t(2 * r + 1)] - p.y(), d2 = dx * dx + dy * dy;
            if (d2 < best || (d2 == best && expected < 0)) {
                best = d2;
                expected = r;
            }
        }
        QCOMPARE(points.nearest(p, radius), expected);

        const QRectF rect(QPointF(u(rng), u(rng)), QPointF(u(rng), u(rng)));
        std::vector<qint64> inRect;
        const QRectF norm = rect.normalized();
        for (qint64 r = 0; r < n; ++r) {
            const double x = xy[size_t(2 * r)], y = xy[size_t(2 * r + 1)];
            if (x >= norm.left() && x <= norm.right() && y >= norm.top() && y <= norm.bottom())
                inRect.push_back(r);
        }
        QCOMPARE(points.rowsInRect(rect), inRect);

        // A random star-shaped (often self-touching) lasso.
        QPolygonF lasso;
        const QPointF c(u(rng) / 2, u(rng) / 2);
        for (int k = 0; k < 9; ++k) {
            const double angle = 2 * M_PI * k / 9, radiusK = 5 + std::abs(u(rng)) / 2;
            lasso << c + QPointF(radiusK * std::cos(angle), radiusK * std::sin(angle));
        }
        std::vector<qint64> inLasso;
        for (qint64 r = 0; r < n; ++r)
            if (lasso.containsPoint(QPointF(xy[size_t(2 * r)], xy[size_t(2 * r + 1)]), Qt::OddEvenFill))
                inLasso.push_back(r);
        QCOMPARE(points.rowsInPolygon(lasso), inLasso);
    }
}

void TestScatterView::rendererIsDeterministicAcrossThreads()
{
    const Clusters c = makeClusters(200000, 5, 1.2);
    auto points = std::make_shared<const MapPoints>(c.xy);
    auto colours = std::make_shared<std::vector<quint16>>(c.category.size());
    auto flags = std::make_shared<std::vector<quint8>>(c.category.size(), 0);
    for (size_t i = 0; i < c.category.size(); ++i) {
        (*colours)[i] = quint16(c.category[i] + 1);
        (*flags)[i] = i % 97 == 0 ? Dimmed : (i % 5003 == 0 ? Selected : 0);
    }
    RenderParams params;
    params.view = MapView {QPointF(0, 0), 14, QSizeF(640, 480)};
    params.palette = {noneColour,           categoricalColour(0), categoricalColour(1),
                      categoricalColour(2), categoricalColour(3), categoricalColour(4)};
    params.colouredDensity = true;
    const RenderInput input {points, colours, flags};
    for (const double size : {1.0, 3.0}) {
        for (const DensityMode mode : {DensityMode::Off, DensityMode::On}) {
            params.pointSize = size;
            params.density = mode;
            MapRenderer one(1), two(2), four(4);
            FrameInfo info;
            const QImage a = one.render(input, params, &info);
            QCOMPARE(info.density, mode == DensityMode::On);
            QCOMPARE(info.visible, qint64(200000));
            QVERIFY(countDifferent(a, a.rect(), params.background) > 10000);
            QCOMPARE(two.render(input, params), a);
            QCOMPARE(four.render(input, params), a);
        }
    }
    // A cancelled render gives nothing.
    std::atomic<bool> cancel {true};
    MapRenderer renderer(2);
    QVERIFY(renderer.render(input, params, nullptr, &cancel).isNull());
}

void TestScatterView::onePixelPointsLandOnTheirPixels()
{
    // Sparse 1 px points at full opacity: exactly the pixels the view transform names, in the colour given.
    const std::vector<double> xy = uniformPoints(3000, -1, 1, 21);
    auto points = std::make_shared<const MapPoints>(xy);
    RenderParams params;
    params.view = MapView {QPointF(0.1, -0.2), 300, QSizeF(500, 400)};
    params.pointSize = 1;
    params.opacity = 1;
    params.density = DensityMode::Off;
    params.palette = {qRgb(250, 40, 40)};
    params.background = qRgb(0, 0, 0);
    MapRenderer renderer(2);
    const QImage image = renderer.render(RenderInput {points, nullptr, nullptr}, params);
    QCOMPARE(image.size(), QSize(500, 400));
    QCOMPARE(image.format(), QImage::Format_ARGB32_Premultiplied);
    std::set<std::pair<int, int>> expected;
    for (size_t i = 0; i < xy.size() / 2; ++i) {
        const QPointF s = params.view.toScreen(QPointF(xy[2 * i], xy[2 * i + 1]));
        if (s.x() >= 0 && s.x() < 500 && s.y() >= 0 && s.y() < 400)
            expected.emplace(int(s.x()), int(s.y()));
    }
    QVERIFY(expected.size() > 1000);
    std::set<std::pair<int, int>> lit;
    for (int y = 0; y < 400; ++y)
        for (int x = 0; x < 500; ++x)
            if (image.pixel(x, y) != qRgb(0, 0, 0)) {
                QCOMPARE(image.pixel(x, y), qRgb(250, 40, 40));
                lit.emplace(x, y);
            }
    QCOMPARE(lit, expected);
}

void TestScatterView::highDpiFrames()
{
    const Clusters c = makeClusters(20000, 3, 1.0);
    auto points = std::make_shared<const MapPoints>(c.xy);
    RenderParams params;
    params.view = MapView {QPointF(0, 0), 8, QSizeF(300, 200)};
    params.devicePixelRatio = 2;
    params.density = DensityMode::Off;
    MapRenderer renderer(2);
    const QImage image = renderer.render(RenderInput {points, nullptr, nullptr}, params);
    QCOMPARE(image.size(), QSize(600, 400));
    QCOMPARE(image.devicePixelRatio(), 2.0);
    // A cluster centre is lit at its device pixel.
    const QPointF s = params.view.toScreen(c.centres[0]) * 2;
    QVERIFY(countDifferent(image, QRect(s.toPoint() - QPoint(4, 4), QSize(9, 9)), params.background) > 40);
}

void TestScatterView::holdsPointsAndFits_data()
{
    QTest::addColumn<int>("n");
    QTest::newRow("1000 (built on the spot)") << 1000;
    QTest::newRow("120000 (built on a worker)") << 120000;
}

void TestScatterView::holdsPointsAndFits()
{
    QFETCH(int, n);
    // Four clusters, near the corners of the data, far from the middle.
    const Clusters c = makeClusters(n, 4, 0.6);
    ScatterView view;
    view.resize(640, 480);
    view.show();
    QSignalSpy ready(&view, &ScatterView::pointsReady);
    view.setPoints(c.xy);
    QCOMPARE(view.pointCount(), qint64(n));
    settle(view);
    QCOMPARE(ready.count(), 1);
    QCOMPARE(view.idOf(5), qint64(5));
    // Fitted: every point is on screen.
    for (qint64 r = 0; r < n; r += 7) {
        const QPointF s = view.mapToScreen(QPointF(c.xy[size_t(2 * r)], c.xy[size_t(2 * r + 1)]));
        QVERIFY2(QRectF(0, 0, 640, 480).contains(s),
                 qPrintable(QStringLiteral("row %1 at %2, %3").arg(r).arg(s.x()).arg(s.y())));
    }
    const QImage frame = view.frame();
    const QRgb bg = view.palette().color(QPalette::Base).rgb();
    QCOMPARE(frame.size(), QSize(640, 480) * view.devicePixelRatioF());
    for (const QPointF &centre : c.centres) {
        const QPoint s = view.mapToScreen(centre).toPoint();
        QVERIFY2(countDifferent(frame, QRect(s - QPoint(6, 6), QSize(13, 13)), bg) > 100, "a cluster is missing");
    }
    // Nothing between the clusters nor at the edges.
    const QPoint middle = view.mapToScreen(QPointF(0, 0)).toPoint();
    QCOMPARE(countDifferent(frame, QRect(middle - QPoint(40, 40), QSize(81, 81)), bg), 0);
    QCOMPARE(countDifferent(frame, QRect(0, 0, 640, 12), bg), 0);
    QCOMPARE(countDifferent(frame, QRect(0, 468, 640, 12), bg), 0);

    // Zooming in and fitting again shows them all again.
    view.zoomBy(8);
    settle(view);
    QVERIFY(view.frameInfo().visible < n / 2);
    QVERIFY(!QRectF(0, 0, 640, 480).contains(view.mapToScreen(c.centres[0])));
    view.fitToData();
    settle(view);
    for (const QPointF &centre : c.centres)
        QVERIFY(QRectF(0, 0, 640, 480).contains(view.mapToScreen(centre)));
}

void TestScatterView::clickSelects()
{
    const std::vector<double> xy = uniformPoints(5000, 0, 100, 2);
    ScatterView view;
    view.resize(600, 600);
    view.show();
    view.setPoints(xy);
    settle(view);
    QSignalSpy clicked(&view, &ScatterView::clicked);
    QSignalSpy changed(&view, &ScatterView::selectionChanged);

    // A point whose pixel is nearer to it than to any other point.
    const auto pixelOf = [&](qint64 from) {
        for (qint64 r = from;; ++r) {
            const QPoint at = view.mapToScreen(view.position(r)).toPoint();
            if (view.rowAt(at) == r)
                return std::make_pair(r, at);
        }
    };
    const auto [expected, at] = pixelOf(1234);
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, at);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toLongLong(), expected);
    QCOMPARE(view.selection(), std::vector<qint64> {expected});
    QCOMPARE(view.currentRow(), expected);
    QCOMPARE(changed.count(), 1);
    QVERIFY(std::abs(view.mapToScreen(view.position(expected)).x() - at.x()) < 8);

    // Shift adds, Ctrl toggles.
    const auto [expected2, at2] = pixelOf(4321);
    QTest::mouseClick(&view, Qt::LeftButton, Qt::ShiftModifier, at2);
    std::vector<qint64> both {expected, expected2};
    std::sort(both.begin(), both.end());
    QCOMPARE(view.selection(), both);
    QTest::mouseClick(&view, Qt::LeftButton, Qt::ControlModifier, at);
    QCOMPARE(view.selection(), std::vector<qint64> {expected2});

    // A click on nothing clears and says -1.
    view.zoomBy(40, QPointF(at2));
    QCOMPARE(view.rowAt(at2 + QPoint(60, 60)), qint64(-1));
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, at2 + QPoint(60, 60));
    QCOMPARE(clicked.last().at(0).toLongLong(), qint64(-1));
    QVERIFY(view.selection().empty());
    // Rows given by ids.
    std::vector<qint64> ids(5000);
    for (qint64 i = 0; i < 5000; ++i)
        ids[size_t(i)] = 100000 - 3 * i;
    view.setPoints(xy, ids);
    QCOMPARE(view.rowOf(100000 - 3 * 17), qint64(17));
    QCOMPARE(view.rowOf(5), qint64(-1));
    QCOMPARE(view.idOf(17), qint64(100000 - 51));
}

void TestScatterView::boxSelection()
{
    const std::vector<double> xy = uniformPoints(20000, -10, 10, 4);
    ScatterView view;
    view.resize(700, 500);
    view.show();
    view.setPoints(xy);
    settle(view);
    const QPointF from(120.5, 90.5), to(430.5, 310.5);
    drag(view, QPolygonF {from, QPointF(200, 200), to}, Qt::ShiftModifier);
    const QPointF d0 = view.mapToData(from), d1 = view.mapToData(to);
    std::vector<qint64> expected;
    for (qint64 r = 0; r < 20000; ++r) {
        const double x = xy[size_t(2 * r)], y = xy[size_t(2 * r + 1)];
        if (x >= std::min(d0.x(), d1.x()) && x <= std::max(d0.x(), d1.x()) && y >= std::min(d0.y(), d1.y())
            && y <= std::max(d0.y(), d1.y()))
            expected.push_back(r);
    }
    QVERIFY(expected.size() > 1000);
    QCOMPARE(view.selection(), expected);

    // Box mode without Shift, Ctrl adds a second box.
    view.setInteractionMode(ScatterView::Mode::BoxSelect);
    const QPointF from2(500, 50), to2(650, 120);
    drag(view, QPolygonF {from2, to2}, Qt::ControlModifier);
    const QPointF e0 = view.mapToData(from2), e1 = view.mapToData(to2);
    for (qint64 r = 0; r < 20000; ++r) {
        const double x = xy[size_t(2 * r)], y = xy[size_t(2 * r + 1)];
        if (x >= e0.x() && x <= e1.x() && y >= e1.y() && y <= e0.y())
            expected.push_back(r);
    }
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    QCOMPARE(view.selection(), expected);
}

void TestScatterView::lassoSelection()
{
    const std::vector<double> xy = uniformPoints(30000, -10, 10, 8);
    ScatterView view;
    view.resize(600, 600);
    view.show();
    view.setPoints(xy);
    settle(view);
    // A concave "C" drawn with Alt held.
    QPolygonF lasso;
    for (int k = 0; k <= 40; ++k) {
        const double a = 0.5 + 5.3 * k / 40;
        lasso << QPointF(300 + 200 * std::cos(a), 300 + 200 * std::sin(a));
    }
    for (int k = 40; k >= 0; --k) {
        const double a = 0.5 + 5.3 * k / 40;
        lasso << QPointF(300 + 90 * std::cos(a), 300 + 90 * std::sin(a));
    }
    drag(view, lasso, Qt::AltModifier);
    QPolygonF data;
    for (const QPointF &p : std::as_const(lasso))
        data << view.mapToData(p);
    std::vector<qint64> expected;
    for (qint64 r = 0; r < 30000; ++r)
        if (data.containsPoint(QPointF(xy[size_t(2 * r)], xy[size_t(2 * r + 1)]), Qt::OddEvenFill))
            expected.push_back(r);
    QVERIFY(expected.size() > 3000);
    QCOMPARE(view.selection(), expected);
    // The hole of the C is not selected.
    const qint64 inHole = view.rowAt(QPointF(300, 300), 30);
    QVERIFY(inHole >= 0);
    QVERIFY(!std::binary_search(view.selection().begin(), view.selection().end(), inHole));
    // Esc clears.
    QTest::keyClick(&view, Qt::Key_Escape);
    QVERIFY(view.selection().empty());
}

void TestScatterView::wheelZoomKeepsCursorPoint()
{
    ScatterView view;
    view.resize(640, 480);
    view.show();
    view.setPoints(uniformPoints(2000, -3, 3, 1));
    settle(view);
    QSignalSpy changed(&view, &ScatterView::viewChanged);
    for (const QPointF cursor : {QPointF(100, 400), QPointF(600, 20), QPointF(320, 240)}) {
        const QPointF before = view.mapToData(cursor);
        const double scale = view.scale();
        QWheelEvent in(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                       Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &in);
        QCOMPARE(view.scale(), scale * 1.25 * 1.25);
        QVERIFY(QLineF(view.mapToData(cursor), before).length() < 1e-9);
        QWheelEvent out(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                        Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &out);
        QVERIFY(QLineF(view.mapToData(cursor), before).length() < 1e-9);
    }
    QCOMPARE(changed.count(), 6);
    // Dragging pans by exactly the mouse movement.
    const QPointF under = view.mapToData(QPointF(200, 200));
    drag(view, QPolygonF {QPointF(200, 200), QPointF(230, 220), QPointF(260, 250)}, Qt::NoModifier);
    QVERIFY(QLineF(view.mapToData(QPointF(260, 250)), under).length() < 1e-9);
    QVERIFY(view.selection().empty());
}

void TestScatterView::keyboard()
{
    ScatterView view;
    view.resize(400, 400);
    view.show();
    view.setPoints(uniformPoints(1000, 0, 1, 9));
    settle(view);
    const double fitted = view.scale();
    const QPointF centre = view.centre();
    QTest::keyClick(&view, Qt::Key_Plus);
    QCOMPARE(view.scale(), fitted * 1.25);
    QTest::keyClick(&view, Qt::Key_Minus);
    QTest::keyClick(&view, Qt::Key_Minus);
    QCOMPARE(view.scale(), fitted * 1.25 * 0.8 * 0.8);
    QTest::keyClick(&view, Qt::Key_Right);
    QVERIFY(view.centre().x() > centre.x());
    QTest::keyClick(&view, Qt::Key_Up);
    QVERIFY(view.centre().y() > centre.y());
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.scale(), fitted);
    QCOMPARE(view.centre(), centre);
    view.zoomBy(3);
    QTest::keyClick(&view, Qt::Key_F);
    QCOMPARE(view.scale(), fitted);
    view.setSelection({3, 1, 3, 99999});
    QCOMPARE(view.selection(), (std::vector<qint64> {1, 3}));
    QTest::keyClick(&view, Qt::Key_Escape);
    QVERIFY(view.selection().empty());
}

void TestScatterView::categoricalColours()
{
    const Clusters c = makeClusters(3000, 3, 0.3);
    ScatterView view;
    view.resize(500, 500);
    view.show();
    view.setPoints(c.xy);
    view.setCategories(c.category, {QStringLiteral("rock"), QStringLiteral("jazz"), QStringLiteral("folk")});
    view.setPointSize(4);
    view.setOpacity(1);
    view.setDensityMode(DensityMode::Off);
    QCOMPARE(view.colouring(), ScatterView::Colouring::Categories);
    settle(view);
    const QImage frame = view.frame();
    for (int k = 0; k < 3; ++k) {
        const QPoint s = (view.mapToScreen(c.centres[size_t(k)]) * view.devicePixelRatioF()).toPoint();
        // Most pixels around the centre carry the cluster's palette colour.
        int match = 0;
        for (int dy = -3; dy <= 3; ++dy)
            for (int dx = -3; dx <= 3; ++dx)
                match += channelDistance(frame.pixel(s + QPoint(dx, dy)), ScatterView::categoryColour(k)) <= 2;
        QVERIFY2(match > 35, qPrintable(QStringLiteral("cluster %1: %2 of 49 pixels in its colour").arg(k).arg(match)));
    }
    // The legend lists the names with their counts.
    const QImage withLegend = view.renderToImage(QSize(500, 500));
    const QRect legendArea(300, 0, 200, 100);
    int swatches[3] = {0, 0, 0};
    for (int y = legendArea.top(); y < legendArea.bottom(); ++y)
        for (int x = legendArea.left(); x < legendArea.right(); ++x)
            for (int k = 0; k < 3; ++k)
                swatches[k] += channelDistance(withLegend.pixel(x, y), ScatterView::categoryColour(k)) <= 2;
    QVERIFY(swatches[0] > 20 && swatches[1] > 20 && swatches[2] > 20);
    view.clearColours();
    QCOMPARE(view.colouring(), ScatterView::Colouring::None);
}

void TestScatterView::fitKeepsPointsClearOfTheLegend_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("small, about square") << QSize(300, 340);
    QTest::newRow("wide") << QSize(900, 420);
    QTest::newRow("tall") << QSize(320, 700);
}

void TestScatterView::fitKeepsPointsClearOfTheLegend()
{
    // Eight named clusters on a circle: in a small map the legend's box would sit on the
    // top-right ones if the fit ignored it.
    QFETCH(QSize, size);
    const Clusters c = makeClusters(4000, 8, 0.4);
    QStringList names;
    for (const char *n : {"electronic", "rock", "jazz", "country", "hip hop", "pop", "indie", "r&b"})
        names << QString::fromLatin1(n);
    ScatterView view;
    view.resize(size);
    view.show();
    view.setPoints(c.xy);
    view.fitToData();
    settle(view);
    const double fullScale = view.scale();
    view.setCategories(c.category, names);
    settle(view);
    const QRectF legend = view.legendArea();
    QVERIFY(!legend.isEmpty());
    QVERIFY(view.scale() >= 0.5 * fullScale); // the points are not squeezed to a corner
    qint64 under = 0, outside = 0;
    const QRectF widget(QPointF(0, 0), QSizeF(size));
    for (size_t i = 0; i < c.category.size(); ++i) {
        const QPointF p = view.mapToScreen(QPointF(c.xy[2 * i], c.xy[2 * i + 1]));
        under += legend.contains(p);
        outside += !widget.contains(p);
    }
    QCOMPARE(under, qint64(0));
    QCOMPARE(outside, qint64(0));

    // Without the legend the fit takes the whole map again.
    view.setLegendVisible(false);
    QVERIFY(view.legendArea().isEmpty());
    QCOMPARE(view.scale(), fullScale);
    // A view the user moved stays where it is.
    view.setLegendVisible(true);
    view.zoomBy(1.5);
    const double zoomed = view.scale();
    view.setLegendVisible(false);
    QCOMPARE(view.scale(), zoomed);
}

void TestScatterView::continuousColours()
{
    // Values rise left to right: the left end is viridis purple, the right end yellow.
    std::vector<double> xy;
    std::vector<float> values;
    for (int i = 0; i < 200; ++i) {
        xy.push_back(i);
        xy.push_back(0);
        values.push_back(float(i) / 10);
    }
    values[100] = std::numeric_limits<float>::quiet_NaN();
    ScatterView view;
    view.resize(600, 200);
    view.show();
    view.setPoints(xy);
    view.setValues(values, QStringLiteral("energy"));
    view.setPointSize(3);
    view.setOpacity(1);
    view.setLegendVisible(false);
    settle(view);
    const QImage frame = view.frame();
    const auto pixelOf = [&](int row) {
        return frame.pixel((view.mapToScreen(QPointF(xy[size_t(2 * row)], 0)) * view.devicePixelRatioF()).toPoint());
    };
    QVERIFY(channelDistance(pixelOf(0), ColourMap::viridis().at(0)) <= 3);
    QVERIFY(channelDistance(pixelOf(199), ColourMap::viridis().at(1)) <= 3);
    QVERIFY(channelDistance(pixelOf(50), ColourMap::viridis().at(50.0 / 199)) <= 3);
    QVERIFY(channelDistance(pixelOf(100), noneColour) <= 3);
}

void TestScatterView::densityMode()
{
    const Clusters c = makeClusters(300000, 4, 0.25);
    ScatterView view;
    view.resize(500, 400);
    view.show();
    view.setPoints(c.xy);
    settle(view);
    // Auto: 300k points in tight clusters overlap heavily.
    QVERIFY(view.frameInfo().density);
    QVERIFY(view.frameInfo().maxDensity > 20);
    const QRgb bg = view.palette().color(QPalette::Base).rgb();
    const QImage dense = view.frame();
    const QPoint s = (view.mapToScreen(c.centres[0]) * view.devicePixelRatioF()).toPoint();
    // Denser in the core than at the rim: further from the background's lightness.
    const int bgLightness = QColor::fromRgb(bg).lightness();
    const auto lightness = [&](QPoint p) {
        return std::abs(QColor::fromRgb(dense.pixel(p)).lightness() - bgLightness);
    };
    const QPoint rim = (view.mapToScreen(c.centres[0] + QPointF(0.5, 0)) * view.devicePixelRatioF()).toPoint();
    const QPoint edge = (view.mapToScreen(c.centres[0] + QPointF(0.85, 0)) * view.devicePixelRatioF()).toPoint();
    QVERIFY(channelDistance(dense.pixel(edge), bg) > 5);
    QVERIFY2(lightness(s) > lightness(rim) + 10 && lightness(rim) > lightness(edge) + 10,
             qPrintable(QStringLiteral("%1, %2, %3").arg(lightness(s)).arg(lightness(rim)).arg(lightness(edge))));
    // Zoomed far into the rim, points no longer pile up.
    view.zoomBy(200, view.mapToScreen(c.centres[0] + QPointF(0.9, 0)));
    settle(view);
    QVERIFY(!view.frameInfo().density);
    // Off and On are obeyed; small data never switches by itself.
    view.fitToData();
    view.setDensityMode(DensityMode::Off);
    settle(view);
    QVERIFY(!view.frameInfo().density);
    ScatterView small;
    small.resize(300, 300);
    small.show();
    small.setPoints(makeClusters(2000, 2, 0.01).xy);
    settle(small);
    QVERIFY(!small.frameInfo().density);
    small.setDensityMode(DensityMode::On);
    settle(small);
    QVERIFY(small.frameInfo().density);
}

void TestScatterView::labelsDrawnWithoutOverlap()
{
    const Clusters c = makeClusters(4000, 2, 0.5);
    ScatterView view;
    view.resize(700, 500);
    view.show();
    view.setPoints(c.xy);
    view.setLabels([](qint64 row) { return QStringLiteral("Song number %1").arg(row); });
    // Twenty selected points in one cluster: their labels crowd.
    std::vector<qint64> rows;
    for (qint64 r = 0; r < 40; r += 2)
        rows.push_back(r);
    view.setSelection(rows);
    view.setNeighbours({1, 3, 5}, 0);
    settle(view);
    const QImage shot = view.grab().toImage();
    const std::vector<QRectF> &labels = view.labelRects();
    QVERIFY(labels.size() >= 6);
    for (size_t i = 0; i < labels.size(); ++i) {
        QVERIFY(QRectF(0, 0, 700, 500).contains(labels[i]));
        for (size_t j = i + 1; j < labels.size(); ++j)
            QVERIFY(!labels[i].intersects(labels[j]));
        // Text is drawn inside each box.
        const QRect box = QRectF(labels[i].topLeft() * shot.devicePixelRatio(),
                                 labels[i].size() * shot.devicePixelRatio())
                              .toRect()
                              .adjusted(3, 3, -3, -3);
        int ink = 0;
        for (int y = box.top(); y <= box.bottom(); ++y)
            for (int x = box.left(); x <= box.right(); ++x)
                ink += channelDistance(shot.pixel(x, y), view.palette().color(QPalette::Text).rgb()) < 90;
        QVERIFY2(ink > 15, "no text in a label box");
    }
}

void TestScatterView::hoverAndActivate()
{
    const std::vector<double> xy = uniformPoints(500, 0, 10, 12);
    ScatterView view;
    view.resize(500, 500);
    view.show();
    view.setPoints(xy);
    view.setCaptions([](qint64 row) { return QStringLiteral("row %1").arg(row); });
    settle(view);
    QSignalSpy hovered(&view, &ScatterView::hovered);
    QSignalSpy activated(&view, &ScatterView::activated);
    const QPointF at = view.mapToScreen(view.position(42));
    const qint64 expected = view.rowAt(at);
    sendMouse(view, QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCOMPARE(view.hoveredRow(), expected);
    QCOMPARE(hovered.count(), 1);
    QCOMPARE(hovered.at(0).at(0).toLongLong(), expected);
    QTest::mouseDClick(&view, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toLongLong(), expected);
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(&view, &leave);
    QCOMPARE(view.hoveredRow(), qint64(-1));
    QCOMPARE(hovered.last().at(0).toLongLong(), qint64(-1));
}

void TestScatterView::updatePositionsKeepsViewAndSelection()
{
    const int n = 80000; // built on a worker
    std::vector<double> xy = uniformPoints(n, -5, 5, 13);
    ScatterView view;
    view.resize(500, 500);
    view.show();
    view.setPoints(xy);
    settle(view);
    view.zoomBy(2);
    view.setSelection({7, 70});
    const double scale = view.scale();
    const QPointF centre = view.centre();
    for (double &v : xy)
        v *= 1.5;
    view.updatePositions(xy);
    settle(view);
    QCOMPARE(view.scale(), scale);
    QCOMPARE(view.centre(), centre);
    QCOMPARE(view.selection(), (std::vector<qint64> {7, 70}));
    QCOMPARE(view.position(7), QPointF(xy[14], xy[15]));
    // A new set of the same rows keeps marks; other rows drop them.
    view.setPoints(xy);
    QCOMPARE(view.selection(), (std::vector<qint64> {7, 70}));
    view.setPoints(uniformPoints(10, 0, 1, 1));
    QVERIFY(view.selection().empty());
    QCOMPARE(view.pointCount(), qint64(10));
}

void TestScatterView::latestGenerationWins()
{
    const Clusters c = makeClusters(1000000, 8, 1.0);
    ScatterView view;
    view.resize(800, 600);
    view.show();
    view.setPoints(c.xy);
    view.setDensityMode(DensityMode::Off);
    view.setPointSize(3);
    settle(view);
    view.setStaleFrameBudget(1000000); // superseded frames are never shown
    QSignalSpy frames(&view, &ScatterView::frameReady);
    view.zoomBy(1.5);
    view.renderNow();
    const quint64 first = view.requestedGeneration();
    view.panBy(QPointF(30, 10));
    view.renderNow();
    const quint64 second = view.requestedGeneration();
    QVERIFY(second > first);
    QTRY_VERIFY_WITH_TIMEOUT(view.frameGeneration() == second, 60000);
    QTest::qWait(50);
    QCOMPARE(frames.count(), 1);
    QCOMPARE(frames.at(0).at(0).toULongLong(), second);
    QVERIFY(!view.isRendering());

    // With the default budget, frames only ever move forwards and the last request lands.
    view.setStaleFrameBudget(100);
    frames.clear();
    for (int i = 0; i < 12; ++i) {
        view.panBy(QPointF(3, 0));
        view.renderNow();
        QTest::qWait(4);
    }
    const quint64 last = view.requestedGeneration();
    QTRY_VERIFY_WITH_TIMEOUT(view.frameGeneration() == last, 60000);
    quint64 previous = second;
    for (const QList<QVariant> &f : std::as_const(frames)) {
        QVERIFY(f.at(0).toULongLong() > previous);
        previous = f.at(0).toULongLong();
    }
}

void TestScatterView::bigDataDoesNotBlock()
{
    ORRERY_TIMING_TEST(bigDataDoesNotBlock);
    const Clusters c = makeClusters(2000000, 8, 1.2);
    ScatterView view;
    view.resize(800, 600);
    view.show();
    QTest::qWait(20);
    std::vector<double> xy = c.xy;
    // The event loop keeps turning while the grid is built and the first frame rendered.
    QElapsedTimer sinceTick;
    qint64 longestStall = 0;
    QTimer ticker;
    ticker.setInterval(2);
    QObject::connect(&ticker, &QTimer::timeout, [&] { longestStall = std::max(longestStall, sinceTick.restart()); });
    QElapsedTimer clock;
    clock.start();
    const double cpu0 = threadCpuMs();
    view.setPoints(std::move(xy));
    const double setMs = threadCpuMs() - cpu0;
    sinceTick.start();
    ticker.start();
    QTRY_VERIFY_WITH_TIMEOUT(view.isReady() && view.frameInfo().visible == 2000000, 120000);
    const qint64 totalMs = clock.elapsed();
    view.zoomBy(1.3);
    view.panBy(QPointF(20, 5));
    QTRY_VERIFY_WITH_TIMEOUT(view.frameGeneration() == view.requestedGeneration() && !view.isRendering(), 60000);
    ticker.stop();
    qInfo("2M points: setPoints %.2f ms of GUI-thread CPU, first frame after %lld ms, longest event-loop stall %lld ms",
          setMs, totalMs, longestStall);
    QCOMPARE(view.pointCount(), qint64(2000000));
    QVERIFY2(setMs < 16, "setPoints does O(n) work on the GUI thread");
    // Loose, for debug and sanitizer builds on a shared machine: the work itself takes far longer.
    QVERIFY2(longestStall < 120, qPrintable(QString::number(longestStall)));
    QVERIFY(totalMs > longestStall);
}

void TestScatterView::exports()
{
    const Clusters c = makeClusters(600, 3, 0.5);
    ScatterView view;
    view.resize(400, 300);
    view.show();
    view.setPoints(c.xy);
    view.setCategories(c.category, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
    view.setSelection({1});
    view.setLabels([](qint64 row) { return QStringLiteral("item %1").arg(row); });
    settle(view);
    const QImage big = view.renderToImage(QSize(1200, 900));
    QCOMPARE(big.size(), QSize(1200, 900));
    // The same data fills the bigger picture: a cluster centre scales with it.
    const QPoint s = (view.mapToScreen(c.centres[1]) * 3).toPoint();
    QVERIFY(countDifferent(big, QRect(s - QPoint(6, 6), QSize(13, 13)), view.palette().color(QPalette::Base).rgb())
            > 60);

    QTemporaryDir dir;
    const QString small = dir.filePath(QStringLiteral("small.svg"));
    QVERIFY(view.saveSvg(small));
    QFile f(small);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray svg = f.readAll();
    QVERIFY(svg.contains("<svg"));
    QVERIFY(svg.count("<circle") + svg.count("<ellipse") >= 600);
    QVERIFY(svg.contains("item 1"));
    QVERIFY(!svg.contains("<image"));
    // Above the limit the points are one embedded image.
    const QString raster = dir.filePath(QStringLiteral("raster.svg"));
    QVERIFY(view.saveSvg(raster, 100));
    QFile g(raster);
    QVERIFY(g.open(QIODevice::ReadOnly));
    const QByteArray svg2 = g.readAll();
    QVERIFY(svg2.contains("<image"));
    QVERIFY(svg2.count("<circle") + svg2.count("<ellipse") < 50);
    QVERIFY(svg2.contains("item 1"));
}

void TestScatterView::picture()
{
    // 200k points in 8 named clusters, a selected point with its label and neighbours, a path.
    const qint64 n = 200000;
    const Clusters c = makeClusters(n, 8, 1.3, 17);
    const QStringList genres {QStringLiteral("Rock"),      QStringLiteral("Jazz"),       QStringLiteral("Hip-hop"),
                              QStringLiteral("Classical"), QStringLiteral("Electronic"), QStringLiteral("Folk"),
                              QStringLiteral("Metal"),     QStringLiteral("Soul")};
    ScatterView view;
    view.resize(1200, 800);
    view.show();
    view.setPoints(c.xy);
    view.setCategories(c.category, genres);
    view.setLabels([&](qint64 row) { return QStringLiteral("%1 track %2").arg(genres[int(row % 8)]).arg(row); });
    settle(view);
    // The point nearest cluster 0's centre, and its 8 nearest rows of the same cluster.
    const qint64 centre = view.rowAt(view.mapToScreen(c.centres[0]), 20);
    QVERIFY(centre >= 0);
    std::vector<std::pair<double, qint64>> near;
    for (qint64 r = centre % 8; r < n; r += 8)
        if (r != centre)
            near.emplace_back(QLineF(view.position(r), view.position(centre)).length(), r);
    std::sort(near.begin(), near.end());
    // Neighbours in the embedding need not be neighbours on the map: spread them over the cluster.
    std::vector<qint64> neighbours;
    for (int i = 0; i < 8; ++i)
        neighbours.push_back(near[size_t(40 + i * 1500)].second);
    view.setSelection({centre});
    view.setCurrentRow(centre);
    view.setNeighbours(neighbours);
    // A playlist hopping between clusters.
    std::vector<qint64> path;
    for (int k : {2, 3, 4, 3, 6, 5})
        path.push_back(view.rowAt(view.mapToScreen(c.centres[size_t(k)] + QPointF(0.8, 0.5)), 30));
    view.setPath(path);
    view.setHighlighted({near[300].second, near[2000].second, near[5000].second});
    settle(view);
    const QImage image = view.renderToImage(QSize(1200, 800));
    const std::vector<QRectF> &labels = view.labelRects();
    QVERIFY(labels.size() >= 6);
    for (size_t i = 0; i < labels.size(); ++i)
        for (size_t j = i + 1; j < labels.size(); ++j)
            QVERIFY(!labels[i].intersects(labels[j]));
    // What the picture shows. Background: the palette's base wherever the layout put nothing (the
    // middle of the ring of clusters, which no path segment or label crosses).
    QCOMPARE(image.size(), QSize(1200, 800));
    const QRgb bg = view.palette().color(QPalette::Base).rgb();
    const QPoint empty = view.mapToScreen(QPointF(1.5, 0)).toPoint();
    QCOMPARE(countDifferent(image, QRect(empty - QPoint(20, 20), QSize(41, 41)), bg), 0);
    // Points: a pixel at or next to every 500th row's layout position is not background (but for a
    // few under the overlays: the path's white casing, the labels' boxes).
    int missing = 0;
    for (qint64 r = 0; r < n; r += 500) {
        const QPoint s = view.mapToScreen(QPointF(c.xy[size_t(2 * r)], c.xy[size_t(2 * r + 1)])).toPoint();
        missing += image.rect().contains(s) && countDifferent(image, QRect(s - QPoint(1, 1), QSize(3, 3)), bg) == 0;
    }
    QVERIFY2(missing <= n / 500 / 50,
             qPrintable(QStringLiteral("%1 of %2 sampled points left no mark").arg(missing).arg(n / 500)));
    // Colours: around each cluster's centre most pixels away from the overlays (labels, and the
    // rings and markers of the selected, neighbouring, highlighted and path rows) are nearest to that
    // cluster's category colour among the eight and the background.
    std::vector<QPointF> marked;
    for (const auto *rows : {&neighbours, &path})
        for (const qint64 r : *rows)
            marked.push_back(view.mapToScreen(view.position(r)));
    for (const qint64 r : {centre, near[300].second, near[2000].second, near[5000].second})
        marked.push_back(view.mapToScreen(view.position(r)));
    const auto overlaid = [&](QPoint at) {
        return std::any_of(labels.begin(), labels.end(), [&](const QRectF &l) { return l.contains(at); })
            || std::any_of(marked.begin(), marked.end(), [&](QPointF m) { return QLineF(m, at).length() < 12; });
    };
    const auto nearestColour = [&](QRgb pixel) {
        int best = -1, bestDistance = channelDistance(pixel, bg);
        for (int k = 0; k < 8; ++k)
            if (const int d = channelDistance(pixel, ScatterView::categoryColour(k)); d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        return best;
    };
    for (int k = 0; k < 8; ++k) {
        const QPoint s = view.mapToScreen(c.centres[size_t(k)]).toPoint();
        int own = 0, counted = 0;
        for (int dy = -24; dy <= 24; ++dy)
            for (int dx = -24; dx <= 24; ++dx) {
                const QPoint at = s + QPoint(dx, dy);
                if (overlaid(at))
                    continue;
                ++counted;
                own += nearestColour(image.pixel(at)) == k;
            }
        QVERIFY2(counted > 300 && own > counted * 3 / 4,
                 qPrintable(QStringLiteral("%1: %2 of %3 pixels in its colour").arg(genres[k]).arg(own).arg(counted)));
    }

    const QString out = qEnvironmentVariable("ORRERY_MAP_PNG");
    if (!out.isEmpty()) {
        const auto variant = [&](const char *suffix) {
            return QString(out).replace(QStringLiteral(".png"), QString::fromLatin1(suffix));
        };
        QVERIFY(image.save(out));
        QVERIFY(view.saveSvg(variant(".svg")));
        // A close-up of the selected point, density off.
        view.setDensityMode(DensityMode::Off);
        view.zoomBy(6, view.mapToScreen(view.position(centre)));
        QVERIFY(view.renderToImage(QSize(1200, 800)).save(variant("-zoom.png")));
        view.fitToData();
        // A dark palette, uncoloured (a density map of plain points).
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(30, 30, 34));
        dark.setColor(QPalette::Window, QColor(45, 45, 50));
        dark.setColor(QPalette::Text, QColor(235, 235, 235));
        dark.setColor(QPalette::WindowText, QColor(235, 235, 235));
        dark.setColor(QPalette::Highlight, QColor(61, 174, 233));
        dark.setColor(QPalette::Mid, QColor(90, 90, 95));
        dark.setColor(QPalette::PlaceholderText, QColor(160, 160, 160));
        view.setPalette(dark);
        view.setDensityMode(DensityMode::Auto);
        view.clearColours();
        QVERIFY(view.renderToImage(QSize(1200, 800)).save(variant("-dark.png")));
    }
}

QTEST_MAIN(TestScatterView)
#include "tst_ui_scatterview.moc"
