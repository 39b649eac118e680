// Placeholder until the panel lands.
#include "panels.hpp"

namespace bpv {

void DrawMatrixInspector(const Session&, UiState&, PanelRect r) {
  if (BeginPanel("Matrices", r)) ImGui::TextUnformatted("(coming)");
  ImGui::End();
}

}  // namespace bpv
