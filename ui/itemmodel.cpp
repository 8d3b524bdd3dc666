#include "itemmodel.h"

#include "base/error.h"
#include "store/itempages.h"

namespace orrery::ui {

ItemModel::ItemModel(QObject *parent) : QAbstractTableModel(parent) { }

QString ItemModel::ftsQuery(const QString &text)
{
    const QStringList words = text.simplified().split(u' ', Qt::SkipEmptyParts);
    QStringList quoted;
    quoted.reserve(words.size());
    for (QString word : words)
        quoted.append(u'"' + word.replace(u'"', QStringLiteral("\"\"")) + u'"');
    if (quoted.isEmpty())
        return {};
    quoted.last() += u'*';
    return quoted.join(u' ');
}

void ItemModel::setDataset(const Project *project, qint64 datasetId, qint64 knownTotal)
{
    m_project = project;
    m_datasetId = project ? datasetId : 0;
    m_datasetTotal = knownTotal;
    restart();
}

bool ItemModel::setSearch(const QString &text)
{
    m_search = text;
    m_fts = ftsQuery(text);
    restart();
    return m_error.isEmpty();
}

void ItemModel::clear()
{
    m_search.clear();
    m_fts.clear();
    setDataset(nullptr, 0);
}

void ItemModel::restart()
{
    m_notifying = true;
    beginResetModel();
    m_rows.clear();
    m_error.clear();
    m_total = 0;
    m_exhausted = true;
    if (m_project && m_datasetId) {
        try {
            m_total = m_fts.isEmpty() && m_datasetTotal >= 0 ? m_datasetTotal : count();
            // The first page comes with the reset so that views and counts show rows at once.
            m_rows = page();
            m_exhausted = qsizetype(m_rows.size()) < PageSize;
        } catch (const Error &e) {
            m_rows.clear();
            m_total = 0;
            m_exhausted = true;
            m_error = e.message();
        }
    }
    endResetModel();
    m_notifying = false;
    if (!m_error.isEmpty())
        emit failed(m_error);
}

qint64 ItemModel::count() const
{
    return itemCount(*m_project, m_datasetId, m_fts);
}

std::vector<ItemRow> ItemModel::page() const
{
    return itemPage(*m_project, m_datasetId, m_fts, m_rows.empty() ? qint64(0) : m_rows.back().id, PageSize);
}

bool ItemModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted;
}

void ItemModel::fetchMore(const QModelIndex &parent)
{
    // A listener that asks for more while a change is being announced gets it later (views
    // ask again once laid out): nested inserts would reach other listeners mid-change.
    if (parent.isValid() || m_exhausted || m_notifying)
        return;
    std::vector<ItemRow> rows;
    try {
        rows = page();
    } catch (const Error &e) {
        m_exhausted = true;
        m_error = e.message();
        emit failed(m_error);
        return;
    }
    m_exhausted = qsizetype(rows.size()) < PageSize;
    if (rows.empty())
        return;
    const int first = int(m_rows.size());
    m_notifying = true;
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    endInsertRows();
    m_notifying = false;
}

int ItemModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ItemModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ItemModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ItemRow &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Key: return row.key;
        case Kind: return role == Qt::DisplayRole ? toString(row.kind) : QVariant();
        case Title: return row.title;
        case Artist: return row.artist;
        case Album: return row.album;
        }
        break;
    case IdRole: return row.id;
    }
    return {};
}

QVariant ItemModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Key: return tr("Key");
    case Kind: return tr("Kind");
    case Title: return tr("Title");
    case Artist: return tr("Artist");
    case Album: return tr("Album");
    }
    return {};
}

} // namespace orrery::ui
