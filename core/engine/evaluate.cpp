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
  // Every parameter and running statistic; same sizes, so no allocation.
  for (std::size_t k = 0; k < state_.scenario.layers.size(); ++k) state_.scenario.layers[k] = weights.layers[k];
  for (const Op& op : ops_) apply_op(op, state_);
  return state_.data_loss();
}

namespace {

bool all_rows(const Eigen::MatrixXd& targets, bool (*fits)(const Eigen::MatrixXd&, Eigen::Index)) {
  for (Eigen::Index r = 0; r < targets.rows(); ++r)
    if (!fits(targets, r)) return false;
  return true;
}

bool zero_or_one(const Eigen::MatrixXd& t, Eigen::Index r) { return t(r, 0) == 0.0 || t(r, 0) == 1.0; }
bool minus_or_plus_one(const Eigen::MatrixXd& t, Eigen::Index r) { return t(r, 0) == -1.0 || t(r, 0) == 1.0; }
bool one_hot(const Eigen::MatrixXd& t, Eigen::Index r) {
  int ones = 0;
  for (Eigen::Index j = 0; j < t.cols(); ++j) {
    if (t(r, j) == 1.0) ++ones;
    else if (t(r, j) != 0.0) return false;
  }
  return ones == 1;
}

}  // namespace

Classifier classifier_of(const Scenario& sc) {
  Classifier c;
  if (sc.layers.empty()) return c;
  const Eigen::MatrixXd& train = training_targets(sc);
  const Eigen::MatrixXd& test = sc.data.test_targets;
  const bool tanh = sc.layers.back().activation && sc.layers.back().activation->name == "tanh";
  bool (*fits)(const Eigen::MatrixXd&, Eigen::Index) = one_hot;
  if (sc.output_size() == 1) {
    c.one_output = true;
    c.threshold = tanh ? 0.0 : 0.5;
    fits = tanh ? minus_or_plus_one : zero_or_one;
  } else if (sc.output_size() < 2) {
    return c;
  }
  c.active = train.rows() > 0 && all_rows(train, fits) && (test.rows() == 0 || all_rows(test, fits));
  return c;
}

int Classifier::predicted_class(const Eigen::MatrixXd& outputs, Eigen::Index row) const {
  if (one_output) return outputs(row, 0) >= threshold ? 1 : 0;
  Eigen::Index best = 0;  // the first on a tie
  for (Eigen::Index j = 1; j < outputs.cols(); ++j)
    if (outputs(row, j) > outputs(row, best)) best = j;
  return static_cast<int>(best);
}

int Classifier::target_class(const Eigen::MatrixXd& targets, Eigen::Index row) const {
  if (one_output) return targets(row, 0) > 0.0 ? 1 : 0;
  return predicted_class(targets, row);
}

double SetEvaluator::accuracy(const Classifier& classifier) const {
  const Eigen::MatrixXd& outputs = state_.layers.back().activation;
  const Eigen::MatrixXd& targets = state_.scenario.targets;
  if (outputs.rows() == 0) return 0.0;
  Eigen::Index right = 0;
  for (Eigen::Index r = 0; r < outputs.rows(); ++r)
    right += classifier.predicted_class(outputs, r) == classifier.target_class(targets, r);
  return static_cast<double>(right) / static_cast<double>(outputs.rows());
}

const Eigen::MatrixXd& training_raw(const Scenario& sc) { return sc.data.active() ? sc.data.train_raw : sc.inputs; }
const Eigen::MatrixXd& training_targets(const Scenario& sc) {
  return sc.data.active() ? sc.data.train_targets : sc.targets;
}

}  // namespace bpv
