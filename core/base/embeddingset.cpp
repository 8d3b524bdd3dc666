#include "base/embeddingset.h"

#include <cmath>

namespace orrery {

void EmbeddingSet::normalizeRows()
{
    for (qint64 i = 0; i < count(); ++i) {
        auto r = row(i);
        double norm = 0;
        for (const float v : r)
            norm += double(v) * v;
        if (norm > 0) {
            const float inv = float(1.0 / std::sqrt(norm));
            for (float &v : r)
                v *= inv;
        }
    }
}

} // namespace orrery
