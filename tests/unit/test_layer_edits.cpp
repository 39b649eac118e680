// Edits on a network with conv, pooling, batch-norm and dropout layers: what
// would break a layer's shape is refused with a message and changes nothing;
// what keeps it (a weight, a bias, re-initialising, removing a dropout layer)
// is done, and the network still steps.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/edits.hpp"
#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "formats/trace.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

// 1×4×4 → conv 2×3×3 (padding 1) → max pool 2 → dropout → dense 3 → batch norm → dense 2.
Scenario shaped_net() {
  return parse_scenario(R"({"input_size": 16, "input_shape": [1, 4, 4], "init": {"scheme": "he_normal", "seed": 5},
    "layers": [{"type": "conv2d", "channels": 2, "kernel": 3, "padding": 1, "activation": "relu"},
               {"type": "max_pool", "kernel": 2},
               {"type": "dropout", "p": 0.25, "seed": 4},
               {"size": 3, "activation": "identity"},
               {"type": "batch_norm", "activation": "tanh"},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1,
    "inputs": [[0,1,0,1, 1,0,1,0, 0,1,0,1, 1,0,1,0], [1,1,0,0, 1,1,0,0, 0,0,1,1, 0,0,1,1]],
    "targets": [[1, 0], [0, 1]]})",
                        "shaped");
}

std::string trace_of(const Scenario& sc) { return trace_json(sc).dump(); }

TEST(LayerEdits, ResizingALayerWhoseShapeFollowsItsInputIsRefusedAndChangesNothing) {
  Scenario sc = shaped_net();
  const std::string before = trace_of(sc);
  const std::vector<std::pair<Edit, std::string>> refused = {
      {edit::AddNeuron{1}, "follows from its input"},           // conv
      {edit::RemoveNeuron{2, 0}, "follows from its input"},     // pooling
      {edit::AddNeuron{0}, "takes its shape from this layer"},  // the input, read by a conv layer
      {edit::AddNeuron{4}, "takes its shape from this layer"},  // dense before batch norm
      {edit::AddLayer{0, 3, "relu"}, "takes its shape"},        // a dense layer before the conv one
      {edit::RemoveLayer{1}, "would change the shape"},         // the conv layer
      {edit::RemoveLayer{4}, "would change the shape"},         // dense before batch norm
      {edit::SetWeight{1, 0, 5, 1.0}, "no such weight"},        // W¹ is 9 × 2: no column 5
      {edit::SetBias{1, 2, 1.0}, "no such bias"},               // b¹ has 2 channels
  };
  for (const auto& [e, why] : refused) {
    const std::string msg = apply_edit(sc, e);
    EXPECT_NE(msg.find(why), std::string::npos) << "got: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_EQ(trace_of(sc), before) << msg;
  }
}

TEST(LayerEdits, WeightsBiasesAndTheInitAreEditedInTheLayersOwnShapes) {
  Scenario sc = shaped_net();
  ASSERT_EQ(apply_edit(sc, edit::SetWeight{1, 8, 1, 0.75}), "");  // W¹[c′=2, c=1, u=3, v=3]
  EXPECT_EQ(sc.layers[0].weights(8, 1), 0.75);
  ASSERT_EQ(apply_edit(sc, edit::SetBias{1, 1, -0.5}), "");
  EXPECT_EQ(sc.layers[0].bias(0, 1), -0.5);
  ASSERT_EQ(apply_edit(sc, edit::SetWeight{5, 0, 2, 2.0}), "");  // γ⁵₃
  EXPECT_EQ(sc.layers[4].weights(0, 2), 2.0);

  InitSpec init = sc.init;
  init.seed = 77;
  ASSERT_EQ(apply_edit(sc, edit::Reinitialize{init}), "");
  EXPECT_EQ(sc.layers[0].weights.rows(), 9);  // C·k·k × C′
  EXPECT_EQ(sc.layers[0].weights.cols(), 2);
  EXPECT_NE(sc.layers[0].weights(8, 1), 0.75);
  EXPECT_EQ(sc.layers[1].weights.size(), 0);  // pooling keeps no parameters
  EXPECT_TRUE(sc.layers[4].weights.isOnes());  // γ = 1, β = 0
  EXPECT_TRUE(sc.layers[4].bias.isZero());
  Trainer t(sc);
  EXPECT_TRUE(std::isfinite(t.step()));
}

TEST(LayerEdits, ADropoutOrBatchNormLayerIsRemovedAndTheNetStillSteps) {
  Scenario sc = shaped_net();
  ASSERT_EQ(apply_edit(sc, edit::RemoveLayer{3}), "");  // dropout
  ASSERT_EQ(sc.layer_count(), 5);
  ASSERT_EQ(apply_edit(sc, edit::RemoveLayer{4}), "");  // batch norm (now layer 4)
  ASSERT_EQ(sc.layer_count(), 4);
  EXPECT_TRUE(sc.layers[3].dense());
  // What is left reloads as the same network and steps.
  const Scenario again = parse_scenario(scenario_to_json(sc).dump(), "again");
  EXPECT_EQ(trace_of(again), trace_of(sc));
  Trainer t(sc);
  EXPECT_TRUE(std::isfinite(t.step()));
}

TEST(LayerEdits, ALayerOfEveryKindIsInsertedAndItsSettingsChangedThroughTheLoadersChecks) {
  Scenario sc = shaped_net();
  // A conv layer after the first: 2×4×4 in, 3 channels, 3×3, padding 1.
  ASSERT_EQ(apply_edit(sc, edit::InsertLayer{1, R"({"type": "conv2d", "channels": 3, "kernel": 3, "padding": 1, "activation": "relu"})"}), "");
  ASSERT_EQ(sc.layer_count(), 7);
  EXPECT_EQ(sc.layers[1].out_shape, (Shape{3, 4, 4}));
  EXPECT_EQ(sc.layers[1].weights.rows(), 2 * 3 * 3);
  EXPECT_EQ(sc.layers[1].weights.cols(), 3);
  EXPECT_EQ(sc.layers[2].out_shape, (Shape{3, 2, 2}));  // the pooling layer after it now sees 3 channels
  // The dense layer's input changed (3·2·2 = 12 values): new weights of that shape.
  EXPECT_EQ(sc.layers[4].weights.rows(), 12);
  Trainer t(sc);
  EXPECT_TRUE(std::isfinite(t.step()));

  // Its stride, then its kernel (new weights of the new shape).
  ASSERT_EQ(apply_edit(sc, edit::ReplaceLayer{2, R"({"type": "conv2d", "channels": 3, "kernel": 1, "activation": "relu"})"}), "");
  EXPECT_EQ(sc.layers[1].weights.rows(), 2);
  // Batch norm and dropout, one edit each.
  ASSERT_EQ(apply_edit(sc, edit::InsertLayer{5, R"({"type": "dropout", "p": 0.1})"}), "");
  ASSERT_EQ(apply_edit(sc, edit::InsertLayer{0, R"({"type": "batch_norm"})"}), "");
  EXPECT_EQ(std::string(layer_kind(sc.layers[0]).type), "batch_norm");
  EXPECT_EQ(sc.layers[0].out_shape, (Shape{1, 4, 4}));  // 2-d, on the image
  Trainer t2(sc);
  EXPECT_TRUE(std::isfinite(t2.step()));
}

TEST(LayerEdits, ANewChannelCountRenewsWhatBatchNormLearnedUpToTheNextDenseLayer) {
  // conv 2×3×3 → batch norm (per channel, with learned statistics) → max pool → dense.
  Scenario sc = parse_scenario(R"({"input_size": 16, "input_shape": [1, 4, 4], "init": {"scheme": "he_normal", "seed": 5},
    "layers": [{"type": "conv2d", "channels": 2, "kernel": 3, "padding": 1, "activation": "relu"},
               {"type": "batch_norm", "activation": "identity", "gamma": [2, 3], "beta": [0.5, -0.5],
                "running_mean": [0.25, 0.75], "running_var": [2, 4]},
               {"type": "max_pool", "kernel": 2},
               {"size": 2, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.1,
    "inputs": [[0,1,0,1, 1,0,1,0, 0,1,0,1, 1,0,1,0], [1,1,0,0, 1,1,0,0, 0,0,1,1, 0,0,1,1]],
    "targets": [[1, 0], [0, 1]]})",
                               "bn");
  ASSERT_EQ(apply_edit(sc, edit::ReplaceLayer{1, R"({"type": "conv2d", "channels": 3, "kernel": 3, "padding": 1, "activation": "relu"})"}), "");
  const Layer& bn = sc.layers[1];
  // Batch norm keeps its settings but starts again on three channels: γ = 1,
  // β = 0, running mean 0 and variance 1, as a new layer would.
  EXPECT_TRUE(bn.weights.isOnes()) << bn.weights;
  EXPECT_EQ(bn.weights.cols(), 3);
  EXPECT_TRUE(bn.bias.isZero());
  EXPECT_TRUE(bn.running_mean.isZero());
  EXPECT_TRUE(bn.running_var.isOnes());
  // Pooling has nothing to renew; the dense layer reads 3·2·2 values now.
  EXPECT_EQ(sc.layers[3].weights.rows(), 12);
  Trainer t(sc);
  EXPECT_TRUE(std::isfinite(t.step()));
}

TEST(LayerEdits, ALayerTheLoaderRefusesIsRefusedWithItsMessageAndChangesNothing) {
  Scenario sc = shaped_net();
  const std::string before = trace_of(sc);
  const std::vector<std::pair<Edit, std::string>> refused = {
      {edit::InsertLayer{1, R"({"type": "conv2d", "channels": 2, "kernel": 9})"}, "kernel"},
      {edit::InsertLayer{1, R"({"type": "max_pool", "kernel": 5})"}, "layers[1]"},
      {edit::InsertLayer{4, R"({"type": "conv2d", "channels": 2, "kernel": 3})"}, "needs an image below it"},
      {edit::InsertLayer{1, R"({"type": "dropout", "p": 1.5})"}, "layers[1].p"},
      {edit::InsertLayer{1, R"({"type": "warp"})"}, "layers[1].type"},
      {edit::InsertLayer{1, "not json"}, "not valid JSON"},
      {edit::InsertLayer{6, R"({"type": "dropout"})"}, "before the output"},
      {edit::ReplaceLayer{5, R"({"type": "batch_norm", "eps": -1})"}, "layers[4].eps"},
      {edit::ReplaceLayer{9, R"({"type": "dropout"})"}, "no such layer"},
  };
  for (const auto& [e, why] : refused) {
    const std::string msg = apply_edit(sc, e);
    EXPECT_NE(msg.find(why), std::string::npos) << "got: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_EQ(trace_of(sc), before) << msg;
  }
}

}  // namespace
}  // namespace bpv
