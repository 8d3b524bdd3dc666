#pragma once

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <vector>

namespace orrery {

/// One cluster of a Clustering at one level of its hierarchy.
struct Cluster {
    qint32 id = 0; ///< unique within the clustering, over all levels
    qint32 level = 0; ///< 0 is the finest level
    qint32 parent = -1; ///< the cluster one level coarser, -1 at the top level
    qint64 size = 0; ///< rows in it
    QString label; ///< a few of its terms, joined for display
    QList<QPair<QString, double>> terms; ///< c-TF-IDF terms, most distinctive first
};

/// A clustering of one embedding set's rows: k-means in the embedding space or density clusters on
/// one of its layouts, with coarser levels merged from the finest one. Copyable value.
struct Clustering {
    qint64 id = 0; ///< row id in the `clustering` table, 0 until saved
    QString name; ///< unique in the project
    QString setName;
    qint64 setId = 0;
    QString layoutName; ///< density clusterings: the layout clustered; empty for k-means
    qint64 layoutId = 0;
    QString method; ///< "kmeans" or "density"
    QJsonObject params;
    QJsonObject stats;
    std::vector<qint32> assignment; ///< finest cluster id per row of the set, -1 for noise
    QList<Cluster> clusters; ///< every level's clusters

    qint64 count() const { return qint64(assignment.size()); }
};

/// One stored clustering as listed without its rows.
struct ClusteringInfo {
    qint64 id = 0;
    QString name;
    QString setName;
    QString layoutName;
    QString method;
    qint32 clusters = 0; ///< at the finest level
    qint32 levels = 0;
    QString created;
};

} // namespace orrery
