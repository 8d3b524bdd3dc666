#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <vector>

namespace orrery {
class Project;

/// A 2D map of an embedding set, as computed by `project()` or loaded from the project file.
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

/// Stores a layout in one transaction; one with the same name is replaced when `replace` is set,
/// else Error. The row count must match the set's. Sets and returns `layout.id`.
qint64 saveLayout(Project &project, Layout &layout, bool replace = false);
/// Loads a layout by name. Throws Error when unknown.
Layout loadLayout(Project &project, const QString &name);
/// Every stored layout, by name.
QList<LayoutInfo> listLayouts(Project &project);
/// Removes a layout; false when there was none of that name.
bool removeLayout(Project &project, const QString &name);

} // namespace orrery
