// What each op of an expression step means, in words and with its numbers:
// the title, the equation, the same with numbers, one sentence. The trace,
// the export and the app print these.
//
// Notation: the output is o (whatever its name), a node's gradient is
// ∂o/∂n; a node inside a definition is written as its text, in brackets
// where it is an operand ("(x1w1 + x2w2) + b").
#pragma once
#include <array>
#include <string>

#include "engine/describe.hpp"
#include "expression_step.hpp"

namespace bpv {

// How a node is named in equations: its name, its number, or its text.
std::string expr_node_symbol(const ExpressionGraph& graph, int node);
// "∂o/∂n" for the graph's output o.
std::string expr_grad_symbol(const ExpressionGraph& graph, int node);
// The node's formula in its inputs' symbols: "x1w1 + x2w2", "tanh(n)".
std::string expr_formula(const ExpressionGraph& graph, int node);
// Its local derivative for input k (0 or 1) in symbols ("1 − o²") or with
// the numbers of `state` filled in ("1 − 0.7071²").
std::string expr_local_rule(const ExpressionGraph& graph, int node, int k, const ExprState* numbers);

std::string expr_op_title(const ExprStepOp& op, const Expression& expression, const ExpressionGraph& graph);
// The op as applied: `state` is after it, `before` the old numbers of its
// writes (ExprStepper::before), `before_tensor` an optimizer state op's old
// tensor (nullptr otherwise).
OpText describe_expr_op(const ExprStepOp& op, const Expression& expression, const ExpressionGraph& graph,
                        const ExprState& state, std::array<double, 2> before,
                        const Eigen::MatrixXd* before_tensor = nullptr);
// The op's id in the trace: "mul" (forward), "mul_backward", "seed_gradient",
// "optimizer_step", "optimizer_state", "update".
std::string expr_op_name(const ExprStepOp& op, const ExpressionGraph& graph);

}  // namespace bpv
