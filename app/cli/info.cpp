#include "common.h"

#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

int runInfo(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON: {\"schema\":N,\"datasets\":[…]}.")});
    if (const int rc = parseVerb(parser, args, 1, QStringLiteral("Lists a project's datasets with their counts."));
        rc >= 0)
        return rc;
    const QString path = parser.positionalArguments().first();
    return withProject(path, [&](Project &project) -> int {
        const QList<DatasetInfo> datasets = project.datasets();
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonArray list;
            for (const DatasetInfo &d : datasets)
                list.append(QJsonObject {{QStringLiteral("name"), d.name},
                                         {QStringLiteral("kind"), toString(d.kind)},
                                         {QStringLiteral("format"), d.format},
                                         {QStringLiteral("items"), d.items},
                                         {QStringLiteral("sequences"), d.sequences},
                                         {QStringLiteral("entries"), d.entries},
                                         {QStringLiteral("tags"), d.tags}});
            const QJsonObject o {{QStringLiteral("schema"), project.schemaVersion()},
                                 {QStringLiteral("datasets"), list}};
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
            return Ok;
        }
        out(QStringLiteral("%1: schema %2, %3 datasets\n").arg(path).arg(project.schemaVersion()).arg(datasets.size()));
        out(QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                .arg(QStringLiteral("name"), -24)
                .arg(QStringLiteral("kind"), -10)
                .arg(QStringLiteral("format"), -8)
                .arg(QStringLiteral("items"), 10)
                .arg(QStringLiteral("sequences"), 10)
                .arg(QStringLiteral("entries"), 12)
                .arg(QStringLiteral("tags"), 6));
        for (const DatasetInfo &d : datasets)
            out(QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                    .arg(d.name, -24)
                    .arg(toString(d.kind), -10)
                    .arg(d.format, -8)
                    .arg(d.items, 10)
                    .arg(d.sequences, 10)
                    .arg(d.entries, 12)
                    .arg(d.tags, 6));
        return Ok;
    });
}

} // namespace orrery::cli
