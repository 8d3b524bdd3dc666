#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace orrery {
class Project;

/// A trained sequence model's checkpoint (seq2seq, pvdbow), stored under the name of the
/// embedding set it encodes, so that training can resume and new sequences can be encoded.
struct StoredModel {
    QString name;
    qint64 datasetId = 0;
    QString method; ///< "seq2seq" or "pvdbow"
    QJsonObject params;
    QJsonObject stats; ///< e.g. epochs done and their losses
    QByteArray state; ///< the model's own binary image
};

/// A model without its state, for listings.
struct ModelInfo {
    QString name;
    QString method;
    qint64 datasetId = 0;
    qint64 bytes = 0;
    QString updated;
};

/// Stores `model`, replacing one of the same name, in one transaction; the state is split over
/// rows so that no blob nears SQLite's size limit. Throws Error.
void saveModel(Project &project, const StoredModel &model);

/// The model of that name, or nullopt.
std::optional<StoredModel> loadModel(Project &project, const QString &name);

/// Every stored model, by name.
QList<ModelInfo> listModels(Project &project);

/// Deletes the model of that name; false when there is none.
bool removeModel(Project &project, const QString &name);

} // namespace orrery
