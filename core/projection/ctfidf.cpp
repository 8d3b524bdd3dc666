#include "projection/ctfidf.h"

#include <QHash>

#include <algorithm>
#include <cmath>

namespace orrery {

namespace {

/// (cluster index, term) counts, sorted by cluster then term.
struct Counts {
    std::vector<quint64> keys; ///< cluster << 32 | term
    std::vector<qint64> counts;
};

Counts runLengths(std::vector<quint64> &keys)
{
    std::sort(keys.begin(), keys.end());
    Counts out;
    for (size_t i = 0; i < keys.size();) {
        size_t j = i + 1;
        while (j < keys.size() && keys[j] == keys[i])
            ++j;
        out.keys.push_back(keys[i]);
        out.counts.push_back(qint64(j - i));
        i = j;
    }
    return out;
}

} // namespace

void labelClusters(QList<Cluster> &clusters, const std::vector<qint32> &assignment, const ItemTerms &terms,
                   JobContext &job, int topTerms, int labelTerms)
{
    QHash<qint32, int> indexOf;
    int levels = 0;
    for (int i = 0; i < clusters.size(); ++i) {
        indexOf.insert(clusters[i].id, i);
        levels = std::max(levels, clusters[i].level + 1);
    }
    const qint64 rows = std::min<qint64>(qint64(assignment.size()), terms.items());
    std::vector<quint64> keys;
    keys.reserve(terms.terms.size());
    for (qint64 i = 0; i < rows; ++i) {
        if ((i & 0xFFFF) == 0)
            job.checkCancelled();
        const auto found = indexOf.constFind(assignment[size_t(i)]);
        if (assignment[size_t(i)] < 0 || found == indexOf.cend())
            continue;
        for (qint64 t = terms.offsets[size_t(i)]; t < terms.offsets[size_t(i) + 1]; ++t)
            keys.push_back(quint64(found.value()) << 32 | quint32(terms.terms[size_t(t)]));
    }
    job.progress(0, levels, QStringLiteral("labelling clusters"));
    Counts level = runLengths(keys);
    // f(t): over all clusters of any level it is the same (each level partitions the same rows).
    std::vector<qint64> frequency(terms.vocabulary.size(), 0);
    for (size_t e = 0; e < level.keys.size(); ++e)
        frequency[size_t(level.keys[e] & 0xFFFFFFFFu)] += level.counts[e];
    qint64 total = 0;
    for (const qint64 f : frequency)
        total += f;
    std::vector<std::pair<double, qint32>> scored;
    for (int l = 0; l < levels; ++l) {
        job.checkCancelled();
        int classes = 0;
        for (const Cluster &c : clusters)
            classes += c.level == l ? 1 : 0;
        const double average = classes ? double(total) / classes : 0;
        for (size_t e = 0; e < level.keys.size();) {
            const int index = int(level.keys[e] >> 32);
            size_t end = e;
            qint64 size = 0;
            while (end < level.keys.size() && int(level.keys[end] >> 32) == index)
                size += level.counts[end++];
            scored.clear();
            for (size_t j = e; j < end; ++j) {
                const qint32 t = qint32(level.keys[j] & 0xFFFFFFFFu);
                const double weight = double(level.counts[j]) / double(size)
                    * std::log(1.0 + average / double(frequency[size_t(t)]));
                scored.emplace_back(weight, t);
            }
            const size_t top = std::min(scored.size(), size_t(std::max(0, topTerms)));
            std::partial_sort(
                scored.begin(), scored.begin() + qsizetype(top), scored.end(), [&](const auto &a, const auto &b) {
                    return a.first != b.first ? a.first > b.first
                                              : terms.vocabulary[size_t(a.second)] < terms.vocabulary[size_t(b.second)];
                });
            Cluster &cluster = clusters[index];
            cluster.terms.clear();
            QStringList label;
            for (size_t j = 0; j < top; ++j) {
                const QString &word = terms.vocabulary[size_t(scored[j].second)];
                cluster.terms.append({word, scored[j].first});
                if (int(j) < labelTerms)
                    label.append(word);
            }
            cluster.label = label.join(QStringLiteral(", "));
            e = end;
        }
        job.progress(l + 1, levels, QStringLiteral("labelling clusters"));
        if (l + 1 == levels)
            break;
        // The next level's counts: each cluster's entries moved to its parent.
        // The next level: each cluster's counts moved to its parent and summed.
        Counts next;
        {
            std::vector<std::pair<quint64, qint64>> moved;
            moved.reserve(level.keys.size());
            for (size_t e = 0; e < level.keys.size(); ++e) {
                const Cluster &c = clusters[int(level.keys[e] >> 32)];
                const auto parent = indexOf.constFind(c.parent);
                if (c.parent < 0 || parent == indexOf.cend())
                    continue;
                moved.emplace_back(quint64(parent.value()) << 32 | (level.keys[e] & 0xFFFFFFFFu), level.counts[e]);
            }
            std::sort(moved.begin(), moved.end());
            for (size_t i = 0; i < moved.size(); ++i) {
                if (!next.keys.empty() && next.keys.back() == moved[i].first)
                    next.counts.back() += moved[i].second;
                else
                    next.keys.push_back(moved[i].first), next.counts.push_back(moved[i].second);
            }
        }
        level = std::move(next);
    }
}

} // namespace orrery
