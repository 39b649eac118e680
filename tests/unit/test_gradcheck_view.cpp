// What the Gradient check and Insight views read from core/: the per-weight
// gradient check (gradcheck_maps, the subset bound) and the per-layer
// gradient sizes that show vanishing gradients.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "engine/gradcheck.hpp"
#include "engine/gradcheck_job.hpp"
#include "insight/layer_gradients.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

TEST(GradCheckMaps, EveryWeightOfASmallNetHasItsEntrysError) {
  const Scenario sc = load_scenario(test::scenario_path("xor.json"));
  const GradCheckResult r = gradcheck(sc);
  ASSERT_EQ(r.entries.size(), r.parameter_count);  // tanh and sigmoid: no kinks, no subset
  const GradCheckMaps maps = gradcheck_maps(r, sc);
  ASSERT_EQ(maps.weights.size(), 2u);
  for (const GradCheckEntry& e : r.entries) {
    const double m = e.is_bias ? maps.bias[e.layer - 1](0, e.col) : maps.weights[e.layer - 1](e.row, e.col);
    EXPECT_EQ(m, e.relative_error);
    EXPECT_LE(m, kGradCheckTolerance);
  }
  for (const Eigen::MatrixXd& w : maps.weights) EXPECT_TRUE(w.allFinite());
}

TEST(GradCheckMaps, ABoundedSubsetLeavesTheRestUnchecked) {
  const Scenario sc = load_scenario(test::scenario_path("mnist_shaped.json"));
  const GradCheckResult r = gradcheck(sc, 64);
  EXPECT_LE(r.entries.size() + r.skipped_at_kinks, 64u);
  EXPECT_GT(r.entries.size(), 0u);
  EXPECT_LE(r.max_relative_error, kGradCheckTolerance);
  const GradCheckMaps maps = gradcheck_maps(r, sc);
  std::size_t checked = 0;
  for (const auto* side : {&maps.weights, &maps.bias})
    for (const Eigen::MatrixXd& m : *side) checked += static_cast<std::size_t>((m.array() == m.array()).count());
  EXPECT_EQ(checked, r.entries.size()) << "NaN marks exactly the parameters not checked";
}

void expect_same_check(const GradCheckResult& a, const GradCheckResult& b) {
  ASSERT_EQ(a.entries.size(), b.entries.size());
  EXPECT_EQ(a.parameter_count, b.parameter_count);
  EXPECT_EQ(a.skipped_at_kinks, b.skipped_at_kinks);
  EXPECT_EQ(a.worst, b.worst);
  EXPECT_EQ(a.max_relative_error, b.max_relative_error);
  for (std::size_t k = 0; k < a.entries.size(); ++k) {
    const GradCheckEntry &x = a.entries[k], &y = b.entries[k];
    EXPECT_EQ(x.layer, y.layer);
    EXPECT_EQ(x.is_bias, y.is_bias);
    EXPECT_EQ(x.row, y.row);
    EXPECT_EQ(x.col, y.col);
    EXPECT_EQ(x.analytic, y.analytic);
    EXPECT_EQ(x.numeric, y.numeric);
  }
}

void wait_ready(const GradCheckJob& job) {
  for (int i = 0; i < 60000 && !job.ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(job.ready());
}

TEST(GradCheckJob, ChecksInSlicesWhatTheCheckInOneGoChecks) {
  for (const char* file : {"seed.json", "xor.json", "mnist_shaped.json"}) {
    SCOPED_TRACE(file);
    const Scenario sc = load_scenario(test::scenario_path(file));
    const std::size_t bound = std::string(file) == "mnist_shaped.json" ? 64 : kGradCheckMaxParameters;
    GradCheckJob job(sc, bound);
    wait_ready(job);
    EXPECT_EQ(job.progress(), 1.0);
    expect_same_check(job.result(), gradcheck(sc, bound));
    const GradCheckMaps maps = gradcheck_maps(job.result(), sc);
    ASSERT_EQ(job.maps().weights.size(), maps.weights.size());
    for (std::size_t l = 0; l < maps.weights.size(); ++l)
      EXPECT_TRUE(job.maps().weights[l].cwiseEqual(maps.weights[l]).count() +
                      (maps.weights[l].array() != maps.weights[l].array()).count() ==
                  maps.weights[l].size())
          << "the same errors, NaN where not checked";
  }
}

TEST(GradCheckChecker, CountsTheSubsetItChecks) {
  const Scenario sc = load_scenario(test::scenario_path("mnist_shaped.json"));
  GradChecker checker(sc, 100);
  const std::size_t n = checker.to_check();
  EXPECT_LE(n, 100u);
  EXPECT_GT(n, 50u);
  std::size_t steps = 0;
  while (checker.check_next()) ++steps;
  EXPECT_EQ(steps + 1, n);  // the last call checks the last one and says none is left
  EXPECT_EQ(checker.checked(), n);
  EXPECT_EQ(checker.result().entries.size() + checker.result().skipped_at_kinks, n);
  EXPECT_FALSE(checker.check_next());  // done stays done
  EXPECT_EQ(checker.checked(), n);
}

TEST(GradCheckJob, ADroppedJobStopsAndANewOneStillFinishes) {
  // The whole bound of a 784-128-64-10 net takes seconds: a job dropped at
  // once (the app closing, the panel's UiState going) must stop, not finish
  // first; the next job on the same weights gives the full result.
  const Scenario sc = load_scenario(test::scenario_path("mnist_shaped.json"));
  for (int k = 0; k < 3; ++k) {
    auto dropped = std::make_unique<GradCheckJob>(sc);
    EXPECT_LT(dropped->progress(), 1.0);
    dropped.reset();
  }
  GradCheckJob job(sc, 32);
  wait_ready(job);
  expect_same_check(job.result(), gradcheck(sc, 32));
}

TEST(LayerGradients, AreTheEnginesGradWeights) {
  const Scenario sc = load_scenario(test::scenario_path("xor.json"));
  Stepper st(sc);
  st.jump_to(st.op_count());
  const auto sizes = layer_gradient_sizes(sc);
  ASSERT_EQ(sizes.size(), 2u);
  for (int l = 1; l <= 2; ++l) {
    const Eigen::MatrixXd& g = st.state().layers[l - 1].grad_weights;
    EXPECT_DOUBLE_EQ(sizes[l - 1].rms, std::sqrt(g.squaredNorm() / g.size()));
    EXPECT_DOUBLE_EQ(sizes[l - 1].max_abs, g.cwiseAbs().maxCoeff());
  }
}

TEST(LayerGradients, DeepSigmoidGradientsVanishAndReluKeepsThem) {
  const Scenario sigmoid = load_scenario(test::scenario_path("deep_sigmoid.json"));
  const Scenario relu = with_hidden_activation(sigmoid, "relu");
  EXPECT_EQ(relu.layers.back().activation->name, "sigmoid") << "the output layer keeps its activation";
  EXPECT_EQ(relu.layers.front().activation->name, "relu");
  const auto s = layer_gradient_sizes(sigmoid);
  const auto r = layer_gradient_sizes(relu);
  const std::size_t last = s.size() - 1;
  // The sigmoid net's first layer gets a tiny fraction of the last layer's gradient …
  EXPECT_LT(s[0].rms, 1e-3 * s[last].rms);
  // … the same weights with ReLU keep far more of it.
  EXPECT_GT(r[0].rms / r[last].rms, 100.0 * s[0].rms / s[last].rms);
  EXPECT_TRUE(gradients_vanish(s));
}

// The Insight tab says "vanishing" only where the sizes support it: not on
// the 3-layer seed, whose first layer is ~100× smaller for another reason.
TEST(LayerGradients, VanishingIsClaimedOnlyForAStaircaseDownADeepNet) {
  const auto seed = layer_gradient_sizes(load_scenario(test::scenario_path("seed.json")));
  ASSERT_EQ(seed.size(), 3u);
  EXPECT_GT(seed.back().rms, 10.0 * seed.front().rms) << "the seed's first layer is small";
  EXPECT_FALSE(gradients_vanish(seed));
  // Deep, shrinking layer by layer: yes; one layer out of the staircase: no.
  std::vector<LayerGradientSize> stairs = {{1e-4, 0}, {1e-3, 0}, {1e-2, 0}, {1e-1, 0}};
  EXPECT_TRUE(gradients_vanish(stairs));
  stairs[2].rms = 1e-4;
  EXPECT_FALSE(gradients_vanish(stairs));
  EXPECT_FALSE(gradients_vanish({{1e-3, 0}, {1e-2, 0}, {1e-1, 0}}));
}

}  // namespace
}  // namespace bpv
