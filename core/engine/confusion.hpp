// A classifier's confusion matrix over its training or test set: how many
// examples of each true class it predicts as each class, and which ones, in
// evaluation mode (batch norm's running statistics, no dropout), as the
// accuracy is counted (evaluate.hpp).
#pragma once
#include <optional>
#include <vector>

#include "engine/scenario.hpp"

namespace bpv {

struct Confusion {
  int classes = 0;
  // cells[t·classes + p]: the set's rows of true class t predicted as p.
  std::vector<std::vector<int>> cells;
  int count(int truth, int predicted) const {
    return static_cast<int>(cells[static_cast<std::size_t>(truth * classes + predicted)].size());
  }
  int row_total(int truth) const;
  int total() const;
  int right() const;  // the diagonal
};

// With the weights of `weights`; nullopt when it is no classifier (formats.md
// §5) or the set has no rows. test_set: the data set's test rows, else the
// training rows (or the scenario's inputs without a data set).
std::optional<Confusion> confusion_matrix(const Scenario& weights, bool test_set);

}  // namespace bpv
