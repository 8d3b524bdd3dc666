#include "projection/clusterhierarchy.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace orrery {

namespace {

struct Group {
    std::vector<double> centre;
    double size = 0;
    bool active = true;
    int nearest = -1;
    double nearestCost = std::numeric_limits<double>::infinity();
};

double wardCost(const Group &a, const Group &b)
{
    double d2 = 0;
    for (size_t d = 0; d < a.centre.size(); ++d) {
        const double diff = a.centre[d] - b.centre[d];
        d2 += diff * diff;
    }
    const double total = a.size + b.size;
    // Empty clusters (cost 0) merge first; keep a tiny distance term so ties break by nearness.
    return total > 0 ? a.size * b.size / total * d2 + 1e-12 * d2 : 1e-12 * d2;
}

void findNearest(std::vector<Group> &groups, int g)
{
    groups[size_t(g)].nearest = -1;
    groups[size_t(g)].nearestCost = std::numeric_limits<double>::infinity();
    for (int o = 0; o < int(groups.size()); ++o) {
        if (o == g || !groups[size_t(o)].active)
            continue;
        const double c = wardCost(groups[size_t(g)], groups[size_t(o)]);
        if (c < groups[size_t(g)].nearestCost)
            groups[size_t(g)].nearestCost = c, groups[size_t(g)].nearest = o;
    }
}

} // namespace

QList<Cluster> clusterHierarchy(const std::vector<double> &centroids, const std::vector<qint64> &sizes, int dim,
                                int smallest)
{
    const int k = int(sizes.size());
    QList<Cluster> out;
    for (int c = 0; c < k; ++c) {
        Cluster cluster;
        cluster.id = c;
        cluster.size = sizes[size_t(c)];
        out.append(cluster);
    }
    std::vector<Group> groups(static_cast<size_t>(k));
    for (int c = 0; c < k; ++c) {
        groups[size_t(c)].centre.assign(centroids.begin() + qint64(c) * dim, centroids.begin() + qint64(c + 1) * dim);
        groups[size_t(c)].size = double(sizes[size_t(c)]);
    }
    for (int c = 0; c < k; ++c)
        findNearest(groups, c);
    // Merged groups point at the group they went into (union-find); each level's clusters remember
    // the group they stand for, so that the next level can name their parents.
    std::vector<int> into(size_t(k), -1);
    const auto root = [&](int g) {
        while (into[size_t(g)] >= 0)
            g = into[size_t(g)];
        return g;
    };
    std::vector<std::pair<int, int>> below; // (index into out, group)
    for (int c = 0; c < k; ++c)
        below.emplace_back(c, c);
    int active = k, level = 0, nextId = k;
    for (int target = k / 4; target >= smallest && target < active; target /= 4) {
        while (active > target) {
            int a = -1;
            for (int g = 0; g < k; ++g)
                if (groups[size_t(g)].active && groups[size_t(g)].nearest >= 0
                    && (a < 0 || groups[size_t(g)].nearestCost < groups[size_t(a)].nearestCost))
                    a = g;
            const int b = groups[size_t(a)].nearest;
            Group &ga = groups[size_t(a)], &gb = groups[size_t(b)];
            const double total = ga.size + gb.size;
            for (int d = 0; d < dim; ++d)
                ga.centre[size_t(d)] = total > 0
                    ? (ga.centre[size_t(d)] * ga.size + gb.centre[size_t(d)] * gb.size) / total
                    : (ga.centre[size_t(d)] + gb.centre[size_t(d)]) / 2;
            ga.size = total;
            gb.active = false;
            into[size_t(b)] = a;
            --active;
            // Ward's criterion is reducible: only the groups whose nearest was a or b can change theirs.
            findNearest(groups, a);
            for (int g = 0; g < k; ++g)
                if (groups[size_t(g)].active && (groups[size_t(g)].nearest == a || groups[size_t(g)].nearest == b))
                    findNearest(groups, g);
        }
        ++level;
        std::vector<int> clusterOf(size_t(k), -1);
        std::vector<std::pair<int, int>> here;
        for (int g = 0; g < k; ++g) {
            if (!groups[size_t(g)].active)
                continue;
            Cluster cluster;
            cluster.id = nextId++;
            cluster.level = level;
            clusterOf[size_t(g)] = int(out.size());
            here.emplace_back(int(out.size()), g);
            out.append(cluster);
        }
        for (const auto &[index, group] : below) {
            Cluster &parent = out[clusterOf[size_t(root(group))]];
            out[index].parent = parent.id;
            parent.size += out[index].size;
        }
        below.swap(here);
    }
    return out;
}

std::vector<double> clusterCentroids(const float *data, qint64 n, int dim, const std::vector<qint32> &assignment, int k)
{
    std::vector<double> sums(size_t(k) * size_t(dim), 0.0);
    std::vector<qint64> counts(size_t(k), 0);
    for (qint64 i = 0; i < n; ++i) {
        const qint32 c = assignment[size_t(i)];
        if (c < 0 || c >= k)
            continue;
        ++counts[size_t(c)];
        for (int d = 0; d < dim; ++d)
            sums[size_t(c) * size_t(dim) + size_t(d)] += data[i * dim + d];
    }
    for (int c = 0; c < k; ++c)
        for (int d = 0; d < dim; ++d)
            if (counts[size_t(c)])
                sums[size_t(c) * size_t(dim) + size_t(d)] /= double(counts[size_t(c)]);
    return sums;
}

std::vector<double> clusterCentroids2d(const double *xy, qint64 n, const std::vector<qint32> &assignment, int k)
{
    std::vector<double> sums(size_t(k) * 2, 0.0);
    std::vector<qint64> counts(size_t(k), 0);
    for (qint64 i = 0; i < n; ++i) {
        const qint32 c = assignment[size_t(i)];
        if (c < 0 || c >= k)
            continue;
        ++counts[size_t(c)];
        sums[size_t(c) * 2] += xy[2 * i];
        sums[size_t(c) * 2 + 1] += xy[2 * i + 1];
    }
    for (int c = 0; c < k; ++c)
        if (counts[size_t(c)])
            sums[size_t(c) * 2] /= double(counts[size_t(c)]), sums[size_t(c) * 2 + 1] /= double(counts[size_t(c)]);
    return sums;
}

} // namespace orrery
