// What the command line prints for an expression (formats.md §7): the trace,
// the worked example in Markdown, and the gradient check.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/describe.hpp"
#include "expression_step.hpp"

namespace bpv {

// {"kind": "expression", "scenario", "output", "value", "values", "grads",
// "values_after", "steps"}: one step op by op.
nlohmann::ordered_json expression_trace_json(const Expression& expression);

// One step as a worked example: the graph, every node's value, every
// gradient with its local rule and the product, every update.
std::string expression_markdown(const Expression& expression);

// Analytic ∂o/∂v for every value v against a central difference with one
// Richardson step (as the network's check), relative error as there.
struct ExprGradCheckEntry {
  std::string name;
  double analytic, numeric, relative_error;
};
struct ExprGradCheckResult {
  std::vector<ExprGradCheckEntry> entries;
  std::size_t value_count = 0;
  std::size_t skipped_at_kinks = 0;  // a probe moved a relu's or abs's input across 0
  double max_relative_error = 0.0;
  int worst = -1;
};
ExprGradCheckResult expression_gradcheck(const Expression& expression);

// Runs one step op by op from `expression`, calling visit(stepper, k, op,
// text) after each op with its words (as the trace, the export and `trace`
// print them).
void walk_expression_step(const Expression& expression,
                          const std::function<void(const ExprStepper&, std::size_t, const ExprStepOp&, const OpText&)>& visit);

// The output's value with the given leaf numbers (values in the file's order), forward only.
double expression_output(const ExpressionGraph& graph, const std::vector<double>& values);

}  // namespace bpv
