#pragma once

#include "jobrunner.h"

#include "index/similarity.h"

#include <QDockWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QSlider;
class QSpinBox;
class QTreeView;

namespace orrery {
class VectorIndex;
}

namespace orrery::ui {

class ItemListModel;
class MapPage;
class ProjectSession;

/// Neighbours of a typed query in the current embedding set: an item's source key, a title (the
/// best full-text match with a vector in the set), or free text for sets with a word space (the
/// words' vectors averaged, or an LSA fold-in, as `orrery-cli neighbours --text` does). The k
/// nearest are fetched in a job (the latest query wins); a slider then hides those whose
/// readable similarity (the centred cosine of index/similarity.h) is below a threshold. What is
/// listed is marked on the map: joined to the query item, or ringed for a text query.
class NeighboursDock final : public QDockWidget {
    Q_OBJECT

public:
    NeighboursDock(ProjectSession *session, MapPage *map, QWidget *parent = nullptr);
    ~NeighboursDock() override;

    /// Runs a query now (the line edit runs one on Enter, or shortly after typing stops).
    void setQuery(const QString &text);
    /// Lowest centred cosine shown, in [−1, 1] (the slider moves in steps of 0.01).
    void setThreshold(double threshold);
    double threshold() const;
    void setK(int k);

    QLineEdit *queryEdit() const { return m_query; }
    QSpinBox *kBox() const { return m_k; }
    QSlider *thresholdSlider() const { return m_threshold; }
    ItemListModel *model() const { return m_model; }
    QTreeView *list() const { return m_list; }
    /// True while a query or the set's index is on its way.
    bool isBusy() const;
    /// What the last answer found before the threshold (the list shows those at or above it).
    qint64 queryItem() const { return m_centre; }
    int fetchedCount() const { return int(m_found.size()); }

signals:
    /// A listed item was activated: the window shows it.
    void itemActivated(qint64 id);
    /// A query was answered (or failed; the note says why).
    void answered();

private:
    struct Found {
        qint64 itemId = 0;
        ReadableSimilarity similarity;
    };
    void run();
    void showFound();
    void markMap(const QList<qint64> &ids);
    void setNote(const QString &text);

    ProjectSession *m_session;
    MapPage *m_map;
    QLineEdit *m_query;
    QSpinBox *m_k;
    QSlider *m_threshold;
    QLabel *m_thresholdLabel;
    QLabel *m_note;
    QTreeView *m_list;
    ItemListModel *m_model;
    QTimer *m_typing;
    QString m_pendingSet; ///< waiting for this set's index to load before running
    qint64 m_centre = 0;
    bool m_marked = false; ///< the map shows this dock's marks
    QString m_answerText; ///< what the query resolved to
    std::vector<Found> m_found;
    std::shared_ptr<const VectorIndex> m_scaleIndex; ///< the index m_scale was computed from
    std::shared_ptr<const SimilarityScale> m_scale;
};

} // namespace orrery::ui
