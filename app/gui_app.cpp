// The desktop app's window: the session file read, the network's window
// run frame by frame (app_loop.hpp) until the user quits, then, where the
// user opened an expression graph, its window in place of this one.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app_loop.hpp"
#include "expression/expression_io.hpp"
#include "expression_app.hpp"

namespace bpv {

int run_window(const WindowRequest& request) {
  if (!request.scenario_path.empty() && is_expression_file(request.scenario_path)) return run_expression_window(request);
  // 1. The session file: only for a person's window. A test run (--dump-state)
  //    uses one only where BPV_CONFIG_DIR names it.
  const bool keep_session = request.dump_state_path.empty() || std::getenv("BPV_CONFIG_DIR") != nullptr;
  const std::string session_file = keep_session ? session_file_path(config_dir()) : "";
  const AppSessionRead last = read_app_session(session_file);

  // 2. The scenario: the argument, else the last session, else the seed.
  Startup start;
  try {
    start = choose_start(request, last);
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  std::string expression;
  bool new_expression = false;
  try {
    // 3. The window (as large as last time), the session, the UI state.
    AppLoop app(request, last, std::move(start), session_file);
    // 4. The frame loop.
    while (app.frame()) {
    }
    // 5. Keep the session for the next start.
    app.write_on_quit();
    expression = app.open_expression();
    new_expression = app.new_expression();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  // 6. File ▸ Open of an expression graph, or a new one: its window, in place of this one.
  if (new_expression) return run_new_expression_window(request.dump_state_path);
  if (!expression.empty()) {
    WindowRequest next = request;
    next.scenario_path = expression;
    return run_expression_window(next);
  }
  return 0;
}

int run_window_from_args(int argc, char** argv) {
  WindowRequest request;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dump-state") == 0 && i + 1 < argc) {
      request.dump_state_path = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      std::fprintf(stderr, "error: unknown option '%s' (try backprop-viz --help)\n", argv[i]);
      return 2;
    } else if (request.scenario_path.empty()) {
      request.scenario_path = argv[i];
    } else {
      std::fprintf(stderr, "error: more than one scenario given ('%s')\n", argv[i]);
      return 2;
    }
  }
  return run_window(request);
}

}  // namespace bpv
