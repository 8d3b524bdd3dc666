#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <vector>

namespace orrery {
/// A 2D map of an embedding set, as computed by `computeLayout()` or loaded from the project file.
/// Copyable value: row i of `xy` (x at 2i, y at 2i + 1) places row i of the set.
struct Layout {
    qint64 id = 0; ///< row id in the `layout` table, 0 until saved
    QString name; ///< unique in the project, e.g. "bbc/umap"
    QString setName; ///< the embedding set it maps
    qint64 setId = 0; ///< that set's row id (saveLayout resolves it from setName when 0)
    QString method; ///< "pca", "tsne" or "umap"
    QJsonObject params; ///< what it was computed with (seed, perplexity, neighbours, epochs, …)
    QJsonObject stats; ///< seconds, trustworthiness15, sampled and placed counts, …
    std::vector<double> xy; ///< count × 2, rows as in the set

    qint64 count() const { return qint64(xy.size() / 2); }
};

/// One stored layout as listed without its coordinates.
struct LayoutInfo {
    qint64 id = 0;
    QString name;
    QString setName;
    QString method;
    qint64 count = 0;
    QString created; ///< ISO 8601, UTC
};

} // namespace orrery
