#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
#include "index/exactknn.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace orrery {
class Project;

/// How nearness is measured. Cosine searches the inner product of L2-normalised copies of the
/// rows; L2 searches Euclidean distance on the rows as they are.
enum class Metric { Cosine, L2 };

/// "cosine" or "l2".
QString toString(Metric metric);
bool fromString(const QString &name, Metric *metric);

struct IndexOptions {
    Metric metric = Metric::Cosine;
    int M = 16; ///< graph degree (HNSW M; the bottom layer keeps 2M links)
    int efConstruction = 200; ///< search breadth while inserting
    int ef = 0; ///< search breadth of queries; 0 tunes it on the recall sample
    int threads = 2; ///< insert and measuring threads
    qint64 exactThreshold = 20000; ///< below this many rows: no graph, exact brute-force search
    int recallQueries = 1000; ///< rows sampled to measure recall@recallK (0: not measured)
    int recallK = 10;
    double targetRecall = 0.98; ///< the tuned ef is the first of 16, 32, 64, … reaching it
    quint64 seed = 1; ///< seeds the recall sample and the graph's level draws
    bool checkRecall = false; ///< also measure recall at the chosen ef on a second, held-out sample
};

/// Whether VectorIndex::loadOrBuild stores an index it had to build.
enum class SaveBuilt {
    Never, ///< the project is only read
    Always,
    GraphOnly, ///< only an HNSW graph: an exact index builds again in about the time it takes to load
};

/// One search result. `similarity` is the cosine for Metric::Cosine and the negated Euclidean
/// distance for Metric::L2, so larger is nearer under both.
struct Neighbour {
    qint64 row = -1;
    qint64 itemId = 0;
    float similarity = 0;
    friend bool operator==(const Neighbour &, const Neighbour &) = default;
};

/// What a filtered query may return: by dataset membership, a tag or label name, or an
/// attribute of `item.attrs` (all given conditions must hold).
struct IndexFilter {
    qint64 datasetId = 0;
    QString tag; ///< a tag or label name, exactly as stored
    QString attrPath; ///< a JSON path such as `$.genre` (a bare `genre` means `$.genre`)
    QString attrValue; ///< compared as text, as a number when the attribute is one, or as an element of an array
    bool isEmpty() const { return datasetId == 0 && tag.isEmpty() && attrPath.isEmpty(); }
};

/// An IndexFilter resolved against one index's rows (VectorIndex::filter).
struct RowFilter {
    std::vector<quint8> admitted; ///< one flag per row
    std::vector<qint64> rows; ///< the admitted rows, ascending
    /// A filtered query scans the admitted rows exactly instead of over-fetching from the
    /// graph when there are at most this many of them (cheaper than the graph then, and exact).
    qint64 scanBelow = 4096;
    bool accepts(qint64 row) const { return admitted[size_t(row)] != 0; }
};

/// Typed text turned into a query vector in an embedding set's space.
struct TextQuery {
    std::vector<float> vector; ///< empty when no word was known
    QStringList words; ///< the known words, in order (repeats kept: they weigh the average)
    QStringList skipped; ///< unknown words, once each: they do not take part
};

/// The vector of `text` in the space of `set`: the text is tokenised (orrery::io::Tokenizer,
/// case-folded) and each token looked up as a word item (kind Word, identity = the folded word).
/// When the set holds words, their rows are averaged directly; otherwise the rows of the
/// word-vector set named in the set's params "from" (as mean or SIF pooling record it) are
/// averaged, which lives in the same space when the pooled set has the words' dimension.
/// Throws Error when the set has no word space to look words up in.
TextQuery textQuery(Project &project, const EmbeddingSet &set, const QString &text);

/// Exact k nearest rows of `set` for each query row (similarity as in Neighbour), by blocked
/// matrix products over chunks of the set's rows, so memory stays small for millions of rows:
/// the ground truth approximate search is measured against. Runs on `threads` threads.
std::vector<std::vector<Neighbour>> exactSearch(const EmbeddingSet &set, const RowMatrixXf &queries, int k,
                                                Metric metric, int threads, JobContext &job);

/// A k-nearest-neighbour index over one embedding set: an HNSW graph (hnswlib) above
/// `exactThreshold` rows, exact brute-force search below it (the same results as exactKnn).
/// Rows keep their numbers: graph labels are row numbers, results carry row and item id.
///
/// Building measures recall@10 against exact search on a seeded sample of rows and, unless
/// an ef was given, tunes ef upward (16, 32, 64, …) until the sample reaches the target
/// recall; both are stored with the index. Queries are const and may run concurrently;
/// setEf must not run while a query does.
class VectorIndex final {
public:
    /// Builds the index of a set with parallel inserts on `options.threads` threads. Reports
    /// progress (inserted/total); a cancel takes effect within one insert per thread, and
    /// Cancelled is thrown after the threads have joined.
    static VectorIndex build(const EmbeddingSet &set, const IndexOptions &options, JobContext &job);
    /// The same over bare rows: item ids are the row numbers, and the index cannot be saved.
    static VectorIndex build(const RowMatrixXf &rows, const IndexOptions &options, JobContext &job);

    /// Indexes up to this size are stored inside the project (index_blob.data); larger ones in a
    /// side file `<project>.indexes/<set id>-<metric>.hnsw` named by index_blob.path.
    static constexpr qint64 DefaultInlineLimit = qint64(64) << 20;
    /// Stores the index as the set's index_blob row for its metric, replacing (and deleting
    /// the side file of) the one stored before. Returns the side file's path, or an empty
    /// string when the graph went inline (or the index is exact). Throws Error.
    QString save(Project &project, qint64 inlineLimit = DefaultInlineLimit) const;
    /// The set's stored index (for `metric`, or the newest of any metric), without a rebuild;
    /// nullopt when there is none, or when it is stale (the set's count, dimension or ids
    /// changed, or its side file is missing or unreadable).
    static std::optional<VectorIndex> load(Project &project, const EmbeddingSet &set,
                                           std::optional<Metric> metric = std::nullopt);

    /// The set's stored index for `metric` (the newest of any metric when nullopt), as load()
    /// finds it; else one built with `options` (its metric replaced by `metric` when one is
    /// given), stored as `save` says. `beforeBuilding`, when set, is called just before a build
    /// starts (to tell the user why this takes a while); `*built` says whether one was built.
    /// Throws Error when saving fails, Cancelled when the job is cancelled while building.
    static VectorIndex loadOrBuild(Project &project, const EmbeddingSet &set, std::optional<Metric> metric,
                                   const IndexOptions &options, SaveBuilt save, JobContext &job, bool *built = nullptr,
                                   const std::function<void()> &beforeBuilding = {});

    VectorIndex(VectorIndex &&other) noexcept;
    VectorIndex &operator=(VectorIndex &&other) noexcept;
    ~VectorIndex();

    bool isExact() const { return m_graph == nullptr; }
    Metric metric() const { return m_metric; }
    qint64 count() const { return qint64(m_ids.size()); }
    int dim() const { return m_dim; }
    qint64 setId() const { return m_setId; }
    /// The query breadth in use (0 for an exact index).
    int ef() const { return m_ef; }
    void setEf(int ef);
    /// Recall@10 measured on the sample at the stored ef (1 for an exact index).
    double recall() const;
    /// What the index was built with ("metric", "M", "ef_construction", "ef", "count", "dim", …).
    const QJsonObject &params() const { return m_params; }
    /// "recall_at_10", "ef", "sample", "tuning" (recall per ef tried), "build_seconds", …
    const QJsonObject &stats() const { return m_stats; }

    /// The row of an item, or -1 when the set has none.
    qint64 rowOf(qint64 itemId) const;
    qint64 itemId(qint64 row) const { return m_ids[size_t(row)]; }
    /// A row as indexed (unit length under Metric::Cosine).
    std::vector<float> vector(qint64 row) const;

    /// Resolves a filter against the project into the rows it admits. Throws Error for an
    /// unknown tag or a malformed JSON path.
    RowFilter filter(Project &project, const IndexFilter &filter) const;

    /// The k nearest rows to an item's row, the item itself excluded. Throws Error when the
    /// item has no row in the set.
    std::vector<Neighbour> ofItem(qint64 itemId, int k, const RowFilter *filter = nullptr) const;
    /// The k nearest rows to the normalised centroid of some items' rows (the plain centroid
    /// under L2), the items themselves excluded. Items without a row are ignored; Error when
    /// none has one.
    std::vector<Neighbour> ofItems(std::span<const qint64> itemIds, int k, const RowFilter *filter = nullptr) const;
    /// The k nearest rows to a vector of the set's dimension, except `excludeRows`.
    std::vector<Neighbour> ofVector(std::span<const float> vector, int k, const RowFilter *filter = nullptr,
                                    std::span<const qint64> excludeRows = {}) const;
    /// The k nearest neighbours of every row, itself excluded, queried on `threads` threads;
    /// similarities are cosines under Metric::Cosine (the kNN graph t-SNE and UMAP start from).
    Neighbours allRows(int k, int threads, JobContext &job) const;

private:
    struct Graph;
    struct RecallSample;
    VectorIndex();
    static VectorIndex buildRows(const float *data, qint64 rows, int dim, std::vector<qint64> ids, qint64 setId,
                                 const IndexOptions &options, JobContext &job);
    void finishLookup();
    void prepare(const float *in, float *out) const;
    std::vector<Neighbour> search(const float *prepared, int k, const RowFilter *filter,
                                  std::span<const qint64> excludeSorted) const;
    std::vector<Neighbour> scan(const float *prepared, int k, const RowFilter *filter,
                                std::span<const qint64> excludeSorted, bool onlyAdmitted) const;
    float similarityOf(float distance) const;
    RecallSample makeSample(int k, int queries, quint64 seed, int threads, JobContext &job) const;
    double recallOn(const RecallSample &sample, int threads, JobContext &job) const;

    std::unique_ptr<Graph> m_graph; ///< null for an exact index
    RowMatrixXf m_exact; ///< exact index: the rows (unit length under cosine)
    std::vector<float> m_sqNorms; ///< exact index under L2: squared row norms
    Metric m_metric = Metric::Cosine;
    int m_dim = 0;
    int m_ef = 0;
    qint64 m_setId = 0;
    std::vector<qint64> m_ids; ///< row -> item id
    std::vector<std::pair<qint64, qint64>> m_byId; ///< (item id, row), sorted
    std::vector<quint32> m_internal; ///< row -> graph-internal id
    QJsonObject m_params;
    QJsonObject m_stats;
};

} // namespace orrery
