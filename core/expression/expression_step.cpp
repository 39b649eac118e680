#include "expression_step.hpp"

#include <algorithm>
#include <cmath>

#include "optimizers/optimizer.hpp"

namespace bpv {

ExprState make_expr_state(const Expression& expr, const ExpressionGraph& g) {
  ExprState st;
  st.value.assign(g.nodes.size(), 0.0);
  st.grad.assign(g.nodes.size(), 0.0);
  for (std::size_t n = 0; n < g.nodes.size(); ++n) {
    const ExprNode& node = g.nodes[n];
    if (node.kind == ExprOpKind::Value) st.value[n] = expr.values[node.value];
    else if (node.kind == ExprOpKind::Constant) st.value[n] = node.number;
  }
  st.t = expr.step;
  st.optimizer_state = expr.optimizer_state;
  st.optimizer_state.resize(g.parameters.size());
  return st;
}

void conform_expr_optimizer_state(Expression& expr) {
  expr.optimizer_state.resize(expr.parameters.size());
  const std::array<bool, kStateSlotCount> keep = kept_state(expr.optimizer);
  const bool velocity_may_be_absent = expr.optimizer.name == "sgd";
  for (ParamState& ps : expr.optimizer_state)
    for (int s = 0; s < kStateSlotCount; ++s) {
      Eigen::MatrixXd& m = ps.tensors[s];
      const bool fits = m.rows() == 1 && m.cols() == 1;
      if (!keep[s]) m.resize(0, 0);
      else if (!fits) {
        if (s == static_cast<int>(StateSlot::Velocity) && velocity_may_be_absent) m.resize(0, 0);
        else m = Eigen::MatrixXd::Zero(1, 1);
      }
    }
  if (!stateful_optimizer(expr.optimizer)) expr.step = 0.0;
}

namespace {

void read(ExprStepOp& op, ExprRef ref) {
  if (op.read_count < static_cast<int>(op.reads.size())) op.reads[op.read_count++] = ref;
}
void write(ExprStepOp& op, ExprRef ref) { op.writes[op.write_count++] = ref; }

// The nodes the output depends on (itself included): only they pass a gradient back.
std::vector<bool> ancestors_of_output(const ExpressionGraph& g) {
  std::vector<bool> on(g.nodes.size(), false);
  on[g.output] = true;
  for (int n = g.output; n >= 0; --n) {
    if (!on[n]) continue;
    const ExprNode& node = g.nodes[n];
    if (node.a >= 0) on[node.a] = true;
    if (node.b >= 0) on[node.b] = true;
  }
  return on;
}

}  // namespace

std::vector<ExprStepOp> build_expr_ops(const Expression& expr, const ExpressionGraph& g) {
  std::vector<ExprStepOp> ops;
  ops.reserve(g.nodes.size() * 2 + g.parameters.size() * 4 + 2);
  for (int n = 0; n < static_cast<int>(g.nodes.size()); ++n) {
    const ExprNode& node = g.nodes[n];
    if (expr_operator(node.kind).arity == 0) continue;
    ExprStepOp op{ExprStepKind::Forward, Phase::Forward, n};
    read(op, {ExprTensor::Value, node.a});
    if (node.b >= 0) read(op, {ExprTensor::Value, node.b});
    write(op, {ExprTensor::Value, n});
    ops.push_back(op);
  }
  ExprStepOp seed{ExprStepKind::SeedGradient, Phase::Backward, g.output};
  write(seed, {ExprTensor::Grad, g.output});
  ops.push_back(seed);
  const std::vector<bool> on = ancestors_of_output(g);
  for (int n = g.output; n >= 0; --n) {
    const ExprNode& node = g.nodes[n];
    if (!on[n] || expr_operator(node.kind).arity == 0) continue;
    ExprStepOp op{ExprStepKind::Backward, Phase::Backward, n};
    read(op, {ExprTensor::Grad, n});
    read(op, {ExprTensor::Value, node.a});
    if (node.b >= 0) read(op, {ExprTensor::Value, node.b});
    read(op, {ExprTensor::Value, n});
    const auto learns_nothing = [&](int in) { return g.nodes[in].kind == ExprOpKind::Constant && g.nodes[in].name.empty(); };
    op.to_a = !learns_nothing(node.a);
    op.to_b = node.b >= 0 && !learns_nothing(node.b);
    if (!op.to_a && !op.to_b) continue;  // numbers only (2 * 3): nothing to pass back to
    if (op.to_a) write(op, {ExprTensor::Grad, node.a});
    if (op.to_b && !(op.to_a && node.b == node.a)) write(op, {ExprTensor::Grad, node.b});
    ops.push_back(op);
  }
  if (g.parameters.empty()) return ops;
  const Optimizer* optimizer = stateful_optimizer(expr.optimizer);
  if (optimizer) {
    ExprStepOp tick{ExprStepKind::OptimizerTick, Phase::Update};
    read(tick, {ExprTensor::Step});
    write(tick, {ExprTensor::Step});
    ops.push_back(tick);
  }
  const std::array<bool, kStateSlotCount> keep = kept_state(expr.optimizer);
  for (int k = 0; k < static_cast<int>(g.parameters.size()); ++k) {
    const int p = g.parameters[k];
    const auto declare = [&](ExprStepOp& op) {
      read(op, {ExprTensor::Grad, p});
      read(op, {ExprTensor::Value, p});
      for (int s = 0; s < kStateSlotCount && optimizer; ++s)
        if (keep[s]) read(op, {ExprTensor::State, p, static_cast<StateSlot>(s)});
    };
    if (!optimizer) {
      ExprStepOp op{ExprStepKind::Update, Phase::Update, p, k};
      declare(op);
      write(op, {ExprTensor::Value, p});
      ops.push_back(op);
      continue;
    }
    for (const OptimizerOpDef* def : optimizer->param_ops(expr.optimizer)) {
      const bool moves_parameter = def->writes == StateSlot::None;
      ExprStepOp op{moves_parameter ? ExprStepKind::Update : ExprStepKind::OptimizerState, Phase::Update, p, k, def};
      declare(op);
      write(op, moves_parameter ? ExprRef{ExprTensor::Value, p} : ExprRef{ExprTensor::State, p, def->writes});
      ops.push_back(op);
    }
  }
  return ops;
}

void apply_expr_op(const ExprStepOp& op, const Expression& expr, const ExpressionGraph& g, ExprState& st) {
  switch (op.kind) {
    case ExprStepKind::Forward: {
      const ExprNode& n = g.nodes[op.node];
      const ExprArgs x{st.value[n.a], n.b >= 0 ? st.value[n.b] : 0.0, n.number, 0.0};
      st.value[op.node] = expr_operator(n.kind).forward(x);
      return;
    }
    case ExprStepKind::SeedGradient:
      st.grad[op.node] = 1.0;
      return;
    case ExprStepKind::Backward: {
      const ExprNode& n = g.nodes[op.node];
      const ExprOperator& f = expr_operator(n.kind);
      const ExprArgs x{st.value[n.a], n.b >= 0 ? st.value[n.b] : 0.0, n.number, st.value[op.node]};
      const double upstream = st.grad[op.node];
      // Added, never assigned: a node used twice receives both contributions.
      if (op.to_a) st.grad[n.a] += upstream * f.local(x, 0);
      if (op.to_b) st.grad[n.b] += upstream * f.local(x, 1);
      return;
    }
    case ExprStepKind::OptimizerTick:
      st.t += 1.0;
      return;
    case ExprStepKind::OptimizerState:
    case ExprStepKind::Update: {
      double& param = st.value[op.node];
      const double grad = st.grad[op.node];
      if (!op.optimizer) {  // plain SGD
        param = param - expr.learning_rate * grad;
        return;
      }
      st.param_scratch(0, 0) = param;
      st.grad_scratch(0, 0) = grad;
      OptimizerTensors tensors{st.param_scratch, st.grad_scratch, st.optimizer_state[op.parameter]};
      OptimizerScalars scalars{expr.optimizer, expr.learning_rate, st.t};
      if (stateful_optimizer(expr.optimizer)->bias_corrections) {
        scalars.bias_correction1 = 1.0 - std::pow(expr.optimizer.beta1, st.t);
        scalars.bias_correction2 = 1.0 - std::pow(expr.optimizer.beta2, st.t);
      }
      op.optimizer->apply(tensors, scalars);
      param = st.param_scratch(0, 0);
      return;
    }
  }
}

std::size_t first_update_op(const std::vector<ExprStepOp>& ops) {
  for (std::size_t k = 0; k < ops.size(); ++k)
    if (ops[k].phase == Phase::Update) return k;
  return ops.size();
}

double expr_number(const ExprState& st, const ExpressionGraph&, ExprRef ref) {
  switch (ref.tensor) {
    case ExprTensor::Value: return st.value[ref.node];
    case ExprTensor::Grad: return st.grad[ref.node];
    case ExprTensor::Step: return st.t;
    case ExprTensor::State: break;
  }
  return 0.0;
}

Expression expression_after(const Expression& start, const ExpressionGraph& g, const ExprState& st) {
  Expression e = start;
  for (int p : g.parameters) e.values[g.nodes[p].value] = st.value[p];
  e.step = st.t;
  e.optimizer_state = st.optimizer_state;
  return e;
}

// ---------------------------------------------------------------- the fast path

ExprTrainer::ExprTrainer(Expression expression) : start_(std::move(expression)) {
  conform_expr_optimizer_state(start_);
  graph_ = build_expression_graph(start_);
  ops_ = build_expr_ops(start_, graph_);
  update_begin_ = first_update_op(ops_);
  state_ = make_expr_state(start_, graph_);
}

double ExprTrainer::step() {
  std::fill(state_.grad.begin(), state_.grad.end(), 0.0);
  for (std::size_t k = 0; k < update_begin_; ++k) apply_expr_op(ops_[k], start_, graph_, state_);
  const double out = state_.value[graph_.output];
  for (std::size_t k = update_begin_; k < ops_.size(); ++k) apply_expr_op(ops_[k], start_, graph_, state_);
  return out;
}

// ---------------------------------------------------------------- the stepper

ExprStepper::ExprStepper(Expression expression) : start_(std::move(expression)) {
  conform_expr_optimizer_state(start_);
  graph_ = build_expression_graph(start_);
  ops_ = build_expr_ops(start_, graph_);
  rebuild(0);
}

// Op k of this step, as OpCursor steps it: it keeps the numbers (or the
// optimizer state tensor) the op overwrites.
class ExprStepper::Program {
 public:
  explicit Program(ExprStepper& s) : s_(s) {}
  std::size_t size() const { return s_.ops_.size(); }
  Phase phase(std::size_t k) const { return s_.ops_[k].phase; }
  void keep(std::size_t k, Undo& u) const {
    const ExprStepOp& op = s_.ops_[k];
    for (int w = 0; w < op.write_count; ++w) u.numbers[w] = expr_number(s_.state_, s_.graph_, op.writes[w]);
    if (op.kind == ExprStepKind::OptimizerState) u.tensor = s_.state_.optimizer_state[op.parameter][op.writes[0].slot];
  }
  void apply(std::size_t k) const { apply_expr_op(s_.ops_[k], s_.start_, s_.graph_, s_.state_); }
  void restore(std::size_t k, Undo& u) const {
    const ExprStepOp& op = s_.ops_[k];
    ExprState& st = s_.state_;
    for (int w = 0; w < op.write_count; ++w) {
      const ExprRef& ref = op.writes[w];
      switch (ref.tensor) {
        case ExprTensor::Value: st.value[ref.node] = u.numbers[w]; break;
        case ExprTensor::Grad: st.grad[ref.node] = u.numbers[w]; break;
        case ExprTensor::Step: st.t = u.numbers[w]; break;
        case ExprTensor::State: st.optimizer_state[op.parameter][ref.slot].swap(u.tensor); break;
      }
    }
  }

 private:
  ExprStepper& s_;
};

bool ExprStepper::step_forward() { return steps_.step_forward(Program(*this)); }
bool ExprStepper::step_back() { return steps_.step_back(Program(*this)); }
void ExprStepper::jump_to(std::size_t k) { steps_.jump_to(Program(*this), k); }
void ExprStepper::run_to_phase_end() { steps_.run_to_phase_end(Program(*this)); }

bool ExprStepper::is_computed(ExprRef ref) const {
  if (ref.tensor == ExprTensor::Value && expr_operator(graph_.nodes[ref.node].kind).arity == 0) return true;
  for (std::size_t k = 0; k < cursor(); ++k)
    for (int w = 0; w < ops_[k].write_count; ++w)
      if (ops_[k].writes[w] == ref) return true;
  return ref.tensor == ExprTensor::Step || ref.tensor == ExprTensor::State;
}

void ExprStepper::rebuild(std::size_t target) {
  state_ = make_expr_state(start_, graph_);
  steps_.restart();
  jump_to(target);
}

void ExprStepper::replace_expression(Expression expression) {
  conform_expr_optimizer_state(expression);
  ExpressionGraph graph = build_expression_graph(expression);  // throws before anything changes
  const std::size_t target = cursor();
  start_ = std::move(expression);
  graph_ = std::move(graph);
  ops_ = build_expr_ops(start_, graph_);
  steps_.restart_with_new_ops();
  rebuild(target);
}

bool ExprStepper::begin_next_step() {
  if (!at_end()) return false;
  start_ = expression_after(start_, graph_, state_);
  rebuild(0);
  return true;
}

}  // namespace bpv
