// Analytic gradients against central finite differences, for every weight and
// bias. The numeric derivative is a central difference with one Richardson
// step, (4·D(h/2) − D(h))/3 with D(h) = (L(w+h) − L(w−h))/2h, h = 1e-4·max(1,|w|):
// its error is O(h⁴) plus rounding, small enough to compare at 1e-6. Only the
// layers from the perturbed one on are recomputed.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <memory>
#include <vector>

#include "engine/scenario.hpp"

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

// The check one parameter at a time, so a job can run it in slices and stop
// between any two (core/engine/gradcheck_job.hpp). gradcheck() runs it to the end.
class Trainer;
struct ForwardProbe;  // the forward ops alone, rerun from the nudged layer (gradcheck.cpp)

class GradChecker {
 public:
  GradChecker(const Scenario& scenario, std::size_t max_parameters = kGradCheckMaxParameters);
  ~GradChecker();
  GradChecker(const GradChecker&) = delete;
  GradChecker& operator=(const GradChecker&) = delete;

  // Checks the next parameter of the subset; false once none is left.
  bool check_next();
  bool done() const { return index_ >= result_.parameter_count; }
  std::size_t checked() const { return checked_; }
  std::size_t to_check() const;  // the subset's size
  const GradCheckResult& result() const { return result_; }

 private:
  bool numeric_derivative(int layer, double& param, double& derivative);
  std::unique_ptr<Trainer> analytic_;  // one step: the analytic gradients
  std::unique_ptr<ForwardProbe> probe_;  // forward only, parameters nudged in place
  GradCheckResult result_;
  std::size_t stride_ = 1;  // every stride-th parameter in layer order
  std::size_t index_ = 0;   // the next one's index
  std::size_t checked_ = 0;
  std::vector<bool> signs_up_, signs_down_;
};

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
