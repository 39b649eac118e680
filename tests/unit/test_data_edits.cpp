// The data set edits (formats.md §5) through the Session: each is applied and
// leaves inputs / targets holding the mini-batch the loader would load, a
// refusal changes nothing and says why, and undo restores the scenario.
#include <gtest/gtest.h>

#include "data/batching.hpp"
#include "engine/edits.hpp"
#include "engine/edits_json.hpp"
#include "engine/evaluate.hpp"
#include "formats/scenario_io.hpp"
#include "engine/session.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

using test::state_difference;

Scenario circle() { return load_scenario(test::scenario_path("circle.json")); }

Feature raw(int k) { return Feature{Feature::Kind::Raw, k, 0}; }
Feature square(int k) { return Feature{Feature::Kind::Square, k, 0}; }

// What a save and a load make of the scenario: the same start of step.
std::string differs_after_save_and_load(const Scenario& sc) {
  const Scenario back = parse_scenario(scenario_to_json(sc).dump(), "edited");
  Stepper a(sc), b(back);
  a.jump_to(a.op_count());
  b.jump_to(b.op_count());
  return state_difference(a.state(), b.state());
}

// The mini-batch the loader's own rule gives for the scenario's data set.
void expect_loaded_batch(const Scenario& sc) {
  Scenario again = sc;
  load_mini_batch(again);
  EXPECT_EQ(sc.inputs, again.inputs);
  EXPECT_EQ(sc.targets, again.targets);
  EXPECT_EQ(sc.inputs.cols(), sc.input_size);
}

// Applies through a session mid-step, checks a fresh stepper agrees, undoes
// and redoes: the scenario before and after come back bit for bit.
Scenario apply_and_undo(const Scenario& start, const Edit& e) {
  Session s(start);
  s.apply(command::JumpTo{7});
  const PassState before = s.stepper().state();
  EXPECT_EQ(s.apply(command::ApplyEdit{e}), "");
  const Scenario after = s.scenario();
  Stepper fresh(after);
  fresh.jump_to(s.stepper().cursor());
  EXPECT_EQ(state_difference(s.stepper().state(), fresh.state()), "") << "stale values after the edit";
  EXPECT_FALSE(s.undo_label().empty());
  EXPECT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(state_difference(s.stepper().state(), before), "") << "undo";
  EXPECT_EQ(s.scenario().data.train_raw, start.data.train_raw);
  EXPECT_EQ(s.scenario().input_size, start.input_size);
  EXPECT_EQ(s.apply(command::Redo{}), "");
  EXPECT_EQ(s.scenario().data.train_raw, after.data.train_raw);
  // Every data edit survives the session file's history.
  const Edit back = edit_from_json(nlohmann::json::parse(edit_to_json(e).dump()));
  EXPECT_EQ(edit_to_json(back), edit_to_json(e));
  return after;
}

void expect_refused(const Scenario& start, const Edit& e, const std::string& reason_part) {
  Scenario sc = start;
  const std::string reason = apply_edit(sc, e);
  EXPECT_NE(reason.find(reason_part), std::string::npos) << "reason: " << reason;
  EXPECT_EQ(sc.data.train_raw, start.data.train_raw);
  EXPECT_EQ(sc.inputs, start.inputs);
  EXPECT_EQ(sc.input_size, start.input_size);
  EXPECT_EQ(sc.progress, start.progress);
}

TEST(DataEdits, ANewGeneratorRegeneratesThePointsAndStartsTrainingOver) {
  Scenario start = circle();
  start.progress = Progress{7, 0, 7};
  load_mini_batch(start);
  DataGenerator g = *start.data.generator;
  g.name = "xor";
  g.samples = 200;
  g.seed = 9;
  const Scenario after = apply_and_undo(start, edit::SetDataGenerator{g});
  EXPECT_EQ(after.data.generator, g);
  EXPECT_EQ(after.data.train_rows(), 100);
  EXPECT_EQ(after.data.test_raw.rows(), 100);
  EXPECT_EQ(after.progress, Progress{});
  const GeneratedData expected = generate_data(g, 1, true);  // one tanh output: −1 / +1
  EXPECT_EQ(after.data.train_raw, expected.train_raw);
  EXPECT_EQ(after.data.train_targets, expected.train_targets);
  expect_loaded_batch(after);
  EXPECT_EQ(differs_after_save_and_load(after), "");
  EXPECT_EQ(edit_label(start, edit::SetDataGenerator{g}), "data: xor, 200 points, noise 0, seed 9");
}

TEST(DataEdits, AGeneratorIsRefusedWhereTheOutputLayerOrTheInputsDoNotFit) {
  Scenario three_outputs = load_scenario(test::scenario_path("seed.json"));  // 3 inputs, 3 outputs
  DataGenerator g{"circle", 100, 0.0, 1, 0.0};
  expect_refused(three_outputs, edit::SetDataGenerator{g}, "inputs");
  expect_refused(circle(), edit::SetDataGenerator{DataGenerator{"nope", 100, 0, 1, 0}}, "unknown data set");
  expect_refused(circle(), edit::SetDataGenerator{DataGenerator{"circle", 100, 0.9, 1, 0}}, "noise");
  expect_refused(circle(), edit::SetDataGenerator{DataGenerator{"circle", 1, 0, 1, 0}}, "samples");
  // Two inputs but three outputs: generate_data's own reason, nothing changed.
  Scenario three = circle();
  three.layers.back().weights.conservativeResize(Eigen::NoChange, 3);
  three.layers.back().bias.conservativeResize(Eigen::NoChange, 3);
  expect_refused(three, edit::SetDataGenerator{g}, "output");
}

TEST(DataEdits, FeaturesResizeTheFirstLayerKeepingTheRowsOfFeaturesThatStay) {
  const Scenario start = circle();
  const std::vector<Feature> features = {raw(0), raw(1), square(0), square(1)};
  const Scenario after = apply_and_undo(start, edit::SetFeatures{features});
  EXPECT_EQ(after.input_size, 4);
  EXPECT_EQ(after.data.features, features);
  EXPECT_EQ(after.layers[0].weights.rows(), 4);
  EXPECT_EQ(after.layers[0].weights.topRows(2), start.layers[0].weights);  // x₁, x₂ kept
  EXPECT_EQ(after.data.train_raw, start.data.train_raw);                    // rows stay raw
  expect_loaded_batch(after);
  EXPECT_EQ(differs_after_save_and_load(after), "");
  // The same edit twice draws the same new rows.
  Scenario again = start;
  ASSERT_EQ(apply_edit(again, edit::SetFeatures{features}), "");
  EXPECT_EQ(again.layers[0].weights, after.layers[0].weights);
  // Dropping x₁ keeps x₂'s row, now first.
  Scenario only_x2 = start;
  ASSERT_EQ(apply_edit(only_x2, edit::SetFeatures{{raw(1)}}), "");
  EXPECT_EQ(only_x2.layers[0].weights.row(0), start.layers[0].weights.row(1));
  EXPECT_EQ(edit_label(start, edit::SetFeatures{{raw(1), square(0)}}), "features: x₂, x₁²");
}

TEST(DataEdits, FeaturesNamingAMissingRawInputAreRefused) {
  expect_refused(circle(), edit::SetFeatures{{raw(0), raw(2)}}, "x3");
}

TEST(DataEdits, FeaturesTurnPlainRowsIntoATrainingSet) {
  const Scenario xor_rows = load_scenario(test::scenario_path("xor.json"));
  ASSERT_FALSE(xor_rows.data.active());
  const Scenario after = apply_and_undo(xor_rows, edit::SetFeatures{{raw(0), raw(1), Feature{Feature::Kind::Product, 0, 1}}});
  EXPECT_TRUE(after.data.active());
  EXPECT_EQ(after.data.train_raw, xor_rows.inputs);
  EXPECT_EQ(after.inputs.cols(), 3);
  expect_loaded_batch(after);
  EXPECT_EQ(differs_after_save_and_load(after), "");
}

TEST(DataEdits, BatchingChangesTheBatchSizeAndStartsTheEpochOver) {
  Scenario start = circle();
  start.progress = Progress{30, 1, 5};
  load_mini_batch(start);
  const Scenario after = apply_and_undo(start, edit::SetBatching{Batching{32, false, 0}});
  EXPECT_EQ(after.batch_size(), 32);
  EXPECT_EQ(after.progress, (Progress{30, 1, 0}));
  expect_loaded_batch(after);
  EXPECT_EQ(differs_after_save_and_load(after), "");
  const Scenario whole = apply_and_undo(start, edit::SetBatching{std::nullopt});
  EXPECT_EQ(whole.batch_size(), 250);
  EXPECT_TRUE(whole.data.active());  // the generator keeps it a data set
  expect_refused(start, edit::SetBatching{Batching{0, false, 0}}, "batch size");
  EXPECT_EQ(edit_label(start, edit::SetBatching{Batching{8, true, 4}}), "batch size 8, shuffled, seed 4");
}

TEST(DataEdits, TheStepperTakesANewBatchSizeMidStep) {
  Session s(circle());
  s.apply(command::JumpTo{s.stepper().op_count() - 2});
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetBatching{Batching{3, true, 1}}}), "");
  EXPECT_EQ(s.stepper().state().scenario.inputs.rows(), 3);
  s.apply(command::NextTrainingStep{});
  s.apply(command::StepBack{});
  ASSERT_EQ(s.apply(command::Undo{}), "");
  s.apply(command::NextTrainingStep{});
  EXPECT_EQ(s.stepper().state().scenario.inputs.rows(), 10);
}

TEST(DataEdits, APointIsAddedWithItsClassShapedLikeTheTargetsAndTheGeneratorIsDropped) {
  const Scenario start = circle();
  const Scenario after = apply_and_undo(start, edit::AddDataPoint{1.5, -2.0, 1.0, false});
  EXPECT_FALSE(after.data.generator.has_value());
  EXPECT_TRUE(after.data.active());
  EXPECT_EQ(after.data.train_rows(), 251);
  EXPECT_EQ(after.data.train_raw.row(250), Eigen::RowVector2d(1.5, -2.0));
  EXPECT_EQ(after.data.train_targets(250, 0), 1.0);
  Scenario zero = start;
  ASSERT_EQ(apply_edit(zero, edit::AddDataPoint{0, 0, 0.0, true}), "");
  EXPECT_EQ(zero.data.test_targets(zero.data.test_raw.rows() - 1, 0), -1.0);  // tanh output: class 0 is −1
  EXPECT_TRUE(has_class_targets(after));  // read from the rows now
  EXPECT_EQ(differs_after_save_and_load(after), "");
  const Scenario back = parse_scenario(scenario_to_json(after).dump(), "edited");
  EXPECT_EQ(back.data.train_raw, after.data.train_raw);
  EXPECT_EQ(back.data.test_raw, after.data.test_raw);
  expect_refused(start, edit::AddDataPoint{0, 0, 0.5, false}, "class");
  expect_refused(load_scenario(test::scenario_path("seed.json")), edit::AddDataPoint{0, 0, 1.0, false}, "two raw inputs");
}

TEST(DataEdits, APointIsRemovedFromEitherSet) {
  const Scenario start = circle();
  const Scenario after = apply_and_undo(start, edit::RemoveDataPoint{3, false});
  EXPECT_EQ(after.data.train_rows(), 249);
  EXPECT_EQ(after.data.train_raw.row(3), start.data.train_raw.row(4));
  const Scenario test_less = apply_and_undo(start, edit::RemoveDataPoint{0, true});
  EXPECT_EQ(test_less.data.test_raw.rows(), 249);
  expect_loaded_batch(after);
  expect_refused(start, edit::RemoveDataPoint{250, false}, "no such training point");
  EXPECT_EQ(edit_label(start, edit::RemoveDataPoint{3, true}), "remove test point 4");
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// The toolbar's "Next epoch": the steps left in this epoch, this one included,
// trained through the session's job, end at the first mini-batch of the next.
TEST(DataEdits, TrainingTheStepsLeftInAnEpochEndsAtTheNextEpochsFirstMiniBatch) {
  Scenario start = circle();
  start.progress = Progress{3, 0, 3};
  load_mini_batch(start);
  Session s(start);
  s.apply(command::JumpTo{4});
  const long long left = steps_per_epoch(start.train_rows(), start.data.batching) - start.progress.step_in_epoch;
  ASSERT_EQ(s.apply(command::TrainSteps{static_cast<int>(left)}), "");
  while (s.training()) s.poll();
  s.poll();
  EXPECT_EQ(s.scenario().progress, (Progress{3 + left, 1, 0}));
  EXPECT_EQ(s.loss_history().size(), static_cast<std::size_t>(left));
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// The loss panel's epoch-end points: the same numbers whether the epoch was
// stepped through op by op or trained by the job, one record per epoch.
TEST(EpochLosses, SteppedAndTrainedEpochsRecordTheSameTrainingAndTestLoss) {
  const Scenario start = circle();
  const long long per_epoch = steps_per_epoch(start.train_rows(), start.data.batching);
  Session trained(start);
  ASSERT_EQ(trained.apply(command::TrainSteps{static_cast<int>(2 * per_epoch)}), "");
  while (trained.training()) trained.poll();
  Session stepped(start);
  for (long long k = 0; k < 2 * per_epoch; ++k) stepped.apply(command::NextTrainingStep{});
  ASSERT_EQ(trained.epoch_losses().size(), 2u);
  ASSERT_EQ(stepped.epoch_losses().size(), 2u);
  for (std::size_t e = 0; e < 2; ++e) {
    EXPECT_EQ(trained.epoch_losses()[e].step, static_cast<std::size_t>((e + 1) * per_epoch));
    EXPECT_EQ(trained.epoch_losses()[e].epoch, static_cast<long long>(e));
    EXPECT_EQ(trained.epoch_losses()[e].train, stepped.epoch_losses()[e].train);
    EXPECT_EQ(trained.epoch_losses()[e].test, stepped.epoch_losses()[e].test);
    EXPECT_GT(trained.epoch_losses()[e].test, 0.0);
    // The circle is a classifier (tanh, −1/+1): its accuracies are there too.
    EXPECT_EQ(trained.epoch_losses()[e].test_accuracy, stepped.epoch_losses()[e].test_accuracy);
    EXPECT_EQ(trained.epoch_losses()[e].train_accuracy, stepped.epoch_losses()[e].train_accuracy);
  }
  // The last record is the data loss of the weights now, over each whole set.
  SetEvaluator test_set(start, start.data.test_raw, start.data.test_targets);
  EXPECT_EQ(trained.epoch_losses().back().test, test_set.data_loss(trained.scenario()));
  EXPECT_EQ(trained.epoch_losses().back().test_accuracy, test_set.accuracy(classifier_of(start)));
  EXPECT_GT(trained.epoch_losses().back().test_accuracy, 0.0);
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// The mini-batch op writes x and y from the data set each step, and the inputs
// are the features: edits of the batch's numbers or of the input layer would
// not be what the network sees, so they are refused with where to go instead.
TEST(DataEdits, BatchAndInputLayerEditsAreRefusedWithADataSet) {
  const Scenario start = circle();
  expect_refused(start, edit::SetInput{0, 0, 5.0}, "Data tab");
  expect_refused(start, edit::SetTarget{0, 0, 1.0}, "Data tab");
  expect_refused(start, edit::AddExample{0}, "Data tab");
  expect_refused(start, edit::RemoveExample{0}, "Data tab");
  expect_refused(start, edit::AddNeuron{0}, "features");
  expect_refused(start, edit::RemoveNeuron{0, 1}, "features");
  Scenario hidden = start;
  EXPECT_EQ(apply_edit(hidden, edit::AddNeuron{1}), "");  // hidden layers are the network's own
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// A brush stroke on an image input: one edit, the whole image. With a data
// set it lands on the training row the mini-batch shows as that example.
TEST(DataEdits, APaintedImageIsTheTrainingRowThisMiniBatchShowsAsThatExample) {
  Scenario start = circle();
  start.input_shape = {1, 2};  // two pixels: an image as far as the edit is concerned
  const std::vector<int> rows = batch_rows(start.data.train_rows(), start.data.batching, start.progress);
  ASSERT_GE(rows.size(), 2u);
  const Scenario after = apply_and_undo(start, edit::PaintImage{1, {0.25, -0.5}});
  EXPECT_EQ(after.data.train_raw.row(rows[1]), Eigen::RowVector2d(0.25, -0.5));
  for (int r = 0; r < start.data.train_rows(); ++r) {
    if (r != rows[1]) {
      EXPECT_EQ(after.data.train_raw.row(r), start.data.train_raw.row(r)) << "row " << r;
    }
  }
  EXPECT_EQ(after.inputs.row(1), Eigen::RowVector2d(0.25, -0.5));  // the mini-batch op writes it into x
  expect_loaded_batch(after);
  EXPECT_EQ(edit_label(start, edit::PaintImage{1, {0.0, 0.0}}), "paint the image of example 2");
}

// The confusion matrix's "as input": a test point, inputs and class, becomes
// example 2 of this step, in place of the training row its mini-batch reads.
TEST(DataEdits, ADataPointBecomesAnExampleOfTheStep) {
  const Scenario start = circle();
  const std::vector<int> rows = batch_rows(start.data.train_rows(), start.data.batching, start.progress);
  ASSERT_GE(rows.size(), 2u);
  const Scenario after = apply_and_undo(start, edit::UseDataPoint{1, true, 7});
  EXPECT_EQ(after.data.train_raw.row(rows[1]), start.data.test_raw.row(7));
  EXPECT_EQ(after.data.train_targets.row(rows[1]), start.data.test_targets.row(7));
  EXPECT_EQ(after.inputs.row(1), start.data.test_raw.row(7));
  EXPECT_EQ(after.targets.row(1), start.data.test_targets.row(7));
  EXPECT_EQ(after.data.train_raw.row(rows[0]), start.data.train_raw.row(rows[0]));
  expect_loaded_batch(after);
  // A training point may be its own destination.
  const Scenario same = apply_and_undo(start, edit::UseDataPoint{0, false, rows[0]});
  EXPECT_EQ(same.data.train_raw, start.data.train_raw);
  expect_refused(start, edit::UseDataPoint{1, true, 250}, "no such test point");
  expect_refused(start, edit::UseDataPoint{static_cast<int>(rows.size()), false, 0}, "no such example");
  EXPECT_EQ(edit_label(start, edit::UseDataPoint{1, true, 7}), "test row 8 as example 2");
  const Edit back = edit_from_json(nlohmann::json::parse(edit_to_json(edit::UseDataPoint{1, true, 7}).dump()));
  ASSERT_TRUE(std::holds_alternative<edit::UseDataPoint>(back));
  EXPECT_EQ(std::get<edit::UseDataPoint>(back).row, 7);
  EXPECT_TRUE(std::get<edit::UseDataPoint>(back).test);
  // Without a data set: the example's own x and y.
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  Scenario sc = seed;
  EXPECT_EQ(apply_edit(sc, edit::UseDataPoint{0, false, 0}), "");
  expect_refused(seed, edit::UseDataPoint{0, true, 0}, "no test set");
}

TEST(DataEdits, PaintingWithoutADataSetSetsTheBatchsExample) {
  const Scenario start = load_scenario(test::scenario_path("mnist_shaped.json"));
  ASSERT_FALSE(start.data.active());
  std::vector<double> pixels(784, 0.0);
  pixels[14 * 28 + 14] = 1.0;
  Scenario sc = start;
  EXPECT_EQ(apply_edit(sc, edit::PaintImage{3, pixels}), "");
  EXPECT_EQ(sc.inputs.row(3), Eigen::Map<const Eigen::RowVectorXd>(pixels.data(), 784));
  EXPECT_EQ(sc.inputs.row(2), start.inputs.row(2));
}

TEST(DataEdits, APaintingThatDoesNotFitTheImageIsRefused) {
  Scenario start = circle();
  expect_refused(start, edit::PaintImage{0, {0.0, 0.0}}, "not an image");
  start.input_shape = {1, 2};
  expect_refused(start, edit::PaintImage{0, {0.0}}, "2 pixels, not 1");
  expect_refused(start, edit::PaintImage{0, {0.0, std::nan("")}}, "finite");
  expect_refused(start, edit::PaintImage{99, {0.0, 0.0}}, "no such example");
  Scenario features = load_scenario(test::scenario_path("spiral_features.json"));
  features.input_shape = {1, features.input_size};
  expect_refused(features, edit::PaintImage{0, std::vector<double>(static_cast<std::size_t>(features.input_size), 0.0)},
                 "features");
}

}  // namespace
}  // namespace bpv
