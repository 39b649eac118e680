// The web page: the network's window in the browser's one canvas, started
// from the page's link (share_link.hpp) or the session kept in the browser,
// with an expression shown in the same canvas when one is opened; the frame
// loop is the browser's. Its test hook (tests/web) is at the end.
#include <emscripten.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "app_loop.hpp"
#include "assets_dir.hpp"
#include "engine/background_work.hpp"
#include "engine/train.hpp"
#include "expression/expression_report.hpp"
#include "expression_app.hpp"
#include "file_actions.hpp"
#include "formats/share_link.hpp"
#include "formats/trace.hpp"
#include "teaching/lesson.hpp"
#include "web_platform.hpp"

namespace bpv {


namespace {

AppLoop* g_page = nullptr;  // the page's app: it lives as long as the page
// An expression graph shown in the page's canvas instead of the network, until
// its "◀ Networks" (the page has one canvas, so it borrows the network's window).
std::unique_ptr<ExpressionLoop> g_expression;

// What a frame may spend on background work (training, the comparison) in
// the browser, where it runs between frames: half a 60 Hz frame.
constexpr double kBackgroundBudgetMs = 8.0;

// File ▸ Open of an expression file (an example, an upload) and File ▸ New
// expression graph… in the page: the expression takes the canvas.
void open_expression_from_network() {
  const std::string path = g_page->take_open_expression();
  const bool fresh = g_page->take_new_expression();
  if (path.empty() && !fresh) return;
  try {
    g_expression = fresh ? new_expression_loop(g_page->window()) : open_expression_loop(g_page->window(), path);
  } catch (const std::exception& e) {
    report_failure(g_page->ui(), "Not opened", e.what());
  }
}

void page_frame(void*) {
  int width = 0, height = 0;
  page_size(width, height);  // the canvas fills the browser window
  Window& window = g_page->window();
  if (width >= 64 && height >= 64 && (width != window.unscaled_width() || height != window.unscaled_height()))
    window.resize(width, height);
  BackgroundWork::run_background_slices(kBackgroundBudgetMs);
  if (g_expression) {
    if (!g_expression->frame()) {
      g_expression.reset();
      g_page->ui().content_scale = 0.0f;  // the network's theme and fonts again, at its next frame
    }
  } else {
    g_page->frame();
    open_expression_from_network();
  }
  static bool first_frame_noted = false;
  if (!first_frame_noted) {
    note_first_frame();
    first_frame_noted = true;
  }
}

// The link's lesson, as the screenshot command opens one: at its beat, in the Lesson tab.
void open_linked_lesson(UiState& ui, const ShareLink& link) {
  ui.lesson.lesson = std::make_shared<const Lesson>(load_lesson(ui.lesson.dir + "/" + link.lesson + ".json"));
  ui.lesson.beat = std::min(link.beat, ui.lesson.lesson->beats.size() - 1);
  ui.lesson.enter_requested = true;
  ui.right_tab = RightTab::Lesson;
  ui.right_tab_requested = true;
}

}  // namespace

int run_web_page() {
  // 1. The session file lives in the page's memory; the browser's storage
  //    keeps its text between visits.
  const std::string session_file = session_file_path(config_dir());
  restore_from_browser_storage(session_file);
  const AppSessionRead last = read_app_session(session_file);
  // 2. The scenario: the link's (like a file named on the command line),
  //    else the last session, else the seed. A bad link opens the seed and
  //    says why.
  ShareLink link;
  std::string link_error;
  try {
    link = parse_share_link(page_fragment());
  } catch (const ScenarioError& e) {
    link_error = e.what();
  }
  Startup start;
  if (link.scenario || !link_error.empty()) {
    start.scenario = link.scenario ? std::move(*link.scenario) : seed_scenario();
  } else {
    start = choose_start(WindowRequest{}, last);
  }
  try {
    // 3. The canvas as large as the browser window, the session, the UI state.
    int width = 1280, height = 800;
    page_size(width, height);
    AppSessionRead sized = last;
    if (sized.session) {
      sized.session->window_width = width;
      sized.session->window_height = height;
    }
    if (link.scenario || !link_error.empty()) sized.session.reset();  // a link's network is shown as it came
    g_page = new AppLoop(WindowRequest{}, sized, std::move(start), session_file);
    if (!sized.session) g_page->window().resize(std::max(width, 320), std::max(height, 240));
    UiState& ui = g_page->ui();
    if (link.op) g_page->session().apply(command::JumpTo{*link.op});
    if (!link.lesson.empty()) {
      try {
        open_linked_lesson(ui, link);
      } catch (const std::exception& e) {
        link_error = e.what();
      }
    }
    if (!link_error.empty()) report_failure(ui, "Link not opened", link_error + "\nThe seed example is open instead.");
    if (link.expression) {  // a link's expression takes the canvas; "◀ Networks" shows the usual start
      g_expression = std::make_unique<ExpressionLoop>(g_page->window(), ExpressionSession(std::move(*link.expression)));
      if (link.op) g_expression->session().apply(expr_command::JumpTo{*link.op});
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  // 4. The browser runs the frame loop; main returns and the page lives on.
  emscripten_set_main_loop_arg(page_frame, nullptr, 0, 0);
  return 0;
}

}  // namespace bpv

// The page's test hook (app/web_shell.html wraps these as the global `bpv`):
// the same state the desktop GUI tests read, the trace of the scenario shown,
// and the fast-path training step timed in the page.
extern "C" {

EMSCRIPTEN_KEEPALIVE const char* bpv_state_json() {
  static std::string text;
  text = bpv::g_expression ? bpv::g_expression->state().dump() : bpv::g_page ? bpv::g_page->state().dump() : "null";
  return text.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* bpv_trace_json() {
  static std::string text;
  if (bpv::g_expression)
    text = bpv::expression_trace_json(bpv::g_expression->session().expression()).dump();
  else
    text = bpv::g_page ? bpv::trace_json(bpv::g_page->session().scenario()).dump() : "null";
  return text.c_str();
}

// The page is being left (a reload, another address, the tab closed): keep
// the session now rather than at the next five-second write.
EMSCRIPTEN_KEEPALIVE void bpv_page_hidden() {
  if (bpv::g_page) bpv::g_page->write_on_quit();
}

// What the toolbar's "Train N steps" queues.
EMSCRIPTEN_KEEPALIVE void bpv_train_steps(int steps) {
  if (bpv::g_page) bpv::g_page->commands().push_back(bpv::command::TrainSteps{steps});
}

// `backprop-viz train FILE --steps N`'s loop and its us_per_step; -1 for a
// bad file or a run that diverged.
EMSCRIPTEN_KEEPALIVE double bpv_train_us_per_step(const char* path, int steps) {
  try {
    bpv::Trainer trainer(bpv::load_scenario(path));
    const auto t0 = std::chrono::steady_clock::now();
    double sum = 0.0;  // read below, so the steps cannot be optimised away
    for (int s = 0; s < steps; ++s) sum += trainer.step();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return std::isfinite(sum) ? seconds * 1e6 / std::max(1, steps) : -1.0;
  } catch (const std::exception&) {
    return -1.0;
  }
}

}  // extern "C"
