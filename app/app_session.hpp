// The app's memory between runs: session.json in the per-user config folder
// ($BPV_CONFIG_DIR, else $XDG_CONFIG_HOME/backprop-viz, else
// ~/.config/backprop-viz) and the recent-files list. No GUI here, so the unit
// tests run it (tests/unit/test_app_session.cpp); app/gui_app.cpp maps it to
// and from the Session and the UiState.
//
// Only the interactive window reads or writes this file: the screenshot
// command and test runs (--dump-state without BPV_CONFIG_DIR) never do, so
// their pictures and states do not depend on whoever ran the app last.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/scenario.hpp"
#include "engine/session.hpp"

namespace bpv {

// ------------------------------------------------------------ recent files

constexpr std::size_t kMaxRecentFiles = 10;

// Moves `path` (made absolute, so the list works from any working directory)
// to the front of `recent`: most recent first, no duplicates, at most
// kMaxRecentFiles.
void add_recent_file(std::vector<std::string>& recent, const std::string& path);
void remove_recent_file(std::vector<std::string>& recent, const std::string& path);
// The same path spelled the same way every time ("a/../b.json" → "/cwd/b.json").
std::string normalized_path(const std::string& path);

// ------------------------------------------------------------ session.json

struct AppSession {
  // The scenario at the start of the current training step, embedded in full
  // so unsaved work survives a crash. nullopt: reopen `path` instead (written
  // so after the user chose "Discard" when quitting).
  std::optional<Scenario> scenario;
  std::string path;       // its file; "" = never saved
  bool modified = false;  // the embedded scenario has edits not in `path`
  std::size_t cursor = 0;            // ops applied in the current training step
  std::vector<double> loss_history;  // one per completed training step (NaN kept as null)
  std::vector<EpochLoss> epoch_losses;  // with a test set: one per epoch ended (the loss plot's two curves)
  // Session::history_json(): the undo/redo history, so undo reaches back past
  // a restart. Null when none. Kept as JSON here: the Session checks it.
  nlohmann::json history;

  // UI toggles (ui/ui_state.hpp) that are worth keeping.
  bool dark = true;
  int example = 0;  // −1 = batch mean
  int decimals = 4;
  float ops_per_second = 2.0f;
  int train_steps = 100;
  bool loss_log_scale = false;  // the loss plot's y axis
  float text_scale = 1.0f;  // 0.75 … 2.5 (ui_state.hpp's next_text_scale)  // View ▸ Text size, on top of the monitor's content scale

  // Window size in screen units at content scale 1; 0 = the default.
  int window_width = 0, window_height = 0;

  std::vector<std::string> recent;  // most recent first
};

// Where the config folder is, from the values of BPV_CONFIG_DIR,
// XDG_CONFIG_HOME and HOME (null = unset). "" when none is usable: then the
// app runs without a session file.
std::string config_dir_from(const char* bpv_config_dir, const char* xdg_config_home, const char* home);
std::string config_dir();  // the same, from the environment
std::string session_file_path(const std::string& config_dir);  // CONFIG/session.json

std::string app_session_to_text(const AppSession& session);
// Throws std::runtime_error naming the first bad field ("cursor: expected a
// non-negative integer"). Missing fields take their defaults (older files).
AppSession parse_app_session(const std::string& text);

struct AppSessionRead {
  std::optional<AppSession> session;  // nullopt: nothing to restore
  std::string notice;  // why a file that exists was ignored; "" when read or missing
};
// Never throws: a missing file is simply no session; an unreadable or corrupt
// one is ignored, with the reason in `notice` for the status line.
AppSessionRead read_app_session(const std::string& path);

// Creates the folder when needed and writes atomically (temp file, rename), so
// a crash mid-write leaves the previous session. Throws std::runtime_error.
void write_app_session(const std::string& path, const AppSession& session);

}  // namespace bpv
