#include "jobsmodel.h"

#include <QLocale>

#include <algorithm>

namespace orrery::ui {

JobsModel::JobsModel(JobRunner *runner, QObject *parent) : QAbstractTableModel(parent), m_runner(runner)
{
    m_ids = runner->jobs();
    connect(runner, &JobRunner::started, this, &JobsModel::added);
    connect(runner, &JobRunner::progressed, this, &JobsModel::changed);
    connect(runner, &JobRunner::finished, this, &JobsModel::removed);
}

void JobsModel::added(JobId id)
{
    if (m_ids.contains(id) || !m_runner->isRunning(id))
        return;
    const int row = int(m_ids.size());
    beginInsertRows({}, row, row);
    m_ids.append(id);
    endInsertRows();
}

void JobsModel::changed(JobId id)
{
    const int row = rowOf(id);
    if (row >= 0)
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void JobsModel::removed(JobId id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_ids.removeAt(row);
    endRemoveRows();
}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const JobRunner::Info info = m_runner->info(m_ids[index.row()]);
    const double fraction = info.total > 0 ? std::clamp(double(info.done) / double(info.total), 0.0, 1.0) : -1.0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Label: return info.label;
        case Progress:
            if (info.cancelling)
                return tr("Cancelling…");
            return fraction < 0 ? info.message : QStringLiteral("%1 %").arg(qRound(fraction * 100));
        case Remaining: return info.cancelling ? QString() : formatDuration(info.etaSeconds);
        case Cancel: return {};
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Label:
        case Progress: {
            QString tip = info.label;
            if (!info.message.isEmpty())
                tip += QStringLiteral("\n") + info.message;
            if (info.total > 0)
                tip += QStringLiteral("\n")
                    + tr("%1 of %2").arg(QLocale().toString(info.done), QLocale().toString(info.total));
            tip += QStringLiteral("\n") + tr("running for %1").arg(formatDuration(double(info.elapsedMs) / 1000.0));
            return tip;
        }
        case Cancel: return info.cancelling ? tr("Cancelling…") : tr("Cancel this job");
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Remaining)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case IdRole: return info.id;
    case ProgressRole: return fraction;
    case CancellingRole: return info.cancelling;
    }
    return {};
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Label: return tr("Job");
    case Progress: return tr("Progress");
    case Remaining: return tr("Left");
    case Cancel: return QString();
    }
    return {};
}

} // namespace orrery::ui
