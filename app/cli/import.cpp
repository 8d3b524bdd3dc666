#include "common.h"

#include "io/importer.h"
#include "io/importsummary.h"
#include "store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

int runImport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (created when missing)."));
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Files or folders to import."),
                                 QStringLiteral("PATH..."));
    parser.addOption(
        {QStringLiteral("format"),
         QStringLiteral("auto|m3u|pls|xspf|csv|mpd|yes|text|json|vectors (default: auto, from content and name)."),
         QStringLiteral("FORMAT"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("dataset"),
                      QStringLiteral("Name of the new dataset (default: the first path's name)."),
                      QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("strict"), QStringLiteral("Fail on the first bad record instead of skipping it.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the summary as JSON.")});
    if (const int rc = parseVerb(parser, args, 2,
                                 QStringLiteral("Imports files into a new dataset of PROJECT, in one transaction: "
                                                "on any error the project is left exactly as it was."));
        rc >= 0)
        return rc;

    io::ImportOptions options;
    if (!io::fromString(parser.value(QStringLiteral("format")), &options.format)) {
        err(QStringLiteral("orrery-cli import: unknown format '%1'\n").arg(parser.value(QStringLiteral("format"))));
        return Usage;
    }
    options.dataset = parser.value(QStringLiteral("dataset"));
    options.strict = parser.isSet(QStringLiteral("strict"));
    const QStringList positional = parser.positionalArguments();

    return reportErrors([&]() -> int {
        Project project(positional.first());
        JobContext job(
            [](qint64 done, qint64 total, const QString &) { progressLine(done, total, QStringLiteral("importing")); });
        const io::ImportResult r = io::importPaths(project, positional.mid(1), options, job);
        endProgress();
        for (const QString &w : r.stats.warnings)
            err(w + u'\n');
        if (!r.ok) {
            err(r.error + u'\n');
            return InputError;
        }
        const auto &s = r.stats;
        if (parser.isSet(QStringLiteral("json"))) {
            const QJsonObject o {
                {QStringLiteral("dataset"), r.datasetName}, {QStringLiteral("format"), io::toString(r.format)},
                {QStringLiteral("files"), s.files},         {QStringLiteral("items"), s.datasetItems},
                {QStringLiteral("new_items"), s.newItems},  {QStringLiteral("sequences"), s.sequences},
                {QStringLiteral("entries"), s.entries},     {QStringLiteral("tags"), s.tags},
                {QStringLiteral("vectors"), s.vectors},     {QStringLiteral("skipped"), s.skipped},
                {QStringLiteral("seconds"), s.seconds}};
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        } else {
            out(io::describeImport(r) + u'\n');
        }
        return Ok;
    });
}

} // namespace orrery::cli
