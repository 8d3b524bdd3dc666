#pragma once

#include "model/types.h"

#include <QAbstractTableModel>
#include <QList>

namespace orrery {
class Project;
}

namespace orrery::ui {

/// The datasets of one project, one row each, as `Project::datasets()` lists them.
class DatasetModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Kind, Items, Sequences, Entries, Tags, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1 };

    explicit DatasetModel(QObject *parent = nullptr);

    /// Re-reads the list from `project` (nullptr empties it). Throws Error.
    void reload(const Project *project);
    void clear();

    const QList<DatasetInfo> &datasets() const { return m_datasets; }
    const DatasetInfo &dataset(int row) const { return m_datasets.at(row); }
    /// The row of a dataset by id or name, or -1.
    int rowOf(qint64 id) const;
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<DatasetInfo> m_datasets;
};

} // namespace orrery::ui
