// Seeded initialisation (formats.md §1 "init"): deterministic per seed, the
// schemes' ranges, and what happens to weights and biases left out of a file.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "test_helpers.hpp"

namespace bpv {
namespace {

// A 3-layer net with no weights or biases in the file, and the given init block.
std::string net_with_init(const std::string& init, int hidden = 5) {
  return R"({"input_size": 4, "layers": [
      {"size": )" + std::to_string(hidden) + R"(, "activation": "tanh"},
      {"size": 6, "activation": "relu"},
      {"size": 2, "activation": "sigmoid"}],
    "loss": "mse", "learning_rate": 0.1,
    "inputs": [[1, 2, 3, 4]], "targets": [[0, 1]], "init": )" + init + "}";
}

Scenario parse(const std::string& text) { return parse_scenario(text, "net.json"); }

TEST(Init, TheSameSeedGivesTheSameWeights) {
  const std::string text = net_with_init(R"({"scheme": "xavier_uniform", "seed": 42})");
  const Scenario a = parse(text), b = parse(text);
  for (int l = 0; l < 3; ++l) {
    EXPECT_TRUE(test::bit_identical(a.layers[l].weights, b.layers[l].weights)) << l;
    EXPECT_TRUE(test::bit_identical(a.layers[l].bias, b.layers[l].bias)) << l;
  }
  EXPECT_TRUE(a.has_init);
  EXPECT_EQ(a.init.seed, 42u);
  EXPECT_EQ(a.init.scheme, "xavier_uniform");
}

TEST(Init, DifferentSeedsGiveDifferentWeights) {
  for (const char* scheme : {R"("xavier_uniform")", R"("he_normal")", R"("uniform", "low": -2, "high": 3)"}) {
    const Scenario a = parse(net_with_init(std::string(R"({"scheme": )") + scheme + R"(, "seed": 1})"));
    const Scenario b = parse(net_with_init(std::string(R"({"scheme": )") + scheme + R"(, "seed": 2})"));
    for (int l = 0; l < 3; ++l)
      EXPECT_FALSE((a.layers[l].weights.array() == b.layers[l].weights.array()).any())
          << scheme << ", layer " << l + 1;
  }
}

TEST(Init, EachLayerHasItsOwnStreamIndependentOfTheOthers) {
  // Changing the first hidden layer's size does not change the last layer's draws.
  const std::string init = R"({"scheme": "xavier_uniform", "seed": 9})";
  const Scenario a = parse(net_with_init(init, 5)), b = parse(net_with_init(init, 8));
  EXPECT_TRUE(test::bit_identical(a.layers[2].weights, b.layers[2].weights));
  // Layers of the same shape still get different draws.
  EXPECT_NE(init_weights(a.init, 3, 3, init_stream(9, 1, false)),
            init_weights(a.init, 3, 3, init_stream(9, 2, false)));
  EXPECT_NE(init_stream(9, 1, false), init_stream(9, 1, true));
}

TEST(Init, XavierUniformStaysWithinItsLimitAndFillsIt) {
  InitSpec spec;
  spec.scheme = "xavier_uniform";
  spec.seed = 3;
  const int fan_in = 60, fan_out = 40;
  const Eigen::MatrixXd w = init_weights(spec, fan_in, fan_out, init_stream(3, 1, false));
  ASSERT_EQ(w.rows(), fan_in);
  ASSERT_EQ(w.cols(), fan_out);
  const double limit = std::sqrt(6.0 / (fan_in + fan_out));
  EXPECT_LE(w.cwiseAbs().maxCoeff(), limit);
  EXPECT_GT(w.maxCoeff(), 0.95 * limit);   // 2400 draws reach both ends
  EXPECT_LT(w.minCoeff(), -0.95 * limit);
  EXPECT_NEAR(w.mean(), 0.0, 0.05 * limit);
  // Variance of U(−a, a) is a²/3.
  const double var = (w.array() - w.mean()).square().mean();
  EXPECT_NEAR(var, limit * limit / 3.0, 0.1 * limit * limit / 3.0);
  // Xavier biases start at zero.
  EXPECT_EQ(init_bias(spec, 7, init_stream(3, 1, true)), Eigen::MatrixXd::Zero(1, 7));
}

TEST(Init, XavierFromAFileUsesEachLayersFanInAndFanOut) {
  const Scenario sc = parse(net_with_init(R"({"scheme": "xavier_uniform", "seed": 5})"));
  const int widths[] = {4, 5, 6, 2};
  for (int l = 0; l < 3; ++l) {
    const double limit = std::sqrt(6.0 / (widths[l] + widths[l + 1]));
    EXPECT_LE(sc.layers[l].weights.cwiseAbs().maxCoeff(), limit) << l;
    EXPECT_GT(sc.layers[l].weights.cwiseAbs().maxCoeff(), 0.0) << l;
    EXPECT_EQ(sc.layers[l].bias, Eigen::MatrixXd::Zero(1, widths[l + 1])) << l;
  }
}

TEST(Init, HeNormalHasStandardDeviationSqrtTwoOverFanIn) {
  InitSpec spec;
  spec.scheme = "he_normal";
  const int fan_in = 50;
  const Eigen::MatrixXd w = init_weights(spec, fan_in, 200, init_stream(11, 1, false));
  const double sd = std::sqrt((w.array() - w.mean()).square().mean());
  EXPECT_NEAR(sd, std::sqrt(2.0 / fan_in), 0.03 * std::sqrt(2.0 / fan_in));
  EXPECT_NEAR(w.mean(), 0.0, 0.02 * std::sqrt(2.0 / fan_in));
  EXPECT_TRUE(w.allFinite());
}

TEST(Init, UniformSchemeDrawsWeightsAndBiasesBetweenLowAndHigh) {
  const Scenario sc = parse(net_with_init(R"({"scheme": "uniform", "low": 0.25, "high": 0.5, "seed": 4})"));
  for (const Layer& l : sc.layers) {
    EXPECT_GE(l.weights.minCoeff(), 0.25);
    EXPECT_LT(l.weights.maxCoeff(), 0.5);
    EXPECT_GE(l.bias.minCoeff(), 0.25);
    EXPECT_LT(l.bias.maxCoeff(), 0.5);
    EXPECT_GT(l.weights.maxCoeff() - l.weights.minCoeff(), 0.0);
  }
  EXPECT_EQ(sc.init.low, 0.25);
  EXPECT_EQ(sc.init.high, 0.5);
}

TEST(Init, ConstantSchemeFillsWeightsAndBiasesWithTheValue) {
  const Scenario sc = parse(net_with_init(R"({"scheme": "constant", "value": 0.125})"));
  for (const Layer& l : sc.layers) {
    EXPECT_EQ(l.weights, Eigen::MatrixXd::Constant(l.fan_in(), l.size(), 0.125));
    EXPECT_EQ(l.bias, Eigen::MatrixXd::Constant(1, l.size(), 0.125));
  }
}

TEST(Init, GivenWeightsAndBiasesAreKeptAndOnlyMissingOnesAreFilled) {
  const Scenario sc = parse(R"({"input_size": 2, "layers": [
      {"size": 2, "activation": "relu", "weights": [[1, 2], [3, 4]], "bias": [5, 6]},
      {"size": 1, "activation": "identity"}],
    "loss": "mse", "learning_rate": 0.1, "inputs": [[1, 1]], "targets": [[0]],
    "init": {"scheme": "constant", "value": 0.5}})");
  Eigen::MatrixXd w(2, 2);
  w << 1, 2, 3, 4;
  EXPECT_EQ(sc.layers[0].weights, w);
  EXPECT_EQ(sc.layers[0].bias(0, 1), 6.0);
  EXPECT_EQ(sc.layers[1].weights, Eigen::MatrixXd::Constant(2, 1, 0.5));
  EXPECT_EQ(sc.layers[1].bias(0, 0), 0.5);
}

TEST(Init, WithoutInitAMissingBiasIsZero) {
  const Scenario sc = parse(R"({"input_size": 2, "layers": [
      {"size": 3, "activation": "tanh", "weights": [[1, 2, 3], [4, 5, 6]]}],
    "loss": "mse", "learning_rate": 0.1, "inputs": [[1, 1]], "targets": [[0, 0, 0]]})");
  EXPECT_FALSE(sc.has_init);
  EXPECT_EQ(sc.layers[0].bias, Eigen::MatrixXd::Zero(1, 3));
}

TEST(Init, WithoutInitMissingWeightsAreAnError) {
  try {
    parse(R"({"input_size": 2, "layers": [
        {"size": 3, "activation": "tanh", "weights": [[1, 2, 3], [4, 5, 6]]},
        {"size": 1, "activation": "identity"}],
      "loss": "mse", "learning_rate": 0.1, "inputs": [[1, 1]], "targets": [[0]]})");
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("net.json: layers[1].weights: ", 0), 0u) << e.what();
  }
}

TEST(Init, AssetScenariosWithInitLoadTheSameWeightsEveryTime) {
  for (const char* file : {"xor.json", "deep_sigmoid.json", "batch.json", "regression_mse.json"}) {
    const Scenario a = load_scenario(test::scenario_path(file));
    const Scenario b = load_scenario(test::scenario_path(file));
    ASSERT_TRUE(a.has_init) << file;
    for (int l = 0; l < a.layer_count(); ++l) {
      EXPECT_TRUE(test::bit_identical(a.layers[l].weights, b.layers[l].weights)) << file;
      EXPECT_GT(a.layers[l].weights.cwiseAbs().maxCoeff(), 0.0) << file;
    }
  }
}

}  // namespace
}  // namespace bpv
