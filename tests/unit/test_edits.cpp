// Every edit kind goes through the Session as a command: it recomputes the
// pass up to the cursor (no stale value), undo and redo return bit-identical
// state, a refused edit changes nothing, and the change mask says what moved.
#include <gtest/gtest.h>

#include "engine/edits.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/session.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

using test::state_difference;

Scenario batch_scenario() { return load_scenario(test::scenario_path("batch.json")); }

// A fresh Stepper on the session's start-of-step scenario, jumped to the same
// cursor: what the session must show after any edit.
std::string differs_from_fresh(const Session& s) {
  Stepper fresh(s.scenario());
  fresh.jump_to(s.stepper().cursor());
  return state_difference(s.stepper().state(), fresh.state());
}

struct EditCase {
  const char* name;
  Edit edit;
  std::size_t jump_to = 12;  // batch.json has 17 ops; 12 is in the backward pass
};

std::vector<EditCase> every_edit_kind() {
  InitSpec init;
  init.scheme = "he_normal";
  init.seed = 99;
  return {
      {"set weight", edit::SetWeight{2, 1, 0, 0.75}},
      {"set bias", edit::SetBias{1, 2, -0.5}},
      {"set input", edit::SetInput{3, 1, 0.25}},
      {"set target", edit::SetTarget{0, 1, 1.0}},
      {"add example", edit::AddExample{2}},
      {"remove example", edit::RemoveExample{1}},
      {"learning rate", edit::SetLearningRate{0.5}, 17},  // η acts in the update ops only
      {"loss", edit::SetLoss{"mse"}},
      {"activation", edit::SetActivation{1, "tanh"}},
      {"add neuron", edit::AddNeuron{1}},
      {"add input", edit::AddNeuron{0}},
      {"remove neuron", edit::RemoveNeuron{1, 2}},
      {"add layer", edit::AddLayer{1, 5, "sigmoid"}},
      {"remove layer", edit::RemoveLayer{1}},
      {"reinitialise", edit::Reinitialize{init}},
      {"optimizer", edit::SetOptimizer{default_spec(*find_optimizer("adam"))}},
      {"regularization", edit::SetRegularization{Regularization{0.01, 0.001}}},
  };
}

TEST(Edits, EveryKindRecomputesThenUndoesAndRedoesBitIdentically) {
  for (const EditCase& c : every_edit_kind()) {
    SCOPED_TRACE(c.name);
    Session s(batch_scenario());
    s.apply(command::JumpTo{c.jump_to});
    const PassState before = s.stepper().state();
    const std::size_t ops_before = s.stepper().op_count();

    ASSERT_EQ(s.apply(command::ApplyEdit{c.edit}), "");
    EXPECT_EQ(differs_from_fresh(s), "") << "stale values after the edit";
    EXPECT_TRUE(s.modified());
    const PassState after = s.stepper().state();
    const bool same_shape = s.stepper().op_count() == ops_before &&
                            state_difference(before, after) != "layer count";
    if (same_shape) {
      EXPECT_NE(state_difference(before, after), "") << "the edit changed nothing";
    }

    ASSERT_EQ(s.apply(command::Undo{}), "");
    EXPECT_EQ(state_difference(s.stepper().state(), before), "") << "undo";
    ASSERT_EQ(s.apply(command::Redo{}), "");
    EXPECT_EQ(state_difference(s.stepper().state(), after), "") << "redo";
    EXPECT_EQ(differs_from_fresh(s), "");
  }
}

TEST(Edits, UndoingAWholeSequenceReturnsToTheStart) {
  Session s(batch_scenario());
  s.apply(command::JumpTo{9});
  const PassState start = s.stepper().state();
  for (const EditCase& c : every_edit_kind()) ASSERT_EQ(s.apply(command::ApplyEdit{c.edit}), "") << c.name;
  while (s.can_undo()) s.apply(command::Undo{});
  EXPECT_EQ(state_difference(s.stepper().state(), start), "");
  while (s.can_redo()) s.apply(command::Redo{});
  EXPECT_EQ(differs_from_fresh(s), "");
}

TEST(Edits, RefusedEditsChangeNothing) {
  const std::vector<EditCase> bad = {
      {"non-finite weight", edit::SetWeight{1, 0, 0, std::numeric_limits<double>::infinity()}},
      {"NaN input", edit::SetInput{0, 0, std::nan("")}},
      {"no such weight", edit::SetWeight{1, 99, 0, 1.0}},
      {"no such layer", edit::SetBias{7, 0, 1.0}},
      {"negative learning rate", edit::SetLearningRate{-1.0}},
      {"unknown loss", edit::SetLoss{"hinge"}},
      {"unknown activation", edit::SetActivation{1, "swish"}},
      {"neuron in the output", edit::AddNeuron{2}},
      {"remove the output layer", edit::RemoveLayer{2}},
      {"layer too wide", edit::AddLayer{0, kMaxNeurons + 1, "relu"}},
  };
  for (const EditCase& c : bad) {
    SCOPED_TRACE(c.name);
    Session s(batch_scenario());
    s.apply(command::JumpTo{5});
    const PassState before = s.stepper().state();
    EXPECT_NE(s.apply(command::ApplyEdit{c.edit}), "");
    EXPECT_EQ(state_difference(s.stepper().state(), before), "");
    EXPECT_FALSE(s.can_undo());
    EXPECT_FALSE(s.modified());
  }
}

TEST(Edits, LimitsAreEnforced) {
  Scenario sc = batch_scenario();
  for (int k = sc.layer_count(); k < kMaxLayers; ++k) ASSERT_EQ(apply_edit(sc, edit::AddLayer{0, 2, "relu"}), "");
  EXPECT_EQ(sc.layer_count(), kMaxLayers);
  EXPECT_NE(apply_edit(sc, edit::AddLayer{0, 2, "relu"}), "");
  EXPECT_EQ(sc.layer_count(), kMaxLayers);
  Scenario one = batch_scenario();
  while (one.batch_size() > 1) ASSERT_EQ(apply_edit(one, edit::RemoveExample{0}), "");
  EXPECT_NE(apply_edit(one, edit::RemoveExample{0}), "");
}

TEST(Edits, AnEditCannotGrowANetworkPastTheLoadersResourceBounds) {
  // 2047 inputs, 2047 hidden, 1 output: (2047+1)·2047 + (2047+1)·1 = 2048²
  // parameters, exactly the bound; one more input or hidden neuron is over it.
  Scenario sc;
  sc.input_size = 2047;
  sc.layers.resize(2);
  sc.layers[0] = Layer{find_activation("relu"), Eigen::MatrixXd::Zero(2047, 2047), Eigen::MatrixXd::Zero(1, 2047)};
  sc.layers[1] = Layer{find_activation("sigmoid"), Eigen::MatrixXd::Zero(2047, 1), Eigen::MatrixXd::Zero(1, 1)};
  sc.loss = find_loss("mse");
  sc.inputs = Eigen::MatrixXd::Zero(1, 2047);
  sc.targets = Eigen::MatrixXd::Zero(1, 1);
  ASSERT_EQ(resource_problem(sc), "");
  EXPECT_NE(apply_edit(sc, edit::AddNeuron{0}), "");
  EXPECT_NE(apply_edit(sc, edit::AddNeuron{1}), "");
  EXPECT_EQ(sc.input_size, 2047);
  EXPECT_EQ(sc.layers[0].size(), 2047);
  EXPECT_EQ(apply_edit(sc, edit::RemoveNeuron{1, 0}), "");  // shrinking is always allowed
  EXPECT_EQ(apply_edit(sc, edit::AddNeuron{1}), "");        // and back to the bound
}

TEST(Edits, ChangeMaskMarksExactlyWhatAWeightEditMoved) {
  // Editing W² (layer 2 = the output of batch.json) cannot change layer 1's
  // forward values, but changes the outputs and, backward, every δ.
  Session s(batch_scenario());
  s.apply(command::RunToEnd{});
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetWeight{2, 0, 0, 3.0}}), "");
  const ChangeMask& m = s.last_change();
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m.revision, s.revision());
  for (char c : m.neurons[0]) EXPECT_EQ(c, 0) << "inputs did not change";
  EXPECT_EQ(m.neurons[2][0], 1) << "o₁ is fed by the edited weight";
  EXPECT_EQ(m.weights[1](0, 0), 1);
  EXPECT_TRUE(m.loss);
}

TEST(Edits, NewNeuronsTakeTheirWeightsFromTheInitSeedDeterministically) {
  Scenario a = batch_scenario(), b = batch_scenario();
  ASSERT_EQ(apply_edit(a, edit::AddNeuron{1}), "");
  ASSERT_EQ(apply_edit(b, edit::AddNeuron{1}), "");
  EXPECT_TRUE(test::bit_identical(a.layers[0].weights, b.layers[0].weights));
  EXPECT_TRUE(test::bit_identical(a.layers[1].weights, b.layers[1].weights));
  // The old connections are kept as they were.
  const Scenario orig = batch_scenario();
  EXPECT_TRUE(test::bit_identical(a.layers[0].weights.leftCols(orig.layers[0].size()), orig.layers[0].weights));
}

TEST(Edits, LoadingIsUndoableWithItsFilePath) {
  Session s(batch_scenario(), "batch.json");
  ASSERT_EQ(s.apply(command::LoadScenario{seed_scenario(), "seed.json"}), "");
  EXPECT_EQ(s.scenario().name, seed_scenario().name);
  EXPECT_EQ(s.path(), "seed.json");
  ASSERT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(s.scenario().name, batch_scenario().name);
  EXPECT_EQ(s.path(), "batch.json") << "Save after undoing an Open must not overwrite the opened file";
  ASSERT_EQ(s.apply(command::Redo{}), "");
  EXPECT_EQ(s.path(), "seed.json");
  ASSERT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(state_difference(s.stepper().state(), Stepper(batch_scenario()).state()), "");
}

TEST(Edits, TenThousandWeightEditsOfTheWideNetFitInFiftyMegabytes) {
  // The history keeps the changed number, not the network (issue 4 §6).
  Session s(load_scenario(test::scenario_path("mnist_shaped.json")));
  const Scenario& sc = s.scenario();
  for (int k = 0; k < 10000; ++k) {
    const int l = 1 + k % sc.layer_count();
    const Layer& layer = sc.layers[l - 1];
    ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetWeight{l, k % layer.fan_in(), (k / 7) % layer.size(), 0.001 * k}}), "");
  }
  std::printf("undo history of 10,000 weight edits: %.2f MB\n", s.history_bytes() / 1e6);
  EXPECT_LE(s.history_bytes(), 50u * 1000 * 1000);
}

TEST(Edits, TheHistoryForgetsItsOldestChangesBeyondItsLimit) {
  // Structural edits keep whole networks; a long lecture of them must not
  // grow memory without bound. The newest changes stay undoable.
  Session s(load_scenario(test::scenario_path("wide_64.json")));
  const std::size_t limit = 2u << 20;
  s.set_history_limit(limit);
  std::size_t deepest = 0;
  for (int k = 0; k < 60; ++k) {
    ASSERT_EQ(s.apply(command::ApplyEdit{k % 2 == 0 ? Edit{edit::AddNeuron{1}} : Edit{edit::RemoveNeuron{1, 0}}}), "");
    ASSERT_LE(s.history_bytes(), limit) << "after edit " << k;
    deepest = std::max(deepest, s.undo_depth());
  }
  EXPECT_LT(s.undo_depth(), 60u);  // some were forgotten
  EXPECT_GE(s.undo_depth(), 2u);   // and the latest kept
  const Scenario last = s.scenario();
  ASSERT_EQ(s.apply(command::Undo{}), "");
  ASSERT_EQ(s.apply(command::Redo{}), "");
  EXPECT_EQ(state_difference(s.stepper().state(), Stepper(last).state()), "");
  std::printf("history limit %zu bytes: %zu records kept (at most %zu)\n", limit, s.undo_depth(), deepest);
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

TEST(Edits, TheHistoryOutlivesARestartThroughJson) {
  // Build a network from the seed, "quit" (keep only the JSON a session file
  // holds), "reopen", and undo back to the seed.
  Session first(seed_scenario(), "");
  first.apply(command::RunToEnd{});
  ASSERT_EQ(first.apply(command::ApplyEdit{edit::SetWeight{1, 0, 0, 0.9}}), "");
  ASSERT_EQ(first.apply(command::ApplyEdit{edit::AddNeuron{1}}), "");
  ASSERT_EQ(first.apply(command::ApplyEdit{edit::SetActivation{2, "tanh"}}), "");
  ASSERT_EQ(first.apply(command::Undo{}), "");  // leaves one redo
  const std::string saved = first.history_json().dump();

  Session second(first.scenario(), "");
  second.apply(command::RunToEnd{});
  ASSERT_EQ(second.restore_history(nlohmann::json::parse(saved)), "");
  EXPECT_EQ(second.undo_label(), first.undo_label());
  EXPECT_TRUE(second.can_redo());
  while (second.can_undo()) ASSERT_EQ(second.apply(command::Undo{}), "");
  Stepper seed(seed_scenario());
  seed.jump_to(seed.op_count());
  EXPECT_EQ(test::state_difference(second.stepper().state(), seed.state()), "");
}

TEST(Edits, ACorruptHistoryIsRefusedAndLeavesNoHistory) {
  Session s(seed_scenario(), "");
  EXPECT_NE(s.restore_history(nlohmann::json::parse(R"({"undo": [{"label": 3}], "redo": []})")), "");
  EXPECT_NE(s.restore_history(nlohmann::json::parse(R"({"undo": [{"label": "x", "edit": {"kind": "fly"}}]})")), "");
  EXPECT_FALSE(s.can_undo());
}

}  // namespace
}  // namespace bpv

// ---- The optimizer and the regularization as edits ---------------------------
#include "engine/edits_json.hpp"
#include "optimizers/optimizer.hpp"
#include "formats/scenario_io.hpp"

namespace bpv {
namespace {

using test::bit_identical;
using test::state_difference;

OptimizerSpec adam_spec() { return default_spec(*find_optimizer("adam")); }

// Everything an optimizer edit may change, compared bit for bit: the spec, the
// regularization, t and every state tensor (state_difference), the op list.
std::string session_difference(const Session& a, const Stepper& b) {
  if (!(a.scenario().optimizer == b.scenario().optimizer)) return "optimizer";
  if (!(a.scenario().regularization == b.scenario().regularization)) return "regularization";
  if (a.stepper().ops() != b.ops()) return "op list";
  if (a.stepper().cursor() != b.cursor()) return "cursor";
  return state_difference(a.stepper().state(), b.state());
}

Stepper copy_of(const Session& s) {
  Stepper st(s.scenario());
  st.jump_to(s.stepper().cursor());
  return st;
}

TEST(OptimizerEdits, ChoosingAdamChangesTheOpListThenUndoAndRedoRestoreItBitForBit) {
  // Two plain SGD steps, then Adam mid-backward and at the end of a step.
  for (const bool at_end : {false, true}) {
    SCOPED_TRACE(at_end ? "at the end of the step" : "in the backward pass");
    Session s(batch_scenario());
    s.apply(command::NextTrainingStep{});
    s.apply(command::JumpTo{at_end ? s.stepper().op_count() : 12});
    const Stepper before = copy_of(s);
    ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetOptimizer{adam_spec()}}), "");
    EXPECT_EQ(s.scenario().optimizer, adam_spec());
    EXPECT_NE(s.stepper().op_count(), before.op_count()) << "Adam adds its update ops";
    EXPECT_EQ(differs_from_fresh(s), "");
    EXPECT_EQ(s.undo_label(), "optimizer = adam");
    if (at_end) EXPECT_TRUE(s.stepper().at_end()) << "a finished step stays finished";
    else EXPECT_EQ(s.stepper().cursor(), 12u);
    const Stepper after = copy_of(s);
    ASSERT_EQ(s.apply(command::Undo{}), "");
    EXPECT_EQ(session_difference(s, before), "") << "undo";
    ASSERT_EQ(s.apply(command::Redo{}), "");
    EXPECT_EQ(session_difference(s, after), "") << "redo";
  }
}

TEST(OptimizerEdits, UndoPutsTheCursorBackWhereTheEditFoundItInTheLongerOpList) {
  // In Adam's update phase, past the end of plain SGD's shorter op list.
  Session s(load_scenario(test::scenario_path("seed_adam.json")));
  const std::size_t adam_ops = s.stepper().op_count();
  s.apply(command::JumpTo{adam_ops - 2});
  const Stepper before = copy_of(s);
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetOptimizer{OptimizerSpec{}}}), "");
  ASSERT_LT(s.stepper().op_count(), adam_ops - 2);
  EXPECT_TRUE(s.stepper().at_end()) << "clamped to the end of the shorter list";
  ASSERT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(session_difference(s, before), "");
  // Moved since the edit: undo leaves the cursor where the user put it.
  ASSERT_EQ(s.apply(command::Redo{}), "");
  s.apply(command::JumpTo{3});
  ASSERT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(s.stepper().cursor(), 3u);
}

TEST(OptimizerEdits, AnotherOptimizerStartsFromZeroStateAndTheSameOneKeepsItsState) {
  Session s(load_scenario(test::scenario_path("seed_adam.json")));
  for (int k = 0; k < 3; ++k) s.apply(command::NextTrainingStep{});
  const OptimizerState trained = s.scenario().optimizer_state;
  ASSERT_EQ(trained.step(), 3.0);

  // β₁ only: PyTorch keeps a param group's state when its betas change.
  OptimizerSpec beta = adam_spec();
  beta.beta1 = 0.95;
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetOptimizer{beta}}), "");
  EXPECT_EQ(s.undo_label(), "β₁ = 0.95");
  EXPECT_EQ(s.scenario().optimizer_state.step(), 3.0);
  EXPECT_TRUE(bit_identical(s.scenario().optimizer_state.layers[0].weights[StateSlot::M],
                            trained.layers[0].weights[StateSlot::M]));

  // amsgrad on: m and v kept, vₘₐₓ new and zero.
  OptimizerSpec ams = beta;
  ams.amsgrad = true;
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetOptimizer{ams}}), "");
  EXPECT_EQ(s.undo_label(), "amsgrad on");
  const ParamState& w = s.scenario().optimizer_state.layers[0].weights;
  EXPECT_TRUE(bit_identical(w[StateSlot::V], trained.layers[0].weights[StateSlot::V]));
  EXPECT_EQ(w[StateSlot::VMax].size(), w[StateSlot::V].size());
  EXPECT_EQ(w[StateSlot::VMax].norm(), 0.0);

  // RMSprop: Adam's moments would not apply; t back to 0.
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetOptimizer{default_spec(*find_optimizer("rmsprop"))}}), "");
  EXPECT_EQ(s.scenario().optimizer_state.step(), 0.0);
  EXPECT_EQ(s.scenario().optimizer_state.layers[0].weights[StateSlot::M].size(), 0);
  EXPECT_EQ(s.scenario().optimizer_state.layers[0].weights[StateSlot::SquareAvg].norm(), 0.0);
  EXPECT_EQ(differs_from_fresh(s), "");

  // Undo all three: the trained Adam state, bit for bit.
  for (int k = 0; k < 3; ++k) ASSERT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(s.scenario().optimizer, adam_spec());
  for (std::size_t l = 0; l < trained.layers.size(); ++l)
    for (int slot = 0; slot < kStateSlotCount; ++slot) {
      EXPECT_TRUE(bit_identical(s.scenario().optimizer_state.layers[l].weights.tensors[slot],
                                trained.layers[l].weights.tensors[slot]));
      EXPECT_TRUE(bit_identical(s.scenario().optimizer_state.layers[l].bias.tensors[slot],
                                trained.layers[l].bias.tensors[slot]));
    }
}

TEST(OptimizerEdits, PlainSgdAndSgdAreOneOptimizer) {
  Scenario sc = batch_scenario();
  ASSERT_EQ(sc.optimizer.name, "");
  OptimizerSpec momentum = default_spec(*find_optimizer("sgd"));
  momentum.momentum = 0.9;
  EXPECT_EQ(edit_label(sc, edit::SetOptimizer{momentum}), "μ = 0.9");
  ASSERT_EQ(apply_edit(sc, edit::SetOptimizer{momentum}), "");
  EXPECT_EQ(sc.optimizer, momentum);
  // Back to no optimizer at all: every field at its default, as a file without one.
  ASSERT_EQ(apply_edit(sc, edit::SetOptimizer{OptimizerSpec{}}), "");
  EXPECT_EQ(sc.optimizer, OptimizerSpec{});
  EXPECT_TRUE(is_plain_sgd(sc.optimizer));
}

TEST(OptimizerEdits, OtherOptimizersFieldsAreSetToTheirDefaultsAsAFileWouldHoldThem) {
  Scenario sc = batch_scenario();
  OptimizerSpec spec = adam_spec();
  spec.momentum = 0.5;  // not a field of adam
  ASSERT_EQ(apply_edit(sc, edit::SetOptimizer{spec}), "");
  EXPECT_EQ(sc.optimizer, adam_spec());
  const Scenario reloaded = parse_scenario(scenario_to_json(sc).dump(), "saved");
  EXPECT_EQ(reloaded.optimizer, sc.optimizer);
}

TEST(OptimizerEdits, BadValuesAreRefusedAsTheLoaderRefusesThemAndChangeNothing) {
  auto with = [](const char* name, auto set) {
    OptimizerSpec spec = default_spec(*find_optimizer(name));
    set(spec);
    return Edit{edit::SetOptimizer{spec}};
  };
  const std::vector<std::pair<Edit, std::string>> bad = {
      {with("adam", [](OptimizerSpec& o) { o.beta1 = 1.0; }), "optimizer.beta1: must be in [0, 1)"},
      {with("adam", [](OptimizerSpec& o) { o.beta2 = -0.1; }), "optimizer.beta2: must be in [0, 1)"},
      {with("adam", [](OptimizerSpec& o) { o.eps = 0.0; }), "optimizer.eps: must be > 0"},
      {with("adam", [](OptimizerSpec& o) { o.eps = std::nan(""); }), "optimizer.eps: must be a finite number"},
      {with("adamw", [](OptimizerSpec& o) { o.weight_decay = -1.0; }), "optimizer.weight_decay: must be ≥ 0"},
      {with("rmsprop", [](OptimizerSpec& o) { o.alpha = 1.0; }), "optimizer.alpha: must be in [0, 1)"},
      {with("sgd", [](OptimizerSpec& o) { o.dampening = 1.5; }), "optimizer.dampening: must be in [0, 1]"},
      {with("sgd", [](OptimizerSpec& o) { o.nesterov = true; }), "optimizer.nesterov: needs momentum > 0"},
      {edit::SetOptimizer{OptimizerSpec{"lion"}},
       "optimizer.name: unknown optimizer 'lion' (expected one of sgd, rmsprop, adam, adamw)"},
      {edit::SetRegularization{Regularization{-0.1, 0.0}}, "regularization.l2: must be ≥ 0"},
      {edit::SetRegularization{Regularization{0.0, std::numeric_limits<double>::infinity()}},
       "regularization.l1: must be a finite number"},
  };
  for (const auto& [e, reason] : bad) {
    SCOPED_TRACE(reason);
    Session s(load_scenario(test::scenario_path("seed_adam.json")));
    s.apply(command::NextTrainingStep{});
    s.apply(command::JumpTo{9});
    const Stepper before = copy_of(s);
    EXPECT_EQ(s.apply(command::ApplyEdit{e}), reason);
    EXPECT_EQ(session_difference(s, before), "");
    EXPECT_FALSE(s.modified());
  }
  // An optimizer needs η > 0 (the loader's rule), both ways round.
  Scenario zero = batch_scenario();
  ASSERT_EQ(apply_edit(zero, edit::SetLearningRate{0.0}), "");
  EXPECT_NE(apply_edit(zero, edit::SetOptimizer{adam_spec()}), "");
  EXPECT_EQ(zero.optimizer.name, "");
  Scenario adam = load_scenario(test::scenario_path("seed_adam.json"));
  EXPECT_NE(apply_edit(adam, edit::SetLearningRate{0.0}), "");
}

TEST(OptimizerEdits, RegularizationAddsItsPenaltyOpsAndUndoRemovesThem) {
  Session s(batch_scenario());
  s.apply(command::JumpTo{12});
  const Stepper before = copy_of(s);
  ASSERT_EQ(s.apply(command::ApplyEdit{edit::SetRegularization{Regularization{0.01, 0.0}}}), "");
  EXPECT_EQ(s.undo_label(), "L2 λ = 0.01");
  EXPECT_GT(s.stepper().op_count(), before.op_count());
  EXPECT_EQ(differs_from_fresh(s), "");
  EXPECT_EQ(edit_label(s.scenario(), edit::SetRegularization{Regularization{0.01, 0.002}}), "L1 λ = 0.002");
  EXPECT_EQ(edit_label(s.scenario(), edit::SetRegularization{Regularization{}}), "no regularization");
  const Stepper after = copy_of(s);
  ASSERT_EQ(s.apply(command::Undo{}), "");
  EXPECT_EQ(session_difference(s, before), "");
  ASSERT_EQ(s.apply(command::Redo{}), "");
  EXPECT_EQ(session_difference(s, after), "");
}

TEST(OptimizerEdits, NeitherIsAValueEdit) {
  EXPECT_FALSE(is_value_edit(edit::SetOptimizer{adam_spec()}));
  EXPECT_FALSE(is_value_edit(edit::SetRegularization{Regularization{0.1, 0.0}}));
}

TEST(OptimizerEdits, BothRoundTripThroughTheHistoryJson) {
  OptimizerSpec spec = default_spec(*find_optimizer("adamw"));
  spec.beta1 = 0.1 + 0.2;  // not a short decimal: the JSON must keep every bit
  spec.amsgrad = true;
  spec.weight_decay = 1.0 / 3.0;
  const Edit e = edit::SetOptimizer{spec};
  const Edit back = edit_from_json(nlohmann::json::parse(edit_to_json(e).dump()));
  ASSERT_TRUE(std::holds_alternative<edit::SetOptimizer>(back));
  EXPECT_EQ(std::get<edit::SetOptimizer>(back).spec, spec);
  const Edit r = edit::SetRegularization{Regularization{1e-3, 1.0 / 7.0}};
  const Edit r_back = edit_from_json(nlohmann::json::parse(edit_to_json(r).dump()));
  ASSERT_TRUE(std::holds_alternative<edit::SetRegularization>(r_back));
  EXPECT_EQ(std::get<edit::SetRegularization>(r_back).reg, (Regularization{1e-3, 1.0 / 7.0}));

  // The whole session history: quit after training Adam and switching to
  // RMSprop, reopen, undo: the trained Adam state is back.
  Session first(load_scenario(test::scenario_path("seed_adam.json")));
  first.apply(command::NextTrainingStep{});
  first.apply(command::NextTrainingStep{});
  const Stepper trained = copy_of(first);
  ASSERT_EQ(first.apply(command::ApplyEdit{edit::SetOptimizer{default_spec(*find_optimizer("rmsprop"))}}), "");
  ASSERT_EQ(first.apply(command::ApplyEdit{r}), "");
  const std::string saved = first.history_json().dump();
  Session second(first.scenario());
  second.apply(command::JumpTo{first.stepper().cursor()});
  ASSERT_EQ(second.restore_history(nlohmann::json::parse(saved)), "");
  ASSERT_EQ(second.apply(command::Undo{}), "");
  ASSERT_EQ(second.apply(command::Undo{}), "");
  EXPECT_EQ(session_difference(second, trained), "");
}

}  // namespace
}  // namespace bpv
