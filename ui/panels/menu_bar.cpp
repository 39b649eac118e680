// The main menu bar: File (open, recent, save, export, quit) and Edit (undo,
// redo), with their keyboard shortcuts. Drawn first each frame, so the panels
// lay out in the work area below it. File actions only fill ui.files (the app
// loop does the I/O, see file_ui.hpp); Undo and Redo queue commands.
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "panels/file_dialog.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// Ctrl+letter, with Shift exactly as asked. The GLFW backend of 1.86 indexes
// KeysDown by GLFW key code, which is the ASCII code of the upper-case letter.
bool ctrl_letter(char upper, bool shift) {
  const ImGuiIO& io = ImGui::GetIO();
  return io.KeyCtrl && io.KeyShift == shift && !io.KeyAlt && ImGui::IsKeyPressed(upper, false);
}

// Ctrl with one of the keys (GLFW key codes), either Shift state: "Ctrl+="
// is Ctrl+Shift+= on some layouts, and the keypad's + and − count too.
bool ctrl_key(std::initializer_list<int> keys) {
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyCtrl || io.KeyAlt) return false;
  for (int k : keys)
    if (ImGui::IsKeyPressed(k, true)) return true;
  return false;
}
// GLFW_KEY_EQUAL, _MINUS, _0, _KP_ADD, _KP_SUBTRACT, _KP_0.
constexpr int kKeyEqual = 61, kKeyMinus = 45, kKey0 = 48, kKeypadAdd = 334, kKeypadSubtract = 333, kKeypad0 = 320;

void quit(UiState& ui) { ui.files.requests.push_back(FileRequest{FileAction::Quit, "", false}); }

void handle_shortcuts(const Session& session, UiState& ui, CommandQueue& commands) {
  // Not while typing (Ctrl+Z belongs to the text field then) or while a
  // dialog or a menu is open.
  if (ImGui::GetIO().WantTextInput || ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopup)) return;
  if (!lesson_hides(ui.lesson, "file")) {
    if (ctrl_letter('O', false)) OpenPathDialog(session, ui.files, FileAction::Open);
    if (ctrl_letter('S', false)) RequestSave(session, ui.files);
    if (ctrl_letter('S', true)) OpenPathDialog(session, ui.files, FileAction::SaveAs);
  }
  if (ctrl_letter('Q', false)) quit(ui);
  if (ctrl_letter('Z', false)) commands.push_back(command::Undo{});
  if (ctrl_letter('Z', true) || ctrl_letter('Y', false)) commands.push_back(command::Redo{});
  // Text size: the frame loop rebuilds the fonts before the next frame.
  if (ctrl_key({kKeyEqual, kKeypadAdd})) ui.text_scale = next_text_scale(ui.text_scale, +1);
  if (ctrl_key({kKeyMinus, kKeypadSubtract})) ui.text_scale = next_text_scale(ui.text_scale, -1);
  if (ctrl_key({kKey0, kKeypad0})) ui.text_scale = next_text_scale(ui.text_scale, 0);
}

void draw_text_size_menu(UiState& ui) {
  if (!ImGui::BeginMenu("Text size")) return;
  if (ImGui::MenuItem("Larger", "Ctrl+=", false, ui.text_scale < kMaxTextScale))
    ui.text_scale = next_text_scale(ui.text_scale, +1);
  if (ImGui::MenuItem("Smaller", "Ctrl+−", false, ui.text_scale > kMinTextScale))
    ui.text_scale = next_text_scale(ui.text_scale, -1);
  if (ImGui::MenuItem("Default", "Ctrl+0", false, ui.text_scale != 1.0f)) ui.text_scale = 1.0f;
  ImGui::TextDisabled("now %d %%", static_cast<int>(std::lround(ui.text_scale * 100.0f)));
  ImGui::EndMenu();
}

// The last item's rectangle under `name`, for the GUI tests (tests/gui/lib.sh).
void publish_item(UiState& ui, const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ui.edit_rects.emplace_back(name, ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
}

// The shipped scenarios and the real data sets, one submenu each.
void draw_examples_menu(UiState& ui, bool idle) {
  const bool open = ImGui::BeginMenu("Open example", idle);
  publish_item(ui, "menu_examples");
  if (!open) return;
  std::string chosen;
  for (std::size_t g = 0; g < ui.files.examples.size(); ++g) {
    const ExampleGroup& group = ui.files.examples[g];
    const bool group_open = ImGui::BeginMenu(group.name.c_str());
    publish_item(ui, "menu_examples_" + std::to_string(g));
    if (!group_open) continue;
    if (group.files.empty()) ImGui::TextDisabled("%s", group.missing.c_str());
    for (std::size_t i = 0; i < group.files.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::MenuItem(group.files[i].title.c_str())) chosen = group.files[i].path;
      publish_item(ui, "example_" + std::to_string(g) + "_" + std::to_string(i));
      ImGui::PopID();
    }
    ImGui::EndMenu();
  }
  ImGui::EndMenu();
  if (!chosen.empty()) ui.files.requests.push_back(FileRequest{FileAction::Open, chosen, false});
}

void draw_file_menu(const Session& session, UiState& ui) {
  if (lesson_hides(ui.lesson, "file")) {
    ImGui::TextDisabled("Opening and saving are hidden by the lesson (F9)");
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit(ui);
    return;
  }
  const bool idle = !session.training();
  if (ImGui::MenuItem("Open…", "Ctrl+O", false, idle)) OpenPathDialog(session, ui.files, FileAction::Open);
  draw_examples_menu(ui, idle);
  // An expression graph (CS231n's circuits, micrograd's L = d·f) opens in a
  // window of its own; on the page, in its canvas.
  if (ImGui::MenuItem("New expression graph…", nullptr, false, idle))
    ui.files.requests.push_back(FileRequest{FileAction::NewExpression, "", false});
  publish_item(ui, "menu_new_expression");
#ifndef __EMSCRIPTEN__  // the web page's files are uploads, gone once the page closes
  if (ImGui::MenuItem("Import data (CSV)…", nullptr, false, idle))
    OpenPathDialog(session, ui.files, FileAction::PreviewCsv);
  publish_item(ui, "menu_import");
  if (ImGui::BeginMenu("Open recent", idle && !ui.files.recent.empty())) {
    std::string chosen;
    for (std::size_t i = 0; i < ui.files.recent.size(); ++i) {
      const std::filesystem::path p = ui.files.recent[i];
      ImGui::PushID(static_cast<int>(i));
      // The name, and its folder where a shortcut would go.
      if (ImGui::MenuItem(p.filename().string().c_str(), p.parent_path().string().c_str())) chosen = p.string();
      ImGui::PopID();
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Clear the list")) ui.files.recent.clear();
    ImGui::EndMenu();
    if (!chosen.empty()) ui.files.requests.push_back(FileRequest{FileAction::Open, chosen, false});
  }
#endif
  ImGui::Separator();
  if (ImGui::MenuItem("Save", "Ctrl+S", false, idle)) RequestSave(session, ui.files);
  if (ImGui::MenuItem("Save As…", "Ctrl+Shift+S", false, idle))
    OpenPathDialog(session, ui.files, FileAction::SaveAs);
#ifdef __EMSCRIPTEN__
  // The page's link carries the network, so a class opens exactly this.
  if (ImGui::MenuItem("Copy link", nullptr, false, idle))
    ui.files.requests.push_back(FileRequest{FileAction::CopyLink, "", false});
#endif
  ImGui::Separator();
  if (ImGui::BeginMenu("Export")) {
    if (ImGui::MenuItem("Worked example (.md)…"))
      OpenPathDialog(session, ui.files, FileAction::ExportWorkedExample);
    if (ImGui::MenuItem("Trace (.json)…")) OpenPathDialog(session, ui.files, FileAction::ExportTrace);
    if (ImGui::MenuItem("Loss history (.csv)…", nullptr, false, !session.loss_history().empty()))
      OpenPathDialog(session, ui.files, FileAction::ExportLossCsv);
    if (session.loss_history().empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("No training step completed yet");
    if (ImGui::MenuItem("Window picture (.png)…")) OpenPathDialog(session, ui.files, FileAction::ExportPng);
    ImGui::EndMenu();
  }
  ImGui::Separator();
  if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit(ui);
}

void draw_edit_menu(const Session& session, CommandQueue& commands) {
  const bool idle = !session.training();
  const std::string undo = session.can_undo() ? "Undo " + session.undo_label() : "Undo";
  const std::string redo = session.can_redo() ? "Redo " + session.redo_label() : "Redo";
  if (ImGui::MenuItem(undo.c_str(), "Ctrl+Z", false, idle && session.can_undo()))
    commands.push_back(command::Undo{});
  if (ImGui::MenuItem(redo.c_str(), "Ctrl+Shift+Z", false, idle && session.can_redo()))
    commands.push_back(command::Redo{});
}

}  // namespace

void DrawMenuBar(const Session& session, UiState& ui, CommandQueue& commands) {
  handle_shortcuts(session, ui, commands);
  // On a projector the menus are read from the back of the room too.
  ImGui::PushFont(ui.presenter ? fonts().large : fonts().regular);
  const bool open = ImGui::BeginMainMenuBar();
  ImGui::PopFont();
  if (!open) return;
  ImGui::PushFont(ui.presenter ? fonts().large : fonts().regular);
  const bool file_menu = ImGui::BeginMenu("File");
  publish_item(ui, "menu_file");
  if (file_menu) {
    draw_file_menu(session, ui);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Edit")) {
    draw_edit_menu(session, commands);
    ImGui::EndMenu();
  }
  // Lessons (the right column's Lesson tab) and presenter mode (app_view.cpp).
  const bool view_menu = ImGui::BeginMenu("View");
  {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ui.edit_rects.emplace_back("menu_view", ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
  }
  if (view_menu) {
    if (ImGui::MenuItem("Lessons…")) {
      ui.right_tab = RightTab::Lesson;
      ui.right_tab_requested = true;
      ui.presenter = false;
    }
    if (ImGui::MenuItem("Neurons", "G", !ui.op_graph)) ui.op_graph = false;
    if (ImGui::MenuItem("Computational graph", "G", ui.op_graph)) {
      ui.op_graph = true;
      ui.op_graph_follow = true;
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Compare optimizers…", nullptr, ui.compare.open)) ui.compare.open = !ui.compare.open;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();  // for the GUI tests
    ui.edit_rects.emplace_back("menu_compare", ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
    if (ImGui::MenuItem("Confusion matrix…", nullptr, ui.confusion.open)) ui.confusion.open = !ui.confusion.open;
    {
      const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
      ui.edit_rects.emplace_back("menu_confusion", ImVec4(lo.x, lo.y, hi.x - lo.x, hi.y - lo.y));
    }
    if (ImGui::MenuItem("Presenter mode", "F5", ui.presenter)) {
      ui.presenter = !ui.presenter;
      ui.fit_requested = true;
    }
    draw_text_size_menu(ui);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Keys, mouse and how to read the screen", "F1")) ui.help_open = true;
    ImGui::EndMenu();
  }
  // The file being edited, as in the window title (which a screenshot lacks).
  const std::string name = session.path().empty() ? "(not saved)"
                                                  : std::filesystem::path(session.path()).filename().string();
  const std::string label = name + (session.modified() ? "  •" : "");
  const ImGuiStyle& style = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize(label.c_str()).x + style.ItemSpacing.x + 2.0f * style.WindowPadding.x;
  ImGui::SameLine(ImGui::GetWindowWidth() - w);
  ImGui::TextDisabled("%s", label.c_str());
  ImGui::PopFont();
  ImGui::EndMainMenuBar();
}

}  // namespace bpv
