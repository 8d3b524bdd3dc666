#pragma once

#include "base/types.h"

#include <QString>
#include <QStringList>

#include <span>
#include <utility>

namespace orrery {
class Project;

/// Adds an empty dataset row: its name, kind, the format of the importer that reads it and
/// the paths it is imported from (stored as a JSON array). Returns its id. Throws Error when
/// the name is taken (SQLite's UNIQUE message) or the write fails.
qint64 addDataset(Project &project, const QString &name, DatasetKind kind, const QString &format,
                  const QStringList &sources);

/// In one transaction, gives each (item id, tag name) pair the tag (kind "tag", created when
/// new) within dataset `datasetId`; a pair already tagged is left as it is. Throws Error.
void tagItems(Project &project, qint64 datasetId, std::span<const std::pair<qint64, QString>> itemTags);

} // namespace orrery
