// The operators of an expression graph (formats.md §7) as table entries: each
// one's name, how it is written, its forward and its local derivative
// ∂out/∂input. The forward pass, the backward pass, the equations and the
// gradient check all read this table; adding an operator is one entry in
// expression_operators.cpp (and, for a new function, nothing else: the parser
// finds functions here by name) plus its row in the finite-difference test.
#pragma once
#include <string_view>
#include <vector>

namespace bpv {

enum class ExprOpKind {
  Value,     // a leaf named in "values" (parameters are values)
  Constant,  // a number written in a definition
  Copy,      // d = a: a definition that names another node
  Add, Sub, Mul, Div,
  Neg,       // unary −
  Pow,       // a ^ p, p a number
  Relu, Tanh, Sigmoid, Exp, Log, Sin, Cos, Sqrt, Abs,
};

// The numbers one node's forward and backward see: its inputs a (and b), the
// exponent p of a power, and its own value `out` once computed.
struct ExprArgs {
  double a = 0.0, b = 0.0, p = 0.0, out = 0.0;
};

struct ExprOperator {
  ExprOpKind kind;
  std::string_view name;    // the trace's id ("mul") and, for functions, the name typed ("tanh")
  std::string_view symbol;  // how the canvas labels the node: "+", "×", "tanh", "^"
  int arity;                // 0 (leaves), 1 or 2
  bool is_function;         // written name(x)
  double (*forward)(const ExprArgs& x);
  // ∂out/∂input k (k = 0 for a, 1 for b) at these numbers.
  double (*local)(const ExprArgs& x, int k);
  // The local derivative per input, with {a}, {b}, {p} and {out} standing for
  // the inputs, the exponent and the node's own value: "{b}" for ∂(a·b)/∂a,
  // "1 − {out}²" for tanh (the equations fill in names, then numbers).
  std::string_view rule[2];
  // Where the derivative has a kink (relu, abs at 0): a finite difference
  // across it means nothing, so the gradient check skips such probes.
  bool has_kink_at_zero = false;
};

const ExprOperator& expr_operator(ExprOpKind kind);
// The functions of one argument, by the name typed; nullptr if none.
const ExprOperator* find_expr_function(std::string_view name);
// Every operator, in ExprOpKind's order.
const std::vector<ExprOperator>& all_expr_operators();
// "relu, tanh, sigmoid, exp, log, sin, cos, sqrt, abs"
std::string_view expr_function_names();

}  // namespace bpv
