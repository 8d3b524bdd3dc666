#include "recommenddock.h"

#include "projectsession.h"
#include "recommendpanel.h"

#include "store/itemdetails.h"
#include "store/project.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace orrery::ui {

RecommendDock::RecommendDock(ProjectSession *session, QWidget *parent)
    : QDockWidget(tr("Recommendations"), parent), m_session(session)
{
    setObjectName(QStringLiteral("recommendations"));
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *seedBar = new QHBoxLayout;
    m_seeds = new QLabel(tr("No seeds yet"));
    m_seeds->setWordWrap(true);
    m_seedButton = new QToolButton;
    m_seedButton->setText(tr("Seed from selection"));
    m_seedButton->setToolTip(tr("Recommend songs that continue the selected songs, or the current playlist"));
    connect(m_seedButton, &QToolButton::clicked, this, &RecommendDock::seedFromSelection);
    seedBar->addWidget(m_seeds, 1);
    seedBar->addWidget(m_seedButton);
    layout->addLayout(seedBar);
    m_panel = new RecommendPanel(session->runner());
    connect(m_panel, &RecommendPanel::itemActivated, this, &RecommendDock::itemActivated);
    connect(m_panel, &RecommendPanel::failed, this,
            [this](const QString &text) { emit message(tr("Recommendations: %1").arg(text), 8000); });
    layout->addWidget(m_panel, 1);
    setWidget(content);

    connect(m_session, &ProjectSession::aboutToClose, this, [this] { m_songSet.clear(); });
    connect(m_session, &ProjectSession::setChanged, this, &RecommendDock::updateSource);
    updateSource();
}

void RecommendDock::updateSource()
{
    const QString &set = m_session->set();
    const QString songs = m_session->songSetFor(set);
    m_seedButton->setEnabled(!songs.isEmpty());
    if (songs.isEmpty()) {
        m_seeds->setText(set.isEmpty() ? tr("Choose a set of song or playlist vectors")
                                       : tr("“%1” holds no song vectors to recommend from").arg(set));
        return;
    }
    if (songs == m_songSet)
        return;
    m_songSet = songs;
    m_panel->setSource(m_session->project()->path(), songs);
    if (m_panel->seeds().isEmpty()) // seeds given before the set was ready keep their "Continuing …"
        m_seeds->setText(tr("Recommending from “%1”: select songs or a playlist, then seed").arg(songs));
}

void RecommendDock::seedFromSelection()
{
    Project *project = m_session->project();
    if (!project)
        return;
    const QList<qint64> selection = m_session->selection();
    QList<qint64> seeds;
    QString what;
    try {
        for (const qint64 id : selection) {
            const std::optional<ItemDetails> item = readItemDetails(*project, id);
            if (!item)
                continue;
            if (item->kind == ItemKind::Playlist) {
                seeds.append(QList<qint64>(item->entries.begin(), item->entries.end()));
                what = tr("playlist “%1”").arg(item->displayName());
            } else {
                seeds.append(id);
                what = tr("“%1”").arg(item->displayName());
            }
        }
    } catch (const Error &e) {
        emit message(e.message(), 8000);
        return;
    }
    if (seeds.isEmpty()) {
        m_seeds->setText(tr("Select songs or a playlist first"));
        return;
    }
    if (what.isEmpty() || selection.size() > 1)
        what = tr("%1 selected items").arg(selection.size());
    m_seeds->setText(seeds.size() == 1 ? tr("Continuing %1").arg(what)
                                       : tr("Continuing %1 (%2 seed songs)").arg(what).arg(seeds.size()));
    m_panel->setSeeds(seeds);
    show();
    raise();
}

} // namespace orrery::ui
