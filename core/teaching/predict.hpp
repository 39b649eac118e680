// Predict-then-reveal: before the next op runs, the student is asked for one
// number it is about to write. The answer comes from the engine itself — the
// op is applied by apply_op() to a copy of the pass state, so the UI computes
// no math — and the equation's numbers line is given with "?" for the result.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "engine/describe.hpp"
#include "engine/stepper.hpp"

namespace bpv {

// A guess is right when |guess − answer| ≤ max(kPredictAbsTolerance,
// kPredictRelTolerance·|answer|): 1 % of the value, or 0.001 for values near
// zero — a student working on paper with 3–4 digits gets it right.
inline constexpr double kPredictRelTolerance = 1e-2;
inline constexpr double kPredictAbsTolerance = 1e-3;

struct PredictQuestion {
  std::size_t op_index = 0;  // the op that will write the value: the stepper's cursor
  Element element;           // which element of its output, clamped into its shape
  double answer = 0.0;       // what the op writes there
  std::string symbol;        // what is asked: "z²₁", "h1₂", "∂L/∂W²₁₃", "new b²₁", "L"
  std::string title;         // the op's title (describe_title)
  std::string equation;      // symbolic, as the equation panel shows it
  std::string hidden_numbers;  // the numbers line with "?" for the result
};

// The question for the next op at the stepper's cursor, for `element` (the
// one the equation panel would show); nullopt at the end of the step and
// before a draw (the mini-batch's rows, a dropout mask: chance, not a sum a
// student works out), which the app steps over.
std::optional<PredictQuestion> ask_next_op(const Stepper& stepper, Element element);

bool guess_is_right(double guess, double answer);

// The describe() numbers line with its result replaced by "?": the text after
// the last " = " up to an "(example k)" note. "z²₁ = 0.1×0.2 + 0.3 = 0.32"
// → "z²₁ = 0.1×0.2 + 0.3 = ?".
std::string hide_result(const std::string& numbers);

// Right answers out of questions answered in one training step.
struct PredictScore {
  int asked = 0;
  int right = 0;
  void record(bool was_right) {
    ++asked;
    if (was_right) ++right;
  }
};

}  // namespace bpv
