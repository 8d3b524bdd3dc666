#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace orrery {
class Project;

/// One stored neighbour index of an embedding set (an index_blob row). Its metric is
/// `params["metric"]` ("cosine" when absent).
struct IndexBlob {
    qint64 setId = 0;
    QString kind; ///< "hnsw" or "exact"
    QJsonObject params; ///< what it was built with
    QString path; ///< the side file relative to the project's folder, or empty
    bool hasData = false; ///< whether `data` holds the graph inline
    QByteArray data;
    QJsonObject stats;
};

/// The newest stored index of a set with metric `metric` ("cosine", "l2"), or of any metric
/// when `metric` is empty; nullopt when there is none.
std::optional<IndexBlob> loadIndexBlob(Project &project, qint64 setId, const QString &metric = {});

/// In one transaction, deletes the set's stored indexes of the blob's metric and stores
/// `blob` (inline data only when `hasData`, a side file only when `path` is set). Returns the
/// side files the deleted rows named, for the caller to remove once its own file is in place.
std::vector<QString> replaceIndexBlob(Project &project, const IndexBlob &blob);

} // namespace orrery
