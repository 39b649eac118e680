// What the command line needs from the window side (app/gui_app.cpp). Without
// a GUI build these report that the window is not available.
#pragma once
#include <string>

namespace bpv {

struct WindowRequest {
  std::string scenario_path;  // "" = the built-in seed example
  // Test hook: after every frame whose state changed, write a JSON summary
  // (cursor, op count, timeline cell rectangles, …) here, atomically. A run
  // with this hook reads and writes no session file unless BPV_CONFIG_DIR
  // names its folder (app_session.hpp).
  std::string dump_state_path;
};

struct ScreenshotRequest {
  std::string scenario_path;
  std::string output_png;
  int step = -1;  // ops applied; -1: the app's default (the whole forward pass)
  int width = 1280, height = 800;
  int frames = 0;  // > 0: time this many frames first and print the timing line
  bool empty_frame = false;  // draw an empty ImGui frame instead of the app (the timing baseline)
  // Open one of the File menu's modals for the picture: "open", "save-as",
  // "export", "unsaved" or "error" ("" = none).
  std::string dialog;
  // File ▸ Import data…'s preview of this CSV file ("" = none).
  std::string import_csv;
  // The right column's tab: "matrices", "edit", "lesson", "gradcheck" or
  // "insight" ("" = the app's default).
  std::string tab;
  bool training = false;  // keep a training job running; the Insight tab recomputes every frame
  bool refresh_insight = false;  // the Insight tab recomputes every frame, no training job
  // A lesson (docs/lessons.md) at beat `beat` (0-based), optionally in presenter mode.
  std::string lesson;
  int beat = 0;
  bool presenter = false;
  bool record = false;      // the lesson (or a new one) open in the lesson recorder
  bool light = false;       // the light theme
  bool op_graph = false;    // View ▸ Computational graph instead of the neurons
  bool predict = false;     // an expression graph: predict mode on, the next op's question shown
  float text_scale = 1.0f;  // View ▸ Text size
  bool help = false;        // the help overlay open
  bool compare = false;     // the Compare optimizers window open
  bool confusion = false;   // the Confusion matrix window open
  // Step through every op (with a lesson: every beat) and report what is cut
  // or overlaps (LayoutProbe); exit 1 when anything is.
  bool check_layout = false;
  // Print every text item of the picture's frame with its rectangles (text_probe.hpp).
  bool list_text = false;
};

// Opens the window. Returns the exit code (2 for a bad scenario file).
int run_window(const WindowRequest& request);
// Parses `backprop-viz [SCENARIO] [--dump-state FILE]` and opens the window.
int run_window_from_args(int argc, char** argv);
int run_screenshot(const ScreenshotRequest& request);
#ifdef __EMSCRIPTEN__
// The web page: the window in the browser's canvas, opened at the page
// link's scenario (share_link.hpp), else the last session, else the seed.
// Starts the browser's frame loop and returns.
int run_web_page();
#endif

}  // namespace bpv
