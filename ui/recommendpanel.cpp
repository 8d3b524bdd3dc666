#include "recommendpanel.h"

#include "base/embeddingset.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QAction>
#include <QComboBox>
#include <QDataStream>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace orrery::ui {

namespace {

const QString buildKey = QStringLiteral("recommender");

const char *const rowsMime = "application/x-orrery-recommendations";

QDataStream &operator<<(QDataStream &s, const RecommendationModel::Row &r)
{
    const io::PlaylistEntry &e = r.entry;
    return s << e.itemId << e.key << e.identity << e.title << e.artist << e.album << e.duration << e.artistUri
             << e.albumUri << r.score() << e.because << r.becauseId << r.because;
}

QDataStream &operator>>(QDataStream &s, RecommendationModel::Row &r)
{
    io::PlaylistEntry &e = r.entry;
    float score = 0;
    s >> e.itemId >> e.key >> e.identity >> e.title >> e.artist >> e.album >> e.duration >> e.artistUri >> e.albumUri
        >> score >> e.because >> r.becauseId >> r.because;
    e.score = score;
    return s;
}

QString display(const QString &artist, const QString &title)
{
    return artist.isEmpty() ? title : artist + QStringLiteral(" - ") + title;
}

} // namespace

RecommendationModel::RecommendationModel(QObject *parent) : QAbstractTableModel(parent) { }

void RecommendationModel::setRows(QList<Row> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int RecommendationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RecommendationModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RecommendationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Title: return r.entry.title.isEmpty() ? r.entry.key : r.entry.title;
        case Artist: return r.entry.artist;
        case Score: return QString::number(double(r.score()), 'f', 3);
        case Because: return r.because.isEmpty() ? tr("(popular)") : r.because;
        }
        break;
    case Qt::ToolTipRole:
        return r.because.isEmpty() ? r.entry.key : r.entry.key + u'\n' + tr("because you have %1").arg(r.because);
    case Qt::TextAlignmentRole:
        return index.column() == Score ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case ItemIdRole: return r.entry.itemId;
    case KeyRole: return r.entry.key;
    case ScoreRole: return double(r.score());
    case BecauseIdRole: return r.becauseId;
    }
    return {};
}

QVariant RecommendationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Title: return tr("Title");
    case Artist: return tr("Artist");
    case Score: return tr("Score");
    case Because: return tr("Because you have");
    }
    return {};
}

Qt::ItemFlags RecommendationModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // drops land between rows
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
}

bool RecommendationModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (parent.isValid() || row < 0 || count < 1 || row + count > m_rows.size())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    return true;
}

bool RecommendationModel::moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                                   const QModelIndex &destinationParent, int destinationChild)
{
    if (sourceParent.isValid() || destinationParent.isValid() || sourceRow < 0 || count < 1
        || sourceRow + count > m_rows.size() || destinationChild < 0 || destinationChild > m_rows.size()
        || (destinationChild >= sourceRow && destinationChild <= sourceRow + count))
        return false;
    if (!beginMoveRows({}, sourceRow, sourceRow + count - 1, {}, destinationChild))
        return false;
    const QList<Row> moved = m_rows.mid(sourceRow, count);
    m_rows.remove(sourceRow, count);
    const int at = destinationChild > sourceRow ? destinationChild - count : destinationChild;
    for (int i = 0; i < count; ++i)
        m_rows.insert(at + i, moved.at(i));
    endMoveRows();
    return true;
}

Qt::DropActions RecommendationModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

Qt::DropActions RecommendationModel::supportedDragActions() const
{
    return Qt::MoveAction;
}

QStringList RecommendationModel::mimeTypes() const
{
    return {QString::fromLatin1(rowsMime)};
}

QMimeData *RecommendationModel::mimeData(const QModelIndexList &indexes) const
{
    std::set<int> rows;
    for (const QModelIndex &i : indexes)
        if (i.isValid())
            rows.insert(i.row());
    QByteArray bytes;
    QDataStream s(&bytes, QIODevice::WriteOnly);
    s << qint32(rows.size());
    for (const int r : rows)
        s << m_rows.at(r);
    auto *mime = new QMimeData;
    mime->setData(QString::fromLatin1(rowsMime), bytes);
    return mime;
}

bool RecommendationModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int, int,
                                          const QModelIndex &) const
{
    return data && action == Qt::MoveAction && data->hasFormat(QString::fromLatin1(rowsMime));
}

bool RecommendationModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                                       const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    // Dropped on a row: before it; in the empty space below: at the end.
    if (row < 0)
        row = parent.isValid() ? parent.row() : int(m_rows.size());
    QDataStream s(data->data(QString::fromLatin1(rowsMime)));
    qint32 n = 0;
    s >> n;
    QList<Row> rows;
    for (qint32 i = 0; i < n && s.status() == QDataStream::Ok; ++i) {
        Row r;
        s >> r;
        rows.append(r);
    }
    if (rows.isEmpty() || s.status() != QDataStream::Ok)
        return false;
    // The view removes the dragged originals afterwards (a move is a copy, then a removal).
    beginInsertRows({}, row, row + int(rows.size()) - 1);
    for (int i = 0; i < rows.size(); ++i)
        m_rows.insert(row + i, rows.at(i));
    endInsertRows();
    return true;
}

RecommendPanel::RecommendPanel(JobRunner *runner, QWidget *parent)
    : QWidget(parent), m_runner(runner), m_model(new RecommendationModel(this))
{
    m_method = new QComboBox(this);
    for (const auto &[method, label] : {std::pair {RecommendMethod::Blend, tr("Blend")},
                                        std::pair {RecommendMethod::PlaylistKnn, tr("Similar playlists")},
                                        std::pair {RecommendMethod::Cooccurrence, tr("Co-occurrence")},
                                        std::pair {RecommendMethod::Attention, tr("Attention (per mood)")},
                                        std::pair {RecommendMethod::Centroid, tr("Centroid")},
                                        std::pair {RecommendMethod::Popularity, tr("Popularity")}})
        m_method->addItem(label, int(method));
    m_count = new QSpinBox(this);
    m_count->setRange(1, 5000);
    m_count->setValue(50);
    m_count->setToolTip(tr("Number of recommendations"));
    m_export = new QToolButton(this);
    m_export->setText(tr("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_export);
    for (const io::PlaylistFormat f :
         {io::PlaylistFormat::M3u8, io::PlaylistFormat::Xspf, io::PlaylistFormat::Csv, io::PlaylistFormat::Json}) {
        QAction *a = menu->addAction(io::toString(f).toUpper());
        a->setObjectName(QStringLiteral("export-") + io::toString(f));
        connect(a, &QAction::triggered, this, [this, f] { chooseExport(f); });
    }
    m_export->setMenu(menu);
    auto *remove = new QToolButton(this);
    remove->setText(tr("Remove"));
    remove->setObjectName(QStringLiteral("remove"));
    connect(remove, &QToolButton::clicked, this, &RecommendPanel::removeSelected);

    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setDragEnabled(true);
    m_view->setAcceptDrops(true);
    m_view->setDropIndicatorShown(true);
    m_view->setDragDropMode(QAbstractItemView::InternalMove);
    m_view->setDefaultDropAction(Qt::MoveAction);
    m_view->setDragDropOverwriteMode(false);
    m_view->verticalHeader()->hide();
    // One line per song, elided, so that a narrow dock still shows every column's start; the full
    // texts are in the tool tip.
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    // Title, artist, the seed it comes from (taking the room left), and the score, narrow, last.
    QHeaderView *header = m_view->horizontalHeader();
    header->setDefaultSectionSize(fontMetrics().horizontalAdvance(u'x') * 13);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(RecommendationModel::Because, QHeaderView::Stretch);
    header->setSectionResizeMode(RecommendationModel::Score, QHeaderView::ResizeToContents);
    header->moveSection(header->visualIndex(RecommendationModel::Score), RecommendationModel::ColumnCount - 1);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *removeAction = new QAction(tr("Remove"), m_view);
    removeAction->setShortcut(QKeySequence::Delete);
    removeAction->setShortcutContext(Qt::WidgetShortcut);
    connect(removeAction, &QAction::triggered, this, &RecommendPanel::removeSelected);
    m_view->addAction(removeAction);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.isValid())
            emit itemActivated(index.data(RecommendationModel::ItemIdRole).toLongLong());
    });

    m_status = new QLabel(tr("No source"), this);
    m_status->setWordWrap(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_method, 1);
    bar->addWidget(m_count);
    bar->addWidget(remove);
    bar->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    connect(m_method, &QComboBox::currentIndexChanged, this, &RecommendPanel::recommend);
    connect(m_count, &QSpinBox::valueChanged, this, &RecommendPanel::recommend);
}

RecommendPanel::~RecommendPanel() = default;

void RecommendPanel::setSource(const QString &projectPath, const QString &setName, qint64 datasetId)
{
    m_recommender.reset();
    m_projectPath = projectPath;
    m_datasetId = datasetId;
    m_model->setRows({});
    m_status->setText(tr("Preparing recommendations from \"%1\"…").arg(setName));
    try {
        m_project = std::make_unique<Project>(projectPath);
    } catch (const Error &e) {
        m_runner->cancel(m_runner->jobOfKey(buildKey));
        m_status->setText(e.message());
        emit failed(e.message());
        return;
    }
    struct Built {
        std::shared_ptr<const Recommender> recommender;
        qint64 datasetId = 0;
    };
    JobSpec spec;
    spec.label = tr("Recommender for %1").arg(setName);
    spec.key = buildKey; // a build still running for an earlier source is superseded
    spec.context = this;
    spec.onReady = JobRunner::typed<Built>([this](Built built) {
        m_recommender = std::move(built.recommender);
        m_datasetId = built.datasetId;
        emit ready();
        recommend();
    });
    spec.onFailed = [this](const QString &message) {
        m_status->setText(message);
        emit failed(message);
    };
    m_runner->start(spec, [projectPath, setName, datasetId](JobRun &job) -> std::any {
        Project project(projectPath); // a worker's own connection
        const EmbeddingSet set = loadEmbeddingSet(project, setName);
        Built built;
        built.datasetId = datasetId ? datasetId : set.datasetId;
        built.recommender = std::make_shared<const Recommender>(
            projectRecommender(project, &set, built.datasetId, RecommenderParams(), job));
        return built;
    });
}

void RecommendPanel::setSeeds(const QList<qint64> &itemIds)
{
    m_seeds = itemIds;
    recommend();
}

void RecommendPanel::setMethod(RecommendMethod method)
{
    m_method->setCurrentIndex(m_method->findData(int(method)));
}

RecommendMethod RecommendPanel::method() const
{
    return RecommendMethod(m_method->currentData().toInt());
}

void RecommendPanel::setCount(int n)
{
    m_count->setValue(n);
}

int RecommendPanel::count() const
{
    return m_count->value();
}

void RecommendPanel::recommend()
{
    if (!m_recommender || !m_project)
        return;
    RecommendRequest request;
    request.seeds.assign(m_seeds.begin(), m_seeds.end());
    request.n = m_count->value();
    try {
        const std::vector<Recommendation> recs = m_recommender->recommend(method(), request);
        std::vector<qint64> ids, reasons;
        for (const Recommendation &r : recs) {
            ids.push_back(r.itemId);
            if (r.becauseItemId)
                reasons.push_back(r.becauseItemId);
        }
        std::vector<io::PlaylistEntry> entries = io::playlistEntries(*m_project, ids, m_datasetId);
        QHash<qint64, std::pair<QString, QString>> reasonNames;
        for (const io::PlaylistEntry &e : io::playlistEntries(*m_project, reasons, m_datasetId))
            reasonNames.insert(e.itemId,
                               {e.title.isEmpty() || e.artist.isEmpty()
                                    ? display(e.artist, e.title)
                                    : e.title + QStringLiteral(" (") + e.artist + u')',
                                e.key});
        QList<RecommendationModel::Row> rows;
        for (size_t i = 0; i < recs.size(); ++i) {
            RecommendationModel::Row r;
            r.entry = std::move(entries[i]);
            r.entry.score = recs[i].score;
            r.becauseId = recs[i].becauseItemId;
            if (r.becauseId) {
                r.because = reasonNames.value(r.becauseId).first;
                r.entry.because = reasonNames.value(r.becauseId).second;
            }
            rows.append(r);
        }
        m_model->setRows(std::move(rows));
        const qint64 known = m_recommender->knownSeeds(request.seeds);
        m_status->setText(known
                              ? (recs.size() == 1 ? tr("1 recommendation") : tr("%1 recommendations").arg(recs.size()))
                                  + (known == 1 ? tr(" from 1 seed") : tr(" from %1 seeds").arg(known))
                              : tr("No known seed: the most popular songs"));
        emit recommended();
    } catch (const Error &e) {
        m_status->setText(e.message());
    }
}

void RecommendPanel::removeSelected()
{
    QList<int> rows;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        rows.append(i.row());
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (const int r : std::as_const(rows))
        m_model->removeRows(r, 1);
}

void RecommendPanel::exportTo(const QString &path, io::PlaylistFormat format) const
{
    io::PlaylistExport list;
    QStringList seedNames;
    for (const RecommendationModel::Row &r : m_model->rows()) {
        list.entries.push_back(r.entry);
        if (!r.because.isEmpty() && !seedNames.contains(r.because) && seedNames.size() < 3)
            seedNames << r.because;
    }
    list.name = seedNames.isEmpty() ? tr("Recommendations")
                                    : tr("Continuing %1").arg(seedNames.join(QStringLiteral(", ")));
    io::writePlaylist(path, list, format);
}

void RecommendPanel::chooseExport(io::PlaylistFormat format)
{
    const QString suffix = io::toString(format);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export recommendations"),
                                                      QStringLiteral("recommendations.") + suffix,
                                                      tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (path.isEmpty())
        return;
    try {
        exportTo(path, format);
        m_status->setText(tr("Wrote %1").arg(path));
    } catch (const Error &e) {
        QMessageBox::warning(this, tr("Export failed"), e.message());
    }
}

} // namespace orrery::ui
