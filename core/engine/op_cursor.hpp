// A cursor over one training step's op list, with exact step back: the one
// driver that steps a network (Stepper) and an expression (ExprStepper).
//
// What it steps is a *step program*, a small view of an engine's op list and
// state that knows how to keep, apply and restore op k:
//
//   struct SomeProgram {
//     std::size_t size() const;                  // how many ops the step has
//     Phase phase(std::size_t k) const;          // op k's phase
//     void keep(std::size_t k, Undo& u) const;   // before op k: what it will overwrite
//     void apply(std::size_t k) const;           // op k's math
//     void restore(std::size_t k, Undo& u) const;  // put back what keep() saved
//   };
//
// A new kind of engine steps, rewinds and runs to a phase's end by writing
// those five functions; the cursor, its undo storage and the stepping rules
// are this file's alone.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

namespace bpv {

template <class Undo>
class OpCursor {
 public:
  // The number of ops applied: 0 = nothing computed, size() = the step done.
  std::size_t cursor() const { return cursor_; }
  // What op k (k < cursor()) overwrote.
  const Undo& undo(std::size_t k) const { return undo_[k]; }

  template <class Program>
  bool step_forward(const Program& program) {
    if (cursor_ >= program.size()) return false;
    const std::size_t k = cursor_;
    if (undo_.size() <= k) undo_.resize(k + 1);
    // The slot kept its storage from the last time op k ran: same shapes,
    // no allocation.
    program.keep(k, undo_[k]);
    program.apply(k);
    ++cursor_;
    return true;
  }

  template <class Program>
  bool step_back(const Program& program) {
    if (cursor_ == 0) return false;
    --cursor_;
    program.restore(cursor_, undo_[cursor_]);
    return true;
  }

  template <class Program>
  void jump_to(const Program& program, std::size_t k) {
    k = std::min(k, program.size());
    while (cursor_ < k) step_forward(program);
    while (cursor_ > k) step_back(program);
  }

  // Applies ops while they share the next op's phase.
  template <class Program>
  void run_to_phase_end(const Program& program) {
    if (cursor_ >= program.size()) return;
    const auto phase = program.phase(cursor_);
    while (cursor_ < program.size() && program.phase(cursor_) == phase) step_forward(program);
  }

  // Back to nothing applied without restoring anything: the caller has reset
  // the state itself. The undo slots stay as spare storage.
  void restart() { cursor_ = 0; }
  // The same for a new op list, whose ops write other shapes.
  void restart_with_new_ops() {
    cursor_ = 0;
    undo_.clear();
  }

 private:
  std::vector<Undo> undo_;  // slots from cursor_ on are spare storage
  std::size_t cursor_ = 0;
};

}  // namespace bpv
