// Density contours (ui/render/contours.h) on a known mixture: the iso-lines enclose the blobs'
// centres and nothing else, are closed, and are cached while the view is unchanged.
#include "render/contours.h"

#include <QTest>

#include <cmath>
#include <map>
#include <random>

using namespace orrery::ui;

namespace {

const QPointF centres[] = {{-5, 0}, {5, 0}, {0, 6}};

std::vector<double> mixture(qint64 n, quint32 seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    std::vector<double> xy(size_t(2 * n));
    for (qint64 i = 0; i < n; ++i) {
        const QPointF c = centres[i % 3];
        xy[size_t(2 * i)] = c.x() + normal(rng);
        xy[size_t(2 * i + 1)] = c.y() + normal(rng);
    }
    return xy;
}

// Segments crossed by the ray from `q` towards +x: odd when the closed lines enclose q.
int crossings(const std::vector<QLineF> &segments, QPointF q)
{
    int n = 0;
    for (const QLineF &s : segments) {
        const QPointF a = s.p1(), b = s.p2();
        if ((a.y() > q.y()) == (b.y() > q.y()))
            continue;
        const double x = a.x() + (q.y() - a.y()) / (b.y() - a.y()) * (b.x() - a.x());
        n += x > q.x();
    }
    return n;
}

} // namespace

class TestContours final : public QObject {
    Q_OBJECT

private slots:
    void enclosesBlobsOnly_data();
    void enclosesBlobsOnly();
    void linesAreClosed();
    void cachedWhileViewUnchanged();
    void emptyAndOutOfView();
};

void TestContours::enclosesBlobsOnly_data()
{
    QTest::addColumn<double>("scale");
    QTest::addColumn<QPointF>("centre");
    QTest::newRow("fitted") << 40.0 << QPointF(0, 2);
    QTest::newRow("far from the origin") << 40.0 << QPointF(0, 2);
    QTest::newRow("coarse") << 25.0 << QPointF(0, 2.5);
}

void TestContours::enclosesBlobsOnly()
{
    QFETCH(double, scale);
    QFETCH(QPointF, centre);
    std::vector<double> xy = mixture(30000, 11);
    QPointF offset;
    if (QByteArray(QTest::currentDataTag()) == "far from the origin") {
        // Large coordinates: binning in float would smear the blobs by whole cells.
        offset = QPointF(1e7, -3e6);
        for (size_t i = 0; i < xy.size(); i += 2) {
            xy[i] += offset.x();
            xy[i + 1] += offset.y();
        }
    }
    const MapPoints points(xy);
    const MapView view {centre + offset, scale, QSizeF(800, 600)};
    const ContourSet set = computeContours(points, view);
    QCOMPARE(set.levels.size(), size_t(3));
    QCOMPARE(set.points, qint64(30000));
    for (const ContourLevel &level : set.levels) {
        QVERIFY2(!level.segments.empty(), qPrintable(QStringLiteral("no line at mass %1").arg(level.mass)));
        QVERIFY(level.density > 0);
        for (const QPointF &c : centres) {
            const QPointF s = view.toScreen(c + offset);
            QVERIFY2(
                crossings(level.segments, s) % 2 == 1,
                qPrintable(QStringLiteral("mass %1 does not enclose (%2, %3)").arg(level.mass).arg(c.x()).arg(c.y())));
        }
        // Empty space: between the blobs and in the corners nothing is enclosed.
        for (const QPointF &e : {QPointF(0, 2), QPointF(-8, 7), QPointF(8, -4), QPointF(0, -3.5)}) {
            const QPointF s = view.toScreen(e + offset);
            QVERIFY2(
                crossings(level.segments, s) % 2 == 0,
                qPrintable(QStringLiteral("mass %1 encloses empty (%2, %3)").arg(level.mass).arg(e.x()).arg(e.y())));
        }
        // Every line lies near a blob: within 3.2 standard deviations of a centre.
        for (const QLineF &seg : level.segments) {
            double nearest = 1e300;
            for (const QPointF &c : centres)
                nearest = std::min(nearest, QLineF(view.toScreen(c + offset), seg.p1()).length() / scale);
            QVERIFY2(nearest < 3.2, qPrintable(QStringLiteral("a line %1 sd from every blob").arg(nearest)));
        }
    }
    // Denser levels lie inside sparser ones: fewer points enclosed means a higher threshold.
    QVERIFY(set.levels[0].density > set.levels[1].density);
    QVERIFY(set.levels[1].density > set.levels[2].density);
}

void TestContours::linesAreClosed()
{
    const MapPoints points(mixture(20000, 5));
    // Zoomed in so a blob runs off the view: the grid's empty outer ring still closes the lines.
    const MapView view {QPointF(5, 0), 120, QSizeF(640, 480)};
    const ContourSet set = computeContours(points, view);
    for (const ContourLevel &level : set.levels) {
        QVERIFY(!level.segments.empty());
        std::map<std::pair<qint64, qint64>, int> ends;
        const auto key = [](QPointF p) {
            return std::pair {qint64(std::llround(p.x() * 1e6)), qint64(std::llround(p.y() * 1e6))};
        };
        for (const QLineF &s : level.segments) {
            ++ends[key(s.p1())];
            ++ends[key(s.p2())];
        }
        for (const auto &[where, count] : ends)
            QVERIFY2(count % 2 == 0, "a line ends in the open");
    }
}

void TestContours::cachedWhileViewUnchanged()
{
    auto points = std::make_shared<const MapPoints>(mixture(9000, 3));
    ContourCache cache;
    const MapView view {QPointF(0, 2), 40, QSizeF(400, 300)};
    const auto first = cache.get(points, view);
    QVERIFY(first && !first->isEmpty());
    QCOMPARE(cache.get(points, view).get(), first.get());
    MapView moved = view;
    moved.centre += QPointF(0.5, 0);
    const auto second = cache.get(points, moved);
    QVERIFY(second.get() != first.get());
    QCOMPARE(second->view, moved);
    // Cancelled: nothing, and the cache keeps what it had.
    std::atomic<bool> cancel {true};
    moved.scale *= 2;
    QVERIFY(!cache.get(points, moved, {}, &cancel));
    QCOMPARE(cache.get(points, second->view).get(), second.get());
}

void TestContours::emptyAndOutOfView()
{
    const MapPoints points(mixture(3000, 1));
    const ContourSet away = computeContours(points, MapView {QPointF(100, 100), 40, QSizeF(400, 300)});
    QCOMPARE(away.points, qint64(0));
    for (const ContourLevel &level : away.levels)
        QVERIFY(level.segments.empty());
    const MapPoints none(std::vector<double> {});
    QVERIFY(computeContours(none, MapView {QPointF(), 1, QSizeF(100, 100)}).isEmpty());
}

QTEST_GUILESS_MAIN(TestContours)
#include "tst_contours.moc"
