#pragma once

#include <QDockWidget>

namespace orrery::ui {

class DatasetModel;
class Inspector;
class ProjectSession;

/// The inspector of the session's current item, with its neighbours from the right set: the
/// map's set when it holds items of the item's kind, else a set of that kind in one of the
/// item's datasets (a playlist on a map of songs finds its neighbours among the playlists).
class InspectorDock final : public QDockWidget {
    Q_OBJECT

public:
    InspectorDock(ProjectSession *session, const DatasetModel *datasets, QWidget *parent = nullptr);

    Inspector *inspector() const { return m_inspector; }

private:
    /// The set the current item's neighbours come from.
    QString setForCurrentItem() const;
    void updateIndex();

    ProjectSession *m_session;
    const DatasetModel *m_datasets;
    Inspector *m_inspector;
};

} // namespace orrery::ui
