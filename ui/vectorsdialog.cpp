#include "vectorsdialog.h"

#include "store/modelheaders.h"
#include "store/project.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace orrery::ui {

namespace {

bool holdsItemVectors(const EmbeddingSetInfo &s)
{
    return s.kind == ItemKind::Track || s.kind == ItemKind::Word || s.kind == ItemKind::Vector;
}

QString prefixText(const QJsonArray &prefixes)
{
    QStringList parts;
    for (const QJsonValue &p : prefixes)
        parts.append(QString::number(p.toInt()));
    return parts.join(u',');
}

} // namespace

VectorsDialog::VectorsDialog(Project &project, qint64 datasetId, QWidget *parent) : QDialog(parent), m_project(project)
{
    setWindowTitle(tr("Compute Vectors"));
    try {
        for (const DatasetInfo &d : m_project.datasets())
            if (d.sequences > 0 && (d.kind == DatasetKind::Playlists || d.kind == DatasetKind::Documents))
                m_datasets.append(d);
        m_sets = m_project.embeddingSets();
    } catch (const Error &) {
        // An unreadable project leaves the lists empty: the note says there is nothing to compute.
    }

    m_dataset = new QComboBox;
    m_dataset->setToolTip(tr("The playlists or documents to compute one vector each for"));
    for (const DatasetInfo &d : std::as_const(m_datasets))
        m_dataset->addItem(d.name, d.id);
    if (const int row = m_dataset->findData(datasetId); row >= 0)
        m_dataset->setCurrentIndex(row);

    m_method = new QComboBox;
    for (const VectorMethod &m : vectorMethods()) {
        m_method->addItem(m.label, m.id);
        m_method->setItemData(m_method->count() - 1, m.toolTip, Qt::ToolTipRole);
    }
    m_method->setToolTip(tr("Pooling combines the item vectors at once; a sequence model is trained on the "
                            "playlists first and takes longer"));

    m_from = new QComboBox;
    m_from->setToolTip(tr("The item vectors (e.g. item2vec of the songs) to pool, or to start training from"));
    m_name = new QLineEdit;
    m_name->setClearButtonEnabled(true);
    m_name->setToolTip(tr("The new embedding set is stored under this name (a trained model too); empty: the "
                          "default shown"));

    m_resume = new QCheckBox(tr("&Resume training"));
    m_resume->setToolTip(tr("Go on from the checkpoint stored under this name after its last finished epoch; "
                            "the model's size and item vectors stay as they were"));
    m_hidden = new QSpinBox;
    m_hidden->setRange(1, 2048);
    m_hidden->setValue(Seq2seqOptions().hidden);
    m_hidden->setToolTip(tr("Size of the GRU state, and so of the playlist vector (doubled when bidirectional)"));
    m_bidirectional = new QCheckBox(tr("Read each playlist &backwards too"));
    m_bidirectional->setToolTip(tr("A second encoder reads the playlist from its end; the vector is both final "
                                   "states side by side (twice as long)"));
    m_matryoshka = new QLineEdit;
    m_matryoshka->setPlaceholderText(tr("e.g. 8,16,32,64 (empty: the whole vector)"));
    m_matryoshka->setToolTip(tr("Matryoshka prefixes: ascending lengths; the loss is summed over the decoder "
                                "started from each prefix, so a vector cut to any of them still works"));
    m_epochs = new QSpinBox;
    m_epochs->setRange(1, 100000);
    m_epochs->setValue(Seq2seqOptions().epochs);
    m_epochs->setToolTip(tr("Passes over the playlists in all; a checkpoint is stored after each, so a "
                            "cancelled run can resume"));

    m_seq2seqBox = new QGroupBox(tr("Sequence autoencoder"));
    auto *seq2seqForm = new QFormLayout(m_seq2seqBox);
    seq2seqForm->addRow(m_resume);
    seq2seqForm->addRow(tr("&Hidden size:"), m_hidden);
    seq2seqForm->addRow(QString(), m_bidirectional);
    seq2seqForm->addRow(tr("&Matryoshka:"), m_matryoshka);
    seq2seqForm->addRow(tr("&Epochs:"), m_epochs);

    m_show = new QCheckBox(tr("&Show on the map when done"));
    m_show->setChecked(true);
    m_show->setToolTip(tr("Once stored, the new set is chosen under Datasets and laid out (PCA at once; "
                          "Map ▸ UMAP for a finer map)"));
    m_note = new QLabel;
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);

    auto *form = new QFormLayout;
    form->addRow(tr("&Dataset:"), m_dataset);
    form->addRow(tr("M&ethod:"), m_method);
    form->addRow(tr("&Item vectors:"), m_from);
    form->addRow(tr("&Name:"), m_name);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    computeButton()->setText(tr("Compute"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (isValid())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_seq2seqBox);
    layout->addWidget(m_show);
    layout->addWidget(m_note);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    setMinimumWidth(480);

    connect(m_dataset, &QComboBox::currentIndexChanged, this, &VectorsDialog::datasetChanged);
    connect(m_method, &QComboBox::currentIndexChanged, this, &VectorsDialog::updateFields);
    connect(m_from, &QComboBox::currentIndexChanged, this, &VectorsDialog::updateFields);
    connect(m_name, &QLineEdit::textChanged, this, &VectorsDialog::updateFields);
    connect(m_resume, &QCheckBox::toggled, this, [this] {
        applyResume();
        updateFields();
    });
    connect(m_hidden, &QSpinBox::valueChanged, this, &VectorsDialog::updateFields);
    connect(m_bidirectional, &QCheckBox::toggled, this, &VectorsDialog::updateFields);
    connect(m_matryoshka, &QLineEdit::textChanged, this, &VectorsDialog::updateFields);
    datasetChanged();
}

QPushButton *VectorsDialog::computeButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

const DatasetInfo *VectorsDialog::currentDataset() const
{
    const qint64 id = m_dataset->currentData().toLongLong();
    for (const DatasetInfo &d : m_datasets)
        if (d.id == id)
            return &d;
    return nullptr;
}

bool VectorsDialog::setExists(const QString &name) const
{
    return std::any_of(m_sets.begin(), m_sets.end(), [&](const EmbeddingSetInfo &s) { return s.name == name; });
}

void VectorsDialog::datasetChanged()
{
    {
        const QSignalBlocker blocker(m_from);
        m_from->clear();
        const DatasetInfo *d = currentDataset();
        // The dataset's own item vectors first (item2vec before the rest), then those of other datasets.
        QList<EmbeddingSetInfo> sets;
        for (const EmbeddingSetInfo &s : std::as_const(m_sets))
            if (holdsItemVectors(s))
                sets.append(s);
        const auto rank = [d](const EmbeddingSetInfo &s) {
            return std::pair(d && s.dataset == d->name ? 0 : 1, s.method == u"sgns" ? 0 : 1);
        };
        std::stable_sort(sets.begin(), sets.end(),
                         [&](const EmbeddingSetInfo &a, const EmbeddingSetInfo &b) { return rank(a) < rank(b); });
        for (const EmbeddingSetInfo &s : std::as_const(sets)) {
            const bool own = d && s.dataset == d->name;
            m_from->addItem(own ? s.name : tr("%1 (of %2)").arg(s.name, s.dataset), s.name);
            m_from->setItemData(m_from->count() - 1,
                                tr("%1: %2 vectors of %3 dimensions (%4)")
                                    .arg(s.name, QLocale().toString(s.count))
                                    .arg(s.dim)
                                    .arg(s.method),
                                Qt::ToolTipRole);
        }
    }
    m_userFixed.reset();
    if (m_resume->isChecked()) {
        const QSignalBlocker blocker(m_resume);
        m_resume->setChecked(false);
        applyResume();
    }
    updateFields();
}

QString VectorsDialog::effectiveName() const
{
    const QString typed = m_name->text().trimmed();
    return typed.isEmpty() ? m_name->placeholderText() : typed;
}

void VectorsDialog::applyResume()
{
    const bool resume = m_resume->isChecked();
    const QSignalBlocker b1(m_hidden), b2(m_bidirectional), b3(m_matryoshka), b4(m_epochs), b5(m_from);
    if (resume && m_model) {
        if (!m_userFixed)
            m_userFixed = Fixed {m_hidden->value(), m_bidirectional->isChecked(), m_matryoshka->text(),
                                 m_epochs->value(), m_from->currentData().toString()};
        const QJsonObject &p = m_model->params;
        m_hidden->setValue(p.value(QStringLiteral("hidden")).toInt(m_hidden->value()));
        m_bidirectional->setChecked(p.value(QStringLiteral("bidirectional")).toBool());
        m_matryoshka->setText(prefixText(p.value(QStringLiteral("matryoshka")).toArray()));
        const int done = epochsDone(*m_model);
        m_epochs->setMinimum(done + 1);
        m_epochs->setValue(std::max(done + 1, p.value(QStringLiteral("epochs")).toInt()));
        const QString from = p.value(QStringLiteral("from")).toString();
        int row = m_from->findData(from);
        if (row < 0 && !from.isEmpty()) {
            m_from->addItem(from, from);
            row = m_from->count() - 1;
        }
        m_from->setCurrentIndex(row);
    } else if (!resume && m_userFixed) {
        m_epochs->setMinimum(1);
        m_hidden->setValue(m_userFixed->hidden);
        m_bidirectional->setChecked(m_userFixed->bidirectional);
        m_matryoshka->setText(m_userFixed->matryoshka);
        m_epochs->setValue(m_userFixed->epochs);
        if (const int row = m_from->findData(m_userFixed->from); row >= 0)
            m_from->setCurrentIndex(row);
        m_userFixed.reset();
    } else if (!resume) {
        m_epochs->setMinimum(1);
    }
    // Training resumes with the model as it was built: only how long it trains can change.
    for (QWidget *w : {static_cast<QWidget *>(m_hidden), static_cast<QWidget *>(m_bidirectional),
                       static_cast<QWidget *>(m_matryoshka), static_cast<QWidget *>(m_from)})
        w->setEnabled(!resume);
}

void VectorsDialog::updateFields()
{
    if (m_updating)
        return;
    const QScopedValueRollback guard(m_updating, true);
    const DatasetInfo *d = currentDataset();
    const QString methodId = m_method->currentData().toString();
    const std::optional<VectorMethod> method = vectorMethod(methodId);
    const bool trained = method && method->trained;
    m_name->setPlaceholderText(d ? defaultVectorsName(d->name, methodId) : QString());

    const QString name = effectiveName();
    if (name != m_modelName) {
        m_modelName = name;
        try {
            m_model = name.isEmpty() ? std::nullopt : loadModelHeader(m_project, name);
        } catch (const Error &) {
            m_model.reset();
        }
    }
    const int done = m_model ? epochsDone(*m_model) : 0;
    // PV-DBOW trains in one run: only seq2seq's epochs can be resumed.
    const bool resumable = methodId == u"seq2seq" && d && m_model && m_model->method == methodId
        && m_model->datasetId == d->id && done > 0;
    m_resume->setEnabled(resumable);
    if (resumable) {
        const QJsonArray losses = m_model->stats.value(QStringLiteral("epoch_loss")).toArray();
        m_resume->setText(tr("&Resume training: %1 of %2 epochs done, loss %3")
                              .arg(done)
                              .arg(m_model->params.value(QStringLiteral("epochs")).toInt())
                              .arg(QLocale().toString(losses.isEmpty() ? 0.0 : losses.last().toDouble(), 'f', 4)));
    } else {
        m_resume->setText(tr("&Resume training"));
    }
    if (!resumable && m_resume->isChecked()) {
        const QSignalBlocker blocker(m_resume);
        m_resume->setChecked(false);
        applyResume();
    }
    if (const bool shown = methodId == u"seq2seq"; shown != m_seq2seqBox->isVisibleTo(this)) {
        m_seq2seqBox->setVisible(shown);
        if (isVisible())
            adjustSize(); // shrink again when the options go
    }
    m_from->setEnabled(!(trained && m_resume->isChecked()) && methodId != u"pvdbow");

    QString why;
    const bool valid = isValid(&why);
    computeButton()->setEnabled(valid);
    computeButton()->setText(trained && m_resume->isChecked() ? tr("Resume") : trained ? tr("Train") : tr("Compute"));
    QString note = why;
    if (valid && trained && m_resume->isChecked())
        note = tr("Trains epochs %1 to %2 from the stored checkpoint, then stores the set %3.")
                   .arg(done + 1)
                   .arg(m_epochs->value())
                   .arg(name);
    else if (valid && (setExists(name) || m_model))
        note = trained && resumable
            ? tr("A model named %1 is stored: training afresh replaces it and its set (tick Resume training to "
                 "go on with it).")
                  .arg(name)
            : tr("A set or model named %1 is stored: computing replaces it.").arg(name);
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

bool VectorsDialog::isValid(QString *why) const
{
    const auto fail = [why](const QString &text) {
        if (why)
            *why = text;
        return false;
    };
    const DatasetInfo *d = currentDataset();
    if (!d)
        return fail(tr("No dataset holds playlists or documents: import some first (File ▸ Import)."));
    const std::optional<VectorMethod> method = vectorMethod(m_method->currentData().toString());
    if (!method)
        return fail(tr("Choose a method."));
    const bool resume = method->trained && m_resume->isChecked() && m_resume->isEnabled();
    if (!resume && method->id != u"pvdbow" && m_from->currentData().toString().isEmpty())
        return fail(tr("No item vectors to start from: Map ▸ Compute Map computes item2vec vectors of %1's items "
                       "first.")
                        .arg(d->name));
    if (effectiveName().isEmpty())
        return fail(tr("The new set needs a name."));
    if (method->id == u"seq2seq" && !resume) {
        std::vector<int> prefixes;
        QString problem;
        const int dim = m_bidirectional->isChecked() ? 2 * m_hidden->value() : m_hidden->value();
        if (!parsePrefixes(m_matryoshka->text(), dim, &prefixes, &problem))
            return fail(tr("Matryoshka prefixes: %1.").arg(problem));
    }
    return true;
}

VectorsRequest VectorsDialog::request() const
{
    VectorsRequest r;
    if (const DatasetInfo *d = currentDataset()) {
        r.datasetId = d->id;
        r.datasetName = d->name;
    }
    r.method = m_method->currentData().toString();
    r.from = m_from->currentData().toString();
    r.setName = effectiveName();
    r.resume = r.trained() && m_resume->isChecked() && m_resume->isEnabled();
    r.replace = !r.resume && (setExists(r.setName) || m_model.has_value());
    r.seq2seq.hidden = m_hidden->value();
    r.seq2seq.bidirectional = m_bidirectional->isChecked();
    r.seq2seq.epochs = m_epochs->value();
    parsePrefixes(m_matryoshka->text(), r.seq2seq.vectorDim(), &r.seq2seq.matryoshka);
    r.show = m_show->isChecked();
    return r;
}

} // namespace orrery::ui
