#include "neighboursdock.h"

#include "itemlistmodel.h"
#include "itemmodel.h"
#include "mappage.h"
#include "projectsession.h"
#include "scatterview.h"

#include "index/vectorindex.h"
#include "store/embeddingsets.h"
#include "store/items.h"
#include "store/project.h"
#include "store/search.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace orrery::ui {

namespace {

struct Answer {
    qint64 centre = 0; ///< the query's item; 0 for free text
    QString resolved; ///< what the query was taken as
    std::vector<Neighbour> neighbours;
    std::vector<ReadableSimilarity> readable;
    std::shared_ptr<const SimilarityScale> scale;
    std::shared_ptr<const VectorIndex> index;
};

/// Titles tried from the full-text search before giving up on a title query.
constexpr qint64 TitleCandidates = 20;

} // namespace

NeighboursDock::NeighboursDock(ProjectSession *session, MapPage *map, QWidget *parent)
    : QDockWidget(tr("Query neighbours"), parent), m_session(session), m_map(map), m_query(new QLineEdit),
      m_k(new QSpinBox), m_threshold(new QSlider(Qt::Horizontal)), m_thresholdLabel(new QLabel), m_note(new QLabel),
      m_list(new QTreeView), m_model(new ItemListModel(this)), m_typing(new QTimer(this))
{
    setObjectName(QStringLiteral("neighboursDock"));
    m_query->setPlaceholderText(tr("A key, a title or some words…"));
    m_query->setClearButtonEnabled(true);
    m_query->setToolTip(tr("An item's source key, a title (the best match in the current dataset), or free text "
                           "in a text set: its neighbours in the current embedding set are listed and marked"));
    m_k->setRange(1, 500);
    m_k->setValue(20);
    m_k->setPrefix(tr("k = "));
    m_k->setToolTip(tr("How many neighbours to fetch"));
    m_threshold->setRange(-100, 100);
    m_threshold->setValue(0);
    m_threshold->setToolTip(tr("Hide neighbours whose similarity (the cosine after removing the set's common "
                               "direction) is below this"));
    m_thresholdLabel->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("≥ −0.00")));
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_model->setScoreTitle(tr("Similarity"));
    m_list->setModel(m_model);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(ItemListModel::Name, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(ItemListModel::Position, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(ItemListModel::Score, QHeaderView::ResizeToContents);

    auto *body = new QWidget;
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(6, 6, 6, 6);
    auto *top = new QHBoxLayout;
    top->addWidget(m_query, 1);
    top->addWidget(m_k);
    layout->addLayout(top);
    auto *slider = new QHBoxLayout;
    slider->addWidget(new QLabel(tr("Similarity")));
    slider->addWidget(m_threshold, 1);
    slider->addWidget(m_thresholdLabel);
    layout->addLayout(slider);
    layout->addWidget(m_note);
    layout->addWidget(m_list, 1);
    setWidget(body);

    m_typing->setSingleShot(true);
    m_typing->setInterval(300);
    connect(m_typing, &QTimer::timeout, this, &NeighboursDock::run);
    connect(m_query, &QLineEdit::textEdited, this, [this] { m_typing->start(); });
    connect(m_query, &QLineEdit::returnPressed, this, [this] {
        m_typing->stop();
        run();
    });
    connect(m_k, &QSpinBox::valueChanged, this, &NeighboursDock::run);
    connect(m_threshold, &QSlider::valueChanged, this, &NeighboursDock::showFound);
    connect(m_list, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (const qint64 id = index.data(ItemListModel::IdRole).toLongLong())
            emit itemActivated(id);
    });
    connect(m_session, &ProjectSession::aboutToClose, this, [this] {
        m_session->runner()->cancel(m_session->runner()->jobOfKey(QStringLiteral("neighbours:query")));
        m_found.clear();
        m_centre = 0;
        m_scale.reset();
        m_scaleIndex.reset();
        m_model->clear();
        setNote({});
    });
    connect(m_session, &ProjectSession::setChanged, this, [this] { run(); });
    connect(m_session, &ProjectSession::indexReady, this, [this](const QString &set) {
        if (set == m_pendingSet)
            run();
    });
    connect(m_session, &ProjectSession::indexFailed, this, [this](const QString &set, const QString &message) {
        if (set == m_pendingSet) {
            m_pendingSet.clear();
            setNote(message);
            emit answered();
        }
    });
    showFound();
}

NeighboursDock::~NeighboursDock() = default;

void NeighboursDock::setQuery(const QString &text)
{
    m_query->setText(text);
    m_typing->stop();
    run();
}

void NeighboursDock::setThreshold(double threshold)
{
    m_threshold->setValue(int(std::lround(std::clamp(threshold, -1.0, 1.0) * 100)));
}

double NeighboursDock::threshold() const
{
    return m_threshold->value() / 100.0;
}

void NeighboursDock::setK(int k)
{
    m_k->setValue(k);
}

bool NeighboursDock::isBusy() const
{
    return !m_pendingSet.isEmpty() || m_session->runner()->jobOfKey(QStringLiteral("neighbours:query")) != 0;
}

void NeighboursDock::setNote(const QString &text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

void NeighboursDock::run()
{
    m_pendingSet.clear();
    const QString query = m_query->text().trimmed();
    Project *project = m_session->project();
    const QString setName = m_session->set();
    JobRunner *runner = m_session->runner();
    if (query.isEmpty() || !project || setName.isEmpty()) {
        runner->cancel(runner->jobOfKey(QStringLiteral("neighbours:query")));
        m_found.clear();
        m_centre = 0;
        setNote(!project || setName.isEmpty() ? tr("Choose an embedding set (or compute a map) to query it.")
                                              : QString());
        showFound();
        return;
    }
    std::shared_ptr<const VectorIndex> index = m_session->index(setName);
    if (!index) {
        m_pendingSet = setName;
        setNote(tr("Loading the neighbour index of %1…").arg(setName));
        m_session->loadIndex(setName);
        return;
    }
    std::shared_ptr<const SimilarityScale> scale = index == m_scaleIndex ? m_scale : nullptr;
    const quint64 serial = m_session->serial();
    JobSpec spec;
    spec.label = tr("Neighbours of “%1”").arg(query);
    spec.key = QStringLiteral("neighbours:query");
    spec.context = this;
    spec.onReady = JobRunner::typed<Answer>([this, serial](Answer a) {
        if (m_session->stale(serial))
            return;
        m_scaleIndex = a.index;
        m_scale = a.scale;
        m_centre = a.centre;
        m_answerText = a.resolved;
        m_found.clear();
        for (size_t i = 0; i < a.neighbours.size(); ++i)
            m_found.push_back({a.neighbours[i].itemId, a.readable[i]});
        setNote({});
        showFound();
        emit answered();
    });
    spec.onFailed = [this](const QString &message) {
        m_found.clear();
        m_centre = 0;
        setNote(message);
        showFound();
        emit answered();
    };
    runner->start(spec,
                  [path = project->path(), setName, datasetId = m_session->datasetId(), query, k = m_k->value(), index,
                   scale](JobRun &job) -> std::any {
                      Answer a;
                      a.index = index;
                      a.scale = scale ? scale : std::make_shared<const SimilarityScale>(SimilarityScale::of(*index));
                      job.checkCancelled();
                      Project project(path);
                      const auto ofItem = [&](qint64 id) {
                          a.centre = id;
                          a.neighbours = index->ofItem(id, k);
                          a.readable = a.scale->apply(*index, index->vector(index->rowOf(id)), a.neighbours);
                      };
                      // A key first, as the CLI resolves one.
                      if (const qint64 id = findItemByKey(project, query, datasetId); id && index->rowOf(id) >= 0) {
                          a.resolved = query;
                          ofItem(id);
                          return a;
                      }
                      // Free text in a set with a word space (words, pooled or LSA documents).
                      const EmbeddingSet set = loadEmbeddingSet(project, setName);
                      job.checkCancelled();
                      try {
                          const TextQuery q = textQuery(project, set, query);
                          if (!q.vector.empty()) {
                              a.resolved = q.words.join(u' ');
                              a.neighbours = index->ofVector(q.vector, k);
                              a.readable = a.scale->apply(*index, q.vector, a.neighbours);
                              return a;
                          }
                      } catch (const Error &) {
                          // no word space: try titles
                      }
                      const std::vector<qint64> hits = searchItems(project, set.datasetId ? set.datasetId : datasetId,
                                                                   ItemModel::ftsQuery(query), TitleCandidates, true);
                      for (const qint64 id : hits) {
                          if (index->rowOf(id) >= 0) {
                              const std::vector<TitleArtist> names = itemTitles(project, std::vector<qint64> {id});
                              a.resolved = names.empty() ? query : names.front().title;
                              ofItem(id);
                              return a;
                          }
                      }
                      throw Error(
                          QStringLiteral("nothing in %1 matches “%2” as a key, a title or words").arg(setName, query));
                  });
}

void NeighboursDock::showFound()
{
    const double t = threshold();
    m_thresholdLabel->setText(QStringLiteral("≥ %1").arg(QLocale().toString(t, 'f', 2)));
    std::vector<qint64> ids;
    std::vector<double> scores;
    for (const Found &f : m_found) {
        if (f.similarity.centred + 1e-6 < t)
            continue;
        ids.push_back(f.itemId);
        scores.push_back(f.similarity.centred);
    }
    QList<qint64> shown;
    if (Project *project = m_session->project(); project && !ids.empty()) {
        m_model->setItems(*project, ids, scores);
        shown = m_model->ids();
    } else {
        m_model->clear();
    }
    if (!m_found.empty()) {
        const QLocale locale;
        QString text = tr("%1 of %2 neighbours of “%3” at similarity %4 or more")
                           .arg(locale.toString(qint64(ids.size())), locale.toString(qint64(m_found.size())),
                                m_answerText, locale.toString(t, 'f', 2));
        if (m_scale && m_scale->commonDirection() > 0.3f)
            text += tr(" (the set's vectors share one direction, norm %1: raw cosines say little)")
                        .arg(locale.toString(m_scale->commonDirection(), 'f', 2));
        setNote(text);
    }
    markMap(shown);
}

void NeighboursDock::markMap(const QList<qint64> &ids)
{
    // The map's marks belong to the inspector until a query has put some there.
    if (!m_map || (ids.isEmpty() && !m_marked))
        return;
    m_marked = !ids.isEmpty();
    ScatterView *view = m_map->view();
    std::vector<qint64> rows;
    for (const qint64 id : ids)
        if (const qint64 row = view->rowOf(id); row >= 0)
            rows.push_back(row);
    const qint64 centre = m_centre ? view->rowOf(m_centre) : -1;
    if (centre >= 0) {
        view->setHighlighted({});
        view->setNeighbours(std::move(rows), centre);
    } else {
        view->setNeighbours({});
        view->setHighlighted(std::move(rows));
    }
}

} // namespace orrery::ui
