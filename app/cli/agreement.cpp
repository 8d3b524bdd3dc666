#include "common.h"

#include "eval/agreement.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace orrery::cli {

int runAgreement(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("set"),
                      QStringLiteral("An embedding set; give two (the same items matched by item id)."),
                      QStringLiteral("SET")});
    parser.addOption({QStringLiteral("layout"),
                      QStringLiteral("A stored layout instead of a set; give two (e.g. t-SNE against UMAP). "
                                     "Neighbours on a layout are by Euclidean distance."),
                      QStringLiteral("LAYOUT")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("Neighbours per point (default 10)."), QStringLiteral("N"),
                      QStringLiteral("10")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads (default: all cores)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write each shared item's value as CSV (key,agreement)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print {\"mean\":…,\"k\":…,\"points\":N}.")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Prints how far two embedding sets (or two layouts) of the same items agree: per item, "
                           "the share of its k nearest neighbours in the first that are also among its k nearest "
                           "in the second, averaged over the items both hold."));
        rc >= 0)
        return rc;
    const QString verb = QStringLiteral("orrery-cli agreement: ");
    const QStringList sets = parser.values(QStringLiteral("set"));
    const QStringList layouts = parser.values(QStringLiteral("layout"));
    if (!((sets.size() == 2 && layouts.isEmpty()) || (layouts.size() == 2 && sets.isEmpty()))) {
        err(verb + QStringLiteral("give two --set or two --layout\n"));
        return Usage;
    }
    int k = 10, threads = 0;
    if (!intOption(parser, QStringLiteral("orrery-cli agreement"), QStringLiteral("k"), 1, 100000, &k)
        || !intOption(parser, QStringLiteral("orrery-cli agreement"), QStringLiteral("threads"), 0, 1024, &threads))
        return Usage;
    const QString path = parser.positionalArguments().first();
    const QString outPath = parser.value(QStringLiteral("out"));
    if (!outPath.isEmpty() && !outputIsSafe(QStringLiteral("orrery-cli agreement"), outPath, path))
        return Usage;
    return withProject(path, QStringLiteral("agreement"), [&](Project &project) -> int {
        AgreementOptions options;
        options.k = k;
        options.threads = threads;
        JobContext job(phasedProgress());
        std::vector<qint64> ids;
        NeighbourhoodAgreement result;
        qint64 datasetId = 0;
        if (!sets.isEmpty()) {
            const EmbeddingSet a = loadEmbeddingSet(project, sets[0]);
            const EmbeddingSet b = loadEmbeddingSet(project, sets[1]);
            datasetId = a.datasetId;
            SetAgreement s = setAgreement(a, b, options, job);
            ids = std::move(s.ids);
            result = std::move(s.agreement);
        } else {
            const Layout a = loadLayout(project, layouts[0]);
            const Layout b = loadLayout(project, layouts[1]);
            const std::vector<qint64> idsA = loadEmbeddingSetIds(project, a.setName);
            const std::vector<qint64> idsB = loadEmbeddingSetIds(project, b.setName);
            embeddingSetIds(project, a.setId, &datasetId);
            const SharedRows shared = sharedRows(idsA, idsB);
            if (shared.ids.size() < 2) {
                err(QStringLiteral("layouts \"%1\" and \"%2\" share %3 items; expected at least 2\n")
                        .arg(a.name, b.name)
                        .arg(shared.ids.size()));
                return InputError;
            }
            options.metric = Metric::L2;
            ids = shared.ids;
            result = neighbourhoodAgreement(gatherRows(a.xy, shared.rowsA), gatherRows(b.xy, shared.rowsB), options,
                                            job);
        }
        endProgress();
        if (!outPath.isEmpty()) {
            QSaveFile f(outPath);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
                err(outPath + QStringLiteral(": ") + f.errorString() + u'\n');
                return InputError;
            }
            const std::vector<QString> keys = itemKeys(project, ids, datasetId);
            QByteArray csv = "key,agreement\n";
            for (size_t i = 0; i < ids.size(); ++i) {
                QString key = keys[i];
                if (key.contains(u',') || key.contains(u'"') || key.contains(u'\n') || key.contains(u'\r'))
                    key = u'"' + key.replace(u'"', QStringLiteral("\"\"")) + u'"';
                csv += key.toUtf8() + ',' + QByteArray::number(result.perPoint[i], 'f', 4) + '\n';
            }
            f.write(csv);
            if (!f.commit()) {
                err(outPath + QStringLiteral(": ") + f.errorString() + u'\n');
                return InputError;
            }
        }
        if (parser.isSet(QStringLiteral("json"))) {
            const QJsonObject o {{QStringLiteral("mean"), result.mean},
                                 {QStringLiteral("k"), result.k},
                                 {QStringLiteral("points"), qint64(ids.size())}};
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        } else {
            out(QStringLiteral("%1-NN agreement over %2 shared items: %3\n")
                    .arg(result.k)
                    .arg(ids.size())
                    .arg(result.mean, 0, 'f', 4));
        }
        return Ok;
    });
}

} // namespace orrery::cli
