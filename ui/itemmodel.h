#pragma once

#include "base/types.h"
#include "store/itempages.h"

#include <QAbstractTableModel>

#include <vector>

namespace orrery {
class Project;
}

namespace orrery::ui {

/// The items of one dataset (its sequences' own items left out, as in DatasetInfo::items),
/// optionally only those matching a full-text search. Rows arrive a page at a time through
/// canFetchMore()/fetchMore(), in item id order, so a dataset of millions opens at once.
class ItemModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Key, Kind, Title, Artist, Album, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1 };
    static constexpr int PageSize = 2000;

    explicit ItemModel(QObject *parent = nullptr);

    /// Shows dataset `datasetId` of `project` (which must outlive the model, or be replaced
    /// first), keeping the current search. `knownTotal` spares a count query when the caller
    /// has it (DatasetInfo::items); -1 counts.
    void setDataset(const Project *project, qint64 datasetId, qint64 knownTotal = -1);
    /// Shows only the items whose title, artist, album, text or attributes match every word
    /// of `text` (the last word as a prefix); an empty text shows all. False when the query
    /// failed (see error()); the model is then empty.
    bool setSearch(const QString &text);
    void clear();

    qint64 datasetId() const { return m_datasetId; }
    const QString &search() const { return m_search; }
    bool isSearching() const { return !m_fts.isEmpty(); }
    /// Rows in all pages, or -1 when unknown.
    qint64 totalCount() const { return m_total; }
    const QString &error() const { return m_error; }
    qint64 itemId(int row) const { return m_rows.at(size_t(row)).id; }

    /// What a user typed as an FTS5 query: each word a quoted string (so punctuation and
    /// FTS5 operators are plain text), the last one a prefix. Empty when there is no word.
    static QString ftsQuery(const QString &text);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    /// A query failed; the message is fit for the status bar.
    void failed(const QString &message);

private:
    void restart();
    std::vector<ItemRow> page() const;
    qint64 count() const;

    const Project *m_project = nullptr;
    qint64 m_datasetId = 0;
    QString m_search;
    QString m_fts;
    std::vector<ItemRow> m_rows;
    qint64 m_datasetTotal = -1; ///< the caller's count of all items, or -1
    qint64 m_total = 0;
    bool m_exhausted = true;
    bool m_notifying = false; ///< between begin and end of a reset or insert
    QString m_error;
};

} // namespace orrery::ui
