#include "common.h"

#include "base/embeddingset.h"
#include "io/exporter.h"
#include "store/embeddingsets.h"
#include "store/project.h"

namespace orrery::cli {

int runExport(const QStringList &args)
{
    // Layouts share the verb; their options differ, so they are parsed elsewhere.
    for (const QString &arg : args)
        if (arg == u"--projection" || arg.startsWith(u"--projection="))
            return exportLayout(args);
        else if (arg == u"--playlist" || arg.startsWith(u"--playlist="))
            return exportPlaylist(args);
        else if (arg == u"--clusters" || arg.startsWith(u"--clusters="))
            return exportClusters(args);
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("set"), QStringLiteral("Embedding set to export."), QStringLiteral("SET")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("projector (a folder with vectors.tsv + metadata.tsv), npy, or word2vec (text)."),
                      QStringLiteral("FORMAT"), QStringLiteral("projector")});
    parser.addOption(
        {QStringLiteral("out"), QStringLiteral("Output folder (projector) or file."), QStringLiteral("PATH")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Writes an embedding set for other tools; each format re-imports with the same keys. "
                           "(--projection P writes a layout, --playlist KEY a playlist: "
                           "see their own --help.)"));
        rc >= 0)
        return rc;
    const QString format = parser.value(QStringLiteral("format"));
    io::VectorFormat f;
    if (format == u"projector")
        f = io::VectorFormat::Projector;
    else if (format == u"npy")
        f = io::VectorFormat::Npy;
    else if (format == u"word2vec")
        f = io::VectorFormat::Word2Vec;
    else {
        err(QStringLiteral("orrery-cli export: unknown format '%1' (projector, npy, word2vec)\n").arg(format));
        return Usage;
    }
    if (!parser.isSet(QStringLiteral("set")) || !parser.isSet(QStringLiteral("out"))) {
        err(QStringLiteral("orrery-cli export: --set and --out are required\n"));
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    if (!outputIsSafe(QStringLiteral("orrery-cli export"), parser.value(QStringLiteral("out")), path))
        return Usage;
    return withProject(path, [&](Project &project) -> int {
        const EmbeddingSet set = loadEmbeddingSet(project, parser.value(QStringLiteral("set")));
        const QStringList files = io::exportVectors(project, set, f, parser.value(QStringLiteral("out")));
        out(QStringLiteral("wrote %1 vectors of %2 dimensions: %3\n")
                .arg(set.count())
                .arg(set.dim)
                .arg(files.join(QStringLiteral(", "))));
        return Ok;
    });
}

} // namespace orrery::cli
