// L1/L2 regularization (formats.md §4): the penalty P joins the loss in the
// loss phase, and its gradient joins ∂L/∂W right after each layer's weight
// gradient. Over the weights of every layer, never the biases.
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

// ---------------------------------------------------------------- P
// It reads every layer's weights; the first few are declared (reads are for
// highlighting, and an op holds up to eight).
void declare_penalty(const Scenario& sc, Op& op) {
  for (int l = 1; l <= sc.layer_count() && op.read_count < static_cast<int>(op.reads.size()); ++l)
    op.reads[op.read_count++] = {Buffer::Weights, l};
  op.writes = {Buffer::Penalty, op.layer};
}

void apply_penalty(const Op&, PassState& state) {
  const Scenario& sc = state.scenario;
  // Over the weights of every layer, never the biases (formats.md §4).
  const Regularization& reg = sc.regularization;
  double squares = 0.0, absolutes = 0.0;
  for (const Layer& each : sc.layers) {
    if (!layer_kind(each).penalized) continue;  // batch norm's γ is no weight
    if (reg.l2 != 0.0) squares += each.weights.squaredNorm();
    if (reg.l1 != 0.0) absolutes += each.weights.cwiseAbs().sum();
  }
  state.penalty(0, 0) = 0.5 * reg.l2 * squares + reg.l1 * absolutes;
}

std::string title_penalty(const Op&, const Scenario&) { return "Loss: regularization penalty P"; }

OpText penalty_text(const PassState& st, bool applied) {
  const Scenario& sc = st.scenario;
  const Regularization& reg = sc.regularization;
  double squares = 0.0, absolutes = 0.0;  // the sums the penalty is made of, for the numbers
  for (const Layer& layer : sc.layers) {
    if (!layer_kind(layer).penalized) continue;
    squares += layer.weights.squaredNorm();
    absolutes += layer.weights.cwiseAbs().sum();
  }
  const double p = applied ? st.penalty_value() : 0.5 * reg.l2 * squares + reg.l1 * absolutes;
  OpText t;
  t.equation = "P = (λ₂/2)·Σ W² + λ₁·Σ |W|  over every weight of every layer (not the biases),   λ₂ = " +
               format_number(reg.l2) + ", λ₁ = " + format_number(reg.l1) + ";   L = data loss + P";
  // P's own value comes last: predict mode hides what follows the last " = ".
  t.numbers = "L = " + format_number(st.data_loss()) + " + P;   P = (" + format_number(reg.l2) + "/2) × " +
              format_number(squares) + " + " + format_number(reg.l1) + " × " + format_number(absolutes) + " = " +
              format_number(p, 8);
  t.explanation = "Regularization adds a cost for large weights to the loss, so training also keeps them small.";
  return t;
}

OpText describe_penalty(const Op&, const PassState& st, const Eigen::MatrixXd* before, Element) {
  return penalty_text(st, before != nullptr);
}

// ---------------------------------------------------------------- ∂L/∂W += λ₂·W + λ₁·sign(W)
void declare_penalty_gradient(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Weights, op.layer}, {Buffer::GradWeights, op.layer}});
  op.writes = {Buffer::GradWeights, op.layer};
}

void apply_penalty_gradient(const Op& op, PassState& state) {
  const Scenario& sc = state.scenario;
  const Layer& layer = sc.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  const Regularization& reg = sc.regularization;
  if (reg.l2 != 0.0) ls.grad_weights.noalias() += reg.l2 * layer.weights;
  // Eigen's sign() is 0 at 0: ∂|w|/∂w = 0 there, as §4 fixes it.
  if (reg.l1 != 0.0) ls.grad_weights.array() += reg.l1 * layer.weights.array().sign();
}

std::string title_penalty_gradient(const Op& op, const Scenario& sc) {
  const std::string L = superscript(op.layer);
  return "Backward, " + layer_where(sc, op.layer) + ": penalty gradient ∂L/∂W" + L + " += λ₂·W" + L +
         " + λ₁·sign(W" + L + ")";
}

OpText penalty_gradient_text(const PassState& st, int l, const Eigen::MatrixXd* before, Element e) {
  const Scenario& sc = st.scenario;
  const Regularization& reg = sc.regularization;
  const double w = sc.layers[l - 1].weights(e.row, e.col);
  const double sign = w > 0 ? 1.0 : (w < 0 ? -1.0 : 0.0);
  const double now = st.layers[l - 1].grad_weights(e.row, e.col);
  const double old = before ? (*before)(e.row, e.col) : now;
  const double result = before ? now : old + reg.l2 * w + reg.l1 * sign;
  const std::string L = superscript(l), sym = weight_symbol(l, e.row, e.col);
  OpText t;
  t.equation = "∂L/∂W" + L + "ᵢⱼ ← ∂L/∂W" + L + "ᵢⱼ + λ₂·W" + L + "ᵢⱼ + λ₁·sign(W" + L + "ᵢⱼ),   λ₂ = " +
               format_number(reg.l2) + ", λ₁ = " + format_number(reg.l1);
  t.numbers = "∂L/∂" + sym + " ← " + format_number(old) + " + " + format_number(reg.l2) + " × " + factor(w) + " + " +
              format_number(reg.l1) + " × " + factor(sign) + " = " + format_number(result);
  t.explanation = "The penalty's own gradient joins the data's: each weight is also pulled toward 0.";
  return t;
}

OpText describe_penalty_gradient(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  return penalty_gradient_text(st, op.layer, before, e);
}

}  // namespace

extern const OpKindDef kPenaltyOp{OpKind::Penalty, "penalty", Phase::Loss, declare_penalty, apply_penalty, title_penalty, describe_penalty, "penalty"};
extern const OpKindDef kPenaltyGradientOp{OpKind::PenaltyGradient, "penalty_gradient", Phase::Backward, declare_penalty_gradient, apply_penalty_gradient, title_penalty_gradient, describe_penalty_gradient, "+ ∂P/∂W"};

}  // namespace bpv
