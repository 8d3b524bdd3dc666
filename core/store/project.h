#pragma once

#include "base/types.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <span>
#include <vector>

struct sqlite3;

namespace orrery {

/// A project file: one SQLite database holding datasets, items, sequences, tags,
/// embedding sets and what later stages compute from them.
///
/// One Project is one connection; use it from one thread at a time. A worker
/// that writes opens its own Project on the same path (WAL lets the GUI read meanwhile).
class Project final {
public:
    /// The schema version this build writes; `PRAGMA user_version` holds it.
    static constexpr int SchemaVersion = 3;

    /// Opens or creates the file and migrates it to SchemaVersion. Throws Error.
    explicit Project(const QString &path);
    ~Project();
    Project(const Project &) = delete;
    Project &operator=(const Project &) = delete;

    sqlite3 *db() const { return m_db; }
    const QString &path() const { return m_path; }
    int schemaVersion() const;

    QList<DatasetInfo> datasets() const;
    /// Dataset id by name, or 0.
    qint64 datasetId(const QString &name) const;
    QList<EmbeddingSetInfo> embeddingSets() const;

    /// Item id for a source key, optionally within one dataset; 0 when unknown.
    qint64 itemForKey(const QString &key, qint64 datasetId = 0) const;

    /// The folder beside the project that holds neighbour indexes too large to store inline:
    /// `<project file>.indexes`.
    QString indexFolder() const;
    /// Deletes the graph files in indexFolder() that no index_blob row names any more (left
    /// behind when a set was replaced or deleted). Call it after the deleting transaction has
    /// committed. Returns how many files went.
    int removeUnreferencedIndexFiles();

private:
    void migrate();
    sqlite3 *m_db = nullptr;
    QString m_path;
};

/// Packs item ids as the little-endian int64 array that `sequence.entries` and
/// `embedding_set.ids` hold.
QByteArray packIds(const std::vector<qint64> &ids);
std::vector<qint64> unpackIds(std::span<const std::byte> blob);

/// The SQLite library's version, e.g. "3.40.1" (for About boxes).
QString sqliteVersion();

} // namespace orrery
