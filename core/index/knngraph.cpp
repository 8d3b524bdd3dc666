#include "knngraph.h"

#include "index/vectorindex.h"

#include <algorithm>

namespace orrery {

Neighbours buildKnnGraph(const RowMatrixXf &data, int k, JobContext &job, qint64 exactThreshold)
{
    if (data.rows() < exactThreshold)
        return exactKnn(data, k, job);
    // A throwaway HNSW graph: a lighter build than a stored index (efConstruction 100), and a
    // query breadth of at least 2k, which t-SNE and UMAP neighbourhoods need no more than.
    IndexOptions options;
    options.metric = Metric::Cosine;
    options.M = 16;
    options.efConstruction = 100;
    options.ef = std::max(2 * k, 32);
    options.exactThreshold = 0;
    options.recallQueries = 0;
    const VectorIndex index = VectorIndex::build(data, options, job);
    return index.allRows(k, options.threads, job);
}

} // namespace orrery
