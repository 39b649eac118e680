// The File menu's dialogs: a simple in-app path dialog (a folder listing, a
// path field, Up / Home, OK / Cancel), the unsaved-changes question and the
// error box. Starting an action here only fills FileUiState; the app loop does
// the I/O (see file_ui.hpp).
#pragma once
#include <string>

#include "engine/session.hpp"
#include "ui_state.hpp"

namespace bpv {

// The extension a dialog filters for and appends (".json", ".md", …), and
// its title ("Open scenario", …).
const char* file_action_extension(FileAction action);
const char* file_action_title(FileAction action);

// Opens the path dialog for `action` in the folder of the session's file (or
// the last folder used), suggesting a name from the session's file.
void OpenPathDialog(const Session& session, FileUiState& files, FileAction action);
// Save: to the session's own file, or through the dialog when it has none.
void RequestSave(const Session& session, FileUiState& files);

// File ▸ Import data…'s preview of a CSV file (import_dialog.cpp): the
// header, the first rows, the target checkboxes and the importer's options;
// Import queues FileAction::ImportCsv. DrawFileModals calls it.
void DrawImportPreview(UiState& ui);

// Draws whichever of the path dialog, the unsaved-changes question and the
// error box is open. Call at the top level, once a frame, after the panels.
void DrawFileModals(const Session& session, UiState& ui);

}  // namespace bpv
