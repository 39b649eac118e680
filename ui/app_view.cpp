// The window's layout and its keyboard shortcuts; every panel is drawn from
// here. ImGui 1.86 (Debian) has no docking, so the layout is computed from the
// window size each frame: toolbar on top, timeline at the bottom, the graph
// on the left and the equation, matrix and loss panels on the right.
#include <algorithm>

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
  if (pressed(ImGuiKey_RightArrow) && io.KeyShift) commands.push_back(command::RunToPhaseEnd{});
  else if (pressed(ImGuiKey_Space) || pressed(ImGuiKey_RightArrow)) commands.push_back(command::StepForward{});
  if (pressed(ImGuiKey_LeftArrow) || pressed(ImGuiKey_Backspace)) commands.push_back(command::StepBack{});
  if (pressed(ImGuiKey_Home)) commands.push_back(command::Reset{});
  if (pressed(ImGuiKey_End)) commands.push_back(command::RunToEnd{});
  if (pressed_letter('P')) ui.playing = !ui.playing && !session.training();
  if (pressed_letter('F')) ui.fit_requested = true;
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

}  // namespace

bool BeginPanel(const char* title, PanelRect r, ImGuiWindowFlags extra) {
  ImGui::SetNextWindowPos(r.pos);
  ImGui::SetNextWindowSize(r.size);
  constexpr ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus;
  return ImGui::Begin(title, nullptr, fixed | extra);
}

void DrawApp(const Session& session, UiState& ui, CommandQueue& commands) {
  handle_shortcuts(session, ui, commands);
  advance_play(session, ui, commands);

  const ImVec2 view = ImGui::GetMainViewport()->WorkSize;
  const ImVec2 origin = ImGui::GetMainViewport()->WorkPos;
  const float s = ui.content_scale;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float toolbar_h = 2.0f * ImGui::GetFrameHeightWithSpacing() + 2.0f * style.WindowPadding.y;
  const float timeline_h = std::round(112.0f * s);
  const float right_w = std::clamp(view.x * 0.36f, 380.0f * s, 640.0f * s);
  const float middle_h = std::max(100.0f, view.y - toolbar_h - timeline_h);
  const float left_w = std::max(200.0f, view.x - right_w);

  const float x0 = origin.x, y0 = origin.y, ym = y0 + toolbar_h;
  DrawStepControls(session, ui, commands, {{x0, y0}, {view.x, toolbar_h}});
  DrawGraphCanvas(session, ui, commands, {{x0, ym}, {left_w, middle_h}});
  const float eq_h = std::round(middle_h * 0.40f), mat_h = std::round(middle_h * 0.36f);
  DrawEquationPanel(session, ui, {{x0 + left_w, ym}, {right_w, eq_h}});
  DrawMatrixInspector(session, ui, {{x0 + left_w, ym + eq_h}, {right_w, mat_h}});
  DrawLossPanel(session, ui, {{x0 + left_w, ym + eq_h + mat_h}, {right_w, middle_h - eq_h - mat_h}});
  DrawTimeline(session, ui, commands, {{x0, ym + middle_h}, {view.x, timeline_h}});
}

}  // namespace bpv
