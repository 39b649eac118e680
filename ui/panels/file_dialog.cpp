// The File menu's modals.
//
// [SECTION] What each file action asks for
// [SECTION] The folder listing (std::filesystem, never throws)
// [SECTION] OK: from the text field to a request
// [SECTION] Drawing: the path dialog, the unsaved-changes question, the error box
#include "panels/file_dialog.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cstdlib>
#include <filesystem>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDialogId = "###path_dialog";  // one id, whatever the title
constexpr const char* kUnsavedId = "Unsaved changes";
constexpr const char* kErrorId = "###file_error";
constexpr std::size_t kMaxEntries = 20000;  // a folder bigger than this is shown in part

// ------------------------------------------------------------ [SECTION] What each file action asks for

struct ActionInfo {
  FileAction action;
  const char* title;
  const char* extension;  // filtered for and appended when the name has none
  const char* suffix;     // the suggested name is the scenario's stem + this
  bool must_exist;        // Open: an existing file; else a new or replaced one
};

constexpr ActionInfo kActions[] = {
    {FileAction::Open, "Open scenario", ".json", ".json", true},
    {FileAction::Save, "Save scenario", ".json", ".json", false},
    {FileAction::SaveAs, "Save scenario as", ".json", ".json", false},
    {FileAction::ExportWorkedExample, "Export the worked example (Markdown)", ".md", ".md", false},
    // ".trace.json", so the suggestion never replaces the scenario file itself.
    {FileAction::ExportTrace, "Export the trace (JSON)", ".json", ".trace.json", false},
    {FileAction::ExportLossCsv, "Export the loss history (CSV)", ".csv", ".loss.csv", false},
    {FileAction::ExportPng, "Export a picture of the window (PNG)", ".png", ".png", false},
    {FileAction::OpenLesson, "Open a lesson", ".json", ".json", true},
    {FileAction::SaveLesson, "Save the lesson", ".json", ".json", false},
    {FileAction::CopyLink, "Copy link", "", "", false},
    {FileAction::PreviewCsv, "Import data (CSV)", ".csv", ".csv", true},  // .csv.gz too (accepts)
    {FileAction::ImportCsv, "Import data (CSV)", ".csv", ".csv", true},
    {FileAction::Quit, "Quit", "", "", false},
};

const ActionInfo& info(FileAction a) {
  for (const ActionInfo& i : kActions)
    if (i.action == a) return i;
  return kActions[0];
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool has_extension(const std::string& name, const std::string& ext) {
  return name.size() > ext.size() && lower(name.substr(name.size() - ext.size())) == ext;
}

// A file name from the scenario's name when it has no file yet: "Seed example
// (3-3-3-3)" → "seed_example_3-3-3-3".
std::string stem_from_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '-') out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "network" : out;
}

// Whether the listing shows a file: the action's extension (a CSV to import
// may be gzipped).
bool accepts(FileAction action, const std::string& name) {
  return has_extension(name, info(action).extension) ||
         (action == FileAction::PreviewCsv && has_extension(name, ".csv.gz"));
}

bool is_folder(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p, ec);
}

std::string home_directory() {
  const char* home = std::getenv("HOME");
  return home && *home ? home : "/";
}

// ------------------------------------------------------------ [SECTION] The folder listing

// Folders first, then files with the dialog's extension, each by name. Any
// error (unreadable folder, an entry vanishing mid-listing) becomes
// list_error; whatever was read so far is still shown.
void refresh_listing(PathDialog& d) {
  d.entries.clear();
  d.list_error.clear();
  d.listed_directory = d.directory;
  try {
    std::error_code ec;
    fs::directory_iterator it(d.directory, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      d.list_error = "cannot list this folder: " + ec.message();
      return;
    }
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.empty() || (!d.show_hidden && name[0] == '.')) continue;
      std::error_code type_ec;
      const bool dir = it->is_directory(type_ec);  // follows links; a broken link is a file
      if (!dir && !accepts(d.action, name)) continue;
      d.entries.push_back({name, dir});
      if (d.entries.size() >= kMaxEntries) {
        d.list_error = "showing the first " + std::to_string(kMaxEntries) + " entries";
        break;
      }
    }
    if (ec) d.list_error = "the listing stopped early: " + ec.message();
  } catch (const std::exception& e) {
    d.list_error = std::string("cannot list this folder: ") + e.what();
  }
  std::sort(d.entries.begin(), d.entries.end(), [](const PathDialogEntry& a, const PathDialogEntry& b) {
    if (a.is_directory != b.is_directory) return a.is_directory;
    const std::string la = lower(a.name), lb = lower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
}

void change_directory(PathDialog& d, const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec);
  if (ec) p = dir;
  d.directory = p.lexically_normal().string();
  if (d.directory.size() > 1 && d.directory.back() == '/') d.directory.pop_back();
  d.error.clear();
  d.confirm_replace = false;
}

// ------------------------------------------------------------ [SECTION] OK: from the text field to a request

// Returns the request OK makes, or nullopt with d.error set (or with the
// dialog moved into the folder that was typed).
std::optional<FileRequest> resolve(PathDialog& d) {
  const ActionInfo& a = info(d.action);
  std::string text = d.path;
  text.erase(0, text.find_first_not_of(" \t"));
  text.erase(text.find_last_not_of(" \t") + 1);
  if (text.empty()) {
    d.error = a.must_exist ? "pick a file, or type its name" : "type a file name";
    return std::nullopt;
  }
  try {
    fs::path p = text;
    if (text == "~" || text.rfind("~/", 0) == 0) p = fs::path(home_directory()) / text.substr(std::min<std::size_t>(2, text.size()));
    if (p.is_relative()) p = fs::path(d.directory) / p;
    p = p.lexically_normal();
    std::error_code ec;
    if (fs::is_directory(p, ec)) {  // a typed folder: go there
      change_directory(d, p);
      d.path.clear();
      return std::nullopt;
    }
    if (a.must_exist) {
      if (!fs::exists(p, ec)) {
        d.error = "no such file: " + p.string();
        return std::nullopt;
      }
      if (!fs::is_regular_file(p, ec)) {
        d.error = "not a regular file: " + p.string();
        return std::nullopt;
      }
    } else {
      if (!p.has_extension()) p += a.extension;
      const fs::path parent = p.parent_path();
      if (!is_folder(parent)) {
        d.error = "no such folder: " + parent.string();
        return std::nullopt;
      }
      if (fs::exists(p, ec) && !d.confirm_replace) {
        d.confirm_replace = true;
        d.error = p.filename().string() + " exists: press OK again to replace it";
        return std::nullopt;
      }
    }
    d.error.clear();
    return FileRequest{d.action, p.string(), false};
  } catch (const std::exception& e) {
    d.error = e.what();
    return std::nullopt;
  }
}

// ------------------------------------------------------------ [SECTION] Drawing

bool escape_pressed() { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false); }

void close_dialog(FileUiState& files, bool cancelled) {
  if (cancelled) files.after_save.reset();  // "Save, then quit" ends here when the save is cancelled
  files.dialog.error.clear();
  files.dialog.confirm_replace = false;
  ImGui::CloseCurrentPopup();
}

void draw_path_dialog(FileUiState& files, float s) {
  PathDialog& d = files.dialog;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(760.0f * s, vp->WorkSize.x - 40.0f),
                                  std::min(520.0f * s, vp->WorkSize.y - 40.0f)),
                           ImGuiCond_Appearing);
  const std::string title = std::string(info(d.action).title) + kDialogId;
  d.showing = ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (!d.showing) return;
  if (d.listed_directory != d.directory) refresh_listing(d);

  // Row 1: where we are.
  if (ImGui::Button("↑ Up")) change_directory(d, fs::path(d.directory).parent_path());
  ImGui::SameLine();
  if (ImGui::Button("Home")) change_directory(d, home_directory());
  ImGui::SameLine();
  if (ImGui::Button("Refresh")) d.listed_directory.clear();
  ImGui::SameLine();
  if (ImGui::Checkbox("hidden files", &d.show_hidden)) d.listed_directory.clear();
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", d.directory.c_str());

  // Row 2: the listing. Folders open on a click; a file fills the field, and
  // a double click is OK.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float footer = 3.0f * ImGui::GetFrameHeightWithSpacing() + ImGui::GetTextLineHeightWithSpacing();
  bool accept = false;
  ImGui::BeginChild("##entries", ImVec2(0, -footer), true);
  if (!d.list_error.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", d.list_error.c_str());
  if (d.entries.empty() && d.list_error.empty())
    ImGui::TextDisabled("(no folders or %s files here)", info(d.action).extension);
  std::optional<fs::path> enter;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(d.entries.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const PathDialogEntry& e = d.entries[i];
      ImGui::PushID(i);
      if (e.is_directory) {
        ImGui::PushStyleColor(ImGuiCol_Text, style.Colors[ImGuiCol_TextDisabled]);
        if (ImGui::Selectable((e.name + "/").c_str(), false)) enter = fs::path(d.directory) / e.name;
        ImGui::PopStyleColor();
      } else {
        if (ImGui::Selectable(e.name.c_str(), d.path == e.name, ImGuiSelectableFlags_AllowDoubleClick)) {
          if (d.path != e.name) d.confirm_replace = false;
          d.path = e.name;
          d.error.clear();
          if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) accept = true;
        }
      }
      ImGui::PopID();
    }
  }
  ImGui::EndChild();
  if (enter) change_directory(d, *enter);

  // Row 3: the field, the error, the buttons.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(info(d.action).must_exist ? "File" : "Save as");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  const std::string before = d.path;
  if (ImGui::InputText("##path", &d.path, ImGuiInputTextFlags_EnterReturnsTrue)) accept = true;
  if (d.path != before) d.confirm_replace = false;
  if (!d.error.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", d.error.c_str());
  else ImGui::TextDisabled("a name in this folder, a full path, or a folder to go to");

  const float button_w = 110.0f * s;
  ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - 2.0f * button_w - style.ItemSpacing.x);
  if (ImGui::Button(d.confirm_replace ? "Replace" : "OK", ImVec2(button_w, 0))) accept = true;
  ImGui::SameLine();
  const bool cancel = ImGui::Button("Cancel", ImVec2(button_w, 0)) || escape_pressed();
  // Return after picking a file with the mouse (the field has no focus then).
  if (!ImGui::IsAnyItemActive() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) accept = true;

  if (cancel) {
    close_dialog(files, true);
  } else if (accept) {
    if (std::optional<FileRequest> r = resolve(d)) {
      files.requests.push_back(std::move(*r));
      close_dialog(files, false);
    }
  }
  ImGui::EndPopup();
}

const char* action_phrase(const FileRequest& r) {
  switch (r.action) {
    case FileAction::Open: return "before opening another file";
    case FileAction::ImportCsv: return "before importing";
    case FileAction::Quit: return "before quitting";
    default: return "first";
  }
}

void draw_unsaved_question(const Session& session, FileUiState& files, float s) {
  if (files.ask_unsaved && !ImGui::IsPopupOpen(kUnsavedId)) ImGui::OpenPopup(kUnsavedId);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(kUnsavedId, nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings))
    return;
  if (!files.ask_unsaved) {  // answered elsewhere (cannot happen today; keeps the modal honest)
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  const FileRequest pending = *files.ask_unsaved;
  const std::string name =
      session.path().empty() ? session.scenario().name : fs::path(session.path()).filename().string();
  ImGui::Text("\"%s\" has changes that are not saved.", name.c_str());
  ImGui::Text("Save them %s?", action_phrase(pending));
  if (pending.action == FileAction::Open) ImGui::TextDisabled("opening %s", pending.path.c_str());
  if (pending.action == FileAction::ImportCsv) ImGui::TextDisabled("importing %s", pending.path.c_str());
  ImGui::TextDisabled("Enter: Save  ·  D: Discard  ·  Esc: Cancel");
  ImGui::Spacing();
  const ImVec2 b(110.0f * s, 0.0f);
  // The keys as well as the buttons: a keyboard user (and the GUI test) answers without aiming.
  const bool enter = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
                     ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false);
  if (ImGui::Button("Save", b) || enter) {
    files.ask_unsaved.reset();
    files.after_save = FileRequest{pending.action, pending.path, true};
    RequestSave(session, files);
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Discard", b) || ImGui::IsKeyPressed('D', false)) {
    files.ask_unsaved.reset();
    files.requests.push_back(FileRequest{pending.action, pending.path, true});
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel", b) || escape_pressed()) {
    files.ask_unsaved.reset();
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

void draw_error_box(FileUiState& files, float s) {
  if (files.error_requested) {
    ImGui::OpenPopup(kErrorId);
    files.error_requested = false;
  }
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(360.0f * s, 0.0f), ImVec2(720.0f * s, FLT_MAX));
  const std::string title = (files.error_title.empty() ? std::string("File error") : files.error_title) + kErrorId;
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings))
    return;
  ImGui::PushTextWrapPos(700.0f * s);
  ImGui::TextUnformatted(files.error.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (ImGui::Button("OK", ImVec2(110.0f * s, 0)) || escape_pressed() ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false))
    ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace

const char* file_action_extension(FileAction action) { return info(action).extension; }
const char* file_action_title(FileAction action) { return info(action).title; }

#ifdef __EMSCRIPTEN__
namespace {

// In the browser the file dialog is the browser's own. Open: a hidden
// <input type=file>; the chosen file is copied into the page's in-memory file
// system and comes back as a request (bpv_file_picked, then DrawFileModals).
// Saving: the file is written in memory under the suggested name and the app
// loop offers it as a download (app/web_platform.hpp).
EM_JS(void, js_pick_file, (int action), {
  let input = document.getElementById('bpv-file-input');
  if (!input) {
    input = document.createElement('input');
    input.type = 'file';
    input.id = 'bpv-file-input';
    input.accept = '.json,application/json';
    input.style.display = 'none';
    document.body.appendChild(input);
  }
  input.value = "";
  input.onchange = () => {
    const file = input.files[0];
    if (!file) return;
    file.arrayBuffer().then((buffer) => {
      try { FS.mkdir('/uploads'); } catch (e) {}
      const path = '/uploads/' + file.name.split('/').join('_');
      FS.writeFile(path, new Uint8Array(buffer));
      ccall('bpv_file_picked', null, [ 'number', 'string' ], [ action, path ]);
    });
  };
  input.click();
});

std::vector<FileRequest>& picked() {
  static std::vector<FileRequest> requests;
  return requests;
}

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void bpv_file_picked(int action, const char* path) {
  picked().push_back(FileRequest{static_cast<FileAction>(action), path, false});
}
#endif

void OpenPathDialog(const Session& session, FileUiState& files, FileAction action) {
#ifdef __EMSCRIPTEN__
  if (action == FileAction::Open || action == FileAction::OpenLesson) {
    js_pick_file(static_cast<int>(action));
    return;
  }
  const fs::path named = session.path();
  const std::string stem = named.empty() ? stem_from_name(session.scenario().name) : named.stem().string();
  std::error_code ec;
  fs::create_directories("/downloads", ec);
  files.requests.push_back(FileRequest{action, "/downloads/" + stem + info(action).suffix, false});
  return;
#endif
  PathDialog& d = files.dialog;
  d.action = action;
  d.open_requested = true;
  d.error.clear();
  d.confirm_replace = false;
  d.listed_directory.clear();  // re-read: the folder may have changed since
  const fs::path current = session.path();
  const fs::path folder = current.empty() ? fs::path() : current.parent_path().empty() ? fs::path(".") : current.parent_path();
  if (is_folder(folder)) change_directory(d, folder);
  else if (!is_folder(d.directory)) change_directory(d, fs::path("."));
  if (action == FileAction::Open || action == FileAction::OpenLesson || action == FileAction::PreviewCsv) {
    d.path.clear();
  } else {
    const std::string stem = current.empty() ? stem_from_name(session.scenario().name) : current.stem().string();
    d.path = stem + info(action).suffix;
  }
}

void RequestSave(const Session& session, FileUiState& files) {
  if (session.path().empty()) OpenPathDialog(session, files, FileAction::SaveAs);
  else files.requests.push_back(FileRequest{FileAction::Save, session.path(), false});
}

void DrawFileModals(const Session& session, UiState& ui) {
#ifdef __EMSCRIPTEN__
  for (FileRequest& r : picked()) ui.files.requests.push_back(std::move(r));
  picked().clear();
#endif
  FileUiState& files = ui.files;
  if (files.dialog.open_requested) {
    files.dialog.open_requested = false;
    ImGui::OpenPopup((std::string(info(files.dialog.action).title) + kDialogId).c_str());
  }
  draw_path_dialog(files, ui.content_scale);
  draw_unsaved_question(session, files, ui.content_scale);
  DrawImportPreview(ui);
  draw_error_box(files, ui.content_scale);
}

}  // namespace bpv
