#pragma once

#include "base/clustering.h"

#include <QList>
#include <QString>

namespace orrery {
class Project;

/// Stores a clustering and its clusters in one transaction; one with the same name is replaced
/// when `replace` is set, else Error. The row count must match the set's. Sets and returns its id.
qint64 saveClustering(Project &project, Clustering &clustering, bool replace = false);
/// Loads a clustering by name. Throws Error when unknown.
Clustering loadClustering(Project &project, const QString &name);
/// Every stored clustering, by name.
QList<ClusteringInfo> listClusterings(Project &project);
/// The clusterings of one embedding set, by name.
QList<ClusteringInfo> clusteringsOfSet(Project &project, qint64 setId);
/// Removes a clustering; false when there was none of that name.
bool removeClustering(Project &project, const QString &name);

} // namespace orrery
