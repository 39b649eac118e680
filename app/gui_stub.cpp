// Built instead of the window when BPV_GUI is OFF: the headless commands work,
// the window commands say why they cannot.
#include <cstdio>

#include "gui_entry.hpp"
#include "soak.hpp"

namespace bpv {

int run_window(const WindowRequest&) {
  std::fprintf(stderr, "error: this build has no desktop app (configured with BPV_GUI=OFF)\n");
  return 1;
}

int run_screenshot(const ScreenshotRequest&) { return run_window({}); }

int run_window_from_args(int, char**) { return run_window({}); }

int run_soak(const SoakRequest&) { return run_window({}); }

}  // namespace bpv
