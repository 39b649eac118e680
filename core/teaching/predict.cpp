#include "teaching/predict.hpp"

#include <algorithm>
#include <cmath>

#include "engine/tensors.hpp"

namespace bpv {
namespace {

// Where the element sits in the output matrix.
Eigen::Index row_of(Buffer b, Element e) {
  if (tensor_info(b).layout == TensorLayout::Edges) return e.row;
  return tensor_info(b).per_example ? e.example : 0;
}

// "new W²₁₂" for what an update writes; "δ²₁ (example 2)" in a batch.
std::string element_symbol(const Scenario& sc, BufferRef w, Element e) {
  const TensorInfo& info = tensor_info(w.buffer);
  std::string s;
  if (info.role == TensorRole::Parameter || w.buffer == Buffer::WeightState || w.buffer == Buffer::BiasState) s = "new ";
  s += element_symbol(sc, w, row_of(w.buffer, e), e.col);
  if (info.per_example && sc.batch_size() > 1) s += " (example " + std::to_string(e.example + 1) + ")";
  return s;
}

}  // namespace

double look_ahead_value(const Stepper& stepper, Element element) {
  const Op& op = stepper.ops()[stepper.cursor()];
  const Element e = clamp_element(op, stepper.state(), element);
  PassState ahead = stepper.state();  // a copy: the engine's state is not touched
  apply_op(op, ahead);
  return buffer_matrix(ahead, op.writes)(row_of(op.writes.buffer, e), e.col);
}

std::optional<PredictQuestion> ask_next_op(const Stepper& stepper, Element element) {
  if (stepper.at_end()) return std::nullopt;
  const Op& op = stepper.ops()[stepper.cursor()];
  PredictQuestion q;
  q.op_index = stepper.cursor();
  q.element = clamp_element(op, stepper.state(), element);
  q.answer = look_ahead_value(stepper, q.element);
  q.symbol = element_symbol(stepper.scenario(), op.writes, q.element);
  // describe() with no "before" takes the op as not yet applied and works the
  // result out from its inputs, which the state already holds.
  const OpText text = describe(op, stepper.state(), nullptr, q.element);
  q.title = text.title;
  q.equation = text.equation;
  q.hidden_numbers = hide_result(text.numbers);
  return q;
}

bool guess_is_right(double guess, double answer) {
  if (!std::isfinite(guess) || !std::isfinite(answer)) return false;
  return std::abs(guess - answer) <= std::max(kPredictAbsTolerance, kPredictRelTolerance * std::abs(answer));
}

std::string hide_result(const std::string& numbers) {
  const std::size_t eq = numbers.rfind(" = ");
  if (eq == std::string::npos) return numbers + " = ?";
  std::size_t end = numbers.find("  (example", eq);
  if (end == std::string::npos) end = numbers.size();
  return numbers.substr(0, eq + 3) + "?" + numbers.substr(end);
}

}  // namespace bpv
