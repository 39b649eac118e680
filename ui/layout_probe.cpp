// The window half of `screenshot --check-layout`: every window drawn this
// frame whose content is wider than what it shows (text cut at its right
// edge, with no scrollbar to reach it), or taller where it cannot scroll.
// ImGui keeps each window's content extent from its items, so this sees every
// text item a window drew, whoever drew it.
#include <imgui_internal.h>

#include <cmath>
#include <string_view>

#include "panels.hpp"

namespace bpv {

std::vector<std::string> WindowsThatCutText() {
  std::vector<std::string> out;
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  for (const ImGuiWindow* w : g.Windows) {
    if (!w->Active || w->Hidden || (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup))) continue;
    // A multi-line text field scrolls to its cursor: what is typed is never out of reach.
    if (std::string_view(w->Name).find("##recorded_text") != std::string_view::npos) continue;
    // What is drawn, not where the layout stops: ImGui clips half-way into the padding.
    const float shown_w = w->InnerClipRect.Max.x - (w->InnerRect.Min.x + w->WindowPadding.x);
    const float shown_h = w->InnerClipRect.Max.y - (w->InnerRect.Min.y + w->WindowPadding.y);
    const float wider = w->ContentSize.x - shown_w;
    if (!w->ScrollbarX && wider > 1.5f && shown_w > 0.0f)
      out.push_back("window '" + std::string(w->Name) + "' cuts its content " + std::to_string(std::lround(wider)) +
                    " px on the right");
    const float taller = w->ContentSize.y - shown_h;
    if ((w->Flags & ImGuiWindowFlags_NoScrollbar) && taller > 1.5f && shown_h > 0.0f)
      out.push_back("window '" + std::string(w->Name) + "' cuts its content " + std::to_string(std::lround(taller)) +
                    " px at the bottom");
  }
  return out;
}

}  // namespace bpv
