#pragma once

#include "store/itemdetails.h"

#include <QAbstractTableModel>

#include <vector>

namespace orrery {
class Project;
}

namespace orrery::ui {

/// A short list of items: a search's results, an item's neighbours, a playlist's songs.
/// Rows keep the order given; a score column appears when scores are given (similarity, rank).
class ItemListModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Position, Name, Detail, Score, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, ScoreRole };

    explicit ItemListModel(QObject *parent = nullptr);

    /// Shows `ids` (reading their names from `project`) with optional scores, one per id.
    /// Throws Error on a failing query, leaving the list as it was.
    void setItems(Project &project, const std::vector<qint64> &ids, const std::vector<double> &scores = {});
    void clear();
    /// Header of the score column, e.g. "Similarity".
    void setScoreTitle(const QString &title) { m_scoreTitle = title; }

    qint64 itemId(int row) const { return m_rows.at(size_t(row)).label.id; }
    QList<qint64> ids() const;
    int rowOf(qint64 id) const;
    bool hasScores() const { return m_hasScores; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        ItemLabel label;
        double score = 0;
    };
    std::vector<Row> m_rows;
    bool m_hasScores = false;
    QString m_scoreTitle;
};

} // namespace orrery::ui
