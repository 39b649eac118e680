// The current op: its title, its equation, the same equation with the numbers
// of one element (the hovered one when the mouse is on the canvas), and a
// sentence that says what it means.
#include "describe.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// The element of op's output that the hovered canvas item stands for, if any.
bool element_for_hover(const Op& op, const CanvasItem& hover, int example, Element& e) {
  e.example = example < 0 ? 0 : example;
  const BufferRef w = op.writes;
  switch (w.buffer) {
    case Buffer::PreActivation:
    case Buffer::Activation:
    case Buffer::GradActivation:
    case Buffer::Delta:
    case Buffer::Bias:
    case Buffer::GradBias:
      if (hover.kind != CanvasItem::Kind::Neuron || hover.layer != w.layer) return false;
      e.col = hover.j;
      return true;
    case Buffer::Weights:
    case Buffer::GradWeights:
      if (hover.kind != CanvasItem::Kind::Edge || hover.layer != w.layer) return false;
      e.row = hover.i;
      e.col = hover.j;
      return true;
    default:
      return false;
  }
}

// Wraps only at spaces. ImGui's TextWrapped also breaks after '.', which
// would split "-1.0925" into "-1." and "0925".
void wrapped_at_spaces(const std::string& text) {
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  const float space = ImGui::CalcTextSize(" ").x;
  std::size_t begin = 0;
  bool first = true;
  while (begin < text.size()) {
    std::size_t end = text.find(' ', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) {
      const char* a = text.data() + begin;
      const char* b = text.data() + end;
      const float w = ImGui::CalcTextSize(a, b).x;
      if (!first) {
        ImGui::SameLine(0.0f, space);
        if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
      }
      ImGui::TextUnformatted(a, b);
      first = false;
    }
    begin = end + 1;
  }
}

void labelled(const char* label, const std::string& text, ImFont* font) {
  ImGui::TextDisabled("%s", label);
  ImGui::PushFont(font);
  wrapped_at_spaces(text);
  ImGui::PopFont();
}

}  // namespace

void DrawEquationPanel(const Session& session, UiState& ui, PanelRect r) {
  if (!BeginPanel("Equation of the current op", r)) {
    ImGui::End();
    return;
  }
  const Stepper& st = session.stepper();
  const Fonts& f = fonts();
  if (st.op_count() == 0) {
    ImGui::End();
    return;
  }
  const bool started = st.cursor() > 0;
  const std::size_t k = started ? st.cursor() - 1 : 0;
  const Op& op = st.ops()[k];
  Element e;
  e.example = ui.example < 0 ? 0 : ui.example;
  const bool hovered = element_for_hover(op, ui.hover, ui.example, e);
  const OpText text = describe(op, st.state(), started ? &st.value_before(k) : nullptr, e);

  if (!started) {
    ImGui::TextWrapped("Nothing is computed yet. Press Space (or Step ▶) to run the first op:");
    ImGui::Spacing();
  }
  ImGui::PushFont(f.large);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().phase[static_cast<int>(op.phase)]), "%s%s",
                     started ? "" : "Next: ", text.title.c_str());
  ImGui::PopFont();
  ImGui::Separator();
  labelled("Equation", text.equation, f.large);
  ImGui::Spacing();
  labelled(hovered ? "With numbers (the element under the mouse)" : "With numbers (first element; hover the graph for others)",
           text.numbers, f.large);
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", text.explanation.c_str());
  ImGui::PopStyleColor();

  if (auto bad = st.first_non_finite()) {
    ImGui::Spacing();
    ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.35f, 1.0f), "Op %zu (%s) produced a non-finite value (NaN or ∞).",
                       bad->op_index + 1, bad->op_title.c_str());
  }
  if (started && !st.at_end()) {
    ImGui::Spacing();
    ImGui::TextDisabled("Next: %s", describe_title(st.ops()[st.cursor()], session.scenario()).c_str());
  }
  ImGui::End();
}

}  // namespace bpv
