#include "common.h"

#include "base/embeddingset.h"
#include "eval/probes.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

namespace {

QJsonObject toJson(const ProbeResult &r)
{
    return {{QStringLiteral("accuracy"), r.accuracy},
            {QStringLiteral("chance"), r.chance},
            {QStringLiteral("classes"), r.classes},
            {QStringLiteral("samples"), r.samples}};
}

QString cell(const ProbeResult &r)
{
    if (r.samples == 0)
        return QStringLiteral("     —      ");
    return QStringLiteral("%1 (%2)").arg(r.accuracy, 0, 'f', 3).arg(r.chance, 0, 'f', 3);
}

} // namespace

int runProbe(const QStringList &args)
{
    const QString verb = QStringLiteral("orrery-cli probe");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption(
        {QStringLiteral("dataset"), QStringLiteral("Dataset of playlists or documents."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("from"),
                      QStringLiteral("Embedding set of item vectors to pool: track vectors for playlists, word vectors "
                                     "for documents."),
                      QStringLiteral("SET")});
    parser.addOption({QStringLiteral("folds"), QStringLiteral("Cross-validation folds (default 5)."),
                      QStringLiteral("N"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("bins"), QStringLiteral("Length classes, by quantiles (default 3)."),
                      QStringLiteral("N"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("Neighbours for the label agreement (default 10)."),
                      QStringLiteral("N"), QStringLiteral("10")});
    parser.addOption({QStringLiteral("sample"), QStringLiteral("Sequences sampled for the probes (default 10000)."),
                      QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the table as JSON.")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Pools the playlists or documents of a dataset with every method (mean, "
                           "sif, pyramid, positional) and compares them with linear probes for "
                           "(a) length, (b) majority tag or label, (c) original versus shuffled "
                           "order, and with kNN label agreement."));
        rc >= 0)
        return rc;
    const auto usage = [&](const QString &message) {
        err(verb + QStringLiteral(": ") + message + u'\n');
        return int(Usage);
    };
    const auto number = [&](const QString &option, int low, int high, int *value) {
        bool ok = false;
        *value = parser.value(option).toInt(&ok);
        return ok && *value >= low && *value <= high;
    };
    PoolingProbeOptions options;
    int sample = 0;
    if (!parser.isSet(QStringLiteral("dataset")))
        return usage(QStringLiteral("--dataset is required"));
    if (!parser.isSet(QStringLiteral("from")))
        return usage(QStringLiteral("--from SET is required (the item vectors to pool)"));
    if (!number(QStringLiteral("folds"), 2, 20, &options.folds))
        return usage(QStringLiteral("--folds expects a whole number from 2 to 20"));
    if (!number(QStringLiteral("bins"), 2, 20, &options.lengthBins))
        return usage(QStringLiteral("--bins expects a whole number from 2 to 20"));
    if (!number(QStringLiteral("k"), 1, 1000, &options.k))
        return usage(QStringLiteral("--k expects a whole number from 1 to 1000"));
    if (!number(QStringLiteral("sample"), 20, 1000000, &sample))
        return usage(QStringLiteral("--sample expects a whole number from 20 to 1000000"));
    options.maxSequences = sample;
    bool seedOk = false;
    options.seed = parser.value(QStringLiteral("seed")).toULongLong(&seedOk);
    if (!seedOk)
        return usage(QStringLiteral("--seed expects a non-negative whole number"));

    const QString path = parser.positionalArguments().first();
    return withProject(path, [&](Project &project) {
        const QString datasetName = parser.value(QStringLiteral("dataset"));
        const qint64 datasetId = project.datasetId(datasetName);
        if (!datasetId) {
            err(QStringLiteral("%1: no dataset named \"%2\" (orrery-cli info lists them)\n").arg(path, datasetName));
            return int(InputError);
        }
        const EmbeddingSet items = loadEmbeddingSet(project, parser.value(QStringLiteral("from")));
        JobContext job([](qint64 done, qint64 total, const QString &message) { progressLine(done, total, message); });
        const Corpus corpus = loadCorpus(project, datasetId, job);
        if (corpus.sequences() < 2 * options.folds) {
            err(QStringLiteral("%1: dataset \"%2\" holds %3 playlists or documents; the probes need at least %4\n")
                    .arg(path, datasetName)
                    .arg(corpus.sequences())
                    .arg(2 * options.folds));
            return int(InputError);
        }
        QString labelKind;
        const std::vector<int> labels = sequenceLabels(project, corpus, &labelKind);
        const PoolingProbeReport report = probePooling(corpus, items, labels, labelKind, options, job);
        endProgress();
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonArray rows;
            for (const PoolingProbeRow &r : report.rows)
                rows.append(QJsonObject {{QStringLiteral("method"), toString(r.method)},
                                         {QStringLiteral("dim"), r.dim},
                                         {QStringLiteral("length"), toJson(r.length)},
                                         {QStringLiteral("label"), toJson(r.label)},
                                         {QStringLiteral("order"), toJson(r.order)},
                                         {QStringLiteral("knn_agreement"), r.knnAgreement},
                                         {QStringLiteral("knn_chance"), r.knnChance},
                                         {QStringLiteral("seconds"), r.seconds}});
            const QJsonObject doc {{QStringLiteral("dataset"), datasetName},
                                   {QStringLiteral("from"), items.name},
                                   {QStringLiteral("label_kind"), report.labelKind},
                                   {QStringLiteral("sequences"), report.sequences},
                                   {QStringLiteral("labelled"), report.labelled},
                                   {QStringLiteral("unknown_items"), report.unknownItems},
                                   {QStringLiteral("k"), report.k},
                                   {QStringLiteral("methods"), rows}};
            out(QString::fromUtf8(QJsonDocument(doc).toJson(QJsonDocument::Compact)) + u'\n');
            return int(Ok);
        }
        out(QStringLiteral("%1 from %2: %3 sequences sampled, %4 with a %5; %6 entries without a vector skipped.\n"
                           "Accuracy of %7-fold linear probes, chance (the commonest class) in brackets.\n\n")
                .arg(datasetName, items.name)
                .arg(report.sequences)
                .arg(report.labelled)
                .arg(report.labelKind)
                .arg(report.unknownItems)
                .arg(options.folds));
        const QString labelHead = report.labelKind == u"label" ? QStringLiteral("label")
                                                               : QStringLiteral("majority tag");
        out(QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                .arg(QStringLiteral("method"), -11)
                .arg(QStringLiteral("dim"), 4)
                .arg(QStringLiteral("length bin"), -14)
                .arg(labelHead, -14)
                .arg(QStringLiteral("order"), -14)
                .arg(QStringLiteral("%1-NN %2 (random)").arg(report.k).arg(labelHead)));
        for (const PoolingProbeRow &r : report.rows)
            out(QStringLiteral("%1 %2 %3 %4 %5 %6 (%7)\n")
                    .arg(toString(r.method), -11)
                    .arg(r.dim, 4)
                    .arg(cell(r.length), -14)
                    .arg(cell(r.label), -14)
                    .arg(cell(r.order), -14)
                    .arg(r.knnAgreement, 0, 'f', 3)
                    .arg(r.knnChance, 0, 'f', 3));
        return int(Ok);
    });
}

} // namespace orrery::cli
