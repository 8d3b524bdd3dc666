#include "comparepage.h"

#include "projectsession.h"
#include "scatterview.h"

#include "eval/agreement.h"
#include "store/clusterings.h"
#include "store/embeddingsets.h"
#include "store/items.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace orrery::ui {

namespace {

/// What a layout job hands back.
struct LoadedLayout {
    QString name;
    QString setName;
    std::vector<double> xy;
    std::vector<qint64> ids;
    std::vector<QString> labels;
};

struct AgreementResult {
    std::vector<qint64> ids;
    std::vector<float> values;
    double mean = 0;
    int k = 0;
};

struct LoadedClustering {
    Clustering clustering;
    std::vector<qint64> setIds;
};

/// The colour chooser's role holding a clustering's name.
constexpr int ClusteringRole = Qt::UserRole + 1;

/// Titles for labels and tooltips are read only up to this many points (beyond, the maps still
/// link, but hovering shows no name).
constexpr qint64 MaxLabelledPoints = 500000;

} // namespace

ComparePage::ComparePage(ProjectSession *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_colour(new QComboBox), m_k(new QSpinBox), m_status(new QLabel)
{
    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(6, 4, 6, 0);
    controls->addWidget(new QLabel(tr("Colour:")));
    m_colour->addItem(tr("None"), int(Colour::None));
    m_colour->addItem(tr("Neighbourhood agreement of the sets"), int(Colour::SetAgreement));
    m_colour->addItem(tr("Neighbourhood agreement of the maps"), int(Colour::MapAgreement));
    m_colour->setToolTip(tr("Colour each point by the share of its k nearest neighbours that both sides have in "
                            "common: in the embeddings the maps were made from, or on the two maps themselves"));
    // Long entries and status text must not force a minimum window width: they elide instead.
    m_colour->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_colour->setMinimumContentsLength(14);
    controls->addWidget(m_colour);
    m_k->setRange(1, 200);
    m_k->setValue(10);
    m_k->setPrefix(tr("k = "));
    m_k->setToolTip(tr("How many neighbours each point's agreement counts"));
    controls->addWidget(m_k);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    controls->addWidget(m_status, 1);

    auto *splitter = new QSplitter(Qt::Horizontal);
    for (const Side side : {Left, Right}) {
        SideState &s = m_sides[side];
        auto *column = new QWidget;
        auto *layout = new QVBoxLayout(column);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(2);
        auto *header = new QHBoxLayout;
        header->setContentsMargins(6, 0, 6, 0);
        s.chooser = new QComboBox;
        s.chooser->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        s.chooser->setMinimumContentsLength(10);
        s.chooser->setToolTip(side == Left ? tr("The stored layout on the left")
                                           : tr("The stored layout on the right"));
        s.caption = new QLabel;
        s.caption->setForegroundRole(QPalette::PlaceholderText);
        s.caption->setMinimumWidth(1);
        header->addWidget(s.chooser, 1);
        header->addWidget(s.caption);
        layout->addLayout(header);
        s.view = new ScatterView;
        s.view->setLabels([this, side](qint64 row) {
            const std::vector<QString> &labels = m_sides[side].labels;
            return row >= 0 && row < qint64(labels.size()) ? labels[size_t(row)] : QString();
        });
        layout->addWidget(s.view, 1);
        splitter->addWidget(column);

        connect(s.chooser, &QComboBox::currentIndexChanged, this,
                [this, side] { showLayout(side, m_sides[side].chooser->currentData().toString()); });
        connect(s.view, &ScatterView::selectionChanged, this, [this, side] { selectionChangedIn(side); });
        connect(s.view, &ScatterView::hovered, this, [this, side](qint64 row) { hoveredIn(side, row); });
        connect(s.view, &ScatterView::clicked, this, [this, side](qint64 row) { clickedIn(side, row); });
    }
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addLayout(controls);
    outer->addWidget(splitter, 1);

    connect(m_colour, &QComboBox::currentIndexChanged, this, [this] {
        const auto colour = Colour(m_colour->currentData().toInt());
        if (colour == Colour::Clusters)
            setClusterColour(m_colour->currentData(ClusteringRole).toString());
        else
            setColour(colour);
    });
    connect(m_k, &QSpinBox::valueChanged, this, [this] { updateAgreement(); });
    connect(m_session, &ProjectSession::aboutToClose, this, &ComparePage::clearSides);
    connect(m_session, &ProjectSession::opened, this, [this] {
        clearSides();
        refreshLayouts();
    });
    // A job's callbacks run while it is still listed; its end is the moment to say what is done.
    connect(m_session->runner(), &JobRunner::finished, this, [this] { updateStatus(); });
    updateStatus();
}

ComparePage::~ComparePage() = default;

void ComparePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshLayouts(); // layouts computed since (Compute Map, orrery-cli project) appear
}

void ComparePage::clearSides()
{
    JobRunner *runner = m_session->runner();
    for (const QString &key : {QStringLiteral("compare:layout:0"), QStringLiteral("compare:layout:1"),
                               QStringLiteral("compare:agreement"), QStringLiteral("compare:clusters")})
        runner->cancel(runner->jobOfKey(key));
    for (SideState &s : m_sides) {
        s.name.clear();
        s.setName.clear();
        s.xy.clear();
        s.labels.clear();
        s.view->clear();
        s.view->setFitOnNextSet(true);
        const QSignalBlocker block(s.chooser);
        s.chooser->clear();
        s.caption->clear();
    }
    m_agreementIds.clear();
    m_agreementValues.clear();
    m_meanAgreement = -1;
    m_error.clear();
    m_clustering = Clustering();
    m_clusterSetIds.clear();
    if (m_colourMode == Colour::Clusters) {
        m_colourMode = Colour::None;
        m_clusterName.clear();
    }
    refreshClusterings();
    updateStatus();
}

void ComparePage::refreshClusterings()
{
    // The clusterings of the sets shown: colouring both maps by one shows where its clusters land.
    QList<ClusteringInfo> clusterings;
    if (Project *project = m_session->project()) {
        try {
            for (const ClusteringInfo &c : listClusterings(*project))
                if (!c.setName.isEmpty() && (c.setName == m_sides[Left].setName || c.setName == m_sides[Right].setName))
                    clusterings.append(c);
        } catch (const Error &e) {
            m_error = e.message();
        }
    }
    const QSignalBlocker block(m_colour);
    for (int i = m_colour->count() - 1; i >= 0; --i)
        if (Colour(m_colour->itemData(i).toInt()) == Colour::Clusters)
            m_colour->removeItem(i);
    for (const ClusteringInfo &c : clusterings) {
        m_colour->addItem(tr("Clusters: %1").arg(c.name), int(Colour::Clusters));
        m_colour->setItemData(m_colour->count() - 1, c.name, ClusteringRole);
    }
    int index = m_colour->findData(int(m_colourMode));
    if (m_colourMode == Colour::Clusters) {
        index = m_colour->findData(m_clusterName, ClusteringRole);
        if (index < 0) // the clustering is not of the sets shown (any more), or was just chosen by name
            index = -1;
    }
    m_colour->setCurrentIndex(index);
}

void ComparePage::refreshLayouts()
{
    Project *project = m_session->project();
    if (!project)
        return;
    QList<LayoutInfo> layouts;
    try {
        layouts = listLayouts(*project);
    } catch (const Error &e) {
        m_error = e.message();
        updateStatus();
        return;
    }
    for (const Side side : {Left, Right}) {
        SideState &s = m_sides[side];
        QString want = s.chooser->currentData().toString();
        {
            const QSignalBlocker block(s.chooser);
            s.chooser->clear();
            for (const LayoutInfo &l : layouts)
                s.chooser->addItem(tr("%1 (%2 points)").arg(l.name, QLocale().toString(l.count)), l.name);
            if (want.isEmpty() && !layouts.isEmpty())
                want = layouts[std::min<qsizetype>(side, layouts.size() - 1)].name;
            s.chooser->setCurrentIndex(s.chooser->findData(want));
        }
        if (s.chooser->currentIndex() >= 0 && s.chooser->currentData().toString() != s.name)
            showLayout(side, s.chooser->currentData().toString());
    }
    updateStatus();
}

void ComparePage::showLayout(Side side, const QString &name)
{
    Project *project = m_session->project();
    SideState &s = m_sides[side];
    if (!project || name.isEmpty() || name == s.name)
        return;
    {
        const QSignalBlocker block(s.chooser);
        if (s.chooser->findData(name) < 0)
            s.chooser->addItem(name, name);
        s.chooser->setCurrentIndex(s.chooser->findData(name));
    }
    m_error.clear();
    const QString path = project->path();
    const quint64 serial = m_session->serial();
    JobSpec spec;
    spec.label = tr("Loading layout %1").arg(name);
    spec.key = QStringLiteral("compare:layout:%1").arg(int(side));
    spec.context = this;
    spec.onReady = JobRunner::typed<LoadedLayout>([this, side, serial](LoadedLayout l) {
        layoutLoaded(side, serial, l.name, l.setName, std::move(l.xy), std::move(l.ids), std::move(l.labels));
    });
    spec.onFailed = [this](const QString &message) { m_error = message; };
    m_session->runner()->start(spec, [path, name](JobRun &job) -> std::any {
        Project project(path);
        Layout layout = loadLayout(project, name);
        job.checkCancelled();
        LoadedLayout out;
        out.name = layout.name;
        out.setName = layout.setName;
        out.ids = loadEmbeddingSetIds(project, layout.setName);
        if (qint64(out.ids.size()) != layout.count())
            throw Error(QStringLiteral("layout \"%1\" has %2 points but its set \"%3\" %4 rows")
                            .arg(name)
                            .arg(layout.count())
                            .arg(layout.setName)
                            .arg(out.ids.size()));
        out.xy = std::move(layout.xy);
        if (qint64(out.ids.size()) <= MaxLabelledPoints) {
            const std::vector<TitleArtist> names = itemTitles(project, out.ids);
            out.labels.reserve(names.size());
            for (const TitleArtist &n : names)
                out.labels.push_back(n.artist.isEmpty() ? n.title : n.title + QStringLiteral(" — ") + n.artist);
        }
        return out;
    });
    updateStatus();
}

void ComparePage::layoutLoaded(Side side, quint64 serial, const QString &name, const QString &setName,
                               std::vector<double> xy, std::vector<qint64> ids, std::vector<QString> labels)
{
    if (m_session->stale(serial))
        return;
    SideState &s = m_sides[side];
    s.name = name;
    s.setName = setName;
    s.xy = xy;
    s.labels = std::move(labels);
    s.view->setFitOnNextSet(true);
    s.view->setPoints(std::move(xy), std::move(ids));
    s.caption->setText(tr("set %1").arg(setName));
    refreshClusterings();
    // The new map takes over the other side's selection.
    const Side other = side == Left ? Right : Left;
    if (!m_sides[other].name.isEmpty())
        selectionChangedIn(other);
    emit layoutShown(side);
    updateAgreement();
}

void ComparePage::selectionChangedIn(Side side)
{
    if (m_syncing)
        return;
    const ScatterView *from = m_sides[side].view;
    ScatterView *to = m_sides[side == Left ? Right : Left].view;
    std::vector<qint64> rows;
    rows.reserve(from->selection().size());
    for (const qint64 row : from->selection())
        if (const qint64 r = to->rowOf(from->idOf(row)); r >= 0)
            rows.push_back(r);
    m_syncing = true;
    to->setSelection(std::move(rows));
    m_syncing = false;
}

void ComparePage::hoveredIn(Side side, qint64 row)
{
    const ScatterView *from = m_sides[side].view;
    ScatterView *to = m_sides[side == Left ? Right : Left].view;
    const qint64 r = row >= 0 ? to->rowOf(from->idOf(row)) : -1;
    to->setHighlighted(r >= 0 ? std::vector<qint64> {r} : std::vector<qint64> {});
}

void ComparePage::clickedIn(Side side, qint64 row)
{
    ScatterView *from = m_sides[side].view;
    ScatterView *to = m_sides[side == Left ? Right : Left].view;
    from->setCurrentRow(row);
    to->setCurrentRow(row >= 0 ? to->rowOf(from->idOf(row)) : -1);
}

void ComparePage::setClusterColour(const QString &clustering)
{
    if (clustering.isEmpty()) {
        setColour(Colour::None);
        return;
    }
    m_clusterName = clustering;
    m_colourMode = Colour::Clusters;
    {
        const QSignalBlocker block(m_colour);
        m_colour->setCurrentIndex(m_colour->findData(clustering, ClusteringRole));
    }
    updateAgreement();
}

bool ComparePage::isClusteringShown() const
{
    return m_colourMode == Colour::Clusters && !m_clustering.name.isEmpty() && m_clustering.name == m_clusterName
        && !m_sides[Left].view->rowClusters().empty() && !m_sides[Right].view->rowClusters().empty();
}

void ComparePage::updateClusters()
{
    JobRunner *runner = m_session->runner();
    Project *project = m_session->project();
    if (!project)
        return;
    if (m_clustering.name == m_clusterName) {
        applyClusters();
        return;
    }
    m_error.clear();
    const quint64 serial = m_session->serial();
    JobSpec spec;
    spec.label = tr("Loading clustering %1").arg(m_clusterName);
    spec.key = QStringLiteral("compare:clusters");
    spec.context = this;
    spec.onReady = JobRunner::typed<LoadedClustering>([this, serial](LoadedClustering c) {
        if (m_session->stale(serial) || c.clustering.name != m_clusterName)
            return;
        m_clustering = std::move(c.clustering);
        m_clusterSetIds = std::move(c.setIds);
        applyClusters();
    });
    spec.onFailed = [this](const QString &message) { m_error = message; };
    runner->start(spec, [path = project->path(), name = m_clusterName](JobRun &job) -> std::any {
        Project project(path);
        LoadedClustering out;
        out.clustering = loadClustering(project, name);
        job.checkCancelled();
        out.setIds = embeddingSetIds(project, out.clustering.setId);
        return out;
    });
    updateStatus();
}

void ComparePage::applyClusters()
{
    if (m_colourMode != Colour::Clusters || m_sides[Left].name.isEmpty() || m_sides[Right].name.isEmpty())
        return;
    for (SideState &s : m_sides) {
        s.view->setClusters(m_clustering, m_clusterSetIds);
        s.view->setClusterLabelsVisible(true);
        s.view->colourByClusters(0);
    }
    updateStatus();
    emit clustersShown();
}

void ComparePage::setColour(Colour colour)
{
    if (colour == Colour::Clusters) {
        setClusterColour(m_clusterName);
        return;
    }
    m_colourMode = colour;
    {
        const QSignalBlocker block(m_colour);
        m_colour->setCurrentIndex(m_colour->findData(int(colour)));
    }
    updateAgreement();
}

bool ComparePage::isBusy() const
{
    const JobRunner *runner = m_session->runner();
    return runner->jobOfKey(QStringLiteral("compare:layout:0")) || runner->jobOfKey(QStringLiteral("compare:layout:1"))
        || runner->jobOfKey(QStringLiteral("compare:agreement"))
        || runner->jobOfKey(QStringLiteral("compare:clusters"));
}

void ComparePage::updateAgreement()
{
    JobRunner *runner = m_session->runner();
    m_agreementIds.clear();
    m_agreementValues.clear();
    m_meanAgreement = -1;
    Project *project = m_session->project();
    if (m_colourMode != Colour::Clusters)
        for (SideState &s : m_sides) {
            s.view->clearClusters();
            s.view->setClusterLabelsVisible(false);
        }
    if (m_colourMode == Colour::Clusters && project && !m_sides[Left].name.isEmpty()
        && !m_sides[Right].name.isEmpty()) {
        runner->cancel(runner->jobOfKey(QStringLiteral("compare:agreement")));
        updateClusters();
        return;
    }
    if (m_colourMode == Colour::None || m_colourMode == Colour::Clusters || !project || m_sides[Left].name.isEmpty()
        || m_sides[Right].name.isEmpty()) {
        runner->cancel(runner->jobOfKey(QStringLiteral("compare:agreement")));
        for (SideState &s : m_sides)
            s.view->clearColours();
        updateStatus();
        return;
    }
    m_error.clear();
    AgreementOptions options;
    options.k = m_k->value();
    options.threads = 2;
    const quint64 serial = m_session->serial();
    JobSpec spec;
    spec.label = tr("Neighbourhood agreement of %1 and %2").arg(m_sides[Left].name, m_sides[Right].name);
    spec.key = QStringLiteral("compare:agreement");
    spec.context = this;
    spec.onReady = JobRunner::typed<AgreementResult>([this, serial](AgreementResult r) {
        if (m_session->stale(serial))
            return;
        m_agreementIds = std::move(r.ids);
        m_agreementValues = std::move(r.values);
        m_meanAgreement = r.mean;
        m_agreementK = r.k;
        applyAgreement();
        emit agreementReady(m_meanAgreement);
    });
    spec.onFailed = [this](const QString &message) {
        m_error = message;
        emit agreementFailed(message);
    };
    JobRunner::Work work;
    if (m_colourMode == Colour::MapAgreement) {
        options.metric = Metric::L2;
        work = [options, xyA = m_sides[Left].xy, idsA = m_sides[Left].view->ids(), xyB = m_sides[Right].xy,
                idsB = m_sides[Right].view->ids()](JobRun &job) -> std::any {
            const SharedRows shared = sharedRows(idsA, idsB);
            if (shared.ids.size() < 2)
                throw Error(QStringLiteral("the two maps share %1 items; expected at least 2").arg(shared.ids.size()));
            const NeighbourhoodAgreement a = neighbourhoodAgreement(gatherRows(xyA, shared.rowsA),
                                                                    gatherRows(xyB, shared.rowsB), options, job);
            return AgreementResult {shared.ids, a.perPoint, a.mean, a.k};
        };
    } else {
        work = [options, path = project->path(), setA = m_sides[Left].setName,
                setB = m_sides[Right].setName](JobRun &job) -> std::any {
            Project project(path);
            const EmbeddingSet a = loadEmbeddingSet(project, setA);
            const EmbeddingSet b = setB == setA ? a : loadEmbeddingSet(project, setB);
            job.checkCancelled();
            SetAgreement s = setAgreement(a, b, options, job);
            return AgreementResult {std::move(s.ids), std::move(s.agreement.perPoint), s.agreement.mean, s.agreement.k};
        };
    }
    runner->start(spec, std::move(work));
    updateStatus();
}

void ComparePage::applyAgreement()
{
    for (SideState &s : m_sides) {
        std::vector<float> values(size_t(s.view->pointCount()), std::numeric_limits<float>::quiet_NaN());
        for (size_t i = 0; i < m_agreementIds.size(); ++i)
            if (const qint64 row = s.view->rowOf(m_agreementIds[i]); row >= 0)
                values[size_t(row)] = m_agreementValues[i];
        s.view->setValues(std::move(values), tr("neighbours kept of %1").arg(m_agreementK));
    }
    updateStatus();
}

void ComparePage::updateStatus()
{
    const QLocale locale;
    if (!m_session->project()) {
        m_status->setText(tr("No project open"));
    } else if (!m_error.isEmpty()) {
        m_status->setText(m_error);
    } else if (m_sides[Left].chooser->count() == 0) {
        m_status->setText(tr("No stored layouts yet: compute a map first (Map → Compute Map)"));
    } else if (isBusy()) {
        m_status->setText(tr("Computing…"));
    } else if (isClusteringShown()) {
        m_status->setText(tr("Both maps coloured by the clusters of %1").arg(m_clusterName));
    } else if (m_colourMode != Colour::None && m_colourMode != Colour::Clusters && m_meanAgreement >= 0) {
        m_status->setText(tr("Mean agreement %1 (%2 nearest neighbours, %3 shared items)")
                              .arg(locale.toString(m_meanAgreement, 'f', 3))
                              .arg(m_agreementK)
                              .arg(locale.toString(qint64(m_agreementIds.size()))));
    } else {
        m_status->setText(tr("Select or hover in one map to see the same items in the other"));
    }
}

} // namespace orrery::ui
