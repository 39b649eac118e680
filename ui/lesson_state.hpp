// UI-only state of the lesson player (lesson_panel.cpp) and of presenter
// mode: which lesson and beat, the question being answered, and what the
// beat highlights on the canvas (graph_canvas.cpp draws it). Part of UiState.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "errata.hpp"
#include "lesson.hpp"

namespace bpv {

struct LessonUiState {
  std::string dir;                 // the lesson files' folder (app/gui_app.cpp finds it)
  std::vector<std::string> files;  // its lessons, listed on first use
  std::vector<std::string> titles;  // and their titles
  bool listed = false;
  std::shared_ptr<const Lesson> lesson;  // the open lesson; nullptr: the picker
  std::string error;                     // why the last lesson did not open or a beat not play

  // The beat shown, and entering it: the beat's plan is carried out over a
  // few frames (load, train in chunks so the views animate, jump).
  std::size_t beat = 0;
  bool enter_requested = false;
  float question_h = 0.0f;  // presenter mode: the question's height last frame (kept in view)
  std::uint64_t beat_revision = 0;  // the session's revision once the beat was entered (0: not yet)
  // The user stepped or edited away from the beat: its highlights no longer apply.
  bool left_beat(std::uint64_t session_revision) const {
    return beat_revision != 0 && session_revision != beat_revision;
  }
  enum class Stage { Idle, Training } stage = Stage::Idle;
  std::optional<BeatPlan> plan;       // of the beat shown
  std::optional<BeatPlan> applied;    // the last plan carried out fully
  int train_left = 0;                 // training steps still to queue
  std::size_t frames_waited = 0;      // for the dump: frames spent entering the beat

  // The question of the beat: what was typed and the verdict.
  char answer[32] = "";
  std::optional<bool> answer_right;
  double answer_value = 0.0;  // the engine's value, shown after checking

  // What the beat highlights (canvas), and the focused neuron (presenter mode:
  // a click on a neuron sets it too).
  std::vector<NeuronRef> neurons;
  std::vector<EdgeRef> edges;
  std::optional<NeuronRef> focus;

  // The seed's errata, computed once when a beat first shows it.
  std::shared_ptr<const Errata> errata;
  std::string errata_error;
};

// The quantity the beat's question asks for, while it is unanswered: its
// value is drawn nowhere until then (canvas, equation, matrices, tooltips).
inline const QuantityRef* asked_quantity(const LessonUiState& ls) {
  if (!ls.lesson || ls.answer_right || ls.beat >= ls.lesson->beats.size()) return nullptr;
  const Beat& b = ls.lesson->beats[ls.beat];
  return b.question ? &b.question->answer : nullptr;
}

}  // namespace bpv
