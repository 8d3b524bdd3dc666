#include "common.h"

#include "base/embeddingset.h"
#include "io/playlistwriter.h"
#include "io/queryline.h"
#include "recommend/recommender.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <optional>

namespace orrery::cli {

void addRecommenderOptions(QCommandLineParser &parser)
{
    const RecommenderParams d;
    parser.addOption(
        {QStringLiteral("tau"),
         QStringLiteral("Attention: seeds less similar than this to a candidate do not vote (default %1).").arg(d.tau),
         QStringLiteral("X")});
    parser.addOption(
        {QStringLiteral("gamma"),
         QStringLiteral("Attention: exponent of a seed's weight max(0, cos - tau)^gamma (default %1).").arg(d.gamma),
         QStringLiteral("X")});
    parser.addOption({QStringLiteral("window"),
                      QStringLiteral("Co-occurrence: pairs at most this far apart count; 0 = the whole playlist "
                                     "(default %1).")
                          .arg(d.coocWindow),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("beta"),
                      QStringLiteral("Co-occurrence: c_ij / (pop_i^beta * pop_j^(1-beta)); 0.5 is the cosine "
                                     "(default %1).")
                          .arg(d.coocBeta),
                      QStringLiteral("X")});
    parser.addOption(
        {QStringLiteral("per-seed"),
         QStringLiteral("Index neighbours fetched around each seed (default %1).").arg(d.candidatesPerSeed),
         QStringLiteral("N")});
    parser.addOption({QStringLiteral("pknn-neighbours"),
                      QStringLiteral("Playlist neighbours: the most similar training playlists that vote "
                                     "(default %1).")
                          .arg(d.playlistKnn.neighbours),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("pknn-length"),
                      QStringLiteral("Playlist neighbours: similarity = shared seeds' idf / length^X (default %1).")
                          .arg(d.playlistKnn.lengthExponent),
                      QStringLiteral("X")});
    parser.addOption(
        {QStringLiteral("pknn-power"),
         QStringLiteral("Playlist neighbours: a neighbour votes similarity^X (default %1).").arg(d.playlistKnn.power),
         QStringLiteral("X")});
    parser.addOption({QStringLiteral("blend-weights"),
                      QStringLiteral("Blend weights popularity,centroid,attention,cooc,pknn (default "
                                     "%1,%2,%3,%4,%5).")
                          .arg(d.blend.popularity)
                          .arg(d.blend.centroid)
                          .arg(d.blend.attention)
                          .arg(d.blend.cooccurrence)
                          .arg(d.blend.playlists),
                      QStringLiteral("P,C,A,O,K")});
}

bool readRecommenderOptions(const QCommandLineParser &parser, const QString &verb, RecommenderParams *params)
{
    const auto number = [&](const char *name, double low, double high, double *target) {
        const QString key = QString::fromLatin1(name);
        if (!parser.isSet(key))
            return true;
        bool ok = false;
        const double v = parser.value(key).toDouble(&ok);
        if (!ok || !(v >= low && v <= high)) {
            err(QStringLiteral("%1: --%2 expects a number from %3 to %4, got '%5'\n")
                    .arg(verb, key)
                    .arg(low)
                    .arg(high)
                    .arg(parser.value(key)));
            return false;
        }
        *target = v;
        return true;
    };
    double window = params->coocWindow, perSeed = params->candidatesPerSeed;
    double playlists = params->playlistKnn.neighbours;
    if (!number("tau", -1, 1, &params->tau) || !number("gamma", 0, 16, &params->gamma)
        || !number("window", 0, 1e6, &window) || !number("beta", 0, 1, &params->coocBeta)
        || !number("per-seed", 1, 100000, &perSeed) || !number("pknn-neighbours", 1, 1e6, &playlists)
        || !number("pknn-length", 0, 4, &params->playlistKnn.lengthExponent)
        || !number("pknn-power", 0, 16, &params->playlistKnn.power))
        return false;
    params->coocWindow = int(window);
    params->candidatesPerSeed = int(perSeed);
    params->playlistKnn.neighbours = int(playlists);
    if (parser.isSet(QStringLiteral("blend-weights"))) {
        const QStringList parts = parser.value(QStringLiteral("blend-weights")).split(u',');
        std::array<double, BlendWeights::size> w {};
        bool ok = parts.size() == BlendWeights::size;
        for (int i = 0; ok && i < BlendWeights::size; ++i) {
            w[size_t(i)] = parts[i].toDouble(&ok);
            ok = ok && w[size_t(i)] >= 0;
        }
        if (!ok || std::all_of(w.begin(), w.end(), [](double x) { return x == 0; })) {
            err(verb + QStringLiteral(": --blend-weights expects five non-negative numbers P,C,A,O,K, not all 0\n"));
            return false;
        }
        params->blend = BlendWeights::fromArray(w);
    }
    return true;
}

namespace {

/// Resolves source keys to item ids (the set's dataset first, then any) and ids to keys, with caches.
class Keys final {
public:
    Keys(Project &project, qint64 datasetId) : m_project(project), m_datasetId(datasetId) { }
    qint64 item(const QString &key)
    {
        const auto it = m_items.constFind(key);
        if (it != m_items.constEnd())
            return *it;
        qint64 id = m_project.itemForKey(key, m_datasetId);
        if (!id)
            id = m_project.itemForKey(key);
        m_items.insert(key, id);
        return id;
    }
    QString key(qint64 id)
    {
        const auto it = m_keys.constFind(id);
        if (it != m_keys.constEnd())
            return *it;
        const QString k = itemKeys(m_project, {id}, m_datasetId).front();
        m_keys.insert(id, k);
        return k;
    }

private:
    Project &m_project;
    qint64 m_datasetId;
    QHash<QString, qint64> m_items;
    QHash<qint64, QString> m_keys;
};

QString flat(QString s)
{
    return s.replace(u'\t', u' ').replace(u'\n', u' ').replace(u'\r', u' ');
}

} // namespace

int runRecommend(const QStringList &args)
{
    const QString verb = args.first();
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file."));
    parser.addOption({QStringLiteral("set"), QStringLiteral("Embedding set of the songs."), QStringLiteral("SET")});
    parser.addOption(
        {QStringLiteral("dataset"),
         QStringLiteral("Playlists to count popularity and co-occurrence in (default: the set's dataset)."),
         QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("queries"),
                      QStringLiteral("JSON Lines, one {\"id\":…,\"seeds\":[\"key\",…]} a line (optional "
                                     "\"negatives\":[…]); needs --out."),
                      QStringLiteral("IN.jsonl")});
    parser.addOption(
        {QStringLiteral("seeds"), QStringLiteral("One query: comma-separated source keys."), QStringLiteral("KEYS")});
    parser.addOption({QStringLiteral("playlist"),
                      QStringLiteral("One query: the tracks of the playlist with this source key are the seeds."),
                      QStringLiteral("KEY")});
    parser.addOption({QStringLiteral("negative"),
                      QStringLiteral("With --seeds: comma-separated keys of songs not to be like."),
                      QStringLiteral("KEYS")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Output: JSON Lines for --queries; a playlist file for --seeds with --format."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("With --seeds and --out: write the list as m3u8, xspf, csv or json (MPD schema)."),
                      QStringLiteral("FORMAT")});
    parser.addOption({QStringLiteral("method"),
                      QStringLiteral("popularity, centroid, attention, cooc, pknn or blend (default blend)."),
                      QStringLiteral("METHOD"), QStringLiteral("blend")});
    parser.addOption({QStringLiteral("n"),
                      QStringLiteral("Results per query (default 500 for --queries, 20 for --seeds)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("keep-seeds"), QStringLiteral("Let the seeds themselves be proposed.")});
    parser.addOption({QStringLiteral("max-per-artist"), QStringLiteral("At most N tracks of one artist (0: no cap)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("mmr"),
                      QStringLiteral("Diversify by maximal marginal relevance with this lambda (1 = off)."),
                      QStringLiteral("LAMBDA"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("With --seeds or --playlist: print JSON.")});
    addRecommenderOptions(parser);
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Proposes songs that continue the given ones, each with its score and "
                                                "the seed it comes from: a batch of JSON Lines queries, or one --seeds "
                                                "or --playlist query printed or written as a playlist."));
        rc >= 0)
        return rc;
    const bool batch = parser.isSet(QStringLiteral("queries"));
    if (int(batch) + int(parser.isSet(QStringLiteral("seeds"))) + int(parser.isSet(QStringLiteral("playlist"))) != 1) {
        err(verb + QStringLiteral(": give exactly one of --queries, --seeds and --playlist\n"));
        return Usage;
    }
    if (!parser.isSet(QStringLiteral("set"))) {
        err(verb + QStringLiteral(": --set is required\n"));
        return Usage;
    }
    if (batch && !parser.isSet(QStringLiteral("out"))) {
        err(verb + QStringLiteral(": --queries needs --out OUT.jsonl\n"));
        return Usage;
    }
    io::PlaylistFormat format = io::PlaylistFormat::M3u8;
    if (parser.isSet(QStringLiteral("format"))) {
        if (batch || !parser.isSet(QStringLiteral("out"))) {
            err(verb + QStringLiteral(": --format goes with --seeds and --out\n"));
            return Usage;
        }
        if (!io::fromString(parser.value(QStringLiteral("format")), &format)) {
            err(verb
                + QStringLiteral(": unknown format '%1' (m3u8, xspf, csv, json)\n")
                      .arg(parser.value(QStringLiteral("format"))));
            return Usage;
        }
    } else if (!batch && parser.isSet(QStringLiteral("out"))) {
        err(verb + QStringLiteral(": --out with --seeds needs --format m3u8|xspf|csv|json\n"));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("json")) && parser.isSet(QStringLiteral("out"))) {
        err(verb + QStringLiteral(": --json prints one list; it does not go with --out\n"));
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    if (parser.isSet(QStringLiteral("out"))
        && !outputIsSafe(verb, parser.value(QStringLiteral("out")), path,
                         batch ? QStringList {parser.value(QStringLiteral("queries"))} : QStringList {}))
        return Usage;
    RecommendMethod method = RecommendMethod::Blend;
    if (!fromString(parser.value(QStringLiteral("method")), &method)) {
        err(verb
            + QStringLiteral(": unknown method '%1' (popularity, centroid, attention, cooc, pknn, blend)\n")
                  .arg(parser.value(QStringLiteral("method"))));
        return Usage;
    }
    RecommendRequest base;
    bool ok = true;
    base.n = parser.isSet(QStringLiteral("n")) ? parser.value(QStringLiteral("n")).toInt(&ok) : (batch ? 500 : 20);
    if (!ok || base.n < 1) {
        err(verb + QStringLiteral(": -n expects a positive whole number\n"));
        return Usage;
    }
    base.maxPerArtist = parser.value(QStringLiteral("max-per-artist")).toInt(&ok);
    if (!ok || base.maxPerArtist < 0) {
        err(verb + QStringLiteral(": --max-per-artist expects a whole number ≥ 0\n"));
        return Usage;
    }
    base.mmrLambda = parser.value(QStringLiteral("mmr")).toDouble(&ok);
    if (!ok || !(base.mmrLambda >= 0 && base.mmrLambda <= 1)) {
        err(verb + QStringLiteral(": --mmr expects a number from 0 to 1\n"));
        return Usage;
    }
    base.excludeSeeds = !parser.isSet(QStringLiteral("keep-seeds"));
    RecommenderParams params;
    if (!readRecommenderOptions(parser, verb, &params))
        return Usage;

    return withProject(path, verb, [&](Project &project) -> int {
        const EmbeddingSet set = loadEmbeddingSet(project, parser.value(QStringLiteral("set")));
        qint64 datasetId = set.datasetId;
        if (parser.isSet(QStringLiteral("dataset"))) {
            datasetId = project.datasetId(parser.value(QStringLiteral("dataset")));
            if (!datasetId) {
                err(verb
                    + QStringLiteral(": no dataset named \"%1\" (orrery-cli info lists them)\n")
                          .arg(parser.value(QStringLiteral("dataset"))));
                return InputError;
            }
        }
        if (!datasetId) {
            err(verb
                + QStringLiteral(": set \"%1\" belongs to no dataset; name the playlists with --dataset\n")
                      .arg(set.name));
            return InputError;
        }
        // Everything that can fail on the input fails before the recommender is built (minutes on
        // a million playlists): the queries are read and checked, and the output is opened.
        std::vector<io::QueryLine> queryLines;
        std::optional<QSaveFile> outFile;
        if (batch) {
            const QString inPath = parser.value(QStringLiteral("queries"));
            QFile in(inPath);
            if (!in.open(QIODevice::ReadOnly))
                throw Error(inPath + QStringLiteral(": ") + in.errorString());
            qint64 line = 0;
            while (!in.atEnd()) {
                ++line;
                QByteArray text = in.readLine().trimmed();
                if (line == 1 && text.startsWith("\xEF\xBB\xBF"))
                    text.remove(0, 3); // a UTF-8 byte order mark
                if (text.isEmpty())
                    continue;
                queryLines.push_back(io::parseQueryLine(text, QStringLiteral("%1:%2: ").arg(inPath).arg(line)));
            }
            outFile.emplace(parser.value(QStringLiteral("out")));
            if (!outFile->open(QIODevice::WriteOnly))
                throw Error(parser.value(QStringLiteral("out")) + QStringLiteral(": ") + outFile->errorString());
        }

        JobContext job(phasedProgress());
        const Recommender recommender = projectRecommender(project, &set, datasetId, params, job);
        endProgress();
        Keys keys(project, datasetId);
        // The item of a source key, when the recommender knows it; 0 otherwise.
        const auto knownItem = [&](const QString &key) -> qint64 {
            const qint64 id = keys.item(key);
            return id && recommender.knownSeeds(std::span<const qint64>(&id, 1)) ? id : 0;
        };

        if (batch) {
            qint64 queries = 0, unknown = 0, empty = 0;
            const auto readKeys = [&](const QStringList &list, std::vector<qint64> *ids) {
                for (const QString &key : list) {
                    if (const qint64 id = knownItem(key))
                        ids->push_back(id);
                    else
                        ++unknown;
                }
            };
            for (const io::QueryLine &query : queryLines) {
                RecommendRequest request = base;
                readKeys(query.seeds, &request.seeds);
                readKeys(query.negatives, &request.negatives);
                if (request.seeds.empty())
                    ++empty;
                const std::vector<Recommendation> recs = recommender.recommend(method, request);
                QJsonArray items, scores;
                for (const Recommendation &r : recs) {
                    items.append(keys.key(r.itemId));
                    scores.append(double(r.score));
                }
                // The id goes back exactly as it came (a long integer keeps every digit).
                const QByteArray rest = QJsonDocument(QJsonObject {{QStringLiteral("items"), items},
                                                                   {QStringLiteral("scores"), scores}})
                                            .toJson(QJsonDocument::Compact);
                outFile->write("{\"id\":" + query.id + ',' + rest.mid(1) + '\n');
                ++queries;
            }
            if (!outFile->commit())
                throw Error(parser.value(QStringLiteral("out")) + QStringLiteral(": ") + outFile->errorString());
            err(QStringLiteral("%1 queries answered with %2 (%3 results each); %4 unknown seeds ignored; %5 queries "
                               "without a known seed got the popularity list\n")
                    .arg(queries)
                    .arg(toString(method))
                    .arg(base.n)
                    .arg(unknown)
                    .arg(empty));
            return Ok;
        }

        RecommendRequest request = base;
        QStringList unknownKeys;
        QJsonArray seedKeys;
        const auto readList = [&](const QString &list, std::vector<qint64> *ids) {
            for (const QString &raw : list.split(u',', Qt::SkipEmptyParts)) {
                const QString key = raw.trimmed();
                if (const qint64 id = knownItem(key))
                    ids->push_back(id);
                else
                    unknownKeys << key;
            }
        };
        if (parser.isSet(QStringLiteral("playlist"))) {
            const io::StoredPlaylist playlist = io::loadPlaylist(project, parser.value(QStringLiteral("playlist")),
                                                                 datasetId);
            if (!playlist.itemId)
                throw Error(QStringLiteral("no playlist has the key \"%1\" in the dataset")
                                .arg(parser.value(QStringLiteral("playlist"))));
            for (const qint64 id : playlist.items)
                if (recommender.knownSeeds(std::span<const qint64>(&id, 1)))
                    request.seeds.push_back(id);
        }
        readList(parser.value(QStringLiteral("seeds")), &request.seeds);
        readList(parser.value(QStringLiteral("negative")), &request.negatives);
        for (const qint64 id : request.negatives)
            if (std::find(request.seeds.begin(), request.seeds.end(), id) != request.seeds.end())
                err(QStringLiteral("note: %1 is both a seed and a negative; everything like it is damped\n")
                        .arg(keys.key(id)));
        if (!unknownKeys.isEmpty())
            err(QStringLiteral("note: %1 unknown key(s) ignored: %2\n")
                    .arg(unknownKeys.size())
                    .arg(unknownKeys.join(QStringLiteral(", "))));
        if (request.seeds.empty())
            err(QStringLiteral("note: no known seed; this is the popularity list\n"));
        const std::vector<Recommendation> recs = recommender.recommend(method, request);
        std::vector<qint64> ids;
        for (const Recommendation &r : recs)
            ids.push_back(r.itemId);
        std::vector<io::PlaylistEntry> entries = io::playlistEntries(project, ids, datasetId);
        for (size_t i = 0; i < recs.size(); ++i) {
            entries[i].score = recs[i].score;
            if (recs[i].becauseItemId)
                entries[i].because = keys.key(recs[i].becauseItemId);
        }
        QHash<qint64, QString> seedNames;
        QStringList seedNamesInOrder;
        for (const io::PlaylistEntry &e : io::playlistEntries(project, request.seeds, datasetId)) {
            const QString name = e.artist.isEmpty() ? (e.title.isEmpty() ? e.key : e.title)
                                                    : e.artist + QStringLiteral(" - ") + e.title;
            seedNames.insert(e.itemId, name);
            seedNamesInOrder << name;
        }
        for (const qint64 id : request.seeds)
            seedKeys.append(keys.key(id));

        if (parser.isSet(QStringLiteral("out"))) {
            io::PlaylistExport list;
            QString names = seedNamesInOrder.join(QStringLiteral(", "));
            if (names.size() > 200) { // cut at a word, never inside one
                const qsizetype cut = names.lastIndexOf(u' ', 199);
                names = names.left(cut > 0 ? cut : 199);
                while (names.endsWith(u',') || names.endsWith(u' ') || names.endsWith(u'-'))
                    names.chop(1);
                names += QStringLiteral("…");
            }
            list.name = QStringLiteral("Continuing %1").arg(names);
            if (request.seeds.empty())
                list.name = QStringLiteral("Popular");
            list.entries = entries;
            io::writePlaylist(parser.value(QStringLiteral("out")), list, format);
            out(QStringLiteral("wrote %1 recommendations (%2) to %3\n")
                    .arg(recs.size())
                    .arg(toString(method), parser.value(QStringLiteral("out"))));
            return Ok;
        }
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonArray list;
            for (size_t i = 0; i < recs.size(); ++i) {
                QJsonObject o {{QStringLiteral("key"), entries[i].key},
                               {QStringLiteral("score"), double(recs[i].score)},
                               {QStringLiteral("title"), entries[i].title},
                               {QStringLiteral("artist"), entries[i].artist}};
                if (recs[i].becauseItemId)
                    o.insert(QStringLiteral("because"), entries[i].because);
                list.append(o);
            }
            QJsonArray unknownJson;
            for (const QString &k : std::as_const(unknownKeys))
                unknownJson.append(k);
            const QJsonObject o {{QStringLiteral("method"), toString(method)},
                                 {QStringLiteral("seeds"), seedKeys},
                                 {QStringLiteral("unknown"), unknownJson},
                                 {QStringLiteral("items"), list}};
            out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
            return Ok;
        }
        QString text;
        for (size_t i = 0; i < recs.size(); ++i) {
            const io::PlaylistEntry &e = entries[i];
            text += QStringLiteral("%1\t%2\t%3\t%4")
                        .arg(i + 1)
                        .arg(flat(e.key))
                        .arg(double(recs[i].score), 0, 'f', 4)
                        .arg(flat(e.artist.isEmpty() ? e.title : e.artist + QStringLiteral(" - ") + e.title));
            if (recs[i].becauseItemId)
                text += QStringLiteral("\tbecause you have %1 (%2)")
                            .arg(flat(seedNames.value(recs[i].becauseItemId)), flat(e.because));
            text += u'\n';
        }
        out(text);
        return Ok;
    });
}

} // namespace orrery::cli
