#include "engine/stepper.hpp"

#include <atomic>

#include "engine/describe.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/scenario_compare.hpp"

namespace bpv {

Stepper::Stepper(Scenario scenario) : start_(std::move(scenario)) {
  conform_optimizer_state(start_);
  rebuild(0);
}

namespace {

// Same architecture and batch: the op list and every buffer keep their shapes.
bool same_layout(const PassState& state, const Scenario& sc) {
  const Scenario& old = state.scenario;
  if (!same_shape(old, sc)) return false;
  // Which buffers the output layer's loss ops read depends on its activation
  // and the loss (ops.cpp, build_ops).
  const int last = sc.layer_count();
  return uses_logits(*old.loss, *old.layers[last - 1].activation) ==
         uses_logits(*sc.loss, *sc.layers[last - 1].activation);
}

}  // namespace

void Stepper::rebuild(std::size_t target_cursor) {
  // Every new start of a step gets a new number, unique in the process.
  static std::atomic<std::uint64_t> next_start_id{1};
  start_id_ = next_start_id++;
  // The optimizer and the regularization decide which ops there are too.
  if (!ops_.empty() && same_layout(state_, start_) && build_ops(start_) == ops_) {
    // Reuse every buffer: copy the start in, and zero what the ops compute so
    // the state equals a freshly made one.
    state_.scenario = start_;
    for (LayerState& ls : state_.layers) {
      ls.pre_activation.setZero();
      ls.activation.setZero();
      ls.grad_activation.setZero();
      ls.delta.setZero();
      ls.grad_weights.setZero();
      ls.grad_bias.setZero();
    }
    state_.loss.setZero();
    state_.penalty.setZero();
    state_.order_epoch = -1;  // the data set or its batching may have changed
    conform_batch(state_);
  } else {
    ops_ = build_ops(start_);
    state_ = make_pass_state(start_);
    steps_.restart_with_new_ops();
  }
  steps_.restart();
  non_finite_.reset();
  jump_to(target_cursor);
}

// Op k of this step, as OpCursor steps it: it keeps the buffers the op
// overwrites, applies it, and notes the first op whose output is not finite.
class Stepper::Program {
 public:
  explicit Program(Stepper& s) : s_(s) {}
  std::size_t size() const { return s_.ops_.size(); }
  Phase phase(std::size_t k) const { return s_.ops_[k].phase; }
  void keep(std::size_t k, Undo& u) const {
    const Op& op = s_.ops_[k];
    u.written = buffer_matrix(s_.state_, op.writes);  // same shape as last time: no allocation
    for (int w = 0; w < op.also_write_count; ++w) u.also[w] = buffer_matrix(s_.state_, op.also_writes[w]);
  }
  void apply(std::size_t k) const {
    const Op& op = s_.ops_[k];
    apply_op(op, s_.state_);
    if (!s_.non_finite_ && !buffer_matrix(s_.state_, op.writes).allFinite())
      s_.non_finite_ = NonFiniteReport{k, describe_title(op, s_.start_)};
  }
  void restore(std::size_t k, Undo& u) const {
    const Op& op = s_.ops_[k];
    // swap, not move: the slot keeps its storage for the next step forward.
    buffer_matrix(s_.state_, op.writes).swap(u.written);
    for (int w = 0; w < op.also_write_count; ++w) buffer_matrix(s_.state_, op.also_writes[w]).swap(u.also[w]);
    // Back to the batch before: the B-row buffers take its size again.
    if (op.kind == OpKind::MiniBatch) conform_batch(s_.state_);
    if (s_.non_finite_ && s_.non_finite_->op_index >= k) s_.non_finite_.reset();
  }

 private:
  Stepper& s_;
};

bool Stepper::step_forward() { return steps_.step_forward(Program(*this)); }
bool Stepper::step_back() { return steps_.step_back(Program(*this)); }
void Stepper::jump_to(std::size_t k) { steps_.jump_to(Program(*this), k); }
void Stepper::run_to_phase_end() { steps_.run_to_phase_end(Program(*this)); }

bool Stepper::is_computed(BufferRef ref) const {
  auto writes = [&](const Op& op) {
    if (op.writes == ref) return true;
    for (int w = 0; w < op.also_write_count; ++w)
      if (op.also_writes[w] == ref) return true;
    return false;
  };
  // With a data set the mini-batch op writes x and y: before it they hold the
  // last step's rows.
  if (ref.buffer == Buffer::Input || ref.buffer == Buffer::Target || ref.buffer == Buffer::BatchRows)
    for (std::size_t k = 0; k < op_count(); ++k)
      if (writes(ops_[k])) return k < cursor();
  switch (ref.buffer) {
    case Buffer::Input:
    case Buffer::Target:
    case Buffer::Weights:
    case Buffer::Bias:
    case Buffer::LearningRate:
    case Buffer::Step:  // t and the optimizer state carry over from the last step
    case Buffer::WeightState:
    case Buffer::BiasState:
    case Buffer::BatchRows:
    case Buffer::RunningMean:
    case Buffer::RunningVariance:
      return true;
    default:
      break;
  }
  for (std::size_t k = 0; k < cursor(); ++k)
    if (ops_[k].writes == ref) return true;
  return false;
}

void Stepper::replace_scenario(const Scenario& scenario) {
  start_ = scenario;
  conform_optimizer_state(start_);
  rebuild(cursor());
}

bool Stepper::begin_next_step() {
  if (!at_end()) return false;
  start_ = state_.scenario;  // holds the updated weights and biases
  advance_progress(start_);
  rebuild(0);
  return true;
}

}  // namespace bpv
