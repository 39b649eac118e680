// The lesson recorder: a teacher writes a lesson in the app. Go to an op,
// "Add a beat here", write its text, click neurons, edges or matrix cells to
// highlight them, or click one to make its value the beat's question; reorder
// and delete beats; choose what the lesson hides from a class; save it as a
// lesson file (docs/lessons.md) and reopen it later to edit.
//
// The draft is a plain Lesson (core/teaching/lesson_recording.hpp). Every change
// publishes a copy as the open lesson, so entering a beat and drawing its
// highlights are the player's own (lesson_panel.cpp); and every change is
// checked as strictly as loading the file would check it (lesson_writer.hpp),
// so what the recorder saves always opens again.
//
// [SECTION] the draft and the player  [SECTION] clicks  [SECTION] the panel
#include <imgui_internal.h>  // GetActiveID: is the text field being edited?

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "engine/describe.hpp"
#include "panels/file_dialog.hpp"
#include "teaching/lesson_writer.hpp"
#include "panels.hpp"
#include "text_wrap.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

using Recorder = LessonUiState::Recorder;

// ---------------------------------------------------------------- [SECTION] the draft and the player
// Where the draft would be saved, for the checks' messages and the errata's relative path.
std::string draft_path(const Recorder& r) { return r.path.empty() ? "recorded lesson.json" : r.path; }

Beat* current_beat(LessonUiState& ls) {
  Recorder& r = ls.recorder;
  return ls.beat < r.draft.beats.size() ? &r.draft.beats[ls.beat] : nullptr;
}

// The draft becomes the open lesson again; the beat's highlights follow.
void publish(UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  r.modified = true;
  r.problem = r.draft.beats.empty() ? "add a beat first" : lesson_problem(r.draft, draft_path(r));
  if (r.draft.beats.empty()) {
    ls.lesson.reset();
    ls.neurons.clear();
    ls.edges.clear();
    return;
  }
  ls.beat = std::min(ls.beat, r.draft.beats.size() - 1);
  ls.lesson = std::make_shared<const Lesson>(r.draft);
  ShowBeatHighlights(ui, r.draft.beats[ls.beat]);
}

// The session is where this beat is: the player takes it as entered.
void mark_entered(const Session& session, LessonUiState& ls) {
  try {
    ls.plan = plan_beat(*ls.lesson, ls.beat);
    ls.applied = ls.plan;
  } catch (const std::exception&) {
    ls.plan.reset();  // the problem line says why
  }
  ls.enter_requested = false;
  ls.stage = LessonUiState::Stage::Idle;
  ls.beat_revision = session.revision();
}

// ImGui 1.86's multi-line field does not wrap, so the beat's text is wrapped
// in place: a space becomes a line break where the line would pass the
// field's edge, and every break a space again first. No character moves, so
// the cursor stays where it is; the beat stores the text with spaces only.
void wrap_in_place(char* text, int length, float width) {
  for (int i = 0; i < length; ++i)
    if (text[i] == '\n') text[i] = ' ';
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  int line_start = 0, last_space = -1;
  for (int i = 0; i <= length; ++i) {
    if (i < length && text[i] != ' ') continue;
    if (last_space >= line_start && font->CalcTextSizeA(size, 1e9f, 0.0f, text + line_start, text + i).x > width) {
      text[last_space] = '\n';
      line_start = last_space + 1;
    }
    last_space = i;
  }
}

int rewrap_on_edit(ImGuiInputTextCallbackData* data) {
  wrap_in_place(data->Buf, data->BufTextLen, *static_cast<const float*>(data->UserData));
  data->BufDirty = true;
  return 0;
}

std::string unwrapped(const char* text) {
  std::string s(text);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

void load_texts(LessonUiState& ls) {
  Recorder& r = ls.recorder;
  const Beat* b = current_beat(ls);
  auto copy = [](char* to, std::size_t n, const std::string& from) {
    std::strncpy(to, from.c_str(), n - 1);
    to[n - 1] = '\0';
  };
  copy(r.text, sizeof r.text, b ? b->text : "");
  copy(r.question, sizeof r.question, b && b->question ? b->question->text : "");
  r.text_beat = ls.beat;
}

void select_beat(UiState& ui, std::size_t k) {
  LessonUiState& ls = ui.lesson;
  ls.beat = k;
  ls.enter_requested = true;  // the player puts the session there
  ls.recorder.offered.clear();
  load_texts(ls);
}

BeatPlace place_here(const Session& session, Recorder& r) {
  return place_beat(r.draft, session.scenario(), session.stepper().cursor(),
                    static_cast<int>(session.training_step()) - r.origin_step);
}

void add_beat_here(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  Beat b;
  set_place(b, place_here(session, r));
  if (session.scenario().batch_size() > 1) b.example = ui.example;
  const std::size_t at = r.draft.beats.empty() ? 0 : std::min(ls.beat + 1, r.draft.beats.size());
  r.draft.beats.insert(r.draft.beats.begin() + static_cast<long>(at), std::move(b));
  ls.beat = at;
  publish(ui);
  mark_entered(session, ls);
  load_texts(ls);
  r.pick = Recorder::Pick::Highlight;  // what a teacher does next: point at something
}

void move_here(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Beat* b = current_beat(ls);
  if (!b) return;
  set_place(*b, place_here(session, ls.recorder));
  if (session.scenario().batch_size() > 1) b->example = ui.example;
  publish(ui);
  mark_entered(session, ls);
}

// ---------------------------------------------------------------- [SECTION] clicks
template <typename T>
void toggle(std::vector<T>& items, const T& item, bool (*same)(const T&, const T&)) {
  const auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return same(x, item); });
  if (it == items.end()) items.push_back(item);
  else items.erase(it);
}
bool same_neuron(const NeuronRef& a, const NeuronRef& b) { return a.layer == b.layer && a.j == b.j; }
bool same_edge(const EdgeRef& a, const EdgeRef& b) { return a.layer == b.layer && a.i == b.i && a.j == b.j; }
bool same_quantity(const QuantityRef& a, const QuantityRef& b) {
  return a.buffer == b.buffer && a.layer == b.layer && a.row == b.row && a.col == b.col;
}

void highlight_clicked(UiState& ui, Beat& b) {
  Highlight& h = b.highlight;
  if (ui.clicked_cell) {
    h.cell = h.cell && same_quantity(*h.cell, *ui.clicked_cell) ? std::nullopt : ui.clicked_cell;
  } else if (ui.clicked.kind == CanvasItem::Kind::Neuron) {
    toggle(h.neurons, NeuronRef{ui.clicked.layer, ui.clicked.j}, same_neuron);
  } else if (ui.clicked.kind == CanvasItem::Kind::Edge) {
    toggle(h.edges, EdgeRef{ui.clicked.layer, ui.clicked.i, ui.clicked.j}, same_edge);
  }
}

void ask_for(const Scenario& sc, Beat& b, const QuantityRef& q, Recorder& r) {
  if (!b.question) b.question = Question{};
  b.question->answer = q;
  if (b.question->text.empty()) b.question->text = "What is " + quantity_symbol(q, sc) + "?";
  std::strncpy(r.question, b.question->text.c_str(), sizeof r.question - 1);
}

void answer_clicked(const Session& session, UiState& ui, Beat& b) {
  Recorder& r = ui.lesson.recorder;
  const Stepper& st = session.stepper();
  if (ui.clicked_cell) {
    r.offered = {*ui.clicked_cell};
  } else if (ui.clicked.kind == CanvasItem::Kind::Neuron) {
    r.offered = neuron_quantities(st, ui.clicked.layer, ui.clicked.j, ui.example);
  } else if (ui.clicked.kind == CanvasItem::Kind::Edge) {
    r.offered = edge_quantities(st, ui.clicked.layer, ui.clicked.i, ui.clicked.j);
  } else {
    return;  // a click on the background
  }
  if (!r.offered.empty()) ask_for(st.scenario(), b, r.offered.front(), r);
}

}  // namespace

void TakeRecorderClicks(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  if (!r.on || ui.clicks == r.clicks_seen) return;
  r.clicks_seen = ui.clicks;
  Beat* b = current_beat(ls);
  if (!b || r.pick == Recorder::Pick::None) return;
  if (r.pick == Recorder::Pick::Highlight) highlight_clicked(ui, *b);
  else answer_clicked(session, ui, *b);
  publish(ui);
}

void StartRecording(const Session& session, UiState& ui, bool edit_open_lesson) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  r = Recorder{};
  r.on = true;
  r.clicks_seen = ui.clicks;
  if (edit_open_lesson && ls.lesson) {
    r.draft = *ls.lesson;
    r.path = ls.lesson->path;
  } else {
    r.draft = new_lesson_draft(session.scenario(), "My lesson on " + session.scenario().name);
    r.origin_step = static_cast<int>(session.training_step());
    ls.beat = 0;
  }
  std::strncpy(r.title, r.draft.title.c_str(), sizeof r.title - 1);
  publish(ui);
  r.modified = false;
  load_texts(ls);
}

void LessonSaved(UiState& ui, const std::string& path) {
  Recorder& r = ui.lesson.recorder;
  r.path = path;
  r.draft.path = path;
  r.modified = false;
  ui.lesson.listed = false;  // the picker reads its folder again
}

namespace {

// ---------------------------------------------------------------- [SECTION] the panel
// Only for the GUI tests: most of the recorder scrolls, so these are not lesson
// controls the layout probe requires in view (lesson_panel.cpp's remember_rect).
void rect(UiState& ui, const char* name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ui.edit_rects.emplace_back(name, ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
}

void request_save(const Session& session, UiState& ui, bool ask) {
  Recorder& r = ui.lesson.recorder;
  // The shipped lessons are never written over: a lesson from their folder is saved elsewhere.
  const bool shipped = !r.path.empty() && std::filesystem::path(r.path).parent_path() ==
                                              std::filesystem::path(ui.lesson.dir);
  if (!ask && !r.path.empty() && !shipped) {
    ui.files.requests.push_back(FileRequest{FileAction::SaveLesson, r.path, false});
    return;
  }
  OpenPathDialog(session, ui.files, FileAction::SaveLesson);
  std::string stem;
  for (char c : r.draft.title) stem += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  ui.files.dialog.path = (r.path.empty() || shipped ? stem.substr(0, 40) : std::filesystem::path(r.path).stem().string()) +
                         ".json";
}

// The text cut at a word (or a character) so that it fits `width`, with "…".
std::string fitted(const std::string& text, float width) {
  if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  std::string s = text;
  while (!s.empty() && ImGui::CalcTextSize((s + "…").c_str()).x > width) {
    s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();  // whole UTF-8 characters
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
  }
  return s + "…";
}

void draw_beat_list(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  // A few rows on a projector's 768 lines, more where there is room.
  const float most = ImGui::GetContentRegionAvail().y > 20.0f * ImGui::GetTextLineHeightWithSpacing() ? 6.0f : 3.0f;
  const float rows = std::clamp(static_cast<float>(r.draft.beats.size()), 2.0f, most);
  ImGui::BeginChild("##recorded_beats", ImVec2(0.0f, rows * ImGui::GetTextLineHeightWithSpacing() + 8.0f), true);
  for (std::size_t k = 0; k < r.draft.beats.size(); ++k) {
    const Beat& b = r.draft.beats[k];
    std::string label = fitted(std::to_string(k + 1) + ". " + (b.text.empty() ? "(no text yet)" : b.text),
                               ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("  [?]").x);
    if (b.question) label += "  [?]";
    ImGui::PushID(static_cast<int>(k));
    if (ImGui::Selectable(label.c_str(), k == ls.beat)) select_beat(ui, k);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", describe_place(b, r.draft).c_str());
    ImGui::PopID();
  }
  if (r.draft.beats.empty()) ImGui::TextDisabled("No beats yet: go to an op, then Add a beat here.");
  ImGui::EndChild();
  if (ImGui::Button("+ Add a beat here")) add_beat_here(session, ui);
  rect(ui, "recorder_add");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A new beat after this one, at the op the session is at now");
  const bool any = !r.draft.beats.empty();
  ImGui::SameLine();
  ImGui::BeginDisabled(!any || ls.beat == 0);
  if (ImGui::Button("▲")) { move_beat(r.draft, ls.beat, -1); --ls.beat; publish(ui); }
  ImGui::EndDisabled();
  rect(ui, "recorder_up");
  ImGui::SameLine();
  ImGui::BeginDisabled(!any || ls.beat + 1 >= r.draft.beats.size());
  if (ImGui::Button("▼")) { move_beat(r.draft, ls.beat, +1); ++ls.beat; publish(ui); }
  ImGui::EndDisabled();
  rect(ui, "recorder_down");
  ImGui::SameLine();
  ImGui::BeginDisabled(!any);
  if (ImGui::Button("Delete")) {
    delete_beat(r.draft, ls.beat);
    if (ls.beat > 0 && ls.beat >= r.draft.beats.size()) --ls.beat;
    publish(ui);
    load_texts(ls);
  }
  ImGui::EndDisabled();
  rect(ui, "recorder_delete");
}

// "" (none) and the names a beat can take; not the lesson tab, which the
// recorder itself is in.
std::vector<const char*> combo_names(const std::vector<std::string_view>& names, std::string_view leave_out) {
  std::vector<const char*> out{""};
  for (std::string_view n : names)
    if (n != leave_out) out.push_back(n.data());  // literals: NUL-terminated
  return out;
}

bool name_combo(const char* label, std::string& value, const char* const* names, int count) {
  bool changed = false;
  if (ImGui::BeginCombo(label, value.empty() ? "(none)" : value.c_str())) {
    for (int k = 0; k < count; ++k)
      if (ImGui::Selectable(names[k][0] ? names[k] : "(none)", value == names[k])) {
        value = names[k];
        changed = true;
      }
    ImGui::EndCombo();
  }
  return changed;
}

float radio_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
}

void draw_pick_mode(UiState& ui) {
  Recorder& r = ui.lesson.recorder;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("A click");
  ImGui::SameLine();
  int mode = static_cast<int>(r.pick);
  ImGui::RadioButton("highlights it", &mode, 1);
  rect(ui, "recorder_pick_highlight");
  SameLineIfFits(radio_width("is the answer"));
  ImGui::RadioButton("is the answer", &mode, 2);
  rect(ui, "recorder_pick_answer");
  SameLineIfFits(radio_width("selects"));
  ImGui::RadioButton("selects", &mode, 0);
  r.pick = static_cast<Recorder::Pick>(mode);
}

void draw_question_editor(const Session& session, UiState& ui, Beat& b) {
  Recorder& r = ui.lesson.recorder;
  const Scenario& sc = ui.lesson.lesson ? ui.lesson.lesson->scenarios.at(b.scenario) : session.scenario();
  if (!b.question) {
    ImGui::TextDisabled("No question. Click \"is the answer\", then a value.");
    if (ImGui::SmallButton("Ask for the loss L")) {
      ask_for(sc, b, QuantityRef{Buffer::LossValue, sc.layer_count(), 0, 0}, r);
      publish(ui);
    }
    return;
  }
  Question& q = *b.question;
  ImGui::TextUnformatted("Question");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::InputText("##question", r.question, sizeof r.question)) q.text = r.question;
  rect(ui, "recorder_question");
  if (ImGui::IsItemDeactivatedAfterEdit()) publish(ui);
  // The answer: one of the clicked item's quantities.
  const std::string symbol = quantity_symbol(q.answer, sc);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0f);
  if (ImGui::BeginCombo("answer", symbol.c_str())) {
    for (const QuantityRef& o : r.offered)
      if (ImGui::Selectable(quantity_symbol(o, sc).c_str(), same_quantity(o, q.answer))) {
        q.answer = o;
        publish(ui);
      }
    if (r.offered.empty()) ImGui::TextDisabled("click a neuron or an edge for more");
    ImGui::EndCombo();
  }
  SameLineIfFits(ImGui::GetFontSize() * 6.0f + ImGui::CalcTextSize(" tolerance").x + ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
  double tolerance = q.tolerance;
  if (ImGui::InputDouble("tolerance", &tolerance, 0.0, 0.0, "%g") && tolerance >= 0.0 && std::isfinite(tolerance))
    q.tolerance = tolerance;
  if (ImGui::IsItemDeactivatedAfterEdit()) publish(ui);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("How far a typed answer may be off (0: 1%% of the value + 0.0001)");
  if (ImGui::SmallButton("No question")) {
    b.question.reset();
    publish(ui);
  }
}

void draw_beat_editor(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  Beat* b = current_beat(ls);
  if (!b) return;
  if (r.text_beat != ls.beat) load_texts(ls);
  draw_pick_mode(ui);  // first: a teacher clicks on the graph more often than anything else here
  ImGui::Separator();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::Text("Beat %zu", ls.beat + 1);
  ImGui::SameLine();
  ImGui::TextDisabled("%s", describe_place(*b, r.draft).c_str());
  ImGui::PopTextWrapPos();
  if (ImGui::SmallButton("Move it to this op")) move_here(session, ui);
  rect(ui, "recorder_move");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The beat goes where the session is now (op, training, network)");
  const ImGuiStyle& style = ImGui::GetStyle();
  float wrap_w = ImGui::GetContentRegionAvail().x - 2.0f * style.FramePadding.x - style.ScrollbarSize - 2.0f;
  const ImGuiID text_id = ImGui::GetID("##recorded_text");
  if (ImGui::GetActiveID() != text_id)  // ImGui holds its own copy while the field is being edited
    wrap_in_place(r.text, static_cast<int>(std::strlen(r.text)), wrap_w);
  ImGui::InputTextMultiline("##recorded_text", r.text, sizeof r.text,
                            ImVec2(-1.0f, 3.0f * ImGui::GetTextLineHeightWithSpacing()),
                            ImGuiInputTextFlags_CallbackEdit, rewrap_on_edit, &wrap_w);
  rect(ui, "recorder_text");
  if (ImGui::IsItemEdited()) b->text = unwrapped(r.text);
  if (ImGui::IsItemDeactivatedAfterEdit()) publish(ui);
  const Highlight& h = b->highlight;
  ImGui::TextDisabled("highlighted: %zu neurons, %zu edges%s", h.neurons.size(), h.edges.size(), h.cell ? ", a cell" : "");
  if (!h.neurons.empty() || !h.edges.empty() || h.cell) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Clear")) {
      b->highlight = Highlight{};
      publish(ui);
    }
  }
  const float combo_w = ImGui::GetFontSize() * 7.0f;
  ImGui::SetNextItemWidth(combo_w);
  static const std::vector<const char*> tabs = combo_names(tab_names(), "lesson");
  if (name_combo("tab", b->tab, tabs.data(), static_cast<int>(tabs.size()))) publish(ui);
  SameLineIfFits(combo_w + ImGui::CalcTextSize(" presenter panel").x + ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::SetNextItemWidth(combo_w);
  static const std::vector<const char*> panels = combo_names(presenter_panel_names(), "");
  if (name_combo("presenter panel", b->panel, panels.data(), static_cast<int>(panels.size()))) publish(ui);
  draw_question_editor(session, ui, *b);
}

void draw_hide_choices(UiState& ui) {
  Recorder& r = ui.lesson.recorder;
  if (!ImGui::CollapsingHeader("Hide from the class while it runs")) return;
  ImGui::TextDisabled("F9 shows them again.");
  bool first = true;
  for (const char* part : kLockableParts) {
    bool hidden = std::find(r.draft.hide.begin(), r.draft.hide.end(), part) != r.draft.hide.end();
    if (!first) SameLineIfFits(radio_width(part) + ImGui::GetStyle().ItemSpacing.x);
    first = false;
    if (ImGui::Checkbox(part, &hidden)) {
      if (hidden) r.draft.hide.push_back(part);
      else r.draft.hide.erase(std::find(r.draft.hide.begin(), r.draft.hide.end(), part));
      publish(ui);
    }
  }
}

}  // namespace

void DrawLessonRecorder(const Session& session, UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  // The file's buttons stay on top; what is being written scrolls under them.
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().lesson), "Recording a lesson");
  ImGui::SameLine();
  ImGui::BeginDisabled(!r.problem.empty());
  if (ImGui::SmallButton("Save")) request_save(session, ui, false);
  rect(ui, "recorder_save");
  ImGui::SameLine();
  if (ImGui::SmallButton("Save as…")) request_save(session, ui, true);
  rect(ui, "recorder_save_as");
  ImGui::SameLine();
  if (ImGui::SmallButton("Try it")) {  // the player from this beat; "Edit this lesson" comes back
    r.on = false;
    ls.enter_requested = true;
  }
  rect(ui, "recorder_try");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::SmallButton(r.modified ? "Close (discard)" : "Close")) {
    r = Recorder{};
    ls.lesson.reset();
    ls.neurons.clear();
    ls.edges.clear();
  }
  rect(ui, "recorder_close");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  TextWrappedAtSpaces(r.path.empty() ? "not saved yet" : r.path);
  ImGui::PopStyleColor();
  // Two lines always, so that nothing under the mouse moves when the verdict changes.
  ImGui::BeginChild("##recorder_verdict", ImVec2(0.0f, 2.0f * ImGui::GetTextLineHeightWithSpacing()), false,
                    ImGuiWindowFlags_NoScrollbar);
  std::string problem = r.problem;
  const std::string prefix = draft_path(r) + ": ";
  if (problem.rfind(prefix, 0) == 0) problem.erase(0, prefix.size());
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(problem.empty() ? palette().good : palette().warn));
  TextWrappedAtSpaces(problem.empty() ? std::string("Ready: it saves as a lesson file that opens again.")
                                      : "Not a lesson yet: " + problem);
  ImGui::PopStyleColor();
  if (ImGui::IsWindowHovered() && !problem.empty()) ImGui::SetTooltip("%s", r.problem.c_str());
  ImGui::EndChild();
  ImGui::Separator();
  ImGui::BeginChild("##recorder_body", ImVec2(0.0f, 0.0f), false);
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::InputText("##title", r.title, sizeof r.title)) r.draft.title = r.title;
  rect(ui, "recorder_title");
  if (ImGui::IsItemDeactivatedAfterEdit()) publish(ui);
  draw_beat_list(session, ui);
  draw_beat_editor(session, ui);
  draw_hide_choices(ui);
  ImGui::EndChild();
}

void DrawRecorderStrip(UiState& ui) {
  LessonUiState& ls = ui.lesson;
  Recorder& r = ls.recorder;
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().lesson), "Recording");
  ImGui::SameLine();
  ImGui::Text("beat %zu / %zu", r.draft.beats.empty() ? 0 : ls.beat + 1, r.draft.beats.size());
  ImGui::SameLine();
  ImGui::TextDisabled("%s", r.pick == Recorder::Pick::Highlight ? "· a click highlights"
                            : r.pick == Recorder::Pick::Answer  ? "· a click sets the answer"
                                                                : "· a click selects");
  ImGui::SameLine();
  if (ImGui::SmallButton("Back to the recorder")) {
    ui.right_tab = RightTab::Lesson;
    ui.right_tab_requested = true;
  }
  rect(ui, "recorder_back");
}

}  // namespace bpv
