// The seed network's forward pass against the numbers the blog post publishes
// (shared/seed/published-values.json, "forward").
//
// Tolerances, and why:
// - The blog prints each value to a few decimals and carries those rounded
//   values on by hand. A published value is accepted when it is within ONE UNIT
//   of its last printed digit of the engine's full-precision value (not half a
//   unit): the blog truncates at least once, h2_out[0] = σ(2.731) = 0.93883…
//   printed as 0.938.
// - h1 is exact arithmetic on the inputs: 1e-12.
// - h2_in[2] is a known slip: published 4.001, true 1.35·0.5 + 1.27·0.7 +
//   1.8·0.8 + 1 = 4.004. The engine must give 4.004, not the slip.
// - The blog feeds h2_out rounded to [0.938, 0.94, 0.98] into layer 3, so its
//   O_in / O_out are not the full-precision ones. Two checks instead:
//   (a) the engine's layer 3 fed with the blog's rounded h2_out reproduces
//       O_in and O_out to half a unit of their last digit (proper rounding), and
//   (b) the full-precision O_in is within 4e-3 of the published one: the
//       rounding error of h2_out is at most 2.1e-3 per element, and each
//       O_in_j = Σ_i h2_out_i·W_ij moves by at most that times the largest
//       column sum of |W_kl| (1.9), i.e. < 4e-3; O_out moves by at most half
//       of that (the softmax Jacobian's row sums of |∂o/∂z| are ≤ 2·o(1−o) ≤ ½),
//       so 2e-3.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/stepper.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// A published number as printed: its value and one unit of its last digit.
struct Published {
  double value;
  double unit;
};
Published published(const std::string& printed) {
  const auto dot = printed.find('.');
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(printed.size() - dot - 1);
  return {std::stod(printed), std::pow(10.0, -decimals)};
}

Eigen::MatrixXd row(std::initializer_list<double> values) {
  Eigen::MatrixXd m(1, static_cast<Eigen::Index>(values.size()));
  int c = 0;
  for (double v : values) m(0, c++) = v;
  return m;
}

// Accepts when |engine − published| ≤ units × (one unit of the last printed digit).
void expect_matches_published(const Eigen::MatrixXd& engine, const std::vector<std::string>& printed,
                              double units, const char* what) {
  ASSERT_EQ(engine.cols(), static_cast<Eigen::Index>(printed.size())) << what;
  for (std::size_t j = 0; j < printed.size(); ++j) {
    const Published p = published(printed[j]);
    EXPECT_NEAR(engine(0, static_cast<Eigen::Index>(j)), p.value, units * p.unit)
        << what << "[" << j << "] published as " << printed[j];
  }
}

class SeedForward : public ::testing::Test {
 protected:
  void SetUp() override {
    stepper_.run_to_phase_end();  // the whole forward phase
    ASSERT_EQ(stepper_.ops()[stepper_.cursor() - 1].phase, Phase::Forward);
  }
  const LayerState& layer(int l) const { return stepper_.state().layers[l - 1]; }
  Stepper stepper_{load_scenario(test::scenario_path("seed.json"))};
};

TEST(SeedScenario, FileAndBuiltInDefaultAreTheSameNetwork) {
  const Scenario file = load_scenario(test::scenario_path("seed.json"));
  const Scenario built_in = seed_scenario();
  ASSERT_EQ(file.layer_count(), built_in.layer_count());
  for (int l = 0; l < file.layer_count(); ++l) {
    EXPECT_EQ(file.layers[l].weights, built_in.layers[l].weights) << "layer " << l + 1;
    EXPECT_EQ(file.layers[l].bias, built_in.layers[l].bias) << "layer " << l + 1;
    EXPECT_EQ(file.layers[l].activation, built_in.layers[l].activation) << "layer " << l + 1;
  }
  EXPECT_EQ(file.loss, built_in.loss);
  EXPECT_EQ(file.learning_rate, built_in.learning_rate);
  EXPECT_EQ(file.inputs, built_in.inputs);
  EXPECT_EQ(file.targets, built_in.targets);
  EXPECT_EQ(file.loss->name, "binary_cross_entropy");
}

TEST_F(SeedForward, FirstLayerIsExactArithmeticOnTheInput) {
  const Eigen::MatrixXd expected = row({1.35, 1.27, 1.8});
  EXPECT_TRUE(layer(1).pre_activation.isApprox(expected, 1e-12)) << layer(1).pre_activation;
  EXPECT_TRUE(layer(1).activation.isApprox(expected, 1e-12)) << layer(1).activation;  // ReLU of positives
  expect_matches_published(layer(1).pre_activation, {"1.35", "1.27", "1.8"}, 1.0, "h1_in");
  expect_matches_published(layer(1).activation, {"1.35", "1.27", "1.8"}, 1.0, "h1_out");
}

TEST_F(SeedForward, SecondLayerMatchesThePublishedRounding) {
  expect_matches_published(layer(2).pre_activation.leftCols(2), {"2.73", "2.76"}, 1.0, "h2_in");
  expect_matches_published(layer(2).activation, {"0.938", "0.94", "0.98"}, 1.0, "h2_out");
  // σ(z) = 1/(1+e^{−z}), not the blog's misprinted 1/(1+e^{z}) (which would give ≈ 0.06).
  for (int j = 0; j < 3; ++j)
    EXPECT_DOUBLE_EQ(layer(2).activation(0, j), 1.0 / (1.0 + std::exp(-layer(2).pre_activation(0, j))));
}

TEST_F(SeedForward, SecondLayerThirdInputIsTheTrueValueNotThePublishedSlip) {
  const double h2_in_3 = layer(2).pre_activation(0, 2);
  EXPECT_NEAR(h2_in_3, 4.004, 1e-12);
  EXPECT_GT(std::abs(h2_in_3 - 4.001), 2e-3) << "the engine reproduces the blog's slip 4.001";
}

TEST_F(SeedForward, OutputLayerOnTheBlogsRoundedInputsReproducesItsNumbers) {
  // Layer 3 alone, fed the h2_out the blog actually used.
  Scenario blog_layer3 = stepper_.scenario();
  blog_layer3.layers.erase(blog_layer3.layers.begin(), blog_layer3.layers.begin() + 2);
  blog_layer3.inputs = row({0.938, 0.94, 0.98});
  Stepper s(blog_layer3);
  s.run_to_phase_end();
  const LayerState& out = s.state().layers[0];
  expect_matches_published(out.pre_activation, {"1.8658", "2.2292", "2.8204"}, 0.5, "O_in");
  expect_matches_published(out.activation, {"0.19858", "0.28559", "0.51583"}, 0.5, "O_out");
}

TEST_F(SeedForward, OutputLayerAtFullPrecisionIsWithinTheBoundOfTheBlogsRounding) {
  const Eigen::MatrixXd published_in = row({1.8658, 2.2292, 2.8204});
  const Eigen::MatrixXd published_out = row({0.19858, 0.28559, 0.51583});
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(layer(3).pre_activation(0, j), published_in(0, j), 4e-3) << "O_in[" << j << "]";
    EXPECT_NEAR(layer(3).activation(0, j), published_out(0, j), 2e-3) << "O_out[" << j << "]";
  }
  EXPECT_NEAR(layer(3).activation.sum(), 1.0, 1e-15);
}

}  // namespace
}  // namespace bpv
