#include "jobindicator.h"

#include "jobrunner.h"

#include <QHBoxLayout>
#include <QProgressBar>
#include <QToolButton>

#include <algorithm>

namespace orrery::ui {

JobIndicator::JobIndicator(JobRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    m_label = new QToolButton;
    m_label->setObjectName(QStringLiteral("jobLabel"));
    m_label->setAutoRaise(true);
    m_label->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_label->setToolTip(tr("Show every running job"));
    connect(m_label, &QToolButton::clicked, this, &JobIndicator::detailsRequested);
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(fontMetrics().averageCharWidth() * 24);
    m_progress->setTextVisible(false);
    m_cancel = new QToolButton;
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop this job; what it was writing is left out of the project"));
    m_cancel->setAutoRaise(true);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        const QList<JobId> jobs = m_runner->jobs();
        if (!jobs.isEmpty())
            m_runner->cancel(jobs.last());
    });
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    connect(m_runner, &JobRunner::started, this, &JobIndicator::update);
    connect(m_runner, &JobRunner::progressed, this, &JobIndicator::update);
    connect(m_runner, &JobRunner::finished, this, &JobIndicator::update);
    update();
}

void JobIndicator::update()
{
    const QList<JobId> jobs = m_runner->jobs();
    if (jobs.isEmpty()) {
        hide();
        return;
    }
    const JobRunner::Info info = m_runner->info(jobs.last());
    QString label = info.cancelling ? tr("Cancelling…") : info.label;
    if (jobs.size() > 1)
        label += tr(" (+%1 more)").arg(jobs.size() - 1);
    m_label->setText(label);
    if (info.total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::clamp<qint64>(info.done * 1000 / info.total, 0, 1000)));
    } else {
        m_progress->setRange(0, 0);
    }
    m_progress->setToolTip(info.message);
    m_cancel->setEnabled(!info.cancelling);
    show();
}

} // namespace orrery::ui
