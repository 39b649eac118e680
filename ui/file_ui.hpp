// The File menu's share of the UI state (a member of UiState): requests the
// UI queued, the path dialog, the unsaved-changes question, the recent files.
//
// Why requests and not commands: opening, saving and exporting are disk I/O
// followed (maybe) by a session command, and they may first need the user's
// answer about unsaved changes. So the UI only says what the user asked for;
// the app loop (app/gui_app.cpp) does the I/O through app/file_actions.hpp and
// changes the session only by applying commands (LoadScenario, MarkSaved).
// Plain data: no ImGui, no engine state.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace bpv {

enum class FileAction {
  Open,     // path: the scenario file to open
  Save,     // to the session's own file
  SaveAs,   // path: the new file
  ExportWorkedExample,
  ExportTrace,
  ExportLossCsv,
  ExportPng,  // the window as drawn in the next frame
  OpenLesson,  // path: a lesson file (docs/lessons.md), played in the Lesson tab
  SaveLesson,  // path: where the recorded lesson goes
  CopyLink,    // the web page: a link that opens this network at this op (share_link.hpp)
  Quit,
};

struct FileRequest {
  FileAction action = FileAction::Open;
  std::string path;
  // The user already answered "Discard" to the unsaved-changes question.
  bool confirmed = false;
};

struct PathDialogEntry {
  std::string name;
  bool is_directory = false;
};

// The in-app path dialog (ui/file_dialog.cpp). ImGui 1.86 has none built in.
struct PathDialog {
  bool open_requested = false;  // open the modal in the next DrawFileModals()
  FileAction action = FileAction::Open;  // what OK queues, with the chosen path
  std::string directory;        // the folder listed
  std::string path;             // the text field: a name in `directory`, or a full path
  std::string error;            // shown under the field, in the dialog
  bool confirm_replace = false; // OK pressed once on an existing file: a second OK replaces it
  bool show_hidden = false;
  // The listing of `listed_directory` (re-read when `directory` changes).
  std::vector<PathDialogEntry> entries;
  std::string listed_directory;
  std::string list_error;
};

struct FileUiState {
  std::vector<FileRequest> requests;      // queued by the UI, done by the app loop
  std::vector<std::string> recent;        // most recent first (app/app_session.hpp keeps the rules)
  PathDialog dialog;
  std::optional<FileRequest> ask_unsaved; // set by the app loop: ask "Save / Discard / Cancel" first
  std::optional<FileRequest> after_save;  // done once the save it waits for succeeds
  // A failed open/save/export: shown in a modal until dismissed.
  std::string error_title, error;
  bool error_requested = false;
};

}  // namespace bpv
