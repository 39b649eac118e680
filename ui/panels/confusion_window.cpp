// View ▸ Confusion matrix…: for a classifier, how many examples of each true
// class (rows) the net predicts as each class (columns), on the training or
// the test set, in evaluation mode (core/engine/confusion.hpp). Each cell
// gives its count and its share of the row, coloured by that share (a
// legend says so); a click lists the cell's examples: the images for an
// image input, the inputs' numbers otherwise, with 2-d points ringed on the
// Data tab's plot over the decision region. "as input" puts an example into
// the step (one undoable edit, edit::UseDataPoint) to step through why the
// net got it wrong.
#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/confusion.hpp"
#include "engine/evaluate.hpp"
#include "insight/decision_grid.hpp"
#include "panels.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

struct Cache {
  std::uint64_t key = ~0ULL;
  std::optional<Confusion> matrix;
};

// 0 → the window's colour, 1 → the good colour: the share of the row.
ImU32 share_color(double share) {
  const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  const ImVec4 good = ImGui::ColorConvertU32ToFloat4(palette().good);
  const float t = static_cast<float>(std::clamp(share, 0.0, 1.0)) * 0.75f;
  return ImGui::ColorConvertFloat4ToU32(ImVec4(bg.x + (good.x - bg.x) * t, bg.y + (good.y - bg.y) * t,
                                               bg.z + (good.z - bg.z) * t, 1.0f));
}

void draw_legend(float s) {
  ImGui::TextDisabled("colour: the cell's share of its row");
  ImGui::SameLine();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = 120.0f * s, h = ImGui::GetTextLineHeight();
  for (int k = 0; k < 24; ++k)
    dl->AddRectFilled(ImVec2(p.x + w * static_cast<float>(k) / 24.0f, p.y),
                      ImVec2(p.x + w * static_cast<float>(k + 1) / 24.0f, p.y + h), share_color(k / 23.0));
  ImGui::Dummy(ImVec2(w, h));
  ImGui::SameLine();
  ImGui::TextDisabled("0 → 100 %%");
}

// One example of a cell: an image input as a small picture, else its numbers.
void draw_example(const Scenario& sc, const Eigen::MatrixXd& raw, int row, float s) {
  const Shape img = sc.input_image();
  if (!img.empty() && raw.cols() == img.size()) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float px = std::max(2.0f, 48.0f * s / static_cast<float>(std::max(img.rows, img.cols)));
    const ImVec2 p = ImGui::GetCursorScreenPos();
    double lo = 0.0, hi = 1.0;
    for (Eigen::Index j = 0; j < raw.cols(); ++j) {
      lo = std::min(lo, raw(row, j));
      hi = std::max(hi, raw(row, j));
    }
    const bool dark = theme_is_dark();
    for (int r = 0; r < img.rows; ++r)
      for (int c = 0; c < img.cols; ++c) {
        int g = static_cast<int>(255.0 * (raw(row, r * img.cols + c) - lo) / (hi - lo));
        if (!dark) g = 255 - g;
        dl->AddRectFilled(ImVec2(p.x + static_cast<float>(c) * px, p.y + static_cast<float>(r) * px),
                          ImVec2(p.x + static_cast<float>(c + 1) * px, p.y + static_cast<float>(r + 1) * px),
                          IM_COL32(g, g, g, 255));
      }
    ImGui::Dummy(ImVec2(px * static_cast<float>(img.cols), px * static_cast<float>(img.rows)));
    return;
  }
  std::string text = "(";
  for (Eigen::Index j = 0; j < raw.cols() && j < 6; ++j) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.3g", j ? ", " : "", raw(row, j));
    text += buf;
  }
  ImGui::Text("row %d: %s%s)", row + 1, text.c_str(), raw.cols() > 6 ? ", …" : "");
}

void draw_cell_examples(const Session& session, UiState& ui, CommandQueue& commands, const Confusion& m) {
  ConfusionUi& cu = ui.confusion;
  cu.ringed.clear();
  if (cu.truth < 0 || cu.truth >= m.classes || cu.predicted < 0 || cu.predicted >= m.classes) {
    ImGui::TextDisabled("Click a cell to see its examples.");
    return;
  }
  const Scenario& sc = session.scenario();
  const std::vector<int>& rows = m.cells[static_cast<std::size_t>(cu.truth * m.classes + cu.predicted)];
  ImGui::Text("True class %d, predicted %d: %zu example%s of the %s set", cu.truth, cu.predicted, rows.size(),
              rows.size() == 1 ? "" : "s", cu.test_set ? "test" : "training");
  const Eigen::MatrixXd& raw = cu.test_set ? sc.data.test_raw : training_raw(sc);
  const bool image = !sc.input_image().empty() && raw.cols() == sc.input_image().size();
  if (has_plane_inputs(sc) && sc.data.active()) {
    cu.ringed = rows;
    cu.ringed_test = cu.test_set;
    ImGui::TextDisabled("Ringed on the Data tab's plot, over the decision region.");
    ImGui::SameLine();
    if (ImGui::SmallButton("show the Data tab")) {
      ui.right_tab = right_tab_named("data");
      ui.right_tab_requested = true;
    }
  }
  const bool usable = !session.training();
  const float s = ui.content_scale;
  const int shown = std::min<int>(static_cast<int>(rows.size()), 48);
  const int example = std::max(0, ui.example);
  for (int k = 0; k < shown; ++k) {
    const int row = rows[static_cast<std::size_t>(k)];
    ImGui::PushID(k);
    ImGui::BeginGroup();
    draw_example(sc, raw, row, s);
    if (image) ImGui::TextDisabled("row %d", row + 1);
    else ImGui::SameLine();
    if (usable && ImGui::SmallButton("as input"))
      commands.push_back(command::ApplyEdit{edit::UseDataPoint{example, cu.test_set, row}});
    if (usable && ImGui::IsItemHovered())
      ImGui::SetTooltip("Puts this example, its inputs and its class, into example %d of the step in place of the "
                        "training row it read (one edit, Ctrl+Z undoes it): step it to see what the net makes of it.",
                        example + 1);
    ImGui::EndGroup();
    ImGui::PopID();
    if ((k + 1) % 8 != 0 && image) ImGui::SameLine();
  }
  if (static_cast<int>(rows.size()) > shown) ImGui::TextDisabled("… and %zu more", rows.size() - static_cast<std::size_t>(shown));
}

}  // namespace

void DrawConfusionWindow(const Session& session, UiState& ui, CommandQueue& commands) {
  ConfusionUi& cu = ui.confusion;
  cu.ringed.clear();
  if (!cu.open) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float s = ui.content_scale;
  ImGui::SetNextWindowSize(ImVec2(std::min(vp->WorkSize.x - 40.0f, 620.0f * s), std::min(vp->WorkSize.y - 40.0f, 560.0f * s)),
                           ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + 40.0f, vp->WorkPos.y + 40.0f), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowBgAlpha(1.0f);
  if (!ImGui::Begin("Confusion matrix###Confusion", &cu.open,
                    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_HorizontalScrollbar)) {
    ImGui::End();
    return;
  }
  const Scenario& sc = session.scenario();
  if (ImGui::RadioButton("training set", !cu.test_set)) cu.test_set = false;
  ImGui::SameLine();
  ImGui::BeginDisabled(!sc.data.has_test_set());
  if (ImGui::RadioButton("test set", cu.test_set)) cu.test_set = true;
  ImGui::EndDisabled();
  if (!sc.data.has_test_set()) cu.test_set = false;
  Cache& c = ui.caches.get<Cache>();
  // The weights shown: the live ones, as the step's update ops leave them.
  const std::uint64_t key = session.revision() * 2 + (cu.test_set ? 1 : 0);
  if (key != c.key) {
    c.matrix = confusion_matrix(session.stepper().state().scenario, cu.test_set);
    c.key = key;
  }
  if (!c.matrix) {
    ImGui::TextWrapped("This network is not a classifier (softmax or sigmoid outputs with one-hot or 0/1 targets), "
                       "so it has no classes to confuse.");
    ImGui::End();
    return;
  }
  const Confusion& m = *c.matrix;
  ImGui::Text("%d of %d right (%.1f %%), evaluation mode: running statistics, no dropout", m.right(), m.total(),
              m.total() ? 100.0 * m.right() / m.total() : 0.0);
  draw_legend(s);
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("##confusion", m.classes + 1, flags, ImVec2(0.0f, 0.0f))) {
    ImGui::TableSetupColumn("true \\ predicted");
    for (int p = 0; p < m.classes; ++p) ImGui::TableSetupColumn(std::to_string(p).c_str());
    ImGui::TableHeadersRow();
    for (int t = 0; t < m.classes; ++t) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d  (%d)", t, m.row_total(t));
      for (int p = 0; p < m.classes; ++p) {
        ImGui::TableNextColumn();
        const int n = m.count(t, p), total = m.row_total(t);
        const double share = total ? static_cast<double>(n) / total : 0.0;
        ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, share_color(share));
        char label[48];
        std::snprintf(label, sizeof label, "%d\n%.0f %%##%d_%d", n, 100.0 * share, t, p);
        const bool chosen = cu.truth == t && cu.predicted == p;
        if (ImGui::Selectable(label, chosen, 0, ImVec2(34.0f * s, 0.0f))) {
          cu.truth = t;
          cu.predicted = p;
        }
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip("%d example%s of class %d predicted as %d: %.1f %% of class %d", n, n == 1 ? "" : "s", t, p,
                            100.0 * share, t);
      }
    }
    ImGui::EndTable();
  }
  ImGui::Separator();
  draw_cell_examples(session, ui, commands, m);
  ImGui::End();
}

}  // namespace bpv
