#include "vectorsjob.h"

#include "projectsession.h"
#include "vectorsdialog.h"

#include "embed/pooling.h"
#include "store/modelheaders.h"
#include "store/project.h"

#include <QCoreApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QLocale>

namespace orrery::ui {

namespace {

/// An epoch's end as the worker posts it.
struct EpochReport {
    int epoch = 0;
    int epochs = 0;
    double loss = 0;
};

QString tr(const char *text)
{
    return QCoreApplication::translate("orrery::ui::VectorsJob", text);
}

QString epochLine(int epoch, int epochs, double loss)
{
    return tr("epoch %1 of %2: loss %3").arg(epoch).arg(epochs).arg(QLocale().toString(loss, 'f', 4));
}

} // namespace

QList<VectorMethod> vectorMethods()
{
    return {
        {QStringLiteral("mean"), tr("Mean pooling"),
         tr("The average of the item vectors: a second for thousands of playlists; the order is ignored"), false},
        {QStringLiteral("sif"), tr("SIF pooling"),
         tr("Smooth inverse frequency (Arora et al. 2017): rare items weigh more and the direction every "
            "playlist shares is removed"),
         false},
        {QStringLiteral("pyramid"), tr("Pyramid pooling"),
         tr("Means over the whole, the halves and the quarters, side by side: the coarse order is kept "
            "(seven times as many dimensions)"),
         false},
        {QStringLiteral("positional"), tr("Positional pooling"),
         tr("Each item is bound to its position by a fixed random rotation before summing: the order is kept"), false},
        {QStringLiteral("seq2seq"), tr("Sequence autoencoder (seq2seq)"),
         tr("A GRU encoder–decoder trained to rebuild each playlist from its vector (Papreja et al. 2019). "
            "Trains in epochs, storing a checkpoint after each, so training can resume"),
         true},
        {QStringLiteral("pvdbow"), tr("Paragraph vectors (PV-DBOW)"),
         tr("Each playlist's or document's own vector learns to predict its items (Le & Mikolov 2014), with "
            "item2vec's skip-gram machinery; trains in one run, from the items alone"),
         true},
    };
}

std::optional<VectorMethod> vectorMethod(const QString &id)
{
    for (const VectorMethod &m : vectorMethods())
        if (m.id == id)
            return m;
    return std::nullopt;
}

bool VectorsRequest::trained() const
{
    const std::optional<VectorMethod> m = vectorMethod(method);
    return m && m->trained;
}

EmbedStep VectorsRequest::embedStep() const
{
    EmbedStep step;
    step.method = EmbedStep::Method::Pool;
    step.datasetId = datasetId;
    step.setName = setName;
    step.from = from;
    fromString(method, &step.pooling);
    return step;
}

SequenceModelRequest VectorsRequest::sequenceRequest() const
{
    SequenceModelRequest r;
    r.method = method;
    r.datasetId = datasetId;
    r.setName = setName;
    r.from = resume ? QString() : from;
    r.resume = resume;
    r.replace = replace && !resume;
    r.seq2seq = seq2seq;
    if (method == u"pvdbow")
        r.from.clear(); // trained from the items alone: start vectors would have to match its dimension
    return r;
}

QString defaultVectorsName(const QString &datasetName, const QString &method)
{
    return datasetName + u'/' + method;
}

bool parsePrefixes(const QString &text, int maxValue, std::vector<int> *out, QString *why)
{
    out->clear();
    if (text.trimmed().isEmpty())
        return true;
    for (const QString &field : text.split(u',')) {
        bool ok = false;
        const int p = field.trimmed().toInt(&ok);
        QString problem;
        if (!ok)
            problem = tr("\"%1\" is not a whole number").arg(field.trimmed());
        else if (p < 1 || p > maxValue)
            problem = tr("%1 is outside 1 to %2, the vector's length").arg(p).arg(maxValue);
        else if (!out->empty() && p <= out->back())
            problem = tr("%1 does not follow %2: the lengths must ascend").arg(p).arg(out->back());
        if (!problem.isEmpty()) {
            if (why)
                *why = problem;
            out->clear();
            return false;
        }
        out->push_back(p);
    }
    return true;
}

VectorsJob::VectorsJob(ProjectSession *session, QObject *parent) : QObject(parent), m_session(session)
{
    // The loss within an epoch, on the status bar as the runner passes progress on (throttled).
    connect(m_session->runner(), &JobRunner::progressed, this, [this](JobId id, qint64, qint64) {
        const QString name = m_jobs.key(id);
        if (name.isEmpty() || !m_trained.contains(name))
            return;
        const QString now = m_session->runner()->info(id).message;
        if (now.isEmpty())
            return;
        const QString last = m_lastEpoch.value(name);
        emit message(last.isEmpty() ? tr("Training %1: %2").arg(name, now)
                                    : tr("Training %1: %2 (checkpoint stored after %3)").arg(name, now, last),
                     120000);
    });
    connect(m_session, &ProjectSession::aboutToClose, this, [this] {
        m_trained.clear();
        m_jobs.clear();
        m_lastEpoch.clear();
    });
}

void VectorsJob::choose(QWidget *parent)
{
    Project *project = m_session->project();
    if (!project)
        return;
    VectorsDialog dialog(*project, m_session->datasetId(), parent);
    if (dialog.exec() == QDialog::Accepted)
        start(dialog.request());
}

bool VectorsJob::start(const VectorsRequest &request)
{
    Project *project = m_session->project();
    const std::optional<VectorMethod> method = vectorMethod(request.method);
    if (!project || !request.datasetId || !method || request.setName.isEmpty()
        || (request.from.isEmpty() && !(method->trained && request.resume))) {
        emit message(tr("Cannot compute vectors: choose a dataset, a method, the item vectors and a name"), 10000);
        return false;
    }
    if (m_jobs.contains(request.setName)) {
        // A second run would race the first one's checkpoints: one at a time per name.
        emit message(tr("%1 is being computed already: cancel that run first").arg(request.setName), 10000);
        return false;
    }
    m_session->forgetIndex(request.setName); // its set is being replaced
    const QString path = project->path();
    const quint64 serial = m_session->serial();
    const QString name = request.setName;
    JobSpec spec;
    spec.label = request.resume ? tr("Training %1 (resumed)").arg(name)
        : method->trained       ? tr("Training %1").arg(name)
                                : tr("%1 of %2").arg(method->label, request.datasetName);
    spec.key = QStringLiteral("vectors:") + name;
    spec.context = this;
    spec.onPartial = JobRunner::typed<EpochReport>([this, serial, name](EpochReport e) {
        if (m_session->stale(serial))
            return;
        m_lastEpoch.insert(name, epochLine(e.epoch, e.epochs, e.loss));
        emit epochFinished(name, e.epoch, e.epochs, e.loss);
        emit message(tr("Training %1: checkpoint stored after %2").arg(name, m_lastEpoch.value(name)), 120000);
    });
    spec.onReady = JobRunner::typed<VectorsResult>([this, serial, name, show = request.show](VectorsResult r) {
        if (m_session->stale(serial))
            return;
        m_jobs.remove(name);
        m_trained.remove(name);
        m_lastEpoch.remove(name);
        QString text = tr("Vectors %1 stored: %2 rows of %3 dimensions in %4 s")
                           .arg(name, QLocale().toString(r.rows))
                           .arg(r.dim)
                           .arg(QLocale().toString(r.seconds, 'f', 1));
        if (r.epochs > 0)
            text += tr(" after %1 epochs (loss %2)").arg(r.epochs).arg(QLocale().toString(r.loss, 'f', 4));
        emit stored(name, show);
        emit message(show ? text : text + tr(". Choose it under Datasets to map it."), 15000);
        emit ended(name, true, false, text);
    });
    spec.onFailed = [this, serial, name](const QString &text) {
        if (m_session->stale(serial))
            return;
        m_jobs.remove(name);
        m_trained.remove(name);
        m_lastEpoch.remove(name);
        emit message(tr("Could not compute %1: %2").arg(name, text), 15000);
        emit ended(name, false, false, text);
    };
    spec.onCancelled = [this, serial, name, trained = method->trained] {
        if (m_session->stale(serial))
            return;
        m_jobs.remove(name);
        m_trained.remove(name);
        m_lastEpoch.remove(name);
        QString text = tr("Computing %1 cancelled; no set was stored").arg(name);
        if (Project *p = m_session->project(); trained && p) {
            try {
                if (const std::optional<StoredModel> model = loadModelHeader(*p, name); model && epochsDone(*model))
                    text = tr("Training %1 cancelled; the checkpoint after epoch %2 is stored: Compute Vectors "
                              "▸ Resume training goes on from it")
                               .arg(name)
                               .arg(epochsDone(*model));
            } catch (const Error &) {
            }
        }
        emit message(text, 15000);
        emit ended(name, false, true, text);
    };
    const JobId id = m_session->runner()->start(spec, [path, request](JobRun &job) -> std::any {
        QElapsedTimer clock;
        clock.start();
        Project project(path);
        VectorsResult out;
        EmbeddingSet set;
        if (request.trained()) {
            SequenceModelRequest r = request.sequenceRequest();
            for (const DatasetInfo &d : project.datasets())
                if (d.id == r.datasetId)
                    r.pvdbow = pvdbowDefaults(d.kind);
            r.onEpoch = [&job, &out](int epoch, int epochs, double loss) {
                out.epochs = epoch;
                out.loss = loss;
                job.post(EpochReport {epoch, epochs, loss});
            };
            set = runSequenceModel(project, r, job);
        } else {
            set = runEmbedStep(project, request.embedStep(), job);
        }
        out.setName = set.name;
        out.rows = set.count();
        out.dim = set.dim;
        out.seconds = double(clock.elapsed()) / 1000.0;
        return out;
    });
    m_jobs.insert(name, id);
    if (method->trained)
        m_trained.insert(name);
    m_lastEpoch.remove(name);
    emit message(request.resume        ? tr("Resuming the training of %1…").arg(name)
                     : method->trained ? tr("Training %1…").arg(name)
                                       : tr("Computing %1: %2…").arg(name, method->label),
                 5000);
    return true;
}

} // namespace orrery::ui
