// The decision grid (core/insight/decision_grid.hpp): every grid point's output
// equals a single forward pass of that point through the engine's own ops,
// the grid covers the extent as documented, and only 2-input nets are taken.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <chrono>
#include <thread>

#include "insight/decision_grid.hpp"
#include "insight/decision_region_job.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// The network's output for one input point, through the stepper's forward ops.
Eigen::RowVectorXd single_forward(Scenario sc, const Eigen::Vector2d& x) {
  sc.inputs = x.transpose();
  sc.targets = Eigen::MatrixXd::Zero(1, sc.output_size());
  Stepper st(sc);
  st.jump_to(2 * static_cast<std::size_t>(sc.layer_count()));  // affine + activation per layer
  return st.state().layers.back().activation.row(0);
}

void expect_grid_matches_single_passes(const Scenario& sc, int n) {
  DecisionGrid grid;
  const PlaneExtent extent = extent_around_inputs(sc.inputs);
  const Eigen::MatrixXd out = grid.evaluate(sc, extent, n);
  ASSERT_EQ(out.rows(), n * n);
  ASSERT_EQ(out.cols(), sc.output_size());
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const Eigen::RowVectorXd one = single_forward(sc, DecisionGrid::point(extent, n, r, c));
      for (int k = 0; k < sc.output_size(); ++k)
        EXPECT_NEAR(out(r * n + c, k), one(k), 1e-12) << sc.name << " point (" << r << ", " << c << ")";
    }
}

TEST(DecisionGrid, EveryPointEqualsASingleForwardPass) {
  expect_grid_matches_single_passes(load_scenario(test::scenario_path("xor.json")), 9);
  expect_grid_matches_single_passes(load_scenario(test::scenario_path("deep_sigmoid.json")), 7);
  // Softmax output with three classes and a ReLU layer.
  std::mt19937_64 rng(11);
  expect_grid_matches_single_passes(
      test::random_scenario(rng, {2, 5, 3}, {&test::activation("relu"), &test::activation("softmax")},
                            test::loss("cross_entropy"), 6),
      8);
}

// With features, a grid point is one raw row of the data set: the mini-batch
// op computes its features, then the forward ops run.
TEST(DecisionGrid, WithFeaturesEachPointGoesInAsItsFeatures) {
  const Scenario sc = load_scenario(test::scenario_path("spiral_features.json"));
  ASSERT_FALSE(sc.data.features.empty());
  ASSERT_GT(sc.input_size, 2);
  ASSERT_TRUE(has_plane_inputs(sc));
  DecisionGrid grid;
  const PlaneExtent extent{-6.0, 6.0, -5.0, 5.0};
  const int n = 5;
  const Eigen::MatrixXd out = grid.evaluate(sc, extent, n);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      Scenario one = sc;
      one.data.train_raw = DecisionGrid::point(extent, n, r, c).transpose();
      one.data.train_targets = Eigen::MatrixXd::Zero(1, sc.output_size());
      one.data.batching.reset();
      one.progress = Progress{};
      load_mini_batch(one);
      Stepper st(one);
      st.jump_to(1 + 2 * static_cast<std::size_t>(sc.layer_count()));  // the mini-batch op, then the forward ops
      for (int k = 0; k < sc.output_size(); ++k)
        EXPECT_NEAR(out(r * n + c, k), st.state().layers.back().activation(0, k), 1e-12);
    }
}

TEST(DecisionGrid, ReusedGridFollowsNewWeights) {
  Scenario sc = load_scenario(test::scenario_path("xor.json"));
  DecisionGrid grid;
  const PlaneExtent extent = extent_around_inputs(sc.inputs);
  const Eigen::MatrixXd first = grid.evaluate(sc, extent, 5);
  sc.layers[1].weights *= -1.0;
  const Eigen::MatrixXd& second = grid.evaluate(sc, extent, 5);
  EXPECT_NE(first, second);
  EXPECT_NEAR(second(12, 0), single_forward(sc, DecisionGrid::point(extent, 5, 2, 2))(0), 1e-12);
}

// The grid computes tanh and sigmoid from Eigen's vectorised exp, not the
// table's std::tanh / std::exp: at all 100 × 100 points of the Insight tab's
// grid it must stay within 1e-12 of the table's functions point by point, on
// the spiral net as loaded, and with weights scaled up until the neurons
// saturate and e^{2z} overflows (z in the thousands).
TEST(DecisionGrid, FastTanhAndSigmoidStayWithin1e12OfTheTableAtEveryPoint) {
  Scenario spiral = load_scenario(test::scenario_path("spiral.json"));
  Scenario sigmoid = spiral;
  for (Layer& layer : sigmoid.layers) layer.activation = &test::activation("sigmoid");
  for (const Scenario* base : {&spiral, &sigmoid})
    for (double scale : {1.0, 8.0, 1000.0}) {
      Scenario sc = *base;
      for (Layer& layer : sc.layers) {
        layer.weights *= scale;
        layer.bias.setConstant(0.1 * scale);
      }
      DecisionGrid grid;
      const int n = 100;
      const PlaneExtent extent = extent_around_inputs(sc.data.train_raw);
      const Eigen::MatrixXd& out = grid.evaluate(sc, extent, n);
      double worst = 0.0;
      Eigen::MatrixXd a = Eigen::MatrixXd(1, 2), z;
      for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
          a = DecisionGrid::point(extent, n, r, c).transpose();
          for (const Layer& layer : sc.layers) {
            z = a * layer.weights + layer.bias;
            a.resize(1, layer.size());
            layer.activation->forward(z, a);
          }
          worst = std::max(worst, std::abs(out(r * n + c, 0) - a(0, 0)));
        }
      EXPECT_LE(worst, 1e-12) << base->layers[0].activation->name << " weights × " << scale;
    }
}

TEST(DecisionGrid, PointsAreCellCentresWithX2UpAndX1Right) {
  const Scenario sc = load_scenario(test::scenario_path("xor.json"));
  const PlaneExtent e = extent_around_inputs(sc.inputs);
  EXPECT_DOUBLE_EQ(e.x1_min, -0.25);
  EXPECT_DOUBLE_EQ(e.x1_max, 1.25);
  EXPECT_DOUBLE_EQ(e.x2_min, -0.25);
  EXPECT_DOUBLE_EQ(e.x2_max, 1.25);
  const int n = 10;  // cells of 0.15
  EXPECT_TRUE(DecisionGrid::point(e, n, 0, 0).isApprox(Eigen::Vector2d(-0.175, 1.175)));      // top left
  EXPECT_TRUE(DecisionGrid::point(e, n, n - 1, n - 1).isApprox(Eigen::Vector2d(1.175, -0.175)));  // bottom right
}

TEST(DecisionGrid, RefusesNetworksWithoutTwoInputs) {
  DecisionGrid grid;
  EXPECT_THROW(grid.evaluate(seed_scenario(), PlaneExtent{}, 10), std::invalid_argument);
}

// The Insight panel's job computes off the UI thread exactly what the grid
// computes in place, and hands its buffers back for the next one.
TEST(DecisionRegionJob, GivesTheGridsOutputAndItsBuffersBack) {
  const Scenario sc = load_scenario(test::scenario_path("xor.json"));
  const PlaneExtent extent = extent_around_inputs(sc.inputs);
  DecisionGrid direct;
  const Eigen::MatrixXd expected = direct.evaluate(sc, extent, 40);
  DecisionRegionJob job(sc, extent, 40);
  while (!job.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(test::bit_identical(job.output(), expected));
  EXPECT_GE(job.milliseconds(), 0.0);
  EXPECT_EQ(job.extent(), extent);
  // The next job on the same buffers, with other weights: their output, not the last one's.
  Scenario moved = sc;
  moved.layers[0].weights *= 1.5;
  DecisionRegionJob next(moved, extent, 40, job.take_grid());
  while (!next.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(test::bit_identical(next.output(), direct.evaluate(moved, extent, 40)));
}

TEST(DecisionRegionJob, JobsDroppedWhileRunningDoNotDisturbTheNext) {
  // The panel drops a job whenever it goes: each waits for its own pass on
  // its own copy of the weights, so the next job's output is untouched.
  const Scenario sc = load_scenario(test::scenario_path("spiral.json"));
  const PlaneExtent extent = extent_around_inputs(sc.inputs);
  for (int k = 0; k < 20; ++k) DecisionRegionJob dropped(sc, extent, 100);
  DecisionRegionJob kept(sc, extent, 100);
  while (!kept.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  DecisionGrid direct;
  EXPECT_TRUE(test::bit_identical(kept.output(), direct.evaluate(sc, extent, 100)));
}

}  // namespace
}  // namespace bpv
