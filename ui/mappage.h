#pragma once

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

signals:
    void itemClicked(qint64 id); ///< 0 for a click on nothing
    void itemActivated(qint64 id);
    void itemsSelected(const QList<qint64> &ids);
    void itemHovered(qint64 id); ///< 0 when leaving a point

private:
    std::vector<qint64> rowsOf(const QList<qint64> &ids) const;
    QString labelOf(qint64 row);
    void readColours();

    JobRunner *m_runner;
    Project *m_project = nullptr;
    ScatterView *m_view = nullptr;
    QComboBox *m_colour = nullptr;
    QSlider *m_size = nullptr;
    QToolButton *m_density = nullptr;
    QLabel *m_caption = nullptr;
    QString m_name;
    ColourBy m_colourBy = ColourBy::Label; ///< labels and tags are what most data sets carry
    quint64 m_pointsSerial = 0;
    qint64 m_currentId = 0;
    QList<qint64> m_neighbourIds, m_pathIds, m_highlightIds; ///< kept for the next layout's rows
    QHash<qint64, QString> m_labels; ///< by item id, filled as labels are drawn
};

} // namespace orrery::ui
