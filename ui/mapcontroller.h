#pragma once

#include "jobrunner.h"

#include "projection/computelayout.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace orrery::ui {

class ProjectSession;

/// A layout as the map gets it: coordinates (x at 2i, y at 2i + 1) for the rows of its set.
struct MapLayout {
    QString name; ///< "<set>/<method>"
    QString setName;
    QString method;
    std::vector<double> xy;
    std::shared_ptr<const std::vector<qint64>> ids; ///< the set's item ids, row by row
    bool partial = false; ///< an intermediate layout of a projection still converging
    bool stored = false; ///< loaded from the project rather than computed now
    QJsonObject stats;
};

/// What the map shows: a stored layout of the session's set, one computed now (its intermediate
/// layouts animate the map), or a whole map computed from a dataset by core's pipeline (runPlan:
/// the default sets for its kind, then PCA and UMAP, all stored). One layout at a time: the latest
/// request wins.
class MapController final : public QObject {
    Q_OBJECT

public:
    explicit MapController(ProjectSession *session, QObject *parent = nullptr);

    /// Shows a set's layout: the stored one at once, else computed in a job and stored when done.
    /// Makes the set the session's.
    void showLayout(const QString &setName, ProjectionMethod method);
    /// Shows a stored layout by name.
    void showStoredLayout(const QString &layoutName);
    /// One click from an import to a map (core's planFor and runPlan). False when it cannot start
    /// (mapComputed reports the outcome otherwise).
    bool computeMap(qint64 datasetId);
    /// True while a map computation or a layout runs (for `datasetId` only, when given).
    bool isComputing(qint64 datasetId = 0) const;
    /// The layout last delivered by layoutReady (partial or final).
    const MapLayout &currentLayout() const { return m_layout; }
    /// Nothing on the map (no set chosen).
    void clear();
    /// Forgets the jobs and the layout of a project that is closing (the map is told by clear()
    /// once the next project is open).
    void reset();

signals:
    /// A layout for the map: `partial` while t-SNE or UMAP converge, then the final one. An
    /// empty name with no points means there is nothing to show.
    void layoutReady(const QString &name, const std::vector<double> &xy, const std::vector<qint64> &ids, bool partial);
    /// New sets or layouts are in the project (the datasets panel reloads); `current` names the
    /// set or layout to show as current there, empty when none.
    void projectUpdated(const QString &current);
    /// A compute-map run ended (its layouts are stored when ok).
    void mapComputed(const QString &setName, bool ok, const QString &message);
    /// A line for the status bar.
    void message(const QString &text, int timeoutMs);

private:
    void deliver(const MapLayout &layout);
    void startLayout(const QString &setName, const QString &name, ProjectionMethod method, bool stored);

    ProjectSession *m_session;
    MapLayout m_layout;
    QHash<qint64, JobId> m_mapJobs; ///< compute-map jobs by dataset
};

} // namespace orrery::ui
