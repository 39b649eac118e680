// A cursor over the op list of one training step, with exact step back.
//
// cursor() is the number of ops applied: 0 = nothing computed yet, op_count()
// = the whole step done (weights updated). Each applied op leaves a snapshot
// of the buffer it overwrote, so step_back() restores it bit for bit.
//
// Edits use immediate recomputation: replace_scenario() swaps the start-of-step
// scenario and replays the ops up to the same cursor, so no value on screen is
// ever left over from before an edit. (A full replay of 784-128-64-10, batch
// 32, is about a millisecond.)
#pragma once
#include <cstddef>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/op_cursor.hpp"
#include "engine/ops.hpp"

namespace bpv {

struct NonFiniteReport {
  std::size_t op_index;  // the first op whose output holds a NaN or ±∞
  std::string op_title;
};

class Stepper {
 public:
  explicit Stepper(Scenario scenario);

  const Scenario& scenario() const { return start_; }  // at the start of this step
  // Changes whenever the start of the step does (a new stepper, an edit, the
  // next step) and never otherwise: what depends on the whole step (the
  // canvas' colour scales) is recomputed when it moves.
  std::uint64_t start_id() const { return start_id_; }
  const PassState& state() const { return state_; }   // after cursor() ops
  const std::vector<Op>& ops() const { return ops_; }
  std::size_t cursor() const { return steps_.cursor(); }
  std::size_t op_count() const { return ops_.size(); }
  bool at_end() const { return cursor() == op_count(); }
  // The op applied last (cursor() − 1), if any.
  const Op* last_op() const { return cursor() == 0 ? nullptr : &ops_[cursor() - 1]; }

  bool step_forward();
  bool step_back();
  void jump_to(std::size_t k);  // clamped to [0, op_count()]
  void run_to_phase_end();      // apply ops while they share the next op's phase
  void reset() { jump_to(0); }

  // What op k (k < cursor()) overwrote: the old value of its output buffer.
  const Eigen::MatrixXd& value_before(std::size_t k) const { return steps_.undo(k).written; }
  // Whether a buffer holds a value computed in this step at the cursor (inputs,
  // targets, weights and biases always do).
  bool is_computed(BufferRef ref) const;
  std::optional<NonFiniteReport> first_non_finite() const { return non_finite_; }

  // Start over from another scenario (an edit) and recompute up to the same
  // cursor, clamped to the new op list.
  // The scenario is copied into the existing buffers: with the same layout
  // nothing is allocated, which keeps an edit of a wide net cheap.
  void replace_scenario(const Scenario& scenario);
  // After the update ops: the updated weights become the next step's start.
  // Returns false (and does nothing) unless at_end().
  bool begin_next_step();

 private:
  // What op k overwrote: its output, and what else it writes.
  struct Undo {
    Eigen::MatrixXd written;
    std::array<Eigen::MatrixXd, 2> also;  // of Op::also_writes
  };
  class Program;  // the view of ops_ and state_ that steps_ drives (stepper.cpp)
  void rebuild(std::size_t target_cursor);

  Scenario start_;
  std::vector<Op> ops_;
  PassState state_;
  OpCursor<Undo> steps_;
  std::uint64_t start_id_ = 0;
  std::optional<NonFiniteReport> non_finite_;
};

}  // namespace bpv
