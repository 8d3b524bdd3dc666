#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "base/layout.h"
#include "projection/sparsegraph.h"

#include <QString>

namespace orrery {

enum class ProjectionMethod { Pca, Tsne, Umap };

/// "pca", "tsne", "umap".
QString toString(ProjectionMethod method);
bool fromString(const QString &name, ProjectionMethod *method);

/// How rows outside a sample find their nearest sampled rows. Auto: exact (blocked matrix
/// products) while rest × sample ≤ 4·10⁹, else an HNSW index over the sample.
enum class PlacementSearch { Auto, Exact, Hnsw };

/// Above this many rows, t-SNE and UMAP fit a seeded sample of this size and place the other
/// rows from their nearest sampled neighbours (a sample of 200,000 keeps a UMAP of a million
/// rows to a few minutes on two cores and the map's structure intact).
constexpr qint64 DefaultSampleThreshold = 200000;

/// How to compute a layout. Every method sees the rows scaled to unit length: the cosine
/// geometry all of Orrery's neighbour searches use.
struct ProjectionOptions {
    ProjectionMethod method = ProjectionMethod::Umap;
    quint64 seed = 1;
    int threads = 0; ///< ≤ 0: one per hardware thread
    double perplexity = 30; ///< t-SNE
    int neighbors = 15; ///< UMAP's n_neighbors (the point itself included, as umap-learn counts)
    double minDist = 0.1; ///< UMAP
    int epochs = 0; ///< t-SNE iterations (0: 1000) or UMAP epochs (0: 500 up to 10,000 points, else 200)
    qint64 sampleThreshold = DefaultSampleThreshold; ///< ≤ 0: never sample
    int placeNeighbors = 10; ///< sampled neighbours that place each remaining row
    PlacementSearch placementSearch = PlacementSearch::Auto;
    qint64 trustSample = 2000; ///< points trustworthiness@15 is measured on (0: not measured)
    QString name; ///< layout name; empty: "<set>/<method>"
};

/// Computes a 2D layout of `set`'s rows.
///
/// - pca: the two leading principal axes (see principalAxes), on all rows.
/// - tsne: k-NN graph (buildKnnGraph, k = 3·perplexity + 1), perplexity-calibrated affinities,
///   Barnes-Hut t-SNE from a PCA start scaled to standard deviation 1e-4.
/// - umap: k-NN graph (n_neighbors − 1 besides the point itself), fuzzy simplicial set,
///   spectral start (PCA when the eigen-iteration fails), SGD with negative sampling.
///
/// Above `sampleThreshold` rows, t-SNE and UMAP fit a seeded sample; every other row is placed at
/// the similarity-weighted mean of its `placeNeighbors` nearest sampled rows (exact search for
/// small products of sample and rest, else an HNSW index over the sample, which then also gives
/// the sample's own k-NN graph).
///
/// Reproducibility: the same seed gives the same layout bit for bit for PCA and t-SNE with any
/// number of threads and for UMAP with threads = 1, as long as the k-NN graph repeats (exact
/// search always does; HNSW with one thread does). UMAP with more threads is Hogwild SGD: the
/// layout differs run to run in detail, not in quality.
///
/// `partial` gets intermediate layouts of all rows (placed rows follow their sampled neighbours)
/// at most every 100 ms; `job` reports progress and is checked every iteration, epoch or block,
/// so a cancel takes effect within milliseconds of a long phase's next check (Cancelled is thrown).
/// The returned layout is not saved; its stats hold seconds, trustworthiness15, sampled and placed.
Layout computeLayout(const EmbeddingSet &set, const ProjectionOptions &options, JobContext &job,
                     const LayoutCallback &partial = {});

} // namespace orrery
