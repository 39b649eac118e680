// The graph canvas' neurons: circles with their numbers (cells for a wide
// layer), the flash after an edit, the hovered neuron.
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
  // Beside the outputs while their rows are a line of text apart (a net
  // shown smaller than laid out may close them up: the tooltip has them then).
  const bool beside = l + 1 == static_cast<int>(f.layout.columns.size()) && f.layout.output_numbers_beside &&
                      (c.size == 1 || c.pitch * f.view.zoom >= f.small_size + 2.0f);
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
    const GapLayout& gap = f.layout.gaps[static_cast<std::size_t>(std::max(g, 0))];
    const bool holds_cells = gap.kind == GapKind::Statistics || gap.kind == GapKind::Kernels;
    return g < 1 || (!gap.heatmap && !holds_cells && !edge_numbers(f, g).shown && !gap_is_framed(g));
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
  // Right of an output circle: up to its target, or, where the target is
  // not drawn (zoomed out), the room the layout keeps for both.
  const auto beside_room = [&](int j) {
    const float to = f.layout.target_offset + (target_shown(f, j) ? 0.0f : f.layout.target_labels_width);
    return (to - c.radius) * f.view.zoom - 14.0f;
  };
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
                     beside && fit_number(f, x, beside_room(j), buf, sizeof buf);
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

}  // namespace bpv::canvas
