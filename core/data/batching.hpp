// How a training set of N rows is cut into mini-batches (formats.md §5):
// epoch e is ⌈N/S⌉ steps over the rows in file order, or in a permutation
// drawn from (seed, e); the last step of an epoch takes what is left.
// Everything here is a function of (N, batching, progress), so any step of
// any epoch can be recomputed without replaying the ones before it.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "data/dataset.hpp"

namespace bpv {

// Steps per epoch: ⌈N/S⌉; without batching 1 (every step is a whole epoch).
long long steps_per_epoch(int rows, const std::optional<Batching>& batching);

// The order of the training rows in epoch `epoch`; `order` is resized only
// when N changes (no allocation from one epoch to the next).
void epoch_order(int rows, const std::optional<Batching>& batching, long long epoch,
                 std::vector<int>& order);

// The first row (into the epoch's order) and the row count of the step that
// `progress` points at.
struct BatchSpan {
  int first = 0;
  int count = 0;
};
BatchSpan batch_span(int rows, const std::optional<Batching>& batching, const Progress& progress);

// The position after one more training step.
Progress next_progress(int rows, const std::optional<Batching>& batching, const Progress& progress);

// The training-set indices of the step `progress` points at, in order.
std::vector<int> batch_rows(int rows, const std::optional<Batching>& batching, const Progress& progress);

}  // namespace bpv
