// The conv2d layer (formats.md §6): C′ kernels of C × k × k slide over the
// input with stride s over zero padding p; z[c′,i,j] = b[c′] + Σ_{c,u,v}
// W[c′,c,u,v]·x[c, s·i + u − p, s·j + v − p] (a cross-correlation, as PyTorch
// computes it), then a = f(z) with the dense layer's activation op. Its
// backward: δ through f′ (the activation's op), ∂L/∂W (the input correlated
// with δ), ∂L/∂b (δ summed) and ∂L/∂x (δ through the flipped kernels).
//
// W is stored as (C·k·k) × C′, row (c·k + u)·k + v: the same layout as a
// dense layer's fan-in × fan-out, so the optimizers, the penalty and
// gradcheck treat it as they treat W.
//
// The forward first unfolds the input into its windows (im2col: one row per
// output position q and example b, row q·B + b), so that each channel's z is
// one matrix-vector product and ∂L/∂W and ∂L/∂x are matrix products. Rows in
// that order make channel c′'s block of z (B × P, column-major) and the
// whole δ (B × C′·P) the very memory of a (P·B)-row matrix: no copies.
#include <string>

#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "formats/layer_io.hpp"
#include "layers/image_index.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

// The input index a window reads, as the layer's stride and padding make it:
// "i+u" (stride 1, no padding), "2i+u−1".
std::string input_row(const Layer& layer, const char* out, const char* tap) {
  std::string s = layer.stride == 1 ? std::string(out) : std::to_string(layer.stride) + out;
  s += std::string("+") + tap;
  if (layer.padding > 0) s += "−" + std::to_string(layer.padding);
  return s;
}

int kernel_row(const Layer& layer, int c, int u, int v) { return (c * layer.kernel + u) * layer.kernel + v; }

// Calls f(c, u, v, input index) for each kernel tap of output pixel (i, j)
// that lands inside the input (the padding's zeros add nothing).
template <class F>
void for_each_tap(const Layer& layer, int i, int j, F f) {
  const Shape& in = layer.in_shape;
  const int k = layer.kernel;
  for (int c = 0; c < in.channels; ++c)
    for (int u = 0; u < k; ++u) {
      const int y = layer.stride * i + u - layer.padding;
      if (y < 0 || y >= in.rows) continue;
      for (int v = 0; v < k; ++v) {
        const int x = layer.stride * j + v - layer.padding;
        if (x < 0 || x >= in.cols) continue;
        f(c, u, v, flat_index(in, c, y, x));
      }
    }
}

// The output element an op of channel `part` shows: the one asked for, moved
// into the op's channel.
int in_channel(const Layer& layer, int part, int col) {
  const Pixel p = pixel_at(layer.out_shape, col);
  return flat_index(layer.out_shape, part, p.row, p.col);
}

// "W¹[c′,c,u,v]", 1-based.
std::string w_text(int l, int c_out, int c, int u, int v) {
  return "W" + superscript(l) + "[" + std::to_string(c_out + 1) + "," + std::to_string(c + 1) + "," +
         std::to_string(u + 1) + "," + std::to_string(v + 1) + "]";
}

// ---------------------------------------------------------------- the windows (im2col)
void declare_unfold(const Scenario&, Op& op) {
  declare_reads(op, {layer_input(op.layer)});
  op.writes = {Buffer::Patches, op.layer};
}

// Only the taps inside the input are written: the padding's entries stay the
// zeros the buffer was made with.
void apply_unfold(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  const Eigen::MatrixXd& x = state.activation(op.layer - 1);
  Eigen::MatrixXd& patches = state.layers[op.layer - 1].patches;
  const Shape& out = layer.out_shape;
  const Eigen::Index batch = x.rows();
  for (int i = 0; i < out.rows; ++i)
    for (int j = 0; j < out.cols; ++j) {
      const Eigen::Index q = i * out.cols + j;
      for (Eigen::Index b = 0; b < batch; ++b)
        for_each_tap(layer, i, j,
                     [&](int c, int u, int v, int at) { patches(q * batch + b, kernel_row(layer, c, u, v)) = x(b, at); });
    }
}

std::string title_unfold(const Op& op, const Scenario& sc) {
  const Layer& layer = sc.layers[op.layer - 1];
  return "Forward, " + layer_where(sc, op.layer) + ": the " + std::to_string(layer.kernel) + "×" +
         std::to_string(layer.kernel) + " windows of " + layer_symbol(sc, op.layer - 1);
}

OpText describe_unfold(const Op& op, const PassState& st, const Eigen::MatrixXd*, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const int batch = static_cast<int>(x.rows()), k = layer.kernel;
  const int q = e.row / batch, b = e.row % batch;
  const Pixel p{0, q / layer.out_shape.cols, q % layer.out_shape.cols};
  const std::string in = layer_symbol(st.scenario, l - 1);
  std::string values;
  int shown = 0;
  for_each_tap(layer, p.row, p.col, [&](int, int, int, int at) {
    if (shown++ < kMaxTermsShown) values += (values.empty() ? "" : ", ") + format_number(x(b, at));
  });
  if (shown > kMaxTermsShown) values += ", …";
  OpText t;
  t.equation = "window(i,j) = " + in + "[c, " + input_row(layer, "i", "u") + ", " + input_row(layer, "j", "v") +
               "] for every c, u, v (" +
               std::to_string(layer.in_shape.channels * k * k) + " values; 0 in the padding)";
  t.numbers = "window(" + std::to_string(p.row + 1) + "," + std::to_string(p.col + 1) + ") = " + values +
              example_note(st.scenario, b);
  t.explanation = "Each output pixel reads one window of the input: laid out as a row each, every channel's "
                  "output is then the windows times that channel's kernel.";
  return t;
}

// ---------------------------------------------------------------- z[c′] = W[c′] ⋆ x + b[c′]
void declare_conv(const Scenario&, Op& op) {
  const int l = op.layer;
  declare_reads(op, {{Buffer::Patches, l}, {Buffer::Weights, l}, {Buffer::Bias, l}});
  op.writes = {Buffer::PreActivation, l};
}

// Channel c′'s block of z = the windows · column c′ of W, + b[c′].
void apply_conv(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  const Eigen::Index n = ls.patches.rows();
  Eigen::Map<Eigen::VectorXd> channel(ls.pre_activation.data() + op.part * n, n);
  channel.noalias() = ls.patches * layer.weights.col(op.part);
  channel.array() += layer.bias(0, op.part);
}

std::string title_conv(const Op& op, const Scenario& sc) {
  return "Forward, " + layer_where(sc, op.layer) + ": convolution, channel " + std::to_string(op.part + 1) + " of z" +
         superscript(op.layer);
}

OpText describe_conv(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const Scenario& sc = st.scenario;
  const Layer& layer = sc.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const int col = in_channel(layer, op.part, e.col);
  const Pixel p = pixel_at(layer.out_shape, col);
  const std::string L = superscript(l), in = layer_symbol(sc, l - 1);
  double z = 0.0;
  std::vector<std::pair<std::string, std::string>> terms;
  for_each_tap(layer, p.row, p.col, [&](int c, int u, int v, int at) {
    const double w = layer.weights(kernel_row(layer, c, u, v), op.part);
    z += w * x(e.example, at);
    terms.push_back({w_text(l, op.part, c, u, v) + "·" + in + pixel_text(pixel_at(layer.in_shape, at)),
                     format_number(w) + "×" + factor(x(e.example, at))});
  });
  z += layer.bias(0, op.part);
  const SumText sum = written_sum(static_cast<int>(terms.size()), [&](int k) { return terms[k].first; },
                                  [&](int k) { return terms[k].second; });
  OpText t;
  t.equation = "z" + L + "[c′,i,j] = Σ_c,u,v W" + L + "[c′,c,u,v]·" + in + "[c, " + input_row(layer, "i", "u") +
               ", " + input_row(layer, "j", "v") + "] + b" + L + "[c′]   (c′ = " + std::to_string(op.part + 1) + ")";
  t.numbers = "z" + L + pixel_text(p) + " = " + sum.numbers + " + " + factor(layer.bias(0, op.part)) + " = " +
              format_number(before ? st.layers[l - 1].pre_activation(e.example, col) : z) +
              example_note(sc, e.example);
  t.explanation = "Each pixel of output channel " + std::to_string(op.part + 1) + " is the " +
                  std::to_string(layer.kernel) + "×" + std::to_string(layer.kernel) +
                  " kernel's weights times the input window under it, plus the channel's bias; the same "
                  "kernel slides over every position.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂W = x ⋆ δ
void declare_grad_weights(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Patches, op.layer}, {Buffer::Delta, op.layer}});
  op.writes = {Buffer::GradWeights, op.layer};
}

// δ as a (P·B) × C′ matrix: its own memory (see the top of this file).
Eigen::Map<const Eigen::MatrixXd> delta_by_window(const LayerState& ls) {
  return {ls.delta.data(), ls.patches.rows(), ls.grad_weights.cols()};
}

// ∂L/∂W = windowsᵀ · δ.
void apply_grad_weights(const Op& op, PassState& state) {
  LayerState& ls = state.layers[op.layer - 1];
  ls.grad_weights.noalias() = ls.patches.transpose() * delta_by_window(ls);
}

std::string title_grad_weights(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": kernel gradients ∂L/∂W" + superscript(op.layer);
}

OpText describe_grad_weights(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const Scenario& sc = st.scenario;
  const Layer& layer = sc.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const Eigen::MatrixXd& x = st.activation(l - 1);
  const int k = layer.kernel, r = e.row, c_out = e.col;
  const int c = r / (k * k), u = (r / k) % k, v = r % k;
  const std::string L = superscript(l), in = layer_symbol(sc, l - 1);
  const Shape& out = layer.out_shape;
  double g = 0.0;
  std::vector<std::string> terms;
  for (int b = 0; b < sc.batch_size(); ++b)
    for (int i = 0; i < out.rows; ++i)
      for (int j = 0; j < out.cols; ++j)
        for_each_tap(layer, i, j, [&](int cc, int uu, int vv, int at) {
          if (cc != c || uu != u || vv != v) return;
          const double d = ls.delta(b, flat_index(out, c_out, i, j));
          g += x(b, at) * d;
          terms.push_back(format_number(x(b, at)) + "×" + factor(d));
        });
  const SumText sum = written_sum(static_cast<int>(terms.size()), [](int) { return std::string(); },
                                  [&](int t) { return terms[t]; });
  OpText t;
  t.equation = "∂L/∂W" + L + "[c′,c,u,v] = Σ_b,i,j δ" + L + "[c′,i,j] · " + in + "[c, " + input_row(layer, "i", "u") + ", " +
               input_row(layer, "j", "v") + "]";
  t.numbers = "∂L/∂" + w_text(l, c_out, c, u, v) + " = " + sum.numbers + " = " +
              format_number(before ? ls.grad_weights(r, c_out) : g);
  t.explanation = "One kernel weight touches every output position, so its gradient adds up, over the whole "
                  "image and the batch, the input value under it times the error δ there: the input "
                  "correlated with δ.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂b[c′] = Σ δ[c′]
void declare_grad_bias(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Delta, op.layer}});
  op.writes = {Buffer::GradBias, op.layer};
}

void apply_grad_bias(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  const int plane = layer.out_shape.plane();
  for (int c_out = 0; c_out < layer.out_shape.channels; ++c_out) {
    double sum = 0.0;
    for (Eigen::Index b = 0; b < ls.delta.rows(); ++b)
      for (int q = 0; q < plane; ++q) sum += ls.delta(b, c_out * plane + q);
    ls.grad_bias(0, c_out) = sum;
  }
}

std::string title_grad_bias(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": bias gradients ∂L/∂b" + superscript(op.layer);
}

OpText describe_grad_bias(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const Layer& layer = st.scenario.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const int plane = layer.out_shape.plane(), c_out = e.col;
  double g = 0.0;
  for (Eigen::Index b = 0; b < ls.delta.rows(); ++b)
    for (int q = 0; q < plane; ++q) g += ls.delta(b, c_out * plane + q);
  const std::string L = superscript(l);
  OpText t;
  t.equation = "∂L/∂b" + L + "[c′] = Σ_b,i,j δ" + L + "[c′,i,j]";
  t.numbers = "∂L/∂b" + L + "[" + std::to_string(c_out + 1) + "] = the sum of channel " + std::to_string(c_out + 1) +
              "'s " + std::to_string(plane * static_cast<int>(ls.delta.rows())) + " values of δ" + L + " = " +
              format_number(before ? ls.grad_bias(0, c_out) : g);
  t.explanation = "A channel's bias is added at every position, so its gradient is the sum of that channel's δ.";
  return t;
}

// ---------------------------------------------------------------- ∂L/∂x = δ through the flipped kernels
void declare_grad_input(const Scenario&, Op& op) {
  declare_reads(op, {{Buffer::Delta, op.layer}, {Buffer::Weights, op.layer}});
  op.writes = {Buffer::GradActivation, op.layer - 1};
}

// The windows' gradients δ · Wᵀ (in the workspace), each added back into the
// input pixel it was read from (col2im).
void apply_grad_input(const Op& op, PassState& state) {
  const Layer& layer = state.scenario.layers[op.layer - 1];
  LayerState& ls = state.layers[op.layer - 1];
  Eigen::MatrixXd& grad = state.layers[op.layer - 2].grad_activation;
  const Shape& out = layer.out_shape;
  const Eigen::Index batch = grad.rows();
  ls.scratch.noalias() = delta_by_window(ls) * layer.weights.transpose();
  grad.setZero();
  for (int i = 0; i < out.rows; ++i)
    for (int j = 0; j < out.cols; ++j) {
      const Eigen::Index q = i * out.cols + j;
      for (Eigen::Index b = 0; b < batch; ++b)
        for_each_tap(layer, i, j,
                     [&](int c, int u, int v, int at) { grad(b, at) += ls.scratch(q * batch + b, kernel_row(layer, c, u, v)); });
    }
}

std::string title_grad_input(const Op& op, const Scenario& sc) {
  return "Backward, " + layer_where(sc, op.layer) + ": pass back to ∂L/∂" + layer_symbol(sc, op.layer - 1);
}

OpText describe_grad_input(const Op& op, const PassState& st, const Eigen::MatrixXd* before, Element e) {
  const int l = op.layer;
  const Scenario& sc = st.scenario;
  const Layer& layer = sc.layers[l - 1];
  const LayerState& ls = st.layers[l - 1];
  const Shape& out = layer.out_shape;
  const std::string L = superscript(l), in = layer_symbol(sc, l - 1);
  double g = 0.0;
  std::vector<std::pair<std::string, std::string>> terms;
  for (int c_out = 0; c_out < out.channels; ++c_out)
    for (int i = 0; i < out.rows; ++i)
      for (int j = 0; j < out.cols; ++j)
        for_each_tap(layer, i, j, [&](int c, int u, int v, int at) {
          if (at != e.col) return;
          const double w = layer.weights(kernel_row(layer, c, u, v), c_out);
          const double d = ls.delta(e.example, flat_index(out, c_out, i, j));
          g += w * d;
          terms.push_back({"δ" + L + pixel_text({c_out, i, j}) + "·" + w_text(l, c_out, c, u, v),
                           format_number(d) + "×" + factor(w)});
        });
  const SumText sum = written_sum(static_cast<int>(terms.size()), [&](int k) { return terms[k].first; },
                                  [&](int k) { return terms[k].second; });
  OpText t;
  t.equation = "∂L/∂" + in + "[c,y,x] = Σ over every output pixel whose window covers it of δ" + L +
               "[c′,i,j] · W" + L + "[c′,c,u,v]";
  const std::string spelled = terms.size() <= 2 ? sum.symbols + " = " : "";
  t.numbers = "∂L/∂" + in + pixel_text(pixel_at(layer.in_shape, e.col)) + " = " + spelled +
              (terms.empty() ? std::string("0 (no window covers it)") : sum.numbers) + " = " +
              format_number(before ? st.layers[l - 2].grad_activation(e.example, e.col) : g) +
              example_note(sc, e.example);
  t.explanation = "An input pixel fed every output pixel whose window covered it, so it collects each one's δ "
                  "times the kernel weight that joined them: δ convolved with the flipped kernel.";
  return t;
}

// ---------------------------------------------------------------- the layer kind
void add(const Scenario& sc, std::vector<Op>& ops, OpKind kind, int l) { ops.push_back(make_op(sc, kind, l)); }

void conv_forward(const Scenario& sc, int l, std::vector<Op>& ops) {
  add(sc, ops, OpKind::Unfold, l);
  for (int c = 0; c < sc.layers[l - 1].channels; ++c) {
    Op op = make_op(sc, OpKind::Conv, l);
    op.part = c;
    ops.push_back(op);
  }
  add(sc, ops, OpKind::Activate, l);
}

void conv_backward(const Scenario& sc, int l, bool regularized, std::vector<Op>& ops) {
  add(sc, ops, OpKind::ActivationBackward, l);
  add(sc, ops, OpKind::ConvGradWeights, l);
  if (regularized) add(sc, ops, OpKind::PenaltyGradient, l);
  add(sc, ops, OpKind::ConvGradBias, l);
  if (l > 1) add(sc, ops, OpKind::ConvGradInput, l);  // nothing learns from ∂L/∂x
}

void conv_update(const Scenario& sc, int l, std::vector<Op>& ops) {
  add(sc, ops, OpKind::UpdateWeights, l);
  add(sc, ops, OpKind::UpdateBias, l);
}

void size_conv_state(const Layer& layer, int batch, LayerState& ls) {
  ls.patches = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(batch) * layer.out_shape.plane(), layer.weights.rows());
  ls.scratch = Eigen::MatrixXd::Zero(ls.patches.rows(), ls.patches.cols());
}

// ---------------------------------------------------------------- the file
// formats.md §6's fields, read with their one-line errors and written back.

using namespace layer_io;
using Reader = FieldReader;

Layer read_conv(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input, const Scenario& sc,
                int l) {
  need_image(rd, f, "conv2d", input, l);
  rd.only_keys(lj, {"type", "channels", "kernel", "stride", "padding", "activation", "weights", "bias", "size"}, f);
  Layer layer;
  layer.channels = static_cast<int>(rd.integer(rd.require(lj, "channels", f + ".channels"), f + ".channels", 1, kMaxChannels));
  layer.kernel = static_cast<int>(rd.integer(rd.require(lj, "kernel", f + ".kernel"), f + ".kernel", 1, kMaxKernel));
  layer.stride = read_int(rd, lj, "stride", f, 1, kMaxNeurons, 1);
  layer.padding = read_int(rd, lj, "padding", f, 0, kMaxKernel, 0);
  layer.activation = read_activation(rd, lj, f);
  layer.in_shape = input.shape;
  layer.out_shape = output_shape(rd, f, input.shape, layer.channels, layer.kernel, layer.stride, layer.padding);
  layer.width = layer.out_shape.size();
  no_size_but(rd, lj, f, layer.width, "a conv2d layer's size is C′·H′·W′");
  const int fan_in = input.shape.channels * layer.kernel * layer.kernel;
  if (const json* w = rd.find(lj, "weights")) layer.weights = read_kernels(rd, *w, f + ".weights", layer);
  else if (sc.has_init) layer.weights = init_weights(sc.init, fan_in, layer.channels, init_stream(sc.init.seed, l, false));
  else rd.fail(f + ".weights", "missing, and there is no \"init\" block to fill it");
  if (const json* b = rd.find(lj, "bias")) layer.bias = rd.row(*b, f + ".bias", layer.channels);
  else if (sc.has_init) layer.bias = init_bias(sc.init, layer.channels, init_stream(sc.init.seed, l, true));
  else layer.bias = Eigen::MatrixXd::Zero(1, layer.channels);
  return layer;
}

void write_conv(const Layer& layer, json& j) {
  j["channels"] = layer.channels;
  j["kernel"] = layer.kernel;
  j["stride"] = layer.stride;
  j["padding"] = layer.padding;
  j["activation"] = std::string(layer.activation->name);
  j["weights"] = kernels_json(layer, layer.weights);
  j["bias"] = row_to_json(layer.bias);
}

// ---------------------------------------------------------------- on the canvas

// z's window with its products, the first few written out.
std::string window_products(const PassState& ps, const Layer& layer, int l, int b, const Pixel& out) {
  const Shape& in = layer.in_shape;
  const int k = layer.kernel, r0 = out.row * layer.stride - layer.padding, c0 = out.col * layer.stride - layer.padding;
  std::string text;
  double sum = 0.0;
  int shown = 0, terms = 0;
  for (int ch = 0; ch < in.channels; ++ch)
    for (int u = 0; u < k; ++u)
      for (int v = 0; v < k; ++v) {
        const double w = layer.weights((ch * k + u) * k + v, out.channel);
        const double x = input_at(ps, in, l, b, ch, r0 + u, c0 + v);
        sum += w * x;
        ++terms;
        if (shown < 6) {
          text += (shown ? " + " : "") + factor(w, 3) + "×" + factor(x, 3);
          ++shown;
        }
      }
  if (terms > shown) text += " + … (" + std::to_string(terms) + " products)";
  const double bias = layer.bias(0, out.channel);
  return text + " + " + factor(bias, 4) + " = " + format_number(sum + bias);
}

// Every input channel, shifted by the padding.
InputWindow conv_window(const Layer& layer, int unit) {
  const Pixel out = unit_pixel(layer, unit);
  return {-1, out.row * layer.stride - layer.padding, out.col * layer.stride - layer.padding, layer.kernel};
}

void explain_conv_unit(const UnitQuery& q, UnitRows& rows) {
  const std::string L = superscript(q.l);
  rows.emplace_back("z" + L + " = Σ W" + L + " ⋆ window + b" + L,
                    q.input_ready ? window_products(q.state, q.layer, q.l, q.example, unit_pixel(q.layer, q.unit)) : q.not_yet);
  rows.emplace_back("z" + L, q.value(Buffer::PreActivation));
}


std::string conv_caption(const Layer& layer) { return "conv " + std::string(layer.activation->symbol); }
std::string conv_rule(int l, const std::string& below) {
  const std::string L = superscript(l);
  return "z" + L + " = W" + L + " ⋆ " + below + " + b" + L;
}

}  // namespace

extern const OpKindDef kUnfoldOp{OpKind::Unfold, "conv2d_windows", Phase::Forward, declare_unfold, apply_unfold,
                                 title_unfold, describe_unfold, "windows"};
extern const OpKindDef kConvOp{OpKind::Conv, "conv2d", Phase::Forward, declare_conv, apply_conv, title_conv,
                               describe_conv, "W ⋆ a + b"};
extern const OpKindDef kConvGradWeightsOp{OpKind::ConvGradWeights, "conv2d_grad_weights", Phase::Backward,
                                          declare_grad_weights, apply_grad_weights, title_grad_weights,
                                          describe_grad_weights, "a ⋆ δ"};
extern const OpKindDef kConvGradBiasOp{OpKind::ConvGradBias, "conv2d_grad_bias", Phase::Backward, declare_grad_bias,
                                       apply_grad_bias, title_grad_bias, describe_grad_bias, "Σ δ"};
extern const OpKindDef kConvGradInputOp{OpKind::ConvGradInput, "conv2d_grad_input", Phase::Backward,
                                        declare_grad_input, apply_grad_input, title_grad_input, describe_grad_input, "δ ⋆ flip W"};
constexpr LayerSetting kConvSettings[] = {
    {.key = "channels", .label = "channels", .lo = 1, .hi = 64, .fallback = 4},
    {.key = "kernel", .label = "kernel", .lo = 1, .hi = 7, .fallback = 3},
    {.key = "stride", .label = "stride", .lo = 1, .hi = 7, .fallback = 1},
    {.key = "padding", .label = "padding", .lo = 0, .hi = 7, .fallback = 0},
};

extern const LayerKindDef kConvLayer{
    .type = "conv2d",
    .parameters = true,
    .penalized = true,
    .weight_symbol = "W",
    .bias_symbol = "b",
    .forward_ops = conv_forward,
    .backward_ops = conv_backward,
    .update_ops = conv_update,
    .size_state = size_conv_state,
    .maps_input = true,
    .read = read_conv,
    .write = write_conv,
    .weights_json = kernels_json,
    .read_weights = read_kernels,
    .settings = kConvSettings,
    .activation = true,
    .join = Join::Kernels,
    .caption = conv_caption,
    .pre_activation_rule = conv_rule,
    .explain_unit = explain_conv_unit,
    .input_window = conv_window,
};

}  // namespace bpv
