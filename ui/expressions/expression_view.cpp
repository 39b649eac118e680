// The window for an expression graph: the toolbar (step, phase, undo), the
// circuit on the left, the current op's equation and the values on the
// right, the timeline of ops at the bottom; presenter mode (F5) keeps the
// circuit and the equation only. Keys as in the network view: Space / → step,
// ← back, Shift+→ to the phase's end, Home, End, P play, F fit, Ctrl+Z / Ctrl+Y.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "expression/expression_describe.hpp"
#include "expression/expression_lesson.hpp"
#include "expression/expression_predict.hpp"
#include "teaching/predict.hpp"
#include "expressions/expression_ui_state.hpp"
#include "text_wrap.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

bool pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), true); }

// Space and Step ▶: with predict on (and an op left) the question comes first.
void step_or_ask(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  if (ui.predict_on && !session.stepper().at_end()) {
    ui.predict_asking = true;
    ui.playing = false;
    return;
  }
  commands.push_back(expr_command::StepForward{});
}

void handle_keys(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  constexpr int kGlfwKeyF5 = 294;
  if (ImGui::IsKeyPressed(kGlfwKeyF5, false) || (ui.presenter && pressed(ImGuiKey_Escape))) {
    ui.presenter = !ui.presenter;
  }
  if (io.KeyCtrl) {
    if (ImGui::IsKeyPressed('Z', false)) commands.push_back(expr_command::Undo{});
    if (ImGui::IsKeyPressed('Y', false)) commands.push_back(expr_command::Redo{});
    if (ImGui::IsKeyPressed('S', false)) ui.save_requested = true;
    if (ImGui::IsKeyPressed('Q', false)) ui.quit_requested = true;
    return;
  }
  if (pressed(ImGuiKey_RightArrow) && io.KeyShift) commands.push_back(expr_command::RunToPhaseEnd{});
  else if (pressed(ImGuiKey_Space) || pressed(ImGuiKey_RightArrow)) step_or_ask(session, ui, commands);
  if (pressed(ImGuiKey_LeftArrow) || pressed(ImGuiKey_Backspace)) commands.push_back(expr_command::StepBack{});
  if (pressed(ImGuiKey_Home)) commands.push_back(expr_command::Reset{});
  if (pressed(ImGuiKey_End)) commands.push_back(expr_command::RunToEnd{});
  if (ImGui::IsKeyPressed('P', false)) ui.playing = !ui.playing && !ui.predict_on;
  if (ImGui::IsKeyPressed('Q', false)) {
    ui.predict_on = !ui.predict_on;
    ui.predict_asking = false;
  }
  if (ImGui::IsKeyPressed('F', false)) ui.fit_requested = true;
  if (ui.lesson && pressed(ImGuiKey_PageDown) && ui.beat + 1 < ui.lesson->beats.size()) {
    ++ui.beat;
    ui.enter_requested = true;
  }
  if (ui.lesson && pressed(ImGuiKey_PageUp) && ui.beat > 0) {
    --ui.beat;
    ui.enter_requested = true;
  }
}

void advance_play(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  if (!ui.playing) return;
  if (session.stepper().at_end()) {
    ui.playing = false;
    return;
  }
  ui.play_clock += ImGui::GetIO().DeltaTime;
  if (ui.play_clock >= 1.0 / std::max(0.1f, ui.ops_per_second)) {
    ui.play_clock = 0.0;
    commands.push_back(expr_command::StepForward{});
  }
}

const char* phase_title(Phase p) {
  return p == Phase::Forward ? "Forward pass" : p == Phase::Backward ? "Backward pass" : "Update";
}

void draw_toolbar(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  const ExprStepper& s = session.stepper();
  if (ImGui::Button("Home")) commands.push_back(expr_command::Reset{});
  ImGui::SameLine();
  if (ImGui::Button("◀ Back")) commands.push_back(expr_command::StepBack{});
  ImGui::SameLine();
  if (ImGui::Button(s.at_end() ? "Next step ▶" : "Step ▶")) step_or_ask(session, ui, commands);
  ImGui::SameLine();
  if (ImGui::Button("Phase ▶▶")) commands.push_back(expr_command::RunToPhaseEnd{});
  ImGui::SameLine();
  if (ImGui::Button("End")) commands.push_back(expr_command::RunToEnd{});
  ImGui::SameLine();
  if (ImGui::Button(ui.playing ? "Pause" : "Play")) ui.playing = !ui.playing;
  ImGui::SameLine();
  ImGui::BeginDisabled(!session.can_undo());
  if (ImGui::Button("Undo")) commands.push_back(expr_command::Undo{});
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!session.can_redo());
  if (ImGui::Button("Redo")) commands.push_back(expr_command::Redo{});
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Fit")) ui.fit_requested = true;
  ImGui::SameLine();
  if (ImGui::Checkbox("Predict (Q)", &ui.predict_on)) ui.predict_asking = false;
#ifdef __EMSCRIPTEN__
  // The page has one canvas: the network it came from is a click away, and a
  // link carries this expression at this op.
  ImGui::SameLine();
  if (ImGui::Button("Copy link")) ui.copy_link_requested = true;
  ImGui::SameLine();
  if (ImGui::Button("◀ Networks")) ui.quit_requested = true;
#endif
  ImGui::SameLine();
  const std::string where =
      "op " + std::to_string(s.cursor()) + " of " + std::to_string(s.op_count()) +
      (s.cursor() < s.op_count() ? std::string(" · next: ") + phase_title(s.ops()[s.cursor()].phase)
                                 : std::string(" · step done"));
  ImGui::TextUnformatted(where.c_str());
}

void draw_timeline(const ExpressionSession& session, ExprCommandQueue& commands, ImVec2 pos, ImVec2 size) {
  const ExprStepper& s = session.stepper();
  const Palette& pal = palette();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float n = static_cast<float>(std::max<std::size_t>(1, s.op_count()));
  const float w = size.x / n;
  for (std::size_t k = 0; k < s.op_count(); ++k) {
    const ImVec2 a{pos.x + w * static_cast<float>(k), pos.y}, b{a.x + std::max(1.0f, w - 1.0f), pos.y + size.y};
    ImU32 col = pal.phase[static_cast<int>(s.ops()[k].phase)];
    if (k >= s.cursor()) col = (col & 0x00FFFFFF) | 0x50000000;
    dl->AddRectFilled(a, b, col);
  }
  const float cx = pos.x + w * static_cast<float>(s.cursor());
  dl->AddLine({cx, pos.y - 2}, {cx, pos.y + size.y + 2}, pal.writes, 2.0f);
  ImGui::SetCursorScreenPos(pos);
  ImGui::InvisibleButton("expression_timeline", {std::max(1.0f, size.x), std::max(1.0f, size.y)});
  if (ImGui::IsItemActive()) {
    const float t = (ImGui::GetIO().MousePos.x - pos.x) / w;
    commands.push_back(expr_command::JumpTo{static_cast<std::size_t>(std::clamp(std::lround(t), 0L, static_cast<long>(n)))});
  }
}

// Entering a beat: the lesson's expression afresh, trained, at the beat's op,
// each a command (the view computes nothing).
void enter_requested_beat(ExpressionUiState& ui, ExprCommandQueue& commands) {
  if (!ui.enter_requested || !ui.lesson) return;
  ui.enter_requested = false;
  const ExprBeat& b = ui.lesson->beats[ui.beat];
  commands.push_back(expr_command::LoadExpression{ui.lesson->expression});
  if (b.trained > 0) commands.push_back(expr_command::TrainSteps{b.trained});
  commands.push_back(expr_command::JumpTo{b.op});
  ui.lesson_answer.clear();
  ui.lesson_feedback.clear();
  ui.predict_asking = false;
  ui.fit_requested = false;
  ui.follow_current = true;
}

// The beat: its text, its question (checked against the engine), Previous / Next.
void draw_lesson(ExpressionUiState& ui) {
  const ExprLesson& lesson = *ui.lesson;
  const ExprBeat& b = lesson.beats[ui.beat];
  ImGui::PushStyleColor(ImGuiCol_Text, palette().lesson);
  TextWrappedAtSpaces(lesson.title + "  ·  beat " + std::to_string(ui.beat + 1) + " of " +
                      std::to_string(lesson.beats.size()));
  ImGui::PopStyleColor();
  ImGui::PushFont(ui.presenter ? fonts().presenter : fonts().large);
  TextWrappedAtSpaces(b.text);
  ImGui::PopFont();
  if (b.question) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
    const std::string label = b.question->text + "##lesson";
    if (ImGui::InputText(label.c_str(), &ui.lesson_answer, ImGuiInputTextFlags_EnterReturnsTrue)) {
      char* end = nullptr;
      const double guess = std::strtod(ui.lesson_answer.c_str(), &end);
      // The answer is the engine's, read at the question's op from the beat's start.
      const ExprStepper at_beat = enter_beat(lesson, ui.beat);
      const double answer = beat_answer(at_beat, *b.question);
      ui.lesson_right = !ui.lesson_answer.empty() && *end == '\0' &&
                        lesson_answer_is_right(guess, answer, b.question->tolerance);
      ui.lesson_feedback = ui.lesson_right ? "Right! " + format_number(answer, 8)
                                           : "Not quite: it is " + format_number(answer, 8) + ". Step on to see why.";
    }
    if (!ui.lesson_feedback.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui.lesson_right ? palette().good : palette().bad);
      TextWrappedAtSpaces(ui.lesson_feedback);
      ImGui::PopStyleColor();
    }
  }
  ImGui::BeginDisabled(ui.beat == 0);
  if (ImGui::Button("◀ Previous beat")) {
    --ui.beat;
    ui.enter_requested = true;
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(ui.beat + 1 >= lesson.beats.size());
  if (ImGui::Button("Next beat ▶")) {
    ++ui.beat;
    ui.enter_requested = true;
  }
  ImGui::EndDisabled();
  // On the same line only where it fits (a narrow column or presenter type puts it below).
  const float back_w = ImGui::CalcTextSize("Back to this beat").x + 2 * ImGui::GetStyle().FramePadding.x;
  if (ImGui::GetContentRegionAvail().x - ImGui::GetItemRectMax().x + ImGui::GetCursorScreenPos().x >
      back_w + 2 * ImGui::GetStyle().ItemSpacing.x)
    ImGui::SameLine();
  if (ImGui::Button("Back to this beat")) ui.enter_requested = true;
}

// The question before the next op: its equation with "?" for the result;
// Enter checks the answer (1 % or 0.001, as for a network) and runs the op.
void draw_question(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  const std::optional<ExprPredictQuestion> q = ask_next_expr_op(session.stepper());
  if (!q) {
    ui.predict_asking = false;
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, palette().lesson);
  TextWrappedAtSpaces("Predict: " + q->title);
  ImGui::PopStyleColor();
  ImGui::PushFont(ui.presenter ? fonts().presenter : fonts().large);
  TextWrappedAtSpaces(q->equation);
  TextWrappedAtSpaces(q->hidden_numbers);
  ImGui::PopFont();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
  if (!ImGui::IsAnyItemActive()) ImGui::SetKeyboardFocusHere();
  const std::string label = q->symbol + " = ?";
  if (ImGui::InputText(label.c_str(), &ui.predict_answer, ImGuiInputTextFlags_EnterReturnsTrue)) {
    char* end = nullptr;
    const double guess = std::strtod(ui.predict_answer.c_str(), &end);
    if (ui.predict_answer.empty() || *end != '\0') {
      ui.predict_feedback = "Type a number, e.g. -0.5";
      ui.predict_right = false;
      return;
    }
    ui.predict_right = guess_is_right(guess, q->answer);
    ++ui.predict_asked;
    ui.predict_right_count += ui.predict_right;
    ui.predict_feedback = ui.predict_right ? "Right! " + q->symbol + " = " + format_number(q->answer, 8)
                                           : "Not quite: " + q->symbol + " = " + format_number(q->answer, 8) +
                                                 " (you said " + ui.predict_answer + ")";
    ui.predict_answer.clear();
    ui.predict_asking = false;
    commands.push_back(expr_command::StepForward{});
  }
  ImGui::SameLine();
  if (ImGui::Button("Skip")) {
    ui.predict_asking = false;
    ui.predict_feedback.clear();
    commands.push_back(expr_command::StepForward{});
  }
}

void draw_current_op(const ExpressionSession& session, const ExpressionUiState& ui) {
  const ExprStepper& s = session.stepper();
  if (s.cursor() == 0) {
    TextWrappedAtSpaces("Nothing computed yet. Step ▶ (Space) computes the first node; the leaves hold their values.");
    return;
  }
  const std::size_t k = s.cursor() - 1;
  const ExprStepOp& op = s.ops()[k];
  // An optimizer state op's old tensor is not kept by the stepper's numbers: its text uses the current state.
  const OpText t = describe_expr_op(op, s.expression(), s.graph(), s.state(), s.before(k));
  ImGui::PushStyleColor(ImGuiCol_Text, palette().phase_text[static_cast<int>(op.phase)]);
  TextWrappedAtSpaces(t.title);
  ImGui::PopStyleColor();
  ImGui::PushFont(ui.presenter ? fonts().presenter : fonts().large);
  TextWrappedAtSpaces(t.equation);
  TextWrappedAtSpaces(t.numbers);
  ImGui::PopFont();
  ImGui::PushStyleColor(ImGuiCol_Text, palette().text_dim);
  TextWrappedAtSpaces(t.explanation);
  ImGui::PopStyleColor();
}

// The graph as text: values and definitions, one per line; the first problem
// is shown at its line and column as the user types, and Apply (one undoable
// edit) is offered only when the graph builds.
void draw_editor(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  if (ui.editor_open_requested) ImGui::SetNextItemOpen(true);
  ui.editor_open_requested = false;
  if (!ImGui::CollapsingHeader("Edit the graph (values, definitions)")) {
    ui.editor_open = false;
    return;
  }
  if (!ui.editor_open || ui.editor_revision != session.graph_revision()) {
    ui.editor = expression_text(session.expression());
    ui.editor_revision = session.graph_revision();
    ui.editor_open = true;
  }
  const float w = ImGui::GetContentRegionAvail().x;
  const float line = ImGui::GetTextLineHeight();
  ImGui::TextUnformatted("Values, one per line: name = number");
  ImGui::InputTextMultiline("##values", &ui.editor.values, {w, line * 5.5f});
  ImGui::TextUnformatted("Definitions, in order: name = expression");
  ImGui::InputTextMultiline("##definitions", &ui.editor.definitions, {w, line * 7.5f});
  ImGui::SetNextItemWidth(w * 0.35f);
  ImGui::InputTextWithHint("output", "last definition", &ui.editor.output);
  ImGui::SetNextItemWidth(w * 0.55f);
  ImGui::InputTextWithHint("parameters", "w1, w2, b", &ui.editor.parameters);
  const ExprTextResult parsed = parse_expression_text(ui.editor, session.expression());
  if (parsed.problem) {
    const ExprTextProblem& p = *parsed.problem;
    ImGui::PushStyleColor(ImGuiCol_Text, palette().bad);
    TextWrappedAtSpaces(p.text());
    // The offending line with a caret under its column.
    if (p.line > 0 && p.column > 0) {
      std::istringstream in(p.box == "values" ? ui.editor.values : ui.editor.definitions);
      std::string text;
      for (int k = 0; k < p.line && std::getline(in, text);) ++k;
      ImGui::PushFont(fonts().regular);
      ImGui::TextUnformatted(text.c_str());
      const std::string before = text.substr(0, std::min<std::size_t>(text.size(), static_cast<std::size_t>(p.column - 1)));
      ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::CalcTextSize(before.c_str()).x);
      ImGui::TextUnformatted("^");
      ImGui::PopFont();
    }
    ImGui::PopStyleColor();
  }
  ImGui::BeginDisabled(!parsed.expression.has_value());
  if (ImGui::Button("Apply")) commands.push_back(expr_command::ReplaceExpression{*parsed.expression});
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Revert")) ui.editor_open = false;
}

void draw_values(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  const Expression& e = session.expression();
  const ExpressionGraph& g = session.stepper().graph();
  ImGui::TextUnformatted("Values (type, or drag a leaf on the circuit)");
  for (std::size_t k = 0; k < e.values.size(); ++k) {
    double v = e.values[k];
    const bool learns = g.is_parameter(g.named[k]);
    const bool selected = ui.selected_node == g.named[k];
    if (selected) ImGui::PushStyleColor(ImGuiCol_Text, palette().writes);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
    const std::string label = e.value_names[k] + (learns ? "  (learns)" : "");
    if (ImGui::InputDouble(label.c_str(), &v, 0.0, 0.0, "%.6g", ImGuiInputTextFlags_EnterReturnsTrue))
      commands.push_back(expr_command::SetValue{e.value_names[k], v});
    if (selected) ImGui::PopStyleColor();
  }
  if (!g.parameters.empty()) {
    double lr = e.learning_rate;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
    if (ImGui::InputDouble("η (learning rate)", &lr, 0.0, 0.0, "%.6g", ImGuiInputTextFlags_EnterReturnsTrue))
      commands.push_back(expr_command::SetLearningRate{lr});
    if (ImGui::Button("Train 10 steps")) commands.push_back(expr_command::TrainSteps{10});
    ImGui::SameLine();
    if (ImGui::Button("Train 100")) commands.push_back(expr_command::TrainSteps{100});
    const std::vector<double>& h = session.output_history();
    if (!h.empty()) {
      std::vector<float> f(h.begin(), h.end());
      const std::string caption = g.nodes[g.output].name + " over " + std::to_string(h.size()) + " steps: " +
                                  format_number(h.front()) + " → " + format_number(h.back());
      ImGui::PlotLines("##history", f.data(), static_cast<int>(f.size()), 0, nullptr, FLT_MAX, FLT_MAX,
                       {ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 4.0f});
      ImGui::TextUnformatted(caption.c_str());
    }
  }
  ImGui::Separator();
  // The file: Ctrl+S writes it; Save as… writes the path typed here.
  const std::string file = session.path().empty() ? "(not saved yet)"
                                                  : std::filesystem::path(session.path()).filename().string();
  ImGui::PushStyleColor(ImGuiCol_Text, palette().text_dim);
  TextWrappedAtSpaces(file + (session.modified() ? "  •" : ""));
  ImGui::PopStyleColor();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
  ImGui::InputTextWithHint("##save_as", "path/to/graph.json", &ui.save_as);
  ImGui::SameLine();
  if (ImGui::Button("Save as…") && !ui.save_as.empty()) ui.save_requested = true;
  ImGui::Separator();
  ImGui::TextUnformatted("Definitions");
  for (const std::string& d : e.definitions) ImGui::TextWrapped("%s", d.c_str());
  ImGui::TextWrapped("Output: %s", g.nodes[g.output].name.c_str());
}

}  // namespace

void DrawExpressionApp(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands) {
  handle_keys(session, ui, commands);
  enter_requested_beat(ui, commands);
  advance_play(session, ui, commands);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("expression", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollbar);
  const float sc = ui.content_scale;
  const std::string heading = session.expression().name + (session.modified() ? "  (edited)" : "");
  ImGui::PushFont(fonts().large);
  ImGui::TextUnformatted(heading.c_str());
  ImGui::PopFont();
  if (!ui.presenter) draw_toolbar(session, ui, commands);
  if (!ui.status.empty() && ImGui::GetTime() < ui.status_until) {
    ImGui::PushStyleColor(ImGuiCol_Text, palette().warn);
    ImGui::TextUnformatted(ui.status.c_str());
    ImGui::PopStyleColor();
  }
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float timeline_h = 18.0f * sc;
  const float side_w = ui.presenter ? std::max(avail.x * 0.30f, 320.0f * sc) : std::max(avail.x * 0.32f, 300.0f * sc);
  const float gap = 8.0f * sc;
  const ImVec2 canvas_size{avail.x - side_w - gap, avail.y - timeline_h - gap};
  DrawExpressionCanvas(session, ui, commands, top, canvas_size);
  draw_timeline(session, commands, {top.x, top.y + canvas_size.y + gap}, {canvas_size.x, timeline_h});
  ImGui::SetCursorScreenPos({top.x + canvas_size.x + gap, top.y});
  ImGui::BeginChild("expression_side", {side_w, avail.y}, false);
  if (ui.predict_on && !ui.predict_feedback.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui.predict_right ? palette().good : palette().bad);
    TextWrappedAtSpaces(ui.predict_feedback + "   (" + std::to_string(ui.predict_right_count) + " of " +
                        std::to_string(ui.predict_asked) + " right)");
    ImGui::PopStyleColor();
  }
  if (ui.lesson) {
    draw_lesson(ui);
    ImGui::Separator();
  }
  if (ui.predict_asking) draw_question(session, ui, commands);
  else draw_current_op(session, ui);
  if (!ui.presenter) {
    ImGui::Separator();
    draw_values(session, ui, commands);
    ImGui::Separator();
    draw_editor(session, ui, commands);
    DrawExpressionRecorder(session, ui);
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace bpv
