// UI-only state of the lesson player (lesson_panel.cpp) and of presenter
// mode: which lesson and beat, the question being answered, and what the
// beat highlights on the canvas (graph_canvas.cpp draws it). Part of UiState.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "teaching/errata.hpp"
#include "teaching/lesson.hpp"
#include "teaching/lesson_recording.hpp"

namespace bpv {

struct LessonUiState {
  std::string dir;                 // the lesson files' folder (app/gui_app.cpp finds it)
  std::string data_dir;            // lessons on the real data sets, listed after those in dir (empty on the page)
  std::vector<std::string> files;  // its lessons, listed on first use
  std::vector<std::string> titles;  // and their titles
  bool listed = false;
  bool errata_flagged_only = true;  // the errata table shows only the numbers the blog got wrong
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

  // A lesson may hide parts of the app (Lesson::hide); F9 shows them again.
  bool unlocked = false;

  // Recording or editing a lesson (lesson_recorder.cpp): the draft is played
  // through `lesson` (a copy made at every change), so entering a beat and
  // its highlights work as for any lesson.
  struct Recorder {
    bool on = false;
    Lesson draft;
    std::string path;          // the file it was opened from or saved to ("" = none yet)
    int origin_step = 0;       // the session's training step when the draft's own scenario was taken
    enum class Pick { None, Highlight, Answer } pick = Pick::None;
    std::uint64_t clicks_seen = 0;  // UiState::clicks when last looked at
    std::vector<QuantityRef> offered;  // Pick::Answer: the quantities of the clicked item
    std::string problem;       // why the draft would not load as a lesson ("" = it would)
    char title[256] = "";
    char text[4096] = "";      // the beat being edited
    char question[512] = "";
    std::size_t text_beat = static_cast<std::size_t>(-1);  // which beat text/question hold
    bool modified = false;
  } recorder;

  // The seed's errata, computed once when a beat first shows it.
  std::shared_ptr<const Errata> errata;
  std::string errata_error;
};

// The quantity the beat's question asks for, while it is unanswered: its
// value is drawn nowhere until then (canvas, equation, matrices, tooltips).
// A teacher recording the lesson sees every value.
inline const QuantityRef* asked_quantity(const LessonUiState& ls) {
  if (!ls.lesson || ls.recorder.on || ls.answer_right || ls.beat >= ls.lesson->beats.size()) return nullptr;
  const Beat& b = ls.lesson->beats[ls.beat];
  return b.question ? &b.question->answer : nullptr;
}

// Whether the open lesson hides this part of the app (kLockableParts) now:
// not while it is being recorded, nor once unlocked (F9).
inline bool lesson_hides(const LessonUiState& ls, const char* part) {
  if (!ls.lesson || ls.unlocked || ls.recorder.on) return false;
  for (const std::string& h : ls.lesson->hide)
    if (h == part) return true;
  return false;
}

}  // namespace bpv
