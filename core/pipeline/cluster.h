#pragma once

#include "base/clustering.h"
#include "base/jobcontext.h"

#include <QString>

namespace orrery {
class Project;

/// What clusterSet() computes.
struct ClusterRequest {
    QString setName; ///< k-means: the embedding set clustered in its own space
    QString layoutName; ///< density: the layout clustered on the map (its set is the clustering's)
    QString method = QStringLiteral("kmeans"); ///< "kmeans" or "density"
    QString name; ///< stored under it (default "<set>/kmeans" or "<layout>/density"), replacing
    int k = 0; ///< k-means: clusters; 0 chooses k by silhouette in [kMin, kMax] on a sample
    int kMin = 2;
    int kMax = 20;
    qint64 silhouetteSample = 3000;
    int iterations = 25;
    bool normalize = true; ///< k-means of the unit-length rows (cosine geometry), as the index compares them
    qint64 minSize = 0; ///< density: points a cluster needs (0: max(10, n / 500))
    quint64 seed = 1;
    int threads = 0; ///< 0: one per core
    int topTerms = 10;
    bool replace = true; ///< replace a stored clustering of the same name, else Error
};

/// The default name clusterSet() stores a request under.
QString clusteringName(const ClusterRequest &request);

/// Loads the set (k-means) or the layout (density), clusters its rows, merges the clusters into
/// coarser levels (clusterHierarchy), labels every level by c-TF-IDF of the items' terms
/// (itemTerms, labelClusters) and stores the clustering in one transaction. The GUI runs it
/// through JobRunner and the CLI directly; progress and cancellation go through `job`. Throws
/// Error for a bad method or an unknown set or layout before anything is written; the project
/// is unchanged when it throws.
Clustering clusterSet(Project &project, const ClusterRequest &request, JobContext &job);

} // namespace orrery
