// The affine map z = a_prev · W + b and its backward: the weight and bias
// gradients, and the gradient passed back to the layer below.
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"

namespace bpv {
namespace {

// a_{l-1}: the input x below layer 1.
BufferRef below(int l) { return l == 1 ? BufferRef{Buffer::Input, 0} : BufferRef{Buffer::Activation, l - 1}; }

// Products up to this many multiply-adds are plain loops: on the small nets
// a class steps through (3-3-3-3, 2-8-8-1 at batch 1) Eigen's size dispatch
// costs more than the arithmetic (docs/performance.md). Both paths of a
// scenario take the same branch, so stepped and fast stay bit for bit equal.
constexpr Eigen::Index kSmallProduct = 32;

bool small(Eigen::Index rows, Eigen::Index depth, Eigen::Index cols) { return rows * depth * cols <= kSmallProduct; }

// ---------------------------------------------------------------- z = a·W + b
void declare_affine(const Scenario&, Op& op) {
  const int l = op.layer;
  declare_reads(op, {below(l), {Buffer::Weights, l}, {Buffer::Bias, l}});
  op.writes = {Buffer::PreActivation, l};
}

void apply_affine(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  Layer& layer = sc.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  const Eigen::MatrixXd& a_prev = state.activation(op.layer - 1);
  const Eigen::MatrixXd& w = layer.weights;
  Eigen::MatrixXd& z = ls.pre_activation;
  if (small(a_prev.rows(), w.rows(), w.cols())) {
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      for (Eigen::Index b = 0; b < a_prev.rows(); ++b) {
        double sum = 0.0;
        for (Eigen::Index i = 0; i < w.rows(); ++i) sum += a_prev(b, i) * w(i, j);
        z(b, j) = sum + layer.bias(0, j);
      }
    return;
  }
  z.noalias() = a_prev * w;
  z.rowwise() += layer.bias.row(0);
}

std::string title_affine(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": weighted sum z" + superscript(op.layer);
}

OpText describe_affine(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
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
              sum.numbers + " + " + factor(layer.bias(0, e.col)) + " = " +
              format_number(applied ? st.layers[l - 1].pre_activation(e.example, e.col) : z) +
              example_note(sc, e.example);
  t.explanation = "Each neuron of layer " + std::to_string(l) +
                  " adds up its inputs, each times the weight on its edge, plus its bias.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂W = a_prevᵀ · δ
void declare_grad_weights(const Scenario&, Op& op) {
  const int l = op.layer;
  declare_reads(op, {below(l), {Buffer::Delta, l}});
  op.writes = {Buffer::GradWeights, l};
}

void apply_grad_weights(const Op& op, PassState& state) {
  LayerState& ls = state.layers[op.layer - 1];
  const Eigen::MatrixXd& a_prev = state.activation(op.layer - 1);
  const Eigen::MatrixXd& delta = ls.delta;
  if (small(a_prev.cols(), a_prev.rows(), delta.cols())) {
    for (Eigen::Index j = 0; j < delta.cols(); ++j)
      for (Eigen::Index i = 0; i < a_prev.cols(); ++i) {
        double sum = 0.0;
        for (Eigen::Index b = 0; b < a_prev.rows(); ++b) sum += a_prev(b, i) * delta(b, j);
        ls.grad_weights(i, j) = sum;
      }
    return;
  }
  ls.grad_weights.noalias() = a_prev.transpose() * delta;
}

std::string title_grad_weights(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": weight gradients ∂L/∂W" + superscript(op.layer);
}

OpText describe_grad_weights(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
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
              " · δ" + L + subscript(e.col + 1) + " = " + sum.numbers + " = " +
              format_number(applied ? st.layers[l - 1].grad_weights(e.row, e.col) : g);
  t.explanation = "A weight's gradient is the signal that flowed in along its edge times the "
                  "error δ at the neuron it feeds" +
                  std::string(B > 1 ? ", summed over the batch." : ".");
  return t;
}

// ---------------------------------------------------------------- ∂L/∂b = Σ_b δ
void declare_grad_bias(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Delta, op.layer}});
  op.writes = {Buffer::GradBias, op.layer};
}

void apply_grad_bias(const Op& op, PassState& state) {
  LayerState& ls = state.layers[op.layer - 1];
  // Σ_b δ, one contiguous column per neuron. Written as a loop because
  // colwise().sum() into a dynamic 1 × n matrix costs about 4× as much
  // on small layers (docs/performance.md).
  for (Eigen::Index j = 0; j < ls.delta.cols(); ++j)
    ls.grad_bias(0, j) = ls.delta.col(j).sum();
}

std::string title_grad_bias(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": bias gradients ∂L/∂b" + superscript(op.layer);
}

OpText describe_grad_bias(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
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
  const double result = applied ? st.layers[l - 1].grad_bias(0, e.col) : g;
  // One example: the gradient is that example's δ, named and then its value.
  t.numbers = "∂L/∂b" + L + j + " = " + (B > 1 ? sum.numbers : "δ" + L + j) + " = " + format_number(result);
  t.explanation = "A bias is a weight on a constant input of 1, so its gradient is just δ.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂a_prev = δ · Wᵀ
// Only for l ≥ 2: nothing learns from ∂L/∂x.
void declare_grad_input(const Scenario&, Op& op) {
  const int l = op.layer;
  declare_reads(op, {{Buffer::Delta, l}, {Buffer::Weights, l}});
  op.writes = {Buffer::GradActivation, l - 1};
}

void apply_grad_input(const Op& op, PassState& state) {
  Scenario& sc = state.scenario;
  const int l = op.layer;
  Layer& layer = sc.layers[l - 1];
  LayerState& ls = state.layers[l - 1];
  const Eigen::MatrixXd& w = layer.weights;
  Eigen::MatrixXd& grad = state.layers[l - 2].grad_activation;
  if (small(ls.delta.rows(), w.cols(), w.rows())) {
    for (Eigen::Index i = 0; i < w.rows(); ++i)
      for (Eigen::Index b = 0; b < ls.delta.rows(); ++b) {
        double sum = 0.0;
        for (Eigen::Index j = 0; j < w.cols(); ++j) sum += ls.delta(b, j) * w(i, j);
        grad(b, i) = sum;
      }
    return;
  }
  grad.noalias() = ls.delta * w.transpose();
}

std::string title_grad_input(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": pass back to ∂L/∂" + layer_symbol(sc, op.layer - 1);
}

OpText describe_grad_input(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const bool applied = before != nullptr;
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
              " = " + format_number(applied ? st.layers[l - 2].grad_activation(b, i) : g) + example_note(sc, b);
  t.explanation = "Each neuron of the layer below collects the errors of every neuron it feeds, "
                  "weighted by the edges between them.";
  return t;
}

}  // namespace

extern const OpKindDef kAffineOp{OpKind::Affine, "affine", Phase::Forward, declare_affine, apply_affine, title_affine, describe_affine, "a·W + b"};
extern const OpKindDef kGradWeightsOp{OpKind::GradWeights, "grad_weights", Phase::Backward, declare_grad_weights, apply_grad_weights, title_grad_weights, describe_grad_weights, "aᵀ·δ"};
extern const OpKindDef kGradBiasOp{OpKind::GradBias, "grad_bias", Phase::Backward, declare_grad_bias, apply_grad_bias, title_grad_bias, describe_grad_bias, "Σ δ"};
extern const OpKindDef kGradInputOp{OpKind::GradInput, "grad_input", Phase::Backward, declare_grad_input, apply_grad_input, title_grad_input, describe_grad_input, "δ·Wᵀ"};

}  // namespace bpv
