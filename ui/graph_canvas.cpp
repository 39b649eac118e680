// Placeholder until the panel lands.
#include "panels.hpp"

namespace bpv {

void DrawGraphCanvas(const Session&, UiState&, CommandQueue&, PanelRect r) {
  if (BeginPanel("Network", r)) ImGui::TextUnformatted("(coming)");
  ImGui::End();
}

}  // namespace bpv
