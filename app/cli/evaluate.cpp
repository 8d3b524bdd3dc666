#include "common.h"

#include "base/embeddingset.h"
#include "eval/recsys.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>
#include <tuple>

namespace orrery::cli {

int runEvaluate(const QStringList &args)
{
    const QString verb = args.first();
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("dataset"), QStringLiteral("Playlists to hold out from and train on."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("set"),
                      QStringLiteral("Use this set's song vectors instead of training them on the training playlists "
                                     "(a set trained on all playlists has seen the held-out ones)."),
                      QStringLiteral("SET")});
    parser.addOption({QStringLiteral("seeds-k"), QStringLiteral("Seed tracks per held-out playlist (default 5)."),
                      QStringLiteral("K"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("random-seeds"), QStringLiteral("Seeds are K random tracks, not the first K.")});
    parser.addOption({QStringLiteral("holdout"), QStringLiteral("Test playlists (default 1000)."), QStringLiteral("N"),
                      QStringLiteral("1000")});
    parser.addOption({QStringLiteral("validation"),
                      QStringLiteral("Validation playlists the blend's weights are tuned on (default 1000)."),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("report-validation"),
                      QStringLiteral("Report on the validation playlists with the given weights (to choose "
                                     "defaults without looking at the test playlists).")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the split (default 1)."), QStringLiteral("N"),
                      QStringLiteral("1")});
    parser.addOption({QStringLiteral("n"), QStringLiteral("Results per playlist (default 500)."), QStringLiteral("N"),
                      QStringLiteral("500")});
    parser.addOption(
        {QStringLiteral("methods"),
         QStringLiteral("Comma-separated recommenders (default popularity,centroid,attention,cooc,pknn,blend)."),
         QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Query and build threads (default 2)."),
                      QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("epochs"), QStringLiteral("SGNS epochs when training vectors (default 100)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("dim"), QStringLiteral("SGNS dimension when training vectors (default 50)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("ns-exponent"),
                      QStringLiteral("SGNS noise exponent when training vectors (default -0.5)."),
                      QStringLiteral("A")});
    parser.addOption({QStringLiteral("sgns-window"), QStringLiteral("SGNS window when training vectors (default 3)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("sample"),
                      QStringLiteral("SGNS sub-sampling threshold when training vectors (default 1e-5)."),
                      QStringLiteral("T")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the report as JSON.")});
    addRecommenderOptions(parser);
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Measures playlist continuation offline as the RecSys Challenge 2018 "
                                                "did: held-out playlists, seed tracks given, 500 results scored by "
                                                "R-precision, NDCG and recommended-songs clicks, per recommender."));
        rc >= 0)
        return rc;
    if (!parser.isSet(QStringLiteral("dataset"))) {
        err(verb + QStringLiteral(": --dataset is required\n"));
        return Usage;
    }
    EvaluationOptions options;
    bool ok = true;
    const auto integer = [&](const char *name, qint64 low, qint64 *target) {
        const QString key = QString::fromLatin1(name);
        const qint64 v = parser.value(key).toLongLong(&ok);
        if (!ok || v < low) {
            err(verb
                + QStringLiteral(": %1%2 expects a whole number ≥ %3, got '%4'\n")
                      .arg(key.size() == 1 ? QStringLiteral("-") : QStringLiteral("--"), key)
                      .arg(low)
                      .arg(parser.value(key)));
            return false;
        }
        *target = v;
        return true;
    };
    qint64 k = 0, holdout = 0, validation = 0, seed = 0, n = 0, threads = 0;
    if (!integer("seeds-k", 0, &k) || !integer("holdout", 1, &holdout) || !integer("validation", 0, &validation)
        || !integer("seed", 0, &seed) || !integer("n", 1, &n) || !integer("threads", 1, &threads))
        return Usage;
    options.seedsK = int(k);
    options.randomSeeds = parser.isSet(QStringLiteral("random-seeds"));
    options.holdout = holdout;
    options.validation = validation;
    options.seed = quint64(seed);
    options.results = int(n);
    options.threads = int(threads);
    options.params.threads = int(threads);
    options.reportValidation = parser.isSet(QStringLiteral("report-validation"));
    if (options.reportValidation && validation < 1) {
        err(verb + QStringLiteral(": --report-validation needs --validation ≥ 1\n"));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("epochs"))) {
        qint64 epochs = 0;
        if (!integer("epochs", 1, &epochs))
            return Usage;
        options.sgns.epochs = int(epochs);
    }
    if (parser.isSet(QStringLiteral("dim"))) {
        qint64 dim = 0;
        if (!integer("dim", 1, &dim))
            return Usage;
        options.sgns.dim = int(dim);
    }
    if (parser.isSet(QStringLiteral("sgns-window"))) {
        qint64 window = 0;
        if (!integer("sgns-window", 1, &window))
            return Usage;
        options.sgns.window = int(window);
    }
    for (const auto &[name, target, low, high] : {std::tuple {"ns-exponent", &options.sgns.nsExponent, -10.0, 10.0},
                                                  std::tuple {"sample", &options.sgns.sample, 0.0, 1.0}}) {
        const QString key = QString::fromLatin1(name);
        if (!parser.isSet(key))
            continue;
        const double v = parser.value(key).toDouble(&ok);
        if (!ok || v < low || v > high) {
            err(verb + QStringLiteral(": --%1 expects a number from %2 to %3\n").arg(key).arg(low).arg(high));
            return Usage;
        }
        *target = v;
    }
    options.sgns.seed = quint64(seed);
    if (parser.isSet(QStringLiteral("methods"))) {
        options.methods.clear();
        for (const QString &name : parser.value(QStringLiteral("methods")).split(u',', Qt::SkipEmptyParts)) {
            RecommendMethod m;
            if (!fromString(name.trimmed(), &m)) {
                err(verb
                    + QStringLiteral(": unknown method '%1' (popularity, centroid, attention, cooc, pknn, blend)\n")
                          .arg(name));
                return Usage;
            }
            if (std::find(options.methods.begin(), options.methods.end(), m) == options.methods.end())
                options.methods.push_back(m);
        }
        if (options.methods.empty()) {
            err(verb
                + QStringLiteral(": --methods names no method (popularity, centroid, attention, cooc, pknn, blend)\n"));
            return Usage;
        }
    }
    if (!readRecommenderOptions(parser, verb, &options.params))
        return Usage;

    const QString path = parser.positionalArguments().first();
    return withProject(path, verb, [&](Project &project) -> int {
        const qint64 datasetId = project.datasetId(parser.value(QStringLiteral("dataset")));
        if (!datasetId) {
            err(verb
                + QStringLiteral(": no dataset named \"%1\" (orrery-cli info lists them)\n")
                      .arg(parser.value(QStringLiteral("dataset"))));
            return InputError;
        }
        JobContext job(phasedProgress());
        std::optional<EmbeddingSet> set;
        if (parser.isSet(QStringLiteral("set")))
            set = loadEmbeddingSet(project, parser.value(QStringLiteral("set")));
        const Corpus corpus = loadCorpus(project, datasetId, job);
        if (corpus.tokens.empty()) {
            err(verb
                + QStringLiteral(": dataset \"%1\" has no playlists\n").arg(parser.value(QStringLiteral("dataset"))));
            return InputError;
        }
        const EvaluationReport report = evaluateContinuation(corpus, set ? &*set : nullptr, options, job);
        endProgress();
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject o = report.toJson();
            o.insert(QStringLiteral("dataset"), parser.value(QStringLiteral("dataset")));
            o.insert(QStringLiteral("seeds_k"), options.seedsK);
            o.insert(QStringLiteral("random_seeds"), options.randomSeeds);
            o.insert(QStringLiteral("results"), options.results);
            o.insert(QStringLiteral("seed"), qint64(options.seed));
            o.insert(QStringLiteral("reported_split"),
                     options.reportValidation ? QStringLiteral("validation") : QStringLiteral("test"));
            o.insert(QStringLiteral("params"),
                     QJsonObject {{QStringLiteral("tau"), options.params.tau},
                                  {QStringLiteral("gamma"), options.params.gamma},
                                  {QStringLiteral("window"), options.params.coocWindow},
                                  {QStringLiteral("beta"), options.params.coocBeta},
                                  {QStringLiteral("per_seed"), options.params.candidatesPerSeed}});
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
            return Ok;
        }
        QString text = QStringLiteral("%1 playlists: %2 for training, %3 for validation, %4 %5 (seeds: %6 %7 "
                                      "tracks, %8 results each)\nvectors: %9\n")
                           .arg(corpus.sequences())
                           .arg(report.trainPlaylists)
                           .arg(report.validationPlaylists)
                           .arg(report.testPlaylists)
                           .arg(options.reportValidation ? QStringLiteral("reported (validation)")
                                                         : QStringLiteral("tested"))
                           .arg(options.randomSeeds ? QStringLiteral("random") : QStringLiteral("first"))
                           .arg(options.seedsK)
                           .arg(options.results)
                           .arg(report.vectors);
        text += QStringLiteral("blend weights (popularity, centroid, attention, cooc, pknn): %1, %2, %3, %4, %5%6\n\n")
                    .arg(report.blend.popularity)
                    .arg(report.blend.centroid)
                    .arg(report.blend.attention)
                    .arg(report.blend.cooccurrence)
                    .arg(report.blend.playlists)
                    .arg(report.tuneSeconds > 0 ? QStringLiteral(" (tuned on validation)") : QString());
        text += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                    .arg(QStringLiteral("method"), -12)
                    .arg(QStringLiteral("R-prec"), 7)
                    .arg(QStringLiteral("NDCG"), 7)
                    .arg(QStringLiteral("clicks"), 7)
                    .arg(QStringLiteral("R@10"), 7)
                    .arg(QStringLiteral("R@50"), 7)
                    .arg(QStringLiteral("R@500"), 7)
                    .arg(QStringLiteral("cover"), 7)
                    .arg(QStringLiteral("divers"), 7)
                    .arg(QStringLiteral("ms/q"), 7);
        for (const MethodReport &m : report.methods)
            text += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                        .arg(toString(m.method), -12)
                        .arg(m.rPrecision, 7, 'f', 4)
                        .arg(m.ndcg, 7, 'f', 4)
                        .arg(m.clicks, 7, 'f', 2)
                        .arg(m.recall10, 7, 'f', 4)
                        .arg(m.recall50, 7, 'f', 4)
                        .arg(m.recall500, 7, 'f', 4)
                        .arg(m.coverage, 7, 'f', 4)
                        .arg(m.diversity, 7, 'f', 4)
                        .arg(m.msPerQuery, 7, 'f', 3);
        out(text);
        return Ok;
    });
}

} // namespace orrery::cli
