// One loop for an expression's window, as main's: poll, apply the commands
// the view queued last frame, draw the view, render. Ctrl+S writes the file
// atomically; `screenshot` draws the same frames off screen.
#include "expression_app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "expression/expression_io.hpp"
#include "expression/expression_lesson.hpp"
#include "expression/expression_lesson_writer.hpp"
#include "formats/share_link.hpp"
#include "formats/scenario_io.hpp"
#include "text_probe.hpp"
#include "theme.hpp"
#include "web_platform.hpp"
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

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

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

// File ▸ New expression graph…'s start: CS231n's circuit.
Expression starter_expression() {
  Expression e;
  e.name = "New expression";
  e.value_names = {"x", "y", "z"};
  e.values = {-2.0, 5.0, -4.0};
  e.definitions = {"q = x + y", "f = q * z"};
  return e;
}

#ifdef __EMSCRIPTEN__
// A file name for the page's download when the expression has no file yet.
std::string download_name(const std::string& name) {
  std::string out;
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return "/tmp/" + (out.empty() ? std::string("expression") : out) + ".json";
}
#endif

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

// The desktop: a window of the expression's own until the user closes it;
// the GUI tests read its state from dump_path, written whenever it changes.
int run_in_own_window(ExpressionSession session, std::shared_ptr<const ExprLesson> lesson, bool editor_open,
                      const std::string& dump_path) {
  Window window(WindowOptions{});
  ExpressionLoop loop(window, std::move(session), std::move(lesson), editor_open);
  std::string last_dump;
  while (!window.should_close() && loop.frame()) {
    if (dump_path.empty()) continue;
    std::string text = loop.state().dump() + "\n";
    if (text == last_dump) continue;
    write_file_atomic(dump_path, text);
    last_dump = std::move(text);
  }
  return 0;
}

}  // namespace

ExpressionLoop::ExpressionLoop(Window& window, ExpressionSession session, std::shared_ptr<const ExprLesson> lesson,
                               bool editor_open)
    : window_(window), session_(std::move(session)) {
  window_.set_title("backprop-viz — " + session_.expression().name);
  ui_.editor_open_requested = editor_open;
  show_lesson(ui_, std::move(lesson), 0);
}

bool ExpressionLoop::frame() {
  ExpressionFrame f{window_, session_, ui_, commands_};
  build_expression_frame(f, ui_.playing || !commands_.empty() ? 0.0 : 0.25);
  if (ui_.save_requested) save();
  if (ui_.copy_link_requested) copy_link();
  if (ui_.recorder.save_requested) save_lesson();
  if (ui_.quit_requested) return false;
  window_.draw();
  window_.present();
  return true;
}

// Ctrl+S to the session's file, or Save as… to the path typed beside it; the
// page offers the file as a download.
void ExpressionLoop::save() {
  ui_.save_requested = false;
  std::string path = ui_.save_as.empty() ? session_.path() : ui_.save_as;
#ifdef __EMSCRIPTEN__
  if (path.empty()) path = download_name(session_.expression().name);
#endif
  if (path.empty()) {
    show_expr_status(ui_, "no file yet: type a path beside Save as…");
    return;
  }
  try {
    save_expression(session_.expression(), path);
    session_.apply(expr_command::MarkSaved{path});
    window_.set_title("backprop-viz — " + path);
    ui_.save_as.clear();
    show_expr_status(ui_, "saved " + path);
    offer_download(path);
  } catch (const std::exception& e) {
    show_expr_status(ui_, std::string("not saved: ") + e.what() + " (the file on disk was not changed)");
  }
}

// Save lesson: the recorded draft, atomically; the page offers it as a download.
void ExpressionLoop::save_lesson() {
  ExpressionUiState::Recorder& r = ui_.recorder;
  r.save_requested = false;
  try {
    save_expression_lesson(r.draft, r.path);
    show_expr_status(ui_, "saved the lesson to " + r.path + " (" + std::to_string(r.draft.beats.size()) +
                              " beats): File ▸ Open plays it");
    offer_download(r.path);
  } catch (const std::exception& e) {
    r.problem = std::string("not saved: ") + e.what();
  }
}

// The page's Copy link: the expression at the start of this step and the op.
void ExpressionLoop::copy_link() {
  ui_.copy_link_requested = false;
#ifdef __EMSCRIPTEN__
  try {
    copy_page_link(expression_link_fragment(session_.expression(), session_.stepper().cursor()));
    show_expr_status(ui_, "copied the link to this page: it opens this expression at this op");
  } catch (const ScenarioError& e) {
    show_expr_status(ui_, std::string("link not copied: ") + e.what());
  }
#else
  show_expr_status(ui_, "links are for the web page");
#endif
}

nlohmann::ordered_json ExpressionLoop::state() const {
  const ExprStepper& s = session_.stepper();
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < session_.expression().values.size(); ++k)
    values[session_.expression().value_names[k]] = session_.expression().values[k];
  nlohmann::ordered_json gradients = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < s.graph().nodes.size(); ++k)  // the named nodes' ∂out/∂node (0 until written)
    if (!s.graph().nodes[k].name.empty()) gradients[s.graph().nodes[k].name] = s.state().grad[k];
  return {{"kind", "expression"},
          {"name", session_.expression().name},
          {"cursor", s.cursor()},
          {"op_count", s.op_count()},
          {"output", s.state().value[s.graph().output]},
          {"values", std::move(values)},
          {"gradients", std::move(gradients)},
          {"steps_trained", session_.output_history().size()},
          {"modified", session_.modified()},
          {"can_undo", session_.can_undo()},
          {"status", ui_.status}};
}

std::unique_ptr<ExpressionLoop> open_expression_loop(Window& window, const std::string& path) {
  Opened opened = open_expression_file(path);
  return std::make_unique<ExpressionLoop>(window, std::move(opened.session), opened.lesson);
}

std::unique_ptr<ExpressionLoop> new_expression_loop(Window& window) {
  return std::make_unique<ExpressionLoop>(window, ExpressionSession(starter_expression()), nullptr, true);
}

int run_expression_window(const WindowRequest& request) {
  return guarded([&] {
    Opened opened = open_expression_file(request.scenario_path);
    return run_in_own_window(std::move(opened.session), opened.lesson, false, request.dump_state_path);
  });
}

int run_new_expression_window(const std::string& dump_state_path) {
  return guarded(
      [&] { return run_in_own_window(ExpressionSession(starter_expression()), nullptr, true, dump_state_path); });
}

int run_expression_screenshot(const ScreenshotRequest& request) {
  return guarded([&] {
    Opened opened = open_expression_file(request.scenario_path);
    ExpressionSession& session = opened.session;
    Window window(offscreen_window(request.width, request.height));
    ExpressionUiState ui;
    ui.presenter = request.presenter;
    ui.text_scale = std::clamp(request.text_scale, 0.75f, 2.5f);
    ui.dark = !request.light;
    ui.editor_open_requested = request.tab == "edit";  // --tab edit: the graph editor open
    ui.predict_on = ui.predict_asking = request.predict;  // the question for the next op
    show_lesson(ui, opened.lesson, request.beat);  // a lesson at --beat
    if (request.record) {  // --record: a recording begun, one beat in, the next being written
      ui.recorder.on = ui.recorder.open_requested = true;
      ui.recorder.draft = new_expression_lesson_draft(session.expression(), "");
      add_expression_beat(ui.recorder.draft, session.stepper(), 0, "Every value, left to right.", "", std::nullopt);
      ui.recorder.text = "Now the gradient flows back:\nwhat will it be at x?";
      ui.recorder.ask = true;
    }
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
