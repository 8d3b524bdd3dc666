#pragma once

#include <QtGlobal>

#include <span>

namespace orrery {

/// Local activation in the manner of the Deep Interest Network: a candidate's score is
/// Σ_j w_j · cos(e_j, c) with w_j = max(0, cos(e_j, c) − τ)^γ over the seeds j, without
/// normalising the weights, so a playlist of several moods activates candidates of each mood
/// instead of their blurred average (as the centroid does).
struct Activation {
    float score = 0;
    int strongestSeed = -1; ///< index of the seed with the largest w_j · cos(e_j, c), -1 when none voted
};

/// `cosines[j]` = cos(e_j, c) for each seed j.
Activation localActivation(std::span<const float> cosines, double tau, double gamma);

} // namespace orrery
