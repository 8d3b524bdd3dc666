#include "datasetmodel.h"

#include "store/project.h"

#include <QLocale>

namespace orrery::ui {

DatasetModel::DatasetModel(QObject *parent) : QAbstractTableModel(parent) { }

void DatasetModel::reload(const Project *project)
{
    // Read first: a failing query leaves the list as it was.
    QList<DatasetInfo> datasets = project ? project->datasets() : QList<DatasetInfo>();
    beginResetModel();
    m_datasets = std::move(datasets);
    endResetModel();
}

void DatasetModel::clear()
{
    reload(nullptr);
}

int DatasetModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_datasets.size(); ++row)
        if (m_datasets[row].id == id)
            return row;
    return -1;
}

int DatasetModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_datasets.size(); ++row)
        if (m_datasets[row].name == name)
            return row;
    return -1;
}

int DatasetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_datasets.size());
}

int DatasetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatasetModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DatasetInfo &d = m_datasets[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return d.name;
        case Kind: return toString(d.kind);
        case Items: return QLocale().toString(d.items);
        case Sequences: return QLocale().toString(d.sequences);
        case Entries: return QLocale().toString(d.entries);
        case Tags: return QLocale().toString(d.tags);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Name)
            return tr("%1 — %2, read as %3").arg(d.name, toString(d.kind), d.format);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() >= Items)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case IdRole: return d.id;
    }
    return {};
}

QVariant DatasetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section >= Items)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case Kind: return tr("Kind");
    case Items: return tr("Items");
    case Sequences: return tr("Sequences");
    case Entries: return tr("Entries");
    case Tags: return tr("Tags");
    }
    return {};
}

} // namespace orrery::ui
