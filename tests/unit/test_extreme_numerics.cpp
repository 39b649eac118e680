// Extreme numerics (issue 6 §3): logits of ±1e4, inputs up to 1e300, learning
// rates up to 1e6, targets of exactly 0 or 1 on saturated outputs. The loss
// and the gradients stay finite and exact wherever the mathematics allows
// (losses.hpp: the output layer is read through its logits), and where a value
// does overflow, the engine names the first op that produced it.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/describe.hpp"
#include "layers/losses.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"
#include "formats/trace.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

const Activation& act(const char* name) { return *find_activation(name); }
const Loss& loss_named(const char* name) { return *find_loss(name); }

// One layer, identity weights: the output layer's logits z are the inputs.
Scenario logits_scenario(const char* activation, const char* loss, std::initializer_list<double> z,
                         std::initializer_list<double> y) {
  Scenario sc;
  sc.name = "extreme";
  sc.input_size = static_cast<int>(z.size());
  Layer layer;
  layer.activation = find_activation(activation);
  layer.weights = Eigen::MatrixXd::Identity(sc.input_size, sc.input_size);
  layer.bias = Eigen::MatrixXd::Zero(1, sc.input_size);
  sc.layers.push_back(layer);
  sc.loss = find_loss(loss);
  sc.learning_rate = 0.01;
  sc.inputs = Eigen::MatrixXd(1, sc.input_size);
  sc.targets = Eigen::MatrixXd(1, sc.input_size);
  int k = 0;
  for (double v : z) sc.inputs(0, k++) = v;
  k = 0;
  for (double v : y) sc.targets(0, k++) = v;
  return sc;
}

std::size_t op_index(const Stepper& s, OpKind kind, int layer) {
  for (std::size_t k = 0; k < s.op_count(); ++k)
    if (s.ops()[k].kind == kind && s.ops()[k].layer == layer) return k;
  ADD_FAILURE() << "no such op";
  return 0;
}

bool weights_finite(const Scenario& sc) {
  for (const Layer& l : sc.layers)
    if (!l.weights.allFinite() || !l.bias.allFinite()) return false;
  return true;
}

// ---------------------------------------------------------------- softmax + cross_entropy

TEST(ExtremeNumerics, SoftmaxCrossEntropyWithLogitsOfPlusMinus1e4HasTheExactLossAndGradient) {
  // z = (1e4, −1e4), the target is the losing class: o = (1, 0) to the last
  // bit, so ln o₂ would be ln 0. Log-softmax: L = −z₂ + ln(e^z₁ + e^z₂) = 2e4.
  Stepper s(logits_scenario("softmax", "cross_entropy", {1e4, -1e4}, {0.0, 1.0}));
  s.jump_to(s.op_count());
  const LayerState& out = s.state().layers[0];
  EXPECT_EQ(out.activation(0, 0), 1.0);
  EXPECT_EQ(out.activation(0, 1), 0.0);
  EXPECT_EQ(s.state().loss_value(), 2e4);
  // δ = o − y, exactly.
  EXPECT_EQ(out.delta(0, 0), 1.0);
  EXPECT_EQ(out.delta(0, 1), -1.0);
  // ∂L/∂W = xᵀδ and the update are finite.
  EXPECT_EQ(out.grad_weights(0, 0), 1e4);
  EXPECT_EQ(out.grad_weights(1, 1), 1e4);
  EXPECT_TRUE(weights_finite(s.state().scenario));
  // ∂L/∂o₂ = −1/o₂ = −1/0 is a true overflow (o₂ = e^−2e4): it is the one
  // non-finite value, and the report names the op that produced it.
  EXPECT_EQ(out.grad_activation(0, 1), -std::numeric_limits<double>::infinity());
  ASSERT_TRUE(s.first_non_finite().has_value());
  EXPECT_EQ(s.first_non_finite()->op_index, op_index(s, OpKind::LossGradient, 1));
  EXPECT_EQ(s.first_non_finite()->op_title, describe_title(s.ops()[op_index(s, OpKind::LossGradient, 1)], s.scenario()));
}

TEST(ExtremeNumerics, SoftmaxCrossEntropyOnTheWinningClassIsZeroAndEverythingFinite) {
  Stepper s(logits_scenario("softmax", "cross_entropy", {1e4, -1e4, 0.0}, {1.0, 0.0, 0.0}));
  s.jump_to(s.op_count());
  EXPECT_EQ(s.state().loss_value(), 0.0);
  EXPECT_TRUE(s.state().layers[0].delta.isZero(0.0));
  EXPECT_FALSE(s.first_non_finite().has_value());
}

// ---------------------------------------------------------------- sigmoid + binary_cross_entropy

TEST(ExtremeNumerics, SaturatedSigmoidUnderBinaryCrossEntropyKeepsTheTrueLossAndDelta) {
  // z = +1e4 with y = 0 and z = −1e4 with y = 1: each output is exactly wrong
  // and saturated (σ = 1 or 0), so ln(1 − σ) and ln σ are ln 0. From the
  // logits: L = softplus(1e4) + softplus(1e4) = 2e4, δ = σ(z) − y = (1, −1).
  // (The guarded logs gave 2·690.8 and δ = 0: a wrong loss and a stuck net.)
  Stepper s(logits_scenario("sigmoid", "binary_cross_entropy", {1e4, -1e4}, {0.0, 1.0}));
  s.jump_to(s.op_count());
  const LayerState& out = s.state().layers[0];
  EXPECT_EQ(s.state().loss_value(), 2e4);
  EXPECT_EQ(out.delta(0, 0), 1.0);
  EXPECT_EQ(out.delta(0, 1), -1.0);
  EXPECT_TRUE(out.grad_weights.allFinite());
  EXPECT_TRUE(weights_finite(s.state().scenario));
  ASSERT_TRUE(s.first_non_finite().has_value());  // ∂L/∂o = 1/(1 − σ(1e4)) = 1/0
  EXPECT_EQ(s.ops()[s.first_non_finite()->op_index].kind, OpKind::LossGradient);
}

TEST(ExtremeNumerics, SaturatedSigmoidOnTheRightSideIsZeroLossAndFinite) {
  Stepper s(logits_scenario("sigmoid", "binary_cross_entropy", {1e4, -1e4}, {1.0, 0.0}));
  s.jump_to(s.op_count());
  EXPECT_EQ(s.state().loss_value(), 0.0);
  EXPECT_TRUE(s.state().layers[0].delta.isZero(0.0));
  EXPECT_FALSE(s.first_non_finite().has_value());
  EXPECT_EQ(s.state().layers[0].grad_activation(0, 0), -1.0);
  EXPECT_EQ(s.state().layers[0].grad_activation(0, 1), 1.0);
}

TEST(ExtremeNumerics, SigmoidLossIsExactWhereOneMinusSigmaRoundsToZero) {
  // z = 40: σ(z) = 1 − 4.2e−18 rounds to 1, but ln(1 − σ) = −softplus(40) = −40.
  Stepper s(logits_scenario("sigmoid", "binary_cross_entropy", {40.0}, {0.0}));
  s.jump_to(s.op_count());
  EXPECT_NEAR(s.state().loss_value(), 40.0, 1e-14);
  EXPECT_EQ(s.state().layers[0].delta(0, 0), 1.0);
  // ∂L/∂o = 1/(1 − σ(40)) = e⁴⁰(1 + e⁻⁴⁰): large but finite, from σ(−z).
  EXPECT_NEAR(s.state().layers[0].grad_activation(0, 0) / std::exp(40.0), 1.0, 1e-14);
  EXPECT_FALSE(s.first_non_finite().has_value());
}

TEST(ExtremeNumerics, SigmoidCrossEntropyFromLogits) {
  Stepper s(logits_scenario("sigmoid", "cross_entropy", {-1e4, 3.0}, {1.0, 0.0}));
  s.jump_to(s.op_count());
  EXPECT_EQ(s.state().loss_value(), 1e4);  // −ln σ(−1e4) = softplus(1e4)
  EXPECT_EQ(s.state().layers[0].delta(0, 0), -1.0);  // −y(1 − σ(z))
  EXPECT_EQ(s.state().layers[0].delta(0, 1), 0.0);
  EXPECT_TRUE(weights_finite(s.state().scenario));
}

// ---------------------------------------------------------------- softmax + binary_cross_entropy (the seed's pair)

TEST(ExtremeNumerics, SoftmaxBinaryCrossEntropySaturatedStaysFinite) {
  // The seed's loss on a softmax whose largest output rounds to 1:
  // ln(1 − o₁) = ln(e^z₂ + e^z₃) − ln Σe^z, taken without forming 1 − o₁.
  const double z1 = 1e4, z2 = 0.0, z3 = -1.0;
  Stepper s(logits_scenario("softmax", "binary_cross_entropy", {z1, z2, z3}, {0.0, 1.0, 0.0}));
  s.jump_to(s.op_count());
  const double lse = z1;  // ln Σe^z = 1e4 + ln(1 + e^−1e4 + …) = 1e4 in doubles
  const double ln_c1 = std::log(std::exp(z2) + std::exp(z3)) - lse;
  // −ln o₂ − ln(1 − o₁) − ln(1 − o₃), with o₃ = e^(−1−1e4) = 0 so ln(1 − o₃) = 0.
  const double expected = -(z2 - lse) - ln_c1;
  EXPECT_NEAR(s.state().loss_value(), expected, 1e-12 * expected);
  const LayerState& out = s.state().layers[0];
  EXPECT_TRUE(out.delta.allFinite()) << out.delta;
  EXPECT_TRUE(out.grad_weights.allFinite());
  EXPECT_TRUE(weights_finite(s.state().scenario));
}

// ∂L/∂z by central differences of the loss computed from the logits, for every
// (activation, loss) pair read through its logits, at ordinary and at
// saturating logits.
TEST(ExtremeNumerics, DeltaFromTheLogitsIsTheDerivativeOfTheLoss) {
  const Eigen::MatrixXd z_cases[] = {
      (Eigen::MatrixXd(1, 3) << 0.3, -1.2, 2.0).finished(),
      (Eigen::MatrixXd(1, 3) << 30.0, 1.0, -2.0).finished(),   // o₁ = 1 − 1e−13
      (Eigen::MatrixXd(1, 3) << 50.0, 49.0, -3.0).finished(),  // two large logits
  };
  const Eigen::MatrixXd y_cases[] = {
      (Eigen::MatrixXd(1, 3) << 1.0, 0.0, 0.0).finished(),
      (Eigen::MatrixXd(1, 3) << 0.0, 1.0, 0.0).finished(),
      (Eigen::MatrixXd(1, 3) << 0.2, 0.5, 0.3).finished(),
  };
  for (const char* a : {"sigmoid", "softmax"})
    for (const char* l : {"cross_entropy", "binary_cross_entropy"})
      for (const Eigen::MatrixXd& z : z_cases)
        for (const Eigen::MatrixXd& y : y_cases) {
          const Activation& output = act(a);
          const Loss& loss = loss_named(l);
          ASSERT_TRUE(uses_logits(loss, output));
          Eigen::MatrixXd o(1, 3), delta(1, 3);
          output.forward(z, o);
          ASSERT_TRUE(output_delta(loss, output, z, o, y, delta));
          for (int j = 0; j < 3; ++j) {
            auto loss_at = [&](double zj) {
              Eigen::MatrixXd zz = z, oo(1, 3);
              zz(0, j) = zj;
              output.forward(zz, oo);
              return output_loss(loss, output, zz, oo, y);
            };
            // Central difference with one Richardson step (as gradcheck.hpp).
            auto d = [&](double h) { return (loss_at(z(0, j) + h) - loss_at(z(0, j) - h)) / (2 * h); };
            const double numeric = (4 * d(5e-5) - d(1e-4)) / 3;
            EXPECT_NEAR(delta(0, j), numeric, 1e-7 * std::max(1.0, std::abs(numeric)))
                << a << " + " << l << ", z = " << z << ", y = " << y << ", j = " << j;
          }
        }
}

// δ = ∂L/∂z by the chain rule through ∂L/∂o, in long double (64-bit mantissa).
Eigen::MatrixXd reference_delta(const std::string& activation, const std::string& loss,
                                const Eigen::MatrixXd& z, const Eigen::MatrixXd& y) {
  const Eigen::Index rows = z.rows(), n = z.cols();
  Eigen::MatrixXd delta(rows, n);
  for (Eigen::Index r = 0; r < rows; ++r) {
    std::vector<long double> o(n), g(n);
    long double sum = 0;
    for (Eigen::Index c = 0; c < n; ++c) {
      o[c] = activation == "sigmoid" ? 1.0L / (1.0L + std::exp(-static_cast<long double>(z(r, c))))
                                     : std::exp(static_cast<long double>(z(r, c)));
      sum += o[c];
    }
    if (activation == "softmax")
      for (auto& v : o) v /= sum;
    for (Eigen::Index c = 0; c < n; ++c) {
      const long double yc = y(r, c);
      g[c] = -yc / o[c] + (loss == "binary_cross_entropy" ? (1.0L - yc) / (1.0L - o[c]) : 0.0L);
      g[c] /= static_cast<long double>(rows);
    }
    long double weighted = 0;
    for (Eigen::Index c = 0; c < n; ++c) weighted += o[c] * g[c];
    for (Eigen::Index c = 0; c < n; ++c)
      delta(r, c) = static_cast<double>(activation == "sigmoid" ? g[c] * o[c] * (1.0L - o[c])
                                                                : o[c] * (g[c] - weighted));
  }
  return delta;
}

// On ordinary inputs the logit forms equal the elementwise formulas of
// formats.md to rounding: the published numbers of the seed do not move.
TEST(ExtremeNumerics, LogitFormsAgreeWithTheElementwiseFormulasOnOrdinaryInputs) {
  std::mt19937_64 rng(61);
  for (const char* a : {"sigmoid", "softmax"})
    for (const char* l : {"cross_entropy", "binary_cross_entropy"})
      for (int trial = 0; trial < 20; ++trial) {
        const Activation& output = act(a);
        const Loss& loss = loss_named(l);
        const Eigen::MatrixXd z = test::random_matrix(rng, 4, 5, -4.0, 4.0);
        Eigen::MatrixXd y = test::random_matrix(rng, 4, 5, 0.0, 1.0);
        if (trial % 2 == 0) y = (y.array() > 0.5).cast<double>();  // exact 0s and 1s
        Eigen::MatrixXd o(4, 5), grad(4, 5), grad_old(4, 5), delta(4, 5), delta_old(4, 5);
        output.forward(z, o);
        const double value = output_loss(loss, output, z, o, y);
        EXPECT_NEAR(value, loss.value(o, y), 1e-14 * std::max(1.0, std::abs(value))) << a << " " << l;
        output_loss_gradient(loss, output, z, o, y, grad);
        loss.gradient(o, y, grad_old);
        EXPECT_TRUE(grad.isApprox(grad_old, 1e-14)) << a << " " << l << "\n" << grad << "\n" << grad_old;
        ASSERT_TRUE(output_delta(loss, output, z, o, y, delta));
        output.backward(z, o, grad_old, delta_old);
        // Both within a few ulps of the chain rule in 80-bit long double; the
        // elementwise path is the less accurate of the two where −y/o is large.
        const Eigen::MatrixXd exact = reference_delta(a, l, z, y);
        EXPECT_LE((delta - exact).cwiseAbs().maxCoeff(), 2e-15) << a << " " << l << "\n" << delta << "\n" << exact;
        EXPECT_LE((delta_old - exact).cwiseAbs().maxCoeff(), 1e-14) << a << " " << l;
      }
}

TEST(ExtremeNumerics, OtherPairsKeepTheElementwisePath) {
  EXPECT_FALSE(uses_logits(loss_named("mse"), act("sigmoid")));
  EXPECT_FALSE(uses_logits(loss_named("mse"), act("softmax")));
  EXPECT_FALSE(uses_logits(loss_named("cross_entropy"), act("relu")));
  EXPECT_FALSE(uses_logits(loss_named("binary_cross_entropy"), act("identity")));
  Eigen::MatrixXd z(1, 1), o(1, 1), y(1, 1), delta(1, 1);
  z << 1.0;
  o << 1.0;
  y << 0.0;
  EXPECT_FALSE(output_delta(loss_named("mse"), act("identity"), z, o, y, delta));
}

TEST(ExtremeNumerics, OneOutputSoftmaxIsConstantSoItsDeltaIsZero) {
  Stepper s(logits_scenario("softmax", "binary_cross_entropy", {1e4}, {1.0}));
  s.jump_to(s.op_count());
  EXPECT_EQ(s.state().loss_value(), 0.0);
  EXPECT_EQ(s.state().layers[0].delta(0, 0), 0.0);
  EXPECT_FALSE(s.first_non_finite().has_value());
  // With y ≠ 1 the loss is −(1 − y)·ln(1 − 1) = +∞ whatever the weights: reported at the loss.
  Stepper inf(logits_scenario("softmax", "binary_cross_entropy", {0.5}, {0.0}));
  inf.jump_to(inf.op_count());
  EXPECT_EQ(inf.state().loss_value(), std::numeric_limits<double>::infinity());
  ASSERT_TRUE(inf.first_non_finite().has_value());
  EXPECT_EQ(inf.ops()[inf.first_non_finite()->op_index].kind, OpKind::Loss);
}

// ---------------------------------------------------------------- huge inputs, huge learning rates

TEST(ExtremeNumerics, InputOf1e300ThroughASigmoidOutputKeepsAFiniteLossAndGradient) {
  // relu → sigmoid, binary cross-entropy, x = 1e300: z = 1e300 saturates σ,
  // the true loss is 1e300 (finite), δ = σ − y = 1, ∂L/∂W² = h·δ = 1e300.
  const std::string json = R"({"input_size": 1,
    "layers": [{"size": 1, "activation": "relu", "weights": [[1.0]], "bias": [0.0]},
               {"size": 1, "activation": "sigmoid", "weights": [[1.0]], "bias": [0.0]}],
    "loss": "binary_cross_entropy", "learning_rate": 0.01,
    "inputs": [[1e300]], "targets": [[0.0]]})";
  Stepper s(parse_scenario(json, "huge_input.json"));
  s.jump_to(s.op_count());
  EXPECT_EQ(s.state().loss_value(), 1e300);
  EXPECT_EQ(s.state().layers[1].delta(0, 0), 1.0);
  EXPECT_EQ(s.state().layers[1].grad_weights(0, 0), 1e300);
  EXPECT_TRUE(weights_finite(s.state().scenario));
  // 1/(1 − σ(1e300)) = 1/0: the only overflow, named.
  ASSERT_TRUE(s.first_non_finite().has_value());
  EXPECT_EQ(s.ops()[s.first_non_finite()->op_index].kind, OpKind::LossGradient);
}

TEST(ExtremeNumerics, InputOf1e300UnderMseOverflowsAtTheLossAndTheLossOpIsNamed) {
  // identity, mse, x = 1e300: L = ½(1e300)² is beyond a double; the loss op is
  // the first to hold ∞ (z and o are still finite), and trace/train say so.
  const std::string json = R"({"input_size": 1,
    "layers": [{"size": 1, "activation": "identity", "weights": [[1.0]], "bias": [0.0]}],
    "loss": "mse", "learning_rate": 0.01, "inputs": [[1e300]], "targets": [[0.0]]})";
  const Scenario sc = parse_scenario(json, "huge_mse.json");
  Stepper s(sc);
  s.jump_to(s.op_count());
  ASSERT_TRUE(s.first_non_finite().has_value());
  const std::size_t k = s.first_non_finite()->op_index;
  EXPECT_EQ(s.ops()[k].kind, OpKind::Loss);
  EXPECT_TRUE(s.state().layers[0].activation.allFinite());
  // The trace carries the report (index and title) ...
  const nlohmann::json trace = trace_json(sc);
  ASSERT_TRUE(trace.contains("first_non_finite"));
  EXPECT_EQ(trace["first_non_finite"]["index"], k);
  EXPECT_EQ(trace["first_non_finite"]["title"], describe_title(s.ops()[k], sc));
  // ... and so does the fast path's locator (what `train` prints).
  const auto training = find_first_non_finite(sc, 5);
  ASSERT_TRUE(training.has_value());
  EXPECT_EQ(training->step_index, 0u);
  EXPECT_EQ(training->op.op_index, k);
}

TEST(ExtremeNumerics, LearningRateOf1e6IsFiniteWhereTheUpdateFitsAndNamedWhereItOverflows) {
  // The seed with η = 1e6: one step moves the weights by ~1e5, all finite.
  Scenario seed = seed_scenario();
  seed.learning_rate = 1e6;
  Stepper s(seed);
  s.jump_to(s.op_count());
  EXPECT_FALSE(s.first_non_finite().has_value());
  EXPECT_TRUE(weights_finite(s.state().scenario));
  EXPECT_GT((s.state().scenario.layers[2].weights - seed.layers[2].weights).cwiseAbs().maxCoeff(), 1e3);
  // Training on: the net saturates, yet the logit forms keep every loss finite.
  Trainer trainer(seed);
  for (int step = 0; step < 50; ++step) EXPECT_TRUE(std::isfinite(trainer.step())) << step;

  // identity/mse, x = 1e152: ∂L/∂W = 1e304 is finite, 1e6 · 1e304 is not.
  const std::string json = R"({"input_size": 1,
    "layers": [{"size": 1, "activation": "identity", "weights": [[1.0]], "bias": [0.0]}],
    "loss": "mse", "learning_rate": 1e6, "inputs": [[1e152]], "targets": [[0.0]]})";
  Stepper big(parse_scenario(json, "huge_lr.json"));
  big.jump_to(big.op_count());
  EXPECT_DOUBLE_EQ(big.state().layers[0].grad_weights(0, 0), 1e304);
  ASSERT_TRUE(big.first_non_finite().has_value());
  EXPECT_EQ(big.ops()[big.first_non_finite()->op_index].kind, OpKind::UpdateWeights);
}

// The stepped path and the fast path agree bit for bit on all of the above,
// and stepping back restores the start exactly.
TEST(ExtremeNumerics, SteppedAndFastPathsAgreeAndStepBackRestoresOnExtremeScenarios) {
  const Scenario cases[] = {
      logits_scenario("softmax", "cross_entropy", {1e4, -1e4}, {0.0, 1.0}),
      logits_scenario("sigmoid", "binary_cross_entropy", {1e4, -1e4}, {0.0, 1.0}),
      logits_scenario("softmax", "binary_cross_entropy", {1e4, 0.0, -1.0}, {0.0, 1.0, 0.0}),
      logits_scenario("identity", "mse", {1e300}, {0.0}),
  };
  for (const Scenario& sc : cases) {
    Stepper s(sc);
    const PassState start = s.state();
    s.jump_to(s.op_count());
    Trainer t(sc);
    t.step();
    EXPECT_EQ(test::state_difference(s.state(), t.state()), "");
    s.jump_to(0);
    EXPECT_EQ(test::state_difference(s.state(), start), "");
  }
}

}  // namespace
}  // namespace bpv

// A diverged run shows its loss as a person writes it, in the equations and
// in the loss panel alike.
TEST(ExtremeNumerics, NonFiniteNumbersAreWrittenAsNaNAndInfinity) {
  EXPECT_EQ(bpv::format_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(bpv::format_number(std::numeric_limits<double>::infinity()), "∞");
  EXPECT_EQ(bpv::format_number(-std::numeric_limits<double>::infinity(), 4), "−∞");
  EXPECT_EQ(bpv::factor(-0.25), "(-0.25)");
  EXPECT_EQ(bpv::factor(-0.123456, 4), "(-0.1235)");
  EXPECT_EQ(bpv::factor(0.5), "0.5");
}
