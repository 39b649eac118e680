// Recording an expression lesson (core/expression/expression_lesson_writer.hpp):
// beats taken from a stepper come back from the saved file at the same ops,
// with the same numbers, placed by node and pass; a beat the file could not
// replay, or a question whose answer is already on screen, is refused.
#include <gtest/gtest.h>

#include <cstring>

#include "../common/temp_dir.hpp"
#include "expression/expression_io.hpp"
#include "expression/expression_lesson_writer.hpp"
#include "formats/scenario_io.hpp"

namespace bpv {
namespace {

const std::string kExamples = std::string(BPV_ASSETS_DIR) + "/expressions";

class ExpressionLessonWriter : public test::TempDirTest {};

bool same_state(const ExprStepper& a, const ExprStepper& b) {
  const auto same = [](const std::vector<double>& x, const std::vector<double>& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
  };
  return a.cursor() == b.cursor() && same(a.state().value, b.state().value) && same(a.state().grad, b.state().grad);
}

TEST_F(ExpressionLessonWriter, EveryRecordedBeatComesBackFromTheFileWhereItWasRecorded) {
  const Expression neuron = load_expression(kExamples + "/micrograd_neuron.json");
  ExprLesson draft = new_expression_lesson_draft(neuron, "The neuron, recorded");
  ExprStepper now(neuron);
  std::vector<ExprStepper> seen;
  // Every op of the first step, then two whole steps trained and the middle of the third.
  for (std::size_t k = 0; k <= now.op_count(); ++k) {
    now.jump_to(k);
    ASSERT_EQ(add_expression_beat(draft, now, 0, "op " + std::to_string(k), "n", std::nullopt), "");
    seen.push_back(now);
  }
  ExprTrainer trainer(neuron);
  trainer.step();
  trainer.step();
  ExprStepper later(trainer.expression());
  later.jump_to(later.op_count() / 2);
  ASSERT_EQ(add_expression_beat(draft, later, 2, "two steps on", "", std::nullopt), "");
  seen.push_back(later);

  save_expression_lesson(draft, path("recorded.json"));
  const std::string text = read_text_file(path("recorded.json"));
  EXPECT_NE(text.find(R"("pass": "backward")"), std::string::npos) << "beats are placed by node and pass";
  const ExprLesson back = load_expression_lesson(path("recorded.json"));
  ASSERT_EQ(back.beats.size(), seen.size());
  EXPECT_EQ(back.title, "The neuron, recorded");
  for (std::size_t b = 0; b < seen.size(); ++b) {
    EXPECT_EQ(back.beats[b].op, seen[b].cursor()) << "beat " << b;
    EXPECT_TRUE(same_state(enter_beat(back, b), seen[b])) << "beat " << b << " shows other numbers";
  }
}

TEST_F(ExpressionLessonWriter, AQuestionIsAnsweredAfterTheOpThatComputesIt) {
  const Expression circuit = load_expression(kExamples + "/cs231n_circuit.json");
  ExprLesson draft = new_expression_lesson_draft(circuit, "");
  ExprStepper now(circuit);
  // At the start: ∂f/∂x is not on the screen yet; its answer is read after its last backward op.
  ASSERT_EQ(add_expression_beat(draft, now, 0, "What is ∂f/∂x?", "x", ExprQuestionAsk{"∂f/∂x?", "x", true}), "");
  // At the end of the step it is: refused, and nothing added.
  now.jump_to(now.op_count());
  EXPECT_NE(add_expression_beat(draft, now, 0, "again", "", ExprQuestionAsk{"∂f/∂x?", "x", true}).find("already"),
            std::string::npos);
  // A value of the file is always on the screen.
  now.jump_to(0);
  EXPECT_NE(add_expression_beat(draft, now, 0, "x?", "", ExprQuestionAsk{"x?", "x", false}), "");
  ASSERT_EQ(draft.beats.size(), 1u);

  save_expression_lesson(draft, path("q.json"));
  const ExprLesson back = load_expression_lesson(path("q.json"));
  ASSERT_TRUE(back.beats[0].question);
  EXPECT_EQ(beat_answer(enter_beat(back, 0), *back.beats[0].question), -4.0);  // ∂f/∂x = z
  EXPECT_EQ(back.beats[0].question->answer_op, draft.beats[0].question->answer_op);
}

TEST_F(ExpressionLessonWriter, AGraphEditedSinceTheRecordingBeganIsRefused) {
  const Expression circuit = load_expression(kExamples + "/cs231n_circuit.json");
  ExprLesson draft = new_expression_lesson_draft(circuit, "");
  Expression edited = circuit;
  edited.values[0] = 3.0;
  const ExprStepper now(edited);
  EXPECT_NE(add_expression_beat(draft, now, 0, "edited", "", std::nullopt).find("edited"), std::string::npos);
  EXPECT_TRUE(draft.beats.empty());
  EXPECT_THROW(save_expression_lesson(draft, path("empty.json")), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(path("empty.json")));
}

}  // namespace
}  // namespace bpv
