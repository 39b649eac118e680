// Every op of the training step as a strip of cells, grouped by phase; the
// last applied op is outlined, a click jumps there.
#include <algorithm>
#include <string>

#include "engine/describe.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

ImU32 with_alpha(ImU32 c, int alpha) { return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT); }

}  // namespace

void DrawTimeline(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  const Stepper& st = session.stepper();
  const std::vector<Op>& ops = st.ops();
  ui.timeline_rects.assign(ops.size(), ImVec4(0, 0, 0, 0));
  // The title names the mini-batch with a data set; "###" keeps one window
  // whatever the title says.
  const std::string epoch = EpochText(session.scenario());
  const std::string title = "Timeline of one training step" + (epoch.empty() ? "" : "  ·  " + epoch) +
                            "  (click an op to jump there)###timeline";
  if (!BeginPanel(title.c_str(), r, ImGuiWindowFlags_NoScrollbar)) {
    ImGui::End();
    return;
  }
  const Palette& pal = palette();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float label_h = ImGui::GetTextLineHeight() + 2.0f;
  const float gap = 2.0f;
  const float start_w = 44.0f * ui.content_scale;  // the "start" cell: nothing computed
  const float cell_w = std::max(4.0f, (avail.x - start_w - gap * ops.size()) / std::max<std::size_t>(1, ops.size()));
  const float top = origin.y + label_h, bottom = origin.y + std::max(label_h + 12.0f, avail.y);

  // "start" cell.
  ImGui::SetCursorScreenPos(ImVec2(origin.x, top));
  if (ImGui::InvisibleButton("##start", ImVec2(start_w - gap, bottom - top)) && !session.training())
    commands.push_back(command::JumpTo{0});
  const bool at_start = st.cursor() == 0;
  dl->AddRectFilled(ImVec2(origin.x, top), ImVec2(origin.x + start_w - gap, bottom), pal.grid, 3.0f);
  dl->AddText(ImVec2(origin.x + 6, top + 4), pal.text, "start");
  if (at_start) dl->AddRect(ImVec2(origin.x, top), ImVec2(origin.x + start_w - gap, bottom), pal.writes, 3.0f, 0, 3.0f);

  // Every op numbered where the cells are wide enough, else every 2nd, 5th, …
  const float widest = ImGui::CalcTextSize(std::to_string(ops.size()).c_str()).x + 6.0f;
  int stride = 1;
  for (int s : {1, 2, 5, 10, 20, 50, 100, 1000000}) {
    stride = s;
    if (widest <= static_cast<float>(s) * (cell_w + gap) - gap) break;
  }
  float x = origin.x + start_w;
  float label_end = origin.x;  // right edge of the last phase label: labels never overlap
  for (std::size_t k = 0; k < ops.size(); ++k) {
    const Op& op = ops[k];
    const ImVec2 a(x, top), b(x + cell_w, bottom);
    ui.timeline_rects[k] = ImVec4(a.x, a.y, cell_w, bottom - top);
    // Phase label above the first op of each phase.
    if (k == 0 || ops[k - 1].phase != op.phase) {
      const char* name = phase_name(op.phase).data();
      const float lx = std::max(x, label_end + 8.0f);
      dl->AddText(ImVec2(lx, origin.y), pal.phase_text[static_cast<int>(op.phase)], name);
      label_end = lx + ImGui::CalcTextSize(name).x;
    }
    const bool applied = k < st.cursor();
    const ImU32 fill = with_alpha(pal.phase[static_cast<int>(op.phase)], applied ? 255 : 70);
    dl->AddRectFilled(a, b, fill, 2.0f);
    if (k + 1 == st.cursor()) dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), pal.writes, 2.0f, 0, 3.0f);
    const std::string num = std::to_string(k + 1);
    if ((k + 1) % static_cast<std::size_t>(stride) == 0) {  // never numbers that run into each other
      // Wider than its cell, a number ends at the cell's right edge, over
      // the cells before it (drawn already), not under the ones after.
      const float w = ImGui::CalcTextSize(num.c_str()).x;
      const float tx = w + 6.0f > cell_w ? b.x - w - 3.0f : a.x + 3.0f;
      dl->AddText(ImVec2(tx, a.y + 3), applied ? pal.on_phase : pal.text, num.c_str());
    }
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(static_cast<int>(k));
    if (ImGui::InvisibleButton("##op", ImVec2(cell_w, bottom - top)) && !session.training())
      commands.push_back(command::JumpTo{k + 1});
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%zu. %s\nclick: show the network right after this op", k + 1,
                        describe_title(op, session.scenario()).c_str());
    ImGui::PopID();
    x += cell_w + gap;
  }
  ImGui::End();
}

}  // namespace bpv
