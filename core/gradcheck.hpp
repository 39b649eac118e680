// Analytic gradients against central finite differences, for every weight and
// bias. The numeric derivative is a central difference with one Richardson
// step, (4·D(h/2) − D(h))/3 with D(h) = (L(w+h) − L(w−h))/2h, h = 1e-4·max(1,|w|):
// its error is O(h⁴) plus rounding, small enough to compare at 1e-6. Only the
// layers from the perturbed one on are recomputed.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <vector>

#include "scenario.hpp"

namespace bpv {

struct GradCheckEntry {
  int layer;        // 1..L
  bool is_bias;
  int row, col;     // (i, j) in W, or (0, j) in b
  double analytic;
  double numeric;
  double relative_error;
};

struct GradCheckResult {
  std::vector<GradCheckEntry> entries;  // the parameters checked, in layer order
  std::size_t parameter_count = 0;      // all weights and biases
  // Parameters whose probe moved some ReLU input across 0 (finite differences
  // are meaningless across the kink); they are left out of entries.
  std::size_t skipped_at_kinks = 0;
  double max_relative_error = 0.0;
  int worst = -1;  // index into entries
};

// relative error = |analytic − numeric| / max(|analytic|, |numeric|, kGradCheckFloor):
// below the floor the difference is measured absolutely, since finite
// differences of tiny gradients are mostly rounding.
inline constexpr double kGradCheckFloor = 1e-4;
inline constexpr double kGradCheckTolerance = 1e-6;
// Each parameter costs four forward passes; above this many parameters an
// evenly spread subset of this size is checked (every k-th), so a
// 784-128-64-10 net takes seconds, not minutes.
inline constexpr std::size_t kGradCheckMaxParameters = 4096;

// The batch loss of the scenario's network, forward only.
double forward_loss(const Scenario& scenario);
// Checks every parameter, or an evenly spread subset of max_parameters of them.
GradCheckResult gradcheck(const Scenario& scenario, std::size_t max_parameters = kGradCheckMaxParameters);

// The result per parameter, for a table or the canvas' edges: weights[l−1](i, j)
// is the relative error of Wˡᵢⱼ, bias[l−1](0, j) that of bˡⱼ; NaN where the
// parameter was not checked (outside the subset, or its probe crossed a kink).
struct GradCheckMaps {
  std::vector<Eigen::MatrixXd> weights, bias;
};
GradCheckMaps gradcheck_maps(const GradCheckResult& result, const Scenario& scenario);

}  // namespace bpv
