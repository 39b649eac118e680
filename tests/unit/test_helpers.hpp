// Shared helpers of the unit tests: random scenarios, exact state comparison,
// the path of assets/.
#pragma once
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/ops.hpp"
#include "engine/scenario.hpp"
#include "formats/scenario_io.hpp"

namespace bpv::test {

inline std::string assets_dir() { return BPV_ASSETS_DIR; }
inline std::string scenario_path(const std::string& file) {
  return assets_dir() + "/scenarios/" + file;
}

// Bit-identical: same shape and the same bytes (so -0.0 ≠ 0.0 and NaN == NaN
// with the same payload), which is what "restores exactly" means.
inline bool bit_identical(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  // (an empty matrix has no data pointer, and memcmp must not see a null one)
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0);
}

// Every buffer of a pass state, bit for bit: the live weights and biases and
// every computed value. Returns "" when equal, else the first difference.
inline std::string state_difference(const PassState& a, const PassState& b) {
  if (a.layers.size() != b.layers.size()) return "layer count";
  if (!bit_identical(a.loss, b.loss)) return "loss";
  if (!bit_identical(a.penalty, b.penalty)) return "penalty";
  if (!bit_identical(a.scenario.optimizer_state.t, b.scenario.optimizer_state.t)) return "t";
  if (a.scenario.optimizer_state.layers.size() != b.scenario.optimizer_state.layers.size())
    return "optimizer state layer count";
  for (std::size_t k = 0; k < a.scenario.optimizer_state.layers.size(); ++k)
    for (int s = 0; s < kStateSlotCount; ++s) {
      const std::string l = "layer " + std::to_string(k + 1) + " " + std::string(state_slot_name(StateSlot(s)));
      if (!bit_identical(a.scenario.optimizer_state.layers[k].weights.tensors[s],
                         b.scenario.optimizer_state.layers[k].weights.tensors[s]))
        return l + " of the weights";
      if (!bit_identical(a.scenario.optimizer_state.layers[k].bias.tensors[s],
                         b.scenario.optimizer_state.layers[k].bias.tensors[s]))
        return l + " of the bias";
    }
  if (!bit_identical(a.scenario.inputs, b.scenario.inputs)) return "inputs";
  if (!bit_identical(a.scenario.targets, b.scenario.targets)) return "targets";
  if (!bit_identical(a.batch_rows, b.batch_rows)) return "batch_rows";
  for (std::size_t k = 0; k < a.layers.size(); ++k) {
    const std::string l = "layer " + std::to_string(k + 1) + " ";
    const LayerState& x = a.layers[k];
    const LayerState& y = b.layers[k];
    if (!bit_identical(a.scenario.layers[k].weights, b.scenario.layers[k].weights)) return l + "weights";
    if (!bit_identical(a.scenario.layers[k].bias, b.scenario.layers[k].bias)) return l + "bias";
    if (!bit_identical(x.pre_activation, y.pre_activation)) return l + "pre_activation";
    if (!bit_identical(x.activation, y.activation)) return l + "activation";
    if (!bit_identical(x.grad_activation, y.grad_activation)) return l + "grad_activation";
    if (!bit_identical(x.delta, y.delta)) return l + "delta";
    if (!bit_identical(x.grad_weights, y.grad_weights)) return l + "grad_weights";
    if (!bit_identical(x.grad_bias, y.grad_bias)) return l + "grad_bias";
    if (!bit_identical(x.mask, y.mask)) return l + "mask";
    if (!bit_identical(x.mean, y.mean)) return l + "mean";
    if (!bit_identical(x.variance, y.variance)) return l + "variance";
    if (!bit_identical(x.normalized, y.normalized)) return l + "normalized";
    if (!bit_identical(x.patches, y.patches)) return l + "patches";
    if (!bit_identical(a.scenario.layers[k].running_mean, b.scenario.layers[k].running_mean)) return l + "running_mean";
    if (!bit_identical(a.scenario.layers[k].running_var, b.scenario.layers[k].running_var)) return l + "running_var";
  }
  return "";
}

// The loader's one-line error for a scenario's text ("net.json: FIELD:
// problem"), or "" when it loads.
inline std::string load_error(const std::string& text) {
  try {
    parse_scenario(text, "net.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

inline Eigen::MatrixXd random_matrix(std::mt19937_64& rng, int rows, int cols, double lo, double hi) {
  std::uniform_real_distribution<double> u(lo, hi);
  Eigen::MatrixXd m(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m(r, c) = u(rng);
  return m;
}

// Targets that make sense for the loss and the last activation: probability
// rows for cross-entropy on softmax, values in (0, 1) for the other
// cross-entropies, anything for mse.
inline Eigen::MatrixXd random_targets(std::mt19937_64& rng, const Loss& loss, const Activation& last,
                                      int batch, int n) {
  if (loss.name == "mse") return random_matrix(rng, batch, n, -1.0, 1.0);
  Eigen::MatrixXd y = random_matrix(rng, batch, n, 0.05, 0.95);
  if (loss.name == "cross_entropy" && last.name == "softmax")
    for (int b = 0; b < batch; ++b) y.row(b) /= y.row(b).sum();
  return y;
}

// A random dense network. sizes[0] is the input size; activations[k] is layer k+1's.
inline Scenario random_scenario(std::mt19937_64& rng, const std::vector<int>& sizes,
                                const std::vector<const Activation*>& activations, const Loss& loss,
                                int batch, double weight_scale = 1.0) {
  Scenario sc;
  sc.name = "random";
  sc.input_size = sizes[0];
  for (std::size_t k = 1; k < sizes.size(); ++k) {
    Layer layer;
    layer.activation = activations[k - 1];
    layer.weights = random_matrix(rng, sizes[k - 1], sizes[k], -weight_scale, weight_scale);
    layer.bias = random_matrix(rng, 1, sizes[k], -0.5, 0.5);
    sc.layers.push_back(layer);
  }
  sc.loss = &loss;
  sc.learning_rate = 0.1;
  sc.inputs = random_matrix(rng, batch, sizes[0], -1.0, 1.0);
  sc.targets = random_targets(rng, loss, *activations.back(), batch, sizes.back());
  return sc;
}

inline const Activation& activation(const char* name) {
  const Activation* a = find_activation(name);
  EXPECT_NE(a, nullptr) << name;
  return *a;
}
inline const Loss& loss(const char* name) {
  const Loss* l = find_loss(name);
  EXPECT_NE(l, nullptr) << name;
  return *l;
}

}  // namespace bpv::test
