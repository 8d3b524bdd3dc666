#include "playlistknn.h"

#include <algorithm>
#include <cmath>

namespace orrery {

PlaylistKnn::PlaylistKnn(std::span<const qint64> offsets, std::span<const qint32> members, qint32 items)
{
    const qint64 playlists = offsets.empty() ? 0 : qint64(offsets.size()) - 1;
    m_playlistOffsets.reserve(size_t(playlists) + 1);
    m_playlistOffsets.push_back(0);
    m_playlistItems.reserve(members.size());
    std::vector<qint64> seenIn(size_t(std::max(0, items)), -1);
    std::vector<qint64> count(size_t(std::max(0, items)) + 1, 0);
    for (qint64 p = 0; p < playlists; ++p) {
        for (qint64 o = offsets[size_t(p)]; o < offsets[size_t(p) + 1]; ++o) {
            const qint32 item = members[size_t(o)];
            if (item < 0 || item >= items || seenIn[size_t(item)] == p)
                continue;
            seenIn[size_t(item)] = p;
            m_playlistItems.push_back(item);
            ++count[size_t(item) + 1];
        }
        m_playlistOffsets.push_back(qint64(m_playlistItems.size()));
    }
    m_itemOffsets.assign(count.size(), 0);
    for (size_t i = 1; i < count.size(); ++i)
        m_itemOffsets[i] = m_itemOffsets[i - 1] + count[i];
    m_itemPlaylists.resize(m_playlistItems.size());
    std::vector<qint64> fill(m_itemOffsets.begin(), m_itemOffsets.end() - 1);
    for (qint64 p = 0; p < playlists; ++p)
        for (qint64 o = m_playlistOffsets[size_t(p)]; o < m_playlistOffsets[size_t(p) + 1]; ++o)
            m_itemPlaylists[size_t(fill[size_t(m_playlistItems[size_t(o)])]++)] = qint32(p);
    m_idf.resize(size_t(std::max(0, items)));
    for (size_t i = 0; i < m_idf.size(); ++i) {
        const qint64 pop = count[i + 1];
        m_idf[i] = pop > 0 ? float(std::log1p(double(playlists) / double(pop))) : 0.0f;
    }
    m_lengthNorm.resize(size_t(playlists));
    for (qint64 p = 0; p < playlists; ++p)
        m_lengthNorm[size_t(p)] = float(m_playlistOffsets[size_t(p) + 1] - m_playlistOffsets[size_t(p)]);
}

std::vector<PlaylistKnnScore> PlaylistKnn::score(std::span<const qint32> seeds, const PlaylistKnnOptions &options) const
{
    std::vector<PlaylistKnnScore> out;
    if (isEmpty() || seeds.empty() || options.neighbours < 1)
        return out;
    // Dense per-thread scratch, reset through the touched lists: a query touches a small part of
    // a million playlists, and allocating and clearing them per query would cost more than it.
    struct Scratch {
        std::vector<float> overlap;
        std::vector<qint32> strongest;
        std::vector<qint32> touched;
        std::vector<float> itemScore;
        std::vector<float> itemBest;
        std::vector<qint32> itemBecause;
        std::vector<qint32> items;
    };
    thread_local Scratch s;
    const size_t playlistCount = size_t(playlists());
    const size_t itemCount = m_idf.size();
    if (s.overlap.size() < playlistCount) {
        s.overlap.assign(playlistCount, 0.0f);
        s.strongest.assign(playlistCount, -1);
    }
    if (s.itemScore.size() < itemCount) {
        s.itemScore.assign(itemCount, 0.0f);
        s.itemBest.assign(itemCount, 0.0f);
        s.itemBecause.assign(itemCount, -1);
    }
    s.touched.clear();
    s.items.clear();

    for (const qint32 seed : seeds) {
        if (seed < 0 || size_t(seed) >= itemCount)
            continue;
        const float idf = m_idf[size_t(seed)];
        for (qint64 o = m_itemOffsets[size_t(seed)]; o < m_itemOffsets[size_t(seed) + 1]; ++o) {
            const qint32 p = m_itemPlaylists[size_t(o)];
            if (s.overlap[size_t(p)] == 0)
                s.touched.push_back(p);
            s.overlap[size_t(p)] += idf;
            const qint32 was = s.strongest[size_t(p)];
            if (was < 0 || m_idf[size_t(was)] < idf)
                s.strongest[size_t(p)] = seed;
        }
    }
    std::vector<std::pair<float, qint32>> ranked;
    ranked.reserve(s.touched.size());
    for (const qint32 p : s.touched) {
        const float sim = s.overlap[size_t(p)]
            / float(std::pow(double(m_lengthNorm[size_t(p)]), options.lengthExponent));
        ranked.emplace_back(sim, p);
    }
    const auto better = [](const std::pair<float, qint32> &a, const std::pair<float, qint32> &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    };
    const size_t keep = std::min(ranked.size(), size_t(options.neighbours));
    std::partial_sort(ranked.begin(), ranked.begin() + qint64(keep), ranked.end(), better);

    for (size_t r = 0; r < keep; ++r) {
        const auto [sim, p] = ranked[r];
        const float vote = options.power == 1 ? sim : float(std::pow(double(sim), options.power));
        for (qint64 o = m_playlistOffsets[size_t(p)]; o < m_playlistOffsets[size_t(p) + 1]; ++o) {
            const qint32 item = m_playlistItems[size_t(o)];
            if (s.itemScore[size_t(item)] == 0)
                s.items.push_back(item);
            s.itemScore[size_t(item)] += vote;
            if (vote > s.itemBest[size_t(item)]) {
                s.itemBest[size_t(item)] = vote;
                s.itemBecause[size_t(item)] = s.strongest[size_t(p)];
            }
        }
    }
    out.reserve(s.items.size());
    for (const qint32 item : s.items) {
        out.push_back({item, s.itemScore[size_t(item)], s.itemBecause[size_t(item)]});
        s.itemScore[size_t(item)] = 0;
        s.itemBest[size_t(item)] = 0;
        s.itemBecause[size_t(item)] = -1;
    }
    for (const qint32 p : s.touched) {
        s.overlap[size_t(p)] = 0;
        s.strongest[size_t(p)] = -1;
    }
    std::sort(out.begin(), out.end(), [](const PlaylistKnnScore &a, const PlaylistKnnScore &b) {
        return a.score != b.score ? a.score > b.score : a.item < b.item;
    });
    return out;
}

} // namespace orrery
