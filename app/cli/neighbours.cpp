#include "common.h"

#include "index/similarity.h"
#include "index/vectorindex.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/items.h"
#include "store/project.h"

#include "base/random.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace orrery::cli {

namespace {

/// The item of a source key: within the set's dataset first, then in any dataset. 0 when unknown.
qint64 itemOfKey(const Project &project, const QString &key, qint64 datasetId)
{
    qint64 id = datasetId ? project.itemForKey(key, datasetId) : 0;
    return id ? id : project.itemForKey(key);
}

/// The `--similarity-stats` line: quantiles of raw and centred cosines, neighbours against random pairs.
QString similarityStats(const VectorIndex &index, int k)
{
    const SimilarityScale scale = SimilarityScale::of(index);
    const qint64 n = index.count();
    const qint64 sampled = std::min<qint64>(n, 2000);
    std::vector<float> rawNear, centredNear, rawRandom, centredRandom;
    for (qint64 i = 0; i < sampled; ++i) {
        const qint64 row = sampled == n ? i : qint64((__int128)i * n / sampled);
        const std::vector<float> v = index.vector(row);
        const std::vector<Neighbour> found = index.ofItem(index.itemId(row), k);
        for (const ReadableSimilarity &r : scale.apply(index, v, found)) {
            rawNear.push_back(r.cosine);
            centredNear.push_back(r.centred);
        }
    }
    Random random(7);
    for (int p = 0; p < 20000 && n > 1; ++p) {
        const qint64 a = qint64(random.below(quint64(n)));
        const qint64 b = qint64(random.below(quint64(n)));
        if (a == b)
            continue;
        const std::vector<float> va = index.vector(a), vb = index.vector(b);
        double dot = 0, na = 0, nb = 0;
        for (size_t d = 0; d < va.size(); ++d) {
            dot += double(va[d]) * vb[d];
            na += double(va[d]) * va[d];
            nb += double(vb[d]) * vb[d];
        }
        rawRandom.push_back(na > 0 && nb > 0 ? float(dot / std::sqrt(na * nb)) : 0.0f);
        centredRandom.push_back(scale.centred(va, vb));
    }
    const auto spread = [](std::vector<float> v) {
        std::sort(v.begin(), v.end());
        const auto at = [&](double q) { return v.empty() ? 0.0 : double(v[size_t(q * double(v.size() - 1))]); };
        return QJsonObject {
            {QStringLiteral("p5"), at(0.05)}, {QStringLiteral("median"), at(0.5)}, {QStringLiteral("p95"), at(0.95)}};
    };
    const QJsonObject o {
        {QStringLiteral("k"), k},
        {QStringLiteral("items"), sampled},
        {QStringLiteral("common_direction"), double(scale.commonDirection())},
        {QStringLiteral("neighbours"),
         QJsonObject {{QStringLiteral("cosine"), spread(rawNear)}, {QStringLiteral("centred"), spread(centredNear)}}},
        {QStringLiteral("random_pairs"),
         QJsonObject {{QStringLiteral("cosine"), spread(rawRandom)},
                      {QStringLiteral("centred"), spread(centredRandom)}}}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

int runNeighbours(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("set"), QStringLiteral("Embedding set to search."), QStringLiteral("SET")});
    parser.addOption(
        {QStringLiteral("key"), QStringLiteral("Neighbours of the item with this source key."), QStringLiteral("KEY")});
    parser.addOption(
        {QStringLiteral("keys-file"),
         QStringLiteral("Neighbours of the centroid of the items whose keys the file lists, one a line (the items "
                        "themselves excluded)."),
         QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("text"),
         QStringLiteral("Neighbours of typed text: the average of its words' vectors (word sets, or sets pooled "
                        "from one)."),
         QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("How many neighbours (default 10)."), QStringLiteral("N"),
                      QStringLiteral("10")});
    parser.addOption(
        {QStringLiteral("dataset"), QStringLiteral("Only items of this dataset."), QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("tag"), QStringLiteral("Only items with this tag or label."), QStringLiteral("TAG")});
    parser.addOption({QStringLiteral("attr"),
                      QStringLiteral("Only items whose attribute PATH (a JSON path into the item's "
                                     "attributes, e.g. genre or $.info.year) equals VALUE."),
                      QStringLiteral("PATH=VALUE")});
    parser.addOption({QStringLiteral("metric"),
                      QStringLiteral("Which stored index: cosine or l2 (default: the newest)."),
                      QStringLiteral("METRIC")});
    parser.addOption({QStringLiteral("similarity-stats"),
                      QStringLiteral("Instead of one query: the spread (5%, median, 95%) of the raw and the centred "
                                     "cosine for the k nearest neighbours of up to 2,000 sampled items and for "
                                     "random pairs, as one JSON line (to choose a threshold).")});
    parser.addOption(
        {QStringLiteral("json"),
         QStringLiteral("Print {\"query\":…,\"common_direction\":…,\"neighbours\":[{\"key\",\"similarity\","
                        "\"centred\",\"percentile\",\"title\",\"artist\"}]}: centred is the cosine after "
                        "removing the set's mean direction, percentile its rank among random pairs.")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Prints the nearest neighbours of an item, of a set of items or of typed text in "
                           "an embedding set, one `key<TAB>cosine<TAB>centred cosine<TAB>title — artist` line each "
                           "(the centred cosine removes "
                           "the direction all of the set's vectors share, which makes raw cosines all look alike)."));
        rc >= 0)
        return rc;
    const QString verb = QStringLiteral("orrery-cli neighbours: ");
    if (!parser.isSet(QStringLiteral("set"))) {
        err(verb + QStringLiteral("--set is required\n"));
        return Usage;
    }
    const bool stats = parser.isSet(QStringLiteral("similarity-stats"));
    const int queries = int(parser.isSet(QStringLiteral("key"))) + int(parser.isSet(QStringLiteral("keys-file")))
        + int(parser.isSet(QStringLiteral("text"))) + int(stats);
    if (queries != 1) {
        err(verb + QStringLiteral("give exactly one of --key, --keys-file, --text and --similarity-stats\n"));
        return Usage;
    }
    int k = 10;
    if (!intOption(parser, QStringLiteral("orrery-cli neighbours"), QStringLiteral("k"), 1, 100000, &k))
        return Usage;
    std::optional<Metric> metric;
    if (parser.isSet(QStringLiteral("metric"))) {
        Metric m = Metric::Cosine;
        if (!fromString(parser.value(QStringLiteral("metric")), &m)) {
            err(verb
                + QStringLiteral("--metric expects cosine or l2, not \"%1\"\n")
                      .arg(parser.value(QStringLiteral("metric"))));
            return Usage;
        }
        metric = m;
    }
    IndexFilter filter;
    if (parser.isSet(QStringLiteral("attr"))) {
        const QString attr = parser.value(QStringLiteral("attr"));
        const qsizetype eq = attr.indexOf(u'=');
        if (eq <= 0) {
            err(verb + QStringLiteral("--attr expects PATH=VALUE, not \"%1\"\n").arg(attr));
            return Usage;
        }
        filter.attrPath = attr.left(eq);
        filter.attrValue = attr.mid(eq + 1);
    }
    filter.tag = parser.value(QStringLiteral("tag"));
    const QString path = parser.positionalArguments().first();
    return withProject(path, [&](Project &project) -> int {
        const EmbeddingSet set = loadEmbeddingSet(project, parser.value(QStringLiteral("set")));
        if (parser.isSet(QStringLiteral("dataset"))) {
            filter.datasetId = project.datasetId(parser.value(QStringLiteral("dataset")));
            if (!filter.datasetId) {
                err(QStringLiteral("no dataset named \"%1\" (orrery-cli info lists them)\n")
                        .arg(parser.value(QStringLiteral("dataset"))));
                return InputError;
            }
        }
        JobContext job(phasedProgress());
        bool built = false;
        const VectorIndex index = VectorIndex::loadOrBuild(
            project, set, metric, IndexOptions {}, SaveBuilt::Always, job, &built, [&] {
                err(QStringLiteral("note: set \"%1\" has no stored %2index yet; building one (orrery-cli index "
                                   "builds it ahead)\n")
                        .arg(set.name, metric ? toString(*metric) + u' ' : QString()));
            });
        if (built)
            endProgress();
        std::optional<RowFilter> rows;
        if (!filter.isEmpty())
            rows = index.filter(project, filter);
        const RowFilter *rowFilter = rows ? &*rows : nullptr;
        if (stats) {
            out(similarityStats(index, k) + u'\n');
            return Ok;
        }

        QJsonValue query;
        std::vector<Neighbour> found;
        std::vector<float> queryVector; // what the readable similarity compares each neighbour with
        QJsonArray skipped;
        if (parser.isSet(QStringLiteral("key"))) {
            const QString key = parser.value(QStringLiteral("key"));
            query = key;
            const qint64 id = itemOfKey(project, key, set.datasetId);
            if (!id) {
                err(QStringLiteral("unknown key \"%1\": no item of the project has it\n").arg(key));
                return InputError;
            }
            if (index.rowOf(id) < 0) {
                err(QStringLiteral("key \"%1\" has no vector in set \"%2\"\n").arg(key, set.name));
                return InputError;
            }
            found = index.ofItem(id, k, rowFilter);
            queryVector = index.vector(index.rowOf(id));
        } else if (parser.isSet(QStringLiteral("keys-file"))) {
            const QString file = parser.value(QStringLiteral("keys-file"));
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
                err(file + QStringLiteral(": ") + f.errorString() + u'\n');
                return InputError;
            }
            QJsonArray keys;
            std::vector<qint64> ids;
            int line = 0;
            while (!f.atEnd()) {
                ++line;
                const QString key = QString::fromUtf8(f.readLine()).trimmed();
                if (key.isEmpty())
                    continue;
                const qint64 id = itemOfKey(project, key, set.datasetId);
                if (!id) {
                    err(QStringLiteral("%1:%2: unknown key \"%3\": no item of the project has it\n")
                            .arg(file)
                            .arg(line)
                            .arg(key));
                    return InputError;
                }
                if (index.rowOf(id) < 0) {
                    err(QStringLiteral("%1:%2: key \"%3\" has no vector in set \"%4\"\n")
                            .arg(file)
                            .arg(line)
                            .arg(key, set.name));
                    return InputError;
                }
                keys.append(key);
                ids.push_back(id);
            }
            if (ids.empty()) {
                err(file + QStringLiteral(": expected at least one key\n"));
                return InputError;
            }
            query = keys;
            found = index.ofItems(ids, k, rowFilter);
            queryVector.assign(size_t(index.dim()), 0.0f);
            for (const qint64 id : ids) {
                const std::vector<float> v = index.vector(index.rowOf(id));
                for (size_t d = 0; d < v.size(); ++d)
                    queryVector[d] += v[d];
            }
        } else {
            const QString text = parser.value(QStringLiteral("text"));
            query = text;
            const TextQuery q = textQuery(project, set, text);
            for (const QString &word : q.skipped)
                skipped.append(word);
            if (!q.skipped.isEmpty())
                err(QStringLiteral("note: skipped unknown words: %1\n").arg(q.skipped.join(QStringLiteral(", "))));
            if (q.vector.empty()) {
                err(QStringLiteral("none of the words of \"%1\" has a vector\n").arg(text));
                return InputError;
            }
            found = index.ofVector(q.vector, k, rowFilter);
            queryVector = q.vector;
        }

        const SimilarityScale scale = SimilarityScale::of(index);
        const std::vector<ReadableSimilarity> readable = scale.apply(index, queryVector, found);
        std::vector<qint64> ids;
        for (const Neighbour &n : found)
            ids.push_back(n.itemId);
        const std::vector<QString> keys = itemKeys(project, ids, set.datasetId);
        const std::vector<TitleArtist> names = itemTitles(project, ids);
        QJsonArray list;
        QString text;
        for (size_t i = 0; i < found.size(); ++i) {
            const QString &title = names[i].title;
            const QString &artist = names[i].artist;
            list.append(QJsonObject {{QStringLiteral("key"), keys[i]},
                                     {QStringLiteral("similarity"), double(found[i].similarity)},
                                     {QStringLiteral("centred"), double(readable[i].centred)},
                                     {QStringLiteral("percentile"), double(readable[i].percentile)},
                                     {QStringLiteral("title"), title},
                                     {QStringLiteral("artist"), artist}});
            // Keys and titles are one line each in the text form.
            const auto flat = [](QString s) {
                return s.replace(u'\t', u' ').replace(u'\n', u' ').replace(u'\r', u' ');
            };
            text += flat(keys[i]) + u'\t' + QString::number(found[i].similarity, 'f', 4) + u'\t'
                + QString::number(readable[i].centred, 'f', 3) + u'\t' + flat(title)
                + (artist.isEmpty() ? QString() : QStringLiteral(" — ") + flat(artist)) + u'\n';
        }
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject o {{QStringLiteral("query"), query},
                           {QStringLiteral("set"), set.name},
                           {QStringLiteral("k"), k},
                           {QStringLiteral("common_direction"), double(scale.commonDirection())},
                           {QStringLiteral("neighbours"), list}};
            if (parser.isSet(QStringLiteral("text")))
                o.insert(QStringLiteral("skipped"), skipped);
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
        } else {
            out(text);
        }
        return Ok;
    });
}

} // namespace orrery::cli
