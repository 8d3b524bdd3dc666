#include "mapcontroller.h"

#include "projectsession.h"

#include "pipeline/pipeline.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QElapsedTimer>
#include <QLocale>

#include <algorithm>

namespace orrery::ui {

namespace {

const QString layoutKey = QStringLiteral("layout");

/// What a compute-map job returns.
struct MapOutcome {
    MapPlan plan;
    MapLayout last;
    double seconds = 0;
};

MapLayout mapLayoutOf(Layout layout, std::shared_ptr<const std::vector<qint64>> ids, bool partial)
{
    MapLayout out;
    out.name = layout.name;
    out.setName = layout.setName;
    out.method = layout.method;
    out.xy = std::move(layout.xy);
    out.stats = layout.stats;
    out.ids = std::move(ids);
    out.partial = partial;
    return out;
}

QString seconds(double s)
{
    return QLocale().toString(s, 'f', 1);
}

} // namespace

MapController::MapController(ProjectSession *session, QObject *parent) : QObject(parent), m_session(session) { }

void MapController::showLayout(const QString &setName, ProjectionMethod method)
{
    if (!m_session->project() || setName.isEmpty())
        return;
    m_session->setSet(setName);
    const QString name = layoutName(setName, method);
    const QList<LayoutInfo> layouts = listLayouts(*m_session->project());
    const bool stored = std::any_of(layouts.begin(), layouts.end(),
                                    [&](const LayoutInfo &l) { return l.name == name; });
    startLayout(setName, name, method, stored);
}

void MapController::showStoredLayout(const QString &name)
{
    if (!m_session->project())
        return;
    for (const LayoutInfo &l : listLayouts(*m_session->project())) {
        ProjectionMethod method;
        if (l.name == name && fromString(l.method, &method)) {
            m_session->setSet(l.setName);
            startLayout(l.setName, name, method, true);
            return;
        }
    }
}

void MapController::startLayout(const QString &setName, const QString &name, ProjectionMethod method, bool stored)
{
    const QString projectPath = m_session->project()->path();
    const quint64 serial = m_session->serial();
    JobSpec spec;
    spec.label = stored ? tr("Loading map %1").arg(name) : tr("%1 of %2").arg(toString(method).toUpper(), setName);
    spec.key = layoutKey; // one map: the latest request wins
    spec.context = this;
    spec.onPartial = JobRunner::typed<MapLayout>([this, serial](MapLayout layout) {
        if (!m_session->stale(serial) && layout.setName == m_session->set())
            deliver(layout);
    });
    spec.onReady = JobRunner::typed<MapLayout>([this, serial](MapLayout layout) {
        if (m_session->stale(serial))
            return;
        const bool current = layout.setName == m_session->set();
        if (current)
            deliver(layout);
        if (!layout.stored) {
            emit projectUpdated(current ? layout.name : QString());
            emit message(tr("Map %1 computed in %2 s")
                             .arg(layout.name, seconds(layout.stats.value(QStringLiteral("seconds")).toDouble())),
                         10000);
        }
    });
    spec.onFailed = [this, serial, name](const QString &text) {
        if (!m_session->stale(serial))
            emit message(tr("Could not show %1: %2").arg(name, text), 15000);
    };
    m_session->runner()->start(spec, [projectPath, setName, method, name, stored](JobRun &job) -> std::any {
        Project project(projectPath);
        const auto ids = std::make_shared<const std::vector<qint64>>(loadEmbeddingSetIds(project, setName));
        if (stored) {
            MapLayout out = mapLayoutOf(loadLayout(project, name), ids, false);
            out.stored = true;
            return out;
        }
        MapLayout partial;
        partial.name = name;
        partial.setName = setName;
        partial.method = toString(method);
        partial.ids = ids;
        partial.partial = true;
        Layout layout = runLayoutStep(project, setName, method, job, [&](const std::vector<double> &xy, int) {
            partial.xy = xy;
            job.post(partial);
        });
        return mapLayoutOf(std::move(layout), ids, false);
    });
}

bool MapController::isComputing(qint64 datasetId) const
{
    if (datasetId)
        return m_mapJobs.contains(datasetId);
    return !m_mapJobs.isEmpty() || m_session->runner()->jobOfKey(layoutKey) != 0;
}

bool MapController::computeMap(qint64 datasetId)
{
    Project *project = m_session->project();
    if (!project || !datasetId || m_mapJobs.contains(datasetId))
        return false;
    MapPlan plan;
    try {
        plan = planFor(*project, datasetId);
    } catch (const Error &e) {
        emit message(tr("Cannot compute a map: %1").arg(e.message()), 15000);
        emit mapComputed({}, false, e.message());
        return false;
    }
    for (const EmbedStep &step : plan.steps)
        m_session->forgetIndex(step.setName);
    // The map follows this computation from now on: at once when its set is stored already, else
    // from its first layout, unless another set is chosen meanwhile.
    JobRunner *runner = m_session->runner();
    runner->cancel(runner->jobOfKey(layoutKey));
    const QList<EmbeddingSetInfo> sets = project->embeddingSets();
    const bool setStored = std::any_of(sets.begin(), sets.end(),
                                       [&](const EmbeddingSetInfo &s) { return s.name == plan.mapSet; });
    if (setStored)
        m_session->setSet(plan.mapSet);
    const QString setBefore = m_session->set();
    const QString projectPath = project->path();
    const quint64 serial = m_session->serial();
    const QString setName = plan.mapSet;
    JobSpec spec;
    spec.label = tr("Map of %1").arg(plan.datasetName);
    spec.key = QStringLiteral("compute:%1").arg(datasetId);
    spec.context = this;
    spec.onPartial = JobRunner::typed<MapLayout>([this, serial, setBefore](MapLayout layout) {
        if (m_session->stale(serial))
            return;
        // The sets are stored before the first layout arrives: list them and load the neighbours.
        if (layout.setName != m_session->set() && m_session->set() == setBefore) {
            m_session->setSet(layout.setName);
            emit projectUpdated(layout.setName);
        }
        if (layout.setName == m_session->set())
            deliver(layout);
    });
    spec.onReady = JobRunner::typed<MapOutcome>([this, serial, datasetId](MapOutcome outcome) {
        if (m_session->stale(serial))
            return;
        m_mapJobs.remove(datasetId);
        const bool current = outcome.plan.mapSet == m_session->set();
        emit projectUpdated(current ? outcome.last.name : QString());
        if (current) {
            m_session->loadIndex(outcome.plan.mapSet);
            deliver(outcome.last);
        }
        const QString text = tr("Map of %1 ready in %2 s: %3")
                                 .arg(outcome.plan.datasetName, seconds(outcome.seconds), outcome.plan.summary());
        emit message(text, 15000);
        emit mapComputed(outcome.plan.mapSet, true, text);
    });
    const auto ended = [this, serial, datasetId, setName](const QString &text) {
        if (m_session->stale(serial))
            return;
        m_mapJobs.remove(datasetId);
        emit projectUpdated({});
        if (!text.isEmpty())
            emit message(tr("Could not compute the map: %1").arg(text), 15000);
        emit mapComputed(setName, false, text.isEmpty() ? tr("cancelled") : text);
    };
    spec.onFailed = ended;
    spec.onCancelled = [ended] { ended({}); };
    const JobId id = runner->start(spec, [projectPath, plan](JobRun &job) -> std::any {
        QElapsedTimer clock;
        clock.start();
        Project project(projectPath);
        MapOutcome outcome;
        outcome.plan = plan;
        std::shared_ptr<const std::vector<qint64>> ids;
        runPlan(project, plan, job, [&](const Layout &layout, bool partial) {
            if (!ids) // the set is stored before its first layout
                ids = std::make_shared<const std::vector<qint64>>(loadEmbeddingSetIds(project, layout.setName));
            MapLayout shown = mapLayoutOf(layout, ids, partial);
            if (!partial)
                outcome.last = shown;
            job.post(std::move(shown), !partial); // PCA shows at once while UMAP starts
        });
        outcome.seconds = double(clock.elapsed()) / 1000.0;
        return outcome;
    });
    m_mapJobs.insert(datasetId, id);
    emit message(tr("Computing: %1").arg(plan.summary()), 10000);
    return true;
}

void MapController::deliver(const MapLayout &layout)
{
    m_layout = layout;
    static const std::vector<qint64> none;
    emit layoutReady(layout.name, layout.xy, layout.ids ? *layout.ids : none, layout.partial);
}

void MapController::clear()
{
    m_layout = MapLayout();
    emit layoutReady({}, {}, {}, false);
}

void MapController::reset()
{
    m_mapJobs.clear();
    m_layout = MapLayout();
}

} // namespace orrery::ui
