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
  PreviewCsv,  // path: a CSV file; the app loop reads it into FileUiState::import_preview
  ImportCsv,   // path: the previewed CSV, imported with import_preview's choices and opened
  NewExpression,  // a new scalar expression graph in its own window (the desktop)
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

// The in-app path dialog (ui/panels/file_dialog.cpp). ImGui 1.86 has none built in.
struct PathDialog {
  bool open_requested = false;  // open the modal in the next DrawFileModals()
  FileAction action = FileAction::Open;  // what OK queues, with the chosen path
  std::string directory;        // the folder listed
  std::string path;             // the text field: a name in `directory`, or a full path
  std::string error;            // shown under the field, in the dialog
  bool confirm_replace = false; // OK pressed once on an existing file: a second OK replaces it
  bool show_hidden = false;
  bool showing = false;  // drawn this frame (the GUI tests wait for it before typing)
  // The listing of `listed_directory` (re-read when `directory` changes).
  std::vector<PathDialogEntry> entries;
  std::string listed_directory;
  std::string list_error;
};

// File ▸ Open example: the shipped scenarios, and the real data sets the
// build made from .ci/setup's downloads (docs/data.md). The app loop lists
// them once at start-up.
struct ExampleFile {
  std::string title;  // the scenario's "name"
  std::string path;
};
struct ExampleGroup {
  std::string name;     // "Examples", "Real data"
  std::string missing;  // shown (disabled) when the group has no files: why, and what to do
  std::vector<ExampleFile> files;
};

// File ▸ Import data…: a CSV file as the app loop read it (core/data/csv_import.hpp),
// the first rows to show, and what the user picks before Import.
struct ImportPreview {
  bool open_requested = false;  // open the modal in the next DrawFileModals()
  bool reread = false;          // the open modal asked to read the file again (PreviewCsv)
  std::string path;
  // How the file is read; changing either reads it again (PreviewCsv).
  bool header = true;
  int skip_lines = 0;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> first_rows;
  int rows = 0;
  std::vector<int> classes;    // per column: its number of distinct labels if it looks like classes, else 0
  std::vector<char> is_target; // per column: the checkboxes
  std::string error;           // a re-read that failed: shown in the modal (the table is then empty)
  // The importer's options (core/data/csv_import.hpp, ImportOptions).
  int hidden = 16;
  int batch = 32;
  float test_fraction = 0.2f;
  float scale = 0.0f;  // 0: inputs as they are
  bool normalize = false;
  int seed = 0;
};

struct FileUiState {
  std::vector<FileRequest> requests;      // queued by the UI, done by the app loop
  std::vector<std::string> recent;        // most recent first (app/app_session.hpp keeps the rules)
  std::vector<ExampleGroup> examples;     // File ▸ Open example
  ImportPreview import_preview;           // File ▸ Import data…
  PathDialog dialog;
  std::optional<FileRequest> ask_unsaved; // set by the app loop: ask "Save / Discard / Cancel" first
  std::optional<FileRequest> after_save;  // done once the save it waits for succeeds
  // A failed open/save/export: shown in a modal until dismissed.
  std::string error_title, error;
  bool error_requested = false;
};

}  // namespace bpv
