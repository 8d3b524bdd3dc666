#include "identity.h"

#include "io/source.h"

#include <QRegularExpression>

namespace orrery::io {

QString normaliseName(const QString &text)
{
    static const QRegularExpression feat(QStringLiteral("(?<![\\w])(featuring|feat\\.?|ft\\.?)(?=\\s|$)"),
                                         QRegularExpression::UseUnicodePropertiesOption);
    QString s = text.toCaseFolded().simplified();
    s.replace(feat, QStringLiteral("feat."));
    return s;
}

std::string trackIdentity(std::string_view artist, std::string_view title)
{
    const QByteArray a = normaliseName(qs(artist)).toUtf8();
    const QByteArray t = normaliseName(qs(title)).toUtf8();
    std::string out;
    out.reserve(size_t(a.size() + t.size()) + 4);
    out += "at:";
    out.append(a.constData(), size_t(a.size()));
    out += '\x1f';
    out.append(t.constData(), size_t(t.size()));
    return out;
}

std::string artistTitleKey(std::string_view artist, std::string_view title)
{
    std::string out(trimmed(artist));
    out += " - ";
    out += trimmed(title);
    return out;
}

} // namespace orrery::io
