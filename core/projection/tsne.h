#pragma once

#include "projection/sparsegraph.h"

#include <vector>

namespace orrery {

/// Settings of t-SNE's optimisation (van der Maaten 2014; defaults as openTSNE and FIt-SNE).
struct TsneOptions {
    double perplexity = 30;
    int iterations = 1000; ///< including the early exaggeration phase
    double theta = 0.5; ///< Barnes-Hut opening angle
    double exaggeration = 12;
    int exaggerationIterations = 250; ///< momentum 0.5 during them, 0.8 after
    double learningRate = 0; ///< 0: max(200, n / 12) (Belkina et al. 2019)
};

/// Neighbours t-SNE needs for a perplexity: 3·perplexity + 1, at most n − 1.
int tsneNeighbours(double perplexity, qint64 n);

/// Input affinities P from a k-NN graph of unit rows (squared distance 2 − 2·cos): a binary
/// search per point for the Gaussian precision whose conditional distribution has the given
/// perplexity, then P = (P + Pᵀ) / sum, so P sums to 1.
SparseGraph tsneAffinities(const Neighbours &nn, double perplexity, WorkerPool &pool, JobContext &job);

/// Barnes-Hut t-SNE (quadtree, θ) from `init` (count × 2), with gains, momentum and early
/// exaggeration. Forces are computed in parallel over fixed chunks of points and summed in
/// chunk order, so the result is the same bit for bit for any number of threads.
/// Checks `job` every iteration and calls `partial` (throttled to ≥ 100 ms) with the current layout.
std::vector<double> tsneOptimize(const SparseGraph &p, std::vector<double> init, const TsneOptions &options,
                                 WorkerPool &pool, JobContext &job, const LayoutCallback &partial = {});

} // namespace orrery
