#pragma once

#include "jobrunner.h"

#include "embed/seq2seq.h"
#include "pipeline/pipeline.h"
#include "pipeline/sequencemodels.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <optional>

class QWidget;

namespace orrery::ui {

class ProjectSession;

/// One way of computing a vector per playlist or document that Compute Vectors offers.
struct VectorMethod {
    QString id; ///< core's name: "mean" (PoolingMethod) or "seq2seq" (SequenceModelRequest::method)
    QString label;
    QString toolTip;
    /// A sequence model trained in epochs (runSequenceModel, with a checkpoint to resume from);
    /// otherwise pooling of the item vectors (runEmbedStep).
    bool trained = false;
};

/// Every method, the pooling methods first. A new sequence model is a row here, its options in
/// VectorsDialog and its fields in VectorsRequest::sequenceRequest().
QList<VectorMethod> vectorMethods();
/// The method of that id, or nullopt.
std::optional<VectorMethod> vectorMethod(const QString &id);

/// What Compute Vectors is asked to do: one set of vectors for a dataset's playlists or documents.
struct VectorsRequest {
    qint64 datasetId = 0;
    QString datasetName;
    QString method = QStringLiteral("mean"); ///< a VectorMethod id
    QString from; ///< the item vectors to pool or to start training from (unused on resume)
    QString setName; ///< the set (and a trained method's model) it stores
    bool resume = false; ///< trained methods: go on from the stored model of setName
    /// Trained methods: replace a set or model of that name (a fresh run). Pooling always replaces.
    bool replace = false;
    Seq2seqOptions seq2seq;
    bool show = true; ///< show the set on the map once stored

    bool trained() const;
    /// The pooling step (for a pooling method).
    EmbedStep embedStep() const;
    /// The training request (for a trained method); onEpoch is the caller's.
    SequenceModelRequest sequenceRequest() const;
};

/// "DATASET/METHOD", the name a new set gets by default.
QString defaultVectorsName(const QString &datasetName, const QString &method);

/// Reads "8,16,32,64" as ascending whole numbers from 1 to `maxValue`; an empty text is an empty
/// list (the whole vector). False, with the reason in `why`, when malformed.
bool parsePrefixes(const QString &text, int maxValue, std::vector<int> *out, QString *why = nullptr);

/// What a finished vectors job stored.
struct VectorsResult {
    QString setName;
    qint64 rows = 0;
    int dim = 0;
    double seconds = 0;
    int epochs = 0; ///< trained methods: epochs done
    double loss = 0; ///< and the last one's loss
};

/// Runs Compute Vectors' jobs on the session's runner: pooling through core's runEmbedStep, a
/// sequence model through runSequenceModel (a checkpoint stored after every epoch, each epoch's
/// loss reported as it ends). The project is opened in the worker; outcomes arrive on the GUI
/// thread. Jobs for different sets run side by side; a set being computed is not started again.
class VectorsJob final : public QObject {
    Q_OBJECT

public:
    explicit VectorsJob(ProjectSession *session, QObject *parent = nullptr);

    /// Asks with a VectorsDialog for the current dataset, then starts the job.
    void choose(QWidget *parent);
    /// Starts computing. False (with a message) when no project is open, the request lacks a
    /// dataset, a method, a name or the item vectors, or that set is being computed already.
    bool start(const VectorsRequest &request);
    /// The running job computing `setName`, or 0.
    JobId jobOf(const QString &setName) const { return m_jobs.value(setName); }
    bool isRunning() const { return !m_jobs.isEmpty(); }
    /// The line of the last epoch reported for a running job, e.g. "epoch 3 of 10: loss 4.1235".
    QString lastEpoch(const QString &setName) const { return m_lastEpoch.value(setName); }

signals:
    /// A trained method finished an epoch and stored its checkpoint (throttled: when epochs end
    /// faster than the window takes them, only the newest is reported).
    void epochFinished(const QString &setName, int epoch, int epochs, double loss);
    /// The set is stored; `show` asks for it on the map.
    void stored(const QString &setName, bool show);
    /// The job ended: ok (stored), cancelled, or failed with `message`.
    void ended(const QString &setName, bool ok, bool cancelled, const QString &message);
    /// A line for the status bar.
    void message(const QString &text, int timeoutMs);

private:
    ProjectSession *m_session;
    QHash<QString, JobId> m_jobs;
    QSet<QString> m_trained; ///< running jobs of trained methods
    QHash<QString, QString> m_lastEpoch;
};

} // namespace orrery::ui
