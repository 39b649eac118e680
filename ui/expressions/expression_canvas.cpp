// The circuit of an expression graph, CS231n style: leaves on the left, the
// output on the right; each node's value above its outgoing wire once the
// forward pass has computed it, its gradient below once the backward pass
// has written it. The op just applied rings what it read and wrote (the
// network canvas' colours); hovering a node shows its local derivative and
// the chain-rule product with numbers; dragging a leaf sideways changes its
// number (one undoable edit per drag).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "expression/expression_describe.hpp"
#include "expressions/expression_ui_state.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// What the cursor has computed: scanned once a frame, not per node.
struct Known {
  std::vector<char> value, grad;
};

Known known_at(const ExprStepper& s) {
  const ExpressionGraph& g = s.graph();
  Known k{std::vector<char>(g.nodes.size(), 0), std::vector<char>(g.nodes.size(), 0)};
  for (std::size_t n = 0; n < g.nodes.size(); ++n) k.value[n] = expr_operator(g.nodes[n].kind).arity == 0;
  for (std::size_t i = 0; i < s.cursor(); ++i) {
    const ExprStepOp& op = s.ops()[i];
    for (int w = 0; w < op.write_count; ++w) {
      if (op.writes[w].tensor == ExprTensor::Value) k.value[op.writes[w].node] = 1;
      if (op.writes[w].tensor == ExprTensor::Grad) k.grad[op.writes[w].node] = 1;
    }
  }
  return k;
}

struct View {
  ImVec2 origin;
  float col_w, row_h, radius, stub;
  ImVec2 at(const ExprLayout& l, int n) const {
    return {origin.x + (l.column[n] + 0.5f) * col_w - stub * 0.5f, origin.y + (l.row[n] + 0.5f) * row_h};
  }
};

// Text whole or not at all: a label the canvas' edge would cut (a circuit
// wider than the canvas) is left out rather than shown half.
void text_whole(ImDrawList* dl, ImFont* font, float size, ImVec2 p, ImU32 col, const std::string& s) {
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, s.c_str());
  const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
  if (p.x < lo.x || p.y < lo.y || p.x + ts.x > hi.x || p.y + ts.y > hi.y) return;
  dl->AddText(font, size, p, col, s.c_str());
}

void text_centered(ImDrawList* dl, ImFont* font, float size, ImVec2 c, ImU32 col, const std::string& s) {
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, s.c_str());
  text_whole(dl, font, size, {c.x - ts.x * 0.5f, c.y - ts.y * 0.5f}, col, s);
}

std::string chain_rule_text(const ExprStepper& s, int node) {
  const ExpressionGraph& g = s.graph();
  const ExprNode& n = g.nodes[node];
  const ExprState& st = s.state();
  std::string t = expr_node_symbol(g, node);
  if (expr_operator(n.kind).arity > 0) t += " = " + expr_formula(g, node);
  t += "\nvalue " + format_number(st.value[node], 8) + ",   " + expr_grad_symbol(g, node) + " = " +
       format_number(st.grad[node], 8);
  // For each input: its gradient's share from this node, as a product of numbers.
  const int inputs[2] = {n.a, n.b};
  for (int k = 0; k < 2 && inputs[k] >= 0; ++k) {
    if (k == 1 && n.b == n.a) break;
    const int in = inputs[k];
    if (g.nodes[in].kind == ExprOpKind::Constant && g.nodes[in].name.empty()) continue;
    const double local = expr_operator(n.kind).local({st.value[n.a], n.b >= 0 ? st.value[n.b] : 0.0, n.number,
                                                      st.value[node]}, k);
    std::string rule = expr_local_rule(g, node, k, nullptr);
    t += "\n" + expr_grad_symbol(g, in) + " gets " + expr_grad_symbol(g, node) + " · ∂" + expr_node_symbol(g, node) +
         "/∂" + expr_node_symbol(g, in) + " = " + factor(st.grad[node]) + " · (" + rule + " = " + format_number(local) +
         ") = " + format_number(st.grad[node] * local, 8);
  }
  if (expr_operator(n.kind).arity == 0 && n.kind == ExprOpKind::Value)
    t += g.is_parameter(node) ? "\nA parameter: the update moves it. Drag it sideways to change it."
                              : "\nA value: drag it sideways to change it.";
  return t;
}

}  // namespace

void DrawExpressionCanvas(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands,
                          ImVec2 pos, ImVec2 size) {
  const ExprStepper& s = session.stepper();
  const ExpressionGraph& g = s.graph();
  const ExprState& st = s.state();
  if (ui.layout_revision != session.graph_revision()) {
    ui.layout = layout_expression(g);
    ui.layout_revision = session.graph_revision();
  }
  const ExprLayout& l = ui.layout;
  const Palette& pal = palette();
  const float sc = ui.content_scale;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(pos, {pos.x + size.x, pos.y + size.y}, true);
  dl->AddRectFilled(pos, {pos.x + size.x, pos.y + size.y}, pal.canvas_bg);

  const float margin = 24.0f * sc;
  const float cols = static_cast<float>(std::max(1, l.columns));
  const float rows = std::max(1.0f, l.rows);
  // Readable spacing: the fitted one, but wide enough for a value on each wire.
  const float readable = ui.presenter ? 1.3f : 1.0f;
  // The legend keeps the strip at the bottom; the circuit has the rest.
  ImFont* legend_font = fonts().small;
  const int legend_lines = ui.lesson ? 6 : 5;
  const float legend_line_h = legend_font->FontSize * 1.2f;
  const float circuit_h = std::max(40.0f * sc, size.y - legend_lines * legend_line_h - 12.0f * sc);
  const float fit_col = (size.x - 2 * margin) / cols, fit_row = (circuit_h - 2 * margin) / rows;
  const float base_col = std::clamp(fit_col, 104.0f * sc * readable, 260.0f * sc);
  const float base_row = std::clamp(fit_row, 64.0f * sc * readable, 150.0f * sc);
  if (ui.fit_requested) {
    ui.zoom = std::min({1.0f, fit_col / base_col, fit_row / base_row});
    ui.pan = {0.0f, 0.0f};
    ui.follow_current = false;
    ui.fit_requested = false;
  }
  View v;
  v.col_w = base_col * ui.zoom;
  v.row_h = base_row * ui.zoom;
  v.stub = v.col_w * 0.32f;
  v.radius = std::max(3.0f, std::min({v.col_w * 0.16f, v.row_h * 0.26f, 30.0f * sc * ui.zoom}));
  const ImVec2 centred{pos.x + (size.x - cols * v.col_w) * 0.5f, pos.y + (circuit_h - rows * v.row_h) * 0.5f};
  // Too big to fit: keep the current op's node (else the first leaf) in view.
  const int current = s.cursor() > 0 && s.ops()[s.cursor() - 1].node >= 0 ? s.ops()[s.cursor() - 1].node : 0;
  if (ui.follow_current && !g.nodes.empty()) {
    ui.pan = {0.0f, 0.0f};
    if (cols * v.col_w > size.x) {
      const float x = centred.x + (l.column[current] + 0.5f) * v.col_w;
      ui.pan.x = std::clamp(pos.x + size.x * 0.5f - x, size.x - margin - (centred.x + cols * v.col_w),
                            pos.x + margin - centred.x);
    }
    if (rows * v.row_h > circuit_h) {
      const float y = centred.y + (l.row[current] + 0.5f) * v.row_h;
      ui.pan.y = std::clamp(pos.y + circuit_h * 0.5f - y, circuit_h - margin - (centred.y + rows * v.row_h),
                            pos.y + margin - centred.y);
    }
  }
  v.origin = {centred.x + ui.pan.x, centred.y + ui.pan.y};
  // Only what can be seen is drawn (a circuit of 1,000 nodes is mostly off screen).
  const auto visible = [&](ImVec2 c) {
    return c.x > pos.x - v.col_w && c.x < pos.x + size.x + v.col_w && c.y > pos.y - v.row_h &&
           c.y < pos.y + size.y + v.row_h;
  };
  const Known known = known_at(s);
  // Labels grow with the room the circuit has (a projector's full screen) and in presenter mode.
  const bool roomy = ui.presenter || v.col_w > 180.0f * sc;
  ImFont* font = roomy ? fonts().large : fonts().regular;
  ImFont* small = roomy ? fonts().regular : fonts().small;
  const float font_size = font->FontSize;
  const float small_size = small->FontSize;
  const bool show_numbers = v.row_h > small_size * 3.2f && v.col_w > small_size * 4.0f;
  const bool show_symbols = v.radius > font_size * 0.45f;
  const ImU32 value_col = pal.text, grad_col = pal.phase_text[static_cast<int>(Phase::Backward)];

  // The op just applied: what it read and wrote.
  const ExprStepOp* op = s.cursor() > 0 ? &s.ops()[s.cursor() - 1] : nullptr;
  const auto marked = [&](ExprTensor t, int n, ImU32* col) {
    if (!op) return false;
    for (int w = 0; w < op->write_count; ++w)
      if (op->writes[w].tensor == t && op->writes[w].node == n) return *col = pal.writes, true;
    for (int r = 0; r < op->read_count; ++r)
      if (op->reads[r].tensor == t && op->reads[r].node == n) return *col = pal.reads, true;
    return false;
  };

  // Wires: from each input's outgoing stub to the node's left side.
  for (std::size_t n = 0; n < g.nodes.size(); ++n) {
    const ExprNode& node = g.nodes[n];
    const ImVec2 to = v.at(l, static_cast<int>(n));
    int k = 0;
    for (int in : {node.a, node.b}) {
      if (in < 0) continue;
      const ImVec2 from = v.at(l, in);
      if (!visible(from) && !visible(to) && ((from.x < pos.x && to.x < pos.x) || (from.x > pos.x + size.x && to.x > pos.x + size.x) ||
                                             (from.y < pos.y && to.y < pos.y) || (from.y > pos.y + size.y && to.y > pos.y + size.y)))
        continue;
      const ImVec2 a{from.x + v.radius + v.stub, from.y};
      // Two inputs from one node (x·x) enter a little apart.
      const ImVec2 b{to.x - v.radius, to.y + (node.a == node.b ? (k == 0 ? -0.4f : 0.4f) * v.radius : 0.0f)};
      const float dx = std::max(10.0f, (b.x - a.x) * 0.5f);
      dl->AddBezierCubic(a, {a.x + dx, a.y}, {b.x - dx, b.y}, b, pal.neuron_outline, 1.5f * sc);
      ++k;
    }
  }

  ui.hovered_node = -1;
  const ImGuiIO& io = ImGui::GetIO();
  for (std::size_t ni = 0; ni < g.nodes.size(); ++ni) {
    const int n = static_cast<int>(ni);
    const ExprNode& node = g.nodes[n];
    const ImVec2 c = v.at(l, n);
    if (!visible(c)) continue;
    const bool leaf = expr_operator(node.kind).arity == 0;
    // The outgoing stub, with the value above and the gradient below.
    const ImVec2 stub_a{c.x + v.radius, c.y}, stub_b{c.x + v.radius + v.stub, c.y};
    dl->AddLine(stub_a, stub_b, pal.neuron_outline, 1.5f * sc);
    if (n == g.output) dl->AddTriangleFilled({stub_b.x, c.y - 4 * sc}, {stub_b.x + 7 * sc, c.y}, {stub_b.x, c.y + 4 * sc}, pal.neuron_outline);
    if (show_numbers) {
      if (known.value[n] && node.kind != ExprOpKind::Constant) {  // a number's box already says it
        std::string text = format_number(st.value[n]);
        // An update shows old → new on the parameter.
        if (g.is_parameter(n) && s.cursor() > 0)
          for (std::size_t i = 0; i < s.cursor(); ++i)
            if (s.ops()[i].kind == ExprStepKind::Update && s.ops()[i].node == n)
              text = format_number(s.before(i)[0]) + " → " + text;
        ImU32 col = value_col;
        const bool ringed = marked(ExprTensor::Value, n, &col);
        const ImVec2 ts = small->CalcTextSizeA(small_size, 1e9f, 0.0f, text.c_str());
        const ImVec2 p{stub_a.x + 4.0f * sc, c.y - ts.y - 2.0f * sc};
        text_whole(dl, small, small_size, p, ringed ? col : value_col, text);
        if (ringed) dl->AddRect({p.x - 3 * sc, p.y - 1 * sc}, {p.x + ts.x + 3 * sc, p.y + ts.y + 1 * sc}, col, 3 * sc, 0, 2 * sc);
      }
      if (known.grad[n]) {
        const std::string text = format_number(st.grad[n]);
        ImU32 col = grad_col;
        const bool ringed = marked(ExprTensor::Grad, n, &col);
        const ImVec2 ts = small->CalcTextSizeA(small_size, 1e9f, 0.0f, text.c_str());
        const ImVec2 p{stub_a.x + 4.0f * sc, c.y + 2.0f * sc};
        text_whole(dl, small, small_size, p, grad_col, text);
        if (ringed) dl->AddRect({p.x - 3 * sc, p.y - 1 * sc}, {p.x + ts.x + 3 * sc, p.y + ts.y + 1 * sc}, col, 3 * sc, 0, 2 * sc);
      }
    }
    // The node itself.
    const bool current = op && op->node == n;
    ImU32 node_ring = 0;
    marked(ExprTensor::Value, n, &node_ring);
    if (current) node_ring = pal.writes;
    const ImU32 fill = known.value[n] ? value_color(st.value[n], 1.0, 0.35f) : pal.canvas_bg;
    std::string label = leaf ? (node.kind == ExprOpKind::Constant ? format_number(node.number) : node.name)
                             : std::string(expr_operator(node.kind).symbol);
    if (node.kind == ExprOpKind::Pow) label = "^" + format_number(node.number);
    if (leaf) {
      const float w = std::max(v.radius * 2.0f, font->CalcTextSizeA(font_size, 1e9f, 0.0f, label.c_str()).x + 10 * sc);
      const float h = std::max(v.radius * 1.4f, font_size + 6 * sc);
      dl->AddRectFilled({c.x + v.radius - w, c.y - h * 0.5f}, {c.x + v.radius, c.y + h * 0.5f}, fill, 6 * sc);
      dl->AddRect({c.x + v.radius - w, c.y - h * 0.5f}, {c.x + v.radius, c.y + h * 0.5f},
                  node_ring ? node_ring : pal.neuron_outline, 6 * sc, 0, (node_ring ? 3.0f : g.is_parameter(n) ? 2.5f : 1.2f) * sc);
      if (show_symbols || v.radius > 6)
        text_centered(dl, font, font_size, {c.x + v.radius - w * 0.5f, c.y}, readable_on(blend_over(fill, pal.canvas_bg)), label);
    } else {
      dl->AddCircleFilled(c, v.radius, fill, 24);
      dl->AddCircle(c, v.radius, node_ring ? node_ring : pal.neuron_outline, 24, (node_ring ? 3.0f : 1.2f) * sc);
      // A long symbol (tanh) in the small font where the large one would overflow the circle.
      const bool fits = font->CalcTextSizeA(font_size, 1e9f, 0.0f, label.c_str()).x < v.radius * 1.8f;
      if (show_symbols)
        text_centered(dl, fits ? font : small, fits ? font_size : small_size, c,
                      readable_on(blend_over(fill, pal.canvas_bg)), label);
      if (!node.name.empty() && show_numbers)
        text_centered(dl, small, small_size, {c.x, c.y + v.radius + small_size * 0.7f}, pal.text_dim, node.name);
    }
    if (current) dl->AddCircle(c, v.radius + 5 * sc, pal.writes, 24, 1.5f * sc);
    // The lesson's beat points at this node.
    if (ui.lesson && node.name == ui.lesson->beats[ui.beat].highlight && !node.name.empty())
      dl->AddCircle(c, v.radius + 10 * sc, pal.lesson, 32, 3.0f * sc);
    // Input: hover for the chain rule; a leaf is dragged to change it.
    ImGui::SetCursorScreenPos({c.x - v.radius, c.y - v.radius});
    ImGui::PushID(n);
    ImGui::InvisibleButton("node", {std::max(4.0f, v.radius * 2.0f), std::max(4.0f, v.radius * 2.0f)});
    ImGui::PopID();
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) ui.hovered_node = n;
    if (node.kind == ExprOpKind::Value) {
      if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f) && io.MouseDelta.x != 0.0f) {
        const double v0 = session.expression().values[node.value];
        const double step = 0.01 * std::max(1.0, std::abs(v0)) * (io.KeyShift ? 0.1 : 1.0);
        commands.push_back(expr_command::SetValue{node.name, v0 + step * io.MouseDelta.x / sc, true});
      }
      if (ImGui::IsItemDeactivated() && io.MouseDragMaxDistanceSqr[0] < 16.0f) ui.selected_node = n;
    }
  }
  if (ui.hovered_node >= 0 && !ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 34.0f);
    ImGui::TextUnformatted(chain_rule_text(s, ui.hovered_node).c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
  // The background: drag to pan, wheel to zoom around the mouse.
  ImGui::SetCursorScreenPos(pos);
  ImGui::InvisibleButton("expression_canvas", {std::max(1.0f, size.x), std::max(1.0f, size.y)});
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    ui.follow_current = false;
    ui.pan.x += io.MouseDelta.x;
    ui.pan.y += io.MouseDelta.y;
  }
  if (ImGui::IsItemHovered() && io.MouseWheel != 0.0f) {
    ui.follow_current = false;
    const float old = ui.zoom;
    ui.zoom = std::clamp(ui.zoom * std::pow(1.15f, io.MouseWheel), 0.25f, 12.0f);
    // Keep the point under the mouse where it is.
    const ImVec2 centre{pos.x + size.x * 0.5f + ui.pan.x, pos.y + size.y * 0.5f + ui.pan.y};
    const float f = ui.zoom / old;
    ui.pan.x += (io.MousePos.x - centre.x) * (1.0f - f);
    ui.pan.y += (io.MousePos.y - centre.y) * (1.0f - f);
  }
  // Legend: the two numbers on a wire, the rings, the fill (every colour on the canvas says what it means).
  struct LegendLine {
    std::string text;
    ImU32 colour;
  };
  std::vector<LegendLine> legend = {
      {"value above the wire", value_col},
      {"∂" + g.nodes[g.output].name + "/∂node below", grad_col},
      {"ring: read by this op", pal.reads},
      {"ring: written by this op", pal.writes},
      {"fill: the node's value, blue < 0 < orange", pal.text_dim},
  };
  if (ui.lesson) legend.push_back({"green ring: the lesson points here", pal.lesson});
  ImVec2 lp{pos.x + 10 * sc, pos.y + size.y - static_cast<float>(legend.size()) * legend_line_h - 6 * sc};
  for (const LegendLine& line : legend) {
    text_whole(dl, legend_font, legend_font->FontSize, lp, line.colour, line.text);
    lp.y += legend_line_h;
  }
  dl->PopClipRect();
}

}  // namespace bpv
