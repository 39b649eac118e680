// Max and average pooling (formats.md §6): a k × k window moves with stride s
// over each channel on its own, with no padding; a = the window's largest
// value, or its mean. Max pooling's gradient goes back to the first largest
// element of each window (row-major, as PyTorch's); average pooling's is
// shared out evenly. Overlapping windows (s < k) add their gradients. No
// parameters.
#include <cmath>
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "formats/layer_io.hpp"
#include "formats/trace.hpp"
#include "layers/image_index.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

// The input index of the first largest value of output pixel (c, i, j)'s window.
int winner(const Layer& layer, const Eigen::MatrixXd& x, Eigen::Index b, int c, int i, int j) {
  const int k = layer.kernel;
  int best = flat_index(layer.in_shape, c, layer.stride * i, layer.stride * j);
  for (int u = 0; u < k; ++u)
    for (int v = 0; v < k; ++v) {
      const int at = flat_index(layer.in_shape, c, layer.stride * i + u, layer.stride * j + v);
      if (x(b, at) > x(b, best)) best = at;
    }
  return best;
}

double window_mean(const Layer& layer, const Eigen::MatrixXd& x, Eigen::Index b, int c, int i, int j) {
  double sum = 0.0;
  for (int u = 0; u < layer.kernel; ++u)
    for (int v = 0; v < layer.kernel; ++v)
      sum += x(b, flat_index(layer.in_shape, c, layer.stride * i + u, layer.stride * j + v));
  return sum / static_cast<double>(layer.kernel * layer.kernel);
}

// The window of output pixel `p`, its values written out.
std::string window_values(const Layer& layer, const Eigen::MatrixXd& x, Eigen::Index b, const Pixel& p) {
  std::string s;
  for (int u = 0; u < layer.kernel; ++u)
    for (int v = 0; v < layer.kernel; ++v) {
      if (!s.empty()) s += ", ";
      s += format_number(x(b, flat_index(layer.in_shape, p.channel, layer.stride * p.row + u, layer.stride * p.col + v)));
    }
  return s;
}

template <class F>
void for_each_output(const Layer& layer, Eigen::Index rows, F f) {
  const Shape& out = layer.out_shape;
  for (Eigen::Index b = 0; b < rows; ++b)
    for (int c = 0; c < out.channels; ++c)
      for (int i = 0; i < out.rows; ++i)
        for (int j = 0; j < out.cols; ++j) f(b, c, i, j, flat_index(out, c, i, j));
}

void declare_pool(const Scenario&, Op& op) {
  declare_reads(op, {layer_input(op.layer)});
  op.writes = {Buffer::Activation, op.layer};
}

void declare_pool_backward(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::GradActivation, op.layer}, layer_input(op.layer)});
  op.writes = {Buffer::GradActivation, op.layer - 1};
}

std::string window_words(const Layer& layer) {
  return std::to_string(layer.kernel) + "×" + std::to_string(layer.kernel);
}

// ---------------------------------------------------------------- max
void apply_max(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const Eigen::MatrixXd& x = state.activation(op.layer - 1);
  Eigen::MatrixXd& a = state.layers[op.layer - 1].activation;
  for_each_output(layer, x.rows(), [&](Eigen::Index b, int c, int i, int j, int at) {
    a(b, at) = x(b, winner(layer, x, b, c, i, j));
  });
}

void apply_max_backward(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const Eigen::MatrixXd& x = state.activation(op.layer - 1);
  const Eigen::MatrixXd& g = state.layers[op.layer - 1].grad_activation;
  Eigen::MatrixXd& grad = state.layers[op.layer - 2].grad_activation;
  grad.setZero();
  for_each_output(layer, x.rows(), [&](Eigen::Index b, int c, int i, int j, int at) {
    grad(b, winner(layer, x, b, c, i, j)) += g(b, at);
  });
}

std::string title_max(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": max pooling " + window_words(sc.layers[op.layer - 1]);
}

OpText describe_max(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const Pixel p = pixel_at(layer.out_shape, e.col);
  const int won = winner(layer, x, e.example, p.channel, p.row, p.col);
  const std::string out = layer_symbol(st.scenario, l), in = layer_symbol(st.scenario, l - 1);
  OpText t;
  t.equation = out + "[c,i,j] = max over the " + window_words(layer) + " window of " + in + " at (" +
               std::to_string(layer.stride) + "i, " + std::to_string(layer.stride) + "j)";
  t.numbers = out + pixel_text(p) + " = max(" + window_values(layer, x, e.example, p) + ") = " +
              format_number(x(e.example, won)) + ", from " + in + pixel_text(pixel_at(layer.in_shape, won)) +
              example_note(st.scenario, e.example);
  t.explanation = "Each window keeps only its largest value: the layer remembers where it was, because only that "
                  "element gets a gradient back.";
  return t;
}

std::string title_max_backward(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": through the max pooling to ∂L/∂" +
         layer_symbol(sc, op.layer - 1);
}

OpText describe_max_backward(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const Eigen::MatrixXd& g = st.layers[l - 1].grad_activation;
  const std::string out = layer_symbol(st.scenario, l), in = layer_symbol(st.scenario, l - 1);
  double sum = 0.0;
  std::string from;
  for_each_output(layer, 1, [&](Eigen::Index, int c, int i, int j, int at) {
    if (winner(layer, x, e.example, c, i, j) != e.col) return;
    sum += g(e.example, at);
    from += (from.empty() ? "" : " + ") + format_number(g(e.example, at)) + " (" + out + pixel_text({c, i, j}) + ")";
  });
  OpText t;
  t.equation = "∂L/∂" + in + "[c,y,x] = ∂L/∂" + out + "[c,i,j] where " + in +
               "[c,y,x] won window (i,j), else 0";
  t.numbers = "∂L/∂" + in + pixel_text(pixel_at(layer.in_shape, e.col)) + " = " +
              (from.empty() ? std::string("0: it won no window") : from + " = " + format_number(sum)) +
              example_note(st.scenario, e.example);
  t.explanation = "Only the element that won a window moved the output, so only it gets that window's gradient; "
                  "the others get 0.";
  return t;
}

// ---------------------------------------------------------------- average
void apply_avg(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const Eigen::MatrixXd& x = state.activation(op.layer - 1);
  Eigen::MatrixXd& a = state.layers[op.layer - 1].activation;
  for_each_output(layer, x.rows(), [&](Eigen::Index b, int c, int i, int j, int at) {
    a(b, at) = window_mean(layer, x, b, c, i, j);
  });
}

void apply_avg_backward(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const Eigen::MatrixXd& g = state.layers[op.layer - 1].grad_activation;
  Eigen::MatrixXd& grad = state.layers[op.layer - 2].grad_activation;
  const double share = 1.0 / static_cast<double>(layer.kernel * layer.kernel);
  grad.setZero();
  for_each_output(layer, g.rows(), [&](Eigen::Index b, int c, int i, int j, int at) {
    for (int u = 0; u < layer.kernel; ++u)
      for (int v = 0; v < layer.kernel; ++v)
        grad(b, flat_index(layer.in_shape, c, layer.stride * i + u, layer.stride * j + v)) += g(b, at) * share;
  });
}

std::string title_avg(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": average pooling " + window_words(sc.layers[op.layer - 1]);
}

OpText describe_avg(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const Pixel p = pixel_at(layer.out_shape, e.col);
  const std::string out = layer_symbol(st.scenario, l), in = layer_symbol(st.scenario, l - 1);
  OpText t;
  t.equation = out + "[c,i,j] = (1/" + std::to_string(layer.kernel * layer.kernel) + ")·Σ over the " +
               window_words(layer) + " window of " + in;
  t.numbers = out + pixel_text(p) + " = mean(" + window_values(layer, x, e.example, p) + ") = " +
              format_number(window_mean(layer, x, e.example, p.channel, p.row, p.col)) +
              example_note(st.scenario, e.example);
  t.explanation = "Each window is replaced by its mean, so the image shrinks and every element counts equally.";
  return t;
}

std::string title_avg_backward(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": through the average pooling to ∂L/∂" +
         layer_symbol(sc, op.layer - 1);
}

OpText describe_avg_backward(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const Eigen::MatrixXd& g = st.layers[l - 1].grad_activation;
  const std::string out = layer_symbol(st.scenario, l), in = layer_symbol(st.scenario, l - 1);
  const Pixel q = pixel_at(layer.in_shape, e.col);
  const double share = 1.0 / static_cast<double>(layer.kernel * layer.kernel);
  double sum = 0.0;
  std::string from;
  for_each_output(layer, 1, [&](Eigen::Index, int c, int i, int j, int at) {
    const int dy = q.row - layer.stride * i, dx = q.col - layer.stride * j;
    if (c != q.channel || dy < 0 || dy >= layer.kernel || dx < 0 || dx >= layer.kernel) return;
    sum += g(e.example, at) * share;
    from += (from.empty() ? "" : " + ") + format_number(g(e.example, at)) + "/" +
            std::to_string(layer.kernel * layer.kernel);
  });
  OpText t;
  t.equation = "∂L/∂" + in + "[c,y,x] = Σ over the windows that hold it of ∂L/∂" + out + "[c,i,j] / " +
               std::to_string(layer.kernel * layer.kernel);
  t.numbers = "∂L/∂" + in + pixel_text(q) + " = " +
              (from.empty() ? std::string("0: no window holds it") : from + " = " + format_number(sum)) +
              example_note(st.scenario, e.example);
  t.explanation = "Every element of a window moved its mean by 1/k², so each gets that share of the window's "
                  "gradient.";
  return t;
}

// ---------------------------------------------------------------- the layer kinds
void max_forward(const Scenario& sc, int l, std::vector<Op>& ops) { ops.push_back(make_op(sc, OpKind::MaxPool, l)); }
void max_backward(const Scenario& sc, int l, bool, std::vector<Op>& ops) {
  if (l > 1) ops.push_back(make_op(sc, OpKind::MaxPoolBackward, l));
}
void avg_forward(const Scenario& sc, int l, std::vector<Op>& ops) { ops.push_back(make_op(sc, OpKind::AvgPool, l)); }
void avg_backward(const Scenario& sc, int l, bool, std::vector<Op>& ops) {
  if (l > 1) ops.push_back(make_op(sc, OpKind::AvgPoolBackward, l));
}
void no_update(const Scenario&, int, std::vector<Op>&) {}

// ---------------------------------------------------------------- the file
// formats.md §6's fields, read with their one-line errors and written back.

using namespace layer_io;
using Reader = FieldReader;

Layer read_pool(const Reader& rd, const json& lj, const std::string& f, std::string_view type,
                const LayerInput& input, int l) {
  need_image(rd, f, type, input, l);
  rd.only_keys(lj, {"type", "kernel", "stride", "size"}, f);
  Layer layer;
  layer.activation = find_activation("identity");
  layer.kernel = static_cast<int>(rd.integer(rd.require(lj, "kernel", f + ".kernel"), f + ".kernel", 1, kMaxKernel));
  layer.stride = read_int(rd, lj, "stride", f, 1, kMaxNeurons, layer.kernel);
  layer.in_shape = input.shape;
  layer.out_shape = output_shape(rd, f, input.shape, input.shape.channels, layer.kernel, layer.stride, 0);
  layer.width = layer.out_shape.size();
  no_size_but(rd, lj, f, layer.width, "a pooling layer's size is C·H′·W′");
  return layer;
}

Layer read_max(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input, const Scenario&,
               int l) {
  return read_pool(rd, lj, f, "max_pool", input, l);
}
Layer read_avg(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input, const Scenario&,
               int l) {
  return read_pool(rd, lj, f, "avg_pool", input, l);
}

void write_pool(const Layer& layer, json& j) {
  j["kernel"] = layer.kernel;
  j["stride"] = layer.stride;
}

// ---------------------------------------------------------------- the trace

void trace_pool(const Layer&, const LayerState& ls, const LayerOptimizerState&, json& j) {
  j["a"] = matrix_to_json(ls.activation);
  j["grad_a"] = matrix_to_json(ls.grad_activation);
}

// ---------------------------------------------------------------- on the canvas

std::string window_size(const Layer& layer) { return std::to_string(layer.kernel) + "×" + std::to_string(layer.kernel); }

// The unit's own channel.
InputWindow pool_window(const Layer& layer, int unit) {
  const Pixel out = unit_pixel(layer, unit);
  return {out.channel, out.row * layer.stride, out.col * layer.stride, layer.kernel};
}

// The window under unit j: its winner, or its mean.
void explain_pool_unit(const UnitQuery& q, UnitRows& rows, bool max) {
  const Layer& layer = q.layer;
  const Pixel out = unit_pixel(layer, q.unit);
  const int k = layer.kernel, r0 = out.row * layer.stride, c0 = out.col * layer.stride;
  double best = -INFINITY, sum = 0.0;
  int best_r = r0, best_c = c0;
  for (int u = 0; u < k; ++u)
    for (int v = 0; v < k; ++v) {
      const double x = input_at(q.state, layer.in_shape, q.l, q.example, out.channel, r0 + u, c0 + v);
      sum += x;
      if (x > best) {  // the first largest wins, as the backward sends it the gradient
        best = x;
        best_r = r0 + u;
        best_c = c0 + v;
      }
    }
  const std::string what = max ? "max at " + pixel_text(Pixel{out.channel, best_r, best_c}) + " = " + format_number(best) +
                                     " (the gradient goes back there)"
                               : "mean of " + std::to_string(k * k) + " values = " + format_number(sum / (k * k));
  rows.emplace_back("window " + window_size(layer), q.input_ready ? what : q.not_yet);
}
void explain_max_unit(const UnitQuery& q, UnitRows& rows) { explain_pool_unit(q, rows, true); }
void explain_avg_unit(const UnitQuery& q, UnitRows& rows) { explain_pool_unit(q, rows, false); }
std::string max_caption(const Layer& layer) { return "max pool " + window_size(layer); }
std::string avg_caption(const Layer& layer) { return "avg pool " + window_size(layer); }
std::string max_rule(int, const std::string& out, const std::string& below) {
  return out + " = max of each window of " + below;
}
std::string avg_rule(int, const std::string& out, const std::string& below) {
  return out + " = mean of each window of " + below;
}

}  // namespace

extern const OpKindDef kMaxPoolOp{OpKind::MaxPool, "max_pool", Phase::Forward, declare_pool, apply_max, title_max,
                                  describe_max, "max"};
extern const OpKindDef kMaxPoolBackwardOp{OpKind::MaxPoolBackward, "max_pool_backward", Phase::Backward,
                                          declare_pool_backward, apply_max_backward, title_max_backward,
                                          describe_max_backward, "to the max"};
extern const OpKindDef kAvgPoolOp{OpKind::AvgPool, "avg_pool", Phase::Forward, declare_pool, apply_avg, title_avg,
                                  describe_avg, "mean"};
extern const OpKindDef kAvgPoolBackwardOp{OpKind::AvgPoolBackward, "avg_pool_backward", Phase::Backward,
                                          declare_pool_backward, apply_avg_backward, title_avg_backward,
                                          describe_avg_backward, "share out"};
constexpr LayerSetting kPoolSettings[] = {
    {.key = "kernel", .label = "window", .lo = 1, .hi = 7, .fallback = 2},
    {.key = "stride", .label = "stride", .lo = 0, .hi = 7, .fallback = 0, .hint = "(0: the window)", .zero_omits = true},
};

extern const LayerKindDef kMaxPoolLayer{
    .type = "max_pool",
    .forward_ops = max_forward,
    .backward_ops = max_backward,
    .update_ops = no_update,
    .read = read_max,
    .write = write_pool,
    .trace = trace_pool,
    .settings = kPoolSettings,
    .join = Join::Elementwise,
    .caption = max_caption,
    .output_rule = max_rule,
    .explain_unit = explain_max_unit,
    .input_window = pool_window,
};
extern const LayerKindDef kAvgPoolLayer{
    .type = "avg_pool",
    .forward_ops = avg_forward,
    .backward_ops = avg_backward,
    .update_ops = no_update,
    .read = read_avg,
    .write = write_pool,
    .trace = trace_pool,
    .settings = kPoolSettings,
    .join = Join::Elementwise,
    .caption = avg_caption,
    .output_rule = avg_rule,
    .explain_unit = explain_avg_unit,
    .input_window = pool_window,
};

}  // namespace bpv
