#include "expression_session.hpp"

#include <cmath>

namespace bpv {

namespace {
constexpr std::size_t kMaxUndo = 1000;
template <class... F> struct Overload : F... { using F::operator()...; };
template <class... F> Overload(F...) -> Overload<F...>;
}  // namespace

ExpressionSession::ExpressionSession(Expression expression, std::string path)
    : stepper_(std::move(expression)), path_(std::move(path)) {}

void ExpressionSession::finish_step() {
  const ExpressionGraph& g = stepper_.graph();
  // The output before the update: the update moves only parameters, so
  // recompute from the stepper's record of the forward pass.
  double out = stepper_.state().value[g.output];
  for (std::size_t k = 0; k < stepper_.op_count(); ++k)
    if (stepper_.ops()[k].kind == ExprStepKind::Update && stepper_.ops()[k].node == g.output) {
      out = stepper_.before(k)[0];
      break;
    }
  output_history_.push_back(out);
  stepper_.begin_next_step();
}

std::string ExpressionSession::edit(Expression changed, const std::string& merge_key) {
  const Expression before = stepper_.expression();
  try {
    stepper_.replace_expression(std::move(changed));
  } catch (const ExprError& e) {
    return e.what();
  }
  const bool merge = !merge_key.empty() && !undo_.empty() && undo_.back().merge_key == merge_key;
  if (!merge) {
    undo_.push_back({before, stepper_.cursor(), merge_key});
    if (undo_.size() > kMaxUndo) undo_.erase(undo_.begin());
  }
  redo_.clear();
  modified_ = true;
  ++graph_revision_;
  return "";
}

// Undo takes from `from` (the undo stack) and keeps what it replaces on `to`
// (the redo stack); redo the other way round.
std::string ExpressionSession::undo_or_redo(std::vector<UndoRecord>& from, std::vector<UndoRecord>& to,
                                            const char* nothing) {
  if (from.empty()) return nothing;
  UndoRecord r = std::move(from.back());
  from.pop_back();
  to.push_back({stepper_.expression(), stepper_.cursor(), ""});
  stepper_.replace_expression(std::move(r.before));
  stepper_.jump_to(r.cursor);
  modified_ = true;
  ++graph_revision_;
  return "";
}

std::string ExpressionSession::apply(const ExprCommand& command) {
  ++revision_;
  return std::visit(
      Overload{
          [&](const expr_command::StepForward&) -> std::string {
            if (stepper_.at_end()) {
              finish_step();
              return "";
            }
            stepper_.step_forward();
            return "";
          },
          [&](const expr_command::StepBack&) -> std::string {
            stepper_.step_back();
            return "";
          },
          [&](const expr_command::JumpTo& c) -> std::string {
            stepper_.jump_to(c.op);
            return "";
          },
          [&](const expr_command::RunToPhaseEnd&) -> std::string {
            stepper_.run_to_phase_end();
            return "";
          },
          [&](const expr_command::RunToEnd&) -> std::string {
            stepper_.jump_to(stepper_.op_count());
            return "";
          },
          [&](const expr_command::Reset&) -> std::string {
            stepper_.jump_to(0);
            return "";
          },
          [&](const expr_command::SetValue& c) -> std::string {
            const int k = stepper_.expression().value_index(c.name);
            if (k < 0) return "'" + c.name + "' is not a value";
            if (!std::isfinite(c.value)) return c.name + ": must be a finite number";
            Expression e = stepper_.expression();
            e.values[k] = c.value;
            return edit(std::move(e), c.merge ? "value:" + c.name : "");
          },
          [&](const expr_command::SetLearningRate& c) -> std::string {
            if (!std::isfinite(c.value) || c.value < 0) return "learning rate: must be a finite number ≥ 0";
            if (c.value == 0 && !stepper_.expression().optimizer.name.empty())
              return "learning rate: must be > 0 with an optimizer";
            Expression e = stepper_.expression();
            e.learning_rate = c.value;
            return edit(std::move(e), "");
          },
          [&](const expr_command::ReplaceExpression& c) -> std::string {
            Expression e = c.expression;
            // A changed graph starts its optimizer afresh unless its parameters are the same.
            if (e.parameters != stepper_.expression().parameters) {
              e.optimizer_state.clear();
              e.step = 0.0;
            }
            return edit(std::move(e), "");
          },
          [&](const expr_command::LoadExpression& c) -> std::string {
            try {
              stepper_ = ExprStepper(c.expression);
            } catch (const ExprError& e) {
              return e.what();
            }
            undo_.clear();
            redo_.clear();
            output_history_.clear();
            ++graph_revision_;
            return "";
          },
          [&](const expr_command::TrainSteps& c) -> std::string {
            if (c.steps <= 0) return "";
            const std::size_t cursor = stepper_.cursor();
            ExprTrainer trainer(stepper_.expression());
            for (int s = 0; s < c.steps; ++s) output_history_.push_back(trainer.step());
            stepper_.replace_expression(trainer.expression());
            stepper_.jump_to(cursor);
            modified_ = true;
            return "";
          },
          [&](const expr_command::Undo&) -> std::string { return undo_or_redo(undo_, redo_, "nothing to undo"); },
          [&](const expr_command::Redo&) -> std::string { return undo_or_redo(redo_, undo_, "nothing to redo"); },
          [&](const expr_command::MarkSaved& c) -> std::string {
            path_ = c.path;
            modified_ = false;
            return "";
          },
      },
      command);
}

}  // namespace bpv
