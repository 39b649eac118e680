#include "engine/describe.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "data/batching.hpp"
#include "engine/describe_text.hpp"
#include "engine/op_kind.hpp"
#include "engine/tensors.hpp"

// The symbols every op kind and panel shares, and describe(): the op kinds'
// own equations are in their files (op_kind.hpp lists them).
// [SECTION] symbols  [SECTION] the pieces of describe_text.hpp  [SECTION] describe()

namespace bpv {
namespace {

// ---------------------------------------------------------------- [SECTION] symbols
std::string digits_in(int n, const char* const table[10]) {
  std::string out;
  for (char c : std::to_string(n)) out += c == '-' ? "₋" : table[c - '0'];
  return out;
}

}  // namespace

std::string subscript(int n) {
  static const char* const table[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  return digits_in(n, table);
}

std::string superscript(int n) {
  static const char* const table[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  return digits_in(n, table);
}

std::string layer_symbol(const Scenario& scenario, int l) {
  if (l == 0) return "x";
  if (l == scenario.layer_count()) return "o";
  return "h" + std::to_string(l);
}

std::string neuron_symbol(const Scenario& scenario, int l, int j) {
  // The input layer of a network fed features is labelled by them: x₁², sin x₂.
  const std::vector<Feature>& features = scenario.data.features;
  if (l == 0 && j >= 0 && j < static_cast<int>(features.size())) return feature_label(features[static_cast<std::size_t>(j)]);
  return layer_symbol(scenario, l) + subscript(j + 1);
}

std::string weight_symbol(int l, int i, int j) {
  // W²₁₂ while both indices are single digits; W²₁₂,₃ would be ambiguous, so
  // larger ones get a comma: W¹₁₂,₃.
  const std::string sep = (i + 1 < 10 && j + 1 < 10) ? "" : ",";
  return "W" + superscript(l) + subscript(i + 1) + sep + subscript(j + 1);
}

std::string format_number(double v, int significant) {
  if (v == 0.0) return "0";  // no "-0"
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "∞" : "−∞";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  return buf;
}

// ---------------------------------------------------------------- [SECTION] the pieces of describe_text.hpp
std::string factor(double v, int significant) {
  const std::string s = format_number(v, significant);
  return v < 0 ? "(" + s + ")" : s;
}

std::string example_note(const Scenario& sc, int b) {
  return sc.batch_size() > 1 ? "  (example " + std::to_string(b + 1) + ")" : "";
}

std::string batch_prefix(const Scenario& sc) {
  return sc.batch_size() > 1 ? "(1/" + std::to_string(sc.batch_size()) + ")·" : "";
}

std::string layer_where(const Scenario& sc, int l) {
  return "layer " + std::to_string(l) + " (" + layer_symbol(sc, l) + ")";
}

std::string batch_position(const Scenario& sc) {
  return "epoch " + std::to_string(sc.progress.epoch + 1) + ", mini-batch " +
         std::to_string(sc.progress.step_in_epoch + 1) + " of " +
         std::to_string(steps_per_epoch(sc.train_rows(), sc.data.batching));
}

std::string with_parameter(std::string_view formula, const std::string& param) {
  std::string out;
  const std::string theta = "θ";
  for (std::size_t k = 0; k < formula.size();) {
    if (formula.compare(k, theta.size(), theta) == 0) {
      out += param;
      k += theta.size();
    } else {
      out += formula[k++];
    }
  }
  return out;
}

std::string describe_title(const Op& op, const Scenario& sc) { return op_kind(op.kind).title(op, sc); }

// ---------------------------------------------------------------- [SECTION] describe()
Element clamp_element(const Op& op, const PassState& state, Element e) {
  const Eigen::MatrixXd& out = buffer_matrix(state, op.writes);
  auto clamp = [](int v, Eigen::Index n) { return std::clamp(v, 0, std::max(0, static_cast<int>(n) - 1)); };
  const Buffer b = op.writes.buffer;
  e.example = clamp(e.example, state.scenario.batch_size());
  // A state tensor has its parameter's shape (SGD's velocity may not exist yet).
  const Eigen::MatrixXd& shape =
      b == Buffer::WeightState ? buffer_matrix(state, {Buffer::Weights, op.writes.layer})
      : b == Buffer::BiasState ? buffer_matrix(state, {Buffer::Bias, op.writes.layer})
                               : out;
  const TensorLayout layout = tensor_info(b).layout;
  e.row = layout == TensorLayout::Edges ? clamp(e.row, shape.rows()) : 0;
  e.col = layout == TensorLayout::Scalar ? 0 : clamp(e.col, shape.cols());
  return e;
}

OpText describe(const Op& op, const PassState& state, const Eigen::MatrixXd* before,
                Element e) {
  e = clamp_element(op, state, e);  // any hover is safe
  const OpKindDef& kind = op_kind(op.kind);
  OpText t = kind.describe(op, state, before, e);
  t.title = kind.title(op, state.scenario);
  return t;
}

}  // namespace bpv
