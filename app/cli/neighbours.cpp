#include "common.h"

#include "index/vectorindex.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/items.h"
#include "store/project.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace orrery::cli {

namespace {

/// The item of a source key: within the set's dataset first, then in any dataset. 0 when unknown.
qint64 itemOfKey(const Project &project, const QString &key, qint64 datasetId)
{
    qint64 id = datasetId ? project.itemForKey(key, datasetId) : 0;
    return id ? id : project.itemForKey(key);
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
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print {\"query\":…,\"neighbours\":[{\"key\",\"similarity\",\"title\","
                                     "\"artist\"}]}.")});
    if (const int rc = parseVerb(
            parser, args, 1,
            QStringLiteral("Prints the nearest neighbours of an item, of a set of items or of typed text in "
                           "an embedding set, one `key<TAB>similarity<TAB>title — artist` line each."));
        rc >= 0)
        return rc;
    const QString verb = QStringLiteral("orrery-cli neighbours: ");
    if (!parser.isSet(QStringLiteral("set"))) {
        err(verb + QStringLiteral("--set is required\n"));
        return Usage;
    }
    const int queries = int(parser.isSet(QStringLiteral("key"))) + int(parser.isSet(QStringLiteral("keys-file")))
        + int(parser.isSet(QStringLiteral("text")));
    if (queries != 1) {
        err(verb + QStringLiteral("give exactly one of --key, --keys-file and --text\n"));
        return Usage;
    }
    bool ok = false;
    const int k = parser.value(QStringLiteral("k")).toInt(&ok);
    if (!ok || k < 1) {
        err(verb
            + QStringLiteral("-k expects a positive integer, not \"%1\"\n").arg(parser.value(QStringLiteral("k"))));
        return Usage;
    }
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

        QJsonValue query;
        std::vector<Neighbour> found;
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
        }

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
                                     {QStringLiteral("title"), title},
                                     {QStringLiteral("artist"), artist}});
            // Keys and titles are one line each in the text form.
            const auto flat = [](QString s) {
                return s.replace(u'\t', u' ').replace(u'\n', u' ').replace(u'\r', u' ');
            };
            text += flat(keys[i]) + u'\t' + QString::number(found[i].similarity, 'f', 4) + u'\t' + flat(title)
                + (artist.isEmpty() ? QString() : QStringLiteral(" — ") + flat(artist)) + u'\n';
        }
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonObject o {{QStringLiteral("query"), query},
                           {QStringLiteral("set"), set.name},
                           {QStringLiteral("k"), k},
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
