// One loop for an expression's window, as main's: poll, apply the commands
// the view queued last frame, draw the view, render. Ctrl+S writes the file
// atomically; `screenshot` draws the same frames off screen.
#include "expression_app.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "expression/expression_io.hpp"
#include "expression/expression_lesson.hpp"
#include "expression_ui_state.hpp"
#include "scenario_io.hpp"
#include "text_probe.hpp"
#include "theme.hpp"
#include "window.hpp"

namespace bpv {
namespace {

using Clock = std::chrono::steady_clock;

struct ExpressionFrame {
  Window& window;
  ExpressionSession& session;
  ExpressionUiState& ui;
  ExprCommandQueue& commands;
};

void build_expression_frame(ExpressionFrame& f, double wait_seconds) {
  f.window.poll_events(wait_seconds);
  for (const ExprCommand& c : f.commands) {
    const std::string refused = f.session.apply(c);
    if (!refused.empty()) show_expr_status(f.ui, refused);
  }
  f.commands.clear();
  const float scale = f.window.content_scale() * f.ui.text_scale;
  if (scale != f.ui.content_scale) {
    f.window.set_font_scale(scale);
    f.ui.content_scale = scale;
    apply_theme(f.ui.dark, scale);
  }
  f.window.begin_frame();
  DrawExpressionApp(f.session, f.ui, f.commands);
  ImGui::Render();
}

// Ctrl+S to the session's file, or Save as… to the path typed beside it.
void save(ExpressionFrame& f) {
  f.ui.save_requested = false;
  const std::string path = f.ui.save_as.empty() ? f.session.path() : f.ui.save_as;
  if (path.empty()) {
    show_expr_status(f.ui, "no file yet: type a path beside Save as…");
    return;
  }
  try {
    save_expression(f.session.expression(), path);
    f.session.apply(expr_command::MarkSaved{path});
    f.window.set_title("backprop-viz — " + path);
    f.ui.save_as.clear();
    show_expr_status(f.ui, "saved " + path);
  } catch (const std::exception& e) {
    show_expr_status(f.ui, std::string("not saved: ") + e.what() + " (the file on disk was not changed)");
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

namespace {

// An expression file, or a lesson on one: the lesson's expression has no
// file of its own (Save as… asks for one), so a shipped example is never overwritten.
struct Opened {
  ExpressionSession session;
  std::shared_ptr<const ExprLesson> lesson;
};
Opened open_expression_file(const std::string& path) {
  if (is_expression_lesson_text(read_text_file(path))) {
    auto lesson = std::make_shared<const ExprLesson>(load_expression_lesson(path));
    return Opened{ExpressionSession(lesson->expression), lesson};
  }
  return Opened{ExpressionSession(load_expression(path), path), nullptr};
}

void show_lesson(ExpressionUiState& ui, std::shared_ptr<const ExprLesson> lesson, int beat) {
  if (!lesson) return;
  ui.beat = static_cast<std::size_t>(std::clamp(beat, 0, static_cast<int>(lesson->beats.size()) - 1));
  ui.lesson = std::move(lesson);
  ui.enter_requested = true;
}

// The GUI tests' view of the window (--dump-state): where the cursor is and
// the numbers, written atomically whenever they change.
void dump_state(const std::string& path, const ExpressionSession& session, std::string& last) {
  const ExprStepper& s = session.stepper();
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < session.expression().values.size(); ++k)
    values[session.expression().value_names[k]] = session.expression().values[k];
  const nlohmann::ordered_json j{{"kind", "expression"},
                                 {"name", session.expression().name},
                                 {"cursor", s.cursor()},
                                 {"op_count", s.op_count()},
                                 {"output", s.state().value[s.graph().output]},
                                 {"values", std::move(values)},
                                 {"steps_trained", session.output_history().size()},
                                 {"modified", session.modified()},
                                 {"can_undo", session.can_undo()}};
  std::string text = j.dump() + "\n";
  if (text == last) return;
  write_file_atomic(path, text);
  last = std::move(text);
}

int expression_loop(ExpressionSession& session, bool editor_open, const std::string& dump_path = "",
                    std::shared_ptr<const ExprLesson> lesson = nullptr) {
  Window window(WindowOptions{});
  window.set_title("backprop-viz — " + session.expression().name);
  ExpressionUiState ui;
  ui.editor_open_requested = editor_open;
  show_lesson(ui, std::move(lesson), 0);
  ExprCommandQueue commands;
  ExpressionFrame f{window, session, ui, commands};
  std::string last_dump;
  while (!window.should_close() && !ui.quit_requested) {
    build_expression_frame(f, ui.playing || !commands.empty() ? 0.0 : 0.25);
    if (ui.save_requested) save(f);
    window.draw();
    window.present();
    if (!dump_path.empty()) dump_state(dump_path, session, last_dump);
  }
  return 0;
}

template <class Body>
int guarded(Body&& body) {
  try {
    return body();
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

}  // namespace

int run_expression_window(const WindowRequest& request) {
  return guarded([&] {
    Opened opened = open_expression_file(request.scenario_path);
    return expression_loop(opened.session, false, request.dump_state_path, opened.lesson);
  });
}

int run_new_expression_window() {
  return guarded([&] {
    Expression e;
    e.name = "New expression";
    e.value_names = {"x", "y", "z"};
    e.values = {-2.0, 5.0, -4.0};
    e.definitions = {"q = x + y", "f = q * z"};
    ExpressionSession session(std::move(e));
    return expression_loop(session, true);
  });
}

int run_expression_screenshot(const ScreenshotRequest& request) {
  return guarded([&] {
    Opened opened = open_expression_file(request.scenario_path);
    ExpressionSession& session = opened.session;
    WindowOptions options;
    options.width = request.width;
    options.height = request.height;
    options.visible = false;
    options.vsync = false;
    Window window(options);
    ExpressionUiState ui;
    ui.presenter = request.presenter;
    ui.text_scale = std::clamp(request.text_scale, 0.75f, 2.5f);
    ui.dark = !request.light;
    ui.editor_open_requested = request.tab == "edit";  // --tab edit: the graph editor open
    ui.predict_on = ui.predict_asking = request.predict;  // the question for the next op
    show_lesson(ui, opened.lesson, request.beat);  // a lesson at --beat
    ExprCommandQueue commands;
    ExpressionFrame f{window, session, ui, commands};
    // The default picture: the whole forward pass, as for a network.
    std::size_t step = 0;
    while (step < session.stepper().op_count() && session.stepper().ops()[step].phase == Phase::Forward) ++step;
    session.apply(expr_command::JumpTo{request.step >= 0 ? static_cast<std::size_t>(request.step) : step});
    const auto frame = [&](double* build_ms) {
      const Clock::time_point t0 = Clock::now();
      build_expression_frame(f, 0.0);
      if (build_ms) *build_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    };
    if (request.check_layout) {
      int problems = 0;
      // Every op, or every beat of a lesson.
      const std::size_t stops = ui.lesson ? ui.lesson->beats.size() : session.stepper().op_count() + 1;
      for (std::size_t k = 0; k < stops; ++k) {
        if (ui.lesson) {
          ui.beat = k;
          ui.enter_requested = true;
        } else {
          session.apply(expr_command::JumpTo{k});
        }
        for (int i = 0; i < 3; ++i) frame(nullptr);
        RecordDrawnText(true);
        frame(nullptr);
        for (const std::string& t : TextsCut()) {
          std::printf("%s %zu: %s\n", ui.lesson ? "beat" : "op", k + (ui.lesson ? 1 : 0), t.c_str());
          ++problems;
        }
        RecordDrawnText(false);
        window.draw(true);
        window.present();
      }
      std::printf("layout: %d problem%s\n", problems, problems == 1 ? "" : "s");
      if (!window.save_png(request.output_png)) return 1;
      return problems == 0 ? 0 : 1;
    }
    if (request.frames > 0) {
      std::vector<double> frame_ms, build_ms;
      for (int i = 0; i < request.frames; ++i) {
        const Clock::time_point t0 = Clock::now();
        double b = 0.0;
        frame(&b);
        window.draw(true);
        window.finish();
        frame_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        build_ms.push_back(b);
        window.present();
      }
      std::printf("frames: %d, ms_per_frame_median: %.3f, build_ms_median: %.3f\n", request.frames, median(frame_ms),
                  median(build_ms));
    }
    for (int i = 0; i < 3; ++i) {
      frame(nullptr);
      window.draw(true);
      if (i < 2) window.present();
    }
    if (!window.save_png(request.output_png)) {
      std::fprintf(stderr, "error: %s: cannot write the PNG\n", request.output_png.c_str());
      return 1;
    }
    return 0;
  });
}

}  // namespace bpv
