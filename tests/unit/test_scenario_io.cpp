// Scenario files: JSON round trip, atomic save, and the asset scenarios' content.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "engine/gradcheck.hpp"
#include "temp_dir.hpp"
#include "test_helpers.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

namespace fs = std::filesystem;

const char* const kAssetScenarios[] = {"seed.json",  "seed_cross_entropy.json", "xor.json",
                                       "deep_sigmoid.json", "batch.json", "regression_mse.json"};

void expect_same_scenario(const Scenario& a, const Scenario& b, const std::string& what) {
  EXPECT_EQ(a.name, b.name) << what;
  EXPECT_EQ(a.description, b.description) << what;
  EXPECT_EQ(a.input_size, b.input_size) << what;
  EXPECT_EQ(a.input_shape, b.input_shape) << what;
  ASSERT_EQ(a.layer_count(), b.layer_count()) << what;
  for (int l = 0; l < a.layer_count(); ++l) {
    EXPECT_EQ(a.layers[l].activation, b.layers[l].activation) << what << " layer " << l + 1;
    EXPECT_TRUE(test::bit_identical(a.layers[l].weights, b.layers[l].weights)) << what << " layer " << l + 1;
    EXPECT_TRUE(test::bit_identical(a.layers[l].bias, b.layers[l].bias)) << what << " layer " << l + 1;
  }
  EXPECT_EQ(a.loss, b.loss) << what;
  EXPECT_EQ(a.learning_rate, b.learning_rate) << what;
  EXPECT_TRUE(test::bit_identical(a.inputs, b.inputs)) << what;
  EXPECT_TRUE(test::bit_identical(a.targets, b.targets)) << what;
  EXPECT_EQ(a.has_init, b.has_init) << what;
  EXPECT_EQ(a.init.scheme, b.init.scheme) << what;
  EXPECT_EQ(a.init.seed, b.init.seed) << what;
}

using TempDir = test::TempDirTest;

TEST(RoundTrip, EveryAssetScenarioSurvivesToJsonAndBackExactly) {
  for (const char* file : kAssetScenarios) {
    const Scenario loaded = load_scenario(test::scenario_path(file));
    const std::string text = scenario_to_json(loaded).dump(2);
    expect_same_scenario(parse_scenario(text, file), loaded, file);
  }
}

TEST(RoundTrip, AnImageInputKeepsItsShapeUntilTheInputLayerNoLongerFitsIt) {
  const Scenario mnist = load_scenario(test::scenario_path("mnist_shaped.json"));
  ASSERT_TRUE(mnist.image_input());
  EXPECT_EQ(mnist.input_shape, (std::vector<int>{28, 28}));
  EXPECT_EQ(parse_scenario(scenario_to_json(mnist).dump(), "again").input_shape, mnist.input_shape);

  Scenario resized = load_scenario(test::scenario_path("seed.json"));
  resized.input_shape = {2, 2};  // the seed has 3 inputs: 2 × 2 no longer describes them
  EXPECT_FALSE(resized.image_input());
  EXPECT_FALSE(scenario_to_json(resized).contains("input_shape"));
}

TEST(RoundTrip, FullPrecisionRandomNumbersSurviveExactly) {
  std::mt19937_64 rng(17);
  Scenario sc = test::random_scenario(
      rng, {4, 7, 3}, {find_activation("leaky_relu"), find_activation("softmax")}, test::loss("cross_entropy"), 6);
  sc.layers[0].weights(0, 0) = 1e-300;  // tiny, huge and negative zero too
  sc.layers[0].weights(1, 0) = -1.7976931348623157e308;
  sc.layers[0].bias(0, 2) = 0.1 + 0.2;
  sc.learning_rate = 1.0 / 3.0;
  sc.name = "ünïcödé ∂L/∂W";
  sc.description = "line one\nline \"two\"";
  sc.has_init = true;
  sc.init.scheme = "uniform";
  sc.init.seed = 18446744073709551615ull;
  sc.init.low = -0.3;
  sc.init.high = 0.7;
  const Scenario back = parse_scenario(scenario_to_json(sc).dump(), "random.json");
  expect_same_scenario(back, sc, "random");
  EXPECT_EQ(back.init.low, -0.3);
  EXPECT_EQ(back.init.high, 0.7);
}

TEST(RoundTrip, ConstantInitKeepsItsValue) {
  Scenario sc = seed_scenario();
  sc.has_init = true;
  sc.init.scheme = "constant";
  sc.init.value = 0.375;
  const Scenario back = parse_scenario(scenario_to_json(sc).dump(), "c.json");
  EXPECT_EQ(back.init.scheme, "constant");
  EXPECT_EQ(back.init.value, 0.375);
  expect_same_scenario(back, sc, "constant");
}

TEST(RoundTrip, AFileWithoutANameIsNamedAfterItself) {
  const Scenario sc = parse_scenario(R"({"input_size": 1, "layers": [{"size": 1, "activation": "identity",
      "weights": [[1]]}], "loss": "mse", "learning_rate": 0.1, "inputs": [[1]], "targets": [[0]]})",
                                     "dir/my_net.json");
  EXPECT_EQ(sc.name, "my_net");
}

using SaveScenario = TempDir;

TEST_F(SaveScenario, WritesTheFileAtomicallyWithNoTemporaryLeftBehind) {
  const Scenario sc = load_scenario(test::scenario_path("batch.json"));
  const std::string path = (dir_ / "saved.json").string();
  save_scenario(sc, path);
  ASSERT_TRUE(fs::is_regular_file(path));
  expect_same_scenario(load_scenario(path), sc, "saved");
  EXPECT_EQ(entries(), std::vector<std::string>{"saved.json"});

  // Saving over an existing file replaces it, again with no temporary left.
  Scenario changed = sc;
  changed.learning_rate = 0.75;
  save_scenario(changed, path);
  EXPECT_EQ(load_scenario(path).learning_rate, 0.75);
  EXPECT_EQ(entries(), std::vector<std::string>{"saved.json"});
}

TEST_F(SaveScenario, IntoAMissingDirectoryThrowsAndLeavesNoFile) {
  const fs::path missing = dir_ / "no" / "such" / "dir";
  const std::string path = (missing / "x.json").string();
  EXPECT_THROW(save_scenario(seed_scenario(), path), std::runtime_error);
  EXPECT_FALSE(fs::exists(missing.parent_path().parent_path()));
  EXPECT_TRUE(entries().empty());
}

TEST_F(SaveScenario, AFailedSaveLeavesTheOldFileAsItWas) {
  // The target is a directory: the rename fails, the temporary is removed.
  const fs::path target = dir_ / "occupied.json";
  fs::create_directory(target);
  fs::create_directory(target / "child");  // a non-empty directory cannot be replaced by rename
  EXPECT_THROW(save_scenario(seed_scenario(), target.string()), std::runtime_error);
  EXPECT_TRUE(fs::is_directory(target / "child"));
  EXPECT_EQ(entries(), std::vector<std::string>{"occupied.json"});
}

// ------------------------------------------------------------ the assets
TEST(AssetScenarios, EachHasANameADescriptionAndPassesGradcheck) {
  for (const char* file : kAssetScenarios) {
    const Scenario sc = load_scenario(test::scenario_path(file));
    EXPECT_FALSE(sc.name.empty()) << file;
    EXPECT_GT(sc.description.size(), 100u) << file << ": a student needs a real paragraph";
    EXPECT_LE(gradcheck(sc).max_relative_error, kGradCheckTolerance) << file;
  }
}

TEST(AssetScenarios, SeedCrossEntropyIsTheSeedNetWithCrossEntropy) {
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  Scenario ce = load_scenario(test::scenario_path("seed_cross_entropy.json"));
  EXPECT_EQ(ce.loss->name, "cross_entropy");
  ce.loss = seed.loss;
  ce.name = seed.name;
  ce.description = seed.description;
  expect_same_scenario(ce, seed, "seed_cross_entropy");
}

TEST(AssetScenarios, XorIsTheFourCasesAndItsLossFallsWell) {
  const Scenario sc = load_scenario(test::scenario_path("xor.json"));
  EXPECT_EQ(sc.input_size, 2);
  EXPECT_EQ(sc.output_size(), 1);
  ASSERT_EQ(sc.batch_size(), 4);
  for (int b = 0; b < 4; ++b)
    EXPECT_EQ(sc.targets(b, 0), (sc.inputs(b, 0) != sc.inputs(b, 1)) ? 1.0 : 0.0) << b;
  EXPECT_TRUE(sc.has_init);
  Trainer t(sc);
  const double first = t.step();
  double last = first;
  for (int s = 1; s < 5000; ++s) last = t.step();
  EXPECT_LT(last, 0.01 * first) << "from " << first << " to " << last;
  // It has learned XOR: every output on the right side of 0.5.
  Trainer check(t.scenario());
  check.step();
  for (int b = 0; b < 4; ++b)
    EXPECT_EQ(check.state().layers.back().activation(b, 0) > 0.5, sc.targets(b, 0) == 1.0) << b;
}

TEST(AssetScenarios, DeepSigmoidShowsVanishingGradients) {
  const Scenario sc = load_scenario(test::scenario_path("deep_sigmoid.json"));
  ASSERT_GE(sc.layer_count(), 6);
  for (const Layer& l : sc.layers) EXPECT_EQ(l.activation->name, "sigmoid");
  EXPECT_TRUE(sc.has_init);
  EXPECT_EQ(sc.init.scheme, "xavier_uniform");
  Trainer t(sc);
  t.step();
  const double first = t.state().layers.front().grad_weights.cwiseAbs().maxCoeff();
  const double last = t.state().layers.back().grad_weights.cwiseAbs().maxCoeff();
  EXPECT_LT(first, 1e-3 * last) << "first layer " << first << ", last layer " << last;
}

TEST(AssetScenarios, BatchHasAtLeastFourExamples) {
  const Scenario sc = load_scenario(test::scenario_path("batch.json"));
  EXPECT_GE(sc.batch_size(), 4);
  Trainer t(sc);
  const double first = t.step();
  double last = first;
  for (int s = 1; s < 500; ++s) last = t.step();
  EXPECT_LT(last, 0.5 * first);
}

TEST(AssetScenarios, RegressionUsesMseLeakyReluAndIdentity) {
  const Scenario sc = load_scenario(test::scenario_path("regression_mse.json"));
  EXPECT_EQ(sc.loss->name, "mse");
  EXPECT_EQ(sc.layers.front().activation->name, "leaky_relu");
  EXPECT_EQ(sc.layers.back().activation->name, "identity");
  Trainer t(sc);
  const double first = t.step();
  double last = first;
  for (int s = 1; s < 5000; ++s) last = t.step();
  EXPECT_LT(last, 0.01 * first);
}

}  // namespace
}  // namespace bpv
