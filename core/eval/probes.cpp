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

namespace {

/// Random pairs of distinct rows among `members`, drawn with `rng`; none when fewer than 2.
std::vector<std::pair<qint64, qint64>> randomPairs(const std::vector<qint64> &members, qint64 pairs, Random &rng)
{
    std::vector<std::pair<qint64, qint64>> out;
    const quint64 m = members.size();
    if (m < 2)
        return out;
    out.reserve(size_t(pairs));
    for (qint64 p = 0; p < pairs; ++p) {
        const quint64 a = rng.below(m);
        quint64 b = rng.below(m - 1);
        b += b >= a; // uniform over the other members
        out.emplace_back(members[size_t(a)], members[size_t(b)]);
    }
    return out;
}

double meanCosine(const RowMatrixXf &unit, const std::vector<std::pair<qint64, qint64>> &pairs)
{
    if (pairs.empty())
        return 0;
    double sum = 0;
    for (const auto &[a, b] : pairs)
        sum += double(unit.row(a).dot(unit.row(b)));
    return sum / double(pairs.size());
}

} // namespace

SequenceEncoder poolingEncoder(const EmbeddingSet &itemVectors, PoolingMethod method, const PoolingOptions &options)
{
    SequenceEncoder encoder;
    encoder.name = toString(method);
    // The set is captured by reference: the caller keeps it alive while the encoder runs.
    encoder.encode = [&itemVectors, method, options](const Corpus &corpus, JobContext &job) {
        const EmbeddingSet pooled = poolSequences(corpus, itemVectors, method, options, job);
        return RowMatrixXf(pooled.matrix());
    };
    return encoder;
}

qint64 unknownEntries(const Corpus &corpus, const EmbeddingSet &itemVectors)
{
    std::unordered_map<qint64, bool> known;
    known.reserve(itemVectors.ids.size());
    for (const qint64 id : itemVectors.ids)
        known.emplace(id, true);
    std::vector<qint64> perToken(corpus.vocab.size(), 0);
    for (const qint32 t : corpus.tokens)
        ++perToken[size_t(t)];
    qint64 unknown = 0;
    for (size_t v = 0; v < corpus.vocab.size(); ++v)
        if (!known.count(corpus.vocab[v]))
            unknown += perToken[v];
    return unknown;
}

std::vector<int> majorityKeyLabels(const Corpus &corpus, const std::vector<QString> &vocabKeys,
                                   const std::vector<std::pair<QString, QString>> &keyLabels, qint64 *matchedItems)
{
    if (vocabKeys.size() != corpus.vocab.size())
        throw Error(
            QStringLiteral("majorityKeyLabels: %1 keys for %2 items").arg(vocabKeys.size()).arg(corpus.vocab.size()));
    QHash<QString, qint32> labelOfKey;
    QHash<QString, qint32> classOf;
    ItemTags tags;
    for (const auto &[key, label] : keyLabels) {
        auto it = classOf.constFind(label);
        if (it == classOf.cend()) {
            it = classOf.insert(label, qint32(tags.names.size()));
            tags.names.push_back(label);
        }
        labelOfKey.insert(key, *it);
    }
    tags.perItem.resize(vocabKeys.size());
    qint64 matched = 0;
    for (size_t v = 0; v < vocabKeys.size(); ++v) {
        const auto it = labelOfKey.constFind(vocabKeys[v]);
        if (it != labelOfKey.cend()) {
            tags.perItem[v].push_back(*it);
            ++matched;
        }
    }
    if (matchedItems)
        *matchedItems = matched;
    return majorityTags(corpus, tags);
}

SequenceProbeReport probeSequences(const Corpus &corpus, const std::vector<int> &sequenceLabels,
                                   const QString &labelKind, const std::vector<SequenceEncoder> &encoders,
                                   const PoolingProbeOptions &options, JobContext &job)
{
    if (sequenceLabels.size() != size_t(corpus.sequences()))
        throw Error(QStringLiteral("probeSequences: %1 labels for %2 sequences")
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

    SequenceProbeReport report;
    report.labelKind = labelKind;
    report.sequences = n;
    report.k = options.k;
    std::vector<int> labels(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        labels[size_t(i)] = sequenceLabels[size_t(picked[size_t(i)])];
    report.labelled = std::count_if(labels.begin(), labels.end(), [](int l) { return l >= 0; });
    // Many ties (radio playlists of one or two songs) can leave a quantile bin empty: number
    // the bins that hold sequences, shortest first.
    std::vector<int> lengths = lengthBins(sample, options.lengthBins);
    std::vector<int> dense(size_t(std::max(options.lengthBins, 1)), -1);
    for (const int b : lengths)
        dense[size_t(b)] = 0;
    int binCount = 0;
    for (int &d : dense)
        if (d == 0)
            d = binCount++;
    for (int &b : lengths)
        b = dense[size_t(b)];
    report.bins.resize(size_t(binCount));
    std::vector<std::vector<qint64>> members(static_cast<size_t>(binCount));
    for (qint64 i = 0; i < n; ++i) {
        LengthBin &bin = report.bins[size_t(lengths[size_t(i)])];
        const qint64 len = sample.length(i);
        bin.minLength = bin.sequences ? std::min(bin.minLength, len) : len;
        bin.maxLength = std::max(bin.maxLength, len);
        ++bin.sequences;
        members[size_t(lengths[size_t(i)])].push_back(i);
    }
    // The same pairs for every encoder, so their collapse figures differ only by the encoder.
    Random pairRng(options.seed + 2);
    std::vector<std::vector<std::pair<qint64, qint64>>> binPairs;
    for (const std::vector<qint64> &m : members)
        binPairs.push_back(randomPairs(m, options.collapsePairs, pairRng));
    std::vector<qint64> everyone(static_cast<size_t>(n));
    std::iota(everyone.begin(), everyone.end(), 0);
    const std::vector<std::pair<qint64, qint64>> allPairs = randomPairs(everyone, options.collapsePairs, pairRng);

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
    std::vector<qint64> labelledRows;
    std::vector<int> labelledClasses;
    for (qint64 i = 0; i < n; ++i)
        if (labels[size_t(i)] >= 0) {
            labelledRows.push_back(i);
            labelledClasses.push_back(labels[size_t(i)]);
        }
    const double chance = chanceAgreement(labels);
    const double lengthChance = chanceAgreement(lengths);
    const int steps = int(encoders.size());
    for (int e = 0; e < steps; ++e) {
        const SequenceEncoder &encoder = encoders[size_t(e)];
        QElapsedTimer clock;
        clock.start();
        job.progress(e, steps, QStringLiteral("probing %1").arg(encoder.name));
        JobContext quiet([&job](qint64, qint64, const QString &) { job.checkCancelled(); });
        const RowMatrixXf original = encoder.encode(sample, quiet);
        const RowMatrixXf reordered = encoder.encode(shuffled, quiet);
        job.checkCancelled();
        if (original.rows() != n || reordered.rows() != n || reordered.cols() != original.cols())
            throw Error(QStringLiteral("%1: the encoder gave %2 and %3 rows for %4 sequences")
                            .arg(encoder.name)
                            .arg(original.rows())
                            .arg(reordered.rows())
                            .arg(n));
        const int dim = int(original.cols());
        std::vector<int> widths;
        for (const int p : encoder.prefixes) {
            if (p < 1 || p >= dim || (!widths.empty() && p <= widths.back()))
                throw Error(QStringLiteral("%1: prefix %2 must be above the one before it and below the dim %3")
                                .arg(encoder.name)
                                .arg(p)
                                .arg(dim));
            widths.push_back(p);
        }
        widths.push_back(dim);
        const double encodeSeconds = double(clock.nsecsElapsed()) * 1e-9;
        for (const int width : widths) {
            QElapsedTimer rowClock;
            rowClock.start();
            SequenceProbeRow row;
            row.method = encoder.name;
            row.dim = width;
            row.prefix = width < dim ? width : 0;
            const RowMatrixXf x = normalizedRows(original.leftCols(width));
            row.length = linearProbe(x, lengths, options.folds, options.seed, quiet);
            row.label = linearProbe(x, labels, options.folds, options.seed, quiet);
            RowMatrixXf both(2 * n, width);
            both.topRows(n) = x;
            both.bottomRows(n) = normalizedRows(reordered.leftCols(width));
            row.order = linearProbe(both, orderLabels, options.folds, options.seed, quiet, groups,
                                    2 * options.maxSequences);
            if (n > options.k) {
                const Neighbours nn = exactKnn(x, options.k, quiet);
                row.knnLengthAgreement = labelAgreement(nn, lengths);
                if (report.labelled == n)
                    row.knnAgreement = labelAgreement(nn, labels);
            }
            if (report.labelled > options.k && report.labelled < n) {
                // Among labelled sequences only: an untagged playlist says nothing either way.
                RowMatrixXf labelled(report.labelled, width);
                for (size_t i = 0; i < labelledRows.size(); ++i)
                    labelled.row(qint64(i)) = x.row(labelledRows[i]);
                const Neighbours nn = exactKnn(labelled, options.k, quiet);
                row.knnAgreement = labelAgreement(nn, labelledClasses);
            }
            row.knnChance = chance;
            row.knnLengthChance = lengthChance;
            for (const auto &pairs : binPairs)
                row.collapse.push_back(meanCosine(x, pairs));
            row.randomPairCosine = meanCosine(x, allPairs);
            row.seconds = encodeSeconds + double(rowClock.nsecsElapsed()) * 1e-9;
            report.rows.push_back(row);
        }
    }
    job.progress(steps, steps);
    return report;
}

SequenceProbeReport probePooling(const Corpus &corpus, const EmbeddingSet &itemVectors,
                                 const std::vector<int> &sequenceLabels, const QString &labelKind,
                                 const PoolingProbeOptions &options, JobContext &job)
{
    PoolingOptions pooling;
    pooling.seed = options.seed;
    std::vector<SequenceEncoder> encoders;
    for (const PoolingMethod method : options.methods)
        encoders.push_back(poolingEncoder(itemVectors, method, pooling));
    SequenceProbeReport report = probeSequences(corpus, sequenceLabels, labelKind, encoders, options, job);
    report.unknownItems = unknownEntries(corpus, itemVectors);
    return report;
}

} // namespace orrery
