#include "knngraph.h"

namespace orrery {

Neighbours buildKnnGraph(const RowMatrixXf &data, int k, JobContext &job, qint64 exactThreshold)
{
    // TODO(index): use the HNSW index above the threshold.
    Q_UNUSED(exactThreshold);
    return exactKnn(data, k, job);
}

} // namespace orrery
