#include "common.h"

#include "base/embeddingset.h"
#include "eval/probes.h"
#include "io/keylabels.h"
#include "pipeline/sequencemodels.h"
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

/// "mean", or "seq2seq@16" for a Matryoshka prefix row.
QString rowName(const SequenceProbeRow &r)
{
    return r.prefix ? QStringLiteral("%1@%2").arg(r.method).arg(r.prefix) : r.method;
}

/// What the command line chose for the rows of the table.
struct ProbeChoice {
    std::vector<PoolingMethod> methods; ///< --methods: pooling rows over the --from item vectors
    QStringList models; ///< --models: stored seq2seq and pvdbow models, after the pooling rows
    quint64 seed = 1;
};

/// The table's encoders: one pooling row per --methods entry over `itemVectors` (kept alive by
/// the caller), then the trained sequence models of --models (seq2seq, PV-DBOW), each with its
/// Matryoshka prefixes. Throws Error for a model that is not stored.
std::vector<SequenceEncoder> probeEncoders(const ProbeChoice &choice, Project &project, const EmbeddingSet &itemVectors)
{
    PoolingOptions pooling;
    pooling.seed = choice.seed;
    std::vector<SequenceEncoder> encoders;
    for (const PoolingMethod method : choice.methods)
        encoders.push_back(poolingEncoder(itemVectors, method, pooling));
    for (const QString &model : choice.models)
        encoders.push_back(modelEncoder(project, model));
    return encoders;
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
    parser.addOption({QStringLiteral("methods"),
                      QStringLiteral("Pooling rows, comma-separated (default mean,sif,pyramid,positional)."),
                      QStringLiteral("LIST"), QStringLiteral("mean,sif,pyramid,positional")});
    parser.addOption({QStringLiteral("models"),
                      QStringLiteral("Trained models to compare beside the pooling rows, comma-separated: sets "
                                     "stored by embed --method seq2seq or pvdbow (each with its Matryoshka prefixes)."),
                      QStringLiteral("SETS")});
    parser.addOption({QStringLiteral("labels"),
                      QStringLiteral("TSV or CSV of item key <TAB> label (e.g. track URI, genre): each sequence's "
                                     "majority label replaces its majority tag."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the table as JSON.")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Pools the playlists or documents of a dataset with each method (mean, "
                                                "sif, pyramid, positional) and compares them with linear probes for "
                                                "(a) length, (b) majority tag or label, (c) original versus shuffled "
                                                "order, with kNN label and length-bin agreement, and with the collapse "
                                                "figure (mean cosine of random pairs within each length bin)."));
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
    ProbeChoice choice;
    for (const QString &name : parser.value(QStringLiteral("methods")).split(u',', Qt::SkipEmptyParts)) {
        PoolingMethod method;
        if (!fromString(name.trimmed(), &method))
            return usage(QStringLiteral("--methods: unknown pooling method \"%1\" (expected mean, sif, pyramid "
                                        "or positional)")
                             .arg(name.trimmed()));
        if (std::find(choice.methods.begin(), choice.methods.end(), method) == choice.methods.end())
            choice.methods.push_back(method);
    }
    for (const QString &name : parser.value(QStringLiteral("models")).split(u',', Qt::SkipEmptyParts))
        if (!choice.models.contains(name.trimmed()))
            choice.models.append(name.trimmed());
    bool seedOk = false;
    options.seed = parser.value(QStringLiteral("seed")).toULongLong(&seedOk);
    if (!seedOk)
        return usage(QStringLiteral("--seed expects a non-negative whole number"));
    choice.seed = options.seed;

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
        std::vector<int> labels;
        qint64 labelledItems = -1;
        if (parser.isSet(QStringLiteral("labels"))) {
            const auto keyLabels = io::readKeyLabels(parser.value(QStringLiteral("labels")));
            labels = majorityKeyLabels(corpus, itemKeys(project, corpus.vocab, datasetId), keyLabels, &labelledItems);
            if (labelledItems == 0) {
                err(QStringLiteral("%1: none of the %2 item keys in %3 is an item of dataset \"%4\"\n")
                        .arg(verb)
                        .arg(keyLabels.size())
                        .arg(parser.value(QStringLiteral("labels")), datasetName));
                return int(InputError);
            }
            labelKind = QStringLiteral("majority label");
        } else {
            labels = sequenceLabels(project, corpus, &labelKind);
        }
        const std::vector<SequenceEncoder> encoders = probeEncoders(choice, project, items);
        if (encoders.empty())
            return usage(QStringLiteral("no rows to probe (--methods is empty)"));
        SequenceProbeReport report = probeSequences(corpus, labels, labelKind, encoders, options, job);
        report.unknownItems = unknownEntries(corpus, items);
        endProgress();
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonArray bins;
            for (const LengthBin &b : report.bins)
                bins.append(QJsonObject {{QStringLiteral("min_length"), b.minLength},
                                         {QStringLiteral("max_length"), b.maxLength},
                                         {QStringLiteral("sequences"), b.sequences}});
            QJsonArray rows;
            for (const SequenceProbeRow &r : report.rows) {
                QJsonArray collapse;
                for (const double c : r.collapse)
                    collapse.append(c);
                rows.append(QJsonObject {{QStringLiteral("name"), rowName(r)},
                                         {QStringLiteral("method"), r.method},
                                         {QStringLiteral("prefix"), r.prefix},
                                         {QStringLiteral("dim"), r.dim},
                                         {QStringLiteral("length"), toJson(r.length)},
                                         {QStringLiteral("label"), toJson(r.label)},
                                         {QStringLiteral("order"), toJson(r.order)},
                                         {QStringLiteral("knn_agreement"), r.knnAgreement},
                                         {QStringLiteral("knn_chance"), r.knnChance},
                                         {QStringLiteral("knn_length_agreement"), r.knnLengthAgreement},
                                         {QStringLiteral("knn_length_chance"), r.knnLengthChance},
                                         {QStringLiteral("collapse"), collapse},
                                         {QStringLiteral("random_pair_cosine"), r.randomPairCosine},
                                         {QStringLiteral("seconds"), r.seconds}});
            }
            QJsonObject doc {{QStringLiteral("dataset"), datasetName},
                             {QStringLiteral("from"), items.name},
                             {QStringLiteral("label_kind"), report.labelKind},
                             {QStringLiteral("sequences"), report.sequences},
                             {QStringLiteral("labelled"), report.labelled},
                             {QStringLiteral("unknown_items"), report.unknownItems},
                             {QStringLiteral("k"), report.k},
                             {QStringLiteral("length_bins"), bins},
                             {QStringLiteral("methods"), rows}};
            if (labelledItems >= 0)
                doc.insert(QStringLiteral("labelled_items"), labelledItems);
            out(QString::fromUtf8(QJsonDocument(doc).toJson(QJsonDocument::Compact)) + u'\n');
            return int(Ok);
        }
        out(QStringLiteral("%1 from %2: %3 sequences sampled, %4 with a %5; %6 entries without a vector skipped.\n")
                .arg(datasetName, items.name)
                .arg(report.sequences)
                .arg(report.labelled)
                .arg(report.labelKind)
                .arg(report.unknownItems));
        if (labelledItems >= 0)
            out(QStringLiteral("%1 of the dataset's items have a label in %2.\n")
                    .arg(labelledItems)
                    .arg(parser.value(QStringLiteral("labels"))));
        QStringList binNames;
        for (size_t b = 0; b < report.bins.size(); ++b)
            binNames.append(QStringLiteral("%1-%2").arg(report.bins[b].minLength).arg(report.bins[b].maxLength));
        QStringList binCounts;
        for (size_t b = 0; b < report.bins.size(); ++b)
            binCounts.append(QStringLiteral("%1 (%2 sequences)").arg(binNames[int(b)]).arg(report.bins[b].sequences));
        out(QStringLiteral("Length bins by quantiles: %1.\n"
                           "Accuracy of %2-fold linear probes, chance (the commonest class) in brackets; k-NN: share "
                           "of the %3 nearest sequences with the same label or length bin, random neighbours in "
                           "brackets.\n\n")
                .arg(binCounts.join(QStringLiteral(", ")))
                .arg(options.folds)
                .arg(report.k));
        const QString labelHead = report.labelKind == u"label" ? QStringLiteral("label") : report.labelKind;
        int nameWidth = 11;
        for (const SequenceProbeRow &r : report.rows)
            nameWidth = std::max(nameWidth, int(rowName(r).size()) + 1);
        const int labelWidth = std::max(14, int(labelHead.size()) + 1);
        out(QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                .arg(QStringLiteral("method"), -nameWidth)
                .arg(QStringLiteral("dim"), 4)
                .arg(QStringLiteral("length bin"), -14)
                .arg(labelHead, -labelWidth)
                .arg(QStringLiteral("order"), -14)
                .arg(QStringLiteral("%1-NN %2 (random)").arg(report.k).arg(labelHead), -(labelHead.size() + 19))
                .arg(QStringLiteral("%1-NN length bin (random)").arg(report.k)));
        for (const SequenceProbeRow &r : report.rows)
            out(QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                    .arg(rowName(r), -nameWidth)
                    .arg(r.dim, 4)
                    .arg(cell(r.length), -14)
                    .arg(cell(r.label), -labelWidth)
                    .arg(cell(r.order), -14)
                    .arg(QStringLiteral("%1 (%2)").arg(r.knnAgreement, 0, 'f', 3).arg(r.knnChance, 0, 'f', 3),
                         -(labelHead.size() + 19))
                    .arg(QStringLiteral("%1 (%2)")
                             .arg(r.knnLengthAgreement, 0, 'f', 3)
                             .arg(r.knnLengthChance, 0, 'f', 3)));
        // The collapse figure: do long sequences' vectors crowd together?
        out(QStringLiteral("\nCollapse: mean cosine between %1 random pairs of sequences within each length bin, "
                           "and over all.\n\n")
                .arg(options.collapsePairs));
        QString head = QStringLiteral("%1 %2").arg(QStringLiteral("method"), -nameWidth).arg(QStringLiteral("dim"), 4);
        for (const QString &b : binNames)
            head += QStringLiteral(" %1").arg(b, 9);
        out(head + QStringLiteral(" %1\n").arg(QStringLiteral("all"), 9));
        for (const SequenceProbeRow &r : report.rows) {
            QString line = QStringLiteral("%1 %2").arg(rowName(r), -nameWidth).arg(r.dim, 4);
            for (const double c : r.collapse)
                line += QStringLiteral(" %1").arg(c, 9, 'f', 3);
            out(line + QStringLiteral(" %1\n").arg(r.randomPairCosine, 9, 'f', 3));
        }
        return int(Ok);
    });
}

} // namespace orrery::cli
