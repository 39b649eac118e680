// The graph canvas's hover tooltips: every number of the neuron or edge under
// the mouse, each row's label in the current op's read or write colour, and
// for an edge in the update phase its step and old → new value (from
// parameter_step(), the engine's one place for it).
#include <string>

#include "engine/describe.hpp"
#include "canvas/graph_canvas_frame.hpp"
#include "optimizers/optimizer.hpp"
#include "engine/parameter_step.hpp"

namespace bpv::canvas {
namespace {

// A row of the tooltip's table, its label in the op's read/write colour when
// the current op touches that buffer.
void row(const char* label, const std::string& value, Role role = Role::None) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  if (role != Role::None)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(role_color(palette(), role)), "%s", label);
  else
    ImGui::TextUnformatted(label);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(value.c_str());
}

Role role_of(const Stepper& st, BufferRef ref) {
  const Op* op = st.last_op();
  if (!op) return Role::None;
  if (op->writes == ref) return Role::Write;
  for (int r = 0; r < op->read_count; ++r)
    if (op->reads[static_cast<std::size_t>(r)] == ref) return Role::Read;
  return Role::None;
}

int op_index(const Stepper& st, OpKind kind, int layer) {
  for (std::size_t k = 0; k < st.op_count(); ++k)
    if (st.ops()[k].kind == kind && st.ops()[k].layer == layer) return static_cast<int>(k);
  return -1;
}

const std::string kNotYet = "· (not computed yet)";

void neuron_tooltip(const Frame& f, int l, int j) {
  const Stepper& st = f.st;
  const PassState& ps = st.state();
  const Scenario& sc = f.sc;
  const int ex = f.values.example, batch = sc.batch_size();
  if (l > 0 && !sc.layers[static_cast<std::size_t>(l - 1)].dense()) {
    layer_neuron_tooltip(f, l, j);
    return;
  }
  const std::string name = neuron_symbol(sc, l, j), L = superscript(l), J = subscript(j + 1);
  if (l == 0)
    ImGui::Text("%s: input %d", name.c_str(), j + 1);
  else
    ImGui::Text("%s: layer %d (%s), neuron %d", name.c_str(), l,
                sc.layers[static_cast<std::size_t>(l - 1)].activation->symbol.data(), j + 1);
  if (batch > 1)
    ImGui::TextDisabled(
        "%s", ex < 0
                  ? ("per-example values: the mean of the " + std::to_string(batch) + " examples").c_str()
                  : ("per-example values: example " + std::to_string(ex + 1) + " of " + std::to_string(batch))
                        .c_str());
  if (!ImGui::BeginTable("##neuron", 2, ImGuiTableFlags_SizingFixedFit)) return;
  auto value = [&](Buffer b) -> std::string {
    if (!st.is_computed(BufferRef{b, l})) return kNotYet;
    return format_number(example_value(buffer_matrix(ps, BufferRef{b, l}), ex, j));
  };
  if (l == 0) {
    row(("x" + J + " (input)").c_str(), format_number(example_value(sc.inputs, ex, j)),
        role_of(st, {Buffer::Input, 0}));
  } else {
    row(("z" + L + J + " = Σᵢ " + f.symbols[static_cast<std::size_t>(l - 1)] + "ᵢ·W" + L + "ᵢ" + J + " + b" +
         L + J)
            .c_str(),
        value(Buffer::PreActivation), role_of(st, {Buffer::PreActivation, l}));
    row((name + " = " + std::string(sc.layers[static_cast<std::size_t>(l - 1)].activation->symbol) + "(z" +
         L + J + ")")
            .c_str(),
        value(Buffer::Activation), role_of(st, {Buffer::Activation, l}));
    if (l == sc.layer_count())
      row(("y" + J + " (target)").c_str(), format_number(example_value(sc.targets, ex, j)),
          role_of(st, {Buffer::Target, l}));
    row(("∂L/∂" + name).c_str(), value(Buffer::GradActivation), role_of(st, {Buffer::GradActivation, l}));
    row(("δ" + L + J + " = ∂L/∂z" + L + J).c_str(), value(Buffer::Delta), role_of(st, {Buffer::Delta, l}));
    // The bias and its gradient belong to the whole batch.
    const double b_now = sc.layers[static_cast<std::size_t>(l - 1)].bias(0, j);
    const int k = op_index(st, OpKind::UpdateBias, l);
    std::string bias = format_number(b_now);
    if (k >= 0 && static_cast<std::size_t>(k) < st.cursor())
      bias = format_number(st.value_before(static_cast<std::size_t>(k))(0, j)) + " → " +
             format_number(b_now, 8) + " (updated)";
    row(("b" + L + J + " (bias)").c_str(), bias, role_of(st, {Buffer::Bias, l}));
    const bool grad = st.is_computed(BufferRef{Buffer::GradBias, l});
    const double gb = ps.layers[static_cast<std::size_t>(l - 1)].grad_bias(0, j);
    row(("∂L/∂b" + L + J + (batch > 1 ? " = Σ_b δ" : " = δ") + L + J).c_str(),
        grad ? format_number(gb) : kNotYet, role_of(st, {Buffer::GradBias, l}));
    Eigen::MatrixXd step;
    if (grad && parameter_step(st, BufferRef{Buffer::Bias, l}, step)) {
      const bool applied = k >= 0 && static_cast<std::size_t>(k) < st.cursor();
      row("step Δb", format_number(step(0, j)) + (applied ? "" : " (not applied yet)"));
    }
  }
  ImGui::EndTable();
}

void edge_tooltip(const Frame& f, int l, int i, int j) {
  const Stepper& st = f.st;
  const PassState& ps = st.state();
  const Scenario& sc = f.sc;
  const int batch = sc.batch_size(), ex = f.values.example;
  const std::string w_sym = weight_symbol(l, i, j), from = neuron_symbol(sc, l - 1, i),
                    to = neuron_symbol(sc, l, j);
  const std::string delta = "δ" + superscript(l) + subscript(j + 1);
  ImGui::Text("%s: the weight from %s to %s", w_sym.c_str(), from.c_str(), to.c_str());
  if (!ImGui::BeginTable("##edge", 2, ImGuiTableFlags_SizingFixedFit)) return;
  const double w = sc.layers[static_cast<std::size_t>(l - 1)].weights(i, j);
  const int k = op_index(st, OpKind::UpdateWeights, l);
  const bool applied = k >= 0 && static_cast<std::size_t>(k) < st.cursor();
  row(("w = " + w_sym).c_str(), format_number(w, applied ? 8 : 5) + (applied ? " (updated)" : ""),
      role_of(st, {Buffer::Weights, l}));

  const Eigen::MatrixXd& a_prev = ps.activation(l - 1);
  const bool a_done = l == 1 || st.is_computed(BufferRef{Buffer::Activation, l - 1});
  if (a_done && (f.values.phase == Phase::Forward || f.values.phase == Phase::Loss)) {
    const double a = example_value(a_prev, ex, i);
    row(("carries " + from + "·" + w_sym + " into z" + superscript(l) + subscript(j + 1)).c_str(),
        format_number(a) + " × " + format_number(w) + " = " + format_number(a * w) +
            (batch > 1 && ex < 0 ? " (batch mean of " + from + ")" : ""));
  }

  const bool grad = st.is_computed(BufferRef{Buffer::GradWeights, l});
  const double g = ps.layers[static_cast<std::size_t>(l - 1)].grad_weights(i, j);
  if (!grad) {
    row(("∂L/∂" + w_sym).c_str(), kNotYet, role_of(st, {Buffer::GradWeights, l}));
  } else {
    // The chain rule with its numbers: ∂L/∂w = δ_j · a_i, summed over the batch.
    const Eigen::MatrixXd& d = ps.layers[static_cast<std::size_t>(l - 1)].delta;
    std::string product;
    if (batch == 1) {
      product = "= " + delta + " · " + from + " = " + format_number(d(0, j)) + " × " +
                format_number(a_prev(0, i)) + " = " + format_number(g);
    } else {
      product = "= Σ_b " + delta + " · " + from + " = ";
      for (int b = 0; b < batch; ++b) {
        if (batch > 4 && b == 3) {
          product += "… + ";
          b = batch - 1;
        }
        product += factor(d(b, j), 4) + "×" + factor(a_prev(b, i), 4) + (b + 1 < batch ? " + " : "");
      }
      product += " = " + format_number(g);
    }
    row(("∂L/∂" + w_sym).c_str(), product, role_of(st, {Buffer::GradWeights, l}));
    // The step from the engine (parameter_step.hpp): new − old, or plain
    // SGD's −η·∂L/∂w before it runs; another optimizer's is known once it ran.
    Eigen::MatrixXd steps;
    const bool known = parameter_step(st, BufferRef{Buffer::Weights, l}, steps);
    if (known && is_plain_sgd(sc.optimizer)) {
      row("step −η·∂L/∂w", "−" + format_number(sc.learning_rate) + " × " + factor(g) + " = " + format_number(steps(i, j)));
    } else if (known) {
      row(("step (" + std::string(sc.optimizer.name) + ")").c_str(), format_number(steps(i, j)));
    }
    if (applied) {
      const double old = st.value_before(static_cast<std::size_t>(k))(i, j);
      row("old → new", format_number(old) + " → " + format_number(w, 8), role_of(st, {Buffer::Weights, l}));
    } else if (known) {
      row("old → new", format_number(w) + " → " + format_number(w + steps(i, j), 8) + " (when op " +
                           std::to_string(k + 1) + " runs)");
    } else {
      row("old → new", format_number(w) + " → · (when op " + std::to_string(k + 1) + " runs)");
    }
  }
  ImGui::EndTable();
}

}  // namespace

void draw_tooltip(const Frame& f) {
  if (f.hover.kind == CanvasItem::Kind::None) return;
  ImGui::BeginTooltip();
  // Every number of the item a lesson question asks about would give the answer away.
  const bool asked = f.asked && f.hover.layer == f.asked->layer &&
                     (f.hover.kind == CanvasItem::Kind::Neuron ? f.hover.j == f.asked->col
                                                               : f.hover.i == f.asked->row && f.hover.j == f.asked->col);
  if (asked)
    ImGui::TextUnformatted("The lesson asks about this one: answer first, then hover again.");
  else if (f.hover.kind == CanvasItem::Kind::Neuron)
    neuron_tooltip(f, f.hover.layer, f.hover.j);
  else
    edge_tooltip(f, f.hover.layer, f.hover.i, f.hover.j);
  ImGui::EndTooltip();
}

}  // namespace bpv::canvas
