// The matrix inspector: one layer's W, ∂L/∂W and the update −η·∂L/∂W as
// tables, each with the bias as its last row. Rows are the neurons of the
// layer before (i), columns the neurons of this layer (j), as in Wˡᵢⱼ. What
// the current op reads or writes is tinted in the canvas's read / write
// colours, so the table and the graph point at the same numbers. In the W tab
// a double-click on a cell turns it into a number field: Enter (or a click
// elsewhere) queues the edit, Escape cancels. Values the last edit changed
// flash (value_input.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "layers/layer_kind.hpp"
#include "engine/describe.hpp"
#include "optimizers/optimizer.hpp"
#include "panels.hpp"
#include "theme.hpp"
#include "panels/value_input.hpp"

namespace bpv {
namespace {

constexpr int kMaxValueColumns = 63;  // ImGui 1.86 tables: 64 columns, one is the row header

enum Tab { kWeights, kGradient, kUpdate, kTabCount };

// The tab that shows what the last op works on: W going forward (and at the
// loss), ∂L/∂W going backward, the update while updating.
int tab_for(const Op* op) {
  if (!op) return kWeights;
  if (op->phase == Phase::Backward) return kGradient;
  if (op->phase == Phase::Update) return kUpdate;
  return kWeights;
}

ImU32 with_alpha(ImU32 c, int alpha) {
  return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT);
}

// Black or white, whichever reads better on an opaque background.
ImU32 text_on(ImU32 bg) { return readable_on(bg); }

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "∞" : "-∞";  // the same minus as every other number
  char buf[64];
  // A diverged net has huge weights: keep those cells narrow.
  if (std::abs(v) >= 1e6) std::snprintf(buf, sizeof buf, "%.*e", std::min(decimals, 3), v);
  else std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Where layer l's op of this kind sits in the op list, if it has one.
std::optional<std::size_t> op_index(const Stepper& st, OpKind kind, int l) {
  for (std::size_t k = 0; k < st.op_count(); ++k)
    if (st.ops()[k].kind == kind && st.ops()[k].layer == l) return k;
  return std::nullopt;
}

// The last op's colour for a buffer: it writes it, reads it, or neither (0).
ImU32 touch_color(const Op* op, BufferRef ref) {
  if (!op) return 0;
  if (op->writes == ref) return palette().writes;
  for (int r = 0; r < op->read_count; ++r)
    if (op->reads[r] == ref) return palette().reads;
  return 0;
}

// What the inspector knows about the chosen layer this frame. References
// into the session: nothing is copied.
struct LayerView {
  const Scenario& sc;          // live weights (the update ops write them)
  const LayerState& grads;
  int l, rows, cols;
  bool grad_w, grad_b;         // ∂L/∂W, ∂L/∂b computed at the cursor
  std::optional<std::size_t> update_w, update_b;  // their update ops, once applied
  const Stepper& st;
  int decimals;
  // The parameters' symbols as the layer's equations write them: W and b,
  // or batch norm's γ and β.
  std::string w, b;
};

// One cell: its text, and the tooltip written out in full. i == rows is the bias row.
struct CellText {
  std::string value, tip;
};

CellText cell(const LayerView& v, int tab, int i, int j) {
  const bool bias = i == v.rows;
  const Layer& layer = v.sc.layers[v.l - 1];
  const double w = bias ? layer.bias(0, j) : layer.weights(i, j);
  const double g = bias ? v.grads.grad_bias(0, j) : v.grads.grad_weights(i, j);
  const bool computed = bias ? v.grad_b : v.grad_w;
  const std::optional<std::size_t> applied = bias ? v.update_b : v.update_w;
  const std::string sym = bias              ? v.b + superscript(v.l) + subscript(j + 1)
                          : v.w == "W" ? weight_symbol(v.l, i, j)
                                       : v.w + superscript(v.l) + subscript(j + 1);  // γ: one per feature
  const double eta = v.sc.learning_rate;
  const bool plain = is_plain_sgd(v.sc.optimizer);
  const int d = v.decimals;
  switch (tab) {
    case kWeights:
      return {fixed(w, d), sym + " = " + format_number(w, 8) +
                               (applied ? "  (updated at op " + std::to_string(*applied + 1) + ")" : "")};
    case kGradient:
      if (!computed) return {"·", "∂L/∂" + sym + ": not computed yet at this op"};
      return {fixed(g, d), "∂L/∂" + sym + " = " + format_number(g, 8)};
    default:
      if (applied) {  // old → new: the op's snapshot holds the old matrix
        const Eigen::MatrixXd& before = v.st.value_before(*applied);
        const double old = bias ? before(0, j) : before(i, j);
        // More decimals where the step is smaller than the last one shown,
        // so that an update never reads "0.3000 → 0.3000".
        int dd = d;
        while (dd < 10 && old != w && fixed(old, dd) == fixed(w, dd)) ++dd;
        if (!plain)  // the optimizer's own ops and equations say how; here, how far it moved
          return {fixed(old, dd) + " → " + fixed(w, dd), sym + ": " + format_number(old) + " → " + format_number(w) +
                                                             " (" + v.sc.optimizer.name + ")"};
        return {fixed(old, dd) + " → " + fixed(w, dd),
                sym + " ← " + sym + " − η·∂L/∂" + sym + " = " + format_number(old) + " − " +
                    format_number(eta) + " × " + format_number(g) + " = " + format_number(w)};
      }
      if (!computed) return {"·", "−η·∂L/∂" + sym + ": ∂L/∂" + sym + " is not computed yet"};
      if (!plain) return {"·", sym + ": its step is known once the optimizer's op for it runs"};
      if (v.update_w)  // the weights are updated, this bias not yet: its new value is still to come
        return {fixed(w, d) + " → ·", sym + " ← " + sym + " − η·∂L/∂" + sym + ": the next op applies it"};
      return {fixed(-eta * g, d), "−η·∂L/∂" + sym + " = −" + format_number(eta) + " × " +
                                      format_number(g) + " = " + format_number(-eta * g)};
  }
}

// How strongly the canvas's hovered item points at cell (i, j): 2 for the
// hovered edge itself, 1 for the row or column of a hovered neuron.
int hover_level(const CanvasItem& h, const LayerView& v, int i, int j) {
  if (h.kind == CanvasItem::Kind::Edge) return h.layer == v.l && h.i == i && h.j == j ? 2 : 0;
  if (h.kind != CanvasItem::Kind::Neuron) return 0;
  if (h.layer == v.l && h.j == j) return 1;                   // its column, bias included
  if (h.layer == v.l - 1 && h.j == i && i < v.rows) return 1;  // its row of outgoing weights
  return 0;
}

void right_aligned(const std::string& text, ImU32 color) {
  const float w = ImGui::CalcTextSize(text.c_str()).x;
  const float avail = ImGui::GetContentRegionAvail().x;
  if (avail > w) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + avail - w);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopStyleColor();
}

// The line above a table: its symbol and shape, and what the current op does with it.
void caption(const LayerView& v, int tab, ImU32 touch, const std::string& touch_note) {
  const std::string L = superscript(v.l);
  const std::string shape = " (" + std::to_string(v.rows) + "×" + std::to_string(v.cols) + ")";
  const Palette& pal = palette();
  std::string note;
  ImU32 note_color = pal.text_dim;
  const char* w = v.w.c_str();
  const char* b = v.b.c_str();
  if (tab == kWeights) {
    ImGui::Text("%s%s%s, last row %s%s", w, L.c_str(), shape.c_str(), b, L.c_str());
  } else if (tab == kGradient) {
    ImGui::Text("∂L/∂%s%s%s, last row ∂L/∂%s%s", w, L.c_str(), shape.c_str(), b, L.c_str());
    if (!v.grad_w) {
      const auto k = op_index(v.st, OpKind::GradWeights, v.l);
      note = "· = not computed yet" + (k ? " (op " + std::to_string(*k + 1) + ")" : std::string());
    }
  } else if (v.update_w && !is_plain_sgd(v.sc.optimizer)) {
    ImGui::Text("%s%s, %s: old → new", w, L.c_str(), v.sc.optimizer.name.c_str());
  } else if (v.update_w) {
    ImGui::Text("%s%s ← %s%s − η·∂L/∂%s%s: old → new", w, L.c_str(), w, L.c_str(), w, L.c_str());
  } else if (!is_plain_sgd(v.sc.optimizer)) {
    ImGui::Text("Δ%s%s: %s's step, known once its op runs", w, L.c_str(), v.sc.optimizer.name.c_str());
  } else {
    ImGui::Text("−η·∂L/∂%s%s, η = %s", w, L.c_str(), format_number(v.sc.learning_rate).c_str());
    if (!v.grad_w) note = "· = ∂L/∂" + v.w + " not computed yet";
  }
  if (touch) {
    note = std::string(touch == pal.writes ? "written" : "read") + " by this op";
    if (!touch_note.empty()) note = touch_note + " " + note;
    note_color = touch;
  }
  if (!note.empty()) {
    // Beside the title when it fits, else on a line of its own.
    ImGui::SameLine();
    if (ImGui::CalcTextSize(note.c_str()).x > ImGui::GetContentRegionAvail().x) ImGui::NewLine();
    ImGui::PushStyleColor(ImGuiCol_Text, note_color);
    ImGui::TextWrapped("%s", note.c_str());
    ImGui::PopStyleColor();
  }
  if (v.cols > kMaxValueColumns)
    ImGui::TextDisabled("Showing the first %d of %d columns.", kMaxValueColumns, v.cols);
}

// Whether the last edit changed cell (i, j) of the chosen layer (i == rows: the bias row).
bool cell_changed(const ChangeMask& m, const LayerView& v, int tab, int i, int j) {
  if (m.empty()) return false;
  if (i == v.rows) {  // the neuron's flag: on the W tab only its own edit changes b, so no flash there
    if (tab == kWeights) return false;
    return v.l < static_cast<int>(m.neurons.size()) && j < static_cast<int>(m.neurons[v.l].size()) &&
           m.neurons[v.l][j];
  }
  if (v.l > static_cast<int>(m.weights.size())) return false;
  const auto& w = m.weights[v.l - 1];
  return i < w.rows() && j < w.cols() && w(i, j);
}

// "W2.0.1" for W²₁₂, "b2.1" for b²₂: the names the GUI tests find cells by.
std::string cell_name(bool bias, int l, int i, int j) {
  std::string name(bias ? "b" : "W");
  name += std::to_string(l);
  if (!bias) {
    name += '.';
    name += std::to_string(i);
  }
  name += '.';
  name += std::to_string(j);
  return name;
}

// The W-tab cell being typed into: a number field; its edit is queued when it is let go.
void edit_cell(const LayerView& v, int i, int j, UiState& ui, CommandQueue& commands) {
  const bool bias = i == v.rows;
  const Layer& layer = v.sc.layers[v.l - 1];
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ui.matrix_edit_focus) {
    ImGui::SetKeyboardFocusHere();
    ui.matrix_edit_focus = false;
  }
  double value = 0.0;
  if (EditValue("##cell", bias ? layer.bias(0, j) : layer.weights(i, j), &value, ui)) {
    if (bias) commands.push_back(command::ApplyEdit{edit::SetBias{v.l, j, value}});
    else commands.push_back(command::ApplyEdit{edit::SetWeight{v.l, i, j, value}});
  }
  if (ImGui::IsItemDeactivated()) ui.matrix_edit = {};
}

// One tab per tensor the optimizer keeps for this layer (velocity, m, v, …):
// the W rows, then b as the last row, read-only. The op that writes it tints
// the caption.
void draw_state_tabs(const Scenario& sc, int l, const Op* op, int decimals) {
  if (sc.optimizer_state.layers.size() < static_cast<std::size_t>(l)) return;
  const LayerOptimizerState& os = sc.optimizer_state.layers[static_cast<std::size_t>(l - 1)];
  constexpr int kMaxStateRows = 64;
  for (int s = 0; s < kStateSlotCount; ++s) {
    const StateSlot slot = static_cast<StateSlot>(s);
    const Eigen::MatrixXd& w = os.weights.tensors[static_cast<std::size_t>(s)];
    const Eigen::MatrixXd& b = os.bias.tensors[static_cast<std::size_t>(s)];
    if (w.size() == 0 && b.size() == 0 && !(slot == StateSlot::Velocity && sc.optimizer.name == "sgd" &&
                                            kept_state(sc.optimizer)[static_cast<std::size_t>(s)]))
      continue;
    const std::string name(state_slot_name(slot));
    // Named, not by symbol: SGD's velocity is "b", which reads as the bias.
    const std::string label = name + superscript(l) + "###S" + std::to_string(s);
    if (!ImGui::BeginTabItem(label.c_str())) continue;
    const bool written = op && (op->writes == BufferRef{Buffer::WeightState, l, slot} ||
                                op->writes == BufferRef{Buffer::BiasState, l, slot});
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(written ? palette().writes : palette().text_dim),
                       "%s of W%s and b%s (last row)%s", name.c_str(), superscript(l).c_str(), superscript(l).c_str(),
                       written ? ": written by this op" : "");
    if (w.size() == 0) {
      ImGui::TextUnformatted("none yet: the first step sets it to the gradient");
    } else {
      const int cols = std::min(static_cast<int>(w.cols()), kMaxValueColumns);
      const int rows = std::min(static_cast<int>(w.rows()), kMaxStateRows);
      if (ImGui::BeginTable("##state", cols, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
        for (int i = 0; i <= rows; ++i) {
          ImGui::TableNextRow();
          for (int j = 0; j < cols; ++j) {
            ImGui::TableNextColumn();
            const double value = i == rows ? (b.size() ? b(0, j) : 0.0) : w(i, j);
            ImGui::TextUnformatted(fixed(value, decimals).c_str());
          }
        }
        ImGui::EndTable();
      }
    }
    ImGui::EndTabItem();
  }
}

void draw_table(const LayerView& v, int tab, UiState& ui, CommandQueue& commands, const ChangeMask& mask) {
  const int l = v.l;
  const Op* op = v.st.last_op();
  // The update tab shows what UpdateWeights / UpdateBias compute: tinted only by them.
  const BufferRef w_ref{tab == kGradient ? Buffer::GradWeights : Buffer::Weights, l};
  const BufferRef b_ref{tab == kGradient ? Buffer::GradBias : Buffer::Bias, l};
  ImU32 w_touch = touch_color(op, w_ref), b_touch = touch_color(op, b_ref);
  if (tab == kUpdate) {
    if (w_touch != palette().writes) w_touch = 0;
    if (b_touch != palette().writes) b_touch = 0;
  }
  const std::string L = superscript(l);
  const std::string bias_label = (tab == kGradient ? "∂L/∂" + v.b : v.b) + L;
  caption(v, tab, w_touch ? w_touch : b_touch, w_touch ? "" : "row " + bias_label);

  const int shown_cols = std::min(v.cols, kMaxValueColumns);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float row_h = ImGui::GetTextLineHeight() + 2.0f * style.CellPadding.y;
  const float want_h = (v.rows + 2) * row_h + style.ScrollbarSize + 2.0f;
  // Every row, even where the panel is short: the panel scrolls then. (A
  // table squeezed below its rows loses its last one under the horizontal
  // scrollbar, with no vertical one to reach it.)
  const float height = want_h;
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                    ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV |
                                    ImGuiTableFlags_BordersOuter | ImGuiTableFlags_RowBg;
  if (!ImGui::BeginTable("##matrix", shown_cols + 1, flags, ImVec2(0.0f, height))) return;
  // The update tab's corner stays empty: its label names it, and old → new cells need the width.
  const std::string corner = tab == kWeights ? v.w + L : tab == kGradient ? "∂L/∂" + v.w + L : "";
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn(corner.c_str());
  for (int j = 0; j < shown_cols; ++j) ImGui::TableSetupColumn(neuron_symbol(v.sc, l, j).c_str());
  ImGui::TableHeadersRow();

  const ImU32 header_bg = ImGui::GetColorU32(ImGuiCol_TableHeaderBg);
  const ImU32 text = palette().text;
  const float flash = change_flash_strength(ui);
  ImGuiListClipper clipper;
  clipper.Begin(v.rows + 1, row_h);  // + the bias row
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const bool bias = i == v.rows;
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, header_bg);
      // W's rows are the neurons before; batch norm's one row of γ is γ itself.
      const std::string row_label = bias ? bias_label : v.w == "W" ? neuron_symbol(v.sc, l - 1, i) : v.w + L;
      ImGui::TextUnformatted(row_label.c_str());
      const ImU32 touch = bias ? b_touch : w_touch;
      for (int j = 0; j < shown_cols; ++j) {
        if (!ImGui::TableSetColumnIndex(j + 1)) continue;  // scrolled out of view: skip the formatting
        // The hovered item stands out over the op's tint; untouched matrices
        // use ImGui's own selection colours for it.
        const int level = hover_level(ui.hover, v, i, j);
        ImU32 bg = 0, fg = text;
        if (level == 2) {
          bg = touch ? touch : ImGui::GetColorU32(ImGuiCol_HeaderActive, 1.0f) | IM_COL32_A_MASK;
          fg = text_on(bg);
        } else if (level == 1) {
          bg = touch ? with_alpha(touch, 120) : ImGui::GetColorU32(ImGuiCol_Header);
        } else if (touch) {
          bg = with_alpha(touch, 60);
        }
        if (flash > 0.0f && level == 0 && cell_changed(mask, v, tab, i, j)) bg = change_flash_color(flash);
        if (bg) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, bg);
        // The cell as (W, l, i, j) or (b, l, j): what the W tab edits, and the rect the GUI tests click.
        const CanvasItem item = bias ? CanvasItem{CanvasItem::Kind::Neuron, l, 0, j}
                                     : CanvasItem{CanvasItem::Kind::Edge, l, i, j};
        const ImVec2 cell_pos = ImGui::GetCursorScreenPos();
        const ImVec2 cell_size(ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight());
        if (tab == kWeights && i < 4 && j < 4)
          ui.edit_rects.emplace_back(cell_name(bias, l, i, j), ImVec4(cell_pos.x, cell_pos.y, cell_size.x, cell_size.y));
        if (tab == kWeights && ui.matrix_edit == item) {
          edit_cell(v, i, j, ui, commands);
          continue;
        }
        CellText c = cell(v, tab, i, j);
        if (const QuantityRef* q = asked_quantity(ui.lesson); q && q->layer == l && q->col == j) {
          // A lesson question asks for this cell's value (or one computed from it): not yet.
          const bool w_cell = !bias && q->row == i && q->buffer == (tab == kWeights ? Buffer::Weights : Buffer::GradWeights);
          const bool b_cell = bias && q->buffer == (tab == kWeights ? Buffer::Bias : Buffer::GradBias);
          if (w_cell || b_cell) c = {"?", "a lesson question asks for this value: answer it first"};
        }
        right_aligned(c.value, fg);
        const bool hovered = ImGui::IsWindowHovered() &&
                             ImGui::IsMouseHoveringRect(cell_pos, ImVec2(cell_pos.x + cell_size.x, cell_pos.y + cell_size.y));
        if (hovered) {
          const bool editable = tab == kWeights && !lesson_hides(ui.lesson, "edit");
          ImGui::SetTooltip("%s%s", c.tip.c_str(), editable ? "\n(double-click to edit)" : "");
          if (tab != kUpdate && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
            const Buffer b = bias ? (tab == kWeights ? Buffer::Bias : Buffer::GradBias)
                                  : (tab == kWeights ? Buffer::Weights : Buffer::GradWeights);
            ui.clicked_cell = QuantityRef{b, l, bias ? 0 : i, j};
            ui.clicked = CanvasItem{};
            ++ui.clicks;
          }
          if (editable && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
            ui.matrix_edit = item;
            ui.matrix_edit_focus = true;
          }
        }
      }
    }
  }
  ImGui::EndTable();
}

// The layer picker and the decimals, on one line.
void draw_controls(const Scenario& sc, int followed, UiState& ui) {
  const float s = ui.content_scale;
  const float decimals_w = 100.0f * s;
  const float label_w = ImGui::CalcTextSize("decimals").x + ImGui::GetStyle().ItemSpacing.x * 2.0f;
  ImGui::SetNextItemWidth(std::max(120.0f * s, ImGui::GetContentRegionAvail().x - decimals_w - label_w));
  auto name = [&](int l) { return "layer " + std::to_string(l) + " (" + layer_symbol(sc, l) + ")"; };
  // The longest wording the box shows whole.
  const float shown_w = ImGui::CalcItemWidth() - ImGui::GetFrameHeight() - 2.0f * ImGui::GetStyle().FramePadding.x;
  std::string preview = name(ui.inspector_layer == 0 ? followed : ui.inspector_layer);
  if (ui.inspector_layer == 0)
    for (const char* lead : {"follow the op: ", "follow op: ", "op: "})
      if (ImGui::CalcTextSize((lead + preview).c_str()).x <= shown_w || std::string_view(lead) == "op: ") {
        preview = lead + preview;
        break;
      }
  if (ImGui::BeginCombo("##layer", preview.c_str())) {
    if (ImGui::Selectable("follow the current op", ui.inspector_layer == 0)) ui.inspector_layer = 0;
    for (int l = 1; l <= sc.layer_count(); ++l)
      if (ImGui::Selectable(name(l).c_str(), ui.inspector_layer == l)) ui.inspector_layer = l;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("decimals");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(decimals_w);
  ImGui::InputInt("##decimals", &ui.decimals, 1, 1);
  ui.decimals = std::clamp(ui.decimals, 1, 8);
}

}  // namespace

void DrawMatrixInspector(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  const Stepper& st = session.stepper();
  const Scenario& sc = st.state().scenario;
  const int L = sc.layer_count();
  if (ui.inspector_layer < 0 || ui.inspector_layer > L) ui.inspector_layer = 0;  // a smaller net was loaded
  const Op* op = st.last_op();
  const int followed = op ? op->layer : 1;
  const int l = ui.inspector_layer == 0 ? followed : ui.inspector_layer;

  // The title in full where the panel is wide enough, else its start.
  std::string title = "Matrices";
  if (L > 0) {
    const std::string layer = "layer " + std::to_string(l) + " (" + layer_symbol(sc, l) + ")";
    const std::string full = "Matrices of " + layer + ": weights, gradients, update";
    const float room = r.size.x - 2.0f * ImGui::GetStyle().FramePadding.x - 4.0f;
    title = ImGui::CalcTextSize(full.c_str()).x <= room ? full : "Matrices of " + layer;
  }
  title += "###Matrices";
  if (!BeginPanel(title.c_str(), r) || L == 0) {
    ImGui::End();
    return;
  }
  draw_controls(sc, followed, ui);
  if (sc.layers[l - 1].weights.size() == 0) {  // pooling, dropout
    ImGui::TextWrapped("Layer %d (%s) has no parameters: it has no weights to show, learn or update.", l,
                       std::string(layer_kind(sc.layers[l - 1]).type).c_str());
    ImGui::End();
    return;
  }

  auto applied = [&](OpKind kind) -> std::optional<std::size_t> {
    const auto k = op_index(st, kind, l);
    return k && *k < st.cursor() ? k : std::nullopt;
  };
  const LayerView v{sc,
                    st.state().layers[l - 1],
                    l,
                    sc.layers[l - 1].fan_in(),
                    static_cast<int>(sc.layers[l - 1].weights.cols()),  // a conv layer's C′, not its C′·H·W units
                    st.is_computed({Buffer::GradWeights, l}),
                    st.is_computed({Buffer::GradBias, l}),
                    applied(OpKind::UpdateWeights),
                    applied(OpKind::UpdateBias),
                    st,
                    ui.decimals,
                    std::string(layer_kind(sc.layers[l - 1]).weight_symbol),
                    std::string(layer_kind(sc.layers[l - 1]).bias_symbol)};

  // Follow the phase: switch to its tab when the phase changes, and leave the
  // user's own pick alone while it stays the same.
  const int auto_tab = tab_for(op);
  const bool switch_tab = auto_tab != ui.inspector_auto_tab;
  ui.inspector_auto_tab = auto_tab;
  const std::string Lsup = superscript(l);
  const std::string labels[kTabCount] = {v.w + Lsup + "###W", "∂L/∂" + v.w + Lsup + "###G",
                                         "update Δ" + v.w + Lsup + "###U"};
  if (ImGui::BeginTabBar("##views")) {
    for (int t = 0; t < kTabCount; ++t) {
      const ImGuiTabItemFlags flags = switch_tab && t == auto_tab ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(labels[t].c_str(), nullptr, flags)) {
        draw_table(v, t, ui, commands, session.last_change());
        ImGui::EndTabItem();
      }
    }
    draw_state_tabs(sc, l, op, ui.decimals);
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace bpv
