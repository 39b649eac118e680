// A scalar expression graph (formats.md §7): the file's values and
// definitions, and the graph of nodes they make. Every operator application
// is a node; values are leaves; the nodes are in an order where each comes
// after its inputs (values first, then each definition's nodes in turn), so
// the forward pass walks them in order and the backward pass in reverse.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "optimizers/optimizer_state.hpp"
#include "expression_operators.hpp"

namespace bpv {

// formats.md §7's limits.
inline constexpr int kMaxExprNamed = 256;       // values and definitions together
inline constexpr int kMaxExprNodes = 1024;
inline constexpr int kMaxExprDefinitionChars = 1024;
inline constexpr int kMaxExprNesting = 64;      // parentheses
inline constexpr int kMaxExprNameChars = 32;

// What the file says: the expression as the user wrote it, and what
// training carries from one step to the next (the values, the optimizer's t
// and state per parameter).
struct Expression {
  std::string name, description;
  std::vector<std::string> value_names;  // in the file's order
  std::vector<double> values;            // the same order
  std::vector<std::string> definitions;  // "name = expression", verbatim
  std::string output;                    // "" = the last definition
  std::vector<std::string> parameters;   // names of values that learn
  double learning_rate = 0.01;
  OptimizerSpec optimizer;               // name "" = plain SGD
  double step = 0.0;                     // the optimizer's t: updates made so far
  std::vector<ParamState> optimizer_state;  // per parameter, 1 × 1 tensors

  int value_index(std::string_view name) const;  // −1 if not a value
};

struct ExprNode {
  ExprOpKind kind = ExprOpKind::Value;
  int a = -1, b = -1;   // inputs (node indices)
  double number = 0.0;  // a constant's number, or a power's exponent p
  std::string name;     // a value's or a definition's name; "" inside a definition
  std::string label;    // its name, a constant's number, or its text in the definition ("x1w1 + x2w2")
  int definition = -1;  // the definition it belongs to; −1 for values
  int column = 0;       // where its text starts in that definition, 1-based
  int value = -1;       // a value's index in Expression::values
};

struct ExpressionGraph {
  std::vector<ExprNode> nodes;
  int output = -1;
  std::vector<int> parameters;  // each parameter's node, in the file's order
  std::vector<int> named;       // values, then definitions: the nodes the trace lists by name
  int find(std::string_view name) const;  // a named node, −1 if none
  bool is_parameter(int node) const;
};

// What is wrong with an expression, in the loader's terms: the field
// ("definitions[2]", "output", "parameters[0]"), the column in that
// definition (1-based; 0 when the field as a whole is wrong) and the problem.
struct ExprProblem {
  std::string field;
  int column = 0;
  std::string problem;
  std::string text() const;  // "definitions[2]: column 9: expected ')'"
};

class ExprError : public std::exception {
 public:
  explicit ExprError(ExprProblem p) : problem_(std::move(p)), what_(problem_.text()) {}
  const ExprProblem& problem() const { return problem_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  ExprProblem problem_;
  std::string what_;
};

// Builds the graph; throws ExprError on the first problem, checking the
// definitions in order (the value names and numbers are the loader's).
ExpressionGraph build_expression_graph(const Expression& expression);
// The first problem of the expression, for an editor that checks as the
// user types; nullopt when it builds.
std::optional<ExprProblem> expression_problem(const Expression& expression);

// Whether `name` may name a value or a definition: [A-Za-z_][A-Za-z0-9_]*,
// at most 32 characters, not a function's name. "" when it may, else why.
std::string name_problem(std::string_view name);

}  // namespace bpv
