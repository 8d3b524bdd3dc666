#pragma once

#include "jobrunner.h"

#include "io/playlistwriter.h"
#include "recommend/recommender.h"

#include <QAbstractTableModel>
#include <QList>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QSpinBox;
class QTableView;
class QToolButton;

namespace orrery {
class Project;
}

namespace orrery::ui {

/// A recommendation list as rows: title, artist, score, reason. Rows can be removed and moved
/// (by drag and drop inside a view, or moveRows), so the list can be edited before export.
class RecommendationModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Title, Artist, Score, Because, ColumnCount };
    enum Role { ItemIdRole = Qt::UserRole + 1, KeyRole, ScoreRole, BecauseIdRole };

    /// A song as it is exported (entry.score is set, entry.because holds the seed's key), with the
    /// seed it comes from for display.
    struct Row {
        io::PlaylistEntry entry;
        qint64 becauseId = 0;
        QString because; ///< "Title (Artist)" of the seed behind it, empty for the popularity fill
        float score() const { return entry.score.value_or(0.0f); }
    };

    explicit RecommendationModel(QObject *parent = nullptr);

    void setRows(QList<Row> rows);
    const QList<Row> &rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;
    bool moveRows(const QModelIndex &sourceParent, int sourceRow, int count, const QModelIndex &destinationParent,
                  int destinationChild) override;

    Qt::DropActions supportedDropActions() const override;
    Qt::DropActions supportedDragActions() const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

private:
    QList<Row> m_rows;
};

/// Proposes songs that continue a list of seeds: a method chooser, the number of results, the
/// list with score and reason ("because you have X"), double-click to inspect an item, drag to
/// reorder, Delete to remove, and export as M3U8, XSPF, CSV or JSON. The recommender is built in a
/// job of `runner` when a source is set (the latest source wins); recommendations are computed on
/// the GUI thread (a query takes milliseconds).
class RecommendPanel final : public QWidget {
    Q_OBJECT

public:
    explicit RecommendPanel(JobRunner *runner, QWidget *parent = nullptr);
    ~RecommendPanel() override;

    /// Recommends from project `projectPath`: the vectors of set `setName` and the playlists of
    /// `datasetId` (0: the set's dataset). Building runs as a job; ready() or failed() follows.
    /// A later call supersedes an earlier one still building.
    void setSource(const QString &projectPath, const QString &setName, qint64 datasetId = 0);
    bool isReady() const { return m_recommender != nullptr; }
    /// Whether a source was given (a list can come), ready or still building.
    bool hasSource() const { return !m_projectPath.isEmpty(); }

    /// The seed items (the map selection, a playlist's entries, …); recommends again.
    void setSeeds(const QList<qint64> &itemIds);
    const QList<qint64> &seeds() const { return m_seeds; }

    void setMethod(RecommendMethod method);
    RecommendMethod method() const;
    void setCount(int n);
    int count() const;

    RecommendationModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }

    /// Removes the selected rows of the list.
    void removeSelected();
    /// Writes the list in its current order. Throws Error.
    void exportTo(const QString &path, io::PlaylistFormat format) const;

signals:
    void itemActivated(qint64 itemId);
    void ready();
    void failed(const QString &message);
    /// The list was computed again (after seeds, method, count or source changed).
    void recommended();

private:
    void recommend();
    void chooseExport(io::PlaylistFormat format);

    JobRunner *m_runner;
    QComboBox *m_method = nullptr;
    QSpinBox *m_count = nullptr;
    QTableView *m_view = nullptr;
    QToolButton *m_export = nullptr;
    QLabel *m_status = nullptr;
    RecommendationModel *m_model = nullptr;

    QList<qint64> m_seeds;
    QString m_projectPath;
    qint64 m_datasetId = 0;
    std::unique_ptr<Project> m_project; ///< the GUI thread's read connection (titles, keys)
    std::shared_ptr<const Recommender> m_recommender;
};

} // namespace orrery::ui
