// An expression graph as the app sees it, as Session is for a network: a
// stepper, the output's history over training steps, undo and redo, and one
// way in for every change, apply(ExprCommand). The UI queues commands and
// draws what this publishes.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "expression_step.hpp"

namespace bpv {

namespace expr_command {
struct StepForward {};  // at the end of a step: begins the next one
struct StepBack {};
struct JumpTo { std::size_t op; };
struct RunToPhaseEnd {};
struct RunToEnd {};
struct Reset {};
// A leaf's number (undoable). `merge`: a drag in progress, folded into the
// undo record of the same leaf's previous change.
struct SetValue { std::string name; double value; bool merge = false; };
struct SetLearningRate { double value; };  // undoable
struct TrainSteps { int steps; };          // whole steps through the fast path, at once (expressions are small)
// The whole graph as the editor has it (values, definitions, output,
// parameters), undoable; refused with the first problem if it does not build.
struct ReplaceExpression { Expression expression; };
// A lesson's beat: its expression from scratch (undo, redo and the history
// start over, the file stays the session's).
struct LoadExpression { Expression expression; };
struct Undo {};
struct Redo {};
struct MarkSaved { std::string path; };
}  // namespace expr_command

using ExprCommand =
    std::variant<expr_command::StepForward, expr_command::StepBack, expr_command::JumpTo,
                 expr_command::RunToPhaseEnd, expr_command::RunToEnd, expr_command::Reset,
                 expr_command::SetValue, expr_command::SetLearningRate, expr_command::TrainSteps,
                 expr_command::ReplaceExpression, expr_command::LoadExpression,
                 expr_command::Undo, expr_command::Redo, expr_command::MarkSaved>;

class ExpressionSession {
 public:
  explicit ExpressionSession(Expression expression, std::string path = "");

  // "" when applied; else why not (shown in the status line; nothing changed).
  std::string apply(const ExprCommand& command);

  const ExprStepper& stepper() const { return stepper_; }
  const Expression& expression() const { return stepper_.expression(); }
  const std::string& path() const { return path_; }
  bool modified() const { return modified_; }
  // The output's value at each training step done so far.
  const std::vector<double>& output_history() const { return output_history_; }
  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  // Changes with every edit or load (not with stepping): what depends on the
  // graph's shape (the circuit's layout) is recomputed when it moves.
  std::uint64_t graph_revision() const { return graph_revision_; }
  // Changes with everything the picture shows.
  std::uint64_t revision() const { return revision_; }

 private:
  struct UndoRecord {
    Expression before;
    std::size_t cursor;
    std::string merge_key;  // "value:x" for a drag
  };
  std::string edit(Expression changed, const std::string& merge_key);
  std::string undo_or_redo(std::vector<UndoRecord>& from, std::vector<UndoRecord>& to, const char* nothing);
  void finish_step();

  ExprStepper stepper_;
  std::string path_;
  bool modified_ = false;
  std::vector<double> output_history_;
  std::vector<UndoRecord> undo_, redo_;
  std::uint64_t graph_revision_ = 1, revision_ = 1;
};

}  // namespace bpv
