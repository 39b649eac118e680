#include "describe.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "batching.hpp"
#include "optimizer.hpp"

// [SECTION] symbols  [SECTION] forward  [SECTION] loss  [SECTION] backward
// [SECTION] update   [SECTION] regularization  [SECTION] optimizers
// [SECTION] data     [SECTION] describe()

namespace bpv {
namespace {

constexpr int kMaxTermsShown = 4;  // longer sums show the first 3 terms, "…", the last

// ---------------------------------------------------------------- [SECTION] symbols
std::string digits_in(int n, const char* const table[10]) {
  std::string out;
  for (char c : std::to_string(n)) out += c == '-' ? "₋" : table[c - '0'];
  return out;
}

// A number as a factor: negative ones get brackets, "0.5 × (-0.3)".
std::string factor(double v) {
  const std::string s = format_number(v);
  return v < 0 ? "(" + s + ")" : s;
}

struct SumText {
  std::string symbols, numbers;
};

// Σ over k of lhs(k)·rhs(k), written out with symbols and with numbers.
template <class Sym, class Val>
SumText written_sum(int count, Sym symbols_of, Val values_of) {
  SumText t;
  for (int k = 0; k < count; ++k) {
    const bool shown = count <= kMaxTermsShown || k < 3 || k == count - 1;
    if (!shown) {
      if (k == 3) {
        t.symbols += " + …";
        t.numbers += " + …";
      }
      continue;
    }
    if (k > 0) {
      t.symbols += " + ";
      t.numbers += " + ";
    }
    t.symbols += symbols_of(k);
    t.numbers += values_of(k);
  }
  return t;
}

std::string example_note(const Scenario& sc, int b) {
  return sc.batch_size() > 1 ? "  (example " + std::to_string(b + 1) + ")" : "";
}

std::string batch_prefix(const Scenario& sc) {
  return sc.batch_size() > 1 ? "(1/" + std::to_string(sc.batch_size()) + ")·" : "";
}

// ---------------------------------------------------------------- [SECTION] forward
OpText affine_text(const PassState& st, int l, Element e) {
  const Scenario& sc = st.scenario;
  const Layer& layer = sc.layers[l - 1];
  const Eigen::MatrixXd& a_prev = st.activation(l - 1);
  const std::string prev = layer_symbol(sc, l - 1), L = superscript(l);
  OpText t;
  t.equation = "z" + L + "ⱼ = Σᵢ " + prev + "ᵢ·W" + L + "ᵢⱼ + b" + L + "ⱼ";
  double z = layer.bias(0, e.col);
  for (int i = 0; i < layer.fan_in(); ++i) z += a_prev(e.example, i) * layer.weights(i, e.col);
  const SumText sum = written_sum(
      layer.fan_in(),
      [&](int i) { return neuron_symbol(sc, l - 1, i) + "·" + weight_symbol(l, i, e.col); },
      [&](int i) {
        return format_number(a_prev(e.example, i)) + "×" + factor(layer.weights(i, e.col));
      });
  const std::string b = "b" + L + subscript(e.col + 1);
  // The symbolic sum is spelled out only while it is short; longer ones would
  // push the numbers off a panel.
  const std::string spelled = layer.fan_in() <= 3 ? sum.symbols + " + " + b + " = " : "";
  t.numbers = "z" + L + subscript(e.col + 1) + " = " + spelled +
              sum.numbers + " + " + factor(layer.bias(0, e.col)) + " = " + format_number(z) +
              example_note(sc, e.example);
  t.explanation = "Each neuron of layer " + std::to_string(l) +
                  " adds up its inputs, each times the weight on its edge, plus its bias.";
  return t;
}

OpText activation_text(const PassState& st, int l, Element e) {
  const Scenario& sc = st.scenario;
  const Activation& act = *sc.layers[l - 1].activation;
  const Eigen::MatrixXd& z = st.layers[l - 1].pre_activation;
  const std::string L = superscript(l), out = layer_symbol(sc, l);
  const std::string j = subscript(e.col + 1);
  OpText t;
  if (act.elementwise()) {
    t.equation = out + "ⱼ = " + std::string(act.symbol) + "(z" + L + "ⱼ)";
    t.numbers = out + j + " = " + std::string(act.symbol) + "(" + format_number(z(e.example, e.col)) +
                ") = " + format_number(act.f(z(e.example, e.col))) + example_note(sc, e.example);
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
              ") = " + format_number(std::exp(z(e.example, e.col) - shift) / denom) +
              example_note(sc, e.example);
  t.explanation =
      "Softmax turns the layer's sums into probabilities: each is exponentiated, then all are "
      "divided by their total, so they add up to 1.";
  return t;
}

// ---------------------------------------------------------------- [SECTION] loss
std::string loss_term_text(const Loss& loss, double o, double y) {
  const std::string os = format_number(o), ys = format_number(y);
  if (loss.name == "mse") return "½(" + os + " − " + ys + ")²";
  if (loss.name == "cross_entropy") return "−" + ys + "·ln " + os;
  return "−(" + ys + "·ln " + os + " + " + format_number(1.0 - y) + "·ln(1 − " + os + "))";
}

OpText loss_text(const PassState& st, int l, Element e) {
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
  const double example_loss = output_loss(loss, out, z.row(e.example), o.row(e.example),
                                          sc.targets.row(e.example));
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
    t.numbers += ";  L = (1/B)·Σ_b L_b = " + format_number(output_loss(loss, out, z, o, sc.targets));
  t.explanation = "The loss measures how far the outputs are from the targets; training lowers it.";
  return t;
}

OpText loss_gradient_text(const PassState& st, int l, Element e) {
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
  const double g = row_grad(0, e.col) / sc.batch_size();
  const std::string prefix = batch_prefix(sc);
  t.numbers = "∂L/∂" + neuron_symbol(sc, l, e.col) + " = " + prefix +
              (prefix.empty() ? inner : "(" + inner + ")") + " = " + format_number(g) +
              example_note(sc, e.example);
  t.explanation = "Backpropagation starts here: how much the loss changes when each output changes.";
  return t;
}

// ---------------------------------------------------------------- [SECTION] backward
OpText activation_backward_text(const PassState& st, int l, Element e) {
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
    const double d = row_delta(0, e.col) / sc.batch_size();
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
    t.numbers = "δ" + L + j + " = " + factor(g) + " × " + factor(d) + " = " + format_number(g * d) +
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
              format_number(from_logits ? row_delta(0, e.col) / sc.batch_size() : a * (g - weighted)) +
              example_note(sc, b);
  t.explanation = "Softmax ties its outputs together, so every output's gradient reaches every "
                  "input: the full Jacobian, not just its diagonal.";
  return t;
}

OpText grad_weights_text(const PassState& st, int l, Element e) {
  const Scenario& sc = st.scenario;
  const Eigen::MatrixXd& a_prev = st.activation(l - 1);
  const Eigen::MatrixXd& delta = st.layers[l - 1].delta;
  const std::string L = superscript(l), prev = layer_symbol(sc, l - 1);
  const int B = sc.batch_size();
  OpText t;
  t.equation = "∂L/∂W" + L + "ᵢⱼ = " + (B > 1 ? std::string("Σ_b ") : "") + prev + "ᵢ · δ" + L + "ⱼ";
  double g = 0.0;
  for (int b = 0; b < B; ++b) g += a_prev(b, e.row) * delta(b, e.col);
  const SumText sum = written_sum(B, [](int) { return std::string(); }, [&](int b) {
    return format_number(a_prev(b, e.row)) + "×" + factor(delta(b, e.col));
  });
  t.numbers = "∂L/∂" + weight_symbol(l, e.row, e.col) + " = " + neuron_symbol(sc, l - 1, e.row) +
              " · δ" + L + subscript(e.col + 1) + " = " + sum.numbers + " = " + format_number(g);
  t.explanation = "A weight's gradient is the signal that flowed in along its edge times the "
                  "error δ at the neuron it feeds" +
                  std::string(B > 1 ? ", summed over the batch." : ".");
  return t;
}

OpText grad_bias_text(const PassState& st, int l, Element e) {
  const Scenario& sc = st.scenario;
  const Eigen::MatrixXd& delta = st.layers[l - 1].delta;
  const std::string L = superscript(l), j = subscript(e.col + 1);
  const int B = sc.batch_size();
  OpText t;
  t.equation = "∂L/∂b" + L + "ⱼ = " + (B > 1 ? std::string("Σ_b ") : "") + "δ" + L + "ⱼ";
  double g = 0.0;
  for (int b = 0; b < B; ++b) g += delta(b, e.col);
  const SumText sum = written_sum(B, [](int) { return std::string(); },
                                  [&](int b) { return format_number(delta(b, e.col)); });
  t.numbers = "∂L/∂b" + L + j + " = " + sum.numbers + (B > 1 ? " = " + format_number(g) : "");
  t.explanation = "A bias is a weight on a constant input of 1, so its gradient is just δ.";
  return t;
}

OpText grad_input_text(const PassState& st, int l, Element e) {
  const Scenario& sc = st.scenario;
  const Layer& layer = sc.layers[l - 1];
  const Eigen::MatrixXd& delta = st.layers[l - 1].delta;
  const std::string L = superscript(l), prev = layer_symbol(sc, l - 1);
  const int b = e.example, i = e.col;  // the output is ∂L/∂a_{l−1}: column = neuron i
  OpText t;
  t.equation = "∂L/∂" + prev + "ᵢ = Σⱼ δ" + L + "ⱼ · W" + L + "ᵢⱼ";
  double g = 0.0;
  for (int j = 0; j < layer.size(); ++j) g += delta(b, j) * layer.weights(i, j);
  const SumText sum = written_sum(
      layer.size(), [&](int j) { return "δ" + L + subscript(j + 1) + "·" + weight_symbol(l, i, j); },
      [&](int j) { return format_number(delta(b, j)) + "×" + factor(layer.weights(i, j)); });
  const std::string spelled = layer.size() <= 3 ? sum.symbols + " = " : "";
  t.numbers = "∂L/∂" + neuron_symbol(sc, l - 1, i) + " = " + spelled + sum.numbers +
              " = " + format_number(g) + example_note(sc, b);
  t.explanation = "Each neuron of the layer below collects the errors of every neuron it feeds, "
                  "weighted by the edges between them.";
  return t;
}

// ---------------------------------------------------------------- [SECTION] update
OpText update_text(const PassState& st, int l, bool weights, const Eigen::MatrixXd* before,
                   Element e) {
  const Scenario& sc = st.scenario;
  const Layer& layer = sc.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const std::string L = superscript(l);
  const std::string sym = weights ? "W" + L + "ᵢⱼ" : "b" + L + "ⱼ";
  const std::string elem = weights ? weight_symbol(l, e.row, e.col) : "b" + L + subscript(e.col + 1);
  const int r = weights ? e.row : 0;
  const double current = weights ? layer.weights(r, e.col) : layer.bias(0, e.col);
  const double grad = weights ? ls.grad_weights(r, e.col) : ls.grad_bias(0, e.col);
  const double old_value = before ? (*before)(r, e.col) : current;
  const double new_value = before ? current : old_value - sc.learning_rate * grad;
  OpText t;
  t.equation = sym + " ← " + sym + " − η·∂L/∂" + sym + ",   η = " + format_number(sc.learning_rate);
  t.numbers = elem + " ← " + format_number(old_value) + " − " + format_number(sc.learning_rate) +
              " × " + factor(grad) + " = " + format_number(new_value, 8);
  t.explanation = weights ? "Gradient descent: every weight takes a small step against its gradient."
                          : "The biases take the same kind of step against their gradients.";
  return t;
}

// ---------------------------------------------------------------- [SECTION] regularization
OpText penalty_text(const PassState& st, bool applied) {
  const Scenario& sc = st.scenario;
  const Regularization& reg = sc.regularization;
  double squares = 0.0, absolutes = 0.0;  // the sums the penalty is made of, for the numbers
  for (const Layer& layer : sc.layers) {
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

// ---------------------------------------------------------------- [SECTION] optimizers
OpText optimizer_step_text(const PassState& st, const Eigen::MatrixXd* before) {
  const double now = st.scenario.optimizer_state.step();
  const double old = before ? (*before)(0, 0) : now;
  OpText t;
  t.equation = "t ← t + 1  (" + st.scenario.optimizer.name + ")";
  t.numbers = "t ← " + format_number(old, 17) + " + 1 = " + format_number(before ? now : old + 1.0, 17);
  t.explanation = "The optimizer counts its updates; Adam's corrections for starting at 0 depend on t.";
  return t;
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
    op.optimizer->apply(x, OptimizerScalars{sc.optimizer, sc.learning_rate, el.t});
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

// ---------------------------------------------------------------- [SECTION] data
// "epoch 1, mini-batch 4 of 25" (1-based: what a person counts).
std::string batch_position(const Scenario& sc) {
  return "epoch " + std::to_string(sc.progress.epoch + 1) + ", mini-batch " +
         std::to_string(sc.progress.step_in_epoch + 1) + " of " +
         std::to_string(steps_per_epoch(sc.train_rows(), sc.data.batching));
}

OpText mini_batch_text(const PassState& st, Element e) {
  const Scenario& sc = st.scenario;
  const DataSet& d = sc.data;
  const int n = d.train_rows(), b = sc.batch_size();
  const BatchSpan span = batch_span(n, d.batching, sc.progress);
  const bool shuffled = d.batching && d.batching->shuffle;
  OpText t;
  t.equation = "x, y ← rows " + std::to_string(span.first + 1) + "–" + std::to_string(span.first + span.count) +
               " of the training set (" + std::to_string(n) + " rows" +
               (shuffled ? ", in this epoch's shuffled order)" : ", in file order)");
  if (!d.features.empty()) t.equation += "; x = features of the raw inputs";
  if (e.example < st.batch_rows.cols() && e.example < b) {
    const int row = static_cast<int>(st.batch_rows(0, e.example));
    std::string xs, ys;
    for (Eigen::Index c = 0; c < sc.inputs.cols() && c < 4; ++c)
      xs += (c ? ", " : "") + format_number(sc.inputs(e.example, c));
    if (sc.inputs.cols() > 4) xs += ", …";
    for (Eigen::Index c = 0; c < sc.targets.cols() && c < 4; ++c)
      ys += (c ? ", " : "") + format_number(sc.targets(e.example, c));
    if (sc.targets.cols() > 4) ys += ", …";
    t.numbers = "example " + std::to_string(e.example + 1) + " of " + std::to_string(b) + " = training row " +
                std::to_string(row + 1) + ": x = (" + xs + "), y = (" + ys + ")";
  }
  t.explanation = d.batching
                      ? "Each training step learns from one mini-batch; an epoch is N/B steps (rounded up), one pass over "
                        "the training set, and the loss and gradients are means over this mini-batch."
                      : "Every step learns from the whole training set (no batching): each step is an epoch.";
  return t;
}

// "m ← β₁·m + (1 − β₁)·∂L/∂θ" with θ spelled as the parameter: W² or b².
std::string with_parameter(std::string_view formula, const std::string& param) {
  std::string out;
  const std::string theta = "θ";
  for (std::size_t k = 0; k < formula.size();) {
    if (formula.compare(k, theta.size(), theta) == 0) {
      out += param;
      k += theta.size();
    } else {
      out += formula[k++];
    }
  }
  return out;
}

}  // namespace

std::string subscript(int n) {
  static const char* const table[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  return digits_in(n, table);
}

std::string superscript(int n) {
  static const char* const table[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  return digits_in(n, table);
}

std::string layer_symbol(const Scenario& scenario, int l) {
  if (l == 0) return "x";
  if (l == scenario.layer_count()) return "o";
  return "h" + std::to_string(l);
}

std::string neuron_symbol(const Scenario& scenario, int l, int j) {
  // The input layer of a network fed features is labelled by them: x₁², sin x₂.
  const std::vector<Feature>& features = scenario.data.features;
  if (l == 0 && j >= 0 && j < static_cast<int>(features.size())) return feature_label(features[static_cast<std::size_t>(j)]);
  return layer_symbol(scenario, l) + subscript(j + 1);
}

std::string weight_symbol(int l, int i, int j) {
  // W²₁₂ while both indices are single digits; W²₁₂,₃ would be ambiguous, so
  // larger ones get a comma: W¹₁₂,₃.
  const std::string sep = (i + 1 < 10 && j + 1 < 10) ? "" : ",";
  return "W" + superscript(l) + subscript(i + 1) + sep + subscript(j + 1);
}

std::string format_number(double v, int significant) {
  if (v == 0.0) return "0";  // no "-0"
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  return buf;
}

std::string describe_title(const Op& op, const Scenario& sc) {
  const int l = op.layer;
  const std::string L = superscript(l), name = layer_symbol(sc, l);
  const std::string where = "layer " + std::to_string(l) + " (" + name + ")";
  switch (op.kind) {
    case OpKind::MiniBatch: return "Mini-batch: " + batch_position(sc);
    case OpKind::Affine: return "Forward, " + where + ": weighted sum z" + L;
    case OpKind::Activate:
      return "Forward, " + where + ": " + std::string(sc.layers[l - 1].activation->symbol);
    case OpKind::Loss: return "Loss: " + std::string(sc.loss->name);
    case OpKind::LossGradient: return "Backward: loss gradient ∂L/∂" + name;
    case OpKind::ActivationBackward:
      return "Backward, " + where + ": δ" + L + " through " +
             std::string(sc.layers[l - 1].activation->symbol);
    case OpKind::GradWeights: return "Backward, " + where + ": weight gradients ∂L/∂W" + L;
    case OpKind::GradBias: return "Backward, " + where + ": bias gradients ∂L/∂b" + L;
    case OpKind::GradInput:
      return "Backward, " + where + ": pass back to ∂L/∂" + layer_symbol(sc, l - 1);
    case OpKind::UpdateWeights:
      if (op.optimizer) return "Update, " + where + ": " + with_parameter(op.optimizer->formula, "W" + L);
      return "Update, " + where + ": W" + L + " ← W" + L + " − η·∂L/∂W" + L;
    case OpKind::UpdateBias:
      if (op.optimizer) return "Update, " + where + ": " + with_parameter(op.optimizer->formula, "b" + L);
      return "Update, " + where + ": b" + L + " ← b" + L + " − η·∂L/∂b" + L;
    case OpKind::Penalty: return "Loss: regularization penalty P";
    case OpKind::PenaltyGradient:
      return "Backward, " + where + ": penalty gradient ∂L/∂W" + L + " += λ₂·W" + L + " + λ₁·sign(W" + L + ")";
    case OpKind::OptimizerStep: return "Update: " + sc.optimizer.name + " step count t ← t + 1";
    case OpKind::OptimizerState: {
      const bool bias = op.writes.buffer == Buffer::BiasState;
      const std::string param = (bias ? "b" : "W") + L;
      return "Update, " + where + ", " + std::string(state_slot_name(op.writes.slot)) + " of " + param + ": " +
             with_parameter(op.optimizer->formula, param);
    }
  }
  return "?";
}

// ---------------------------------------------------------------- [SECTION] describe()
OpText describe(const Op& op, const PassState& state, const Eigen::MatrixXd* before,
                Element e) {
  // Clamp the element into the output's shape so any hover is safe. A state
  // tensor has its parameter's shape (an SGD velocity may not exist yet).
  const Buffer wb = op.writes.buffer;
  const bool is_state = wb == Buffer::WeightState || wb == Buffer::BiasState;
  const Eigen::MatrixXd& out =
      is_state ? buffer_matrix(state, {wb == Buffer::WeightState ? Buffer::Weights : Buffer::Bias, op.writes.layer})
               : buffer_matrix(state, op.writes);
  auto clamp = [](int v, Eigen::Index n) { return v < 0 ? 0 : (v >= n ? static_cast<int>(n) - 1 : v); };
  const bool scalar = wb == Buffer::LossValue || wb == Buffer::Penalty || wb == Buffer::Step;
  const bool is_matrix_param = wb == Buffer::Weights || wb == Buffer::GradWeights || wb == Buffer::WeightState;
  if (is_matrix_param) {
    e.row = clamp(e.row, out.rows());
  } else if (!scalar) {
    e.example = clamp(e.example, state.scenario.batch_size());
  }
  if (!scalar) e.col = clamp(e.col, out.cols());
  e.example = clamp(e.example, state.scenario.batch_size());

  OpText t;
  const int l = op.layer;
  switch (op.kind) {
    case OpKind::MiniBatch: t = mini_batch_text(state, e); break;
    case OpKind::Affine: t = affine_text(state, l, e); break;
    case OpKind::Activate: t = activation_text(state, l, e); break;
    case OpKind::Loss: t = loss_text(state, l, e); break;
    case OpKind::LossGradient: t = loss_gradient_text(state, l, e); break;
    case OpKind::ActivationBackward: t = activation_backward_text(state, l, e); break;
    case OpKind::GradWeights: t = grad_weights_text(state, l, e); break;
    case OpKind::GradBias: t = grad_bias_text(state, l, e); break;
    case OpKind::GradInput: t = grad_input_text(state, l, e); break;
    case OpKind::UpdateWeights:
      t = op.optimizer ? optimizer_op_text(op, state, before, e) : update_text(state, l, true, before, e);
      break;
    case OpKind::UpdateBias:
      t = op.optimizer ? optimizer_op_text(op, state, before, e) : update_text(state, l, false, before, e);
      break;
    case OpKind::Penalty: t = penalty_text(state, before != nullptr); break;
    case OpKind::PenaltyGradient: t = penalty_gradient_text(state, l, before, e); break;
    case OpKind::OptimizerStep: t = optimizer_step_text(state, before); break;
    case OpKind::OptimizerState: t = optimizer_op_text(op, state, before, e); break;
  }
  t.title = describe_title(op, state.scenario);
  return t;
}

}  // namespace bpv
