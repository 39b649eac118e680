// The graph canvas: the network as neurons in columns and the edges between
// them, showing what the current op reads (one colour) and writes (another),
// the rest dimmed; pan, zoom, fit, hover tooltips with every number, and a
// legend of what the colours mean. Layers wider than kMaxCircleNeurons are
// strips of cells and their weight matrices heatmaps (graph_layout.hpp).
//
// What the canvas keeps and the per-frame view it draws from: graph_canvas_frame.hpp;
// hit testing: canvas_hit_test.cpp; the hover tooltips: canvas_tooltips.cpp.
//
// [SECTION] view and input   [SECTION] edges   [SECTION] neurons
// [SECTION] labels and legend [SECTION] lesson highlights  [SECTION] DrawGraphCanvas()
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "canvas_values.hpp"
#include "describe.hpp"
#include "gradcheck.hpp"
#include "graph_canvas_frame.hpp"
#include "graph_layout.hpp"
#include "optimizer.hpp"
#include "parameter_step.hpp"
#include "heatmap_texture.hpp"
#include "image_paint.hpp"
#include "panels.hpp"
#include "theme.hpp"
#include "value_input.hpp"

namespace bpv {
namespace {

using namespace canvas;  // Frame, Cache and the canvas's own helpers

constexpr float kMaxFitZoom = 1.0f;  // the layout is made for the panel: never blow it up
constexpr float kHeaderRows = 2.0f;

ImU32 with_alpha(ImU32 c, float a) {
  const auto old = static_cast<float>((c >> IM_COL32_A_SHIFT) & 0xFF);
  return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(old * a + 0.5f) << IM_COL32_A_SHIFT);
}


// "h1₂" into buf, without allocating: the prefix is the layer's symbol.
void neuron_label(char* buf, std::size_t size, const std::string& prefix, int j) {
  static const char* const digits[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  char num[16];
  std::snprintf(num, sizeof num, "%d", j + 1);
  std::size_t n = std::min(prefix.size(), size - 1);
  std::memcpy(buf, prefix.data(), n);
  for (const char* p = num; *p && n + 4 < size; ++p) {
    const std::size_t len = std::strlen(digits[*p - '0']);
    std::memcpy(buf + n, digits[*p - '0'], len);
    n += len;
  }
  buf[n] = '\0';
}

float text_width(ImFont* font, float size, const char* text) {
  return font->CalcTextSizeA(size, 1e9f, 0.0f, text).x;
}

// Every text the canvas draws goes through here, so that a layout check can
// list their rectangles (ui.layout_probe, for the tests).
void put_text(const Frame& f, ImFont* font, float size, ImVec2 pos, ImU32 col, const char* text) {
  f.dl->AddText(font, size, pos, col, text);
  if (!f.probe) return;
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, text);
  f.probe->labels.push_back({text, ImVec4(pos.x, pos.y, pos.x + ts.x, pos.y + ts.y)});
}

void text_centered(const Frame& f, ImFont* font, float size, ImVec2 center, ImU32 col, const char* text) {
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0.0f, text);
  put_text(f, font, size, ImVec2(std::floor(center.x - 0.5f * ts.x), std::floor(center.y - 0.5f * ts.y)),
                col, text);
}

// Dark text on light fills, light text on dark ones.
ImU32 text_on(ImU32 fill, ImU32 background) { return readable_on(blend_over(fill, background)); }

// The number for a space `room` pixels wide: 4 significant digits, fewer if
// they do not fit, nothing if even 2 do not.
bool fit_number(const Frame& f, double v, float room, char* buf, int size, int most = 4) {
  for (int sig = most; sig >= 2; --sig) {
    format_compact(v, sig, buf, size);
    if (text_width(f.small, f.small_size, buf) <= room) return true;
  }
  return false;
}

// The fewest significant digits (4 to 6) at which no two different values of
// a column print the same: h2₁ 0.9388 and h2₂ 0.9405, never both "0.94".
int distinct_digits(const std::vector<double>& values) {
  char a[48], b[48];
  for (int sig = 4; sig < 6; ++sig) {
    bool clash = false;
    for (std::size_t i = 0; i < values.size() && !clash; ++i)
      for (std::size_t j = i + 1; j < values.size() && !clash; ++j) {
        if (values[i] == values[j]) continue;
        format_compact(values[i], sig, a, sizeof a);
        format_compact(values[j], sig, b, sizeof b);
        clash = std::strcmp(a, b) == 0;
      }
    if (!clash) return sig;
  }
  return 6;
}

// "a=0.9388" under a circle: the neuron's second value (LayerView::below).
const char* below_prefix(Shown s) {
  switch (s) {
    case Shown::Activation: return "a=";
    case Shown::PreActivation: return "z=";
    case Shown::Bias: return "b=";
    default: return "";
  }
}

ImU32 backdrop_color() {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  return ImGui::ColorConvertFloat4ToU32(ImVec4(bg.x, bg.y, bg.z, 1.0f));
}

// ---------------------------------------------------------------- [SECTION] view and input
std::uint64_t layout_key(const Scenario& sc, ImVec2 area, float text_px) {
  std::uint64_t h = mix(0, static_cast<std::uint64_t>(sc.input_size));
  for (const Layer& layer : sc.layers) h = mix(h, static_cast<std::uint64_t>(layer.size()));
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
    std::vector<int> widths;
    for (int l = 0; l <= sc.layer_count(); ++l) widths.push_back(sc.width(l));
    c.layout = make_graph_layout(widths, area, text_px, sc.image_input() ? sc.input_shape : std::vector<int>{});
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

// ---------------------------------------------------------------- [SECTION] edges
float edge_thickness(double v, double scale, float zoom) {
  const double m = scale > 0.0 && std::isfinite(v) ? std::min(1.0, std::abs(v) / scale) : 0.0;
  return static_cast<float>(0.8 + 4.2 * m) * std::clamp(zoom, 0.6f, 1.6f);
}

// The edges the op touches are framed in its read or write colour, with a tag
// saying which: the edges' own colours are taken by the values' signs.
void draw_role_frame(const Frame& f, ImVec2 a, ImVec2 b, Role role, Shown shown, int l) {
  const StateSlot slot = f.layer(l).edge_state;
  if (role == Role::None) return;
  const ImU32 col = role_color(f.pal, role);
  f.dl->AddRect(a, b, col, 4.0f, 0, 2.0f);
  if (f.probe) f.probe->frames.push_back(ImVec4(a.x, a.y, b.x, b.y));
  const std::string tag = (role == Role::Write ? "written: " : "read: ") + shown_symbol(shown, f.sc, l, slot);
  if (text_width(f.small, f.small_size, tag.c_str()) <= b.x - a.x - 4.0f)  // clear of the neurons' symbols
    text_centered(f, f.small, f.small_size, ImVec2(0.5f * (a.x + b.x), a.y - 3.0f - 0.5f * f.small_size), col,
                  tag.c_str());
}

void draw_edge_lines(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const ColumnLayout& s = f.column(l - 1);
  const ColumnLayout& t = f.column(l);
  const float alpha = f.alpha(v.edge_role);
  const double scale = f.values.scale_of(v.edges);
  for (int i = 0; i < s.size; ++i)
    for (int j = 0; j < t.size; ++j) {
      ImVec2 b;
      ImVec2 a = edge_start(s, t, i, j, b);
      a = f.screen(a);
      b = f.screen(b);
      if (!f.visible(ImVec2(std::min(a.x, b.x), std::min(a.y, b.y)),
                     ImVec2(std::max(a.x, b.x), std::max(a.y, b.y))))
        continue;
      if (f.gradcheck) {  // one colour per weight, the same width for all, whatever the op
        const double err = f.gradcheck->weights[static_cast<std::size_t>(l - 1)](i, j);
        f.dl->AddLine(a, b, GradCheckErrorColor(err), 2.0f * std::clamp(f.view.zoom, 0.6f, 1.6f));
        continue;
      }
      if (v.edges == Shown::Nothing) {  // not computed yet: the wiring only
        f.dl->AddLine(a, b, with_alpha(f.pal.grid, alpha), 1.0f);
        continue;
      }
      const double x = v.edge(i, j);
      const float w = edge_thickness(x, scale, f.view.zoom);
      f.dl->AddLine(a, b, value_color(x, scale, alpha * (0.55f + 0.45f * std::min(1.0f, w / 3.0f))), w);
    }
  const float top = std::min(s.min.y, t.min.y) - 8.0f, bottom = std::max(s.max.y, t.max.y) + 8.0f;
  draw_role_frame(f, f.screen(ImVec2(s.x + s.radius + 6.0f, top)),
                  f.screen(ImVec2(t.x - t.radius - 6.0f, bottom)), v.edge_role, v.edges, l);
}

// Each edge's number sits where no other edge's number is (GapLayout::label_t):
// a gap's numbers hang from one vertical line near the circles they point to
// and grow away from those circles, each on a plate that hides the lines behind.
struct EdgeNumbers {
  bool shown = false;
  bool near_target = true;
  float clear = 0.0f;  // pixels from the anchor to the nearer circle's edge
  float room = 0.0f;   // the widest a number may be
};

EdgeNumbers edge_numbers(const Frame& f, int l) {
  EdgeNumbers en;
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  if (g.heatmap || f.layer(l).edges == Shown::Nothing || g.label_spacing * f.view.zoom < f.small_size + 3.0f)
    return en;
  const ColumnLayout& s = f.column(l - 1);
  const ColumnLayout& t = f.column(l);
  en.near_target = g.label_t > 0.5f;
  const float along = (en.near_target ? 1.0f - g.label_t : g.label_t) * (t.x - s.x);
  en.clear = (along - (en.near_target ? t.radius : s.radius)) * f.view.zoom - 4.0f;
  en.room = std::min(80.0f, (t.x - s.x - s.radius - t.radius) * f.view.zoom * 0.6f);
  en.shown = en.clear >= 8.0f;
  return en;
}

// The number of edge (i, j) into buf and its plate [lo, hi]; false when it does not fit.
bool edge_number_plate(const Frame& f, int l, const EdgeNumbers& en, int i, int j, char* buf, int size,
                       ImVec2& lo, ImVec2& hi) {
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  const ImVec2 a = f.column(l - 1).center(i), b = f.column(l).center(j);
  const ImVec2 p = f.screen(ImVec2(a.x + g.label_t * (b.x - a.x), a.y + g.label_t * (b.y - a.y)));
  if (!fit_number(f, f.layer(l).edge(i, j), en.room, buf, size, 3)) return false;
  const ImVec2 ts = f.small->CalcTextSizeA(f.small_size, 1e9f, 0.0f, buf);
  const float toward = std::min(0.5f * ts.x, en.clear - 3.0f);  // how far the plate reaches toward the circle
  const float x0 = en.near_target ? p.x + toward - ts.x : p.x - toward;
  lo = ImVec2(std::floor(x0) - 3.0f, std::floor(p.y - 0.5f * ts.y) - 1.0f);
  hi = ImVec2(lo.x + ts.x + 6.0f, lo.y + ts.y + 2.0f);
  return true;
}

// One edge's number on a plate centred at p, at most `room` wide.
void edge_plate_at(const Frame& f, int l, int i, int j, ImVec2 p, float room) {
  const LayerView& v = f.layer(l);
  const bool dim = f.alpha(v.edge_role) < 1.0f;
  char buf[32];
  if (f.asked && shown_reveals(v.edges, l, i, j, f.asked->buffer, f.asked->layer, f.asked->row, f.asked->col))
    std::snprintf(buf, sizeof buf, "?");
  else if (!fit_number(f, v.edge(i, j), room, buf, sizeof buf, 4))
    return;
  const ImVec2 ts = f.small->CalcTextSizeA(f.small_size, 1e9f, 0.0f, buf);
  const ImVec2 lo(std::floor(p.x - 0.5f * ts.x) - 3.0f, std::floor(p.y - 0.5f * ts.y) - 1.0f);
  const ImVec2 hi(lo.x + ts.x + 6.0f, lo.y + ts.y + 2.0f);
  f.dl->AddRectFilled(lo, hi, with_alpha(f.backdrop, 0.92f), 3.0f);
  f.dl->AddRect(lo, hi, value_color(v.edge(i, j), f.values.scale_of(v.edges), dim ? 0.35f : 0.9f), 3.0f, 0, 1.0f);
  put_text(f, f.small, f.small_size, ImVec2(lo.x + 3.0f, lo.y + 1.0f), dim ? f.pal.text_dim : f.pal.text, buf);
}

// A narrow layout's numbers on demand: the edges into or out of the neuron
// under the mouse (else the selected one), each halfway along, where the
// edges of one neuron are half a pitch apart and clear of both circles.
void draw_focus_edge_numbers(const Frame& f, int l, const CanvasItem& focus) {
  if (focus.kind != CanvasItem::Kind::Neuron || (focus.layer != l && focus.layer != l - 1)) return;
  const ColumnLayout& s = f.column(l - 1);
  const ColumnLayout& t = f.column(l);
  if (s.compact || t.compact || f.layer(l).edges == Shown::Nothing) return;
  const float room = (t.x - s.x - s.radius - t.radius) * f.view.zoom - 6.0f;
  if (0.5f * s.pitch * f.view.zoom < f.small_size + 4.0f) return;  // plates would touch
  const bool into = focus.layer == l;
  const int n = into ? s.size : t.size;
  for (int k = 0; k < n; ++k) {
    const int i = into ? k : focus.j, j = into ? focus.j : k;
    const ImVec2 a = s.center(i), b = t.center(j);
    edge_plate_at(f, l, i, j, f.screen(ImVec2(0.5f * (a.x + b.x), 0.5f * (a.y + b.y))), room);
  }
}

void draw_edge_numbers(const Frame& f, int l) {
  const EdgeNumbers en = edge_numbers(f, l);
  if (!en.shown) {
    if (f.layout.edge_numbers_on_hover) draw_focus_edge_numbers(f, l, f.hover.kind != CanvasItem::Kind::None ? f.hover : f.selected);
    return;
  }
  const LayerView& v = f.layer(l);
  const bool dim = f.alpha(v.edge_role) < 1.0f;
  const double scale = f.values.scale_of(v.edges);
  char buf[32];
  ImVec2 lo, hi;
  for (int i = 0; i < f.column(l - 1).size; ++i)
    for (int j = 0; j < f.column(l).size; ++j) {
      if (!edge_number_plate(f, l, en, i, j, buf, sizeof buf, lo, hi) || !f.visible(lo, hi)) continue;
      if (f.asked && shown_reveals(v.edges, l, i, j, f.asked->buffer, f.asked->layer, f.asked->row, f.asked->col))
        std::snprintf(buf, sizeof buf, "?");  // a lesson question asks for it
      f.dl->AddRectFilled(lo, hi, with_alpha(f.backdrop, 0.88f), 3.0f);
      f.dl->AddRect(lo, hi, value_color(v.edge(i, j), scale, dim ? 0.35f : 0.9f), 3.0f, 0, 1.0f);
      put_text(f, f.small, f.small_size, ImVec2(lo.x + 3.0f, lo.y + 1.0f),
                    dim ? f.pal.text_dim : f.pal.text, buf);
    }
}

// Faint lines from each column's ends to the heatmap's corners: which layers it joins.
void draw_fan(const Frame& f, const ColumnLayout& s, const GapLayout& g, const ColumnLayout& t) {
  const ImU32 c = f.pal.grid;
  f.dl->AddLine(f.screen(ImVec2(s.max.x + 3, s.min.y)), f.screen(g.min), c, 1.0f);
  f.dl->AddLine(f.screen(ImVec2(s.max.x + 3, s.max.y)), f.screen(ImVec2(g.min.x, g.max.y)), c, 1.0f);
  f.dl->AddLine(f.screen(ImVec2(g.max.x, g.min.y)), f.screen(ImVec2(t.min.x - 3, t.min.y)), c, 1.0f);
  f.dl->AddLine(f.screen(g.max), f.screen(ImVec2(t.min.x - 3, t.max.y)), c, 1.0f);
}

void draw_heatmap(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  const ColumnLayout& s = f.column(l - 1);
  const ColumnLayout& t = f.column(l);
  const ImVec2 a = f.screen(g.min), b = f.screen(g.max);
  if (!f.visible(a, b)) return;
  draw_fan(f, s, g, t);
  const float alpha = f.alpha(v.edge_role);
  if (v.edges == Shown::Nothing) {
    f.dl->AddRectFilled(a, b, diverging_color(0.0, alpha));
  } else {
    const double scale = f.values.scale_of(v.edges);
    std::vector<HeatmapTexture>& heatmaps = f.cache->heatmaps;
    if (static_cast<std::size_t>(l) >= heatmaps.size()) heatmaps.resize(static_cast<std::size_t>(l) + 1);
    HeatmapTexture& tex = heatmaps[static_cast<std::size_t>(l)];
    std::uint64_t key = mix(f.revision, static_cast<std::uint64_t>(v.edges) * 16 + static_cast<std::uint64_t>(v.edge_state) + 1);
    // The double's bits, through memcpy: the web build's libc++ (emscripten 3.1.6) has no std::bit_cast.
    const double keyed = scale * v.factor;
    std::uint64_t bits = 0;
    std::memcpy(&bits, &keyed, sizeof bits);
    key = mix(mix(key, bits), theme_is_dark() ? 1 : 2);
    if (g.weight_images) {
      // One small image per neuron of this layer: its weights where the
      // input's pixels are. Spaces between the tiles show 0 (the neutral colour).
      key = mix(key, static_cast<std::uint64_t>(g.tiles_across));
      if (tex.needs(key)) {
        Eigen::MatrixXd& mosaic = f.cache->mosaic;
        mosaic.setZero(g.mosaic_rows(), g.mosaic_cols());
        for (int j = 0; j < t.size; ++j)
          for (int i = 0; i < s.size; ++i) {
            int row = 0, col = 0;
            g.mosaic_texel(i, j, row, col);
            mosaic(row, col) = (*v.matrix)(i, j);
          }
        tex.update(mosaic, v.factor, scale, key);
      }
    } else {
      tex.update(*v.matrix, v.factor, scale, key);
    }
    f.dl->AddImage(tex.id(), a, b, ImVec2(0, 0), ImVec2(1, 1),
                   IM_COL32(255, 255, 255, static_cast<int>(alpha * 255)));
  }
  if (v.edge_role != Role::None)
    draw_role_frame(f, ImVec2(a.x - 4, a.y - 4), ImVec2(b.x + 4, b.y + 4), v.edge_role, v.edges, l);
  else
    f.dl->AddRect(a, b, with_alpha(f.pal.neuron_outline, 0.5f * alpha), 0.0f, 0, 1.0f);

  // Caption under it: what it shows, its shape (rows × columns) and its
  // largest magnitude, which the shared colour scale may leave pale.
  char caption[96], num[32];
  const std::string sym = shown_symbol(v.edges == Shown::Nothing ? Shown::GradWeight : v.edges, f.sc, l, v.edge_state);
  if (g.weight_images)  // one tile per neuron of the layer
    std::snprintf(caption, sizeof caption, "%s: %d images of %d×%d%s", sym.c_str(), t.size, g.image_rows,
                  g.image_cols, v.edges == Shown::Nothing ? "  not yet" : "");
  else
    std::snprintf(caption, sizeof caption, "%s  %d×%d%s", sym.c_str(), s.size, t.size,
                  v.edges == Shown::Nothing ? "  not yet" : "");
  const ImU32 ink = v.edge_role != Role::None ? f.pal.text : f.pal.text_dim;
  const float cx = 0.5f * (a.x + b.x), room = b.x - a.x + 36.0f * f.view.zoom;
  if (text_width(f.small, f.small_size, caption) <= room)
    text_centered(f, f.small, f.small_size, ImVec2(cx, b.y + 4.0f + 0.5f * f.small_size), ink, caption);
  if (v.edges == Shown::Nothing) return;
  format_compact(v.edge_max, 3, num, sizeof num);
  std::snprintf(caption, sizeof caption, "|values| ≤ %s", num);
  if (text_width(f.small, f.small_size, caption) <= room)
    text_centered(f, f.small, f.small_size, ImVec2(cx, b.y + 6.0f + 1.5f * f.small_size), f.pal.text_dim,
                  caption);
}

// The hovered weight: its line thicker, or its texel framed; both its neurons ringed.
void draw_edge_hover(const Frame& f) {
  if (f.hover.kind != CanvasItem::Kind::Edge) return;
  const int l = f.hover.layer;
  const ColumnLayout& s = f.column(l - 1);
  const ColumnLayout& t = f.column(l);
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  if (g.weight_images) {
    const float th = (g.max.y - g.min.y) / static_cast<float>(g.mosaic_rows()),
                tw = (g.max.x - g.min.x) / static_cast<float>(g.mosaic_cols());
    int row = 0, col = 0;
    g.mosaic_texel(f.hover.i, f.hover.j, row, col);
    const ImVec2 a = f.screen(ImVec2(g.min.x + tw * static_cast<float>(col), g.min.y + th * static_cast<float>(row)));
    const ImVec2 b = f.screen(ImVec2(g.min.x + tw * static_cast<float>(col + 1), g.min.y + th * static_cast<float>(row + 1)));
    f.dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(b.x + 2, b.y + 2), f.pal.text, 0.0f, 0, 1.5f);
  } else if (g.heatmap) {
    const float ch = (g.max.y - g.min.y) / static_cast<float>(s.size),
                cw = (g.max.x - g.min.x) / static_cast<float>(t.size);
    const ImVec2 a = f.screen(
        ImVec2(g.min.x + cw * static_cast<float>(f.hover.j), g.min.y + ch * static_cast<float>(f.hover.i)));
    const ImVec2 b = f.screen(ImVec2(g.min.x + cw * static_cast<float>(f.hover.j + 1),
                                     g.min.y + ch * static_cast<float>(f.hover.i + 1)));
    f.dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(b.x + 2, b.y + 2), f.pal.text, 0.0f, 0, 1.5f);
  } else {
    ImVec2 b;
    const ImVec2 a = edge_start(s, t, f.hover.i, f.hover.j, b);
    f.dl->AddLine(f.screen(a), f.screen(b), f.pal.text, 2.0f);
  }
  for (int side = 0; side < 2; ++side) {
    const ColumnLayout& c = side == 0 ? s : t;
    const int n = side == 0 ? f.hover.i : f.hover.j;
    if (c.compact) {
      const ImVec2 m = c.cell_min(n);
      f.dl->AddRect(f.screen(ImVec2(m.x - 1, m.y - 1)),
                    f.screen(ImVec2(m.x + c.cell_w + 1, m.y + c.cell_h + 1)), f.pal.text, 0.0f, 0, 1.5f);
    } else {
      f.dl->AddCircle(f.screen(c.center(n)), c.radius * f.view.zoom + 2.0f, f.pal.text, 0, 1.5f);
    }
  }
}

// The clicked item (what the Edit tab edits): a lesson-green line along a
// selected edge, a dashed-looking double ring round a selected neuron.
void draw_selection(const Frame& f) {
  const CanvasItem& sel = f.selected;
  if (sel.kind == CanvasItem::Kind::None || sel.layer < 0 || sel.layer >= static_cast<int>(f.layout.columns.size()))
    return;
  if (sel.kind == CanvasItem::Kind::Neuron) {
    const ColumnLayout& c = f.column(sel.layer);
    if (sel.j >= c.size) return;
    if (c.compact) {
      const ImVec2 m = c.cell_min(sel.j);
      f.dl->AddRect(f.screen(ImVec2(m.x - 2, m.y - 2)), f.screen(ImVec2(m.x + c.cell_w + 2, m.y + c.cell_h + 2)),
                    f.pal.lesson, 0.0f, 0, 2.5f);
      return;
    }
    const float r = c.radius * f.view.zoom;
    f.dl->AddCircle(f.screen(c.center(sel.j)), r + 8.0f, f.pal.lesson, 0, 2.5f);
    return;
  }
  if (sel.layer < 1 || f.layout.gaps[static_cast<std::size_t>(sel.layer)].heatmap) return;
  const ColumnLayout& s = f.column(sel.layer - 1);
  const ColumnLayout& t = f.column(sel.layer);
  if (sel.i >= s.size || sel.j >= t.size) return;
  ImVec2 b;
  const ImVec2 a = edge_start(s, t, sel.i, sel.j, b);
  f.dl->AddLine(f.screen(a), f.screen(b), f.pal.lesson, 3.5f);
}

// ---------------------------------------------------------------- [SECTION] neurons
ImU32 neuron_fill(const Frame& f, const LayerView& v, int j, float alpha) {
  if (v.neurons == Shown::Nothing) return diverging_color(0.0, alpha);
  return value_color(v.values[static_cast<std::size_t>(j)], f.values.scale_of(v.neurons), alpha);
}

void draw_circles(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const ColumnLayout& c = f.column(l);
  const float r = c.radius * f.view.zoom;
  const float alpha = f.alpha(v.neuron_role);
  // Between two circles of the column: the lower one's symbol above it and
  // the upper one's second value below it. Where both do not fit, the value
  // stays (it is what the pass computed) and the symbols go (the header and
  // the tooltip name the neuron).
  const float room = c.size > 1 ? c.pitch * f.view.zoom - 2.0f * r : 1e9f;
  // A symbol clears the halo of a just-written neuron and the lesson's ring (radius r + 7, 3 px thick).
  bool any_ringed = false;
  for (int k = 0; k < c.size && !any_ringed; ++k) any_ringed = f.is_ringed(l, k);
  const float clearance = any_ringed ? 11.0f : v.neuron_role == Role::Write ? 9.0f : 3.0f;
  const float symbol_need = clearance + f.small_size + 2.0f;
  const float below_need = 3.0f + f.small_size + 2.0f;
  const bool below = v.below != Shown::Nothing && room >= below_need;
  const bool symbols = room >= symbol_need + (below ? below_need : 0.0f);
  const bool beside = l + 1 == static_cast<int>(f.layout.columns.size()) && f.layout.output_numbers_beside;
  const int digits = distinct_digits(v.values);
  const int below_digits = distinct_digits(v.below_values);
  // The widest a label centred on this column may be without reaching a
  // neighbouring column's labels.
  float col_room = 1e9f;
  const int n_cols = static_cast<int>(f.layout.columns.size());
  if (l > 0) col_room = std::min(col_room, (c.x - f.column(l - 1).x) * f.view.zoom - 8.0f);
  if (l + 1 < n_cols) col_room = std::min(col_room, (f.column(l + 1).x - c.x) * f.view.zoom - 8.0f);
  // Edge numbers hanging beside these circles leave a plate no wider than
  // the circle on that side. With numbers on one side only and nothing on the
  // other (no numbers, no heatmap), the plate leans that way: its near edge
  // stays at the circle's, and it reaches at most half-way to the next column.
  const auto gap_shows_numbers = [&](int g) {
    return g >= 1 && g < n_cols && !f.layout.gaps[static_cast<std::size_t>(g)].heatmap && edge_numbers(f, g).shown;
  };
  // The frame of the edges the op reads or writes (draw_role_frame) stands
  // just clear of the circles: a plate keeps out of it, as out of numbers.
  const auto gap_is_framed = [&](int g) { return g >= 1 && g < n_cols && f.layer(g).edge_role != Role::None; };
  const auto gap_is_free = [&](int g) {
    if (g >= n_cols) return false;  // right of the outputs: the targets
    return g < 1 || (!f.layout.gaps[static_cast<std::size_t>(g)].heatmap && !edge_numbers(f, g).shown &&
                     !gap_is_framed(g));
  };
  const bool numbers_left = (gap_shows_numbers(l) && edge_numbers(f, l).near_target) || gap_is_framed(l);
  const bool numbers_right = (gap_shows_numbers(l + 1) && !edge_numbers(f, l + 1).near_target) || gap_is_framed(l + 1);
  const ImVec2 centre0 = f.screen(c.center(0));
  const float half_left = l > 0 ? 0.5f * (c.x - f.column(l - 1).x) * f.view.zoom : centre0.x - f.clip_min.x;
  const float half_right =
      l + 1 < n_cols ? 0.5f * (f.column(l + 1).x - c.x) * f.view.zoom : f.clip_max.x - centre0.x;
  int lean = 0;  // −1: the plate leans left, +1: right
  float plate_room = std::min(2.0f * r + 36.0f, col_room - 6.0f);
  if (numbers_left && numbers_right) {
    plate_room = std::min(plate_room, 2.0f * r + 2.0f);
  } else if (numbers_right || numbers_left) {
    const bool can_lean = numbers_right ? gap_is_free(l) : gap_is_free(l + 1);
    lean = can_lean ? (numbers_right ? -1 : 1) : 0;
    // Away from a frame (not numbers), the plate may reach past half-way, to
    // just short of the widest plate the next column centres on its circles
    // (2r + 36 wide), unless that column leans its own plates this way.
    const int far = lean < 0 ? l - 1 : l + 1;
    const bool from_frame = numbers_right ? gap_is_framed(l + 1) : gap_is_framed(l);
    const bool far_leans_here = lean < 0 ? gap_shows_numbers(l - 1) && edge_numbers(f, l - 1).near_target
                                         : gap_shows_numbers(l + 2) && !edge_numbers(f, l + 2).near_target;
    const float half = (lean < 0 ? half_left : half_right) - 10.0f;
    const float reach =
        from_frame && !far_leans_here && far >= 0 && far < n_cols
            ? std::max(half, std::abs(f.column(far).x - c.x) * f.view.zoom - f.column(far).radius * f.view.zoom - 24.0f)
            : half;
    plate_room = lean != 0 ? std::min(2.0f * r + 36.0f, r + 1.0f + reach) : std::min(plate_room, 2.0f * r + 2.0f);
  }
  // Text centred on a circle next to a frame (the number below it, its
  // symbol) stays inside the frame's margin, 6 units either side.
  const float framed_room =
      gap_is_framed(l) || gap_is_framed(l + 1) ? 2.0f * r + 12.0f * f.view.zoom - 4.0f : 1e9f;
  // Circles too small to hold a number still show it, on a plate across the
  // circle, while the plates of two neighbours keep apart.
  const bool plates_fit = c.size == 1 || c.pitch * f.view.zoom >= f.small_size + 6.0f;
  char buf[48];
  for (int j = 0; j < c.size; ++j) {
    const ImVec2 p = f.screen(c.center(j));
    if (!f.visible(ImVec2(p.x - r - 40, p.y - r - 24), ImVec2(p.x + r + 40, p.y + r + 8))) continue;
    const ImU32 fill = neuron_fill(f, v, j, alpha);
    if (v.neuron_role == Role::Write)  // just computed: a soft halo that survives until the next step
      f.dl->AddCircleFilled(p, r + 9.0f, with_alpha(f.pal.just_computed, 0.22f));
    f.dl->AddCircleFilled(p, r, fill);
    if (f.probe) f.probe->circles.push_back(ImVec4(p.x, p.y, r, 0.0f));
    if (v.neuron_role != Role::None)
      f.dl->AddCircle(p, r + 2.5f, role_color(f.pal, v.neuron_role), 0, 3.0f);
    else
      f.dl->AddCircle(p, r, with_alpha(f.pal.neuron_outline, 0.6f * alpha), 0, 1.0f);

    if (v.neurons == Shown::Nothing) {
      if (r >= 8.0f) text_centered(f, f.small, f.small_size, p, with_alpha(f.pal.text_dim, alpha), "·");
    } else if (f.asked && shown_reveals(v.neurons, l, -1, j, f.asked->buffer, f.asked->layer, f.asked->row,
                                        f.asked->col)) {
      text_centered(f, f.small, f.small_size, p, text_on(fill, f.backdrop), "?");  // a question asks for it
    } else if (r >= 11.0f || plates_fit || beside) {
      const double x = v.values[static_cast<std::size_t>(j)];
      format_compact(x, digits, buf, sizeof buf);
      if (r >= 11.0f && text_width(f.small, f.small_size, buf) <= 2.0f * r - 5.0f) {
        const ImU32 ink = text_on(fill, f.backdrop);
        text_centered(f, f.small, f.small_size, p, alpha < 1.0f ? with_alpha(ink, 0.6f) : ink, buf);
      } else if (const bool right =
                     beside && fit_number(f, x, (f.layout.target_offset - c.radius) * f.view.zoom - 14.0f, buf, sizeof buf);
                 right || ((r >= 11.0f || plates_fit) && fit_number(f, x, plate_room, buf, sizeof buf, digits))) {
        // Too long for the circle: beside the output circles (nothing is to
        // their right but the targets), else (or when even that is too
        // narrow) on a plate across the circle.
        const ImVec2 ts = f.small->CalcTextSizeA(f.small_size, 1e9f, 0.0f, buf);
        float left = right ? p.x + r + 5.0f : p.x - 0.5f * ts.x;
        if (!right && lean != 0 && ts.x > 2.0f * r - 4.0f)  // away from the edge numbers
          left = lean < 0 ? p.x + r - 2.0f - ts.x : p.x - r + 2.0f;
        const ImVec2 lo(std::floor(left) - 3.0f, std::floor(p.y - 0.5f * ts.y) - 1.0f);
        f.dl->AddRectFilled(lo, ImVec2(lo.x + ts.x + 6.0f, lo.y + ts.y + 2.0f),
                            with_alpha(f.backdrop, 0.85f * alpha + 0.1f), 3.0f);
        put_text(f, f.small, f.small_size, ImVec2(lo.x + 3.0f, lo.y + 1.0f),
                      alpha < 1.0f ? f.pal.text_dim : f.pal.text, buf);
      }
    }
    if (below && !(f.asked && shown_reveals(v.below, l, -1, j, f.asked->buffer, f.asked->layer, f.asked->row,
                                            f.asked->col))) {
      const int n = std::snprintf(buf, sizeof buf, "%s", below_prefix(v.below));
      bool fits = false;
      for (int sig = below_digits; sig >= 2 && !fits; --sig) {
        format_compact(v.below_values[static_cast<std::size_t>(j)], sig, buf + n, static_cast<int>(sizeof buf) - n);
        // No wider than the circle: edge numbers hang beside it.
        fits = text_width(f.small, f.small_size, buf) <= std::min({col_room, 2.0f * r + 10.0f, framed_room});
      }
      if (fits)
        text_centered(f, f.small, f.small_size, ImVec2(p.x, p.y + r + 3.0f + 0.5f * f.small_size), f.pal.text_dim, buf);
    }
    if (symbols) {
      if (l == 0 && static_cast<std::size_t>(j) < f.cache->input_labels.size())  // an input feature: its name
        std::snprintf(buf, sizeof buf, "%s", f.cache->input_labels[static_cast<std::size_t>(j)].c_str());
      else
        neuron_label(buf, sizeof buf, f.symbols[static_cast<std::size_t>(l)], j);
      if (text_width(f.small, f.small_size, buf) <= framed_room)  // else the column's header names it
        text_centered(f, f.small, f.small_size, ImVec2(p.x, p.y - r - clearance - 0.5f * f.small_size),
                      alpha < 1.0f ? f.pal.text_dim : f.pal.text, buf);
    }
  }
}

void draw_cells(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const ColumnLayout& c = f.column(l);
  const float alpha = f.alpha(v.neuron_role);
  const float w = c.cell_w * f.view.zoom, h = c.cell_h * f.view.zoom;
  const float gap =
      std::min(w, h) >= 4.0f ? 0.5f : 0.0f;  // a hairline between cells, when they are big enough for one
  const bool numbers = w >= 40.0f && h >= f.small_size + 2.0f && v.neurons != Shown::Nothing;
  const bool symbols = numbers && h >= 2.0f * f.small_size + 6.0f;  // zoomed in far enough for "h1₁₂" too
  const ImVec2 a = f.screen(c.min), b = f.screen(c.max);
  if (!f.visible(a, b)) return;
  char buf[32];
  // An image's pixels in grey over [min(0, x), max(1, x)], so it reads as the
  // picture (a digit), not as a diverging scale: white ink on black in the
  // dark theme, as MNIST is shown; dark ink on paper in the light one.
  const bool ink_is_dark = !theme_is_dark();
  double lo = 0.0, hi = 1.0;
  if (c.image && v.neurons != Shown::Nothing)
    for (double x : v.values) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  for (int j = 0; j < c.size; ++j) {
    const ImVec2 m = f.screen(c.cell_min(j));
    if (!f.visible(m, ImVec2(m.x + w, m.y + h))) continue;
    ImU32 fill = neuron_fill(f, v, j, alpha);
    if (c.image && v.neurons != Shown::Nothing) {
      int g = static_cast<int>(std::lround(255.0 * (v.values[static_cast<std::size_t>(j)] - lo) / (hi - lo)));
      if (ink_is_dark) g = 255 - g;
      fill = IM_COL32(g, g, g, static_cast<int>(255.0f * alpha));
    }
    f.dl->AddRectFilled(ImVec2(m.x + gap, m.y + gap), ImVec2(m.x + w - gap, m.y + h - gap), fill);
    if (!numbers) continue;
    const ImU32 ink = text_on(fill, f.backdrop);
    const float dy = symbols ? 0.5f * f.small_size + 1.0f : 0.0f;
    if (fit_number(f, v.values[static_cast<std::size_t>(j)], w - 4.0f, buf, sizeof buf))
      text_centered(f, f.small, f.small_size, ImVec2(m.x + 0.5f * w, m.y + 0.5f * h + dy), ink, buf);
    if (!symbols) continue;
    neuron_label(buf, sizeof buf, f.symbols[static_cast<std::size_t>(l)], j);
    text_centered(f, f.small, f.small_size, ImVec2(m.x + 0.5f * w, m.y + 0.5f * h - dy),
                  with_alpha(ink, 0.7f), buf);
  }
  if (c.image)  // the picture's edge, where its background meets the canvas'
    f.dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), with_alpha(f.pal.neuron_outline, alpha), 0.0f, 0,
                  1.0f);
  if (v.neuron_role == Role::Write)
    f.dl->AddRect(ImVec2(a.x - 6, a.y - 6), ImVec2(b.x + 6, b.y + 6), with_alpha(f.pal.just_computed, 0.35f),
                  2.0f, 0, 5.0f);
  if (v.neuron_role != Role::None)
    f.dl->AddRect(ImVec2(a.x - 3, a.y - 3), ImVec2(b.x + 3, b.y + 3), role_color(f.pal, v.neuron_role), 2.0f,
                  0, 2.5f);
  else
    f.dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1),
                  with_alpha(f.pal.neuron_outline, 0.4f * alpha), 0.0f, 0, 1.0f);
}

// For a moment after an edit: what the edit changed, so the user sees how far
// it travelled (issue 4 §2). Small layers only: a compact strip or heatmap
// would flash almost everywhere.
void draw_change_flash(const Frame& f, const ChangeMask& m, float strength) {
  if (strength <= 0.0f || m.empty()) return;
  const ImU32 col = change_flash_color(strength);
  const int last = f.sc.layer_count();
  for (int l = 1; l <= last && l <= static_cast<int>(m.weights.size()); ++l) {
    const ColumnLayout& a = f.column(l - 1);
    const ColumnLayout& b = f.column(l);
    if (a.compact || b.compact) continue;
    const auto& w = m.weights[static_cast<std::size_t>(l - 1)];
    for (int i = 0; i < a.size && i < w.rows(); ++i)
      for (int j = 0; j < b.size && j < w.cols(); ++j)
        if (w(i, j)) f.dl->AddLine(f.screen(a.center(i)), f.screen(b.center(j)), col, 3.0f);
  }
  for (int l = 0; l <= last && l < static_cast<int>(m.neurons.size()); ++l) {
    const ColumnLayout& c = f.column(l);
    if (c.compact) continue;
    const std::vector<char>& flags = m.neurons[static_cast<std::size_t>(l)];
    for (int j = 0; j < c.size && j < static_cast<int>(flags.size()); ++j)
      if (flags[static_cast<std::size_t>(j)])
        f.dl->AddCircle(f.screen(c.center(j)), c.radius * f.view.zoom + 6.0f, col, 0, 4.0f);
  }
}

void draw_neuron_hover(const Frame& f) {
  if (f.hover.kind != CanvasItem::Kind::Neuron) return;
  const ColumnLayout& c = f.column(f.hover.layer);
  if (c.compact) {
    const ImVec2 m = c.cell_min(f.hover.j);
    f.dl->AddRect(f.screen(ImVec2(m.x - 1, m.y - 1)),
                  f.screen(ImVec2(m.x + c.cell_w + 1, m.y + c.cell_h + 1)), f.pal.text, 0.0f, 0, 2.0f);
  } else {
    f.dl->AddCircle(f.screen(c.center(f.hover.j)), c.radius * f.view.zoom + 5.0f, f.pal.text, 0, 2.0f);
  }
}

// ---------------------------------------------------------------- [SECTION] labels and legend
// Right of the output circles: the targets the loss compares them with.
void draw_targets(const Frame& f) {
  const int last = static_cast<int>(f.layout.columns.size()) - 1;
  const ColumnLayout& c = f.column(last);
  if (c.compact || last == 0) return;
  const ImU32 col = f.values.target_role != Role::None ? f.pal.reads : f.pal.text_dim;
  char num[32], buf[64];
  for (int j = 0; j < c.size; ++j) {
    const ImVec2 p = f.screen(c.center(j));
    format_compact(example_value(f.sc.targets, f.values.example, j), 3, num, sizeof num);
    std::snprintf(buf, sizeof buf, "y%s = %s", subscript(j + 1).c_str(), num);
    if (text_width(f.small, f.small_size, buf) > (f.layout.target_labels_width + 4.0f) * f.view.zoom) continue;
    put_text(f, f.small, f.small_size,
                  ImVec2(p.x + f.layout.target_offset * f.view.zoom, p.y - 0.5f * f.small_size), col, buf);
  }
}

void draw_loss(const Frame& f) {
  const Role role = f.values.loss_role;
  const bool done = f.st.is_computed(BufferRef{Buffer::LossValue, f.sc.layer_count()});
  // A network shown small keeps its loss readable: the box grows to the
  // right (nothing is there) until its number fits, with fewer digits where
  // the canvas ends first, and is never lower than a line of text.
  const ImVec2 fitted(f.layout.loss_half.x * f.view.zoom, f.layout.loss_half.y * f.view.zoom);
  const float left = f.screen(f.layout.loss_center).x - fitted.x;
  const float widest = std::max(fitted.x, 0.5f * (f.clip_max.x - 4.0f - left));
  char buf[64];
  for (int digits = 5; digits >= 2; --digits) {
    if (done && f.asked && f.asked->buffer == Buffer::LossValue)
      std::snprintf(buf, sizeof buf, "L = ?");  // a lesson question asks for it
    else if (done)
      std::snprintf(buf, sizeof buf, "L = %s", format_number(f.st.state().loss_value(), digits).c_str());
    else
      std::snprintf(buf, sizeof buf, "L = ·");
    if (0.5f * text_width(f.small, f.small_size, buf) + 6.0f <= widest) break;
  }
  const ImVec2 half(std::max(fitted.x, std::min(0.5f * text_width(f.small, f.small_size, buf) + 6.0f, widest)),
                    std::max(fitted.y, 0.5f * f.small_size + 4.0f));
  const ImVec2 c(left + half.x, f.screen(f.layout.loss_center).y);
  const ImVec2 a(c.x - half.x, c.y - half.y), b(c.x + half.x, c.y + half.y);
  if (!f.visible(a, b)) return;
  f.dl->AddRectFilled(a, b, with_alpha(f.pal.grid, f.alpha(role)), 6.0f);
  if (role != Role::None) f.dl->AddRect(a, b, role_color(f.pal, role), 6.0f, 0, 3.0f);
  ImFont* font = text_width(f.regular, f.regular_size, buf) < 2.0f * half.x - 8.0f ? f.regular : f.small;
  const float size = font == f.regular ? f.regular_size : f.small_size;
  if (text_width(font, size, buf) < 2.0f * half.x - 4.0f)
    text_centered(f, font, size, c, f.alpha(role) < 1.0f ? f.pal.text_dim : f.pal.text, buf);
  const std::string name = std::string(f.sc.loss->name);
  if (text_width(f.small, f.small_size, name.c_str()) <= 2.0f * half.x)  // over the box, clear of the targets
    text_centered(f, f.small, f.small_size, ImVec2(c.x, a.y - 4.0f - 0.5f * f.small_size), f.pal.text_dim,
                  name.c_str());
  if (f.sc.batch_size() > 1) {
    const std::string note = "mean over " + std::to_string(f.sc.batch_size()) + " examples";
    if (text_width(f.small, f.small_size, note.c_str()) <= 2.0f * half.x)
      text_centered(f, f.small, f.small_size, ImVec2(c.x, b.y + 4.0f + 0.5f * f.small_size), f.pal.text_dim,
                    note.c_str());
  }
}

std::string main_quantity(const Frame& f, int l);

// The header's second line: what the circles hold, and what the line under them.
std::string column_quantity(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const std::string main = main_quantity(f, l);
  if (v.below == Shown::Nothing) return main;
  return main + ", under: " + (v.below == Shown::Bias ? "b" + superscript(l) : shown_symbol(v.below, f.sc, l));
}

std::string main_quantity(const Frame& f, int l) {
  const LayerView& v = f.layer(l);
  const std::string L = superscript(l), sym = f.symbols[static_cast<std::size_t>(l)];
  switch (v.neurons) {
    case Shown::Nothing: return "not computed yet";
    case Shown::Input: return "x (input)";
    case Shown::PreActivation: return "z" + L + " = weighted sum";
    case Shown::Activation:
      return sym + " = " + std::string(f.sc.layers[static_cast<std::size_t>(l - 1)].activation->symbol) +
             "(z" + L + ")";
    case Shown::Delta: return "δ" + L + " = ∂L/∂z" + L;
    default: return shown_symbol(v.neurons, f.sc, l, v.neuron_state);
  }
}

// Pinned to the top of the canvas, so they stay in sight while panning.
void draw_headers(const Frame& f, float band) {
  // A backdrop only when the network reaches under the band (software GL pays for every pixel).
  if (f.screen(f.layout.min).y < f.clip_min.y + band)
    f.dl->AddRectFilled(f.clip_min, ImVec2(f.clip_max.x, f.clip_min.y + band), with_alpha(f.backdrop, 0.92f));
  const int last = static_cast<int>(f.layout.columns.size()) - 1;
  for (int l = 0; l <= last; ++l) {
    const float x = f.screen(ImVec2(f.column(l).x, 0)).x;
    float room = 1e9f;  // half the distance to the nearest column
    if (l > 0) room = std::min(room, 0.5f * (x - f.screen(ImVec2(f.column(l - 1).x, 0)).x));
    if (l < last) room = std::min(room, 0.5f * (f.screen(ImVec2(f.column(l + 1).x, 0)).x - x));
    if (x + room < f.clip_min.x || x - room > f.clip_max.x) continue;
    const LayerView& v = f.layer(l);
    const std::string& sym = f.symbols[static_cast<std::size_t>(l)];
    char detail[64];
    std::snprintf(detail, sizeof detail, "  %s · %d",
                  l == 0 ? "input" : f.sc.layers[static_cast<std::size_t>(l - 1)].activation->symbol.data(),
                  f.sc.width(l));
    const float w_sym = text_width(f.regular, f.regular_size, sym.c_str());
    const float w_detail = text_width(f.small, f.small_size, detail);
    const bool with_detail = 0.5f * (w_sym + w_detail) <= room - 4.0f;
    const float w = w_sym + (with_detail ? w_detail : 0.0f);
    const float y = f.clip_min.y + 4.0f;
    // A column at the canvas' edge keeps its header inside the canvas.
    auto inside = [&](float cx, float width) {
      return std::clamp(cx, f.clip_min.x + 0.5f * width + 2.0f, std::max(f.clip_min.x + 0.5f * width + 2.0f, f.clip_max.x - 0.5f * width - 2.0f));
    };
    const float hx = inside(x, w);
    const ImU32 ink = v.neuron_role != Role::None ? role_color(f.pal, v.neuron_role) : f.pal.text;
    put_text(f, f.regular, f.regular_size, ImVec2(std::floor(hx - 0.5f * w), y), ink, sym.c_str());
    if (with_detail)
      put_text(f, f.small, f.small_size,
                    ImVec2(std::floor(hx - 0.5f * w + w_sym), y + f.regular_size - f.small_size - 1.0f),
                    f.pal.text_dim, detail);
    const std::string q = column_quantity(f, l);
    if (0.5f * text_width(f.small, f.small_size, q.c_str()) <= room - 4.0f)
      text_centered(f, f.small, f.small_size, ImVec2(inside(x, text_width(f.small, f.small_size, q.c_str())), y + f.regular_size + 3.0f + 0.5f * f.small_size),
                    f.pal.text_dim, q.c_str());
  }
}

// The state tensor a state group of the legend shows (one at a time: the op's).
StateSlot state_slot_shown(const Frame& f, ScaleGroup group) {
  for (const LayerView& v : f.values.layers) {
    if (group == ScaleGroup::WeightStates && v.edges == Shown::WeightState) return v.edge_state;
    if (group == ScaleGroup::BiasStates && v.neurons == Shown::BiasState) return v.neuron_state;
  }
  return StateSlot::None;
}

// The legend: the neuron scales, then the edge scales, then the key to the
// rings, flowing left to right and wrapping onto as many rows as the canvas
// is narrow. Returns the rows it used, which size the band next frame.
int draw_legend(const Frame& f, float band) {
  const float top = f.clip_max.y - band;
  if (f.screen(f.layout.max).y > top)
    f.dl->AddRectFilled(ImVec2(f.clip_min.x, top), f.clip_max, with_alpha(f.backdrop, 0.92f));
  f.dl->AddLine(ImVec2(f.clip_min.x, top), ImVec2(f.clip_max.x, top), f.pal.grid, 1.0f);
  const float row_h = f.small_size + 8.0f, bar_w = 3.5f * f.small_size, bar_h = f.small_size - 3.0f;
  const float left = f.clip_min.x + 10.0f, right = f.clip_max.x - 10.0f;
  bool present[kScaleGroups] = {};
  for (const LayerView& v : f.values.layers) {
    if (v.neurons != Shown::Nothing) present[static_cast<int>(scale_group(v.neurons))] = true;
    if (v.edges != Shown::Nothing) present[static_cast<int>(scale_group(v.edges))] = true;
  }
  float x = left;
  int row = 0;
  auto width = [&](const char* t) { return text_width(f.small, f.small_size, t); };
  auto y = [&] { return top + 5.0f + row_h * static_cast<float>(row); };
  // Room for an item of width w on this row, else the next row.
  auto place = [&](float w) {
    if (x > left && x + w > right) {
      ++row;
      x = left;
    }
  };
  auto text = [&](ImU32 col, const char* t) {
    put_text(f, f.small, f.small_size, ImVec2(x, y()), col, t);
    x += width(t);
  };
  char title[64], lo[48], hi[40], name[128];
  const int batch = f.sc.batch_size();
  if (batch > 1 && f.values.example < 0)
    std::snprintf(title, sizeof title, "Neurons (mean of %d examples)", batch);
  else if (batch > 1)
    std::snprintf(title, sizeof title, "Neurons (example %d of %d)", f.values.example + 1, batch);
  else
    std::snprintf(title, sizeof title, "Neurons");
  const char* titles[2] = {title, "Edges"};
  bool edges_shown = false;
  for (int r = 0; r < 2; ++r) {
    if (r == 1 && x > left) {  // the edges start a row of their own
      ++row;
      x = left;
    }
    text(f.pal.text, titles[r]);
    x += 12.0f;
    const int first = r == 0 ? 0 : static_cast<int>(ScaleGroup::Weights);
    const int end = r == 0 ? static_cast<int>(ScaleGroup::Weights) : kScaleGroups;
    for (int g = first; g < end; ++g) {
      if (!present[g]) continue;
      edges_shown = edges_shown || r == 1;
      const auto group = static_cast<ScaleGroup>(g);
      const double sc = f.values.scale[static_cast<std::size_t>(g)];
      format_compact(sc, 3, hi + 1, sizeof hi - 1);
      hi[0] = '+';
      std::snprintf(lo, sizeof lo, "-%s", hi + 1);
      if (sc == 0.0) {  // zero throughout this step: no range to draw, and never "-0 … +0"
        lo[0] = '\0';
        std::snprintf(hi, sizeof hi, "%s", "all 0");
      }
      const bool step = group == ScaleGroup::WeightSteps || group == ScaleGroup::BiasSteps;
      std::snprintf(name, sizeof name, "%s", scale_group_name(group));
      // A state group names the tensor it shows: "optimizer state m".
      const StateSlot slot = state_slot_shown(f, group);
      if (slot != StateSlot::None)
        std::snprintf(name + std::strlen(name), sizeof name - std::strlen(name), " %s", state_slot_label(slot).c_str());
      if (step)
        std::snprintf(name + std::strlen(name), sizeof name - std::strlen(name), ", η = %s",
                      format_number(f.sc.learning_rate, 4).c_str());
      auto item = [&] { return width(lo) + bar_w + 14.0f + width(hi) + width(name); };
      // Short of room even on a row of its own, the name drops its ", η = …" (the equation has η).
      if (step && item() > right - left) std::snprintf(name, sizeof name, "%s", scale_group_name(group));
      // Still too long: the symbol alone ("ΔW" for "weight step ΔW = new − old").
      if (item() > right - left) std::snprintf(name, sizeof name, "%s", scale_group_symbol(group));
      place(width(lo) + bar_w + 14.0f + width(hi) + width(name));
      text(f.pal.text_dim, lo);
      x += 4.0f;
      constexpr int kSteps = 14;  // the map is not linear (theme.cpp): sample it
      for (int k = 0; k < kSteps; ++k) {
        const double t0 = -1.0 + 2.0 * k / kSteps, t1 = -1.0 + 2.0 * (k + 1) / kSteps;
        const float x0 = x + bar_w * static_cast<float>(k) / kSteps,
                    x1 = x + bar_w * static_cast<float>(k + 1) / kSteps;
        f.dl->AddRectFilledMultiColor(ImVec2(x0, y() + 2), ImVec2(x1, y() + 2 + bar_h), diverging_color(t0),
                                      diverging_color(t1), diverging_color(t1), diverging_color(t0));
      }
      x += bar_w + 4.0f;
      text(f.pal.text_dim, hi);
      x += 6.0f;
      text(step && f.values.rate_role != Role::None ? f.pal.reads : f.pal.text, name);
      x += 22.0f;
    }
  }
  if (!edges_shown) {
    const char* blank = "·  not computed yet";
    place(width(blank));
    text(f.pal.text_dim, blank);
    x += 22.0f;
  }
  if (f.values.started) {
    const char* keys[2] = {"read by this op", "written by it (just computed)"};
    const ImU32 rings[2] = {f.pal.reads, f.pal.writes};
    for (int k = 0; k < 2; ++k) {
      place(16.0f + width(keys[k]));
      f.dl->AddCircle(ImVec2(x + 6.0f, y() + 0.5f * f.small_size + 1.0f), 5.0f, rings[k], 0, 2.5f);
      x += 16.0f;
      text(f.pal.text_dim, keys[k]);
      x += 16.0f;
    }
  }
  return row + 1;
}

// In the edge-colour mode of the Gradient check tab: what the colours mean,
// under the header band, on a plate over the edges.
void draw_gradcheck_key(const Frame& f, float header) {
  bool heatmaps = false;  // wide layers' weights stay heatmaps of their values
  for (const GapLayout& g : f.layout.gaps) heatmaps = heatmaps || g.heatmap;
  const char* what = !f.gradcheck ? "Edges: computing the gradient check…"
                     : heatmaps   ? "Edge lines (not the heatmaps): gradient-check error of each weight"
                                  : "Edges: gradient-check error of each weight";
  struct Item {
    double err;
    const char* label;
  };
  static constexpr Item kItems[] = {{0.0, "≤ 1e-6"}, {1e-5, "≤ 1e-3"}, {1.0, "wrong"}, {NAN, "not checked"}};
  const float sw = f.small_size - 2.0f, gap = 10.0f;
  float w = text_width(f.small, f.small_size, what) + 2 * gap;
  if (f.gradcheck)
    for (const Item& it : kItems) w += sw + 4.0f + text_width(f.small, f.small_size, it.label) + gap;
  const ImVec2 a(f.clip_min.x + 8.0f, f.clip_min.y + header + 2.0f);
  const ImVec2 b(a.x + w, a.y + f.small_size + 8.0f);
  f.dl->AddRectFilled(a, b, with_alpha(f.backdrop, 0.92f), 4.0f);
  f.dl->AddRect(a, b, f.pal.grid, 4.0f);
  float x = a.x + gap;
  const float y = a.y + 4.0f;
  put_text(f, f.small, f.small_size, ImVec2(x, y), f.pal.text, what);
  x += text_width(f.small, f.small_size, what) + gap;
  if (!f.gradcheck) return;
  for (const Item& it : kItems) {
    f.dl->AddRectFilled(ImVec2(x, y + 1.0f), ImVec2(x + sw, y + 1.0f + sw), GradCheckErrorColor(it.err), 2.0f);
    x += sw + 4.0f;
    put_text(f, f.small, f.small_size, ImVec2(x, y), f.pal.text_dim, it.label);
    x += text_width(f.small, f.small_size, it.label) + gap;
  }
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
    if (e.layer < 1 || e.layer > last || f.layout.gaps[static_cast<std::size_t>(e.layer)].heatmap) continue;
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

// Whether the mouse is on an edge's number (which hides the line under it).
bool canvas::on_edge_number(const Frame& f, int l, ImVec2 mouse, int& i, int& j) {
  const EdgeNumbers en = edge_numbers(f, l);
  if (!en.shown) return false;
  char buf[32];
  ImVec2 lo, hi;
  for (i = 0; i < f.column(l - 1).size; ++i)
    for (j = 0; j < f.column(l).size; ++j)
      if (edge_number_plate(f, l, en, i, j, buf, sizeof buf, lo, hi) && mouse.x >= lo.x && mouse.x <= hi.x &&
          mouse.y >= lo.y && mouse.y <= hi.y)
        return true;
  return false;
}


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
    if (c.layout.gaps[static_cast<std::size_t>(l)].heatmap)
      draw_heatmap(f, l);
    else
      draw_edge_lines(f, l);
  }
  for (int l = 1; l <= last; ++l)
    if (!c.layout.gaps[static_cast<std::size_t>(l)].heatmap) draw_edge_numbers(f, l);
  draw_edge_hover(f);
  draw_selection(f);
  for (int l = 0; l <= last; ++l) {
    if (f.column(l).compact)
      draw_cells(f, l);
    else
      draw_circles(f, l);
  }
  draw_change_flash(f, session.last_change(), change_flash_strength(ui));
  draw_neuron_hover(f);
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
