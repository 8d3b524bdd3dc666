// RecSys Challenge 2018 metrics against hand-computed cases (duplicates, no hit, G shorter and
// longer than R, the 500 cut), intra-list diversity, and the hold-out split and seed cases.
#include "testutil.h"

#include "base/random.h"
#include "eval/recsys.h"

#include <QTest>

#include <cmath>
#include <map>
#include <numeric>
#include <set>

using namespace orrery;

Q_DECLARE_METATYPE(std::vector<qint64>)

namespace {

std::vector<qint64> range(qint64 from, qint64 to)
{
    std::vector<qint64> v(size_t(to - from));
    std::iota(v.begin(), v.end(), from);
    return v;
}

/// Σ_{i=1..n} of the challenge's discount: 1, then 1 / log₂ i.
double idealDcg(int n)
{
    double s = 0;
    for (int i = 1; i <= n; ++i)
        s += i == 1 ? 1.0 : 1.0 / std::log2(double(i));
    return s;
}

/// A corpus from item-id lists (vocabulary in order of first appearance).
Corpus corpusOf(const std::vector<std::vector<qint64>> &sequences)
{
    Corpus c;
    std::map<qint64, qint32> index;
    c.offsets.push_back(0);
    for (size_t s = 0; s < sequences.size(); ++s) {
        c.sequenceIds.push_back(qint64(1000 + s));
        for (const qint64 id : sequences[s]) {
            auto [it, added] = index.emplace(id, qint32(c.vocab.size()));
            if (added) {
                c.vocab.push_back(id);
                c.counts.push_back(0);
            }
            c.tokens.push_back(it->second);
            ++c.counts[size_t(it->second)];
        }
        c.offsets.push_back(qint64(c.tokens.size()));
    }
    return c;
}

} // namespace

class TestRecsys final : public QObject {
    Q_OBJECT

private slots:
    void metrics_data()
    {
        QTest::addColumn<std::vector<qint64>>("relevant");
        QTest::addColumn<std::vector<qint64>>("ranked");
        QTest::addColumn<int>("maxResults");
        QTest::addColumn<double>("rPrecision");
        QTest::addColumn<double>("ndcg");
        QTest::addColumn<int>("clicks");

        const double l3 = 1 / std::log2(3.0);
        QTest::newRow("perfect") << std::vector<qint64> {1, 2, 3} << std::vector<qint64> {1, 2, 3} << 500 << 1.0 << 1.0
                                 << 0;
        // Hits at ranks 2 and 4: DCG = 1/log2 2 + 1/log2 4 = 1.5; IDCG = 1 + 1 + 1/log2 3.
        QTest::newRow("hits at 2 and 4") << std::vector<qint64> {1, 2, 3} << std::vector<qint64> {4, 1, 5, 2} << 500
                                         << 1.0 / 3 << 1.5 / (2 + l3) << 0;
        QTest::newRow("no hit gives 51 clicks")
            << std::vector<qint64> {777} << range(1, 501) << 500 << 0.0 << 0.0 << 51;
        QTest::newRow("empty list") << std::vector<qint64> {1} << std::vector<qint64> {} << 500 << 0.0 << 0.0 << 51;
        // |G| = 1 < |R|: only R[1] counts for R-precision; the hit at rank 3 still scores NDCG.
        QTest::newRow("G shorter than R")
            << std::vector<qint64> {5} << std::vector<qint64> {1, 2, 5} << 500 << 0.0 << l3 << 0;
        QTest::newRow("first hit at rank 11") << std::vector<qint64> {99} <<
            [] {
                std::vector<qint64> r = range(1, 11);
                r.push_back(99);
                return r;
            }() << 500 << 0.0 << 1 / std::log2(11.0)
                                              << 1;
        QTest::newRow("first hit at rank 500") << std::vector<qint64> {1000} <<
            [] {
                std::vector<qint64> r = range(1, 500);
                r.push_back(1000);
                return r;
            }() << 500 << 0.0 << 1 / std::log2(500.0) / 1.0
                                               << 49;
        QTest::newRow("hit past the cut")
            << std::vector<qint64> {1} << std::vector<qint64> {2, 3, 1} << 2 << 0.0 << 0.0 << 1;
        // A repeated miss fills an R-precision slot; NDCG drops the repeat and moves the rest up.
        QTest::newRow("duplicate miss") << std::vector<qint64> {1, 2} << std::vector<qint64> {3, 3, 1, 2} << 500 << 0.0
                                        << (1 + l3) / 2 << 0;
        // A repeated hit counts once.
        QTest::newRow("duplicate hit") << std::vector<qint64> {1, 2} << std::vector<qint64> {1, 1, 4} << 500 << 0.5
                                       << 0.5 << 0;
        QTest::newRow("duplicates in G") << std::vector<qint64> {1, 1, 2} << std::vector<qint64> {1, 2} << 500 << 1.0
                                         << 1.0 << 0;
        // |G| = 600 > 500 results: IDCG stops at 500 ideal hits, so 500 hits in a row score 1.
        QTest::newRow("G longer than the list") << range(1, 601) << range(1, 501) << 500 << 500.0 / 600 << 1.0 << 0;
    }

    void metrics()
    {
        QFETCH(std::vector<qint64>, relevant);
        QFETCH(std::vector<qint64>, ranked);
        QFETCH(int, maxResults);
        QFETCH(double, rPrecision);
        QFETCH(double, ndcg);
        QFETCH(int, clicks);
        QVERIFY2(std::abs(orrery::rPrecision(relevant, ranked, maxResults) - rPrecision) < 1e-12,
                 qPrintable(QString::number(orrery::rPrecision(relevant, ranked, maxResults))));
        QVERIFY2(std::abs(orrery::ndcg(relevant, ranked, maxResults) - ndcg) < 1e-12,
                 qPrintable(QString::number(orrery::ndcg(relevant, ranked, maxResults), 'g', 15)));
        QCOMPARE(orrery::clicks(relevant, ranked, maxResults), clicks);
        const PlaylistScores s = scorePlaylist(relevant, ranked, maxResults);
        QCOMPARE(s.rPrecision, orrery::rPrecision(relevant, ranked, maxResults));
        QCOMPARE(s.ndcg, orrery::ndcg(relevant, ranked, maxResults));
        QCOMPARE(s.clicks, double(clicks));
    }

    void ndcgMatchesItsDefinition()
    {
        // Random lists against a direct transcription: DCG = rel1 + Σ_{i≥2} rel_i / log2 i.
        Random rng(7);
        for (int trial = 0; trial < 200; ++trial) {
            std::vector<qint64> g, r;
            const int gs = 1 + int(rng.below(30)), rs = int(rng.below(60));
            for (int i = 0; i < gs; ++i)
                g.push_back(qint64(rng.below(80)));
            std::set<qint64> used;
            for (int i = 0; i < rs; ++i) {
                const qint64 v = qint64(rng.below(80));
                if (used.insert(v).second)
                    r.push_back(v);
            }
            const std::set<qint64> gs2(g.begin(), g.end());
            double dcg = 0;
            for (size_t i = 0; i < r.size(); ++i)
                if (gs2.count(r[i]))
                    dcg += i == 0 ? 1.0 : 1.0 / std::log2(double(i + 1));
            const double expected = dcg / idealDcg(int(gs2.size()));
            QVERIFY(std::abs(ndcg(g, r) - expected) < 1e-12);
            QVERIFY(ndcg(g, r) <= 1 + 1e-12);
        }
    }

    void recall()
    {
        const std::vector<qint64> g {1, 2, 3, 4};
        const std::vector<qint64> r {1, 9, 2, 8, 3};
        QCOMPARE(recallAt(g, r, 1), 0.25);
        QCOMPARE(recallAt(g, r, 2), 0.25);
        QCOMPARE(recallAt(g, r, 3), 0.5);
        QCOMPARE(recallAt(g, r, 500), 0.75);
        const PlaylistScores s = scorePlaylist(g, r);
        QCOMPARE(s.recall10, 0.75);
        QCOMPARE(s.recall500, 0.75);
    }

    void diversity_data()
    {
        QTest::addColumn<QList<QList<float>>>("rows");
        QTest::addColumn<double>("expected");
        QTest::newRow("orthogonal") << QList<QList<float>> {{1, 0}, {0, 2}} << 1.0;
        QTest::newRow("same direction") << QList<QList<float>> {{1, 1}, {3, 3}} << 0.0;
        QTest::newRow("opposite") << QList<QList<float>> {{1, 0}, {-5, 0}} << 2.0;
        // cos pairs: 0, 1/√2, 1/√2 → mean √2/3.
        QTest::newRow("three") << QList<QList<float>> {{3, 0}, {0, 1}, {1, 1}} << 1 - std::sqrt(2.0) / 3;
        QTest::newRow("zero rows left out") << QList<QList<float>> {{1, 0}, {0, 0}, {0, 1}} << 1.0;
        QTest::newRow("one row") << QList<QList<float>> {{1, 0}} << 0.0;
    }

    void diversity()
    {
        QFETCH(QList<QList<float>>, rows);
        QFETCH(double, expected);
        RowMatrixXf m(rows.size(), 2);
        for (int r = 0; r < rows.size(); ++r)
            for (int c = 0; c < 2; ++c)
                m(r, c) = rows[r][c];
        QVERIFY2(std::abs(intraListDiversity(m) - expected) < 1e-6, qPrintable(QString::number(intraListDiversity(m))));
    }

    void holdoutSplit()
    {
        std::vector<std::vector<qint64>> seqs;
        for (int s = 0; s < 200; ++s)
            seqs.push_back(range(s, s + 1 + s % 9)); // lengths 1..9
        const Corpus c = corpusOf(seqs);
        const HoldoutSplit a = splitHoldout(c, 30, 20, 5, 42);
        const HoldoutSplit b = splitHoldout(c, 30, 20, 5, 42);
        const HoldoutSplit other = splitHoldout(c, 30, 20, 5, 43);
        QCOMPARE(a.test, b.test);
        QCOMPARE(a.validation, b.validation);
        QVERIFY(a.test != other.test);
        QCOMPARE(a.test.size(), size_t(30));
        QCOMPARE(a.validation.size(), size_t(20));
        QCOMPARE(a.train.size(), size_t(150));
        std::set<qint64> all;
        for (const auto *part : {&a.train, &a.validation, &a.test})
            all.insert(part->begin(), part->end());
        QCOMPARE(all.size(), size_t(200)); // disjoint and complete
        for (const qint64 s : a.test)
            QVERIFY(c.length(s) > 5);
        for (const qint64 s : a.validation)
            QVERIFY(c.length(s) > 5);
        // 200 sequences, lengths cycle 1..9: 4 of 9 are longer than 5 → 88; asking for more fails.
        QVERIFY_THROWS_EXCEPTION(Error, splitHoldout(c, 80, 20, 5, 1));
    }

    void subsetCounts()
    {
        const Corpus c = corpusOf({{1, 2, 3}, {2, 3, 4}, {4, 4, 5}});
        const std::vector<qint64> keep {0, 2};
        const Corpus s = subsetCorpus(c, keep);
        QCOMPARE(s.sequences(), qint64(2));
        QCOMPARE(s.vocab, c.vocab);
        QCOMPARE(s.counts, (std::vector<qint64> {1, 1, 1, 2, 1}));
        QCOMPARE(std::vector<qint32>(s.begin(1), s.end(1)), std::vector<qint32>(c.begin(2), c.end(2)));
    }

    void cases()
    {
        const Corpus c = corpusOf({{1, 2, 3, 2, 4}, {5, 6}, {7, 7, 7}, {8, 9, 10, 11, 12, 13}});
        const std::vector<qint64> all {0, 1, 2, 3};
        const std::vector<ContinuationCase> first = continuationCases(c, all, 2, false, 1);
        // {7,7,7}: seeds 7,7 and nothing else left to find; {5,6}: nothing hidden. Both skipped.
        QCOMPARE(first.size(), size_t(2));
        QCOMPARE(first[0].seeds, (std::vector<qint64> {1, 2}));
        QCOMPARE(first[0].relevant, (std::vector<qint64> {3, 4})); // the repeated 2 is a seed, not a target
        QCOMPARE(first[1].seeds, (std::vector<qint64> {8, 9}));
        QCOMPARE(first[1].relevant, (std::vector<qint64> {10, 11, 12, 13}));

        const std::vector<ContinuationCase> random = continuationCases(c, all, 2, true, 5);
        const std::vector<ContinuationCase> again = continuationCases(c, all, 2, true, 5);
        QCOMPARE(random.size(), again.size());
        bool differsFromFirst = false;
        for (size_t i = 0; i < random.size(); ++i) {
            QCOMPARE(random[i].seeds, again[i].seeds);
            QCOMPARE(random[i].relevant, again[i].relevant);
            std::set<qint64> both(random[i].seeds.begin(), random[i].seeds.end());
            for (const qint64 r : random[i].relevant)
                QVERIFY(both.insert(r).second); // seeds and targets never overlap
        }
        for (const ContinuationCase &r : random)
            if (r.seeds == std::vector<qint64> {8, 9} || r.seeds == std::vector<qint64> {1, 2})
                continue;
            else
                differsFromFirst = true;
        QVERIFY(differsFromFirst);
    }
};

QTEST_GUILESS_MAIN(TestRecsys)
#include "tst_recsys.moc"
