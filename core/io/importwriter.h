#pragma once

#include "io/importer.h"
#include "store/sqlite.h"

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace orrery {
class Project;
}

namespace orrery::io {

/// The fields of one item as a reader hands them over. Views are only read during the call.
struct ItemFields {
    ItemKind kind = ItemKind::Track;
    /// What makes two rows one item (a URI, or normalised artist + title). Empty: the item
    /// is private to this dataset and identified by its key.
    std::string_view identity;
    std::string_view key; ///< the source key users see and type
    std::string_view title;
    std::string_view artist;
    std::string_view album;
    std::string_view body;
    std::string_view attrs; ///< a JSON object, or empty
};

/// Where readers put what they read. It dedupes items, packs sequences and writes
/// through prepared statements inside the import's one transaction.
class ImportWriter final
{
public:
    ImportWriter(Project &project, qint64 datasetId, const ImportOptions &options, JobContext &job);
    ~ImportWriter();

    /// The id of the item with this identity, inserting it (and its FTS row) when new,
    /// and recording it as part of the dataset under `fields.key`.
    qint64 item(const ItemFields &fields);
    /// The id of an item already seen in this import by kind and identity (or key when the
    /// identity is empty), or 0.
    qint64 find(ItemKind kind, std::string_view identityOrKey) const;
    /// Creates a playlist or document: an item of its own plus its ordered entries.
    qint64 sequence(const ItemFields &fields, std::span<const qint64> entries);
    /// Attaches a tag (or, with label = true, a class label) to an item.
    void tag(qint64 itemId, std::string_view name, bool label = false);
    /// Stores imported vectors as an embedding set; rows follow `ids`.
    void embeddingSet(const QString &name, ItemKind kind, const QString &method, std::span<const qint64> ids,
                      std::span<const float> vectors, int dim, const QString &paramsJson);
    /// Sets the dataset's attributes (a JSON object).
    void datasetAttributes(std::string_view json);
    bool hasDatasetAttributes() const { return m_hasAttributes; }

    /// A problem confined to one record: skipped and counted, or fatal under --strict.
    void skipRecord(const QString &where, const QString &message);

    /// Reports progress through the import's bytes; checks for cancel.
    void advance(qint64 bytesDone);
    void beginFile(const QString &path, qint64 bytes);

    JobContext &job() { return m_job; }
    ImportStats &stats() { return m_stats; }
    qint64 datasetId() const { return m_datasetId; }
    const QString &datasetName() const { return m_datasetName; }
    void setDatasetName(const QString &name) { m_datasetName = name; }
    void setTotalBytes(qint64 bytes) { m_totalBytes = bytes; }

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
    };
    using ItemMap = std::unordered_map<std::string, qint64, Hash, std::equal_to<>>;
    ItemMap &itemsOf(ItemKind kind) { return m_items[size_t(kind)]; }
    const ItemMap &itemsOf(ItemKind kind) const { return m_items[size_t(kind)]; }

    Project &m_project;
    qint64 m_datasetId;
    const ImportOptions &m_options;
    JobContext &m_job;
    ImportStats m_stats;
    QString m_datasetName;
    std::string m_scope; ///< prefix that makes dataset-private identities unique
    bool m_projectHadItems = false;
    bool m_hasAttributes = false;
    qint64 m_totalBytes = 0;
    qint64 m_bytesBefore = 0;
    ItemMap m_items[6]; ///< per ItemKind: identity (or key, for dataset-private items) -> id
    std::unordered_map<std::string, qint64> m_tags;

    sql::Statement m_findItem, m_insertItem, m_insertFts, m_insertMember, m_insertSequence, m_findTag, m_insertTag,
        m_insertItemTag;
};

} // namespace orrery::io
