// The blog's backward pass has slips (published-values.json, "known_slips").
// Each test here recomputes one quantity with an independent formula written
// in the test, checks the engine against it (and against finite differences
// where the formula itself could be wrong), and checks that the engine does
// NOT give what the slip gives, so an engine making the same slip fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "engine/gradcheck.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

class SeedBackward : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = load_scenario(test::scenario_path("seed.json"));
    stepper_ = std::make_unique<Stepper>(scenario_);
    stepper_->jump_to(stepper_->op_count());
    numeric_ = gradcheck(scenario_);
  }
  const LayerState& layer(int l) const { return stepper_->state().layers[l - 1]; }
  // ∂L/∂b of layer l from finite differences (gradcheck's numeric side).
  double numeric_bias_gradient(int l, int j) const {
    for (const GradCheckEntry& e : numeric_.entries)
      if (e.layer == l && e.is_bias && e.col == j) return e.numeric;
    ADD_FAILURE() << "no bias entry";
    return 0;
  }

  Scenario scenario_;
  std::unique_ptr<Stepper> stepper_;
  GradCheckResult numeric_;
};

TEST_F(SeedBackward, LossGradientFollowsTheBinaryCrossEntropyFormula) {
  // formats.md: L = −Σ [y ln o + (1−y) ln(1−o)], so ∂L/∂o = −y/o + (1−y)/(1−o).
  auto formula = [](double o, double y) { return -y / o + (1.0 - y) / (1.0 - o); };
  const Eigen::MatrixXd& o = layer(3).activation;
  const Eigen::MatrixXd& y = scenario_.targets;
  for (int j = 0; j < 3; ++j)
    EXPECT_NEAR(layer(3).grad_activation(0, j), formula(o(0, j), y(0, j)), 1e-12 * std::abs(formula(o(0, j), y(0, j))))
        << "dE/dO_out[" << j << "]";

  // On the blog's own rounded outputs the formula gives about [−5.036, +1.400, +2.065]…
  const double blog_o[3] = {0.19858, 0.28559, 0.51583};
  const double expected[3] = {-5.036, 1.400, 2.065};
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(formula(blog_o[j], y(0, j)), expected[j], 1e-3);
  // …and the engine at full precision is close to that, far from the published [−3.706, −1.476, −1.689].
  const double slip[3] = {-3.70644, -1.4755, -1.6886};
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(layer(3).grad_activation(0, j), expected[j], 1e-2) << j;
    EXPECT_GT(std::abs(layer(3).grad_activation(0, j) - slip[j]), 1.0) << "published slip at " << j;
  }
  EXPECT_GT(layer(3).grad_activation(0, 1), 0.0) << "the (1−y) term's sign is flipped";
}

TEST_F(SeedBackward, SoftmaxBackwardUsesTheFullJacobianNotItsDiagonal) {
  const Eigen::MatrixXd& o = layer(3).activation;
  const Eigen::MatrixXd& g = layer(3).grad_activation;
  // The full Jacobian, written out: δ_j = Σ_i g_i ∂o_i/∂z_j, ∂o_i/∂z_j = o_i(1[i=j] − o_j).
  // The blog's slip: only the diagonal, δ_j = g_j o_j (1 − o_j).
  double largest_gap = 0.0;
  for (int j = 0; j < 3; ++j) {
    double full = 0.0;
    for (int i = 0; i < 3; ++i) full += g(0, i) * o(0, i) * ((i == j ? 1.0 : 0.0) - o(0, j));
    const double diagonal_only = g(0, j) * o(0, j) * (1.0 - o(0, j));
    EXPECT_NEAR(layer(3).delta(0, j), full, 1e-12) << j;
    // With one example, ∂L/∂b³ = δ³ = ∂L/∂z³: finite differences settle which is right.
    // Their error is ~1e-9 here, so a gap of 1e-3 is the wrong formula, not noise.
    const double numeric = numeric_bias_gradient(3, j);
    EXPECT_NEAR(layer(3).delta(0, j), numeric, 1e-6 * std::max(1.0, std::abs(numeric))) << j;
    EXPECT_GT(std::abs(diagonal_only - numeric), 1e-3) << "diagonal-only softmax at " << j;
    largest_gap = std::max(largest_gap, std::abs(layer(3).delta(0, j) - diagonal_only));
  }
  EXPECT_GT(largest_gap, 0.1);
  // The third diagonal element is o₃(1 − o₃) ≈ 0.2498, not the published 0.3685.
  EXPECT_NEAR(o(0, 2) * (1.0 - o(0, 2)), 0.2498, 5e-4);
}

TEST_F(SeedBackward, OutputWeightGradientIsTheOuterProductOfH2OutAndDelta) {
  // ∂L/∂W³ᵢⱼ = h2_out_i · δ³_j, for every column (the blog's middle column used −0.301).
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(layer(3).grad_weights(i, j), layer(2).activation(0, i) * layer(3).delta(0, j), 1e-15);
  for (const GradCheckEntry& e : numeric_.entries)
    if (e.layer == 3 && !e.is_bias) {
      EXPECT_LE(e.relative_error, 1e-6) << e.row << "," << e.col;
    }
  // The published dW_kl is negative in every column; the correct gradient
  // pushes the target's logit up (negative column) and the other two down.
  EXPECT_LT(layer(3).grad_weights(0, 0), 0.0);
  EXPECT_GT(layer(3).grad_weights(0, 1), 0.0);
  EXPECT_GT(layer(3).grad_weights(0, 2), 0.0);
}

TEST_F(SeedBackward, GradientIntoH1SumsOverAllThreeNeuronsOfLayerTwo) {
  const Eigen::MatrixXd& w2 = scenario_.layers[1].weights;  // before the update
  const Eigen::MatrixXd& d2 = layer(2).delta;
  for (int i = 0; i < 3; ++i) {
    double summed = 0.0;
    for (int j = 0; j < 3; ++j) summed += d2(0, j) * w2(i, j);
    const double one_weight_only = d2(0, i) * w2(i, i);  // the blog's W_j1k1, W_j2k2, W_j3k3
    EXPECT_NEAR(layer(1).grad_activation(0, i), summed, 1e-15) << i;
    EXPECT_GT(std::abs(layer(1).grad_activation(0, i) - one_weight_only),
              0.1 * std::abs(summed)) << "one weight per neuron at " << i;
    // ReLU's slope is 1 here (h1_in > 0), so ∂L/∂h1_out = ∂L/∂b¹ from finite differences.
    const double numeric = numeric_bias_gradient(1, i);
    EXPECT_NEAR(layer(1).grad_activation(0, i), numeric, 1e-6 * std::max(1e-4, std::abs(numeric))) << i;
  }
}

TEST_F(SeedBackward, SigmoidLayerDeltaUsesSigmaTimesOneMinusSigma) {
  for (int j = 0; j < 3; ++j) {
    const double s = layer(2).activation(0, j);
    EXPECT_NEAR(layer(2).delta(0, j), layer(2).grad_activation(0, j) * s * (1.0 - s), 1e-15) << j;
  }
}

TEST_F(SeedBackward, BiasGradientEqualsDeltaAndMatchesFiniteDifferences) {
  for (int l = 1; l <= 3; ++l)
    for (int j = 0; j < 3; ++j) {
      EXPECT_EQ(layer(l).grad_bias(0, j), layer(l).delta(0, j)) << "layer " << l;  // one example: Σ_b δ = δ
      EXPECT_NE(layer(l).grad_bias(0, j), 0.0) << "layer " << l;
      const double numeric = numeric_bias_gradient(l, j);
      EXPECT_NEAR(layer(l).grad_bias(0, j), numeric, 1e-6 * std::max(1e-4, std::abs(numeric)));
    }
}

TEST(BatchBackward, BiasGradientIsTheSumOfDeltaOverTheBatch) {
  std::mt19937_64 rng(21);
  const Scenario sc = test::random_scenario(
      rng, {3, 4, 2}, {find_activation("tanh"), find_activation("softmax")}, test::loss("cross_entropy"), 5);
  Trainer t(sc);
  t.step();
  for (int l = 1; l <= 2; ++l) {
    const LayerState& ls = t.state().layers[l - 1];
    for (int j = 0; j < ls.delta.cols(); ++j) {
      double sum = 0.0;
      for (int b = 0; b < 5; ++b) sum += ls.delta(b, j);
      EXPECT_NEAR(ls.grad_bias(0, j), sum, 1e-15);
    }
  }
}

TEST_F(SeedBackward, EveryWeightAndBiasIsUpdatedBySgd) {
  const double lr = scenario_.learning_rate;
  const Scenario& after = stepper_->state().scenario;
  for (int l = 1; l <= 3; ++l) {
    const Layer& before = scenario_.layers[l - 1];
    const Layer& now = after.layers[l - 1];
    for (int j = 0; j < 3; ++j) {
      EXPECT_NE(now.bias(0, j), before.bias(0, j)) << "bias of layer " << l << " not updated";
      EXPECT_DOUBLE_EQ(now.bias(0, j), before.bias(0, j) - lr * layer(l).grad_bias(0, j));
      for (int i = 0; i < 3; ++i) {
        EXPECT_NE(now.weights(i, j), before.weights(i, j));
        EXPECT_DOUBLE_EQ(now.weights(i, j), before.weights(i, j) - lr * layer(l).grad_weights(i, j));
      }
    }
  }
  // One SGD step with a small learning rate lowers the loss.
  EXPECT_LT(forward_loss(after), forward_loss(scenario_));
}

}  // namespace
}  // namespace bpv
