// UI-only state of the expression view (selection, pan and zoom, toggles):
// never engine state. The view draws what an ExpressionSession publishes and
// queues ExprCommands.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

#include <memory>

#include "expression/expression_layout.hpp"
#include "expression/expression_lesson.hpp"
#include "expression/expression_lesson_writer.hpp"
#include "expression/expression_session.hpp"
#include "expression/expression_text.hpp"

namespace bpv {

using ExprCommandQueue = std::vector<ExprCommand>;

struct ExpressionUiState {
  bool dark = true;
  bool presenter = false;
  bool playing = false;
  float ops_per_second = 2.0f;
  double play_clock = 0.0;
  float content_scale = 0.0f;  // 0: the first frame applies the theme and the fonts
  float text_scale = 1.0f;
  // The canvas: zoom 1 = the circuit fitted to the canvas, but never so
  // small that its numbers cannot be read; pan in pixels. While the circuit
  // is wider or taller than the canvas the view follows the current op's node
  // until the user pans or zooms; Fit (F) shows the whole circuit.
  float zoom = 1.0f;
  ImVec2 pan{0.0f, 0.0f};
  bool follow_current = true;
  bool fit_requested = false;
  int hovered_node = -1;
  int selected_node = -1;  // a leaf picked for the Values panel
  // The layout, recomputed when the session's graph revision moves (an edit,
  // a load), never per frame.
  ExprLayout layout;
  std::uint64_t layout_revision = 0;
  // A one-line message under the toolbar, until status_until (ImGui time).
  std::string status;
  double status_until = 0.0;
  // The graph editor: the boxes' text, filled from the session when it opens
  // and after every applied change; checked as the user types.
  bool editor_open = false;
  bool editor_open_requested = false;  // open the editor's section (screenshot --tab edit)
  ExpressionText editor;
  std::uint64_t editor_revision = 0;  // the graph revision the text shows
  // Predict-then-reveal (Q): Space asks for the next op's number first.
  bool predict_on = false;
  bool predict_asking = false;
  std::string predict_answer;    // what the student typed
  std::string predict_feedback;  // "Right!" / "Not quite: …", until the next question
  bool predict_right = false;
  int predict_asked = 0, predict_right_count = 0;
  // A lesson on expressions (expression_lesson.hpp): its beat, entered through
  // commands (load, train, jump) when enter_requested; the answer typed.
  std::shared_ptr<const ExprLesson> lesson;
  std::size_t beat = 0;
  bool enter_requested = false;
  std::string lesson_answer, lesson_feedback;
  bool lesson_right = false;
  // Recording a lesson (expression_recorder.cpp): the draft, its beats taken
  // from the window as it is; Save lesson asks the app loop to write it.
  struct Recorder {
    bool on = false;
    ExprLesson draft;
    std::size_t trained_base = 0;  // training steps done when the recording began
    std::string title, text, path, problem;
    int highlight = 0;  // 0 = none, else 1 + the node's index among the named ones
    bool ask = false, ask_gradient = true;
    int ask_node = 0;  // index among the named nodes
    std::string ask_text;
    bool save_requested = false;
    bool open_requested = false;  // open the section (screenshot --record)
  } recorder;
  bool save_requested = false;  // Ctrl+S: the app loop writes the file
  std::string save_as;          // Save as…: the path typed ("" = the session's file)
  bool quit_requested = false;       // Ctrl+Q; on the web page "◀ Networks"
  bool copy_link_requested = false;  // the web page's Copy link
};

inline void show_expr_status(ExpressionUiState& ui, std::string text, double seconds = 6.0) {
  ui.status = std::move(text);
  ui.status_until = ImGui::GetTime() + seconds;
}

// The whole window for an expression: toolbar, circuit, current op, values,
// timeline (expression_view.cpp).
void DrawExpressionApp(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands);
// Record a lesson: a collapsing section of the side panel (expression_recorder.cpp).
void DrawExpressionRecorder(const ExpressionSession& session, ExpressionUiState& ui);
// The circuit, left to right, in rectangle (pos, size) (expression_canvas.cpp).
void DrawExpressionCanvas(const ExpressionSession& session, ExpressionUiState& ui, ExprCommandQueue& commands,
                          ImVec2 pos, ImVec2 size);

}  // namespace bpv
