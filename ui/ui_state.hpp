// UI-only state: selection, hover, pan/zoom, toggles, panel settings. Plain
// data owned by the app loop; the engine never sees it (style.md habit 6).
#pragma once
#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "file_ui.hpp"
#include "lessons/lesson_state.hpp"
#include "panel_caches.hpp"
#include "teaching/predict.hpp"
#include "engine/session.hpp"

namespace bpv {

// A thing on the canvas. Neuron: layer l (0 = input … L), neuron j. Edge:
// the weight W^l_ij from neuron i of layer l−1 to neuron j of layer l.
struct CanvasItem {
  enum class Kind { None, Neuron, Edge } kind = Kind::None;
  int layer = 0, i = 0, j = 0;
  bool operator==(const CanvasItem&) const = default;
};

// The right column's middle slot, picked by the tab strip above it
// (app_view.cpp). A lesson beat may switch it (lesson_panel.cpp).
// In the order of tab_names() (core/teaching/lesson.hpp), whose names they go by.
enum class RightTab { Matrices, Edit, Lesson, GradCheck, Insight, Data };
// "gradcheck" → GradCheck; an unknown name → Matrices.
inline RightTab right_tab_named(std::string_view name) {
  const std::vector<std::string_view>& names = tab_names();
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return static_cast<RightTab>(k);
  return RightTab::Matrices;
}

// Predict-then-reveal (equation_panel.cpp): with `on`, a single step forward
// first asks for one number the next op writes; the answer is checked against
// the engine, revealed, and then the op runs.
struct PredictUi {
  bool on = false;
  std::optional<PredictQuestion> question;  // asked, not yet answered
  std::uint64_t asked_at_revision = 0;      // a question outlives no change of the session
  bool focus_guess = false;                 // give the guess field the keyboard once
  bool guess_active = false;                // the guess field has the keyboard (for the GUI test)
  char guess[64] = "";
  // The last answer, shown while its op is the last one applied.
  struct Reveal {
    std::size_t op_index = 0;
    std::string symbol;
    Element element;
    double guess = 0.0, answer = 0.0;
    bool right = false;
    bool skipped = false;  // revealed without a guess: not scored
  };
  std::optional<Reveal> reveal;
  PredictScore score;               // this training step's
  std::size_t score_training_step = 0;
};

// What the last frame drew where, for the layout checks (`screenshot
// --check-layout`, tests/gui): the canvas' labels and circles, and whether the
// equation panel's title, equation and numbers were all in view.
struct LayoutProbe {
  bool on = false;
  struct Label {
    std::string text;
    ImVec4 rect;  // x0, y0, x1, y1 (screen)
  };
  std::vector<Label> labels;
  std::vector<ImVec4> circles;  // x, y, radius
  std::vector<ImVec4> frames;   // x0, y0, x1, y1: the frame round the edges the op touches
  ImVec4 canvas{0, 0, 0, 0};    // the canvas' visible rectangle
  struct Control {
    std::string name;
    ImVec4 rect, window;  // x0, y0, x1, y1: the control, and the window that shows it
  };
  std::vector<Control> controls;  // the lesson's buttons and answer box (cleared each frame by the caller)
  bool equation_in_view = true;
  std::string equation_cut;     // what was cut, when not in view
};

// The optimizer comparison window (View ▸ Compare optimizers…, compare_panel.cpp):
// which of compare_candidates() to train, and for how many steps.
// View ▸ Confusion matrix… (confusion_window.cpp).
struct ConfusionUi {
  bool open = false;
  bool test_set = false;
  int truth = -1, predicted = -1;  // the cell whose examples are listed
  // That cell's rows of the training or test set, while the window lists
  // them: the Data tab rings them on its plot, over the decision region.
  std::vector<int> ringed;
  bool ringed_test = false;
};

struct CompareUi {
  bool open = false;
  bool ticked[8] = {true, true, true, true, false, false, false, false};
  int steps = 200;
  bool log_scale = false;  // the loss axis
};

// The Data tab (data_panel.cpp): the generator's fields before Regenerate
// applies them, the batch size while its slider is dragged (one edit on
// release, not one per frame), and what a click on the plot adds.
struct DataUi {
  DataGenerator draft{"circle", 500, 0.0, 0, 0.5};
  std::optional<DataGenerator> draft_of;  // the scenario's generator the draft was taken from
  int batch_size = 10;
  bool batch_dragging = false;
  int click_class = 1;        // class of a point added by a left click
  float click_value = 0.5f;   // its value, for a regression set
  bool click_test = false;    // into the test set instead of the training set
};

// A brush stroke on an image input, from press to release (image_paint.cpp).
struct PaintUi {
  bool active = false;
  bool erase = false;          // the right button: erase
  int example = 0;             // the example it paints
  int last = -1;               // the pixel the brush was on last frame
  std::vector<double> pixels;  // the image as painted so far
};

// The network editor's layer forms (layer_form.cpp): a layer's kind and
// settings as the file names them (formats.md §6).
struct LayerForm {
  int kind = 1;   // into all_layer_kinds(): dense, conv2d, …
  int after = 0;  // add after this layer
  int layer = 1;  // whose settings are shown
  std::uint64_t loaded = ~0ULL;  // the revision and layer the settings were read at
  // The kind's settings (layer_kind.hpp's LayerSetting) by their file keys;
  // one missing is the kind's value for a new layer.
  std::map<std::string, double> values;
  std::string activation = "relu";
};

struct UiState {
  // Canvas view.
  float zoom = 1.0f;
  ImVec2 pan{0.0f, 0.0f};   // canvas-space offset, in pixels
  bool fit_requested = true;
  // View ▸ Computational graph: the canvas shows the step's op graph
  // (op_graph_canvas.cpp) instead of the neurons; its own zoom and pan, and
  // whether it follows the current op.
  bool op_graph = false;
  float op_graph_zoom = 1.0f;
  ImVec2 op_graph_pan{0.0f, 0.0f};
  bool op_graph_follow = true;
  int example = 0;          // which example of the batch the neurons show; −1 = batch mean
  CanvasItem hover;         // under the mouse this frame (written by the canvas)
  CanvasItem selected;      // last clicked
  // Every click on a neuron, an edge or a matrix cell counts here, with what
  // was clicked: the lesson recorder turns clicks into highlights and answers.
  std::uint64_t clicks = 0;
  CanvasItem clicked;                      // a canvas click
  std::optional<QuantityRef> clicked_cell;  // or a cell of the W or ∂L/∂W tab
  // The canvas layout (network shape and panel size) the view was last fitted
  // to: a new network or a resized panel fits again.
  std::uint64_t canvas_layout_key = 0;

  // Stepping.
  bool playing = false;
  float ops_per_second = 2.0f;
  double play_clock = 0.0;  // seconds since the last played step
  int train_steps = 100;

  // Panels.
  int inspector_layer = 0;  // 0 = follow the current op's layer
  int inspector_auto_tab = -1;  // the inspector's tab last chosen by the op's phase (−1: none yet)
  int decimals = 4;
  bool dark = true;
  // Every size in the UI is multiplied by content_scale: the monitor's
  // content scale times the user's text size (View ▸ Text size, Ctrl+= / − / 0).
  // The frame loop rebuilds the fonts when the product changes (gui_app.cpp).
  float content_scale = 1.0f;
  float text_scale = 1.0f;

  // One-line message in the toolbar (a refused command, a bad file).
  std::string status;
  double status_until = 0.0;

  // The File menu: queued file requests, the path dialog, recent files (file_ui.hpp).
  FileUiState files;

  // Screen rectangles of the timeline's op buttons, as last drawn (x, y, w, h):
  // the GUI tests click them.
  std::vector<ImVec4> timeline_rects;

  // Editing (network_editor.cpp, matrix_inspector.cpp, value_input.hpp).
  RightTab right_tab = RightTab::Matrices;  // the right column's middle slot
  bool right_tab_requested = false;         // select right_tab in the tab strip next frame

  // Lessons (lesson_panel.cpp) and presenter mode: large type, only the graph
  // and the beat text (app_view.cpp); F5 or View ▸ Presenter mode.
  LessonUiState lesson;
  bool presenter = false;
  bool help_open = false;         // the help overlay (F1 or ?)
  CompareUi compare;
  ConfusionUi confusion;
  DataUi data;
  PaintUi paint;  // a stroke on an image input, while the mouse is down
  // The equation panel's title, equation and numbers took this height last
  // frame; the layout makes room for it (app_view.cpp), and where it cannot,
  // equation_compact draws them in the body font.
  float equation_essential_h = 0.0f;
  bool equation_compact = false;
  // The text the equation panel drew last (a hash), and the one that made it
  // take the smaller font: that text keeps it (app_view.cpp).
  std::uint64_t equation_text_key = 0, equation_compact_key = 0;
  CanvasItem matrix_edit;         // the W-tab cell being typed into (Kind::Edge = W, Neuron = b)
  bool matrix_edit_focus = false; // give that cell the keyboard on its first frame
  ImGuiID value_edit_id = 0;      // the number field being edited, and its value so far
  double value_edit_pending = 0.0;
  LayerForm add_layer, layer_settings;
  std::string init_scheme;        // the re-initialise form ("" = the scenario's own)
  int init_seed = -1;             // −1 = the scenario's own
  // The change flash: after an edit (a new session.last_change().revision),
  // the values it changed are marked until change_flash_until (ImGui time).
  std::uint64_t change_flash_revision = 0;
  double change_flash_until = 0.0;
  // Screen rectangles (x, y, w, h) of a few edit fields, by name ("W2.0.0",
  // "b2.0", …), as last drawn: the GUI tests click them. Cleared each frame.
  std::vector<std::pair<std::string, ImVec4>> edit_rects;

  // Issue 5: predict-then-reveal, the gradient check view, the Insight panel.
  PredictUi predict;
  LayoutProbe layout_probe;
  bool gradcheck_edges = false;  // the canvas colours edges by gradient-check error
  bool loss_log_scale = false;  // the loss panel's y axis logarithmic (right-click the plot)
  bool insight_compare_relu = false;  // the gradient bars also show the same net with ReLU
  // The decision region's own cost last frame (CPU grid, texture upload), for
  // `screenshot --frames` (app/gui_app.cpp); 0 when it was not recomputed.
  double insight_grid_ms = 0.0, insight_upload_ms = 0.0;
  bool insight_force_refresh = false;  // recompute the decision region every frame (timing)

  // Each panel's derived state and GL textures (panel_caches.hpp). Last, so
  // it goes first when the UiState does.
  PanelCaches caches;
};

// How strongly changed values are marked now: 1 just after an edit, fading
// to 0 at change_flash_until (1.5 s later).
inline float change_flash_strength(const UiState& ui) {
  const double left = ui.change_flash_until - ImGui::GetTime();
  return left <= 0.0 ? 0.0f : static_cast<float>(std::min(1.0, left / 0.75));
}

using CommandQueue = std::vector<Command>;

// The text sizes View ▸ Text size steps through.
inline constexpr float kMinTextScale = 0.75f, kMaxTextScale = 2.5f;
inline float next_text_scale(float now, int direction) {
  static constexpr float kSteps[] = {0.75f, 0.85f, 1.0f, 1.15f, 1.3f, 1.5f, 1.75f, 2.0f, 2.5f};
  if (direction == 0) return 1.0f;
  if (direction > 0) {
    for (float s : kSteps)
      if (s > now + 1e-3f) return s;
    return kMaxTextScale;
  }
  for (int k = static_cast<int>(std::size(kSteps)) - 1; k >= 0; --k)
    if (kSteps[k] < now - 1e-3f) return kSteps[k];
  return kMinTextScale;
}

inline void show_status(UiState& ui, std::string text, double seconds = 6.0) {
  ui.status = std::move(text);
  ui.status_until = ImGui::GetTime() + seconds;
}

}  // namespace bpv
