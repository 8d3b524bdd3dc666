#include "clusterdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace orrery::ui {

ClusterDialog::ClusterDialog(const QString &setName, const QString &layoutName, QWidget *parent)
    : QDialog(parent), m_setName(setName), m_layoutName(layoutName)
{
    setWindowTitle(tr("Cluster"));
    m_method = new QComboBox;
    m_method->addItem(tr("k-means over the embedding set %1").arg(setName), QStringLiteral("kmeans"));
    m_method->addItem(tr("Density over the layout %1").arg(layoutName), QStringLiteral("density"));
    m_method->setToolTip(tr("k-means groups the vectors themselves; density groups what lies close together "
                            "on this map"));
    m_k = new QSpinBox;
    m_k->setRange(0, 1000);
    m_k->setValue(0);
    m_k->setSpecialValueText(tr("automatic (silhouette)"));
    m_k->setToolTip(tr("How many clusters; automatic tries 2 to 20 on a sample and keeps the best silhouette"));
    m_minSize = new QSpinBox;
    m_minSize->setRange(0, 1000000);
    m_minSize->setValue(0);
    m_minSize->setSpecialValueText(tr("automatic"));
    m_minSize->setToolTip(tr("Points a density cluster needs (automatic: the larger of 10 and 1 in 500)"));
    m_name = new QLineEdit;
    m_name->setClearButtonEnabled(true);
    m_name->setToolTip(tr("Stored under this name; a clustering of the same name is replaced"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Method:"), m_method);
    m_kLabel = new QLabel(tr("&Clusters:"));
    m_kLabel->setBuddy(m_k);
    form->addRow(m_kLabel, m_k);
    m_minSizeLabel = new QLabel(tr("Minimum &size:"));
    m_minSizeLabel->setBuddy(m_minSize);
    form->addRow(m_minSizeLabel, m_minSize);
    form->addRow(tr("&Name:"), m_name);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Cluster"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(m_method, &QComboBox::currentIndexChanged, this, &ClusterDialog::updateFields);
    updateFields();
}

void ClusterDialog::updateFields()
{
    const bool kmeans = m_method->currentData().toString() == u"kmeans";
    m_k->setEnabled(kmeans);
    m_kLabel->setEnabled(kmeans);
    m_minSize->setEnabled(!kmeans);
    m_minSizeLabel->setEnabled(!kmeans);
    ClusterRequest r = request();
    r.name.clear();
    m_name->setPlaceholderText(clusteringName(r));
}

ClusterRequest ClusterDialog::request() const
{
    ClusterRequest r;
    r.method = m_method->currentData().toString();
    if (r.method == u"kmeans")
        r.setName = m_setName;
    else
        r.layoutName = m_layoutName;
    r.k = m_k->value();
    r.minSize = m_minSize->value();
    r.name = m_name->text().trimmed();
    return r;
}

} // namespace orrery::ui
