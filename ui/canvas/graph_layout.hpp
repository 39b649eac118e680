// Where the network sits on the canvas: one column per layer, the edges
// between two columns as lines or as one weight-matrix heatmap, the loss box,
// and the transform from canvas units to screen pixels. Pure functions of the
// layer widths and the panel size, so drawing, hit tests and fit agree.
//
// Canvas units are pixels at zoom 1: the layout is made for the area it is
// shown in, so a fitted view has zoom ≈ 1 and text sizes are known.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace bpv {

// Layers wider than this are drawn as a strip of cells, their edges as a heatmap.
inline constexpr int kMaxCircleNeurons = 24;

struct ColumnLayout {
  int size = 0;
  bool compact = false;  // a strip of cells instead of circles
  float x = 0.0f;        // centre of the column
  // Circles: neuron j at (x, y0 + j·pitch).
  float y0 = 0.0f, pitch = 0.0f, radius = 0.0f;
  // Cells: neuron j in grid column j / rows, row j % rows; cells_min is the top-left corner.
  ImVec2 cells_min{0, 0};
  float cell_w = 0.0f, cell_h = 0.0f;
  int rows = 0, cols = 0;
  // An image (the input's pixels, or a conv or pooling layer's feature
  // maps): the cells are its pixels, square, rows × cols a channel. Channel
  // c is a tile, tiles_across to a row with one texel of space between
  // them; neuron j is channel j / (rows·cols), pixel j % (rows·cols) row by row.
  bool image = false;
  int channels = 1, tiles_across = 1;
  // A hidden layer's maps come twice: the values on the left, and twin_dx to
  // the right the same tiles for the gradients (∂L/∂a, δ, the step), so the
  // backward pass shows both side by side. Either tile of a unit is unit j.
  bool twin = false;
  float twin_dx = 0.0f;
  int mosaic_rows() const;  // texels of all the tiles, spaces included
  int mosaic_cols() const;
  ImVec2 min{0, 0}, max{0, 0};  // bounding box of the neurons

  ImVec2 center(int j) const;     // circles; for cells the cell's centre
  ImVec2 cell_min(int j) const;   // cells
  int neuron_at(ImVec2 p) const;  // −1 when p is on none
};

// What joins a layer to the one before: edges (a dense layer's weights),
// a conv layer's kernels, a batch-norm layer's per-feature statistics, or
// nothing drawn per edge (pooling, dropout: each output reads a few inputs).
enum class GapKind : std::uint8_t { Edges, Kernels, Statistics, Elementwise };

// A column as the layout needs it: its neurons, the image they form (channels
// > 0), and what joins it to the column before.
struct ColumnSpec {
  int size = 0;
  int channels = 0, rows = 0, cols = 0;
  bool twin = false;  // an image with a gradient twin (ColumnLayout::twin)
  GapKind gap = GapKind::Edges;
  int kernel = 0;  // Kernels: k
};

// The edges into layer l (l ≥ 1), between columns l−1 and l.
struct GapLayout {
  GapKind kind = GapKind::Edges;
  bool edges() const { return kind == GapKind::Edges; }
  bool heatmap = false;         // W as an image: row i = neuron i of l−1, column j = neuron j of l
  ImVec2 min{0, 0}, max{0, 0};  // heatmap rectangle; the kernels' or the statistics' box
  // Kernels: kernel W[c′, c] (k × k) is the tile in row c′, column c, one
  // texel of space between tiles.
  int kernel = 0, in_channels = 0, out_channels = 0;
  // Statistics: μ, σ², γ, β as four cells side by side, one row per feature,
  // row f's top at stats_y[f] (in line with the feature's neuron or map).
  std::vector<float> stats_y;
  float stats_cell_w = 0.0f, stats_cell_h = 0.0f;
  // Out of an image input: W as one small image per neuron j of l (its
  // weights laid out like the input's pixels), tiles_across to a row, one
  // texel of space between tiles. image_rows × image_cols is the input's shape.
  bool weight_images = false;
  int image_rows = 0, image_cols = 0, tiles_across = 0, tile_count = 0;
  int mosaic_rows() const;  // texels of the whole picture, spaces included
  int mosaic_cols() const;
  void mosaic_texel(int i, int j, int& row, int& col) const;  // weight (i, j) → texel
  // Lines: each edge's number sits at this fraction of the way from its source
  // to its target, chosen so that no two numbers land on the same height.
  float label_t = 0.25f;
  float label_spacing = 0.0f;  // the closest two numbers' vertical distance
  bool edge_at(ImVec2 p, int rows, int cols, int& i, int& j) const;  // heatmaps
};

struct GraphLayout {
  std::vector<ColumnLayout> columns;          // 0 = input … L
  std::vector<GapLayout> gaps;                // gaps[l] for layer l ≥ 1; gaps[0] is unused
  ImVec2 loss_center{0, 0}, loss_half{0, 0};  // the loss box
  // Output circles too small for their numbers show them beside, on the right;
  // the targets follow at target_offset from the circles' centre.
  bool output_numbers_beside = false;
  // Too narrow for a number on every edge: only the edges of the neuron under
  // the mouse (or the selected one) show theirs, halfway along (graph_canvas.cpp).
  bool edge_numbers_on_hover = false;
  float target_offset = 0.0f;
  float target_labels_width = 0.0f;  // the room for "y₁ = 0.5" there
  ImVec2 min{0, 0}, max{0, 0};  // everything drawn in canvas space
};

// columns[l] = layer l (0 = input). `area`: the pixels available;
// text_px: the height of the canvas text at zoom 1, which sizes the circles,
// the label spacing and the room for labels.
GraphLayout make_graph_layout(const std::vector<ColumnSpec>& columns, ImVec2 area, float text_px);

// screen = origin + pan + canvas · zoom
struct CanvasView {
  ImVec2 origin{0, 0};
  ImVec2 pan{0, 0};
  float zoom = 1.0f;
  ImVec2 to_screen(ImVec2 c) const { return {origin.x + pan.x + c.x * zoom, origin.y + pan.y + c.y * zoom}; }
  ImVec2 to_canvas(ImVec2 s) const {
    return {(s.x - origin.x - pan.x) / zoom, (s.y - origin.y - pan.y) / zoom};
  }
};

inline constexpr float kMinZoom = 0.05f, kMaxZoom = 12.0f;

// The pan and zoom that centre the layout in the rectangle [area_min,
// area_min + area_size] (relative to the canvas origin), never enlarging past max_zoom.
void fit_view(const GraphLayout& layout, ImVec2 area_min, ImVec2 area_size, float max_zoom, float& zoom,
              ImVec2& pan);
// Zooms by `factor`, keeping the canvas point under `anchor` (relative to the
// canvas origin) where it is.
void zoom_at(float factor, ImVec2 anchor, float& zoom, ImVec2& pan);

float distance_to_segment(ImVec2 p, ImVec2 a, ImVec2 b);

}  // namespace bpv
