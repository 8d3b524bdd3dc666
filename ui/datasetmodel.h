#pragma once

#include "base/layout.h"
#include "base/types.h"

#include <QAbstractItemModel>
#include <QList>

#include <vector>

namespace orrery {
class Project;
}

namespace orrery::ui {

/// The datasets of one project as a tree: each dataset (as `Project::datasets()` lists them),
/// under it its embedding sets, under each set its stored layouts (2D maps).
class DatasetModel final : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column { Name, Kind, Items, Sequences, Entries, Tags, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1, ///< the row id of the dataset, set or layout
        TypeRole, ///< NodeType
        FullNameRole, ///< a set's or layout's full name; a dataset's name
        MethodRole, ///< a set's or layout's method
    };
    enum NodeType { DatasetNode, SetNode, LayoutNode };
    Q_ENUM(NodeType)

    explicit DatasetModel(QObject *parent = nullptr);

    /// Re-reads datasets, sets and layouts from `project` (nullptr empties it). Throws Error,
    /// leaving the model as it was.
    void reload(Project *project);
    void clear();

    const QList<DatasetInfo> &datasets() const { return m_datasets; }
    /// The dataset of a top-level row.
    const DatasetInfo &dataset(int row) const { return m_datasets.at(row); }
    const QList<EmbeddingSetInfo> &embeddingSets() const { return m_sets; }
    const QList<LayoutInfo> &layouts() const { return m_layouts; }
    /// The top-level row of a dataset by id or name, or -1.
    int rowOf(qint64 id) const;
    int rowOf(const QString &name) const;

    NodeType nodeType(const QModelIndex &index) const;
    /// The dataset an index belongs to (itself, or the one above it); 0 for an invalid index.
    qint64 datasetIdOf(const QModelIndex &index) const;
    /// The set an index names (a set, or a layout's set); empty for a dataset.
    QString setNameOf(const QModelIndex &index) const;
    /// Layout info of a layout index, or nullptr.
    const LayoutInfo *layoutOf(const QModelIndex &index) const;
    QModelIndex indexOfDataset(qint64 id, int column = Name) const;
    QModelIndex indexOfSet(const QString &name, int column = Name) const;
    QModelIndex indexOfLayout(const QString &name, int column = Name) const;
    /// The stored layouts of a set, by name.
    QList<LayoutInfo> layoutsOf(const QString &setName) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node {
        NodeType type = DatasetNode;
        int parent = -1; ///< node index, -1 for datasets
        int row = 0; ///< row under the parent
        int payload = 0; ///< index into m_datasets, m_sets or m_layouts
        std::vector<int> children;
    };
    QModelIndex indexOfNode(int node, int column) const;
    QVariant datasetData(const DatasetInfo &d, int column, int role) const;

    QList<DatasetInfo> m_datasets;
    QList<EmbeddingSetInfo> m_sets;
    QList<LayoutInfo> m_layouts;
    std::vector<Node> m_nodes;
    std::vector<int> m_top;
};

} // namespace orrery::ui
