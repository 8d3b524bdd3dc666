#include "common.h"

#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

int runSets(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption(
        {QStringLiteral("json"),
         QStringLiteral("Print {\"sets\":[{\"name\",\"dataset\",\"kind\",\"method\",\"dim\",\"count\"}]}.")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Lists the embedding sets of a project, imported ones included."));
        rc >= 0)
        return rc;
    const QString path = parser.positionalArguments().first();
    return withProject(path, [&](Project &project) -> int {
        const auto sets = project.embeddingSets();
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonArray list;
            for (const auto &s : sets)
                list.append(QJsonObject {{QStringLiteral("name"), s.name},
                                         {QStringLiteral("dataset"), s.dataset},
                                         {QStringLiteral("kind"), toString(s.kind)},
                                         {QStringLiteral("method"), s.method},
                                         {QStringLiteral("dim"), s.dim},
                                         {QStringLiteral("count"), s.count}});
            out(QString::fromUtf8(
                    QJsonDocument(QJsonObject {{QStringLiteral("sets"), list}}).toJson(QJsonDocument::Compact))
                + u'\n');
            return Ok;
        }
        out(QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                .arg(QStringLiteral("name"), -32)
                .arg(QStringLiteral("dataset"), -20)
                .arg(QStringLiteral("kind"), -9)
                .arg(QStringLiteral("method"), -11)
                .arg(QStringLiteral("dim"), 5)
                .arg(QStringLiteral("count"), 10));
        for (const auto &s : sets)
            out(QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                    .arg(s.name, -32)
                    .arg(s.dataset, -20)
                    .arg(toString(s.kind), -9)
                    .arg(s.method, -11)
                    .arg(s.dim, 5)
                    .arg(s.count, 10));
        return Ok;
    });
}

} // namespace orrery::cli
