// The optimizers and the regularization of formats.md §4: two steps of every
// optimizer on the seed against the formulas written out by hand here (on
// gradients taken from the engine's backward pass alone), the t = 1 special
// cases, stepped path = fast path and exact step back with the state, save →
// load → continue = an uninterrupted run, and the penalty under gradcheck.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/describe.hpp"
#include "engine/gradcheck.hpp"
#include "optimizers/optimizer.hpp"
#include "teaching/predict.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"
#include "engine/tensors.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

using test::bit_identical;
using test::state_difference;

// ---------------------------------------------------------------- the formulas by hand

// One element's state, as §4 names it.
struct HandState {
  bool has_velocity = false;
  double velocity = 0, square_avg = 0, grad_avg = 0, m = 0, v = 0, v_max = 0;
};

// §4, one element, written out from the contract's text (not from the
// engine's files): the parameter after one update at step t.
double hand_update(const OptimizerSpec& p, double lr, int t, double theta, double g, HandState& s) {
  if (p.name == "sgd") {
    s.velocity = s.has_velocity ? p.momentum * s.velocity + (1 - p.dampening) * g : g;
    s.has_velocity = true;
    const double step = p.nesterov ? g + p.momentum * s.velocity : s.velocity;
    return theta - lr * step;
  }
  if (p.name == "rmsprop") {
    s.square_avg = p.alpha * s.square_avg + (1 - p.alpha) * g * g;
    double d;
    if (p.centered) {
      s.grad_avg = p.alpha * s.grad_avg + (1 - p.alpha) * g;
      d = std::sqrt(s.square_avg - s.grad_avg * s.grad_avg) + p.eps;
    } else {
      d = std::sqrt(s.square_avg) + p.eps;
    }
    if (p.momentum > 0) {
      s.velocity = p.momentum * s.velocity + g / d;
      return theta - lr * s.velocity;
    }
    return theta - lr * g / d;
  }
  // adam, adamw
  if (p.name == "adamw") theta = theta * (1 - lr * p.weight_decay);
  s.m = p.beta1 * s.m + (1 - p.beta1) * g;
  s.v = p.beta2 * s.v + (1 - p.beta2) * g * g;
  double v = s.v;
  if (p.amsgrad) {
    s.v_max = std::max(s.v_max, s.v);
    v = s.v_max;
  }
  return theta - lr * (s.m / (1 - std::pow(p.beta1, t))) / (std::sqrt(v / (1 - std::pow(p.beta2, t))) + p.eps);
}

// ∂L/∂W and ∂L/∂b of every layer from the forward and backward ops only (no
// update op runs).
struct Gradients {
  std::vector<Eigen::MatrixXd> weights, bias;
};
Gradients backward_only(const Scenario& sc) {
  Stepper s(sc);
  while (!s.at_end() && s.ops()[s.cursor()].phase != Phase::Update) s.step_forward();
  Gradients g;
  for (const LayerState& ls : s.state().layers) {
    g.weights.push_back(ls.grad_weights);
    g.bias.push_back(ls.grad_bias);
  }
  return g;
}

double slot_value(const HandState& h, StateSlot s) {
  switch (s) {
    case StateSlot::Velocity: return h.velocity;
    case StateSlot::SquareAvg: return h.square_avg;
    case StateSlot::GradAvg: return h.grad_avg;
    case StateSlot::M: return h.m;
    case StateSlot::V: return h.v;
    case StateSlot::VMax: return h.v_max;
    case StateSlot::None: break;
  }
  return 0;
}

// Close to the last few bits: the engine evaluates the same formulas in
// PyTorch's order and may fuse a multiply-add, the hand code does neither.
void expect_close(double engine, double hand, const std::string& what) {
  EXPECT_NEAR(engine, hand, 1e-12 * std::max(1.0, std::abs(hand))) << what;
}

struct Case {
  std::string label;
  std::function<void(OptimizerSpec&)> set;
  std::string name;
};

OptimizerSpec spec_of(const Case& c) {
  OptimizerSpec p = default_spec(*find_optimizer(c.name));
  c.set(p);
  return p;
}

std::vector<Case> every_optimizer() {
  return {
      {"sgd_momentum", [](OptimizerSpec& p) { p.momentum = 0.9; }, "sgd"},
      {"sgd_nesterov", [](OptimizerSpec& p) { p.momentum = 0.9; p.nesterov = true; }, "sgd"},
      {"sgd_dampening", [](OptimizerSpec& p) { p.momentum = 0.8; p.dampening = 0.3; }, "sgd"},
      {"rmsprop", [](OptimizerSpec&) {}, "rmsprop"},
      {"rmsprop_centered", [](OptimizerSpec& p) { p.centered = true; }, "rmsprop"},
      {"rmsprop_momentum", [](OptimizerSpec& p) { p.momentum = 0.5; }, "rmsprop"},
      {"rmsprop_centered_momentum", [](OptimizerSpec& p) { p.momentum = 0.5; p.centered = true; p.alpha = 0.9; },
       "rmsprop"},
      {"adam", [](OptimizerSpec&) {}, "adam"},
      {"adam_amsgrad", [](OptimizerSpec& p) { p.amsgrad = true; p.beta2 = 0.5; }, "adam"},
      {"adamw", [](OptimizerSpec& p) { p.weight_decay = 0.1; }, "adamw"},
      {"adamw_amsgrad", [](OptimizerSpec& p) { p.amsgrad = true; }, "adamw"},
  };
}

class EveryOptimizer : public ::testing::TestWithParam<Case> {};

TEST_P(EveryOptimizer, TwoStepsOnTheSeedMatchTheFormulasWorkedByHand) {
  Scenario sc = seed_scenario();
  sc.learning_rate = 0.05;
  sc.optimizer = spec_of(GetParam());
  const std::array<bool, kStateSlotCount> keep = kept_state(sc.optimizer);

  // By hand: gradients of the current parameters, then §4 element by element.
  Scenario hand = sc;
  std::vector<std::vector<HandState>> w_state(3, std::vector<HandState>(9)), b_state(3, std::vector<HandState>(3));
  for (int t = 1; t <= 2; ++t) {
    const Gradients g = backward_only(hand);
    for (int l = 0; l < 3; ++l) {
      Layer& layer = hand.layers[l];
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          layer.weights(i, j) = hand_update(sc.optimizer, sc.learning_rate, t, layer.weights(i, j),
                                            g.weights[l](i, j), w_state[l][i * 3 + j]);
      for (int j = 0; j < 3; ++j)
        layer.bias(0, j) = hand_update(sc.optimizer, sc.learning_rate, t, layer.bias(0, j), g.bias[l](0, j), b_state[l][j]);
    }
  }

  Trainer trainer(sc);
  trainer.step();
  trainer.step();
  const Scenario& out = trainer.scenario();
  EXPECT_EQ(out.optimizer_state.step(), 2.0);
  for (int l = 0; l < 3; ++l) {
    const std::string L = "layer " + std::to_string(l + 1);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        expect_close(out.layers[l].weights(i, j), hand.layers[l].weights(i, j), L + " W");
        for (int s = 0; s < kStateSlotCount; ++s) {
          const Eigen::MatrixXd& m = out.optimizer_state.layers[l].weights.tensors[s];
          if (!keep[s]) {
            EXPECT_EQ(m.size(), 0) << L << " keeps " << state_slot_name(StateSlot(s));
            continue;
          }
          expect_close(m(i, j), slot_value(w_state[l][i * 3 + j], StateSlot(s)),
                       L + " W " + std::string(state_slot_name(StateSlot(s))));
        }
      }
    for (int j = 0; j < 3; ++j) {
      expect_close(out.layers[l].bias(0, j), hand.layers[l].bias(0, j), L + " b");
      for (int s = 0; s < kStateSlotCount; ++s)
        if (keep[s])
          expect_close(out.optimizer_state.layers[l].bias.tensors[s](0, j), slot_value(b_state[l][j], StateSlot(s)),
                       L + " b " + std::string(state_slot_name(StateSlot(s))));
    }
  }
}

// Every optimizer × regularization: the Stepper's op-by-op path equals the
// fast path bit for bit over 3 steps, and stepping back from the end of each
// step to its start restores every tensor, the optimizer state included.
TEST_P(EveryOptimizer, SteppedEqualsFastAndStepBackRestoresTheStateExactly) {
  for (const Regularization reg : {Regularization{}, Regularization{0.01, 0.0}, Regularization{0.0, 0.02},
                                   Regularization{0.01, 0.02}}) {
    Scenario sc = load_scenario(test::scenario_path("batch.json"));
    sc.optimizer = spec_of(GetParam());
    sc.regularization = reg;
    Trainer trainer(sc);
    Stepper stepper(sc);
    for (int step = 0; step < 3; ++step) {
      const PassState start = stepper.state();
      const double loss = trainer.step();
      stepper.jump_to(stepper.op_count());
      EXPECT_EQ(state_difference(stepper.state(), trainer.state()), "") << "step " << step << " l2 " << reg.l2;
      EXPECT_EQ(stepper.state().loss_value(), loss);
      stepper.jump_to(0);
      EXPECT_EQ(state_difference(stepper.state(), start), "") << "step back, step " << step;
      stepper.jump_to(stepper.op_count());
      ASSERT_TRUE(stepper.begin_next_step());
    }
  }
}

TEST_P(EveryOptimizer, SaveLoadAndContinueEqualsAnUninterruptedRun) {
  Scenario sc = seed_scenario();
  sc.optimizer = spec_of(GetParam());
  sc.regularization = {0.001, 0.0005};
  Trainer whole(sc);
  for (int k = 0; k < 2; ++k) whole.step();
  const Scenario saved = parse_scenario(scenario_to_json(whole.scenario()).dump(2), "saved.json");
  EXPECT_EQ(saved.optimizer, sc.optimizer);
  EXPECT_EQ(saved.regularization, sc.regularization);
  Trainer resumed(saved);
  EXPECT_EQ(state_difference(make_pass_state(saved), make_pass_state(whole.scenario())), "");
  for (int k = 0; k < 3; ++k) {
    const double a = whole.step(), b = resumed.step();
    EXPECT_EQ(a, b) << "step " << k + 3;
  }
  EXPECT_EQ(state_difference(whole.state(), resumed.state()), "");
}

TEST_P(EveryOptimizer, EveryUpdateOpWritesOneTensorAndDescribesItsOwnNumbers) {
  Scenario sc = seed_scenario();
  sc.optimizer = spec_of(GetParam());
  Stepper s(sc);
  s.jump_to(s.op_count());
  ASSERT_TRUE(s.begin_next_step());  // the second step: every state exists
  while (s.step_forward()) {
    const Op& op = s.ops()[s.cursor() - 1];
    if (op.phase != Phase::Update) continue;
    const OpText t = describe(op, s.state(), &s.value_before(s.cursor() - 1));
    EXPECT_FALSE(t.title.empty());
    EXPECT_FALSE(t.equation.empty());
    EXPECT_FALSE(t.explanation.empty());
    // The value written, as the equation ends: "= <value of element (0, 0)>".
    const Eigen::MatrixXd& out = buffer_matrix(s.state(), op.writes);
    const std::string written = format_number(out(0, 0), op.kind == OpKind::OptimizerStep ? 17 : 8);
    EXPECT_NE(t.numbers.rfind("= " + written), std::string::npos) << t.title << ": " << t.numbers;
    // Before the op runs, describe() shows the same value.
    s.step_back();
    const OpText ahead = describe(op, s.state(), nullptr);
    EXPECT_NE(ahead.numbers.rfind("= " + written), std::string::npos) << t.title << ": " << ahead.numbers;
    s.step_forward();
  }
}

TEST_P(EveryOptimizer, PredictAsksForEveryNewOpsValueAndKnowsTheAnswer) {
  Scenario sc = seed_scenario();
  sc.optimizer = spec_of(GetParam());
  sc.regularization = {0.01, 0.001};
  Stepper s(sc);
  for (int step = 0; step < 2; ++step) {
    while (!s.at_end()) {
      const Element e{0, 1, 2};
      const std::optional<PredictQuestion> q = ask_next_op(s, e);
      ASSERT_TRUE(q);
      const Op op = s.ops()[s.cursor()];
      s.step_forward();
      const Eigen::MatrixXd& out = buffer_matrix(s.state(), op.writes);
      const bool matrix = op.writes.buffer == Buffer::Weights || op.writes.buffer == Buffer::GradWeights ||
                          op.writes.buffer == Buffer::WeightState;
      const bool scalar = out.size() == 1;
      // The asked element, clamped into the output as predict does (1 − β₁ᵗ, 1 − β₂ᵗ has two columns).
      const double expected = scalar ? out(0, 0) : out(matrix ? 1 : 0, std::min<Eigen::Index>(2, out.cols() - 1));
      EXPECT_EQ(q->answer, expected) << q->title;
      EXPECT_FALSE(q->symbol.empty());
    }
    s.begin_next_step();
  }
}

// Every matrix an op could touch in this pass state (the learning rate and the
// hyperparameters are scalars of the scenario, not tensors).
bool declares_read(const Op& op, const BufferRef& r) {
  for (int k = 0; k < op.read_count; ++k)
    if (op.reads[static_cast<std::size_t>(k)] == r) return true;
  return false;
}

// An op writes only the tensor it declares, and what it writes depends only
// on the tensors it declares it reads: each undeclared tensor is changed in a
// copy of the state before the op, and the op's output must not move.
void expect_ops_keep_to_their_declarations(const Scenario& sc, const std::string& label) {
  const std::vector<Op> ops = build_ops(sc);
  PassState state = make_pass_state(sc);
  for (int step = 0; step < 2; ++step) {  // the second step: every state tensor exists
    for (std::size_t k = 0; k < ops.size(); ++k) {
      const Op& op = ops[k];
      const std::string where = label + " step " + std::to_string(step) + " op " + std::to_string(k) + " " +
                                std::string(op_kind_name(op.kind)) + " layer " + std::to_string(op.layer);
      PassState after = state;
      apply_op(op, after);
      for (const BufferRef& r : registered_tensors(state)) {
        if (r == op.writes) continue;
        EXPECT_TRUE(bit_identical(buffer_matrix(state, r), buffer_matrix(after, r)))
            << where << " wrote " << buffer_name(r.buffer) << " of layer " << r.layer << ", undeclared";
        if (declares_read(op, r) || buffer_matrix(state, r).size() == 0) continue;
        PassState changed = state;
        Eigen::MatrixXd& m = buffer_matrix(changed, r);
        m = (m.array() * 1.7 + 0.37).matrix();
        apply_op(op, changed);
        EXPECT_TRUE(bit_identical(buffer_matrix(changed, op.writes), buffer_matrix(after, op.writes)))
            << where << " read " << buffer_name(r.buffer) << " of layer " << r.layer << " (slot "
            << static_cast<int>(r.slot) << "), undeclared";
      }
      state = std::move(after);
    }
    // The next step starts from the updated parameters and state, as Stepper::begin_next_step does.
    Scenario next = state.scenario;
    state = make_pass_state(next);
  }
}

TEST_P(EveryOptimizer, EveryOpTouchesOnlyTheTensorsItDeclares) {
  for (const Regularization reg : {Regularization{}, Regularization{0.01, 0.02}}) {
    Scenario sc = seed_scenario();
    sc.optimizer = spec_of(GetParam());
    sc.regularization = reg;
    expect_ops_keep_to_their_declarations(sc, GetParam().label + (reg.active() ? " + L1/L2" : ""));
  }
}

TEST(Optimizers, PlainSgdOpsTouchOnlyTheTensorsTheyDeclare) {
  expect_ops_keep_to_their_declarations(seed_scenario(), "plain sgd");
  expect_ops_keep_to_their_declarations(load_scenario(test::scenario_path("regression_mse.json")), "mse");
}

INSTANTIATE_TEST_SUITE_P(Optimizers, EveryOptimizer, ::testing::ValuesIn(every_optimizer()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.label; });

// ---------------------------------------------------------------- t = 1 and plain SGD

TEST(Optimizers, SgdVelocityStartsAsTheGradientOnTheFirstStep) {
  Scenario sc = seed_scenario();
  sc.optimizer = default_spec(*find_optimizer("sgd"));
  sc.optimizer.momentum = 0.9;
  sc.optimizer.dampening = 0.5;  // b ← μ·b + (1 − d)·g would halve it
  const Gradients g = backward_only(sc);
  Trainer trainer(sc);
  trainer.step();
  for (int l = 0; l < 3; ++l) {
    EXPECT_TRUE(bit_identical(trainer.scenario().optimizer_state.layers[l].weights[StateSlot::Velocity], g.weights[l]));
    EXPECT_TRUE(bit_identical(trainer.scenario().optimizer_state.layers[l].bias[StateSlot::Velocity], g.bias[l]));
  }
}

TEST(Optimizers, AdamsFirstStepIsTheLearningRateAgainstTheGradientsSign) {
  // With the bias corrections at t = 1, m̂ = g and v̂ = g²: every parameter moves
  // by η·g/(|g| + ε), almost exactly η.
  Scenario sc = seed_scenario();
  sc.optimizer = default_spec(*find_optimizer("adam"));
  const Gradients g = backward_only(sc);
  Trainer trainer(sc);
  trainer.step();
  for (int l = 0; l < 3; ++l)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        const double gw = g.weights[l](i, j);
        const double expected = sc.layers[l].weights(i, j) - sc.learning_rate * gw / (std::abs(gw) + 1e-8);
        EXPECT_NEAR(trainer.scenario().layers[l].weights(i, j), expected, 1e-15);
      }
  EXPECT_EQ(trainer.scenario().optimizer_state.step(), 1.0);
}

TEST(Optimizers, SgdWithMomentumZeroIsPlainSgdBitForBit) {
  Scenario plain = seed_scenario();
  Scenario named = plain;
  named.optimizer = default_spec(*find_optimizer("sgd"));
  EXPECT_EQ(build_ops(named), build_ops(plain));
  Trainer a(plain), b(named);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(a.step(), b.step());
  EXPECT_EQ(state_difference(a.state(), b.state()), "");
}

TEST(Optimizers, NoRegularizationAddsNoOps) {
  Scenario sc = seed_scenario();
  const std::size_t plain = build_ops(sc).size();
  sc.regularization = {0.01, 0.0};
  EXPECT_EQ(build_ops(sc).size(), plain + 1 + 3);  // the penalty, and one per layer's ∂L/∂W
}

TEST(Optimizers, AdamUpdatePhaseIsTThenEachLayersMomentsAndParameters) {
  Scenario sc = seed_scenario();
  sc.optimizer = default_spec(*find_optimizer("adam"));
  std::vector<std::string> update;
  for (const Op& op : build_ops(sc))
    if (op.phase == Phase::Update)
      update.push_back(std::string(buffer_name(op.writes.buffer)) +
                       (op.writes.slot == StateSlot::None ? "" : "." + std::string(state_slot_name(op.writes.slot))) +
                       std::to_string(op.writes.layer));
  const std::vector<std::string> expected{"t0", "bias_correction0",
                                          "weights_state.m1", "weights_state.v1", "weights1",
                                          "bias_state.m1", "bias_state.v1", "bias1",
                                          "weights_state.m2", "weights_state.v2", "weights2",
                                          "bias_state.m2", "bias_state.v2", "bias2",
                                          "weights_state.m3", "weights_state.v3", "weights3",
                                          "bias_state.m3", "bias_state.v3", "bias3"};
  EXPECT_EQ(update, expected);
}

// ---------------------------------------------------------------- regularization

TEST(Regularization, TheLossIsTheDataLossPlusThePenalty) {
  Scenario sc = seed_scenario();
  sc.regularization = {0.01, 0.002};
  double squares = 0, absolutes = 0;
  for (const Layer& layer : sc.layers) {
    squares += layer.weights.squaredNorm();
    absolutes += layer.weights.cwiseAbs().sum();
  }
  Trainer trainer(sc);
  const double loss = trainer.step();
  const PassState& st = trainer.state();
  EXPECT_NEAR(st.penalty_value(), 0.005 * squares + 0.002 * absolutes, 1e-15);
  EXPECT_EQ(loss, st.data_loss() + st.penalty_value());
  EXPECT_NEAR(st.data_loss(), forward_loss(seed_scenario()), 1e-15);
}

TEST(Regularization, GradcheckCoversThePenalty) {
  Scenario sc = seed_scenario();  // every weight ≥ 0.1: far from |w|'s kink at 0
  sc.regularization = {0.05, 0.03};
  const GradCheckResult r = gradcheck(sc);
  EXPECT_LE(r.max_relative_error, kGradCheckTolerance);
  EXPECT_EQ(r.entries.size(), r.parameter_count - r.skipped_at_kinks);
  // And the gradient really has the penalty's term in it.
  const Gradients with = backward_only(sc), without = backward_only(seed_scenario());
  for (int l = 0; l < 3; ++l) {
    const Eigen::MatrixXd term = 0.05 * sc.layers[l].weights + Eigen::MatrixXd::Constant(3, 3, 0.03);
    EXPECT_TRUE(with.weights[l].isApprox(without.weights[l] + term, 1e-14));
    EXPECT_TRUE(bit_identical(with.bias[l], without.bias[l]));  // never the biases
  }
}

TEST(Regularization, SignOfAZeroWeightIsZero) {
  Scenario sc = seed_scenario();
  sc.layers[0].weights(0, 0) = 0.0;
  sc.regularization = {0.0, 0.5};
  const Gradients with = backward_only(sc);
  Scenario plain = sc;
  plain.regularization = {};
  const Gradients without = backward_only(plain);
  EXPECT_EQ(with.weights[0](0, 0), without.weights[0](0, 0));
  EXPECT_EQ(with.weights[0](0, 1), without.weights[0](0, 1) + 0.5);
}

// ---------------------------------------------------------------- the file format

TEST(OptimizerFile, LoadsTheFieldsWithDefaultsAndSavesThemBack) {
  const Scenario sc = load_scenario(test::scenario_path("seed_adam.json"));
  EXPECT_EQ(sc.optimizer.name, "adam");
  EXPECT_EQ(sc.optimizer.beta2, 0.999);
  EXPECT_EQ(sc.regularization.l2, 0.001);
  const Scenario back = parse_scenario(scenario_to_json(sc).dump(), "back.json");
  EXPECT_EQ(back.optimizer, sc.optimizer);
  EXPECT_EQ(back.regularization, sc.regularization);
  // Left out when zero: a fresh file has no optimizer_state.
  EXPECT_FALSE(scenario_to_json(sc).contains("optimizer_state"));
  EXPECT_FALSE(scenario_to_json(seed_scenario()).contains("optimizer"));
  EXPECT_FALSE(scenario_to_json(seed_scenario()).contains("regularization"));
}

TEST(OptimizerFile, AnSgdVelocityOfZerosIsKeptBecauseMissingMeansNoneYet) {
  Scenario sc = seed_scenario();
  sc.optimizer = default_spec(*find_optimizer("sgd"));
  sc.optimizer.momentum = 0.9;
  sc.optimizer.dampening = 0.5;
  conform_optimizer_state(sc);
  for (LayerOptimizerState& l : sc.optimizer_state.layers) {
    l.weights[StateSlot::Velocity] = Eigen::MatrixXd::Zero(3, 3);
    l.bias[StateSlot::Velocity] = Eigen::MatrixXd::Zero(1, 3);
  }
  sc.optimizer_state.t(0, 0) = 4;
  const Scenario back = parse_scenario(scenario_to_json(sc).dump(), "back.json");
  EXPECT_EQ(state_difference(make_pass_state(back), make_pass_state(sc)), "");
}

TEST(OptimizerFile, AStateTensorOfTheWrongShapeNamesItsField) {
  const std::string text = scenario_to_json(seed_scenario()).dump();
  std::string with = text.substr(0, text.size() - 1) +
                     R"(, "optimizer": {"name": "adam"}, "optimizer_state": {"t": 3, "layers": [{}, {"weights": {"m": [[1, 2]]}}, {}]}})";
  try {
    parse_scenario(with, "s.json");
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("s.json: optimizer_state.layers[1].weights.m: expected 3 rows", 0), 0u)
        << e.what();
  }
}

}  // namespace
}  // namespace bpv
