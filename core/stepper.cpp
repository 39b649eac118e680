#include "stepper.hpp"

#include "describe.hpp"

namespace bpv {

Stepper::Stepper(Scenario scenario) : start_(std::move(scenario)) { rebuild(0); }

void Stepper::rebuild(std::size_t target_cursor) {
  ops_ = build_ops(start_);
  state_ = make_pass_state(start_);
  undo_.clear();
  non_finite_.reset();
  jump_to(target_cursor);
}

bool Stepper::step_forward() {
  if (at_end()) return false;
  const std::size_t k = cursor();
  const Op& op = ops_[k];
  Eigen::MatrixXd& out = buffer_matrix(state_, op.writes);
  undo_.push_back(out);
  apply_op(op, state_);
  if (!non_finite_ && !out.allFinite()) non_finite_ = NonFiniteReport{k, describe_title(op, start_)};
  return true;
}

bool Stepper::step_back() {
  if (undo_.empty()) return false;
  const std::size_t k = undo_.size() - 1;
  buffer_matrix(state_, ops_[k].writes) = std::move(undo_.back());
  undo_.pop_back();
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
  switch (ref.buffer) {
    case Buffer::Input:
    case Buffer::Target:
    case Buffer::Weights:
    case Buffer::Bias:
    case Buffer::LearningRate:
      return true;
    default:
      break;
  }
  for (std::size_t k = 0; k < cursor(); ++k)
    if (ops_[k].writes == ref) return true;
  return false;
}

void Stepper::replace_scenario(Scenario scenario) {
  start_ = std::move(scenario);
  rebuild(cursor());
}

bool Stepper::begin_next_step() {
  if (!at_end()) return false;
  Scenario next = state_.scenario;  // holds the updated weights and biases
  start_ = std::move(next);
  rebuild(0);
  return true;
}

}  // namespace bpv
