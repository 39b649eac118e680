// Batch norm's backward as the computational graph of its forward, one op per
// node, for a layer with "backward": "graph". The forward, written as the
// nodes Kratzert's derivation draws, with s = √(σ² + ε):
//
//   μ = mean(x)   c = x − μ   σ² = mean(c²)   s = √(σ² + ε)   x̂ = c · (1/s)   z = γ·x̂ + β
//
// Walking it backwards from δ = ∂L/∂z: x̂ gets γ·δ; 1/s is shared by every
// value of the feature, so its gradient sums ∂L/∂x̂·c; σ² gets that through
// 1/s and √; c is used twice (in x̂ and in σ²), so its gradient adds two
// paths; μ gets −Σ of c's; x is used twice (in c and in μ), so ∂L/∂x adds
// those two. The last op's explanation gives the closed form's value (the
// compact mode's one op, batch_norm_layer.cpp) for the same element.
#include <string>
#include <vector>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "layers/batch_norm_math.hpp"
#include "layers/image_index.hpp"

namespace bpv {
namespace {

using namespace batch_norm;

const Layer& layer_of(const Op& op, const PassState& st) { return st.scenario.layers[op.layer - 1]; }
const LayerState& state_of(const Op& op, const PassState& st) { return st.layers[op.layer - 1]; }
double centered(const PassState& st, const Op& op, Eigen::Index b, int at, int f) {
  return st.activation(op.layer - 1)(b, at) - state_of(op, st).mean(0, f);
}
double std_of(const Layer& layer, const LayerState& ls, int f) { return std::sqrt(ls.variance(0, f) + layer.eps); }
// The layer's superscript is left out of these ops' symbols: beside σ² and
// (x − μ) a "²" would read as a square, and the title names the layer.
std::string graph_layer_mark() { return ""; }
std::string title(const Op& op, const Scenario& sc, const std::string& what) {
  return "Backward, " + layer_where(sc, op.layer) + ": " + what;
}

// ---------------------------------------------------------------- ∂L/∂x̂ = γ·δ
void declare_grad_normalized(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Delta, op.layer}, {Buffer::Weights, op.layer}});
  op.writes = {Buffer::GradNormalized, op.layer};
}

void apply_grad_normalized(const Op& op, PassState& st) {
  const Layer& layer = layer_of(op, st);
  LayerState& ls = st.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f)
    for_each_value(layer, ls.delta.rows(), f,
                   [&](Eigen::Index b, int at) { ls.grad_normalized(b, at) = layer.weights(0, f) * ls.delta(b, at); });
}

std::string title_grad_normalized(const Op& op, const Scenario& sc) { return title(op, sc, "∂L/∂x̂"); }

OpText describe_grad_normalized(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = state_of(op, st);
  const int f = feature_of(layer, e.col);
  const std::string L = graph_layer_mark();
  OpText t;
  t.equation = "∂L/∂x̂" + L + "ⱼ = ∂L/∂z" + L + "ⱼ · ∂z/∂x̂ = δ" + L + "ⱼ · γ" + L;
  t.numbers = "∂L/∂x̂" + L + sub(e.col) + " = " + format_number(ls.delta(e.example, e.col)) + " × " +
              factor(layer.weights(0, f)) + " = " + format_number(ls.grad_normalized(e.example, e.col)) +
              example_note(st.scenario, e.example);
  t.explanation = "The last node of the forward, z = γ·x̂ + β, sent back: β's side gave ∂L/∂β, γ's ∂L/∂γ, and x̂ "
                  "gets δ scaled by γ.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂(1/s) = Σ ∂L/∂x̂ · (x − μ)
void declare_grad_inverse_std(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::GradNormalized, op.layer}, layer_input(op.layer), {Buffer::Mean, op.layer}});
  op.writes = {Buffer::GradInverseStd, op.layer};
}

void apply_grad_inverse_std(const Op& op, PassState& st) {
  const Layer& layer = layer_of(op, st);
  LayerState& ls = st.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f) {
    ls.grad_inverse_std(0, f) = feature_sum(layer, ls.grad_normalized.rows(), f, [&](Eigen::Index b, int at) {
      return ls.grad_normalized(b, at) * centered(st, op, b, at, f);
    });
  }
}

std::string title_grad_inverse_std(const Op& op, const Scenario& sc) { return title(op, sc, "∂L/∂(1/s)"); }

OpText describe_grad_inverse_std(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = state_of(op, st);
  const int f = e.col;
  const std::string sum = written_feature_sum(layer, ls.grad_normalized.rows(), f, [&](Eigen::Index b, int at) {
    return format_number(ls.grad_normalized(b, at)) + "×" + factor(centered(st, op, b, at, f));
  });
  const std::string L = graph_layer_mark();
  OpText t;
  t.equation = "∂L/∂(1/s" + L + ") = Σ ∂L/∂x̂" + L + "ⱼ · (x − μ)" + L + "ⱼ,  s = √(σ² + ε)";
  t.numbers = "∂L/∂(1/s" + L + sub(f) + ") = " + sum + " = " + format_number(ls.grad_inverse_std(0, f));
  t.explanation = "x̂ = (x − μ) · (1/s): the factor 1/s is one number shared by every value of the " +
                  feature_words(layer) + ", so its gradient gathers ∂L/∂x̂ times (x − μ) from all of them.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂σ², through 1/s and √
void declare_grad_variance(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::GradInverseStd, op.layer}, {Buffer::Variance, op.layer}});
  op.writes = {Buffer::GradVariance, op.layer};
}

double local_variance_factor(const Layer& layer, const LayerState& ls, int f) {
  const double s = std_of(layer, ls, f);
  return (-1.0 / (s * s)) * (1.0 / (2.0 * s));
}

void apply_grad_variance(const Op& op, PassState& st) {
  const Layer& layer = layer_of(op, st);
  LayerState& ls = st.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f)
    ls.grad_variance(0, f) = ls.grad_inverse_std(0, f) * local_variance_factor(layer, ls, f);
}

std::string title_grad_variance(const Op& op, const Scenario& sc) { return title(op, sc, "∂L/∂σ²"); }

OpText describe_grad_variance(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = state_of(op, st);
  const int f = e.col;
  const double s = std_of(layer, ls, f);
  const std::string L = graph_layer_mark();
  OpText t;
  t.equation = "∂L/∂σ²" + L + " = ∂L/∂(1/s) · (−1/s²) · 1/(2s)";
  t.numbers = "∂L/∂σ²" + L + sub(f) + " = " + format_number(ls.grad_inverse_std(0, f)) + " × (−1/" +
              format_number(s * s) + ") × 1/(2×" + format_number(s) + ") = " +
              format_number(ls.grad_variance(0, f));
  t.explanation = "Two small nodes of batch norm's graph in a row, 1/s and s = √(σ² + ε): each multiplies the "
                  "gradient by its own local derivative, ∂(1/s)/∂s = −1/s² and ∂s/∂σ² = 1/(2s), the chain rule one "
                  "link at a time.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂(x − μ): two paths
void declare_grad_centered(const Scenario&, Op& op) {
  const int l = op.layer;
  declare_reads(op, {{Buffer::GradNormalized, l}, {Buffer::Variance, l}, {Buffer::GradVariance, l}, layer_input(l),
                     {Buffer::Mean, l}});
  op.writes = {Buffer::GradCentered, l};
}

// The two paths of (x − μ) at one value: through x̂ directly, and through σ².
struct Paths {
  double through_x_hat, through_variance;
};

Paths centered_paths(const Op& op, const PassState& st, Eigen::Index b, int at, int f) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = state_of(op, st);
  const double n = count(layer, ls.grad_normalized.rows());
  return {ls.grad_normalized(b, at) * inverse_std(ls.variance, f, layer.eps),
          ls.grad_variance(0, f) * 2.0 * centered(st, op, b, at, f) / n};
}

void apply_grad_centered(const Op& op, PassState& st) {
  const Layer& layer = layer_of(op, st);
  LayerState& ls = st.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f)
    for_each_value(layer, ls.grad_normalized.rows(), f, [&](Eigen::Index b, int at) {
      const Paths p = centered_paths(op, st, b, at, f);
      ls.grad_centered(b, at) = p.through_x_hat + p.through_variance;
    });
}

std::string title_grad_centered(const Op& op, const Scenario& sc) { return title(op, sc, "∂L/∂(x − μ)"); }

OpText describe_grad_centered(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = state_of(op, st);
  const int f = feature_of(layer, e.col);
  const Paths p = centered_paths(op, st, e.example, e.col, f);
  const std::string L = graph_layer_mark();
  OpText t;
  t.equation = "∂L/∂(x − μ)" + L + "ⱼ = ∂L/∂x̂" + L + "ⱼ · (1/s) + ∂L/∂σ²" + L + " · 2(x − μ)" + L + "ⱼ/n";
  t.numbers = "∂L/∂(x − μ)" + L + sub(e.col) + " = " + format_number(p.through_x_hat, 4) + " + " +
              factor(p.through_variance, 4) + " = " + format_number(ls.grad_centered(e.example, e.col)) +
              example_note(st.scenario, e.example);
  t.explanation = "x − μ is used twice, in x̂ and in σ² = mean((x − μ)²): its gradient is the sum of what comes "
                  "back along each path.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂μ = −Σ ∂L/∂(x − μ)
void declare_grad_mean(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::GradCentered, op.layer}});
  op.writes = {Buffer::GradMean, op.layer};
}

void apply_grad_mean(const Op& op, PassState& st) {
  const Layer& layer = layer_of(op, st);
  LayerState& ls = st.layers[op.layer - 1];
  for (int f = 0; f < features(layer); ++f) {
    ls.grad_mean(0, f) = -feature_sum(layer, ls.grad_centered.rows(), f, [&](Eigen::Index b, int at) { return ls.grad_centered(b, at); });
  }
}

std::string title_grad_mean(const Op& op, const Scenario& sc) { return title(op, sc, "∂L/∂μ"); }

OpText describe_grad_mean(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = state_of(op, st);
  const int f = e.col;
  const std::string sum = written_feature_sum(layer, ls.grad_centered.rows(), f,
                                              [&](Eigen::Index b, int at) { return format_number(ls.grad_centered(b, at)); });
  const std::string L = graph_layer_mark();
  OpText t;
  t.equation = "∂L/∂μ" + L + " = −Σ ∂L/∂(x − μ)" + L + "ⱼ";
  t.numbers = "∂L/∂μ" + L + sub(f) + " = −(" + sum + ") = " + format_number(ls.grad_mean(0, f));
  t.explanation = "μ is subtracted from every value of its " + feature_words(layer) +
                  ": each x − μ sends its gradient back to μ with a minus sign.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂x = ∂L/∂(x − μ) + ∂L/∂μ/n
void declare_grad_input_sum(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::GradCentered, op.layer}, {Buffer::GradMean, op.layer}});
  op.writes = {Buffer::GradActivation, op.layer - 1};
}

void apply_grad_input_sum(const Op& op, PassState& st) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = st.layers[op.layer - 1];
  Eigen::MatrixXd& grad = st.layers[op.layer - 2].grad_activation;
  const double n = count(layer, ls.grad_centered.rows());
  for (int f = 0; f < features(layer); ++f)
    for_each_value(layer, ls.grad_centered.rows(), f,
                   [&](Eigen::Index b, int at) { grad(b, at) = ls.grad_centered(b, at) + ls.grad_mean(0, f) / n; });
}

std::string title_grad_input_sum(const Op& op, const Scenario& sc) {
  return title(op, sc, "∂L/∂" + layer_symbol(sc, op.layer - 1) + " from its two uses");
}

OpText describe_grad_input_sum(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const Layer& layer = layer_of(op, st);
  const LayerState& ls = state_of(op, st);
  const int f = feature_of(layer, e.col);
  const double n = count(layer, ls.grad_centered.rows());
  const double through_centered = ls.grad_centered(e.example, e.col), through_mean = ls.grad_mean(0, f) / n;
  const double stepped = through_centered + through_mean;
  const double closed = grad_x(layer, ls, f, sums(layer, ls, f), n, e.example, e.col);
  const std::string L = graph_layer_mark(), in = layer_symbol(st.scenario, op.layer - 1);
  OpText t;
  t.equation = "∂L/∂" + in + "ⱼ = ∂L/∂(x − μ)" + L + "ⱼ + ∂L/∂μ" + L + "/n";
  t.numbers = "∂L/∂" + in + sub(e.col) + " = " + format_number(through_centered) + " + " + factor(through_mean) +
              " = " + format_number(stepped) + example_note(st.scenario, e.example);
  // The closed form's value here, not in the numbers: predict-then-reveal
  // hides the numbers' result and shows no explanation.
  t.explanation = "x is used twice, in x − μ and in μ = mean(x), so the two paths add. The compact mode's one "
                  "formula, γ/s · (δⱼ − (1/n)Σδ − x̂ⱼ·(1/n)Σ δ·x̂), gives " + format_number(closed) +
                  " for it: the same number, the graph collected.";
  return t;
}

}  // namespace

extern const OpKindDef kBatchNormGradNormalizedOp{OpKind::BatchNormGradNormalized, "batch_norm_grad_x_hat",
                                                  Phase::Backward, declare_grad_normalized, apply_grad_normalized,
                                                  title_grad_normalized, describe_grad_normalized, "γ·δ"};
extern const OpKindDef kBatchNormGradInverseStdOp{OpKind::BatchNormGradInverseStd, "batch_norm_grad_inverse_std",
                                                  Phase::Backward, declare_grad_inverse_std, apply_grad_inverse_std,
                                                  title_grad_inverse_std, describe_grad_inverse_std, "Σ ·(x−μ)"};
extern const OpKindDef kBatchNormGradVarianceOp{OpKind::BatchNormGradVariance, "batch_norm_grad_var",
                                                Phase::Backward, declare_grad_variance, apply_grad_variance,
                                                title_grad_variance, describe_grad_variance, "1/s, √"};
extern const OpKindDef kBatchNormGradCenteredOp{OpKind::BatchNormGradCentered, "batch_norm_grad_centered",
                                                Phase::Backward, declare_grad_centered, apply_grad_centered,
                                                title_grad_centered, describe_grad_centered, "2 paths"};
extern const OpKindDef kBatchNormGradMeanOp{OpKind::BatchNormGradMean, "batch_norm_grad_mean", Phase::Backward,
                                            declare_grad_mean, apply_grad_mean, title_grad_mean, describe_grad_mean, "−Σ"};
extern const OpKindDef kBatchNormGradInputSumOp{OpKind::BatchNormGradInputSum, "batch_norm_grad_input_sum",
                                                Phase::Backward, declare_grad_input_sum, apply_grad_input_sum,
                                                title_grad_input_sum, describe_grad_input_sum, "+ ∂L/∂μ/n"};

}  // namespace bpv
