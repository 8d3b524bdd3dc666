#include "common.h"

#include "base/layout.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QSaveFile>

#include <charconv>

namespace orrery::cli {

namespace {

/// RFC 4180: quoted when it holds a comma, a quote, a line break or edge spaces; quotes doubled.
QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    const bool quote = utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')
        || (!utf8.isEmpty() && (utf8.front() == ' ' || utf8.back() == ' '));
    if (!quote)
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

void appendNumber(QByteArray &line, double v)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    line.append(buffer, qsizetype(result.ptr - buffer));
}

} // namespace

int exportLayout(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("projection"),
                      QStringLiteral("Layout to export (orrery-cli project --list names them)."),
                      QStringLiteral("LAYOUT")});
    parser.addOption({QStringLiteral("set"),
                      QStringLiteral("The layout's embedding set (optional; checked when given)."),
                      QStringLiteral("SET")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv (key,x,y with a header)."),
                      QStringLiteral("FORMAT"), QStringLiteral("csv")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output file."), QStringLiteral("PATH")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Writes a layout's coordinates as CSV: key,x,y, one row per point in the "
                           "set's order, keys as imported."));
        rc >= 0)
        return rc;
    if (parser.value(QStringLiteral("format")) != u"csv") {
        err(QStringLiteral("orrery-cli export: unknown layout format '%1' (csv)\n")
                .arg(parser.value(QStringLiteral("format"))));
        return Usage;
    }
    if (!parser.isSet(QStringLiteral("projection")) || !parser.isSet(QStringLiteral("out"))) {
        err(QStringLiteral("orrery-cli export: --projection and --out are required\n"));
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    if (!outputIsSafe(args.first(), parser.value(QStringLiteral("out")), path))
        return Usage;
    return withProject(path, [&](Project &project) -> int {
        const Layout layout = loadLayout(project, parser.value(QStringLiteral("projection")));
        if (parser.isSet(QStringLiteral("set")) && parser.value(QStringLiteral("set")) != layout.setName)
            throw Error(QStringLiteral("layout \"%1\" maps set \"%2\", not \"%3\"")
                            .arg(layout.name, layout.setName, parser.value(QStringLiteral("set"))));
        qint64 datasetId = 0;
        const std::vector<qint64> ids = embeddingSetIds(project, layout.setId, &datasetId);
        if (qint64(ids.size()) != layout.count())
            throw Error(QStringLiteral("layout \"%1\": %2 rows for a set of %3")
                            .arg(layout.name)
                            .arg(layout.count())
                            .arg(ids.size()));
        const std::vector<QString> keys = itemKeys(project, ids, datasetId);
        const QString outPath = parser.value(QStringLiteral("out"));
        QSaveFile file(outPath);
        if (!file.open(QIODevice::WriteOnly))
            throw Error(outPath + QStringLiteral(": cannot write: ") + file.errorString());
        QByteArray buffer = "key,x,y\n";
        for (qint64 i = 0; i < layout.count(); ++i) {
            buffer += csvField(keys[size_t(i)]);
            buffer += ',';
            appendNumber(buffer, layout.xy[size_t(2 * i)]);
            buffer += ',';
            appendNumber(buffer, layout.xy[size_t(2 * i + 1)]);
            buffer += '\n';
            if (buffer.size() > (1 << 20)) {
                file.write(buffer);
                buffer.clear();
            }
        }
        file.write(buffer);
        if (!file.commit())
            throw Error(outPath + QStringLiteral(": cannot write: ") + file.errorString());
        out(QStringLiteral("wrote %1 points of layout \"%2\": %3\n").arg(layout.count()).arg(layout.name, outPath));
        return Ok;
    });
}

} // namespace orrery::cli
