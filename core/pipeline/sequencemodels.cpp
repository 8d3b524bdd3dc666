#include "pipeline/sequencemodels.h"

#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/models.h"
#include "store/project.h"

#include <QElapsedTimer>
#include <QHash>

#include <QJsonArray>

namespace orrery {

namespace {

DatasetInfo datasetOf(Project &project, qint64 datasetId)
{
    for (const DatasetInfo &d : project.datasets())
        if (d.id == datasetId)
            return d;
    throw Error(QStringLiteral("no dataset with id %1").arg(datasetId));
}

bool setExists(Project &project, const QString &name)
{
    for (const EmbeddingSetInfo &s : project.embeddingSets())
        if (s.name == name)
            return true;
    return false;
}

QJsonObject lossStats(const std::vector<double> &losses, int epochsDone, double seconds)
{
    QJsonArray a;
    for (const double l : losses)
        a.append(l);
    return {{QStringLiteral("epoch_loss"), a},
            {QStringLiteral("epochs_done"), epochsDone},
            {QStringLiteral("train_seconds"), seconds}};
}

} // namespace

namespace {

Seq2seqModel seq2seqOf(const std::optional<StoredModel> &stored, const QString &name)
{
    if (!stored)
        throw Error(
            QStringLiteral("no trained model named \"%1\" (orrery-cli embed --method seq2seq stores one)").arg(name));
    if (stored->method != u"seq2seq")
        throw Error(QStringLiteral("model \"%1\" is a %2 model, not seq2seq").arg(name, stored->method));
    try {
        return Seq2seqModel::deserialize(stored->state);
    } catch (const Error &e) {
        throw Error(QStringLiteral("model \"%1\": %2").arg(name, e.message()));
    }
}

PvdbowModel pvdbowOf(const std::optional<StoredModel> &stored, const QString &name)
{
    if (!stored)
        throw Error(
            QStringLiteral("no trained model named \"%1\" (orrery-cli embed --method pvdbow stores one)").arg(name));
    if (stored->method != u"pvdbow")
        throw Error(QStringLiteral("model \"%1\" is a %2 model, not pvdbow").arg(name, stored->method));
    try {
        return PvdbowModel::deserialize(stored->state);
    } catch (const Error &e) {
        throw Error(QStringLiteral("model \"%1\": %2").arg(name, e.message()));
    }
}

ItemKind sequenceKindOf(const DatasetInfo &info)
{
    return info.kind == DatasetKind::Documents ? ItemKind::Document : ItemKind::Playlist;
}

/// Checks that something of the corpus is known, names the set, stores it.
EmbeddingSet storeEncoded(Project &project, EmbeddingSet set, const SequenceModelRequest &request,
                          const DatasetInfo &info, const Corpus &corpus)
{
    if (!corpus.tokens.empty()
        && set.stats.value(QStringLiteral("unknown_items")).toInteger() == qint64(corpus.tokens.size()))
        throw Error(
            QStringLiteral("none of the items of \"%1\" is known to model \"%2\"").arg(info.name, request.model));
    set.name = request.setName;
    set.datasetId = request.datasetId;
    set.params.insert(QStringLiteral("model"), request.model);
    saveEmbeddingSet(project, set, true);
    return set;
}

EmbeddingSet runPvdbow(Project &project, const SequenceModelRequest &request, const DatasetInfo &info, JobContext &job)
{
    if (request.resume)
        throw Error(QStringLiteral("pvdbow trains in one run and cannot --resume; run it again with --replace"));
    const Corpus corpus = loadCorpus(project, request.datasetId, job);
    if (!request.model.isEmpty()) {
        const PvdbowModel model = loadPvdbow(project, request.model);
        QElapsedTimer clock;
        clock.start();
        const RowMatrixXf x = inferPvdbow(model, corpus, job, request.pvdbow.threads);
        job.checkCancelled();
        EmbeddingSet set;
        set.method = QStringLiteral("pvdbow");
        set.kind = sequenceKindOf(info);
        set.params = pvdbowParams(model.options);
        set.dim = int(x.cols());
        set.ids = corpus.sequenceIds;
        set.vectors.assign(x.data(), x.data() + x.size());
        qint64 unknown = 0;
        QHash<qint64, bool> known;
        for (const qint64 id : model.itemIds)
            known.insert(id, true);
        for (const qint32 t : corpus.tokens)
            unknown += !known.contains(corpus.vocab[size_t(t)]);
        set.stats = {{QStringLiteral("unknown_items"), unknown},
                     {QStringLiteral("seconds"), double(clock.nsecsElapsed()) * 1e-9}};
        return storeEncoded(project, std::move(set), request, info, corpus);
    }
    std::optional<EmbeddingSet> items;
    PvdbowOptions options = request.pvdbow;
    if (!request.from.isEmpty()) {
        items = loadEmbeddingSet(project, request.from);
        options.trainItems = true; // the start vectors are item input vectors, which only item training uses
    }
    const PvdbowResult result = trainPvdbow(corpus, options, job, items ? &*items : nullptr);
    job.checkCancelled();
    EmbeddingSet set = pvdbowEmbeddingSet(result, sequenceKindOf(info), options);
    set.name = request.setName;
    set.datasetId = request.datasetId;
    if (!request.from.isEmpty())
        set.params.insert(QStringLiteral("from"), request.from);
    StoredModel stored;
    stored.name = request.setName;
    stored.datasetId = request.datasetId;
    stored.method = QStringLiteral("pvdbow");
    stored.params = set.params;
    stored.stats = set.stats;
    stored.state = result.model.serialize();
    // The model first, as seq2seq's checkpoints: a crash between the two leaves a model to encode
    // with and no set, never a set whose model is missing.
    saveModel(project, stored);
    saveEmbeddingSet(project, set, true);
    return set;
}

} // namespace

PvdbowOptions pvdbowDefaults(DatasetKind kind)
{
    return kind == DatasetKind::Documents ? PvdbowOptions::forText() : PvdbowOptions::forPlaylists();
}

QStringList sequenceModelMethods()
{
    return {QStringLiteral("seq2seq"), QStringLiteral("pvdbow")};
}

PvdbowModel loadPvdbow(Project &project, const QString &name)
{
    return pvdbowOf(loadModel(project, name), name);
}

SequenceEncoder modelEncoder(Project &project, const QString &name)
{
    const std::optional<StoredModel> stored = loadModel(project, name);
    SequenceEncoder encoder;
    encoder.name = name;
    if (stored && stored->method == u"pvdbow") {
        auto model = std::make_shared<const PvdbowModel>(pvdbowOf(stored, name));
        encoder.encode = [model](const Corpus &corpus, JobContext &job) { return inferPvdbow(*model, corpus, job); };
        return encoder;
    }
    auto model = std::make_shared<const Seq2seqModel>(seq2seqOf(stored, name));
    for (const int p : model->options.matryoshka)
        if (p < model->vectorDim())
            encoder.prefixes.push_back(p);
    encoder.encode = [model](const Corpus &corpus, JobContext &job) { return encodeSeq2seq(*model, corpus, job); };
    return encoder;
}

Seq2seqModel loadSeq2seq(Project &project, const QString &name)
{
    return seq2seqOf(loadModel(project, name), name);
}

EmbeddingSet runSequenceModel(Project &project, const SequenceModelRequest &request, JobContext &job)
{
    if (!sequenceModelMethods().contains(request.method))
        throw Error(QStringLiteral("unknown sequence model \"%1\" (seq2seq, pvdbow)").arg(request.method));
    const DatasetInfo info = datasetOf(project, request.datasetId);
    if (info.sequences == 0)
        throw Error(QStringLiteral("dataset \"%1\" holds no playlists or documents to train on").arg(info.name));
    if (request.setName.isEmpty())
        throw Error(QStringLiteral("the set to store needs a name"));
    if (request.method == u"pvdbow") {
        if (!request.replace && setExists(project, request.setName))
            throw Error(QStringLiteral("a set named \"%1\" exists already; choose another --name or --replace it")
                            .arg(request.setName));
        return runPvdbow(project, request, info, job);
    }
    if (!request.model.isEmpty()) {
        if (request.resume)
            throw Error(QStringLiteral("a run either resumes training or encodes with a stored model, not both"));
        if (!request.replace && setExists(project, request.setName))
            throw Error(QStringLiteral("a set named \"%1\" exists already; choose another --name or --replace it")
                            .arg(request.setName));
        const Seq2seqModel model = loadSeq2seq(project, request.model);
        const Corpus corpus = loadCorpus(project, request.datasetId, job);
        EmbeddingSet set = seq2seqEmbeddingSet(model, corpus, sequenceKindOf(info), job);
        job.checkCancelled();
        set.stats.insert(QStringLiteral("seconds"), set.stats.value(QStringLiteral("encode_seconds")));
        return storeEncoded(project, std::move(set), request, info, corpus);
    }
    if (!request.resume && !request.replace
        && (setExists(project, request.setName) || loadModel(project, request.setName)))
        throw Error(QStringLiteral("a set or model named \"%1\" exists already; choose another --name, --replace it "
                                   "or --resume its training")
                        .arg(request.setName));

    const Corpus corpus = loadCorpus(project, request.datasetId, job);
    Seq2seqModel model;
    QString from = request.from;
    if (request.resume) {
        const std::optional<StoredModel> stored = loadModel(project, request.setName);
        model = seq2seqOf(stored, request.setName);
        from = stored->params.value(QStringLiteral("from")).toString();
        if (request.seq2seq.epochs > 0)
            model.options.epochs = request.seq2seq.epochs;
        model.options.threads = request.seq2seq.threads;
    } else {
        const EmbeddingSet items = loadEmbeddingSet(project, request.from);
        model = initSeq2seq(corpus, items, request.seq2seq);
    }
    const auto checkpoint = [&](const Seq2seqModel &m) {
        StoredModel stored;
        stored.name = request.setName;
        stored.datasetId = request.datasetId;
        stored.method = QStringLiteral("seq2seq");
        stored.params = seq2seqParams(m.options);
        if (!from.isEmpty())
            stored.params.insert(QStringLiteral("from"), from);
        stored.stats = lossStats(m.epochLoss, m.epochsDone, m.seconds);
        stored.state = m.serialize();
        saveModel(project, stored);
        if (request.onEpoch)
            request.onEpoch(m.epochsDone, m.options.epochs, m.epochLoss.back());
    };
    trainSeq2seq(model, corpus, job, checkpoint);
    job.checkCancelled();
    EmbeddingSet set = seq2seqEmbeddingSet(
        model, corpus, info.kind == DatasetKind::Documents ? ItemKind::Document : ItemKind::Playlist, job);
    job.checkCancelled();
    set.name = request.setName;
    set.datasetId = request.datasetId;
    if (!from.isEmpty())
        set.params.insert(QStringLiteral("from"), from);
    saveEmbeddingSet(project, set, true);
    return set;
}

} // namespace orrery
