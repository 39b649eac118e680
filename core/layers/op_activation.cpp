// The activation a = f(z) and its backward δ = ∂L/∂z through f′, both from
// the activation table (activations.hpp). The output layer under a
// cross-entropy loss takes its δ straight from the logits (losses.hpp).
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"

namespace bpv {
namespace {

// ---------------------------------------------------------------- a = f(z)
void declare_activate(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::PreActivation, op.layer}});
  op.writes = {Buffer::Activation, op.layer};
}

void apply_activate(const Op& op, PassState& state) {
  Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  layer.activation->forward(ls.pre_activation, ls.activation);
}

std::string title_activate(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": " + std::string(sc.layers[op.layer - 1].activation->symbol);
}

OpText describe_activate(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
  const Scenario& sc = st.scenario;
  const Activation& act = *sc.layers[l - 1].activation;
  const Eigen::MatrixXd& z = st.layers[l - 1].pre_activation;
  const std::string L = superscript(l), out = layer_symbol(sc, l);
  const std::string j = subscript(e.col + 1);
  const double a_now = st.layers[l - 1].activation(e.example, e.col);  // what the op wrote, once applied
  OpText t;
  if (act.elementwise()) {
    t.equation = out + "ⱼ = " + std::string(act.symbol) + "(z" + L + "ⱼ)";
    t.numbers = out + j + " = " + std::string(act.symbol) + "(" + format_number(z(e.example, e.col)) +
                ") = " + format_number(applied ? a_now : act.f(z(e.example, e.col))) + example_note(sc, e.example);
    t.explanation = "The " + std::string(act.name) +
                    " activation is applied to each neuron's weighted sum on its own.";
    return t;
  }
  t.equation = out + "ⱼ = e^(z" + L + "ⱼ) / Σₖ e^(z" + L + "ₖ)";
  const int n = static_cast<int>(z.cols());
  const double shift = z.row(e.example).maxCoeff();
  double denom = 0.0;
  for (int k = 0; k < n; ++k) denom += std::exp(z(e.example, k) - shift);
  const SumText sum = written_sum(
      n, [&](int k) { return "e^" + format_number(z(e.example, k)); },
      [&](int k) { return "e^" + format_number(z(e.example, k)); });
  t.numbers = out + j + " = e^" + format_number(z(e.example, e.col)) + " / (" + sum.numbers +
              ") = " + format_number(applied ? a_now : std::exp(z(e.example, e.col) - shift) / denom) +
              example_note(sc, e.example);
  t.explanation =
      "Softmax turns the layer's sums into probabilities: each is exponentiated, then all are "
      "divided by their total, so they add up to 1.";
  return t;
}

// ---------------------------------------------------------------- δ = ∂L/∂a · f′(z)
void declare_activation_backward(const Scenario& sc, Op& op) {
  const int l = op.layer;
  if (l == sc.layer_count() && uses_logits(*sc.loss, *sc.layers[l - 1].activation))
    declare_reads(op, {{Buffer::PreActivation, l}, {Buffer::Activation, l}, {Buffer::Target, l}});
  else
    declare_reads(op, {{Buffer::PreActivation, l}, {Buffer::Activation, l}, {Buffer::GradActivation, l}});
  op.writes = {Buffer::Delta, l};
}

void apply_activation_backward(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  const int l = op.layer;
  Layer& layer = sc.layers[l - 1];
  LayerState& ls = state.layers[l - 1];
  // The output layer under a cross-entropy loss: δ from the logits.
  if (l == sc.layer_count() &&
      output_delta(*sc.loss, *layer.activation, ls.pre_activation, ls.activation, sc.targets,
                   ls.delta))
    return;
  layer.activation->backward(ls.pre_activation, ls.activation, ls.grad_activation, ls.delta);
}

std::string title_activation_backward(const Op& op, const Scenario& sc) {
  const int l = op.layer;
  return "Backward, " + layer_where(sc, l) + ": δ" + superscript(l) + " through " +
         std::string(sc.layers[l - 1].activation->symbol);
}

OpText describe_activation_backward(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
  const Scenario& sc = st.scenario;
  const Activation& act = *sc.layers[l - 1].activation;
  const LayerState& ls = st.layers[l - 1];
  const std::string L = superscript(l), out = layer_symbol(sc, l), j = subscript(e.col + 1);
  const int b = e.example;
  OpText t;
  // δ of the output layer as the engine computes it (from the logits under a
  // cross-entropy loss), so a saturated output never shows inf × 0 = NaN.
  const bool from_logits = l == sc.layer_count() && uses_logits(*sc.loss, act);
  Eigen::MatrixXd row_delta(1, ls.pre_activation.cols());
  if (from_logits)
    output_delta(*sc.loss, act, ls.pre_activation.row(b), ls.activation.row(b), sc.targets.row(b),
                 row_delta);
  // Softmax with binary cross-entropy keeps the Jacobian text below (the seed's
  // worked example); the others have a short closed form.
  if (from_logits && !(act.name == "softmax" && sc.loss->name == "binary_cross_entropy")) {
    const double d = applied ? ls.delta(b, e.col) : row_delta(0, e.col) / sc.batch_size();
    const std::string oj = out + "ⱼ", yj = "yⱼ", prefix = batch_prefix(sc);
    const bool sigmoid = act.name == "sigmoid", ce = sc.loss->name == "cross_entropy";
    const std::string closed = sigmoid ? (ce ? "−" + yj + "·(1 − " + oj + ")" : oj + " − " + yj)
                                       : oj + "·Σᵢ yᵢ − " + yj;
    t.equation = "δ" + L + "ⱼ = " + (prefix.empty() ? closed : prefix + "(" + closed + ")") +
                 ",  from the logits z" + L + " (" + std::string(act.symbol) + " and " +
                 std::string(sc.loss->name) + " together)";
    const double o = ls.activation(b, e.col), y = sc.targets(b, e.col);
    const std::string inner =
        sigmoid ? (ce ? "−" + format_number(y) + "·(1 − " + format_number(o) + ")"
                      : format_number(o) + " − " + format_number(y))
                : format_number(o) + "·" + format_number(sc.targets.row(b).sum()) + " − " + format_number(y);
    t.numbers = "δ" + L + j + " = " + (prefix.empty() ? inner : prefix + "(" + inner + ")") + " = " +
                format_number(d) + example_note(sc, b);
    t.explanation = "With a cross-entropy loss the chain rule through the output activation "
                    "collapses to a short closed form, computed from z so it stays exact when "
                    "the output saturates.";
    return t;
  }
  if (act.elementwise()) {
    t.equation = "δ" + L + "ⱼ = ∂L/∂" + out + "ⱼ · " + std::string(act.symbol) + "′(z" + L +
                 "ⱼ),   " + std::string(act.symbol) + "′(z) = " + std::string(act.derivative_text);
    const double g = ls.grad_activation(b, e.col);
    const double d = act.df(ls.pre_activation(b, e.col), ls.activation(b, e.col));
    t.numbers = "δ" + L + j + " = " + factor(g) + " × " + factor(d) + " = " + format_number(applied ? ls.delta(b, e.col) : g * d) +
                example_note(sc, b);
    t.explanation = "The chain rule through the activation: the gradient arriving at each neuron's "
                    "output times the activation's slope at its input.";
    return t;
  }
  t.equation = "δ" + L + "ⱼ = Σᵢ ∂L/∂" + out + "ᵢ · ∂" + out + "ᵢ/∂z" + L + "ⱼ = " + out +
               "ⱼ·(∂L/∂" + out + "ⱼ − Σᵢ " + out + "ᵢ·∂L/∂" + out + "ᵢ)";
  const int n = static_cast<int>(ls.activation.cols());
  double weighted = 0.0;
  for (int i = 0; i < n; ++i) weighted += ls.activation(b, i) * ls.grad_activation(b, i);
  const SumText sum = written_sum(n, [](int) { return std::string(); }, [&](int i) {
    return format_number(ls.activation(b, i)) + "×" + factor(ls.grad_activation(b, i));
  });
  const double a = ls.activation(b, e.col), g = ls.grad_activation(b, e.col);
  t.numbers = "δ" + L + j + " = " + format_number(a) + " × (" + format_number(g) + " − (" +
              sum.numbers + ")) = " +
              format_number(applied      ? ls.delta(b, e.col)
                            : from_logits ? row_delta(0, e.col) / sc.batch_size()
                                          : a * (g - weighted)) +
              example_note(sc, b);
  t.explanation = "Softmax ties its outputs together, so every output's gradient reaches every "
                  "input: the full Jacobian, not just its diagonal.";
  return t;
}

}  // namespace

extern const OpKindDef kActivateOp{OpKind::Activate, "activation", Phase::Forward, declare_activate, apply_activate, title_activate, describe_activate, "f(z)"};
extern const OpKindDef kActivationBackwardOp{OpKind::ActivationBackward, "activation_backward", Phase::Backward, declare_activation_backward, apply_activation_backward, title_activation_backward, describe_activation_backward, "· f′(z)"};

}  // namespace bpv
