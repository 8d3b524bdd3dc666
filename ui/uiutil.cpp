#include "uiutil.h"

#include <QLocale>

namespace orrery::ui {

QString formatCount(qint64 n)
{
    return QLocale().toString(n);
}

QIcon themedIcon(const char *themeName, const char *resource)
{
    return QIcon::fromTheme(QString::fromLatin1(themeName),
                            QIcon(QStringLiteral(":/orrery/icons/%1.svg").arg(QLatin1String(resource))));
}

} // namespace orrery::ui
