#include "probes.h"

#include "model/random.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace orrery {

namespace {

/// Softmax regression weights (features + bias) × classes.
Eigen::MatrixXf trainSoftmax(const Eigen::MatrixXf &x, const std::vector<int> &y, int classes, JobContext &job)
{
    const Eigen::Index n = x.rows(), d = x.cols();
    Eigen::MatrixXf xb(n, d + 1);
    xb << x, Eigen::VectorXf::Ones(n);
    Eigen::MatrixXf w = Eigen::MatrixXf::Zero(d + 1, classes), velocity = w;
    Eigen::MatrixXf target = Eigen::MatrixXf::Zero(n, classes);
    for (Eigen::Index i = 0; i < n; ++i)
        target(i, y[size_t(i)]) = 1;
    // Rows are unit length or close to it, so a fixed step is stable; L2 keeps separable data finite.
    const float lambda = 1e-4f, step = 2.0f, momentum = 0.9f;
    for (int iter = 0; iter < 300; ++iter) {
        if ((iter & 31) == 0)
            job.checkCancelled();
        const Eigen::MatrixXf ahead = w + momentum * velocity;
        Eigen::MatrixXf logits = xb * ahead;
        logits.colwise() -= logits.rowwise().maxCoeff();
        Eigen::MatrixXf p = logits.array().exp();
        p.array().colwise() /= p.rowwise().sum().array();
        Eigen::MatrixXf grad = xb.transpose() * (p - target) / float(n);
        grad.topRows(d) += lambda * ahead.topRows(d);
        velocity = momentum * velocity - step * grad;
        w += velocity;
    }
    return w;
}

} // namespace

ProbeResult linearProbe(const RowMatrixXf &x, const std::vector<int> &labels, int folds, quint64 seed, JobContext &job,
                        const std::vector<qint64> &groups, qint64 maxSamples)
{
    ProbeResult result;
    // Rows with a label; whole groups are sampled so pairs stay together.
    std::vector<qint64> groupOf(labels.size());
    for (size_t i = 0; i < labels.size(); ++i)
        groupOf[i] = groups.empty() ? qint64(i) : groups[i];
    std::vector<qint64> groupIds;
    std::unordered_map<qint64, int> fold;
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= 0 && fold.emplace(groupOf[i], -1).second)
            groupIds.push_back(groupOf[i]);
    Random rng(seed);
    for (size_t i = groupIds.size(); i > 1; --i)
        std::swap(groupIds[i - 1], groupIds[rng.below(i)]);
    const qint64 perGroup = groups.empty() ? 1 : 2;
    if (qint64(groupIds.size()) * perGroup > maxSamples)
        groupIds.resize(size_t(std::max<qint64>(1, maxSamples / perGroup)));
    for (size_t g = 0; g < groupIds.size(); ++g)
        fold[groupIds[g]] = int(g % size_t(folds));
    std::vector<size_t> rows;
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= 0 && fold[groupOf[i]] >= 0)
            rows.push_back(i);
    if (rows.empty())
        return result;

    // Dense class ids for the rows taking part.
    std::unordered_map<int, int> classOf;
    std::vector<qint64> perClass;
    for (const size_t r : rows) {
        auto [it, added] = classOf.emplace(labels[r], int(classOf.size()));
        if (added)
            perClass.push_back(0);
        ++perClass[size_t(it->second)];
    }
    result.classes = int(classOf.size());
    result.samples = qint64(rows.size());
    result.chance = double(*std::max_element(perClass.begin(), perClass.end())) / double(rows.size());
    if (result.classes < 2) {
        result.accuracy = 1.0;
        return result;
    }
    qint64 correct = 0;
    for (int f = 0; f < folds; ++f) {
        std::vector<size_t> train, test;
        for (const size_t r : rows)
            (fold[groupOf[r]] == f ? test : train).push_back(r);
        if (test.empty() || train.empty())
            continue;
        Eigen::MatrixXf xt(Eigen::Index(train.size()), x.cols());
        std::vector<int> yt(train.size());
        for (size_t i = 0; i < train.size(); ++i) {
            xt.row(Eigen::Index(i)) = x.row(Eigen::Index(train[i]));
            yt[i] = classOf[labels[train[i]]];
        }
        const Eigen::MatrixXf w = trainSoftmax(xt, yt, result.classes, job);
        for (const size_t r : test) {
            Eigen::RowVectorXf xr(x.cols() + 1);
            xr << x.row(Eigen::Index(r)), 1.0f;
            Eigen::Index best;
            (xr * w).maxCoeff(&best);
            correct += best == classOf[labels[r]];
        }
        job.progress(f + 1, folds, QStringLiteral("probe fold %1/%2").arg(f + 1).arg(folds));
    }
    result.accuracy = double(correct) / double(rows.size());
    return result;
}

std::vector<int> lengthBins(const Corpus &corpus, int bins)
{
    std::vector<qint64> lengths(size_t(corpus.sequences()));
    for (qint64 s = 0; s < corpus.sequences(); ++s)
        lengths[size_t(s)] = corpus.length(s);
    std::vector<qint64> sorted = lengths;
    std::sort(sorted.begin(), sorted.end());
    std::vector<qint64> cuts;
    for (int b = 1; b < bins; ++b)
        cuts.push_back(sorted[sorted.size() * size_t(b) / size_t(bins)]);
    std::vector<int> out(lengths.size());
    for (size_t i = 0; i < lengths.size(); ++i)
        out[i] = int(std::upper_bound(cuts.begin(), cuts.end(), lengths[i]) - cuts.begin());
    return out;
}

std::vector<int> majorityTags(const Corpus &corpus, const ItemTags &vocabTags)
{
    std::vector<int> out(size_t(corpus.sequences()), -1);
    std::vector<int> votes(vocabTags.names.size(), 0);
    std::vector<int> touched;
    for (qint64 s = 0; s < corpus.sequences(); ++s) {
        int best = -1;
        for (const qint32 *t = corpus.begin(s); t != corpus.end(s); ++t) {
            for (const qint32 tag : vocabTags.perItem[size_t(*t)]) {
                if (votes[size_t(tag)]++ == 0)
                    touched.push_back(tag);
                if (best < 0 || votes[size_t(tag)] > votes[size_t(best)])
                    best = tag;
            }
        }
        out[size_t(s)] = best;
        for (const int tag : touched)
            votes[size_t(tag)] = 0;
        touched.clear();
    }
    return out;
}

Corpus shuffledCopy(const Corpus &corpus, quint64 seed)
{
    Corpus out = corpus;
    Random rng(seed);
    for (qint64 s = 0; s < out.sequences(); ++s) {
        qint32 *first = out.tokens.data() + out.offsets[size_t(s)];
        const qint64 n = out.length(s);
        for (qint64 i = n; i > 1; --i)
            std::swap(first[i - 1], first[rng.below(quint64(i))]);
    }
    return out;
}

std::vector<int> classIndices(const std::vector<QString> &labels)
{
    QHash<QString, int> index;
    std::vector<int> out(labels.size(), -1);
    for (size_t i = 0; i < labels.size(); ++i) {
        if (labels[i].isEmpty())
            continue;
        const auto it = index.constFind(labels[i]);
        out[i] = it != index.cend() ? *it : *index.insert(labels[i], int(index.size()));
    }
    return out;
}

} // namespace orrery
