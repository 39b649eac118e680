// The graph canvas: the network as neurons in columns and the edges between
// them, showing what the current op reads (one colour) and writes (another),
// the rest dimmed; pan, zoom, fit, hover tooltips with every number, and a
// legend of what the colours mean. Layers wider than kMaxCircleNeurons are
// strips of cells and their weight matrices heatmaps (graph_layout.hpp).
//
// What the canvas keeps and the per-frame view it draws from: graph_canvas_frame.hpp;
// hit testing: canvas_hit_test.cpp; the hover tooltips: canvas_tooltips.cpp.
//
// The parts it draws: canvas_draw.hpp (text, edges, neurons, labels).
//
// [SECTION] view and input   [SECTION] lesson highlights   [SECTION] DrawGraphCanvas()
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "canvas/canvas_values.hpp"
#include "engine/describe.hpp"
#include "engine/gradcheck.hpp"
#include "canvas/canvas_draw.hpp"
#include "canvas/graph_canvas_frame.hpp"
#include "canvas/graph_layout.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/parameter_step.hpp"
#include "layers/layer_kind.hpp"
#include "canvas/heatmap_texture.hpp"
#include "canvas/image_paint.hpp"
#include "panels.hpp"
#include "theme.hpp"
#include "panels/value_input.hpp"

namespace bpv {
namespace {

using namespace canvas;  // Frame, Cache and the canvas's own helpers

constexpr float kMaxFitZoom = 1.0f;  // the layout is made for the panel: never blow it up
constexpr float kHeaderRows = 2.0f;

// ---------------------------------------------------------------- [SECTION] view and input
// Each layer as the layout draws it: an image when it has a shape (the
// input's pixels, feature maps), joined to the layer before by what its kind
// computes from it.
std::vector<ColumnSpec> column_specs(const Scenario& sc) {
  std::vector<ColumnSpec> specs;
  const Shape input = sc.input_image();
  specs.push_back(ColumnSpec{sc.input_size, input.channels, input.rows, input.cols, false, GapKind::Edges, 0});
  for (const Layer& layer : sc.layers) {
    ColumnSpec c{layer.size(), layer.out_shape.channels, layer.out_shape.rows, layer.out_shape.cols,
                 !layer.out_shape.empty(), GapKind::Edges, 0};
    switch (layer_kind(layer).join) {
      case Join::Edges: c.gap = GapKind::Edges; break;
      case Join::Kernels:
        c.gap = GapKind::Kernels;
        c.kernel = layer.kernel;
        break;
      case Join::Statistics: c.gap = GapKind::Statistics; break;
      case Join::Elementwise: c.gap = GapKind::Elementwise; break;
    }
    specs.push_back(c);
  }
  return specs;
}

std::uint64_t layout_key(const Scenario& sc, ImVec2 area, float text_px) {
  std::uint64_t h = mix(0, static_cast<std::uint64_t>(sc.input_size));
  for (const ColumnSpec& c : column_specs(sc))
    h = mix(mix(h, static_cast<std::uint64_t>(c.size)),
            static_cast<std::uint64_t>(c.channels) * 7919ULL + static_cast<std::uint64_t>(c.gap) * 31ULL +
                static_cast<std::uint64_t>(c.rows));
  if (sc.image_input()) h = mix(h, static_cast<std::uint64_t>(sc.input_shape[0]) * 65537ULL);
  for (const Feature& f : sc.data.features)
    h = mix(h, static_cast<std::uint64_t>(f.kind) * 1000003ULL + static_cast<std::uint64_t>(f.a) * 1009ULL +
                   static_cast<std::uint64_t>(f.b));
  h = mix(h, static_cast<std::uint64_t>(area.x));
  h = mix(h, static_cast<std::uint64_t>(text_px * 16.0f));
  return mix(h, static_cast<std::uint64_t>(area.y));
}

void update_cache(Cache& c, const Session& session, const UiState& ui, ImVec2 area, float text_px) {
  const Scenario& sc = session.stepper().state().scenario;
  const std::uint64_t lk = layout_key(sc, area, text_px);
  if (lk != c.layout_key || c.layout.columns.size() != static_cast<std::size_t>(sc.layer_count() + 1)) {
    c.layout = make_graph_layout(column_specs(sc), area, text_px);
    c.layer_symbols.clear();
    for (int l = 0; l <= sc.layer_count(); ++l) c.layer_symbols.push_back(layer_symbol(sc, l));
    c.input_labels.clear();
    for (const Feature& f : sc.data.features) c.input_labels.push_back(feature_label(f));
    c.layout_key = lk;
    c.values_key = ~0ULL;
  }
  // The values point into the stepper's matrices: a new revision (or another session) recomputes them.
  std::uint64_t vk = mix(session.revision(), static_cast<std::uint64_t>(ui.example + 1));
  if (vk != c.values_key) {
    const std::uint64_t sk = mix(session.stepper().start_id(), static_cast<std::uint64_t>(ui.example + 1));
    if (sk != c.scales_key) {
      c.step_scales = compute_step_scales(session.stepper(), ui.example);
      c.scales_key = sk;
    }
    compute_canvas_values(session.stepper(), ui.example, c.step_scales, c.values);
    c.values_key = vk;
  }
}

// Pan with a left or middle drag, zoom with the wheel around the mouse, and
// fit when asked (the toolbar's Fit, 'F') or when the layout is new.
void handle_view_input(UiState& ui, ImVec2 origin, ImVec2 size, ImVec2 area_min, ImVec2 area_size,
                       const GraphLayout& layout, std::uint64_t key, bool hovered, bool active) {
  ImGuiIO& io = ImGui::GetIO();
  if (ui.fit_requested || ui.canvas_layout_key != key) {
    fit_view(layout, area_min, area_size, kMaxFitZoom * std::max(0.5f, ui.content_scale), ui.zoom, ui.pan);
    ui.fit_requested = false;
    ui.canvas_layout_key = key;
  }
  if (active && (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f) ||
                 ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 2.0f))) {
    ui.pan.x += io.MouseDelta.x;
    ui.pan.y += io.MouseDelta.y;
  }
  if (hovered && io.MouseWheel != 0.0f) {
    const ImVec2 anchor{io.MousePos.x - origin.x, io.MousePos.y - origin.y};
    zoom_at(std::pow(1.15f, io.MouseWheel), anchor, ui.zoom, ui.pan);
  }
  // Keep at least a corner of the network in sight, however far it was dragged.
  const float margin = 60.0f;
  const float x0 = layout.min.x * ui.zoom, x1 = layout.max.x * ui.zoom;
  const float y0 = layout.min.y * ui.zoom, y1 = layout.max.y * ui.zoom;
  ui.pan.x = std::clamp(ui.pan.x, margin - x1, size.x - margin - x0);
  ui.pan.y = std::clamp(ui.pan.y, margin - y1, size.y - margin - y0);
}

// ---------------------------------------------------------------- [SECTION] lesson highlights
// What the lesson's beat points at (lesson_panel.cpp): edges traced and
// neurons ringed in the lesson colour; with a focus, all but one neuron dimmed.

// The screen box of a neuron (circle or cell), grown by pad; false if it does not exist.
bool neuron_box(const Frame& f, const NeuronRef& n, float pad, ImVec2& lo, ImVec2& hi) {
  if (n.layer < 0 || n.layer >= static_cast<int>(f.layout.columns.size())) return false;
  const ColumnLayout& c = f.column(n.layer);
  if (n.j < 0 || n.j >= c.size) return false;
  if (c.compact) {
    const ImVec2 m = c.cell_min(n.j);
    lo = f.screen(m);
    hi = f.screen(ImVec2(m.x + c.cell_w, m.y + c.cell_h));
  } else {
    const ImVec2 p = f.screen(c.center(n.j));
    const float r = c.radius * f.view.zoom;
    lo = ImVec2(p.x - r, p.y - r);
    hi = ImVec2(p.x + r, p.y + r);
  }
  lo = ImVec2(lo.x - pad, lo.y - pad);
  hi = ImVec2(hi.x + pad, hi.y + pad);
  return true;
}

void draw_lesson_highlights(const Frame& f, const LessonUiState& ls, bool presenter) {
  if (ls.left_beat(f.revision)) return;  // stepped or edited away: the beat's marks would point at other values
  const int last = static_cast<int>(f.layout.columns.size()) - 1;
  for (const EdgeRef& e : ls.edges) {
    if (e.layer < 1 || e.layer > last || f.layout.gaps[static_cast<std::size_t>(e.layer)].heatmap ||
        !f.layout.gaps[static_cast<std::size_t>(e.layer)].edges())
      continue;
    const ColumnLayout& s = f.column(e.layer - 1);
    const ColumnLayout& t = f.column(e.layer);
    if (e.i >= s.size || e.j >= t.size) continue;
    ImVec2 b;
    const ImVec2 a = edge_start(s, t, e.i, e.j, b);
    f.dl->AddLine(f.screen(a), f.screen(b), with_alpha(f.pal.lesson, 0.8f), 3.0f);
  }
  ImVec2 lo, hi;
  for (const NeuronRef& n : ls.neurons)
    if (neuron_box(f, n, 7.0f, lo, hi)) {
      if (f.column(n.layer).compact)
        f.dl->AddRect(lo, hi, f.pal.lesson, 2.0f, 0, 3.0f);
      else
        f.dl->AddCircle(ImVec2(0.5f * (lo.x + hi.x), 0.5f * (lo.y + hi.y)), 0.5f * (hi.x - lo.x), f.pal.lesson, 0,
                        3.0f);
    }
  // Focus, in presenter mode: a dim veil over the canvas with a hole around the one neuron.
  if (!presenter || !ls.focus || !neuron_box(f, *ls.focus, 16.0f, lo, hi)) return;
  const ImU32 veil = with_alpha(f.backdrop, 0.72f);
  const ImVec2 a = f.clip_min, b = f.clip_max;
  f.dl->AddRectFilled(a, ImVec2(b.x, lo.y), veil);
  f.dl->AddRectFilled(ImVec2(a.x, hi.y), b, veil);
  f.dl->AddRectFilled(ImVec2(a.x, lo.y), ImVec2(lo.x, hi.y), veil);
  f.dl->AddRectFilled(ImVec2(hi.x, lo.y), ImVec2(b.x, hi.y), veil);
  f.dl->AddCircle(ImVec2(0.5f * (lo.x + hi.x), 0.5f * (lo.y + hi.y)), 0.5f * (hi.x - lo.x) - 6.0f, f.pal.lesson,
                  0, 4.0f);
}

}  // namespace

// ---------------------------------------------------------------- [SECTION] DrawGraphCanvas()
void DrawGraphCanvas(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  if (ui.op_graph) {
    DrawOpGraphCanvas(session, ui, commands, r);
    return;
  }
  const Palette& pal = palette();
  // No window background: the canvas is the frame's clear colour (window.cpp
  // clears to WindowBg). Under software GL every blended pixel costs, and a
  // fill of this panel is a large share of the frame.
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const bool open = BeginPanel(
      "Network", r,
      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
  ImGui::PopStyleVar();
  ui.hover = CanvasItem{};
  const Stepper& st = session.stepper();
  if (!open || st.state().scenario.layer_count() == 0) {
    ImGui::End();
    return;
  }

  // Canvas numbers in the body text size (a class reads them from the back
  // row), headers one size up; presenter mode one size larger again.
  Fonts fo = fonts();
  fo.small = ui.presenter ? fonts().large : fonts().regular;
  fo.regular = ui.presenter ? fonts().presenter : fonts().large;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 size(std::max(avail.x, 50.0f), std::max(avail.y, 50.0f));
  const float header = kHeaderRows * (fo.small->FontSize + 4.0f) + 10.0f;
  // As many rows as the legend used last frame (it wraps on a narrow canvas).
  Cache& c = ui.caches.get<Cache>();
  const float legend = static_cast<float>(c.legend_rows) * (fo.small->FontSize + 8.0f) + 10.0f;
  const ImVec2 area_min(12.0f, header + 8.0f),
      area_size(size.x - 24.0f, std::max(40.0f, size.y - header - legend - 16.0f));

  // The layout is made in unscaled pixels; on a HiDPI screen the fit zooms it
  // by the content scale, in step with the fonts.
  const float scale = std::max(0.5f, ui.content_scale);
  update_cache(c, session, ui, ImVec2(area_size.x / scale, area_size.y / scale), fo.small->FontSize / scale);

  ImGui::InvisibleButton("##graph", size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle);
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  const bool painting =
      PaintImageInput(session, ui, commands, c.layout.columns.front(), CanvasView{origin, ui.pan, ui.zoom}, hovered);
  handle_view_input(ui, origin, size, area_min, area_size, c.layout, c.layout_key, hovered, active && !painting);
  if (ui.paint.active) {  // the stroke so far, in place of x
    LayerView& x = c.values.layers.front();
    x.neurons = Shown::Input;
    x.values = ui.paint.pixels;
    c.values_key = ~0ULL;  // the engine's own values again once the stroke is done
  }

  Frame f{st,
          st.state().scenario,
          c.layout,
          c.values,
          c.layer_symbols,
          pal,
          CanvasView{origin, ui.pan, ui.zoom},
          ImGui::GetWindowDrawList(),
          origin,
          ImVec2(origin.x + size.x, origin.y + size.y),
          fo.small,
          fo.small->FontSize,
          fo.regular,
          fo.regular->FontSize,
          session.revision(),
          CanvasItem{},
          ui.selected,
          asked_quantity(ui.lesson),
          ui.layout_probe.on ? &ui.layout_probe : nullptr,
          backdrop_color()};
  if (f.probe) {
    f.probe->labels.clear();
    f.probe->circles.clear();
    f.probe->frames.clear();
    f.probe->canvas = ImVec4(f.clip_min.x, f.clip_min.y, f.clip_max.x, f.clip_max.y);
  }
  f.cache = &c;
  if (ui.gradcheck_edges) f.gradcheck = CurrentGradCheckMaps(session, ui);
  if (!ui.lesson.left_beat(f.revision)) f.ringed = &ui.lesson.neurons;

  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool in_bands = mouse.y < origin.y + header || mouse.y > origin.y + size.y - legend;
  f.hovered = hovered && !in_bands;
  if (hovered && !in_bands && !ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f))
    f.hover = hit_test(f, mouse);
  ui.hover = f.hover;
  if (!painting && ImGui::IsItemDeactivated() && ImGui::GetIO().MouseDragMaxDistanceSqr[0] < 16.0f) {
    ui.selected = f.hover;
    ui.clicked = f.hover;
    ui.clicked_cell.reset();
    ++ui.clicks;
  }
  // Presenter mode: a click on a neuron focuses it (the rest dimmed); a click elsewhere unfocuses.
  if (ui.presenter && ImGui::IsItemDeactivated() && ImGui::GetIO().MouseDragMaxDistanceSqr[0] < 16.0f)
    ui.lesson.focus = f.hover.kind == CanvasItem::Kind::Neuron
                          ? std::optional<NeuronRef>(NeuronRef{f.hover.layer, f.hover.j})
                          : std::nullopt;

  f.dl->PushClipRect(f.clip_min, f.clip_max, true);
  const int last = f.sc.layer_count();
  for (int l = 1; l <= last; ++l) {
    const GapLayout& g = c.layout.gaps[static_cast<std::size_t>(l)];
    switch (g.kind) {
      case GapKind::Kernels: draw_kernels(f, l); break;
      case GapKind::Statistics: draw_statistics(f, l); break;
      case GapKind::Elementwise: draw_elementwise(f, l); break;
      case GapKind::Edges:
        if (g.heatmap)
          draw_heatmap(f, l);
        else
          draw_edge_lines(f, l);
        break;
    }
  }
  for (int l = 1; l <= last; ++l)
    if (c.layout.gaps[static_cast<std::size_t>(l)].edges() && !c.layout.gaps[static_cast<std::size_t>(l)].heatmap)
      draw_edge_numbers(f, l);
  draw_edge_hover(f);
  draw_selection(f);
  for (int l = 0; l <= last; ++l) {
    if (f.column(l).image && l > 0)
      draw_feature_maps(f, l);
    else if (f.column(l).compact)
      draw_cells(f, l);
    else
      draw_circles(f, l);
    if (l > 0) draw_dropped(f, l);
  }
  draw_change_flash(f, session.last_change(), change_flash_strength(ui));
  draw_neuron_hover(f);
  draw_window_hover(f);
  draw_lesson_highlights(f, ui.lesson, ui.presenter);
  if (f.column(0).image) {  // the image to paint on, for the GUI tests
    const ImVec2 lo = f.screen(f.column(0).min), hi = f.screen(f.column(0).max);
    ui.edit_rects.emplace_back("input_image", ImVec4(lo.x, lo.y, hi.x - lo.x, hi.y - lo.y));
  }
  // The first neurons' boxes by name ("neuron_2_0"), for the GUI tests to click.
  for (int l = 0; l <= last; ++l)
    for (int j = 0; j < std::min(4, f.column(l).size); ++j) {
      ImVec2 lo, hi;
      if (neuron_box(f, NeuronRef{l, j}, 0.0f, lo, hi))
        ui.edit_rects.emplace_back("neuron_" + std::to_string(l) + "_" + std::to_string(j),
                                   ImVec4(lo.x, lo.y, hi.x - lo.x, hi.y - lo.y));
    }
  draw_targets(f);
  draw_loss(f);
  draw_headers(f, header);
  const int rows = draw_legend(f, legend);
  if (rows != c.legend_rows) {
    c.legend_rows = rows;
    ui.fit_requested = true;  // the network's area changed
  }
  if (ui.gradcheck_edges) draw_gradcheck_key(f, header);
  f.dl->PopClipRect();
  draw_tooltip(f);
  ImGui::End();
}

}  // namespace bpv
