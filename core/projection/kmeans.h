#pragma once

#include "base/jobcontext.h"

#include <QtGlobal>

#include <vector>

namespace orrery {

/// How kmeans() runs.
struct KMeansOptions {
    int k = 8;
    int iterations = 20; ///< Lloyd iterations at most; stops earlier when no row moves
    quint64 seed = 1;
    int threads = 0; ///< workers for the assignment step (0: one per core)
    qint64 seedSample = 0; ///< rows k-means++ seeds from (0: max(20 000, 40·k), capped at n)
};

/// A k-means result: `k` centroids (k × dim, row-major) and each row's nearest one.
struct KMeansResult {
    int k = 0;
    int dim = 0;
    std::vector<float> centroids;
    std::vector<qint32> assignment;
    std::vector<qint64> sizes;
    double inertia = 0; ///< sum of squared distances to the assigned centroid
    int iterations = 0; ///< Lloyd iterations run
};

/// k-means of `n` rows of `dim` floats (row-major): k-means++ seeding on a sample, then Lloyd
/// iterations whose assignment step (distances as ‖x‖² − 2x·c + ‖c‖² by blocked matrix products)
/// runs on the workers; a centroid left empty is moved onto the row farthest from its own.
/// The result depends on the seed only, not on the number of threads. Cancellable through `job`.
KMeansResult kmeans(const float *data, qint64 n, int dim, const KMeansOptions &options, JobContext &job);

/// Mean silhouette of `n` rows under `assignment` (Euclidean; rows of singleton clusters count 0).
/// O(n²·dim): meant for samples of a few thousand rows.
double silhouette(const float *data, qint64 n, int dim, const std::vector<qint32> &assignment, int k);

/// One k tried by chooseK().
struct KScore {
    int k = 0;
    double silhouette = 0;
};

/// The k in [kMin, kMax] whose k-means of a seeded sample of `sample` rows has the best mean
/// silhouette on that sample. `scores` (optional) gets every k tried.
int chooseK(const float *data, qint64 n, int dim, int kMin, int kMax, qint64 sample, quint64 seed, JobContext &job,
            std::vector<KScore> *scores = nullptr);

} // namespace orrery
