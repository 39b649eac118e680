// The Gradient check tab: every weight's analytic gradient ∂L/∂W (the
// engine's backward pass) beside a central finite difference of the loss, and
// their relative error (core/engine/gradcheck.hpp). The check runs beside the UI
// (core/engine/gradcheck_job.hpp) on a copy of the start-of-step network, only when the weights or the
// data change — a 784-128-64-10 net takes seconds — and the canvas can colour
// its edges by the same errors (ui.gradcheck_edges, graph_canvas.cpp).
#include <cmath>
#include <memory>

#include "engine/describe.hpp"
#include "engine/gradcheck_job.hpp"
#include "engine/scenario_compare.hpp"
#include "panels.hpp"
#include "text_wrap.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// The check shown and the one running, of copies of the start-of-step
// network. Dropping a running job stops it within one parameter
// (gradcheck_job.hpp), so the cache can go with the UiState.
struct Cache {
  std::uint64_t revision = 0;
  Scenario wanted;  // the start-of-step network to show a check of
  bool have_wanted = false;
  std::unique_ptr<GradCheckJob> running;
  std::unique_ptr<GradCheckJob> shown;  // the last finished check
};

// Once a frame from whoever asks first: notice new weights, take in a
// finished job. A job of older weights runs to its end (it is shown, marked
// as older, while the next one runs), then the newest weights are checked.
void update(const Session& session, Cache& c) {
  if (session.revision() != c.revision) {
    c.revision = session.revision();
    if (!c.have_wanted || !same_gradients(c.wanted, session.scenario())) {
      c.wanted = session.scenario();
      c.have_wanted = true;
      if (!c.running) c.running = std::make_unique<GradCheckJob>(c.wanted);
    }
  }
  if (c.running && c.running->ready()) {
    c.shown = std::move(c.running);
    if (!same_gradients(c.shown->scenario(), c.wanted)) c.running = std::make_unique<GradCheckJob>(c.wanted);
  }
}

bool current(const Cache& c) { return c.shown && same_gradients(c.shown->scenario(), c.wanted); }

std::string parameter_symbol(const GradCheckEntry& e) {
  return e.is_bias ? "b" + superscript(e.layer) + subscript(e.col + 1) : weight_symbol(e.layer, e.row, e.col);
}

void color_swatch(ImU32 color) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + h - 4, p.y + h - 2), color, 2.0f);
  ImGui::Dummy(ImVec2(h - 2, h));
  ImGui::SameLine(0.0f, 4.0f);
}

}  // namespace

ImU32 GradCheckErrorColor(double relative_error) {
  if (std::isnan(relative_error)) return IM_COL32(128, 128, 136, 160);  // not checked
  if (relative_error <= kGradCheckTolerance) return IM_COL32(70, 190, 100, 255);
  if (relative_error <= 1e-3) return IM_COL32(235, 180, 40, 255);
  return IM_COL32(230, 60, 60, 255);
}

void DrawGradCheckLegend() {
  color_swatch(GradCheckErrorColor(0.0));
  ImGui::TextUnformatted("agree (≤ 1e-6)");
  ImGui::SameLine(0.0f, 14.0f);
  color_swatch(GradCheckErrorColor(1e-5));
  ImGui::TextUnformatted("suspect (≤ 1e-3)");
  ImGui::SameLine(0.0f, 14.0f);
  color_swatch(GradCheckErrorColor(1.0));
  ImGui::TextUnformatted("wrong");
  ImGui::SameLine(0.0f, 14.0f);
  color_swatch(GradCheckErrorColor(NAN));
  ImGui::TextUnformatted("not checked");
}

const GradCheckMaps* CurrentGradCheckMaps(const Session& session, UiState& ui) {
  Cache& c = ui.caches.get<Cache>();
  update(session, c);
  return current(c) ? &c.shown->maps() : nullptr;
}

void DrawGradCheckPanel(const Session& session, UiState& ui, CommandQueue&, PanelRect r) {
  if (!BeginPanel("##gradcheck_panel", r, ImGuiWindowFlags_NoTitleBar)) {
    ImGui::End();
    return;
  }
  Cache& c = ui.caches.get<Cache>();
  update(session, c);
  ImGui::TextWrapped(
      "Is the backward pass right? Each parameter's gradient from backpropagation (analytic) beside "
      "the slope of the loss measured by nudging that parameter up and down (a central finite "
      "difference), for this training step's starting weights.");
  // Wrapped: on a 1280×800 screen the formula is wider than the panel.
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  TextWrappedAtSpaces("relative error = |analytic − numeric| / max(|analytic|, |numeric|, 1e-4)");
  ImGui::PopStyleColor();
  ImGui::Checkbox("Colour the network's edges by this error", &ui.gradcheck_edges);
  DrawGradCheckLegend();
  ImGui::Separator();

  if (!current(c)) {
    ImGui::TextDisabled("Computing the finite differences… %.0f %%",
                        c.running ? 100.0 * c.running->progress() : 0.0);
    if (!c.shown) {
      ImGui::End();
      return;
    }
    ImGui::TextDisabled("(below: the check of the weights before the last change)");
  }
  const GradCheckResult& res = c.shown->result();
  const std::size_t checked = res.entries.size() + res.skipped_at_kinks;
  if (checked < res.parameter_count)
    ImGui::TextWrapped("A bounded subset: %zu of the %zu parameters (1 in %zu, spread evenly), so the "
                       "check takes seconds, not minutes.",
                       checked, res.parameter_count, (res.parameter_count + checked - 1) / std::max<std::size_t>(1, checked));
  else
    ImGui::Text("All %zu parameters checked (%.0f ms).", res.parameter_count, 1000.0 * c.shown->seconds());
  if (res.skipped_at_kinks > 0)
    ImGui::TextWrapped("%zu left out: nudging them moved a ReLU input across 0, where the slope jumps "
                       "and a finite difference means nothing.",
                       res.skipped_at_kinks);
  if (res.worst >= 0) {
    const GradCheckEntry& w = res.entries[static_cast<std::size_t>(res.worst)];
    const bool ok = res.max_relative_error <= kGradCheckTolerance;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(GradCheckErrorColor(res.max_relative_error)),
                       "%s  largest error %.2e at ∂L/∂%s", ok ? "Backpropagation agrees." : "Mismatch!",
                       res.max_relative_error, parameter_symbol(w).c_str());
  }

  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("##gradcheck_table", 4, flags, ImVec2(0.0f, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("parameter", ImGuiTableColumnFlags_WidthStretch, 0.7f);
    ImGui::TableSetupColumn("analytic ∂L/∂w", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("finite difference", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("relative error", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(res.entries.size()));
    while (clipper.Step())
      for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) {
        const GradCheckEntry& e = res.entries[static_cast<std::size_t>(k)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(parameter_symbol(e).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_number(e.analytic, 8).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_number(e.numeric, 8).c_str());
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(GradCheckErrorColor(e.relative_error)), "%.1e",
                           e.relative_error);
      }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace bpv
