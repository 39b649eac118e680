// Predict-then-reveal (core/teaching/predict.hpp): the answer asked for is exactly
// what the op then writes, asking changes nothing in the engine, the shown
// equation hides the result, and the tolerance is the one the UI states.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/tensors.hpp"
#include "teaching/predict.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// The value at `e` of the buffer op k wrote (the same indexing as the question).
double written_value(const Stepper& st, std::size_t k, Element e) {
  const Op& op = st.ops()[k];
  const Eigen::MatrixXd& out = buffer_matrix(st.state(), op.writes);
  const TensorInfo& t = tensor_info(op.writes.buffer);
  if (t.layout == TensorLayout::Edges) return out(e.row, e.col);
  if (!t.per_example) return out(0, e.col);  // a bias, the loss, one number per feature
  return out(e.example, e.col);
}

class EveryOp : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryOp, TheAnswerIsExactlyWhatTheOpWritesAndAskingChangesNothing) {
  // A bare name is in assets/scenarios; "layer_examples/NAME" names its folder.
  const std::string name = GetParam();
  const Scenario sc = load_scenario(name.find('/') == std::string::npos ? test::scenario_path(name)
                                                                        : test::assets_dir() + "/" + name);
  Stepper st(sc);
  // The first element, and a far one (clamped into each output's shape).
  const std::vector<Element> elements = {Element{}, Element{sc.batch_size() - 1, 1000, 1000}};
  while (!st.at_end()) {
    const std::size_t k = st.cursor();
    std::vector<PredictQuestion> asked;
    // A draw (the mini-batch's rows, a dropout mask) is stepped over, not asked.
    if (tensor_info(st.ops()[k].writes.buffer).role == TensorRole::Data) {
      EXPECT_FALSE(ask_next_op(st, Element{}).has_value()) << "op " << k;
      st.step_forward();
      continue;
    }
    for (const Element& e : elements) {
      const PassState before = st.state();
      const auto q = ask_next_op(st, e);
      ASSERT_TRUE(q.has_value()) << "op " << k;
      EXPECT_EQ(test::state_difference(before, st.state()), "") << "asking changed the engine at op " << k;
      EXPECT_EQ(q->op_index, k);
      asked.push_back(*q);
    }
    st.step_forward();
    for (const PredictQuestion& q : asked) {
      EXPECT_EQ(q.answer, written_value(st, k, q.element)) << "op " << k << " " << q.title << " " << q.symbol;
      // The hidden line ends in "?" (before an "(example k)" note) and the
      // revealed line is the same text with the number in its place.
      const OpText shown = describe(st.ops()[k], st.state(), &st.value_before(k), q.element);
      EXPECT_NE(q.hidden_numbers.find(" = ?"), std::string::npos) << q.hidden_numbers;
      EXPECT_EQ(hide_result(shown.numbers), q.hidden_numbers) << "op " << k;
      EXPECT_NE(shown.numbers, q.hidden_numbers);
    }
  }
  EXPECT_FALSE(ask_next_op(st, Element{}).has_value()) << "at the end of the step there is nothing to ask";
}

INSTANTIATE_TEST_SUITE_P(Scenarios, EveryOp,
                         ::testing::Values("seed.json", "batch.json", "xor.json", "seed_cross_entropy.json",
                                           "regression_mse.json"));
// Every layer kind: conv windows and channels, pooling, batch norm's
// statistics and its graph's nodes, dropout's mask.
INSTANTIATE_TEST_SUITE_P(LayerKinds, EveryOp,
                         ::testing::Values("layer_examples/batch_norm_backward_graph.json",
                                           "layer_examples/overfit_dropout.json",
                                           "layer_examples/spiral_batch_norm.json",
                                           "layer_examples/mnist_shaped_conv.json"));

TEST(Predict, AsksForTheElementInTheEquationsNotation) {
  Stepper st(seed_scenario());
  EXPECT_EQ(ask_next_op(st, Element{})->symbol, "z¹₁");
  st.step_forward();
  EXPECT_EQ(ask_next_op(st, Element{0, 0, 1})->symbol, "h1₂");
  st.jump_to(6);  // the loss
  EXPECT_EQ(ask_next_op(st, Element{})->symbol, "L");
  st.jump_to(9);  // ∂L/∂W³ (after the loss gradient and δ³)
  const auto q = ask_next_op(st, Element{0, 1, 2});
  EXPECT_EQ(q->symbol, "∂L/∂W³₂₃");
  EXPECT_EQ(q->hidden_numbers.substr(0, std::string("∂L/∂W³₂₃ = ").size()), "∂L/∂W³₂₃ = ");
  st.jump_to(st.op_count() - 1);  // the last op: b³'s update
  EXPECT_EQ(ask_next_op(st, Element{0, 0, 2})->symbol, "new b³₃");
}

TEST(Predict, BatchQuestionsNameTheExample) {
  Stepper st(load_scenario(test::scenario_path("batch.json")));
  ASSERT_GT(st.scenario().batch_size(), 1);
  const auto q = ask_next_op(st, Element{1, 0, 0});
  EXPECT_EQ(q->symbol, "z¹₁ (example 2)");
  EXPECT_NE(q->hidden_numbers.find("= ?  (example 2)"), std::string::npos) << q->hidden_numbers;
}

TEST(Predict, HideResultReplacesOnlyTheLastNumber) {
  EXPECT_EQ(hide_result("z²₁ = 0.1×0.2 + 0.3 = 0.32"), "z²₁ = 0.1×0.2 + 0.3 = ?");
  EXPECT_EQ(hide_result("h1₁ = ReLU(-0.5) = 0  (example 3)"), "h1₁ = ReLU(-0.5) = ?  (example 3)");
  EXPECT_EQ(hide_result("W¹₁₁ ← 0.5 − 0.01 × 0.2 = 0.498"), "W¹₁₁ ← 0.5 − 0.01 × 0.2 = ?");
}

TEST(Predict, WithinOnePercentOrAThousandthIsRight) {
  EXPECT_TRUE(guess_is_right(0.5213, 0.5213));
  EXPECT_TRUE(guess_is_right(0.504, 0.5));    // 0.8 %
  EXPECT_FALSE(guess_is_right(0.51, 0.5));    // 2 %
  EXPECT_TRUE(guess_is_right(1009.0, 1000.0));
  EXPECT_FALSE(guess_is_right(1011.0, 1000.0));
  EXPECT_TRUE(guess_is_right(0.0, 2e-4));     // near zero: 0.001 absolute
  EXPECT_FALSE(guess_is_right(0.0, 2e-3));
  EXPECT_TRUE(guess_is_right(-0.0995, -0.1));
  EXPECT_FALSE(guess_is_right(0.1, -0.1));    // the sign matters
  EXPECT_FALSE(guess_is_right(NAN, 1.0));
  EXPECT_FALSE(guess_is_right(1.0, NAN));
}

TEST(Predict, ScoreCountsRightOutOfAsked) {
  PredictScore s;
  s.record(true);
  s.record(false);
  s.record(true);
  EXPECT_EQ(s.asked, 3);
  EXPECT_EQ(s.right, 2);
}

}  // namespace
}  // namespace bpv
