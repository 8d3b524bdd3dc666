#pragma once

#include "base/layout.h"

#include <QList>
#include <QString>

namespace orrery {
class Project;

/// Stores a layout in one transaction; one with the same name is replaced when `replace` is set,
/// else Error. The row count must match the set's. Sets and returns `layout.id`.
qint64 saveLayout(Project &project, Layout &layout, bool replace = false);
/// Loads a layout by name. Throws Error when unknown.
Layout loadLayout(Project &project, const QString &name);
/// Every stored layout, by name.
QList<LayoutInfo> listLayouts(Project &project);
/// Removes a layout; false when there was none of that name.
bool removeLayout(Project &project, const QString &name);

} // namespace orrery
