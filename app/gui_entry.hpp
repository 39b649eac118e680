// What the command line needs from the window side (app/gui_app.cpp). Without
// a GUI build these report that the window is not available.
#pragma once
#include <string>

namespace bpv {

struct ScreenshotRequest {
  std::string scenario_path;
  std::string output_png;
  int step = -1;  // ops applied; -1: the app's default (the whole forward pass)
  int width = 1280, height = 800;
  int frames = 0;  // > 0: time this many frames first and print the timing line
};

// Opens the window on a scenario ("" = the built-in seed example).
int run_window(const std::string& scenario_path);
int run_screenshot(const ScreenshotRequest& request);

}  // namespace bpv
