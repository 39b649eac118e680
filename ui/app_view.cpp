// The window's layout and its keyboard shortcuts; every panel is drawn from
// here. ImGui 1.86 (Debian) has no docking, so the layout is computed from the
// window size each frame: toolbar on top, timeline at the bottom, the graph
// on the left and the equation, matrix and loss panels on the right.
#include <algorithm>

#include "panels/file_dialog.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

bool pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), true); }
// The GLFW backend of 1.86 indexes KeysDown by GLFW key code, which is ASCII for letters.
bool pressed_letter(char upper) { return ImGui::IsKeyPressed(upper, false); }

void handle_shortcuts(const Session& session, UiState& ui, CommandQueue& commands) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // typing a number must not step the network
  // Help: F1, or '?' (Shift+/ on most layouts; the typed character on any).
  constexpr int kGlfwKeyF1 = 290;  // GLFW_KEY_F1: 1.86's ImGuiKey has no function keys
  bool question = false;
  for (ImWchar c : io.InputQueueCharacters) question = question || c == '?';
  if (ImGui::IsKeyPressed(kGlfwKeyF1, false) || question) {
    ui.help_open = !ui.help_open;
    return;
  }
  if (ui.help_open) {
    if (pressed(ImGuiKey_Escape)) ui.help_open = false;
    return;  // the overlay has the keys
  }
  if (ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopup)) return;  // a menu or a dialog has the keys
  if (pressed(ImGuiKey_RightArrow) && io.KeyShift) commands.push_back(command::RunToPhaseEnd{});
  else if (pressed(ImGuiKey_Space) || pressed(ImGuiKey_RightArrow)) StepForwardOrAsk(session, ui, commands);
  if (pressed(ImGuiKey_LeftArrow) || pressed(ImGuiKey_Backspace)) commands.push_back(command::StepBack{});
  if (pressed(ImGuiKey_Home)) commands.push_back(command::Reset{});
  if (pressed(ImGuiKey_End)) commands.push_back(command::RunToEnd{});
  if (pressed_letter('P')) ui.playing = !ui.playing && !session.training();
  if (pressed_letter('F')) ui.fit_requested = true;
  if (pressed_letter('G')) {  // the neurons or the step's computational graph
    ui.op_graph = !ui.op_graph;
    ui.op_graph_follow = true;
  }
  // Presenter mode, and the lesson's beats (PageDown/PageUp: what a presentation clicker sends).
  constexpr int kGlfwKeyF5 = 294;  // GLFW_KEY_F5: 1.86's ImGuiKey has no function keys
  if (ImGui::IsKeyPressed(kGlfwKeyF5, false) || (ui.presenter && pressed(ImGuiKey_Escape))) {
    ui.presenter = !ui.presenter;
    ui.fit_requested = true;
  }
  if (ui.lesson.lesson && pressed(ImGuiKey_PageDown) && ui.lesson.beat + 1 < ui.lesson.lesson->beats.size()) {
    ++ui.lesson.beat;
    ui.lesson.enter_requested = true;
  }
  if (ui.lesson.lesson && pressed(ImGuiKey_PageUp) && ui.lesson.beat > 0) {
    --ui.lesson.beat;
    ui.lesson.enter_requested = true;
  }
  if (pressed_letter('Q') && !lesson_hides(ui.lesson, "predict")) ui.predict.on = !ui.predict.on;  // predict-then-reveal
  // F9: what the lesson hides from the class, shown again (and hidden again).
  constexpr int kGlfwKeyF9 = 298;
  if (ui.lesson.lesson && !ui.lesson.lesson->hide.empty() && ImGui::IsKeyPressed(kGlfwKeyF9, false))
    ui.lesson.unlocked = !ui.lesson.unlocked;
}

// Play: one op every 1/ops_per_second seconds, stopping at the end of the step.
void advance_play(const Session& session, UiState& ui, CommandQueue& commands) {
  if (!ui.playing) return;
  if (session.stepper().at_end() || session.training()) {
    ui.playing = false;
    return;
  }
  ui.play_clock += ImGui::GetIO().DeltaTime;
  if (ui.play_clock >= 1.0 / std::max(0.1f, ui.ops_per_second)) {
    ui.play_clock = 0.0;
    commands.push_back(command::StepForward{});
  }
}

const char* tab_part(RightTab t) {
  switch (t) {
    case RightTab::Matrices: return "matrices";
    case RightTab::Edit: return "edit";
    case RightTab::GradCheck: return "gradcheck";
    case RightTab::Insight: return "insight";
    case RightTab::Data: return "data";
    case RightTab::Lesson: return "";
  }
  return "";
}
bool tab_hidden(const UiState& ui, RightTab t) { return lesson_hides(ui.lesson, tab_part(t)); }

// The strip above the middle slot of the right column. A tab can also be
// chosen from code (a lesson beat): right_tab_requested selects it once.
void draw_right_tabs(UiState& ui, PanelRect r) {
  struct Tab {
    RightTab tab;
    const char* label;
    const char* test_name;  // its rectangle, for the GUI tests
  };
  // Short names, so that all six fit the narrowest column.
  static constexpr Tab kTabs[] = {{RightTab::Matrices, "Matrices", "tab_matrices"},
                                  {RightTab::Edit, "Edit", "tab_edit"},
                                  {RightTab::Lesson, "Lesson", "tab_lesson"},
                                  {RightTab::GradCheck, "Grad check", "tab_gradcheck"},
                                  {RightTab::Insight, "Insight", "tab_insight"},
                                  {RightTab::Data, "Data", "tab_data"}};
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6.0f, 3.0f));
  if (BeginPanel("##right_tabs", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar) &&
      ImGui::BeginTabBar("##right_tabs_bar", ImGuiTabBarFlags_FittingPolicyScroll)) {
    for (const Tab& t : kTabs) {
      if (tab_hidden(ui, t.tab)) continue;
      const bool force = ui.right_tab_requested && ui.right_tab == t.tab;
      const bool open = ImGui::BeginTabItem(t.label, nullptr, force ? ImGuiTabItemFlags_SetSelected : 0);
      const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
      ui.edit_rects.emplace_back(t.test_name, ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
      if (open) {
        if (!ui.right_tab_requested) ui.right_tab = t.tab;
        ImGui::EndTabItem();
      }
    }
    ui.right_tab_requested = false;
    ImGui::EndTabBar();
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

// The middle slot's panel, by tab.
void draw_right_slot(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  if (tab_hidden(ui, ui.right_tab)) {  // the lesson hides it: the lesson is what the class sees
    ui.right_tab = RightTab::Lesson;
    ui.right_tab_requested = true;
  }
  switch (ui.right_tab) {
    case RightTab::Matrices: DrawMatrixInspector(session, ui, commands, r); break;
    case RightTab::Edit: DrawNetworkEditor(session, ui, commands, r); break;
    case RightTab::Lesson: DrawLessonPanel(session, ui, commands, r); break;
    case RightTab::GradCheck: DrawGradCheckPanel(session, ui, commands, r); break;
    case RightTab::Insight: DrawInsightPanel(session, ui, commands, r); break;
    case RightTab::Data: DrawDataPanel(session, ui, commands, r); break;
  }
}

// Whether the equations take the smaller font. The height they need in the
// larger one is only estimated while they are drawn in the smaller (its lines
// wrap elsewhere), so the same text never goes back, and another text only
// with a clear margin: else the panel would flip between the two every frame.
bool equation_needs_compact(UiState& ui, float need, float room) {
  if (ui.equation_compact)
    return ui.equation_text_key == ui.equation_compact_key || need > 0.9f * room;
  if (need <= room) return false;
  ui.equation_compact_key = ui.equation_text_key;
  return true;
}

// Presenter mode, for the back row: the graph in large type; under it the
// op's title, equation and numbers; on the right the beat with its controls
// and, under it, the panel the beat names (the decision region, the loss
// plot, …); a compact timeline at the bottom.
void draw_presenter(const Session& session, UiState& ui, CommandQueue& commands, ImVec2 origin, ImVec2 view) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float s = ui.content_scale;
  const float text_w = std::round(std::clamp(view.x * 0.34f, 340.0f * s, 720.0f * s));
  const bool timeline = !lesson_hides(ui.lesson, "timeline");
  const float timeline_h = timeline ? std::round(ImGui::GetTextLineHeightWithSpacing() * 2.0f + 30.0f * s) : 0.0f;
  const float left_w = view.x - text_w, body_h = view.y - timeline_h;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float eq_need = ui.equation_essential_h + 2.0f * style.WindowPadding.y + 0.5f * line;
  const float eq_max = std::round(body_h * 0.45f);
  ui.equation_compact = equation_needs_compact(ui, eq_need, eq_max);
  const float eq_h = std::round(std::clamp(eq_need, body_h * 0.22f, eq_max));
  const float graph_h = body_h - eq_h;
  const Beat* beat = ui.lesson.lesson ? &ui.lesson.lesson->beats[ui.lesson.beat] : nullptr;
  const std::string panel = beat ? beat->panel : "";
  const float beat_h = panel.empty() ? body_h : std::round(body_h * 0.45f);
  const float x0 = origin.x, y0 = origin.y;
  // The canvas fits to content_scale: a larger one draws it larger, text included.
  ui.content_scale = s * 1.25f;
  DrawGraphCanvas(session, ui, commands, {origin, {left_w, graph_h}});
  ui.content_scale = s;
  const PanelRect side{{x0 + left_w, y0 + beat_h}, {text_w, body_h - beat_h}};
  if (panel == "loss") DrawLossPanel(session, ui, side);
  else if (panel == "matrices") DrawMatrixInspector(session, ui, commands, side);
  else if (panel == "gradcheck") DrawGradCheckPanel(session, ui, commands, side);
  else if (panel == "data") DrawDataPanel(session, ui, commands, side);
  else if (panel == "insight") DrawInsightPanel(session, ui, commands, side);
  DrawEquationPanel(session, ui, commands, {{x0, y0 + graph_h}, {left_w, eq_h}});
  DrawLessonBar(session, ui, commands, {{x0 + left_w, y0}, {text_w, beat_h}});
  if (timeline) DrawTimeline(session, ui, commands, {{x0, y0 + body_h}, {view.x, timeline_h}});
}

}  // namespace

bool BeginPanel(const char* title, PanelRect r, ImGuiWindowFlags extra) {
  ImGui::SetNextWindowPos(r.pos);
  ImGui::SetNextWindowSize(r.size);
  constexpr ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus;
  return ImGui::Begin(title, nullptr, fixed | extra | ImGuiWindowFlags_NoBackground);
}

void DrawApp(const Session& session, UiState& ui, CommandQueue& commands) {
  // A new edit (or undo/redo) flashes what it changed for 1.5 s (ui_state.hpp).
  if (session.last_change().revision != ui.change_flash_revision) {
    ui.change_flash_revision = session.last_change().revision;
    ui.change_flash_until = ImGui::GetTime() + 1.5;
  }
  ui.edit_rects.clear();
  DrawMenuBar(session, ui, commands);  // first: it takes the top of the work area
  handle_shortcuts(session, ui, commands);
  advance_play(session, ui, commands);
  TakeRecorderClicks(session, ui);  // last frame's clicks, before the beat is (re)entered
  AdvanceLesson(session, ui, commands);

  const ImVec2 view = ImGui::GetMainViewport()->WorkSize;
  const ImVec2 origin = ImGui::GetMainViewport()->WorkPos;
  const float s = ui.content_scale;
  const ImGuiStyle& style = ImGui::GetStyle();
  if (ui.presenter) {
    draw_presenter(session, ui, commands, origin, view);
    DrawHelpOverlay(ui);
    DrawFileModals(session, ui);
    return;
  }
  const float toolbar_h = 2.0f * ImGui::GetFrameHeightWithSpacing() + 2.0f * style.WindowPadding.y;
  const bool timeline = !lesson_hides(ui.lesson, "timeline");
  const float timeline_h = timeline ? std::round(112.0f * s) : 0.0f;
  // A projector's 1024 px still gives the equations 420 px.
  const float right_w = std::min(view.x * 0.5f, std::clamp(view.x * 0.36f, 420.0f * s, 640.0f * s));
  const float middle_h = std::max(100.0f, view.y - toolbar_h - timeline_h);
  const float left_w = std::max(200.0f, view.x - right_w);

  const float x0 = origin.x, y0 = origin.y, ym = y0 + toolbar_h;
  DrawStepControls(session, ui, commands, {{x0, y0}, {view.x, toolbar_h}});
  // An open lesson keeps its beat beside the graph while another tab fills the right column.
  const float bar_h = (ui.lesson.lesson || ui.lesson.recorder.on) && ui.right_tab != RightTab::Lesson
                          ? std::round(3.0f * ImGui::GetTextLineHeightWithSpacing() + 2.0f * style.WindowPadding.y)
                          : 0.0f;
  if (bar_h > 0.0f) DrawLessonBar(session, ui, commands, {{x0, ym}, {left_w, bar_h}});
  DrawGraphCanvas(session, ui, commands, {{x0, ym + bar_h}, {left_w, middle_h - bar_h}});
  // The equation panel takes what its title, equation and numbers need (as
  // measured last frame) plus two lines of explanation, between 40 % and
  // 70 % of the column; the panels below share the rest.
  // With a lesson open in the column, the beat needs the room more than the
  // explanation line and the loss plot do.
  const bool lesson_tab = ui.right_tab == RightTab::Lesson && ui.lesson.lesson;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float eq_need = ui.equation_essential_h + 2.0f * style.WindowPadding.y + (lesson_tab ? 0.5f : 2.5f) * line;
  const float eq_max = std::round(middle_h * 0.70f);
  ui.equation_compact = equation_needs_compact(ui, eq_need, eq_max);
  const float eq_h = std::round(std::clamp(eq_need, middle_h * (lesson_tab ? 0.25f : 0.40f), eq_max));
  const float below = middle_h - eq_h;
  const float mat_h = std::round(below * 0.6f);
  DrawEquationPanel(session, ui, commands, {{x0 + left_w, ym}, {right_w, eq_h}});
  // The middle slot shows the matrices or the Edit panel, picked by a tab strip;
  // editing takes part of the loss panel's height.
  const float tabs_h = std::round(ImGui::GetFrameHeight() + 6.0f * s);
  const bool tall_slot = ui.right_tab != RightTab::Matrices;
  // A lesson beat with the blog's errata table takes the loss panel's height too.
  const bool errata = ui.right_tab == RightTab::Lesson && ui.lesson.lesson &&
                      ui.lesson.lesson->beats[ui.lesson.beat].errata;
  // The loss plot keeps at least four lines of height (its value, the plot, its range).
  // The recorder needs the column more than the loss plot does.
  const bool recording = ui.lesson.recorder.on && ui.right_tab == RightTab::Lesson;
  const bool loss = !lesson_hides(ui.lesson, "loss") && !recording;
  const float loss_min = loss ? (lesson_tab ? 2.0f : 4.0f) * line + 2.0f * style.WindowPadding.y : 0.0f;
  const float slot_h = !loss ? below : errata ? std::max(tabs_h + 100.0f, below - 3.0f * ImGui::GetFrameHeightWithSpacing())
                              : std::max(tabs_h + 60.0f, std::min(tabs_h + (ui.right_tab == RightTab::Lesson ? below
                                                                            : tall_slot ? std::round(below * 0.7f)
                                                                                        : mat_h),
                                                                  below - loss_min));
  const float ys = ym + eq_h + tabs_h;
  draw_right_tabs(ui, {{x0 + left_w, ym + eq_h}, {right_w, tabs_h}});
  draw_right_slot(session, ui, commands, {{x0 + left_w, ys}, {right_w, slot_h - tabs_h}});
  if (loss) DrawLossPanel(session, ui, {{x0 + left_w, ym + eq_h + slot_h}, {right_w, middle_h - eq_h - slot_h}});
  if (timeline) DrawTimeline(session, ui, commands, {{x0, ym + middle_h}, {view.x, timeline_h}});
  DrawHelpOverlay(ui);
  DrawComparePanel(session, ui);  // a window over the layout, while open
  DrawConfusionWindow(session, ui, commands);
  DrawFileModals(session, ui);  // last: the path dialog, unsaved changes, file errors
}

}  // namespace bpv
