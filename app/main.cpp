// backprop-viz: `backprop-viz [SCENARIO]` opens the app; `backprop-viz
// COMMAND ...` runs a headless command (see cli.cpp and docs/ of formats).
#include "cli.hpp"
#include "gui_entry.hpp"

int main(int argc, char** argv) {
#ifdef __EMSCRIPTEN__
  (void)argc, (void)argv;
  return bpv::run_web_page();  // the web page has no command line
#else
  if (bpv::is_command(argc, argv)) return bpv::run_command(argc, argv);
  return bpv::run_window_from_args(argc, argv);
#endif
}
