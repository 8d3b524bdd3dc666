#include "jobspanel.h"

#include "jobsmodel.h"

#include <QApplication>
#include <QCursor>
#include <QHeaderView>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QStackedLayout>
#include <QTreeView>

namespace orrery::ui {

namespace {

QRect buttonRect(const QRect &cell)
{
    const int side = std::min(cell.height() - 2, cell.width() - 2);
    return QRect(cell.x() + (cell.width() - side) / 2, cell.y() + (cell.height() - side) / 2, side, side);
}

QIcon cancelIcon()
{
    static const QIcon icon = QIcon::fromTheme(QStringLiteral("process-stop"),
                                               QIcon(QStringLiteral(":/orrery/icons/cancel.svg")));
    return icon;
}

} // namespace

void JobDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    if (index.column() == JobsModel::Progress) {
        QStyleOptionViewItem background = option;
        initStyleOption(&background, index);
        background.text.clear();
        style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

        const double fraction = index.data(JobsModel::ProgressRole).toDouble();
        QStyleOptionProgressBar bar;
        bar.initFrom(widget);
        bar.rect = option.rect.adjusted(2, 2, -2, -2);
        bar.state = option.state | QStyle::State_Horizontal;
        bar.minimum = 0;
        bar.maximum = fraction < 0 ? 0 : 1000; // 0..0 draws the busy indicator
        bar.progress = fraction < 0 ? 0 : int(fraction * 1000);
        bar.text = index.data().toString();
        bar.textVisible = !bar.text.isEmpty();
        bar.textAlignment = Qt::AlignCenter;
        if (index.data(JobsModel::CancellingRole).toBool())
            bar.state &= ~QStyle::State_Enabled;
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
        return;
    }
    if (index.column() == JobsModel::Cancel) {
        QStyleOptionViewItem background = option;
        initStyleOption(&background, index);
        style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);
        QStyleOptionToolButton button;
        button.initFrom(widget);
        button.rect = buttonRect(option.rect);
        button.icon = cancelIcon();
        const int iconSide = style->pixelMetric(QStyle::PM_SmallIconSize, nullptr, widget);
        button.iconSize = QSize(iconSide, iconSide);
        button.toolButtonStyle = button.icon.isNull() ? Qt::ToolButtonTextOnly : Qt::ToolButtonIconOnly;
        button.text = QStringLiteral("✕");
        button.state = QStyle::State_AutoRaise | QStyle::State_Raised;
        if (index.data(JobsModel::CancellingRole).toBool())
            button.state &= ~QStyle::State_Enabled;
        else
            button.state |= QStyle::State_Enabled;
        if (option.state & QStyle::State_MouseOver && button.rect.contains(widget->mapFromGlobal(QCursor::pos())))
            button.state |= QStyle::State_MouseOver;
        style->drawComplexControl(QStyle::CC_ToolButton, &button, painter, widget);
        return;
    }
    QStyledItemDelegate::paint(painter, option, index);
}

QSize JobDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const int iconSide = option.widget ? option.widget->style()->pixelMetric(QStyle::PM_SmallIconSize) : 16;
    size.setHeight(std::max(size.height(), iconSide + 8));
    if (index.column() == JobsModel::Cancel)
        size.setWidth(iconSide + 12);
    return size;
}

bool JobDelegate::editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                              const QModelIndex &index)
{
    if (index.column() == JobsModel::Cancel && event->type() == QEvent::MouseButtonRelease) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (mouse->button() == Qt::LeftButton && buttonRect(option.rect).contains(mouse->position().toPoint())
            && !index.data(JobsModel::CancellingRole).toBool()) {
            emit cancelRequested(index.data(JobsModel::IdRole).toULongLong());
            return true;
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

JobsPanel::JobsPanel(JobRunner *runner, QWidget *parent)
    : QWidget(parent), m_runner(runner), m_model(new JobsModel(runner, this)), m_view(new QTreeView),
      m_idle(new QLabel(tr("No jobs running.")))
{
    auto *delegate = new JobDelegate(this);
    m_view->setModel(m_model);
    m_view->setItemDelegate(delegate);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setFocusPolicy(Qt::NoFocus);
    m_view->setMouseTracking(true);
    m_view->setAlternatingRowColors(true);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(JobsModel::Label, QHeaderView::Stretch);
    header->setSectionResizeMode(JobsModel::Progress, QHeaderView::Interactive);
    header->setSectionResizeMode(JobsModel::Remaining, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(JobsModel::Cancel, QHeaderView::Fixed);
    const int ch = fontMetrics().averageCharWidth();
    header->resizeSection(JobsModel::Progress, ch * 18);
    header->resizeSection(JobsModel::Cancel, style()->pixelMetric(QStyle::PM_SmallIconSize) + 12);
    connect(delegate, &JobDelegate::cancelRequested, runner, &JobRunner::cancel);

    m_idle->setAlignment(Qt::AlignCenter);
    m_idle->setForegroundRole(QPalette::PlaceholderText);
    auto *stack = new QStackedLayout(this);
    stack->setContentsMargins(0, 0, 0, 0);
    stack->addWidget(m_idle);
    stack->addWidget(m_view);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &JobsPanel::updatePlaceholder);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &JobsPanel::updatePlaceholder);
    updatePlaceholder();
}

QRect JobsPanel::cancelButtonRect(int row) const
{
    return buttonRect(m_view->visualRect(m_model->index(row, JobsModel::Cancel)));
}

void JobsPanel::updatePlaceholder()
{
    auto *stack = static_cast<QStackedLayout *>(layout());
    stack->setCurrentWidget(m_model->rowCount() ? static_cast<QWidget *>(m_view) : m_idle);
}

} // namespace orrery::ui
