// How the network's window starts (the argument, the last session, the
// seed), keeps the session file, and runs one frame (app_loop.hpp).
#include "app_loop.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "assets_dir.hpp"
#include "file_actions.hpp"
#include "panels/file_dialog.hpp"
#include "formats/scenario_io.hpp"
#include "theme.hpp"
#include "web_platform.hpp"

namespace bpv {
namespace {

// File ▸ Open example: the shipped scenarios, the real data sets (not on
// the page, which embeds assets/ only), the expression graphs and their lessons.
std::vector<ExampleGroup> example_groups() {
  struct Folder {
    const char* name;
    std::string path;
  };
  std::vector<Folder> folders{{"Examples", builtin_assets_dir() + "/scenarios"}};
#ifndef __EMSCRIPTEN__
  folders.push_back({"Real data", real_data_dir()});
#endif
  // An expression opens in its own window (app/expression_app.cpp); on the page, in its canvas.
  folders.push_back({"Expression graphs", builtin_assets_dir() + "/expressions"});
  folders.push_back({"Expression lessons", builtin_assets_dir() + "/expressions/lessons"});
  // Conv, pooling, batch norm and dropout; digits_conv is imported from the digits data set with the real data.
  folders.push_back({"Layers beyond dense", builtin_assets_dir() + "/layer_examples"});
#ifndef __EMSCRIPTEN__
  folders.push_back({"Layers beyond dense", real_data_dir() + "/layers"});
#endif
  std::vector<ExampleGroup> groups;
  for (const Folder& folder : folders) {
    // A second folder of the same name adds to the group before it.
    ExampleGroup& g = !groups.empty() && groups.back().name == folder.name ? groups.back() : groups.emplace_back();
    g.name = folder.name;
    if (g.name == "Real data") g.missing = "Iris and Digits: run .ci/setup, then configure and build again";
    for (const ScenarioListing& s : list_scenarios(folder.path)) g.files.push_back(ExampleFile{s.title, s.path});
  }
  return groups;
}

void restore_view(const AppSession& a, const Session& session, UiState& ui) {
  ui.example = std::clamp(a.example, -1, std::max(0, session.scenario().batch_size() - 1));
  ui.decimals = std::clamp(a.decimals, 1, 8);
  ui.ops_per_second = std::clamp(a.ops_per_second, 0.5f, 20.0f);
  ui.train_steps = std::clamp(a.train_steps, 1, 1000000);
  ui.loss_log_scale = a.loss_log_scale;
  ui.text_scale = std::clamp(a.text_scale, kMinTextScale, kMaxTextScale);  // applied before the next frame
  ui.files.recent = a.recent;
  if (a.dark != ui.dark) {
    ui.dark = a.dark;
    apply_theme(ui.dark, ui.content_scale);
  }
}

// The session as the file keeps it. After "Discard" on quit the edits are
// not kept: the next start reopens the file from disk (or the seed).
AppSession snapshot(const Session& session, const UiState& ui, const Window& window, bool discarded,
                    bool with_scenario = true) {
  AppSession a;
  if (!discarded && with_scenario) {
    a.scenario = session.scenario();
    a.loss_history = session.loss_history();
    a.epoch_losses = session.epoch_losses();
    a.history = session.history_json();
  }
  a.path = session.path();
  a.modified = !discarded && session.modified();
  a.cursor = session.stepper().cursor();
  a.dark = ui.dark;
  a.example = ui.example;
  a.decimals = ui.decimals;
  a.ops_per_second = ui.ops_per_second;
  a.train_steps = ui.train_steps;
  a.loss_log_scale = ui.loss_log_scale;
  a.text_scale = ui.text_scale;
  a.window_width = window.unscaled_width();
  a.window_height = window.unscaled_height();
  a.recent = ui.files.recent;
  return a;
}

WindowOptions window_options_for(const AppSessionRead& last) {
  WindowOptions options;
  if (last.session && last.session->window_width >= 320 && last.session->window_height >= 240) {
    options.width = last.session->window_width;
    options.height = last.session->window_height;
  }
  return options;
}

}  // namespace

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

Scenario open_scenario(const std::string& path) {
  if (path.empty() || path == "seed") return seed_scenario();
  return load_scenario(path);
}

std::string file_of(const std::string& argument) { return argument == "seed" ? "" : argument; }

UiState make_ui_state(const Window& window) {
  UiState ui;
  ui.content_scale = window.content_scale();
  apply_theme(ui.dark, ui.content_scale);
  if (fonts().fallback) show_status(ui, fonts().notice, 1e9);
  ui.lesson.dir = builtin_assets_dir() + "/lessons";
#ifndef __EMSCRIPTEN__
  ui.lesson.data_dir = real_data_dir() + "/lessons";  // the page has no real data
#endif
  ui.files.examples = example_groups();
  return ui;
}

Startup choose_start(const WindowRequest& request, const AppSessionRead& last) {
  Startup s;
  s.notice = last.notice;
  if (!request.scenario_path.empty()) {
    s.scenario = open_scenario(request.scenario_path);
    s.path = file_of(request.scenario_path);
    return s;
  }
  if (!last.session) {
    s.scenario = seed_scenario();
    return s;
  }
  const AppSession& a = *last.session;
  s.cursor = a.cursor;
  if (a.scenario) {
    s.scenario = *a.scenario;
    s.path = a.path;
    s.restore = SessionRestore{a.loss_history, a.epoch_losses, a.modified};
    s.history = a.history;  // undo reaches back past the restart
  } else if (!a.path.empty()) {  // quit after "Discard": the file as it is on disk
    try {
      s.scenario = load_scenario(a.path);
      s.path = a.path;
    } catch (const std::exception& e) {
      s.scenario = seed_scenario();
      s.notice = std::string("last file not reopened: ") + e.what();
    }
  } else {
    s.scenario = seed_scenario();
  }
  return s;
}

void SessionKeeper::maybe_write(const Session& session, UiState& ui, const Window& window) {
  if (file_.empty() || ms_since(last_check_) < 5000.0 || session.training()) return;
  last_check_ = Clock::now();
  // Cheap test first: the revision covers the scenario, the cursor and the
  // losses; the rest is small.
  const std::string key = std::to_string(session.revision()) +
                          app_session_to_text(snapshot(session, ui, window, false, false));
  if (key == last_key_) return;
  if (write(snapshot(session, ui, window, false), ui)) last_key_ = key;
}

void SessionKeeper::write_on_quit(const Session& session, UiState& ui, const Window& window, bool discarded) {
  if (!file_.empty()) write(snapshot(session, ui, window, discarded), ui);
}

bool SessionKeeper::write(const AppSession& a, UiState& ui) {
  try {
    write_app_session(file_, a);
    keep_in_browser_storage(file_);
    last_error_.clear();
    return true;
  } catch (const std::exception& e) {
    if (last_error_ != e.what()) show_status(ui, std::string("session not kept: ") + e.what(), 10.0);
    last_error_ = e.what();
    std::fprintf(stderr, "warning: session not kept: %s\n", e.what());
    return false;
  }
}

AppLoop::AppLoop(const WindowRequest& request, const AppSessionRead& last, Startup start, std::string session_file)
    : request_(request), window_(window_options_for(last)),
      session_(std::move(start.scenario), start.path, std::move(start.restore)),
      ui_(make_ui_state(window_)), keeper_(std::move(session_file)) {
  if (start.cursor > 0) session_.apply(command::JumpTo{start.cursor});
  if (!start.history.is_null()) {
    const std::string refused = session_.restore_history(start.history);
    if (!refused.empty() && start.notice.empty()) start.notice = refused;
  }
  if (last.session) restore_view(*last.session, session_, ui_);
  if (!start.path.empty()) add_recent_file(ui_.files.recent, start.path);
  if (!start.notice.empty()) show_status(ui_, start.notice, 15.0);
}

bool AppLoop::frame() {
  // Sleep while nothing moves; wake for input, playing, training, or work queued.
  const FileUiState& files = ui_.files;
  const bool busy = ui_.playing || session_.training() || !commands_.empty() || !files.requests.empty() ||
                    files.dialog.open_requested || files.error_requested || change_flash_strength(ui_) > 0.0f;
  FrameContext f{window_, session_, ui_, commands_};
  build_frame(f, busy ? 0.0 : 0.25, [&] {
    queue_dropped(window_, ui_);
    if (window_.should_close()) {  // the close button: File ▸ Quit, which may ask first
      window_.cancel_close();
      ui_.files.requests.push_back(FileRequest{FileAction::Quit, "", false});
    }
    perform_file_requests(session_, ui_, loop_);
  });
#ifdef __EMSCRIPTEN__
  if (loop_.quit) {  // a page cannot close its own tab: keep the session, say so
    write_on_quit();
    loop_.quit = loop_.discarded = false;
    show_status(ui_, "the session is kept in this browser; close the tab to leave", 10.0);
  }
#else
  if (loop_.quit) return false;  // the frame just built is never shown
#endif
  window_.draw(/*force=*/!loop_.png_path.empty());
  if (!loop_.png_path.empty()) {  // the frame just drawn, before it is shown
    if (window_.save_png(loop_.png_path)) {
      show_status(ui_, "exported the window to " + loop_.png_path);
      offer_download(loop_.png_path);
    } else {
      report_failure(ui_, "Not exported", loop_.png_path + ": cannot write the PNG");
    }
    loop_.png_path.clear();
  }
  window_.present();

  if (const std::string t = window_title(session_); t != title_) window_.set_title(title_ = t);
  if (!request_.dump_state_path.empty()) dump_state(request_.dump_state_path, session_, ui_, window_);
  keeper_.maybe_write(session_, ui_, window_);
  return true;
}

}  // namespace bpv
