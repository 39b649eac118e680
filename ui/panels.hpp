// Every panel of the window: one DrawXxx() each, in its own file. A panel
// draws what the session publishes inside the rectangle it is given, and
// queues commands; it keeps no copy of engine data.
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

#include "engine/session.hpp"
#include "ui_state.hpp"

namespace bpv {

struct PanelRect {
  ImVec2 pos, size;
};

// The whole window: layout, keyboard shortcuts, then each panel (app_view.cpp).
void DrawApp(const Session& session, UiState& ui, CommandQueue& commands);
// The main menu bar and its shortcuts (menu_bar.cpp); first in DrawApp, so the
// work area below it is what the panels share. Its modals: file_dialog.hpp.
void DrawMenuBar(const Session& session, UiState& ui, CommandQueue& commands);

// "epoch e · mini-batch k of K" (1-based) for a scenario with a data set, else "".
std::string EpochText(const Scenario& scenario);
// Training steps from the start of this one to the end of its epoch (0 without a data set).
long long StepsToEpochEnd(const Scenario& scenario);
void DrawStepControls(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// Which example of the batch the canvas shows, or the batch mean: the
// toolbar's picker, also under a lesson beat (nothing for a batch of one).
void DrawExamplePicker(const Session& session, UiState& ui, float width);
void DrawTimeline(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
void DrawGraphCanvas(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// View ▸ Computational graph: the step's tensors and ops as a graph, drawn
// from the ops' reads and writes (op_graph_canvas.cpp).
void DrawOpGraphCanvas(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// Queues the step once a predict question is answered.
void DrawEquationPanel(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// One step forward, as Space and Step ▶ ask for it: with predict on (and not
// at the end of the step) it first asks for the value the op will write, and
// the equation panel runs the step once answered (equation_panel.cpp).
void StepForwardOrAsk(const Session& session, UiState& ui, CommandQueue& commands);
// Double-click a cell of the W tab to type a new weight or bias (queues an edit).
void DrawMatrixInspector(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// The Edit panel: selected weight/bias, η, loss, optimizer, layers, init, examples (network_editor.cpp).
void DrawNetworkEditor(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// Its optimizer and regularization section: the optimizer, its hyperparameters
// and the L1 / L2 penalty, each change one edit (optimizer_editor.cpp).
void DrawOptimizerEditor(const Session& session, UiState& ui, CommandQueue& commands);
// Its layer forms: add a layer of any kind, change a layer's settings (layer_form.cpp).
void DrawLayerForms(const Session& session, UiState& ui, CommandQueue& commands);
void DrawLossPanel(const Session& session, UiState& ui, PanelRect r);
// The lesson player: beats, next/previous, questions (lesson_panel.cpp).
void DrawLessonPanel(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// Once a frame, whatever is shown: carries out the beat being entered (load,
// train in chunks, jump) through commands (lesson_panel.cpp).
void AdvanceLesson(const Session& session, UiState& ui, CommandQueue& commands);
// The open lesson's beat text with previous/next, in a strip beside the graph
// (shown while the right column shows another tab, and in presenter mode).
void DrawLessonBar(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// A beat's highlights on the canvas (and its cell's layer in the matrix inspector).
void ShowBeatHighlights(UiState& ui, const Beat& beat);
// The lesson recorder (lesson_recorder.cpp), drawn in the Lesson tab while
// ui.lesson.recorder.on: a new lesson from the session's network, or the
// open lesson to edit.
void StartRecording(const Session& session, UiState& ui, bool edit_open_lesson);
void DrawLessonRecorder(const Session& session, UiState& ui);
// One line beside the graph while another tab is shown.
void DrawRecorderStrip(UiState& ui);
// Once a frame, before the panels: last frame's clicks become highlights or the answer.
void TakeRecorderClicks(const Session& session, UiState& ui);
// The app loop wrote the draft to `path` / opened a lesson file.
void LessonSaved(UiState& ui, const std::string& path);
void ShowLesson(UiState& ui, Lesson lesson);
// Each weight's analytic gradient beside its finite difference (gradcheck_panel.cpp).
void DrawGradCheckPanel(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// The gradient check of the current pass' start-of-step weights, computed on a
// worker thread when they change: the per-parameter relative errors, or
// nullptr while it is being computed. The canvas colours edges by it.
struct GradCheckMaps;
const GradCheckMaps* CurrentGradCheckMaps(const Session& session, UiState& ui);
// Whether the Insight panel's decision region is being worked out (its job
// runs): `screenshot` waits for it, as for the gradient check.
bool InsightRegionPending(UiState& ui);
// Green within 1e-6, amber to 1e-3, red beyond, grey for NaN (not checked);
// the table's and the edges' colours, and their key.
ImU32 GradCheckErrorColor(double relative_error);
void DrawGradCheckLegend();
// Views that make one idea visible: gradient size per layer, the decision
// region over the input plane (insight_panel.cpp).
void DrawInsightPanel(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);
// The Data tab: the training and test points over the decision region, the
// generator, the features and the mini-batches (data_panel.cpp).
void DrawDataPanel(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r);

// The same network trained with several optimizers, their loss curves on one
// plot, computed on a worker thread (compare_panel.cpp); while ui.compare.open.
void DrawComparePanel(const Session& session, UiState& ui);
// View ▸ Confusion matrix…, a window over the layout while open (confusion_window.cpp).
void DrawConfusionWindow(const Session& session, UiState& ui, CommandQueue& commands);

// Every key and gesture and how to read the screen, while ui.help_open (F1 or ?).
void DrawHelpOverlay(UiState& ui);

// The next item on this line when `width` fits in what is left of it, else on
// the next line (rows of buttons that wrap on a narrow column); a button's width.
void SameLineIfFits(float width);
float ButtonWidth(const char* label);

// For `screenshot --check-layout`: each window of this frame that cuts its
// content (wider than shown with no horizontal scrollbar), as one line each.
std::vector<std::string> WindowsThatCutText();

// Starts a fixed, untitled-bar-optional panel window at r. Returns whether
// to draw its contents; always pair with ImGui::End().
bool BeginPanel(const char* title, PanelRect r, ImGuiWindowFlags extra = 0);

}  // namespace bpv
