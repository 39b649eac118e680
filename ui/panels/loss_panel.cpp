// The loss: this step's value once the loss op has run, and the history of
// completed training steps as a line plot (ImDrawList; no ImPlot in our
// package set), its y axis with round ticks (core/insight/plot_ticks.hpp), linear or
// logarithmic (right-click the plot). Hover the plot for a step's value. Non-finite losses (a
// diverging net) are left out of the line and counted, so one ∞ cannot
// flatten or break the curve.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "engine/describe.hpp"
#include "panels.hpp"
#include "insight/plot_ticks.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

// The loss phase's text colour: readable on the window in both themes.
ImU32 loss_line_color() { return palette().phase_text[static_cast<int>(Phase::Loss)]; }
ImVec4 warning_color() { return ImGui::ColorConvertU32ToFloat4(palette().bad); }

// The current loss in the large font, and how it compares with the last step.
void draw_current(const Session& session, bool hidden) {
  const Stepper& st = session.stepper();
  const Scenario& sc = session.scenario();
  const int L = sc.layer_count();
  const bool computed = L > 0 && st.is_computed({Buffer::LossValue, L});
  ImGui::PushFont(fonts().large);
  if (computed) {
    const double v = st.state().loss_value();
    const ImU32 color = std::isfinite(v) ? loss_line_color() : ImGui::ColorConvertFloat4ToU32(warning_color());
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::Text("L = %s", hidden ? "?" : format_number(v).c_str());  // hidden: a lesson question asks for it
    ImGui::PopStyleColor();
  } else {
    ImGui::TextUnformatted("L = —");
  }
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  if (!computed) {
    ImGui::TextDisabled("not computed yet in this step");
    return;
  }
  const std::vector<double>& history = session.loss_history();
  const double v = st.state().loss_value();
  if (!history.empty() && std::isfinite(v) && std::isfinite(history.back())) {
    const double change = v - history.back();
    ImGui::TextDisabled("%s %s since step %zu", change <= 0 ? "▼" : "▲", format_number(std::abs(change), 3).c_str(),
                        history.size());
  } else if (st.at_end()) {  // the first point of the curve is one key away
    ImGui::TextDisabled("Space records it and starts step %zu", history.size() + 2);
  } else {
    ImGui::TextDisabled("%s", sc.loss ? std::string(sc.loss->name).c_str() : "");
  }
}

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  std::size_t skipped = 0;  // non-finite values
};

// Same bits: a cached result is reused only for the very same numbers.
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// What the plot derived from the loss history, kept between frames in
// ui.caches: a history can hold millions of steps.
struct Cache {
  Range range;  // of the first range_size values
  std::size_t range_size = 0;
  double range_first = 0.0, range_last = 0.0;
  std::vector<std::pair<double, double>> column;  // each pixel column's min and max
  std::size_t column_n = 0;
  double column_first = 0.0, column_last = 0.0;
};

// The history only grows (or is replaced by a new one): the range is
// extended by the new steps only, not recomputed over the whole history
// every frame.
Range finite_range(Cache& c, const std::vector<double>& values) {
  Range& cached = c.range;
  std::size_t& cached_size = c.range_size;
  double &cached_first = c.range_first, &cached_last = c.range_last;
  std::size_t from = 0;
  if (cached_size > 0 && values.size() >= cached_size && same_bits(values[0], cached_first) &&
      same_bits(values[cached_size - 1], cached_last))
    from = cached_size;
  Range r = from > 0 ? cached : Range{};
  for (std::size_t k = from; k < values.size(); ++k) {
    const double v = values[k];
    if (!std::isfinite(v)) {
      ++r.skipped;
      continue;
    }
    r.lo = std::min(r.lo, v);
    r.hi = std::max(r.hi, v);
  }
  cached = r;
  cached_size = values.size();
  if (!values.empty()) cached_first = values.front(), cached_last = values.back();
  return r;
}

// The curve: one vertex per step, or, with more steps than pixels, the min
// and max of each pixel column, so that no spike is lost when zoomed out.
// A non-finite value breaks the line.
// y: where a loss sits on the axis (log10 of it on a log axis), in r's units.
double axis_value(double v, bool log_y) { return log_y ? std::log10(v) : v; }

void draw_curve(Cache& c, ImDrawList* dl, const std::vector<double>& h, const Range& r, bool log_y, ImVec2 a,
                ImVec2 b, ImU32 color) {
  const int n = static_cast<int>(h.size());
  const float width = b.x - a.x;
  const int buckets = std::max(1, std::min(n, static_cast<int>(width)));
  auto x_of = [&](double k) { return n == 1 ? (a.x + b.x) * 0.5f : a.x + static_cast<float>(k / (n - 1)) * width; };
  auto y_of = [&](double v) {
    return b.y - static_cast<float>((axis_value(v, log_y) - r.lo) / (r.hi - r.lo)) * (b.y - a.y);
  };
  int points = 0;
  ImVec2 last;
  auto add = [&](ImVec2 p) { dl->PathLineTo(p), last = p, ++points; };
  auto flush = [&]() {  // a lone point between gaps is drawn as a dot
    if (points == 1) dl->PathClear(), dl->AddCircleFilled(last, 2.5f, color);
    else dl->PathStroke(color, 0, 2.0f);
    points = 0;
  };
  // Each pixel column's min and max, recomputed only when the history or
  // the width changes (not every frame: a history can hold millions of steps).
  std::vector<std::pair<double, double>>& column = c.column;
  std::size_t& column_n = c.column_n;
  double &column_first = c.column_first, &column_last = c.column_last;
  if (column_n != h.size() || static_cast<int>(column.size()) != buckets || (n > 0 && !same_bits(column_first, h[0])) ||
      (n > 0 && !same_bits(column_last, h[n - 1]))) {
    column.assign(static_cast<std::size_t>(buckets), {std::numeric_limits<double>::infinity(),
                                                      -std::numeric_limits<double>::infinity()});
    for (int bucket = 0; bucket < buckets; ++bucket) {
      const int begin = static_cast<int>(static_cast<long long>(bucket) * n / buckets);
      const int end = static_cast<int>(static_cast<long long>(bucket + 1) * n / buckets);
      auto& [lo, hi] = column[static_cast<std::size_t>(bucket)];
      for (int k = begin; k < end; ++k)
        if (std::isfinite(h[k])) lo = std::min(lo, h[k]), hi = std::max(hi, h[k]);
    }
    column_n = h.size();
    if (n > 0) column_first = h[0], column_last = h[n - 1];
  }
  for (int bucket = 0; bucket < buckets; ++bucket) {
    const int begin = static_cast<int>(static_cast<long long>(bucket) * n / buckets);
    const int end = static_cast<int>(static_cast<long long>(bucket + 1) * n / buckets);
    const auto [lo, hi] = column[static_cast<std::size_t>(bucket)];
    if (lo > hi) {
      flush();
      continue;
    }
    const float x = x_of(0.5 * (begin + end - 1));
    add(ImVec2(x, y_of(hi)));
    if (hi > lo) add(ImVec2(x, y_of(lo)));
  }
  flush();
}

// The epoch-end losses over whole sets: the training set in the forward
// phase's text colour, the test set in the backward phase's (both readable on
// the window in either theme), apart from the mini-batch curve's loss colour.
ImU32 train_set_color() { return palette().phase_text[static_cast<int>(Phase::Forward)]; }
ImU32 test_set_color() { return palette().phase_text[static_cast<int>(Phase::Backward)]; }

// "— mini-batch loss  ● training set  ○ test set": what each mark of the plot
// is. The panel does not scroll, so a line of its own would be a line the
// plot loses: it goes beside the current loss where that line has room, else
// in the plot's top right corner where the plot is tall enough, else nowhere
// (the tooltip still names each value).
struct LegendEntry {
  ImU32 color;
  bool line, hollow;
  const char* text;
};
std::array<LegendEntry, 3> legend_entries() {
  return {{{loss_line_color(), true, false, "mini-batch loss"},
           {train_set_color(), false, false, "training set"},
           {test_set_color(), false, true, "test set"}}};
}
float legend_width() {
  float w = 0.0f;
  for (const LegendEntry& e : legend_entries()) w += ImGui::GetTextLineHeight() + 4.0f + ImGui::CalcTextSize(e.text).x + 12.0f;
  return w - 12.0f;
}
void paint_legend(ImDrawList* dl, ImVec2 p) {
  const float h = ImGui::GetTextLineHeight();
  for (const LegendEntry& e : legend_entries()) {
    const ImVec2 c(p.x + 0.5f * h, p.y + 0.5f * h);
    if (e.line) dl->AddLine(ImVec2(p.x, c.y), ImVec2(p.x + h, c.y), e.color, 2.0f);
    else if (e.hollow) dl->AddCircle(c, 0.28f * h, e.color, 0, 2.0f);
    else dl->AddCircleFilled(c, 0.28f * h, e.color);
    dl->AddText(ImVec2(p.x + h + 4.0f, p.y), palette().text, e.text);
    p.x += h + 4.0f + ImGui::CalcTextSize(e.text).x + 12.0f;
  }
}
// Beside the last item, if it fits; says whether it did.
bool legend_inline() {
  const float w = legend_width();
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + 20.0f + w > right) return false;
  ImGui::SameLine(0.0f, 20.0f);
  paint_legend(ImGui::GetWindowDrawList(), ImGui::GetCursorScreenPos());
  ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
  return true;
}
void legend_in_plot(ImDrawList* dl, ImVec2 a, ImVec2 b) {
  const float h = ImGui::GetTextLineHeight(), w = legend_width();
  if (b.y - a.y < 3.0f * h || b.x - a.x < w + 40.0f) return;
  const ImVec2 p(b.x - w - 10.0f, a.y + 4.0f);
  dl->AddRectFilled(ImVec2(p.x - 4.0f, p.y - 2.0f), ImVec2(b.x - 4.0f, p.y + h + 2.0f), palette().canvas_bg, 3.0f);
  paint_legend(dl, p);
}

void draw_history(const Session& session, UiState& ui, bool legend) {
  const std::vector<double>& h = session.loss_history();
  const std::vector<EpochLoss>& epochs = session.epoch_losses();
  const Palette& pal = palette();
  Cache& cache = ui.caches.get<Cache>();
  Range range = finite_range(cache, h);
  for (const EpochLoss& e : epochs)  // the y axis takes these points too
    for (double v : {e.train, e.test})
      if (std::isfinite(v)) range.lo = std::min(range.lo, v), range.hi = std::max(range.hi, v);
  if (range.skipped > 0)
    ImGui::TextColored(warning_color(), "%zu non-finite loss%s (diverged) left out of the plot",
                       range.skipped, range.skipped == 1 ? "" : "es");

  // The y axis spans the finite values (their log10 on a log axis, which
  // needs every loss above 0); a flat history gets ±0.5 around its value.
  const bool empty = range.lo > range.hi;
  const bool log_y = ui.loss_log_scale && !empty && range.lo > 0.0;
  Range shown = range;
  if (!empty) shown.lo = axis_value(range.lo, log_y), shown.hi = axis_value(range.hi, log_y);
  if (!empty && shown.hi - shown.lo < 1e-12 * std::max(1.0, std::abs(shown.hi))) shown.lo -= 0.5, shown.hi += 0.5;
  const float line_h = ImGui::GetTextLineHeight();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  // Whole pixels, and a little short of the edge: a legend beside the
  // current loss can leave the line a fraction taller than the text.
  ImVec2 avail = ImGui::GetContentRegionAvail();
  avail.y = std::floor(avail.y) - 3.0f;
  // The step labels under the plot go first when the panel is short; a plot
  // too short to read is left out rather than cut by the panel's edge.
  const bool step_labels = avail.y - line_h - 2.0f >= 28.0f;
  const float plot_h = step_labels ? avail.y - line_h - 2.0f : avail.y;
  if (plot_h < 12.0f) return;
  // Round ticks on the y axis, a label's height or more apart, labelled on the left.
  const int max_ticks = std::max(2, static_cast<int>((plot_h - 12.0f) / (1.6f * line_h)));
  const double lo_value = log_y ? std::pow(10.0, shown.lo) : shown.lo;
  const double hi_value = log_y ? std::pow(10.0, shown.hi) : shown.hi;
  const std::vector<double> ticks = empty ? std::vector<double>{}
                                   : log_y ? log_ticks(lo_value, hi_value, max_ticks)
                                           : linear_ticks(lo_value, hi_value, max_ticks);
  std::vector<std::string> tick_text;
  float margin = 6.0f;
  for (double t : ticks) {
    tick_text.push_back(format_number(t, 3));
    margin = std::max(margin, ImGui::CalcTextSize(tick_text.back().c_str()).x + 6.0f);
  }
  const ImVec2 a(origin.x + margin, origin.y), b(origin.x + avail.x, origin.y + plot_h);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, pal.canvas_bg, 3.0f);
  dl->AddRect(a, b, pal.grid, 3.0f);
  ImGui::InvisibleButton("##loss_plot", ImVec2(avail.x, avail.y), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) ui.loss_log_scale = !ui.loss_log_scale;

  if (empty) {  // nothing to plot
    const std::string hint =
        h.empty() ? "No history yet: complete a training step (End, then Space) or train " +
                        std::to_string(ui.train_steps) + " steps (toolbar) to see the curve."
                  : "Every loss so far is non-finite: nothing to plot.";
    // A short plot gets the short hint: the panel does not scroll, and text
    // below its edge would be cut.
    const float wrap_w = b.x - 8.0f - (a.x + 8.0f);
    const bool fits = ImGui::CalcTextSize(hint.c_str(), nullptr, false, wrap_w).y + 6.0f <= plot_h;
    const char* shown_hint = fits ? hint.c_str() : (h.empty() ? "No history yet." : "Only non-finite losses.");
    if (!fits && ImGui::GetTextLineHeight() + 6.0f > plot_h) return;  // not even one line: the empty frame says it
    ImGui::SetCursorScreenPos(ImVec2(a.x + 8.0f, a.y + (fits ? 6.0f : std::max(0.0f, 0.5f * (plot_h - ImGui::GetTextLineHeight())))));
    ImGui::PushTextWrapPos(b.x - 8.0f - ImGui::GetWindowPos().x);
    ImGui::TextDisabled("%s", shown_hint);
    ImGui::PopTextWrapPos();
    return;
  }
  // Inset the curve so the extremes are not drawn on the frame.
  const ImVec2 ca(a.x + 6.0f, a.y + 6.0f), cb(b.x - 6.0f, b.y - 6.0f);
  auto y_at = [&](double v) {
    return cb.y - static_cast<float>((axis_value(v, log_y) - shown.lo) / (shown.hi - shown.lo)) * (cb.y - ca.y);
  };
  dl->PushClipRect(a, b, true);
  for (double t : ticks) dl->AddLine(ImVec2(a.x, std::round(y_at(t))), ImVec2(b.x, std::round(y_at(t))), pal.grid);
  draw_curve(cache, dl, h, shown, log_y, ca, cb, loss_line_color());
  // The epoch-end points at their step on the same axes; a line joins each set's.
  const int n_steps = static_cast<int>(h.size());
  auto point_at = [&](std::size_t step, double v) {
    const float x = n_steps > 1 ? ca.x + (cb.x - ca.x) * static_cast<float>(step - 1) / (n_steps - 1) : 0.5f * (ca.x + cb.x);
    return ImVec2(x, y_at(v));
  };
  for (int set = 0; set < 2; ++set) {
    const ImU32 color = set == 0 ? train_set_color() : test_set_color();
    for (std::size_t k = 0; k < epochs.size(); ++k) {
      const double v = set == 0 ? epochs[k].train : epochs[k].test;
      const double prev = k > 0 ? (set == 0 ? epochs[k - 1].train : epochs[k - 1].test) : NAN;
      if (!std::isfinite(v)) continue;
      const ImVec2 p = point_at(epochs[k].step, v);
      if (std::isfinite(prev)) dl->AddLine(point_at(epochs[k - 1].step, prev), p, color, 1.5f);
      if (set == 0) dl->AddCircleFilled(p, 3.5f, color);
      else dl->AddCircle(p, 3.5f, color, 0, 2.0f);
    }
  }
  // A classifier's accuracy at the epoch ends: squares on a 0–100 % scale of
  // their own, labelled at the right edge.
  bool accuracy = false;
  for (const EpochLoss& e : epochs) accuracy = accuracy || std::isfinite(e.train_accuracy);
  if (accuracy) {
    auto square_at = [&](std::size_t step, double fraction) {
      return ImVec2(point_at(step, 0.0).x, cb.y - static_cast<float>(fraction) * (cb.y - ca.y));
    };
    for (int set = 0; set < 2; ++set) {
      const ImU32 color = set == 0 ? train_set_color() : test_set_color();
      for (const EpochLoss& e : epochs) {
        const double v = set == 0 ? e.train_accuracy : e.test_accuracy;
        if (!std::isfinite(v)) continue;
        const ImVec2 p = square_at(e.step, v);
        if (set == 0) dl->AddRectFilled(ImVec2(p.x - 3.0f, p.y - 3.0f), ImVec2(p.x + 3.0f, p.y + 3.0f), color);
        else dl->AddRect(ImVec2(p.x - 3.0f, p.y - 3.0f), ImVec2(p.x + 3.0f, p.y + 3.0f), color, 0.0f, 0, 1.5f);
      }
    }
    for (const auto& [fraction, label] : {std::pair{1.0, "100 %"}, std::pair{0.0, "0 %"}}) {
      const ImVec2 size = ImGui::CalcTextSize(label);
      const float y = std::clamp(cb.y - static_cast<float>(fraction) * (cb.y - ca.y) - 0.5f * size.y, a.y, b.y - size.y);
      dl->AddText(ImVec2(b.x - size.x - 4.0f, y), pal.text_dim, label);
    }
  }
  if (legend) legend_in_plot(dl, a, b);
  dl->PopClipRect();

  for (std::size_t k = 0; k < ticks.size(); ++k) {
    const float y = std::clamp(y_at(ticks[k]) - line_h * 0.5f, a.y - line_h * 0.5f, b.y - line_h * 0.5f);
    dl->AddText(ImVec2(a.x - 3.0f - ImGui::CalcTextSize(tick_text[k].c_str()).x, y), pal.text_dim, tick_text[k].c_str());
  }
  if (step_labels) {
    const std::string first = "1", last = std::to_string(h.size());
    std::string axis = "training step (" + std::to_string(h.size()) + " completed)" + (log_y ? " · log y" : "");
    // Between the first and last step's labels, or shorter.
    const float room = b.x - a.x - 2.0f * (ImGui::CalcTextSize(last.c_str()).x + 12.0f);
    if (ImGui::CalcTextSize(axis.c_str()).x > room) axis = std::string("training step") + (log_y ? " · log y" : "");
    if (h.size() > 1) {  // one step is drawn in the middle, under the axis title
      dl->AddText(ImVec2(ca.x, b.y + 1.0f), pal.text_dim, first.c_str());
      dl->AddText(ImVec2(cb.x - ImGui::CalcTextSize(last.c_str()).x, b.y + 1.0f), pal.text_dim, last.c_str());
    }
    dl->AddText(ImVec2((a.x + b.x - ImGui::CalcTextSize(axis.c_str()).x) * 0.5f, b.y + 1.0f), pal.text_dim, axis.c_str());
  }
  if (!hovered) return;
  // The step under the mouse: a guide line, its point, its value.
  const int n = static_cast<int>(h.size());
  const float t = n > 1 ? std::clamp((ImGui::GetIO().MousePos.x - ca.x) / (cb.x - ca.x), 0.0f, 1.0f) : 0.0f;
  const int k = static_cast<int>(std::lround(t * (n - 1)));
  const float x = n > 1 ? ca.x + (cb.x - ca.x) * static_cast<float>(k) / (n - 1) : (ca.x + cb.x) * 0.5f;
  dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), pal.text_dim);
  if (std::isfinite(h[k]) && (!log_y || h[k] > 0.0)) dl->AddCircleFilled(ImVec2(x, y_at(h[k])), 4.0f, pal.writes);
  std::string tip = "training step " + std::to_string(k + 1) + "\nL = " + format_number(h[k]);
  for (const EpochLoss& e : epochs)
    if (e.step == static_cast<std::size_t>(k + 1))
    {
      tip += "\nend of epoch " + std::to_string(e.epoch + 1) + ": training set " + format_number(e.train) + ", test set " +
             format_number(e.test);
      if (std::isfinite(e.train_accuracy))
        tip += "\naccuracy (squares, right scale): training " + format_number(100.0 * e.train_accuracy, 4) +
               " %, test " + format_number(100.0 * e.test_accuracy, 4) + " %";
    }
  tip += log_y ? "\n(right-click: linear scale)" : "\n(right-click: log scale)";
  ImGui::SetTooltip("%s", tip.c_str());
}

}  // namespace

void DrawLossPanel(const Session& session, UiState& ui, PanelRect r) {
  const std::string title = "Loss · training step " + std::to_string(session.training_step() + 1) + "###Loss";
  if (BeginPanel(title.c_str(), r, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    const QuantityRef* asked = asked_quantity(ui.lesson);
  draw_current(session, asked && asked->buffer == Buffer::LossValue);
    const bool legend = session.scenario().data.active() && session.scenario().data.has_test_set();
    draw_history(session, ui, legend && !legend_inline());
  }
  ImGui::End();
}

}  // namespace bpv
