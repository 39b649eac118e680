// The desktop app's frame loop, and the screenshot command that draws the
// same frames into a PNG. Each frame:
//   1. apply the commands the UI queued last frame (and dropped files),
//   2. let the session take in a finished training job,
//   3. build the UI from what the session publishes (panels queue commands),
//   4. render.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "gui_entry.hpp"
#include "panels.hpp"
#include "scenario_io.hpp"
#include "session.hpp"
#include "theme.hpp"
#include "window.hpp"

namespace bpv {
namespace {

using Clock = std::chrono::steady_clock;
const Clock::time_point g_process_start = Clock::now();

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

Scenario open_scenario(const std::string& path) {
  return path.empty() || path == "seed" ? seed_scenario() : load_scenario(path);
}

void apply_queued(Session& session, UiState& ui, CommandQueue& commands) {
  for (const Command& c : commands) {
    const std::string refused = session.apply(c);
    if (!refused.empty()) show_status(ui, refused);
  }
  commands.clear();
}

// A dropped file opens if it loads; a bad one shows its error and the current
// network stays.
void open_dropped(Window& window, UiState& ui, CommandQueue& commands) {
  for (const std::string& path : window.take_dropped_paths()) {
    try {
      commands.push_back(command::LoadScenario{load_scenario(path), path});
      show_status(ui, "opened " + path);
    } catch (const std::exception& e) {
      show_status(ui, std::string("not opened: ") + e.what(), 10.0);
    }
  }
}

void dump_state(const std::string& path, const Session& session, const UiState& ui, const Window& window) {
  nlohmann::json rects = nlohmann::json::array();
  for (const ImVec4& r : ui.timeline_rects) rects.push_back({r.x, r.y, r.z, r.w});
  const Stepper& st = session.stepper();
  nlohmann::json doc{{"cursor", st.cursor()},
                     {"op_count", st.op_count()},
                     {"training_step", session.training_step()},
                     {"training", session.training()},
                     {"loss", st.state().loss_value()},
                     {"scenario", session.scenario().name},
                     {"status", ui.status},
                     {"framebuffer", {window.framebuffer_width(), window.framebuffer_height()}},
                     {"content_scale", window.content_scale()},
                     {"timeline_rects", std::move(rects)}};
  write_file_atomic(path, doc.dump() + "\n");
}

UiState make_ui_state(const Window& window) {
  UiState ui;
  ui.content_scale = window.content_scale();
  apply_theme(ui.dark, ui.content_scale);
  if (fonts().fallback) show_status(ui, fonts().notice, 1e9);
  return ui;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int run_window(const WindowRequest& request) {
  Scenario scenario;
  try {
    scenario = open_scenario(request.scenario_path);
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  try {
    Window window(WindowOptions{});
    Session session(std::move(scenario), request.scenario_path);
    UiState ui = make_ui_state(window);
    CommandQueue commands;
    std::string last_dump;
    while (!window.should_close()) {
      // Sleep while nothing moves; wake for input, playing or training.
      const bool busy = ui.playing || session.training() || !commands.empty();
      window.poll_events(busy ? 0.0 : 0.25);
      open_dropped(window, ui, commands);
      apply_queued(session, ui, commands);
      session.poll();
      window.begin_frame();
      DrawApp(session, ui, commands);
      window.end_frame();
      if (!request.dump_state_path.empty()) dump_state(request.dump_state_path, session, ui, window);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
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

int run_screenshot(const ScreenshotRequest& request) {
  try {
    Scenario scenario = open_scenario(request.scenario_path);
    WindowOptions options;
    options.width = request.width;
    options.height = request.height;
    options.visible = false;
    options.vsync = false;
    Window window(options);
    Session session(std::move(scenario), request.scenario_path);
    UiState ui = make_ui_state(window);
    CommandQueue commands;
    if (request.step >= 0) session.apply(command::JumpTo{static_cast<std::size_t>(request.step)});

    auto frame = [&](double* build_ms) {
      const Clock::time_point t0 = Clock::now();
      window.poll_events();
      apply_queued(session, ui, commands);
      session.poll();
      window.begin_frame();
      if (!request.empty_frame) DrawApp(session, ui, commands);
      ImGui::Render();
      if (build_ms) *build_ms = ms_since(t0);
    };
    // The first frame, timed from process start: what a user waits for.
    frame(nullptr);
    window.draw();
    window.finish();
    const double first_frame_ms = ms_since(g_process_start);
    window.present();

    if (request.frames > 0) {
      std::vector<double> frame_ms, build_ms;
      for (int i = 0; i < request.frames; ++i) {
        const Clock::time_point t0 = Clock::now();
        double b = 0.0;
        frame(&b);
        window.draw();
        window.finish();
        frame_ms.push_back(ms_since(t0));
        build_ms.push_back(b);
        window.present();
      }
      std::printf("first_frame_ms: %.1f\n", first_frame_ms);
      std::printf("frames: %d, ms_per_frame_median: %.3f, build_ms_median: %.3f\n", request.frames,
                  median(frame_ms), median(build_ms));
    }
    // A few settling frames (ImGui sizes some items on their second frame),
    // then the picture.
    for (int i = 0; i < 3; ++i) {
      frame(nullptr);
      window.draw();
      if (i < 2) window.present();
    }
    if (!window.save_png(request.output_png)) {
      std::fprintf(stderr, "error: %s: cannot write the PNG\n", request.output_png.c_str());
      return 1;
    }
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace bpv
