#pragma once

#include "store/models.h"

#include <optional>

namespace orrery {
class Project;

/// The stored model of that name without its state (name, dataset, method, params and stats,
/// e.g. the epochs done and their losses), for a dialog that must not read a model of hundreds
/// of megabytes to say whether training can resume; nullopt when there is none.
std::optional<StoredModel> loadModelHeader(Project &project, const QString &name);

/// "epochs_done" of a model's stats (0 when absent).
int epochsDone(const StoredModel &model);

} // namespace orrery
