// The data loss of a network over a whole set of rows (the training set or
// the test set at an epoch's end): the forward ops and the loss op of the
// same op list, over buffers sized once for the set, so the numbers are
// those the training step would compute on those rows.
#pragma once
#include <vector>

#include "engine/ops.hpp"

namespace bpv {

// How a classifier's output and targets name a class (formats.md §5): one
// output thresholded at 0.5 (0 with tanh), or the largest of two or more.
struct Classifier {
  bool active = false;  // false: not a classifier, no accuracy
  bool one_output = false;
  double threshold = 0.5;
  int predicted_class(const Eigen::MatrixXd& outputs, Eigen::Index row) const;
  int target_class(const Eigen::MatrixXd& targets, Eigen::Index row) const;
};
// A classifier where the last layer is one neuron with 0/1 targets (−1/+1
// with tanh), or two or more neurons with one-hot targets, on the training
// set and the test set alike.
Classifier classifier_of(const Scenario& scenario);

class SetEvaluator {
 public:
  // `raw` / `targets`: the rows before features (the scenario's own are applied).
  SetEvaluator(const Scenario& scenario, const Eigen::MatrixXd& raw, const Eigen::MatrixXd& targets);
  // (1/N) Σ_n L_n with the weights and biases of `weights` (same architecture);
  // no penalty. No allocation after the first call.
  double data_loss(const Scenario& weights);
  int rows() const { return static_cast<int>(state_.scenario.inputs.rows()); }
  // The fraction of the rows whose predicted class is their target's, with
  // the outputs of the last data_loss() call (formats.md §5's accuracy).
  double accuracy(const Classifier& classifier) const;
  // The outputs of the last data_loss() call and the rows' targets.
  const Eigen::MatrixXd& outputs() const { return state_.layers.back().activation; }
  const Eigen::MatrixXd& targets() const { return state_.scenario.targets; }

 private:
  std::vector<Op> ops_;
  PassState state_;
};

// The training set and the test set of a scenario (raw rows and targets).
const Eigen::MatrixXd& training_raw(const Scenario& scenario);
const Eigen::MatrixXd& training_targets(const Scenario& scenario);

}  // namespace bpv
