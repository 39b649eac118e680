// UI-only state: selection, hover, pan/zoom, toggles, panel settings. Plain
// data owned by the app loop; the engine never sees it (style.md habit 6).
#pragma once
#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "file_ui.hpp"
#include "session.hpp"

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
enum class RightTab { Matrices, Edit, Lesson, GradCheck, Insight };

struct UiState {
  // Canvas view.
  float zoom = 1.0f;
  ImVec2 pan{0.0f, 0.0f};   // canvas-space offset, in pixels
  bool fit_requested = true;
  int example = 0;          // which example of the batch the neurons show; −1 = batch mean
  CanvasItem hover;         // under the mouse this frame (written by the canvas)
  CanvasItem selected;      // last clicked
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
  float content_scale = 1.0f;

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
  CanvasItem matrix_edit;         // the W-tab cell being typed into (Kind::Edge = W, Neuron = b)
  bool matrix_edit_focus = false; // give that cell the keyboard on its first frame
  ImGuiID value_edit_id = 0;      // the number field being edited, and its value so far
  double value_edit_pending = 0.0;
  std::string init_scheme;        // the re-initialise form ("" = the scenario's own)
  int init_seed = -1;             // −1 = the scenario's own
  // The change flash: after an edit (a new session.last_change().revision),
  // the values it changed are marked until change_flash_until (ImGui time).
  std::uint64_t change_flash_revision = 0;
  double change_flash_until = 0.0;
  // Screen rectangles (x, y, w, h) of a few edit fields, by name ("W2.0.0",
  // "b2.0", …), as last drawn: the GUI tests click them. Cleared each frame.
  std::vector<std::pair<std::string, ImVec4>> edit_rects;
};

// How strongly changed values are marked now: 1 just after an edit, fading
// to 0 at change_flash_until (1.5 s later).
inline float change_flash_strength(const UiState& ui) {
  const double left = ui.change_flash_until - ImGui::GetTime();
  return left <= 0.0 ? 0.0f : static_cast<float>(std::min(1.0, left / 0.75));
}

using CommandQueue = std::vector<Command>;

inline void show_status(UiState& ui, std::string text, double seconds = 6.0) {
  ui.status = std::move(text);
  ui.status_until = ImGui::GetTime() + seconds;
}

}  // namespace bpv
