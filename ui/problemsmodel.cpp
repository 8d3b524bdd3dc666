#include "problemsmodel.h"

#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QRegularExpression>
#include <QStyle>

#include <algorithm>

namespace orrery::ui {

ProblemsModel::ProblemsModel(QObject *parent) : QAbstractTableModel(parent) { }

ProblemsModel::Problem ProblemsModel::parse(const QString &text, bool error)
{
    // "path:12: message" or "path:12:7: message"; a path may hold colons, a line number may not.
    static const QRegularExpression located(QStringLiteral("^(.+?):(\\d+)(?::(\\d+))?: (.*)$"),
                                            QRegularExpression::DotMatchesEverythingOption);
    Problem p;
    p.error = error;
    p.when = QDateTime::currentDateTime();
    const QRegularExpressionMatch m = located.match(text);
    if (m.hasMatch()) {
        p.file = m.captured(1);
        p.line = m.captured(2).toInt();
        p.column = m.captured(3).toInt();
        p.message = m.captured(4);
    } else {
        static const QRegularExpression filed(QStringLiteral("^(/[^:]+): (.*)$"),
                                              QRegularExpression::DotMatchesEverythingOption);
        const QRegularExpressionMatch f = filed.match(text);
        if (f.hasMatch()) {
            p.file = f.captured(1);
            p.message = f.captured(2);
        } else {
            p.message = text;
        }
    }
    return p;
}

void ProblemsModel::addImport(const QString &source, const QString &error, const QStringList &warnings)
{
    QList<Problem> added;
    if (!error.isEmpty())
        added.append(parse(error, true));
    for (const QString &w : warnings)
        added.append(parse(w, false));
    if (added.isEmpty())
        return;
    for (Problem &p : added)
        p.source = source;
    const int first = int(m_problems.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    m_problems.append(added);
    endInsertRows();
}

void ProblemsModel::clear()
{
    beginResetModel();
    m_problems.clear();
    endResetModel();
}

int ProblemsModel::errorCount() const
{
    return int(std::count_if(m_problems.begin(), m_problems.end(), [](const Problem &p) { return p.error; }));
}

int ProblemsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_problems.size());
}

int ProblemsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProblemsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Problem &p = m_problems[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Severity: return p.error ? tr("Error") : tr("Skipped");
        case Location: {
            if (p.file.isEmpty())
                return QString();
            QString where = QFileInfo(p.file).fileName();
            if (p.line > 0)
                where += QStringLiteral(":%1").arg(p.line);
            if (p.column > 0)
                where += QStringLiteral(":%1").arg(p.column);
            return where;
        }
        case Message: return p.message;
        }
        break;
    case Qt::ToolTipRole: {
        QString tip = p.file.isEmpty() ? p.message : QStringLiteral("%1:%2: %3").arg(p.file).arg(p.line).arg(p.message);
        tip += u'\n'
            + (p.error ? tr("The import of %1 was undone: nothing from it was kept.").arg(p.source)
                       : tr("While importing %1; the record was skipped.").arg(p.source));
        return tip;
    }
    case Qt::DecorationRole:
        if (index.column() == Severity)
            return QApplication::style()->standardIcon(p.error ? QStyle::SP_MessageBoxCritical
                                                               : QStyle::SP_MessageBoxWarning);
        break;
    case FileRole: return p.file;
    case LineRole: return p.line;
    case ErrorRole: return p.error;
    }
    return {};
}

QVariant ProblemsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Severity: return tr("Severity");
    case Location: return tr("File:line");
    case Message: return tr("Problem");
    }
    return {};
}

} // namespace orrery::ui
