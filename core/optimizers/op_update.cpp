// The update phase: plain SGD's θ ← θ − η·∂L/∂θ, and the ops of the other
// optimizers (optimizer.hpp): t ← t + 1, then per parameter one op per state
// tensor and the parameter's step, each running its optimizer table entry's
// apply and describe.
#include <cmath>
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "layers/layer_kind.hpp"
#include "optimizers/optimizer.hpp"

namespace bpv {
namespace {

bool of_bias(const Op& op) { return op.writes.buffer == Buffer::Bias || op.writes.buffer == Buffer::BiasState; }

// ---------------------------------------------------------------- an optimizer's op
OptimizerScalars scalars_of(const Scenario& sc) {
  OptimizerScalars s{sc.optimizer, sc.learning_rate, sc.optimizer_state.step()};
  const Eigen::MatrixXd& corrections = sc.optimizer_state.bias_correction;
  if (corrections.size() == 2) {
    s.bias_correction1 = corrections(0, 0);
    s.bias_correction2 = corrections(0, 1);
  }
  return s;
}

// op.optimizer and op.writes are set: the state tensor (or parameter) it writes.
void declare_optimizer_reads(const Scenario& sc, Op& op) {
  const bool bias = of_bias(op);
  const int l = op.layer;
  const std::array<bool, kStateSlotCount> keep = kept_state(sc.optimizer);
  op.read_count = 0;
  op.reads[op.read_count++] = {bias ? Buffer::GradBias : Buffer::GradWeights, l};
  if (op.optimizer->writes == StateSlot::None) op.reads[op.read_count++] = {bias ? Buffer::Bias : Buffer::Weights, l};
  for (int s = 0; s < kStateSlotCount; ++s)
    if (keep[s]) op.reads[op.read_count++] = {bias ? Buffer::BiasState : Buffer::WeightState, l, static_cast<StateSlot>(s)};
  if (op.optimizer->reads_bias_corrections) {
    op.reads[op.read_count++] = {Buffer::Step, 0};
    op.reads[op.read_count++] = {Buffer::BiasCorrection, 0};
  }
  if (op.read_count < static_cast<int>(op.reads.size())) op.reads[op.read_count++] = {Buffer::LearningRate, 0};
}

void apply_optimizer_op(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  const int l = op.layer;
  const bool bias = of_bias(op);
  Layer& layer = sc.layers[l - 1];
  LayerState& ls = state.layers[l - 1];
  LayerOptimizerState& os = sc.optimizer_state.layers[l - 1];
  OptimizerTensors tensors{bias ? layer.bias : layer.weights, bias ? ls.grad_bias : ls.grad_weights,
                           bias ? os.bias : os.weights};
  op.optimizer->apply(tensors, scalars_of(sc));
}

OpText optimizer_op_text(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const Scenario& sc = st.scenario;
  const int l = op.layer;
  const bool bias = op.writes.buffer == Buffer::Bias || op.writes.buffer == Buffer::BiasState;
  const Layer& layer = sc.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const ParamState& ps = bias ? sc.optimizer_state.layers[l - 1].bias : sc.optimizer_state.layers[l - 1].weights;
  const int r = bias ? 0 : e.row, c = e.col;
  auto at = [&](const Eigen::MatrixXd& m) { return m.size() ? m(r, c) : 0.0; };
  const std::string symbol = bias ? "b" + superscript(l) + subscript(c + 1) : weight_symbol(l, r, c);
  OptimizerElement el{sc.optimizer, sc.learning_rate, sc.optimizer_state.step(), symbol, symbol.substr(1),
                      0.0, 0.0, 0.0, {}, {}, false};
  el.param = el.param_before = at(bias ? layer.bias : layer.weights);
  el.grad = at(bias ? ls.grad_bias : ls.grad_weights);
  for (int s = 0; s < kStateSlotCount; ++s) el.state[s] = at(ps.tensors[s]);
  el.state_before = el.state;
  el.had_velocity = ps[StateSlot::Velocity].size() != 0;
  const StateSlot slot = op.optimizer->writes;
  if (before) {
    const double old = before->size() ? (*before)(r, c) : 0.0;
    if (slot == StateSlot::None) el.param_before = old;
    else el.state_before[static_cast<int>(slot)] = old;
    if (slot == StateSlot::Velocity) el.had_velocity = before->size() != 0;
  } else {
    // Not applied yet: run the op's own apply on this one element.
    Eigen::MatrixXd param = Eigen::MatrixXd::Constant(1, 1, el.param);
    const Eigen::MatrixXd grad = Eigen::MatrixXd::Constant(1, 1, el.grad);
    ParamState one;
    for (int s = 0; s < kStateSlotCount; ++s)
      if (ps.tensors[s].size()) one.tensors[s] = Eigen::MatrixXd::Constant(1, 1, el.state[s]);
    OptimizerTensors x{param, grad, one};
    op.optimizer->apply(x, scalars_of(sc));
    if (slot == StateSlot::None) el.param = param(0, 0);
    else el.state[static_cast<int>(slot)] = one[slot](0, 0);
  }
  const OptimizerText text = op.optimizer->describe(el);
  OpText t;
  t.equation = text.equation;
  t.numbers = text.numbers;
  t.explanation = text.explanation;
  return t;
}

std::string optimizer_op_title(const Op& op, const Scenario& sc) {
  const int l = op.layer;
  const std::string param = (of_bias(op) ? "b" : "W") + superscript(l);
  const std::string which =
      op.kind == OpKind::OptimizerState ? ", " + std::string(state_slot_name(op.writes.slot)) + " of " + param : "";
  return "Update, " + layer_where(sc, l) + which + ": " + with_parameter(op.optimizer->formula, param);
}

// ---------------------------------------------------------------- θ ← θ − η·∂L/∂θ (or the optimizer's step)
void declare_update(const Scenario& sc, Op& op, bool bias) {
  const int l = op.layer;
  op.writes = {bias ? Buffer::Bias : Buffer::Weights, l};
  if (op.optimizer) return declare_optimizer_reads(sc, op);
  declare_reads(op, {{bias ? Buffer::Bias : Buffer::Weights, l},
                     {bias ? Buffer::GradBias : Buffer::GradWeights, l},
                     {Buffer::LearningRate, 0}});
}
void declare_update_weights(const Scenario& sc, Op& op) { declare_update(sc, op, false); }
void declare_update_bias(const Scenario& sc, Op& op) { declare_update(sc, op, true); }

void apply_update_weights(const Op& op, PassState& state) {
  if (op.optimizer) return apply_optimizer_op(op, state);
  Scenario& sc = state.scenario;
  sc.layers[op.layer - 1].weights.noalias() -= sc.learning_rate * state.layers[op.layer - 1].grad_weights;
}

void apply_update_bias(const Op& op, PassState& state) {
  if (op.optimizer) return apply_optimizer_op(op, state);
  Scenario& sc = state.scenario;
  sc.layers[op.layer - 1].bias.noalias() -= sc.learning_rate * state.layers[op.layer - 1].grad_bias;
}

std::string title_update(const Op& op, const Scenario& sc) {
  if (op.optimizer) return optimizer_op_title(op, sc);
  const LayerKindDef& kind = layer_kind(sc.layers[op.layer - 1]);
  const std::string p = std::string(of_bias(op) ? kind.bias_symbol : kind.weight_symbol) + superscript(op.layer);
  return "Update, " + layer_where(sc, op.layer) + ": " + p + " ← " + p + " − η·∂L/∂" + p;
}

OpText update_text(const PassState& st, int l, bool weights, const Eigen::MatrixXd* before,
                   Element e) {
  const Scenario& sc = st.scenario;
  const Layer& layer = sc.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const std::string L = superscript(l);
  // Dense and conv layers learn W and b; batch norm γ and β, one per feature.
  const LayerKindDef& kind = layer_kind(layer);
  const bool matrix = weights && kind.weight_symbol == "W";
  const std::string letter(weights ? kind.weight_symbol : kind.bias_symbol);
  const std::string sym = letter + L + (matrix ? "ᵢⱼ" : "ⱼ");
  const std::string elem = matrix ? weight_symbol(l, e.row, e.col) : letter + L + subscript(e.col + 1);
  const int r = weights ? e.row : 0;
  const double current = weights ? layer.weights(r, e.col) : layer.bias(0, e.col);
  const double grad = weights ? ls.grad_weights(r, e.col) : ls.grad_bias(0, e.col);
  const double old_value = before ? (*before)(r, e.col) : current;
  const double new_value = before ? current : old_value - sc.learning_rate * grad;
  OpText t;
  t.equation = sym + " ← " + sym + " − η·∂L/∂" + sym + ",   η = " + format_number(sc.learning_rate);
  t.numbers = elem + " ← " + format_number(old_value) + " − " + format_number(sc.learning_rate) +
              " × " + factor(grad) + " = " + format_number(new_value, 8);
  t.explanation = !matrix && weights ? "Gradient descent: each γ takes a small step against its gradient."
                  : weights ? "Gradient descent: every weight takes a small step against its gradient."
                          : "The biases take the same kind of step against their gradients.";
  return t;
}

OpText describe_update(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  if (op.optimizer) return optimizer_op_text(op, st, before, e);
  return update_text(st, op.layer, !of_bias(op), before, e);
}

// ---------------------------------------------------------------- t ← t + 1
void declare_optimizer_step(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Step, 0}});
  op.writes = {Buffer::Step, 0};
}

void apply_optimizer_step(const Op&, PassState& state) { state.scenario.optimizer_state.t(0, 0) += 1.0; }

std::string title_optimizer_step(const Op&, const Scenario& sc) {
  return "Update: " + sc.optimizer.name + " step count t ← t + 1";
}

OpText optimizer_step_text(const PassState& st, const Eigen::MatrixXd* before) {
  const double now = st.scenario.optimizer_state.step();
  const double old = before ? (*before)(0, 0) : now;
  OpText t;
  t.equation = "t ← t + 1  (" + st.scenario.optimizer.name + ")";
  t.numbers = "t ← " + format_number(old, 17) + " + 1 = " + format_number(before ? now : old + 1.0, 17);
  t.explanation = "The optimizer counts its updates; Adam's corrections for starting at 0 depend on t.";
  return t;
}

OpText describe_optimizer_step(const Op&, const PassState& st, const Eigen::MatrixXd* before, Element) {
  return optimizer_step_text(st, before);
}

// ---------------------------------------------------------------- 1 − β₁ᵗ, 1 − β₂ᵗ
// Once per step, so every parameter's step reads the same two numbers.
void declare_bias_correction(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Step, 0}});
  op.writes = {Buffer::BiasCorrection, 0};
}

void apply_bias_correction(const Op&, PassState& state) {
  OptimizerState& os = state.scenario.optimizer_state;
  const OptimizerSpec& spec = state.scenario.optimizer;
  os.bias_correction(0, 0) = 1.0 - std::pow(spec.beta1, os.step());
  os.bias_correction(0, 1) = 1.0 - std::pow(spec.beta2, os.step());
}

std::string title_bias_correction(const Op&, const Scenario& sc) {
  return "Update: " + sc.optimizer.name + " bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ";
}

OpText describe_bias_correction(const Op&, const PassState& st, const Eigen::MatrixXd* before, Element) {
  const OptimizerState& os = st.scenario.optimizer_state;
  const OptimizerSpec& spec = st.scenario.optimizer;
  const double t = os.step();
  // Not run yet: what it will write, from the t the op before wrote.
  const double c1 = before ? os.bias_correction(0, 0) : 1.0 - std::pow(spec.beta1, t);
  const double c2 = before ? os.bias_correction(0, 1) : 1.0 - std::pow(spec.beta2, t);
  const std::string sup = superscript(static_cast<int>(t));
  OpText text;
  text.equation = "1 − β₁ᵗ,  1 − β₂ᵗ,   β₁ = " + format_number(spec.beta1) + ", β₂ = " + format_number(spec.beta2) +
                  ", t = " + format_number(t, 17);
  text.numbers = "1 − β₁ᵗ = 1 − " + format_number(spec.beta1) + sup + " = " + format_number(c1, 8) + ";  1 − β₂ᵗ = 1 − " +
                 format_number(spec.beta2) + sup + " = " + format_number(c2, 8);
  text.explanation = "m and v start at 0, so early on they are too small; dividing by these factors (near 0 at "
                     "first, then toward 1) corrects them.";
  return text;
}

// ---------------------------------------------------------------- one state tensor (velocity, m, v, …)
void declare_optimizer_state(const Scenario& sc, Op& op) { declare_optimizer_reads(sc, op); }

}  // namespace

std::vector<Op> optimizer_ops(const Scenario& sc) {
  std::vector<Op> ops;
  const Optimizer* optimizer = stateful_optimizer(sc.optimizer);
  if (!optimizer) return ops;
  // t ← t + 1 once, then per layer the ops of W, then those of b, each
  // state tensor's update before the parameter's step (PyTorch's order).
  ops.push_back(make_op(sc, OpKind::OptimizerStep, 1));
  if (optimizer->bias_corrections) ops.push_back(make_op(sc, OpKind::BiasCorrection, 1));
  const std::vector<const OptimizerOpDef*> defs = optimizer->param_ops(sc.optimizer);
  for (int l = 1; l <= sc.layer_count(); ++l) {
    if (!layer_kind(sc.layers[l - 1]).parameters) continue;  // dropout: nothing to update
    for (const bool bias : {false, true})
      for (const OptimizerOpDef* def : defs) {
        const bool state = def->writes != StateSlot::None;
        Op op{state ? OpKind::OptimizerState : (bias ? OpKind::UpdateBias : OpKind::UpdateWeights), l, Phase::Update};
        op.optimizer = def;
        if (state) op.writes = {bias ? Buffer::BiasState : Buffer::WeightState, l, def->writes};
        op_kind(op.kind).declare(sc, op);
        ops.push_back(op);
      }
  }
  return ops;
}

extern const OpKindDef kUpdateWeightsOp{OpKind::UpdateWeights, "update_weights", Phase::Update,
                                        declare_update_weights, apply_update_weights, title_update, describe_update, "W − η·∂W"};
extern const OpKindDef kUpdateBiasOp{OpKind::UpdateBias, "update_bias", Phase::Update,
                                     declare_update_bias, apply_update_bias, title_update, describe_update, "b − η·∂b"};
extern const OpKindDef kOptimizerStepOp{OpKind::OptimizerStep, "optimizer_step", Phase::Update, declare_optimizer_step,
                                        apply_optimizer_step, title_optimizer_step, describe_optimizer_step, "t + 1"};
extern const OpKindDef kOptimizerStateOp{OpKind::OptimizerState, "optimizer_state", Phase::Update,
                                         declare_optimizer_state, apply_optimizer_op, optimizer_op_title,
                                         optimizer_op_text, "state"};
extern const OpKindDef kBiasCorrectionOp{OpKind::BiasCorrection, "bias_correction", Phase::Update,
                                         declare_bias_correction, apply_bias_correction, title_bias_correction,
                                         describe_bias_correction, "1 − βᵗ"};

}  // namespace bpv
