#include "engine/evaluate.hpp"

namespace bpv {
namespace {

Scenario on_rows(const Scenario& scenario, const Eigen::MatrixXd& raw, const Eigen::MatrixXd& targets) {
  Scenario sc = scenario;
  compute_features(scenario.data.features, raw, sc.inputs);
  sc.targets = targets;
  sc.data = DataSet{};  // the rows are the batch: no mini-batch op
  sc.regularization = Regularization{};
  return sc;
}

}  // namespace

SetEvaluator::SetEvaluator(const Scenario& scenario, const Eigen::MatrixXd& raw, const Eigen::MatrixXd& targets)
    : state_(make_pass_state(on_rows(scenario, raw, targets))) {
  state_.evaluation = true;  // as PyTorch's eval(): no dropout
  for (const Op& op : build_ops(state_.scenario))
    if (op.phase == Phase::Forward || op.kind == OpKind::Loss) ops_.push_back(op);
}

double SetEvaluator::data_loss(const Scenario& weights) {
  for (std::size_t k = 0; k < state_.scenario.layers.size(); ++k) {
    state_.scenario.layers[k].weights = weights.layers[k].weights;
    state_.scenario.layers[k].bias = weights.layers[k].bias;
  }
  for (const Op& op : ops_) apply_op(op, state_);
  return state_.data_loss();
}

const Eigen::MatrixXd& training_raw(const Scenario& sc) { return sc.data.active() ? sc.data.train_raw : sc.inputs; }
const Eigen::MatrixXd& training_targets(const Scenario& sc) {
  return sc.data.active() ? sc.data.train_targets : sc.targets;
}

}  // namespace bpv
