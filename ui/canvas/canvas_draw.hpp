// The graph canvas' drawing, one file per part (graph_canvas.cpp draws them
// in order): the text helpers every part labels with (canvas_text.cpp), the
// edges and weight heatmaps (canvas_edges.cpp), the neurons
// (canvas_neurons.cpp), the column headers, loss and legend
// (canvas_labels.cpp). Each draws from the per-frame view, canvas::Frame.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "canvas/graph_canvas_frame.hpp"

namespace bpv {
struct ChangeMask;
}

namespace bpv::canvas {

// ---- Text (canvas_text.cpp)
ImU32 with_alpha(ImU32 c, float a);
// "h1₂" into buf, without allocating: the prefix is the layer's symbol.
void neuron_label(char* buf, std::size_t size, const std::string& prefix, int j);
float text_width(ImFont* font, float size, const char* text);
// Every text the canvas draws goes through here, so that a layout check can
// list their rectangles (ui.layout_probe, for the tests).
void put_text(const Frame& f, ImFont* font, float size, ImVec2 pos, ImU32 col, const char* text);
void text_centered(const Frame& f, ImFont* font, float size, ImVec2 center, ImU32 col, const char* text);
// Dark text on light fills, light text on dark ones.
ImU32 text_on(ImU32 fill, ImU32 background);
// The number for a space `room` pixels wide: 4 significant digits, fewer if
// they do not fit, nothing if even 2 do not.
bool fit_number(const Frame& f, double v, float room, char* buf, int size, int most = 4);
// The fewest significant digits (4 to 6) at which no two different values of
// a column print the same: h2₁ 0.9388 and h2₂ 0.9405, never both "0.94".
int distinct_digits(const std::vector<double>& values);
// "a=0.9388" under a circle: the neuron's second value (LayerView::below).
const char* below_prefix(Shown s);
ImU32 backdrop_color();

// ---- Edges (canvas_edges.cpp)
// Where the numbers on layer l's edges go, if they are shown at all.
struct EdgeNumbers {
  bool shown = false;
  bool near_target = true;
  float clear = 0.0f;  // pixels from the anchor to the nearer circle's edge
  float room = 0.0f;   // the widest a number may be
};
EdgeNumbers edge_numbers(const Frame& f, int l);
bool edge_number_plate(const Frame& f, int l, const EdgeNumbers& en, int i, int j, char* buf, int size,
                       ImVec2& lo, ImVec2& hi);
void draw_edge_lines(const Frame& f, int l);
void draw_edge_numbers(const Frame& f, int l);
void draw_heatmap(const Frame& f, int l);
void draw_edge_hover(const Frame& f);
void draw_selection(const Frame& f);

// ---- Neurons (canvas_neurons.cpp)
void draw_circles(const Frame& f, int l);
void draw_cells(const Frame& f, int l);
void draw_change_flash(const Frame& f, const ChangeMask& m, float strength);
void draw_neuron_hover(const Frame& f);

// ---- Layers that are not neurons and edges (canvas_layers.cpp)
void draw_role_frame(const Frame& f, ImVec2 a, ImVec2 b, Role role, Shown shown, int l);
void draw_feature_maps(const Frame& f, int l);       // a conv or pooling layer's channels
void draw_kernels(const Frame& f, int l);            // the gap into a conv layer
void draw_statistics(const Frame& f, int l);         // the gap into a batch-norm layer
void draw_elementwise(const Frame& f, int l);        // the gap into pooling or dropout
void draw_dropped(const Frame& f, int l);            // a dropout layer's dropped units, crossed out
void draw_window_hover(const Frame& f);              // the window under a hovered conv or pooling output

// ---- Headers, loss, legend (canvas_labels.cpp)
void draw_targets(const Frame& f);
// Whether output j's target label is drawn beside it.
bool target_shown(const Frame& f, int j);
void draw_loss(const Frame& f);
void draw_headers(const Frame& f, float band);
// Returns the legend's height.
int draw_legend(const Frame& f, float band);
void draw_gradcheck_key(const Frame& f, float header);

}  // namespace bpv::canvas
