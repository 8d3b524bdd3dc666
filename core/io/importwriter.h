#pragma once

#include "io/importer.h"
#include "io/stringidmap.h"
#include "store/sqlite.h"

#include <QSet>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
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

/// Where readers put what they read. It dedupes items and assigns their ids in memory on
/// the reader's thread, and hands the rows in batches to a store thread that writes them
/// through prepared statements inside the import's one transaction. Parsing and SQLite
/// so run on both cores at once.
class ImportWriter final {
public:
    ImportWriter(Project &project, qint64 datasetId, const ImportOptions &options, JobContext &job);
    /// Stops the store thread; what it had not written is dropped (the caller rolls back).
    ~ImportWriter();
    ImportWriter(const ImportWriter &) = delete;
    ImportWriter &operator=(const ImportWriter &) = delete;

    /// The id of the item with this identity, creating it (and its FTS row) when new,
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
    /// Waits until everything is written; throws the store thread's error, if any.
    void finish();

    JobContext &job() { return m_job; }
    ImportStats &stats() { return m_stats; }
    qint64 datasetId() const { return m_datasetId; }
    const QString &datasetName() const { return m_datasetName; }
    void setDatasetName(const QString &name) { m_datasetName = name; }
    void setTotalBytes(qint64 bytes) { m_totalBytes = bytes; }

private:
    enum class OpType : quint8 { Item, Member, Sequence, Tag, ItemTag, DatasetAttrs, EmbeddingSet };
    struct Str {
        quint64 offset = 0;
        quint64 length = 0;
        bool null = true;
    };
    struct Op {
        OpType type;
        qint64 a = 0, b = 0, c = 0;
        Str s[7];
    };
    struct Batch {
        std::string arena;
        std::vector<Op> ops;
        std::vector<std::vector<char>> blobs;
        std::string_view view(const Str &s) const
        {
            return s.null ? std::string_view() : std::string_view(arena.data() + s.offset, s.length);
        }
        void clear()
        {
            arena.clear();
            ops.clear();
            blobs.clear();
        }
    };
    class Store;

    Str stash(std::string_view s, bool nullWhenEmpty = true);
    Op &push(OpType type);
    void flush();
    void storeLoop();
    void rethrowStoreError();
    qint64 existingItem(ItemKind kind, std::string_view identity);

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
    qint64 m_nextItemId = 1;
    qint64 m_nextTagId = 1;
    StringIdMap m_items[6]; ///< per ItemKind: identity (or key, for dataset-private items) -> id
    std::unordered_map<std::string, qint64> m_tags;
    std::unordered_set<qint64> m_sequences;
    QSet<QString> m_setNames;
    sqlite3 *m_reader = nullptr; ///< read-only connection for items that predate this import
    sql::Statement m_findItem;

    std::unique_ptr<Batch> m_batch;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::unique_ptr<Batch>> m_full;
    std::vector<std::unique_ptr<Batch>> m_free;
    bool m_closing = false;
    bool m_abort = false;
    QString m_storeError;
    std::thread m_thread;
};

} // namespace orrery::io
