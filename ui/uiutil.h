#pragma once

#include <QIcon>
#include <QString>

namespace orrery::ui {

/// A count as the user's locale writes it: "44,648".
QString formatCount(qint64 n);
/// A themed icon when the desktop has one, else Orrery's own SVG (resources/icons/<resource>.svg).
QIcon themedIcon(const char *themeName, const char *resource);

} // namespace orrery::ui
