#pragma once

#include "vectorsjob.h"

#include "base/types.h"
#include "store/models.h"

#include <QDialog>
#include <QList>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace orrery {
class Project;
}

namespace orrery::ui {

/// Asks how to compute one vector per playlist or document of a dataset: a pooling method over a
/// set of item vectors, or a sequence model trained from them (seq2seq: hidden size, epochs,
/// bidirectional, Matryoshka prefixes, or resuming a stored model), and the name to store it
/// under. Reads the project on the GUI thread (lists and a model's header only, never its state).
class VectorsDialog final : public QDialog {
    Q_OBJECT

public:
    /// `datasetId` is chosen first when it holds playlists or documents.
    VectorsDialog(Project &project, qint64 datasetId, QWidget *parent = nullptr);

    /// The request as chosen (an empty name field means the default name).
    VectorsRequest request() const;
    /// True when request() can run; otherwise `why` says what is missing or malformed.
    bool isValid(QString *why = nullptr) const;

    QComboBox *datasetCombo() const { return m_dataset; }
    QComboBox *methodCombo() const { return m_method; }
    QComboBox *fromCombo() const { return m_from; }
    QLineEdit *nameEdit() const { return m_name; }
    QGroupBox *seq2seqBox() const { return m_seq2seqBox; }
    QCheckBox *resumeCheck() const { return m_resume; }
    QSpinBox *hiddenSpin() const { return m_hidden; }
    QSpinBox *epochsSpin() const { return m_epochs; }
    QCheckBox *bidirectionalCheck() const { return m_bidirectional; }
    QLineEdit *matryoshkaEdit() const { return m_matryoshka; }
    QCheckBox *showCheck() const { return m_show; }
    QPushButton *computeButton() const;
    /// The line under the fields: a problem, or what running will replace.
    QLabel *noteLabel() const { return m_note; }

private:
    void datasetChanged();
    void updateFields();
    /// Sets the fixed options from the stored model (on resume) or back to the user's.
    void applyResume();
    QString effectiveName() const;
    const DatasetInfo *currentDataset() const;
    bool setExists(const QString &name) const;

    Project &m_project;
    QList<DatasetInfo> m_datasets; ///< those with playlists or documents
    QList<EmbeddingSetInfo> m_sets;
    std::optional<StoredModel> m_model; ///< the stored model of effectiveName(), header only
    QString m_modelName; ///< the name m_model was read for

    QComboBox *m_dataset = nullptr;
    QComboBox *m_method = nullptr;
    QComboBox *m_from = nullptr;
    QLineEdit *m_name = nullptr;
    QGroupBox *m_seq2seqBox = nullptr;
    QCheckBox *m_resume = nullptr;
    QSpinBox *m_hidden = nullptr;
    QSpinBox *m_epochs = nullptr;
    QCheckBox *m_bidirectional = nullptr;
    QLineEdit *m_matryoshka = nullptr;
    QCheckBox *m_show = nullptr;
    QLabel *m_note = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    /// The fixed options as the user left them, restored when resume is unticked.
    struct Fixed {
        int hidden = 64;
        bool bidirectional = false;
        QString matryoshka;
        int epochs = 5;
        QString from;
    };
    std::optional<Fixed> m_userFixed;
    bool m_updating = false;
};

} // namespace orrery::ui
