#pragma once

#include <QDockWidget>

class QLabel;
class QToolButton;

namespace orrery::ui {

class ProjectSession;
class RecommendPanel;

/// Recommendations for the session's set: continue the selection (or the current playlist) with
/// songs from the set's song vectors (a playlist set serves through the songs it was pooled from).
class RecommendDock final : public QDockWidget {
    Q_OBJECT

public:
    explicit RecommendDock(ProjectSession *session, QWidget *parent = nullptr);

    RecommendPanel *panel() const { return m_panel; }
    /// Seeds the list with the selection (a playlist brings its songs) and shows the dock.
    void seedFromSelection();

signals:
    void itemActivated(qint64 id);
    void message(const QString &text, int timeoutMs);

private:
    void updateSource();

    ProjectSession *m_session;
    RecommendPanel *m_panel;
    QLabel *m_seeds;
    QToolButton *m_seedButton;
    QString m_songSet; ///< the song set m_panel was given
};

} // namespace orrery::ui
