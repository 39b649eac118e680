// The desktop app's window, and the screenshot command that draws the same
// frames into a PNG. Each frame is build_frame (frame_loop.hpp); between its
// commands and its drawing the window does the file requests the UI queued
// (open, save, export, quit; dropped files too): disk I/O here, engine
// changes only as commands. Then it draws (and reads the picture back when a
// PNG export asked for it) and presents.
// The interactive window also keeps the user's session file (app_session.hpp):
// read at start, written every few seconds when something changed and on quit.
//
// [SECTION] Helpers shared by the window and the screenshot command
// [SECTION] File requests (the File menu, the close button, dropped files)
// [SECTION] The session file: what is restored, what is kept
// [SECTION] run_window, run_screenshot
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include "background_work.hpp"
#include "trace.hpp"
#include "train.hpp"
#endif

#include "app_session.hpp"
#include "expression/expression_io.hpp"
#include "expression_app.hpp"
#include "assets_dir.hpp"
#include "file_actions.hpp"
#include "file_dialog.hpp"
#include "frame_loop.hpp"
#include "gui_entry.hpp"
#include "lesson.hpp"
#include "lesson_writer.hpp"
#include "panels.hpp"
#include "scenario_io.hpp"
#include "session.hpp"
#include "share_link.hpp"
#include "text_probe.hpp"
#include "theme.hpp"
#include "web_platform.hpp"
#include "window.hpp"

namespace bpv {
namespace {

using Clock = std::chrono::steady_clock;
const Clock::time_point g_process_start = Clock::now();

// ------------------------------------------------------------ [SECTION] Helpers shared by the window and the screenshot command

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

Scenario open_scenario(const std::string& path) {
  return path.empty() || path == "seed" ? seed_scenario() : load_scenario(path);
}

// "seed" on the command line is the built-in example: it has no file of its
// own, so Save asks for one instead of writing ./seed.
std::string file_of(const std::string& argument) { return argument == "seed" ? "" : argument; }

std::string display_name(const Session& session) {
  return session.path().empty() ? session.scenario().name
                                 : std::filesystem::path(session.path()).filename().string();
}

// "backprop-viz — net.json •": the file, and a dot while it has unsaved edits.
std::string window_title(const Session& session) {
  return "backprop-viz — " + display_name(session) + (session.modified() ? " •" : "");
}

// What the GUI tests read: the --dump-state file, and the web page's test hook.
nlohmann::json state_json(const Session& session, const UiState& ui, const Window& window) {
  nlohmann::json rects = nlohmann::json::array();
  for (const ImVec4& r : ui.timeline_rects) rects.push_back({r.x, r.y, r.z, r.w});
  const Stepper& st = session.stepper();
  nlohmann::json doc{{"cursor", st.cursor()},
                     {"op_count", st.op_count()},
                     {"training_step", session.training_step()},
                     {"training", session.training()},
                     {"training_progress", session.training_progress()},
                     {"loss", st.state().loss_value()},
                     {"scenario", session.scenario().name},
                     {"path", session.path()},
                     {"modified", session.modified()},
                     {"title", window_title(session)},
                     {"recent", ui.files.recent},
                     {"asking_unsaved", ui.files.ask_unsaved.has_value()},
                     {"path_dialog_open", ui.files.dialog.showing},
                     {"file_error", ui.files.error},
                     {"status", ui.status},
                     {"framebuffer", {window.framebuffer_width(), window.framebuffer_height()}},
                     {"content_scale", window.content_scale()},
                     {"ui_scale", ui.content_scale},
                     {"text_scale", ui.text_scale},
                     {"help_open", ui.help_open},
                     {"timeline_rects", std::move(rects)}};
  // For tests/gui/edit_test.sh: the edit fields by name, the weights (small nets), example 1's output a.
  doc["edit_rects"] = nlohmann::json::object();
  for (const auto& [name, r] : ui.edit_rects) doc["edit_rects"][name] = {r.x, r.y, r.z, r.w};
  const Scenario& sc = session.scenario();
  doc["weights"] = nlohmann::json::array();
  for (const Layer& layer : sc.layers) {
    nlohmann::json w = nlohmann::json::array();
    for (int i = 0; i < layer.fan_in() && layer.weights.size() <= 4096; ++i)
      w.push_back(std::vector<double>(layer.weights.row(i).begin(), layer.weights.row(i).end()));
    doc["weights"].push_back(std::move(w));
  }
  const Eigen::MatrixXd& out = st.state().layers.empty() ? sc.inputs : st.state().layers.back().activation;
  doc["output"] = out.rows() ? std::vector<double>(out.row(0).begin(), out.row(0).end()) : std::vector<double>{};
  doc["can_undo"] = session.can_undo();
  doc["optimizer"] = session.scenario().optimizer.name;  // tests/gui/edit_test.sh chooses one
  // For tests/gui/data_test.sh: the network's inputs and the data set's rows.
  doc["input_size"] = sc.input_size;
  doc["features"] = nlohmann::json::array();
  for (const Feature& f : sc.data.features) doc["features"].push_back(feature_name(f));
  doc["train_rows"] = sc.train_rows();
  doc["test_rows"] = sc.data.test_raw.rows();
  doc["undo_label"] = session.undo_label();
  // For tests/gui/paint_test.sh: the shown example's inputs, summed.
  doc["shown_inputs_sum"] = ui.example >= 0 && ui.example < sc.batch_size() ? sc.inputs.row(ui.example).sum() : 0.0;
  const ChangeMask& change = session.last_change();  // what the change flash marks
  int changed_neurons = 0, changed_weights = 0;
  for (const auto& n : change.neurons) changed_neurons += static_cast<int>(std::count(n.begin(), n.end(), 1));
  for (const auto& w : change.weights) changed_weights += static_cast<int>(w.count());
  doc["last_change"] = {{"neurons", changed_neurons}, {"weights", changed_weights}, {"loss", change.loss},
                        {"flashed", ui.change_flash_revision == change.revision && change.revision != 0}};
  // For tests/gui/predict_test.sh: the open question (with the engine's answer) and the score.
  const PredictUi& p = ui.predict;
  doc["predict"] = {{"on", p.on},
                    {"asking", p.question.has_value()},
                    {"typing", p.guess_active},
                    {"symbol", p.question ? p.question->symbol : ""},
                    {"answer", p.question ? p.question->answer : 0.0},
                    {"asked", p.score.asked},
                    {"right", p.score.right},
                    {"revealed", p.reveal.has_value()}};
  // For tests/gui/lesson_test.sh: the lesson, the beat, whether it has been entered, the verdict.
  const LessonUiState& ls = ui.lesson;
  doc["lesson"] = {{"open", ls.lesson != nullptr},
                   {"title", ls.lesson ? ls.lesson->title : ""},
                   {"beat", ls.beat},
                   {"beats", ls.lesson ? ls.lesson->beats.size() : 0},
                   {"entered", ls.lesson && !ls.enter_requested && ls.stage == LessonUiState::Stage::Idle},
                   {"cursor", ls.plan ? static_cast<long long>(ls.plan->cursor) : -1},
                   {"answer_right", ls.answer_right ? nlohmann::json(*ls.answer_right) : nlohmann::json()},
                   {"answer_value", ls.answer_value},
                   {"highlighted", ls.neurons.size() + ls.edges.size()},
                   {"highlights_shown", !ls.left_beat(session.revision())},
                   {"focus", ls.focus.has_value()},
                   {"error", ls.error},
                   {"presenter", ui.presenter},
                   {"hides", ls.lesson ? ls.lesson->hide : std::vector<std::string>{}},
                   {"unlocked", ls.unlocked},
                   {"example", ui.example}};
  // For tests/gui/record_lesson_test.sh: the draft being recorded.
  const LessonUiState::Recorder& rec = ls.recorder;
  const Beat* rb = rec.on && ls.beat < rec.draft.beats.size() ? &rec.draft.beats[ls.beat] : nullptr;
  doc["recorder"] = {{"on", rec.on},
                     {"beats", rec.draft.beats.size()},
                     {"title", rec.draft.title},
                     {"path", rec.path},
                     {"problem", rec.problem},
                     {"pick", static_cast<int>(rec.pick)},
                     {"text", rb ? rb->text : ""},
                     {"highlighted", rb ? rb->highlight.neurons.size() + rb->highlight.edges.size() : 0},
                     {"question", rb && rb->question ? quantity_symbol(rb->question->answer, session.scenario()) : ""}};
  return doc;
}

void dump_state(const std::string& path, const Session& session, const UiState& ui, const Window& window) {
  write_file_atomic(path, state_json(session, ui, window).dump() + "\n");
}

// File ▸ Open example: the shipped scenarios, then the real data sets.
std::vector<ExampleGroup> example_groups() {
#ifdef __EMSCRIPTEN__
  std::vector<ExampleGroup> groups(1);  // the page embeds assets/scenarios only
#else
  std::vector<ExampleGroup> groups(4);
#endif
  groups[0].name = "Examples";
  if (groups.size() > 1) {
    groups[1].name = "Real data";
    groups[1].missing = "Iris and Digits: run .ci/setup, then configure and build again";
    // Expression graphs open in their own window (app/expression_app.cpp).
    groups[2].name = "Expression graphs";
    groups[3].name = "Expression lessons";
  }
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const std::string folder = k == 0   ? builtin_assets_dir() + "/scenarios"
                               : k == 1 ? real_data_dir()
                               : k == 2 ? builtin_assets_dir() + "/expressions"
                                        : builtin_assets_dir() + "/expressions/lessons";
    for (const ScenarioListing& s : list_scenarios(folder)) groups[k].files.push_back(ExampleFile{s.title, s.path});
  }
  return groups;
}

UiState make_ui_state(const Window& window) {
  UiState ui;
  ui.content_scale = window.content_scale();
  apply_theme(ui.dark, ui.content_scale);
  if (fonts().fallback) show_status(ui, fonts().notice, 1e9);
  ui.lesson.dir = builtin_assets_dir() + "/lessons";
  ui.files.examples = example_groups();
  return ui;
}

// What a frame got wrong for a class at the back (ui.layout_probe): a cut
// equation, canvas labels that overlap each other or a neuron not theirs, a
// label cut by the canvas' edge, a lesson control out of its window.
std::vector<std::string> layout_problems(const Session& session, const UiState& ui, ImVec2 display) {
  std::vector<std::string> out;
  const LayoutProbe& p = ui.layout_probe;
  // While a lesson asks for a value, no canvas label may print it.
  if (const QuantityRef* q = asked_quantity(ui.lesson); q && ui.lesson.plan &&
                                                        session.stepper().cursor() == ui.lesson.plan->cursor) {
    double answer = 0.0;
    try {
      answer = resolve_quantity(*q, session.stepper().state());
    } catch (const std::exception&) {
      answer = std::nan("");
    }
    for (const LayoutProbe::Label& l : p.labels) {
      const std::size_t at = l.text.find_first_of("-0123456789");
      if (at == std::string::npos || !std::isfinite(answer)) continue;
      char* end = nullptr;
      const double shown = std::strtod(l.text.c_str() + at, &end);
      // Significant digits printed: "0.25" has two, and may round from another value by chance;
      // three or more that agree with the answer give it away.
      int significant = 0;
      bool leading = true;
      for (const char* c = l.text.c_str() + at; c < end && *c != 'e'; ++c) {
        if (*c < '0' || *c > '9') continue;
        if (*c != '0') leading = false;
        if (!leading) ++significant;
      }
      if (significant >= 3 && std::abs(shown - answer) <= 5e-4 * std::max(1.0, std::abs(answer)))
        out.push_back("label '" + l.text + "' prints the answer of the open question");
    }
  }
  if (!p.equation_in_view) out.push_back("the equation panel cuts its numbers: " + p.equation_cut);
  auto overlap = [](const ImVec4& a, const ImVec4& b) {
    return std::min(a.z, b.z) - std::max(a.x, b.x) > 1.0f && std::min(a.w, b.w) - std::max(a.y, b.y) > 1.0f;
  };
  auto inside = [](const ImVec4& a, const ImVec4& box) {
    return a.x >= box.x - 1.0f && a.y >= box.y - 1.0f && a.z <= box.z + 1.0f && a.w <= box.w + 1.0f;
  };
  const auto& labels = p.labels;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const ImVec4& a = labels[i].rect;
    if (!inside(a, p.canvas)) out.push_back("label '" + labels[i].text + "' is cut by the canvas' edge");
    for (std::size_t j = i + 1; j < labels.size(); ++j)
      if (overlap(a, labels[j].rect))
        out.push_back("labels '" + labels[i].text + "' and '" + labels[j].text + "' overlap");
    const float cx = 0.5f * (a.x + a.z), cy = 0.5f * (a.y + a.w);
    for (const ImVec4& c : p.circles) {
      // The circle's own number: centred in it, or on a plate across its centre.
      const bool own = (cx - c.x) * (cx - c.x) + (cy - c.y) * (cy - c.y) <= c.z * c.z ||
                       (a.x <= c.x && c.x <= a.z && std::abs(cy - c.y) <= 2.0f);
      const float nx = std::clamp(c.x, a.x, a.z), ny = std::clamp(c.y, a.y, a.w);
      const float d = std::sqrt((nx - c.x) * (nx - c.x) + (ny - c.y) * (ny - c.y));
      if (!own && d < c.z - 1.0f) out.push_back("label '" + labels[i].text + "' overlaps a neuron");
    }
    // A frame's tag sits above it, inside its sides; no number crosses a side.
    for (const ImVec4& fr : p.frames) {
      const bool level = std::min(a.w, fr.w) - std::max(a.y, fr.y) > 1.0f;
      const auto crosses = [&](float side) { return a.x < side - 1.0f && a.z > side + 1.0f; };
      if (level && (crosses(fr.x) || crosses(fr.z)))
        out.push_back("label '" + labels[i].text + "' crosses the frame round the op's edges");
    }
  }
  const ImVec4 screen(0.0f, 0.0f, display.x, display.y);
  for (const LayoutProbe::Control& c : p.controls)
    if (!inside(c.rect, c.window) || !inside(c.rect, screen)) out.push_back("control '" + c.name + "' is cut off");
  return out;
}

// `screenshot --list-text`: every text of the last frame, one JSON object a
// line: the window, the text, its rectangle and the rectangle that shows it.
void print_drawn_text() {
  for (const DrawnText& t : DrawnTexts()) {
    const nlohmann::json line = {{"window", t.window},
                                 {"text", t.text},
                                 {"rect", {std::round(t.rect.x), std::round(t.rect.y), std::round(t.rect.z), std::round(t.rect.w)}},
                                 {"visible", {std::round(t.visible.x), std::round(t.visible.y), std::round(t.visible.z), std::round(t.visible.w)}}};
    std::printf("%s\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// ------------------------------------------------------------ [SECTION] File requests

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
void report_failure(UiState& ui, const char* title, const std::string& why) {
  ui.files.error_title = title;
  ui.files.error = why;
  ui.files.error_requested = true;
  ui.files.after_save.reset();  // "save, then open/quit" stops at a failed save
  std::string line = std::string(title) + ": " + why;  // the status line is one line
  std::replace(line.begin(), line.end(), '\n', ' ');
  show_status(ui, line, 10.0);
}

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
#ifndef __EMSCRIPTEN__
        if (is_expression_file(r.path)) {  // its own window: this one closes, keeping its session
          loop.open_expression = r.path;
          loop.quit = true;
          break;
        }
#endif
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
        loop.quit = true;
        break;
      case FileAction::Quit:
        loop.quit = true;
        loop.discarded = session.modified();
        break;
    }
  }
}

// ------------------------------------------------------------ [SECTION] The session file

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

// Keeps session.json up to date: at most every few seconds, only when
// something changed, and once more on quit. A failure is said once.
class SessionKeeper {
 public:
  explicit SessionKeeper(std::string file) : file_(std::move(file)) {}

  void maybe_write(const Session& session, UiState& ui, const Window& window) {
    if (file_.empty() || ms_since(last_check_) < 5000.0 || session.training()) return;
    last_check_ = Clock::now();
    // Cheap test first: the revision covers the scenario, the cursor and the
    // losses; the rest is small.
    const std::string key = std::to_string(session.revision()) +
                            app_session_to_text(snapshot(session, ui, window, false, false));
    if (key == last_key_) return;
    if (write(snapshot(session, ui, window, false), ui)) last_key_ = key;
  }

  void write_on_quit(const Session& session, UiState& ui, const Window& window, bool discarded) {
    if (!file_.empty()) write(snapshot(session, ui, window, discarded), ui);
  }

 private:
  bool write(const AppSession& a, UiState& ui) {
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

  std::string file_;
  Clock::time_point last_check_ = Clock::now();
  std::string last_key_, last_error_;
};

}  // namespace

// ------------------------------------------------------------ [SECTION] run_window, run_screenshot

namespace {

WindowOptions window_options_for(const AppSessionRead& last) {
  WindowOptions options;
  if (last.session && last.session->window_width >= 320 && last.session->window_height >= 240) {
    options.width = last.session->window_width;
    options.height = last.session->window_height;
  }
  return options;
}

// The interactive app between frames: the window, the session, the UI state.
// run_window() calls frame() in a loop on the desktop; in the browser, which
// owns the loop, the page calls it once per animation frame (web_platform.hpp).
class AppLoop {
 public:
  AppLoop(const WindowRequest& request, const AppSessionRead& last, Startup start, std::string session_file)
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

  // One frame; false once the user quit.
  bool frame() {
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
#ifdef __EMSCRIPTEN__
    if (++frames_ == 1) note_first_frame();
#endif

    if (const std::string t = window_title(session_); t != title_) window_.set_title(title_ = t);
    if (!request_.dump_state_path.empty()) dump_state(request_.dump_state_path, session_, ui_, window_);
    keeper_.maybe_write(session_, ui_, window_);
    return true;
  }

  // The expression file the user opened (the loop ended to open it), or "".
  const std::string& open_expression() const { return loop_.open_expression; }
  bool new_expression() const { return loop_.new_expression; }
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
#ifdef __EMSCRIPTEN__
  long long frames_ = 0;
#endif
};

}  // namespace

int run_window(const WindowRequest& request) {
  if (!request.scenario_path.empty() && is_expression_file(request.scenario_path)) return run_expression_window(request);
  // 1. The session file: only for a person's window. A test run (--dump-state)
  //    uses one only where BPV_CONFIG_DIR names it.
  const bool keep_session = request.dump_state_path.empty() || std::getenv("BPV_CONFIG_DIR") != nullptr;
  const std::string session_file = keep_session ? session_file_path(config_dir()) : "";
  const AppSessionRead last = read_app_session(session_file);

  // 2. The scenario: the argument, else the last session, else the seed.
  Startup start;
  try {
    start = choose_start(request, last);
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  std::string expression;
  bool new_expression = false;
  try {
    // 3. The window (as large as last time), the session, the UI state.
    AppLoop app(request, last, std::move(start), session_file);
    // 4. The frame loop.
    while (app.frame()) {
    }
    // 5. Keep the session for the next start.
    app.write_on_quit();
    expression = app.open_expression();
    new_expression = app.new_expression();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  // 6. File ▸ Open of an expression graph, or a new one: its window, in place of this one.
  if (new_expression) return run_new_expression_window();
  if (!expression.empty()) {
    WindowRequest next = request;
    next.scenario_path = expression;
    return run_expression_window(next);
  }
  return 0;
}

int run_window_from_args(int argc, char** argv) {
  WindowRequest request;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dump-state") == 0 && i + 1 < argc) {
      request.dump_state_path = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      std::fprintf(stderr, "error: unknown option '%s' (try backprop-viz --help)\n", argv[i]);
      return 2;
    } else if (request.scenario_path.empty()) {
      request.scenario_path = argv[i];
    } else {
      std::fprintf(stderr, "error: more than one scenario given ('%s')\n", argv[i]);
      return 2;
    }
  }
  return run_window(request);
}

// Never reads or writes the session file: its pictures depend on its
// arguments only.
int run_screenshot(const ScreenshotRequest& request) {
  if (is_expression_file(request.scenario_path)) return run_expression_screenshot(request);
  try {
    Scenario scenario = open_scenario(request.scenario_path);
    WindowOptions options;
    options.width = request.width;
    options.height = request.height;
    options.visible = false;
    options.vsync = false;
    Window window(options);
    Session session(std::move(scenario), file_of(request.scenario_path));
    UiState ui = make_ui_state(window);
    CommandQueue commands;
    if (request.step >= 0) session.apply(command::JumpTo{static_cast<std::size_t>(request.step)});
    // --dialog: a picture of one of the File menu's modals.
    if (request.dialog == "open") OpenPathDialog(session, ui.files, FileAction::Open);
    else if (request.dialog == "save-as") OpenPathDialog(session, ui.files, FileAction::SaveAs);
    else if (request.dialog == "export") OpenPathDialog(session, ui.files, FileAction::ExportWorkedExample);
    else if (request.dialog == "unsaved") ui.files.ask_unsaved = FileRequest{FileAction::Quit, "", false};
    else if (request.dialog == "error")
      report_failure(ui, "Not saved",
                     "/home/me/net.json: cannot replace: Directory not empty\nThe file on disk was not changed.");
    if (!request.import_csv.empty()) preview_csv(ui, request.import_csv);
    // --tab: the right column's middle slot. --training: a training job runs
    // through every frame and the Insight tab recomputes its decision region
    // each frame; --refresh-insight: the recomputation alone, no job competing
    // for the CPU (the timing figures in README).
    if (!request.tab.empty()) {
      ui.right_tab = right_tab_named(request.tab);
      ui.right_tab_requested = true;
    }
    ui.insight_force_refresh = request.training || request.refresh_insight;
    ui.gradcheck_edges = request.tab == "gradcheck";  // its picture shows the edge colours too
    // --lesson, --beat, --presenter: a lesson's beat as a class would see it.
    if (!request.lesson.empty()) {
      ui.lesson.lesson = std::make_shared<const Lesson>(load_lesson(request.lesson));
      ui.lesson.beat = static_cast<std::size_t>(std::clamp<int>(
          request.beat, 0, static_cast<int>(ui.lesson.lesson->beats.size()) - 1));
      ui.lesson.enter_requested = true;
      if (request.tab.empty()) {
        ui.right_tab = RightTab::Lesson;
        ui.right_tab_requested = true;
      }
    }
    if (request.record) {
      StartRecording(session, ui, !request.lesson.empty());
      ui.right_tab = RightTab::Lesson;
      ui.right_tab_requested = true;
    }
    ui.presenter = request.presenter;
    ui.op_graph = request.op_graph;
    ui.help_open = request.help;
    ui.compare.open = request.compare;
    ui.text_scale = std::clamp(request.text_scale, kMinTextScale, kMaxTextScale);
    if (request.light) {
      ui.dark = false;
      apply_theme(ui.dark, ui.content_scale);
    }
    std::vector<double> insight_grid_ms, insight_upload_ms;

    FrameContext f{window, session, ui, commands};
    auto frame = [&](double* build_ms) {
      const Clock::time_point t0 = Clock::now();
      if (request.training && !session.training()) session.apply(command::TrainSteps{1000000});
      build_frame(f, 0.0, {}, !request.empty_frame);
      if (build_ms) *build_ms = ms_since(t0);
    };
    // The first frame, timed from process start: what a user waits for.
    frame(nullptr);
    window.draw();
    window.finish();
    const double first_frame_ms = ms_since(g_process_start);
    window.present();
    // A lesson beat takes a few frames to enter (load, train in chunks, jump).
    for (int i = 0; i < 10000 && ui.lesson.lesson &&
                    (ui.lesson.enter_requested || ui.lesson.stage != LessonUiState::Stage::Idle || session.training());
         ++i) {
      frame(nullptr);
      window.draw();
      window.present();
      if (session.training()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

    if (request.check_layout) {
      // Every op (or every beat), a few frames each to settle, then the checks.
      ui.layout_probe.on = true;
      int problems = 0;
      auto check = [&](const std::string& where) {
        // Until the panels stop resizing (the equation panel takes the
        // height its text needed last frame), at least 4 frames, then one
        // more whose text is recorded item by item.
        float last_h = -1.0f;
        for (int i = 0, stable = 0; i < 40 && (i < 4 || stable < 2); ++i) {
          ui.layout_probe.controls.clear();
          frame(nullptr);
          window.draw();
          window.present();
          stable = ui.equation_essential_h == last_h ? stable + 1 : 0;
          last_h = ui.equation_essential_h;
        }
        ui.layout_probe.controls.clear();
        RecordDrawnText(true);
        frame(nullptr);
        window.draw();
        window.present();
        std::vector<std::string> found = layout_problems(session, ui, ImGui::GetIO().DisplaySize);
        for (std::string& w : WindowsThatCutText()) found.push_back(std::move(w));
        for (std::string& t : TextsCut()) found.push_back(std::move(t));
        RecordDrawnText(false);
        for (const std::string& p : found) {
          std::printf("%s: %s\n", where.c_str(), p.c_str());
          ++problems;
        }
      };
      if (ui.lesson.lesson) {
        for (std::size_t b = 0; b < ui.lesson.lesson->beats.size(); ++b) {
          ui.lesson.beat = b;
          ui.lesson.enter_requested = true;
          for (int i = 0; i < 10000 && (ui.lesson.enter_requested || ui.lesson.stage != LessonUiState::Stage::Idle ||
                                        session.training());
               ++i) {
            frame(nullptr);
            if (session.training()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
          check("beat " + std::to_string(b + 1));
        }
      } else {
        for (std::size_t k = 0; k <= session.stepper().op_count(); ++k) {
          session.apply(command::JumpTo{k});
          check("op " + std::to_string(k));
        }
      }
      std::printf("layout: %d problem%s\n", problems, problems == 1 ? "" : "s");
      if (!window.save_png(request.output_png)) return 1;
      return problems == 0 ? 0 : 1;
    }

    if (request.frames > 0) {
      // Two passes of N frames. "redraw": every frame drawn in full, as the
      // plainest ImGui program does. Then the app's own loop, where a frame
      // identical to the one on screen is not drawn again (Window::draw).
      // The --empty-frame baseline is always the plain loop.
      auto timed = [&](bool force, std::vector<double>& frame_ms, std::vector<double>& build_ms) {
        for (int i = 0; i < request.frames; ++i) {
          const Clock::time_point t0 = Clock::now();
          double b = 0.0;
          frame(&b);
          insight_grid_ms.push_back(ui.insight_grid_ms);
          insight_upload_ms.push_back(ui.insight_upload_ms);
          window.draw(force);
          window.finish();
          frame_ms.push_back(ms_since(t0));
          build_ms.push_back(b);
          window.present();
        }
      };
      std::vector<double> redraw_ms, redraw_build_ms, frame_ms, build_ms;
      timed(true, redraw_ms, redraw_build_ms);
      timed(request.empty_frame, frame_ms, build_ms);
      const ImDrawData* dd = ImGui::GetDrawData();
      int draw_calls = 0;
      for (int n = 0; n < dd->CmdListsCount; ++n) draw_calls += dd->CmdLists[n]->CmdBuffer.Size;
      std::printf("first_frame_ms: %.1f\n", first_frame_ms);
      std::printf("draw_calls: %d, vertices: %d\n", draw_calls, dd->TotalVtxCount);
      std::printf("redraw_ms_median: %.3f, build_ms_median: %.3f\n", median(redraw_ms), median(redraw_build_ms));
      std::printf("frames: %d, ms_per_frame_median: %.3f, build_ms_median: %.3f\n", request.frames,
                  median(frame_ms), median(build_ms));
      if (ui.right_tab == RightTab::Insight)  // the decision region's own share of a frame
        std::printf("insight_grid_ms_median: %.3f, insight_upload_ms_median: %.3f\n", median(insight_grid_ms),
                    median(insight_upload_ms));
    }
    // A few settling frames (ImGui sizes some items on their second frame; a
    // modal's dimmed background fades in over a fraction of a second), then
    // the picture.
    const int settle = request.dialog.empty() ? 3 : 40;
    // The gradient check runs on a worker thread: wait (up to a minute) for it.
    for (int i = 0; i < 6000 && ui.right_tab == RightTab::GradCheck && !CurrentGradCheckMaps(session, ui); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (int i = 0; i < settle; ++i) {
      if (request.list_text) RecordDrawnText(i + 1 == settle);
      frame(nullptr);
      // The decision region's job, started by this frame: the next one shows it.
      for (int k = 0; k < 6000 && ui.right_tab == RightTab::Insight && InsightRegionPending(ui); ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      window.draw(/*force=*/i + 1 == settle);  // the last one is read back: draw it whatever
      if (i + 1 < settle) window.present();
      if (!request.dialog.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(8));
    }
    if (request.list_text) print_drawn_text();
    if (!window.save_png(request.output_png)) {
      std::fprintf(stderr, "error: %s: cannot write the PNG\n", request.output_png.c_str());
      return 1;
    }
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const LessonError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}


#ifdef __EMSCRIPTEN__
// ------------------------------------------------------------ [SECTION] The web page

namespace {

AppLoop* g_page = nullptr;  // the page's app: it lives as long as the page

// What a frame may spend on background work (training, the comparison) in
// the browser, where it runs between frames: half a 60 Hz frame.
constexpr double kBackgroundBudgetMs = 8.0;

void page_frame(void*) {
  int width = 0, height = 0;
  page_size(width, height);  // the canvas fills the browser window
  Window& window = g_page->window();
  if (width >= 64 && height >= 64 && (width != window.unscaled_width() || height != window.unscaled_height()))
    window.resize(width, height);
  BackgroundWork::run_background_slices(kBackgroundBudgetMs);
  g_page->frame();
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
  text = bpv::g_page ? bpv::g_page->state().dump() : "null";
  return text.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* bpv_trace_json() {
  static std::string text;
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

namespace bpv {
#endif  // __EMSCRIPTEN__

}  // namespace bpv
