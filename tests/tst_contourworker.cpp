// Contours off the frame: when a cached set still serves a view, that drawing it moved to the view
// matches computing it there, and that the worker keeps only the newest request's result.
#include "render/contours.h"

#include <QImage>
#include <QPainter>
#include <QTest>

#include <random>

using namespace orrery::ui;

namespace {

// Three Gaussian blobs.
std::vector<double> mixture(int n, quint32 seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    const QPointF centres[] = {{-4, 0}, {3, 2}, {1, -4}};
    std::vector<double> xy;
    for (int i = 0; i < n; ++i) {
        const QPointF c = centres[i % 3];
        xy.push_back(c.x() + normal(rng));
        xy.push_back(c.y() + 0.8 * normal(rng));
    }
    return xy;
}

QImage draw(const ContourSet &set, const MapView &view)
{
    QImage image(view.size.toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::black);
    QPainter p(&image);
    paintContours(p, set, view, Qt::white, Qt::black);
    return image;
}

// Share of lit pixels of `a` with a lit pixel of `b` within `radius`.
double agreement(const QImage &a, const QImage &b, int radius)
{
    qint64 lit = 0, matched = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            if (qRed(a.pixel(x, y)) < 96)
                continue;
            ++lit;
            bool found = false;
            for (int dy = -radius; dy <= radius && !found; ++dy)
                for (int dx = -radius; dx <= radius && !found; ++dx) {
                    const int u = x + dx, v = y + dy;
                    found = u >= 0 && v >= 0 && u < b.width() && v < b.height() && qRed(b.pixel(u, v)) >= 96;
                }
            matched += found;
        }
    return lit ? double(matched) / double(lit) : 0;
}

} // namespace

class TestContourWorker final : public QObject {
    Q_OBJECT
private slots:
    void serves_data();
    void serves();
    void movedMatchesComputed();
    void newestWins();
};

void TestContourWorker::serves_data()
{
    QTest::addColumn<QPointF>("pan"); // in view pixels
    QTest::addColumn<double>("zoom");
    QTest::addColumn<bool>("served");
    QTest::newRow("same") << QPointF() << 1.0 << true;
    QTest::newRow("small pan") << QPointF(120, -80) << 1.0 << true;
    QTest::newRow("far pan") << QPointF(260, 0) << 1.0 << false;
    QTest::newRow("zoom in 1.4x") << QPointF() << 1.4 << true;
    QTest::newRow("zoom in 1.6x") << QPointF() << 1.6 << false;
    QTest::newRow("zoom out 1.6x") << QPointF() << 1 / 1.6 << false;
}

void TestContourWorker::serves()
{
    QFETCH(QPointF, pan);
    QFETCH(double, zoom);
    QFETCH(bool, served);
    const MapView view {QPointF(0, 0), 30, QSizeF(400, 300)};
    ContourSet set;
    set.view = contourArea(view);
    QCOMPARE(set.view.size, QSizeF(800, 600));
    QCOMPARE(set.view.centre, view.centre);
    MapView other = view;
    other.centre += QPointF(pan.x() / view.scale, -pan.y() / view.scale);
    other.scale *= zoom;
    QCOMPARE(contoursServe(set, other), served);
}

void TestContourWorker::movedMatchesComputed()
{
    // A set computed over the wider area, drawn in a panned and slightly zoomed view, lies on the
    // lines computed for that view itself (within a couple of pixels: the grids differ).
    const MapPoints points(mixture(30000, 5));
    const MapView first {QPointF(0, -1), 28, QSizeF(420, 320)};
    const ContourSet wide = computeContours(points, contourArea(first));
    MapView moved = first;
    moved.centre += QPointF(1.5, 0.8);
    moved.scale *= 1.2;
    QVERIFY(contoursServe(wide, moved));
    const ContourSet here = computeContours(points, moved);
    const QImage a = draw(wide, moved), b = draw(here, moved);
    const double ab = agreement(a, b, 3), ba = agreement(b, a, 3);
    QVERIFY2(ab > 0.8 && ba > 0.8, qPrintable(QStringLiteral("agreement %1 / %2").arg(ab).arg(ba)));
    // Drawn unmoved it must not match (the test can fail).
    MapView off = moved;
    off.centre += QPointF(2, 0);
    QVERIFY(agreement(draw(wide, off), b, 3) < 0.6);
}

void TestContourWorker::newestWins()
{
    auto points = std::make_shared<const MapPoints>(mixture(200000, 2));
    QObject context;
    int ready = 0;
    ContourWorker worker(&context, [&] { ++ready; });
    const MapView a {QPointF(0, 0), 30, QSizeF(500, 400)};
    MapView b = a;
    b.scale *= 3;
    MapView c = a;
    c.centre = QPointF(3, 2);
    c.scale *= 8;
    QVERIFY(worker.request(points, a));
    QVERIFY(worker.request(points, b)); // cancels a, waits
    QVERIFY(worker.request(points, c)); // replaces b
    QVERIFY(worker.busy());
    QTRY_VERIFY_WITH_TIMEOUT(!worker.busy(), 20000);
    QVERIFY(worker.current());
    QCOMPARE(worker.current()->view, contourArea(c));
    QCOMPARE(ready, 1); // a and b were dropped unseen
    // Served: no new work; a far pan: new work; new points: the old set goes at once.
    MapView near = c;
    near.centre += QPointF(20 / c.scale, 0);
    QVERIFY(!worker.request(points, near));
    QVERIFY(!worker.busy());
    auto other = std::make_shared<const MapPoints>(mixture(1000, 3));
    QVERIFY(worker.request(other, near));
    QVERIFY(!worker.current());
    QTRY_VERIFY_WITH_TIMEOUT(!worker.busy() && worker.current(), 20000);
    worker.clear();
    QVERIFY(!worker.current());
}

QTEST_GUILESS_MAIN(TestContourWorker)
#include "tst_contourworker.moc"
