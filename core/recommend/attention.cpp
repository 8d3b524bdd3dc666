#include "attention.h"

#include <cmath>

namespace orrery {

namespace {

float weight(float cosine, double tau, double gamma)
{
    const double excess = double(cosine) - tau;
    if (excess <= 0)
        return 0;
    return float(gamma == 1 ? excess : gamma == 2 ? excess * excess : std::pow(excess, gamma));
}

} // namespace

Activation localActivation(std::span<const float> cosines, double tau, double gamma)
{
    Activation a;
    float best = 0;
    for (size_t j = 0; j < cosines.size(); ++j) {
        const float term = weight(cosines[j], tau, gamma) * cosines[j];
        a.score += term;
        if (term > best) {
            best = term;
            a.strongestSeed = int(j);
        }
    }
    return a;
}

} // namespace orrery
