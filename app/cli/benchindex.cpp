// `orrery-cli bench index`: single-thread query throughput of a stored neighbour index at a
// given recall, against exact search. Dispatched from bench.cpp's runBench.
#include "common.h"

#include "base/random.h"
#include "index/vectorindex.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cstring>
#include <unordered_set>

namespace orrery::cli {

namespace {

/// A float32, C-order, two-dimensional .npy file (what numpy.save writes for such an array).
RowMatrixXf readNpy(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(path + QStringLiteral(": ") + f.errorString());
    const QByteArray bytes = f.readAll();
    if (bytes.size() < 10 || !bytes.startsWith("\x93NUMPY"))
        throw Error(path + QStringLiteral(": byte 0: expected the .npy magic \\x93NUMPY"));
    const int major = quint8(bytes[6]);
    qsizetype headerLength = 0, offset = 0;
    if (major == 1) {
        headerLength = quint8(bytes[8]) | (quint8(bytes[9]) << 8);
        offset = 10;
    } else {
        if (bytes.size() < 12)
            throw Error(path + QStringLiteral(": byte 8: expected a header length"));
        headerLength = qsizetype(quint8(bytes[8])) | (qsizetype(quint8(bytes[9])) << 8)
            | (qsizetype(quint8(bytes[10])) << 16) | (qsizetype(quint8(bytes[11])) << 24);
        offset = 12;
    }
    if (offset + headerLength > bytes.size())
        throw Error(path + QStringLiteral(": byte %1: the header runs past the end of the file").arg(offset));
    const QString header = QString::fromLatin1(bytes.mid(offset, headerLength));
    if (!header.contains(QStringLiteral("'<f4'")) || !header.contains(QStringLiteral("'fortran_order': False")))
        throw Error(path + QStringLiteral(": byte %1: expected a little-endian float32 array in C order").arg(offset));
    const QRegularExpressionMatch shape = QRegularExpression(QStringLiteral("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)"))
                                              .match(header);
    if (!shape.hasMatch())
        throw Error(path + QStringLiteral(": byte %1: expected a two-dimensional shape").arg(offset));
    const qint64 rows = shape.captured(1).toLongLong(), cols = shape.captured(2).toLongLong();
    const qsizetype data = offset + headerLength;
    if (bytes.size() - data != rows * cols * qint64(sizeof(float)))
        throw Error(path + QStringLiteral(": byte %1: expected %2 × %3 float32 values").arg(data).arg(rows).arg(cols));
    RowMatrixXf m(rows, cols);
    if (m.size())
        std::memcpy(m.data(), bytes.constData() + data, size_t(m.size()) * sizeof(float));
    return m;
}

} // namespace

int benchIndex(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("index"), QStringLiteral("The benchmark."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"),
                                 QStringLiteral("Project file holding the set (and its stored index)."));
    parser.addOption({QStringLiteral("set"), QStringLiteral("Embedding set."), QStringLiteral("SET")});
    parser.addOption({QStringLiteral("queries"),
                      QStringLiteral("Queries to time (default 10000): rows sampled from the set, or the "
                                     "first rows of --query-file."),
                      QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("query-file"),
                      QStringLiteral("Queries as a float32 .npy (rows of the set's dimension)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("ef"),
                      QStringLiteral("Time this ef only (default: the smallest of a sweep reaching --target)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("target"), QStringLiteral("Recall@10 the sweep stops at (default 0.95)."),
                      QStringLiteral("R"), QStringLiteral("0.95")});
    if (const int rc = parseVerb(
            parser, args, 2,
            QStringLiteral("Times single-thread queries of a set's stored index (built when missing) and "
                           "prints JSON: queries/s and recall@10 against exact search."));
        rc >= 0)
        return rc;
    if (!parser.isSet(QStringLiteral("set"))) {
        err(QStringLiteral("orrery-cli bench index: --set is required\n"));
        return Usage;
    }
    bool ok = false;
    const qint64 wanted = parser.value(QStringLiteral("queries")).toLongLong(&ok);
    const double target = parser.value(QStringLiteral("target")).toDouble();
    const int fixedEf = parser.isSet(QStringLiteral("ef")) ? parser.value(QStringLiteral("ef")).toInt() : 0;
    if (!ok || wanted < 1 || (parser.isSet(QStringLiteral("ef")) && fixedEf < 1)) {
        err(QStringLiteral("orrery-cli bench index: --queries and --ef expect positive integers\n"));
        return Usage;
    }
    const QString path = parser.positionalArguments().at(1);
    return withProject(path, [&](Project &project) -> int {
        constexpr int k = 10;
        const EmbeddingSet set = loadEmbeddingSet(project, parser.value(QStringLiteral("set")));
        JobContext job;
        QElapsedTimer clock;
        clock.start();
        double loadSeconds = 0;
        bool built = false;
        VectorIndex index = VectorIndex::loadOrBuild(
            project, set, std::nullopt, IndexOptions {}, SaveBuilt::Always, job, &built, [&] {
                loadSeconds = double(clock.nsecsElapsed()) / 1e9; // the failed look-up, not the build
                err(QStringLiteral("note: set \"%1\" has no stored index; building one\n").arg(set.name));
            });
        if (!built)
            loadSeconds = double(clock.nsecsElapsed()) / 1e9;
        RowMatrixXf queries;
        if (parser.isSet(QStringLiteral("query-file"))) {
            queries = readNpy(parser.value(QStringLiteral("query-file")));
            if (queries.cols() != set.dim)
                throw Error(parser.value(QStringLiteral("query-file"))
                            + QStringLiteral(": queries have %1 values; the set's vectors %2")
                                  .arg(queries.cols())
                                  .arg(set.dim));
            if (queries.rows() > wanted)
                queries.conservativeResize(wanted, Eigen::NoChange);
        } else {
            Random rng(7);
            const qint64 m = std::min(wanted, set.count());
            queries.resize(m, set.dim);
            std::unordered_set<qint64> taken;
            for (qint64 i = 0; i < m;) {
                const qint64 r = qint64(rng.below(quint64(set.count())));
                if (taken.insert(r).second)
                    queries.row(i++) = set.matrix().row(r);
            }
        }
        clock.restart();
        const auto truth = exactSearch(set, queries, k, index.metric(), 2, job);
        const double truthSeconds = double(clock.nsecsElapsed()) / 1e9;

        std::vector<int> efs {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024};
        if (fixedEf)
            efs = {fixedEf};
        QJsonArray sweep;
        double recall = 0, qps = 0;
        int chosen = 0;
        for (const int ef : efs) {
            index.setEf(ef);
            std::vector<std::vector<Neighbour>> found(size_t(queries.rows()));
            clock.restart();
            for (Eigen::Index i = 0; i < queries.rows(); ++i)
                found[size_t(i)] = index.ofVector({queries.row(i).data(), size_t(set.dim)}, k);
            const double seconds = double(clock.nsecsElapsed()) / 1e9;
            qint64 hits = 0, total = 0;
            for (size_t i = 0; i < found.size(); ++i) {
                for (const Neighbour &n : found[i])
                    hits += std::any_of(truth[i].begin(), truth[i].end(),
                                        [&](const Neighbour &t) { return t.row == n.row; });
                total += qint64(truth[i].size());
            }
            recall = total ? double(hits) / double(total) : 1.0;
            qps = double(queries.rows()) / seconds;
            chosen = ef;
            sweep.append(QJsonObject {{QStringLiteral("ef"), ef},
                                      {QStringLiteral("recall_at_10"), recall},
                                      {QStringLiteral("queries_per_s"), qps}});
            if (index.isExact() || recall >= target)
                break;
        }
        const QJsonObject &params = index.params();
        const QJsonObject o {
            {QStringLiteral("bench"), QStringLiteral("index")},
            {QStringLiteral("tool"), QStringLiteral("orrery")},
            {QStringLiteral("count"), set.count()},
            {QStringLiteral("dim"), set.dim},
            {QStringLiteral("metric"), toString(index.metric())},
            {QStringLiteral("kind"), index.isExact() ? QStringLiteral("exact") : QStringLiteral("hnsw")},
            {QStringLiteral("M"), params.value(u"M")},
            {QStringLiteral("ef_construction"), params.value(u"ef_construction")},
            {QStringLiteral("build_seconds"), index.stats().value(u"build_seconds")},
            {QStringLiteral("load_seconds"), loadSeconds},
            {QStringLiteral("exact_seconds"), truthSeconds},
            {QStringLiteral("queries"), qint64(queries.rows())},
            {QStringLiteral("threads"), 1},
            {QStringLiteral("target_recall"), target},
            {QStringLiteral("ef"), chosen},
            {QStringLiteral("recall_at_10"), recall},
            {QStringLiteral("queries_per_s"), qps},
            {QStringLiteral("sweep"), sweep}};
        out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        return Ok;
    });
}

} // namespace orrery::cli
