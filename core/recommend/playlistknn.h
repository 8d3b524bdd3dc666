#pragma once

#include <QtGlobal>

#include <span>
#include <vector>

namespace orrery {

/// How playlist neighbours are found and how they vote.
struct PlaylistKnnOptions {
    int neighbours = 500; ///< most similar training playlists that vote
    /// sim(p, S) = Σ_{s ∈ S ∩ p} idf(s) / |p|^lengthExponent, idf(s) = ln(1 + P / pop_s): a
    /// shared rare seed says more than a shared hit, and a long playlist shares seeds by chance.
    double lengthExponent = 0.25;
    double power = 3; ///< a neighbour's vote is sim^power
};

/// One item's score from the neighbouring playlists, and the seed behind it (the rarest seed of
/// the most similar playlist that holds the item).
struct PlaylistKnnScore {
    qint32 item = 0;
    float score = 0;
    qint32 because = -1;
};

/// Playlist-based nearest neighbours (the user-kNN / session-kNN of the RecSys Challenge 2018
/// entries): the training playlists sharing the most (rare) seeds vote for their other items.
/// Complements item co-occurrence, which adds up each seed's evidence on its own, by asking
/// which playlists hold several seeds at once. Items are numbers in [0, items).
class PlaylistKnn final {
public:
    PlaylistKnn() = default;
    /// `offsets` (size playlists + 1) and `members` are the playlists in CSR form; repeats within
    /// a playlist count once, negative members are skipped.
    PlaylistKnn(std::span<const qint64> offsets, std::span<const qint32> members, qint32 items);

    bool isEmpty() const { return m_playlistOffsets.size() < 2; }
    qint64 playlists() const { return qint64(m_playlistOffsets.size()) - 1; }

    /// Items of the `options.neighbours` playlists most similar to the seeds, scored by
    /// Σ sim(p)^power over the neighbours holding them, best first (ties by item number); the
    /// seeds themselves are included. Thread-safe.
    std::vector<PlaylistKnnScore> score(std::span<const qint32> seeds, const PlaylistKnnOptions &options) const;

private:
    std::vector<qint64> m_playlistOffsets; ///< playlist -> its distinct items
    std::vector<qint32> m_playlistItems;
    std::vector<qint64> m_itemOffsets; ///< item -> the playlists holding it
    std::vector<qint32> m_itemPlaylists;
    std::vector<float> m_idf;
    std::vector<float> m_lengthNorm; ///< |p|, kept for the exponent given per query
};

} // namespace orrery
