#include "engine/confusion.hpp"

#include <algorithm>

#include "engine/evaluate.hpp"

namespace bpv {

int Confusion::row_total(int truth) const {
  int n = 0;
  for (int p = 0; p < classes; ++p) n += count(truth, p);
  return n;
}

int Confusion::total() const {
  int n = 0;
  for (int t = 0; t < classes; ++t) n += row_total(t);
  return n;
}

int Confusion::right() const {
  int n = 0;
  for (int t = 0; t < classes; ++t) n += count(t, t);
  return n;
}

std::optional<Confusion> confusion_matrix(const Scenario& weights, bool test_set) {
  const Classifier classifier = classifier_of(weights);
  if (!classifier.active) return std::nullopt;
  const Eigen::MatrixXd& raw = test_set ? weights.data.test_raw : training_raw(weights);
  const Eigen::MatrixXd& targets = test_set ? weights.data.test_targets : training_targets(weights);
  if (raw.rows() == 0) return std::nullopt;
  SetEvaluator set(weights, raw, targets);
  set.data_loss(weights);
  Confusion c;
  // One output: classes 0 and 1; else one class per output.
  c.classes = classifier.one_output ? 2 : static_cast<int>(set.outputs().cols());
  c.cells.assign(static_cast<std::size_t>(c.classes * c.classes), {});
  for (Eigen::Index r = 0; r < set.outputs().rows(); ++r) {
    const int t = std::clamp(classifier.target_class(set.targets(), r), 0, c.classes - 1);
    const int p = std::clamp(classifier.predicted_class(set.outputs(), r), 0, c.classes - 1);
    c.cells[static_cast<std::size_t>(t * c.classes + p)].push_back(static_cast<int>(r));
  }
  return c;
}

}  // namespace bpv
