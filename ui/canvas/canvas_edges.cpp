// The graph canvas' edges: lines coloured and thickened by the value shown,
// their numbers on plates, the heatmap of a wide layer's weights, the frame
// round the current op's edges, the hovered and the selected edge.
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
#include "canvas/heatmap_texture.hpp"
#include "canvas/image_paint.hpp"
#include "panels.hpp"
#include "theme.hpp"
#include "panels/value_input.hpp"

namespace bpv::canvas {

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

EdgeNumbers edge_numbers(const Frame& f, int l) {
  EdgeNumbers en;
  const GapLayout& g = f.layout.gaps[static_cast<std::size_t>(l)];
  if (!g.edges() || g.heatmap || f.layer(l).edges == Shown::Nothing || g.label_spacing * f.view.zoom < f.small_size + 3.0f)
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
  // Wider than the heatmap, but clear of the numbers on plates across the circles either side.
  const float cx = 0.5f * (a.x + b.x),
              room = std::min(b.x - a.x + 36.0f * f.view.zoom, (t.min.x - s.max.x) * f.view.zoom - 40.0f);
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

// Whether the mouse is on an edge's number (which hides the line under it).
bool on_edge_number(const Frame& f, int l, ImVec2 mouse, int& i, int& j) {
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

}  // namespace bpv::canvas
