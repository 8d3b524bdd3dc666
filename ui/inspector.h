#pragma once

#include "store/itemdetails.h"

#include <QWidget>

#include <memory>

class QLabel;
class QSpinBox;
class QTextBrowser;
class QTreeView;

namespace orrery {
class Project;
class SimilarityScale;
class VectorIndex;
} // namespace orrery

namespace orrery::ui {

class ItemListModel;

/// The selected item: its fields, tags, labels and datasets, its k nearest neighbours in the
/// current embedding set with their similarity, and a playlist's songs in order. Clicking a
/// neighbour or a song asks to jump there (itemActivated).
class Inspector final : public QWidget {
    Q_OBJECT

public:
    explicit Inspector(QWidget *parent = nullptr);
    ~Inspector() override;

    /// The project items are read from (nullptr clears); it must outlive its use here.
    void setProject(Project *project);
    /// The neighbour index of the current set; nullptr while there is none. `pending`: one is
    /// being loaded or built (the panel says so instead of "no set").
    void setIndex(std::shared_ptr<const VectorIndex> index, const QString &setName, bool pending = false);
    /// Shows an item (0 clears). Emits neighboursChanged and pathChanged.
    void showItem(qint64 id);
    qint64 itemId() const { return m_itemId; }
    const std::optional<ItemDetails> &details() const { return m_details; }

    int neighbourCount() const;

    ItemListModel *neighbourModel() const { return m_neighbours; }
    ItemListModel *songModel() const { return m_songs; }
    QTreeView *neighbourView() const { return m_neighbourView; }
    QTreeView *songView() const { return m_songView; }

signals:
    /// A neighbour or song was clicked: the window selects it (and so shows it here).
    void itemActivated(qint64 id);
    /// The shown item's neighbours, nearest first (empty when there are none).
    void neighboursChanged(const QList<qint64> &ids);
    /// A playlist's songs in order, for the map to draw its path (empty for other items).
    void pathChanged(const QList<qint64> &ids);

private:
    void refreshNeighbours();
    void showDetails();
    QTreeView *makeList(ItemListModel *model);

    Project *m_project = nullptr;
    std::shared_ptr<const VectorIndex> m_index;
    std::shared_ptr<const SimilarityScale> m_scale; ///< of m_index, computed once when it is set
    QString m_setName;
    bool m_indexPending = false;
    qint64 m_itemId = 0;
    std::optional<ItemDetails> m_details;

    QLabel *m_title;
    QLabel *m_subtitle;
    QTextBrowser *m_fields;
    QLabel *m_neighbourTitle;
    QSpinBox *m_k;
    QLabel *m_neighbourNote;
    QTreeView *m_neighbourView;
    ItemListModel *m_neighbours;
    QWidget *m_songBox;
    QLabel *m_songTitle;
    QTreeView *m_songView;
    ItemListModel *m_songs;
};

} // namespace orrery::ui
