// Lessons as data (docs/lessons.md): a lesson file names a scenario and a list
// of beats; a beat is a short text, where the session should be (which
// scenario, how many training steps into it, which op), what to highlight,
// and optionally a question whose answer is a reference to an engine value,
// resolved at run time, never a number written in the file.
//
// Loading checks everything a beat names against its scenario (the op exists,
// every neuron and edge exists, the answer is computed at the beat's op), so a
// lesson that loads can be played to its end. Errors are LessonError,
// "FILE: FIELD: problem", like ScenarioError.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ops.hpp"
#include "engine/scenario.hpp"
#include "engine/scenario_compare.hpp"  // same_network: a beat needs no reload when the session is its plan's start

namespace bpv {

class LessonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One number of the engine: buffer (by its trace name: "z", "a", "delta",
// "grad_weights", …), layer, and element. For B × n buffers row is the
// example; for W and ∂L/∂W row is i (the neuron of layer l−1). col is the
// neuron j. All 0-based; the app shows them 1-based (δ²₁ is col 0).
struct QuantityRef {
  Buffer buffer = Buffer::Delta;
  int layer = 1;
  int row = 0;
  int col = 0;
};

struct NeuronRef {
  int layer = 0, j = 0;  // layer 0 = the input
};
struct EdgeRef {
  int layer = 1, i = 0, j = 0;  // the weight Wˡᵢⱼ
};

struct Highlight {
  std::vector<NeuronRef> neurons;
  std::vector<EdgeRef> edges;
  std::optional<QuantityRef> cell;   // a cell of W, ∂L/∂W, b or ∂L/∂b (matrix inspector)
  std::optional<NeuronRef> focus;    // presenter mode: this neuron, the rest dimmed
};

struct Question {
  std::string text;
  QuantityRef answer;
  double tolerance = 0.0;  // absolute; the file's, or 1% of |answer| + 1e-4 when it gives none
};

// Where a beat puts the cursor.
enum class BeatAt {
  Op,              // just after op `op_index` ran
  Start,           // cursor 0: nothing computed
  End,             // the whole step done
  FirstNonFinite,  // just after the first op that produced NaN or ±∞ in this step
};

struct Beat {
  std::string text;
  std::string scenario;  // a key of Lesson::scenarios; "" = the lesson's own
  // Training steps from the scenario's start before this beat (fast path);
  // kUntilNonFinite: as many as stay finite (the next step produces NaN/∞).
  int trained = 0;
  BeatAt at = BeatAt::Start;
  std::size_t op_index = 0;  // for BeatAt::Op, resolved from {"op", "layer"} or {"index"}
  std::optional<int> example;  // the example the canvas shows (−1 = the batch mean)
  Highlight highlight;
  std::string tab;  // the right column's tab: "matrices", "edit", "lesson", "gradcheck", "insight"
  // What presenter mode shows beside the graph: "loss", "matrices",
  // "gradcheck", "insight", or "" (the graph alone). Defaults to the tab's.
  std::string panel;
  bool errata = false;  // show the seed's errata table with this beat
  std::optional<Question> question;
};
inline constexpr int kUntilNonFinite = -1;
inline constexpr int kMaxLessonTraining = 100000;

struct Lesson {
  std::string path;   // the file it came from
  std::string title;
  std::string summary;
  std::map<std::string, Scenario> scenarios;  // "" = the lesson's own, then the named ones
  std::string errata_path;  // published-values.json for the errata view ("" = none)
  std::vector<Beat> beats;
  // Parts of the app hidden while the lesson runs, so a class sees only what
  // the lesson is about (names from kLockableParts); a key shows them again.
  std::vector<std::string> hide;
};

// What a lesson may hide: a tab of the right column, the loss plot, the op
// timeline, the toolbar's training row and Predict, the File menu's open,
// save and export, and the way out to the other lessons.
inline constexpr const char* kLockableParts[] = {"matrices", "edit",    "gradcheck", "insight", "loss",
                                                 "timeline", "training", "predict",   "file",    "lessons"};

// `path` resolves relative scenario paths and names the file in errors.
Lesson parse_lesson(const std::string& text, const std::string& path);
Lesson load_lesson(const std::string& path);
// The lesson files of a folder (*.json, not its subfolders), sorted by name.
std::vector<std::string> list_lessons(const std::string& dir);

// ---- playing a beat
// Where the session must be for a beat, concretely: the scenario, trained
// `train_steps` times (the start of that step is `start`), the cursor.
struct BeatPlan {
  std::string scenario_key;
  const Scenario* scenario = nullptr;  // untrained, owned by the lesson
  int train_steps = 0;
  Scenario start;          // the scenario after train_steps (what Session::scenario() should equal)
  std::size_t cursor = 0;  // ops applied
};
// The right column's tabs by the names lesson files (and `screenshot --tab`)
// use, in the app's order: matrices, edit, lesson, gradcheck, insight, data.
const std::vector<std::string_view>& tab_names();
// The panels presenter mode can show beside the graph: loss, matrices,
// gradcheck, insight, data.
const std::vector<std::string_view>& presenter_panel_names();

// Throws LessonError when the beat cannot be placed (no op becomes non-finite, …).
BeatPlan plan_beat(const Lesson& lesson, std::size_t beat);

// The value of a quantity in a pass state; throws LessonError when it names
// an element that does not exist.
double resolve_quantity(const QuantityRef& q, const PassState& state);
// "δ²₂", "∂L/∂W³₁₂", "L": how the app writes it (describe.hpp's notation).
std::string quantity_symbol(const QuantityRef& q, const Scenario& scenario);
// A typed answer against the engine's value.
inline bool answer_is_right(double typed, double expected, double tolerance) {
  return typed - expected <= tolerance && expected - typed <= tolerance;
}

// Where the built-in assets (scenarios/, lessons/) are. The executable's own
// copy comes first: ../share/backprop-viz beside its bin/ folder (installed,
// or a package extracted anywhere), else an assets/ folder beside it; so an
// installed program never reads the source tree it was built from. Then the
// first of `candidates` that holds a scenarios/ folder (the app passes the
// build's compiled-in source path), else "assets".
std::string find_assets_dir(const std::string& executable, const std::vector<std::string>& candidates);
// The same for this process, its executable found through /proc/self/exe.
std::string find_assets_dir(const std::vector<std::string>& candidates);

}  // namespace bpv
