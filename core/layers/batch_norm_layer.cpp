// The batch-norm layer (formats.md §6): each feature (a channel, over the
// batch and every position, when the input is an image) is normalised over
// the batch, x̂ = (x − μ)/√(σ² + ε), then scaled and shifted, z = γ·x̂ + β,
// and a = f(z) with the dense layer's activation op. The forward is stepped
// as those four parts; the backward gives ∂L/∂γ, ∂L/∂β and ∂L/∂x in its
// closed form, or ("backward": "graph") through each node of the forward's
// graph (batch_norm_graph.cpp). The running mean and variance move toward each batch's in the
// update phase; evaluation (the test loss, the decision region) normalises
// with them instead, as PyTorch's eval().
//
// γ is the layer's `weights` and β its `bias` (1 × features), so the
// optimizers update them as they do W and b.
#include <cmath>
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "formats/layer_io.hpp"
#include "formats/trace.hpp"
#include "layers/batch_norm_math.hpp"
#include "layers/image_index.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

using namespace batch_norm;

// ---------------------------------------------------------------- μ
void declare_mean(const Scenario&, Op& op) {
  declare_reads(op, {layer_input(op.layer)});
  op.writes = {Buffer::Mean, op.layer};
}

// μ or σ² of each feature: in evaluation the running one, else of_batch(f, x).
template <class OfBatch>
void set_statistic(const Op& op, PassState& state, const Eigen::MatrixXd& running, Eigen::MatrixXd& out, OfBatch of_batch) {
  if (state.evaluation) {
    out = running;
    return;
  }
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const Eigen::MatrixXd& x = state.activation(op.layer - 1);
  for (int f = 0; f < features(layer); ++f) out(0, f) = of_batch(f, x) / count(layer, x.rows());
}

void apply_mean(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  set_statistic(op, state, layer.running_mean, state.layers[op.layer - 1].mean, [&](int f, const Eigen::MatrixXd& x) {
    return feature_sum(layer, x.rows(), f, [&](Eigen::Index b, int at) { return x(b, at); });
  });
}

std::string title_mean(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": batch norm, the batch's mean μ" + superscript(op.layer);
}

OpText describe_mean(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const std::string in = layer_symbol(st.scenario, l - 1), L = superscript(l);
  const int f = e.col;
  const double sum = feature_sum(layer, x.rows(), f, [&](Eigen::Index b, int at) { return x(b, at); });
  const double n = count(layer, x.rows());
  OpText t;
  t.equation = "μ" + L + "ⱼ = (1/n) Σ " + in + "ⱼ over the batch" +
               std::string(layer.in_shape.empty() ? "" : " and the channel's positions") + ",  n = " +
               format_number(n);
  t.numbers = st.evaluation ? "μ" + L + sub(f) + " = running mean = " + format_number(layer.running_mean(0, f))
                            : "μ" + L + sub(f) + " = " + format_number(sum) + " / " + format_number(n) + " = " +
                                  format_number(sum / n);
  t.explanation = st.evaluation ? "In evaluation the layer normalises with its running mean, not the batch's."
                                : "Each " + feature_words(layer) + "'s mean over this batch: what the layer will "
                                  "subtract so that the " + feature_words(layer) + " is centred on 0.";
  return t;
}

// ---------------------------------------------------------------- σ²
// Σ (x − μ)² over feature f.
double squared_deviations(const Layer& layer, const Eigen::MatrixXd& x, const Eigen::MatrixXd& mean, int f) {
  return feature_sum(layer, x.rows(), f, [&](Eigen::Index b, int at) {
    const double d = x(b, at) - mean(0, f);
    return d * d;
  });
}

void declare_variance(const Scenario&, Op& op) {
  declare_reads(op, {layer_input(op.layer), {Buffer::Mean, op.layer}});
  op.writes = {Buffer::Variance, op.layer};
}

void apply_variance(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  set_statistic(op, state, layer.running_var, ls.variance,
                [&](int f, const Eigen::MatrixXd& x) { return squared_deviations(layer, x, ls.mean, f); });
}

std::string title_variance(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": batch norm, the batch's variance σ²" + superscript(op.layer);
}

OpText describe_variance(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const std::string in = layer_symbol(st.scenario, l - 1), L = superscript(l);
  const int f = e.col;
  const double sum = squared_deviations(layer, x, ls.mean, f);
  const double n = count(layer, x.rows());
  OpText t;
  t.equation = "σ²" + L + "ⱼ = (1/n) Σ (" + in + "ⱼ − μ" + L + "ⱼ)²   (biased: divided by n)";
  t.numbers = st.evaluation ? "σ²" + L + sub(f) + " = running variance = " + format_number(layer.running_var(0, f))
                            : "σ²" + L + sub(f) + " = " + format_number(sum) + " / " + format_number(n) + " = " +
                                  format_number(sum / n);
  t.explanation = st.evaluation ? "In evaluation the layer divides by its running variance, not the batch's."
                                : "How widely the " + feature_words(layer) + " spreads over this batch around μ.";
  return t;
}

// ---------------------------------------------------------------- x̂ = (x − μ)/√(σ² + ε)
void declare_normalize(const Scenario&, Op& op) {
  declare_reads(op, {layer_input(op.layer), {Buffer::Mean, op.layer}, {Buffer::Variance, op.layer}});
  op.writes = {Buffer::Normalized, op.layer};
}

void apply_normalize(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  const Eigen::MatrixXd& x = state.activation(op.layer - 1);
  for (int f = 0; f < features(layer); ++f) {
    const double scale = inverse_std(ls.variance, f, layer.eps);
    for_each_value(layer, x.rows(), f,
                   [&](Eigen::Index b, int at) { ls.normalized(b, at) = (x(b, at) - ls.mean(0, f)) * scale; });
  }
}

std::string title_normalize(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": batch norm, normalise to x̂" + superscript(op.layer);
}

OpText describe_normalize(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const double x = st.activation(l - 1)(e.example, e.col);
  const int f = feature_of(layer, e.col);
  const std::string L = superscript(l), in = layer_symbol(st.scenario, l - 1);
  OpText t;
  t.equation = "x̂" + L + "ⱼ = (" + in + "ⱼ − μ" + L + ") / √(σ²" + L + " + ε),   ε = " + format_number(layer.eps);
  t.numbers = "x̂" + L + sub(e.col) + " = (" + format_number(x) + " − " + factor(ls.mean(0, f)) + ") / √(" +
              format_number(ls.variance(0, f)) + " + " + format_number(layer.eps) + ") = " +
              format_number((x - ls.mean(0, f)) * inverse_std(ls.variance, f, layer.eps)) +
              example_note(st.scenario, e.example);
  t.explanation = "Subtract the " + feature_words(layer) + "'s mean and divide by its spread: over the batch "
                  "the result has mean 0 and variance about 1, whatever the layer below gives.";
  return t;
}

// ---------------------------------------------------------------- z = γ·x̂ + β
void declare_scale_shift(const Scenario&, Op& op) {
  const int l = op.layer;
  declare_reads(op, {{Buffer::Normalized, l}, {Buffer::Weights, l}, {Buffer::Bias, l}});
  op.writes = {Buffer::PreActivation, l};
}

void apply_scale_shift(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f)
    for_each_value(layer, ls.normalized.rows(), f, [&](Eigen::Index b, int at) {
      ls.pre_activation(b, at) = layer.weights(0, f) * ls.normalized(b, at) + layer.bias(0, f);
    });
}

std::string title_scale_shift(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": batch norm, scale and shift z" + superscript(op.layer);
}

OpText describe_scale_shift(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const int f = feature_of(layer, e.col);
  const double xh = ls.normalized(e.example, e.col);
  const std::string L = superscript(l);
  OpText t;
  t.equation = "z" + L + "ⱼ = γ" + L + " · x̂" + L + "ⱼ + β" + L;
  t.numbers = "z" + L + sub(e.col) + " = " + format_number(layer.weights(0, f)) + " × " + factor(xh) + " + " +
              factor(layer.bias(0, f)) + " = " + format_number(layer.weights(0, f) * xh + layer.bias(0, f)) +
              example_note(st.scenario, e.example);
  t.explanation = "γ and β are learned: they give the layer back any scale and offset that helps, so normalising "
                  "costs it nothing it needs.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂γ = Σ δ·x̂, ∂L/∂β = Σ δ
void declare_grad_gamma(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Delta, op.layer}, {Buffer::Normalized, op.layer}});
  op.writes = {Buffer::GradWeights, op.layer};
}

void apply_grad_gamma(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f) {
    ls.grad_weights(0, f) =
        feature_sum(layer, ls.delta.rows(), f, [&](Eigen::Index b, int at) { return ls.delta(b, at) * ls.normalized(b, at); });
  }
}

std::string title_grad_gamma(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": ∂L/∂γ" + superscript(op.layer);
}

// Σ δ (or Σ δ·x̂) over feature f's values, written out; `sum` gets its value.
std::string feature_sum_numbers(const Layer& layer, const LayerState& ls, int f, bool times_x_hat, double& sum) {
  sum = 0.0;
  return written_feature_sum(layer, ls.delta.rows(), f, [&](Eigen::Index b, int at) {
    const double d = ls.delta(b, at), x = ls.normalized(b, at);
    sum += times_x_hat ? d * x : d;
    return times_x_hat ? format_number(d) + "×" + factor(x) : format_number(d);
  });
}

OpText describe_grad_gamma(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  double sum = 0.0;
  const std::string numbers = feature_sum_numbers(layer, st.layers[l - 1], e.col, true, sum);
  const std::string L = superscript(l);
  OpText t;
  t.equation = "∂L/∂γ" + L + " = Σ δ" + L + "ⱼ · x̂" + L + "ⱼ  over the " + feature_words(layer) + "'s values";
  t.numbers = "∂L/∂γ" + L + sub(e.col) + " = " + numbers + " = " + format_number(sum);
  t.explanation = "γ multiplied every x̂ of its " + feature_words(layer) + ", so its gradient gathers δ times x̂ "
                  "from each of them.";
  return t;
}

void declare_grad_beta(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Delta, op.layer}});
  op.writes = {Buffer::GradBias, op.layer};
}

void apply_grad_beta(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f) {
    ls.grad_bias(0, f) = feature_sum(layer, ls.delta.rows(), f, [&](Eigen::Index b, int at) { return ls.delta(b, at); });
  }
}

std::string title_grad_beta(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": ∂L/∂β" + superscript(op.layer);
}

OpText describe_grad_beta(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  double sum = 0.0;
  const std::string numbers = feature_sum_numbers(layer, st.layers[l - 1], e.col, false, sum);
  const std::string L = superscript(l);
  OpText t;
  t.equation = "∂L/∂β" + L + " = Σ δ" + L + "ⱼ  over the " + feature_words(layer) + "'s values";
  t.numbers = "∂L/∂β" + L + sub(e.col) + " = " + numbers + " = " + format_number(sum);
  t.explanation = "β is added to every value of its " + feature_words(layer) + ", so its gradient is their δ summed.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂x, closed form
// ∂L/∂xⱼ = γ/√(σ² + ε) · (δⱼ − (1/n)Σδ − x̂ⱼ·(1/n)Σ δ·x̂): the paths through x̂
// itself, through μ and through σ², added up.
void declare_grad_input(const Scenario&, Op& op) {
  const int l = op.layer;
  declare_reads(op, {{Buffer::Delta, l}, {Buffer::Normalized, l}, {Buffer::Variance, l}, {Buffer::Weights, l}});
  op.writes = {Buffer::GradActivation, l - 1};
}

void apply_grad_input(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const LayerState& ls = state.layers[op.layer - 1];
  Eigen::MatrixXd& grad = state.layers[op.layer - 2].grad_activation;
  const double n = count(layer, ls.delta.rows());
  for (int f = 0; f < features(layer); ++f) {
    const FeatureSums s = sums(layer, ls, f);
    for_each_value(layer, ls.delta.rows(), f,
                   [&](Eigen::Index b, int at) { grad(b, at) = grad_x(layer, ls, f, s, n, b, at); });
  }
}

std::string title_grad_input(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": through the batch norm to ∂L/∂" +
         layer_symbol(sc, op.layer - 1);
}

OpText describe_grad_input(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const int f = feature_of(layer, e.col);
  const double n = count(layer, ls.delta.rows());
  const FeatureSums s = sums(layer, ls, f);
  const std::string L = superscript(l), in = layer_symbol(st.scenario, l - 1);
  OpText t;
  t.equation = "∂L/∂" + in + "ⱼ = γ" + L + "/√(σ²" + L + " + ε) · (δ" + L + "ⱼ − (1/n)Σδ" + L + " − x̂" + L +
               "ⱼ·(1/n)Σ δ" + L + "·x̂" + L + ")";
  // Four digits a factor: the line is long, and on a projector it must fit two lines.
  t.numbers = "∂L/∂" + in + sub(e.col) + " = " + format_number(layer.weights(0, f), 4) + "/√(" +
              format_number(ls.variance(0, f), 4) + " + " + format_number(layer.eps) + ") × (" +
              format_number(ls.delta(e.example, e.col), 4) + " − " + factor(s.delta / n, 4) + " − " +
              factor(ls.normalized(e.example, e.col), 4) + "×" + factor(s.delta_x_hat / n, 4) + ") = " +
              format_number(grad_x(layer, ls, f, s, n, e.example, e.col)) + example_note(st.scenario, e.example);
  t.explanation = "x reaches the loss three ways: through its own x̂, through the mean μ and through the variance "
                  "σ² that every value of the batch shares; the two subtracted terms are those shared paths.";
  return t;
}

// ---------------------------------------------------------------- running statistics
void declare_running_mean(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Mean, op.layer}});
  op.writes = {Buffer::RunningMean, op.layer};
}

void apply_running_mean(const Op& op, PassState& state) {
  Layer& layer = state.scenario.layers[op.layer - 1];
  const LayerState& ls = state.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f)
    layer.running_mean(0, f) = (1.0 - layer.momentum) * layer.running_mean(0, f) + layer.momentum * ls.mean(0, f);
}

void declare_running_variance(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Variance, op.layer}});
  op.writes = {Buffer::RunningVariance, op.layer};
}

// The unbiased σ²·n/(n − 1), as PyTorch keeps it.
void apply_running_variance(const Op& op, PassState& state) {
  Layer& layer = state.scenario.layers[op.layer - 1];
  const LayerState& ls = state.layers[op.layer - 1];
  const double n = count(layer, ls.normalized.rows());
  for (int f = 0; f < features(layer); ++f)
    layer.running_var(0, f) =
        (1.0 - layer.momentum) * layer.running_var(0, f) + layer.momentum * ls.variance(0, f) * n / (n - 1.0);
}

std::string title_running(const Op& op, const Scenario& sc) {
  return "Update, " + layer_where(sc, op.layer) + ": running " +
         (op.kind == OpKind::RunningMean ? std::string("mean") : std::string("variance"));
}

OpText describe_running(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const bool mean = op.kind == OpKind::RunningMean;
  const int f = e.col;
  const double n = count(layer, ls.normalized.rows());
  const Eigen::MatrixXd& now = mean ? layer.running_mean : layer.running_var;
  const double old = before ? (*before)(0, f) : now(0, f);
  const double batch = mean ? ls.mean(0, f) : ls.variance(0, f) * n / (n - 1.0);
  const double m = layer.momentum;
  const std::string L = superscript(l), what = mean ? "μ̄" : "σ̄²";
  OpText t;
  t.equation = mean ? "μ̄" + L + " ← (1 − m)·μ̄" + L + " + m·μ" + L + ",   m = " + format_number(m)
                    : "σ̄²" + L + " ← (1 − m)·σ̄²" + L + " + m·σ²" + L + "·n/(n − 1),   m = " + format_number(m) +
                          ", n = " + format_number(n);
  t.numbers = what + L + sub(f) + " = " + format_number(1.0 - m) + " × " + factor(old) + " + " + format_number(m) +
              " × " + factor(batch) + " = " + format_number((1.0 - m) * old + m * batch);
  t.explanation = "A slow average of the batches' statistics: evaluation (the test loss, the decision region) "
                  "normalises with it, since there a single example has no batch.";
  return t;
}

// ---------------------------------------------------------------- the layer kind
void add(const Scenario& sc, std::vector<Op>& ops, OpKind kind, int l) { ops.push_back(make_op(sc, kind, l)); }

void bn_forward(const Scenario& sc, int l, std::vector<Op>& ops) {
  for (OpKind k : {OpKind::BatchMean, OpKind::BatchVariance, OpKind::Normalize, OpKind::ScaleShift, OpKind::Activate})
    add(sc, ops, k, l);
}

void bn_backward(const Scenario& sc, int l, bool, std::vector<Op>& ops) {
  add(sc, ops, OpKind::ActivationBackward, l);
  add(sc, ops, OpKind::GradGamma, l);
  add(sc, ops, OpKind::GradBeta, l);
  if (l == 1) return;  // nothing learns from ∂L/∂x
  if (!sc.layers[l - 1].graph_backward) {
    add(sc, ops, OpKind::BatchNormGradInput, l);
    return;
  }
  // The same ∂L/∂x, one node of the forward's graph at a time (batch_norm_graph.cpp).
  for (OpKind k : {OpKind::BatchNormGradNormalized, OpKind::BatchNormGradInverseStd, OpKind::BatchNormGradVariance,
                   OpKind::BatchNormGradCentered, OpKind::BatchNormGradMean, OpKind::BatchNormGradInputSum})
    add(sc, ops, k, l);
}

void bn_update(const Scenario& sc, int l, std::vector<Op>& ops) {
  add(sc, ops, OpKind::UpdateWeights, l);
  add(sc, ops, OpKind::UpdateBias, l);
}

void bn_statistics(const Scenario& sc, int l, std::vector<Op>& ops) {
  add(sc, ops, OpKind::RunningMean, l);
  add(sc, ops, OpKind::RunningVariance, l);
}

void size_bn_state(const Layer& layer, int batch, LayerState& ls) {
  const int n = layer.size(), features = static_cast<int>(layer.running_mean.cols());
  ls.mean = Eigen::MatrixXd::Zero(1, features);
  ls.variance = Eigen::MatrixXd::Zero(1, features);
  ls.normalized = Eigen::MatrixXd::Zero(batch, n);
  if (layer.graph_backward) {
    ls.grad_normalized = Eigen::MatrixXd::Zero(batch, n);
    ls.grad_centered = Eigen::MatrixXd::Zero(batch, n);
    ls.grad_inverse_std = Eigen::MatrixXd::Zero(1, features);
    ls.grad_variance = Eigen::MatrixXd::Zero(1, features);
    ls.grad_mean = Eigen::MatrixXd::Zero(1, features);
  }
}

// γ = 1, β = 0, as PyTorch starts them.
void reset_bn(Layer& layer) {
  layer.weights.setOnes();
  layer.bias.setZero();
}

std::string bn_batch_problem(const Layer& layer, int l, int smallest) {
  const int per = layer.in_shape.empty() ? 1 : layer.in_shape.plane();
  if (static_cast<long long>(smallest) * per >= 2) return "";
  return "layer " + std::to_string(l) + " (batch_norm) would normalise over a training batch of " +
         std::to_string(smallest) + " example" + (smallest == 1 ? "" : "s") +
         ": batch norm needs at least 2 values per feature";
}

// ---------------------------------------------------------------- the file
// formats.md §6's fields, read with their one-line errors and written back.

using namespace layer_io;
using Reader = FieldReader;

Layer read_batch_norm(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input,
                      const Scenario&, int) {
  if (rd.find(lj, "weights") || rd.find(lj, "bias")) rd.fail(f, "a batch_norm layer's parameters are gamma and beta");
  rd.only_keys(lj, {"type", "activation", "momentum", "eps", "gamma", "beta", "running_mean", "running_var", "size", "backward"}, f);
  Layer layer;
  layer.activation = read_activation(rd, lj, f);
  layer.in_shape = layer.out_shape = input.shape;
  layer.width = input.width;
  no_size_but(rd, lj, f, layer.width, "a batch_norm layer keeps its input's size");
  if (const json* m = rd.find(lj, "momentum")) {
    layer.momentum = rd.number(*m, f + ".momentum");
    if (layer.momentum < 0.0 || layer.momentum > 1.0) rd.fail(f + ".momentum", "must be in [0, 1]");
  }
  if (const json* e = rd.find(lj, "eps")) {
    layer.eps = rd.number(*e, f + ".eps");
    if (!(layer.eps > 0.0)) rd.fail(f + ".eps", "must be > 0");
  }
  const int n = input.shape.empty() ? input.width : input.shape.channels;
  layer.weights = feature_row(rd, lj, "gamma", f, n, 1.0, false);
  layer.bias = feature_row(rd, lj, "beta", f, n, 0.0, false);
  layer.running_mean = feature_row(rd, lj, "running_mean", f, n, 0.0, false);
  layer.running_var = feature_row(rd, lj, "running_var", f, n, 1.0, true);
  if (const json* b = rd.find(lj, "backward")) {
    const std::string mode = rd.string(*b, f + ".backward");
    if (mode != "compact" && mode != "graph") rd.fail(f + ".backward", "expected \"compact\" or \"graph\"");
    layer.graph_backward = mode == "graph";
  }
  return layer;
}

// γ, its gradient and its optimizer state: one number per feature.
json bn_weights_json(const Layer&, const Eigen::MatrixXd& gamma) { return row_to_json(gamma); }
Eigen::MatrixXd bn_read_weights(const Reader& rd, const json& j, const std::string& f, const Layer& layer) {
  return rd.row(j, f, static_cast<int>(layer.weights.cols()));
}

void write_batch_norm(const Layer& layer, json& j) {
  j["activation"] = std::string(layer.activation->name);
  j["momentum"] = layer.momentum;
  j["eps"] = layer.eps;
  j["gamma"] = row_to_json(layer.weights);
  j["beta"] = row_to_json(layer.bias);
  j["running_mean"] = row_to_json(layer.running_mean);
  j["running_var"] = row_to_json(layer.running_var);
  if (layer.graph_backward) j["backward"] = "graph";  // "compact", the default, is not written
}

// ---------------------------------------------------------------- the trace

void trace_batch_norm(const Layer& after, const LayerState& ls, const LayerOptimizerState& state_after, json& j) {
  j["mean"] = row_to_json(ls.mean);
  j["var"] = row_to_json(ls.variance);
  j["x_hat"] = matrix_to_json(ls.normalized);
  j["z"] = matrix_to_json(ls.pre_activation);
  j["a"] = matrix_to_json(ls.activation);
  j["delta"] = matrix_to_json(ls.delta);
  j["grad_a"] = matrix_to_json(ls.grad_activation);
  j["grad_gamma"] = row_to_json(ls.grad_weights);
  j["grad_beta"] = row_to_json(ls.grad_bias);
  j["gamma_after"] = row_to_json(after.weights);
  j["beta_after"] = row_to_json(after.bias);
  j["running_mean_after"] = row_to_json(after.running_mean);
  j["running_var_after"] = row_to_json(after.running_var);
  j["optimizer_state_after"] = {{"gamma", param_state_json(after, state_after.weights, false)},
                                {"beta", param_state_json(after, state_after.bias, true)}};
  if (after.graph_backward) {  // the gradients of the forward's nodes, stepped one by one
    j["grad_x_hat"] = matrix_to_json(ls.grad_normalized);
    j["grad_inverse_std"] = row_to_json(ls.grad_inverse_std);
    j["grad_var"] = row_to_json(ls.grad_variance);
    j["grad_centered"] = matrix_to_json(ls.grad_centered);
    j["grad_mean"] = row_to_json(ls.grad_mean);
  }
}

// ---------------------------------------------------------------- on the canvas

std::string bn_caption(const Layer& layer) { return "BN " + std::string(layer.activation->symbol); }
// Its feature's statistics, x̂ and γ·x̂ + β.
void explain_bn_unit(const UnitQuery& q, UnitRows& rows) {
  const std::string L = superscript(q.l);
  const int feature = q.layer.out_shape.empty() ? q.unit : unit_pixel(q.layer, q.unit).channel;  // a channel of an image
  const LayerState& ls = q.state.layers[static_cast<std::size_t>(q.l - 1)];
  rows.emplace_back("μ" + L + ", σ²" + L + " of feature " + std::to_string(feature + 1),
                    q.computed(Buffer::Variance)
                        ? format_number(ls.mean(0, feature)) + ", " + format_number(ls.variance(0, feature))
                        : q.not_yet);
  rows.emplace_back("x̂ = (x − μ)/√(σ² + ε)", q.value(Buffer::Normalized));
  rows.emplace_back("z = γ·x̂ + β", factor(q.layer.weights(0, feature), 4) + "·x̂ + " +
                                      factor(q.layer.bias(0, feature), 4) + " = " + q.value(Buffer::PreActivation));
}

std::string bn_rule(int l, const std::string&) {
  const std::string L = superscript(l);
  return "z" + L + " = γ" + L + "·x̂" + L + " + β" + L;
}

}  // namespace

extern const OpKindDef kBatchMeanOp{OpKind::BatchMean, "batch_mean", Phase::Forward, declare_mean, apply_mean,
                                    title_mean, describe_mean, "μ"};
extern const OpKindDef kBatchVarianceOp{OpKind::BatchVariance, "batch_variance", Phase::Forward, declare_variance,
                                        apply_variance, title_variance, describe_variance, "σ²"};
extern const OpKindDef kNormalizeOp{OpKind::Normalize, "normalize", Phase::Forward, declare_normalize,
                                    apply_normalize, title_normalize, describe_normalize, "(a − μ)/σ"};
extern const OpKindDef kScaleShiftOp{OpKind::ScaleShift, "scale_shift", Phase::Forward, declare_scale_shift,
                                     apply_scale_shift, title_scale_shift, describe_scale_shift, "γ·x̂ + β"};
extern const OpKindDef kGradGammaOp{OpKind::GradGamma, "grad_gamma", Phase::Backward, declare_grad_gamma,
                                    apply_grad_gamma, title_grad_gamma, describe_grad_gamma, "Σ δ·x̂"};
extern const OpKindDef kGradBetaOp{OpKind::GradBeta, "grad_beta", Phase::Backward, declare_grad_beta,
                                   apply_grad_beta, title_grad_beta, describe_grad_beta, "Σ δ"};
extern const OpKindDef kBatchNormGradInputOp{OpKind::BatchNormGradInput, "batch_norm_grad_input", Phase::Backward,
                                             declare_grad_input, apply_grad_input, title_grad_input,
                                             describe_grad_input, "∂L/∂a"};
extern const OpKindDef kRunningMeanOp{OpKind::RunningMean, "running_mean", Phase::Update, declare_running_mean,
                                      apply_running_mean, title_running, describe_running, "running μ"};
extern const OpKindDef kRunningVarianceOp{OpKind::RunningVariance, "running_variance", Phase::Update,
                                          declare_running_variance, apply_running_variance, title_running,
                                          describe_running, "running σ²"};
constexpr LayerSetting kBatchNormSettings[] = {
    {.key = "momentum", .label = "momentum", .type = LayerSetting::Type::Real, .fallback = 0.1},
    {.key = "eps", .label = "eps", .type = LayerSetting::Type::Real, .fallback = 1e-5},
    {.key = "backward",
     .label = "backward as its graph",
     .type = LayerSetting::Type::Choice,
     .off = "compact",
     .on = "graph",
     .hint = "Step ∂L/∂x through each node of the forward (x − μ, 1/s, σ², μ) instead of the closed form's one op: "
             "the same numbers, derived."},
};

extern const LayerKindDef kBatchNormLayer{
    .type = "batch_norm",
    .parameters = true,
    .weight_symbol = "γ",
    .bias_symbol = "β",
    .weight_key = "gamma",
    .bias_key = "beta",
    .forward_ops = bn_forward,
    .backward_ops = bn_backward,
    .update_ops = bn_update,
    .statistics_ops = bn_statistics,
    .size_state = size_bn_state,
    .reset_parameters = reset_bn,
    .batch_problem = bn_batch_problem,
    .learned_keys = {"running_mean", "running_var"},
    .read = read_batch_norm,
    .write = write_batch_norm,
    .weights_json = bn_weights_json,
    .read_weights = bn_read_weights,
    .trace = trace_batch_norm,
    .settings = kBatchNormSettings,
    .activation = true,
    .join = Join::Statistics,
    .caption = bn_caption,
    .pre_activation_rule = bn_rule,
    .explain_unit = explain_bn_unit,
};

}  // namespace bpv
