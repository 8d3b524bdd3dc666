#pragma once

#include "jobrunner.h"

#include <QAbstractTableModel>
#include <QList>

namespace orrery::ui {

/// The running jobs of a JobRunner, one row each, oldest first: what the jobs panel lists.
class JobsModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Label, Progress, Remaining, Cancel, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1,
        ProgressRole, ///< done / total in [0, 1], or -1 while the total is unknown
        CancellingRole,
    };

    explicit JobsModel(JobRunner *runner, QObject *parent = nullptr);

    JobId jobAt(int row) const { return m_ids.at(row); }
    int rowOf(JobId id) const { return int(m_ids.indexOf(id)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void added(JobId id);
    void changed(JobId id);
    void removed(JobId id);

    JobRunner *m_runner;
    QList<JobId> m_ids;
};

} // namespace orrery::ui
