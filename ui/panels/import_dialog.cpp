// File ▸ Import data…, after the path dialog: a preview of the CSV file as
// the app loop read it (file_ui.hpp, ImportPreview), the target columns as
// checkboxes, the importer's options, and what the importer will build.
// Import queues FileAction::ImportCsv; the app loop imports and opens it.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>
#include <string>

#include "panels/file_dialog.hpp"
#include "theme.hpp"

namespace bpv {
namespace {

constexpr const char* kPreviewId = "Import data###import_preview";
// ImGui 1.86's tables hold at most 64 columns: a wider file shows its first
// 63 and its last (where a target usually is); the import takes every column.
constexpr int kColumnsShown = 64;

std::vector<int> shown_columns(const ImportPreview& p) {
  const int n = static_cast<int>(p.columns.size());
  std::vector<int> shown;
  for (int c = 0; c < n && c < kColumnsShown - 1; ++c) shown.push_back(c);
  if (n >= kColumnsShown) shown.push_back(n - 1);
  return shown;
}

struct Choice {
  bool ok = false;
  std::string text;
};

// What core/data/csv_import.cpp's import_table will choose, in the same words.
Choice describe_choice(const ImportPreview& p) {
  int targets = 0, last = -1;
  for (std::size_t c = 0; c < p.is_target.size(); ++c)
    if (p.is_target[c]) ++targets, last = static_cast<int>(c);
  const int inputs = static_cast<int>(p.columns.size()) - targets;
  if (p.columns.empty()) return {false, "nothing to import"};
  if (targets == 0) return {false, "tick at least one target column"};
  if (inputs == 0) return {false, "leave at least one column as an input"};
  // As the import rounds it (the slider shows two decimals): the last ⌊f·N⌋ rows.
  const double fraction = std::round(p.test_fraction * 100.0) / 100.0;
  const int test_rows = static_cast<int>(std::floor(fraction * p.rows));
  const int train_rows = p.rows - test_rows;
  if (train_rows < 1) return {false, "the test fraction leaves no training rows"};
  const bool classify = targets == 1 && p.classes[last] > 0;
  const int outputs = classify ? p.classes[last] : targets;
  char shape[64];
  std::snprintf(shape, sizeof shape, "%d-%d-%d", inputs, p.hidden, outputs);
  std::string text = classify ? "Classification: " + std::to_string(outputs) + " classes in \"" + p.columns[last] +
                                    "\" (one-hot), network " + shape + ", relu then softmax, cross-entropy"
                              : "Regression on " + std::to_string(targets) + " column" + (targets > 1 ? "s" : "") +
                                    ", network " + shape + ", relu then identity, MSE";
  text += "\n" + std::to_string(train_rows) + " training rows, " + std::to_string(test_rows) +
          " test rows (shuffled from the seed), mini-batches of " + std::to_string(std::min(p.batch, train_rows)) +
          ", Adam";
  return {true, text};
}

void draw_table(ImportPreview& p, float s) {
  const std::vector<int> columns = shown_columns(p);
  const int shown = static_cast<int>(columns.size());
  // The header, the checkboxes and the rows shown, plus room for a scroll bar.
  const float height = ImGui::GetTextLineHeightWithSpacing() * (static_cast<float>(p.first_rows.size()) + 1.5f) +
                       ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ScrollbarSize;
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##csv", shown, flags, ImVec2(0.0f, height))) return;
  for (int c : columns) ImGui::TableSetupColumn(p.columns[c].c_str(), ImGuiTableColumnFlags_WidthFixed, 86.0f * s);
  ImGui::TableSetupScrollFreeze(0, 2);
  ImGui::TableHeadersRow();
  // The checkboxes: a target column is what the network learns to output.
  ImGui::TableNextRow();
  for (int k = 0; k < shown; ++k) {
    const int c = columns[k];
    ImGui::TableSetColumnIndex(k);
    ImGui::PushID(c);
    bool target = p.is_target[c] != 0;
    if (ImGui::Checkbox("target", &target)) p.is_target[c] = target ? 1 : 0;
    if (ImGui::IsItemHovered() && p.classes[c] > 0)
      ImGui::SetTooltip("%d distinct integer labels: alone, a class column", p.classes[c]);
    ImGui::PopID();
  }
  for (const std::vector<double>& row : p.first_rows) {
    ImGui::TableNextRow();
    for (int k = 0; k < shown; ++k) {
      ImGui::TableSetColumnIndex(k);
      ImGui::Text("%.6g", row[columns[k]]);
    }
  }
  ImGui::EndTable();
}

void draw_options(ImportPreview& p, float s) {
  const float w = 110.0f * s;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("hidden neurons");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("##hidden", &p.hidden)) p.hidden = std::clamp(p.hidden, 1, 4096);
  ImGui::SameLine();
  ImGui::TextUnformatted("batch");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("##batch", &p.batch)) p.batch = std::clamp(p.batch, 1, 4096);
  ImGui::SameLine();
  ImGui::TextUnformatted("test fraction");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  ImGui::SliderFloat("##test", &p.test_fraction, 0.0f, 0.9f, "%.2f");
  ImGui::SameLine();
  ImGui::TextUnformatted("seed");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("##seed", &p.seed)) p.seed = std::max(p.seed, 0);

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("divide inputs by");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputFloat("##scale", &p.scale, 0.0f, 0.0f, "%g")) p.scale = std::max(p.scale, 0.0f);
  ImGui::SameLine();
  ImGui::TextDisabled("(0: as they are; pixels of 0–16: 16)");
  ImGui::SameLine();
  ImGui::Checkbox("normalize inputs", &p.normalize);
}

}  // namespace

void DrawImportPreview(UiState& ui) {
  FileUiState& files = ui.files;
  const float s = ui.content_scale;
  ImportPreview& p = files.import_preview;
  if (p.open_requested) {
    p.open_requested = false;
    ImGui::OpenPopup(kPreviewId);
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(900.0f * s, vp->WorkSize.x - 40.0f),
                                  std::min(600.0f * s, vp->WorkSize.y - 40.0f)),
                           ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(kPreviewId, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;

  ImGui::TextDisabled("%s", p.path.c_str());
  if (p.columns.empty()) ImGui::TextUnformatted("no table");
  else ImGui::Text("%d rows, %d columns", p.rows, static_cast<int>(p.columns.size()));
  bool reread = ImGui::Checkbox("the first line is a header", &p.header);
  ImGui::SameLine();
  ImGui::TextUnformatted("   skip lines");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110.0f * s);
  if (ImGui::InputInt("##skip", &p.skip_lines)) {
    p.skip_lines = std::clamp(p.skip_lines, 0, 1000000);
    reread = true;
  }
  p.reread = p.reread || reread;
  if (reread) files.requests.push_back(FileRequest{FileAction::PreviewCsv, p.path, false});
  if (!p.error.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", p.error.c_str());

  if (!p.columns.empty()) {
    draw_table(p, s);
    const int n = static_cast<int>(p.columns.size());
    if (n > kColumnsShown)
      ImGui::TextDisabled("%s to %s not shown: imported as inputs", p.columns[kColumnsShown - 1].c_str(), p.columns[n - 2].c_str());
  }
  ImGui::Spacing();
  draw_options(p, s);
  ImGui::Spacing();
  const Choice choice = describe_choice(p);
  if (choice.ok) ImGui::TextUnformatted(choice.text.c_str());
  else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette().bad), "%s", choice.text.c_str());

  const float button_w = 110.0f * s;
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - 2.0f * button_w - style.ItemSpacing.x);
  ImGui::BeginDisabled(!choice.ok || !p.error.empty());
  const bool import = ImGui::Button("Import", ImVec2(button_w, 0));
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();  // for tests/gui/import_test.sh
  ui.edit_rects.emplace_back("import_button", ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool cancel = ImGui::Button("Cancel", ImVec2(button_w, 0)) ||
                      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
  if (import) files.requests.push_back(FileRequest{FileAction::ImportCsv, p.path, false});
  if (import || cancel) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace bpv
