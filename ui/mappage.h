#pragma once

#include "base/clustering.h"
#include "pipeline/cluster.h"
#include "store/colouring.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace orrery {
class Project;
}

namespace orrery::ui {

class JobRunner;
class ScatterView;

/// The map tab: a ScatterView with its controls (interaction mode, fit, colour by, point size,
/// density), speaking in item ids where the view speaks in rows.
class MapPage final : public QWidget {
    Q_OBJECT

public:
    explicit MapPage(JobRunner *runner, QWidget *parent = nullptr);

    ScatterView *view() const { return m_view; }
    /// Writes the map as PNG (at the view's size and pixel density, the frame on screen) or SVG,
    /// by the file's suffix; false (with the reason) when the map has no points yet or the file
    /// cannot be written.
    bool exportImage(const QString &path, QString *error = nullptr) const;
    QComboBox *colourCombo() const { return m_colour; }
    /// Shows or hides the cluster labels (checked by default and whenever clusters are chosen).
    QToolButton *clusterLabelsButton() const { return m_clusterLabelsButton; }

    /// The project labels and colours are read from (null: none).
    void setProject(Project *project);
    /// A layout arrived: a new name (or other ids) replaces the points and fits the view; a
    /// partial layout of the one shown moves the points, keeping the view. Empty name: clear.
    void showLayout(const QString &name, const std::vector<double> &xy, const std::vector<qint64> &ids, bool partial);
    const QString &layoutName() const { return m_name; }

    void setCurrentItem(qint64 id);
    void setNeighbourItems(const QList<qint64> &ids);
    void setPathItems(const QList<qint64> &ids);
    void setHighlightedItems(const QList<qint64> &ids);
    void setFilterItems(const QList<qint64> &admitted, bool active);
    /// Colours the points by an attribute, read in a job (latest request wins).
    void setColourBy(ColourBy by);
    ColourBy colourBy() const { return m_colourBy; }

    // --- Clusters -----------------------------------------------------------------------------
    /// The embedding set of the layout shown ("<set>/<method>"), empty when none.
    const QString &setName() const { return m_setName; }
    /// The stored clusterings of the set shown, listed in "Colour by" as "Clusters: NAME".
    const QList<ClusteringInfo> &clusterings() const { return m_clusterings; }
    /// The clustering whose labels the map shows (or is loading), empty when none. A new layout
    /// keeps it when it belongs to the layout's set, else picks the set's own: a density
    /// clustering of that layout first, else the newest k-means one.
    const QString &clusteringName() const { return m_clustering; }
    /// True once that clustering is on the map (its rows and labels; false while it loads).
    bool isClusteringShown() const { return m_clusteringShown; }
    /// Shows a stored clustering's labels (read in a job: a million rows take a moment) and,
    /// with `colour`, colours the points by its finest clusters. Empty: no clustering.
    void showClustering(const QString &name, bool colour);
    /// Colours by the clustering shown (or the one a later layout brings) instead of an attribute.
    void setColourByClusters();
    bool isColouringByClusters() const { return m_clusterColour; }
    /// Lists the set's clusterings again (after one was computed) and keeps the choice.
    void reloadClusterings();
    /// Clusters what the map shows in a job (k-means of its set, or density of its layout, as the
    /// request's method says; its set and layout are filled in), stores it and shows it, coloured.
    /// False when there is no map.
    bool startClustering(ClusterRequest request);
    /// Opens the cluster dialog and starts what it asks for.
    void chooseClustering();

signals:
    void itemClicked(qint64 id); ///< 0 for a click on nothing
    void itemActivated(qint64 id);
    void itemsSelected(const QList<qint64> &ids);
    void itemHovered(qint64 id); ///< 0 when leaving a point
    /// A clustering was stored (the charts list it).
    void clusteringStored(const QString &name);
    /// A clustering is on the map (empty: none).
    void clusteringShown(const QString &name);
    /// A line for the status bar.
    void message(const QString &text, int timeoutMs);

private:
    std::vector<qint64> rowsOf(const QList<qint64> &ids) const;
    QString labelOf(qint64 row);
    void readColours();
    void fillColourChoices();
    void applyClustering(const Clustering &clustering, const std::vector<qint64> &setIds);

    JobRunner *m_runner;
    Project *m_project = nullptr;
    ScatterView *m_view = nullptr;
    QComboBox *m_colour = nullptr;
    QSlider *m_size = nullptr;
    QToolButton *m_density = nullptr;
    QToolButton *m_clusterLabelsButton = nullptr;
    QLabel *m_caption = nullptr;
    QString m_name;
    ColourBy m_colourBy = ColourBy::Label; ///< labels and tags are what most data sets carry
    quint64 m_pointsSerial = 0;
    qint64 m_currentId = 0;
    QList<qint64> m_neighbourIds, m_pathIds, m_highlightIds; ///< kept for the next layout's rows
    QHash<qint64, QString> m_labels; ///< by item id, filled as labels are drawn
    QString m_setName;
    QList<ClusteringInfo> m_clusterings;
    QString m_clustering;
    bool m_clusteringShown = false;
    bool m_clusterColour = false;
    quint64 m_clusteringSerial = 0; ///< bumped by each request; a load for an older one is dropped
};

} // namespace orrery::ui
