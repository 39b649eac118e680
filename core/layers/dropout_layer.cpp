// The dropout layer (formats.md §6): each training step draws a mask m of 0s
// and 1s from (seed, the step's number, the layer), keeps each unit with
// probability 1 − p, and scales what it keeps by 1/(1 − p) so that the
// layer's expected output is its input. The backward pass lets the gradient
// through the same units with the same scale. In evaluation (the test loss,
// the decision region) the mask is all 1s and nothing is scaled, as PyTorch's
// eval(). No parameters.
#include <random>
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "formats/layer_io.hpp"
#include "formats/trace.hpp"
#include "engine/random.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

BufferRef below(int l) { return l == 1 ? BufferRef{Buffer::Input, 0} : BufferRef{Buffer::Activation, l - 1}; }

double keep_scale(const Layer& layer) { return 1.0 / (1.0 - layer.dropout_p); }

// ---------------------------------------------------------------- m ← mask
void declare_mask(const Scenario&, Op& op) {
  declare_reads(op, {});
  op.writes = {Buffer::Mask, op.layer};
}

// The same file and step give the same mask everywhere: mt19937_64 and our
// own uniform draw (random.hpp), seeded from (seed, step, layer); units in
// PyTorch's order, example by example, then unit by unit.
void apply_mask(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  Eigen::MatrixXd& m = state.layers[op.layer - 1].mask;
  if (state.evaluation) {
    m.setOnes();
    return;
  }
  const std::uint64_t step = static_cast<std::uint64_t>(state.scenario.progress.step);
  std::mt19937_64 rng(mix_seed(mix_seed(layer.dropout_seed, step), static_cast<std::uint64_t>(op.layer)));
  for (Eigen::Index b = 0; b < m.rows(); ++b)
    for (Eigen::Index j = 0; j < m.cols(); ++j) m(b, j) = unit_uniform(rng) < layer.dropout_p ? 0.0 : 1.0;
}

std::string title_mask(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": dropout mask m" + superscript(op.layer);
}

OpText describe_mask(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const Eigen::MatrixXd& m = st.layers[l - 1].mask;
  OpText t;
  t.equation = "m" + superscript(l) + "ⱼ = 0 with probability p = " + format_number(layer.dropout_p) + ", else 1";
  if (before) {
    const long long dropped = static_cast<long long>(m.size() - m.sum());
    t.numbers = "m" + superscript(l) + subscript(e.col + 1) + " = " + format_number(m(e.example, e.col)) +
                example_note(st.scenario, e.example) + ";  " + std::to_string(dropped) + " of " +
                std::to_string(m.size()) + " units dropped this step";
  } else {
    t.numbers = "drawn from seed " + std::to_string(layer.dropout_seed) + ", step " +
                std::to_string(st.scenario.progress.step) + ", layer " + std::to_string(l);
  }
  t.explanation = st.evaluation ? "In evaluation nothing is dropped: the mask is all ones."
                                : "Each training step drops a fresh random set of units, so no unit can rely on "
                                  "another being there.";
  return t;
}

// ---------------------------------------------------------------- a = x ⊙ m / (1 − p)
void declare_dropout(const Scenario&, Op& op) {
  declare_reads(op, {below(op.layer), {Buffer::Mask, op.layer}});
  op.writes = {Buffer::Activation, op.layer};
}

// (x · m) · 1/(1 − p), PyTorch's order; in evaluation a = x.
void apply_dropout(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  const Eigen::MatrixXd& x = state.activation(op.layer - 1);
  if (state.evaluation) {
    ls.activation = x;
    return;
  }
  const double scale = keep_scale(layer);
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index b = 0; b < x.rows(); ++b) ls.activation(b, j) = x(b, j) * ls.mask(b, j) * scale;
}

std::string title_dropout(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": dropout";
}

OpText describe_dropout(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const std::string out = layer_symbol(st.scenario, l), in = layer_symbol(st.scenario, l - 1);
  const std::string j = subscript(e.col + 1), L = superscript(l);
  const double x = st.activation(l - 1)(e.example, e.col), m = st.layers[l - 1].mask(e.example, e.col);
  const double scale = keep_scale(layer);
  OpText t;
  t.equation = out + "ⱼ = " + in + "ⱼ · m" + L + "ⱼ / (1 − p)";
  t.numbers = out + j + " = " + format_number(x) + " × " + format_number(m) + " / (1 − " +
              format_number(layer.dropout_p) + ") = " + format_number(x * m * scale) + example_note(st.scenario, e.example);
  t.explanation = "A dropped unit passes 0; a kept one is scaled by 1/(1 − p) = " + format_number(scale) +
                  ", so the layer's output keeps its expected size.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂x = ∂L/∂a ⊙ m / (1 − p)
void declare_dropout_backward(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::GradActivation, op.layer}, {Buffer::Mask, op.layer}});
  op.writes = {Buffer::GradActivation, op.layer - 1};
}

void apply_dropout_backward(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const LayerState& ls = state.layers[op.layer - 1];
  Eigen::MatrixXd& below_grad = state.layers[op.layer - 2].grad_activation;
  const double scale = keep_scale(layer);
  for (Eigen::Index j = 0; j < ls.grad_activation.cols(); ++j)
    for (Eigen::Index b = 0; b < ls.grad_activation.rows(); ++b)
      below_grad(b, j) = ls.grad_activation(b, j) * ls.mask(b, j) * scale;
}

std::string title_dropout_backward(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": through the dropout to ∂L/∂" + layer_symbol(sc, op.layer - 1);
}

OpText describe_dropout_backward(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const std::string out = layer_symbol(st.scenario, l), in = layer_symbol(st.scenario, l - 1);
  const std::string j = subscript(e.col + 1), L = superscript(l);
  const double g = st.layers[l - 1].grad_activation(e.example, e.col), m = st.layers[l - 1].mask(e.example, e.col);
  OpText t;
  t.equation = "∂L/∂" + in + "ⱼ = ∂L/∂" + out + "ⱼ · m" + L + "ⱼ / (1 − p)";
  t.numbers = "∂L/∂" + in + j + " = " + format_number(g) + " × " + format_number(m) + " / (1 − " +
              format_number(layer.dropout_p) + ") = " + format_number(g * m * keep_scale(layer)) +
              example_note(st.scenario, e.example);
  t.explanation = "The gradient flows back only through the units the mask kept, with the same scale; a "
                  "dropped unit gets none.";
  return t;
}

// ---------------------------------------------------------------- the layer kind
void add(const Scenario& scenario, std::vector<Op>& ops, OpKind kind, int l) {
  ops.push_back(make_op(scenario, kind, l));
}

void dropout_forward(const Scenario& scenario, int l, std::vector<Op>& ops) {
  add(scenario, ops, OpKind::DropoutMask, l);
  add(scenario, ops, OpKind::Dropout, l);
}

void dropout_backward(const Scenario& scenario, int l, bool, std::vector<Op>& ops) {
  if (l > 1) add(scenario, ops, OpKind::DropoutBackward, l);  // nothing learns from ∂L/∂x
}

void dropout_update(const Scenario&, int, std::vector<Op>&) {}

void size_dropout_state(const Layer& layer, int batch, LayerState& ls) {
  ls.mask = Eigen::MatrixXd::Zero(batch, layer.size());
}

// ---------------------------------------------------------------- the file
// formats.md §6's fields, read with their one-line errors and written back.

using namespace layer_io;
using Reader = FieldReader;

// {"type": "dropout", "p": 0.25, "seed": 9}: the layer keeps its input's size.
Layer read_dropout(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input, const Scenario&,
                   int) {
  if (rd.find(lj, "weights") || rd.find(lj, "bias")) rd.fail(f, "a dropout layer has no weights or bias");
  Layer layer;
  layer.activation = find_activation("identity");
  layer.width = input.width;
  layer.in_shape = layer.out_shape = input.shape;
  no_size_but(rd, lj, f, layer.width, "a dropout layer keeps its input's size");
  if (const json* p = rd.find(lj, "p")) {
    layer.dropout_p = rd.number(*p, f + ".p");
    if (!(layer.dropout_p >= 0.0 && layer.dropout_p < 1.0)) rd.fail(f + ".p", "must be in [0, 1)");
  }
  if (const json* seed = rd.find(lj, "seed")) {
    if (!seed->is_number_unsigned() && !(seed->is_number_integer() && seed->get<long long>() >= 0))
      rd.fail(f + ".seed", "expected a non-negative integer");
    layer.dropout_seed = seed->get<std::uint64_t>();
  }
  return layer;
}

void write_dropout(const Layer& layer, json& j) {
  j["p"] = layer.dropout_p;
  j["seed"] = layer.dropout_seed;
}

// ---------------------------------------------------------------- the trace

void trace_dropout(const Layer&, const LayerState& ls, const LayerOptimizerState&, json& j) {
  j["a"] = matrix_to_json(ls.activation);
  j["mask"] = matrix_to_json(ls.mask);
  j["grad_a"] = matrix_to_json(ls.grad_activation);
}

// ---------------------------------------------------------------- on the canvas

std::string dropout_caption(const Layer& layer) {
  char p[32];
  std::snprintf(p, sizeof p, "%g", layer.dropout_p);
  return "dropout p=" + std::string(p);
}
std::string dropout_rule(int l, const std::string& out, const std::string& below) {
  return out + " = m" + superscript(l) + "·" + below + "/(1 − p)";
}

void explain_dropout_unit(const UnitQuery& q, UnitRows& rows) {
  const bool masked = q.computed(Buffer::Mask);
  const double m = masked ? q.state.layers[static_cast<std::size_t>(q.l - 1)].mask(q.example, q.unit) : 0.0;
  rows.emplace_back("m" + superscript(q.l) + " (mask)",
                    !masked    ? q.not_yet
                    : m != 0.0 ? "1: kept, scaled by 1/(1 − p) = " + format_number(1.0 / (1.0 - q.layer.dropout_p))
                               : "0: dropped this step");
}

}  // namespace

extern const OpKindDef kDropoutMaskOp{OpKind::DropoutMask, "dropout_mask", Phase::Forward, declare_mask, apply_mask,
                                      title_mask, describe_mask, "draw m"};
extern const OpKindDef kDropoutOp{OpKind::Dropout, "dropout", Phase::Forward, declare_dropout, apply_dropout,
                                  title_dropout, describe_dropout, "a·m/(1−p)"};
extern const OpKindDef kDropoutBackwardOp{OpKind::DropoutBackward, "dropout_backward", Phase::Backward,
                                          declare_dropout_backward, apply_dropout_backward, title_dropout_backward,
                                          describe_dropout_backward, "·m/(1−p)"};
constexpr LayerSetting kDropoutSettings[] = {
    {.key = "p", .label = "p (drop)", .type = LayerSetting::Type::Real, .fallback = 0.5},
    {.key = "seed", .label = "seed", .lo = 0, .hi = 1 << 30, .fallback = 0},
};

extern const LayerKindDef kDropoutLayer{
    .type = "dropout",
    .forward_ops = dropout_forward,
    .backward_ops = dropout_backward,
    .update_ops = dropout_update,
    .size_state = size_dropout_state,
    .read = read_dropout,
    .write = write_dropout,
    .trace = trace_dropout,
    .settings = kDropoutSettings,
    .join = Join::Elementwise,
    .caption = dropout_caption,
    .output_rule = dropout_rule,
    .explain_unit = explain_dropout_unit,
};

}  // namespace bpv
