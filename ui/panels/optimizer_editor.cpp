// The Edit panel's optimizer and regularization (formats.md §4): the
// optimizer's name, its hyperparameters from the optimizer's own field table
// (so a new optimizer shows up here with no change to this file), and the L1
// / L2 penalty. Each committed change queues one command::ApplyEdit with the
// whole spec, so it is one undo step; the engine refuses a value outside the
// loader's range and says why (shown at the top of the panel).
#include <algorithm>
#include <string>

#include "engine/describe.hpp"
#include "optimizers/optimizer.hpp"
#include "panels.hpp"
#include "panels/value_input.hpp"

namespace bpv {
namespace {

void push(CommandQueue& commands, Edit e) { commands.push_back(command::ApplyEdit{std::move(e)}); }

void publish_rect(UiState& ui, std::string name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ui.edit_rects.emplace_back(std::move(name), ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
}

// Starts the next "label [field]" pair on this line when it fits, else on a new one.
void next_pair(bool first, float pair_w) {
  if (first) return;
  ImGui::SameLine(0.0f, ImGui::GetStyle().ItemSpacing.x * 3.0f);
  if (ImGui::GetContentRegionAvail().x < pair_w) ImGui::NewLine();
}

// "keeps m, v per weight and bias · t = 3": what the state holds now.
std::string state_summary(const Scenario& sc) {
  if (is_plain_sgd(sc.optimizer)) return "plain SGD keeps no state: θ ← θ − η·∂L/∂θ";
  const std::array<bool, kStateSlotCount> keep = kept_state(sc.optimizer);
  std::string names;
  for (int s = 0; s < kStateSlotCount; ++s)
    if (keep[s]) names += (names.empty() ? "" : ", ") + std::string(state_slot_symbol(StateSlot(s)));
  return "keeps " + names + " per weight and bias · t = " + format_number(sc.optimizer_state.step());
}

void draw_optimizer(const Session& session, UiState& ui, CommandQueue& commands) {
  const Scenario& sc = session.scenario();
  // "" (no optimizer in the file) is plain SGD: the combo shows it as sgd.
  const OptimizerSpec current = sc.optimizer.name.empty() ? default_spec(*find_optimizer("sgd")) : sc.optimizer;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("optimizer");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110.0f * ui.content_scale);
  if (ImGui::BeginCombo("##optimizer", current.name.c_str())) {
    for (const Optimizer* o : all_optimizers()) {
      const std::string name(o->name);
      if (ImGui::Selectable(name.c_str(), name == current.name) && name != current.name)
        push(commands, edit::SetOptimizer{default_spec(*o)});
      publish_rect(ui, "optimizer_" + name);
    }
    ImGui::EndCombo();
  }
  publish_rect(ui, "optimizer");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Another optimizer starts from zero state (t = 0); changing a\n"
                      "hyperparameter keeps the state, as PyTorch does.");

  // Its hyperparameters, in its table's order.
  const Optimizer* optimizer = find_optimizer(current.name);
  const float field_w = 80.0f * ui.content_scale;
  bool first = true;
  ImGui::SameLine();
  for (const OptimizerField& f : optimizer->fields) {
    const std::string symbol(field_symbol(f.name));
    const float pair_w = ImGui::CalcTextSize(symbol.c_str()).x + ImGui::GetStyle().ItemSpacing.x +
                         (f.flag ? ImGui::GetFrameHeight() : field_w);
    next_pair(first, pair_w);
    first = false;
    ImGui::PushID(f.name.data(), f.name.data() + f.name.size());
    OptimizerSpec next = current;
    if (f.flag) {
      bool on = current.*f.flag;
      if (ImGui::Checkbox(symbol.c_str(), &on)) {
        next.*f.flag = on;
        push(commands, edit::SetOptimizer{next});
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: %s", symbol.c_str(), on ? "on" : "off");
    } else {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(symbol.c_str());
      ImGui::SameLine();
      ImGui::SetNextItemWidth(field_w);
      double v = 0.0;
      if (EditValue("##v", current.*f.number, &v, ui)) {
        next.*f.number = v;
        // Nesterov needs momentum: turning momentum off turns it off too.
        if (f.number == &OptimizerSpec::momentum && v == 0.0 && current.name == "sgd") next.nesterov = false;
        push(commands, edit::SetOptimizer{next});
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s (%s in the file) %s", symbol.c_str(), std::string(f.name).c_str(), range_text(f).c_str());
    }
    publish_rect(ui, "opt_" + std::string(f.name));
    ImGui::PopID();
  }
  ImGui::TextDisabled("%s", state_summary(sc).c_str());
}

// none / L2 / L1 / L1 + L2, and λ of each term in use.
void draw_regularization(const Session& session, UiState& ui, CommandQueue& commands) {
  const Regularization reg = session.scenario().regularization;
  constexpr double kDefaultLambda = 0.001;
  const char* const kinds[] = {"none", "L2", "L1", "L1 + L2"};
  const int kind = (reg.l2 != 0.0 ? 1 : 0) + (reg.l1 != 0.0 ? 2 : 0);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("penalty");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110.0f * ui.content_scale);
  if (ImGui::BeginCombo("##regularization", kinds[kind])) {
    for (int k = 0; k < 4; ++k) {
      if (ImGui::Selectable(kinds[k], k == kind) && k != kind) {
        Regularization next;  // a term kept keeps its λ; a new one starts at kDefaultLambda
        if (k & 1) next.l2 = reg.l2 != 0.0 ? reg.l2 : kDefaultLambda;
        if (k & 2) next.l1 = reg.l1 != 0.0 ? reg.l1 : kDefaultLambda;
        push(commands, edit::SetRegularization{next});
      }
      publish_rect(ui, std::string("regularization_") + kinds[k]);
    }
    ImGui::EndCombo();
  }
  publish_rect(ui, "regularization");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("L = data loss + (λ₂/2)·Σ W² + λ₁·Σ |W|, over every weight, never the biases");
  const float field_w = 80.0f * ui.content_scale;
  for (int term = 0; term < 2; ++term) {
    const bool l2 = term == 0;
    if ((l2 ? reg.l2 : reg.l1) == 0.0) continue;
    const char* label = l2 ? "L2 λ" : "L1 λ";
    next_pair(false, ImGui::CalcTextSize(label).x + field_w + ImGui::GetStyle().ItemSpacing.x);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field_w);
    double v = 0.0;
    if (EditValue(l2 ? "##l2" : "##l1", l2 ? reg.l2 : reg.l1, &v, ui)) {
      Regularization next = reg;
      (l2 ? next.l2 : next.l1) = v;
      push(commands, edit::SetRegularization{next});
    }
    publish_rect(ui, l2 ? "reg_l2" : "reg_l1");
  }
}

}  // namespace

void DrawOptimizerEditor(const Session& session, UiState& ui, CommandQueue& commands) {
  draw_optimizer(session, ui, commands);
  draw_regularization(session, ui, commands);
}

}  // namespace bpv
