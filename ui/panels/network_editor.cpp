// The Edit panel: every change a student can make to the network, its
// examples and its training set-up. Each control queues one
// command::ApplyEdit when the change is committed (Enter, a click elsewhere,
// the end of a drag: value_input.hpp), so each edit is one undo step; the
// engine recomputes the pass to the current op, and a refused edit's reason
// shows at the top of this panel (and in the toolbar).
//
// [SECTION] index: the selected weight or bias · training set-up · layers ·
// re-initialise · examples. The optimizer and regularization section is its
// own file (optimizer_editor.cpp).
#include <algorithm>
#include <cstdio>
#include <string>

#include "layers/layer_kind.hpp"
#include "layers/activations.hpp"
#include "engine/describe.hpp"
#include "layers/losses.hpp"
#include "panels.hpp"
#include "theme.hpp"
#include "panels/value_input.hpp"

namespace bpv {
namespace {

constexpr int kMaxExampleColumns = 24;  // inputs or targets shown per table; the rest are noted

void push(CommandQueue& commands, Edit e) { commands.push_back(command::ApplyEdit{std::move(e)}); }

// Marks the last item as changed by the last edit (a fading frame around it).
void flash_last_item(const UiState& ui, bool changed) {
  const float s = change_flash_strength(ui);
  if (!changed || s <= 0.0f) return;
  ImGui::GetWindowDrawList()->AddRectFilled(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                                            change_flash_color(s * 0.6f));
}

void publish_rect(UiState& ui, std::string name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ui.edit_rects.emplace_back(std::move(name), ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
}

bool neuron_changed(const ChangeMask& m, int l, int j) {
  return l < static_cast<int>(m.neurons.size()) && j < static_cast<int>(m.neurons[l].size()) && m.neurons[l][j];
}
bool weight_changed(const ChangeMask& m, int l, int i, int j) {
  if (l < 1 || l > static_cast<int>(m.weights.size())) return false;
  const auto& w = m.weights[l - 1];
  return i < w.rows() && j < w.cols() && w(i, j);
}

// ---- [SECTION] the selected weight or bias -------------------------------
void draw_selected(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  const ChangeMask& mask = session.last_change();
  const CanvasItem sel = ui.selected;
  const int L = sc.layer_count();
  const float field_w = 160.0f * ui.content_scale;
  double v = 0.0;
  if (sel.kind == CanvasItem::Kind::Edge && sel.layer >= 1 && sel.layer <= L &&
      sel.i < sc.layers[sel.layer - 1].fan_in() && sel.j < sc.layers[sel.layer - 1].size()) {
    const std::string sym = weight_symbol(sel.layer, sel.i, sel.j);
    ImGui::Text("%s", sym.c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field_w);
    if (EditValue("##selected_w", sc.layers[sel.layer - 1].weights(sel.i, sel.j), &v, ui, true))
      push(commands, edit::SetWeight{sel.layer, sel.i, sel.j, v});
    publish_rect(ui, "selected");
    flash_last_item(ui, weight_changed(mask, sel.layer, sel.i, sel.j));
    ImGui::SameLine();
    ImGui::TextDisabled("from %s to %s", neuron_symbol(sc, sel.layer - 1, sel.i).c_str(),
                        neuron_symbol(sc, sel.layer, sel.j).c_str());
  } else if (sel.kind == CanvasItem::Kind::Neuron && sel.layer >= 1 && sel.layer <= L &&
             sel.j < sc.width(sel.layer)) {
    const std::string sym = std::string("b") + superscript(sel.layer) + subscript(sel.j + 1);
    ImGui::Text("%s", sym.c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field_w);
    if (EditValue("##selected_b", sc.layers[sel.layer - 1].bias(0, sel.j), &v, ui, true))
      push(commands, edit::SetBias{sel.layer, sel.j, v});
    publish_rect(ui, "selected");
    flash_last_item(ui, neuron_changed(mask, sel.layer, sel.j));
    ImGui::SameLine();
    ImGui::TextDisabled("bias of %s", neuron_symbol(sc, sel.layer, sel.j).c_str());
  } else if (sel.kind == CanvasItem::Kind::Neuron && sel.layer == 0 && sel.j < sc.input_size) {
    const int b = std::max(0, ui.example);
    const std::string sym = neuron_symbol(sc, 0, sel.j);
    ImGui::Text("%s of example %d", sym.c_str(), b + 1);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field_w);
    if (EditValue("##selected_x", sc.inputs(b, sel.j), &v, ui, true)) push(commands, edit::SetInput{b, sel.j, v});
    publish_rect(ui, "selected");
  } else {
    ImGui::TextWrapped("Click an edge (a weight) or a neuron (its bias) on the graph to edit it here, "
                       "or double-click a cell of the W tab under Matrices.");
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("Drag to change, double-click to type; the pass is recomputed when you let go.");
  ImGui::PopStyleColor();
}

// ---- [SECTION] training set-up ---------------------------------------------
void draw_training(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  const float w = 140.0f * ui.content_scale;
  double v = 0.0;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("learning rate η");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.7f);
  if (EditValue("##learning_rate", sc.learning_rate, &v, ui)) push(commands, edit::SetLearningRate{v});
  publish_rect(ui, "learning_rate");
  ImGui::SameLine();
  ImGui::TextUnformatted("loss");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-FLT_MIN);
  const std::string current(sc.loss ? sc.loss->name : "");
  if (ImGui::BeginCombo("##loss", current.c_str())) {
    for (const Loss* loss : all_losses()) {
      const std::string name(loss->name);
      if (ImGui::Selectable(name.c_str(), name == current) && name != current) push(commands, edit::SetLoss{name});
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("L = %s", std::string(loss->formula).c_str());
    }
    ImGui::EndCombo();
  }
}

// ---- [SECTION] layers --------------------------------------------------------
void draw_layers(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  const int L = sc.layer_count();
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg |
                                    ImGuiTableFlags_BordersInnerH;
  if (!ImGui::BeginTable("##layers", 4, flags)) return;
  ImGui::TableSetupColumn("layer");
  ImGui::TableSetupColumn("activation");
  ImGui::TableSetupColumn("neurons");
  ImGui::TableSetupColumn("layer");
  ImGui::TableHeadersRow();
  for (int l = 0; l <= L; ++l) {
    ImGui::PushID(l);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    const char* role = l == 0 ? "the input" : l == L ? "the output" : "a hidden layer";
    const Layer* layer = l >= 1 ? &sc.layers[l - 1] : nullptr;
    if (layer && !layer->dense()) {  // its kind and the shape it gives
      const Shape& s = layer->out_shape;
      const std::string type(layer_kind(*layer).type);
      if (s.empty())
        ImGui::Text("%s · %s %d", layer_symbol(sc, l).c_str(), type.c_str(), sc.width(l));
      else
        ImGui::Text("%s · %s %d×%d×%d", layer_symbol(sc, l).c_str(), type.c_str(), s.channels, s.rows, s.cols);
    } else {
      ImGui::Text("%s · %d", layer_symbol(sc, l).c_str(), sc.width(l));
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s, %d neurons", role, sc.width(l));
    ImGui::TableSetColumnIndex(1);
    if (layer && !layer_kind(*layer).activation) {
      ImGui::TextDisabled("—");  // pooling, dropout: no activation of their own
    } else if (l >= 1) {
      ImGui::SetNextItemWidth(110.0f * ui.content_scale);
      const std::string current(sc.layers[l - 1].activation->name);
      if (ImGui::BeginCombo("##act", current.c_str())) {
        for (const Activation* a : all_activations()) {
          const std::string name(a->name);
          if (ImGui::Selectable(name.c_str(), name == current) && name != current)
            push(commands, edit::SetActivation{l, name});
        }
        ImGui::EndCombo();
      }
    } else {
      ImGui::TextDisabled("—");
    }
    ImGui::TableSetColumnIndex(2);
    // A layer whose size follows its input (conv, pooling, batch norm,
    // dropout), or one whose next layer takes its shape from it, keeps its
    // size: the forms below change those.
    const bool next_dense = l < L && sc.layers[static_cast<std::size_t>(l)].dense();
    const bool resizable = next_dense && (layer ? layer->dense() : sc.input_channels == 1);
    if (l < L && !resizable) {
      ImGui::TextDisabled("(its shape)");
      ImGui::TableSetColumnIndex(3);
      if (l >= 1 && layer && !layer->dense() && layer->in_shape == layer->out_shape) {
        if (ImGui::SmallButton("remove")) push(commands, edit::RemoveLayer{l});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Removes %s: the layer after it reads the same input", layer_symbol(sc, l).c_str());
      }
    } else if (l < L) {  // the output's size is the targets' size: not edited here
      const std::string sym = layer_symbol(sc, l);
      if (ImGui::SmallButton(" + ")) push(commands, edit::AddNeuron{l});
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Adds a neuron to %s", sym.c_str());
      ImGui::SameLine();
      // Removes the selected neuron when it is in this layer, else the last one.
      const bool sel_here = ui.selected.kind == CanvasItem::Kind::Neuron && ui.selected.layer == l &&
                            ui.selected.j < sc.width(l);
      const int victim = sel_here ? ui.selected.j : sc.width(l) - 1;
      if (ImGui::SmallButton(" − ")) push(commands, edit::RemoveNeuron{l, victim});
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Removes %s (the selected neuron of %s, else its last)", neuron_symbol(sc, l, victim).c_str(),
                          sym.c_str());
      ImGui::TableSetColumnIndex(3);
      if (ImGui::SmallButton("add after")) {
        const std::string act = l >= 1 ? std::string(sc.layers[l - 1].activation->name) : "relu";
        push(commands, edit::AddLayer{l, std::clamp(sc.width(l), 1, 8), act});
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Inserts a hidden layer between %s and %s",
                                                    layer_symbol(sc, l).c_str(), layer_symbol(sc, l + 1).c_str());
      if (l >= 1) {
        ImGui::SameLine();
        if (ImGui::SmallButton("remove")) push(commands, edit::RemoveLayer{l});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Removes the hidden layer %s", sym.c_str());
      }
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
  ImGui::TextDisabled("New weights come from the init scheme and seed below.");
}

// ---- [SECTION] re-initialise ------------------------------------------------
void draw_reinit(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  if (ui.init_scheme.empty()) ui.init_scheme = sc.init.scheme;
  if (ui.init_seed < 0) ui.init_seed = static_cast<int>(sc.init.seed & 0x7fffffff);
  ImGui::SetNextItemWidth(150.0f * ui.content_scale);
  if (ImGui::BeginCombo("scheme", ui.init_scheme.c_str())) {
    for (const std::string_view s : init_schemes())
      if (ImGui::Selectable(s.data(), ui.init_scheme == s)) ui.init_scheme = s;  // the names are literals: NUL-terminated
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110.0f * ui.content_scale);
  ImGui::InputInt("seed", &ui.init_seed);
  ui.init_seed = std::max(0, ui.init_seed);
  ImGui::SameLine();
  if (ImGui::Button("Re-initialise")) {
    InitSpec init = sc.init;  // keeps the scenario's uniform range and constant
    init.scheme = ui.init_scheme;
    init.seed = static_cast<std::uint64_t>(ui.init_seed);
    push(commands, edit::Reinitialize{init});
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every weight and bias from this scheme and seed (undo brings them back)");
}

// ---- [SECTION] examples -------------------------------------------------------
// One table: a row per example, its inputs x then its targets y.
void draw_examples(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  const int nx = std::min(sc.input_size, kMaxExampleColumns), ny = std::min(sc.output_size(), kMaxExampleColumns);
  if (nx < sc.input_size || ny < sc.output_size())
    ImGui::TextDisabled("Showing the first %d inputs and %d targets.", nx, ny);
  const int chosen = std::clamp(ui.example, 0, std::max(0, sc.batch_size() - 1));
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV |
                                    ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX;
  const float cell_w = 64.0f * ui.content_scale;
  const float row_h = ImGui::GetFrameHeight() + 2.0f * ImGui::GetStyle().CellPadding.y;
  const float h = (std::min(sc.batch_size(), 8) + 1) * row_h + ImGui::GetStyle().ScrollbarSize + 4.0f;
  if (ImGui::BeginTable("##examples", 1 + nx + ny, flags, ImVec2(0.0f, h))) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("#");
    for (int j = 0; j < nx; ++j) ImGui::TableSetupColumn(neuron_symbol(sc, 0, j).c_str(), 0, cell_w);
    for (int j = 0; j < ny; ++j) {
      std::string y = "y";
      y += subscript(j + 1);
      ImGui::TableSetupColumn(y.c_str(), 0, cell_w);
    }
    ImGui::TableHeadersRow();
    for (int b = 0; b < sc.batch_size(); ++b) {
      ImGui::PushID(b);
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      if (ImGui::Selectable(std::to_string(b + 1).c_str(), b == chosen && ui.example >= 0))
        ui.example = b;  // the canvas shows this example, and "add" copies it
      for (int c = 0; c < nx + ny; ++c) {
        ImGui::TableSetColumnIndex(c + 1);
        ImGui::PushID(c);
        ImGui::SetNextItemWidth(cell_w);
        const bool input = c < nx;
        const int j = input ? c : c - nx;
        const double current = input ? sc.inputs(b, j) : sc.targets(b, j);
        double v = 0.0;
        if (EditValue("##v", current, &v, ui)) {
          if (input) push(commands, edit::SetInput{b, j, v});
          else push(commands, edit::SetTarget{b, j, v});
        }
        ImGui::PopID();
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (ImGui::Button((std::string("Add a copy of example ") + std::to_string(chosen + 1)).c_str()))
    push(commands, edit::AddExample{chosen});
  ImGui::SameLine();
  if (ImGui::Button((std::string("Remove example ") + std::to_string(chosen + 1)).c_str()))
    push(commands, edit::RemoveExample{chosen});
}

// While the flash lasts: how far the last edit travelled.
void draw_change_summary(const Session& session, const UiState& ui) {
  const ChangeMask& m = session.last_change();
  const float s = change_flash_strength(ui);
  if (s <= 0.0f) return;
  if (m.empty()) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().warn), "The network changed shape: every value is new.");
    return;
  }
  int neurons = 0, weights = 0;
  for (const auto& layer : m.neurons) neurons += static_cast<int>(std::count(layer.begin(), layer.end(), 1));
  for (const auto& w : m.weights) weights += static_cast<int>(w.count());
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().warn), "That edit changed %d neuron%s, %d weight%s%s.", neurons,
                     neurons == 1 ? "" : "s", weights, weights == 1 ? "" : "s", m.loss ? " and the loss" : "");
}

}  // namespace

void DrawNetworkEditor(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  if (!BeginPanel("Edit the network###Edit", r)) {
    ImGui::End();
    return;
  }
  if (session.training()) ImGui::TextDisabled("Training runs: edits wait until it ends.");
  // A refused edit's reason, here where the user made it (the toolbar shows it too).
  if (!ui.status.empty() && ImGui::GetTime() < ui.status_until) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", ui.status.c_str());
    ImGui::PopTextWrapPos();
  }
  draw_change_summary(session, ui);
  ImGui::BeginDisabled(session.training());
  draw_selected(session, ui, commands);
  ImGui::Separator();
  draw_training(session, ui, commands);
  if (ImGui::CollapsingHeader("Optimizer and regularization", ImGuiTreeNodeFlags_DefaultOpen))
    DrawOptimizerEditor(session, ui, commands);
  if (ImGui::CollapsingHeader("Layers", ImGuiTreeNodeFlags_DefaultOpen)) {
    draw_layers(session, ui, commands);
    DrawLayerForms(session, ui, commands);
  }
  if (ImGui::CollapsingHeader("Re-initialise the weights")) draw_reinit(session, ui, commands);
  if (ImGui::CollapsingHeader("Examples: inputs x and targets y", ImGuiTreeNodeFlags_DefaultOpen))
    draw_examples(session, ui, commands);
  ImGui::EndDisabled();
  ImGui::End();
}

}  // namespace bpv
