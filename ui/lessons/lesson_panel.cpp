// The lesson player (docs/lessons.md): pick a lesson, go beat by beat, answer
// a beat's question, and for the seed walkthrough see the blog's errata.
// Entering a beat changes the engine only through commands: LoadScenario
// when the session does not hold the beat's network, TrainSteps (in chunks,
// so the loss curve and the Insight views move), then JumpTo the beat's op.
// Between beats the user may step and edit freely; "Back to this beat"
// puts the session where the beat wants it again.
//
// [SECTION] entering a beat (AdvanceLesson)  [SECTION] pieces
// [SECTION] the errata table                 [SECTION] DrawLessonPanel, DrawLessonBar
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/describe.hpp"
#include "panels/file_dialog.hpp"
#include "panels.hpp"
#include "text_wrap.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// ---------------------------------------------------------------- [SECTION] entering a beat
// The UI side of a beat: the example shown, the tab, the highlights; the question starts blank.
void show_beat(UiState& ui, const Beat& b) {
  LessonUiState& ls = ui.lesson;
  if (b.example) ui.example = *b.example;
  if (!b.tab.empty() && !ls.recorder.on) {  // the recorder keeps the Lesson tab
    ui.right_tab = right_tab_named(b.tab);
    ui.right_tab_requested = true;
  }
  ShowBeatHighlights(ui, b);
  ls.answer[0] = '\0';
  ls.answer_right.reset();
}

}  // namespace

void ShowBeatHighlights(UiState& ui, const Beat& b) {
  LessonUiState& ls = ui.lesson;
  ls.neurons = b.highlight.neurons;
  ls.edges = b.highlight.edges;
  ls.focus = b.highlight.focus;
  if (const auto& c = b.highlight.cell) {  // a matrix cell: its edge or neuron on the canvas, its layer in the inspector
    if (c->buffer == Buffer::Weights || c->buffer == Buffer::GradWeights)
      ls.edges.push_back(EdgeRef{c->layer, c->row, c->col});
    else
      ls.neurons.push_back(NeuronRef{c->layer, c->col});
    ui.inspector_layer = c->layer;
  }
}

namespace {

void go_to_beat(UiState& ui, std::size_t k) {
  ui.lesson.beat = k;
  ui.lesson.enter_requested = true;
}

void open_lesson(UiState& ui, const std::string& path) {
  try {
    ShowLesson(ui, load_lesson(path));
  } catch (const std::exception& e) {
    ui.lesson.error = e.what();
  }
}

void close_lesson(UiState& ui) {
  LessonUiState& ls = ui.lesson;
  ls.lesson.reset();
  ls.plan.reset();
  ls.applied.reset();
  ls.stage = LessonUiState::Stage::Idle;
  ls.neurons.clear();
  ls.edges.clear();
  ls.focus.reset();
}

}  // namespace

void SameLineIfFits(float width) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}
float ButtonWidth(const char* label) {
  return ImGui::CalcTextSize(label).x + 2.0f * ImGui::GetStyle().FramePadding.x;
}

void ShowLesson(UiState& ui, Lesson lesson) {
  LessonUiState& ls = ui.lesson;
  ls.lesson = std::make_shared<const Lesson>(std::move(lesson));
  ls.error.clear();
  ls.applied.reset();
  ls.unlocked = false;  // a lesson that hides panels hides them again
  ls.recorder.on = false;
  go_to_beat(ui, 0);
}

void AdvanceLesson(const Session& session, UiState& ui, CommandQueue& commands) {
  LessonUiState& ls = ui.lesson;
  if (!ls.lesson) return;
  // The session as the beat left it: any change after that (a step, an
  // edit) leaves the beat, and its highlights go (ls.left_beat()).
  if (!ls.enter_requested && ls.stage == LessonUiState::Stage::Idle && ls.plan && ls.beat_revision == 0 &&
      session.stepper().cursor() == ls.plan->cursor)
    ls.beat_revision = session.revision();
  if (ls.enter_requested) {
    ls.beat_revision = 0;
    if (session.training()) {  // the user's own training run: the beat needs the session
      commands.push_back(command::CancelTraining{});
      return;
    }
    ls.enter_requested = false;
    try {
      ls.plan = plan_beat(*ls.lesson, ls.beat);
    } catch (const std::exception& e) {
      ls.error = e.what();
      ls.plan.reset();
      ls.stage = LessonUiState::Stage::Idle;
      return;
    }
    ls.error.clear();
    const BeatPlan& p = *ls.plan;
    show_beat(ui, ls.lesson->beats[ls.beat]);
    ls.train_left = 0;
    ls.frames_waited = 0;
    if (same_network(session.scenario(), p.start)) {
      // Already there (the same network, trained as far): only the cursor moves.
    } else if (ls.applied && ls.applied->scenario_key == p.scenario_key &&
               ls.applied->train_steps < p.train_steps && same_network(session.scenario(), ls.applied->start)) {
      ls.train_left = p.train_steps - ls.applied->train_steps;  // a later beat of the same run: train on
    } else {
      // Not saved anywhere: Save asks for a file, so no lesson overwrites a built-in scenario.
      commands.push_back(command::LoadScenario{*p.scenario, ""});
      ls.train_left = p.train_steps;
    }
    ls.stage = LessonUiState::Stage::Training;
    return;  // the commands apply before the next frame
  }
  if (ls.stage != LessonUiState::Stage::Training || !ls.plan) return;
  ++ls.frames_waited;
  if (session.training()) return;
  if (ls.train_left > 0) {
    // About thirty chunks, so a long run animates the loss curve and the Insight views.
    const int chunk = std::min(ls.train_left, std::max(1, (ls.plan->train_steps + 29) / 30));
    commands.push_back(command::TrainSteps{chunk});
    ls.train_left -= chunk;
    return;
  }
  commands.push_back(command::JumpTo{ls.plan->cursor});
  ls.stage = LessonUiState::Stage::Idle;
  ls.applied = ls.plan;
}

namespace {

// ---------------------------------------------------------------- [SECTION] pieces
void remember_rect(UiState& ui, const char* name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ui.edit_rects.emplace_back(name, ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
  if (ui.layout_probe.on) {
    const ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
    ui.layout_probe.controls.push_back({name, ImVec4(a.x, a.y, b.x, b.y), ImVec4(p.x, p.y, p.x + s.x, p.y + s.y)});
  }
}


// A selectable whose label wraps to the column instead of running past its edge.
bool wrapped_selectable(const std::string& label) {
  const std::vector<std::string> lines = WrapAtSpaces(label, std::max(50.0f, ImGui::GetContentRegionAvail().x));
  const float line = ImGui::GetTextLineHeight();
  const float spacing = ImGui::GetTextLineHeightWithSpacing() - line;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float height = static_cast<float>(lines.size()) * line + static_cast<float>(lines.size() - 1) * spacing;
  const bool clicked = ImGui::Selectable("##label", false, 0, ImVec2(0, height));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 colour = ImGui::GetColorU32(ImGuiCol_Text);
  for (std::size_t k = 0; k < lines.size(); ++k)
    draw->AddText(ImVec2(at.x, at.y + static_cast<float>(k) * (line + spacing)), colour, lines[k].c_str());
  return clicked;
}

// The engine's value of the beat's answer: from the session when it is at the
// beat's network and op, else recomputed from the beat's plan.
double engine_answer(const Session& session, const BeatPlan& plan, const QuantityRef& q) {
  const Stepper& st = session.stepper();
  if (st.cursor() == plan.cursor && same_network(session.scenario(), plan.start))
    return resolve_quantity(q, st.state());
  Stepper at(plan.start);
  at.jump_to(plan.cursor);
  return resolve_quantity(q, at.state());
}

void check_answer(const Session& session, LessonUiState& ls, const Question& q) {
  if (!ls.plan) return;
  char* end = nullptr;
  const double typed = std::strtod(ls.answer, &end);
  if (end == ls.answer) return;  // nothing typed yet
  try {
    ls.answer_value = engine_answer(session, *ls.plan, q.answer);
  } catch (const std::exception& e) {
    ls.error = e.what();
    return;
  }
  const double tolerance = q.tolerance > 0.0 ? q.tolerance : 0.01 * std::abs(ls.answer_value) + 1e-4;
  ls.answer_right = answer_is_right(typed, ls.answer_value, tolerance);
}

void same_line_if_fits(float width) { SameLineIfFits(width); }
float button_width(const char* label) { return ButtonWidth(label); }

void draw_question(const Session& session, UiState& ui, const Question& q) {
  LessonUiState& ls = ui.lesson;
  const Scenario& sc = ls.plan ? ls.plan->start : session.scenario();
  const std::string symbol = quantity_symbol(q.answer, sc);
  ImGui::Separator();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().lesson), "Your turn");
  TextWrappedAtSpaces(q.text);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
  const bool enter = ImGui::InputText(("##answer " + symbol).c_str(), ls.answer, sizeof ls.answer,
                                      ImGuiInputTextFlags_CharsScientific | ImGuiInputTextFlags_EnterReturnsTrue);
  remember_rect(ui, "lesson_answer");
  const std::string is = "= " + symbol;
  same_line_if_fits(ImGui::CalcTextSize(is.c_str()).x);
  ImGui::TextUnformatted(is.c_str());
  same_line_if_fits(button_width("Check"));
  if (ImGui::Button("Check") || enter) check_answer(session, ls, q);
  remember_rect(ui, "lesson_check");
  if (ls.answer_right) {
    const std::string value = symbol + " = " + format_number(ls.answer_value, 5);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(*ls.answer_right ? palette().good : palette().bad));
    TextWrappedAtSpaces(*ls.answer_right ? "Right: " + value : "Not quite: the engine has " + value);
    ImGui::PopStyleColor();
  }
}

// Previous / next / back to this beat, and where we are.
void draw_navigation(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  const std::size_t n = ls.lesson->beats.size();
  const bool busy = ls.stage == LessonUiState::Stage::Training || session.training();
  ImGui::BeginDisabled(ls.beat == 0);
  if (ImGui::Button("◀ Previous")) go_to_beat(ui, ls.beat - 1);
  ImGui::EndDisabled();
  remember_rect(ui, "lesson_prev");
  char where[48];
  std::snprintf(where, sizeof where, "beat %zu / %zu", ls.beat + 1, n);
  same_line_if_fits(ImGui::CalcTextSize(where).x);
  ImGui::TextUnformatted(where);
  same_line_if_fits(button_width("Next ▶"));
  ImGui::BeginDisabled(ls.beat + 1 >= n);
  if (ImGui::Button("Next ▶")) go_to_beat(ui, ls.beat + 1);
  ImGui::EndDisabled();
  remember_rect(ui, "lesson_next");
  if (busy) {
    ImGui::SameLine();
    ImGui::TextDisabled("training %zu…", session.training_step());
  }
}

// ---------------------------------------------------------------- [SECTION] the errata table
const Errata* errata_for(UiState& ui) {
  LessonUiState& ls = ui.lesson;
  if (!ls.errata && ls.errata_error.empty()) {
    try {
      ls.errata = std::make_shared<const Errata>(load_seed_errata(ls.lesson->errata_path));
    } catch (const std::exception& e) {
      ls.errata_error = e.what();
    }
  }
  return ls.errata.get();
}

// One row per published number: the numbers on one line, the reason wrapped
// under them (a table's narrow last column would wrap a word per line).
void draw_errata(UiState& ui) {
  const Errata* errata = errata_for(ui);
  if (!errata) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", ui.lesson.errata_error.c_str());
    return;
  }
  bool& flagged_only = ui.lesson.errata_flagged_only;
  TextWrappedAtSpaces(std::to_string(errata->flagged_count()) + " of " + std::to_string(errata->rows.size()) +
          " published numbers differ from the engine's by more than one unit of their last printed digit.");
  ImGui::Checkbox("only the flagged ones", &flagged_only);
  // Large type in presenter mode where the four columns fit; else the body font,
  // and a narrower column still scrolls sideways rather than cutting the numbers.
  const bool large = ui.presenter && ImGui::GetContentRegionAvail().x >= 24.0f * fonts().large->FontSize;
  // (the lesson bar's own large type would not fit either: the body font then)
  ImGui::PushFont(large ? fonts().large : fonts().regular);
  ImGui::BeginChild("##errata", ImVec2(0.0f, 0.0f), true, ImGuiWindowFlags_HorizontalScrollbar);
  const float em = ImGui::GetFontSize();
  const float column[4] = {0.0f, 7.5f * em, 13.0f * em, 19.0f * em};  // number, blog, engine, |diff|
  auto cells = [&](const char* a, const char* b, const char* c, const char* d, bool flagged) {
    const float x = ImGui::GetCursorPosX();
    ImGui::TextUnformatted(a);
    ImGui::SameLine(x + column[1]);
    ImGui::TextUnformatted(b);
    ImGui::SameLine(x + column[2]);
    ImGui::TextUnformatted(c);
    ImGui::SameLine(x + column[3]);
    if (flagged) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", d);
    else ImGui::TextDisabled("%s", d);
  };
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  cells("number", "blog", "engine", "|diff|", false);
  ImGui::PopStyleColor();
  ImGui::Separator();
  for (const ErrataRow& r : errata->rows) {
    if (flagged_only && !r.flagged) continue;
    cells(r.symbol.c_str(), r.printed.c_str(), format_number(r.engine, 6).c_str(), format_number(r.diff(), 2).c_str(),
          r.flagged);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s in the blog's names", r.label.c_str());
    ImGui::Indent(em);
    if (r.flagged) {
      TextWrappedAtSpaces(r.reason);
      if (!r.known_slip.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        TextWrappedAtSpaces("known slip: " + r.known_slip);
        ImGui::PopStyleColor();
      }
    } else {
      ImGui::TextDisabled("agrees: within one unit of its last digit");
    }
    ImGui::Unindent(em);
    ImGui::Separator();
  }
  ImGui::EndChild();
  ImGui::PopFont();
}

// What the lesson hides, and the key that shows it.
void draw_lock_note(const LessonUiState& ls) {
  std::string parts;
  for (const std::string& h : ls.lesson->hide) parts += (parts.empty() ? "" : ", ") + h;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  TextWrappedAtSpaces(ls.unlocked ? "Unlocked: " + parts + " shown again (F9 hides them)"
                      : "This lesson hides " + parts + " (F9 shows them)");
  ImGui::PopStyleColor();
}

// The picker: every lesson in the folder, then those on the real data, by title.
void draw_picker(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  if (!ls.listed) {
    ls.files = list_lessons(ls.dir);
    if (!ls.data_dir.empty())
      for (std::string& f : list_lessons(ls.data_dir)) ls.files.push_back(std::move(f));
    ls.titles.clear();
    for (const std::string& f : ls.files) {
      try {
        ls.titles.push_back(load_lesson(f).title);
      } catch (const std::exception& e) {
        ls.titles.push_back(std::filesystem::path(f).filename().string() + " (does not load)");
      }
    }
    ls.listed = true;
  }
  if (ImGui::Button("Record a lesson…")) StartRecording(session, ui, false);
  remember_rect(ui, "recorder_new");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Write your own lesson on the network shown now, beat by beat");
  ImGui::SameLine();
  if (ImGui::Button("Open a lesson file…")) OpenPathDialog(session, ui.files, FileAction::OpenLesson);
  remember_rect(ui, "lesson_open_file");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  TextWrappedAtSpaces("Pick a lesson. Presenter mode (F5) shows only the graph and the beat.");
  ImGui::PopStyleColor();
  if (ls.files.empty()) ImGui::TextDisabled("No lessons in %s", ls.dir.c_str());
  for (std::size_t k = 0; k < ls.files.size(); ++k) {
    ImGui::PushID(static_cast<int>(k));
    if (wrapped_selectable(ls.titles[k])) open_lesson(ui, ls.files[k]);
    const std::string name = "lesson_pick_" + std::to_string(k);
    remember_rect(ui, name.c_str());
    ImGui::PopID();
  }
}

// The beat itself: text, navigation, question; `errata` says whether the table goes here too.
void draw_beat(const Session& session, UiState& ui, bool errata) {
  LessonUiState& ls = ui.lesson;
  const Beat& b = ls.lesson->beats[ls.beat];
  TextWrappedAtSpaces(b.text);
  ImGui::Spacing();
  draw_navigation(session, ui);
  const Stepper& st = session.stepper();
  if (ui.presenter && st.last_op()) {  // the equation panel is hidden: say which op this is
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    TextWrappedAtSpaces("op " + std::to_string(st.cursor()) + " / " + std::to_string(st.op_count()) + ": " +
            describe_title(*st.last_op(), st.scenario()));
    ImGui::PopStyleColor();
  }
  if (const auto bad = st.first_non_finite()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().bad));
    TextWrappedAtSpaces("First non-finite value (∞ or NaN): op " + std::to_string(bad->op_index + 1) + ", " + bad->op_title);
    ImGui::PopStyleColor();
  }
  if (ls.plan && (session.stepper().cursor() != ls.plan->cursor || !same_network(session.scenario(), ls.plan->start)) &&
      ls.stage == LessonUiState::Stage::Idle) {
    // The user explored away from the beat: one click brings the beat back.
    if (ImGui::SmallButton("Back to this beat")) go_to_beat(ui, ls.beat);
    remember_rect(ui, "lesson_back");
  }
  if (b.question) draw_question(session, ui, *b.question);
  if (b.errata && errata) {
    ImGui::Separator();
    draw_errata(ui);
  }
}

// A beat whose controls on top and question at the bottom never scroll out
// of sight; only a long beat text scrolls between them (presenter mode, and
// the Lesson tab on a small screen).
void draw_beat_fixed_controls(const Session& session, UiState& ui, bool with_title) {
  LessonUiState& ls = ui.lesson;
  const Beat& b = ls.lesson->beats[ls.beat];
  if (with_title) TextWrappedAtSpaces(ls.lesson->title);
  draw_navigation(session, ui);
  // The beats of a batch talk about examples: the picker is here in every mode.
  if (session.scenario().batch_size() > 1) DrawExamplePicker(session, ui, ImGui::GetFontSize() * 9.0f);
  ImGui::Separator();
  const float bottom = b.question ? ls.question_h : 0.0f;
  ImGui::BeginChild("##presenter_beat_text", ImVec2(0, -bottom), false);
  TextWrappedAtSpaces(b.text);
  const Stepper& st = session.stepper();
  if (const auto bad = st.first_non_finite()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(palette().bad));
    TextWrappedAtSpaces("First non-finite value (∞ or NaN): op " + std::to_string(bad->op_index + 1) + ", " + bad->op_title);
    ImGui::PopStyleColor();
  }
  if (ls.plan && (st.cursor() != ls.plan->cursor || !same_network(session.scenario(), ls.plan->start)) &&
      ls.stage == LessonUiState::Stage::Idle) {
    if (ImGui::SmallButton("Back to this beat")) go_to_beat(ui, ls.beat);
    remember_rect(ui, "lesson_back");
  }
  ImGui::EndChild();
  if (b.question) {
    const float top = ImGui::GetCursorPosY();
    draw_question(session, ui, *b.question);
    ls.question_h = ImGui::GetCursorPosY() - top + ImGui::GetStyle().ItemSpacing.y;
  }
}

}  // namespace

// ---------------------------------------------------------------- [SECTION] DrawLessonPanel, DrawLessonBar
void DrawLessonPanel(const Session& session, UiState& ui, CommandQueue&, PanelRect r) {
  if (!BeginPanel("##lesson_panel", r, ImGuiWindowFlags_NoTitleBar)) {
    ImGui::End();
    return;
  }
  LessonUiState& ls = ui.lesson;
  if (ls.recorder.on) {
    DrawLessonRecorder(session, ui);
  } else if (!ls.lesson) {
    draw_picker(session, ui);
  } else {
    ImGui::PushFont(fonts().large);
    TextWrappedAtSpaces(ls.lesson->title);
    ImGui::PopFont();
    if (!lesson_hides(ls, "lessons")) {
      if (ImGui::SmallButton("All lessons")) close_lesson(ui);
      remember_rect(ui, "lesson_close");
      same_line_if_fits(button_width("Edit this lesson"));
      if (ImGui::SmallButton("Edit this lesson")) StartRecording(session, ui, true);
      remember_rect(ui, "lesson_edit");
      same_line_if_fits(button_width("Restart"));
    }
    if (ImGui::SmallButton("Restart")) go_to_beat(ui, 0);
    remember_rect(ui, "lesson_restart");
    same_line_if_fits(button_width("Presenter mode (F5)"));
    if (ImGui::SmallButton("Presenter mode (F5)")) {
      ui.presenter = true;
      ui.fit_requested = true;
    }
    if (!ls.lesson->hide.empty()) draw_lock_note(ls);
    ImGui::Separator();
    // The errata beat's table scrolls with its text; any other beat keeps
    // its controls and question in sight.
    if (ls.lesson->beats[ls.beat].errata) draw_beat(session, ui, true);
    else draw_beat_fixed_controls(session, ui, false);
  }
  if (!ls.error.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", ls.error.c_str());
  ImGui::End();
}

void DrawLessonBar(const Session& session, UiState& ui, CommandQueue&, PanelRect r) {
  const bool presenter = ui.presenter;
  if (!BeginPanel("##lesson_bar", r, ImGuiWindowFlags_NoTitleBar | (presenter ? 0 : ImGuiWindowFlags_NoScrollbar))) {
    ImGui::End();
    return;
  }
  LessonUiState& ls = ui.lesson;
  // Large type; the largest where the column has room for it.
  if (presenter) ImGui::PushFont(r.size.x >= 520.0f * ui.content_scale ? fonts().presenter : fonts().large);
  if (ls.recorder.on && !presenter) {
    DrawRecorderStrip(ui);
  } else if (!ls.lesson) {
    if (presenter) {
      ImGui::TextDisabled("No lesson open.");
      // The list in large type where a title of about 40 characters fits on
      // one line (a projector's 1920 px); a narrow column keeps it on a few.
      const bool roomy = r.size.x >= 30.0f * fonts().large->FontSize;
      ImGui::PushFont(roomy ? fonts().large : fonts().regular);
      draw_picker(session, ui);
      ImGui::PopFont();
    }
  } else if (presenter) {
    // The errata beat's table scrolls with its text, as in the Lesson tab.
    if (ls.lesson->beats[ls.beat].errata) draw_beat(session, ui, true);
    else draw_beat_fixed_controls(session, ui, true);
  } else {
    // One compact strip: where we are, the text (it scrolls when long), and the way on.
    const Beat& b = ls.lesson->beats[ls.beat];
    draw_navigation(session, ui);
    ImGui::SameLine();
    if (ImGui::CalcTextSize(ls.lesson->title.c_str()).x <= ImGui::GetContentRegionAvail().x)  // where it fits
      ImGui::TextDisabled("%s", ls.lesson->title.c_str());
    else
      ImGui::NewLine();
    ImGui::BeginChild("##beat_text", ImVec2(0, 0), false);
    TextWrappedAtSpaces(b.text);
    if (b.question) ImGui::TextDisabled("A question waits in the Lesson tab.");
    ImGui::EndChild();
  }
  if (!ls.error.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", ls.error.c_str());
  if (presenter) ImGui::PopFont();
  ImGui::End();
}

}  // namespace bpv
