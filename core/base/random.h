#pragma once

#include <QtGlobal>

#include <cmath>
#include <cstdint>

namespace orrery {

/// xoshiro256** seeded through splitmix64: fast, and the same stream on every machine and
/// compiler (unlike the std:: distributions), so seeded results repeat everywhere.
class Random final {
public:
    explicit Random(quint64 seed = 1)
    {
        for (auto &s : m_s) {
            seed += 0x9E3779B97F4A7C15ull;
            quint64 z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            s = z ^ (z >> 31);
        }
    }

    quint64 next()
    {
        const quint64 result = rotl(m_s[1] * 5, 7) * 9;
        const quint64 t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    /// Uniform integer in [0, n).
    quint64 below(quint64 n) { return n ? quint64((unsigned __int128)next() * n >> 64) : 0; }
    /// Standard normal (Box–Muller).
    double normal()
    {
        if (m_haveSpare) {
            m_haveSpare = false;
            return m_spare;
        }
        double u = 0;
        while (u <= 0)
            u = uniform();
        const double v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        m_spare = r * std::sin(2 * M_PI * v);
        m_haveSpare = true;
        return r * std::cos(2 * M_PI * v);
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_s[4];
    double m_spare = 0;
    bool m_haveSpare = false;
};

} // namespace orrery
