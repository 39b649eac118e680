// The Insight tab: two views that make one idea visible each.
//   Gradient size per layer: the RMS of ∂L/∂Wˡ of each layer as a bar on a log
//   scale, optionally beside the same network with ReLU hidden layers, so a
//   vanishing gradient is a staircase down towards the input.
//   Decision region (networks with 2 inputs): the output at 100 × 100 points
//   of the input plane (core/insight/decision_grid.hpp, one batched forward pass),
//   drawn as one texture with the training points on top, and recomputed
//   every frame while a training job runs (Session::training_snapshot).
//
// [SECTION] colours  [SECTION] gradient bars
// [SECTION] decision region          [SECTION] DrawInsightPanel()
#include "gl_api.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "canvas/canvas_values.hpp"
#include "insight/decision_grid.hpp"
#include "insight/decision_region_job.hpp"
#include "engine/describe.hpp"
#include "canvas/heatmap_texture.hpp"
#include "insight/layer_gradients.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kGridSize = 100;  // 10 000 forward passes per refresh

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// What the panel derived from the session, kept between frames in ui.caches
// (panel_caches.hpp), which frees the texture before the GL context goes.
struct Cache {
  // The gradient bars: of the start-of-step weights, or the training snapshot's.
  std::uint64_t bars_key = ~0ULL;
  std::vector<LayerGradientSize> sizes, relu_sizes;
  // The decision region.
  std::uint64_t region_key = ~0ULL;
  int snapshot_steps = 0;
  double snapshot_loss = 0.0;
  Scenario training;  // the weights of a running job (a copy sized like the session's)
  DecisionGrid grid;  // its buffers, between jobs
  std::unique_ptr<DecisionRegionJob> job;  // the one running, if any
  bool shown_dark = true;  // the theme the texture was coloured for
  PlaneExtent extent;
  std::vector<std::uint32_t> pixels;
  RegionTexture texture;
  std::vector<float> values;  // the output the colour and the contour follow, per texel
  double out_min = 0.0, out_max = 0.0;  // of o₁ over the grid (one output)
};


std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * 1099511628211ULL + 0x9e3779b97f4a7c15ULL; }

// ---------------------------------------------------------------- [SECTION] colours
// One output: the targets' range [lo, hi] onto the canvas' diverging map (XOR:
// 0 blue, 1 orange, 0.5 neutral). Several outputs: the class with the largest
// output, its colour the stronger the surer the network is.
struct OutputScale {
  double lo = 0.0, hi = 1.0;
  int outputs = 1;
};

OutputScale output_scale(const Scenario& sc) {
  OutputScale s;
  s.outputs = sc.output_size();
  if (s.outputs == 1 && sc.targets.size() > 0) {
    s.lo = sc.targets.minCoeff();
    s.hi = sc.targets.maxCoeff();
    if (!(s.hi > s.lo)) {
      s.lo -= 1.0;
      s.hi += 1.0;
    }
  }
  return s;
}

ImU32 class_color(int k, float strength) {
  static const ImVec4 kClasses[] = {{0.16f, 0.47f, 0.85f, 1}, {0.93f, 0.46f, 0.10f, 1}, {0.30f, 0.70f, 0.35f, 1},
                                    {0.75f, 0.35f, 0.75f, 1}, {0.85f, 0.75f, 0.20f, 1}, {0.35f, 0.75f, 0.80f, 1}};
  const ImVec4 c = kClasses[k % 6];
  const ImVec4 n = theme_is_dark() ? ImVec4(0.20f, 0.21f, 0.25f, 1.0f) : ImVec4(0.93f, 0.93f, 0.95f, 1.0f);
  const float s = std::clamp(strength, 0.0f, 1.0f);
  return ImGui::ColorConvertFloat4ToU32(
      ImVec4(n.x + (c.x - n.x) * s, n.y + (c.y - n.y) * s, n.z + (c.z - n.z) * s, 1.0f));
}

// Colour of one output row (a target or a grid point).
template <class Row>
ImU32 output_color(const OutputScale& s, const Row& row) {
  if (s.outputs == 1) return value_color(2.0 * (row(0) - s.lo) / (s.hi - s.lo) - 1.0, 1.0);
  Eigen::Index k = 0;
  const double top = row.maxCoeff(&k);
  const double sum = row.sum();
  const double share = sum > 0.0 ? top / sum : 1.0;  // softmax: the probability
  const double chance = 1.0 / static_cast<double>(s.outputs);
  return class_color(static_cast<int>(k), static_cast<float>((share - chance) / (1.0 - chance)));
}

// ---------------------------------------------------------------- [SECTION] gradient bars
void draw_gradient_bars(const Scenario& sc, const Cache& c, bool compare, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Palette& pal = palette();
  const Fonts& fo = fonts();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const int L = static_cast<int>(c.sizes.size());
  if (L == 0) return;
  // The log scale: whole decades around every bar.
  double lo = 1e300, hi = 0.0;
  auto take = [&](const std::vector<LayerGradientSize>& v) {
    for (const LayerGradientSize& g : v)
      if (g.rms > 0.0 && std::isfinite(g.rms)) {
        lo = std::min(lo, g.rms);
        hi = std::max(hi, g.rms);
      }
  };
  take(c.sizes);
  if (compare) take(c.relu_sizes);
  if (!(hi > 0.0)) {
    dl->AddText(ImVec2(p0.x, p0.y), pal.text_dim, "All weight gradients are 0.");
    return;
  }
  const int d_lo = static_cast<int>(std::floor(std::log10(lo))), d_hi = std::max(d_lo + 1, static_cast<int>(std::ceil(std::log10(hi))));
  const float small = fo.small->FontSize;
  const float left = p0.x + 44.0f, right = p0.x + size.x - 4.0f;
  const float top = p0.y + small + 6.0f, bottom = p0.y + size.y - small - 6.0f;
  auto y_of = [&](double v) {
    const double t = (std::log10(v) - d_lo) / (d_hi - d_lo);
    return bottom - static_cast<float>(std::clamp(t, 0.0, 1.0)) * (bottom - top);
  };
  char buf[32];
  const int step = (d_hi - d_lo) > 6 ? 2 : 1;
  for (int d = d_lo; d <= d_hi; d += step) {
    const float y = y_of(std::pow(10.0, d));
    dl->AddLine(ImVec2(left, y), ImVec2(right, y), pal.grid, 1.0f);
    std::snprintf(buf, sizeof buf, "1e%d", d);
    dl->AddText(fo.small, small, ImVec2(p0.x, y - 0.5f * small), pal.text_dim, buf);
  }
  const float slot = (right - left) / static_cast<float>(L);
  const int series = compare ? 2 : 1;
  const float bar_w = std::min(36.0f, 0.7f * slot / static_cast<float>(series));
  const ImU32 colors[2] = {palette().phase[2], IM_COL32(70, 150, 230, 255)};
  for (int l = 0; l < L; ++l) {
    const float cx = left + slot * (static_cast<float>(l) + 0.5f);
    for (int s = 0; s < series; ++s) {
      const double v = (s == 0 ? c.sizes : c.relu_sizes)[static_cast<std::size_t>(l)].rms;
      const float x0 = cx - 0.5f * bar_w * static_cast<float>(series) + bar_w * static_cast<float>(s);
      if (v > 0.0 && std::isfinite(v)) {
        const float y = y_of(v);
        dl->AddRectFilled(ImVec2(x0 + 1.0f, y), ImVec2(x0 + bar_w - 1.0f, bottom), colors[s], 2.0f);
        format_compact(v, 2, buf, sizeof buf);
        const float tw = fo.small->CalcTextSizeA(small, 1e9f, 0.0f, buf).x;
        if (tw <= bar_w + 0.25f * slot)
          dl->AddText(fo.small, small, ImVec2(x0 + 0.5f * bar_w - 0.5f * tw, y - small - 1.0f), pal.text, buf);
      }
    }
    const std::string name = "W" + superscript(l + 1);
    const float tw = fo.small->CalcTextSizeA(small, 1e9f, 0.0f, name.c_str()).x;
    dl->AddText(fo.small, small, ImVec2(cx - 0.5f * tw, bottom + 3.0f), pal.text, name.c_str());
  }
  dl->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), pal.text_dim, 1.0f);
  (void)sc;
}

// ---------------------------------------------------------------- [SECTION] decision region
// The texels from the grid's outputs, and the values the contour follows.
void colour_region(const Scenario& sc, const Eigen::MatrixXd& out, Cache& c) {
  const OutputScale s = output_scale(sc);
  c.pixels.resize(static_cast<std::size_t>(out.rows()));
  c.values.resize(static_cast<std::size_t>(out.rows()));
  // One output: the colour map sampled once, then a look-up per texel.
  constexpr int kLut = 512;
  std::array<std::uint32_t, kLut> lut{};
  if (s.outputs == 1)
    for (int k = 0; k < kLut; ++k) lut[static_cast<std::size_t>(k)] = diverging_color(2.0 * k / (kLut - 1) - 1.0);
  const double to_unit = 1.0 / (s.hi - s.lo);
  c.out_min = out.col(0).minCoeff();
  c.out_max = out.col(0).maxCoeff();
  for (Eigen::Index k = 0; k < out.rows(); ++k) {
    if (s.outputs == 1) {
      const double u = (out(k, 0) - s.lo) * to_unit;  // 0 … 1 over the targets' range
      c.pixels[static_cast<std::size_t>(k)] =
          std::isfinite(u) ? lut[static_cast<std::size_t>(std::lround(std::clamp(u, 0.0, 1.0) * (kLut - 1)))]
                           : value_color(NAN, 1.0);
    } else {
      c.pixels[static_cast<std::size_t>(k)] = output_color(s, out.row(k));
    }
    // One output: the contour at the middle of the targets' range (0.5 for XOR).
    c.values[static_cast<std::size_t>(k)] =
        s.outputs == 1 ? static_cast<float>((out(k, 0) - s.lo) / (s.hi - s.lo) - 0.5) : 0.0f;
  }
}

// The line where the output crosses the middle (one output only): marching
// squares over the grid's cell centres.
void draw_boundary(const Cache& c, ImVec2 a, ImVec2 b, int n, ImU32 color) {
  if (static_cast<int>(c.values.size()) != n * n) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float cw = (b.x - a.x) / static_cast<float>(n), ch = (b.y - a.y) / static_cast<float>(n);
  auto at = [&](int r, int col) { return c.values[static_cast<std::size_t>(r) * n + col]; };
  auto pos = [&](float r, float col) { return ImVec2(a.x + (col + 0.5f) * cw, a.y + (r + 0.5f) * ch); };
  for (int r = 0; r + 1 < n; ++r)
    for (int col = 0; col + 1 < n; ++col) {
      const float v[4] = {at(r, col), at(r, col + 1), at(r + 1, col + 1), at(r + 1, col)};
      const float pr[4][2] = {{0, 0}, {0, 1}, {1, 1}, {1, 0}};  // (row, col) offsets of the corners
      ImVec2 cross[4];
      int count = 0;
      for (int e = 0; e < 4; ++e) {
        const int f = (e + 1) % 4;
        if ((v[e] < 0.0f) == (v[f] < 0.0f)) continue;
        const float t = v[e] / (v[e] - v[f]);
        cross[count++] = pos(static_cast<float>(r) + pr[e][0] + t * (pr[f][0] - pr[e][0]),
                             static_cast<float>(col) + pr[e][1] + t * (pr[f][1] - pr[e][1]));
      }
      for (int k = 0; k + 1 < count; k += 2) dl->AddLine(cross[k], cross[k + 1], color, 2.0f);
    }
}

void draw_region(const Session& session, const Cache& c, float side) {
  const Scenario& sc = session.scenario();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Palette& pal = palette();
  const Fonts& fo = fonts();
  const float small = fo.small->FontSize;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  // The left margin holds x₂'s labels: as wide as the wider end value.
  const PlaneExtent& e = c.extent;
  float axis = small + 6.0f;
  for (double v : {e.x2_min, e.x2_max})
    axis = std::max(axis, fo.small->CalcTextSizeA(small, 1e9f, 0.0f, format_number(v, 3).c_str()).x + 2.0f);
  const ImVec2 a(p0.x + axis + 6.0f, p0.y), b(a.x + side, a.y + side);
  ImGui::Dummy(ImVec2(side + axis + 6.0f, side + small + 6.0f));
  if (c.texture.id == 0) return;
  dl->AddImage(c.texture.texture_id(), a, b);
  const OutputScale s = output_scale(sc);
  if (s.outputs == 1) draw_boundary(c, a, b, kGridSize, IM_COL32(255, 255, 255, 200));
  dl->AddRect(a, b, pal.neuron_outline, 0.0f, 0, 1.0f);
  // The training points, filled with their target's colour.
  for (int k = 0; k < sc.batch_size(); ++k) {
    const double u = (sc.inputs(k, 0) - e.x1_min) / (e.x1_max - e.x1_min);
    const double v = (e.x2_max - sc.inputs(k, 1)) / (e.x2_max - e.x2_min);
    const ImVec2 q(a.x + static_cast<float>(u) * side, a.y + static_cast<float>(v) * side);
    dl->AddCircleFilled(q, 7.0f, IM_COL32(255, 255, 255, 255));
    dl->AddCircleFilled(q, 5.0f, output_color(s, sc.targets.row(k)));
    dl->AddCircle(q, 7.5f, IM_COL32(20, 20, 28, 255), 0, 1.5f);
  }
  // Axes: x₁ to the right, x₂ up, with the extent's ends.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s", format_number(e.x1_min, 3).c_str());
  dl->AddText(fo.small, small, ImVec2(a.x, b.y + 2.0f), pal.text_dim, buf);
  std::snprintf(buf, sizeof buf, "%s", format_number(e.x1_max, 3).c_str());
  dl->AddText(fo.small, small, ImVec2(b.x - fo.small->CalcTextSizeA(small, 1e9f, 0, buf).x, b.y + 2.0f),
              pal.text_dim, buf);
  dl->AddText(fo.small, small, ImVec2(0.5f * (a.x + b.x) - 12.0f, b.y + 2.0f), pal.text, "x₁ →");
  dl->AddText(fo.small, small, ImVec2(p0.x, 0.5f * (a.y + b.y) - small), pal.text, "x₂");
  dl->AddText(fo.small, small, ImVec2(p0.x + 2.0f, 0.5f * (a.y + b.y)), pal.text, "↑");
  std::snprintf(buf, sizeof buf, "%s", format_number(e.x2_max, 3).c_str());
  dl->AddText(fo.small, small, ImVec2(p0.x, a.y), pal.text_dim, buf);
  std::snprintf(buf, sizeof buf, "%s", format_number(e.x2_min, 3).c_str());
  dl->AddText(fo.small, small, ImVec2(p0.x, b.y - small), pal.text_dim, buf);
}

// The colour key under the region: one output as a bar from the targets' low
// to high; several as one swatch per class.
void draw_region_key(const Scenario& sc) {
  const OutputScale s = output_scale(sc);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = ImGui::GetTextLineHeight();
  const std::string o = s.outputs == 1 ? neuron_symbol(sc, sc.layer_count(), 0) : "class";
  if (s.outputs == 1) {
    ImGui::Text("%s = %s", o.c_str(), format_number(s.lo, 3).c_str());
    ImGui::SameLine();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    constexpr int kSteps = 12;
    const float w = 90.0f;
    for (int k = 0; k < kSteps; ++k) {
      const double t0 = -1.0 + 2.0 * k / kSteps, t1 = -1.0 + 2.0 * (k + 1) / kSteps;
      dl->AddRectFilledMultiColor(ImVec2(p.x + w * k / kSteps, p.y + 3), ImVec2(p.x + w * (k + 1) / kSteps, p.y + h - 3),
                                  diverging_color(t0), diverging_color(t1), diverging_color(t1), diverging_color(t0));
    }
    ImGui::Dummy(ImVec2(w, h));
    ImGui::SameLine();
    ImGui::Text("%s   white line: %s = %s", format_number(s.hi, 3).c_str(), o.c_str(),
                format_number(0.5 * (s.lo + s.hi), 3).c_str());
  } else {
    for (int k = 0; k < s.outputs && k < 6; ++k) {
      const ImVec2 p = ImGui::GetCursorScreenPos();
      dl->AddRectFilled(ImVec2(p.x, p.y + 3), ImVec2(p.x + h - 6, p.y + h - 3), class_color(k, 1.0f), 2.0f);
      ImGui::Dummy(ImVec2(h - 4, h));
      ImGui::SameLine();
      ImGui::Text("%s", neuron_symbol(sc, sc.layer_count(), k).c_str());
      ImGui::SameLine();
    }
    ImGui::TextDisabled("largest output wins; paler = less sure");
  }
}

// Starts the region's job when the weights shown change (every frame while a
// job trains: its weights move every step; or when asked to, for timing), at
// most one at a time: when it finishes, its picture is coloured and uploaded
// and the newest weights get the next job. Until then the last picture stays.
void refresh_region(const Session& session, UiState& ui, Cache& c) {
  ui.insight_upload_ms = 0.0;
  const Scenario* weights = &session.stepper().state().scenario;  // live: the update ops move them
  std::uint64_t key = session.revision();
  if (session.training()) {
    if (c.training.layer_count() != session.scenario().layer_count()) c.training = session.scenario();
    const int steps = session.training_snapshot(c.training, &c.snapshot_loss);
    if (steps > 0) {
      weights = &c.training;
      key = mix(key, static_cast<std::uint64_t>(steps));
    }
    c.snapshot_steps = steps;
  } else {
    c.snapshot_steps = 0;
  }
  if (c.job && c.job->ready()) {
    const Clock::time_point t0 = Clock::now();
    c.extent = c.job->extent();
    colour_region(c.job->scenario(), c.job->output(), c);
    c.texture.upload(c.pixels, kGridSize);
    c.shown_dark = theme_is_dark();
    ui.insight_grid_ms = c.job->milliseconds();
    ui.insight_upload_ms = ms_since(t0);
    c.grid = c.job->take_grid();
    c.job.reset();
  }
  // The colours follow the theme: a switch recolours what is shown.
  const bool recolour = c.texture.id != 0 && c.shown_dark != theme_is_dark();
  if (c.job || (key == c.region_key && !ui.insight_force_refresh && !recolour)) return;
  c.region_key = key;
  c.job = std::make_unique<DecisionRegionJob>(*weights, extent_around_inputs(weights->inputs), kGridSize,
                                              std::move(c.grid));
}

void refresh_bars(const Session& session, const UiState& ui, Cache& c) {
  const bool snapshot = session.training() && c.snapshot_steps > 0;
  const Scenario& sc = snapshot ? c.training : session.scenario();
  std::uint64_t key = snapshot ? mix(~0ULL, static_cast<std::uint64_t>(c.snapshot_steps))
                               : session.revision();
  key = mix(key, ui.insight_compare_relu ? 1 : 0);
  if (key == c.bars_key) return;
  c.bars_key = key;
  c.sizes = layer_gradient_sizes(sc);
  if (ui.insight_compare_relu) c.relu_sizes = layer_gradient_sizes(with_hidden_activation(sc, "relu"));
}

}  // namespace

bool InsightRegionPending(UiState& ui) { return ui.caches.get<Cache>().job != nullptr; }

// ---------------------------------------------------------------- [SECTION] DrawInsightPanel()
void DrawInsightPanel(const Session& session, UiState& ui, CommandQueue&, PanelRect r) {
  if (!BeginPanel("##insight_panel", r, ImGuiWindowFlags_NoTitleBar)) {
    ImGui::End();
    return;
  }
  Cache& c = ui.caches.get<Cache>();
  const Scenario& sc = session.scenario();
  const bool plane = sc.input_size == 2 && sc.layer_count() > 0;
  if (plane) refresh_region(session, ui, c);
  else ui.insight_grid_ms = ui.insight_upload_ms = 0.0;
  refresh_bars(session, ui, c);

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // Side by side: the region (a square) on the left, the bars on the right;
  // in a narrow column (presenter mode beside the graph) one under the other.
  const bool stacked = avail.x < 30.0f * ImGui::GetFontSize();
  const float side = !plane    ? 0.0f
                     : stacked ? std::max(80.0f, std::min(0.5f * avail.y - 4.0f * line, avail.x - 70.0f))
                               : std::max(80.0f, std::min(avail.y - 4.0f * line - fonts().small->FontSize - 14.0f,
                                                          0.55f * avail.x));
  if (plane) {
    ImGui::BeginGroup();
    ImGui::Text("Decision region of %s", neuron_symbol(sc, sc.layer_count(), 0).c_str());
    if (session.training() && c.snapshot_steps > 0)
      ImGui::TextDisabled("training: step %d, loss %s", c.snapshot_steps, format_number(c.snapshot_loss, 4).c_str());
    else
      ImGui::TextDisabled("%d×%d points, current weights", kGridSize, kGridSize);
    // A flat region is one colour: say how flat, so it does not read as "all 1".
    if (sc.output_size() == 1)
      ImGui::TextDisabled("here %s runs from %s to %s", neuron_symbol(sc, sc.layer_count(), 0).c_str(),
                          format_number(c.out_min, 3).c_str(), format_number(c.out_max, 3).c_str());
    draw_region(session, c, side);
    ImGui::EndGroup();
    if (stacked) draw_region_key(sc);
    else ImGui::SameLine(0.0f, 16.0f);
  }
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x);  // beside the region: its column
  ImGui::TextUnformatted("Gradient size per layer");
  ImGui::TextDisabled("RMS of each layer's ∂L/∂W, log scale");
  ImGui::PopTextWrapPos();
  const float bars_w = std::max(120.0f, ImGui::GetContentRegionAvail().x);
  const float bars_h = stacked ? std::max(90.0f, ImGui::GetContentRegionAvail().y - 3.0f * line)
                               : std::max(90.0f, (plane ? side : avail.y - 5.0f * line) - 2.0f * line);
  // (the region's column has one more line above it than the bars': the range)
  draw_gradient_bars(sc, c, ui.insight_compare_relu, ImVec2(bars_w, bars_h));
  bool compare = ui.insight_compare_relu;
  if (ImGui::Checkbox("beside: same weights, ReLU", &compare)) ui.insight_compare_relu = compare;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Blue bars: this network with every hidden layer's activation replaced by ReLU\n"
                      "(same weights, same data), to compare how far the gradient reaches back");
  if (c.sizes.size() >= 2 && c.sizes.front().rms > 0.0) {
    const double ratio = c.sizes.back().rms / c.sizes.front().rms;
    // "Vanishing" only for a staircase down a deep net (gradients_vanish).
    if (gradients_vanish(c.sizes))
      ImGui::TextWrapped("W¹'s are %.0f× smaller than W%s's, shrinking layer by layer: vanishing.",
                         std::stod(format_number(ratio, 2)), superscript(static_cast<int>(c.sizes.size())).c_str());
    else if (ratio >= 10.0)
      ImGui::TextWrapped("W¹'s are %.0f× smaller than W%s's.", std::stod(format_number(ratio, 2)),
                         superscript(static_cast<int>(c.sizes.size())).c_str());
  }
  ImGui::EndGroup();
  if (plane && !stacked) {
    draw_region_key(sc);  // stacked: it is under the region already
  } else if (!plane) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("The decision region needs a network with 2 inputs (this one has %d).", sc.input_size);
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
}

}  // namespace bpv
