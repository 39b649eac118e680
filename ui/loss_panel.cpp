// Placeholder until the panel lands.
#include "panels.hpp"

namespace bpv {

void DrawLossPanel(const Session&, UiState&, PanelRect r) {
  if (BeginPanel("Loss", r)) ImGui::TextUnformatted("(coming)");
  ImGui::End();
}

}  // namespace bpv
