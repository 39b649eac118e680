#include "expression_describe.hpp"

#include "optimizers/optimizer.hpp"

namespace bpv {
namespace {

bool is_inner(const ExprNode& n) { return n.name.empty() && n.kind != ExprOpKind::Constant; }

// An operand inside a formula: brackets round an inner node that is not a call.
std::string operand(const ExpressionGraph& g, int node) {
  const ExprNode& n = g.nodes[node];
  if (!is_inner(n) || expr_operator(n.kind).is_function) return expr_node_symbol(g, node);
  return "(" + n.label + ")";
}

std::string replace_all(std::string s, std::string_view key, const std::string& by) {
  for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + by.size()))
    s.replace(at, key.size(), by);
  return s;
}

// A formula with {a}, {b}, {p}, {out} filled in: names, or numbers.
std::string fill(std::string_view pattern, const std::string& a, const std::string& b, const std::string& p,
                 const std::string& out) {
  std::string s(pattern);
  s = replace_all(s, "{a}", a);
  s = replace_all(s, "{b}", b);
  s = replace_all(s, "{p}", p);
  return replace_all(s, "{out}", out);
}

std::string op_formula(const ExprNode& n, const std::string& a, const std::string& b) {
  switch (n.kind) {
    case ExprOpKind::Value:
    case ExprOpKind::Constant: return n.label;
    case ExprOpKind::Copy: return a;
    case ExprOpKind::Add: return a + " + " + b;
    case ExprOpKind::Sub: return a + " − " + b;
    case ExprOpKind::Mul: return a + " · " + b;
    case ExprOpKind::Div: return a + " / " + b;
    case ExprOpKind::Neg: return "−" + a;
    case ExprOpKind::Pow: return a + "^" + format_number(n.number, 6);
    default: return std::string(expr_operator(n.kind).name) + "(" + a + ")";
  }
}

}  // namespace

std::string expr_node_symbol(const ExpressionGraph& g, int node) {
  const ExprNode& n = g.nodes[node];
  if (n.kind == ExprOpKind::Constant && n.name.empty()) return format_number(n.number, 8);
  return n.name.empty() ? n.label : n.name;
}

std::string expr_grad_symbol(const ExpressionGraph& g, int node) {
  const ExprNode& n = g.nodes[node];
  const std::string of = is_inner(n) ? "(" + n.label + ")" : expr_node_symbol(g, node);
  return "∂" + expr_node_symbol(g, g.output) + "/∂" + of;
}

std::string expr_formula(const ExpressionGraph& g, int node) {
  const ExprNode& n = g.nodes[node];
  return op_formula(n, n.a >= 0 ? operand(g, n.a) : "", n.b >= 0 ? operand(g, n.b) : "");
}

std::string expr_local_rule(const ExpressionGraph& g, int node, int k, const ExprState* st) {
  const ExprNode& n = g.nodes[node];
  const std::string_view rule = expr_operator(n.kind).rule[k];
  if (!st) {
    const std::string out = operand(g, node);
    return fill(rule, n.a >= 0 ? operand(g, n.a) : "", n.b >= 0 ? operand(g, n.b) : "", format_number(n.number, 6),
                out);
  }
  return fill(rule, n.a >= 0 ? factor(st->value[n.a]) : "", n.b >= 0 ? factor(st->value[n.b]) : "",
              factor(n.number), factor(st->value[node]));
}

std::string expr_op_name(const ExprStepOp& op, const ExpressionGraph& g) {
  switch (op.kind) {
    case ExprStepKind::Forward: return std::string(expr_operator(g.nodes[op.node].kind).name);
    case ExprStepKind::SeedGradient: return "seed_gradient";
    case ExprStepKind::Backward: return std::string(expr_operator(g.nodes[op.node].kind).name) + "_backward";
    case ExprStepKind::OptimizerTick: return "optimizer_step";
    case ExprStepKind::OptimizerState: return "optimizer_state";
    case ExprStepKind::Update: return "update";
  }
  return "";
}

std::string expr_op_title(const ExprStepOp& op, const Expression& expr, const ExpressionGraph& g) {
  switch (op.kind) {
    case ExprStepKind::Forward: {
      const ExprNode& n = g.nodes[op.node];
      return "Forward: " + (n.name.empty() ? expr_formula(g, op.node) : n.name + " = " + expr_formula(g, op.node));
    }
    case ExprStepKind::SeedGradient: return "Backward: start at the output, " + expr_grad_symbol(g, op.node) + " = 1";
    case ExprStepKind::Backward: return "Backward through " + expr_node_symbol(g, op.node) + ": the chain rule to its inputs";
    case ExprStepKind::OptimizerTick: return "Update: t ← t + 1";
    case ExprStepKind::OptimizerState:
      return "Update " + g.nodes[op.node].name + ": " + std::string(state_slot_name(op.optimizer->writes)) + " ← " +
             std::string(op.optimizer->formula).substr(std::string(op.optimizer->formula).find("← ") + 4);
    case ExprStepKind::Update:
      return "Update " + g.nodes[op.node].name + ": " +
             (op.optimizer ? std::string(op.optimizer->formula) : std::string("θ ← θ − η·∂o/∂θ")) +
             (expr.optimizer.name.empty() ? "" : " (" + expr.optimizer.name + ")");
  }
  return "";
}

OpText describe_expr_op(const ExprStepOp& op, const Expression& expr, const ExpressionGraph& g, const ExprState& st,
                        std::array<double, 2> before, const Eigen::MatrixXd* before_tensor) {
  OpText t;
  t.title = expr_op_title(op, expr, g);
  switch (op.kind) {
    case ExprStepKind::Forward: {
      const ExprNode& n = g.nodes[op.node];
      const std::string me = expr_node_symbol(g, op.node);
      const std::string numbers = op_formula(n, n.a >= 0 ? factor(st.value[n.a]) : "",
                                             n.b >= 0 ? factor(st.value[n.b]) : "");
      t.equation = n.name.empty() ? expr_formula(g, op.node) : me + " = " + expr_formula(g, op.node);
      t.numbers = (n.name.empty() ? "" : me + " = ") + numbers + " = " + format_number(st.value[op.node], 8);
      t.explanation = "The forward pass computes each node from its inputs, in order.";
      return t;
    }
    case ExprStepKind::SeedGradient:
      t.equation = expr_grad_symbol(g, op.node) + " = 1";
      t.numbers = t.equation;
      t.explanation = "The output's gradient with respect to itself is 1: every other gradient is this 1 passed back.";
      return t;
    case ExprStepKind::Backward: {
      const ExprNode& n = g.nodes[op.node];
      const std::string up = expr_grad_symbol(g, op.node);
      const int inputs[2] = {n.a, n.b};
      std::string eq, num;
      // What each written gradient holds as the contributions arrive (x·x adds twice into ∂o/∂x).
      double running[2] = {before[0], before[1]};
      bool accumulates = false;
      const bool takes[2] = {op.to_a, op.to_b};
      for (int k = 0; k < 2 && inputs[k] >= 0; ++k) {
        if (!takes[k]) continue;  // a number: no gradient
        const int in = inputs[k];
        const int w = (k == 1 && n.b == n.a) || !op.to_a ? 0 : k;
        const std::string local = expr_local_rule(g, op.node, k, nullptr);
        const std::string local_num = expr_local_rule(g, op.node, k, &st);
        const double contribution = st.grad[op.node] * expr_operator(n.kind).local(
            {st.value[n.a], n.b >= 0 ? st.value[n.b] : 0.0, n.number, st.value[op.node]}, k);
        const auto bracket = [](const std::string& s) { return s.find(' ') != std::string::npos ? "(" + s + ")" : s; };
        if (!eq.empty()) eq += ";   ", num += ";   ";
        eq += expr_grad_symbol(g, in) + " += " + up + " · " + bracket(local);
        num += expr_grad_symbol(g, in) + " += " + factor(st.grad[op.node]) + " × " + bracket(local_num) + " = " +
               format_number(contribution, 8);
        // A node used more than once: the sum it now holds.
        if (running[w] != 0.0) {
          accumulates = true;
          num += ", now " + format_number(running[w], 8) + " + " + factor(contribution, 8) + " = " +
                 format_number(running[w] + contribution, 8);
        }
        running[w] += contribution;
      }
      t.equation = eq;
      t.numbers = num;
      t.explanation = accumulates
                          ? "An input used more than once collects a contribution from each use: gradients add."
                          : "Chain rule: the gradient arriving at this node times its local derivative, for each input.";
      return t;
    }
    case ExprStepKind::OptimizerTick:
      t.equation = "t ← t + 1";
      t.numbers = "t ← " + format_number(before[0], 10) + " + 1 = " + format_number(st.t, 10);
      t.explanation = "The optimizer counts its updates; Adam's bias corrections use t.";
      return t;
    case ExprStepKind::OptimizerState:
    case ExprStepKind::Update: {
      const std::string& name = g.nodes[op.node].name;
      const double grad = st.grad[op.node];
      if (!op.optimizer) {
        t.equation = name + " ← " + name + " − η · " + expr_grad_symbol(g, op.node) + ",   η = " +
                     format_number(expr.learning_rate);
        t.numbers = name + " ← " + format_number(before[0], 8) + " − " + format_number(expr.learning_rate) + " × " +
                    factor(grad, 8) + " = " + format_number(st.value[op.node], 8);
        t.explanation = "Gradient descent: the parameter moves against its gradient, which lowers the output.";
        return t;
      }
      const ParamState& ps = st.optimizer_state[op.parameter];
      OptimizerElement el{expr.optimizer, expr.learning_rate, st.t, name, "_" + name, st.value[op.node],
                          st.value[op.node], grad, {}, {}, ps[StateSlot::Velocity].size() != 0};
      for (int s = 0; s < kStateSlotCount; ++s) el.state[s] = ps.tensors[s].size() ? ps.tensors[s](0, 0) : 0.0;
      el.state_before = el.state;
      const StateSlot slot = op.optimizer->writes;
      if (slot == StateSlot::None) {
        el.param_before = before[0];
      } else if (before_tensor) {
        el.state_before[static_cast<int>(slot)] = before_tensor->size() ? (*before_tensor)(0, 0) : 0.0;
        if (slot == StateSlot::Velocity) el.had_velocity = before_tensor->size() != 0;
      }
      const OptimizerText text = op.optimizer->describe(el);
      t.equation = text.equation;
      t.numbers = text.numbers;
      t.explanation = text.explanation;
      return t;
    }
  }
  return t;
}

}  // namespace bpv
