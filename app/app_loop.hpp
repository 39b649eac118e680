// The network's window between frames, shared by the desktop (gui_app.cpp),
// the web page (web_page.cpp) and the screenshot command (screenshot.cpp).
// Each frame is build_frame (frame_loop.hpp); between its commands and its
// drawing the window does the file requests the UI queued (open, save,
// export, quit; dropped files too; file_requests.cpp): disk I/O there, engine
// changes only as commands. Then it draws (and reads the picture back when a
// PNG export asked for it) and presents. The interactive window also keeps
// the user's session file (app_session.hpp): read at start, written every few
// seconds when something changed and on quit.
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "app_session.hpp"
#include "engine/session.hpp"
#include "formats/scenario_io.hpp"
#include "frame_loop.hpp"
#include "gui_entry.hpp"
#include "panels.hpp"
#include "window.hpp"

namespace bpv {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t);

// The scenario a command line names ("" or "seed": the built-in example).
Scenario open_scenario(const std::string& path);
// "seed" on the command line is the built-in example: it has no file of its
// own, so Save asks for one instead of writing ./seed.
std::string file_of(const std::string& argument);
// "backprop-viz — net.json •": the file, and a dot while it has unsaved edits.
std::string window_title(const Session& session);
// What the GUI tests read: the --dump-state file, and the web page's test hook (app_state.cpp).
nlohmann::json state_json(const Session& session, const UiState& ui, const Window& window);
void dump_state(const std::string& path, const Session& session, const UiState& ui, const Window& window);
// The UI state a new window starts with: theme, fonts, the examples' menu.
UiState make_ui_state(const Window& window);

// ---- File requests (file_requests.cpp)
// What the loop does after this frame's requests.
struct LoopActions {
  std::string png_path;  // read the next drawn frame back into this PNG
  bool quit = false;
  // An expression file to open: the network's window closes and the
  // expression's opens (the desktop; "" = none).
  std::string open_expression;
  bool new_expression = false;  // File ▸ New expression graph…
  bool discarded = false;  // quit after "Discard": the session file forgets the edits
};

// A failure the user must see: a modal with the reason, and the status line.
void report_failure(UiState& ui, const char* title, const std::string& why);
// File ▸ Import data…, step 1: the chosen CSV read for the preview.
void preview_csv(UiState& ui, const std::string& path);
// Drops are opened like File ▸ Open (so unsaved changes are asked about first).
void queue_dropped(Window& window, UiState& ui);
// Runs the requests the UI queued last frame.
void perform_file_requests(Session& session, UiState& ui, LoopActions& loop);

// ---- The start and the session file (app_loop.cpp)
// How the app starts: the scenario and what goes with it.
struct Startup {
  Scenario scenario;
  std::string path;
  SessionRestore restore;
  std::size_t cursor = 0;
  nlohmann::json history;  // the undo/redo history of the last run (null: none)
  std::string notice;  // for the status line
};

// The argument wins; else the last session; else the seed. Throws
// ScenarioError only for a bad argument (exit 2, as formats.md says).
Startup choose_start(const WindowRequest& request, const AppSessionRead& last);

// Keeps session.json up to date: at most every few seconds, only when
// something changed, and once more on quit. A failure is said once.
class SessionKeeper {
 public:
  explicit SessionKeeper(std::string file) : file_(std::move(file)) {}

  void maybe_write(const Session& session, UiState& ui, const Window& window);
  void write_on_quit(const Session& session, UiState& ui, const Window& window, bool discarded);

 private:
  bool write(const AppSession& a, UiState& ui);

  std::string file_;
  Clock::time_point last_check_ = Clock::now();
  std::string last_key_, last_error_;
};

// The interactive app between frames: the window, the session, the UI state.
// run_window() calls frame() in a loop on the desktop; in the browser, which
// owns the loop, the page calls it once per animation frame (web_platform.hpp).
class AppLoop {
 public:
  AppLoop(const WindowRequest& request, const AppSessionRead& last, Startup start, std::string session_file);
  // One frame; false once the user quit.
  bool frame();

  // The expression file the user opened (the loop ended to open it), or "";
  // File ▸ New expression graph…. The page takes them, once each.
  const std::string& open_expression() const { return loop_.open_expression; }
  bool new_expression() const { return loop_.new_expression; }
  std::string take_open_expression() { return std::exchange(loop_.open_expression, std::string()); }
  bool take_new_expression() { return std::exchange(loop_.new_expression, false); }
  // The state the GUI tests read (state_json).
  nlohmann::json state() const { return state_json(session_, ui_, window_); }
  Session& session() { return session_; }
  UiState& ui() { return ui_; }
  Window& window() { return window_; }
  CommandQueue& commands() { return commands_; }

  // Keeps the session for the next start.
  void write_on_quit() { keeper_.write_on_quit(session_, ui_, window_, loop_.discarded); }

 private:
  WindowRequest request_;
  Window window_;
  Session session_;
  UiState ui_;
  SessionKeeper keeper_;
  CommandQueue commands_;
  LoopActions loop_;
  std::string title_;
};

}  // namespace bpv
