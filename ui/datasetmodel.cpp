#include "datasetmodel.h"

#include "store/layouts.h"
#include "store/project.h"

#include <QLocale>

namespace orrery::ui {

DatasetModel::DatasetModel(QObject *parent) : QAbstractItemModel(parent) { }

void DatasetModel::reload(Project *project)
{
    // Read first: a failing query leaves the tree as it was.
    QList<DatasetInfo> datasets;
    QList<EmbeddingSetInfo> sets;
    QList<LayoutInfo> layouts;
    if (project) {
        datasets = project->datasets();
        sets = project->embeddingSets();
        layouts = listLayouts(*project);
    }
    std::vector<Node> nodes;
    std::vector<int> top;
    for (int d = 0; d < datasets.size(); ++d) {
        const int dn = int(nodes.size());
        nodes.push_back({DatasetNode, -1, int(top.size()), d, {}});
        top.push_back(dn);
        for (int s = 0; s < sets.size(); ++s) {
            if (sets[s].dataset != datasets[d].name)
                continue;
            const int sn = int(nodes.size());
            nodes.push_back({SetNode, dn, int(nodes[size_t(dn)].children.size()), s, {}});
            nodes[size_t(dn)].children.push_back(sn);
            for (int l = 0; l < layouts.size(); ++l) {
                if (layouts[l].setName != sets[s].name)
                    continue;
                const int ln = int(nodes.size());
                nodes.push_back({LayoutNode, sn, int(nodes[size_t(sn)].children.size()), l, {}});
                nodes[size_t(sn)].children.push_back(ln);
            }
        }
    }
    beginResetModel();
    m_datasets = std::move(datasets);
    m_sets = std::move(sets);
    m_layouts = std::move(layouts);
    m_nodes = std::move(nodes);
    m_top = std::move(top);
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

DatasetModel::NodeType DatasetModel::nodeType(const QModelIndex &index) const
{
    return index.isValid() ? m_nodes[index.internalId()].type : DatasetNode;
}

qint64 DatasetModel::datasetIdOf(const QModelIndex &index) const
{
    if (!index.isValid())
        return 0;
    int node = int(index.internalId());
    while (m_nodes[size_t(node)].parent >= 0)
        node = m_nodes[size_t(node)].parent;
    return m_datasets[m_nodes[size_t(node)].payload].id;
}

QString DatasetModel::setNameOf(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    const Node &node = m_nodes[index.internalId()];
    switch (node.type) {
    case DatasetNode: return {};
    case SetNode: return m_sets[node.payload].name;
    case LayoutNode: return m_layouts[node.payload].setName;
    }
    return {};
}

const LayoutInfo *DatasetModel::layoutOf(const QModelIndex &index) const
{
    if (!index.isValid() || m_nodes[index.internalId()].type != LayoutNode)
        return nullptr;
    return &m_layouts[m_nodes[index.internalId()].payload];
}

QModelIndex DatasetModel::indexOfNode(int node, int column) const
{
    return createIndex(m_nodes[size_t(node)].row, column, quintptr(node));
}

QModelIndex DatasetModel::indexOfDataset(qint64 id, int column) const
{
    const int row = rowOf(id);
    return row < 0 ? QModelIndex() : indexOfNode(m_top[size_t(row)], column);
}

QModelIndex DatasetModel::indexOfSet(const QString &name, int column) const
{
    for (size_t n = 0; n < m_nodes.size(); ++n)
        if (m_nodes[n].type == SetNode && m_sets[m_nodes[n].payload].name == name)
            return indexOfNode(int(n), column);
    return {};
}

QModelIndex DatasetModel::indexOfLayout(const QString &name, int column) const
{
    for (size_t n = 0; n < m_nodes.size(); ++n)
        if (m_nodes[n].type == LayoutNode && m_layouts[m_nodes[n].payload].name == name)
            return indexOfNode(int(n), column);
    return {};
}

QList<LayoutInfo> DatasetModel::layoutsOf(const QString &setName) const
{
    QList<LayoutInfo> out;
    for (const LayoutInfo &l : m_layouts)
        if (l.setName == setName)
            out.append(l);
    return out;
}

QModelIndex DatasetModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < int(m_top.size()) ? indexOfNode(m_top[size_t(row)], column) : QModelIndex();
    if (parent.column() != 0)
        return {};
    const Node &p = m_nodes[parent.internalId()];
    return row < int(p.children.size()) ? indexOfNode(p.children[size_t(row)], column) : QModelIndex();
}

QModelIndex DatasetModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int parent = m_nodes[child.internalId()].parent;
    return parent < 0 ? QModelIndex() : indexOfNode(parent, 0);
}

int DatasetModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_top.size());
    if (parent.column() != 0)
        return 0;
    return int(m_nodes[parent.internalId()].children.size());
}

int DatasetModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant DatasetModel::datasetData(const DatasetInfo &d, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name: return d.name;
        case Kind: return toString(d.kind);
        case Items: return QLocale().toString(d.items);
        case Sequences: return QLocale().toString(d.sequences);
        case Entries: return QLocale().toString(d.entries);
        case Tags: return QLocale().toString(d.tags);
        }
        break;
    case Qt::ToolTipRole:
        if (column == Name)
            return tr("%1 — %2, read as %3").arg(d.name, toString(d.kind), d.format);
        break;
    case IdRole: return d.id;
    case FullNameRole: return d.name;
    }
    return {};
}

QVariant DatasetModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node &node = m_nodes[index.internalId()];
    const int column = index.column();
    if (role == TypeRole)
        return int(node.type);
    if (role == Qt::TextAlignmentRole && column >= Items)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    switch (node.type) {
    case DatasetNode: return datasetData(m_datasets[node.payload], column, role);
    case SetNode: {
        const EmbeddingSetInfo &s = m_sets[node.payload];
        switch (role) {
        case Qt::DisplayRole:
            if (column == Name) {
                // "Sample playlists/sgns" under "Sample playlists" reads as "sgns".
                const QString prefix = s.dataset + u'/';
                return s.name.startsWith(prefix) ? s.name.mid(prefix.size()) : s.name;
            }
            if (column == Kind)
                return tr("%1 · %2 d").arg(toString(s.kind)).arg(s.dim);
            if (column == Items)
                return QLocale().toString(s.count);
            break;
        case Qt::ToolTipRole:
            return tr("Embedding set “%1”: %2 %3 vectors of %4 dimensions by %5")
                .arg(s.name, QLocale().toString(s.count), toString(s.kind))
                .arg(s.dim)
                .arg(s.method);
        case IdRole: return s.id;
        case FullNameRole: return s.name;
        case MethodRole: return s.method;
        }
        break;
    }
    case LayoutNode: {
        const LayoutInfo &l = m_layouts[node.payload];
        switch (role) {
        case Qt::DisplayRole:
            if (column == Name) {
                const QString prefix = l.setName + u'/';
                return l.name.startsWith(prefix) ? l.name.mid(prefix.size()).toUpper() : l.name;
            }
            if (column == Kind)
                return tr("map");
            if (column == Items)
                return QLocale().toString(l.count);
            break;
        case Qt::ToolTipRole: return tr("Layout “%1” by %2, computed %3").arg(l.name, l.method.toUpper(), l.created);
        case IdRole: return l.id;
        case FullNameRole: return l.name;
        case MethodRole: return l.method;
        }
        break;
    }
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
