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
  // How its kind computes it (layers/layer_kind.hpp: explain_unit).
  const LayerKindDef& kind = layer_kind(layer);
  if (kind.explain_unit) {
    const UnitQuery query{ps,
                          layer,
                          l,
                          b,
                          j,
                          l == 1 || st.is_computed(BufferRef{Buffer::Activation, l - 1}),
                          [&](Buffer buf) { return st.is_computed(BufferRef{buf, l}); },
                          value,
                          kNotYet};
    UnitRows rows;
    kind.explain_unit(query, rows);
    for (const auto& [label, text] : rows) row(label, text);
  }
  if (kind.activation)
    row(sym + " = " + std::string(layer.activation->symbol) + "(z" + L + ")", value(Buffer::Activation));
  else
    row(sym, value(Buffer::Activation));
  row("∂L/∂" + sym, value(Buffer::GradActivation));
  if (kind.activation) row("δ" + L + " = ∂L/∂z" + L, value(Buffer::Delta));
  ImGui::EndTable();
}

}  // namespace bpv::canvas
