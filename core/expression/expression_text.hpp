// An expression as the editor shows it: plain text, one value per line
// ("x = -2") and one definition per line, and back, with the first problem
// placed at its line and column as the user types.
#pragma once
#include <optional>
#include <string>

#include "expression_graph.hpp"

namespace bpv {

struct ExpressionText {
  std::string values;       // "x = -2\ny = 5"
  std::string definitions;  // "q = x + y\nf = q * z"
  std::string output;       // "" = the last definition
  std::string parameters;   // "w1, w2, b"
};

ExpressionText expression_text(const Expression& expression);

// Where the editor shows a problem: which box, its line (1-based) and column.
struct ExprTextProblem {
  std::string box;  // "values", "definitions", "output", "parameters"
  int line = 0, column = 0;
  std::string problem;
  std::string text() const;  // "definitions, line 2, column 9: expected ')'"
};

// The expression the text describes (name, learning rate and optimizer kept
// from `base`), or the first problem. Blank lines are skipped.
struct ExprTextResult {
  std::optional<Expression> expression;
  std::optional<ExprTextProblem> problem;
};
ExprTextResult parse_expression_text(const ExpressionText& text, const Expression& base);

}  // namespace bpv
