// The Stepper: stepping op by op equals the fast path bit for bit; step back,
// jump, run to phase end, reset, next step, edits and non-finite reports.
// "Equal" here is bit-identical (memcmp of every buffer), never a tolerance.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/describe.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

using test::state_difference;

// Scenarios of different shapes: the seed, a batch with softmax, a deep net,
// and a random net with every kind of layer and a batch of 7.
std::vector<Scenario> scenarios_under_test() {
  std::vector<Scenario> out{load_scenario(test::scenario_path("seed.json")),
                            load_scenario(test::scenario_path("batch.json")),
                            load_scenario(test::scenario_path("deep_sigmoid.json"))};
  std::mt19937_64 rng(99);
  out.push_back(test::random_scenario(
      rng, {5, 6, 4, 4, 3, 3},
      {find_activation("leaky_relu"), find_activation("tanh"), find_activation("relu"),
       find_activation("identity"), find_activation("softmax")},
      test::loss("cross_entropy"), 7));
  out.back().name = "random 5-6-4-4-3-3";
  return out;
}

// State after each of 0..N ops, taken by single steps.
std::vector<PassState> states_by_single_steps(const Scenario& sc) {
  Stepper s(sc);
  std::vector<PassState> states{s.state()};
  while (s.step_forward()) states.push_back(s.state());
  return states;
}

TEST(Stepper, SteppingEveryOpEqualsTheFastPathBitForBit) {
  for (const Scenario& sc : scenarios_under_test()) {
    Trainer trainer(sc);
    Stepper stepper(sc);
    for (int step = 0; step < 3; ++step) {
      const double fast_loss = trainer.step();
      std::size_t ops = 0;
      while (stepper.step_forward()) ++ops;
      EXPECT_EQ(ops, stepper.op_count());
      EXPECT_EQ(state_difference(stepper.state(), trainer.state()), "") << sc.name << ", step " << step;
      EXPECT_EQ(stepper.state().loss_value(), fast_loss) << sc.name;
      ASSERT_TRUE(stepper.begin_next_step());
      // The next step starts from the trained weights, exactly.
      for (int l = 0; l < sc.layer_count(); ++l) {
        EXPECT_TRUE(test::bit_identical(stepper.scenario().layers[l].weights,
                                        trainer.scenario().layers[l].weights));
        EXPECT_TRUE(test::bit_identical(stepper.scenario().layers[l].bias, trainer.scenario().layers[l].bias));
      }
    }
  }
}

TEST(Stepper, TheFastPathChangesTheWeights) {
  // Guards the test above against comparing two things that never move.
  const Scenario sc = load_scenario(test::scenario_path("seed.json"));
  Trainer trainer(sc);
  trainer.step();
  for (int l = 0; l < sc.layer_count(); ++l) {
    EXPECT_NE(trainer.scenario().layers[l].weights, sc.layers[l].weights);
    EXPECT_NE(trainer.scenario().layers[l].bias, sc.layers[l].bias);
  }
}

TEST(Stepper, StepBackRestoresEveryBufferBitForBitAfterEveryOp) {
  for (const Scenario& sc : scenarios_under_test()) {
    const std::vector<PassState> states = states_by_single_steps(sc);
    Stepper s(sc);
    s.jump_to(s.op_count());
    for (std::size_t k = s.op_count(); k > 0; --k) {
      ASSERT_TRUE(s.step_back());
      EXPECT_EQ(s.cursor(), k - 1);
      EXPECT_EQ(state_difference(s.state(), states[k - 1]), "") << sc.name << ", back to cursor " << k - 1;
    }
    EXPECT_FALSE(s.step_back());
    // Forward again after going back: the same values as the first time.
    s.jump_to(s.op_count() / 2);
    EXPECT_EQ(state_difference(s.state(), states[s.op_count() / 2]), "") << sc.name;
  }
}

TEST(Stepper, StepBackOverAnUpdateRestoresTheOldWeights) {
  const Scenario sc = load_scenario(test::scenario_path("seed.json"));
  Stepper s(sc);
  s.jump_to(s.op_count());
  EXPECT_NE(s.state().scenario.layers[0].weights, sc.layers[0].weights);
  s.reset();
  for (int l = 0; l < sc.layer_count(); ++l) {
    EXPECT_TRUE(test::bit_identical(s.state().scenario.layers[l].weights, sc.layers[l].weights));
    EXPECT_TRUE(test::bit_identical(s.state().scenario.layers[l].bias, sc.layers[l].bias));
  }
}

TEST(Stepper, JumpToKEqualsKSingleSteps) {
  for (const Scenario& sc : scenarios_under_test()) {
    const std::vector<PassState> states = states_by_single_steps(sc);
    Stepper from_start(sc), from_end(sc);
    from_end.jump_to(from_end.op_count());
    for (std::size_t k = 0; k <= from_start.op_count(); ++k) {
      Stepper fresh(sc);
      fresh.jump_to(k);
      EXPECT_EQ(fresh.cursor(), k);
      EXPECT_EQ(state_difference(fresh.state(), states[k]), "") << sc.name << ", jump to " << k;
      from_end.jump_to(from_end.op_count() - k);  // walking backwards by jumps
      EXPECT_EQ(state_difference(from_end.state(), states[from_end.op_count() - k]), "") << sc.name;
    }
    from_start.jump_to(from_start.op_count() + 100);  // clamped
    EXPECT_TRUE(from_start.at_end());
  }
}

TEST(Stepper, OpsComeInTheOrderOfTheIssue) {
  const Scenario sc = load_scenario(test::scenario_path("seed.json"));
  const std::vector<Op> ops = build_ops(sc);
  const int L = sc.layer_count();
  // forward: 2 per layer; loss: 1; backward: loss gradient + 3 per layer + grad_input for l ≥ 2; update: 2 per layer.
  ASSERT_EQ(ops.size(), static_cast<std::size_t>(2 * L + 1 + 1 + 3 * L + (L - 1) + 2 * L));
  std::size_t k = 0;
  for (int l = 1; l <= L; ++l) {
    EXPECT_EQ(ops[k].kind, OpKind::Affine);
    EXPECT_EQ(ops[k++].layer, l);
    EXPECT_EQ(ops[k].kind, OpKind::Activate);
    EXPECT_EQ(ops[k++].layer, l);
  }
  EXPECT_EQ(ops[k++].kind, OpKind::Loss);
  EXPECT_EQ(ops[k++].kind, OpKind::LossGradient);
  for (int l = L; l >= 1; --l) {
    EXPECT_EQ(ops[k].kind, OpKind::ActivationBackward);
    EXPECT_EQ(ops[k++].layer, l);
    EXPECT_EQ(ops[k++].kind, OpKind::GradWeights);
    EXPECT_EQ(ops[k++].kind, OpKind::GradBias);
    if (l > 1) {
      EXPECT_EQ(ops[k++].kind, OpKind::GradInput);
    }
  }
  for (int l = 1; l <= L; ++l) {
    EXPECT_EQ(ops[k].kind, OpKind::UpdateWeights);
    EXPECT_EQ(ops[k++].layer, l);
    EXPECT_EQ(ops[k].kind, OpKind::UpdateBias);
    EXPECT_EQ(ops[k++].layer, l);
  }
  EXPECT_EQ(k, ops.size());
}

TEST(Stepper, RunToPhaseEndStopsAtEachPhaseBoundary) {
  for (const Scenario& sc : scenarios_under_test()) {
    Stepper s(sc);
    const Phase order[] = {Phase::Forward, Phase::Loss, Phase::Backward, Phase::Update};
    for (Phase phase : order) {
      const std::size_t before = s.cursor();
      s.run_to_phase_end();
      ASSERT_GT(s.cursor(), before) << phase_name(phase);
      for (std::size_t k = before; k < s.cursor(); ++k) EXPECT_EQ(s.ops()[k].phase, phase);
      if (!s.at_end()) {
        EXPECT_NE(s.ops()[s.cursor()].phase, phase) << "stopped inside " << phase_name(phase);
      }
    }
    EXPECT_TRUE(s.at_end());
    const std::size_t end = s.cursor();
    s.run_to_phase_end();  // nothing left
    EXPECT_EQ(s.cursor(), end);
    // From the middle of a phase it runs to that phase's end.
    s.jump_to(1);
    s.run_to_phase_end();
    EXPECT_EQ(s.cursor(), static_cast<std::size_t>(2 * sc.layer_count()));
  }
}

TEST(Stepper, ResetReturnsToAFreshStart) {
  const Scenario sc = load_scenario(test::scenario_path("batch.json"));
  Stepper s(sc);
  s.jump_to(s.op_count() - 1);
  s.reset();
  EXPECT_EQ(s.cursor(), 0u);
  EXPECT_EQ(state_difference(s.state(), Stepper(sc).state()), "");
  for (const Op& op : s.ops()) {
    if (op.writes.buffer == Buffer::PreActivation || op.writes.buffer == Buffer::Delta) {
      EXPECT_FALSE(s.is_computed(op.writes));
    }
  }
}

TEST(Stepper, IsComputedFollowsTheCursor) {
  Stepper s(load_scenario(test::scenario_path("seed.json")));
  const BufferRef z1{Buffer::PreActivation, 1};
  EXPECT_FALSE(s.is_computed(z1));
  EXPECT_TRUE(s.is_computed({Buffer::Weights, 1}));
  EXPECT_TRUE(s.is_computed({Buffer::Input, 0}));
  s.step_forward();
  EXPECT_TRUE(s.is_computed(z1));
  EXPECT_FALSE(s.is_computed({Buffer::Activation, 1}));
  s.step_back();
  EXPECT_FALSE(s.is_computed(z1));
}

TEST(Stepper, BeginNextStepOnlyAtTheEndAndStartsFromTheUpdatedWeights) {
  const Scenario sc = load_scenario(test::scenario_path("xor.json"));
  Stepper s(sc);
  s.jump_to(5);
  const PassState before = s.state();
  EXPECT_FALSE(s.begin_next_step());
  EXPECT_EQ(s.cursor(), 5u);
  EXPECT_EQ(state_difference(s.state(), before), "");

  s.jump_to(s.op_count());
  const Scenario trained = s.state().scenario;
  ASSERT_TRUE(s.begin_next_step());
  EXPECT_EQ(s.cursor(), 0u);
  for (int l = 0; l < sc.layer_count(); ++l) {
    EXPECT_TRUE(test::bit_identical(s.scenario().layers[l].weights, trained.layers[l].weights));
    EXPECT_TRUE(test::bit_identical(s.scenario().layers[l].bias, trained.layers[l].bias));
    EXPECT_NE(s.scenario().layers[l].weights, sc.layers[l].weights);
  }
  // Stepping back cannot undo into the previous step.
  EXPECT_FALSE(s.step_back());
}

TEST(Stepper, ReplaceScenarioRecomputesUpToTheCursorWithNoStaleValues) {
  for (const Scenario& sc : scenarios_under_test()) {
    Stepper s(sc);
    const std::size_t cursor = s.op_count() - 3;  // inside the update phase: every buffer computed
    s.jump_to(cursor);
    const PassState old_state = s.state();

    Scenario edited = sc;
    edited.layers[0].weights(0, 0) += 0.25;
    edited.layers.back().bias(0, 0) -= 0.125;
    s.replace_scenario(edited);

    EXPECT_EQ(s.cursor(), cursor);
    Stepper fresh(edited);
    fresh.jump_to(cursor);
    EXPECT_EQ(state_difference(s.state(), fresh.state()), "") << sc.name;
    EXPECT_NE(state_difference(s.state(), old_state), "") << sc.name << ": the edit changed nothing";
    // Every value downstream of W¹ changed: the loss, and the last layer's output.
    EXPECT_NE(s.state().loss_value(), old_state.loss_value()) << sc.name;
    EXPECT_NE(s.state().layers.back().activation, old_state.layers.back().activation) << sc.name;
    // Step back still works after the edit, to the edited scenario's own values.
    s.jump_to(2);
    fresh.jump_to(2);
    EXPECT_EQ(state_difference(s.state(), fresh.state()), "") << sc.name;
  }
}

TEST(Stepper, ReplaceScenarioWithOtherEditsAlsoRecomputes) {
  const Scenario sc = load_scenario(test::scenario_path("seed.json"));
  std::vector<Scenario> edits(5, sc);
  edits[0].inputs(0, 1) = 0.9;
  edits[1].targets << 0.0, 1.0, 0.0;
  edits[2].learning_rate = 0.5;
  edits[3].layers[1].activation = find_activation("tanh");
  edits[4].loss = find_loss("cross_entropy");
  Stepper unedited(sc);
  unedited.jump_to(unedited.op_count());
  for (std::size_t e = 0; e < edits.size(); ++e) {
    Stepper s(sc);
    s.jump_to(s.op_count());
    s.replace_scenario(edits[e]);
    Stepper fresh(edits[e]);
    fresh.jump_to(fresh.op_count());
    EXPECT_EQ(state_difference(s.state(), fresh.state()), "") << "edit " << e;
    EXPECT_NE(state_difference(s.state(), unedited.state()), "") << "edit " << e;
  }
}

TEST(Stepper, ReplaceScenarioWithFewerLayersClampsTheCursor) {
  const Scenario sc = load_scenario(test::scenario_path("deep_sigmoid.json"));
  Stepper s(sc);
  s.jump_to(s.op_count());
  Scenario smaller = sc;
  smaller.layers.erase(smaller.layers.begin() + 1, smaller.layers.begin() + 5);  // 7 → 3 layers
  s.replace_scenario(smaller);
  EXPECT_EQ(s.op_count(), build_ops(smaller).size());
  EXPECT_TRUE(s.at_end());
  Stepper fresh(smaller);
  fresh.jump_to(fresh.op_count());
  EXPECT_EQ(state_difference(s.state(), fresh.state()), "");
}

// 1 → 1 → 1 identity net: z¹ = 1e200 is finite, z² = 1e400 is not.
Scenario overflowing_in_layer_two() {
  Scenario sc = load_scenario(test::scenario_path("seed.json"));
  sc.input_size = 1;
  sc.layers.resize(2);
  for (Layer& l : sc.layers) {
    l.activation = find_activation("identity");
    l.weights = Eigen::MatrixXd::Constant(1, 1, 1e200);
    l.bias = Eigen::MatrixXd::Zero(1, 1);
  }
  sc.loss = find_loss("mse");
  sc.inputs = Eigen::MatrixXd::Ones(1, 1);
  sc.targets = Eigen::MatrixXd::Zero(1, 1);
  return sc;
}

TEST(Stepper, FirstNonFiniteNamesTheOpThatOverflowedAndClearsWhenSteppedBackBeforeIt) {
  const Scenario sc = overflowing_in_layer_two();
  Stepper s(sc);
  s.jump_to(2);
  EXPECT_FALSE(s.first_non_finite().has_value());
  EXPECT_TRUE(s.state().layers[0].activation.allFinite());
  s.step_forward();  // z² = a¹·W² = 1e400
  ASSERT_TRUE(s.first_non_finite().has_value());
  EXPECT_EQ(s.first_non_finite()->op_index, 2u);
  EXPECT_EQ(s.ops()[2].kind, OpKind::Affine);
  EXPECT_EQ(s.ops()[2].layer, 2);
  EXPECT_EQ(s.first_non_finite()->op_title, describe_title(s.ops()[2], sc));
  // Later ops (NaN everywhere downstream) do not move the report.
  s.jump_to(s.op_count());
  EXPECT_EQ(s.first_non_finite()->op_index, 2u);
  s.jump_to(3);
  EXPECT_EQ(s.first_non_finite()->op_index, 2u);
  s.step_back();  // back before op 2
  EXPECT_FALSE(s.first_non_finite().has_value());
  s.step_forward();
  EXPECT_TRUE(s.first_non_finite().has_value());
  s.reset();
  EXPECT_FALSE(s.first_non_finite().has_value());
}

TEST(Stepper, HugeLearningRateIsReportedAtTheUpdateThatOverflowed) {
  // 1 → 1 identity, mse, x = 2, y = 0, W = 1, b = 0: ∂L/∂W = x·(o − y) = 4, so
  // W − 1e308·4 = −∞ in the weight update, and every earlier op is finite.
  Scenario sc = overflowing_in_layer_two();
  sc.layers.resize(1);
  sc.layers[0].weights(0, 0) = 1.0;
  sc.inputs(0, 0) = 2.0;
  sc.learning_rate = 1e308;
  Stepper s(sc);
  s.jump_to(s.op_count());
  ASSERT_TRUE(s.first_non_finite().has_value());
  const std::size_t k = s.first_non_finite()->op_index;
  EXPECT_EQ(s.ops()[k].kind, OpKind::UpdateWeights);
  EXPECT_EQ(s.state().layers[0].grad_weights(0, 0), 4.0);
  s.jump_to(k);
  EXPECT_FALSE(s.first_non_finite().has_value());

  const auto training = find_first_non_finite(sc, 10);
  ASSERT_TRUE(training.has_value());
  EXPECT_EQ(training->step_index, 0u);
  EXPECT_EQ(training->op.op_index, k);
}

TEST(Stepper, NoNonFiniteReportOnHealthyScenarios) {
  for (const Scenario& sc : scenarios_under_test()) {
    Stepper s(sc);
    s.jump_to(s.op_count());
    EXPECT_FALSE(s.first_non_finite().has_value()) << sc.name;
    EXPECT_FALSE(find_first_non_finite(sc, 3).has_value()) << sc.name;
  }
}

TEST(Stepper, ValueBeforeHoldsWhatEachOpOverwrote) {
  const Scenario sc = load_scenario(test::scenario_path("seed.json"));
  const std::vector<PassState> states = states_by_single_steps(sc);
  Stepper s(sc);
  s.jump_to(s.op_count());
  for (std::size_t k = 0; k < s.op_count(); ++k)
    EXPECT_TRUE(test::bit_identical(s.value_before(k), buffer_matrix(states[k], s.ops()[k].writes))) << k;
}

}  // namespace
}  // namespace bpv
