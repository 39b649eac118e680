// View ▸ Compare optimizers…: the network and data of this step's start,
// trained with each ticked optimizer for the same number of steps from zero
// optimizer state, their loss curves on one plot. The training runs on a
// worker thread (core/insight/compare.hpp); this window only asks whether it is
// ready and draws. It changes nothing in the session: each run trains a copy.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "insight/compare.hpp"
#include "engine/describe.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// The job running or done, and which start of a step it trained from.
// Dropping a running job cancels it after its current training step.
struct Cache {
  std::unique_ptr<CompareJob> job;
  std::uint64_t start_id = 0;  // Stepper::start_id() of the network it trained
  std::size_t training_step = 0;
};


// One colour per candidate, from the palette's text colours, so each line
// reads at 4.5:1 on the window in both themes (contrast_pairs(), test_contrast.cpp):
// plain SGD, the baseline, in the text colour; the others in the four phase
// colours (blue, purple, orange, green).
ImU32 run_color(std::size_t k) {
  const Palette& p = palette();
  const ImU32 colors[] = {p.text, p.phase_text[0], p.phase_text[1], p.phase_text[2], p.phase_text[3]};
  return colors[k % 5];
}

void draw_controls(const Session& session, UiState& ui, Cache& c, const std::vector<CompareRun>& runs) {
  CompareUi& cu = ui.compare;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (k > 0) {
      ImGui::SameLine();
      const float w = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(runs[k].label.c_str()).x;
      if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, run_color(k));
    ImGui::Checkbox(runs[k].label.c_str(), &cu.ticked[k]);
    ImGui::PopStyleColor();
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("steps");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110.0f * ui.content_scale);
  ImGui::InputInt("##compare_steps", &cu.steps, 50, 500);
  cu.steps = std::clamp(cu.steps, 1, 10000);
  ImGui::SameLine();
  const bool running = c.job && !c.job->ready();
  if (running) {
    if (ImGui::Button("Cancel")) c.job.reset();
    ImGui::SameLine();
    if (c.job) ImGui::ProgressBar(static_cast<float>(c.job->progress()), ImVec2(-FLT_MIN, 0.0f));
    return;
  }
  std::vector<CompareRun> chosen;
  for (std::size_t k = 0; k < runs.size(); ++k)
    if (cu.ticked[k]) chosen.push_back(runs[k]);
  ImGui::BeginDisabled(chosen.empty());
  const bool train = ImGui::Button("Train and compare");
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();  // for the GUI tests
  ui.edit_rects.emplace_back("compare_train", ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
  if (train) {
    c.job = std::make_unique<CompareJob>(session.scenario(), std::move(chosen), cu.steps);
    c.start_id = session.stepper().start_id();
    c.training_step = session.training_step();
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::Checkbox("log scale", &cu.log_scale);
  ImGui::SameLine();
  ImGui::TextDisabled("η = %s", format_number(session.scenario().learning_rate).c_str());
}

// The curves: one colour per run, the y axis over every finite loss of every
// run (log10 when asked, non-positive values then left out), the steps
// along x; hover for each run's loss at a step.
void draw_plot(const CompareJob& job, UiState& ui) {
  const Palette& pal = palette();
  const auto& curves = job.curves();
  const bool log_y = ui.compare.log_scale;
  auto y_value = [&](double v) { return log_y ? (v > 0 ? std::log10(v) : NAN) : v; };
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& curve : curves)
    for (double v : curve)
      if (const double y = y_value(v); std::isfinite(y)) lo = std::min(lo, y), hi = std::max(hi, y);
  if (lo > hi) {
    ImGui::TextDisabled("No finite loss to plot.");
    return;
  }
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) lo -= 0.5, hi += 0.5;
  auto axis_label = [&](double y) { return format_number(log_y ? std::pow(10.0, y) : y, 4); };
  const std::string hi_text = axis_label(hi), lo_text = axis_label(lo);
  const float margin =
      std::max(ImGui::CalcTextSize(hi_text.c_str()).x, ImGui::CalcTextSize(lo_text.c_str()).x) + 6.0f;
  const float line_h = ImGui::GetTextLineHeight();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 a(origin.x + margin, origin.y),
      b(origin.x + avail.x, origin.y + std::max(60.0f, avail.y - line_h - 4.0f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(a, b, pal.grid, 3.0f);
  ImGui::InvisibleButton("##compare_plot", ImVec2(avail.x, b.y - a.y + line_h + 2.0f));
  const bool hovered = ImGui::IsItemHovered();
  ui.edit_rects.emplace_back("compare_plot", ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));  // for the GUI tests
  const ImVec2 ca(a.x + 6.0f, a.y + 6.0f), cb(b.x - 6.0f, b.y - 6.0f);
  const int n = job.steps();
  auto x_of = [&](double k) { return n <= 1 ? 0.5f * (ca.x + cb.x) : ca.x + static_cast<float>(k / (n - 1)) * (cb.x - ca.x); };
  auto y_of = [&](double y) { return cb.y - static_cast<float>((y - lo) / (hi - lo)) * (cb.y - ca.y); };

  dl->PushClipRect(a, b, true);
  const int columns = std::max(1, static_cast<int>(cb.x - ca.x));
  for (std::size_t r = 0; r < curves.size(); ++r) {
    const std::vector<double>& curve = curves[r];
    const int m = static_cast<int>(curve.size());
    // More steps than pixels: each column's min and max, so no spike is lost.
    const int stride = std::max(1, (n + columns - 1) / columns);
    for (int begin = 0; begin < m; begin += stride) {
      double cmin = INFINITY, cmax = -INFINITY;
      for (int k = begin; k < std::min(m, begin + stride); ++k)
        if (const double y = y_value(curve[k]); std::isfinite(y)) cmin = std::min(cmin, y), cmax = std::max(cmax, y);
      if (cmin > cmax) {  // a gap (non-finite): the line breaks
        dl->PathStroke(run_color(r), 0, 2.0f);
        continue;
      }
      const float x = x_of(begin + 0.5 * (std::min(m, begin + stride) - begin - 1));
      dl->PathLineTo(ImVec2(x, y_of(cmax)));
      if (cmax > cmin) dl->PathLineTo(ImVec2(x, y_of(cmin)));
    }
    dl->PathStroke(run_color(r), 0, 2.0f);
  }
  dl->PopClipRect();

  dl->AddText(ImVec2(origin.x, ca.y - line_h * 0.5f), pal.text_dim, hi_text.c_str());
  dl->AddText(ImVec2(origin.x, cb.y - line_h * 0.5f), pal.text_dim, lo_text.c_str());
  const std::string axis = "training step 1 … " + std::to_string(n) + (log_y ? "   (loss on a log scale)" : "");
  dl->AddText(ImVec2((a.x + b.x - ImGui::CalcTextSize(axis.c_str()).x) * 0.5f, b.y + 1.0f), pal.text_dim, axis.c_str());

  if (!hovered) return;
  const float t = n > 1 ? std::clamp((ImGui::GetIO().MousePos.x - ca.x) / (cb.x - ca.x), 0.0f, 1.0f) : 0.0f;
  const int k = static_cast<int>(std::lround(t * (n - 1)));
  dl->AddLine(ImVec2(x_of(k), a.y), ImVec2(x_of(k), b.y), pal.text_dim);
  std::string tip = "training step " + std::to_string(k + 1);
  for (std::size_t r = 0; r < curves.size(); ++r)
    tip += "\n" + job.runs()[r].label + ": " +
           (k < static_cast<int>(curves[r].size()) ? format_number(curves[r][k], 4) : std::string("(diverged)"));
  ImGui::SetTooltip("%s", tip.c_str());
}

// Each run's colour, name and last loss (or the step it diverged at).
void draw_legend(const CompareJob& job, const std::vector<CompareRun>& candidates) {
  const float h = ImGui::GetTextLineHeight();
  for (std::size_t r = 0; r < job.runs().size(); ++r) {
    const std::vector<double>& curve = job.curves()[r];
    std::size_t k = 0;  // the candidate's index gives the colour the checkbox has
    while (k < candidates.size() && candidates[k].label != job.runs()[r].label) ++k;
    const bool diverged = !curve.empty() && !std::isfinite(curve.back());
    const std::string last = curve.empty() ? "—"
                             : diverged     ? "diverged at step " + std::to_string(curve.size())
                                            : "L = " + format_number(curve.back(), 4);
    const std::string text = job.runs()[r].label + "  " + last;
    // The next entry on this line when it fits, else on the next.
    const float entry_w = 1.5f * h + 4.0f + ImGui::CalcTextSize(text.c_str()).x;
    if (r > 0) {
      ImGui::SameLine(0.0f, 18.0f);
      if (ImGui::GetContentRegionAvail().x < entry_w) ImGui::NewLine();
    }
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y + 0.5f * h), ImVec2(p.x + 1.5f * h, p.y + 0.5f * h),
                                        run_color(k), 3.0f);
    ImGui::Dummy(ImVec2(1.5f * h, h));
    ImGui::SameLine(0.0f, 4.0f);
    ImGui::PushStyleColor(ImGuiCol_Text, run_color(k));
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopStyleColor();
  }
}

}  // namespace

void DrawComparePanel(const Session& session, UiState& ui) {
  if (!ui.compare.open) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float s = ui.content_scale;
  ImGui::SetNextWindowSize(ImVec2(std::min(vp->WorkSize.x - 40.0f, 760.0f * s), std::min(vp->WorkSize.y - 40.0f, 460.0f * s)),
                           ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + 20.0f, vp->WorkPos.y + 20.0f), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowBgAlpha(1.0f);  // the window colour the contrast checks assume, nothing showing through
  if (!ImGui::Begin("Compare optimizers###Compare", &ui.compare.open, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  Cache& c = ui.caches.get<Cache>();
  const std::vector<CompareRun> candidates = compare_candidates();
  ImGui::TextWrapped("The network and data of this step's start, trained with each optimizer from zero state, "
                     "with the scenario's learning rate.");
  draw_controls(session, ui, c, candidates);
  if (!c.job) {
    ImGui::TextDisabled("Tick optimizers, choose the steps, then Train and compare.");
  } else if (!c.job->ready()) {
    ImGui::TextDisabled("Training %zu runs of %d steps…", c.job->runs().size(), c.job->steps());
  } else {
    if (c.start_id != session.stepper().start_id())
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().warn),
                         "From the network at training step %zu; it has changed since: train again to update.",
                         c.training_step + 1);
    draw_legend(*c.job, candidates);
    draw_plot(*c.job, ui);
  }
  ImGui::End();
}

}  // namespace bpv
