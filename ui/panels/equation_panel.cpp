// The current op: its title, its equation, the same equation with the numbers
// of one element (the hovered one when the mouse is on the canvas), and a
// sentence that says what it means. With predict on, it first asks for the
// value the next op writes (the equation with "?" for it) and reveals it.
#include <functional>
#include <cstdlib>

#include "engine/describe.hpp"
#include "panels.hpp"
#include "text_wrap.hpp"
#include "engine/tensors.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// The element of op's output that the hovered canvas item stands for, if any.
bool element_for_hover(const Op& op, const CanvasItem& hover, int example, Element& e) {
  e.example = example < 0 ? 0 : example;
  const BufferRef w = op.writes;
  const TensorInfo& tensor = tensor_info(w.buffer);
  // The input x is on the canvas too, but only a mini-batch writes it: rows, not neurons.
  if (tensor.layout == TensorLayout::Neurons && tensor.role != TensorRole::Data) {
    if (hover.kind != CanvasItem::Kind::Neuron || hover.layer != w.layer) return false;
    e.col = hover.j;
    return true;
  }
  if (tensor.layout == TensorLayout::Edges) {
    if (hover.kind != CanvasItem::Kind::Edge || hover.layer != w.layer) return false;
    e.row = hover.i;
    e.col = hover.j;
    return true;
  }
  return false;
}

// The content height so far, in the panel's own coordinates (scrolling included).
float content_height() { return ImGui::GetCursorPosY() + ImGui::GetScrollY(); }

void labelled(const char* label, const std::string& text, ImFont* font) {
  ImGui::TextDisabled("%s", label);
  ImGui::PushFont(font);
  TextWrappedAtSpaces(text);
  ImGui::PopFont();
}

// ---- predict-then-reveal

// The element a question asks for: the hovered one, else the selected one,
// else the first (what the panel shows with numbers).
Element question_element(const Op& op, const UiState& ui) {
  Element e;
  e.example = ui.example < 0 ? 0 : ui.example;
  if (!element_for_hover(op, ui.hover, ui.example, e)) element_for_hover(op, ui.selected, ui.example, e);
  return e;
}

// A question lives only while the session stays where it was asked; the
// score belongs to one training step.
void sync_predict(const Session& session, PredictUi& p) {
  if (session.training_step() != p.score_training_step) {
    p.score = {};
    p.score_training_step = session.training_step();
  }
  if (p.question && (!p.on || session.stepper().cursor() != p.question->op_index ||
                     session.revision() != p.asked_at_revision))
    p.question.reset();
  if (p.reveal && session.stepper().cursor() != p.reveal->op_index + 1) p.reveal.reset();
}

// Checks the typed guess (or skips), keeps the answer for the reveal and runs the op.
void answer_question(UiState& ui, CommandQueue& commands, bool skip) {
  PredictUi& p = ui.predict;
  const PredictQuestion& q = *p.question;
  PredictUi::Reveal r;
  r.op_index = q.op_index;
  r.symbol = q.symbol;
  r.element = q.element;
  r.answer = q.answer;
  r.skipped = skip;
  if (!skip) {
    char* end = nullptr;
    r.guess = std::strtod(p.guess, &end);
    while (end && (*end == ' ' || *end == '\t')) ++end;
    if (end == p.guess || !end || *end != '\0') {
      show_status(ui, "Type a number, e.g. 0.25 or -1.5e-3, then Return (or Skip).");
      p.focus_guess = true;
      return;
    }
    r.right = guess_is_right(r.guess, r.answer);
    p.score.record(r.right);
  }
  p.reveal = r;
  p.question.reset();
  commands.push_back(command::StepForward{});  // cursor == q.op_index (sync_predict)
}

std::string score_text(const PredictUi& p) {
  return "Score this training step: " + std::to_string(p.score.right) + " right of " +
         std::to_string(p.score.asked) + " asked";
}

void draw_question(UiState& ui, CommandQueue& commands, const Session& session, const Fonts& f) {
  PredictUi& p = ui.predict;
  const PredictQuestion& q = *p.question;
  const Op& op = session.stepper().ops()[q.op_index];
  // Compact (no "Equation" labels): the panel is short on a small window,
  // and the guess field must stay in view.
  ImGui::TextDisabled("Predict before op %zu runs: work out the ?", q.op_index + 1);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().phase_text[static_cast<int>(op.phase)]));
  TextWrappedAtSpaces(q.title);
  ImGui::PopStyleColor();
  ImGui::PushFont(f.large);
  TextWrappedAtSpaces(q.equation);
  TextWrappedAtSpaces(q.hidden_numbers);
  ImGui::PopFont();
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Your guess for %s =", q.symbol.c_str());
  ImGui::SameLine();
  if (p.focus_guess) {
    ImGui::SetKeyboardFocusHere();
    p.focus_guess = false;
  }
  ImGui::SetNextItemWidth(160.0f * ui.content_scale);
  bool submit = ImGui::InputText("##guess", p.guess, sizeof p.guess,
                                 ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CharsScientific);
  p.guess_active = ImGui::IsItemActive();
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ui.edit_rects.emplace_back("predict_guess", ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
  ImGui::SameLine();
  submit = ImGui::Button("Check") || submit;
  ImGui::SameLine();
  const bool skip = ImGui::Button("Skip");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the value and run the op without scoring");
  ImGui::TextDisabled("Right when within 1%% of the engine's value (0.001 near zero).");
  ImGui::TextDisabled("%s", score_text(p).c_str());
  if (submit || skip) answer_question(ui, commands, skip && !submit);
}

// After an answer: was it right, and the engine's value.
void draw_reveal(const PredictUi& p) {
  const PredictUi::Reveal& r = *p.reveal;
  const std::string value = format_number(r.answer, 6);
  if (r.skipped) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().info), "Skipped. The engine computed %s = %s.", r.symbol.c_str(),
                       value.c_str());
  } else if (r.right) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().good), "Right! You said %s; the engine computed %s = %s.",
                       format_number(r.guess, 6).c_str(), r.symbol.c_str(), value.c_str());
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "Not quite. You said %s; the engine computed %s = %s.",
                       format_number(r.guess, 6).c_str(), r.symbol.c_str(), value.c_str());
  }
  ImGui::TextDisabled("%s", score_text(p).c_str());
}

}  // namespace

void StepForwardOrAsk(const Session& session, UiState& ui, CommandQueue& commands) {
  PredictUi& p = ui.predict;
  sync_predict(session, p);
  const Stepper& st = session.stepper();
  if (!p.on || st.at_end() || session.training()) {
    commands.push_back(command::StepForward{});
    return;
  }
  if (p.question) {  // answer that one first
    p.focus_guess = true;
    return;
  }
  p.question = ask_next_op(st, question_element(st.ops()[st.cursor()], ui));
  if (!p.question) {  // a draw (the mini-batch, a dropout mask): nothing to work out
    commands.push_back(command::StepForward{});
    return;
  }
  p.asked_at_revision = session.revision();
  p.focus_guess = true;
  p.guess[0] = '\0';
  p.reveal.reset();
}

void DrawEquationPanel(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
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
  sync_predict(session, ui.predict);
  ui.predict.guess_active = false;
  if (ui.predict.question) {
    draw_question(ui, commands, session, f);
    ImGui::End();
    return;
  }
  const bool started = st.cursor() > 0;
  const std::size_t k = started ? st.cursor() - 1 : 0;
  const Op& op = st.ops()[k];
  Element e;
  e.example = ui.example < 0 ? 0 : ui.example;
  bool hovered = element_for_hover(op, ui.hover, ui.example, e);
  const bool revealing = ui.predict.reveal && started;
  if (revealing && !hovered) e = ui.predict.reveal->element;  // the numbers of the element asked
  const OpText text = describe(op, st.state(), started ? &st.value_before(k) : nullptr, e);
  ui.equation_text_key = std::hash<std::string>{}(text.title + '\n' + text.equation + '\n' + text.numbers) * 2 + started;
  if (revealing) {
    draw_reveal(ui.predict);
    ImGui::Spacing();
  }

  if (!started) {
    ImGui::TextWrapped("Nothing is computed yet. Press Space (or Step ▶) to run the first op:");
    ImGui::Spacing();
  }
  // What must never need scrolling: the title, the equation and the line
  // with numbers, its result included. The layout gives the panel the height
  // this took last frame (app_view.cpp); when even that is not enough, the
  // equations drop from the large font to the body font.
  // Presenter mode is one size larger, for the back row.
  ImFont* full = ui.presenter ? f.presenter : f.large;
  ImFont* compact = ui.presenter ? f.large : f.regular;
  ImFont* eq_font = ui.equation_compact ? compact : full;
  const float top = content_height();
  ImGui::PushFont(eq_font);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().phase_text[static_cast<int>(op.phase)]));
  TextWrappedAtSpaces((started ? "" : "Next: ") + text.title);
  ImGui::PopStyleColor();
  ImGui::PopFont();
  ImGui::Separator();
  labelled("Equation", text.equation, eq_font);
  ImGui::Spacing();
  // A lesson question about a value this op reads or writes: its numbers would give the answer.
  const QuantityRef* asked = asked_quantity(ui.lesson);
  bool touches_asked = false;
  if (asked) {
    const BufferRef ref{asked->buffer, asked->layer};
    touches_asked = op.writes == ref;
    for (int k = 0; k < op.read_count; ++k) touches_asked = touches_asked || op.reads[k] == ref;
  }
  labelled(hovered ? "With numbers (the element under the mouse)" : "With numbers (first element; hover for others)",
           touches_asked && started ? "hidden until the lesson's question is answered" : text.numbers, eq_font);
  if (ui.layout_probe.on) {  // the numbers' last line must be inside the panel, unscrolled
    const float bottom = ImGui::GetItemRectMax().y;
    const float visible = ImGui::GetWindowPos().y + ImGui::GetWindowSize().y;
    ui.layout_probe.equation_in_view = bottom <= visible + 0.5f && ImGui::GetScrollY() == 0.0f;
    ui.layout_probe.equation_cut = ui.layout_probe.equation_in_view ? "" : text.numbers;
  }
  // Kept in the large font's terms whichever font drew it, so the choice of
  // font does not flip from frame to frame.
  const float drawn_h = content_height() - top + (started ? 0.0f : 2.0f * ImGui::GetTextLineHeightWithSpacing());
  ui.equation_essential_h = ui.equation_compact ? drawn_h * full->FontSize / compact->FontSize : drawn_h;
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", text.explanation.c_str());
  ImGui::PopStyleColor();

  if (auto bad = st.first_non_finite()) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().bad));
    TextWrappedAtSpaces("Op " + std::to_string(bad->op_index + 1) + " (" + bad->op_title +
                      ") produced a non-finite value (NaN or ∞).");
    ImGui::PopStyleColor();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  if (started && !st.at_end()) {
    ImGui::Spacing();
    TextWrappedAtSpaces("Next: " + describe_title(st.ops()[st.cursor()], session.scenario()));
  }
  if (ui.predict.on && !revealing && !st.at_end())
    TextWrappedAtSpaces("Predict is on (Q): Space asks for the next op's value before it runs.");
  ImGui::PopStyleColor();
  ImGui::End();
}

}  // namespace bpv
