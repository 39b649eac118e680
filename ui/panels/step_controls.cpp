// The toolbar: step buttons (the same commands as the keys), play with a
// speed, train N steps on a worker thread, the example shown, and the view toggles.
#include <algorithm>
#include <cstdio>
#include <string>

#include "data/batching.hpp"
#include "engine/describe.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {

std::string EpochText(const Scenario& sc) {
  if (!sc.data.active()) return "";
  const long long per_epoch = steps_per_epoch(sc.train_rows(), sc.data.batching);
  // 1-based on screen: the file's progress counts from 0.
  return "epoch " + std::to_string(sc.progress.epoch + 1) + " · mini-batch " +
         std::to_string(sc.progress.step_in_epoch + 1) + " of " + std::to_string(per_epoch);
}

long long StepsToEpochEnd(const Scenario& sc) {
  if (!sc.data.active()) return 0;
  return steps_per_epoch(sc.train_rows(), sc.data.batching) - sc.progress.step_in_epoch;
}

void DrawExamplePicker(const Session& session, UiState& ui, float width) {
  const Scenario& sc = session.scenario();
  if (sc.batch_size() <= 1) return;
  ImGui::SetNextItemWidth(width);
  const std::string preview = ui.example < 0 ? "batch mean" : "example " + std::to_string(ui.example + 1);
  if (ImGui::BeginCombo("shown", preview.c_str())) {
    if (ImGui::Selectable("batch mean", ui.example < 0)) ui.example = -1;
    for (int b = 0; b < sc.batch_size(); ++b) {
      const std::string item = "example " + std::to_string(b + 1);
      if (ImGui::Selectable(item.c_str(), ui.example == b)) ui.example = b;
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Which example of the batch the neurons show, or the mean over the batch");
}
namespace {

bool button(const char* label, bool enabled, const char* tip) {
  if (!enabled) ImGui::BeginDisabled();
  const bool clicked = ImGui::Button(label);
  if (!enabled) ImGui::EndDisabled();
  if (tip && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tip);
  return clicked && enabled;
}

void draw_step_row(const Session& session, UiState& ui, CommandQueue& commands) {
  const Stepper& st = session.stepper();
  const bool idle = !session.training();
  if (button("|◀ Reset", idle && st.cursor() > 0, "Back to the start of this training step (Home)"))
    commands.push_back(command::Reset{});
  ImGui::SameLine();
  if (button("◀ Back", idle && st.cursor() > 0, "Undo the last op (← or Backspace)"))
    commands.push_back(command::StepBack{});
  ImGui::SameLine();
  const char* step_label = st.at_end() ? "Next training step ▶" : "Step ▶";
  if (button(step_label, idle, st.at_end() ? "Start the next training step with the updated weights (Space)"
                                           : "Run the next op (Space or →)"))
    StepForwardOrAsk(session, ui, commands);
  ImGui::SameLine();
  if (button("Phase ▶▶", idle && !st.at_end(), "Run to the end of the current phase (Shift+→)"))
    commands.push_back(command::RunToPhaseEnd{});
  ImGui::SameLine();
  if (button("End ▶|", idle && !st.at_end(), "Run the whole training step (End)"))
    commands.push_back(command::RunToEnd{});
  ImGui::SameLine();
  if (button(ui.playing ? "■ Pause" : "▶ Play", idle, "Play the ops one by one (P)")) ui.playing = !ui.playing;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(130.0f * ui.content_scale);
  ImGui::SliderFloat("##speed", &ui.ops_per_second, 0.5f, 20.0f, "%.1f ops/s", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("How fast Play runs the ops (drag; Ctrl+click to type)");
  if (!lesson_hides(ui.lesson, "predict")) {
    ImGui::SameLine(0.0f, 16.0f * ui.content_scale);
    ImGui::Checkbox("Predict", &ui.predict.on);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Q: before each single step, type the value the op will write; the app checks it");
  }
  if (ui.predict.on) {
    ImGui::SameLine();
    ImGui::TextDisabled("%d/%d right", ui.predict.score.right, ui.predict.score.asked);
  }

  const Op* last = st.last_op();
  const char* phase = last ? phase_name(last->phase).data() : "not started";
  char where[256];
  const std::string epoch = EpochText(session.scenario());
  std::snprintf(where, sizeof where, "Op %zu / %zu  ·  %s  ·  training step %zu%s%s", st.cursor(), st.op_count(), phase,
                session.training_step() + 1, epoch.empty() ? "" : "  ·  ", epoch.c_str());
  // A narrow window keeps the op and the phase; the loss panel's title has the training step.
  ImGui::SameLine(0.0f, 24.0f * ui.content_scale);
  if (ImGui::CalcTextSize(where).x > ImGui::GetContentRegionAvail().x)
    std::snprintf(where, sizeof where, "Op %zu/%zu · %s%s%s", st.cursor(), st.op_count(), phase,
                  epoch.empty() ? "" : " · ", epoch.c_str());
  if (ImGui::CalcTextSize(where).x > ImGui::GetContentRegionAvail().x)  // the timeline's title has the epoch
    std::snprintf(where, sizeof where, "Op %zu/%zu · %s", st.cursor(), st.op_count(), phase);
  ImGui::TextUnformatted(where);
}

void draw_train_row(const Session& session, UiState& ui, CommandQueue& commands) {
  const float s = ui.content_scale;
  if (lesson_hides(ui.lesson, "training")) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("Training is hidden by the lesson (F9)");
  } else if (session.training()) {
    char label[64];
    std::snprintf(label, sizeof label, "training… %.0f%%", 100.0 * session.training_progress());
    ImGui::ProgressBar(static_cast<float>(session.training_progress()), ImVec2(260.0f * s, 0), label);
    ImGui::SameLine();
    if (button("Cancel", true, "Stop training; the steps done so far are kept"))
      commands.push_back(command::CancelTraining{});
  } else {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Train");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110.0f * s);
    ImGui::InputInt("##steps", &ui.train_steps, 10, 100);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("How many training steps \"steps\" runs (− / + by 10, Ctrl+click by 100)");
    ui.train_steps = std::clamp(ui.train_steps, 1, 1000000);
    ImGui::SameLine();
    if (button("steps", true, "Run this many whole training steps at full speed (no per-op records)"))
      commands.push_back(command::TrainSteps{ui.train_steps});
    // With a data set: the rest of this epoch, this step included, so the
    // next step shown is the first mini-batch of the next epoch.
    if (const long long left = StepsToEpochEnd(session.scenario()); left > 0) {
      ImGui::SameLine();
      const std::string tip = "Train the " + std::to_string(left) + " step" + (left == 1 ? "" : "s") +
                              " left in this epoch (this one included) at full speed";
      if (button("Next epoch", true, tip.c_str()))
        commands.push_back(command::TrainSteps{static_cast<int>(std::min<long long>(left, 1000000))});
      ui.edit_rects.emplace_back("next_epoch", ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                                      ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y));
    }
  }

  const Scenario& sc = session.scenario();
  if (sc.batch_size() > 1) {
    ImGui::SameLine(0.0f, 24.0f * s);
    DrawExamplePicker(session, ui, 150.0f * s);
  }
  ImGui::SameLine(0.0f, 24.0f * s);
  if (button("Fit", true, "Fit the network to the canvas (F)")) ui.fit_requested = true;
  ImGui::SameLine();
  if (button(ui.dark ? "Light theme" : "Dark theme", true,
             "Switch the colours; the light theme reads better on most projectors")) {
    ui.dark = !ui.dark;
    apply_theme(ui.dark, ui.content_scale);
  }
  // The name goes last and only where it fits: the toolbar does not scroll.
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + 24.0f * s + ImGui::CalcTextSize(sc.name.c_str()).x <= right) {
    ImGui::SameLine(0.0f, 24.0f * s);
    ImGui::TextDisabled("%s", sc.name.c_str());
  }
  if (!ui.status.empty() && ImGui::GetTime() < ui.status_until) {
    ImGui::SameLine(0.0f, 24.0f * s);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", ui.status.c_str());
  }
}

}  // namespace

void DrawStepControls(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  if (BeginPanel("##toolbar", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
    draw_step_row(session, ui, commands);
    draw_train_row(session, ui, commands);
  }
  ImGui::End();
}

}  // namespace bpv
