// Predict-then-reveal on an expression graph, as core/teaching/predict.hpp is for a
// network: before the next op runs the student is asked for the number it
// will write; the answer comes from the engine (the op applied to a copy of
// the state), and the question shows the op's numbers with "?" for the result.
#pragma once
#include <optional>
#include <string>

#include "expression_step.hpp"

namespace bpv {

struct ExprPredictQuestion {
  std::size_t op_index = 0;  // the op at the stepper's cursor
  double answer = 0.0;       // what it writes first (a backward op: its first input's gradient)
  std::string symbol;        // "q", "∂f/∂x", "new w1", "t"
  std::string title, equation, hidden_numbers;
};

// nullopt at the end of the step.
std::optional<ExprPredictQuestion> ask_next_expr_op(const ExprStepper& stepper);

}  // namespace bpv
