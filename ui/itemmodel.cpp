#include "itemmodel.h"

#include "store/project.h"

namespace orrery::ui {

namespace {

// Sequences' own items (playlists) are left out, as DatasetInfo::items leaves them out.
constexpr const char *allPage = R"sql(
    SELECT i.id, i.kind, di.key, i.title, i.artist, i.album
    FROM dataset_item di JOIN item i ON i.id = di.item_id
    WHERE di.dataset_id = ?1 AND di.item_id > ?2 AND i.kind <> 5
    ORDER BY di.item_id LIMIT ?3)sql";

constexpr const char *allCount = R"sql(
    SELECT count(*) FROM dataset_item di JOIN item i ON i.id = di.item_id
    WHERE di.dataset_id = ?1 AND i.kind <> 5)sql";

// Keyset paging on the FTS rowid keeps each page as cheap as the first.
constexpr const char *searchPage = R"sql(
    SELECT i.id, i.kind, di.key, i.title, i.artist, i.album
    FROM item_fts
    JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
    JOIN item i ON i.id = item_fts.rowid
    WHERE item_fts MATCH ?4 AND item_fts.rowid > ?2 AND i.kind <> 5
    ORDER BY item_fts.rowid LIMIT ?3)sql";

constexpr const char *searchCount = R"sql(
    SELECT count(*) FROM item_fts
    JOIN dataset_item di ON di.dataset_id = ?1 AND di.item_id = item_fts.rowid
    JOIN item i ON i.id = item_fts.rowid
    WHERE item_fts MATCH ?2 AND i.kind <> 5)sql";

} // namespace

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
    sql::Statement st(m_project->db(), m_fts.isEmpty() ? allCount : searchCount);
    st.bind(1, m_datasetId);
    if (!m_fts.isEmpty())
        st.bind(2, m_fts);
    return st.step() ? st.columnInt(0) : 0;
}

std::vector<ItemModel::Row> ItemModel::page() const
{
    sql::Statement st(m_project->db(), m_fts.isEmpty() ? allPage : searchPage);
    st.bind(1, m_datasetId).bind(2, m_rows.empty() ? qint64(0) : m_rows.back().id).bind(3, qint64(PageSize));
    if (!m_fts.isEmpty())
        st.bind(4, m_fts);
    std::vector<Row> rows;
    rows.reserve(PageSize);
    while (st.step()) {
        Row row;
        row.id = st.columnInt(0);
        row.kind = ItemKind(st.columnInt(1));
        row.key = st.columnText(2);
        row.title = st.columnText(3);
        row.artist = st.columnText(4);
        row.album = st.columnText(5);
        rows.push_back(std::move(row));
    }
    return rows;
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
    std::vector<Row> rows;
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
    const Row &row = m_rows[size_t(index.row())];
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
