#pragma once

// The inner loops of skip-gram with negative sampling, shared by trainSgns (sgns.cpp) and
// PV-DBOW (pvdbow.cpp) so that both train with the same arithmetic. Internal to core/embed.

#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

namespace orrery::sgnskernel {

// Four floats; GCC and Clang lower this to SSE2 on x86-64 and to NEON or scalar code elsewhere,
// with the same order of operations everywhere. may_alias: rows are float arrays.
typedef float V4 __attribute__((vector_size(16), may_alias));
constexpr int Lanes = 8; // rows are padded with zeros to a multiple of two V4

inline float dot(const float *__restrict a, const float *__restrict b, int blocks)
{
    const V4 *x = reinterpret_cast<const V4 *>(__builtin_assume_aligned(a, 32));
    const V4 *y = reinterpret_cast<const V4 *>(__builtin_assume_aligned(b, 32));
    V4 s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    for (int k = 0; k < blocks; ++k) {
        s0 += x[2 * k] * y[2 * k];
        s1 += x[2 * k + 1] * y[2 * k + 1];
    }
    const V4 s = s0 + s1;
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/// y += g·x
inline void axpy(float g, const float *__restrict x, float *__restrict y, int blocks)
{
    const V4 *a = reinterpret_cast<const V4 *>(__builtin_assume_aligned(x, 32));
    V4 *b = reinterpret_cast<V4 *>(__builtin_assume_aligned(y, 32));
    const V4 gv = {g, g, g, g};
    for (int k = 0; k < blocks; ++k) {
        b[2 * k] += gv * a[2 * k];
        b[2 * k + 1] += gv * a[2 * k + 1];
    }
}

/// The gradient step of one pair: grad += g·out, then out += g·in (with out as it was before).
inline void update(float g, const float *__restrict in, float *__restrict out, float *__restrict grad, int blocks)
{
    const V4 *x = reinterpret_cast<const V4 *>(__builtin_assume_aligned(in, 32));
    V4 *y = reinterpret_cast<V4 *>(__builtin_assume_aligned(out, 32));
    V4 *e = reinterpret_cast<V4 *>(__builtin_assume_aligned(grad, 32));
    const V4 gv = {g, g, g, g};
    for (int k = 0; k < 2 * blocks; k += 2) {
        const V4 y0 = y[k], y1 = y[k + 1];
        e[k] += gv * y0;
        e[k + 1] += gv * y1;
        y[k] = y0 + gv * x[k];
        y[k + 1] = y1 + gv * x[k + 1];
    }
}

struct FreeDeleter {
    void operator()(float *p) const { std::free(p); }
};
using FloatBuffer = std::unique_ptr<float[], FreeDeleter>;

inline FloatBuffer zeroedFloats(size_t count)
{
    const size_t bytes = std::max<size_t>(64, (count * sizeof(float) + 63) / 64 * 64);
    auto *p = static_cast<float *>(std::aligned_alloc(64, bytes));
    if (!p)
        throw std::bad_alloc();
    std::memset(p, 0, bytes);
    return FloatBuffer(p);
}

// σ(x) and -log σ(x) tabulated on [-MaxExp, MaxExp); beyond it σ is taken as 0 or 1 (as word2vec does).
constexpr float MaxExp = 8.0f;
constexpr int TableSize = 1024;
constexpr float TableScale = TableSize / (2 * MaxExp);

struct Tables {
    float sigmoid[TableSize];
    float negLogSigmoid[TableSize];
    Tables()
    {
        for (int i = 0; i < TableSize; ++i) {
            const double x = -double(MaxExp) + (i + 0.5) / double(TableScale);
            sigmoid[i] = float(1.0 / (1.0 + std::exp(-x)));
            negLogSigmoid[i] = float(std::log1p(std::exp(-x)));
        }
    }
};

inline quint64 streamSeed(quint64 seed, int thread, int epoch)
{
    // Distinct, well mixed seeds per (seed, thread, epoch); Random's splitmix64 does the rest.
    return seed ^ (0xD1B54A32D192ED03ull * quint64(thread + 1)) ^ (0x8CB92BA72F3D8DD7ull * quint64(epoch + 1));
}

inline QString compactCount(double v)
{
    if (v >= 1e6)
        return QString::number(v / 1e6, 'f', 1) + u'M';
    if (v >= 1e3)
        return QString::number(v / 1e3, 'f', 0) + u'k';
    return QString::number(v, 'f', 0);
}

inline void prefetchRow(const float *row, size_t bytes)
{
    for (size_t b = 0; b < bytes; b += 64)
        __builtin_prefetch(reinterpret_cast<const char *>(row) + b);
}

/// One logistic step of (l1, l2) towards `positive` (label 1) or away from it (label 0): the
/// gradient goes to neu1e, l2 moves at once (word2vec's inner step), the loss is added to lossSum.
inline void logisticStep(const Tables &tables, const float *__restrict l1, float *__restrict l2,
                         float *__restrict neu1e, bool positive, float lr, int blocks, double &lossSum)
{
    const float f = dot(l1, l2, blocks);
    const float x = (f + MaxExp) * TableScale;
    const float label = positive ? 1.0f : 0.0f;
    float g;
    if (x >= float(TableSize)) {
        g = label - 1;
        lossSum += positive ? 0.0f : f;
    } else if (x < 0) {
        g = label;
        lossSum += positive ? -f : 0.0f;
    } else {
        const int k = int(x);
        g = label - tables.sigmoid[k];
        lossSum += tables.negLogSigmoid[positive ? k : TableSize - 1 - k];
    }
    update(g * lr, l1, l2, neu1e, blocks);
}

/// word2vec's sub-sampling of frequent items: keep = (sqrt(f / (t·total)) + 1) · (t·total) / f
/// per item seen f times among `total` tokens, with t·total raised to at least 2 (see
/// SgnsOptions::sample). Returns 2 (always keep) for every item when sample is 0; `applied`
/// gets the threshold used.
inline std::vector<float> keepProbabilities(const std::vector<qint64> &counts, qint64 total, double sample,
                                            double *applied)
{
    constexpr double MinSampleCount = 2.0;
    std::vector<float> keep(counts.size(), 2.0f);
    *applied = 0;
    if (sample > 0 && total > 0) {
        const double tTotal = std::max(sample * double(total), MinSampleCount);
        *applied = tTotal / double(total);
        for (size_t i = 0; i < counts.size(); ++i) {
            const double f = double(counts[i]);
            keep[i] = float((std::sqrt(f / tTotal) + 1) * tTotal / f);
        }
    }
    return keep;
}

} // namespace orrery::sgnskernel
