#include "panels/value_input.hpp"

#include <cstring>

namespace bpv {

bool EditValue(const char* label, double current, double* out, UiState& ui, bool drag, float drag_speed) {
  const ImGuiID id = ImGui::GetID(label);  // the ID the widget below gets
  const bool mine = ui.value_edit_id == id;
  double v = mine ? ui.value_edit_pending : current;
  if (drag) ImGui::DragScalar(label, ImGuiDataType_Double, &v, drag_speed, nullptr, nullptr, "%.6g");
  else ImGui::InputDouble(label, &v, 0.0, 0.0, "%.8g");
  if (ImGui::IsItemActive()) {
    ui.value_edit_id = id;
    ui.value_edit_pending = v;
    return false;
  }
  if (!mine) return false;
  ui.value_edit_id = 0;  // let go: commit once, and only a real change
  if (!ImGui::IsItemDeactivatedAfterEdit()) return false;
  if (std::memcmp(&v, &current, sizeof v) == 0) return false;
  *out = v;
  return true;
}

}  // namespace bpv
