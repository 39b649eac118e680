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

const LayerKindDef& kind_at(int index) {
  const auto& kinds = all_layer_kinds();
  return *kinds[static_cast<std::size_t>(std::clamp(index, 0, static_cast<int>(kinds.size()) - 1))];
}

void push(CommandQueue& commands, Edit e) { commands.push_back(command::ApplyEdit{std::move(e)}); }

// A setting's value in the form: what was typed, else a new layer's.
double& value_of(LayerForm& form, const LayerSetting& s) {
  const std::string key(s.key);
  if (!form.values.count(key)) form.values[key] = s.fallback;
  return form.values[key];
}

// One setting of the kind (layer_kind.hpp's LayerSetting), as the form shows it.
void draw_setting(const LayerSetting& s, LayerForm& form, float w) {
  double& v = value_of(form, s);
  const std::string id = "##" + std::string(s.key);
  if (s.type == LayerSetting::Type::Choice) {
    bool on = v != 0.0;
    if (ImGui::Checkbox(std::string(s.label).append(id).c_str(), &on)) v = on ? 1.0 : 0.0;
    if (!s.hint.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", std::string(s.hint).c_str());
    return;
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(std::string(s.label).c_str());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (s.type == LayerSetting::Type::Int) {
    int n = static_cast<int>(std::clamp(v, s.lo, s.hi));
    ImGui::InputInt(id.c_str(), &n, 1, 1);
    v = std::clamp(static_cast<double>(n), s.lo, s.hi);
  } else {
    ImGui::InputDouble(id.c_str(), &v, 0.0, 0.0, "%.3g");
  }
  if (!s.hint.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", v == 0.0 && s.zero_omits ? std::string(s.hint).c_str() : "");
  }
}

// The kind's settings, two to a line, then its activation where it has one.
void draw_fields(const LayerKindDef& kind, LayerForm& form, float w) {
  int on_line = 0;
  for (const LayerSetting& s : kind.settings) {
    const bool choice = s.type == LayerSetting::Type::Choice;
    if (on_line == 1 && !choice) ImGui::SameLine();
    draw_setting(s, form, w);
    on_line = choice || on_line == 1 || !s.hint.empty() ? 0 : 1;
  }
  if (kind.activation) {
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
json layer_json(const LayerKindDef& kind, LayerForm& form, json base = json::object()) {
  base["type"] = std::string(kind.type);
  if (kind.type == "dense") base.erase("type");  // formats.md §1's layer has none
  for (const LayerSetting& s : kind.settings) {
    const std::string key(s.key);
    const double v = value_of(form, s);
    if (s.type == LayerSetting::Type::Choice) base[key] = std::string(v != 0.0 ? s.on : s.off);
    else if (s.zero_omits && v == 0.0) base.erase(key);
    else if (s.type == LayerSetting::Type::Int) base[key] = static_cast<long long>(std::clamp(v, s.lo, s.hi));
    else base[key] = v;
  }
  if (kind.activation) base["activation"] = form.activation;
  return base;
}

// The form filled from layer l's object in the file.
void load_form(const Scenario& sc, int l, LayerForm& form) {
  const Layer& layer = sc.layers[static_cast<std::size_t>(l - 1)];
  const json own = scenario_to_json(sc)["layers"][static_cast<std::size_t>(l - 1)];
  for (const LayerSetting& s : layer_kind(layer).settings) {
    const json* v = own.contains(s.key) ? &own[std::string(s.key)] : nullptr;
    double& value = form.values[std::string(s.key)];
    if (s.type == LayerSetting::Type::Choice) value = v && v->is_string() && v->get<std::string>() == s.on ? 1.0 : 0.0;
    else if (v && v->is_number()) value = s.type == LayerSetting::Type::Int ? std::clamp(v->get<double>(), s.lo, s.hi) : v->get<double>();
    else value = s.zero_omits ? 0.0 : s.fallback;
  }
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
  const LayerKindDef& new_kind = kind_at(add.kind);
  if (ImGui::BeginCombo("##kind", std::string(new_kind.type).c_str())) {
    for (std::size_t k = 0; k < all_layer_kinds().size(); ++k)
      if (ImGui::Selectable(std::string(all_layer_kinds()[k]->type).c_str(), static_cast<int>(k) == add.kind))
        add.kind = static_cast<int>(k);
    ImGui::EndCombo();
  }
  ImGui::PushID("add");
  draw_fields(new_kind, add, w);
  ImGui::PopID();
  if (ImGui::Button("Add the layer") && L > 0)
    push(commands, edit::InsertLayer{add.after, layer_json(new_kind, add).dump()});
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
  const LayerKindDef& kind = layer_kind(sc.layers[static_cast<std::size_t>(set.layer - 1)]);
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
