#include "pipeline.h"

#include "embed/lsa.h"
#include "embed/mbat.h"
#include "embed/sgns.h"
#include "embed/sgnsset.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>

#include <algorithm>

namespace orrery {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("orrery::MapPlan", text);
}

DatasetInfo datasetInfo(Project &project, qint64 datasetId)
{
    for (const DatasetInfo &d : project.datasets())
        if (d.id == datasetId)
            return d;
    throw Error(QStringLiteral("no dataset with id %1 in %2").arg(datasetId).arg(project.path()));
}

bool hasSet(const QList<EmbeddingSetInfo> &sets, const QString &name)
{
    return std::any_of(sets.begin(), sets.end(), [&](const EmbeddingSetInfo &s) { return s.name == name; });
}

EmbeddingSet trainStep(Project &project, const EmbedStep &step, JobContext &job)
{
    const DatasetInfo info = datasetInfo(project, step.datasetId);
    SgnsOptions options = info.kind == DatasetKind::Playlists ? SgnsOptions::forPlaylists() : SgnsOptions::forText();
    options.seed = step.seed;
    options.threads = step.threads;
    const Corpus corpus = loadCorpus(project, step.datasetId, job);
    if (corpus.tokens.empty())
        throw Error(QStringLiteral("dataset \"%1\" has no sequences to train on").arg(info.name));
    EmbeddingSet set = sgnsEmbeddingSet(project, trainSgns(corpus, options, job), options);
    set.params.insert(QStringLiteral("by"), QStringLiteral("map plan"));
    return set;
}

} // namespace

QString EmbedStep::describe() const
{
    switch (method) {
    case Method::Sgns: return tr("item2vec (SGNS) of \"%1\"").arg(setName);
    case Method::Pool: return tr("%1 pooling of \"%2\" into \"%3\"").arg(toString(pooling), from, setName);
    case Method::Lsa: return tr("LSA of the documents into \"%1\"").arg(setName);
    case Method::Mbat: return tr("MBAT of the records into \"%1\"").arg(setName);
    }
    return setName;
}

QString MapPlan::summary() const
{
    QStringList parts;
    for (const EmbedStep &step : steps)
        parts.append(step.describe());
    QStringList methods;
    for (const ProjectionMethod m : projections)
        methods.append(toString(m).toUpper());
    const QString map = tr("map of \"%1\": %2").arg(mapSet, methods.join(QStringLiteral(", ")));
    return parts.isEmpty() ? map : parts.join(QStringLiteral(", then ")) + QStringLiteral("; ") + map;
}

MapPlan planFor(Project &project, qint64 datasetId, bool recompute)
{
    const DatasetInfo info = datasetInfo(project, datasetId);
    const QList<EmbeddingSetInfo> sets = project.embeddingSets();
    MapPlan plan;
    plan.datasetId = datasetId;
    plan.datasetName = info.name;
    plan.kind = info.kind;
    plan.projections = {ProjectionMethod::Pca, ProjectionMethod::Umap};
    const auto add = [&](EmbedStep::Method method, const QString &suffix, const QString &from = {}) {
        EmbedStep step;
        step.method = method;
        step.datasetId = datasetId;
        step.setName = info.name + u'/' + suffix;
        step.from = from;
        if (recompute || !hasSet(sets, step.setName))
            plan.steps.push_back(step);
        return step.setName;
    };
    switch (info.kind) {
    case DatasetKind::Playlists:
        if (info.sequences == 0 || info.entries == 0)
            throw Error(QStringLiteral("dataset \"%1\" holds no playlists to learn song vectors from").arg(info.name));
        plan.mapSet = add(EmbedStep::Method::Sgns, QStringLiteral("sgns"));
        add(EmbedStep::Method::Pool, QStringLiteral("mean"), plan.mapSet);
        break;
    case DatasetKind::Documents:
        if (info.sequences < 2)
            throw Error(QStringLiteral("dataset \"%1\" holds fewer than two documents to compare").arg(info.name));
        plan.mapSet = add(EmbedStep::Method::Lsa, QStringLiteral("lsa"));
        break;
    case DatasetKind::Records:
        if (info.items == 0)
            throw Error(QStringLiteral("dataset \"%1\" holds no records").arg(info.name));
        plan.mapSet = add(EmbedStep::Method::Mbat, QStringLiteral("mbat"));
        break;
    case DatasetKind::Vectors: {
        for (const EmbeddingSetInfo &s : sets) {
            if (s.dataset == info.name) {
                plan.mapSet = s.name;
                break;
            }
        }
        if (plan.mapSet.isEmpty())
            throw Error(QStringLiteral("dataset \"%1\" has no vectors").arg(info.name));
        break;
    }
    }
    return plan;
}

EmbeddingSet runEmbedStep(Project &project, const EmbedStep &step, JobContext &job)
{
    QElapsedTimer clock;
    clock.start();
    EmbeddingSet set;
    EmbeddingSet terms; // lsa: the fold-in rows typed text is searched with
    switch (step.method) {
    case EmbedStep::Method::Sgns: set = trainStep(project, step, job); break;
    case EmbedStep::Method::Pool: {
        const DatasetInfo info = datasetInfo(project, step.datasetId);
        const EmbeddingSet items = loadEmbeddingSet(project, step.from);
        const Corpus corpus = loadCorpus(project, step.datasetId, job);
        PoolingOptions options;
        options.seed = step.seed;
        options.sequenceKind = info.kind == DatasetKind::Documents ? ItemKind::Document : ItemKind::Playlist;
        set = poolSequences(corpus, items, step.pooling, options, job);
        break;
    }
    case EmbedStep::Method::Lsa: {
        LsaOptions options;
        options.seed = step.seed;
        const DatasetInfo info = datasetInfo(project, step.datasetId);
        options.dim = int(std::clamp<qint64>(info.sequences - 1, 2, options.dim));
        set = lsaDocuments(project, step.datasetId, options, job, nullptr, &terms);
        break;
    }
    case EmbedStep::Method::Mbat: {
        MbatOptions options;
        options.seed = step.seed;
        set = mbatRecords(project, step.datasetId, options, job);
        break;
    }
    }
    job.checkCancelled();
    set.name = step.setName;
    set.datasetId = step.datasetId;
    if (!set.stats.contains(QStringLiteral("seconds")))
        set.stats.insert(QStringLiteral("seconds"), double(clock.elapsed()) / 1000.0);
    if (terms.count() > 0)
        saveLsaSets(project, set, terms, true);
    else
        saveEmbeddingSet(project, set, true);
    return set;
}

ProjectionOptions defaultProjection(ProjectionMethod method)
{
    ProjectionOptions options;
    options.method = method;
    options.seed = 1;
    options.threads = 0;
    options.trustSample = 1000;
    return options;
}

QString layoutName(const QString &setName, ProjectionMethod method)
{
    return setName + u'/' + toString(method);
}

Layout runLayoutStep(Project &project, const QString &setName, ProjectionMethod method, JobContext &job,
                     const LayoutCallback &partial)
{
    const EmbeddingSet set = loadEmbeddingSet(project, setName);
    ProjectionOptions options = defaultProjection(method);
    options.name = layoutName(setName, method);
    Layout layout = computeLayout(set, options, job, partial);
    job.checkCancelled();
    saveLayout(project, layout, true);
    return layout;
}

std::vector<Layout> runPlan(Project &project, const MapPlan &plan, JobContext &job, const PlanLayoutFn &onLayout)
{
    for (const EmbedStep &step : plan.steps)
        runEmbedStep(project, step, job);
    std::vector<Layout> layouts;
    for (const ProjectionMethod method : plan.projections) {
        Layout shown;
        LayoutCallback partial;
        if (onLayout) {
            shown.name = layoutName(plan.mapSet, method);
            shown.setName = plan.mapSet;
            shown.method = toString(method);
            partial = [&](const std::vector<double> &xy, int) {
                shown.xy = xy;
                onLayout(shown, true);
            };
        }
        layouts.push_back(runLayoutStep(project, plan.mapSet, method, job, partial));
        if (onLayout)
            onLayout(layouts.back(), false);
    }
    return layouts;
}

} // namespace orrery
