// The fast path: many training steps with no per-op records. It runs the same
// op list through the same apply_op() as the Stepper, minus the snapshots, so
// the two paths give bit-identical numbers. After warm-up a step allocates
// nothing (tests/bench/test_zero_alloc.cpp counts mallocs to prove it; see
// docs/performance.md for the sizes this holds for).
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

#include "engine/ops.hpp"
#include "engine/stepper.hpp"

namespace bpv {

class Trainer {
 public:
  explicit Trainer(const Scenario& scenario)
      : ops_(build_ops(scenario)), state_(make_pass_state(scenario)) {}

  // One forward, loss, backward and SGD update; returns the loss before the update.
  double step() {
    for (const Op& op : ops_) apply_op(op, state_);
    advance_progress(state_.scenario);
    return state_.loss_value();
  }

  const PassState& state() const { return state_; }
  // The scenario with the trained weights.
  const Scenario& scenario() const { return state_.scenario; }

 private:
  std::vector<Op> ops_;
  PassState state_;
};

// Which op first produced a non-finite value within `steps` training steps
// from `scenario` (replays them op by op; only called once something went
// wrong). step_index is 0-based.
struct TrainingNonFinite {
  std::size_t step_index;
  NonFiniteReport op;
};
std::optional<TrainingNonFinite> find_first_non_finite(const Scenario& scenario,
                                                       std::size_t steps);

}  // namespace bpv
