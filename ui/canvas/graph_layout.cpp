#include "canvas/graph_layout.hpp"

#include <algorithm>
#include <cmath>

namespace bpv {
namespace {

// All in pixels at zoom 1, for canvas text kDesignTextPx tall; everything
// that holds text grows with the text (Metrics below).
constexpr float kDesignTextPx = 13.0f;
constexpr float kLeft = 24.0f;                              // left of the input column
constexpr float kSymbolSpace = 18.0f;                       // above each circle: the neuron's symbol
constexpr float kCaptionSpace = 36.0f;                      // under each heatmap: what it shows (two lines)
constexpr float kMinPitch = 44.0f, kMaxPitch = 170.0f;      // between two circles' centres
constexpr float kMinRadius = 12.0f, kMaxRadius = 25.0f;
constexpr float kMinCell = 8.0f, kMaxCell = 14.0f;          // cell height of a strip
constexpr float kMaxImagePixel = 26.0f;                     // an 8×8 digit is ~200 px tall at most
constexpr float kMinStripWidth = 28.0f;                     // thin strips are hard to hit with the mouse
constexpr float kLineGapMin = 70.0f, kLineGapMax = 380.0f;  // lines without numbers can sit closer
constexpr float kHeatGapMin = 100.0f, kHeatGapMax = 460.0f;
constexpr float kHeatMargin = 22.0f;          // between a heatmap and its columns: room for the fan lines
constexpr float kEdgeLabelHalfWidth = 24.0f;  // a number on an edge must clear the circles
constexpr float kMinLabelSpacing = 18.0f;     // edge numbers closer than this are left to the tooltip
constexpr int kMaxEdgeLabels = 36;            // more numbers than this on one gap is noise
constexpr float kTargetLabelsWidth = 56.0f;   // "y₁ = 0.5" right of the output circles
constexpr float kSubscriptDigit = 9.0f;       // one more digit: "y₁₀ = 0.5" with ten outputs or more
constexpr float kNumberInsideRadius = 22.0f;  // smaller circles cannot hold "0.1234"
constexpr float kNumberBesideWidth = 64.0f;   // "-0.00363" beside such an output circle, with its plate
const ImVec2 kLossHalf{50.0f, 24.0f};
constexpr float kMinStatCell = 20.0f, kMaxStatCell = 48.0f, kStatMargin = 8.0f;  // a batch-norm statistic's cell: "-0.123" at most
constexpr float kElementwiseGap = 44.0f;
constexpr float kTwinSpace = 10.0f;  // between a layer's value maps and its gradient maps  // pooling, dropout: nothing drawn between the columns but a caption
constexpr float kLossCaptionHalf = 70.0f;     // "binary_cross_entropy" over the box is wider than it

// The sizes above for the canvas text actually drawn: k = text px / design px.
// A circle holds its number ("-0.1234", about 3.6 text heights wide) inside,
// and leaves a line below it for the second value (the forward value kept
// through the backward pass, the bias in the update).
struct Metrics {
  float k, symbol_space, caption_space, min_pitch, max_pitch, min_radius, max_radius;
  float edge_label_half_width, min_label_spacing, target_labels_width, subscript_digit, number_inside_radius,
      number_beside_width;
  float below_space;
  // The closest two circles may sit when the canvas is short: a number on a
  // plate across each circle still clears its neighbours'.
  float tight_pitch;
  ImVec2 loss_half;
  float loss_caption_half;
};

Metrics metrics_for(float text_px) {
  const float k = std::max(0.5f, text_px / kDesignTextPx);
  Metrics m;
  m.k = k;
  m.symbol_space = kSymbolSpace * k;
  m.caption_space = kCaptionSpace * k;
  m.below_space = 1.35f * text_px + 2.0f;
  m.min_radius = kMinRadius * k;
  m.max_radius = std::max(kMaxRadius * k, 2.1f * text_px + 3.0f);
  // Tight on height, circles may sit closer than their symbol and second
  // value need: those are left out then (graph_canvas.cpp), and the network
  // is not shrunk below its text.
  m.min_pitch = std::max(kMinPitch * k, 2.0f * m.min_radius + 6.0f);
  m.max_pitch = kMaxPitch * k;
  m.tight_pitch = std::min(m.min_pitch, text_px + 10.0f);
  m.edge_label_half_width = kEdgeLabelHalfWidth * k;
  m.min_label_spacing = kMinLabelSpacing * k;
  m.target_labels_width = kTargetLabelsWidth * k;
  m.subscript_digit = kSubscriptDigit * k;
  m.number_inside_radius = kNumberInsideRadius * k;
  m.number_beside_width = kNumberBesideWidth * k;
  m.loss_half = ImVec2(kLossHalf.x * k, kLossHalf.y * k);
  m.loss_caption_half = kLossCaptionHalf * k;
  return m;
}

void place_circles(ColumnLayout& c) {
  c.y0 = -0.5f * static_cast<float>(c.size - 1) * c.pitch;
  c.min = {c.x - c.radius, c.y0 - c.radius};
  c.max = {c.x + c.radius, -c.y0 + c.radius};
}

// As few grid columns as keep the cells at least kMinCell tall in `height`.
void size_cells(ColumnLayout& c, float height) {
  for (c.cols = 1;; ++c.cols) {
    c.rows = (c.size + c.cols - 1) / c.cols;
    if (height / static_cast<float>(c.rows) >= kMinCell || c.rows == 1) break;
  }
  c.cell_h = std::min(kMaxCell, height / static_cast<float>(c.rows));
  c.cell_w = std::max(c.cell_h, kMinStripWidth / static_cast<float>(c.cols));
}

float column_width(const ColumnLayout& c) {
  if (c.image) return (c.twin ? c.twin_dx : 0.0f) + c.cell_w * static_cast<float>(c.mosaic_cols());
  return c.compact ? c.cell_w * static_cast<float>(c.cols) : 2.0f * c.radius;
}

void place_cells(ColumnLayout& c) {
  const ImVec2 half{0.5f * (c.image ? column_width(c) : c.cell_w * static_cast<float>(c.cols)),
                    0.5f * c.cell_h * static_cast<float>(c.image ? c.mosaic_rows() : c.rows)};
  c.cells_min = {c.x - half.x, -half.y};
  c.min = c.cells_min;
  c.max = {c.x + half.x, half.y};
}


// An image's tiles, as many to a row as makes its pixels largest in
// width × height, and never larger than kMaxImagePixel.
void size_image(ColumnLayout& c, float width, float height, const Metrics& m) {
  float best = 0.0f;
  int best_across = 1;
  for (int across = 1; across <= c.channels; ++across) {
    c.tiles_across = across;
    const float texel = std::min(width / static_cast<float>(c.mosaic_cols()), height / static_cast<float>(c.mosaic_rows()));
    if (texel > best) {
      best = texel;
      best_across = across;
    }
  }
  c.tiles_across = best_across;
  c.cell_h = c.cell_w = std::clamp(best, 1.0f, kMaxImagePixel * m.k);
  if (c.twin) c.twin_dx = c.cell_w * static_cast<float>(c.mosaic_cols()) + std::max(2.0f * c.cell_w, kTwinSpace * m.k);
}

// Where the numbers of a circle-to-circle gap go. Near the target, at a
// fraction u = 1/(n_source + 1) of the way back, the numbers of the edges into
// one neuron stack u·pitch apart and the stacks of two neighbours do too, so
// none overlap; near the source the same holds with n_target. The side that
// spaces them wider wins; on a tie the target, where they read as the terms
// of that neuron's sum.
void choose_label_position(GapLayout& g, const ColumnLayout& s, const ColumnLayout& t) {
  const float u_target = 1.0f / static_cast<float>(s.size + 1);
  const float u_source = 1.0f / static_cast<float>(t.size + 1);
  const float u = std::max(u_target, u_source);
  g.label_t = u_source > u_target ? u : 1.0f - u;
  g.label_spacing = s.size * t.size <= kMaxEdgeLabels ? u * s.pitch : 0.0f;
}

// The centre distance two circle columns need for their edge numbers to clear both circles.
float label_distance(const ColumnLayout& s, const ColumnLayout& t, const Metrics& m) {
  const float u = std::max(1.0f / static_cast<float>(s.size + 1), 1.0f / static_cast<float>(t.size + 1));
  return (std::max(s.radius, t.radius) + m.edge_label_half_width) / u;
}

// The tiles of the weights out of an image input, as many to a row as makes
// them largest in the gap's rectangle; the rectangle shrinks to them, centred.
void fit_weight_images(GapLayout& g, const ColumnLayout& image, int tiles) {
  g.weight_images = true;
  g.image_rows = image.rows * image.channels;  // a multi-channel input's channels stacked
  g.image_cols = image.cols;
  g.tile_count = tiles;
  const float w = g.max.x - g.min.x, h = g.max.y - g.min.y;
  float best = -1.0f;
  for (int across = 1; across <= tiles; ++across) {
    g.tiles_across = across;
    const float texel = std::min(w / static_cast<float>(g.mosaic_cols()), h / static_cast<float>(g.mosaic_rows()));
    if (texel > best) {
      best = texel;
      g.tiles_across = across;
    } else {
      g.tiles_across = across - 1;
      break;
    }
  }
  const ImVec2 c{0.5f * (g.min.x + g.max.x), 0.5f * (g.min.y + g.max.y)};
  const ImVec2 half{0.5f * best * static_cast<float>(g.mosaic_cols()), 0.5f * best * static_cast<float>(g.mosaic_rows())};
  g.min = {c.x - half.x, c.y - half.y};
  g.max = {c.x + half.x, c.y + half.y};
}

// A conv layer's kernels in the gap: C′ rows of C tiles, each k × k texels,
// as large as the box allows, centred. The box is as tall as its columns, or
// half the canvas where they are short (a small image's few kernels): what a
// kernel has learned must be seen from the back of the room.
void place_kernels(GapLayout& g, const ColumnLayout& s, const ColumnLayout& t, int kernel, float height) {
  g.kernel = std::max(1, kernel);
  g.in_channels = s.image ? s.channels : 1;
  g.out_channels = t.image ? t.channels : 1;
  const float w = t.min.x - s.max.x - 2.0f * kHeatMargin;
  const float h = std::max(2.0f * std::max(s.max.y, t.max.y), 0.5f * height);
  const int texels_across = g.in_channels * (g.kernel + 1) - 1, texels_down = g.out_channels * (g.kernel + 1) - 1;
  const float texel = std::max(1.0f, std::min({w / static_cast<float>(texels_across), h / static_cast<float>(texels_down),
                                               kMaxImagePixel}));
  const ImVec2 c{0.5f * (s.max.x + t.min.x), 0.0f};
  const ImVec2 half{0.5f * texel * static_cast<float>(texels_across), 0.5f * texel * static_cast<float>(texels_down)};
  g.min = {c.x - half.x, c.y - half.y};
  g.max = {c.x + half.x, c.y + half.y};
}

// A batch-norm layer's μ, σ², γ, β: four cells a feature, each feature's row
// beside its neuron (or its map) in the column before when that column is
// circles or one tile a row, else stacked.
void place_statistics(GapLayout& g, const ColumnLayout& s, const ColumnLayout& t, const Metrics& m) {
  const int features = t.image ? t.channels : t.size;
  g.stats_cell_w = std::min(kMaxStatCell * m.k, (t.min.x - s.max.x - 2.0f * kStatMargin) / 4.0f);
  g.stats_y.assign(static_cast<std::size_t>(features), 0.0f);
  const bool beside_circles = !s.compact && s.size == features;
  const bool beside_tiles = s.image && s.tiles_across == 1 && s.channels == features;
  if (beside_circles) {
    g.stats_cell_h = std::min(s.pitch - 4.0f, 1.6f * kDesignTextPx * m.k);
  } else {
    const float height = beside_tiles ? s.max.y - s.min.y : 2.0f * std::max(s.max.y, t.max.y);
    g.stats_cell_h = std::clamp(height / static_cast<float>(features), 3.0f, 1.6f * kDesignTextPx * m.k);
  }
  for (int f = 0; f < features; ++f) {
    float y = (static_cast<float>(f) - 0.5f * static_cast<float>(features)) * g.stats_cell_h;
    if (beside_circles) y = s.center(f).y - 0.5f * g.stats_cell_h;
    if (beside_tiles) y = s.cell_min(f * s.rows * s.cols).y + 0.5f * (static_cast<float>(s.rows) * s.cell_h - g.stats_cell_h);
    g.stats_y[static_cast<std::size_t>(f)] = y;
  }
  const float x0 = 0.5f * (s.max.x + t.min.x) - 2.0f * g.stats_cell_w;
  g.min = {x0, features > 0 ? g.stats_y.front() : 0.0f};
  g.max = {x0 + 4.0f * g.stats_cell_w, features > 0 ? g.stats_y.back() + g.stats_cell_h : 0.0f};
}

}  // namespace

ImVec2 ColumnLayout::center(int j) const {
  if (!compact) return {x, y0 + static_cast<float>(j) * pitch};
  const ImVec2 m = cell_min(j);
  return {m.x + 0.5f * cell_w, m.y + 0.5f * cell_h};
}

int ColumnLayout::mosaic_rows() const {
  const int tiles_down = (channels + tiles_across - 1) / tiles_across;
  return tiles_down * (rows + 1) - 1;
}
int ColumnLayout::mosaic_cols() const { return std::min(channels, tiles_across) * (cols + 1) - 1; }

ImVec2 ColumnLayout::cell_min(int j) const {
  if (image) {
    const int plane = rows * cols, ch = j / plane, q = j % plane;
    const int col = (ch % tiles_across) * (cols + 1) + q % cols, row = (ch / tiles_across) * (rows + 1) + q / cols;
    return {cells_min.x + static_cast<float>(col) * cell_w, cells_min.y + static_cast<float>(row) * cell_h};
  }
  return {cells_min.x + static_cast<float>(j / rows) * cell_w,
          cells_min.y + static_cast<float>(j % rows) * cell_h};
}

int ColumnLayout::neuron_at(ImVec2 p) const {
  if (compact) {
    if (p.x < min.x || p.x >= max.x || p.y < min.y || p.y >= max.y) return -1;
    const int col = static_cast<int>((p.x - cells_min.x) / cell_w);
    const int row = static_cast<int>((p.y - cells_min.y) / cell_h);
    if (image) {  // which tile, then which pixel of it (none on a space)
      if (twin && p.x >= cells_min.x + twin_dx) return neuron_at(ImVec2(p.x - twin_dx, p.y));
      const int r = row % (rows + 1), cc = col % (cols + 1);
      const int ch = (row / (rows + 1)) * tiles_across + col / (cols + 1);
      if (r == rows || cc == cols || col / (cols + 1) >= tiles_across || ch >= channels) return -1;
      return (ch * rows + r) * cols + cc;
    }
    const int j = col * rows + row;
    return row < rows && j < size ? j : -1;
  }
  const int j = static_cast<int>(std::lround((p.y - y0) / pitch));
  if (j < 0 || j >= size) return -1;
  const float dx = p.x - x, dy = p.y - (y0 + static_cast<float>(j) * pitch);
  const float hit = radius + 2.0f;
  return dx * dx + dy * dy <= hit * hit ? j : -1;
}

int GapLayout::mosaic_rows() const {
  const int tiles_down = tiles_across > 0 ? (tile_count + tiles_across - 1) / tiles_across : 0;
  return tiles_down * (image_rows + 1) - 1;
}
int GapLayout::mosaic_cols() const { return tiles_across * (image_cols + 1) - 1; }

void GapLayout::mosaic_texel(int i, int j, int& row, int& col) const {
  row = (j / tiles_across) * (image_rows + 1) + i / image_cols;
  col = (j % tiles_across) * (image_cols + 1) + i % image_cols;
}

bool GapLayout::edge_at(ImVec2 p, int rows, int cols, int& i, int& j) const {
  if (!heatmap || p.x < min.x || p.x >= max.x || p.y < min.y || p.y >= max.y) return false;
  if (weight_images) {  // the texel under p, then which tile and pixel it is (none on a space)
    const int tr = static_cast<int>((p.y - min.y) / (max.y - min.y) * static_cast<float>(mosaic_rows()));
    const int tc = static_cast<int>((p.x - min.x) / (max.x - min.x) * static_cast<float>(mosaic_cols()));
    const int r = tr % (image_rows + 1), c = tc % (image_cols + 1);
    if (r == image_rows || c == image_cols) return false;
    j = (tr / (image_rows + 1)) * tiles_across + tc / (image_cols + 1);
    i = r * image_cols + c;
    return j < cols && i < rows;
  }
  i = std::min(rows - 1, static_cast<int>((p.y - min.y) / (max.y - min.y) * static_cast<float>(rows)));
  j = std::min(cols - 1, static_cast<int>((p.x - min.x) / (max.x - min.x) * static_cast<float>(cols)));
  return true;
}

namespace {

// The layout for `area.x` pixels of width and `height` canvas units of height.
// numbers_everywhere: widen each gap until every edge's number clears the
// circles; without, the gaps stay narrow and only the edges of the neuron
// under the mouse (or selected) get numbers, halfway along.
GraphLayout layout_for(const std::vector<ColumnSpec>& specs, ImVec2 area, float height, const Metrics& m,
                       bool numbers_everywhere) {
  GraphLayout g;
  g.edge_numbers_on_hover = !numbers_everywhere;
  const int n_cols = static_cast<int>(specs.size());
  if (n_cols == 0) return g;
  bool any_compact = false;
  int images = 0;
  for (const ColumnSpec& c : specs) {
    any_compact = any_compact || c.size > kMaxCircleNeurons || c.channels > 0;
    images += c.channels > 0 ? 1 : 0;
  }
  height = std::max(120.0f, height - m.symbol_space - (any_compact ? m.caption_space : 0.0f));
  // Each image (an input, feature maps) gets a share of the width; several share more.
  const float image_width = std::min(0.22f, 0.75f / static_cast<float>(std::max(1, images))) * area.x;

  // Vertical: circles share one pitch so rows line up across columns; strips fill the height.
  int most_circles = 1;
  for (const ColumnSpec& c : specs)
    if (c.size <= kMaxCircleNeurons && c.channels == 0) most_circles = std::max(most_circles, c.size);
  // Short of height, the circles close up (down to tight_pitch) rather than
  // the whole network being shown smaller than its text needs.
  const float pitch =
      std::clamp(height / static_cast<float>(most_circles), m.tight_pitch, std::max(m.min_pitch, m.max_pitch));
  g.columns.resize(static_cast<std::size_t>(n_cols));
  for (int l = 0; l < n_cols; ++l) {
    ColumnLayout& c = g.columns[static_cast<std::size_t>(l)];
    const ColumnSpec& spec = specs[static_cast<std::size_t>(l)];
    c.size = std::max(1, spec.size);
    c.image = spec.channels > 0 && spec.channels * spec.rows * spec.cols == spec.size;
    c.compact = c.size > kMaxCircleNeurons || c.image;
    if (c.image) {  // square pixels, as large as the height and a share of the width allow
      c.channels = spec.channels;
      c.rows = spec.rows;
      c.cols = spec.cols;
      c.twin = spec.twin;
      size_image(c, c.twin ? 0.5f * image_width : image_width, height, m);
    } else if (c.compact) {
      size_cells(c, height);
    } else {
      // As large as the pitch allows once the symbol above and the line
      // below have their room, within the bounds that hold a number.
      c.radius = std::min(std::clamp(0.5f * (pitch - m.symbol_space - m.below_space), m.min_radius, m.max_radius),
                          0.5f * pitch - 3.0f);
      c.pitch = pitch;
    }
  }

  // Horizontal: the columns at their own width, the gaps share what is left.
  const ColumnLayout& last = g.columns.back();
  g.output_numbers_beside = !last.compact && last.radius < m.number_inside_radius;
  g.target_labels_width = m.target_labels_width + (last.size >= 10 ? m.subscript_digit : 0.0f);
  // Clear of the halo, and of a number in the circle that is wider than it
  // ("-0.05097" in a circle just large enough to hold numbers inside).
  g.target_offset = g.output_numbers_beside ? last.radius + 12.0f + m.number_beside_width
                                            : std::max(last.radius + 12.0f, 0.5f * m.number_beside_width + 12.0f);
  const float targets = last.compact ? 0.0f : g.target_offset - last.radius + g.target_labels_width;
  const float right = targets + 2.0f * m.loss_half.x + (last.compact ? 40.0f : 30.0f);
  float fixed = kLeft + right;
  for (const ColumnLayout& c : g.columns) fixed += column_width(c);
  const float share = n_cols > 1 ? (area.x - fixed) / static_cast<float>(n_cols - 1) : 0.0f;
  g.gaps.resize(static_cast<std::size_t>(n_cols));
  float x = kLeft;
  for (int l = 0; l < n_cols; ++l) {
    ColumnLayout& c = g.columns[static_cast<std::size_t>(l)];
    if (l > 0) {
      GapLayout& gap = g.gaps[static_cast<std::size_t>(l)];
      gap.kind = specs[static_cast<std::size_t>(l)].gap;
      gap.heatmap = gap.edges() && (c.compact || g.columns[static_cast<std::size_t>(l - 1)].compact);
      const ColumnLayout& s = g.columns[static_cast<std::size_t>(l - 1)];
      if (!gap.edges()) {
        const float low = gap.kind == GapKind::Kernels      ? kHeatGapMin * m.k
                          : gap.kind == GapKind::Statistics ? 4.0f * kMinStatCell * m.k + 2.0f * kStatMargin
                                                            : kElementwiseGap * m.k;
        const float high = gap.kind == GapKind::Kernels      ? kHeatGapMax * m.k
                           : gap.kind == GapKind::Statistics ? 4.0f * kMaxStatCell * m.k + 2.0f * kStatMargin
                                                             : 2.0f * kElementwiseGap * m.k;
        x += std::clamp(share, low, high);
      } else {
        float low = gap.heatmap ? kHeatGapMin : kLineGapMin;
        if (gap.heatmap && s.image) low = std::max(low, 0.3f * area.x);  // one small image per neuron needs room
        if (!gap.heatmap) {  // widen a gap whose edge numbers would be readable, so they clear the circles
          choose_label_position(gap, s, c);
          if (numbers_everywhere && gap.label_spacing >= m.min_label_spacing)
            low = std::max(low, label_distance(s, c, m) - s.radius - c.radius);
        }
        x += std::clamp(share, low, std::max(low, gap.heatmap ? kHeatGapMax : kLineGapMax));
      }
    }
    c.x = x + 0.5f * column_width(c);
    x += column_width(c);
    if (c.compact)
      place_cells(c);
    else
      place_circles(c);
  }

  for (int l = 1; l < n_cols; ++l) {
    GapLayout& gap = g.gaps[static_cast<std::size_t>(l)];
    const ColumnLayout& s = g.columns[static_cast<std::size_t>(l - 1)];
    const ColumnLayout& t = g.columns[static_cast<std::size_t>(l)];
    if (gap.kind == GapKind::Kernels) {
      place_kernels(gap, s, t, specs[static_cast<std::size_t>(l)].kernel, height);
    } else if (gap.kind == GapKind::Statistics) {
      place_statistics(gap, s, t, m);
    } else if (gap.kind == GapKind::Elementwise) {
      gap.min = {s.max.x, -0.5f * m.symbol_space};
      gap.max = {t.min.x, 0.5f * m.symbol_space};
    } else if (gap.heatmap) {
      const float half_h = std::max(s.max.y, t.max.y);
      gap.min = {s.max.x + kHeatMargin, -half_h};
      gap.max = {t.min.x - kHeatMargin, half_h};
      if (s.image) fit_weight_images(gap, s, t.size);
    } else {
      choose_label_position(gap, s, t);
      if (gap.label_spacing < m.min_label_spacing || !numbers_everywhere) gap.label_spacing = 0.0f;
    }
  }

  const float loss_x = last.max.x + (last.compact ? 24.0f : targets + 7.0f) + m.loss_half.x;
  g.loss_center = {loss_x, 0.0f};
  g.loss_half = m.loss_half;

  g.min = {0.0f, -m.loss_half.y};
  g.max = {loss_x + m.loss_caption_half + 8.0f, m.loss_half.y};
  for (const ColumnLayout& c : g.columns) {
    g.min.y = std::min(g.min.y, c.min.y - (c.compact ? 4.0f : m.symbol_space));
    g.max.y = std::max(g.max.y, c.max.y + (c.compact ? 4.0f : m.below_space));
  }
  for (const GapLayout& gap : g.gaps)
    if (gap.heatmap || gap.kind == GapKind::Kernels || gap.kind == GapKind::Statistics) {
      g.min.y = std::min(g.min.y, gap.min.y - m.symbol_space);
      g.max.y = std::max(g.max.y, gap.max.y + m.caption_space);
    }
  return g;
}

}  // namespace

GraphLayout make_graph_layout(const std::vector<ColumnSpec>& widths, ImVec2 area, float text_px) {
  const Metrics m = metrics_for(text_px);
  auto zoom_of = [&](const GraphLayout& l) {
    const float w = std::max(1.0f, l.max.x - l.min.x), h = std::max(1.0f, l.max.y - l.min.y);
    return std::min(area.x / w, area.y / h);
  };
  GraphLayout g = layout_for(widths, area, area.y, m, true);
  // Shown smaller than it is laid out, its text would no longer fit its
  // circles and gaps: numbers on every edge cost too much width here, so
  // they come on demand.
  if (zoom_of(g) < 0.98f) g = layout_for(widths, area, area.y, m, false);
  // Still too wide, it will be shown smaller, leaving height unused: lay it
  // out again as tall as it will then have room for.
  const float w = g.max.x - g.min.x, h = g.max.y - g.min.y;
  const float zoom = zoom_of(g);
  if (zoom < 0.98f && area.x / w < area.y / h) g = layout_for(widths, area, area.y / zoom, m, false);
  return g;
}

void fit_view(const GraphLayout& layout, ImVec2 area_min, ImVec2 area_size, float max_zoom, float& zoom,
              ImVec2& pan) {
  const float w = std::max(1.0f, layout.max.x - layout.min.x);
  const float h = std::max(1.0f, layout.max.y - layout.min.y);
  zoom = std::clamp(std::min({area_size.x / w, area_size.y / h, max_zoom}), kMinZoom, kMaxZoom);
  pan.x = area_min.x + 0.5f * (area_size.x - w * zoom) - layout.min.x * zoom;
  pan.y = area_min.y + 0.5f * (area_size.y - h * zoom) - layout.min.y * zoom;
}

void zoom_at(float factor, ImVec2 anchor, float& zoom, ImVec2& pan) {
  const float z = std::clamp(zoom * factor, kMinZoom, kMaxZoom);
  // The canvas point under the anchor, (anchor − pan) / zoom, stays put.
  pan.x = anchor.x - (anchor.x - pan.x) * (z / zoom);
  pan.y = anchor.y - (anchor.y - pan.y) * (z / zoom);
  zoom = z;
}

float distance_to_segment(ImVec2 p, ImVec2 a, ImVec2 b) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  float t = len2 > 0.0f ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0f;
  t = std::clamp(t, 0.0f, 1.0f);
  const float ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
  return std::sqrt(ex * ex + ey * ey);
}

}  // namespace bpv
