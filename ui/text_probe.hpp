// Every piece of text drawn in a frame, whoever drew it (our panels, the
// canvas, ImGui's own widgets), with the rectangle it covers and the part of
// the screen that shows it. For `screenshot --check-layout` and
// `--list-text`: text cut by its window or its widget (a button reading
// "Nex") is found here, item by item.
//
// It sees text by sitting between ImGui and ImDrawList::AddText (the linker's
// --wrap, ui/CMakeLists.txt), so only a native build has it; elsewhere
// DrawnTextSeen() is false and the list stays empty.
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

namespace bpv {

struct DrawnText {
  std::string window;  // the ImGui window whose draw list holds it
  std::string text;
  ImVec4 rect;         // x0, y0, x1, y1 on screen, as laid out
  ImVec4 visible;      // the clip rectangle it was drawn under
};

bool DrawnTextSeen();
// Starts a fresh list (on) or stops recording (off).
void RecordDrawnText(bool on);
const std::vector<DrawnText>& DrawnTexts();

// The items of DrawnTexts() that their clip rectangle cuts, as one line each,
// leaving out the ones the user can scroll to (a window with a scrollbar that
// way) and text fields, which scroll to their cursor.
std::vector<std::string> TextsCut();

}  // namespace bpv
