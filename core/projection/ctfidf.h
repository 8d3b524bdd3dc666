#pragma once

#include "base/clustering.h"
#include "base/jobcontext.h"
#include "store/itemterms.h"

#include <QList>

#include <vector>

namespace orrery {

/// Fills `terms` (the `topTerms` best, most distinctive first) and `label` (the first `labelTerms`
/// joined by ", ") of every cluster at every level by class-based TF-IDF (Grootendorst,
/// BERTopic, 2022): the weight of term t in cluster c is tf(t, c) / |c| · log(1 + A / f(t)), where
/// tf counts t over the cluster's items, |c| is the cluster's number of terms, A the average
/// number of terms per cluster of that level and f(t) the frequency of t over all clusters.
/// Row i of `terms` belongs to row i of `assignment` (finest cluster ids, −1 noise, left out);
/// coarser clusters add their children's counts through Cluster::parent. Ties go to the term
/// seen first.
void labelClusters(QList<Cluster> &clusters, const std::vector<qint32> &assignment, const ItemTerms &terms,
                   JobContext &job, int topTerms = 10, int labelTerms = 3);

} // namespace orrery
