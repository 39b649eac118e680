// The lessons on expression graphs (assets/expressions/lessons): each loads,
// each beat enters, each question's answer is the engine's, and what each
// beat's text claims holds on the screen it is made on.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "expression/expression_lesson.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"

namespace bpv {
namespace {

const std::string kLessons = std::string(BPV_ASSETS_DIR) + "/expressions/lessons";

ExprLesson lesson(const std::string& file) { return load_expression_lesson(kLessons + "/" + file); }

double answer(const ExprLesson& l, std::size_t beat) {
  return beat_answer(enter_beat(l, beat), *l.beats[beat].question);
}

TEST(ExpressionLessons, EveryLessonLoadsAndEveryBeatEntersWithAFiniteAnswer) {
  int lessons = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kLessons)) {
    const ExprLesson l = load_expression_lesson(entry.path().string());
    ++lessons;
    for (std::size_t b = 0; b < l.beats.size(); ++b) {
      const ExprStepper s = enter_beat(l, b);
      EXPECT_EQ(s.cursor(), l.beats[b].op) << entry.path() << " beat " << b;
      if (!l.beats[b].question) continue;
      EXPECT_TRUE(std::isfinite(answer(l, b))) << entry.path() << " beat " << b;
      // The canvas shows what the cursor has computed: a question's answer must not be there yet.
      const ExprLessonQuestion& q = *l.beats[b].question;
      // (A leaf's value is always shown: a question on one asks for it after its update.)
      const int node = s.graph().find(q.node);
      const bool leaf = expr_operator(s.graph().nodes[node].kind).arity == 0;
      // A gradient partly summed (a value used twice) may show, as long as it is not yet the answer.
      const bool shown = q.gradient ? s.is_computed({ExprTensor::Grad, node}) : !leaf && s.is_computed({ExprTensor::Value, node});
      const double now = q.gradient ? s.state().grad[node] : s.state().value[node];
      EXPECT_FALSE(shown && now == answer(l, b))
          << entry.path() << " beat " << b << " shows the answer to '" << q.text << "'";
    }
  }
  EXPECT_GE(lessons, 4);
}

// A question asked before the op that computes its answer: the screen does not give it away.
bool shown(const ExprStepper& s, const ExprLessonQuestion& q) {
  const int n = s.graph().find(q.node);
  return s.is_computed({q.gradient ? ExprTensor::Grad : ExprTensor::Value, n});
}

TEST(ExpressionLessons, TheChainRuleOnACircuitAsksBeforeItShows) {
  const ExprLesson l = lesson("1_chain_rule_circuit.json");
  EXPECT_EQ(answer(l, 1), -12.0);  // f = (−2 + 5) · (−4)
  EXPECT_EQ(answer(l, 3), 3.0);    // ∂f/∂z = q
  EXPECT_EQ(answer(l, 4), -4.0);   // ∂f/∂x = ∂f/∂q · 1 = z
  for (std::size_t b : {1u, 3u, 4u}) EXPECT_FALSE(shown(enter_beat(l, b), *l.beats[b].question)) << "beat " << b;
  // "∂f/∂x stays z as long as z does not change": move x, the gradient is the same.
  Expression moved = l.expression;
  moved.values[0] = 7.5;
  ExprStepper s(moved);
  s.jump_to(s.op_count());
  EXPECT_EQ(s.state().grad[s.graph().find("x")], -4.0);
}

TEST(ExpressionLessons, AValueUsedTwiceCollectsBothContributions) {
  const ExprLesson l = lesson("2_gradients_add.json");
  const double through_e = answer(l, 1), whole = answer(l, 2);
  EXPECT_EQ(through_e, -6.0);                 // ∂f/∂e · 1 = d
  EXPECT_EQ(whole, -3.0);                     // plus ∂f/∂d · b = 1 · 3
  EXPECT_EQ(whole - through_e, 3.0);
}

TEST(ExpressionLessons, TheNeuronLearnsAndW2NeverMoves) {
  const ExprLesson l = lesson("3_neuron_learns.json");
  EXPECT_NEAR(answer(l, 0), std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(answer(l, 1), 0.5, 1e-12);
  EXPECT_NEAR(answer(l, 2), 1.0, 1e-12);
  EXPECT_NEAR(answer(l, 3), -3.1, 1e-12);
  EXPECT_EQ(l.expression.learning_rate, 0.1) << "the text says η = 0.1";
  const ExprStepper later = enter_beat(l, 4);
  EXPECT_LT(answer(l, 4), answer(l, 0)) << "o has gone down";
  EXPECT_EQ(later.expression().values[later.expression().value_index("w2")], 1.0) << "w2 never moved";
  EXPECT_EQ(l.beats[4].trained, 20);
}

TEST(ExpressionLessons, TheSaturatedSigmoidsGradientVanishes) {
  const ExprLesson l = lesson("4_vanishing_sigmoid.json");
  EXPECT_GT(answer(l, 0), 0.99) << "close to 1";
  EXPECT_LT(answer(l, 1), 0.01) << "∂s/∂z is tiny";
  ExprTrainer t(l.expression);
  t.step();
  const double w_before = l.expression.values[l.expression.value_index("w")];
  EXPECT_LT(std::abs(t.expression().values[l.expression.value_index("w")] - w_before), 0.05)
      << "even η = 0.5 barely moves w";
  EXPECT_EQ(l.expression.learning_rate, 0.5);
}

TEST(ExpressionLessons, ABadLessonIsOneLineNamingTheField) {
  const std::string dir = kLessons;
  const auto error = [&](const std::string& beats) {
    try {
      parse_expression_lesson(R"({"kind": "expression_lesson", "title": "t", "expression": "../cs231n_circuit.json", "beats": )" +
                                  beats + "}",
                              dir + "/bad.json");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("(loaded)");
  };
  EXPECT_NE(error(R"([{"text": "x", "at": {"node": "nope", "pass": "forward"}}])").find("beats[0].at.node: 'nope' is not"),
            std::string::npos);
  EXPECT_NE(error(R"([{"text": "x", "at": {"node": "x", "pass": "forward"}}])").find("beats[0].at.node: 'x' has no forward op"),
            std::string::npos);
  EXPECT_NE(error(R"([{"text": ""}])").find("beats[0].text: must not be empty"), std::string::npos);
  EXPECT_NE(error(R"([{"text": "x", "question": {"text": "?", "node": "f", "quantity": "slope"}}])")
                .find("beats[0].question.quantity: expected value or grad"),
            std::string::npos);
  EXPECT_NE(error("[]").find("beats: expected a non-empty array"), std::string::npos);
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// Lesson E5's claim: the neuron as an expression and as a 2-1 dense tanh
// layer with the squared error compute the same numbers.
TEST(ExpressionLessons, TheNeuronAsAnExpressionAndAsADenseLayerAgree) {
  const ExprLesson l = lesson("5_neuron_as_a_layer.json");
  ExprStepper e(l.expression);
  e.jump_to(e.op_count());
  const Scenario net = load_scenario(std::string(BPV_ASSETS_DIR) + "/scenarios/neuron_2_1.json");
  Stepper n(net);
  n.jump_to(n.op_count());
  const ExpressionGraph& g = e.graph();
  const LayerState& layer = n.state().layers[0];
  const auto value = [&](const char* name) { return e.state().value[g.find(name)]; };
  const auto grad = [&](const char* name) { return e.state().grad[g.find(name)]; };
  EXPECT_NEAR(value("n"), layer.pre_activation(0, 0), 1e-15);
  EXPECT_NEAR(value("o"), layer.activation(0, 0), 1e-15);
  EXPECT_NEAR(value("L"), n.state().loss_value(), 1e-15);
  EXPECT_NEAR(grad("o"), layer.grad_activation(0, 0), 1e-15);
  EXPECT_NEAR(grad("n"), layer.delta(0, 0), 1e-15);
  EXPECT_NEAR(grad("w1"), layer.grad_weights(0, 0), 1e-15);
  EXPECT_NEAR(grad("w2"), layer.grad_weights(1, 0), 1e-15);
  EXPECT_NEAR(grad("b"), layer.grad_bias(0, 0), 1e-15);
  // And the updates: plain SGD with the same η.
  EXPECT_NEAR(value("w1"), n.state().scenario.layers[0].weights(0, 0), 1e-15);
  EXPECT_NEAR(value("b"), n.state().scenario.layers[0].bias(0, 0), 1e-15);
  for (std::size_t b = 0; b < l.beats.size(); ++b) EXPECT_TRUE(std::isfinite(answer(l, b)));
}

}  // namespace
}  // namespace bpv
