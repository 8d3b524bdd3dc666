#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace orrery::ui {

class JobRunner;

/// The status bar's view of the running jobs: the newest one's label and progress, how many
/// more run, a button that cancels it and one that opens the Jobs panel. Hidden while nothing runs.
class JobIndicator final : public QWidget {
    Q_OBJECT

public:
    explicit JobIndicator(JobRunner *runner, QWidget *parent = nullptr);

signals:
    /// The user asked to see every job (the Jobs panel).
    void detailsRequested();

private:
    void update();

    JobRunner *m_runner;
    QToolButton *m_label;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
};

} // namespace orrery::ui
