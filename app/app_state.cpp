// The window's state as the GUI tests read it (--dump-state, the web page's
// test hook): the cursor, the file, the panels' rectangles, the lesson, the
// predict score. Each block names the test that reads it.
#include <algorithm>
#include <vector>

#include "app_loop.hpp"
#include "formats/scenario_io.hpp"
#include "teaching/lesson.hpp"

namespace bpv {
namespace {

std::string display_name(const Session& session) {
  return session.path().empty() ? session.scenario().name
                                 : std::filesystem::path(session.path()).filename().string();
}

}  // namespace

std::string window_title(const Session& session) {
  return "backprop-viz — " + display_name(session) + (session.modified() ? " •" : "");
}

nlohmann::json state_json(const Session& session, const UiState& ui, const Window& window) {
  nlohmann::json rects = nlohmann::json::array();
  for (const ImVec4& r : ui.timeline_rects) rects.push_back({r.x, r.y, r.z, r.w});
  const Stepper& st = session.stepper();
  nlohmann::json doc{{"cursor", st.cursor()},
                     {"op_count", st.op_count()},
                     {"training_step", session.training_step()},
                     {"training", session.training()},
                     {"training_progress", session.training_progress()},
                     {"loss", st.state().loss_value()},
                     {"scenario", session.scenario().name},
                     {"path", session.path()},
                     {"modified", session.modified()},
                     {"title", window_title(session)},
                     {"recent", ui.files.recent},
                     {"asking_unsaved", ui.files.ask_unsaved.has_value()},
                     {"path_dialog_open", ui.files.dialog.showing},
                     {"file_error", ui.files.error},
                     {"status", ui.status},
                     {"framebuffer", {window.framebuffer_width(), window.framebuffer_height()}},
                     {"content_scale", window.content_scale()},
                     {"ui_scale", ui.content_scale},
                     {"text_scale", ui.text_scale},
                     {"help_open", ui.help_open},
                     {"timeline_rects", std::move(rects)}};
  // For tests/gui/edit_test.sh: the edit fields by name, the weights (small nets), example 1's output a.
  doc["edit_rects"] = nlohmann::json::object();
  for (const auto& [name, r] : ui.edit_rects) doc["edit_rects"][name] = {r.x, r.y, r.z, r.w};
  const Scenario& sc = session.scenario();
  doc["weights"] = nlohmann::json::array();
  for (const Layer& layer : sc.layers) {
    nlohmann::json w = nlohmann::json::array();
    for (int i = 0; i < layer.fan_in() && layer.weights.size() <= 4096; ++i)
      w.push_back(std::vector<double>(layer.weights.row(i).begin(), layer.weights.row(i).end()));
    doc["weights"].push_back(std::move(w));
  }
  const Eigen::MatrixXd& out = st.state().layers.empty() ? sc.inputs : st.state().layers.back().activation;
  doc["output"] = out.rows() ? std::vector<double>(out.row(0).begin(), out.row(0).end()) : std::vector<double>{};
  doc["can_undo"] = session.can_undo();
  doc["optimizer"] = session.scenario().optimizer.name;  // tests/gui/edit_test.sh chooses one
  // For tests/gui/data_test.sh: the network's inputs and the data set's rows.
  doc["input_size"] = sc.input_size;
  doc["features"] = nlohmann::json::array();
  for (const Feature& f : sc.data.features) doc["features"].push_back(feature_name(f));
  doc["train_rows"] = sc.train_rows();
  doc["test_rows"] = sc.data.test_raw.rows();
  doc["undo_label"] = session.undo_label();
  // For tests/gui/paint_test.sh: the shown example's inputs, summed.
  doc["shown_inputs_sum"] = ui.example >= 0 && ui.example < sc.batch_size() ? sc.inputs.row(ui.example).sum() : 0.0;
  const ChangeMask& change = session.last_change();  // what the change flash marks
  int changed_neurons = 0, changed_weights = 0;
  for (const auto& n : change.neurons) changed_neurons += static_cast<int>(std::count(n.begin(), n.end(), 1));
  for (const auto& w : change.weights) changed_weights += static_cast<int>(w.count());
  doc["last_change"] = {{"neurons", changed_neurons}, {"weights", changed_weights}, {"loss", change.loss},
                        {"flashed", ui.change_flash_revision == change.revision && change.revision != 0}};
  // For tests/gui/predict_test.sh: the open question (with the engine's answer) and the score.
  const PredictUi& p = ui.predict;
  doc["predict"] = {{"on", p.on},
                    {"asking", p.question.has_value()},
                    {"typing", p.guess_active},
                    {"symbol", p.question ? p.question->symbol : ""},
                    {"answer", p.question ? p.question->answer : 0.0},
                    {"asked", p.score.asked},
                    {"right", p.score.right},
                    {"revealed", p.reveal.has_value()}};
  // For tests/gui/lesson_test.sh: the lesson, the beat, whether it has been entered, the verdict.
  const LessonUiState& ls = ui.lesson;
  doc["lesson"] = {{"open", ls.lesson != nullptr},
                   {"title", ls.lesson ? ls.lesson->title : ""},
                   {"beat", ls.beat},
                   {"beats", ls.lesson ? ls.lesson->beats.size() : 0},
                   {"entered", ls.lesson && !ls.enter_requested && ls.stage == LessonUiState::Stage::Idle},
                   {"cursor", ls.plan ? static_cast<long long>(ls.plan->cursor) : -1},
                   {"answer_right", ls.answer_right ? nlohmann::json(*ls.answer_right) : nlohmann::json()},
                   {"answer_value", ls.answer_value},
                   {"highlighted", ls.neurons.size() + ls.edges.size()},
                   {"highlights_shown", !ls.left_beat(session.revision())},
                   {"focus", ls.focus.has_value()},
                   {"error", ls.error},
                   {"presenter", ui.presenter},
                   {"hides", ls.lesson ? ls.lesson->hide : std::vector<std::string>{}},
                   {"unlocked", ls.unlocked},
                   {"example", ui.example}};
  // For tests/gui/record_lesson_test.sh: the draft being recorded.
  const LessonUiState::Recorder& rec = ls.recorder;
  const Beat* rb = rec.on && ls.beat < rec.draft.beats.size() ? &rec.draft.beats[ls.beat] : nullptr;
  doc["recorder"] = {{"on", rec.on},
                     {"beats", rec.draft.beats.size()},
                     {"title", rec.draft.title},
                     {"path", rec.path},
                     {"problem", rec.problem},
                     {"pick", static_cast<int>(rec.pick)},
                     {"text", rb ? rb->text : ""},
                     {"highlighted", rb ? rb->highlight.neurons.size() + rb->highlight.edges.size() : 0},
                     {"question", rb && rb->question ? quantity_symbol(rb->question->answer, session.scenario()) : ""}};
  return doc;
}

void dump_state(const std::string& path, const Session& session, const UiState& ui, const Window& window) {
  write_file_atomic(path, state_json(session, ui, window).dump() + "\n");
}

}  // namespace bpv
