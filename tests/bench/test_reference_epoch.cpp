// The spiral epoch benchmark compares like with like (bench_train's
// spiral_epoch case): the scenario is Playground's default task, the
// hand-written epoch loop learns from the same batches in the same order and
// computes the engine's losses, and the check would notice if it did not.
#include <gtest/gtest.h>

#include "reference_epoch.hpp"

namespace {

TEST(SpiralEpoch, TheScenarioIsPlaygroundsDefaultTask) {
  const bpv::Scenario sc = bpv::bench::spiral_scenario();
  ASSERT_TRUE(sc.data.generator.has_value());
  EXPECT_EQ(sc.data.generator->name, "spiral");
  EXPECT_EQ(sc.data.generator->samples, 500);
  EXPECT_EQ(sc.data.generator->test_fraction, 0.5);
  EXPECT_EQ(sc.train_rows(), 250);
  EXPECT_TRUE(sc.data.features.empty());  // x₁, x₂ as they are
  ASSERT_EQ(sc.layer_count(), 7);
  EXPECT_EQ(sc.input_size, 2);
  for (int l = 1; l <= 6; ++l) EXPECT_EQ(sc.width(l), 8) << l;
  EXPECT_EQ(sc.output_size(), 1);
  for (const bpv::Layer& layer : sc.layers) EXPECT_EQ(layer.activation->name, "tanh");
  EXPECT_EQ(sc.loss->name, "mse");
  EXPECT_EQ(sc.learning_rate, 0.03);
  ASSERT_TRUE(sc.data.batching.has_value());
  EXPECT_EQ(sc.data.batching->size, 10);
  EXPECT_TRUE(sc.data.batching->shuffle);
  EXPECT_TRUE(sc.optimizer.name.empty() || sc.optimizer.name == "sgd");
}

TEST(SpiralEpoch, TheEngineEpochIs25StepsAndEndsAtTheNextEpoch) {
  bpv::bench::EngineEpoch epoch(bpv::bench::spiral_scenario());
  EXPECT_EQ(epoch.steps(), 25);
  epoch.step();
  EXPECT_EQ(epoch.trainer().scenario().progress, (bpv::Progress{25, 1, 0}));
}

TEST(SpiralEpoch, TheReferenceLoopComputesTheEnginesLossesStepByStep) {
  // Three epochs (75 steps, three shuffled orders): every step's loss and
  // the weights after them within 1e-12 relative (bench_train's tolerance).
  EXPECT_LE(bpv::bench::epoch_disagreement(bpv::bench::spiral_scenario(), 3), 1e-12);
}

TEST(SpiralEpoch, TheAgreementCheckNoticesBatchesInAnotherOrder) {
  EXPECT_GT(bpv::bench::epoch_disagreement(bpv::bench::spiral_scenario(), 1, /*reference_in_file_order=*/true), 1e-3);
}

}  // namespace
