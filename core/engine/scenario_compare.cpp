#include "engine/scenario_compare.hpp"

namespace bpv {
namespace {

bool same_matrix(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  return x.rows() == y.rows() && x.cols() == y.cols() && x == y;
}

// The optimizer, its hyperparameters and its state: two networks with the same
// weights but different momenta train differently.
bool same_optimizer(const Scenario& a, const Scenario& b) {
  if (!(a.optimizer == b.optimizer)) return false;
  const OptimizerState &x = a.optimizer_state, &y = b.optimizer_state;
  if (x.step() != y.step() || x.layers.size() != y.layers.size()) return false;
  for (std::size_t l = 0; l < x.layers.size(); ++l)
    for (int s = 0; s < kStateSlotCount; ++s)
      if (!same_matrix(x.layers[l].weights.tensors[s], y.layers[l].weights.tensors[s]) ||
          !same_matrix(x.layers[l].bias.tensors[s], y.layers[l].bias.tensors[s]))
        return false;
  return true;
}

}  // namespace

bool same_shape(const Scenario& a, const Scenario& b) {
  if (a.input_size != b.input_size || a.layer_count() != b.layer_count() || a.batch_size() != b.batch_size())
    return false;
  for (int l = 1; l <= a.layer_count(); ++l)
    if (a.width(l) != b.width(l)) return false;
  return true;
}

bool same_gradients(const Scenario& a, const Scenario& b) {
  if (!same_shape(a, b) || a.loss != b.loss || !(a.regularization == b.regularization) ||
      !same_matrix(a.inputs, b.inputs) || !same_matrix(a.targets, b.targets))
    return false;
  for (int l = 0; l < a.layer_count(); ++l) {
    const Layer &x = a.layers[l], &y = b.layers[l];
    if (x.activation != y.activation || !same_matrix(x.weights, y.weights) || !same_matrix(x.bias, y.bias))
      return false;
  }
  return true;
}

bool same_network(const Scenario& a, const Scenario& b) {
  return same_gradients(a, b) && a.learning_rate == b.learning_rate && same_optimizer(a, b);
}

}  // namespace bpv
