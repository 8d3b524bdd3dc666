#include "itemlistmodel.h"

#include <QLocale>

namespace orrery::ui {

ItemListModel::ItemListModel(QObject *parent) : QAbstractTableModel(parent), m_scoreTitle(tr("Score")) { }

void ItemListModel::setItems(Project &project, const std::vector<qint64> &ids, const std::vector<double> &scores)
{
    std::vector<ItemLabel> labels = itemLabelsOf(project, ids);
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(labels.size());
    m_hasScores = !scores.empty() && scores.size() == ids.size();
    for (size_t i = 0; i < labels.size(); ++i)
        m_rows.push_back({std::move(labels[i]), m_hasScores ? scores[i] : 0.0});
    endResetModel();
}

void ItemListModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_hasScores = false;
    endResetModel();
}

QList<qint64> ItemListModel::ids() const
{
    QList<qint64> out;
    out.reserve(qsizetype(m_rows.size()));
    for (const Row &row : m_rows)
        out.append(row.label.id);
    return out;
}

int ItemListModel::rowOf(qint64 id) const
{
    for (size_t r = 0; r < m_rows.size(); ++r)
        if (m_rows[r].label.id == id)
            return int(r);
    return -1;
}

int ItemListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ItemListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ItemListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Position: return index.row() + 1;
        case Name: return row.label.name;
        case Detail: return row.label.artist.isEmpty() ? toString(row.label.kind) : row.label.artist;
        case Score: return m_hasScores ? QLocale().toString(row.score, 'f', 3) : QVariant();
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Name || index.column() == Detail)
            return row.label.key;
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Position || index.column() == Score)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case IdRole: return row.label.id;
    case ScoreRole: return m_hasScores ? QVariant(row.score) : QVariant();
    }
    return {};
}

QVariant ItemListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Position: return QStringLiteral("#");
    case Name: return tr("Name");
    case Detail: return tr("Artist / kind");
    case Score: return m_scoreTitle;
    }
    return {};
}

} // namespace orrery::ui
