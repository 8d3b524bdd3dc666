#include "common.h"

#include "base/embeddingset.h"
#include "embed/lsa.h"
#include "embed/mbat.h"
#include "embed/pooling.h"
#include "pipeline/sequencemodels.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

namespace {

/// "8,16,32" as ascending whole numbers, or an empty list when malformed.
std::vector<int> prefixList(const QString &value)
{
    std::vector<int> out;
    for (const QString &f : value.split(u',')) {
        bool ok = false;
        const int p = f.trimmed().toInt(&ok);
        if (!ok || p < 1 || (!out.empty() && p <= out.back()))
            return {};
        out.push_back(p);
    }
    return out;
}

QStringList fieldList(const QString &value)
{
    QStringList out;
    for (const QString &f : value.split(u',', Qt::SkipEmptyParts))
        if (const QString t = f.trimmed(); !t.isEmpty())
            out.append(t);
    return out;
}

} // namespace

int runEmbed(const QStringList &args)
{
    const QString verb = QStringLiteral("orrery-cli embed");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("dataset"), QStringLiteral("The dataset to embed."), QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("method"),
         QStringLiteral(
             "mean|sif|pyramid|positional (pool item vectors over each playlist or document), "
             "seq2seq (train the sequence autoencoder), pvdbow (paragraph vectors), mbat (JSON records) or lsa (text "
             "documents)."),
         QStringLiteral("METHOD")});
    parser.addOption({QStringLiteral("from"),
                      QStringLiteral("Embedding set of item vectors to pool (mean, sif, pyramid, positional) or to "
                                     "start seq2seq from: track vectors for playlists, word vectors for documents."),
                      QStringLiteral("SET")});
    parser.addOption(
        {QStringLiteral("hidden"), QStringLiteral("seq2seq: GRU state size (default 64)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("bidirectional"),
                      QStringLiteral("seq2seq: a second encoder reads backwards; the vector is both final states.")});
    parser.addOption({QStringLiteral("no-attention"),
                      QStringLiteral("seq2seq: the decoder sees only the playlist vector, not the encoder's states.")});
    parser.addOption(
        {QStringLiteral("epochs"),
         QStringLiteral("seq2seq and pvdbow: training epochs (seq2seq 5; pvdbow 20 for playlists, 15 for documents)."),
         QStringLiteral("N")});
    parser.addOption({QStringLiteral("matryoshka"),
                      QStringLiteral("seq2seq: prefix lengths of the vector the loss is summed over, e.g. 8,16,32,64."),
                      QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("learning-rate"), QStringLiteral("seq2seq: Adam's step (default 0.002)."),
                      QStringLiteral("RATE")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("seq2seq: playlists per mini-batch (default 32)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("max-length"),
                      QStringLiteral("seq2seq: entries of each playlist training reads (default 100; encoding reads "
                                     "them all)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("seq2seq and pvdbow: worker threads (default: one per core)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("seq2seq and pvdbow: encode the dataset with this stored model (its set's name) "
                                     "instead of training, items frozen: for playlists or documents imported after "
                                     "training."),
                      QStringLiteral("SET")});
    parser.addOption({QStringLiteral("resume"),
                      QStringLiteral("seq2seq: go on training the stored model of --name (default DATASET/seq2seq) "
                                     "from its last finished epoch.")});
    parser.addOption({QStringLiteral("fields"),
                      QStringLiteral("mbat: only these key paths, comma-separated (a.b covers a.b.c)."),
                      QStringLiteral("PATHS")});
    parser.addOption({QStringLiteral("exclude-fields"),
                      QStringLiteral("mbat: leave these key paths out, comma-separated."), QStringLiteral("PATHS")});
    parser.addOption(
        {QStringLiteral("ordered-arrays"), QStringLiteral("mbat: array order counts ([a, b] differs from [b, a]).")});
    parser.addOption({QStringLiteral("keep-stop-words"), QStringLiteral("lsa: keep common English words.")});
    parser.addOption({QStringLiteral("dim"),
                      QStringLiteral("Dimension for mbat (default 256), lsa (default 100) and pvdbow (default 50 for "
                                     "playlists, 100 for documents, or --from's)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("name"), QStringLiteral("Name of the new embedding set (default DATASET/METHOD)."),
                      QStringLiteral("SET")});
    parser.addOption({QStringLiteral("replace"), QStringLiteral("Replace a set of the same name.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the summary as JSON.")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Computes one vector per playlist, document or record of a dataset and stores "
                           "them as an embedding set of PROJECT."));
        rc >= 0)
        return rc;

    const auto usage = [&](const QString &message) {
        err(verb + QStringLiteral(": ") + message + u'\n');
        return int(Usage);
    };
    const QString datasetName = parser.value(QStringLiteral("dataset"));
    const QString method = parser.value(QStringLiteral("method"));
    if (datasetName.isEmpty())
        return usage(QStringLiteral("--dataset is required"));
    if (method.isEmpty())
        return usage(QStringLiteral("--method is required (mean, sif, pyramid, positional, mbat or lsa)"));
    PoolingMethod pooling = PoolingMethod::Mean;
    const bool isPooling = fromString(method, &pooling);
    const bool isSeq2seq = method == u"seq2seq";
    const bool isPvdbow = method == u"pvdbow";
    const bool isModel = isSeq2seq || isPvdbow;
    if (!isPooling && !isModel && method != u"mbat" && method != u"lsa")
        return usage(QStringLiteral("unknown method '%1' (expected mean, sif, pyramid, positional, seq2seq, pvdbow, "
                                    "mbat or lsa)")
                         .arg(method));
    const bool resume = parser.isSet(QStringLiteral("resume"));
    const bool infer = parser.isSet(QStringLiteral("model"));
    const bool from = parser.isSet(QStringLiteral("from"));
    if (isPooling && !from)
        return usage(QStringLiteral("--method %1 pools item vectors: name them with --from SET").arg(method));
    const QStringList seq2seqOptions {QStringLiteral("hidden"),        QStringLiteral("bidirectional"),
                                      QStringLiteral("no-attention"),  QStringLiteral("matryoshka"),
                                      QStringLiteral("learning-rate"), QStringLiteral("batch"),
                                      QStringLiteral("max-length"),    QStringLiteral("resume")};
    for (const QString &option : seq2seqOptions)
        if (!isSeq2seq && parser.isSet(option))
            return usage(QStringLiteral("--%1 applies to --method seq2seq only").arg(option));
    for (const QString &option : {QStringLiteral("epochs"), QStringLiteral("threads"), QStringLiteral("model")})
        if (!isModel && parser.isSet(option))
            return usage(QStringLiteral("--%1 applies to --method seq2seq and pvdbow only").arg(option));
    if (!isPooling && !isModel && from)
        return usage(QStringLiteral("--from applies to the pooling methods, seq2seq and pvdbow only"));
    if (infer) {
        if (resume || from)
            return usage(QStringLiteral("--model encodes with a trained model: it takes neither --from nor --resume"));
        for (const QString &option : seq2seqOptions + QStringList {QStringLiteral("epochs"), QStringLiteral("dim")})
            if (parser.isSet(option))
                return usage(QStringLiteral("--%1 is a training option; --model only encodes").arg(option));
    }
    if (isSeq2seq && !resume && !infer && !from)
        return usage(QStringLiteral("--method seq2seq starts from item vectors: name them with --from SET (or encode "
                                    "with a trained model: --model SET)"));
    if (resume && from)
        return usage(QStringLiteral("--resume goes on from the stored model, which knows its item vectors: leave "
                                    "out --from"));
    Seq2seqOptions seq2seq;
    seq2seq.epochs = resume ? 0 : seq2seq.epochs;
    if (isSeq2seq) {
        if (resume)
            for (const QString &option :
                 {QStringLiteral("hidden"), QStringLiteral("bidirectional"), QStringLiteral("no-attention"),
                  QStringLiteral("matryoshka"), QStringLiteral("learning-rate"), QStringLiteral("batch"),
                  QStringLiteral("max-length")})
                if (parser.isSet(option))
                    return usage(QStringLiteral("--%1 is fixed by the stored model; --resume takes only --epochs "
                                                "and --threads")
                                     .arg(option));
        if (!intOption(parser, verb, QStringLiteral("hidden"), 1, 2048, &seq2seq.hidden)
            || !intOption(parser, verb, QStringLiteral("epochs"), 1, 100000, &seq2seq.epochs)
            || !intOption(parser, verb, QStringLiteral("batch"), 1, 4096, &seq2seq.batch)
            || !intOption(parser, verb, QStringLiteral("max-length"), 1, 1000000, &seq2seq.maxLength)
            || !intOption(parser, verb, QStringLiteral("threads"), 0, 256, &seq2seq.threads))
            return Usage;
        seq2seq.bidirectional = parser.isSet(QStringLiteral("bidirectional"));
        seq2seq.attention = !parser.isSet(QStringLiteral("no-attention"));
        if (parser.isSet(QStringLiteral("learning-rate"))) {
            bool ok = false;
            seq2seq.learningRate = parser.value(QStringLiteral("learning-rate")).toDouble(&ok);
            if (!ok || !(seq2seq.learningRate > 0) || seq2seq.learningRate > 1)
                return usage(QStringLiteral("--learning-rate expects a number above 0 and at most 1"));
        }
        if (parser.isSet(QStringLiteral("matryoshka"))) {
            seq2seq.matryoshka = prefixList(parser.value(QStringLiteral("matryoshka")));
            if (seq2seq.matryoshka.empty() || seq2seq.matryoshka.back() > seq2seq.vectorDim())
                return usage(QStringLiteral("--matryoshka expects ascending whole numbers from 1 to the vector's "
                                            "length (%1 here), such as 8,16,32,64, not '%2'")
                                 .arg(seq2seq.vectorDim())
                                 .arg(parser.value(QStringLiteral("matryoshka"))));
        }
    }
    int pvdbowEpochs = 0, threads = 0;
    if (isPvdbow
        && (!intOption(parser, verb, QStringLiteral("epochs"), 1, 100000, &pvdbowEpochs)
            || !intOption(parser, verb, QStringLiteral("threads"), 0, 256, &threads)))
        return Usage;
    if (method != u"mbat"
        && (parser.isSet(QStringLiteral("fields")) || parser.isSet(QStringLiteral("exclude-fields"))
            || parser.isSet(QStringLiteral("ordered-arrays"))))
        return usage(QStringLiteral("--fields, --exclude-fields and --ordered-arrays apply to --method mbat only"));
    if (method != u"lsa" && parser.isSet(QStringLiteral("keep-stop-words")))
        return usage(QStringLiteral("--keep-stop-words applies to --method lsa only"));
    int dim = 0;
    if (parser.isSet(QStringLiteral("dim"))) {
        if (isSeq2seq)
            return usage(QStringLiteral("--dim does not apply to seq2seq: --hidden sets the vector's length"));
        if (isPooling)
            return usage(QStringLiteral("--dim does not apply to pooling: the item vectors fix the dimension"));
        bool ok = false;
        dim = parser.value(QStringLiteral("dim")).toInt(&ok);
        if (!ok || dim < 1 || dim > 4096)
            return usage(QStringLiteral("--dim expects a whole number from 1 to 4096"));
        if (method == u"mbat" && dim < 8)
            return usage(QStringLiteral("--method mbat needs --dim 8 or more (one dimension per numeric level)"));
    }
    bool seedOk = false;
    const quint64 seed = parser.value(QStringLiteral("seed")).toULongLong(&seedOk);
    if (!seedOk)
        return usage(QStringLiteral("--seed expects a non-negative whole number"));
    seq2seq.seed = seed;
    const QString name = parser.isSet(QStringLiteral("name")) ? parser.value(QStringLiteral("name"))
                                                              : datasetName + u'/' + method;
    if (name.isEmpty())
        return usage(QStringLiteral("--name must not be empty"));

    const QString path = parser.positionalArguments().first();
    return withProject(path, [&](Project &project) -> int {
        const qint64 datasetId = project.datasetId(datasetName);
        if (!datasetId) {
            err(QStringLiteral("%1: no dataset named \"%2\" (orrery-cli info lists them)\n").arg(path, datasetName));
            return InputError;
        }
        DatasetInfo info;
        for (const DatasetInfo &d : project.datasets())
            if (d.id == datasetId)
                info = d;
        JobContext job([](qint64 done, qint64 total, const QString &message) { progressLine(done, total, message); });
        EmbeddingSet set;
        EmbeddingSet terms; // lsa: the fold-in rows typed text is searched with
        if (isModel) {
            SequenceModelRequest request;
            request.method = method;
            request.datasetId = datasetId;
            request.setName = name;
            request.from = parser.value(QStringLiteral("from"));
            request.resume = resume;
            request.model = parser.value(QStringLiteral("model"));
            request.replace = parser.isSet(QStringLiteral("replace"));
            request.seq2seq = seq2seq;
            request.pvdbow = pvdbowDefaults(info.kind);
            request.pvdbow.seed = seed;
            request.pvdbow.threads = threads;
            if (pvdbowEpochs)
                request.pvdbow.epochs = pvdbowEpochs;
            if (dim)
                request.pvdbow.dim = dim;
            else if (isPvdbow && from)
                for (const EmbeddingSetInfo &s : project.embeddingSets())
                    if (s.name == request.from)
                        request.pvdbow.dim = s.dim;
            request.onEpoch = [](int epoch, int epochs, double loss) {
                endProgress();
                err(QStringLiteral("epoch %1 of %2: loss %3 (checkpoint stored)\n")
                        .arg(epoch)
                        .arg(epochs)
                        .arg(loss, 0, 'f', 4));
            };
            set = runSequenceModel(project, request, job);
        } else if (isPooling) {
            if (info.sequences == 0) {
                err(QStringLiteral("%1: dataset \"%2\" holds no playlists or documents to pool\n")
                        .arg(path, datasetName));
                return InputError;
            }
            const EmbeddingSet items = loadEmbeddingSet(project, parser.value(QStringLiteral("from")));
            const Corpus corpus = loadCorpus(project, datasetId, job);
            PoolingOptions options;
            options.seed = seed;
            options.sequenceKind = info.kind == DatasetKind::Documents ? ItemKind::Document : ItemKind::Playlist;
            set = poolSequences(corpus, items, pooling, options, job);
            if (!corpus.tokens.empty()
                && set.stats.value(QStringLiteral("unknown_items")).toInteger() == qint64(corpus.tokens.size())) {
                endProgress();
                if (info.kind == DatasetKind::Documents)
                    err(QStringLiteral("%1: none of the words of \"%2\" has a vector in \"%3\"; vectors serve as word "
                                       "vectors when imported from word2vec, GloVe or fastText files (a word, then its "
                                       "values, on each line) or from Projector tensors whose metadata.tsv heads its "
                                       "key column \"word\"\n")
                            .arg(path, datasetName, items.name));
                else
                    err(QStringLiteral("%1: none of the items of \"%2\" has a vector in \"%3\"\n")
                            .arg(path, datasetName, items.name));
                return InputError;
            }
        } else if (method == u"mbat") {
            if (info.kind != DatasetKind::Records) {
                err(QStringLiteral("%1: --method mbat needs a dataset of JSON records; \"%2\" holds %3\n")
                        .arg(path, datasetName, toString(info.kind)));
                return InputError;
            }
            MbatOptions options;
            options.dim = dim ? dim : options.dim;
            options.seed = seed;
            options.fields = fieldList(parser.value(QStringLiteral("fields")));
            options.excludeFields = fieldList(parser.value(QStringLiteral("exclude-fields")));
            options.orderAwareArrays = parser.isSet(QStringLiteral("ordered-arrays"));
            set = mbatRecords(project, datasetId, options, job);
        } else {
            if (info.kind != DatasetKind::Documents || info.sequences == 0) {
                err(QStringLiteral("%1: --method lsa needs a dataset of text documents; \"%2\" holds %3\n")
                        .arg(path, datasetName, toString(info.kind)));
                return InputError;
            }
            LsaOptions options;
            options.dim = dim ? dim : options.dim;
            options.seed = seed;
            options.stopWords = !parser.isSet(QStringLiteral("keep-stop-words"));
            set = lsaDocuments(project, datasetId, options, job, nullptr, &terms);
        }
        endProgress();
        set.name = name;
        set.datasetId = datasetId;
        if (terms.count() > 0)
            saveLsaSets(project, set, terms, parser.isSet(QStringLiteral("replace")));
        else if (!isModel) // runSequenceModel stored it, beside its checkpoint
            saveEmbeddingSet(project, set, parser.isSet(QStringLiteral("replace")));
        if (parser.isSet(QStringLiteral("json"))) {
            const QJsonObject o {{QStringLiteral("name"), set.name},     {QStringLiteral("dataset"), datasetName},
                                 {QStringLiteral("method"), set.method}, {QStringLiteral("kind"), toString(set.kind)},
                                 {QStringLiteral("rows"), set.count()},  {QStringLiteral("dim"), set.dim},
                                 {QStringLiteral("params"), set.params}, {QStringLiteral("stats"), set.stats}};
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        } else {
            QStringList counts;
            for (const QString &key :
                 {QStringLiteral("unknown_items"), QStringLiteral("empty_sequences"), QStringLiteral("empty_records"),
                  QStringLiteral("empty_documents"), QStringLiteral("terms")})
                if (set.stats.contains(key))
                    counts.append(QStringLiteral("%1 %2").arg(set.stats.value(key).toInteger()).arg(key));
            out(QStringLiteral("embedded \"%1\" (%2): %3 rows × %4 dims%5 in %6 s\n")
                    .arg(set.name, set.method)
                    .arg(set.count())
                    .arg(set.dim)
                    .arg(counts.isEmpty() ? QString() : QStringLiteral(", ") + counts.join(QStringLiteral(", ")))
                    .arg(set.stats.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 2));
        }
        return Ok;
    });
}

} // namespace orrery::cli
