// Lessons a teacher records in the app (core/teaching/lesson_recording.hpp,
// core/teaching/lesson_writer.hpp): every shipped lesson written back and read again
// plays the same beats; a recorded beat replays the training that led to it
// or keeps the edited network; a click offers the quantities the op computed;
// what is saved opens again, and a lesson that would not open is never written.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../common/temp_dir.hpp"
#include "teaching/lesson_recording.hpp"
#include "teaching/lesson_writer.hpp"
#include "test_helpers.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LessonWriter, EveryShippedLessonWrittenBackPlaysTheSameBeats) {
  const std::vector<std::string> files = list_lessons(test::assets_dir() + "/lessons");
  ASSERT_GE(files.size(), 7u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    const Lesson original = load_lesson(f);
    const nlohmann::json written = lesson_json(original, f);
    const Lesson again = parse_lesson(written.dump(), f);
    EXPECT_EQ(lesson_json(again, f), written) << "writing is not a fixed point";
    ASSERT_EQ(again.beats.size(), original.beats.size());
    EXPECT_EQ(again.title, original.title);
    EXPECT_EQ(again.errata_path, original.errata_path);
    for (std::size_t b = 0; b < original.beats.size(); ++b) {
      SCOPED_TRACE("beat " + std::to_string(b));
      const Beat &x = original.beats[b], &y = again.beats[b];
      EXPECT_EQ(x.text, y.text);
      EXPECT_EQ(x.tab, y.tab);
      EXPECT_EQ(x.panel, y.panel);
      EXPECT_EQ(x.highlight.neurons.size(), y.highlight.neurons.size());
      EXPECT_EQ(x.highlight.edges.size(), y.highlight.edges.size());
      EXPECT_EQ(x.highlight.cell.has_value(), y.highlight.cell.has_value());
      ASSERT_EQ(x.question.has_value(), y.question.has_value());
      if (x.question) {
        EXPECT_EQ(x.question->answer.buffer, y.question->answer.buffer);
        EXPECT_EQ(x.question->answer.row, y.question->answer.row);
        EXPECT_EQ(x.question->answer.col, y.question->answer.col);
        EXPECT_EQ(x.question->tolerance, y.question->tolerance);
      }
      const BeatPlan p = plan_beat(original, b), q = plan_beat(again, b);
      EXPECT_EQ(p.cursor, q.cursor);
      EXPECT_EQ(p.train_steps, q.train_steps);
      EXPECT_TRUE(same_network(p.start, q.start));
    }
  }
}

TEST(LessonRecording, ABeatReplaysTheTrainingThatLedToIt) {
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  Lesson draft = new_lesson_draft(seed, "mine");
  BeatPlace here = place_beat(draft, seed, 5, 0);
  EXPECT_EQ(here.scenario, "");
  EXPECT_EQ(here.trained, 0);
  EXPECT_EQ(here.at, BeatAt::Op);
  EXPECT_EQ(here.op_index, 4u);
  EXPECT_EQ(place_beat(draft, seed, 0, 0).at, BeatAt::Start);
  EXPECT_EQ(place_beat(draft, seed, build_ops(seed).size(), 0).at, BeatAt::End);

  Trainer trainer(seed);
  for (int s = 0; s < 3; ++s) trainer.step();
  here = place_beat(draft, trainer.scenario(), 2, 3);
  EXPECT_EQ(here.scenario, "");
  EXPECT_EQ(here.trained, 3);
  EXPECT_EQ(draft.scenarios.size(), 1u);

  // An edited network cannot be reached by training: it is kept, once.
  Scenario edited = seed;
  edited.layers[0].weights(0, 0) += 0.25;
  here = place_beat(draft, edited, 2, 0);
  EXPECT_EQ(here.scenario, "beat 1");
  EXPECT_EQ(here.trained, 0);
  EXPECT_EQ(place_beat(draft, edited, 7, 4).scenario, "beat 1");
  EXPECT_EQ(draft.scenarios.size(), 2u);
}

TEST(LessonRecording, AnotherOptimizerOrItsStateIsAnotherNetwork) {
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  const Scenario adam = load_scenario(test::scenario_path("seed_adam.json"));
  Scenario momentum = seed;
  momentum.optimizer.name = "sgd";
  momentum.optimizer.momentum = 0.9;
  EXPECT_TRUE(same_network(seed, seed));
  EXPECT_FALSE(same_network(seed, momentum)) << "same weights, another optimizer";
  Trainer trainer(adam);
  trainer.step();
  Scenario moved = trainer.scenario();
  Scenario state_only = moved;
  state_only.optimizer_state.layers[0].weights.tensors[static_cast<int>(StateSlot::M)](0, 0) += 1e-9;
  EXPECT_TRUE(same_network(moved, trainer.scenario()));
  EXPECT_FALSE(same_network(moved, state_only)) << "same weights, another Adam m";
  // A recorded beat then keeps the edited set-up as its own network.
  Lesson draft = new_lesson_draft(seed, "t");
  EXPECT_EQ(place_beat(draft, momentum, 0, 0).scenario, "beat 1");
}

TEST(LessonRecording, AClickOffersWhatTheOpComputedLatestFirst) {
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  Stepper st(seed);
  const std::vector<Op>& ops = st.ops();
  std::size_t delta3 = 0;
  for (std::size_t k = 0; k < ops.size(); ++k)
    if (ops[k].writes.buffer == Buffer::Delta && ops[k].writes.layer == 3) delta3 = k;
  st.jump_to(delta3 + 1);
  std::vector<QuantityRef> qs = neuron_quantities(st, 3, 1, 0);
  ASSERT_FALSE(qs.empty());
  EXPECT_EQ(qs.front().buffer, Buffer::Delta);
  EXPECT_EQ(qs.front().col, 1);
  for (const QuantityRef& q : qs) EXPECT_NE(q.buffer, Buffer::GradBias) << "∂L/∂b³ is not computed yet";
  // Before anything ran, a neuron offers only what is there: its bias (and the target).
  Stepper fresh(seed);
  for (const QuantityRef& q : neuron_quantities(fresh, 2, 0, 0))
    EXPECT_TRUE(q.buffer == Buffer::Bias || q.buffer == Buffer::Target) << buffer_name(q.buffer);
  st.jump_to(st.op_count());
  const std::vector<QuantityRef> edge = edge_quantities(st, 2, 0, 1);
  ASSERT_EQ(edge.size(), 2u);
  EXPECT_EQ(edge.front().buffer, Buffer::Weights) << "the update wrote W² after ∂L/∂W²";
  EXPECT_EQ(edge.front().row, 0);
  EXPECT_EQ(edge.front().col, 1);
}

class LessonSave : public test::TempDirTest {};

Lesson two_beats(const Scenario& seed) {
  Lesson draft = new_lesson_draft(seed, "Two beats");
  Beat first;
  first.text = "The first matrix product.";
  set_place(first, place_beat(draft, seed, 1, 0));
  first.highlight.neurons.push_back(NeuronRef{1, 0});
  first.highlight.edges.push_back(EdgeRef{1, 0, 0});
  Beat second;
  second.text = "Now the output's delta.";
  Stepper st(seed);
  st.jump_to(st.op_count() - 6);
  set_place(second, place_beat(draft, seed, st.cursor(), 0));
  second.question = Question{"∂L/∂b³₂?", neuron_quantities(st, 3, 1, 0).front(), 0.001};
  draft.beats = {first, second};
  draft.hide = {"edit", "loss"};
  return draft;
}

TEST_F(LessonSave, ARecordedLessonOpensAgainAsItWasRecorded) {
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  const Lesson draft = two_beats(seed);
  ASSERT_EQ(lesson_problem(draft, path("mine.json")), "");
  save_lesson(draft, path("mine.json"));
  const Lesson back = load_lesson(path("mine.json"));
  ASSERT_EQ(back.beats.size(), 2u);
  EXPECT_EQ(back.title, "Two beats");
  EXPECT_EQ(back.hide, (std::vector<std::string>{"edit", "loss"}));
  EXPECT_EQ(back.beats[0].highlight.edges.size(), 1u);
  ASSERT_TRUE(back.beats[1].question);
  EXPECT_EQ(back.beats[1].question->tolerance, 0.001);
  // The answer is the engine's own number at that beat.
  const BeatPlan plan = plan_beat(back, 1);
  Stepper st(plan.start);
  st.jump_to(plan.cursor);
  EXPECT_TRUE(st.is_computed(BufferRef{back.beats[1].question->answer.buffer, 3}));
  EXPECT_EQ(entries(), (std::vector<std::string>{"mine.json"})) << "no temp file left";
}

TEST_F(LessonSave, ALessonThatWouldNotOpenIsNeverWritten) {
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  Lesson draft = two_beats(seed);
  save_lesson(draft, path("mine.json"));
  const std::string before = file_text(path("mine.json"));
  draft.beats[1].text.clear();
  EXPECT_EQ(lesson_problem(draft, path("mine.json")), path("mine.json") + ": beats[1].text: must not be empty");
  EXPECT_THROW(save_lesson(draft, path("mine.json")), LessonError);
  EXPECT_EQ(file_text(path("mine.json")), before);
  // A question asked before its answer is computed.
  draft = two_beats(seed);
  draft.beats[0].question = Question{"δ³₂?", QuantityRef{Buffer::Delta, 3, 0, 1}, 0.0};
  EXPECT_NE(lesson_problem(draft, path("x.json")).find("beats[0].question.answer: δ³₂ is not computed yet"),
            std::string::npos)
      << lesson_problem(draft, path("x.json"));
  draft.beats.clear();
  EXPECT_NE(lesson_problem(draft, path("x.json")).find("beats: expected a non-empty list"), std::string::npos);
}

TEST(LessonHide, UnknownPartsAreRefusedByName) {
  const std::string text = R"({"title": "t", "scenario": ")" + test::scenario_path("seed.json") +
                           R"(", "hide": ["edit", "menus"], "beats": [{"text": "x"}]})";
  try {
    parse_lesson(text, "/tmp/l.json");
    FAIL() << "an unknown part was taken";
  } catch (const LessonError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("/tmp/l.json: hide[1]: unknown 'menus' (matrices, edit", 0), 0u) << e.what();
  }
}

TEST(LessonRecording, ReorderingAndDeletingKeepOnlyTheScenariosInUse) {
  const Scenario seed = load_scenario(test::scenario_path("seed.json"));
  Lesson draft = new_lesson_draft(seed, "t");
  Scenario edited = seed;
  edited.layers[1].bias(0, 0) = 0.5;
  Beat a, b;
  a.text = "a";
  b.text = "b";
  set_place(b, place_beat(draft, edited, 3, 0));
  draft.beats = {a, b};
  move_beat(draft, 1, -1);
  EXPECT_EQ(draft.beats[0].text, "b");
  move_beat(draft, 0, -1);  // already first: nothing
  EXPECT_EQ(draft.beats[0].text, "b");
  ASSERT_EQ(draft.scenarios.size(), 2u);
  delete_beat(draft, 0);
  EXPECT_EQ(draft.beats.size(), 1u);
  EXPECT_EQ(draft.scenarios.size(), 1u) << "the edited network no beat uses any more";
  EXPECT_EQ(lesson_problem(draft, "/tmp/t.json"), "");
}

}  // namespace
}  // namespace bpv
