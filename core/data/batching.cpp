#include "data/batching.hpp"

#include <algorithm>
#include <random>

#include "engine/random.hpp"

namespace bpv {

long long steps_per_epoch(int rows, const std::optional<Batching>& batching) {
  if (!batching || rows <= 0) return 1;
  return (rows + batching->size - 1) / batching->size;
}

void epoch_order(int rows, const std::optional<Batching>& batching, long long epoch, std::vector<int>& order) {
  order.resize(static_cast<std::size_t>(rows));
  for (int k = 0; k < rows; ++k) order[k] = k;
  if (!batching || !batching->shuffle) return;
  // Fisher–Yates from a stream of (seed, epoch): any epoch's order is known
  // without drawing the ones before it.
  std::mt19937_64 rng(mix_seed(batching->seed, static_cast<std::uint64_t>(epoch)));
  for (int k = rows - 1; k > 0; --k)
    std::swap(order[k], order[uniform_index(rng, static_cast<std::uint64_t>(k) + 1)]);
}

BatchSpan batch_span(int rows, const std::optional<Batching>& batching, const Progress& progress) {
  if (!batching) return {0, rows};
  const long long first = progress.step_in_epoch * batching->size;
  const long long count = std::min<long long>(batching->size, rows - first);
  return {static_cast<int>(first), static_cast<int>(std::max<long long>(count, 0))};
}

Progress next_progress(int rows, const std::optional<Batching>& batching, const Progress& p) {
  Progress next = p;
  ++next.step;
  if (++next.step_in_epoch >= steps_per_epoch(rows, batching)) {
    next.step_in_epoch = 0;
    ++next.epoch;
  }
  return next;
}

std::vector<int> batch_rows(int rows, const std::optional<Batching>& batching, const Progress& progress) {
  std::vector<int> order;
  epoch_order(rows, batching, progress.epoch, order);
  const BatchSpan span = batch_span(rows, batching, progress);
  return {order.begin() + span.first, order.begin() + span.first + span.count};
}

}  // namespace bpv
