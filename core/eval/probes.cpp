#include "probes.h"

#include "base/random.h"
#include "index/exactknn.h"

#include <QElapsedTimer>

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

std::vector<int> sequenceLabels(Project &project, const Corpus &corpus, QString *labelKind)
{
    std::vector<int> labels = classIndices(itemLabels(project, corpus.sequenceIds));
    if (std::any_of(labels.begin(), labels.end(), [](int l) { return l >= 0; })) {
        if (labelKind)
            *labelKind = QStringLiteral("label");
        return labels;
    }
    if (labelKind)
        *labelKind = QStringLiteral("majority tag");
    return majorityTags(corpus, itemTags(project, corpus.vocab));
}

namespace {

/// The sequences `picked` (ascending) of a corpus, with its vocabulary and counts kept.
Corpus subCorpus(const Corpus &corpus, const std::vector<qint64> &picked)
{
    Corpus out;
    out.vocab = corpus.vocab;
    out.counts = corpus.counts;
    out.offsets.reserve(picked.size() + 1);
    out.offsets.push_back(0);
    for (const qint64 s : picked) {
        out.sequenceIds.push_back(corpus.sequenceIds[size_t(s)]);
        out.tokens.insert(out.tokens.end(), corpus.begin(s), corpus.end(s));
        out.offsets.push_back(qint64(out.tokens.size()));
    }
    return out;
}

double chanceAgreement(const std::vector<int> &labels)
{
    std::unordered_map<int, qint64> counts;
    qint64 n = 0;
    for (const int l : labels)
        if (l >= 0)
            ++counts[l], ++n;
    double sum = 0;
    for (const auto &[label, c] : counts)
        sum += double(c) * double(c) / (double(n) * double(n));
    return sum;
}

} // namespace

PoolingProbeReport probePooling(const Corpus &corpus, const EmbeddingSet &itemVectors,
                                const std::vector<int> &sequenceLabels, const QString &labelKind,
                                const PoolingProbeOptions &options, JobContext &job)
{
    if (sequenceLabels.size() != size_t(corpus.sequences()))
        throw Error(QStringLiteral("probePooling: %1 labels for %2 sequences")
                        .arg(sequenceLabels.size())
                        .arg(corpus.sequences()));
    std::vector<qint64> picked(size_t(corpus.sequences()));
    std::iota(picked.begin(), picked.end(), 0);
    if (qint64(picked.size()) > options.maxSequences) {
        Random rng(options.seed);
        for (size_t i = 0; i < size_t(options.maxSequences); ++i)
            std::swap(picked[i], picked[i + rng.below(picked.size() - i)]);
        picked.resize(size_t(options.maxSequences));
        std::sort(picked.begin(), picked.end());
    }
    const Corpus sample = subCorpus(corpus, picked);
    const Corpus shuffled = shuffledCopy(sample, options.seed + 1);
    const qint64 n = sample.sequences();

    PoolingProbeReport report;
    report.labelKind = labelKind;
    report.sequences = n;
    report.k = options.k;
    std::vector<int> labels(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        labels[size_t(i)] = sequenceLabels[size_t(picked[size_t(i)])];
    report.labelled = std::count_if(labels.begin(), labels.end(), [](int l) { return l >= 0; });
    const std::vector<int> lengths = lengthBins(sample, options.lengthBins);

    // Order probe: rows 0..n-1 original, n..2n-1 shuffled; a sequence whose shuffle left it
    // unchanged (length < 2, or a repeated item) carries no order signal and is left out.
    std::vector<int> orderLabels(size_t(2 * n), -1);
    std::vector<qint64> groups(size_t(2 * n));
    for (qint64 i = 0; i < n; ++i) {
        groups[size_t(i)] = groups[size_t(n + i)] = i;
        if (!std::equal(sample.begin(i), sample.end(i), shuffled.begin(i))) {
            orderLabels[size_t(i)] = 0;
            orderLabels[size_t(n + i)] = 1;
        }
    }
    const double chance = chanceAgreement(labels);
    const int steps = int(options.methods.size());
    for (int m = 0; m < steps; ++m) {
        QElapsedTimer clock;
        clock.start();
        PoolingProbeRow row;
        row.method = options.methods[size_t(m)];
        job.progress(m, steps, QStringLiteral("probing %1 pooling").arg(toString(row.method)));
        JobContext quiet([&job](qint64, qint64, const QString &) { job.checkCancelled(); });
        PoolingOptions pooling;
        pooling.seed = options.seed;
        EmbeddingSet pooled = poolSequences(sample, itemVectors, row.method, pooling, quiet);
        EmbeddingSet pooledShuffled = poolSequences(shuffled, itemVectors, row.method, pooling, quiet);
        if (m == 0)
            report.unknownItems = pooled.stats.value(QStringLiteral("unknown_items")).toInteger();
        job.checkCancelled();
        row.dim = pooled.dim;
        const RowMatrixXf x = pooled.matrix();
        row.length = linearProbe(x, lengths, options.folds, options.seed, quiet);
        row.label = linearProbe(x, labels, options.folds, options.seed, quiet);
        RowMatrixXf both(2 * n, pooled.dim);
        both.topRows(n) = x;
        both.bottomRows(n) = pooledShuffled.matrix();
        row.order = linearProbe(both, orderLabels, options.folds, options.seed, quiet, groups,
                                2 * options.maxSequences);
        if (report.labelled > options.k) {
            // Among labelled sequences only: an untagged playlist says nothing either way.
            RowMatrixXf labelled(report.labelled, pooled.dim);
            std::vector<int> labelledClasses;
            labelledClasses.reserve(size_t(report.labelled));
            for (qint64 i = 0; i < n; ++i) {
                if (labels[size_t(i)] < 0)
                    continue;
                labelled.row(qint64(labelledClasses.size())) = x.row(i);
                labelledClasses.push_back(labels[size_t(i)]);
            }
            const Neighbours nn = exactKnn(normalizedRows(labelled), options.k, quiet);
            row.knnAgreement = labelAgreement(nn, labelledClasses);
        }
        row.knnChance = chance;
        row.seconds = double(clock.nsecsElapsed()) * 1e-9;
        report.rows.push_back(row);
    }
    job.progress(steps, steps);
    return report;
}

} // namespace orrery
