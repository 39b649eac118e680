// What the File menu does on disk, without a window. The app loop
// (app/gui_app.cpp) calls these for the file requests the UI queued, and the
// unit tests call the very same functions (tests/unit/test_file_actions.cpp).
// Each returns "" when done, else why not; after a failure the session and the
// files on disk are as they were.
#pragma once
#include <string>
#include <vector>

#include "data/csv_import.hpp"
#include "engine/session.hpp"

namespace bpv {

// Writes the session's scenario (the start of the current training step) to
// `path` atomically (scenario_io: temp file beside it, then rename), then
// applies command::MarkSaved{path}.
std::string save_session_as(Session& session, const std::string& path);
// Loads `path` and applies command::LoadScenario (undoable, like any edit).
std::string open_into_session(Session& session, const std::string& path);

// Reads the CSV file, imports it (core/data/csv_import.hpp) and applies
// command::LoadScenario with no path: a new scenario, undoable like an open,
// that File ▸ Save asks a name for. `summary` gets what the importer chose.
std::string import_into_session(Session& session, const std::string& csv_path, const CsvReadOptions& read,
                                const ImportOptions& options, std::string& summary);

// The scenario files (*.json) of `folder` as {title, path}: the title is the
// file's "name" (its file name where it has none or cannot be read), sorted
// by title. A missing folder gives none.
struct ScenarioListing {
  std::string title, path;
};
std::vector<ScenarioListing> list_scenarios(const std::string& folder);

// Exports, written atomically as well.
std::string export_worked_example(const Session& session, const std::string& path);  // Markdown
std::string export_trace(const Session& session, const std::string& path);           // formats.md §3
std::string export_loss_csv(const Session& session, const std::string& path);

// "step,loss" then one row per training step, full precision: the same as
// `backprop-viz train --csv`.
std::string loss_history_csv(const std::vector<double>& losses);

}  // namespace bpv
