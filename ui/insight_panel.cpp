// Placeholder: being written (issue 5).
#include "panels.hpp"

namespace bpv {

void DrawInsightPanel(const Session&, UiState&, CommandQueue&, PanelRect r) {
  if (BeginPanel("##insight_panel", r, ImGuiWindowFlags_NoTitleBar)) ImGui::TextDisabled("Not yet written.");
  ImGui::End();
}

}  // namespace bpv
