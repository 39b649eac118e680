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

std::optional<PredictQuestion> ask_next_op(const Stepper& stepper, Element element) {
  if (stepper.at_end()) return std::nullopt;
  const Op& op = stepper.ops()[stepper.cursor()];
  if (tensor_info(op.writes.buffer).role == TensorRole::Data) return std::nullopt;  // a draw
  PredictQuestion q;
  q.op_index = stepper.cursor();
  q.element = clamp_element(op, stepper.state(), element);
  q.symbol = element_symbol(stepper.scenario(), op.writes, q.element);
  // The op run on a copy (the engine's state is not touched): its value, and
  // its words as the equation panel shows them after the reveal, the result
  // hidden.
  PassState ahead = stepper.state();
  const Eigen::MatrixXd before = buffer_matrix(ahead, op.writes);
  apply_op(op, ahead);
  q.answer = buffer_matrix(ahead, op.writes)(row_of(op.writes.buffer, q.element), q.element.col);
  const OpText text = describe(op, ahead, &before, q.element);
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
