#include "expression_operators.hpp"

#include <cmath>
#include <string>

namespace bpv {
namespace {

using X = const ExprArgs&;

double none(X) { return 0.0; }
double no_local(X, int) { return 0.0; }

// PyTorch's autograd gives relu′(0) = 0 and abs′(0) = 0 (formats.md §7).
double sign(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; }

// Powers: p·a^(p−1), and 0 for p = 0 (a constant has no slope, even at a = 0).
double pow_local(X x, int) { return x.p == 0.0 ? 0.0 : x.p * std::pow(x.a, x.p - 1.0); }

const std::vector<ExprOperator> kOperators = {
    {ExprOpKind::Value, "value", "", 0, false, none, no_local, {"", ""}},
    {ExprOpKind::Constant, "constant", "", 0, false, none, no_local, {"", ""}},
    {ExprOpKind::Copy, "copy", "=", 1, false, [](X x) { return x.a; }, [](X, int) { return 1.0; }, {"1", ""}},
    {ExprOpKind::Add, "add", "+", 2, false, [](X x) { return x.a + x.b; }, [](X, int) { return 1.0; }, {"1", "1"}},
    {ExprOpKind::Sub, "sub", "−", 2, false, [](X x) { return x.a - x.b; },
     [](X, int k) { return k == 0 ? 1.0 : -1.0; }, {"1", "−1"}},
    {ExprOpKind::Mul, "mul", "×", 2, false, [](X x) { return x.a * x.b; },
     [](X x, int k) { return k == 0 ? x.b : x.a; }, {"{b}", "{a}"}},
    {ExprOpKind::Div, "div", "÷", 2, false, [](X x) { return x.a / x.b; },
     [](X x, int k) { return k == 0 ? 1.0 / x.b : -x.a / (x.b * x.b); }, {"1/{b}", "−{a}/{b}²"}},
    {ExprOpKind::Neg, "neg", "−", 1, false, [](X x) { return -x.a; }, [](X, int) { return -1.0; }, {"−1", ""}},
    {ExprOpKind::Pow, "pow", "^", 1, false, [](X x) { return std::pow(x.a, x.p); }, pow_local, {"{p}·{a}^({p} − 1)", ""}},
    {ExprOpKind::Relu, "relu", "relu", 1, true, [](X x) { return x.a > 0 ? x.a : 0.0; },
     [](X x, int) { return x.a > 0 ? 1.0 : 0.0; }, {"1 if {a} > 0, else 0", ""}, true},
    {ExprOpKind::Tanh, "tanh", "tanh", 1, true, [](X x) { return std::tanh(x.a); },
     [](X x, int) { return 1.0 - x.out * x.out; }, {"1 − {out}²", ""}},
    {ExprOpKind::Sigmoid, "sigmoid", "σ", 1, true, [](X x) { return 1.0 / (1.0 + std::exp(-x.a)); },
     [](X x, int) { return x.out * (1.0 - x.out); }, {"{out}·(1 − {out})", ""}},
    {ExprOpKind::Exp, "exp", "exp", 1, true, [](X x) { return std::exp(x.a); }, [](X x, int) { return x.out; },
     {"{out}", ""}},
    {ExprOpKind::Log, "log", "log", 1, true, [](X x) { return std::log(x.a); }, [](X x, int) { return 1.0 / x.a; },
     {"1/{a}", ""}},
    {ExprOpKind::Sin, "sin", "sin", 1, true, [](X x) { return std::sin(x.a); },
     [](X x, int) { return std::cos(x.a); }, {"cos({a})", ""}},
    {ExprOpKind::Cos, "cos", "cos", 1, true, [](X x) { return std::cos(x.a); },
     [](X x, int) { return -std::sin(x.a); }, {"−sin({a})", ""}},
    {ExprOpKind::Sqrt, "sqrt", "√", 1, true, [](X x) { return std::sqrt(x.a); },
     [](X x, int) { return 1.0 / (2.0 * x.out); }, {"1/(2·{out})", ""}},
    {ExprOpKind::Abs, "abs", "abs", 1, true, [](X x) { return std::fabs(x.a); }, [](X x, int) { return sign(x.a); },
     {"sign({a})", ""}, true},
};

}  // namespace

const std::vector<ExprOperator>& all_expr_operators() { return kOperators; }

const ExprOperator& expr_operator(ExprOpKind kind) { return kOperators[static_cast<std::size_t>(kind)]; }

const ExprOperator* find_expr_function(std::string_view name) {
  for (const ExprOperator& op : kOperators)
    if (op.is_function && op.name == name) return &op;
  return nullptr;
}

std::string_view expr_function_names() {
  static const std::string names = [] {
    std::string s;
    for (const ExprOperator& op : kOperators)
      if (op.is_function) s += (s.empty() ? "" : ", ") + std::string(op.name);
    return s;
  }();
  return names;
}

}  // namespace bpv
