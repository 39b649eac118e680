// The File menu's requests, the close button and dropped files: the disk
// I/O of the window (open, save, export, import, copy link, quit). Engine
// changes go through the session's commands; a failure is a modal with the
// reason and the status line, never a half-done change.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "app_loop.hpp"
#include "data/csv_import.hpp"
#include "expression/expression_io.hpp"
#include "file_actions.hpp"
#include "panels/file_dialog.hpp"
#include "formats/share_link.hpp"
#include "teaching/lesson_writer.hpp"
#include "web_platform.hpp"

namespace bpv {

// A failure the user must see: a modal with the reason, and the status line.
void report_failure(UiState& ui, const char* title, const std::string& why) {
  ui.files.error_title = title;
  ui.files.error = why;
  ui.files.error_requested = true;
  ui.files.after_save.reset();  // "save, then open/quit" stops at a failed save
  std::string line = std::string(title) + ": " + why;  // the status line is one line
  std::replace(line.begin(), line.end(), '\n', ' ');
  show_status(ui, line, 10.0);
}

namespace {

void report_export(UiState& ui, const std::string& what, const std::string& path, const std::string& failed) {
  if (failed.empty()) {
    show_status(ui, "exported " + what + " to " + path);
    offer_download(path);
  } else {
    report_failure(ui, "Not exported", failed);
  }
}

// File ▸ Copy link (the web page): the scenario at the start of this
// training step, the cursor, and a built-in lesson's beat (share_link.hpp).
void copy_link(const Session& session, UiState& ui) {
#ifdef __EMSCRIPTEN__
  std::string lesson;
  if (ui.lesson.lesson && std::filesystem::path(ui.lesson.lesson->path).parent_path() == ui.lesson.dir)
    lesson = std::filesystem::path(ui.lesson.lesson->path).stem().string();
  try {
    copy_page_link(share_link_fragment(session.scenario(), session.stepper().cursor(), lesson, ui.lesson.beat));
    show_status(ui, "copied the link to this page: it opens this network at this op");
  } catch (const ScenarioError& e) {
    report_failure(ui, "Link not copied", e.what());
  }
#else
  (void)session;
  show_status(ui, "links are for the web page");
#endif
}

}  // namespace

// Drops are opened like File ▸ Open (so unsaved changes are asked about first).
void queue_dropped(Window& window, UiState& ui) {
  const std::vector<std::string> paths = window.take_dropped_paths();
  if (paths.empty()) return;
  ui.files.requests.push_back(FileRequest{FileAction::Open, paths.front(), false});
  if (paths.size() > 1) show_status(ui, "one file at a time: opening " + paths.front());
}

// File ▸ Import data…, step 1: read the chosen CSV for the preview. A file
// that cannot be read is the usual error box the first time; a re-read (the
// header options changed) shows its reason inside the preview.
void preview_csv(UiState& ui, const std::string& path) {
  ImportPreview& p = ui.files.import_preview;
  const bool again = p.reread && p.path == path;
  p.reread = false;
  if (!again) p = ImportPreview{};
  try {
    if (!again) p.header = first_line_is_header(path, p.skip_lines);
    const CsvTable table = read_csv_file(path, CsvReadOptions{p.header, p.skip_lines, {}});
    p.path = path;
    p.error.clear();
    p.columns = table.header;
    p.rows = table.rows();
    p.first_rows.clear();
    for (int r = 0; r < std::min(table.rows(), 8); ++r) {
      std::vector<double> row(static_cast<std::size_t>(table.columns()));
      for (int c = 0; c < table.columns(); ++c) row[c] = table.values(r, c);
      p.first_rows.push_back(std::move(row));
    }
    p.classes.assign(p.columns.size(), 0);
    for (int c = 0; c < table.columns(); ++c)
      if (looks_like_classes(table, c)) {
        std::vector<double> labels(table.values.col(c).begin(), table.values.col(c).end());
        std::sort(labels.begin(), labels.end());
        p.classes[c] = static_cast<int>(std::unique(labels.begin(), labels.end()) - labels.begin());
      }
    if (p.is_target.size() != p.columns.size()) {  // a new table: the last column is the target
      p.is_target.assign(p.columns.size(), 0);
      p.is_target.back() = 1;
    }
    p.open_requested = !again;
  } catch (const std::exception& e) {
    if (!again) {
      report_failure(ui, "Not imported", e.what());
      return;
    }
    p.error = e.what();
    p.columns.clear();
    p.first_rows.clear();
    p.rows = 0;
  }
}

namespace {

// Step 2: Import. The preview's choices become the importer's options.
void import_csv(Session& session, UiState& ui, const std::string& path) {
  const ImportPreview& p = ui.files.import_preview;
  CsvReadOptions read{p.header, p.skip_lines, {}};
  ImportOptions options;
  for (std::size_t c = 0; c < p.columns.size(); ++c)
    if (p.is_target[c]) options.targets.push_back(p.columns[c]);
  options.hidden = p.hidden;
  options.batch = p.batch;
  options.test_fraction = std::round(p.test_fraction * 100.0) / 100.0;  // as the slider shows it
  options.scale = p.scale;
  options.normalize = p.normalize;
  options.seed = static_cast<std::uint64_t>(std::max(p.seed, 0));
  std::string summary;
  const std::string failed = import_into_session(session, path, read, options, summary);
  if (failed.empty()) show_status(ui, "imported " + path + ": " + summary + " (File > Save As… keeps it)", 15.0);
  else report_failure(ui, "Not imported", failed);
}

}  // namespace

void perform_file_requests(Session& session, UiState& ui, LoopActions& loop) {
  std::vector<FileRequest> requests;
  requests.swap(ui.files.requests);  // what these queue runs next frame
  for (const FileRequest& r : requests) {
    const bool discards = r.action == FileAction::Open || r.action == FileAction::ImportCsv ||
                          r.action == FileAction::NewExpression || r.action == FileAction::Quit;
    if (discards && session.modified() && !r.confirmed) {
      ui.files.ask_unsaved = r;  // the modal answers with Save, Discard or Cancel
      continue;
    }
    switch (r.action) {
      case FileAction::Open: {
        if (is_expression_file(r.path)) {  // its own window (this one closes, keeping its session); on the page, this canvas
          loop.open_expression = r.path;
#ifndef __EMSCRIPTEN__
          loop.quit = true;
#endif
          break;
        }
        const std::string failed = open_into_session(session, r.path);
        if (failed.empty()) {
          add_recent_file(ui.files.recent, r.path);
          show_status(ui, "opened " + r.path);
        } else {
          std::error_code ec;
          if (!std::filesystem::exists(r.path, ec)) remove_recent_file(ui.files.recent, r.path);
          report_failure(ui, "Not opened", failed);
        }
        break;
      }
      case FileAction::Save:
      case FileAction::SaveAs: {
        const std::string path = r.path.empty() ? session.path() : r.path;
        if (path.empty()) {  // nothing to save to yet: ask (after_save stays pending)
          OpenPathDialog(session, ui.files, FileAction::SaveAs);
          break;
        }
        const std::string failed = save_session_as(session, path);
        if (!failed.empty()) {
          report_failure(ui, "Not saved", failed + "\nThe file on disk was not changed.");
          break;
        }
        add_recent_file(ui.files.recent, path);
        show_status(ui, "saved " + path);
        offer_download(path);
        if (ui.files.after_save) {  // "Save" in the unsaved-changes question: now open or quit
          ui.files.requests.push_back(*ui.files.after_save);
          ui.files.after_save.reset();
        }
        break;
      }
      case FileAction::ExportWorkedExample:
        report_export(ui, "the worked example", r.path, export_worked_example(session, r.path));
        break;
      case FileAction::ExportTrace:
        report_export(ui, "the trace", r.path, export_trace(session, r.path));
        break;
      case FileAction::ExportLossCsv:
        report_export(ui, "the loss history", r.path, export_loss_csv(session, r.path));
        break;
      case FileAction::ExportPng:
        loop.png_path = r.path;
        break;
      case FileAction::OpenLesson:
        try {
          ShowLesson(ui, load_lesson(r.path));
          ui.right_tab = RightTab::Lesson;
          ui.right_tab_requested = true;
          show_status(ui, "opened the lesson " + r.path);
        } catch (const std::exception& e) {
          report_failure(ui, "Lesson not opened", e.what());
        }
        break;
      case FileAction::SaveLesson:
        try {
          save_lesson(ui.lesson.recorder.draft, r.path);
          LessonSaved(ui, r.path);
          show_status(ui, "saved the lesson " + r.path);
          offer_download(r.path);
        } catch (const std::exception& e) {
          report_failure(ui, "Lesson not saved", std::string(e.what()) + "\nThe file on disk was not changed.");
        }
        break;
      case FileAction::CopyLink:
        copy_link(session, ui);
        break;
      case FileAction::PreviewCsv:
        preview_csv(ui, r.path);
        break;
      case FileAction::ImportCsv:
        import_csv(session, ui, r.path);
        break;
      case FileAction::NewExpression:
        loop.new_expression = true;
#ifndef __EMSCRIPTEN__
        loop.quit = true;
#endif
        break;
      case FileAction::Quit:
        loop.quit = true;
        loop.discarded = session.modified();
        break;
    }
  }
}

}  // namespace bpv
