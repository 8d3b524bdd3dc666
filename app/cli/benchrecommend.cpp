// `orrery-cli bench recommend`: query latency of the recommenders on a large synthetic catalogue
// (clustered track vectors behind an HNSW index, Zipf-popular playlists for co-occurrence).
// Dispatched from bench.cpp's runBench.
#include "common.h"

#include "base/random.h"
#include "recommend/recommender.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace orrery::cli {

int benchRecommend(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("recommend"), QStringLiteral("The benchmark."));
    const auto option = [&](const char *name, const char *help, const char *fallback) {
        parser.addOption(
            {QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("N"), QString::fromLatin1(fallback)});
    };
    option("tracks", "Catalogue size (default 200000).", "200000");
    option("playlists", "Synthetic playlists for popularity and co-occurrence (default 20000).", "20000");
    option("dim", "Vector length (default 32).", "32");
    option("genres", "Clusters of tracks (default 200).", "200");
    option("queries", "Timed queries per method (default 300).", "300");
    option("seeds", "Seed tracks per query (default 5).", "5");
    option("n", "Results per query (default 500).", "500");
    option("threads", "Threads for building (queries run on one).", "2");
    option("seed", "Random seed.", "1");
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Builds a synthetic catalogue (clustered vectors, Zipf-popular "
                                                "playlists), then times single-thread queries of each recommender "
                                                "and prints JSON with the median and 95th percentile."));
        rc >= 0)
        return rc;
    const auto value = [&](const char *name, qint64 low) {
        bool ok = false;
        const qint64 v = parser.value(QString::fromLatin1(name)).toLongLong(&ok);
        return ok && v >= low ? v : -1;
    };
    const qint64 tracks = value("tracks", 100), playlists = value("playlists", 10), dim = value("dim", 2),
                 genres = value("genres", 1), queries = value("queries", 1), seeds = value("seeds", 1),
                 n = value("n", 1), threads = value("threads", 1), seed = value("seed", 0);
    if (std::min({tracks, playlists, dim, genres, queries, seeds, n, threads, seed}) < 0) {
        err(QStringLiteral("orrery-cli bench recommend: options expect whole numbers in range\n"));
        return Usage;
    }

    Random rng {quint64(seed)};
    QElapsedTimer clock;
    clock.start();
    // Tracks: genre = id % genres; a vector near its genre's centre.
    EmbeddingSet set;
    set.name = QStringLiteral("bench");
    set.dim = int(dim);
    set.ids.resize(size_t(tracks));
    set.vectors.resize(size_t(tracks * dim));
    std::vector<float> centres(size_t(genres * dim));
    for (float &c : centres)
        c = float(rng.normal());
    for (qint64 t = 0; t < tracks; ++t) {
        set.ids[size_t(t)] = t + 1;
        const float *c = centres.data() + (t % genres) * dim;
        for (qint64 d = 0; d < dim; ++d)
            set.vectors[size_t(t * dim + d)] = c[d] + 0.6f * float(rng.normal());
    }
    // Playlists: one or two genres, tracks Zipf-popular within a genre (rank r drawn ∝ 1/r).
    const qint64 perGenre = tracks / genres;
    const auto zipfRank = [&] {
        const double u = rng.uniform();
        return std::min(perGenre - 1, qint64(std::exp(u * std::log(double(perGenre) + 1))) - 1);
    };
    Corpus corpus;
    corpus.offsets.push_back(0);
    std::vector<qint32> vocabOf(size_t(tracks), -1);
    for (qint64 p = 0; p < playlists; ++p) {
        const qint64 length = 5 + qint64(rng.below(120));
        const qint64 g1 = qint64(rng.below(quint64(genres))), g2 = qint64(rng.below(quint64(genres)));
        for (qint64 i = 0; i < length; ++i) {
            const qint64 g = rng.uniform() < 0.7 ? g1 : g2;
            const qint64 t = std::min(tracks - 1, zipfRank() * genres + g);
            qint32 &v = vocabOf[size_t(t)];
            if (v < 0) {
                v = qint32(corpus.vocab.size());
                corpus.vocab.push_back(t + 1);
                corpus.counts.push_back(0);
            }
            corpus.tokens.push_back(v);
            ++corpus.counts[size_t(v)];
        }
        corpus.sequenceIds.push_back(tracks + 1 + p);
        corpus.offsets.push_back(qint64(corpus.tokens.size()));
    }
    const double generateSeconds = double(clock.nsecsElapsed()) / 1e9;

    try {
        clock.restart();
        JobContext job(phasedProgress());
        RecommenderParams params;
        params.threads = int(threads);
        const Recommender rec(corpus, &set, nullptr, params, job);
        endProgress();
        const double buildSeconds = double(clock.nsecsElapsed()) / 1e9;

        // Seeds: tracks of random playlists (what a continuation query looks like).
        std::vector<RecommendRequest> requests;
        for (qint64 q = 0; q < queries; ++q) {
            const qint64 p = qint64(rng.below(quint64(playlists)));
            RecommendRequest r;
            r.n = int(n);
            for (qint64 i = 0; i < std::min(seeds, corpus.length(p)); ++i)
                r.seeds.push_back(corpus.vocab[size_t(corpus.begin(p)[i])]);
            requests.push_back(std::move(r));
        }
        QJsonObject methods;
        for (const RecommendMethod m :
             {RecommendMethod::Popularity, RecommendMethod::Centroid, RecommendMethod::Attention,
              RecommendMethod::Cooccurrence, RecommendMethod::PlaylistKnn, RecommendMethod::Blend}) {
            std::vector<double> ms;
            for (const RecommendRequest &r : requests) {
                QElapsedTimer t;
                t.start();
                const std::vector<Recommendation> list = rec.recommend(m, r);
                ms.push_back(double(t.nsecsElapsed()) / 1e6);
                if (list.size() != size_t(n) && list.size() != size_t(rec.catalogue()))
                    throw Error(QStringLiteral("bench: a list came back short"));
            }
            std::sort(ms.begin(), ms.end());
            double sum = 0;
            for (const double v : ms)
                sum += v;
            methods.insert(toString(m),
                           QJsonObject {{QStringLiteral("median_ms"), ms[ms.size() / 2]},
                                        {QStringLiteral("p95_ms"), ms[std::min(ms.size() - 1, ms.size() * 95 / 100)]},
                                        {QStringLiteral("mean_ms"), sum / double(ms.size())},
                                        {QStringLiteral("max_ms"), ms.back()}});
        }
        const QJsonObject o {{QStringLiteral("bench"), QStringLiteral("recommend")},
                             {QStringLiteral("tracks"), tracks},
                             {QStringLiteral("catalogue_in_playlists"), rec.catalogue()},
                             {QStringLiteral("playlists"), playlists},
                             {QStringLiteral("entries"), qint64(corpus.tokens.size())},
                             {QStringLiteral("dim"), dim},
                             {QStringLiteral("seeds"), seeds},
                             {QStringLiteral("n"), n},
                             {QStringLiteral("queries"), queries},
                             {QStringLiteral("generate_seconds"), generateSeconds},
                             {QStringLiteral("build_seconds"), buildSeconds},
                             {QStringLiteral("methods"), methods}};
        out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        return Ok;
    } catch (const Error &e) {
        endProgress();
        err(QStringLiteral("orrery-cli bench recommend: ") + e.message() + u'\n');
        return InputError;
    }
}

} // namespace orrery::cli
