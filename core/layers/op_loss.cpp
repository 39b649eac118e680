// The loss L = (1/B) Σ_b loss(o, y) and its gradient ∂L/∂o, from the loss
// table (losses.hpp). A sigmoid or softmax output under a cross-entropy loss
// is read through its logits z as well, so a saturated output keeps a finite loss.
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"

namespace bpv {
namespace {

// What both ops read: (z, o, y) from the logits, else (o, y).
void declare_output_reads(const Scenario& sc, Op& op) {
  const int l = op.layer;
  if (uses_logits(*sc.loss, *sc.layers[l - 1].activation))
    declare_reads(op, {{Buffer::PreActivation, l}, {Buffer::Activation, l}, {Buffer::Target, l}});
  else
    declare_reads(op, {{Buffer::Activation, l}, {Buffer::Target, l}});
}

// ---------------------------------------------------------------- L
void declare_loss(const Scenario& sc, Op& op) {
  declare_output_reads(sc, op);
  op.writes = {Buffer::LossValue, op.layer};
}

void apply_loss(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  const Layer& layer = sc.layers[op.layer - 1];
  const LayerState& ls = state.layers[op.layer - 1];
  state.loss(0, 0) =
      output_loss(*sc.loss, *layer.activation, ls.pre_activation, ls.activation, sc.targets);
}

std::string title_loss(const Op&, const Scenario& sc) { return "Loss: " + std::string(sc.loss->name); }

std::string loss_term_text(const Loss& loss, double o, double y) {
  const std::string os = format_number(o), ys = format_number(y);
  if (loss.name == "mse") return "½(" + os + " − " + ys + ")²";
  if (loss.name == "cross_entropy") return "−" + ys + "·ln " + os;
  return "−(" + ys + "·ln " + os + " + " + format_number(1.0 - y) + "·ln(1 − " + os + "))";
}

OpText describe_loss(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
  const Scenario& sc = st.scenario;
  const Loss& loss = *sc.loss;
  const Eigen::MatrixXd& o = st.layers[l - 1].activation;
  OpText t;
  t.equation = std::string(loss.formula);
  if (sc.batch_size() > 1)
    t.equation += ",  averaged over the B = " + std::to_string(sc.batch_size()) + " examples";
  // The engine's own formulation (losses.hpp: from the logits where the
  // output is sigmoid or softmax), so a saturated output shows the true loss.
  const Activation& out = *sc.layers[l - 1].activation;
  const Eigen::MatrixXd& z = st.layers[l - 1].pre_activation;
  // One example's term; with one example that is the loss the op wrote.
  const double example_loss = applied && sc.batch_size() == 1
                                  ? st.data_loss()
                                  : output_loss(loss, out, z.row(e.example), o.row(e.example), sc.targets.row(e.example));
  // Each term carries its own sign ("−(…)" or "½(…)²"), so they are joined by spaces.
  std::string terms;
  const int n = static_cast<int>(o.cols());
  for (int i = 0; i < n; ++i) {
    if (n > kMaxTermsShown && i >= 3 && i < n - 1) {
      if (i == 3) terms += " …";
      continue;
    }
    const std::string term = loss_term_text(loss, o(e.example, i), sc.targets(e.example, i));
    terms += (i == 0 ? "" : (term.rfind("−", 0) == 0 ? " " : " + ")) + term;
  }
  const std::string lhs = sc.batch_size() > 1 ? "L" + subscript(e.example + 1) : "L";
  t.numbers = lhs + " = " + terms + " = " + format_number(example_loss);
  if (sc.batch_size() > 1)
    t.numbers += ";  L = (1/B)·Σ_b L_b = " + format_number(applied ? st.data_loss() : output_loss(loss, out, z, o, sc.targets));
  t.explanation = "The loss measures how far the outputs are from the targets; training lowers it.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂o
void declare_loss_gradient(const Scenario& sc, Op& op) {
  declare_output_reads(sc, op);
  op.writes = {Buffer::GradActivation, op.layer};
}

void apply_loss_gradient(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  const Layer& layer = sc.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  output_loss_gradient(*sc.loss, *layer.activation, ls.pre_activation, ls.activation,
                       sc.targets, ls.grad_activation);
}

std::string title_loss_gradient(const Op& op, const Scenario& sc) {
  return "Backward: loss gradient ∂L/∂" + layer_symbol(sc, op.layer);
}

OpText describe_loss_gradient(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
  const Scenario& sc = st.scenario;
  const Loss& loss = *sc.loss;
  const double o = st.layers[l - 1].activation(e.example, e.col);
  const double y = sc.targets(e.example, e.col);
  const std::string os = format_number(o), ys = format_number(y);
  OpText t;
  t.equation = std::string(loss.gradient_formula);
  std::string inner;
  if (loss.name == "mse") inner = os + " − " + ys;
  else if (loss.name == "cross_entropy") inner = "−" + ys + "/" + os;
  else inner = "−" + ys + "/" + os + " + " + format_number(1.0 - y) + "/(1 − " + os + ")";
  const Activation& out = *sc.layers[l - 1].activation;
  const Eigen::MatrixXd& z = st.layers[l - 1].pre_activation;
  Eigen::MatrixXd row_grad(1, z.cols());  // the engine's formulation, for one example
  output_loss_gradient(loss, out, z.row(e.example), st.layers[l - 1].activation.row(e.example),
                       sc.targets.row(e.example), row_grad);
  const double g = applied ? st.layers[l - 1].grad_activation(e.example, e.col) : row_grad(0, e.col) / sc.batch_size();
  const std::string prefix = batch_prefix(sc);
  t.numbers = "∂L/∂" + neuron_symbol(sc, l, e.col) + " = " + prefix +
              (prefix.empty() ? inner : "(" + inner + ")") + " = " + format_number(g) +
              example_note(sc, e.example);
  t.explanation = "Backpropagation starts here: how much the loss changes when each output changes.";
  return t;
}

}  // namespace

extern const OpKindDef kLossOp{OpKind::Loss, "loss", Phase::Loss, declare_loss, apply_loss, title_loss, describe_loss, "loss"};
extern const OpKindDef kLossGradientOp{OpKind::LossGradient, "loss_gradient", Phase::Backward, declare_loss_gradient, apply_loss_gradient, title_loss_gradient, describe_loss_gradient, "∂L/∂o"};

}  // namespace bpv
