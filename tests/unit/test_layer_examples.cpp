// The examples of formats.md §6's layers (assets/layer_examples/ and the
// digits read by a conv layer, which the build imports): each loads, its
// gradients match a finite difference, and what its description claims
// holds against the same net without the layer.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/evaluate.hpp"
#include "engine/describe.hpp"
#include "engine/gradcheck.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "layers/layer_kind.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

std::string example(const std::string& file) { return test::assets_dir() + "/layer_examples/" + file; }

Scenario trained(const std::string& path, int steps) {
  Trainer t(load_scenario(path));
  for (int k = 0; k < steps; ++k) t.step();
  return t.scenario();
}

double loss_on(const Scenario& sc, bool test_set) {
  SetEvaluator on(sc, test_set ? sc.data.test_raw : training_raw(sc), test_set ? sc.data.test_targets : training_targets(sc));
  return on.data_loss(sc);
}

// A layer kind is its own file: its entry reads, writes and sizes its layers.
// Written by its `write`, a layer of each example reads back through its
// `read` to an object that writes the same again, and every kind but dense
// (formats.md §1's, which the loader reads itself) appears in the examples.
TEST(LayerExamples, EachKindReadsAndWritesItsOwnObject) {
  std::set<std::string> kinds_seen;
  std::vector<std::pair<std::string, std::string>> files;  // name, text
  for (const auto& entry : std::filesystem::directory_iterator(test::assets_dir() + "/layer_examples"))
    if (entry.path().extension() == ".json") files.push_back({entry.path().string(), read_text_file(entry.path().string())});
  // No example averages: bars_conv with its max pool as an average one.
  std::string averaged = read_text_file(example("bars_conv.json"));
  ASSERT_NE(averaged.find("\"max_pool\""), std::string::npos);
  averaged.replace(averaged.find("\"max_pool\""), 10, "\"avg_pool\"");
  files.push_back({example("bars_conv.json"), averaged});  // its path, for what it names beside it
  for (const auto& [name, text] : files) {
    const Scenario sc = parse_scenario(text, name);
    const Scenario again = parse_scenario(scenario_to_json(sc).dump(), "again");
    ASSERT_EQ(again.layer_count(), sc.layer_count());
    for (int l = 1; l <= sc.layer_count(); ++l) {
      const LayerKindDef& kind = layer_kind(sc.layers[l - 1]);
      ASSERT_EQ(&layer_kind(again.layers[l - 1]), &kind) << name << " layer " << l;
      if (!kind.write) continue;
      kinds_seen.insert(std::string(kind.type));
      nlohmann::json first, second;
      kind.write(sc.layers[l - 1], first);
      kind.write(again.layers[l - 1], second);
      EXPECT_FALSE(first.empty()) << kind.type;
      EXPECT_EQ(first, second) << name << " layer " << l;
    }
  }
  for (const LayerKindDef* kind : all_layer_kinds()) {
    EXPECT_TRUE(kind->forward_ops && kind->backward_ops && kind->update_ops) << kind->type;
    EXPECT_EQ(kind->read == nullptr, kind->type == "dense") << kind->type;
    EXPECT_EQ(kind->write == nullptr, kind->type == "dense") << kind->type;
    if (kind->type != "dense") EXPECT_TRUE(kinds_seen.count(std::string(kind->type))) << kind->type << " in no example";
  }
}

// How the canvas heads and joins each kind comes from the kind's entry: the
// shaped net of every kind, captioned and ruled with its own settings.
TEST(LayerExamples, EachKindCaptionsItsColumnAndWritesItsRule) {
  const Scenario sc = parse_scenario(R"({"input_size": 16, "input_shape": [1, 4, 4], "init": {"scheme": "he_normal", "seed": 5},
    "layers": [{"type": "conv2d", "channels": 2, "kernel": 3, "padding": 1, "activation": "relu"},
               {"type": "batch_norm", "activation": "tanh"},
               {"type": "max_pool", "kernel": 2},
               {"type": "dropout", "p": 0.25, "seed": 4},
               {"type": "avg_pool", "kernel": 2},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1,
    "inputs": [[0,1,0,1, 1,0,1,0, 0,1,0,1, 1,0,1,0], [1,1,0,0, 1,1,0,0, 0,0,1,1, 0,0,1,1]],
    "targets": [[1, 0], [0, 1]]})",
                                     "every kind");
  struct Expected {
    const char* caption;
    Join join;
    bool activation;
    const char* rule;  // z's where the kind has an activation, else its output's
  };
  const std::vector<Expected> expected = {
      {"conv ReLU", Join::Kernels, true, "z¹ = W¹ ⋆ x + b¹"},
      {"BN tanh", Join::Statistics, true, "z² = γ²·x̂² + β²"},
      {"max pool 2×2", Join::Elementwise, false, "h3 = max of each window of h2"},
      {"dropout p=0.25", Join::Elementwise, false, "h4 = m⁴·h3/(1 − p)"},
      {"avg pool 2×2", Join::Elementwise, false, "h5 = mean of each window of h4"},
  };
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const int l = static_cast<int>(k) + 1;
    const LayerKindDef& kind = layer_kind(sc.layers[k]);
    const std::string below = l == 1 ? "x" : "h" + std::to_string(l - 1), out = "h" + std::to_string(l);
    ASSERT_TRUE(kind.caption) << kind.type;
    EXPECT_EQ(kind.caption(sc.layers[k]), expected[k].caption);
    EXPECT_EQ(kind.join, expected[k].join) << kind.type;
    EXPECT_EQ(kind.activation, expected[k].activation) << kind.type;
    const std::string rule = kind.activation ? kind.pre_activation_rule(l, below) : kind.output_rule(l, out, below);
    EXPECT_EQ(rule, expected[k].rule) << kind.type;
  }
  // Dense, formats.md §1's layer, is drawn with edges and captioned by its activation.
  const LayerKindDef& dense = layer_kind(sc.layers[5]);
  EXPECT_EQ(dense.join, Join::Edges);
  EXPECT_TRUE(dense.activation);
  EXPECT_EQ(dense.caption, nullptr);
  EXPECT_EQ(dense.explain_unit, nullptr);

  // The window the canvas outlines on hover: every channel under a conv
  // output (3×3 from one pixel up and left, the padding), a pool output's own.
  const InputWindow conv_w = layer_kind(sc.layers[0]).input_window(sc.layers[0], 5);  // channel 1, row 2, column 2
  EXPECT_EQ(conv_w.channel, -1);
  EXPECT_EQ(conv_w.row, 0);
  EXPECT_EQ(conv_w.col, 0);
  EXPECT_EQ(conv_w.size, 3);
  const InputWindow pool_w = layer_kind(sc.layers[2]).input_window(sc.layers[2], 7);  // channel 2, row 2, column 2
  EXPECT_EQ(pool_w.channel, 1);
  EXPECT_EQ(pool_w.row, 2);
  EXPECT_EQ(pool_w.col, 2);
  EXPECT_EQ(pool_w.size, 2);
  EXPECT_EQ(layer_kind(sc.layers[1]).input_window, nullptr);  // batch norm, dropout: unit to unit
  EXPECT_EQ(layer_kind(sc.layers[3]).input_window, nullptr);

  // The Edit panel's form offers each kind's settings by their keys in the
  // file: each one the form always writes is in the layer's own object, and
  // a new layer's value is within the form's range.
  const nlohmann::json file = scenario_to_json(sc);
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const LayerKindDef& kind = layer_kind(sc.layers[static_cast<std::size_t>(l - 1)]);
    EXPECT_FALSE(kind.settings.empty()) << kind.type;
    for (const LayerSetting& setting : kind.settings) {
      const std::string key(setting.key);
      if (setting.type == LayerSetting::Type::Int) {
        EXPECT_LE(setting.lo, setting.fallback) << key;
        EXPECT_LE(setting.fallback, setting.hi) << key;
      }
      if (setting.zero_omits || setting.type == LayerSetting::Type::Choice) continue;  // written only when set
      EXPECT_TRUE(file["layers"][static_cast<std::size_t>(l - 1)].contains(key)) << kind.type << "." << key;
    }
  }

  // After a whole step, each kind explains a unit of example 2 with the
  // numbers the step computed; before it, with "not yet" where it has none.
  Stepper stepper(sc);
  stepper.jump_to(stepper.op_count());
  const PassState& ps = stepper.state();
  const int b = 1, j = 1;
  const auto explain = [&](int l, bool done) {
    const auto at = [&](Buffer buf) { return format_number(buffer_matrix(ps, BufferRef{buf, l})(b, j)); };
    const UnitQuery q{ps, sc.layers[static_cast<std::size_t>(l - 1)], l, b, j, done,
                      [&](Buffer) { return done; }, [&](Buffer buf) { return done ? at(buf) : "not yet"; }, "not yet"};
    UnitRows rows;
    layer_kind(q.layer).explain_unit(q, rows);
    return rows;
  };
  const auto ends_with = [](const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
  };
  const auto value_of = [&](Buffer buf, int l) { return format_number(buffer_matrix(ps, BufferRef{buf, l})(b, j)); };
  const UnitRows conv = explain(1, true);
  ASSERT_EQ(conv.size(), 2u);
  EXPECT_TRUE(ends_with(conv[0].second, "= " + value_of(Buffer::PreActivation, 1))) << conv[0].second;
  const UnitRows bn = explain(2, true);
  ASSERT_EQ(bn.size(), 3u);
  EXPECT_EQ(bn[0].first, "μ², σ²² of feature 1");  // unit 2 is a pixel of channel 1
  EXPECT_TRUE(ends_with(bn[2].second, "= " + value_of(Buffer::PreActivation, 2))) << bn[2].second;
  const UnitRows max = explain(3, true);
  ASSERT_EQ(max.size(), 1u);
  EXPECT_NE(max[0].second.find("max at [1,"), std::string::npos) << max[0].second;
  EXPECT_NE(max[0].second.find("= " + value_of(Buffer::Activation, 3) + " "), std::string::npos) << max[0].second;
  const UnitRows drop = explain(4, true);
  ASSERT_EQ(drop.size(), 1u);
  const double m = ps.layers[3].mask(b, j);
  EXPECT_EQ(drop[0].second.rfind(m != 0.0 ? "1: kept" : "0: dropped", 0), 0u) << drop[0].second;
  const UnitRows avg = explain(5, true);
  ASSERT_EQ(avg.size(), 1u);
  EXPECT_EQ(avg[0].second, "mean of 4 values = " + value_of(Buffer::Activation, 5));
  for (int l = 1; l <= 5; ++l)
    for (const auto& [label, text] : explain(l, false))
      if (label.rfind("z = γ", 0) != 0) EXPECT_EQ(text, "not yet") << label;  // γ·x̂ + β shows γ and β, known before
}

TEST(LayerExamples, EveryOneLoadsAndItsGradientsMatchAFiniteDifference) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::assets_dir() + "/layer_examples")) {
    if (entry.path().extension() != ".json") continue;
    ++seen;
    Scenario sc = load_scenario(entry.path().string());
    EXPECT_FALSE(sc.description.empty()) << entry.path();
    // A max pool's winner may switch inside the finite difference's step on
    // random pixels (a kink, as ReLU's at 0, that the probe does not see):
    // the conv is checked behind an average pool of the same windows instead.
    for (Layer& layer : sc.layers)
      if (layer.kind && layer.kind->type == "max_pool") layer.kind = find_layer_kind("avg_pool");
    const GradCheckResult r = gradcheck(sc, 300);
    EXPECT_LT(r.max_relative_error, 1e-5) << entry.path();
  }
  EXPECT_GE(seen, 4);
}

TEST(LayerExamples, BatchNormLetsTheDeepSigmoidNetTrain) {
  const Scenario plain = trained(test::scenario_path("deep_sigmoid.json"), 500);
  const Scenario normed = trained(example("deep_sigmoid_batch_norm.json"), 500);
  EXPECT_GT(loss_on(plain, false), 0.69) << "the plain net is stuck at ln 2";
  EXPECT_LT(loss_on(normed, false), 0.1);
}

TEST(LayerExamples, DropoutLowersTheTestLossOfTheOverfittingNet) {
  const Scenario plain = trained(test::scenario_path("overfit.json"), 2000);
  const Scenario dropped = trained(example("overfit_dropout.json"), 2000);
  EXPECT_LT(loss_on(plain, false), loss_on(dropped, false)) << "without dropout it fits the training points closer";
  EXPECT_LT(loss_on(dropped, true), 0.5 * loss_on(plain, true)) << "and does worse on the test points";
}

TEST(LayerExamples, TheDigitsConvNetLearnsTheDigits) {
  const std::string path = std::string(BPV_REAL_DATA_DIR) + "/layers/digits_conv.json";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing: run .ci/setup, then build again";
  const Scenario sc = load_scenario(path);
  ASSERT_EQ(sc.layers[0].out_shape, (Shape{4, 8, 8}));
  ASSERT_EQ(sc.layers[1].out_shape, (Shape{4, 4, 4}));
  const Classifier classifier = classifier_of(sc);
  ASSERT_TRUE(classifier.active);
  const Scenario after = trained(path, 90);  // two epochs of 45 mini-batches
  SetEvaluator on_test(after, after.data.test_raw, after.data.test_targets);
  on_test.data_loss(after);
  EXPECT_GT(on_test.accuracy(classifier), 0.8);
}

}  // namespace
}  // namespace bpv
