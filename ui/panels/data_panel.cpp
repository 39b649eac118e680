// The Data tab (formats.md §5): what the network learns from.
//   The plot: training points filled, test points hollow, blue / orange by
//   class (or by value for regression), the current mini-batch ringed once the
//   mini-batch op has run, the confusion matrix's listed cell ringed in the
//   lesson colour, over the decision region of the current weights
//   (core/insight/decision_grid.hpp; with features each grid point goes in as its
//   features). Left click adds a point, right click removes the nearest.
//   The controls: the generator and Regenerate, the seven features, the
//   mini-batches. Every change is an edit command (core/engine/edits.hpp), so undo works.
//
// [SECTION] colours and geometry  [SECTION] decision region  [SECTION] plot
// [SECTION] controls              [SECTION] DrawDataPanel()
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

#include "data/batching.hpp"
#include "insight/decision_grid.hpp"
#include "engine/describe.hpp"
#include "canvas/heatmap_texture.hpp"
#include "engine/ops.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

constexpr int kGridSize = 80;

// ---------------------------------------------------------------- [SECTION] colours and geometry
// Class 0 and class 1 are the two ends of the app's diverging map (blue,
// orange), as the canvas colours negative and positive values.
ImU32 class_fill(int cls) { return diverging_color(cls == 1 ? 1.0 : -1.0); }

// A regression target's colour: its place in the training targets' range.
struct ValueRange {
  double lo = 0.0, hi = 1.0;
};
ValueRange target_range(const DataSet& d) {
  ValueRange r;
  if (d.train_targets.size() == 0) return r;
  r.lo = d.train_targets.col(0).minCoeff();
  r.hi = d.train_targets.col(0).maxCoeff();
  if (!(r.hi > r.lo)) {
    r.lo -= 1.0;
    r.hi += 1.0;
  }
  return r;
}
double to_unit(const ValueRange& r, double v) { return std::clamp(2.0 * (v - r.lo) / (r.hi - r.lo) - 1.0, -1.0, 1.0); }

ImU32 point_fill(const Scenario& sc, bool classes, const ValueRange& range, const Eigen::MatrixXd& targets,
                 Eigen::Index row) {
  if (classes) return class_fill(target_class(sc, targets, row));
  return diverging_color(to_unit(range, targets(row, 0)));
}

// The plane shown: every training and test point, with a margin.
PlaneExtent plot_extent(const DataSet& d) {
  Eigen::MatrixXd all(d.train_raw.rows() + d.test_raw.rows(), 2);
  all.topRows(d.train_raw.rows()) = d.train_raw.leftCols(2);
  if (d.test_raw.rows() > 0) all.bottomRows(d.test_raw.rows()) = d.test_raw.leftCols(2);
  return extent_around_inputs(all, 0.08);
}

struct PlotFrame {
  ImVec2 a, b;  // the square on screen
  PlaneExtent e;
  ImVec2 to_screen(double x1, double x2) const {
    return ImVec2(a.x + static_cast<float>((x1 - e.x1_min) / (e.x1_max - e.x1_min)) * (b.x - a.x),
                  a.y + static_cast<float>((e.x2_max - x2) / (e.x2_max - e.x2_min)) * (b.y - a.y));
  }
  Eigen::Vector2d to_plane(ImVec2 p) const {
    return {e.x1_min + (p.x - a.x) / (b.x - a.x) * (e.x1_max - e.x1_min),
            e.x2_max - (p.y - a.y) / (b.y - a.y) * (e.x2_max - e.x2_min)};
  }
};

// ---------------------------------------------------------------- [SECTION] decision region
// Kept between frames in ui.caches (panel_caches.hpp), which frees the
// texture before the GL context goes.
struct Cache {
  std::uint64_t key = ~0ULL;
  DecisionGrid grid;
  std::vector<std::uint32_t> pixels;
  RegionTexture texture;
};

// The region's colour at one grid point: paler than the points, so they stay
// readable on it. One output: its place in the targets' range; two: o₂ − o₁.
// `range` is the targets' range; for classes, that of the class targets.
ImU32 region_color(const ValueRange& range, const Eigen::MatrixXd& out, Eigen::Index k) {
  double t = 0.0;
  if (out.cols() >= 2) t = std::clamp(out(k, 1) - out(k, 0), -1.0, 1.0);
  else t = to_unit(range, out(k, 0));
  return blend_over(diverging_color(t, 0.45f), palette().canvas_bg);
}

void refresh_region(const Session& session, Cache& c, const PlaneExtent& e, bool classes, const ValueRange& range) {
  const Scenario& weights = session.stepper().state().scenario;  // live: the update ops move them
  const std::uint64_t key = (session.revision() * 1099511628211ULL) ^ (theme_is_dark() ? 1 : 2);
  if (key == c.key && c.texture.id != 0) return;
  c.key = key;
  const Eigen::MatrixXd& out = c.grid.evaluate(weights, e, kGridSize);
  c.pixels.resize(static_cast<std::size_t>(kGridSize) * kGridSize);
  // Once per refresh, not per texel: a pass over the training targets.
  const ValueRange shown =
      classes && out.cols() < 2 ? ValueRange{std::min(0.0, weights.data.train_targets.minCoeff()), 1.0} : range;
  for (Eigen::Index k = 0; k < out.rows(); ++k)
    c.pixels[static_cast<std::size_t>(k)] = region_color(shown, out, k);
  c.texture.upload(c.pixels, kGridSize);
}

// ---------------------------------------------------------------- [SECTION] plot
// Which training rows the current mini-batch took, once the mini-batch op ran.
std::vector<char> batch_flags(const Session& session) {
  const Scenario& sc = session.scenario();
  std::vector<char> flags(static_cast<std::size_t>(sc.data.train_rows()), 0);
  if (!session.stepper().is_computed(BufferRef{Buffer::BatchRows})) return flags;
  const Eigen::MatrixXd& rows = session.stepper().state().batch_rows;
  for (Eigen::Index k = 0; k < rows.size(); ++k) {
    const auto r = static_cast<std::size_t>(rows(0, k));
    if (r < flags.size()) flags[r] = 1;
  }
  return flags;
}

void draw_plot(const Session& session, UiState& ui, CommandQueue& commands, float side, bool editable) {
  const Scenario& sc = session.scenario();
  const DataSet& d = sc.data;
  const Palette& pal = palette();
  const Fonts& fo = fonts();
  const float small = fo.small->FontSize;
  const bool classes = has_class_targets(sc);
  const ValueRange range = target_range(d);
  PlotFrame f;
  f.e = plot_extent(d);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float axis = small * 2.2f;
  f.a = ImVec2(p0.x + axis, p0.y);
  f.b = ImVec2(f.a.x + side, f.a.y + side);
  ImGui::SetCursorScreenPos(f.a);
  ImGui::InvisibleButton("##data_plot", ImVec2(side, side), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  ui.edit_rects.emplace_back("data_plot", ImVec4(f.a.x, f.a.y, side, side));
  ImGui::SetCursorScreenPos(ImVec2(p0.x, f.b.y));
  ImGui::Dummy(ImVec2(side + axis, small + 6.0f));

  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(f.a, f.b, true);
  dl->AddRectFilled(f.a, f.b, pal.canvas_bg);
  if (has_plane_inputs(sc)) {
    Cache& c = ui.caches.get<Cache>();
    refresh_region(session, c, f.e, classes, range);
    if (c.texture.id != 0) dl->AddImage(c.texture.texture_id(), f.a, f.b);
  }
  const float r = std::max(3.0f, small * 0.28f);
  const ImU32 outline = theme_is_dark() ? IM_COL32(235, 235, 240, 255) : IM_COL32(20, 20, 28, 255);
  // Test points hollow, under the training points; the batch ringed on top.
  for (Eigen::Index k = 0; k < d.test_raw.rows(); ++k) {
    const ImVec2 q = f.to_screen(d.test_raw(k, 0), d.test_raw(k, 1));
    dl->AddCircle(q, r + 0.5f, point_fill(sc, classes, range, d.test_targets, k), 0, 2.0f);
  }
  for (Eigen::Index k = 0; k < d.train_raw.rows(); ++k) {
    const ImVec2 q = f.to_screen(d.train_raw(k, 0), d.train_raw(k, 1));
    dl->AddCircleFilled(q, r, point_fill(sc, classes, range, d.train_targets, k));
    dl->AddCircle(q, r, outline, 0, 1.0f);
  }
  const std::vector<char> in_batch = batch_flags(session);
  for (std::size_t k = 0; k < in_batch.size(); ++k)
    if (in_batch[k]) {
      const ImVec2 q = f.to_screen(d.train_raw(static_cast<Eigen::Index>(k), 0), d.train_raw(static_cast<Eigen::Index>(k), 1));
      dl->AddCircle(q, r + 3.5f, pal.writes, 0, 2.5f);
    }
  // The examples of the cell the confusion matrix lists (true class t, predicted p).
  const Eigen::MatrixXd& confused = ui.confusion.ringed_test ? d.test_raw : d.train_raw;
  for (const int k : ui.confusion.ringed)
    if (k >= 0 && k < confused.rows()) dl->AddCircle(f.to_screen(confused(k, 0), confused(k, 1)), r + 6.0f, pal.lesson, 0, 2.0f);
  dl->PopClipRect();
  dl->AddRect(f.a, f.b, pal.neuron_outline);

  // Axes: x₁ to the right, x₂ up, with the ends of the plane shown.
  auto text_w = [&](const std::string& t) { return fo.small->CalcTextSizeA(small, 1e9f, 0.0f, t.c_str()).x; };
  const std::string x1lo = format_number(f.e.x1_min, 2), x1hi = format_number(f.e.x1_max, 2);
  dl->AddText(fo.small, small, ImVec2(f.a.x, f.b.y + 2.0f), pal.text_dim, x1lo.c_str());
  dl->AddText(fo.small, small, ImVec2(f.b.x - text_w(x1hi), f.b.y + 2.0f), pal.text_dim, x1hi.c_str());
  dl->AddText(fo.small, small, ImVec2(0.5f * (f.a.x + f.b.x) - text_w("x₁ →") * 0.5f, f.b.y + 2.0f), pal.text, "x₁ →");
  dl->AddText(fo.small, small, ImVec2(p0.x, 0.5f * (f.a.y + f.b.y) - small), pal.text, "x₂");
  dl->AddText(fo.small, small, ImVec2(p0.x + 2.0f, 0.5f * (f.a.y + f.b.y)), pal.text, "↑");
  const std::string x2lo = format_number(f.e.x2_min, 2), x2hi = format_number(f.e.x2_max, 2);
  dl->AddText(fo.small, small, ImVec2(f.a.x - text_w(x2hi) - 2.0f, f.a.y), pal.text_dim, x2hi.c_str());
  dl->AddText(fo.small, small, ImVec2(f.a.x - text_w(x2lo) - 2.0f, f.b.y - small), pal.text_dim, x2lo.c_str());

  if (!editable || !hovered) return;
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    const Eigen::Vector2d x = f.to_plane(m);
    const double label = classes ? ui.data.click_class : ui.data.click_value;
    commands.push_back(command::ApplyEdit{edit::AddDataPoint{x(0), x(1), label, ui.data.click_test}});
  } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
    // The nearest point on screen, training or test, within a few radii.
    float best = (3.0f * r + 6.0f) * (3.0f * r + 6.0f);
    int index = -1;
    bool test = false;
    for (int set = 0; set < 2; ++set) {
      const Eigen::MatrixXd& raw = set == 0 ? d.train_raw : d.test_raw;
      for (Eigen::Index k = 0; k < raw.rows(); ++k) {
        const ImVec2 q = f.to_screen(raw(k, 0), raw(k, 1));
        const float dd = (q.x - m.x) * (q.x - m.x) + (q.y - m.y) * (q.y - m.y);
        if (dd < best) {
          best = dd;
          index = static_cast<int>(k);
          test = set == 1;
        }
      }
    }
    if (index >= 0) commands.push_back(command::ApplyEdit{edit::RemoveDataPoint{index, test}});
  } else {
    ImGui::SetTooltip("x₁ = %s, x₂ = %s\nleft click: add a point   right click: remove the nearest",
                      format_number(f.to_plane(m)(0), 3).c_str(), format_number(f.to_plane(m)(1), 3).c_str());
  }
}

// ---------------------------------------------------------------- [SECTION] controls
// Items that flow like words: the next one goes on the same line where it fits
// in the column, else on the next (a narrow column must not cut a checkbox).
void flow(float next_width) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + st.ItemSpacing.x + next_width <= right) ImGui::SameLine();
}
float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

void generator_controls(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  DataUi& du = ui.data;
  // The draft follows the scenario's generator whenever that changes (an
  // edit, an undo, another file), and keeps what was typed otherwise.
  if (sc.data.generator != du.draft_of) {
    if (sc.data.generator) du.draft = *sc.data.generator;
    du.draft_of = sc.data.generator;
  }
  ImGui::TextUnformatted("Data set");
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::BeginCombo("##generator", du.draft.name.c_str())) {
    for (const std::string& g : generator_names()) {
      const std::string item = g + (is_regression(g) ? "  (regression)" : "");
      if (ImGui::Selectable(item.c_str(), g == du.draft.name)) du.draft.name = g;
    }
    ImGui::EndCombo();
  }
  // The slider takes what the longest label leaves of the column.
  const float w = std::max(ImGui::GetFontSize() * 4.0f, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("test part").x -
                                                             ImGui::GetStyle().ItemInnerSpacing.x - 2.0f);
  ImGui::SetNextItemWidth(w);
  ImGui::SliderInt("samples", &du.draft.samples, 10, 2000, "%d", ImGuiSliderFlags_AlwaysClamp);
  float noise = static_cast<float>(du.draft.noise);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("noise", &noise, 0.0f, 0.5f, "%.2f", ImGuiSliderFlags_AlwaysClamp)) du.draft.noise = noise;
  float test = static_cast<float>(du.draft.test_fraction);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("test part", &test, 0.0f, 0.9f, "%.2f", ImGuiSliderFlags_AlwaysClamp)) du.draft.test_fraction = test;
  int seed = static_cast<int>(du.draft.seed);
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("seed##data", &seed)) du.draft.seed = static_cast<std::uint64_t>(std::max(0, seed));
  if (ImGui::Button("Regenerate")) commands.push_back(command::ApplyEdit{edit::SetDataGenerator{du.draft}});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("New points from these settings; training starts over at step 0");
  ui.edit_rects.emplace_back("data_regenerate", ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                                       ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y));
}

void feature_controls(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  const DataSet& d = sc.data;
  const int raw = d.active() ? d.raw_size : sc.input_size;
  ImGui::TextUnformatted("Features (the network's inputs)");
  if (raw != 2) {
    ImGui::TextDisabled("for data with two raw inputs x₁, x₂");
    return;
  }
  std::vector<Feature> now = d.features;
  if (now.empty()) now = {Feature{Feature::Kind::Raw, 0, 0}, Feature{Feature::Kind::Raw, 1, 0}};
  int k = 0;
  for (const Feature& f : playground_features()) {
    const auto it = std::find(now.begin(), now.end(), f);
    bool on = it != now.end();
    const std::string label = feature_label(f) + "##feature" + std::to_string(k);
    if (k > 0) flow(checkbox_width(label.c_str()));
    const bool last = on && now.size() == 1;  // a network needs one input
    ImGui::BeginDisabled(last);
    if (ImGui::Checkbox(label.c_str(), &on)) {
      std::vector<Feature> next;
      // Playground's order, so the input layer reads the same way every time.
      for (const Feature& g : playground_features())
        if ((g == f) ? on : std::find(now.begin(), now.end(), g) != now.end()) next.push_back(g);
      commands.push_back(command::ApplyEdit{edit::SetFeatures{next}});
    }
    ImGui::EndDisabled();
    ui.edit_rects.emplace_back("data_feature_" + feature_name(f),
                               ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y, ImGui::GetItemRectSize().x,
                                      ImGui::GetItemRectSize().y));
    ++k;
  }
}

void batching_controls(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  const std::optional<Batching>& b = sc.data.batching;
  DataUi& du = ui.data;
  ImGui::TextUnformatted("Mini-batches");
  bool on = b.has_value();
  if (ImGui::Checkbox("mini-batches", &on))
    commands.push_back(command::ApplyEdit{edit::SetBatching{on ? std::optional<Batching>(Batching{std::min(10, sc.train_rows()), true, 0})
                                                              : std::nullopt}});
  if (!b) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("off: every step takes the whole training set");
    ImGui::PopTextWrapPos();
    return;
  }
  if (!du.batch_dragging) du.batch_size = b->size;
  ImGui::SetNextItemWidth(std::max(ImGui::GetFontSize() * 4.0f, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("batch size").x -
                                                                     ImGui::GetStyle().ItemInnerSpacing.x - 2.0f));
  ImGui::SliderInt("batch size", &du.batch_size, 1, std::max(2, std::min(sc.train_rows(), kMaxBatch)), "%d",
                   ImGuiSliderFlags_AlwaysClamp);
  du.batch_dragging = ImGui::IsItemActive();
  if (ImGui::IsItemDeactivatedAfterEdit() && du.batch_size != b->size) {
    Batching next = *b;
    next.size = du.batch_size;
    commands.push_back(command::ApplyEdit{edit::SetBatching{next}});
  }
  bool shuffle = b->shuffle;
  if (ImGui::Checkbox("shuffle", &shuffle)) {
    Batching next = *b;
    next.shuffle = shuffle;
    commands.push_back(command::ApplyEdit{edit::SetBatching{next}});
  }
  if (b->shuffle) {
    flow(ImGui::GetFontSize() * 6.0f + ImGui::CalcTextSize("seed").x + ImGui::GetStyle().ItemInnerSpacing.x);
    int seed = static_cast<int>(b->seed);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
    if (ImGui::InputInt("seed##batching", &seed) && seed >= 0) {
      Batching next = *b;
      next.seed = static_cast<std::uint64_t>(seed);
      commands.push_back(command::ApplyEdit{edit::SetBatching{next}});
    }
  }
}

void click_controls(const Session& session, UiState& ui) {
  const Scenario& sc = session.scenario();
  const int raw = sc.data.active() ? sc.data.raw_size : sc.input_size;
  if (raw != 2) return;
  DataUi& du = ui.data;
  ImGui::TextUnformatted("A left click on the plot adds");
  const float h = ImGui::GetTextLineHeight();
  if (has_class_targets(sc)) {
    for (int cls = 0; cls < 2; ++cls) {
      const char* label = cls == 0 ? "class 0##click" : "class 1##click";
      if (cls > 0) flow(h + 2.0f + checkbox_width(label));
      // The swatch, then the radio button: the colour the point will have.
      const ImVec2 p = ImGui::GetCursorScreenPos();
      ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + 0.5f * h, p.y + 0.5f * ImGui::GetFrameHeight()),
                                                  0.32f * h, class_fill(cls));
      ImGui::Dummy(ImVec2(h, ImGui::GetFrameHeight()));
      ImGui::SameLine(0.0f, 2.0f);
      if (ImGui::RadioButton(label, du.click_class == cls)) du.click_class = cls;
    }
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5.0f);
    ImGui::InputFloat("value##click", &du.click_value, 0.0f, 0.0f, "%.2f");
  }
  flow(checkbox_width("to the test set"));
  ImGui::Checkbox("to the test set", &du.click_test);
  ImGui::TextDisabled("right click: remove the nearest");
}

// "N training / M test rows · batch size S · K steps per epoch" and where training stands.
void status_lines(const Session& session) {
  const Scenario& sc = session.scenario();
  const DataSet& d = sc.data;
  const int n = sc.train_rows();
  const long long per_epoch = steps_per_epoch(n, d.batching);
  const int batch = d.batching ? std::min(d.batching->size, n) : n;
  // Wrapped: the narrowest column (1024 × 768) takes these in two lines.
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextWrapped("%d training / %d test rows · batch size %d · %lld step%s per epoch", n,
                     static_cast<int>(d.test_raw.rows()), batch, per_epoch, per_epoch == 1 ? "" : "s");
  ImGui::TextWrapped("epoch %lld, mini-batch %lld of %lld", sc.progress.epoch + 1, sc.progress.step_in_epoch + 1, per_epoch);
  // A classifier: how many of each set it gets right, evaluated at the last epoch's end.
  const std::vector<EpochLoss>& epochs = session.epoch_losses();
  if (!epochs.empty() && std::isfinite(epochs.back().train_accuracy))
    ImGui::TextWrapped("accuracy after epoch %lld: training %s %%, test %s %%", epochs.back().epoch + 1,
                       format_number(100.0 * epochs.back().train_accuracy, 4).c_str(),
                       format_number(100.0 * epochs.back().test_accuracy, 4).c_str());
  if (d.generator)
    ImGui::TextWrapped("%s, seed %llu; filled: training, hollow: test", d.generator->name.c_str(),
                        static_cast<unsigned long long>(d.generator->seed));
  else
    ImGui::TextDisabled("rows from the file; filled: training, hollow: test");
  ImGui::PopTextWrapPos();
}

}  // namespace

// ---------------------------------------------------------------- [SECTION] DrawDataPanel()
void DrawDataPanel(const Session& session, UiState& ui, CommandQueue& commands, PanelRect r) {
  if (!BeginPanel("##data_panel", r, ImGuiWindowFlags_NoTitleBar)) {
    ImGui::End();
    return;
  }
  const Scenario& sc = session.scenario();
  const bool editable = !session.training();
  if (!sc.data.active()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextWrapped("This scenario has no data set: its %d example%s are the whole batch.", sc.batch_size(),
                       sc.batch_size() == 1 ? "" : "s");
    ImGui::TextDisabled("Regenerate below makes one (a network with 2 inputs); features or mini-batches turn these rows into one.");
    ImGui::PopTextWrapPos();
  } else {
    status_lines(session);
  }
  ImGui::BeginDisabled(!editable);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // Side by side where the column is wide, else the plot above the controls.
  const bool wide = avail.x > 34.0f * ImGui::GetFontSize();
  const bool plot = sc.data.active() && sc.data.raw_size >= 2;
  if (plot) {
    const float axis = fonts().small->FontSize * 2.2f;
    const float side = wide ? std::max(120.0f, std::min(avail.y - line - 8.0f, avail.x * 0.5f - axis))
                            : std::max(120.0f, std::min(avail.x - axis - 8.0f, 0.6f * avail.y));
    ImGui::BeginGroup();
    draw_plot(session, ui, commands, side, editable && sc.data.raw_size == 2);
    ImGui::EndGroup();
    if (wide) ImGui::SameLine(0.0f, 14.0f);
  }
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(0.0f);  // every line of the controls wraps at the column's edge
  ImGui::PushItemWidth(-FLT_MIN);
  generator_controls(session, ui, commands);
  ImGui::Separator();
  feature_controls(session, ui, commands);
  ImGui::Separator();
  batching_controls(session, ui, commands);
  ImGui::Separator();
  click_controls(session, ui);
  ImGui::PopItemWidth();
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  ImGui::EndDisabled();
  ImGui::End();
}

}  // namespace bpv
