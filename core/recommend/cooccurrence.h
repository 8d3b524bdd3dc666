#pragma once

#include "base/jobcontext.h"
#include "store/corpus.h"

#include <vector>

namespace orrery {

struct CooccurrenceOptions {
    int window = 0; ///< count a pair when the two are at most this many positions apart; 0: anywhere in the playlist
    double beta = 0.5; ///< sim(i, j) = c_ij / (pop_i^β · pop_j^(1−β)); β = 0.5 is the cosine of the playlist sets
    int neighbours = 200; ///< most similar items kept per item
    int threads = 2;
};

/// Item-kNN lists from playlists: for each vocabulary index i of a corpus, its most similar items
/// j ≠ i by co-occurrence, most similar first. c_ij counts the playlists in which j occurs within
/// the window of an occurrence of i (each playlist once); pop_i counts the playlists holding i.
struct CooccurrenceLists {
    std::vector<qint64> offsets; ///< size vocab + 1: item i's neighbours are [offsets[i], offsets[i+1])
    std::vector<qint32> neighbour; ///< vocabulary indices
    std::vector<float> similarity;
    std::vector<qint64> playlists; ///< pop_i: playlists holding each vocabulary index
};

/// Builds the lists on `options.threads` threads (each item's list is independent, so the result
/// does not depend on the thread count). Memory: one int32 pair per corpus token plus one float
/// per vocabulary item and thread. Reports progress and honours cancel.
CooccurrenceLists buildCooccurrence(const Corpus &corpus, const CooccurrenceOptions &options, JobContext &job);

} // namespace orrery
