#include "common.h"

#include "base/error.h"
#include "base/layout.h"
#include "store/layouts.h"
#include "store/project.h"

namespace orrery::cli {

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
        const std::vector<QString> keys = setKeys(project, layout.setId, layout.count(), QStringLiteral("layout"),
                                                  layout.name);
        ChunkedFile file(parser.value(QStringLiteral("out")));
        file.append("key,x,y\n");
        for (qint64 i = 0; i < layout.count(); ++i) {
            QByteArray &buffer = file.buffer();
            buffer += csvField(keys[size_t(i)]);
            buffer += ',';
            appendNumber(buffer, layout.xy[size_t(2 * i)]);
            buffer += ',';
            appendNumber(buffer, layout.xy[size_t(2 * i + 1)]);
            buffer += '\n';
            file.maybeFlush();
        }
        file.commit();
        const QString outPath = parser.value(QStringLiteral("out"));
        out(QStringLiteral("wrote %1 points of layout \"%2\": %3\n").arg(layout.count()).arg(layout.name, outPath));
        return Ok;
    });
}

} // namespace orrery::cli
