// The network editor's layer section for every kind (formats.md §6): add a
// dense, conv, pooling, batch-norm or dropout layer after any layer, and
// change a layer's settings (channels, kernel, stride, padding, p, momentum,
// eps, activation). Each is one undoable edit (edit::InsertLayer,
// edit::ReplaceLayer); what the loader refuses comes back as its one-line
// message in the panel, and nothing changes.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/describe.hpp"
#include "formats/scenario_io.hpp"
#include "layers/activations.hpp"
#include "layers/layer_kind.hpp"
#include "panels.hpp"

namespace bpv {
namespace {

using nlohmann::json;

constexpr const char* kKinds[] = {"dense", "conv2d", "max_pool", "avg_pool", "batch_norm", "dropout"};
constexpr int kKindCount = 6;

bool has_activation(const std::string& kind) { return kind == "dense" || kind == "conv2d" || kind == "batch_norm"; }

void push(CommandQueue& commands, Edit e) { commands.push_back(command::ApplyEdit{std::move(e)}); }

void int_field(const char* label, const char* id, int& v, int lo, int hi, float w) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  ImGui::InputInt(id, &v, 1, 1);
  v = std::clamp(v, lo, hi);
}

void real_field(const char* label, const char* id, double& v, const char* format, float w) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  ImGui::InputDouble(id, &v, 0.0, 0.0, format);
}

// The fields of `kind`, as the file names them.
void draw_fields(const std::string& kind, LayerForm& form, float w) {
  if (kind == "dense") int_field("neurons", "##size", form.size, 1, 64, w);
  if (kind == "conv2d") {
    int_field("channels", "##channels", form.channels, 1, 64, w);
    ImGui::SameLine();
    int_field("kernel", "##kernel", form.kernel, 1, 7, w);
    int_field("stride", "##stride", form.stride, 1, 7, w);
    ImGui::SameLine();
    int_field("padding", "##padding", form.padding, 0, 7, w);
  }
  if (kind == "max_pool" || kind == "avg_pool") {
    int_field("window", "##kernel", form.kernel, 1, 7, w);
    ImGui::SameLine();
    int_field("stride", "##stride", form.stride, 0, 7, w);
    ImGui::SameLine();
    ImGui::TextDisabled(form.stride == 0 ? "(0: the window)" : "");
  }
  if (kind == "batch_norm") {
    real_field("momentum", "##momentum", form.momentum, "%.3g", w);
    ImGui::SameLine();
    real_field("eps", "##eps", form.eps, "%.3g", w);
    ImGui::Checkbox("backward as its graph", &form.graph_backward);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Step ∂L/∂x through each node of the forward (x − μ, 1/s, σ², μ) instead of the closed form's "
                        "one op: the same numbers, derived.");
  }
  if (kind == "dropout") {
    real_field("p (drop)", "##p", form.p, "%.3g", w);
    ImGui::SameLine();
    int_field("seed", "##seed", form.seed, 0, 1 << 30, w);
  }
  if (has_activation(kind)) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("activation");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(1.6f * w);
    if (ImGui::BeginCombo("##activation", form.activation.c_str())) {
      for (const Activation* a : all_activations())
        if (ImGui::Selectable(std::string(a->name).c_str(), a->name == form.activation)) form.activation = a->name;
      ImGui::EndCombo();
    }
  }
}

// The form as a layer of the file, on top of `base` (a layer's own object,
// so that settings it does not show, and its weights, stay).
json layer_json(const std::string& kind, const LayerForm& form, json base = json::object()) {
  base["type"] = kind;
  if (kind == "dense") {
    base.erase("type");
    base["size"] = form.size;
  }
  if (kind == "conv2d") {
    base["channels"] = form.channels;
    base["kernel"] = form.kernel;
    base["stride"] = form.stride;
    base["padding"] = form.padding;
  }
  if (kind == "max_pool" || kind == "avg_pool") {
    base["kernel"] = form.kernel;
    if (form.stride > 0) base["stride"] = form.stride;
    else base.erase("stride");
  }
  if (kind == "batch_norm") {
    base["momentum"] = form.momentum;
    base["eps"] = form.eps;
    if (form.graph_backward) base["backward"] = "graph";
    else base.erase("backward");
  }
  if (kind == "dropout") {
    base["p"] = form.p;
    base["seed"] = form.seed;
  }
  if (has_activation(kind)) base["activation"] = form.activation;
  return base;
}

// The form filled from layer l's settings.
void load_form(const Scenario& sc, int l, LayerForm& form) {
  const Layer& layer = sc.layers[static_cast<std::size_t>(l - 1)];
  form.size = layer.size();
  form.channels = std::max(1, layer.channels);
  form.kernel = std::max(1, layer.kernel);
  form.stride = layer.stride;
  form.padding = layer.padding;
  form.momentum = layer.momentum;
  form.eps = layer.eps;
  form.graph_backward = layer.graph_backward;
  form.p = layer.dropout_p;
  form.seed = static_cast<int>(layer.dropout_seed & 0x3fffffff);
  form.activation = std::string(layer.activation->name);
}

}  // namespace

void DrawLayerForms(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  const int L = sc.layer_count();
  LayerForm& add = ui.add_layer;
  LayerForm& set = ui.layer_settings;
  const float w = 70.0f * ui.content_scale;

  ImGui::Separator();
  ImGui::TextDisabled("Add a layer of any kind");
  add.after = std::clamp(add.after, 0, std::max(0, L - 1));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("after");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(1.4f * w);
  if (ImGui::BeginCombo("##after", layer_symbol(sc, add.after).c_str())) {
    for (int l = 0; l < L; ++l)
      if (ImGui::Selectable(layer_symbol(sc, l).c_str(), l == add.after)) add.after = l;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(2.0f * w);
  add.kind = std::clamp(add.kind, 0, kKindCount - 1);
  ImGui::Combo("##kind", &add.kind, kKinds, kKindCount);
  ImGui::PushID("add");
  draw_fields(kKinds[add.kind], add, w);
  ImGui::PopID();
  if (ImGui::Button("Add the layer") && L > 0)
    push(commands, edit::InsertLayer{add.after, layer_json(kKinds[add.kind], add).dump()});
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("One edit (Ctrl+Z undoes it). Its weights, and those of the next layer whose input it changes, come "
                      "from the init scheme and seed.");

  ImGui::Separator();
  ImGui::TextDisabled("Settings of a layer");
  if (L == 0) return;
  set.layer = std::clamp(set.layer, 1, L);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("layer");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(3.0f * w);
  const auto name = [&](int l) {
    return layer_symbol(sc, l) + " (" + std::string(layer_kind(sc.layers[static_cast<std::size_t>(l - 1)]).type) + ")";
  };
  const std::uint64_t shown_key = session.revision() * 64 + static_cast<std::uint64_t>(set.layer);
  if (ImGui::BeginCombo("##layer", name(set.layer).c_str())) {
    for (int l = 1; l <= L; ++l)
      if (ImGui::Selectable(name(l).c_str(), l == set.layer)) set.layer = l;
    ImGui::EndCombo();
  }
  // Refilled from the network when another layer is picked or the network changed.
  if (set.loaded != shown_key) {
    load_form(sc, set.layer, set);
    set.loaded = session.revision() * 64 + static_cast<std::uint64_t>(set.layer);
  }
  const std::string kind(layer_kind(sc.layers[static_cast<std::size_t>(set.layer - 1)]).type);
  ImGui::PushID("set");
  draw_fields(kind, set, w);
  ImGui::PopID();
  if (ImGui::Button("Apply")) {
    const json own = scenario_to_json(sc)["layers"][static_cast<std::size_t>(set.layer - 1)];
    push(commands, edit::ReplaceLayer{set.layer, layer_json(kind, set, own).dump()});
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("One edit. The layer keeps its weights while their shape stays; the layers after it that read a "
                      "new shape get new ones.");
}

}  // namespace bpv
