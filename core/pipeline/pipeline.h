#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "base/layout.h"
#include "base/types.h"
#include "embed/pooling.h"
#include "projection/computelayout.h"

#include <QString>

#include <vector>

namespace orrery {
class Project;

/// One embedding step of a MapPlan: computes a set from a dataset and stores it.
struct EmbedStep {
    enum class Method {
        Sgns, ///< item2vec / word2vec on the dataset's sequences (SgnsOptions::forPlaylists or forText)
        Pool, ///< one vector per sequence, pooled from the item vectors of `from`
        Lsa, ///< latent semantic analysis of the dataset's documents
        Mbat, ///< MBAT vectors of the dataset's JSON records
    };
    Method method = Method::Sgns;
    qint64 datasetId = 0;
    QString setName; ///< the set it stores, "<dataset>/<method>"
    QString from; ///< Pool: the set of item vectors it pools
    PoolingMethod pooling = PoolingMethod::Mean;
    quint64 seed = 1;
    int threads = 0; ///< Sgns: worker threads (0: one per core)

    /// "item2vec (SGNS) of the songs", for status lines and the jobs panel.
    QString describe() const;
};

/// How one click goes from an imported dataset to a map: the sets to compute, in order, the set
/// the map shows, and the projections to compute for it (a quick one first).
struct MapPlan {
    qint64 datasetId = 0;
    QString datasetName;
    DatasetKind kind = DatasetKind::Playlists;
    std::vector<EmbedStep> steps; ///< left out when their set is stored already (planFor's `recompute`)
    QString mapSet; ///< the set the map shows
    std::vector<ProjectionMethod> projections; ///< PCA (at once), then UMAP (converging)

    /// One line: "item2vec (SGNS) of the songs, then mean pooling of the playlists; map: PCA, UMAP".
    QString summary() const;
};

/// The default plan for a dataset, by its kind:
/// - playlists: item2vec of the songs (SGNS, SgnsOptions::forPlaylists), then mean pooling of the
///   playlists from those vectors; the map shows the songs;
/// - documents: LSA (training-free, a second for thousands of documents); the map shows documents;
/// - records: MBAT (256 dimensions); the map shows the records;
/// - vectors: the imported set as it is.
/// Projections: PCA, then UMAP. Steps whose set is stored already are left out unless
/// `recompute`. Throws Error for an unknown dataset or one with nothing to embed.
MapPlan planFor(Project &project, qint64 datasetId, bool recompute = false);

/// Runs one step, storing its set under step.setName (replacing one of that name). Returns it.
/// Throws Error (or Cancelled through `job`).
EmbeddingSet runEmbedStep(Project &project, const EmbedStep &step, JobContext &job);

/// The options the app and planFor use for a method: all cores, seed 1, the projector's defaults,
/// and a trustworthiness sample small enough to measure in well under a second.
ProjectionOptions defaultProjection(ProjectionMethod method);

/// The name a set's layout by `method` is stored under: "<set>/<method>".
QString layoutName(const QString &setName, ProjectionMethod method);

/// Computes the layout of a stored set with defaultProjection(method) and stores it under
/// layoutName(), replacing. `partial` gets intermediate layouts as in computeLayout(). Throws Error.
Layout runLayoutStep(Project &project, const QString &setName, ProjectionMethod method, JobContext &job,
                     const LayoutCallback &partial = {});

/// Runs a whole plan: every step, then every projection (each stored). `onLayout` gets each
/// stored layout and, with `partial` set, intermediate ones. Returns the stored layouts.
using PlanLayoutFn = std::function<void(const Layout &layout, bool partial)>;
std::vector<Layout> runPlan(Project &project, const MapPlan &plan, JobContext &job, const PlanLayoutFn &onLayout = {});

} // namespace orrery
