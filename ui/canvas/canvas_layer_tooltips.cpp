// The hover tooltip of a unit of a layer that is not dense: where it sits
// (channel, row, column of a feature map), what its kind computes it from
// with the numbers (a conv output's window and its products, the pooling
// window's winner, the dropout mask and scale, batch norm's x̂ = (x − μ)/√(σ² + ε)
// and γ·x̂ + β), then its values and gradients as the dense tooltip lists them.
#include <cmath>
#include <string>

#include "engine/describe.hpp"
#include "canvas/graph_canvas_frame.hpp"
#include "layers/image_index.hpp"
#include "layers/layer_kind.hpp"

namespace bpv::canvas {
namespace {

const std::string kNotYet = "· (not computed yet)";

void row(const std::string& label, const std::string& value) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(label.c_str());
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(value.c_str());
}

// The input a_{l−1} of example b at flat index i, or 0 outside the image (padding).
double input_at(const PassState& ps, const Shape& in, int l, int b, int ch, int r, int c) {
  if (r < 0 || c < 0 || r >= in.rows || c >= in.cols) return 0.0;
  return ps.activation(l - 1)(b, flat_index(in, ch, r, c));
}

// z's window with its products, the first few written out.
std::string conv_products(const PassState& ps, const Layer& layer, int l, int b, const Pixel& out) {
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

std::string pool_window(const PassState& ps, const Layer& layer, int l, int b, const Pixel& out, bool max) {
  const Shape& in = layer.in_shape;
  const int k = layer.kernel, r0 = out.row * layer.stride, c0 = out.col * layer.stride;
  double best = -INFINITY, sum = 0.0;
  int best_r = r0, best_c = c0;
  for (int u = 0; u < k; ++u)
    for (int v = 0; v < k; ++v) {
      const double x = input_at(ps, in, l, b, out.channel, r0 + u, c0 + v);
      sum += x;
      if (x > best) {  // the first largest wins, as the engine's backward sends it the gradient
        best = x;
        best_r = r0 + u;
        best_c = c0 + v;
      }
    }
  if (!max) return "mean of " + std::to_string(k * k) + " values = " + format_number(sum / (k * k));
  return "max at " + pixel_text(Pixel{out.channel, best_r, best_c}) + " = " + format_number(best) +
         " (the gradient goes back there)";
}

}  // namespace

void layer_neuron_tooltip(const Frame& f, int l, int j) {
  const Stepper& st = f.st;
  const PassState& ps = st.state();
  const Layer& layer = f.sc.layers[static_cast<std::size_t>(l - 1)];
  const std::string_view type = layer_kind(layer).type;
  const int batch = f.sc.batch_size();
  const int ex = f.values.example, b = std::max(0, ex);
  const std::string L = superscript(l), sym = neuron_symbol(f.sc, l, j);
  const bool image = !layer.out_shape.empty();
  const Pixel px = image ? pixel_at(layer.out_shape, j) : Pixel{0, 0, j};
  ImGui::Text("%s%s: layer %d, %s", sym.c_str(), image ? (" " + pixel_text(px)).c_str() : "", l,
              std::string(type).c_str());
  if (batch > 1)
    ImGui::TextDisabled("%s", ex < 0 ? ("values: the mean of the " + std::to_string(batch) + " examples; windows: example 1").c_str()
                                     : ("example " + std::to_string(ex + 1) + " of " + std::to_string(batch)).c_str());
  if (!ImGui::BeginTable("##unit", 2, ImGuiTableFlags_SizingFixedFit)) return;
  auto value = [&](Buffer buf) -> std::string {
    if (!st.is_computed(BufferRef{buf, l})) return kNotYet;
    return format_number(example_value(buffer_matrix(ps, BufferRef{buf, l}), ex, j));
  };
  const bool input_ready = l == 1 || st.is_computed(BufferRef{Buffer::Activation, l - 1});
  const int feature = image ? px.channel : j;
  if (type == "conv2d") {
    row("z" + L + " = Σ W" + L + " ⋆ window + b" + L, input_ready ? conv_products(ps, layer, l, b, px) : kNotYet);
    row("z" + L, value(Buffer::PreActivation));
  } else if (type == "max_pool" || type == "avg_pool") {
    row("window " + std::to_string(layer.kernel) + "×" + std::to_string(layer.kernel),
        input_ready ? pool_window(ps, layer, l, b, px, type == "max_pool") : kNotYet);
  } else if (type == "dropout") {
    const bool masked = st.is_computed(BufferRef{Buffer::Mask, l});
    const double m = masked ? ps.layers[static_cast<std::size_t>(l - 1)].mask(b, j) : 0.0;
    row("m" + L + " (mask)", masked ? (m != 0.0 ? "1: kept, scaled by 1/(1 − p) = " + format_number(1.0 / (1.0 - layer.dropout_p))
                                                : "0: dropped this step")
                                    : kNotYet);
  } else if (type == "batch_norm") {
    const bool stats = st.is_computed(BufferRef{Buffer::Variance, l});
    const LayerState& ls = ps.layers[static_cast<std::size_t>(l - 1)];
    row("μ" + L + ", σ²" + L + " of feature " + std::to_string(feature + 1),
        stats ? format_number(ls.mean(0, feature)) + ", " + format_number(ls.variance(0, feature)) : kNotYet);
    row("x̂ = (x − μ)/√(σ² + ε)", value(Buffer::Normalized));
    row("z = γ·x̂ + β", factor(layer.weights(0, feature), 4) + "·x̂ + " + factor(layer.bias(0, feature), 4) + " = " +
                            value(Buffer::PreActivation));
  }
  if (type == "conv2d" || type == "batch_norm")
    row(sym + " = " + std::string(layer.activation->symbol) + "(z" + L + ")", value(Buffer::Activation));
  else
    row(sym, value(Buffer::Activation));
  row("∂L/∂" + sym, value(Buffer::GradActivation));
  if (type == "conv2d" || type == "batch_norm") row("δ" + L + " = ∂L/∂z" + L, value(Buffer::Delta));
  ImGui::EndTable();
}

}  // namespace bpv::canvas
