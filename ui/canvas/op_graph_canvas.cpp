// View ▸ Computational graph: the network's step as its op graph, left to
// right in step order. Tensors are rounded boxes with their symbol and shape,
// ops small boxes named by kind, wires from what an op reads to it and from
// it to what it writes; the op just applied is ringed with its reads (blue)
// and writes (orange), as on the neuron canvas. Hover a tensor for its matrix,
// an op for its equation. Built from the ops' declared reads and writes
// (core/engine/op_graph.hpp): no op kind is drawn by hand.
#include <algorithm>
#include <cmath>

#include "engine/describe.hpp"
#include "expression/expression_layout.hpp"
#include "engine/op_graph.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// The graph and its layout, rebuilt when the step's start changes (an edit,
// the next step), never per frame.
struct OpGraphCache {
  std::uint64_t start_id = 0;
  OpGraph graph;
  ExprLayout layout;
};

std::string matrix_text(const Eigen::MatrixXd& m) {
  std::string s;
  const int rows = static_cast<int>(std::min<Eigen::Index>(m.rows(), 6));
  const int cols = static_cast<int>(std::min<Eigen::Index>(m.cols(), 6));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      std::string v = format_number(m(r, c));
      s += std::string(v.size() < 9 ? 9 - v.size() : 1, ' ') + v;
    }
    if (cols < m.cols()) s += "  …";
    s += "\n";
  }
  if (rows < m.rows()) s += "  … " + std::to_string(m.rows() - rows) + " more rows\n";
  return s;
}

}  // namespace

void DrawOpGraphCanvas(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  const Palette& pal = palette();
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const bool open = BeginPanel("Network", r, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  const Stepper& st = session.stepper();
  if (!open) {
    ImGui::End();
    return;
  }
  OpGraphCache& cache = ui.caches.get<OpGraphCache>();
  if (cache.start_id != st.start_id() || cache.graph.op_node.size() != st.op_count()) {
    cache.graph = build_op_graph(st.state(), st.ops());
    std::vector<std::vector<int>> inputs(cache.graph.nodes.size());
    std::vector<char> beside(cache.graph.nodes.size(), 0);
    for (std::size_t n = 0; n < cache.graph.nodes.size(); ++n) {
      inputs[n] = cache.graph.nodes[n].inputs;
      // A tensor the step starts with (W, b, y, η) sits beside the op that first reads it.
      const OpGraphNode& node = cache.graph.nodes[n];
      beside[n] = !node.is_op && node.inputs.empty() && node.tensor.buffer != Buffer::Input;
    }
    cache.layout = layered_layout(inputs, beside);
    cache.start_id = st.start_id();
  }
  const OpGraph& g = cache.graph;
  const ExprLayout& l = cache.layout;
  const float sc = ui.content_scale;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size = ImGui::GetContentRegionAvail();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(pos, {pos.x + size.x, pos.y + size.y}, true);
  dl->AddRectFilled(pos, {pos.x + size.x, pos.y + size.y}, pal.canvas_bg);
  ImFont* font = ui.presenter ? fonts().regular : fonts().small;
  const float fs = font->FontSize;
  // Spacing: fitted, but wide enough for "∂L/∂W¹" and its shape; wider graphs scroll (drag, wheel).
  const float cols = static_cast<float>(std::max(1, l.columns)), rows = std::max(1.0f, l.rows);
  const float col_w = std::max((size.x - 20 * sc) / cols, fs * 5.5f) * ui.op_graph_zoom;
  const float row_h = std::max((size.y - 20 * sc) / rows, fs * 2.9f) * ui.op_graph_zoom;
  // Follow the current op while the graph is wider than the panel.
  const std::size_t cursor = st.cursor();
  const int current = cursor > 0 ? g.op_node[cursor - 1] : -1;
  float pan_x = ui.op_graph_pan.x;
  if (ui.op_graph_follow) {
    pan_x = 0.0f;
    if (cols * col_w > size.x && current >= 0)
      pan_x = std::clamp(size.x * 0.5f - (l.column[current] + 0.5f) * col_w, size.x - cols * col_w, 0.0f);
    else if (cols * col_w <= size.x)
      pan_x = (size.x - cols * col_w) * 0.5f;
  }
  const ImVec2 origin{pos.x + pan_x, pos.y + std::max(0.0f, (size.y - rows * row_h) * 0.5f) + ui.op_graph_pan.y};
  const auto at = [&](int n) {
    return ImVec2{origin.x + (l.column[n] + 0.5f) * col_w, origin.y + (l.row[n] + 0.5f) * row_h};
  };
  const auto box_half = [&](int n) {
    const OpGraphNode& node = g.nodes[n];
    const float w = font->CalcTextSizeA(fs, 1e9f, 0.0f, node.label.c_str()).x;
    const float w2 = node.is_op ? 0.0f : font->CalcTextSizeA(fs, 1e9f, 0.0f, node.shape.c_str()).x;
    return ImVec2{std::min(std::max(w, w2) * 0.5f + 5 * sc, col_w * 0.46f), node.is_op ? fs * 0.75f : fs * 1.25f};
  };
  // Which tensors the op just applied read and wrote.
  std::vector<char> mark(g.nodes.size(), 0);  // 1 read, 2 written
  if (current >= 0) {
    for (int in : g.nodes[current].inputs) mark[in] = 1;
    for (std::size_t n = 0; n < g.nodes.size(); ++n)
      if (!g.nodes[n].inputs.empty() && !g.nodes[n].is_op && g.nodes[n].inputs[0] == current) mark[n] = 2;
  }
  // Wires.
  for (std::size_t n = 0; n < g.nodes.size(); ++n)
    for (int in : g.nodes[n].inputs) {
      const ImVec2 a = at(in), b = at(static_cast<int>(n));
      if ((a.x < pos.x && b.x < pos.x) || (a.x > pos.x + size.x && b.x > pos.x + size.x)) continue;
      const ImVec2 a2{a.x + box_half(in).x, a.y}, b2{b.x - box_half(static_cast<int>(n)).x, b.y};
      const float dx = std::max(8.0f, (b2.x - a2.x) * 0.5f);
      const bool hot = static_cast<int>(n) == current || in == current;
      dl->AddBezierCubic(a2, {a2.x + dx, a2.y}, {b2.x - dx, b2.y}, b2, hot ? pal.text : pal.neuron_outline, (hot ? 2.0f : 1.0f) * sc);
    }
  // Nodes.
  int hovered = -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t ni = 0; ni < g.nodes.size(); ++ni) {
    const int n = static_cast<int>(ni);
    const OpGraphNode& node = g.nodes[n];
    const ImVec2 c = at(n), h = box_half(n);
    if (c.x + h.x < pos.x || c.x - h.x > pos.x + size.x) continue;
    const ImVec2 a{c.x - h.x, c.y - h.y}, b{c.x + h.x, c.y + h.y};
    const bool done = node.is_op ? node.op_index < cursor : (node.inputs.empty() || g.nodes[node.inputs[0]].op_index < cursor);
    const ImU32 phase = node.is_op ? pal.phase[static_cast<int>(st.ops()[node.op_index].phase)] : pal.neuron_outline;
    ImU32 outline = mark[n] == 1 ? pal.reads : mark[n] == 2 ? pal.writes : phase;
    if (n == current) outline = pal.writes;
    const float thick = (mark[n] || n == current ? 2.5f : 1.0f) * sc;
    if (node.is_op) {
      dl->AddRectFilled(a, b, done ? phase : pal.canvas_bg, 3 * sc);
      dl->AddRect(a, b, outline, 3 * sc, 0, thick);
      const ImU32 text = done ? readable_on(phase) : pal.text_dim;
      const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0.0f, node.label.c_str());
      dl->PushClipRect(a, b, true);
      dl->AddText(font, fs, {c.x - ts.x * 0.5f, c.y - ts.y * 0.5f}, text, node.label.c_str());
      dl->PopClipRect();
    } else {
      dl->AddRect(a, b, outline, 6 * sc, 0, thick);
      const ImVec2 t1 = font->CalcTextSizeA(fs, 1e9f, 0.0f, node.label.c_str());
      const ImVec2 t2 = font->CalcTextSizeA(fs, 1e9f, 0.0f, node.shape.c_str());
      dl->PushClipRect(a, b, true);
      dl->AddText(font, fs, {c.x - t1.x * 0.5f, c.y - fs}, done ? pal.text : pal.text_dim, node.label.c_str());
      dl->AddText(font, fs, {c.x - t2.x * 0.5f, c.y}, pal.text_dim, node.shape.c_str());
      dl->PopClipRect();
    }
    if (mouse.x >= a.x && mouse.x <= b.x && mouse.y >= a.y && mouse.y <= b.y) hovered = n;
  }
  // Legend, on a plate of the canvas colour: what the rings and the fills mean.
  {
    const char* lines[] = {"ring: read by this op", "ring: written by this op", "op fill: its phase, as on the timeline"};
    const ImU32 colours[] = {pal.reads, pal.writes, pal.text_dim};
    ImFont* lf = fonts().small;
    const float lh = lf->FontSize * 1.2f;
    float w = 0.0f;
    for (const char* t : lines) w = std::max(w, lf->CalcTextSizeA(lf->FontSize, 1e9f, 0.0f, t).x);
    const ImVec2 lp{pos.x + 8 * sc, pos.y + size.y - 3 * lh - 8 * sc};
    dl->AddRectFilled({lp.x - 4 * sc, lp.y - 4 * sc}, {lp.x + w + 4 * sc, lp.y + 3 * lh + 2 * sc}, pal.canvas_bg);
    for (int k = 0; k < 3; ++k) dl->AddText(lf, lf->FontSize, {lp.x, lp.y + k * lh}, colours[k], lines[k]);
  }
  dl->PopClipRect();
  // Input: drag to pan, wheel to zoom, click an op to jump to it.
  ImGui::SetCursorScreenPos(pos);
  ImGui::InvisibleButton("op_graph", {std::max(1.0f, size.x), std::max(1.0f, size.y)});
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    if (ui.op_graph_follow) ui.op_graph_pan.x = pan_x;
    ui.op_graph_follow = false;
    ui.op_graph_pan.x += io.MouseDelta.x;
    ui.op_graph_pan.y += io.MouseDelta.y;
  }
  if (ImGui::IsItemHovered() && io.MouseWheel != 0.0f)
    ui.op_graph_zoom = std::clamp(ui.op_graph_zoom * std::pow(1.15f, io.MouseWheel), 0.3f, 4.0f);
  if (ImGui::IsItemDeactivated() && io.MouseDragMaxDistanceSqr[0] < 16.0f && hovered >= 0 && g.nodes[hovered].is_op)
    commands.push_back(command::JumpTo{g.nodes[hovered].op_index + 1});
  if (hovered >= 0 && ImGui::IsItemHovered()) {
    const OpGraphNode& node = g.nodes[hovered];
    ImGui::BeginTooltip();
    if (node.is_op) {
      const Op& op = st.ops()[node.op_index];
      const bool applied = node.op_index < cursor;
      const OpText t = describe(op, st.state(), applied ? &st.value_before(node.op_index) : nullptr);
      ImGui::TextUnformatted(t.title.c_str());
      ImGui::TextUnformatted(t.equation.c_str());
      ImGui::TextDisabled("op %zu of %zu (click: step to it)", node.op_index + 1, st.op_count());
    } else if (node.tensor.buffer == Buffer::LearningRate) {
      ImGui::Text("η = %s", format_number(st.scenario().learning_rate, 8).c_str());
    } else {
      ImGui::Text("%s  (%s)", node.label.c_str(), node.shape.c_str());
      // The newest version is what the state holds; an older one was overwritten later in the step.
      const bool newest = [&] {
        for (std::size_t k = hovered + 1; k < g.nodes.size(); ++k)
          if (!g.nodes[k].is_op && g.nodes[k].tensor == node.tensor) return false;
        return true;
      }();
      if (newest || node.inputs.empty())
        ImGui::TextUnformatted(matrix_text(buffer_matrix(st.state(), node.tensor)).c_str());
      else
        ImGui::TextDisabled("overwritten later in this step (see %s′)", node.label.c_str());
    }
    ImGui::EndTooltip();
  }
  ImGui::End();
}

}  // namespace bpv
