#pragma once

#include "projection/sparsegraph.h"

#include <vector>

namespace orrery {

/// Settings of UMAP (McInnes, Healy & Melville 2018; defaults as umap-learn).
struct UmapOptions {
    int neighbors = 15; ///< n_neighbors, counting the point itself as umap-learn does
    double minDist = 0.1;
    double spread = 1.0;
    int epochs = 0; ///< 0: 500 up to 10,000 points, else 200
    int negativeSamples = 5; ///< per positive sample
    double learningRate = 1.0; ///< decays linearly to 0
    quint64 seed = 1;
};

/// Epochs UMAP runs: `requested` when positive, else 500 up to 10,000 points and 200 above.
int umapEpochs(int requested, qint64 n);

/// a and b of the low-dimensional similarity 1 / (1 + a·d^(2b)), fitted by least squares
/// (Levenberg–Marquardt) to the curve that is 1 up to minDist and decays as
/// exp(−(d − minDist) / spread) beyond, on 300 points of [0, 3·spread], as umap-learn does.
/// For 0.1 and 1.0 this gives a ≈ 1.577, b ≈ 0.895.
struct UmapCurve {
    double a = 1.577;
    double b = 0.8951;
};
UmapCurve fitUmapCurve(double minDist, double spread);

/// The fuzzy simplicial set of a k-NN graph of unit rows (distance √(2 − 2·cos), the point
/// itself not listed): ρᵢ is the distance to the nearest neighbour, σᵢ is found by binary
/// search so that Σⱼ exp(−(dᵢⱼ − ρᵢ)/σᵢ) = log₂(neighbors), and the directed memberships are
/// combined by fuzzy union a + b − a·b.
SparseGraph fuzzySimplicialSet(const Neighbours &nn, int neighbors, WorkerPool &pool, JobContext &job);

/// Spectral initialisation: the two leading non-trivial eigenvectors of the normalised adjacency
/// D^−½ W D^−½ (the normalised Laplacian's smallest non-trivial ones), found by block subspace
/// iteration with Rayleigh–Ritz on (I + D^−½ W D^−½) / 2 (at most 300 sweeps, stopping when the
/// residual falls below 1e-4), signs fixed, scaled to [0, 10] per axis with noise of 1e-4 as
/// umap-learn does. Returns an empty vector when the iteration fails (the caller then starts from PCA).
std::vector<double> spectralLayout(const SparseGraph &graph, quint64 seed, WorkerPool &pool, JobContext &job);

/// UMAP's stochastic gradient descent from `init` (count × 2), in single precision as umap-learn:
/// every epoch each edge is sampled as often as its weight allows (edges below max/epochs dropped),
/// with `negativeSamples` uniform negative samples per positive one, gradients clipped to ±4 and a
/// linearly decaying learning rate. Runs Hogwild-style on the pool's workers (each with its own
/// seeded stream), so only one worker gives the same layout bit for bit every time.
std::vector<double> umapOptimize(const SparseGraph &graph, std::vector<double> init, const UmapOptions &options,
                                 WorkerPool &pool, JobContext &job, const LayoutCallback &partial = {});

} // namespace orrery
