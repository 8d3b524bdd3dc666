#pragma once

#include <QString>

#include <vector>

namespace orrery {
class Project;

/// The members of a dataset (items of any kind), each once, in no particular order.
std::vector<qint64> itemsInDataset(Project &project, qint64 datasetId);

/// Whether a tag or label of this name exists.
bool tagExists(Project &project, const QString &name);

/// The items with a tag or label of this name (in any dataset), each once, in no particular order;
/// only those of `kind` ("tag" or "label") when it is given.
std::vector<qint64> itemsWithTag(Project &project, const QString &name, const QString &kind = {});

/// The items whose attribute at `jsonPath` (an SQLite JSON path such as `$.genre`) equals
/// `value`: text equals text, a number equals `value` read as a number, true/false/null match
/// by name, and an array matches when one of its elements does. Each once. Throws
/// Error (SQLite's message) for a malformed path.
std::vector<qint64> itemsWithAttribute(Project &project, const QString &jsonPath, const QString &value);

} // namespace orrery
