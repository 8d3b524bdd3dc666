#include "keylabels.h"

#include "base/error.h"

#include <QFile>
#include <QHash>

#include <optional>

namespace orrery::io {

namespace {

/// Splits one CSV record; quotes may wrap a field, "" inside quotes is one quote.
bool splitCsv(const QString &line, QStringList *fields)
{
    QString field;
    bool quoted = false, wasQuoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"' && field.trimmed().isEmpty() && !wasQuoted) {
            field.clear();
            quoted = wasQuoted = true;
        } else if (c == u',') {
            fields->append(wasQuoted ? field : field.trimmed());
            field.clear();
            wasQuoted = false;
        } else {
            field += c;
        }
    }
    fields->append(wasQuoted ? field : field.trimmed());
    return !quoted;
}

} // namespace

std::vector<std::pair<QString, QString>> readKeyLabels(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path + QStringLiteral(": cannot read: ") + file.errorString());
    std::vector<std::pair<QString, QString>> out;
    QHash<QString, std::pair<size_t, qint64>> seenAt; // key → (index in out, line)
    std::optional<bool> tabs;
    qint64 lineNo = 0;
    while (!file.atEnd()) {
        QByteArray bytes = file.readLine();
        ++lineNo;
        if (lineNo == 1 && bytes.startsWith("\xEF\xBB\xBF"))
            bytes.remove(0, 3);
        while (bytes.endsWith('\n') || bytes.endsWith('\r'))
            bytes.chop(1);
        const QString line = QString::fromUtf8(bytes);
        if (line.trimmed().isEmpty() || line.startsWith(u'#'))
            continue;
        if (!tabs)
            tabs = line.contains(u'\t');
        const auto fail = [&](const QString &what) {
            return Error(QStringLiteral("%1:%2: %3 (expected: item key %4 label)")
                             .arg(path)
                             .arg(lineNo)
                             .arg(what, *tabs ? QStringLiteral("<TAB>") : QStringLiteral(",")));
        };
        QStringList fields;
        if (*tabs) {
            fields = line.split(u'\t');
            for (QString &f : fields)
                f = f.trimmed();
        } else if (!splitCsv(line, &fields)) {
            throw fail(QStringLiteral("unterminated quote"));
        }
        if (fields.size() != 2)
            throw fail(QStringLiteral("%1 field%2")
                           .arg(fields.size())
                           .arg(fields.size() == 1 ? QString() : QStringLiteral("s")));
        if (fields[0].isEmpty())
            throw fail(QStringLiteral("empty item key"));
        if (fields[1].isEmpty())
            throw fail(QStringLiteral("empty label for \"%1\"").arg(fields[0]));
        const auto seen = seenAt.constFind(fields[0]);
        if (seen != seenAt.cend()) {
            const QString &before = out[seen->first].second;
            if (before != fields[1])
                throw fail(QStringLiteral("\"%1\" is labelled \"%2\" here and \"%3\" on line %4")
                               .arg(fields[0], fields[1], before)
                               .arg(seen->second));
            continue;
        }
        seenAt.insert(fields[0], {out.size(), lineNo});
        out.emplace_back(fields[0], fields[1]);
    }
    return out;
}

} // namespace orrery::io
