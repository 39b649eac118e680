#include "engine/gradcheck.hpp"

#include <algorithm>
#include <cmath>

#include "engine/train.hpp"

namespace bpv {

// The forward and loss ops of a step, and where each layer's forward starts:
// a change to layer l's parameters only needs the ops from affine(l) on.
struct ForwardProbe {
  std::vector<Op> ops;            // forward + loss, in order
  std::vector<std::size_t> start;  // start[l−1]: index of layer l's first forward op in ops
  PassState state;

  // A dropout layer after l draws the same mask again (the same step): the
  // masks are held fixed, as formats.md §6 says.
  explicit ForwardProbe(const Scenario& scenario) : state(make_pass_state(scenario)) {
    for (const Op& op : build_ops(scenario)) {
      if (op.phase != Phase::Forward && op.phase != Phase::Loss) break;
      if (op.phase == Phase::Forward && op.kind != OpKind::MiniBatch && static_cast<int>(start.size()) < op.layer)
        start.push_back(ops.size());
      ops.push_back(op);
    }
    run_from(1);
  }
  double run_from(int layer) {
    for (std::size_t k = start[layer - 1]; k < ops.size(); ++k) apply_op(ops[k], state);
    return state.loss_value();
  }
};

namespace {

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

// Returns false when the probe crossed a ReLU kink: the loss is not
// differentiable in between, so finite differences say nothing there.
bool GradChecker::numeric_derivative(int l, double& param, double& derivative) {
  ForwardProbe& probe = *probe_;
  const double w = param;
  const double h = 1e-4 * std::max(1.0, std::abs(w));
  bool smooth = true;
  auto central = [&](double step) {
    param = w + step;
    const double up = probe.run_from(l);
    kink_signs(probe.state, l, signs_up_);
    param = w - step;
    const double down = probe.run_from(l);
    kink_signs(probe.state, l, signs_down_);
    smooth = smooth && signs_up_ == signs_down_;
    return (up - down) / (2.0 * step);
  };
  derivative = (4.0 * central(h / 2) - central(h)) / 3.0;
  param = w;
  probe.run_from(l);
  return smooth;
}

GradChecker::GradChecker(const Scenario& scenario, std::size_t max_parameters)
    : analytic_(std::make_unique<Trainer>(scenario)), probe_(std::make_unique<ForwardProbe>(scenario)) {
  analytic_->step();  // the analytic gradients: one step through the shared op list
  for (const Layer& layer : scenario.layers)
    result_.parameter_count += static_cast<std::size_t>(layer.weights.size() + layer.bias.size());
  max_parameters = std::max<std::size_t>(1, max_parameters);
  stride_ = std::max<std::size_t>(1, (result_.parameter_count + max_parameters - 1) / max_parameters);
}

GradChecker::~GradChecker() = default;

std::size_t GradChecker::to_check() const { return (result_.parameter_count + stride_ - 1) / stride_; }

bool GradChecker::check_next() {
  if (done()) return false;
  // The index-th parameter in layer order: layer l's weights row by row, then its bias.
  std::size_t k = index_;
  int l = 1;
  for (;; ++l) {
    const Layer& layer = probe_->state.scenario.layers[l - 1];
    const auto n = static_cast<std::size_t>(layer.weights.size() + layer.bias.size());
    if (k < n) break;
    k -= n;
  }
  Layer& layer = probe_->state.scenario.layers[l - 1];
  const LayerState& ls = analytic_->state().layers[l - 1];
  const auto n_weights = static_cast<std::size_t>(layer.weights.size());
  const bool is_bias = k >= n_weights;
  const int r = is_bias ? 0 : static_cast<int>(k / static_cast<std::size_t>(layer.weights.cols()));
  const int c = is_bias ? static_cast<int>(k - n_weights) : static_cast<int>(k % static_cast<std::size_t>(layer.weights.cols()));
  double& param = is_bias ? layer.bias(0, c) : layer.weights(r, c);
  const double analytic = is_bias ? ls.grad_bias(0, c) : ls.grad_weights(r, c);
  double numeric = 0.0;
  if (numeric_derivative(l, param, numeric)) {
    const double denom = std::max({std::abs(analytic), std::abs(numeric), kGradCheckFloor});
    const double err = std::abs(analytic - numeric) / denom;
    result_.entries.push_back({l, is_bias, r, c, analytic, numeric, err});
    if (!(err <= result_.max_relative_error)) {  // also catches NaN
      result_.max_relative_error = err;
      result_.worst = static_cast<int>(result_.entries.size()) - 1;
    }
  } else {
    ++result_.skipped_at_kinks;
  }
  index_ += stride_;
  ++checked_;
  return !done();
}

GradCheckResult gradcheck(const Scenario& scenario, std::size_t max_parameters) {
  GradChecker checker(scenario, max_parameters);
  while (checker.check_next()) {
  }
  return checker.result();
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
