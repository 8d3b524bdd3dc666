#include "problemsdock.h"

#include "problemsmodel.h"

#include <QHeaderView>
#include <QTreeView>

namespace orrery::ui {

ProblemsDock::ProblemsDock(QWidget *parent)
    : QDockWidget(tr("Import Problems"), parent), m_model(new ProblemsModel(this)), m_view(new QTreeView)
{
    setObjectName(QStringLiteral("problems"));
    const int ch = fontMetrics().averageCharWidth();
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(ProblemsModel::Severity, ch * 12);
    m_view->setColumnWidth(ProblemsModel::Location, ch * 24);
    setWidget(m_view);
}

void ProblemsDock::addImport(const QString &sources, const QString &error, const QStringList &warnings)
{
    m_model->addImport(sources, error, warnings);
    if (!error.isEmpty()) {
        show();
        raise();
    }
}

} // namespace orrery::ui
