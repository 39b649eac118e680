// The three "same network?" questions each change their answer exactly when
// what they cover changes, and not for what they leave out.
#include <gtest/gtest.h>

#include "optimizers/optimizer.hpp"
#include "engine/scenario_compare.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

TEST(ScenarioCompare, AScenarioIsTheSameAsItsCopy) {
  const Scenario a = seed_scenario();
  const Scenario b = a;
  EXPECT_TRUE(same_shape(a, b));
  EXPECT_TRUE(same_gradients(a, b));
  EXPECT_TRUE(same_network(a, b));
}

TEST(ScenarioCompare, AWeightChangesTheGradientsNotTheShape) {
  const Scenario a = seed_scenario();
  Scenario b = a;
  b.layers[1].weights(2, 0) += 1e-12;
  EXPECT_TRUE(same_shape(a, b));
  EXPECT_FALSE(same_gradients(a, b));
  EXPECT_FALSE(same_network(a, b));
}

TEST(ScenarioCompare, TheRegularizationChangesTheGradients) {
  // The gradient check covers the penalty: an l2 edit must start a new check.
  const Scenario a = seed_scenario();
  Scenario b = a;
  b.regularization.l2 = 0.01;
  EXPECT_FALSE(same_gradients(a, b));
}

TEST(ScenarioCompare, TheLearningRateAndTheOptimizerChangeOnlyTheTraining) {
  const Scenario a = seed_scenario();
  Scenario rate = a;
  rate.learning_rate *= 2;
  EXPECT_TRUE(same_gradients(a, rate));
  EXPECT_FALSE(same_network(a, rate));

  Scenario adam = a;
  adam.optimizer = default_spec(*find_optimizer("adam"));
  EXPECT_TRUE(same_gradients(a, adam));
  EXPECT_FALSE(same_network(a, adam));
}

TEST(ScenarioCompare, OptimizerStateChangesTheTraining) {
  Scenario a = seed_scenario();
  a.optimizer = default_spec(*find_optimizer("adam"));
  Trainer trainer(a);
  trainer.step();
  Scenario b = trainer.scenario();
  Scenario c = b;
  c.optimizer_state.layers[0].weights.tensors[static_cast<int>(StateSlot::M)](0, 0) += 1e-9;
  EXPECT_TRUE(same_gradients(b, c));
  EXPECT_FALSE(same_network(b, c));
  Scenario d = b;
  d.optimizer_state.t(0, 0) += 1;
  EXPECT_FALSE(same_network(b, d));
}

TEST(ScenarioCompare, AnotherWidthOrBatchIsAnotherShape) {
  const Scenario a = seed_scenario();
  Scenario wider = a;
  wider.layers[0].weights.conservativeResize(3, 4);
  wider.layers[0].bias.conservativeResize(1, 4);
  wider.layers[1].weights.conservativeResize(4, 3);
  EXPECT_FALSE(same_shape(a, wider));
  Scenario batch = a;
  batch.inputs.conservativeResize(2, batch.inputs.cols());
  batch.targets.conservativeResize(2, batch.targets.cols());
  EXPECT_FALSE(same_shape(a, batch));
}

}  // namespace
}  // namespace bpv
