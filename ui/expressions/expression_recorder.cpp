// Record a lesson on an expression: Start takes the graph at the start of its
// step; each Add beat takes the window as it is (the op, the training steps
// since, a node to point at, a question on a node's value or gradient, whose
// answer the engine reads after the op that computes it); Save lesson writes
// a file that File ▸ Open plays back (core/expression/expression_lesson_writer.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "expressions/expression_ui_state.hpp"
#include "text_wrap.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// The names a beat can point at or ask about: the values and the definitions.
std::vector<std::string> named_nodes(const ExpressionGraph& g) {
  std::vector<std::string> out;
  for (const ExprNode& n : g.nodes)
    if (!n.name.empty()) out.push_back(n.name);
  return out;
}

bool combo(const char* label, int& index, const std::vector<std::string>& items) {
  const char* preview = index >= 0 && index < static_cast<int>(items.size()) ? items[index].c_str() : "";
  bool changed = false;
  if (ImGui::BeginCombo(label, preview)) {
    for (int k = 0; k < static_cast<int>(items.size()); ++k)
      if (ImGui::Selectable(items[k].c_str(), k == index)) {
        index = k;
        changed = true;
      }
    ImGui::EndCombo();
  }
  return changed;
}

void start(const ExpressionSession& session, ExpressionUiState::Recorder& r) {
  r.draft = new_expression_lesson_draft(session.stepper().expression(), r.title);
  r.trained_base = session.output_history().size();
  r.on = true;
  r.problem.clear();
}

void add_beat(const ExpressionSession& session, ExpressionUiState::Recorder& r, const std::vector<std::string>& names) {
  const int trained = static_cast<int>(session.output_history().size()) - static_cast<int>(r.trained_base);
  if (trained < 0) {
    r.problem = "undo went back past the recording's start: record a new one from here";
    return;
  }
  const std::string highlight = r.highlight > 0 ? names[r.highlight - 1] : "";
  std::optional<ExprQuestionAsk> ask;
  if (r.ask) ask = ExprQuestionAsk{r.ask_text, names[r.ask_node], r.ask_gradient};
  r.problem = add_expression_beat(r.draft, session.stepper(), trained, r.text, highlight, ask);
  if (r.problem.empty()) {
    r.text.clear();
    r.ask_text.clear();
    r.ask = false;
  }
}

}  // namespace

void DrawExpressionRecorder(const ExpressionSession& session, ExpressionUiState& ui) {
  ExpressionUiState::Recorder& r = ui.recorder;
  if (r.open_requested) ImGui::SetNextItemOpen(true);
  r.open_requested = false;
  if (!ImGui::CollapsingHeader("Record a lesson")) return;
  const float w = ImGui::GetContentRegionAvail().x;
  if (!r.on) {
    TextWrappedAtSpaces("Each beat is the window as it is: step, train and edit to where the beat should be, "
                        "write what it says, and add it.");
    ImGui::SetNextItemWidth(w * 0.6f);
    ImGui::InputTextWithHint("##lesson_title", "the lesson's title", &r.title);
    ImGui::SameLine();
    if (ImGui::Button("Start recording")) start(session, r);
    return;
  }
  const std::vector<std::string> names = named_nodes(session.stepper().graph());
  r.highlight = std::clamp(r.highlight, 0, static_cast<int>(names.size()));
  r.ask_node = std::clamp(r.ask_node, 0, std::max(0, static_cast<int>(names.size()) - 1));
  const std::string where = "Beat " + std::to_string(r.draft.beats.size() + 1) + " at op " +
                            std::to_string(session.stepper().cursor()) + " of " +
                            std::to_string(session.stepper().op_count());
  ImGui::TextUnformatted(where.c_str());
  ImGui::InputTextMultiline("##beat_text", &r.text, {w, ImGui::GetTextLineHeight() * 3.5f});
  std::vector<std::string> pointable{"(no node)"};
  pointable.insert(pointable.end(), names.begin(), names.end());
  ImGui::SetNextItemWidth(w * 0.45f);
  combo("points at", r.highlight, pointable);
  ImGui::Checkbox("asks for", &r.ask);
  if (r.ask) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w * 0.3f);
    combo("##ask_node", r.ask_node, names);
    if (ImGui::RadioButton("its value", !r.ask_gradient)) r.ask_gradient = false;
    ImGui::SameLine();
    if (ImGui::RadioButton("its gradient", r.ask_gradient)) r.ask_gradient = true;
    ImGui::SetNextItemWidth(w);
    ImGui::InputTextWithHint("##ask_text", "the question, e.g. ∂f/∂x?", &r.ask_text);
  }
  if (ImGui::Button("Add beat")) add_beat(session, r, names);
  ImGui::SameLine();
  if (ImGui::Button("Stop")) {
    r.on = false;
    r.problem.clear();
  }
  if (!r.problem.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, palette().bad);
    TextWrappedAtSpaces(r.problem);
    ImGui::PopStyleColor();
  }
  for (std::size_t b = 0; b < r.draft.beats.size(); ++b) {
    const ExprBeat& beat = r.draft.beats[b];
    std::string line = std::to_string(b + 1) + ". op " + std::to_string(beat.op) +
                       (beat.trained > 0 ? ", " + std::to_string(beat.trained) + " steps on" : "") +
                       (beat.question ? ", asks" : "") + ": " + beat.text;
    if (line.size() > 60) line = line.substr(0, 57) + "…";
    ImGui::PushStyleColor(ImGuiCol_Text, palette().text_dim);
    ImGui::TextUnformatted(line.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::BeginDisabled(r.draft.beats.empty());
  ImGui::SetNextItemWidth(w * 0.6f);
  ImGui::InputTextWithHint("##lesson_path", "path/to/lesson.json", &r.path);
  ImGui::SameLine();
  if (ImGui::Button("Save lesson") && !r.path.empty()) r.save_requested = true;
  ImGui::EndDisabled();
}

}  // namespace bpv
