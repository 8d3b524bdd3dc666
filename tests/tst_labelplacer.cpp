// The label placer on hand-made crowds: no label over another or over the legend, every label
// placed, and no two leader lines crossing.
#include "render/labelplacer.h"

#include <QTest>

#include <random>

using namespace orrery::ui;

namespace {

// An independent crossing test (orientation signs with a tolerance): true when the open segments
// meet at a point inside both.
bool properlyCross(const QLineF &a, const QLineF &b)
{
    const auto orient = [](QPointF o, QPointF p, QPointF q) {
        const double v = (p.x() - o.x()) * (q.y() - o.y()) - (p.y() - o.y()) * (q.x() - o.x());
        return v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0;
    };
    const int o1 = orient(a.p1(), a.p2(), b.p1()), o2 = orient(a.p1(), a.p2(), b.p2());
    const int o3 = orient(b.p1(), b.p2(), a.p1()), o4 = orient(b.p1(), b.p2(), a.p2());
    return o1 * o2 < 0 && o3 * o4 < 0;
}

struct Crowd {
    std::vector<LabelRequest> requests;
    QRectF bounds;
    QRectF legend;
};

// `count` anchors around `centre` (normal spread, or all on one point when 0), boxes of varied
// widths, in an 800 × 600 view with a legend at the top right.
Crowd crowd(int count, double spread, QPointF centre, quint32 seed)
{
    Crowd c;
    c.bounds = QRectF(0, 0, 800, 600);
    c.legend = QRectF(600, 0, 200, 180);
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0, std::max(spread, 1e-9));
    for (int i = 0; i < count; ++i) {
        const QPointF at = spread > 0 ? centre + QPointF(normal(rng), normal(rng)) : centre;
        c.requests.push_back({at, QSizeF(56 + (i % 6) * 13, 15 + (i % 3))});
    }
    return c;
}

} // namespace

class TestLabelPlacer final : public QObject {
    Q_OBJECT
private slots:
    void segmentCrossing_data();
    void segmentCrossing();
    void crowdedLeadersDoNotCross_data();
    void crowdedLeadersDoNotCross();
};

void TestLabelPlacer::segmentCrossing_data()
{
    QTest::addColumn<QLineF>("a");
    QTest::addColumn<QLineF>("b");
    QTest::addColumn<bool>("cross");
    QTest::newRow("x") << QLineF(0, 0, 10, 10) << QLineF(0, 10, 10, 0) << true;
    QTest::newRow("apart") << QLineF(0, 0, 10, 0) << QLineF(0, 5, 10, 5) << false;
    QTest::newRow("shared anchor") << QLineF(5, 5, 20, 0) << QLineF(5, 5, 20, 10) << false;
    QTest::newRow("short of it") << QLineF(0, 0, 4, 4) << QLineF(0, 10, 10, 0) << false;
    QTest::newRow("collinear") << QLineF(0, 0, 10, 0) << QLineF(5, 0, 15, 0) << false;
}

void TestLabelPlacer::segmentCrossing()
{
    QFETCH(QLineF, a);
    QFETCH(QLineF, b);
    QFETCH(bool, cross);
    QCOMPARE(segmentsCross(a, b), cross);
    QCOMPARE(segmentsCross(b, a), cross);
    QCOMPARE(properlyCross(a, b), cross);
}

void TestLabelPlacer::crowdedLeadersDoNotCross_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("spread");
    QTest::addColumn<QPointF>("centre");
    // Beside the legend, so leaders must also keep off it; in the middle; one point; wide.
    QTest::newRow("30 by the legend") << 30 << 10.0 << QPointF(570, 190);
    QTest::newRow("40 in the middle") << 40 << 14.0 << QPointF(400, 300);
    QTest::newRow("25 on one point") << 25 << 0.0 << QPointF(300, 250);
    QTest::newRow("60 spread") << 60 << 40.0 << QPointF(380, 320);
}

void TestLabelPlacer::crowdedLeadersDoNotCross()
{
    QFETCH(int, count);
    QFETCH(double, spread);
    QFETCH(QPointF, centre);
    const Crowd c = crowd(count, spread, centre, 7);
    const std::vector<LabelPlacement> placed = placeLabelsWithLeaders(c.requests, c.bounds, 4, {c.legend});
    QCOMPARE(placed.size(), c.requests.size());
    std::vector<QLineF> leaders;
    for (size_t i = 0; i < placed.size(); ++i) {
        const QRectF &r = placed[i].rect;
        QVERIFY2(!r.isNull(), qPrintable(QStringLiteral("label %1 dropped").arg(i)));
        QCOMPARE(r.size(), c.requests[i].size);
        QVERIFY2(c.bounds.contains(r), qPrintable(QStringLiteral("label %1 outside the view").arg(i)));
        QVERIFY2(!r.intersects(c.legend), qPrintable(QStringLiteral("label %1 over the legend").arg(i)));
        for (size_t j = i + 1; j < placed.size(); ++j)
            QVERIFY2(!r.intersects(placed[j].rect),
                     qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i).arg(j)));
        if (placed[i].leader) {
            const QLineF l = leaderLine(c.requests[i].anchor, r);
            QCOMPARE(l.p1(), c.requests[i].anchor);
            leaders.push_back(l);
        }
    }
    QVERIFY2(!leaders.empty(), "a crowd placed without a single leader");
    for (size_t i = 0; i < leaders.size(); ++i)
        for (size_t j = i + 1; j < leaders.size(); ++j)
            QVERIFY2(!properlyCross(leaders[i], leaders[j]),
                     qPrintable(QStringLiteral("leaders %1 and %2 cross").arg(i).arg(j)));
}

QTEST_GUILESS_MAIN(TestLabelPlacer)
#include "tst_labelplacer.moc"
