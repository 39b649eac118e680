// The graph canvas' labels: the targets beside the output, the loss, the
// column headers and the legend of what the colours mean.
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
#include "layers/layer_kind.hpp"
#include "panels.hpp"
#include "theme.hpp"
#include "panels/value_input.hpp"

namespace bpv::canvas {

namespace {

// Output j's target, "y₃ = 0", when it fits the room the layout keeps for it
// (zoomed out far enough, it does not).
bool target_label(const Frame& f, int j, char* buf, int size) {
  const int last = static_cast<int>(f.layout.columns.size()) - 1;
  const ColumnLayout& c = f.column(last);
  if (c.compact || last == 0) return false;
  if (c.size > 1 && c.pitch * f.view.zoom < f.small_size + 2.0f) return false;  // rows closer than a line of text
  char num[32];
  format_compact(example_value(f.sc.targets, f.values.example, j), 3, num, sizeof num);
  std::snprintf(buf, static_cast<std::size_t>(size), "y%s = %s", subscript(j + 1).c_str(), num);
  return text_width(f.small, f.small_size, buf) <= (f.layout.target_labels_width + 4.0f) * f.view.zoom;
}

}  // namespace

bool target_shown(const Frame& f, int j) {
  char buf[64];
  return target_label(f, j, buf, sizeof buf);
}

// Right of the output circles: the targets the loss compares them with.
void draw_targets(const Frame& f) {
  const int last = static_cast<int>(f.layout.columns.size()) - 1;
  const ColumnLayout& c = f.column(last);
  const ImU32 col = f.values.target_role != Role::None ? f.pal.reads : f.pal.text_dim;
  char buf[64];
  for (int j = 0; j < c.size; ++j) {
    if (!target_label(f, j, buf, sizeof buf)) continue;
    const ImVec2 p = f.screen(c.center(j));
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
  // A layer kind writes its own rule (layers/layer_kind.hpp); dense's are below.
  if (l > 0) {
    const LayerKindDef& kind = layer_kind(f.sc.layers[static_cast<std::size_t>(l - 1)]);
    const std::string& below = f.symbols[static_cast<std::size_t>(l - 1)];
    if (v.neurons == Shown::Activation && kind.output_rule) return kind.output_rule(l, sym, below);
    if (v.neurons == Shown::PreActivation && kind.pre_activation_rule) return kind.pre_activation_rule(l, below);
  }
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
  float drawn_to = -1e9f;  // the right edge of the last symbol drawn: a net shown small skips what would overlap it
  for (int l = 0; l <= last; ++l) {
    const float x = f.screen(ImVec2(f.column(l).x, 0)).x;
    float room = 1e9f;  // half the distance to the nearest column
    if (l > 0) room = std::min(room, 0.5f * (x - f.screen(ImVec2(f.column(l - 1).x, 0)).x));
    if (l < last) room = std::min(room, 0.5f * (f.screen(ImVec2(f.column(l + 1).x, 0)).x - x));
    if (x + room < f.clip_min.x || x - room > f.clip_max.x) continue;
    const LayerView& v = f.layer(l);
    const std::string& sym = f.symbols[static_cast<std::size_t>(l)];
    char detail[64];
    const Layer* layer = l > 0 ? &f.sc.layers[static_cast<std::size_t>(l - 1)] : nullptr;
    if (layer && layer_kind(*layer).caption) {  // the kind's own caption; a map's shape is in its caption
      const std::string what = layer_kind(*layer).caption(*layer);
      if (layer->out_shape.empty())
        std::snprintf(detail, sizeof detail, "  %s · %d", what.c_str(), f.sc.width(l));
      else
        std::snprintf(detail, sizeof detail, "  %s", what.c_str());
    } else {
      std::snprintf(detail, sizeof detail, "  %s · %d", l == 0 ? "input" : layer->activation->symbol.data(),
                    f.sc.width(l));
    }
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
    if (std::floor(hx - 0.5f * w) < drawn_to + 4.0f) continue;
    drawn_to = std::floor(hx - 0.5f * w) + w;
    const ImU32 ink = v.neuron_role != Role::None ? role_color(f.pal, v.neuron_role) : f.pal.text;
    put_text(f, f.regular, f.regular_size, ImVec2(std::floor(hx - 0.5f * w), y), ink, sym.c_str());
    if (with_detail)
      put_text(f, f.small, f.small_size,
                    ImVec2(std::floor(hx - 0.5f * w + w_sym), y + f.regular_size - f.small_size - 1.0f),
                    f.pal.text_dim, detail);
    std::string q = column_quantity(f, l);
    // Too narrow for either beside the symbol: the kind alone on the second line.
    if (!with_detail && 0.5f * text_width(f.small, f.small_size, q.c_str()) > room - 4.0f) q = detail + 2;
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

}  // namespace bpv::canvas
