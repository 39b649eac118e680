// The canvas layout of layers that are not neurons and edges: feature maps
// as tiles (every pixel found again under the mouse), a conv layer's kernels
// between its columns, batch norm's statistics beside their features.
#include <gtest/gtest.h>

#include "canvas/graph_layout.hpp"

namespace bpv {
namespace {

const ImVec2 kArea{1000.0f, 600.0f};
constexpr float kTextPx = 13.0f;

// 1×8×8 → conv 4×3×3 (4×8×8) → max pool 2 (4×4×4) → dense 10, as digits_conv.
std::vector<ColumnSpec> digits_conv() {
  return {ColumnSpec{64, 1, 8, 8, false, GapKind::Edges, 0}, ColumnSpec{256, 4, 8, 8, true, GapKind::Kernels, 3},
          ColumnSpec{64, 4, 4, 4, true, GapKind::Elementwise, 0}, ColumnSpec{10, 0, 0, 0, false, GapKind::Edges, 0}};
}

TEST(GraphLayout, EveryPixelOfEveryFeatureMapIsFoundAgainUnderTheMouse) {
  const GraphLayout g = make_graph_layout(digits_conv(), kArea, kTextPx);
  ASSERT_EQ(g.columns.size(), 4u);
  for (int l = 0; l < 3; ++l) {
    const ColumnLayout& c = g.columns[static_cast<std::size_t>(l)];
    ASSERT_TRUE(c.image) << l;
    EXPECT_EQ(c.channels * c.rows * c.cols, c.size);
    for (int j = 0; j < c.size; ++j) {
      const ImVec2 p = c.center(j);
      EXPECT_EQ(c.neuron_at(p), j) << "layer " << l << " pixel " << j;
      EXPECT_GE(p.x, c.min.x);
      EXPECT_LE(p.x, c.max.x);
      EXPECT_GE(p.y, c.min.y);
      EXPECT_LE(p.y, c.max.y);
    }
  }
  // The gradient twin of a hidden layer's maps: the same unit, twin_dx to the right.
  const ColumnLayout& h1 = g.columns[1];
  ASSERT_TRUE(h1.twin);
  EXPECT_FALSE(g.columns[0].twin);
  for (int j = 0; j < h1.size; ++j) {
    const ImVec2 p = h1.center(j);
    EXPECT_EQ(h1.neuron_at(ImVec2(p.x + h1.twin_dx, p.y)), j) << j;
  }
  EXPECT_LE(h1.cells_min.x + h1.twin_dx + h1.cell_w * static_cast<float>(h1.mosaic_cols()), h1.max.x + 1e-3f);
  // The space between two tiles is no pixel.
  const ColumnLayout& maps = g.columns[1];
  const ImVec2 last_of_first = maps.cell_min(63), first_of_second = maps.cell_min(64);
  const ImVec2 between{0.5f * (last_of_first.x + first_of_second.x) + 0.5f * maps.cell_w,
                       last_of_first.y + 1.5f * maps.cell_h};
  EXPECT_NE(maps.neuron_at(between), 63);
  EXPECT_NE(maps.neuron_at(between), 64);
}

TEST(GraphLayout, TheKernelsSitBetweenTheirColumnsOneTileAChannelPair) {
  const GraphLayout g = make_graph_layout(digits_conv(), kArea, kTextPx);
  const GapLayout& k = g.gaps[1];
  EXPECT_EQ(k.kind, GapKind::Kernels);
  EXPECT_FALSE(k.edges());
  EXPECT_FALSE(k.heatmap);
  EXPECT_EQ(k.kernel, 3);
  EXPECT_EQ(k.in_channels, 1);
  EXPECT_EQ(k.out_channels, 4);
  EXPECT_GT(k.min.x, g.columns[0].max.x);
  EXPECT_LT(k.max.x, g.columns[1].min.x);
  // Square texels: 1 tile across, 4 down, one texel of space between.
  const float texel_w = (k.max.x - k.min.x) / 3.0f, texel_h = (k.max.y - k.min.y) / (4 * 4 - 1);
  EXPECT_NEAR(texel_w, texel_h, 1e-3f);
  EXPECT_EQ(g.gaps[2].kind, GapKind::Elementwise);
  // The dense layer after the maps keeps its weight images.
  EXPECT_TRUE(g.gaps[3].edges());
  EXPECT_TRUE(g.gaps[3].heatmap);
  EXPECT_TRUE(g.gaps[3].weight_images);
  EXPECT_EQ(g.gaps[3].image_rows, 16);  // the 4 channels of 4 rows, stacked
}

TEST(GraphLayout, BatchNormStatisticsStandBesideTheirNeurons) {
  // 2 → dense 8 → batch norm (8) → dense 1, as spiral_batch_norm.
  const std::vector<ColumnSpec> specs = {ColumnSpec{2}, ColumnSpec{8}, ColumnSpec{8, 0, 0, 0, false, GapKind::Statistics, 0},
                                         ColumnSpec{1}};
  const GraphLayout g = make_graph_layout(specs, kArea, kTextPx);
  const GapLayout& s = g.gaps[2];
  ASSERT_EQ(s.kind, GapKind::Statistics);
  ASSERT_EQ(s.stats_y.size(), 8u);
  EXPECT_GT(s.stats_cell_w, 0.0f);
  for (int f = 0; f < 8; ++f)  // each row centred on its neuron
    EXPECT_NEAR(s.stats_y[static_cast<std::size_t>(f)] + 0.5f * s.stats_cell_h, g.columns[1].center(f).y, 1e-3f) << f;
  EXPECT_GT(s.min.x, g.columns[1].max.x);
  EXPECT_LT(s.max.x, g.columns[2].min.x);
}

TEST(GraphLayout, ANetworkOfDenseLayersIsLaidOutAsBefore) {
  const GraphLayout g = make_graph_layout({ColumnSpec{3}, ColumnSpec{3}, ColumnSpec{3}}, kArea, kTextPx);
  for (const ColumnLayout& c : g.columns) {
    EXPECT_FALSE(c.image);
    EXPECT_FALSE(c.compact);
  }
  EXPECT_TRUE(g.gaps[1].edges());
  EXPECT_FALSE(g.gaps[1].heatmap);
}

}  // namespace
}  // namespace bpv
