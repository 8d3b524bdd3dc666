#pragma once

#include "pipeline/cluster.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace orrery::ui {

/// Asks how to cluster what the map shows: k-means over its embedding set (k, or automatic by
/// silhouette) or density clusters of its layout (minimum size), and the name to store it under.
class ClusterDialog final : public QDialog {
    Q_OBJECT

public:
    ClusterDialog(const QString &setName, const QString &layoutName, QWidget *parent = nullptr);

    /// The request as chosen (set and layout filled in; an empty name means the default).
    ClusterRequest request() const;
    QComboBox *methodCombo() const { return m_method; }
    QSpinBox *kSpin() const { return m_k; }
    QSpinBox *minSizeSpin() const { return m_minSize; }
    QLineEdit *nameEdit() const { return m_name; }

private:
    void updateFields();

    QString m_setName, m_layoutName;
    QComboBox *m_method = nullptr;
    QSpinBox *m_k = nullptr;
    QSpinBox *m_minSize = nullptr;
    QLineEdit *m_name = nullptr;
    QLabel *m_kLabel = nullptr;
    QLabel *m_minSizeLabel = nullptr;
};

} // namespace orrery::ui
