// The help overlay (F1 or ?): every key and mouse gesture, and how to read
// the screen. A modal-looking window over everything; any of F1, ?, Escape
// or the Close button hides it.
#include <algorithm>

#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

struct Row {
  const char* keys;
  const char* does;
};

constexpr Row kKeys[] = {
    {"Space or →", "run the next op (at the end of a step: start the next training step)"},
    {"← or Backspace", "step back (every value restored exactly)"},
    {"Shift+→", "run to the end of the current phase"},
    {"Home / End", "back to the start of the step / run the whole step"},
    {"P", "play / pause (the speed slider is in the toolbar)"},
    {"F", "fit the network to the canvas"},
    {"G", "the neurons, or the step as its computational graph (View menu)"},
    {"Q", "predict on/off: Space asks for the next op's value before it runs"},
    {"F5 / Esc", "presenter mode on / off"},
    {"PageDown / PageUp", "next / previous lesson beat"},
    {"F9", "show / hide again what the open lesson hides from the class"},
    {"Ctrl+= / Ctrl+− / Ctrl+0", "larger / smaller / default text, canvas included"},
    {"Ctrl+Z / Ctrl+Shift+Z", "undo / redo an edit"},
    {"Ctrl+O / Ctrl+S / Ctrl+Shift+S", "open / save / save as"},
    {"F1 or ?", "this help"},
};

constexpr Row kMouse[] = {
    {"hover a neuron or an edge", "all its numbers and its chain-rule product, and the equation panel shows them"},
    {"click a neuron or an edge", "select it; the Edit tab then edits its bias or weight"},
    {"double-click a matrix cell", "type a new weight or bias (W tab of the matrix inspector)"},
    {"drag the canvas", "pan (left or middle button)"},
    {"drag on an input image", "paint it (right button: erase); one undoable edit per stroke"},
    {"mouse wheel over the canvas", "zoom around the mouse"},
    {"click a timeline cell", "jump to right after that op"},
    {"drop a scenario file on the window", "open it"},
};

constexpr const char* kReading[] = {
    "Neurons and edges are coloured by their value: blue negative, orange positive, grey near zero. "
    "One scale per kind of quantity holds for the whole training step; the legend in the canvas' corner gives it.",
    "Rings: blue marks what the current op reads, amber what it writes.",
    "Forward: neurons show z or a. Backward: the gradient just computed (∂L/∂a, then δ), with the forward "
    "value kept below it. Update: each edge shows its old → new weight.",
    "The equation panel shows the op's equation, then the same equation with the numbers of one element "
    "(the hovered one) and its result.",
    "The timeline at the bottom has one cell per op, coloured by phase: forward, loss, backward, update.",
};

void rows(const char* id, const Row* begin, const Row* end, float key_w) {
  if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn("keys", ImGuiTableColumnFlags_WidthFixed, key_w);
  ImGui::TableSetupColumn("does", ImGuiTableColumnFlags_WidthStretch);
  for (const Row* r = begin; r != end; ++r) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(r->keys);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextWrapped("%s", r->does);
  }
  ImGui::EndTable();
}

}  // namespace

void DrawHelpOverlay(UiState& ui) {
  if (!ui.help_open) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 size(std::min(vp->WorkSize.x - 40.0f, 980.0f * ui.content_scale), vp->WorkSize.y - 40.0f);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + 0.5f * (vp->WorkSize.x - size.x), vp->WorkPos.y + 20.0f));
  ImGui::SetNextWindowSize(size);
  ImGui::SetNextWindowFocus();
  constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::GetStyle().Colors[ImGuiCol_PopupBg]);
  if (ImGui::Begin("Help  (F1, ? or Esc closes)", &ui.help_open, flags)) {
    const float key_w = ImGui::CalcTextSize("Ctrl+O / Ctrl+S / Ctrl+Shift+S").x + 12.0f;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().lesson));
    ImGui::TextUnformatted("Keys");
    ImGui::PopStyleColor();
    rows("##keys", std::begin(kKeys), std::end(kKeys), key_w);
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().lesson));
    ImGui::TextUnformatted("Mouse");
    ImGui::PopStyleColor();
    rows("##mouse", std::begin(kMouse), std::end(kMouse), key_w);
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().lesson));
    ImGui::TextUnformatted("How to read the screen");
    ImGui::PopStyleColor();
    for (const char* line : kReading) {
      ImGui::Bullet();
      ImGui::TextWrapped("%s", line);
    }
    ImGui::Spacing();
    if (ImGui::Button("Close")) ui.help_open = false;
  }
  ImGui::End();
  ImGui::PopStyleColor();
}

}  // namespace bpv
