#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

namespace orrery::ui {

/// What imports reported: errors (the import was undone) and warnings (bad records skipped),
/// split into file, line and message from core's `file:line[:column]: message` form.
class ProblemsModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Severity, Location, Message, ColumnCount };
    enum Role { FileRole = Qt::UserRole + 1, LineRole, ErrorRole };

    struct Problem {
        bool error = false;
        QString file; ///< as reported (a path); empty when the message names none
        int line = 0; ///< 0 when unknown
        int column = 0;
        QString message;
        QString source; ///< what was being imported, e.g. the dropped folder
        QDateTime when;
    };

    explicit ProblemsModel(QObject *parent = nullptr);

    /// Splits a core message into file, line, column and message.
    static Problem parse(const QString &text, bool error);
    /// Adds an import's error (when `error` is not empty) and its warnings.
    void addImport(const QString &source, const QString &error, const QStringList &warnings);
    void clear();
    const Problem &problem(int row) const { return m_problems.at(row); }
    int errorCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Problem> m_problems;
};

} // namespace orrery::ui
