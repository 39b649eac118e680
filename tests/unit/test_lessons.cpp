// Lessons as data (core/teaching/lesson.hpp, docs/lessons.md): every shipped lesson
// loads, every beat can be placed (its op exists, its training and its
// non-finite op are reachable), every question's answer resolves to the
// engine's own number, and a session driven by the same commands the lesson
// panel issues ends up exactly where each beat says.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <thread>

#include "data/batching.hpp"
#include "engine/evaluate.hpp"
#include "layers/layer_kind.hpp"
#include "teaching/lesson.hpp"
#include "engine/session.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"
#include "formats/trace.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

std::string lessons_dir() { return test::assets_dir() + "/lessons"; }

std::vector<std::string> shipped_lessons() {
  const std::vector<std::string> files = list_lessons(lessons_dir());
  EXPECT_GE(files.size(), 7u) << "the seven lessons of issue 5";
  return files;
}

// Waits for the session's training job (the panel polls once a frame).
void finish_training(Session& session) {
  while (session.training()) {
    session.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// What the lesson panel does on entering a beat, headless: load when the
// session does not hold the beat's network, train, jump.
void enter(Session& session, const Lesson& lesson, std::size_t beat) {
  const BeatPlan plan = plan_beat(lesson, beat);
  if (!same_network(session.scenario(), plan.start)) {
    ASSERT_EQ(session.apply(command::LoadScenario{*plan.scenario, ""}), "");
    if (plan.train_steps > 0) {
      ASSERT_EQ(session.apply(command::TrainSteps{plan.train_steps}), "");
      finish_training(session);
    }
  }
  ASSERT_EQ(session.apply(command::JumpTo{plan.cursor}), "");
}

TEST(Lessons, EveryShippedLessonLoadsWithATitleAndBeats) {
  for (const std::string& file : shipped_lessons()) {
    SCOPED_TRACE(file);
    const Lesson lesson = load_lesson(file);
    EXPECT_FALSE(lesson.title.empty());
    EXPECT_GE(lesson.beats.size(), 4u);
    for (const Beat& b : lesson.beats) EXPECT_FALSE(b.text.empty());
  }
}

TEST(Lessons, EveryLessonPlaysToItsEndHeadlessThroughSessionCommands) {
  for (const std::string& file : shipped_lessons()) {
    SCOPED_TRACE(file);
    const Lesson lesson = load_lesson(file);
    Session session(seed_scenario());
    for (std::size_t k = 0; k < lesson.beats.size(); ++k) {
      SCOPED_TRACE("beat " + std::to_string(k));
      enter(session, lesson, k);
      const BeatPlan plan = plan_beat(lesson, k);
      EXPECT_TRUE(same_network(session.scenario(), plan.start)) << "the session is not at the beat's network";
      EXPECT_EQ(session.stepper().cursor(), plan.cursor);
      EXPECT_LE(plan.cursor, session.stepper().op_count());
    }
    // And back again, beat by beat: each beat restores its own state.
    for (std::size_t k = lesson.beats.size(); k-- > 0;) {
      enter(session, lesson, k);
      EXPECT_TRUE(same_network(session.scenario(), plan_beat(lesson, k).start)) << "back to beat " << k;
    }
  }
}

TEST(Lessons, EveryOpABeatNamesExistsAndIsTheOneItNames) {
  for (const std::string& file : shipped_lessons()) {
    const Lesson lesson = load_lesson(file);
    for (std::size_t k = 0; k < lesson.beats.size(); ++k) {
      const Beat& b = lesson.beats[k];
      const BeatPlan plan = plan_beat(lesson, k);
      const std::vector<Op> ops = build_ops(*plan.scenario);
      if (b.at == BeatAt::Op) {
        ASSERT_LT(b.op_index, ops.size()) << file << " beat " << k;
        EXPECT_EQ(plan.cursor, b.op_index + 1);
      }
      if (b.at == BeatAt::FirstNonFinite) {
        // The op the cursor stops after is the first one whose output is not finite.
        Stepper st(plan.start);
        st.jump_to(plan.cursor - 1);
        EXPECT_FALSE(st.first_non_finite().has_value()) << "an earlier op was already non-finite";
        st.step_forward();
        EXPECT_FALSE(buffer_matrix(st.state(), ops[plan.cursor - 1].writes).allFinite()) << file << " beat " << k;
      }
    }
  }
}

// The engine on its own at beat k: the fast path trained as far as the beat
// says, then stepped op by op to the beat's cursor.
Stepper engine_at_beat(const Lesson& lesson, std::size_t k) {
  const BeatPlan plan = plan_beat(lesson, k);
  Trainer trainer(*plan.scenario);
  for (int s = 0; s < plan.train_steps; ++s) trainer.step();
  Stepper st(trainer.scenario());
  st.jump_to(plan.cursor);
  return st;
}

TEST(Lessons, EveryExpectedAnswerIsTheEnginesValueAtTheBeatsOp) {
  int questions = 0;
  for (const std::string& file : shipped_lessons()) {
    const Lesson lesson = load_lesson(file);
    for (std::size_t k = 0; k < lesson.beats.size(); ++k) {
      const Beat& b = lesson.beats[k];
      if (!b.question) continue;
      ++questions;
      SCOPED_TRACE(file + " beat " + std::to_string(k));
      const BeatPlan plan = plan_beat(lesson, k);
      const Stepper st = engine_at_beat(lesson, k);
      const QuantityRef& q = b.question->answer;
      ASSERT_TRUE(st.is_computed(BufferRef{q.buffer, q.layer})) << quantity_symbol(q, st.scenario());
      const double engine = buffer_matrix(st.state(), BufferRef{q.buffer, q.layer})(q.row, q.col);
      EXPECT_TRUE(std::isfinite(engine));
      EXPECT_EQ(resolve_quantity(q, st.state()), engine);
      // A student who types the engine's value to 4 significant digits is right.
      char typed[32];
      std::snprintf(typed, sizeof typed, "%.4g", engine);
      const double tolerance = b.question->tolerance;
      EXPECT_TRUE(answer_is_right(std::atof(typed), engine, tolerance)) << typed << " vs " << engine;
      EXPECT_FALSE(answer_is_right(engine + 2 * tolerance + 1e-9, engine, tolerance));
      // Where nothing was trained, the trace (formats.md §3) agrees for the per-layer values.
      if (plan.train_steps == 0 && plan.cursor == st.op_count() &&
          (q.buffer == Buffer::Delta || q.buffer == Buffer::GradWeights || q.buffer == Buffer::GradBias)) {
        const auto layer = trace_json(*plan.scenario)["layers"][q.layer - 1];
        const char* key = q.buffer == Buffer::Delta ? "delta" : q.buffer == Buffer::GradWeights ? "grad_weights" : "grad_bias";
        const double traced = q.buffer == Buffer::GradBias ? layer[key][q.col].get<double>()
                                                           : layer[key][q.row][q.col].get<double>();
        EXPECT_EQ(traced, engine);
      }
    }
  }
  EXPECT_GE(questions, 7) << "at least one question per lesson on average";
}

// While a question is asked, its answer appears nowhere on screen; the app
// hides it on the canvas, in the equation and the matrices, so the beat's own
// words must not print it either: not at 2, 3 or 4 significant digits, with
// either minus sign or an explicit plus.
TEST(Lessons, NoBeatTextOrQuestionPrintsItsOwnAnswer) {
  int checked = 0;
  for (const std::string& file : shipped_lessons()) {
    const Lesson lesson = load_lesson(file);
    for (std::size_t k = 0; k < lesson.beats.size(); ++k) {
      const Beat& b = lesson.beats[k];
      if (!b.question) continue;
      SCOPED_TRACE(file + " beat " + std::to_string(k));
      const Stepper st = engine_at_beat(lesson, k);
      const double answer = resolve_quantity(b.question->answer, st.state());
      const std::string words = b.text + " " + b.question->text;
      for (int form = 0; form < 5; ++form) {
        char plain[32];
        // 2, 3, 4 significant digits, or 2, 3 decimals ("+1.40").
        if (form < 3) std::snprintf(plain, sizeof plain, "%.*g", form + 2, std::abs(answer));
        else std::snprintf(plain, sizeof plain, "%.*f", form - 1, std::abs(answer));
        if (std::string(plain).size() < 3) continue;  // "1" or "0.5" are words too, not the answer
        const std::size_t at = words.find(plain);
        // A longer number that only starts with the same digits (0.19 inside 0.1984) is another number.
        const bool found = at != std::string::npos &&
                           (at + std::strlen(plain) == words.size() || !std::isdigit(static_cast<unsigned char>(words[at + std::strlen(plain)])));
        EXPECT_FALSE(found) << "the text prints " << plain << ", the answer " << answer;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 7);
}

// The network's output at the given input points after `steps` training steps.
std::vector<double> outputs_at(const Scenario& start, int steps, const std::vector<std::array<double, 2>>& points) {
  Trainer trainer(start);
  for (int s = 0; s < steps; ++s) trainer.step();
  Scenario probe = trainer.scenario();
  probe.inputs.resize(static_cast<Eigen::Index>(points.size()), 2);
  probe.targets = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(points.size()), 1);
  for (std::size_t k = 0; k < points.size(); ++k) {
    probe.inputs(static_cast<Eigen::Index>(k), 0) = points[k][0];
    probe.inputs(static_cast<Eigen::Index>(k), 1) = points[k][1];
  }
  Stepper st(probe);
  st.jump_to(2 * static_cast<std::size_t>(probe.layer_count()));  // the forward pass
  const Eigen::MatrixXd& o = st.state().layers.back().activation;
  return std::vector<double>(o.data(), o.data() + o.size());
}

std::vector<double> losses(const Scenario& start, int steps) {
  Trainer trainer(start);
  std::vector<double> out;
  for (int s = 0; s < steps; ++s) out.push_back(trainer.step());
  return out;
}

// What the XOR lesson says the screen shows, on the engine's own numbers.
TEST(LessonClaims, TheXorLessonSaysWhatItsDecisionRegionAndLossCurveShow) {
  const Lesson lesson = load_lesson(lessons_dir() + "/6_xor.json");
  const Scenario& xor_net = lesson.scenarios.at("");
  const std::vector<std::array<double, 2>> corners = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const double targets[4] = {0, 1, 1, 0};
  auto wrong_corners = [&](int steps) {
    const std::vector<double> o = outputs_at(xor_net, steps, corners);
    int wrong = 0;
    for (int k = 0; k < 4; ++k) wrong += (o[static_cast<std::size_t>(k)] >= 0.5) != (targets[k] > 0.5);
    return wrong;
  };
  ASSERT_EQ(lesson.beats.size(), 6u);
  // Beat 1, untrained: "gets most corners wrong".
  EXPECT_EQ(lesson.beats[1].trained, 0);
  EXPECT_GE(wrong_corners(0), 3);
  // Beat 2: "starts to bend": not solved yet, but no longer the untrained picture.
  const int bending = lesson.beats[2].trained;
  EXPECT_GE(wrong_corners(bending), 1) << "at " << bending << " steps the region must not be finished";
  // Beat 3: "a band: the two 0s inside it, the two 1s outside; every corner right".
  const int band = lesson.beats[3].trained;
  EXPECT_EQ(wrong_corners(band), 0);
  const std::vector<double> diagonal = outputs_at(xor_net, band, {{0, 0}, {0.25, 0.25}, {0.5, 0.5}, {0.75, 0.75}, {1, 1}});
  for (double o : diagonal) EXPECT_LT(o, 0.5) << "the band of 0s joins (0, 0) and (1, 1)";
  const std::vector<double> off = outputs_at(xor_net, band, {{0, 1}, {1, 0}, {-0.25, 1.25}, {1.25, -0.25}});
  for (double o : off) EXPECT_GT(o, 0.5) << "the 1s lie outside the band";
  // Beat 4: "falls slowly at first, then fast ... below 0.2 by step 100, then creeps towards 0".
  const std::vector<double> l = losses(xor_net, lesson.beats[4].trained);
  const double slow = (l[9] - l[24]) / 15.0, fast = (l[49] - l[99]) / 50.0;
  EXPECT_GT(fast, 2.0 * slow) << "steps 10–25 fall slower than steps 50–100";
  EXPECT_LT(l[99], 0.2);
  EXPECT_LT(l.back(), 0.01);
  EXPECT_EQ(lesson.beats[4].panel, "loss") << "presenter mode shows the curve the beat talks about";
}

// What the batch-size lesson says its loss curves show, on the engine's numbers.
TEST(LessonClaims, TheBatchSizeLessonSaysWhatItsLossCurvesShow) {
  const Lesson lesson = load_lesson(lessons_dir() + "/8_batch_size.json");
  const Scenario& one = lesson.scenarios.at("");
  const Scenario& ten = lesson.scenarios.at("ten");
  const Scenario& all = lesson.scenarios.at("all");
  ASSERT_EQ(lesson.beats.size(), 5u);
  const int steps = lesson.beats[1].trained;
  for (std::size_t b = 2; b < 5; ++b) EXPECT_EQ(lesson.beats[b].trained, steps) << "beat " << b;
  // "250 steps … one epoch"; "an epoch is now 25 steps … 10 epochs"; "each step is an epoch".
  EXPECT_EQ(steps_per_epoch(one.train_rows(), one.data.batching), steps);
  EXPECT_EQ(steps_per_epoch(ten.train_rows(), ten.data.batching), 25);
  EXPECT_EQ(steps / 25, 10);
  EXPECT_EQ(steps_per_epoch(all.train_rows(), all.data.batching), 1);
  EXPECT_EQ(all.data.batching->size, all.train_rows());
  // "jumps up and down", "calmer", "falls smoothly, every step lower": the
  // mean change between steps of the mini-batch loss.
  auto roughness = [](const std::vector<double>& l) {
    double sum = 0.0;
    for (std::size_t k = 1; k < l.size(); ++k) sum += std::abs(l[k] - l[k - 1]);
    return sum / static_cast<double>(l.size() - 1);
  };
  const std::vector<double> l1 = losses(one, steps), l10 = losses(ten, steps), lall = losses(all, steps);
  EXPECT_GT(roughness(l1), 2.0 * roughness(l10));
  EXPECT_GT(roughness(l10), 20.0 * roughness(lall));
  for (std::size_t k = 1; k < lall.size(); ++k) EXPECT_LT(lall[k], lall[k - 1]) << "step " << k + 1;
  // "after one epoch the training set's loss is lowest with one point per step, then ten, then all".
  auto after_one_epoch = [](const Scenario& start) {
    Trainer trainer(start);
    for (long long s = 0; s < steps_per_epoch(start.train_rows(), start.data.batching); ++s) trainer.step();
    SetEvaluator train_set(start, training_raw(start), training_targets(start));
    return train_set.data_loss(trainer.scenario());
  };
  const double e1 = after_one_epoch(one), e10 = after_one_epoch(ten), eall = after_one_epoch(all);
  EXPECT_LT(e1, e10);
  EXPECT_LT(e10, eall);
  for (std::size_t b = 1; b < 5; ++b) EXPECT_EQ(lesson.beats[b].panel, "loss") << "presenter mode shows the curve";
  EXPECT_EQ(lesson.beats[0].tab, "data") << "the ringed point is in the Data tab";
}

// What the spiral lesson says about its three nets, on the engine's numbers.
TEST(LessonClaims, TheSpiralLessonSaysWhatDepthAndFeaturesDo) {
  const Lesson lesson = load_lesson(lessons_dir() + "/9_spiral_depth_or_features.json");
  ASSERT_EQ(lesson.beats.size(), 4u);
  const int steps = lesson.beats[1].trained;
  EXPECT_EQ(steps, 10000);
  // "10,000 steps (400 epochs)".
  EXPECT_EQ(steps / steps_per_epoch(lesson.scenarios.at("").train_rows(), lesson.scenarios.at("").data.batching), 400);
  // The test set's data loss before and after the beat's training.
  auto trained = [&](const Scenario& start, int n) {
    Trainer trainer(start);
    for (int s = 0; s < n; ++s) trainer.step();
    return trainer.scenario();
  };
  auto test_loss = [&](const Scenario& start, int n) {
    SetEvaluator test_set(start, start.data.test_raw, start.data.test_targets);
    return test_set.data_loss(trained(start, n));
  };
  auto train_loss = [&](const Scenario& start, int n) {
    SetEvaluator train_set(start, training_raw(start), training_targets(start));
    return train_set.data_loss(trained(start, n));
  };
  const Scenario& shallow = lesson.scenarios.at("");
  const Scenario& deep = lesson.scenarios.at("deep");
  const Scenario& features = lesson.scenarios.at("features");
  EXPECT_EQ(shallow.layer_count(), 2);
  EXPECT_EQ(deep.layer_count(), 7) << "six hidden layers";
  EXPECT_EQ(features.layer_count(), 2);
  EXPECT_EQ(features.input_size, 7);
  // "its loss on them falls by a third … on the test points it is hardly better than when it started".
  EXPECT_LT(train_loss(shallow, steps), train_loss(shallow, 0) * 2.0 / 3.0);
  EXPECT_GE(test_loss(shallow, steps), 0.9 * test_loss(shallow, 0));
  // "the test loss is under a third of where it started".
  const double deep_after = test_loss(deep, steps);
  EXPECT_LT(deep_after, test_loss(deep, 0) / 3.0);
  // "lower still than the deep net's".
  EXPECT_LT(test_loss(features, steps), deep_after);
  for (std::size_t b = 0; b < 4; ++b) EXPECT_EQ(lesson.beats[b].tab, "data") << "beat " << b;
}

TEST(Lessons, TheSeedWalkthroughShowsTheErrataAndTheLearningRateLessonFindsTheNonFiniteOp) {
  const Lesson seed = load_lesson(lessons_dir() + "/1_seed_walkthrough.json");
  EXPECT_FALSE(seed.errata_path.empty());
  EXPECT_TRUE(std::any_of(seed.beats.begin(), seed.beats.end(), [](const Beat& b) { return b.errata; }));
  const Lesson lr = load_lesson(lessons_dir() + "/7_learning_rate.json");
  bool found = false;
  for (std::size_t k = 0; k < lr.beats.size(); ++k)
    if (lr.beats[k].at == BeatAt::FirstNonFinite) {
      const BeatPlan plan = plan_beat(lr, k);
      EXPECT_GT(plan.train_steps, 0);
      Stepper st(plan.start);
      st.jump_to(st.op_count());
      ASSERT_TRUE(st.first_non_finite());
      EXPECT_EQ(plan.cursor, st.first_non_finite()->op_index + 1);
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(Lessons, SymmetricWeightsKeepTheHiddenNeuronsIdenticalThroughTraining) {
  const Lesson lesson = load_lesson(lessons_dir() + "/5_symmetry.json");
  const BeatPlan equal = plan_beat(lesson, 4);  // 500 steps from all-equal weights
  ASSERT_GT(equal.train_steps, 0);
  const Eigen::MatrixXd& w = equal.start.layers[0].weights;
  for (int j = 1; j < w.cols(); ++j) EXPECT_EQ(w.col(j), w.col(0)) << "hidden neuron " << j + 1;
  const BeatPlan random = plan_beat(lesson, 6);
  const Eigen::MatrixXd& r = random.start.layers[0].weights;
  EXPECT_NE(r.col(1), r.col(0));
}

// ---- the format's errors: one line, FILE: FIELD: problem
std::string load_error(const std::string& text) {
  const std::string path = lessons_dir() + "/bad.json";  // relative scenario paths resolve from here
  try {
    parse_lesson(text, path);
  } catch (const LessonError& e) {
    return e.what();
  }
  return "";
}

TEST(LessonErrors, NameTheFileTheFieldAndTheProblem) {
  const std::string seed = R"("scenario": "../scenarios/seed.json")";
  const std::string p = lessons_dir() + "/bad.json: ";
  EXPECT_EQ(load_error("[]"), p + "(document): expected a JSON object");
  EXPECT_EQ(load_error(R"({"title": "t", "beats": []})"), p + "scenario: missing (a scenario file's path, relative to the lesson, or an object)");
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed + ", \"beats\": []}"), p + "beats: expected a non-empty list of beats");
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed + R"(, "beats": [{"text": "x", "at": {"op": "grad_bias", "layer": 4}}]})"),
            p + "beats[0].at.op: no op 'grad_bias' at layer 4 in this scenario's step");
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed + R"(, "beats": [{"text": "x", "at": {"op": "affine"}}]})"),
            p + "beats[0].at.layer: missing: 'affine' runs once per layer");
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed + R"(, "beats": [{"text": "x", "highlight": {"neurons": [[2, 3]]}}]})"),
            p + "beats[0].highlight.neurons[0][1]: must be between 0 and 2, got 3");
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed + R"(, "beats": [{"text": "x", "hightlight": {}}]})"),
            p + "beats[0].hightlight: unknown field");
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed +
                       R"(, "beats": [{"text": "x", "at": {"op": "affine", "layer": 1}, "question": {"text": "q", "answer": {"quantity": "delta", "layer": 1, "index": 0}}}]})"),
            p + "beats[0].question.answer: δ¹₁ is not computed yet at this beat's op");
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed +
                       R"(, "beats": [{"text": "x", "question": {"text": "q", "answer": 0.5}}]})"),
            p + R"(beats[0].question.answer: expected an object such as {"quantity": "delta", "layer": 2, "index": 0})");
  EXPECT_EQ(load_error(R"({"title": "t", "scenario": "../scenarios/none.json", "beats": [{"text": "x"}]})")
                .rfind(p + "scenario: ", 0),
            0u);
  EXPECT_EQ(load_error("{\"title\": \"t\", " + seed + R"(, "beats": [{"text": "x", "trained": "until_non_finite", "at": "first_non_finite"}]})"), "");
}

TEST(LessonErrors, AnInlineScenarioIsCheckedLikeAFile) {
  const std::string e = load_error(R"({"title": "t", "scenario": {"input_size": 2, "layers": []}, "beats": [{"text": "x"}]})");
  EXPECT_EQ(e.rfind(lessons_dir() + "/bad.json: scenario: ", 0), 0u) << e;
}

TEST(LessonPlan, ABeatWhoseStepNeverBreaksCannotAskForTheFirstNonFiniteOp) {
  const Lesson lesson = parse_lesson(R"({"title": "t", "scenario": "../scenarios/seed.json",
      "beats": [{"text": "x", "at": "first_non_finite"}]})", lessons_dir() + "/x.json");
  EXPECT_THROW(plan_beat(lesson, 0), LessonError);
}

TEST(LessonQuantities, SymbolsFollowTheAppsNotation) {
  const Scenario sc = seed_scenario();
  EXPECT_EQ(quantity_symbol({Buffer::Delta, 2, 0, 1}, sc), "δ²₂");
  EXPECT_EQ(quantity_symbol({Buffer::GradWeights, 3, 0, 1}, sc), "∂L/∂W³₁₂");
  EXPECT_EQ(quantity_symbol({Buffer::Activation, 1, 0, 2}, sc), "h1₃");
  EXPECT_EQ(quantity_symbol({Buffer::LossValue, 3, 0, 0}, sc), "L");
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

TEST(Lessons, AreListedByTheNumberTheirFileStartsWith) {
  const std::vector<std::string> files = list_lessons(lessons_dir());
  ASSERT_GE(files.size(), 11u);
  EXPECT_EQ(std::filesystem::path(files[0]).filename(), "1_seed_walkthrough.json");
  EXPECT_EQ(std::filesystem::path(files[9]).filename(), "10_painted_digit.json");
}

// What the painted-digit lesson says, on the engine's numbers.
TEST(LessonClaims, ThePaintedDigitLessonSaysWhatTheNetDoesWithAPicture) {
  const Lesson lesson = load_lesson(lessons_dir() + "/10_painted_digit.json");
  ASSERT_EQ(lesson.beats.size(), 4u);
  const Scenario& start = lesson.scenarios.at("");
  ASSERT_TRUE(start.image_input());
  EXPECT_EQ(start.input_shape, (std::vector<int>{5, 5}));  // "5×5 pixels", "25 pixels row by row"
  EXPECT_EQ(start.batch_size(), 12);                        // "twelve pictures"
  auto outputs = [](const Scenario& sc) {  // o for every example, after the forward pass
    Stepper st(sc);
    st.jump_to(st.op_count());
    return Eigen::MatrixXd(st.state().layers.back().activation);
  };
  auto trained = [](const Scenario& sc, int steps) {
    Trainer trainer(sc);
    for (int s = 0; s < steps; ++s) trainer.step();
    return trainer.scenario();
  };
  auto digit = [](const Eigen::MatrixXd& rows, int b) {
    Eigen::Index k = 0;
    rows.row(b).maxCoeff(&k);
    return static_cast<int>(k);
  };
  // "Untrained, … its most probable digit is the right one for only 3 of the 12 pictures."
  const Eigen::MatrixXd before = outputs(start);
  int right_before = 0;
  for (int b = 0; b < start.batch_size(); ++b) right_before += digit(before, b) == digit(start.targets, b);
  EXPECT_EQ(right_before, 3);
  // "300 training steps later … every picture gets its own digit as the most probable."
  EXPECT_EQ(lesson.beats[1].trained, 300);
  const Scenario after = trained(start, 300);
  const Eigen::MatrixXd o = outputs(after);
  for (int b = 0; b < start.batch_size(); ++b) EXPECT_EQ(digit(o, b), digit(start.targets, b)) << "picture " << b + 1;
  // "This picture is a 1": the example every beat shows.
  for (const Beat& beat : lesson.beats) EXPECT_EQ(beat.example, 4);
  EXPECT_EQ(digit(start.targets, 4), 1);
  // "Turn this 1 into a 7 … o₃, the 7, becomes the most probable": the 1 painted over with the 7 as drawn.
  Scenario painted = after;
  painted.inputs.row(4) = start.inputs.row(8);
  ASSERT_EQ(digit(start.targets, 8), 2);
  EXPECT_EQ(digit(outputs(painted), 4), 2);
  // "Training has moved them from their random start."
  EXPECT_GT((after.layers[0].weights - start.layers[0].weights).cwiseAbs().maxCoeff(), 0.05);
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// A shipped lesson, its number of beats checked.
Lesson shipped_lesson(const std::string& file, std::size_t beats) {
  Lesson lesson = load_lesson(lessons_dir() + "/" + file);
  EXPECT_EQ(lesson.beats.size(), beats) << file;
  return lesson;
}

// A net after `steps` training steps: the last step's loss, and in
// evaluation mode the loss and accuracy on the training and the test set.
struct Trained {
  double step_loss = 0.0, train_loss = 0.0, train_accuracy = 0.0, test_loss = 0.0, test_accuracy = 0.0;
};
Trained trained_for(const Scenario& start, int steps) {
  Trainer trainer(start);
  Trained t;
  for (int e = 0; e < steps; ++e) t.step_loss = trainer.step();
  const Classifier classifier = classifier_of(start);
  SetEvaluator train_set(start, training_raw(start), training_targets(start));
  t.train_loss = train_set.data_loss(trainer.scenario());
  t.train_accuracy = train_set.accuracy(classifier);
  if (start.data.has_test_set()) {
    SetEvaluator test_set(start, start.data.test_raw, start.data.test_targets);
    t.test_loss = test_set.data_loss(trainer.scenario());
    t.test_accuracy = test_set.accuracy(classifier);
  }
  return t;
}

// What the dropout lesson says about its two nets, on the engine's numbers.
TEST(LessonClaims, TheDropoutLessonSaysWhatDropoutDoes) {
  const Lesson lesson = shipped_lesson("12_dropout.json", 5);
  const Scenario& dropped = lesson.scenarios.at("");
  const Scenario& plain = lesson.scenarios.at("plain");
  // "the same 2-16-16-1 net as lesson 11, with a dropout layer (p = 0.5) after each hidden layer".
  ASSERT_EQ(dropped.layer_count(), 5);
  for (int l : {2, 4}) {
    EXPECT_EQ(layer_kind(dropped.layers[static_cast<std::size_t>(l - 1)]).type, "dropout");
    EXPECT_EQ(dropped.layers[static_cast<std::size_t>(l - 1)].dropout_p, 0.5);
  }
  EXPECT_TRUE(plain.data.train_raw == dropped.data.train_raw);
  EXPECT_EQ(lesson.beats[3].trained, 2000);
  EXPECT_EQ(lesson.beats[4].trained, 2000);
  const Trained p = trained_for(plain, 2000), d = trained_for(dropped, 2000);
  // "the training loss is almost 0 (0.001), the test loss 0.57, and 70 % of the test points are right".
  EXPECT_NEAR(p.train_loss, 0.001, 0.0005);
  EXPECT_NEAR(p.test_loss, 0.57, 0.005);
  EXPECT_DOUBLE_EQ(p.test_accuracy, 0.70);
  // "the training loss stays near 0.1 …; the test loss is 0.20, about a third of the plain net's, and 90 %".
  EXPECT_NEAR(d.train_loss, 0.1, 0.01);
  EXPECT_NEAR(d.test_loss, 0.20, 0.005);
  EXPECT_GT(d.test_loss, 0.3 * p.test_loss);
  EXPECT_LT(d.test_loss, 0.4 * p.test_loss);
  EXPECT_DOUBLE_EQ(d.test_accuracy, 0.90);
}

// What the batch-norm lesson says about the deep sigmoid net with and without it.
TEST(LessonClaims, TheBatchNormLessonSaysWhatBatchNormDoes) {
  const Lesson lesson = shipped_lesson("13_batch_norm.json", 6);
  const Scenario& normed = lesson.scenarios.at("");
  const Scenario& plain = lesson.scenarios.at("plain");
  // "a batch-norm layer after each hidden layer's weighted sum, before its sigmoid"; "γ = 1, β = 0 at the start".
  for (int l = 2; l < normed.layer_count(); l += 2) {
    const Layer& bn = normed.layers[static_cast<std::size_t>(l - 1)];
    EXPECT_EQ(layer_kind(bn).type, "batch_norm");
    EXPECT_EQ(bn.activation->name, "sigmoid");
    EXPECT_EQ(normed.layers[static_cast<std::size_t>(l - 2)].activation->name, "identity");
    EXPECT_TRUE(bn.weights.isOnes());
    EXPECT_TRUE(bn.bias.isZero());
  }
  EXPECT_EQ(lesson.beats[4].trained, 500);
  EXPECT_EQ(lesson.beats[5].trained, 500);
  const Trained p = trained_for(plain, 500), n = trained_for(normed, 500);
  // "the loss is still 0.693 = ln 2 …: two of the four XOR points are right".
  EXPECT_EQ(plain.batch_size(), 4);
  EXPECT_NEAR(p.step_loss, std::log(2.0), 0.0005);
  EXPECT_DOUBLE_EQ(p.train_accuracy, 0.5);
  // "the step's loss is 0.004 and all four points are right … Evaluated with the running mean and variance …, the loss is 0.05".
  EXPECT_NEAR(n.step_loss, 0.004, 0.0005);
  EXPECT_DOUBLE_EQ(n.train_accuracy, 1.0);
  EXPECT_NEAR(n.train_loss, 0.05, 0.005);
}

// What the batch-norm backward lesson says about its graph and the closed form.
TEST(LessonClaims, TheBatchNormBackwardLessonDerivesTheClosedForm) {
  const Lesson lesson = shipped_lesson("14_batch_norm_backward.json", 7);
  const Scenario& sc = lesson.scenarios.at("");
  // "A batch-norm layer with two features over a batch of four XOR points", stepped as its graph.
  const Layer& bn = sc.layers[1];
  EXPECT_EQ(layer_kind(bn).type, "batch_norm");
  EXPECT_TRUE(bn.graph_backward);
  EXPECT_EQ(bn.weights.cols(), 2);
  EXPECT_EQ(sc.batch_size(), 4);
  // "The line under the numbers gives the closed form's value …: the same number."
  const BeatPlan plan = plan_beat(lesson, 6);
  Stepper graph(plan.start);
  graph.jump_to(plan.cursor);
  EXPECT_EQ(graph.ops()[plan.cursor - 1].kind, OpKind::BatchNormGradInputSum);
  Scenario compact_start = plan.start;
  compact_start.layers[1].graph_backward = false;
  Stepper compact(compact_start);
  compact.jump_to(compact.op_count());
  const Eigen::MatrixXd& derived = graph.state().layers[0].grad_activation;
  const Eigen::MatrixXd& closed = compact.state().layers[0].grad_activation;
  EXPECT_LT((derived - closed).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_GT(derived.cwiseAbs().minCoeff(), 1e-4) << "every value of x gets a gradient worth looking at";
  // "one factor 1/s is shared by every value … its gradient gathers ∂L/∂x̂ · (x − μ) from all four examples".
  const LayerState& ls = graph.state().layers[1];
  const Eigen::MatrixXd& x = graph.state().layers[0].activation;
  for (int f = 0; f < 2; ++f) {
    double sum = 0.0;
    for (int b = 0; b < 4; ++b) sum += ls.grad_normalized(b, f) * (x(b, f) - ls.mean(0, f));
    EXPECT_DOUBLE_EQ(ls.grad_inverse_std(0, f), sum);
  }
}

// What the conv lesson says about its kernels before and after training.
TEST(LessonClaims, TheConvLessonSaysWhatItsKernelsLearn) {
  const Lesson lesson = shipped_lesson("15_conv_kernels.json", 8);
  const Scenario& sc = lesson.scenarios.at("");
  // "Eight 6×6 images: four horizontal bars, four vertical ones"; "two 3×3 kernels".
  ASSERT_EQ(sc.batch_size(), 8);
  EXPECT_EQ(sc.input_image().rows, 6);
  EXPECT_EQ(sc.input_image().cols, 6);
  for (int b = 0; b < 8; ++b) {
    const bool horizontal = b < 4;
    EXPECT_EQ(sc.targets(b, 0), horizontal ? 1.0 : 0.0);
    for (int r = 0; r < 6; ++r)
      for (int c = 0; c < 6; ++c) {
        const double on = horizontal ? (r == b + 1) : (c == b - 3);
        EXPECT_EQ(sc.inputs(b, r * 6 + c), on ? 1.0 : 0.0) << "image " << b;
      }
  }
  const Layer& conv = sc.layers[0];
  EXPECT_EQ(conv.channels, 2);
  EXPECT_EQ(conv.kernel, 3);
  // "The dense layer reads these eight numbers": 2 maps of 2×2 after pooling.
  EXPECT_EQ(sc.width(2), 8);
  // "After 100 training steps the loss is 0.02 and all eight images are right."
  EXPECT_EQ(lesson.beats[5].trained, 100);
  const Trained t = trained_for(sc, 100);
  EXPECT_NEAR(t.step_loss, 0.02, 0.005);
  EXPECT_DOUBLE_EQ(t.train_accuracy, 1.0);
  const BeatPlan plan = plan_beat(lesson, 5);
  // A kernel tap (u, v) of channel c: row (u·3 + v) of W (one input channel).
  const Eigen::MatrixXd& W = plan.start.layers[0].weights;
  auto tap = [&](int c, int u, int v) { return W(u * 3 + v, c); };
  // "kernel 1's middle row is positive and the rows above and below it are not".
  for (int v = 0; v < 3; ++v) EXPECT_GT(tap(0, 1, v), 0.5);
  for (const int u : {0, 2}) EXPECT_LT(tap(0, u, 0) + tap(0, u, 1) + tap(0, u, 2), 0.0) << "row " << u;
  // "kernel 2's middle column is positive with negative sides".
  for (int u = 0; u < 3; ++u) {
    EXPECT_GT(tap(1, u, 1), 0.4);
    EXPECT_LT(tap(1, u, 0), 0.0);
    EXPECT_LT(tap(1, u, 2), 0.0);
  }
  // "On a horizontal bar, map 1 peaks at 2.5 … and map 2 stays near 0"; "On a
  // vertical bar … map 2 peaks at 2.6 and map 1 stays under 1".
  const BeatPlan maps = plan_beat(lesson, 6);
  Stepper s(maps.start);
  s.jump_to(maps.cursor);
  const Eigen::MatrixXd& a = s.state().layers[0].activation;
  const int plane = 16;
  auto peak = [&](int b, int map) { return a.row(b).segment(map * plane, plane).maxCoeff(); };
  EXPECT_NEAR(peak(0, 0), 2.5, 0.05);
  EXPECT_LT(peak(0, 1), 0.1);
  EXPECT_NEAR(peak(4, 1), 2.6, 0.05);
  EXPECT_LT(peak(4, 0), 1.0);
  // "With random kernels map 1 lights up on horizontal and vertical bars alike".
  Stepper first(sc);
  first.jump_to(plan_beat(lesson, 2).cursor);
  EXPECT_GT(first.state().layers[0].activation.row(0).segment(0, plane).maxCoeff(), 1.0);
  EXPECT_GT(first.state().layers[0].activation.row(4).segment(0, plane).maxCoeff(), 1.0);
}

// What the overfitting lesson says about its two nets, on the engine's numbers.
TEST(LessonClaims, TheOverfittingLessonSaysWhatL2Does) {
  const Lesson lesson = shipped_lesson("11_overfitting_and_l2.json", 4);
  const Scenario& plain = lesson.scenarios.at("");
  const Scenario& l2 = lesson.scenarios.at("l2");
  // "Forty noisy points …: the 20 filled ones train the net, the 20 hollow ones are kept back"; "two hidden layers of 16".
  EXPECT_EQ(plain.train_rows(), 20);
  EXPECT_EQ(plain.data.test_raw.rows(), 20);
  EXPECT_EQ(plain.layer_count(), 3);
  EXPECT_EQ(plain.width(1), 16);
  EXPECT_EQ(plain.width(2), 16);
  // "One training step here is one epoch".
  EXPECT_EQ(steps_per_epoch(plain.train_rows(), plain.data.batching), 1);
  // "L2 regularization, λ = 0.03": the same net otherwise.
  EXPECT_EQ(l2.regularization.l2, 0.03);
  EXPECT_EQ(plain.regularization.l2, 0.0);
  for (int l = 0; l < plain.layer_count(); ++l) EXPECT_TRUE(plain.layers[l].weights == l2.layers[l].weights);
  EXPECT_TRUE(plain.data.train_raw == l2.data.train_raw);
  const int epochs = lesson.beats[1].trained;
  EXPECT_EQ(epochs, 2000);
  EXPECT_EQ(lesson.beats[2].trained, epochs) << "the same 2,000 epochs";
  // Training and test data loss after every epoch.
  auto curves = [&](const Scenario& start, std::vector<double>& train, std::vector<double>& test) {
    SetEvaluator train_set(start, training_raw(start), training_targets(start));
    SetEvaluator test_set(start, start.data.test_raw, start.data.test_targets);
    Trainer trainer(start);
    for (int e = 0; e < epochs; ++e) {
      trainer.step();
      train.push_back(train_set.data_loss(trainer.scenario()));
      test.push_back(test_set.data_loss(trainer.scenario()));
    }
  };
  std::vector<double> train, test, train_l2, test_l2;
  curves(plain, train, test);
  curves(l2, train_l2, test_l2);
  // "the training loss is almost 0".
  EXPECT_LT(train.back(), 0.01);
  // "The test loss fell for the first epochs only, then turned and rose to more than three times its lowest".
  const auto lowest = std::min_element(test.begin(), test.end());
  EXPECT_LT(lowest - test.begin(), epochs / 100) << "the test loss is lowest in the first 1% of the epochs";
  EXPECT_LT(*lowest, test.front());
  EXPECT_GT(test.back(), 3.0 * *lowest);
  // "the training loss stays well above 0, and the test loss ends close to its best, a third of the unregularized net's".
  EXPECT_GT(train_l2.back(), 10.0 * train.back());
  EXPECT_LT(test_l2.back(), 1.25 * *std::min_element(test_l2.begin(), test_l2.end()));
  EXPECT_LT(test_l2.back(), 0.4 * test.back());
  EXPECT_GT(test_l2.back(), 0.25 * test.back());
  EXPECT_EQ(lesson.beats[1].panel, "loss");
  EXPECT_EQ(lesson.beats[2].panel, "loss");
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// overfit.json's description: "Train for a few hundred epochs: the training
// loss keeps falling while the test loss turns and rises."
TEST(AssetClaims, OverfitJsonOverfitsWithinAFewHundredEpochs) {
  const Scenario start = load_scenario(test::scenario_path("overfit.json"));
  SetEvaluator train_set(start, training_raw(start), training_targets(start));
  SetEvaluator test_set(start, start.data.test_raw, start.data.test_targets);
  Trainer trainer(start);
  double lowest_test = test_set.data_loss(start), first_train = train_set.data_loss(start);
  for (int e = 0; e < 500; ++e) {
    trainer.step();
    lowest_test = std::min(lowest_test, test_set.data_loss(trainer.scenario()));
  }
  EXPECT_LT(train_set.data_loss(trainer.scenario()), 0.25 * first_train);
  EXPECT_GT(test_set.data_loss(trainer.scenario()), 2.0 * lowest_test);
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// The lesson on the digits data set, which the build imports beside it
// (app/CMakeLists.txt): not in assets/, like the data.
TEST(LessonClaims, TheDigitsConvLessonSaysWhatItsKernelsLearn) {
  const std::string path = std::string(BPV_REAL_DATA_DIR) + "/lessons/16_conv_on_digits.json";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing: run .ci/setup, then build again";
  const Lesson lesson = load_lesson(path);
  ASSERT_EQ(lesson.beats.size(), 7u);
  const Scenario& sc = lesson.scenarios.at("");
  auto digit = [](const PassState& st, int b) {
    Eigen::Index d = 0;
    st.scenario.targets.row(b).maxCoeff(&d);
    return static_cast<int>(d);
  };
  auto map_of = [](const PassState& st, int b, int map) { return st.layers[0].activation.row(b).segment(map * 64, 64); };
  // "four random 3×3 kernels"; "padding 1 … so each map is 8×8 too".
  const Layer& conv = sc.layers[0];
  EXPECT_EQ(conv.channels, 4);
  EXPECT_EQ(conv.kernel, 3);
  EXPECT_EQ(conv.padding, 1);
  EXPECT_EQ(sc.width(1), 4 * 64);
  // "four maps of 4×4, 64 numbers"; "40 parameters, the dense layer … 650".
  EXPECT_EQ(sc.width(2), 64);
  EXPECT_EQ(conv.weights.size() + conv.bias.size(), 40);
  EXPECT_EQ(sc.layers[2].weights.size() + sc.layers[2].bias.size(), 650);
  EXPECT_EQ(sc.batch_size(), 32);
  // "On this 7 …: map 4 is 0 on 58 of its 64 pixels (its largest value is 0.34), and map 3 stays under 0.8."
  const BeatPlan untrained = plan_beat(lesson, 1);
  Stepper first(untrained.start);
  first.jump_to(untrained.cursor);
  ASSERT_EQ(digit(first.state(), 2), 7);
  EXPECT_EQ((map_of(first.state(), 2, 3).array() == 0.0).count(), 58);
  EXPECT_NEAR(map_of(first.state(), 2, 3).maxCoeff(), 0.34, 0.005);
  EXPECT_LT(map_of(first.state(), 2, 2).maxCoeff(), 0.8);
  // "Eight epochs later (360 steps of 32 digits), 96 % of the 359 test digits are right; after one epoch it was 84 %."
  EXPECT_EQ(lesson.beats[4].trained, 360);
  EXPECT_EQ(steps_per_epoch(sc.train_rows(), sc.data.batching) * 8, 360);
  EXPECT_EQ(sc.data.test_raw.rows(), 359);
  EXPECT_NEAR(trained_for(sc, 360).test_accuracy, 0.96, 0.005);
  EXPECT_NEAR(trained_for(sc, 45).test_accuracy, 0.84, 0.005);
  // "Kernels 3 and 4 now have a negative top row and a positive bottom row …
  // Kernel 4's bottom row was negative at the start." Tap (u, v) of kernel c is W(u·3 + v, c).
  auto row_sum = [](const Scenario& s, int c, int u) {
    const Eigen::MatrixXd& W = s.layers[0].weights;
    return W(u * 3, c) + W(u * 3 + 1, c) + W(u * 3 + 2, c);
  };
  const BeatPlan kernels = plan_beat(lesson, 5);
  for (int c : {2, 3}) {
    EXPECT_LT(row_sum(kernels.start, c, 0), -2.0) << "kernel " << c + 1;
    EXPECT_GT(row_sum(kernels.start, c, 2), 2.0) << "kernel " << c + 1;
  }
  EXPECT_LT(row_sum(sc, 3, 2), 0.0);
  // "On this 0, map 3 lights up twice: along the top of the 0 (3.4), and inside
  // it just above the bottom stroke (2.9) … in the middle of the hole the map is 0."
  const BeatPlan maps = plan_beat(lesson, 6);
  Stepper after(maps.start);
  after.jump_to(maps.cursor);
  ASSERT_EQ(digit(after.state(), 2), 0);
  const Eigen::VectorXd map3 = map_of(after.state(), 2, 2).transpose();
  EXPECT_NEAR(map3.segment(0, 8).maxCoeff(), 3.4, 0.05);
  EXPECT_NEAR(map3.segment(5 * 8, 8).maxCoeff(), 2.9, 0.05);
  EXPECT_NEAR(map3.maxCoeff(), 3.4, 0.05) << "the top is its brightest";
  for (int r = 2; r <= 3; ++r)
    for (int q = 2; q <= 5; ++q) EXPECT_EQ(map3(r * 8 + q), 0.0) << r << "," << q;
}

}  // namespace
}  // namespace bpv
