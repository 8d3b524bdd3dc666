#include "recommender.h"

#include "index/vectorindex.h"
#include "recommend/attention.h"
#include "recommend/cooccurrence.h"
#include "store/items.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

namespace orrery {

namespace {

constexpr int Components = BlendWeights::size;
constexpr int minimumPool = 500;
enum Component { Pop = 0, Cent = 1, Attn = 2, Cooc = 3, Pknn = 4 };

const struct {
    RecommendMethod method;
    const char *name;
} methodNames[] = {
    {RecommendMethod::Popularity, "popularity"}, {RecommendMethod::Centroid, "centroid"},
    {RecommendMethod::Attention, "attention"},   {RecommendMethod::Cooccurrence, "cooc"},
    {RecommendMethod::PlaylistKnn, "pknn"},      {RecommendMethod::Blend, "blend"},
};

float dot(const float *a, const float *b, int dim)
{
    float s = 0;
    for (int d = 0; d < dim; ++d)
        s += a[d] * b[d];
    return s;
}

/// Higher score first, then the lower slot: the same order on every run.
bool ranksBefore(const std::pair<qint32, float> &a, const std::pair<qint32, float> &b)
{
    return a.second != b.second ? a.second > b.second : a.first < b.first;
}

/// A set none of whose rows is a song of the playlists (playlist or document vectors, another
/// dataset's songs) would silently turn every vector method into the popularity list.
void requireSongsOf(const Corpus &training, const EmbeddingSet &set)
{
    if (set.count() == 0)
        return;
    const std::unordered_set<qint64> vocab(training.vocab.begin(), training.vocab.end());
    if (std::none_of(set.ids.begin(), set.ids.end(), [&](qint64 id) { return vocab.count(id) > 0; }))
        throw Error(QStringLiteral("set \"%1\" holds no song of these playlists (its rows are %2 vectors); use a set "
                                   "of song vectors, such as one made by `orrery-cli train`")
                        .arg(set.name, toString(set.kind)));
}

void sortUnique(std::vector<qint32> &v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

} // namespace

QString toString(RecommendMethod method)
{
    for (const auto &m : methodNames)
        if (m.method == method)
            return QString::fromLatin1(m.name);
    return {};
}

bool fromString(const QString &name, RecommendMethod *method)
{
    for (const auto &m : methodNames) {
        if (name == QLatin1String(m.name)) {
            *method = m.method;
            return true;
        }
    }
    return false;
}

struct Recommender::Query {
    const RecommendRequest *request = nullptr;
    std::vector<qint32> seeds; ///< known seeds, first occurrence order
    std::vector<qint32> vectorSeeds; ///< those with a vector
    std::vector<qint32> vectorNegatives;
    std::vector<float> centroid; ///< unit mean of the seeds' vectors; empty without any
    std::vector<float> indexQuery; ///< the centroid in the index's space (raw rows for a stored index)
    std::unordered_set<qint32> excluded;
    int n = 0;
    /// Playlist-kNN scores, computed on first use (candidates and scoring share them).
    mutable std::optional<std::vector<PlaylistKnnScore>> playlistKnn;
};

Recommender::Recommender(const Corpus &training, const EmbeddingSet *set, std::shared_ptr<const VectorIndex> index,
                         const RecommenderParams &params, JobContext &job)
    : m_params(params)
{
    if (training.tokens.empty())
        throw Error(QStringLiteral("recommend: the training playlists are empty"));
    if (set)
        requireSongsOf(training, *set);
    CooccurrenceOptions co;
    co.window = params.coocWindow;
    co.beta = params.coocBeta;
    co.neighbours = params.coocNeighbours;
    co.threads = params.threads;
    CooccurrenceLists lists = buildCooccurrence(training, co, job);

    std::vector<qint32> slotOfVocab(training.vocab.size(), -1);
    for (size_t v = 0; v < training.vocab.size(); ++v) {
        if (lists.playlists[v] == 0)
            continue;
        slotOfVocab[v] = qint32(m_ids.size());
        m_slots.emplace(training.vocab[v], qint32(m_ids.size()));
        m_ids.push_back(training.vocab[v]);
        m_count.push_back(lists.playlists[v]);
    }
    const size_t trained = m_ids.size();

    if (set && set->count() > 0) {
        m_dim = set->dim;
        m_vectors = set->matrix();
        m_mean.assign(size_t(m_dim), 0.0f);
        m_along.assign(size_t(m_vectors.rows()), 0.0f);
        if (params.center && m_vectors.rows() > 1) {
            // Project out the common direction rather than subtract the mean: rarely seen items keep
            // short, nearly random vectors, which subtracting the mean would turn into copies of −mean.
            Eigen::RowVectorXf mean = m_vectors.colwise().mean();
            const float length = mean.norm();
            if (length > 0) {
                const Eigen::RowVectorXf d = mean / length;
                const Eigen::VectorXf along = m_vectors * d.transpose();
                m_vectors -= along * d;
                m_along.assign(along.data(), along.data() + along.size());
                m_mean.assign(d.data(), d.data() + m_dim);
            }
        }
        m_norms.resize(size_t(m_vectors.rows()));
        for (Eigen::Index r = 0; r < m_vectors.rows(); ++r) {
            const float norm = m_vectors.row(r).norm();
            m_norms[size_t(r)] = norm;
            if (norm > 0 && std::isfinite(norm))
                m_vectors.row(r) /= norm;
            else
                m_vectors.row(r).setZero();
        }
        m_slotOfRow.resize(size_t(set->count()));
        for (qint64 r = 0; r < set->count(); ++r) {
            const qint64 id = set->ids[size_t(r)];
            auto [it, added] = m_slots.emplace(id, qint32(m_ids.size()));
            if (added) {
                m_ids.push_back(id);
                m_count.push_back(0);
            }
            m_slotOfRow[size_t(r)] = it->second;
        }
        m_rowOfSlot.assign(m_ids.size(), -1);
        for (size_t r = 0; r < m_slotOfRow.size(); ++r)
            m_rowOfSlot[size_t(m_slotOfRow[r])] = qint32(r);
        if (index) {
            if (index->count() != set->count() || index->dim() != set->dim)
                throw Error(QStringLiteral("recommend: the neighbour index does not match set \"%1\"").arg(set->name));
            m_index = std::move(index);
        } else {
            IndexOptions options;
            options.threads = std::max(1, params.threads);
            options.recallQueries = 200;
            m_index = std::make_shared<const VectorIndex>(VectorIndex::build(m_vectors, options, job));
            m_indexOwnRows = true;
        }
    } else {
        m_rowOfSlot.assign(m_ids.size(), -1);
    }
    m_artist.assign(m_ids.size(), -1);

    m_byPopularity.resize(trained);
    for (size_t s = 0; s < trained; ++s)
        m_byPopularity[s] = qint32(s);
    std::stable_sort(m_byPopularity.begin(), m_byPopularity.end(),
                     [&](qint32 a, qint32 b) { return m_count[size_t(a)] > m_count[size_t(b)]; });

    m_coocOffsets.assign(m_ids.size() + 1, 0);
    for (size_t v = 0; v < training.vocab.size(); ++v) {
        if (slotOfVocab[v] < 0)
            continue;
        m_coocOffsets[size_t(slotOfVocab[v]) + 1] = lists.offsets[v + 1] - lists.offsets[v];
    }
    for (size_t s = 0; s < m_ids.size(); ++s)
        m_coocOffsets[s + 1] += m_coocOffsets[s];
    m_coocSlot.resize(size_t(m_coocOffsets.back()));
    m_coocSim.resize(size_t(m_coocOffsets.back()));
    for (size_t v = 0; v < training.vocab.size(); ++v) {
        if (slotOfVocab[v] < 0)
            continue;
        qint64 to = m_coocOffsets[size_t(slotOfVocab[v])];
        for (qint64 o = lists.offsets[v]; o < lists.offsets[v + 1]; ++o, ++to) {
            m_coocSlot[size_t(to)] = slotOfVocab[size_t(lists.neighbour[size_t(o)])];
            m_coocSim[size_t(to)] = lists.similarity[size_t(o)];
        }
    }

    std::vector<qint32> members(training.tokens.size());
    for (size_t t = 0; t < members.size(); ++t)
        members[t] = slotOfVocab[size_t(training.tokens[t])];
    m_playlistKnn = PlaylistKnn(training.offsets, members, qint32(m_ids.size()));
}

const std::vector<PlaylistKnnScore> &Recommender::playlistNeighbours(const Query &q) const
{
    if (!q.playlistKnn)
        q.playlistKnn = m_playlistKnn.score(q.seeds, m_params.playlistKnn);
    return *q.playlistKnn;
}

Recommender::~Recommender() = default;
Recommender::Recommender(Recommender &&) noexcept = default;
Recommender &Recommender::operator=(Recommender &&) noexcept = default;

void Recommender::setArtists(const std::unordered_map<qint64, QString> &artistOfItem)
{
    std::unordered_map<QString, qint32> numbers;
    m_artist.assign(m_ids.size(), -1);
    for (size_t s = 0; s < m_ids.size(); ++s) {
        const auto it = artistOfItem.find(m_ids[s]);
        if (it == artistOfItem.end())
            continue;
        const QString name = it->second.toCaseFolded().simplified();
        if (name.isEmpty())
            continue;
        m_artist[s] = numbers.emplace(name, qint32(numbers.size())).first->second;
    }
}

qint32 Recommender::slotOf(qint64 itemId) const
{
    const auto it = m_slots.find(itemId);
    return it == m_slots.end() ? -1 : it->second;
}

const float *Recommender::rowOfSlot(qint32 slot) const
{
    const qint32 row = m_rowOfSlot[size_t(slot)];
    return row < 0 ? nullptr : m_vectors.data() + qint64(row) * m_dim;
}

float Recommender::cosine(qint32 a, qint32 b) const
{
    const float *x = rowOfSlot(a);
    const float *y = rowOfSlot(b);
    return x && y ? dot(x, y, m_dim) : 0.0f;
}

qint64 Recommender::knownSeeds(std::span<const qint64> seeds) const
{
    return std::count_if(seeds.begin(), seeds.end(), [&](qint64 id) { return slotOf(id) >= 0; });
}

std::span<const float> Recommender::vectorOf(qint64 itemId) const
{
    const qint32 slot = slotOf(itemId);
    const float *row = slot < 0 ? nullptr : rowOfSlot(slot);
    return row ? std::span<const float>(row, size_t(m_dim)) : std::span<const float>();
}

qint64 Recommender::popularity(qint64 itemId) const
{
    const qint32 slot = slotOf(itemId);
    return slot < 0 ? 0 : m_count[size_t(slot)];
}

Recommender::Query Recommender::prepare(const RecommendRequest &request) const
{
    Query q;
    q.request = &request;
    q.n = std::max(0, request.n);
    std::unordered_set<qint32> seen;
    for (const qint64 id : request.seeds) {
        const qint32 slot = slotOf(id);
        if (slot < 0 || !seen.insert(slot).second)
            continue;
        q.seeds.push_back(slot);
        if (rowOfSlot(slot))
            q.vectorSeeds.push_back(slot);
        if (request.excludeSeeds)
            q.excluded.insert(slot);
    }
    for (const qint64 id : request.negatives) {
        const qint32 slot = slotOf(id);
        if (slot < 0)
            continue;
        q.excluded.insert(slot);
        if (rowOfSlot(slot))
            q.vectorNegatives.push_back(slot);
    }
    if (!q.vectorSeeds.empty()) {
        Eigen::VectorXf c = Eigen::VectorXf::Zero(m_dim);
        for (const qint32 s : q.vectorSeeds)
            c += Eigen::Map<const Eigen::VectorXf>(rowOfSlot(s), m_dim);
        const float norm = c.norm();
        if (norm > 0) {
            c /= norm;
            q.centroid.assign(c.data(), c.data() + m_dim);
        }
        if (m_indexOwnRows) {
            q.indexQuery = q.centroid;
        } else {
            const Eigen::Map<const Eigen::VectorXf> direction(m_mean.data(), m_dim);
            Eigen::VectorXf raw = Eigen::VectorXf::Zero(m_dim);
            for (const qint32 s : q.vectorSeeds) {
                const qint32 row = m_rowOfSlot[size_t(s)];
                const Eigen::VectorXf v = Eigen::Map<const Eigen::VectorXf>(rowOfSlot(s), m_dim) * m_norms[size_t(row)]
                    + direction * m_along[size_t(row)];
                const float n = v.norm();
                if (n > 0)
                    raw += v / n;
            }
            if (raw.norm() > 0)
                q.indexQuery.assign(raw.data(), raw.data() + m_dim);
        }
    }
    return q;
}

std::vector<qint32> Recommender::indexNeighbours(qint32 seedSlot, int k) const
{
    std::vector<qint32> out;
    if (!m_index || !rowOfSlot(seedSlot))
        return out;
    const qint64 key = m_indexOwnRows ? qint64(m_rowOfSlot[size_t(seedSlot)]) : m_ids[size_t(seedSlot)];
    for (const Neighbour &n : m_index->ofItem(key, int(std::min<qint64>(k, m_index->count() - 1))))
        out.push_back(m_slotOfRow[size_t(n.row)]);
    return out;
}

std::vector<qint32> Recommender::vectorNeighbours(std::span<const float> vector, int k) const
{
    std::vector<qint32> out;
    if (!m_index || vector.empty())
        return out;
    for (const Neighbour &n : m_index->ofVector(vector, int(std::min<qint64>(k, m_index->count()))))
        out.push_back(m_slotOfRow[size_t(n.row)]);
    return out;
}

std::vector<qint32> Recommender::candidates(RecommendMethod method, const Query &q) const
{
    // The pool does not shrink below 500 results, so that the top of a short list is the top of a
    // long one: asking for 10 must not lose a song that would rank second in 500.
    const int wanted = std::max(q.n, minimumPool) + int(q.excluded.size());
    std::vector<qint32> out;
    const auto popular = [&] {
        const size_t k = std::min(m_byPopularity.size(), size_t(wanted));
        out.insert(out.end(), m_byPopularity.begin(), m_byPopularity.begin() + qint64(k));
    };
    const auto nearCentroid = [&] {
        const std::vector<qint32> near = vectorNeighbours(q.indexQuery, wanted);
        out.insert(out.end(), near.begin(), near.end());
    };
    const auto nearSeeds = [&] {
        for (const qint32 s : q.vectorSeeds) {
            const std::vector<qint32> near = indexNeighbours(s, m_params.candidatesPerSeed);
            out.insert(out.end(), near.begin(), near.end());
        }
    };
    const auto fromPlaylists = [&] {
        for (const PlaylistKnnScore &p : playlistNeighbours(q))
            out.push_back(p.item);
    };
    const auto cooccurring = [&] {
        for (const qint32 s : q.seeds)
            out.insert(out.end(), m_coocSlot.begin() + m_coocOffsets[size_t(s)],
                       m_coocSlot.begin() + m_coocOffsets[size_t(s) + 1]);
    };
    switch (method) {
    case RecommendMethod::Popularity: popular(); break;
    case RecommendMethod::Centroid: nearCentroid(); break;
    case RecommendMethod::Attention:
        nearCentroid();
        nearSeeds();
        break;
    case RecommendMethod::Cooccurrence: cooccurring(); break;
    case RecommendMethod::PlaylistKnn: fromPlaylists(); break;
    case RecommendMethod::Blend:
        if (!q.seeds.empty()) { // without a seed the blend is the popularity list
            nearCentroid();
            nearSeeds();
            cooccurring();
            fromPlaylists();
        }
        popular();
        break;
    }
    sortUnique(out);
    return out;
}

void Recommender::scoreComponent(int component, const Query &q, std::span<const qint32> cands, std::span<float> score,
                                 std::span<qint64> because) const
{
    std::fill(score.begin(), score.end(), 0.0f);
    std::fill(because.begin(), because.end(), 0);
    switch (component) {
    case Pop:
        for (size_t i = 0; i < cands.size(); ++i)
            score[i] = float(std::log1p(double(m_count[size_t(cands[i])])));
        break;
    case Cent:
        if (q.centroid.empty())
            break;
        for (size_t i = 0; i < cands.size(); ++i) {
            const float *row = rowOfSlot(cands[i]);
            if (!row)
                continue;
            score[i] = dot(q.centroid.data(), row, m_dim);
            float best = -2;
            for (const qint32 s : q.vectorSeeds) {
                const float c = dot(rowOfSlot(s), row, m_dim);
                if (c > best) {
                    best = c;
                    because[i] = m_ids[size_t(s)];
                }
            }
        }
        break;
    case Attn: {
        std::vector<float> cosines(q.vectorSeeds.size());
        for (size_t i = 0; i < cands.size(); ++i) {
            const float *row = rowOfSlot(cands[i]);
            if (!row)
                continue;
            for (size_t j = 0; j < q.vectorSeeds.size(); ++j)
                cosines[j] = dot(rowOfSlot(q.vectorSeeds[j]), row, m_dim);
            const Activation a = localActivation(cosines, m_params.tau, m_params.gamma);
            score[i] = a.score;
            if (a.strongestSeed >= 0)
                because[i] = m_ids[size_t(q.vectorSeeds[size_t(a.strongestSeed)])];
        }
        break;
    }
    case Cooc: {
        std::unordered_map<qint32, size_t> position;
        position.reserve(cands.size() * 2);
        for (size_t i = 0; i < cands.size(); ++i)
            position.emplace(cands[i], i);
        std::vector<float> best(cands.size(), 0.0f);
        for (const qint32 s : q.seeds) {
            for (qint64 o = m_coocOffsets[size_t(s)]; o < m_coocOffsets[size_t(s) + 1]; ++o) {
                const auto it = position.find(m_coocSlot[size_t(o)]);
                if (it == position.end())
                    continue;
                const float sim = m_coocSim[size_t(o)];
                score[it->second] += sim;
                if (sim > best[it->second]) {
                    best[it->second] = sim;
                    because[it->second] = m_ids[size_t(s)];
                }
            }
        }
        break;
    }
    case Pknn: {
        const std::vector<PlaylistKnnScore> &scored = playlistNeighbours(q);
        std::unordered_map<qint32, const PlaylistKnnScore *> bySlot;
        bySlot.reserve(scored.size() * 2);
        for (const PlaylistKnnScore &p : scored)
            bySlot.emplace(p.item, &p);
        for (size_t i = 0; i < cands.size(); ++i) {
            const auto it = bySlot.find(cands[i]);
            if (it == bySlot.end())
                continue;
            score[i] = it->second->score;
            if (it->second->because >= 0)
                because[i] = m_ids[size_t(it->second->because)];
        }
        break;
    }
    }
}

std::vector<Recommendation> Recommender::finish(std::vector<std::pair<qint32, float>> ranked,
                                                std::span<const qint64> because, const Query &q,
                                                const std::unordered_map<qint32, size_t> *position) const
{
    const RecommendRequest &r = *q.request;
    std::vector<Recommendation> out;
    out.reserve(size_t(q.n));
    std::unordered_set<qint32> chosen;
    std::unordered_map<qint32, int> perArtist;
    const auto artistFull = [&](qint32 slot) {
        if (r.maxPerArtist <= 0 || m_artist[size_t(slot)] < 0)
            return false;
        const auto it = perArtist.find(m_artist[size_t(slot)]);
        return it != perArtist.end() && it->second >= r.maxPerArtist;
    };
    const auto take = [&](qint32 slot, float score, qint64 reason) {
        out.push_back({m_ids[size_t(slot)], score, reason});
        chosen.insert(slot);
        if (m_artist[size_t(slot)] >= 0)
            ++perArtist[m_artist[size_t(slot)]];
    };
    const auto reasonOf = [&](qint32 slot) -> qint64 {
        if (!position)
            return 0;
        const auto it = position->find(slot);
        return it == position->end() ? 0 : because[it->second];
    };

    std::erase_if(ranked, [&](const std::pair<qint32, float> &e) { return q.excluded.count(e.first) > 0; });
    std::sort(ranked.begin(), ranked.end(), ranksBefore);
    if (r.mmrLambda < 1 && m_dim > 0 && !ranked.empty() && ranked.front().second > 0) {
        // Greedy maximal marginal relevance over the best max(3n, 1500) scored candidates, relevance
        // as a share of the best score. Neither the pool nor the scale depends on n below 500, so a
        // short list is the start of a long one.
        // Ranked best first: the candidates with a positive score are a prefix.
        const size_t positive = size_t(
            std::partition_point(ranked.begin(), ranked.end(),
                                 [](const std::pair<qint32, float> &e) { return e.second > 0; })
            - ranked.begin());
        const size_t pool = std::min(positive, size_t(std::max(3 * minimumPool, 3 * q.n)));
        const float top = ranked.front().second;
        std::vector<float> maxSim(pool, 0.0f);
        std::vector<char> used(pool, 0);
        const double lambda = std::clamp(r.mmrLambda, 0.0, 1.0);
        while (int(out.size()) < q.n) {
            qint64 pick = -1;
            double bestValue = -1e30;
            for (size_t i = 0; i < pool; ++i) {
                if (used[i] || artistFull(ranked[i].first))
                    continue;
                const double value = lambda * ranked[i].second / top - (1 - lambda) * maxSim[i];
                if (value > bestValue) {
                    bestValue = value;
                    pick = qint64(i);
                }
            }
            if (pick < 0)
                break;
            used[size_t(pick)] = 1;
            const qint32 slot = ranked[size_t(pick)].first;
            take(slot, ranked[size_t(pick)].second, reasonOf(slot));
            for (size_t i = 0; i < pool; ++i)
                if (!used[i])
                    maxSim[i] = std::max(maxSim[i], cosine(slot, ranked[i].first));
        }
        ranked.erase(ranked.begin(), ranked.begin() + qint64(pool));
    }
    for (const auto &[slot, score] : ranked) {
        if (int(out.size()) >= q.n)
            break;
        if (chosen.count(slot) || artistFull(slot))
            continue;
        take(slot, score, reasonOf(slot));
    }
    for (const qint32 slot : m_byPopularity) {
        if (int(out.size()) >= q.n)
            break;
        if (chosen.count(slot) || q.excluded.count(slot) || artistFull(slot))
            continue;
        take(slot, 0.0f, 0);
    }
    return out;
}

CandidateScores Recommender::candidateScores(const RecommendRequest &request) const
{
    const Query q = prepare(request);
    CandidateScores out;
    out.internal = candidates(RecommendMethod::Blend, q);
    const size_t n = out.internal.size();
    out.items.resize(n);
    for (size_t i = 0; i < n; ++i)
        out.items[i] = m_ids[size_t(out.internal[i])];
    for (int c = 0; c < Components; ++c) {
        out.components[size_t(c)].resize(n);
        out.because[size_t(c)].resize(n);
        scoreComponent(c, q, out.internal, out.components[size_t(c)], out.because[size_t(c)]);
        float top = 0;
        for (const float v : out.components[size_t(c)])
            top = std::max(top, v);
        for (float &v : out.components[size_t(c)])
            v = top > 0 ? std::max(0.0f, v) / top : 0.0f;
    }
    out.damping.assign(n, 1.0f);
    if (!q.vectorNegatives.empty()) {
        for (size_t i = 0; i < n; ++i) {
            float worst = 0;
            for (const qint32 neg : q.vectorNegatives)
                worst = std::max(worst, cosine(neg, out.internal[i]));
            out.damping[i] = 1 - worst;
        }
    }
    return out;
}

std::vector<Recommendation> Recommender::rankBlend(const CandidateScores &scores, const BlendWeights &weights,
                                                   const RecommendRequest &request) const
{
    const Query q = prepare(request);
    const std::array<double, Components> w = weights.array();
    const size_t n = scores.internal.size();
    std::vector<std::pair<qint32, float>> ranked(n);
    std::vector<qint64> because(n, 0);
    std::unordered_map<qint32, size_t> position;
    position.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        double total = 0;
        double strongest = 0;
        for (int c = 0; c < Components; ++c) {
            const double part = w[size_t(c)] * scores.components[size_t(c)][i];
            total += part;
            // The reason is the seed behind the strongest component that has one.
            if (part > strongest && scores.because[size_t(c)][i] != 0) {
                strongest = part;
                because[i] = scores.because[size_t(c)][i];
            }
        }
        ranked[i] = {scores.internal[i], float(total * scores.damping[i])};
        position.emplace(scores.internal[i], i);
    }
    return finish(std::move(ranked), because, q, &position);
}

std::vector<Recommendation> Recommender::recommend(RecommendMethod method, const RecommendRequest &request) const
{
    if (method == RecommendMethod::Blend)
        return rankBlend(candidateScores(request), m_params.blend, request);
    const Query q = prepare(request);
    const std::vector<qint32> cands = candidates(method, q);
    const int component = method == RecommendMethod::Popularity ? Pop
        : method == RecommendMethod::Centroid                   ? Cent
        : method == RecommendMethod::Attention                  ? Attn
        : method == RecommendMethod::PlaylistKnn                ? Pknn
                                                                : Cooc;
    std::vector<float> score(cands.size());
    std::vector<qint64> because(cands.size());
    scoreComponent(component, q, cands, score, because);
    std::vector<std::pair<qint32, float>> ranked(cands.size());
    std::unordered_map<qint32, size_t> position;
    position.reserve(cands.size() * 2);
    for (size_t i = 0; i < cands.size(); ++i) {
        float s = component == Pop ? float(m_count[size_t(cands[i])]) : score[i];
        if (!q.vectorNegatives.empty()) {
            float worst = 0;
            for (const qint32 neg : q.vectorNegatives)
                worst = std::max(worst, cosine(neg, cands[i]));
            s *= 1 - worst;
        }
        ranked[i] = {cands[i], s};
        position.emplace(cands[i], i);
    }
    return finish(std::move(ranked), because, q, &position);
}

Recommender projectRecommender(Project &project, const EmbeddingSet *set, qint64 datasetId,
                               const RecommenderParams &params, JobContext &job)
{
    const Corpus corpus = loadCorpus(project, datasetId, job);
    if (corpus.tokens.empty())
        throw Error(QStringLiteral("recommend: the dataset has no playlists to learn from"));
    if (set)
        requireSongsOf(corpus, *set);
    std::shared_ptr<const VectorIndex> index;
    // Small sets get an exact index over their centred rows, built in memory; large ones use the
    // set's stored HNSW index, or build one in memory: recommending reads the project and never
    // writes it (`orrery-cli index` stores one).
    if (set && set->count() > IndexOptions().exactThreshold) {
        IndexOptions options;
        options.threads = std::max(1, params.threads);
        index = std::make_shared<const VectorIndex>(
            VectorIndex::loadOrBuild(project, *set, Metric::Cosine, options, SaveBuilt::Never, job));
    }
    Recommender r(corpus, set, std::move(index), params, job);
    std::vector<qint64> ids = corpus.vocab;
    if (set)
        ids.insert(ids.end(), set->ids.begin(), set->ids.end());
    r.setArtists(itemArtists(project, ids));
    return r;
}

} // namespace orrery
