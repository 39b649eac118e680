// The graph canvas's state, shared by its files (graph_canvas.cpp draws,
// canvas_hit_test.cpp finds what is under the mouse, canvas_tooltips.cpp
// writes the hover tooltips): the Cache it keeps in ui.caches between frames,
// and the Frame, everything one frame draws from.
#pragma once
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "canvas/canvas_values.hpp"
#include "canvas/graph_layout.hpp"
#include "canvas/heatmap_texture.hpp"
#include "lessons/lesson_state.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
struct GradCheckMaps;
struct LayoutProbe;
}

namespace bpv::canvas {

constexpr float kDimAlpha = 0.28f;   // what the current op does not touch

// Derived from the session and the panel size, rebuilt only when those change.
struct Cache {
  std::uint64_t values_key = ~0ULL;
  CanvasValues values;
  std::uint64_t scales_key = ~0ULL;  // the step's start and the example shown
  std::array<double, kScaleGroups> step_scales{};
  std::uint64_t layout_key = 0;
  GraphLayout layout;
  std::vector<std::string> layer_symbols;  // "x", "h1", …, "o"
  std::vector<std::string> input_labels;   // the features' names ("x₁²", "sin x₂"); empty: x₁, x₂, …
  int legend_rows = 2;  // the legend's rows last frame
  Eigen::MatrixXd mosaic;  // the weights out of an image input, tiled (draw_heatmap)
  std::vector<HeatmapTexture> heatmaps;  // heatmaps[l]: layer l's weights as an image
  std::vector<HeatmapTexture> maps;      // maps[l]: layer l's feature maps (canvas_layers.cpp)
  std::vector<HeatmapTexture> kernels;   // kernels[l]: a conv layer's kernels
  std::vector<HeatmapTexture> gradient_maps;  // gradient_maps[l]: the same layer's gradients, beside its maps
};

inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  return (h ^ v) * 1099511628211ULL + 0x9e3779b97f4a7c15ULL;
}

struct Frame {
  const Stepper& st;
  const Scenario& sc;  // the live one: weights as updated so far
  const GraphLayout& layout;
  const CanvasValues& values;
  const std::vector<std::string>& symbols;
  const Palette& pal;
  CanvasView view;
  ImDrawList* dl;
  ImVec2 clip_min, clip_max;
  ImFont* small;
  float small_size;
  ImFont* regular;
  float regular_size;
  std::uint64_t revision;
  CanvasItem hover;
  CanvasItem selected;  // last clicked (ui.selected), drawn with a ring
  const QuantityRef* asked;  // a lesson question's answer, not to be drawn (lesson_state.hpp)
  LayoutProbe* probe;        // non-null: record every label and circle (layout checks)
  ImU32 backdrop;  // what the canvas shows where nothing is drawn
  // Colour the edges by gradient-check error (ui.gradcheck_edges): the
  // per-weight errors, or nullptr (the mode is off, or still computing).
  const GradCheckMaps* gradcheck = nullptr;
  // The neurons the lesson's beat rings (draw_lesson_highlights), or nullptr:
  // their symbols move up to clear the ring.
  const std::vector<NeuronRef>* ringed = nullptr;
  Cache* cache = nullptr;  // this UiState's (ui.caches): the textures, the labels
  bool hovered = false;    // the mouse is on the canvas, off its header and legend

  bool is_ringed(int l, int j) const {
    if (!ringed) return false;
    for (const NeuronRef& n : *ringed)
      if (n.layer == l && n.j == j) return true;
    return false;
  }
  float alpha(Role r) const { return !values.started || r != Role::None ? 1.0f : kDimAlpha; }
  const LayerView& layer(int l) const { return values.layers[static_cast<std::size_t>(l)]; }
  const ColumnLayout& column(int l) const { return layout.columns[static_cast<std::size_t>(l)]; }
  ImVec2 screen(ImVec2 c) const { return view.to_screen(c); }
  bool visible(ImVec2 a, ImVec2 b) const {  // the screen box [a, b] meets the canvas
    return b.x >= clip_min.x && a.x <= clip_max.x && b.y >= clip_min.y && a.y <= clip_max.y;
  }
};

// The colour of what the current op reads or writes.
inline ImU32 role_color(const Palette& pal, Role r) { return r == Role::Write ? pal.writes : pal.reads; }

// Edge (i, j) from circle edge to circle edge: a dimmed, translucent circle
// shows no line through it. Returns the start, `end` the end.
inline ImVec2 edge_start(const ColumnLayout& s, const ColumnLayout& t, int i, int j, ImVec2& end) {
  const ImVec2 a = s.center(i), b = t.center(j);
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::max(1e-3f, std::sqrt(dx * dx + dy * dy));
  end = {b.x - dx / len * t.radius, b.y - dy / len * t.radius};
  return {a.x + dx / len * s.radius, a.y + dy / len * s.radius};
}

// Whether the mouse is on the number plate of an edge of layer l (which hides
// the line under it); (i, j) the edge (graph_canvas.cpp, which draws the plates).
bool on_edge_number(const Frame& f, int l, ImVec2 mouse, int& i, int& j);
// The neuron or edge under the mouse (canvas_hit_test.cpp).
CanvasItem hit_test(const Frame& f, ImVec2 mouse);
// The hovered item's tooltip, every number of it (canvas_tooltips.cpp).
void draw_tooltip(const Frame& f);
// A unit of a conv, pooling, batch-norm or dropout layer (canvas_layer_tooltips.cpp).
void layer_neuron_tooltip(const Frame& f, int l, int j);

}  // namespace bpv::canvas
