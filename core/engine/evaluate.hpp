// The data loss of a network over a whole set of rows (the training set or
// the test set at an epoch's end): the forward ops and the loss op of the
// same op list, over buffers sized once for the set, so the numbers are
// those the training step would compute on those rows.
#pragma once
#include <vector>

#include "engine/ops.hpp"

namespace bpv {

class SetEvaluator {
 public:
  // `raw` / `targets`: the rows before features (the scenario's own are applied).
  SetEvaluator(const Scenario& scenario, const Eigen::MatrixXd& raw, const Eigen::MatrixXd& targets);
  // (1/N) Σ_n L_n with the weights and biases of `weights` (same architecture);
  // no penalty. No allocation after the first call.
  double data_loss(const Scenario& weights);
  int rows() const { return static_cast<int>(state_.scenario.inputs.rows()); }

 private:
  std::vector<Op> ops_;
  PassState state_;
};

// The training set and the test set of a scenario (raw rows and targets).
const Eigen::MatrixXd& training_raw(const Scenario& scenario);
const Eigen::MatrixXd& training_targets(const Scenario& scenario);

}  // namespace bpv
