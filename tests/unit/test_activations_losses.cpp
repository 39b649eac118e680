// Each {name, f, df} table entry on its own: activations' derivatives and
// losses' gradients against central finite differences, the batched
// forward/backward against the scalar entries, the definitions of formats.md,
// and numerical safety at extreme inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "test_helpers.hpp"

namespace bpv {
namespace {

// Central difference of f at z with h = 1e-6·max(1, |z|): error O(h²) ≈ 1e-12.
template <class F>
double central_difference(F f, double z) {
  const double h = 1e-6 * std::max(1.0, std::abs(z));
  return (f(z + h) - f(z - h)) / (2.0 * h);
}

const double kProbePoints[] = {-7.5, -3.0, -1.3, -0.4, -0.05, 0.05, 0.3, 1.0, 2.2, 6.0};

TEST(Activations, TheTableHoldsTheSixOfFormatsMd) {
  for (const char* name : {"identity", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"}) {
    const Activation* a = find_activation(name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_EQ(a->name, name);
    EXPECT_EQ(a->elementwise(), std::string(name) != "softmax");
  }
  EXPECT_EQ(find_activation("swish"), nullptr);
  EXPECT_EQ(find_activation(""), nullptr);
}

TEST(Activations, ElementwiseDerivativesMatchCentralDifferences) {
  for (const Activation* act : all_activations()) {
    if (!act->elementwise()) continue;
    for (double z : kProbePoints) {
      const double numeric = central_difference(act->f, z);
      EXPECT_NEAR(act->df(z, act->f(z)), numeric, 1e-8 * std::max(1.0, std::abs(numeric)))
          << act->name << " at z = " << z;
    }
  }
}

TEST(Activations, ValuesFollowTheirDefinitions) {
  for (double z : kProbePoints) {
    EXPECT_EQ(test::activation("identity").f(z), z);
    EXPECT_EQ(test::activation("relu").f(z), z > 0 ? z : 0.0);
    EXPECT_DOUBLE_EQ(test::activation("leaky_relu").f(z), z > 0 ? z : 0.01 * z);
    EXPECT_NEAR(test::activation("sigmoid").f(z), 1.0 / (1.0 + std::exp(-z)), 4e-16);
    EXPECT_NEAR(test::activation("tanh").f(z), std::tanh(z), 1e-16);
  }
}

TEST(Activations, KinkSlopesAreFixedAtZero) {
  EXPECT_EQ(test::activation("relu").df(0.0, 0.0), 0.0);  // formats.md: relu'(0) = 0
  EXPECT_EQ(test::activation("leaky_relu").df(0.0, 0.0), 0.01);
  EXPECT_EQ(test::activation("leaky_relu").df(-2.0, -0.02), 0.01);
  EXPECT_EQ(test::activation("relu").df(-2.0, 0.0), 0.0);
}

TEST(Activations, BatchedForwardAndBackwardApplyTheTableEntries) {
  std::mt19937_64 rng(3);
  const Eigen::MatrixXd z = test::random_matrix(rng, 4, 5, -3.0, 3.0);
  const Eigen::MatrixXd g = test::random_matrix(rng, 4, 5, -1.0, 1.0);
  for (const Activation* act : all_activations()) {
    if (!act->elementwise()) continue;
    Eigen::MatrixXd a(4, 5), delta(4, 5);
    act->forward(z, a);
    act->backward(z, a, g, delta);
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 5; ++c) {
        EXPECT_EQ(a(r, c), act->f(z(r, c))) << act->name;
        EXPECT_EQ(delta(r, c), g(r, c) * act->df(z(r, c), a(r, c))) << act->name;
      }
  }
}

TEST(Activations, SigmoidIsFiniteAndSaturatesAtPlusMinus1e4) {
  const Activation& s = test::activation("sigmoid");
  for (double z : {1e4, -1e4, 1e300, -1e300}) {
    const double a = s.f(z);
    EXPECT_TRUE(std::isfinite(a)) << z;
    EXPECT_TRUE(std::isfinite(s.df(z, a))) << z;
    EXPECT_EQ(a, z > 0 ? 1.0 : 0.0) << z;
  }
  // Where e^{−z} overflows (z < −709.8) a naive 1/(1+e^{−z}) still gives 0, but
  // e^{−z} itself is ∞; make sure nothing on the way turns into NaN.
  for (double z : {-709.0, -710.0, -745.0, 709.0, 710.0}) {
    EXPECT_TRUE(std::isfinite(s.f(z))) << z;
    EXPECT_FALSE(std::isnan(s.df(z, s.f(z)))) << z;
  }
  // σ(−z) = 1 − σ(z) through the whole range, including where e^z underflows.
  for (double z : {0.5, 3.0, 20.0, 35.0}) EXPECT_NEAR(s.f(-z), 1.0 - s.f(z), 2e-16) << z;
  Eigen::MatrixXd z(1, 2), a(1, 2);
  z << 1e4, -1e4;
  s.forward(z, a);
  EXPECT_TRUE(a.allFinite());
}

TEST(Activations, SoftmaxIsMaxShiftedSoHugeLogitsStayFinite) {
  const Activation& softmax = test::activation("softmax");
  Eigen::MatrixXd z(3, 3), a(3, 3);
  z << 1e4, -1e4, 0.0,
       1e4, 1e4, 1e4 - 1.0,
       -1e4, -1e4 + 2.0, -1e4;
  softmax.forward(z, a);
  ASSERT_TRUE(a.allFinite()) << a;
  for (int r = 0; r < 3; ++r) EXPECT_NEAR(a.row(r).sum(), 1.0, 1e-15) << r;
  EXPECT_EQ(a(0, 0), 1.0);
  EXPECT_NEAR(a(1, 0), a(1, 1), 1e-16);
  EXPECT_NEAR(a(1, 0), 1.0 / (2.0 + std::exp(-1.0)), 1e-15);
  EXPECT_NEAR(a(2, 1), 1.0 / (1.0 + 2.0 * std::exp(-2.0)), 1e-15);
  Eigen::MatrixXd g = Eigen::MatrixXd::Ones(3, 3), delta(3, 3);
  softmax.backward(z, a, g, delta);
  EXPECT_TRUE(delta.allFinite());
}

TEST(Activations, SoftmaxIsInvariantToShiftingItsLogits) {
  const Activation& softmax = test::activation("softmax");
  Eigen::MatrixXd z(1, 4), shifted(1, 4), a(1, 4), b(1, 4);
  z << 0.3, -1.2, 2.0, 0.7;
  shifted = z.array() + 100.0;
  softmax.forward(z, a);
  softmax.forward(shifted, b);
  EXPECT_TRUE(a.isApprox(b, 1e-13));
  double denom = 0.0;
  for (int c = 0; c < 4; ++c) denom += std::exp(z(0, c));
  for (int c = 0; c < 4; ++c) EXPECT_NEAR(a(0, c), std::exp(z(0, c)) / denom, 1e-15);
}

TEST(Activations, SoftmaxBackwardIsTheJacobianTransposeTimesTheGradient) {
  // δ_j = ∂(g·a)/∂z_j, taken by central differences of the forward pass.
  const Activation& softmax = test::activation("softmax");
  std::mt19937_64 rng(8);
  const Eigen::MatrixXd z = test::random_matrix(rng, 3, 4, -2.0, 2.0);
  const Eigen::MatrixXd g = test::random_matrix(rng, 3, 4, -1.5, 1.5);
  Eigen::MatrixXd a(3, 4), delta(3, 4);
  softmax.forward(z, a);
  softmax.backward(z, a, g, delta);
  for (int r = 0; r < 3; ++r)
    for (int j = 0; j < 4; ++j) {
      auto g_dot_a = [&](double zj) {
        Eigen::MatrixXd zz = z.row(r), aa(1, 4);
        zz(0, j) = zj;
        softmax.forward(zz, aa);
        return (aa.array() * g.row(r).array()).sum();
      };
      EXPECT_NEAR(delta(r, j), central_difference(g_dot_a, z(r, j)), 1e-9) << r << "," << j;
    }
}

// ------------------------------------------------------------------ losses
// formats.md's definitions, written out here independently of losses.cpp.
double reference_term(std::string_view loss, double o, double y) {
  if (loss == "cross_entropy") return -y * std::log(o);
  if (loss == "binary_cross_entropy") return -(y * std::log(o) + (1 - y) * std::log(1 - o));
  return 0.5 * (o - y) * (o - y);
}

TEST(Losses, TheTableHoldsTheThreeOfFormatsMd) {
  for (const char* name : {"cross_entropy", "binary_cross_entropy", "mse"}) {
    ASSERT_NE(find_loss(name), nullptr) << name;
    EXPECT_EQ(find_loss(name)->name, name);
  }
  EXPECT_EQ(find_loss("hinge"), nullptr);
}

TEST(Losses, TermsFollowFormatsMdAndGradientsMatchCentralDifferences) {
  for (const Loss* loss : all_losses())
    for (double o : {0.03, 0.2, 0.5, 0.77, 0.96})
      for (double y : {0.0, 0.3, 1.0}) {
        EXPECT_NEAR(loss->term(o, y), reference_term(loss->name, o, y), 1e-14) << loss->name;
        const double numeric = central_difference([&](double oo) { return loss->term(oo, y); }, o);
        EXPECT_NEAR(loss->term_gradient(o, y), numeric, 1e-7 * std::max(1.0, std::abs(numeric)))
            << loss->name << " at o = " << o << ", y = " << y;
      }
}

TEST(Losses, BatchValueIsTheMeanOfPerExampleSums) {
  std::mt19937_64 rng(4);
  const Eigen::MatrixXd o = test::random_matrix(rng, 4, 3, 0.05, 0.95);
  const Eigen::MatrixXd y = test::random_matrix(rng, 4, 3, 0.0, 1.0);
  for (const Loss* loss : all_losses()) {
    double total = 0.0;
    for (int b = 0; b < 4; ++b)
      for (int i = 0; i < 3; ++i) total += reference_term(loss->name, o(b, i), y(b, i));
    EXPECT_NEAR(loss->value(o, y), total / 4.0, 1e-13) << loss->name;
  }
}

TEST(Losses, BatchGradientIsTheDerivativeOfTheBatchMean) {
  std::mt19937_64 rng(5);
  const Eigen::MatrixXd o = test::random_matrix(rng, 3, 2, 0.1, 0.9);
  const Eigen::MatrixXd y = test::random_matrix(rng, 3, 2, 0.0, 1.0);
  for (const Loss* loss : all_losses()) {
    Eigen::MatrixXd grad(3, 2);
    loss->gradient(o, y, grad);
    for (int b = 0; b < 3; ++b)
      for (int i = 0; i < 2; ++i) {
        auto value_at = [&](double v) {
          Eigen::MatrixXd oo = o;
          oo(b, i) = v;
          return loss->value(oo, y);
        };
        EXPECT_NEAR(grad(b, i), central_difference(value_at, o(b, i)), 1e-8) << loss->name;
        EXPECT_DOUBLE_EQ(grad(b, i), loss->term_gradient(o(b, i), y(b, i)) / 3.0) << loss->name;
      }
  }
}

TEST(Losses, SaturatedProbabilitiesGiveLargeFiniteLossNotInfinity) {
  const Loss& ce = test::loss("cross_entropy");
  const Loss& bce = test::loss("binary_cross_entropy");
  for (const Loss* loss : {&ce, &bce}) {
    EXPECT_TRUE(std::isfinite(loss->term(0.0, 1.0))) << loss->name;
    EXPECT_GT(loss->term(0.0, 1.0), 100.0) << loss->name;
    EXPECT_TRUE(std::isfinite(loss->term_gradient(0.0, 1.0))) << loss->name;
  }
  EXPECT_TRUE(std::isfinite(bce.term(1.0, 0.0)));
  EXPECT_TRUE(std::isfinite(bce.term_gradient(1.0, 0.0)));
  // A perfect prediction costs nothing.
  EXPECT_EQ(ce.term(1.0, 1.0), 0.0);
  EXPECT_EQ(bce.term(1.0, 1.0), 0.0);
  EXPECT_EQ(bce.term(0.0, 0.0), 0.0);
}

}  // namespace
}  // namespace bpv
