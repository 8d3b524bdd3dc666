#include "inspector.h"

#include "itemlistmodel.h"

#include "index/similarity.h"
#include "index/vectorindex.h"
#include "store/project.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

namespace orrery::ui {

namespace {

constexpr int excerptChars = 600;

QString escaped(const QString &s)
{
    return s.toHtmlEscaped();
}

} // namespace

Inspector::Inspector(QWidget *parent)
    : QWidget(parent), m_title(new QLabel), m_subtitle(new QLabel), m_fields(new QTextBrowser),
      m_neighbourTitle(new QLabel), m_k(new QSpinBox), m_neighbourNote(new QLabel),
      m_neighbours(new ItemListModel(this)), m_songBox(new QWidget), m_songTitle(new QLabel),
      m_songs(new ItemListModel(this))
{
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setWordWrap(true);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);

    m_fields->setOpenLinks(false);
    m_fields->setFrameShape(QFrame::NoFrame);
    m_fields->viewport()->setAutoFillBackground(false);

    // The centred cosine, as `orrery-cli neighbours` prints it: raw cosines of vectors that share
    // one strong direction (SGNS songs) are all near 1 and say little.
    m_neighbours->setScoreTitle(tr("Similarity"));
    m_neighbourView = makeList(m_neighbours);
    m_neighbourView->setToolTip(tr("Similarity: the cosine after removing the direction every vector of the set "
                                   "shares (0 is as alike as two items picked at random, 1 the same direction)"));
    m_k->setRange(1, 200);
    m_k->setValue(10);
    m_k->setPrefix(tr("k = "));
    m_k->setToolTip(tr("How many neighbours to list"));
    connect(m_k, &QSpinBox::valueChanged, this, &Inspector::refreshNeighbours);
    m_neighbourNote->setWordWrap(true);
    m_neighbourNote->setForegroundRole(QPalette::PlaceholderText);

    m_songs->setScoreTitle(QString());
    m_songView = makeList(m_songs);
    m_songView->setColumnHidden(ItemListModel::Score, true);

    auto *neighbourBox = new QWidget;
    auto *neighbourLayout = new QVBoxLayout(neighbourBox);
    neighbourLayout->setContentsMargins(0, 0, 0, 0);
    auto *neighbourHeader = new QHBoxLayout;
    neighbourHeader->addWidget(m_neighbourTitle, 1);
    neighbourHeader->addWidget(m_k);
    neighbourLayout->addLayout(neighbourHeader);
    neighbourLayout->addWidget(m_neighbourNote);
    neighbourLayout->addWidget(m_neighbourView, 1);

    auto *songLayout = new QVBoxLayout(m_songBox);
    songLayout->setContentsMargins(0, 0, 0, 0);
    songLayout->addWidget(m_songTitle);
    songLayout->addWidget(m_songView, 1);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_fields);
    splitter->addWidget(neighbourBox);
    splitter->addWidget(m_songBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_subtitle);
    layout->addWidget(splitter, 1);

    showItem(0);
}

Inspector::~Inspector() = default;

QTreeView *Inspector::makeList(ItemListModel *model)
{
    auto *view = new QTreeView;
    view->setModel(model);
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);
    view->setAllColumnsShowFocus(true);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    QHeaderView *header = view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ItemListModel::Name, QHeaderView::Stretch);
    header->setMinimumSectionSize(fontMetrics().averageCharWidth() * 3);
    const auto activate = [this, model](const QModelIndex &index) {
        if (index.isValid())
            emit itemActivated(model->itemId(index.row()));
    };
    connect(view, &QAbstractItemView::clicked, this, activate);
    connect(view, &QAbstractItemView::activated, this, activate);
    return view;
}

void Inspector::setProject(Project *project)
{
    m_project = project;
    m_index.reset();
    m_scale.reset();
    m_setName.clear();
    m_indexPending = false;
    showItem(0);
}

void Inspector::setIndex(std::shared_ptr<const VectorIndex> index, const QString &setName, bool pending)
{
    if (index != m_index)
        m_scale = index ? std::make_shared<const SimilarityScale>(SimilarityScale::of(*index)) : nullptr;
    m_index = std::move(index);
    m_setName = setName;
    m_indexPending = pending;
    refreshNeighbours();
}

int Inspector::neighbourCount() const
{
    return m_k->value();
}

void Inspector::showItem(qint64 id)
{
    m_itemId = id;
    m_details.reset();
    if (m_project && id) {
        try {
            m_details = readItemDetails(*m_project, id);
        } catch (const Error &e) {
            m_fields->setPlainText(e.message());
        }
    }
    if (!m_details)
        m_itemId = 0;
    showDetails();

    QList<qint64> path;
    m_songs->clear();
    const bool playlist = m_details && m_details->kind == ItemKind::Playlist && !m_details->entries.empty();
    if (playlist && m_project) {
        try {
            m_songs->setItems(*m_project, m_details->entries);
            path = m_songs->ids();
        } catch (const Error &) {
            m_songs->clear();
        }
        m_songTitle->setText(
            tr("<b>Songs</b> in order (%1)").arg(QLocale().toString(qint64(m_details->entries.size()))));
    }
    m_songBox->setVisible(playlist);
    refreshNeighbours();
    emit pathChanged(path);
}

void Inspector::showDetails()
{
    if (!m_details) {
        m_title->setText(tr("Nothing selected"));
        m_subtitle->setText(tr("Click a point on the map, a search result or a row of the items table."));
        m_fields->clear();
        return;
    }
    const ItemDetails &d = *m_details;
    m_title->setText(d.displayName());
    QStringList sub {toString(d.kind)};
    if (!d.artist.isEmpty())
        sub.append(d.artist);
    if (!d.album.isEmpty())
        sub.append(d.album);
    m_subtitle->setText(sub.join(QStringLiteral(" · ")));

    QString html;
    const auto row = [&html](const QString &name, const QString &valueHtml) {
        html += QStringLiteral("<tr><td style='padding-right:8px'><b>%1</b></td><td>%2</td></tr>").arg(name, valueHtml);
    };
    html += QStringLiteral("<table cellspacing='0' cellpadding='1'>");
    row(tr("Key"), escaped(d.key));
    if (!d.labels.isEmpty())
        row(tr("Labels"), escaped(d.labels.join(QStringLiteral(", "))));
    if (!d.tags.isEmpty())
        row(tr("Tags"), escaped(d.tags.join(QStringLiteral(", "))));
    QStringList datasets;
    for (const ItemDetails::Membership &m : d.datasets)
        datasets.append(m.key == d.key ? m.dataset : QStringLiteral("%1 (%2)").arg(m.dataset, m.key));
    if (!datasets.isEmpty())
        row(tr("Datasets"), escaped(datasets.join(QStringLiteral(", "))));
    if (d.kind == ItemKind::Playlist || d.kind == ItemKind::Document)
        row(tr("Length"), QLocale().toString(qint64(d.entries.size())));
    html += QStringLiteral("</table>");
    if (!d.body.isEmpty()) {
        QString excerpt = d.body.left(excerptChars);
        if (d.body.size() > excerptChars)
            excerpt += QStringLiteral("…");
        html += QStringLiteral("<p>%1</p>").arg(escaped(excerpt).replace(u'\n', QStringLiteral("<br>")));
    }
    if (!d.attrs.isEmpty()) {
        const QJsonDocument json = QJsonDocument::fromJson(d.attrs.toUtf8());
        const QString pretty = json.isNull() ? d.attrs : QString::fromUtf8(json.toJson(QJsonDocument::Indented));
        html += QStringLiteral("<pre style='white-space: pre-wrap'>%1</pre>").arg(escaped(pretty.left(8000)));
    }
    m_fields->setHtml(html);
}

void Inspector::refreshNeighbours()
{
    m_neighbourTitle->setText(m_setName.isEmpty() ? tr("<b>Neighbours</b>")
                                                  : tr("<b>Neighbours</b> in %1").arg(escaped(m_setName)));
    QList<qint64> ids;
    QString note;
    if (!m_details) {
        m_neighbours->clear();
    } else if (!m_index) {
        m_neighbours->clear();
        note = m_indexPending ? tr("Loading the neighbour index…")
                              : tr("No embedding set chosen: pick one in the datasets panel, or compute a map.");
    } else if (m_index->rowOf(m_itemId) < 0) {
        m_neighbours->clear();
        note = tr("This item has no vector in %1.").arg(m_setName);
    } else {
        try {
            const std::vector<Neighbour> found = m_index->ofItem(m_itemId, m_k->value());
            const std::vector<ReadableSimilarity> readable = m_scale->apply(
                *m_index, m_index->vector(m_index->rowOf(m_itemId)), found);
            std::vector<qint64> neighbourIds;
            std::vector<double> similarity;
            for (size_t i = 0; i < found.size(); ++i) {
                neighbourIds.push_back(found[i].itemId);
                similarity.push_back(readable[i].centred);
            }
            m_neighbours->setItems(*m_project, neighbourIds, similarity);
            ids = m_neighbours->ids();
        } catch (const Error &e) {
            m_neighbours->clear();
            note = e.message();
        }
    }
    m_neighbourNote->setText(note);
    m_neighbourNote->setVisible(!note.isEmpty());
    emit neighboursChanged(ids);
}

} // namespace orrery::ui
