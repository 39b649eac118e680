// Placeholder: being written (issue 5).
#include "panels.hpp"

namespace bpv {

void DrawLessonPanel(const Session&, UiState&, CommandQueue&, PanelRect r) {
  if (BeginPanel("##lesson_panel", r, ImGuiWindowFlags_NoTitleBar)) ImGui::TextDisabled("Not yet written.");
  ImGui::End();
}

}  // namespace bpv
