#include "gradcheck.hpp"

#include <algorithm>
#include <cmath>

#include "train.hpp"

namespace bpv {

double forward_loss(const Scenario& scenario) {
  PassState state = make_pass_state(scenario);
  for (const Op& op : build_ops(scenario)) {
    if (op.phase != Phase::Forward && op.phase != Phase::Loss) break;
    apply_op(op, state);
  }
  return state.loss_value();
}

GradCheckResult gradcheck(const Scenario& scenario) {
  // The analytic gradients: one step through the shared op list.
  Trainer trainer(scenario);
  trainer.step();
  const PassState& analytic = trainer.state();

  GradCheckResult result;
  Scenario probe = scenario;
  auto numeric_derivative = [&](double& param) {
    const double w = param;
    const double h = 1e-4 * std::max(1.0, std::abs(w));
    auto central = [&](double step) {
      param = w + step;
      const double up = forward_loss(probe);
      param = w - step;
      const double down = forward_loss(probe);
      param = w;
      return (up - down) / (2.0 * step);
    };
    return (4.0 * central(h / 2) - central(h)) / 3.0;
  };
  auto record = [&](int l, bool is_bias, int r, int c, double a, double n) {
    const double denom = std::max({std::abs(a), std::abs(n), kGradCheckFloor});
    const double err = std::abs(a - n) / denom;
    result.entries.push_back({l, is_bias, r, c, a, n, err});
    if (!(err <= result.max_relative_error)) {  // also catches NaN
      result.max_relative_error = err;
      result.worst = static_cast<int>(result.entries.size()) - 1;
    }
  };
  for (int l = 1; l <= scenario.layer_count(); ++l) {
    Layer& layer = probe.layers[l - 1];
    const LayerState& ls = analytic.layers[l - 1];
    for (int i = 0; i < layer.weights.rows(); ++i)
      for (int j = 0; j < layer.weights.cols(); ++j)
        record(l, false, i, j, ls.grad_weights(i, j), numeric_derivative(layer.weights(i, j)));
    for (int j = 0; j < layer.bias.cols(); ++j)
      record(l, true, 0, j, ls.grad_bias(0, j), numeric_derivative(layer.bias(0, j)));
  }
  return result;
}

}  // namespace bpv
