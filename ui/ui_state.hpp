// UI-only state: selection, hover, pan/zoom, toggles, panel settings. Plain
// data owned by the app loop; the engine never sees it (style.md habit 6).
#pragma once
#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "session.hpp"

namespace bpv {

// A thing on the canvas. Neuron: layer l (0 = input … L), neuron j. Edge:
// the weight W^l_ij from neuron i of layer l−1 to neuron j of layer l.
struct CanvasItem {
  enum class Kind { None, Neuron, Edge } kind = Kind::None;
  int layer = 0, i = 0, j = 0;
  bool operator==(const CanvasItem&) const = default;
};

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

  // Screen rectangles of the timeline's op buttons, as last drawn (x, y, w, h):
  // the GUI tests click them.
  std::vector<ImVec4> timeline_rects;
};

using CommandQueue = std::vector<Command>;

inline void show_status(UiState& ui, std::string text, double seconds = 6.0) {
  ui.status = std::move(text);
  ui.status_until = ImGui::GetTime() + seconds;
}

}  // namespace bpv
