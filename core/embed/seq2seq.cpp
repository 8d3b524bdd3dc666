#include "seq2seq.h"

#include "base/random.h"
#include "base/workerpool.h"
#include "embed/sgns.h"

#include <QDataStream>
#include <QElapsedTimer>
#include <QHash>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace orrery {

using Eigen::MatrixXf;
using StridedMap = Eigen::Map<MatrixXf, 0, Eigen::OuterStride<>>;
using ConstStridedMap = Eigen::Map<const MatrixXf, 0, Eigen::OuterStride<>>;

std::vector<MatrixXf *> Seq2seqWeights::dense()
{
    return {&encWx[0], &encWh[0], &encB[0], &encWx[1], &encWh[1], &encB[1], &decWx, &decWh,
            &decB,     &initW,    &initB,   &attW,     &outW,     &outB,    &start};
}

std::vector<const MatrixXf *> Seq2seqWeights::dense() const
{
    std::vector<const MatrixXf *> out;
    for (MatrixXf *m : const_cast<Seq2seqWeights *>(this)->dense())
        out.push_back(m);
    return out;
}

Seq2seqWeights zeroLike(const Seq2seqWeights &w)
{
    Seq2seqWeights z;
    z.items = MatrixXf::Zero(w.items.rows(), w.items.cols());
    z.outputs = MatrixXf::Zero(w.outputs.rows(), w.outputs.cols());
    const auto from = w.dense();
    const auto to = z.dense();
    for (size_t i = 0; i < from.size(); ++i)
        *to[i] = MatrixXf::Zero(from[i]->rows(), from[i]->cols());
    return z;
}

QJsonObject seq2seqParams(const Seq2seqOptions &o)
{
    QJsonArray prefixes;
    for (const int p : o.matryoshka)
        prefixes.append(p);
    return {{QStringLiteral("hidden"), o.hidden},
            {QStringLiteral("bidirectional"), o.bidirectional},
            {QStringLiteral("matryoshka"), prefixes},
            {QStringLiteral("attention"), o.attention},
            {QStringLiteral("epochs"), o.epochs},
            {QStringLiteral("batch"), o.batch},
            {QStringLiteral("groups"), o.groups},
            {QStringLiteral("negative"), o.negative},
            {QStringLiteral("ns_exponent"), o.nsExponent},
            {QStringLiteral("learning_rate"), o.learningRate},
            {QStringLiteral("clip_norm"), o.clipNorm},
            {QStringLiteral("max_length"), o.maxLength},
            {QStringLiteral("fine_tune"), o.fineTune},
            {QStringLiteral("threads"), o.threads},
            {QStringLiteral("seed"), QString::number(o.seed)}};
}

namespace {

Seq2seqOptions optionsFromJson(const QJsonObject &j)
{
    Seq2seqOptions o;
    o.hidden = j.value(QStringLiteral("hidden")).toInt();
    o.bidirectional = j.value(QStringLiteral("bidirectional")).toBool();
    o.attention = j.value(QStringLiteral("attention")).toBool(true);
    for (const QJsonValue v : j.value(QStringLiteral("matryoshka")).toArray())
        o.matryoshka.push_back(v.toInt());
    o.epochs = j.value(QStringLiteral("epochs")).toInt();
    o.batch = j.value(QStringLiteral("batch")).toInt();
    o.groups = j.value(QStringLiteral("groups")).toInt();
    o.negative = j.value(QStringLiteral("negative")).toInt();
    o.nsExponent = j.value(QStringLiteral("ns_exponent")).toDouble();
    o.learningRate = j.value(QStringLiteral("learning_rate")).toDouble();
    o.clipNorm = j.value(QStringLiteral("clip_norm")).toDouble();
    o.maxLength = j.value(QStringLiteral("max_length")).toInt();
    o.fineTune = j.value(QStringLiteral("fine_tune")).toBool();
    o.threads = j.value(QStringLiteral("threads")).toInt();
    o.seed = j.value(QStringLiteral("seed")).toString().toULongLong();
    return o;
}

void checkOptions(const Seq2seqOptions &o)
{
    const auto fail = [](const QString &what) { throw Error(QStringLiteral("seq2seq: ") + what); };
    if (o.hidden < 1 || o.hidden > 2048)
        fail(QStringLiteral("hidden size %1 is out of range (1 to 2048)").arg(o.hidden));
    if (o.epochs < 1 || o.epochs > 100000)
        fail(QStringLiteral("epochs %1 is out of range (1 to 100000)").arg(o.epochs));
    if (o.batch < 1 || o.batch > 4096)
        fail(QStringLiteral("batch %1 is out of range (1 to 4096)").arg(o.batch));
    if (o.groups < 1 || o.groups > 64)
        fail(QStringLiteral("groups %1 is out of range (1 to 64)").arg(o.groups));
    if (o.negative < 1 || o.negative > 1000)
        fail(QStringLiteral("negatives %1 is out of range (1 to 1000)").arg(o.negative));
    if (!(o.learningRate > 0) || !(o.clipNorm > 0) || !std::isfinite(o.nsExponent))
        fail(QStringLiteral("learning rate, clip norm and noise exponent must be finite and positive"));
    if (o.maxLength < 1)
        fail(QStringLiteral("max length must be at least 1"));
    int last = 0;
    for (const int p : o.matryoshka) {
        if (p <= last || p > o.vectorDim())
            fail(QStringLiteral("Matryoshka prefixes must ascend and lie within 1..%1 (the vector's length)")
                     .arg(o.vectorDim()));
        last = p;
    }
}

inline float sigmoid(float x)
{
    x = std::clamp(x, -30.f, 30.f);
    return 1.f / (1.f + std::exp(-x));
}

// Through expf: glibc's tanhf goes through expm1f, three times slower here.
inline float fastTanh(float x)
{
    x = std::clamp(x, -15.f, 15.f);
    return 1.f - 2.f / (std::exp(2.f * x) + 1.f);
}

/// log σ(x), stable for large |x|.
inline double logSigmoid(double x)
{
    return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
}

/// A GRU's activations over a batch, time-major (column t·B + b).
struct GruTape {
    MatrixXf h, r, u, n, hn;
};

/// One GRU pass. `pre` holds Wx·x + b (3H rows: reset, update, candidate); padded positions
/// (mask 0) carry the previous state through unchanged.
void gruForward(const MatrixXf &wh, const MatrixXf &pre, const MatrixXf &h0, const std::vector<uint8_t> &mask,
                int steps, int batch, bool reverse, GruTape &tape)
{
    const int hidden = int(wh.cols());
    const Eigen::Index cols = Eigen::Index(steps) * batch;
    for (MatrixXf *m : {&tape.h, &tape.r, &tape.u, &tape.n, &tape.hn})
        m->resize(hidden, cols);
    MatrixXf hr(3 * hidden, batch);
    for (int s = 0; s < steps; ++s) {
        const int t = reverse ? steps - 1 - s : s;
        const int tPrev = reverse ? t + 1 : t - 1;
        const MatrixXf &prevSource = s == 0 ? h0 : tape.h;
        const Eigen::Index prevOffset = s == 0 ? 0 : Eigen::Index(tPrev) * batch;
        hr.noalias() = wh * prevSource.middleCols(prevOffset, batch);
        for (int b = 0; b < batch; ++b) {
            const Eigen::Index col = Eigen::Index(t) * batch + b;
            const float *prev = prevSource.col(prevOffset + b).data();
            float *h = tape.h.col(col).data();
            if (!mask[size_t(col)]) {
                std::copy(prev, prev + hidden, h);
                tape.r.col(col).setZero();
                tape.u.col(col).setZero();
                tape.n.col(col).setZero();
                tape.hn.col(col).setZero();
                continue;
            }
            const float *p = pre.col(col).data();
            const float *q = hr.col(b).data();
            float *r = tape.r.col(col).data();
            float *u = tape.u.col(col).data();
            float *n = tape.n.col(col).data();
            float *hn = tape.hn.col(col).data();
            for (int i = 0; i < hidden; ++i) {
                r[i] = sigmoid(p[i] + q[i]);
                u[i] = sigmoid(p[hidden + i] + q[hidden + i]);
                hn[i] = q[2 * hidden + i];
                n[i] = fastTanh(p[2 * hidden + i] + r[i] * hn[i]);
                h[i] = (1 - u[i]) * n[i] + u[i] * prev[i];
            }
        }
    }
}

/// Backpropagates gradients `dH` of every step's output state through a gruForward pass:
/// fills dPre (3H × cols), adds to dWh and returns the gradient of the initial state.
MatrixXf gruBackward(const MatrixXf &wh, const GruTape &tape, const MatrixXf &h0, const std::vector<uint8_t> &mask,
                     int steps, int batch, bool reverse, const MatrixXf &dH, MatrixXf &dPre, MatrixXf &dWh)
{
    const int hidden = int(wh.cols());
    dPre.resize(3 * hidden, Eigen::Index(steps) * batch);
    MatrixXf dh = MatrixXf::Zero(hidden, batch);
    MatrixXf dhr(3 * hidden, batch);
    for (int s = steps - 1; s >= 0; --s) {
        const int t = reverse ? steps - 1 - s : s;
        const int tPrev = reverse ? t + 1 : t - 1;
        const MatrixXf &prevSource = s == 0 ? h0 : tape.h;
        const Eigen::Index prevOffset = s == 0 ? 0 : Eigen::Index(tPrev) * batch;
        dh += dH.middleCols(Eigen::Index(t) * batch, batch);
        for (int b = 0; b < batch; ++b) {
            const Eigen::Index col = Eigen::Index(t) * batch + b;
            float *dp = dPre.col(col).data();
            float *dq = dhr.col(b).data();
            if (!mask[size_t(col)]) {
                std::fill(dp, dp + 3 * hidden, 0.f);
                std::fill(dq, dq + 3 * hidden, 0.f);
                continue; // dh passes to the previous state unchanged
            }
            const float *prev = prevSource.col(prevOffset + b).data();
            const float *r = tape.r.col(col).data();
            const float *u = tape.u.col(col).data();
            const float *n = tape.n.col(col).data();
            const float *hn = tape.hn.col(col).data();
            float *g = dh.col(b).data();
            for (int i = 0; i < hidden; ++i) {
                const float dn = g[i] * (1 - u[i]);
                const float du = g[i] * (prev[i] - n[i]);
                const float dan = dn * (1 - n[i] * n[i]);
                const float dr = dan * hn[i];
                const float dar = dr * r[i] * (1 - r[i]);
                const float dau = du * u[i] * (1 - u[i]);
                dp[i] = dar;
                dp[hidden + i] = dau;
                dp[2 * hidden + i] = dan;
                dq[i] = dar;
                dq[hidden + i] = dau;
                dq[2 * hidden + i] = dan * r[i];
                g[i] *= u[i];
            }
        }
        dWh.noalias() += dhr * prevSource.middleCols(prevOffset, batch).transpose();
        dh.noalias() += wh.transpose() * dhr;
    }
    return dh;
}

struct BatchLayout {
    int batch = 0;
    int steps = 0; ///< the longest sequence
    std::vector<uint8_t> mask; ///< t·B + b
};

BatchLayout layoutOf(const std::vector<const std::vector<qint32> *> &seqs)
{
    BatchLayout l;
    l.batch = int(seqs.size());
    for (const auto *s : seqs)
        l.steps = std::max(l.steps, int(s->size()));
    l.mask.assign(size_t(l.steps) * size_t(l.batch), 0);
    for (int b = 0; b < l.batch; ++b)
        for (size_t t = 0; t < seqs[size_t(b)]->size(); ++t)
            l.mask[t * size_t(l.batch) + size_t(b)] = 1;
    return l;
}

/// The encoder's pass over a batch: states of every position (D × cols) and the final ones.
struct EncoderPass {
    MatrixXf x; ///< E × cols input item vectors
    GruTape tape[2];
    MatrixXf states; ///< D × cols: [forward; backward]
    MatrixXf z; ///< D × B: [forward at the last position; backward at the first]
};

void encode(const Seq2seqModel &model, const std::vector<const std::vector<qint32> *> &seqs, const BatchLayout &l,
            EncoderPass &e)
{
    const Seq2seqWeights &w = model.weights;
    const int hidden = model.options.hidden;
    const int dirs = model.options.bidirectional ? 2 : 1;
    const Eigen::Index cols = Eigen::Index(l.steps) * l.batch;
    e.x = MatrixXf::Zero(w.items.rows(), cols);
    for (int b = 0; b < l.batch; ++b)
        for (size_t t = 0; t < seqs[size_t(b)]->size(); ++t)
            e.x.col(Eigen::Index(t) * l.batch + b) = w.items.col((*seqs[size_t(b)])[t]);
    e.states.resize(dirs * hidden, cols);
    e.z.resize(dirs * hidden, l.batch);
    const MatrixXf h0 = MatrixXf::Zero(hidden, l.batch);
    MatrixXf pre;
    for (int d = 0; d < dirs; ++d) {
        pre.noalias() = w.encWx[d] * e.x;
        pre.colwise() += w.encB[d].col(0);
        gruForward(w.encWh[d], pre, h0, l.mask, l.steps, l.batch, d == 1, e.tape[d]);
        e.states.middleRows(d * hidden, hidden) = e.tape[d].h;
        const Eigen::Index last = d == 0 ? Eigen::Index(l.steps - 1) * l.batch : 0;
        e.z.middleRows(d * hidden, hidden) = e.tape[d].h.middleCols(last, l.batch);
    }
}

/// Loss (and gradient) of one batch. Gradients of the item tables are added column by column;
/// `touchedItems`/`touchedOutputs` get the columns written (with repeats).
double batchLoss(const Seq2seqModel &model, const NegativeSampler &sampler,
                 const std::vector<const std::vector<qint32> *> &seqs, Random &rng, Seq2seqWeights *grad,
                 std::vector<qint32> *touchedItems, std::vector<qint32> *touchedOutputs)
{
    const Seq2seqOptions &o = model.options;
    const Seq2seqWeights &w = model.weights;
    const int hidden = o.hidden;
    const int dim = o.vectorDim();
    const int itemDim = model.itemDim();
    const BatchLayout l = layoutOf(seqs);
    const int batch = l.batch;
    const int steps = l.steps;
    const Eigen::Index cols = Eigen::Index(steps) * batch;
    qint64 positions = 0;
    for (const auto *s : seqs)
        positions += qint64(s->size());
    if (positions == 0)
        return 0;
    const float scale = 1.f / float(positions);

    EncoderPass enc;
    encode(model, seqs, l, enc);
    MatrixXf keys = w.attW * enc.states; // H × cols

    // Decoder inputs: the start vector, then the previous item (teacher forcing).
    MatrixXf xDec = MatrixXf::Zero(itemDim, cols);
    for (int b = 0; b < batch; ++b) {
        const auto &s = *seqs[size_t(b)];
        for (size_t t = 0; t < s.size(); ++t)
            xDec.col(Eigen::Index(t) * batch + b) = t == 0 ? w.start.col(0) : w.items.col(s[t - 1]);
    }
    MatrixXf decPre = w.decWx * xDec;
    decPre.colwise() += w.decB.col(0);

    const std::vector<int> prefixes = o.matryoshka.empty() ? std::vector<int> {dim} : o.matryoshka;

    MatrixXf dStates, dKeys;
    MatrixXf dz;
    if (grad) {
        dStates = MatrixXf::Zero(dim, cols);
        dKeys = MatrixXf::Zero(hidden, cols);
        dz = MatrixXf::Zero(dim, batch);
    }
    double loss = 0;
    GruTape dec;
    std::vector<MatrixXf> attention(static_cast<size_t>(batch));
    MatrixXf sc(hidden + dim, cols);
    MatrixXf out;
    MatrixXf dOut;
    std::vector<qint32> negatives(size_t(o.negative));
    for (const int prefix : prefixes) {
        MatrixXf zm = enc.z;
        zm.bottomRows(dim - prefix).setZero();
        MatrixXf s0 = w.initW * zm;
        s0.colwise() += w.initB.col(0);
        s0 = s0.unaryExpr([](float v) { return fastTanh(v); });
        gruForward(w.decWh, decPre, s0, l.mask, steps, batch, false, dec);

        sc.topRows(hidden) = dec.h;
        sc.bottomRows(dim).setZero();
        for (int b = 0; b < batch && o.attention; ++b) {
            const int len = int(seqs[size_t(b)]->size());
            const Eigen::OuterStride<> hs(Eigen::Index(batch) * hidden), ds(Eigen::Index(batch) * dim);
            const ConstStridedMap sB(dec.h.data() + Eigen::Index(b) * hidden, hidden, len, hs);
            const ConstStridedMap kB(keys.data() + Eigen::Index(b) * hidden, hidden, len, hs);
            const ConstStridedMap vB(enc.states.data() + Eigen::Index(b) * dim, dim, len, ds);
            MatrixXf &a = attention[size_t(b)];
            a.noalias() = sB.transpose() * kB; // len (decoder steps) × len (encoder positions)
            for (int t = 0; t < len; ++t) {
                auto row = a.row(t);
                const float top = row.maxCoeff();
                row = (row.array() - top).exp().matrix();
                row /= row.sum();
            }
            const Eigen::OuterStride<> scs(Eigen::Index(batch) * (hidden + dim));
            StridedMap cB(sc.data() + Eigen::Index(b) * (hidden + dim) + hidden, dim, len, scs);
            cB.noalias() = vB * a.transpose();
        }
        out.noalias() = w.outW * sc;
        out.colwise() += w.outB.col(0);
        if (grad)
            dOut = MatrixXf::Zero(itemDim, cols);
        for (int b = 0; b < batch; ++b) {
            const auto &s = *seqs[size_t(b)];
            for (size_t t = 0; t < s.size(); ++t) {
                const Eigen::Index col = Eigen::Index(t) * batch + b;
                const qint32 target = s[t];
                const auto o_t = out.col(col);
                int drawn = 0;
                for (int k = 0; k < o.negative; ++k) {
                    const qint32 neg = sampler.draw(rng);
                    if (neg != target)
                        negatives[size_t(drawn++)] = neg;
                }
                const float pos = o_t.dot(w.outputs.col(target));
                loss -= logSigmoid(pos);
                const float gPos = (sigmoid(pos) - 1) * scale;
                if (grad) {
                    dOut.col(col).noalias() += gPos * w.outputs.col(target);
                    grad->outputs.col(target).noalias() += gPos * o_t;
                    touchedOutputs->push_back(target);
                }
                for (int k = 0; k < drawn; ++k) {
                    const qint32 neg = negatives[size_t(k)];
                    const float score = o_t.dot(w.outputs.col(neg));
                    loss -= logSigmoid(-score);
                    if (grad) {
                        const float g = sigmoid(score) * scale;
                        dOut.col(col).noalias() += g * w.outputs.col(neg);
                        grad->outputs.col(neg).noalias() += g * o_t;
                        touchedOutputs->push_back(neg);
                    }
                }
            }
        }
        if (!grad)
            continue;
        grad->outW.noalias() += dOut * sc.transpose();
        grad->outB.col(0) += dOut.rowwise().sum();
        MatrixXf dSc = w.outW.transpose() * dOut;
        MatrixXf dS = dSc.topRows(hidden);
        for (int b = 0; b < batch && o.attention; ++b) {
            const int len = int(seqs[size_t(b)]->size());
            const Eigen::OuterStride<> hs(Eigen::Index(batch) * hidden), ds(Eigen::Index(batch) * dim),
                scs(Eigen::Index(batch) * (hidden + dim));
            const ConstStridedMap sB(dec.h.data() + Eigen::Index(b) * hidden, hidden, len, hs);
            const ConstStridedMap kB(keys.data() + Eigen::Index(b) * hidden, hidden, len, hs);
            const ConstStridedMap vB(enc.states.data() + Eigen::Index(b) * dim, dim, len, ds);
            const ConstStridedMap dC(dSc.data() + Eigen::Index(b) * (hidden + dim) + hidden, dim, len, scs);
            StridedMap dV(dStates.data() + Eigen::Index(b) * dim, dim, len, ds);
            StridedMap dSB(dS.data() + Eigen::Index(b) * hidden, hidden, len, hs);
            StridedMap dK(dKeys.data() + Eigen::Index(b) * hidden, hidden, len, hs);
            const MatrixXf &a = attention[size_t(b)];
            dV.noalias() += dC * a;
            MatrixXf dA = dC.transpose() * vB;
            const Eigen::VectorXf rowDot = (a.array() * dA.array()).rowwise().sum();
            const MatrixXf dLogits = (a.array() * (dA.colwise() - rowDot).array()).matrix();
            dSB.noalias() += kB * dLogits.transpose();
            dK.noalias() += sB * dLogits;
        }
        MatrixXf dDecPre;
        const MatrixXf ds0 = gruBackward(w.decWh, dec, s0, l.mask, steps, batch, false, dS, dDecPre, grad->decWh);
        grad->decWx.noalias() += dDecPre * xDec.transpose();
        grad->decB.col(0) += dDecPre.rowwise().sum();
        const MatrixXf dXDec = w.decWx.transpose() * dDecPre;
        for (int b = 0; b < batch; ++b) {
            const auto &s = *seqs[size_t(b)];
            for (size_t t = 0; t < s.size(); ++t) {
                const auto g = dXDec.col(Eigen::Index(t) * batch + b);
                if (t == 0) {
                    grad->start.col(0) += g;
                } else if (o.fineTune) {
                    grad->items.col(s[t - 1]) += g;
                    touchedItems->push_back(s[t - 1]);
                }
            }
        }
        const MatrixXf ds0Pre = (ds0.array() * (1 - s0.array().square())).matrix();
        grad->initW.noalias() += ds0Pre * zm.transpose();
        grad->initB.col(0) += ds0Pre.rowwise().sum();
        MatrixXf dzm = w.initW.transpose() * ds0Pre;
        dzm.bottomRows(dim - prefix).setZero();
        dz += dzm;
    }
    if (!grad)
        return loss * scale;

    grad->attW.noalias() += dKeys * enc.states.transpose();
    dStates.noalias() += w.attW.transpose() * dKeys;
    const int dirs = o.bidirectional ? 2 : 1;
    dStates.middleCols(Eigen::Index(steps - 1) * batch, batch).topRows(hidden) += dz.topRows(hidden);
    if (dirs == 2)
        dStates.middleCols(0, batch).bottomRows(hidden) += dz.bottomRows(hidden);
    const MatrixXf h0 = MatrixXf::Zero(hidden, batch);
    MatrixXf dX = MatrixXf::Zero(itemDim, cols);
    for (int d = 0; d < dirs; ++d) {
        MatrixXf dPre;
        const MatrixXf dH = dStates.middleRows(d * hidden, hidden);
        gruBackward(w.encWh[d], enc.tape[d], h0, l.mask, steps, batch, d == 1, dH, dPre, grad->encWh[d]);
        grad->encWx[d].noalias() += dPre * enc.x.transpose();
        grad->encB[d].col(0) += dPre.rowwise().sum();
        dX.noalias() += w.encWx[d].transpose() * dPre;
    }
    if (o.fineTune)
        for (int b = 0; b < batch; ++b) {
            const auto &s = *seqs[size_t(b)];
            for (size_t t = 0; t < s.size(); ++t) {
                grad->items.col(s[t]) += dX.col(Eigen::Index(t) * batch + b);
                touchedItems->push_back(s[t]);
            }
        }
    return loss * scale;
}

quint64 mix(quint64 a, quint64 b)
{
    Random r(a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull));
    return r.next();
}

/// The corpus's sequences in model vocabulary indices, unknown items dropped, each cut to `limit`.
std::vector<std::vector<qint32>> modelSequences(const Seq2seqModel &model, const Corpus &corpus, qint64 limit,
                                                qint64 *unknown)
{
    QHash<qint64, qint32> index;
    index.reserve(qsizetype(model.itemIds.size()));
    for (size_t i = 0; i < model.itemIds.size(); ++i)
        index.insert(model.itemIds[i], qint32(i));
    std::vector<qint32> map(corpus.vocab.size(), -1);
    for (size_t v = 0; v < corpus.vocab.size(); ++v)
        map[v] = index.value(corpus.vocab[v], -1);
    std::vector<std::vector<qint32>> out(size_t(corpus.sequences()));
    qint64 missing = 0;
    for (qint64 s = 0; s < corpus.sequences(); ++s) {
        auto &seq = out[size_t(s)];
        for (const qint32 *t = corpus.begin(s); t != corpus.end(s) && qint64(seq.size()) < limit; ++t) {
            const qint32 m = map[size_t(*t)];
            if (m < 0)
                ++missing;
            else
                seq.push_back(m);
        }
    }
    if (unknown)
        *unknown = missing;
    return out;
}

void glorot(MatrixXf &m, Eigen::Index rows, Eigen::Index cols, Random &rng)
{
    const float a = std::sqrt(6.f / float(rows + cols));
    m.resize(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            m(i, j) = float((2 * rng.uniform() - 1) * a);
}

// Serialisation ------------------------------------------------------------------------------

constexpr quint32 Magic = 0x4F533253; // "OS2S"
constexpr quint32 Version = 1;

void writeMatrix(QDataStream &out, const MatrixXf &m)
{
    out << qint64(m.rows()) << qint64(m.cols());
    out.writeRawData(reinterpret_cast<const char *>(m.data()), int(m.size() * qint64(sizeof(float))));
}

void writeWeights(QDataStream &out, const Seq2seqWeights &w)
{
    writeMatrix(out, w.items);
    writeMatrix(out, w.outputs);
    for (const MatrixXf *m : w.dense())
        writeMatrix(out, *m);
}

class Reader {
public:
    explicit Reader(const QByteArray &data) : m_data(data), m_in(m_data)
    {
        m_in.setByteOrder(QDataStream::LittleEndian);
    }

    template<typename T> T value(const char *what)
    {
        T v {};
        m_in >> v;
        check(what);
        return v;
    }
    void check(const char *what)
    {
        if (m_in.status() != QDataStream::Ok)
            throw Error(QStringLiteral("seq2seq checkpoint: truncated or malformed at byte %1 (%2)")
                            .arg(m_in.device()->pos())
                            .arg(QLatin1StringView(what)));
    }
    MatrixXf matrix(Eigen::Index rows, Eigen::Index cols, const char *what)
    {
        const qint64 r = value<qint64>(what), c = value<qint64>(what);
        if (r != rows || c != cols)
            throw Error(QStringLiteral("seq2seq checkpoint: %1 is %2 × %3 where %4 × %5 was expected (byte %6)")
                            .arg(QLatin1StringView(what))
                            .arg(r)
                            .arg(c)
                            .arg(rows)
                            .arg(cols)
                            .arg(m_in.device()->pos()));
        const qint64 bytes = r * c * qint64(sizeof(float));
        if (bytes > m_in.device()->bytesAvailable())
            throw Error(QStringLiteral("seq2seq checkpoint: truncated in %1 at byte %2")
                            .arg(QLatin1StringView(what))
                            .arg(m_in.device()->pos()));
        MatrixXf m(rows, cols);
        m_in.readRawData(reinterpret_cast<char *>(m.data()), int(bytes));
        check(what);
        if (!m.allFinite())
            throw Error(QStringLiteral("seq2seq checkpoint: %1 holds NaN or infinity").arg(QLatin1StringView(what)));
        return m;
    }
    Seq2seqWeights weights(const Seq2seqWeights &shape)
    {
        Seq2seqWeights w;
        w.items = matrix(shape.items.rows(), shape.items.cols(), "item vectors");
        w.outputs = matrix(shape.outputs.rows(), shape.outputs.cols(), "output vectors");
        const auto from = shape.dense();
        const auto to = w.dense();
        for (size_t i = 0; i < from.size(); ++i)
            *to[i] = matrix(from[i]->rows(), from[i]->cols(), "weights");
        return w;
    }
    QDataStream &stream() { return m_in; }

private:
    QByteArray m_data;
    QDataStream m_in;
};

/// Zero matrices of the shapes a model with these options and sizes has.
Seq2seqWeights shapeOf(const Seq2seqOptions &o, Eigen::Index itemDim, Eigen::Index items)
{
    const Eigen::Index h = o.hidden, d = o.vectorDim();
    Seq2seqWeights w;
    w.items = MatrixXf::Zero(itemDim, items);
    w.outputs = MatrixXf::Zero(itemDim, items);
    for (int k = 0; k < 2; ++k) {
        const Eigen::Index on = (k == 0 || o.bidirectional) ? 1 : 0;
        w.encWx[k] = MatrixXf::Zero(3 * h * on, itemDim * on);
        w.encWh[k] = MatrixXf::Zero(3 * h * on, h * on);
        w.encB[k] = MatrixXf::Zero(3 * h * on, on);
    }
    w.decWx = MatrixXf::Zero(3 * h, itemDim);
    w.decWh = MatrixXf::Zero(3 * h, h);
    w.decB = MatrixXf::Zero(3 * h, 1);
    w.initW = MatrixXf::Zero(h, d);
    w.initB = MatrixXf::Zero(h, 1);
    w.attW = MatrixXf::Zero(h, d);
    w.outW = MatrixXf::Zero(itemDim, h + d);
    w.outB = MatrixXf::Zero(itemDim, 1);
    w.start = MatrixXf::Zero(itemDim, 1);
    return w;
}

} // namespace

QByteArray Seq2seqModel::serialize() const
{
    QByteArray data;
    QDataStream out(&data, QIODevice::WriteOnly);
    out.setByteOrder(QDataStream::LittleEndian);
    out << Magic << Version;
    out << QJsonDocument(seq2seqParams(options)).toJson(QJsonDocument::Compact);
    out << qint64(itemDim()) << qint64(itemIds.size());
    for (size_t i = 0; i < itemIds.size(); ++i)
        out << itemIds[i] << counts[i];
    writeWeights(out, weights);
    writeWeights(out, adamM);
    writeWeights(out, adamV);
    out << steps << qint32(epochsDone) << quint32(epochLoss.size());
    for (const double l : epochLoss)
        out << l;
    out << seconds;
    return data;
}

Seq2seqModel Seq2seqModel::deserialize(const QByteArray &data)
{
    Reader in(data);
    if (in.value<quint32>("magic") != Magic)
        throw Error(QStringLiteral("seq2seq checkpoint: not a seq2seq model (bad magic at byte 0)"));
    if (const quint32 v = in.value<quint32>("version"); v != Version)
        throw Error(QStringLiteral("seq2seq checkpoint: format version %1, this Orrery reads %2").arg(v).arg(Version));
    Seq2seqModel m;
    const QByteArray json = in.value<QByteArray>("options");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        throw Error(QStringLiteral("seq2seq checkpoint: options are not a JSON object (%1)").arg(error.errorString()));
    m.options = optionsFromJson(doc.object());
    checkOptions(m.options);
    const qint64 itemDim = in.value<qint64>("item dimension");
    const qint64 items = in.value<qint64>("item count");
    if (itemDim < 1 || itemDim > 65536 || items < 1 || items * 16 > qint64(data.size()))
        throw Error(QStringLiteral("seq2seq checkpoint: %1 items of dimension %2 cannot be in %3 bytes")
                        .arg(items)
                        .arg(itemDim)
                        .arg(data.size()));
    m.itemIds.resize(size_t(items));
    m.counts.resize(size_t(items));
    for (qint64 i = 0; i < items; ++i) {
        m.itemIds[size_t(i)] = in.value<qint64>("item id");
        m.counts[size_t(i)] = in.value<qint64>("item count");
    }
    const Seq2seqWeights shape = shapeOf(m.options, itemDim, items);
    m.weights = in.weights(shape);
    m.adamM = in.weights(shape);
    m.adamV = in.weights(shape);
    m.steps = in.value<qint64>("steps");
    m.epochsDone = in.value<qint32>("epochs done");
    const quint32 losses = in.value<quint32>("epoch losses");
    if (losses > 100000 || m.epochsDone < 0 || m.steps < 0)
        throw Error(QStringLiteral("seq2seq checkpoint: bad training counters"));
    for (quint32 i = 0; i < losses; ++i)
        m.epochLoss.push_back(in.value<double>("epoch loss"));
    m.seconds = in.value<double>("seconds");
    if (!in.stream().atEnd())
        throw Error(
            QStringLiteral("seq2seq checkpoint: %1 bytes after the end").arg(in.stream().device()->bytesAvailable()));
    return m;
}

Seq2seqModel initSeq2seq(const Corpus &corpus, const EmbeddingSet &itemVectors, const Seq2seqOptions &options)
{
    checkOptions(options);
    if (itemVectors.count() == 0 || itemVectors.dim < 1)
        throw Error(QStringLiteral("seq2seq: the item set \"%1\" holds no vectors").arg(itemVectors.name));
    if (corpus.vocab.empty())
        throw Error(QStringLiteral("seq2seq: the dataset holds no entries to train on"));
    Seq2seqModel m;
    m.options = options;
    m.itemIds = corpus.vocab;
    m.counts = corpus.counts;
    const Eigen::Index itemDim = itemVectors.dim, items = Eigen::Index(corpus.vocab.size());
    m.weights = shapeOf(options, itemDim, items);
    Random rng(mix(options.seed, 0x5E25E2));
    QHash<qint64, qint64> rows;
    rows.reserve(qsizetype(itemVectors.count()));
    for (qint64 i = 0; i < itemVectors.count(); ++i)
        rows.insert(itemVectors.ids[size_t(i)], i);
    // Unit-length item vectors: the set may be unnormalised, and the GRU wants inputs near ±1.
    const float spread = 1.f / std::sqrt(float(itemDim));
    for (Eigen::Index v = 0; v < items; ++v) {
        const auto it = rows.constFind(corpus.vocab[size_t(v)]);
        if (it != rows.cend()) {
            const auto row = itemVectors.row(*it);
            Eigen::Map<const Eigen::VectorXf> x(row.data(), itemDim);
            const float norm = x.norm();
            m.weights.items.col(v) = norm > 0 ? Eigen::VectorXf(x / norm) : Eigen::VectorXf::Zero(itemDim);
        } else {
            for (Eigen::Index i = 0; i < itemDim; ++i)
                m.weights.items(i, v) = float(rng.normal()) * spread;
        }
    }
    m.weights.outputs = m.weights.items;
    for (MatrixXf *w : m.weights.dense())
        if (w->cols() > 1)
            glorot(*w, w->rows(), w->cols(), rng);
    m.adamM = zeroLike(m.weights);
    m.adamV = zeroLike(m.weights);
    return m;
}

double seq2seqBatchLoss(const Seq2seqModel &model, const std::vector<std::vector<qint32>> &batch, quint64 seed,
                        Seq2seqWeights *gradient)
{
    const NegativeSampler sampler(model.counts, model.options.nsExponent);
    std::vector<const std::vector<qint32> *> seqs;
    for (const auto &s : batch)
        seqs.push_back(&s);
    Random rng(seed);
    std::vector<qint32> touchedItems, touchedOutputs;
    return batchLoss(model, sampler, seqs, rng, gradient, &touchedItems, &touchedOutputs);
}

namespace {

struct Group {
    Seq2seqWeights grad;
    std::vector<qint32> touchedItems, touchedOutputs;
    double loss = 0;
    qint64 positions = 0;
};

void adamStep(float *p, float *m, float *v, const float *g, Eigen::Index n, float lr, float c1, float c2)
{
    constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    for (Eigen::Index i = 0; i < n; ++i) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
    }
}

} // namespace

void trainSeq2seq(Seq2seqModel &model, const Corpus &corpus, JobContext &job, const Seq2seqEpochFn &onEpoch)
{
    const Seq2seqOptions &o = model.options;
    checkOptions(o);
    QElapsedTimer clock;
    clock.start();
    const std::vector<std::vector<qint32>> seqs = modelSequences(model, corpus, o.maxLength, nullptr);
    std::vector<qint32> order;
    qint64 epochPositions = 0;
    for (size_t s = 0; s < seqs.size(); ++s)
        if (!seqs[s].empty()) {
            order.push_back(qint32(s));
            epochPositions += qint64(seqs[s].size());
        }
    if (order.empty())
        throw Error(QStringLiteral("seq2seq: no sequence has an item the model knows"));
    const NegativeSampler sampler(model.counts, o.nsExponent);
    const int groups = o.groups;
    WorkerPool pool(std::min(resolveThreads(o.threads), groups));
    std::vector<Group> work(static_cast<size_t>(groups));
    for (Group &g : work)
        g.grad = zeroLike(model.weights);
    const qint64 batches = (qint64(order.size()) + o.batch - 1) / o.batch;
    const qint64 stepsPerEpoch = (batches + groups - 1) / groups;
    const qint64 totalSteps = stepsPerEpoch * o.epochs;
    const qint64 totalPositions = epochPositions * (o.epochs - model.epochsDone);
    qint64 done = 0;
    const int firstEpoch = model.epochsDone;
    std::vector<uint8_t> touchedFlag(size_t(model.itemIds.size()), 0);
    std::vector<qint32> touched;

    for (int epoch = model.epochsDone; epoch < o.epochs; ++epoch) {
        job.checkCancelled();
        // Buckets: sort by length with seeded ties, cut into batches, shuffle the batches.
        Random rng(mix(o.seed, quint64(epoch) + 1));
        std::vector<std::pair<quint64, qint32>> keyed;
        keyed.reserve(order.size());
        for (const qint32 s : order)
            keyed.emplace_back((quint64(seqs[size_t(s)].size()) << 40) | (rng.next() >> 24), s);
        std::sort(keyed.begin(), keyed.end());
        std::vector<qint64> batchOrder(static_cast<size_t>(batches));
        std::iota(batchOrder.begin(), batchOrder.end(), 0);
        for (size_t i = batchOrder.size(); i > 1; --i)
            std::swap(batchOrder[i - 1], batchOrder[rng.below(i)]);
        double epochLoss = 0;
        qint64 epochCount = 0;
        Seq2seqWeights &w = model.weights;
        for (qint64 step = 0; step < stepsPerEpoch; ++step) {
            job.checkCancelled();
            const int used = int(std::min<qint64>(groups, batches - step * groups));
            pool.run([&](int worker) {
                for (int g = worker; g < used; g += pool.size()) {
                    const qint64 b = batchOrder[size_t(step * groups + g)];
                    std::vector<const std::vector<qint32> *> batch;
                    Group &grp = work[size_t(g)];
                    grp.positions = 0;
                    for (qint64 i = b * o.batch; i < std::min<qint64>((b + 1) * o.batch, qint64(keyed.size())); ++i) {
                        batch.push_back(&seqs[size_t(keyed[size_t(i)].second)]);
                        grp.positions += qint64(batch.back()->size());
                    }
                    Random local(mix(mix(o.seed, quint64(epoch) + 1), quint64(b)));
                    grp.loss = batchLoss(model, sampler, batch, local, &grp.grad, &grp.touchedItems,
                                         &grp.touchedOutputs);
                }
            });
            // Sum the groups' gradients into the first, in order, then clip and step.
            Group &sum = work[0];
            epochLoss += sum.loss * double(sum.positions);
            epochCount += sum.positions;
            for (int g = 1; g < used; ++g) {
                Group &grp = work[size_t(g)];
                epochLoss += grp.loss * double(grp.positions);
                epochCount += grp.positions;
                const auto from = grp.grad.dense();
                const auto to = sum.grad.dense();
                for (size_t i = 0; i < from.size(); ++i) {
                    *to[i] += *from[i];
                    from[i]->setZero();
                }
            }
            const float inv = 1.f / float(used);
            double norm2 = 0;
            for (MatrixXf *m : sum.grad.dense()) {
                *m *= inv;
                norm2 += double(m->squaredNorm());
            }
            // Item tables: the union of the columns any group touched.
            const auto gather = [&](auto member, auto touchedList) {
                touched.clear();
                for (int g = 0; g < used; ++g)
                    for (const qint32 c : work[size_t(g)].*touchedList)
                        if (!touchedFlag[size_t(c)]) {
                            touchedFlag[size_t(c)] = 1;
                            touched.push_back(c);
                        }
                for (const qint32 c : touched) {
                    touchedFlag[size_t(c)] = 0;
                    auto col = (sum.grad.*member).col(c);
                    for (int g = 1; g < used; ++g) {
                        auto other = (work[size_t(g)].grad.*member).col(c);
                        col += other;
                        other.setZero();
                    }
                    col *= inv;
                    norm2 += double(col.squaredNorm());
                }
                for (int g = 0; g < used; ++g)
                    (work[size_t(g)].*touchedList).clear();
                return touched;
            };
            const std::vector<qint32> itemCols = gather(&Seq2seqWeights::items, &Group::touchedItems);
            const std::vector<qint32> outputCols = gather(&Seq2seqWeights::outputs, &Group::touchedOutputs);
            const float clip = norm2 > o.clipNorm * o.clipNorm ? float(o.clipNorm / std::sqrt(norm2)) : 1.f;
            ++model.steps;
            const double progress = double(model.steps) / double(std::max<qint64>(1, totalSteps));
            const float lr = float(o.learningRate * (1 - 0.9 * std::min(1.0, progress)));
            const float c1 = 1 - std::pow(0.9f, float(model.steps));
            const float c2 = 1 - std::pow(0.999f, float(model.steps));
            {
                const auto p = w.dense();
                const auto m = model.adamM.dense();
                const auto v = model.adamV.dense();
                const auto g = sum.grad.dense();
                for (size_t i = 0; i < p.size(); ++i) {
                    if (clip < 1)
                        *g[i] *= clip;
                    adamStep(p[i]->data(), m[i]->data(), v[i]->data(), g[i]->data(), p[i]->size(), lr, c1, c2);
                    g[i]->setZero();
                }
            }
            const auto sparseStep = [&](MatrixXf Seq2seqWeights::*member, const std::vector<qint32> &cols) {
                const Eigen::Index rows = (w.*member).rows();
                for (const qint32 c : cols) {
                    auto g = (sum.grad.*member).col(c);
                    if (clip < 1)
                        g *= clip;
                    adamStep((w.*member).col(c).data(), (model.adamM.*member).col(c).data(),
                             (model.adamV.*member).col(c).data(), g.data(), rows, lr, c1, c2);
                    g.setZero();
                }
            };
            sparseStep(&Seq2seqWeights::outputs, outputCols);
            sparseStep(&Seq2seqWeights::items, itemCols);
            done = epochPositions * (epoch - firstEpoch) + epochCount;
            job.progress(std::min(done, totalPositions), totalPositions,
                         QStringLiteral("epoch %1 of %2: loss %3")
                             .arg(epoch + 1)
                             .arg(o.epochs)
                             .arg(epochCount ? epochLoss / double(epochCount) : 0.0, 0, 'f', 3));
        }
        model.epochLoss.push_back(epochCount ? epochLoss / double(epochCount) : 0.0);
        model.epochsDone = epoch + 1;
        model.seconds += double(clock.nsecsElapsed()) * 1e-9;
        clock.restart();
        job.progress(std::min(done, totalPositions), totalPositions,
                     QStringLiteral("epoch %1 of %2: loss %3")
                         .arg(epoch + 1)
                         .arg(o.epochs)
                         .arg(model.epochLoss.back(), 0, 'f', 3));
        if (onEpoch)
            onEpoch(model);
    }
    model.seconds += double(clock.nsecsElapsed()) * 1e-9;
}

RowMatrixXf encodeSeq2seq(const Seq2seqModel &model, const Corpus &corpus, JobContext &job, qint64 *unknown,
                          int threads)
{
    const std::vector<std::vector<qint32>> seqs = modelSequences(model, corpus, std::numeric_limits<qint64>::max(),
                                                                 unknown);
    const int dim = model.vectorDim();
    RowMatrixXf out = RowMatrixXf::Zero(Eigen::Index(seqs.size()), dim);
    std::vector<qint32> order;
    for (size_t s = 0; s < seqs.size(); ++s)
        if (!seqs[s].empty())
            order.push_back(qint32(s));
    std::stable_sort(order.begin(), order.end(),
                     [&](qint32 a, qint32 b) { return seqs[size_t(a)].size() < seqs[size_t(b)].size(); });
    constexpr qint64 Chunk = 64;
    WorkerPool pool(resolveThreads(threads));
    pool.forChunks(
        qint64(order.size()), Chunk,
        [&](qint64 begin, qint64 end, qint64) {
            std::vector<const std::vector<qint32> *> batch;
            for (qint64 i = begin; i < end; ++i)
                batch.push_back(&seqs[size_t(order[size_t(i)])]);
            EncoderPass pass;
            encode(model, batch, layoutOf(batch), pass);
            for (qint64 i = begin; i < end; ++i) {
                const auto z = pass.z.col(i - begin);
                const float norm = z.norm();
                out.row(order[size_t(i)]) = z.transpose() / (norm > 0 ? norm : 1.f);
            }
        },
        &job);
    job.checkCancelled();
    job.progress(qint64(order.size()), qint64(order.size()));
    return out;
}

Seq2seqEncoder::Seq2seqEncoder(const Seq2seqModel &model) : m_model(model)
{
    m_index.reserve(qsizetype(model.itemIds.size()));
    for (size_t i = 0; i < model.itemIds.size(); ++i)
        m_index.insert(model.itemIds[i], qint32(i));
}

Eigen::VectorXf Seq2seqEncoder::encode(std::span<const qint64> itemIds, qint64 *unknown) const
{
    std::vector<qint32> seq;
    seq.reserve(itemIds.size());
    for (const qint64 id : itemIds)
        if (const auto it = m_index.constFind(id); it != m_index.cend())
            seq.push_back(*it);
    if (unknown)
        *unknown = qint64(itemIds.size() - seq.size());
    if (seq.empty())
        return Eigen::VectorXf::Zero(m_model.vectorDim());
    const std::vector<const std::vector<qint32> *> batch {&seq};
    EncoderPass pass;
    orrery::encode(m_model, batch, layoutOf(batch), pass);
    const float norm = pass.z.col(0).norm();
    return pass.z.col(0) / (norm > 0 ? norm : 1.f);
}

EmbeddingSet seq2seqEmbeddingSet(const Seq2seqModel &model, const Corpus &corpus, ItemKind sequenceKind,
                                 JobContext &job)
{
    QElapsedTimer clock;
    clock.start();
    qint64 unknown = 0;
    const RowMatrixXf x = encodeSeq2seq(model, corpus, job, &unknown, model.options.threads);
    EmbeddingSet set;
    set.method = QStringLiteral("seq2seq");
    set.kind = sequenceKind;
    set.params = seq2seqParams(model.options);
    QJsonArray losses;
    for (const double l : model.epochLoss)
        losses.append(l);
    qint64 empty = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        empty += x.row(i).squaredNorm() == 0;
    const double encodeSeconds = double(clock.nsecsElapsed()) * 1e-9;
    set.stats = {{QStringLiteral("epoch_loss"), losses},
                 {QStringLiteral("epochs_done"), model.epochsDone},
                 {QStringLiteral("train_seconds"), model.seconds},
                 {QStringLiteral("encode_seconds"), encodeSeconds},
                 {QStringLiteral("seconds"), model.seconds + encodeSeconds},
                 {QStringLiteral("unknown_items"), unknown},
                 {QStringLiteral("empty_sequences"), empty}};
    set.dim = model.vectorDim();
    set.ids = corpus.sequenceIds;
    set.vectors.assign(x.data(), x.data() + x.size());
    return set;
}

} // namespace orrery
