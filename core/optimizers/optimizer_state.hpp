// The optimizer and regularization of a scenario, and the state an optimizer
// keeps between training steps (formats.md §4). Plain data: it lives in the
// Scenario, so the next step, an edit's replay and a saved file all carry it.
// The formulas are in core/optimizer_*.cpp (the table in core/optimizers/optimizer.hpp).
#pragma once
#include <Eigen/Dense>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace bpv {

// Every hyperparameter any optimizer has; each optimizer reads only its own
// (its field table in core/optimizer_*.cpp sets the defaults).
struct OptimizerSpec {
  std::string name;  // "" = no "optimizer" in the file: plain SGD of §1
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  double alpha = 0.99;
  double eps = 1e-8;
  bool centered = false;
  double beta1 = 0.9;
  double beta2 = 0.999;
  bool amsgrad = false;
  double weight_decay = 0.01;
  bool operator==(const OptimizerSpec&) const = default;
};

// L = data loss + (l2/2)·Σ W² + l1·Σ |W| over every weight (never the biases).
struct Regularization {
  double l2 = 0.0;
  double l1 = 0.0;
  bool active() const { return l2 != 0.0 || l1 != 0.0; }
  bool operator==(const Regularization&) const = default;
};

// The tensors an optimizer may keep per parameter, each shaped like it.
enum class StateSlot : int { None = -1, Velocity, SquareAvg, GradAvg, M, V, VMax };
inline constexpr int kStateSlotCount = 6;
// The names of formats.md §4: "velocity", "square_avg", "grad_avg", "m", "v", "v_max".
std::string_view state_slot_name(StateSlot s);
// The symbol in equations: "b", "v", "gₐᵥ", "m", "v", "vₘₐₓ"
std::string_view state_slot_symbol(StateSlot s);

// One parameter's state. A tensor the optimizer does not keep is empty (0×0).
// SGD's velocity is also empty until its first step: then b ← g (§4).
struct ParamState {
  std::array<Eigen::MatrixXd, kStateSlotCount> tensors;
  Eigen::MatrixXd& operator[](StateSlot s) { return tensors[static_cast<int>(s)]; }
  const Eigen::MatrixXd& operator[](StateSlot s) const { return tensors[static_cast<int>(s)]; }
};

struct LayerOptimizerState {
  ParamState weights, bias;
};

struct OptimizerState {
  // t, the number of updates made so far, as a 1 × 1 matrix so that its
  // increment is an op with one written buffer like every other.
  Eigen::MatrixXd t = Eigen::MatrixXd::Zero(1, 1);
  std::vector<LayerOptimizerState> layers;  // layers[l-1] for layer l
  // Adam's 1 − β₁ᵗ and 1 − β₂ᵗ (1 × 2), worked out once per step from t by
  // their own op; empty for the other optimizers. Not saved: t gives them.
  Eigen::MatrixXd bias_correction;
  double step() const { return t.size() ? t(0, 0) : 0.0; }
};

}  // namespace bpv
