#include "insight/layer_gradients.hpp"

#include <cmath>

#include "engine/train.hpp"

namespace bpv {

std::vector<LayerGradientSize> layer_gradient_sizes(const Scenario& scenario) {
  // One step of the fast path computes every ∂L/∂Wˡ with the same ops as the
  // stepper (its update comes after and does not touch them).
  Trainer trainer(scenario);
  trainer.step();
  std::vector<LayerGradientSize> sizes;
  for (const LayerState& ls : trainer.state().layers) {
    const Eigen::MatrixXd& g = ls.grad_weights;
    LayerGradientSize s;
    if (g.size() > 0) {
      s.rms = std::sqrt(g.squaredNorm() / static_cast<double>(g.size()));
      s.max_abs = g.cwiseAbs().maxCoeff();
    }
    sizes.push_back(s);
  }
  return sizes;
}

Scenario with_hidden_activation(const Scenario& scenario, std::string_view activation) {
  Scenario out = scenario;
  const Activation* act = find_activation(activation);
  if (!act) return out;
  for (int l = 1; l < out.layer_count(); ++l) out.layers[l - 1].activation = act;
  return out;
}

bool gradients_vanish(const std::vector<LayerGradientSize>& sizes) {
  if (sizes.size() < 4 || !(sizes.front().rms > 0.0)) return false;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l)
    if (!(sizes[l].rms <= (2.0 / 3.0) * sizes[l + 1].rms)) return false;
  return sizes.back().rms >= 10.0 * sizes.front().rms;
}

}  // namespace bpv
