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
    undo_.clear();
    undo_also_.clear();
  }
  cursor_ = 0;
  non_finite_.reset();
  jump_to(target_cursor);
}

bool Stepper::step_forward() {
  if (at_end()) return false;
  const std::size_t k = cursor_;
  const Op& op = ops_[k];
  Eigen::MatrixXd& out = buffer_matrix(state_, op.writes);
  if (undo_.size() <= k) undo_.emplace_back();
  undo_[k] = out;  // same shape as last time: no allocation
  for (int w = 0; w < op.also_write_count; ++w) {
    if (undo_also_.size() <= k) undo_also_.resize(k + 1);
    undo_also_[k][w] = buffer_matrix(state_, op.also_writes[w]);
  }
  apply_op(op, state_);
  ++cursor_;
  if (!non_finite_ && !out.allFinite()) non_finite_ = NonFiniteReport{k, describe_title(op, start_)};
  return true;
}

bool Stepper::step_back() {
  if (cursor_ == 0) return false;
  const std::size_t k = --cursor_;
  // swap, not move: the slot keeps its storage for the next step forward.
  const Op& op = ops_[k];
  buffer_matrix(state_, op.writes).swap(undo_[k]);
  for (int w = 0; w < op.also_write_count; ++w) buffer_matrix(state_, op.also_writes[w]).swap(undo_also_[k][w]);
  // Back to the batch before: the B-row buffers take its size again.
  if (op.kind == OpKind::MiniBatch) conform_batch(state_);
  if (non_finite_ && non_finite_->op_index >= k) non_finite_.reset();
  return true;
}

void Stepper::jump_to(std::size_t k) {
  if (k > op_count()) k = op_count();
  while (cursor() < k) step_forward();
  while (cursor() > k) step_back();
}

void Stepper::run_to_phase_end() {
  if (at_end()) return;
  const Phase phase = ops_[cursor()].phase;
  while (!at_end() && ops_[cursor()].phase == phase) step_forward();
}

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
