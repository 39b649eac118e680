#include "gradcheck.hpp"

#include <algorithm>
#include <cmath>

#include "train.hpp"

namespace bpv {
namespace {

// The forward and loss ops of a step, and where each layer's forward starts:
// a change to layer l's parameters only needs the ops from affine(l) on.
struct ForwardProbe {
  std::vector<Op> ops;            // forward + loss, in order
  std::vector<std::size_t> start;  // start[l−1]: index of affine(l) in ops
  PassState state;

  explicit ForwardProbe(const Scenario& scenario) : state(make_pass_state(scenario)) {
    for (const Op& op : build_ops(scenario)) {
      if (op.phase != Phase::Forward && op.phase != Phase::Loss) break;
      if (op.kind == OpKind::Affine) start.push_back(ops.size());
      ops.push_back(op);
    }
    run_from(1);
  }
  double run_from(int layer) {
    for (std::size_t k = start[layer - 1]; k < ops.size(); ++k) apply_op(ops[k], state);
    return state.loss_value();
  }
};

bool has_kink(const Activation* a) { return a->name == "relu" || a->name == "leaky_relu"; }

// Signs of every pre-activation that feeds a kinked activation, from layer l on.
void kink_signs(const PassState& st, int l, std::vector<bool>& out) {
  out.clear();
  for (int k = l; k <= st.scenario.layer_count(); ++k) {
    if (!has_kink(st.scenario.layers[k - 1].activation)) continue;
    const Eigen::MatrixXd& z = st.layers[k - 1].pre_activation;
    for (Eigen::Index i = 0; i < z.size(); ++i) out.push_back(z.data()[i] > 0.0);
  }
}

}  // namespace

double forward_loss(const Scenario& scenario) { return ForwardProbe(scenario).state.loss_value(); }

GradCheckResult gradcheck(const Scenario& scenario, std::size_t max_parameters) {
  // The analytic gradients: one step through the shared op list.
  Trainer trainer(scenario);
  trainer.step();
  const PassState& analytic = trainer.state();

  GradCheckResult result;
  ForwardProbe probe(scenario);
  std::vector<bool> signs_up, signs_down;
  // Returns false when the probe crossed a ReLU kink: the loss is not
  // differentiable in between, so finite differences say nothing there.
  auto numeric_derivative = [&](int l, double& param, double& derivative) {
    const double w = param;
    const double h = 1e-4 * std::max(1.0, std::abs(w));
    bool smooth = true;
    auto central = [&](double step) {
      param = w + step;
      const double up = probe.run_from(l);
      kink_signs(probe.state, l, signs_up);
      param = w - step;
      const double down = probe.run_from(l);
      kink_signs(probe.state, l, signs_down);
      smooth = smooth && signs_up == signs_down;
      return (up - down) / (2.0 * step);
    };
    derivative = (4.0 * central(h / 2) - central(h)) / 3.0;
    param = w;
    probe.run_from(l);
    return smooth;
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

  for (const Layer& layer : scenario.layers)
    result.parameter_count += static_cast<std::size_t>(layer.weights.size() + layer.bias.size());
  max_parameters = std::max<std::size_t>(1, max_parameters);
  const std::size_t stride = std::max<std::size_t>(1, (result.parameter_count + max_parameters - 1) / max_parameters);
  std::size_t index = 0;
  auto check = [&](int l, bool is_bias, int r, int c, double analytic_value, double& param) {
    if (index++ % stride != 0) return;
    double numeric = 0.0;
    if (numeric_derivative(l, param, numeric)) record(l, is_bias, r, c, analytic_value, numeric);
    else ++result.skipped_at_kinks;
  };
  for (int l = 1; l <= scenario.layer_count(); ++l) {
    Layer& layer = probe.state.scenario.layers[l - 1];
    const LayerState& ls = analytic.layers[l - 1];
    for (int i = 0; i < layer.weights.rows(); ++i)
      for (int j = 0; j < layer.weights.cols(); ++j) check(l, false, i, j, ls.grad_weights(i, j), layer.weights(i, j));
    for (int j = 0; j < layer.bias.cols(); ++j) check(l, true, 0, j, ls.grad_bias(0, j), layer.bias(0, j));
  }
  return result;
}

GradCheckMaps gradcheck_maps(const GradCheckResult& result, const Scenario& scenario) {
  GradCheckMaps maps;
  for (const Layer& layer : scenario.layers) {
    maps.weights.push_back(Eigen::MatrixXd::Constant(layer.weights.rows(), layer.weights.cols(), NAN));
    maps.bias.push_back(Eigen::MatrixXd::Constant(1, layer.bias.cols(), NAN));
  }
  for (const GradCheckEntry& e : result.entries) {
    if (e.layer < 1 || e.layer > scenario.layer_count()) continue;
    Eigen::MatrixXd& m = e.is_bias ? maps.bias[e.layer - 1] : maps.weights[e.layer - 1];
    if (e.row < m.rows() && e.col < m.cols()) m(e.row, e.col) = e.relative_error;
  }
  return maps;
}

}  // namespace bpv
