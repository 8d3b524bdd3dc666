#include "mappage.h"

#include <QFileInfo>

#include "clusterdialog.h"
#include "jobrunner.h"
#include "scatterview.h"

#include "store/clusterings.h"
#include "store/embeddingsets.h"
#include "store/itemdetails.h"
#include "store/project.h"

#include <QElapsedTimer>
#include <QLocale>

#include <QActionGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace orrery::ui {

namespace {

/// A clustering read or computed in a job, with the item ids of its set's rows.
struct ClusteringRows {
    Clustering clustering;
    std::vector<qint64> setIds;
    double seconds = 0;
};

constexpr int fixedColourChoices = 6;

} // namespace

MapPage::MapPage(JobRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    m_view = new ScatterView;
    m_view->setLabels([this](qint64 row) { return labelOf(row); });
    m_view->setCaptions([this](qint64 row) { return labelOf(row); });

    // A tool bar rather than a row of widgets: when the map is narrow its controls fold into the
    // bar's extension menu instead of widening the window.
    auto *bar = new QToolBar;
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->setMovable(false);
    const int spacing = style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing);
    auto *group = new QActionGroup(this);
    const auto modeButton = [&](const QString &text, const QString &tip, ScatterView::Mode mode,
                                const QKeySequence &key) {
        auto *action = new QAction(text, group);
        action->setCheckable(true);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        connect(action, &QAction::triggered, this, [this, mode] { m_view->setInteractionMode(mode); });
        bar->addAction(action);
        return action;
    };
    modeButton(tr("Pan"), tr("Drag to pan, wheel to zoom, click to select"), ScatterView::Mode::Pan,
               QKeySequence(Qt::Key_P))
        ->setChecked(true);
    modeButton(tr("Box"), tr("Drag a rectangle to select (or Shift-drag in any mode)"), ScatterView::Mode::BoxSelect,
               QKeySequence(Qt::Key_B));
    modeButton(tr("Lasso"), tr("Draw around points to select (or Alt-drag in any mode)"),
               ScatterView::Mode::LassoSelect, QKeySequence(Qt::Key_L));
    QAction *fit = bar->addAction(tr("Fit"), m_view, &ScatterView::fitToData);
    fit->setToolTip(tr("Show every point (Home)"));
    bar->addSeparator();

    bar->addWidget(new QLabel(tr("Colour by")));
    m_colour = new QComboBox;
    const std::pair<QString, ColourBy> choices[] = {
        {tr("Nothing"), ColourBy::None},    {tr("Label or tag"), ColourBy::Label},
        {tr("Dataset"), ColourBy::Dataset}, {tr("Kind"), ColourBy::Kind},
        {tr("Length"), ColourBy::Length},   {tr("Popularity"), ColourBy::Popularity},
    };
    for (const auto &[text, by] : choices)
        m_colour->addItem(text, int(by));
    m_colour->setToolTip(tr("Categories get a palette and a legend; lengths and popularity a colour scale"));
    m_colour->setCurrentIndex(m_colour->findData(int(m_colourBy)));
    connect(m_colour, &QComboBox::activated, this, [this](int index) {
        const QVariant data = m_colour->itemData(index);
        if (data.typeId() == QMetaType::QString)
            showClustering(data.toString(), true);
        else
            setColourBy(ColourBy(data.toInt()));
    });
    m_colour->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_colour->setMaximumWidth(fontMetrics().horizontalAdvance(u'M') * 18);
    bar->addWidget(m_colour);
    QAction *cluster = bar->addAction(tr("Cluster…"), this, &MapPage::chooseClustering);
    cluster->setToolTip(tr("Group the points into clusters that label themselves (k-means or density)"));
    m_clusterLabelsButton = new QToolButton;
    m_clusterLabelsButton->setText(tr("Labels"));
    m_clusterLabelsButton->setCheckable(true);
    m_clusterLabelsButton->setChecked(true);
    m_clusterLabelsButton->setAutoRaise(true);
    m_clusterLabelsButton->setToolTip(
        tr("Label the clusters on the map: coarse ones zoomed out, finer ones as you zoom in"));
    connect(m_clusterLabelsButton, &QToolButton::toggled, m_view, &ScatterView::setClusterLabelsVisible);
    bar->addWidget(m_clusterLabelsButton);
    bar->addSeparator();

    bar->addWidget(new QLabel(tr("Size")));
    m_size = new QSlider(Qt::Horizontal);
    m_size->setRange(0, 12);
    m_size->setValue(0);
    m_size->setMaximumWidth(fontMetrics().horizontalAdvance(u'M') * 8);
    m_size->setToolTip(tr("Point size in pixels (far left: automatic, smaller as points grow many)"));
    connect(m_size, &QSlider::valueChanged, this, [this](int v) { m_view->setPointSize(v); });
    bar->addWidget(m_size);
    m_density = new QToolButton;
    m_density->setText(tr("Density"));
    m_density->setCheckable(true);
    m_density->setAutoRaise(true);
    m_density->setToolTip(
        tr("Shade by how many points fall on each pixel (chosen automatically when they overlap heavily)"));
    connect(m_density, &QToolButton::toggled, this,
            [this](bool on) { m_view->setDensityMode(on ? DensityMode::On : DensityMode::Auto); });
    bar->addWidget(m_density);
    auto *contours = new QToolButton;
    contours->setText(tr("Contours"));
    contours->setCheckable(true);
    contours->setAutoRaise(true);
    contours->setToolTip(tr("Draw density contours of the points in view (lines around the densest half, "
                            "and more, of them)"));
    connect(contours, &QToolButton::toggled, m_view, &ScatterView::setContoursVisible);
    bar->addWidget(contours);
    m_caption = new QLabel;
    m_caption->setForegroundRole(QPalette::PlaceholderText);
    m_caption->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_caption->setContentsMargins(spacing, 0, spacing, 0);
    auto *stretch = new QWidget;
    stretch->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(stretch);
    bar->addWidget(m_caption);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(m_view, 1);

    connect(m_view, &ScatterView::clicked, this,
            [this](qint64 row) { emit itemClicked(row >= 0 ? m_view->idOf(row) : 0); });
    connect(m_view, &ScatterView::activated, this, [this](qint64 row) {
        if (row >= 0)
            emit itemActivated(m_view->idOf(row));
    });
    connect(m_view, &ScatterView::hovered, this,
            [this](qint64 row) { emit itemHovered(row >= 0 ? m_view->idOf(row) : 0); });
    connect(m_view, &ScatterView::selectionChanged, this, [this] {
        QList<qint64> ids;
        for (const qint64 row : m_view->selection())
            ids.append(m_view->idOf(row));
        emit itemsSelected(ids);
    });
}

void MapPage::setProject(Project *project)
{
    m_project = project;
    m_labels.clear();
    showLayout({}, {}, {}, false);
}

void MapPage::showLayout(const QString &name, const std::vector<double> &xy, const std::vector<qint64> &ids,
                         bool partial)
{
    if (name.isEmpty()) {
        m_name.clear();
        m_view->clear();
        m_caption->clear();
        ++m_pointsSerial;
        m_setName.clear();
        m_clustering.clear();
        m_clusteringShown = false;
        ++m_clusteringSerial;
        reloadClusterings();
        return;
    }
    if (name == m_name && m_view->ids() == ids) {
        m_view->updatePositions(xy); // the same layout converging, or its final state
    } else {
        m_view->setFitOnNextSet(true);
        m_view->setPoints(xy, ids);
        m_name = name;
        ++m_pointsSerial;
        m_setName = name.left(name.lastIndexOf(u'/'));
        const QString before = m_clustering;
        const bool kept = m_clusteringShown && m_view->rowClusters().size() == size_t(m_view->pointCount());
        reloadClusterings(); // picks the clustering of this layout
        if (!kept || m_clustering != before)
            showClustering(m_clustering, false);
        readColours();
        // Rows changed: what is marked follows its items onto the new points.
        m_view->setCurrentRow(m_currentId ? m_view->rowOf(m_currentId) : -1);
        m_view->setNeighbours(rowsOf(m_neighbourIds));
        m_view->setPath(rowsOf(m_pathIds));
        m_view->setHighlighted(rowsOf(m_highlightIds));
    }
    m_caption->setText(partial ? tr("%1 · %L2 points · converging…").arg(name).arg(ids.size())
                               : tr("%1 · %L2 points").arg(name).arg(ids.size()));
}

std::vector<qint64> MapPage::rowsOf(const QList<qint64> &ids) const
{
    std::vector<qint64> rows;
    rows.reserve(size_t(ids.size()));
    for (const qint64 id : ids)
        if (const qint64 row = m_view->rowOf(id); row >= 0)
            rows.push_back(row);
    return rows;
}

void MapPage::setCurrentItem(qint64 id)
{
    m_currentId = id;
    const qint64 row = id ? m_view->rowOf(id) : -1;
    m_view->setCurrentRow(row);
    // Jump to it when it is off screen (a search result, a neighbour clicked in the inspector);
    // not before the view has been laid out and fitted, which would zoom to nowhere.
    if (row < 0 || !m_view->isReady() || !m_view->isVisible() || m_view->width() < 40 || m_view->height() < 40)
        return;
    const QPointF at = m_view->mapToScreen(m_view->position(row));
    if (!m_view->rect().adjusted(20, 20, -20, -20).contains(at.toPoint()))
        m_view->setView(m_view->position(row), m_view->scale());
}

void MapPage::setNeighbourItems(const QList<qint64> &ids)
{
    m_neighbourIds = ids;
    m_view->setNeighbours(rowsOf(ids));
}

void MapPage::setPathItems(const QList<qint64> &ids)
{
    m_pathIds = ids;
    m_view->setPath(rowsOf(ids));
}

void MapPage::setHighlightedItems(const QList<qint64> &ids)
{
    m_highlightIds = ids;
    m_view->setHighlighted(rowsOf(ids));
}

void MapPage::setFilterItems(const QList<qint64> &admitted, bool active)
{
    if (active)
        m_view->setFilter(rowsOf(admitted));
    else
        m_view->clearFilter();
}

void MapPage::setColourBy(ColourBy by)
{
    m_colourBy = by;
    m_clusterColour = false;
    const int index = m_colour->findData(int(by));
    if (index >= 0 && index != m_colour->currentIndex())
        m_colour->setCurrentIndex(index);
    readColours();
}

void MapPage::readColours()
{
    if (m_clusterColour && !m_clustering.isEmpty()) {
        if (m_clusteringShown)
            m_view->colourByClusters(0);
        return; // else the clustering being read colours the points once it is in
    }
    if (m_colourBy == ColourBy::None || !m_project || m_view->pointCount() == 0) {
        m_view->clearColours();
        return;
    }
    const quint64 serial = m_pointsSerial;
    const QString path = m_project->path();
    auto ids = std::make_shared<const std::vector<qint64>>(m_view->ids());
    const ColourBy by = m_colourBy;
    JobSpec spec;
    spec.label = tr("Colours of %1").arg(m_name);
    spec.key = QStringLiteral("map-colours");
    spec.context = this;
    spec.onReady = JobRunner::typed<PointColours>([this, serial](PointColours colours) {
        if (serial != m_pointsSerial || colours.by != m_colourBy || (m_clusterColour && !m_clustering.isEmpty()))
            return; // the points or the choice changed meanwhile
        if (colours.isCategorical())
            m_view->setCategories(std::move(colours.categories), colours.names);
        else if (!colours.values.empty())
            m_view->setValues(std::move(colours.values), colours.valueLabel);
        else
            m_view->clearColours();
    });
    m_runner->start(spec, [path, ids, by](JobRun &job) -> std::any {
        Project project(path);
        return readPointColours(project, *ids, by, 12, job);
    });
}

void MapPage::reloadClusterings()
{
    m_clusterings.clear();
    if (m_project && !m_setName.isEmpty()) {
        try {
            for (const ClusteringInfo &c : listClusterings(*m_project))
                if (c.setName == m_setName)
                    m_clusterings.append(c);
        } catch (const Error &e) {
            emit message(tr("Could not list the clusterings: %1").arg(e.message()), 10000);
        }
    }
    const auto known = [this](const QString &name) {
        return std::any_of(m_clusterings.cbegin(), m_clusterings.cend(),
                           [&](const ClusteringInfo &c) { return c.name == name; });
    };
    if (!known(m_clustering)) {
        // This layout's own density clusters first, else the newest k-means of its set.
        const ClusteringInfo *best = nullptr;
        const auto rank = [this](const ClusteringInfo &c) {
            return c.layoutName == m_name ? 2 : c.layoutName.isEmpty() ? 1 : 0;
        };
        for (const ClusteringInfo &c : std::as_const(m_clusterings))
            if (!best || rank(c) > rank(*best) || (rank(c) == rank(*best) && c.id > best->id))
                best = &c;
        if (best && rank(*best) == 0)
            best = nullptr; // another layout's density clusters: only when asked for
        m_clustering = best ? best->name : QString();
        m_clusteringShown = false;
    }
    fillColourChoices();
}

void MapPage::fillColourChoices()
{
    while (m_colour->count() > fixedColourChoices)
        m_colour->removeItem(m_colour->count() - 1);
    for (const ClusteringInfo &c : std::as_const(m_clusterings)) {
        m_colour->addItem(tr("Clusters: %1").arg(c.name), c.name);
        m_colour->setItemData(m_colour->count() - 1,
                              tr("%1 · %n clusters at the finest level", "", c.clusters).arg(c.method),
                              Qt::ToolTipRole);
    }
    const int index = m_clusterColour && !m_clustering.isEmpty() ? m_colour->findData(m_clustering)
                                                                 : m_colour->findData(int(m_colourBy));
    if (index >= 0)
        m_colour->setCurrentIndex(index);
}

void MapPage::setColourByClusters()
{
    m_clusterColour = true;
    fillColourChoices();
    readColours();
}

void MapPage::showClustering(const QString &name, bool colour)
{
    const quint64 serial = ++m_clusteringSerial;
    if (colour) {
        m_clusterColour = true;
        m_clusterLabelsButton->setChecked(true); // chosen to look at: labelled
    }
    const bool wasColoured = m_view->colourLevel() >= 0;
    m_clustering = name;
    m_clusteringShown = false;
    fillColourChoices();
    if (name.isEmpty() || !m_project || m_view->pointCount() == 0) {
        m_view->clearClusters();
        if (wasColoured)
            readColours(); // the attribute's colours again
        emit clusteringShown({});
        return;
    }
    const quint64 points = m_pointsSerial;
    const QString path = m_project->path();
    JobSpec spec;
    spec.label = tr("Clusters %1").arg(name);
    spec.key = QStringLiteral("map-clusters");
    spec.context = this;
    spec.onReady = JobRunner::typed<ClusteringRows>([this, serial, points](ClusteringRows rows) {
        if (serial == m_clusteringSerial && points == m_pointsSerial)
            applyClustering(rows.clustering, rows.setIds);
    });
    spec.onFailed = [this, serial, name](const QString &text) {
        if (serial == m_clusteringSerial)
            emit message(tr("Could not show the clusters %1: %2").arg(name, text), 15000);
    };
    m_runner->start(spec, [path, name](JobRun &) -> std::any {
        Project project(path);
        ClusteringRows out;
        out.clustering = loadClustering(project, name);
        out.setIds = loadEmbeddingSetIds(project, out.clustering.setName);
        return out;
    });
}

void MapPage::applyClustering(const Clustering &clustering, const std::vector<qint64> &setIds)
{
    if (setIds == m_view->ids())
        m_view->setClusters(clustering); // rows are the set's: no mapping through ids
    else
        m_view->setClusters(clustering, setIds);
    m_view->setClusterLabelsVisible(m_clusterLabelsButton->isChecked());
    m_clusteringShown = true;
    if (m_clusterColour && m_view->colourLevel() != 0) // setClusters recoloured at that level already
        m_view->colourByClusters(0);
    emit clusteringShown(clustering.name);
}

bool MapPage::startClustering(ClusterRequest request)
{
    if (!m_project || m_name.isEmpty() || m_setName.isEmpty())
        return false;
    const bool density = request.method == u"density";
    request.setName = density ? QString() : m_setName;
    request.layoutName = density ? m_name : QString();
    request.name = orrery::clusteringName(request);
    const QString path = m_project->path();
    const QString target = density ? m_name : m_setName;
    JobSpec spec;
    spec.label = tr("Clusters of %1").arg(target);
    spec.key = QStringLiteral("cluster"); // a new request replaces the one running
    spec.context = this;
    spec.onReady = JobRunner::typed<ClusteringRows>([this, path](ClusteringRows rows) {
        if (!m_project || m_project->path() != path)
            return;
        const Clustering &c = rows.clustering;
        const auto finest = std::count_if(c.clusters.cbegin(), c.clusters.cend(),
                                          [](const Cluster &k) { return k.level == 0; });
        emit clusteringStored(c.name);
        emit message(tr("Clusters %1: %n clusters in %2 s", "", int(finest))
                         .arg(c.name, QLocale().toString(rows.seconds, 'f', 1)),
                     10000);
        if (c.setName != m_setName)
            return;
        ++m_clusteringSerial;
        m_clustering = c.name;
        m_clusterColour = true;
        m_clusterLabelsButton->setChecked(true);
        reloadClusterings();
        applyClustering(c, rows.setIds);
    });
    spec.onFailed = [this, target](const QString &text) {
        emit message(tr("Could not cluster %1: %2").arg(target, text), 15000);
    };
    spec.onCancelled = [this] { emit message(tr("Clustering cancelled; nothing was stored"), 8000); };
    m_runner->start(spec, [path, request](JobRun &job) -> std::any {
        QElapsedTimer clock;
        clock.start();
        Project project(path);
        ClusteringRows out;
        out.clustering = clusterSet(project, request, job);
        out.setIds = loadEmbeddingSetIds(project, out.clustering.setName);
        out.seconds = double(clock.elapsed()) / 1000.0;
        return out;
    });
    emit message(tr("Clustering %1…").arg(target), 5000);
    return true;
}

void MapPage::chooseClustering()
{
    if (!m_project || m_name.isEmpty()) {
        emit message(tr("Show a map first: clusters are computed for the set or layout on the map"), 8000);
        return;
    }
    ClusterDialog dialog(m_setName, m_name, this);
    if (dialog.exec() == QDialog::Accepted)
        startClustering(dialog.request());
}

QString MapPage::labelOf(qint64 row)
{
    if (row < 0 || !m_project)
        return {};
    const qint64 id = m_view->idOf(row);
    if (const auto it = m_labels.constFind(id); it != m_labels.cend())
        return *it;
    QString text;
    try {
        const std::vector<ItemLabel> labels = itemLabelsOf(*m_project, {id});
        const ItemLabel &l = labels.front();
        text = l.artist.isEmpty() ? l.name : tr("%1 — %2").arg(l.name, l.artist);
    } catch (const Error &) {
    }
    if (m_labels.size() > 100000)
        m_labels.clear();
    m_labels.insert(id, text);
    return text;
}

bool MapPage::exportImage(const QString &path, QString *error) const
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    ScatterView *view = m_view;
    if (view->pointCount() == 0)
        return fail(tr("there is no map to export yet"));
    if (QFileInfo(path).suffix().compare(u"svg", Qt::CaseInsensitive) == 0) {
        if (!view->saveSvg(path))
            return fail(tr("%1: cannot write the SVG").arg(path));
        return true;
    }
    // At the window's size and pixel density, whatever frame is on screen right now.
    const QSize size = view->size() * view->devicePixelRatioF();
    if (!view->renderToImage(size.isEmpty() ? QSize(1280, 800) : size).save(path, "PNG"))
        return fail(tr("%1: cannot write the PNG").arg(path));
    return true;
}

} // namespace orrery::ui
