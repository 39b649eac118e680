#include "expression_predict.hpp"

#include "teaching/predict.hpp"
#include "expression_describe.hpp"

namespace bpv {

std::optional<ExprPredictQuestion> ask_next_expr_op(const ExprStepper& s) {
  if (s.at_end()) return std::nullopt;
  const ExprStepOp& op = s.ops()[s.cursor()];
  const ExpressionGraph& g = s.graph();
  // The op on a copy: the engine answers, the UI computes nothing.
  ExprState after = s.state();
  std::array<double, 2> before{};
  for (int w = 0; w < op.write_count; ++w) before[w] = expr_number(s.state(), g, op.writes[w]);
  const Eigen::MatrixXd before_tensor =
      op.kind == ExprStepKind::OptimizerState ? s.state().optimizer_state[op.parameter][op.writes[0].slot] : Eigen::MatrixXd();
  apply_expr_op(op, s.expression(), g, after);
  ExprPredictQuestion q;
  q.op_index = s.cursor();
  const ExprRef asked = op.writes[0];
  switch (asked.tensor) {
    case ExprTensor::Value:
      q.answer = after.value[asked.node];
      q.symbol = op.kind == ExprStepKind::Update ? "new " + g.nodes[asked.node].name : expr_node_symbol(g, asked.node);
      break;
    case ExprTensor::Grad:
      q.answer = after.grad[asked.node];
      q.symbol = expr_grad_symbol(g, asked.node);
      break;
    case ExprTensor::Step:
      q.answer = after.t;
      q.symbol = "t";
      break;
    case ExprTensor::State: {
      const Eigen::MatrixXd& m = after.optimizer_state[op.parameter][asked.slot];
      q.answer = m.size() ? m(0, 0) : 0.0;
      q.symbol = std::string(state_slot_name(asked.slot)) + " of " + g.nodes[asked.node].name;
      break;
    }
  }
  const OpText text = describe_expr_op(op, s.expression(), g, after, before,
                                       op.kind == ExprStepKind::OptimizerState ? &before_tensor : nullptr);
  q.title = text.title;
  q.equation = text.equation;
  // A backward op into two inputs: only the first one's line (the second would give nothing away, but
  // the first one's result is the answer).
  std::string numbers = text.numbers;
  if (op.write_count == 2) numbers = numbers.substr(0, numbers.find(";   "));
  q.hidden_numbers = hide_result(numbers);
  return q;
}

}  // namespace bpv
