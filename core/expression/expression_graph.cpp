// The definitions' parser (formats.md §7's grammar) and the graph it builds.
//
//   definition := name '=' sum
//   sum        := product (('+' | '-') product)*
//   product    := unary (('*' | '/') unary)*
//   unary      := '-' unary | power              (−x^2 is −(x²))
//   power      := primary ('^' exponent)?
//   exponent   := '-' exponent | number ('^' exponent)?   (a number: folded)
//   primary    := number | name | function '(' sum ')' | '(' sum ')'
//
// A minus written straight before a number is that negative number (−2 is
// a constant, not a negation node); every other operator is a node.
#include "expression_graph.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace bpv {

int Expression::value_index(std::string_view n) const {
  for (std::size_t k = 0; k < value_names.size(); ++k)
    if (value_names[k] == n) return static_cast<int>(k);
  return -1;
}

int ExpressionGraph::find(std::string_view n) const {
  for (int k : named)
    if (nodes[k].name == n) return k;
  return -1;
}

bool ExpressionGraph::is_parameter(int node) const {
  for (int p : parameters)
    if (p == node) return true;
  return false;
}

std::string ExprProblem::text() const {
  return field + ": " + (column > 0 ? "column " + std::to_string(column) + ": " : "") + problem;
}

std::string name_problem(std::string_view n) {
  if (n.empty()) return "a name cannot be empty";
  if (!(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_'))
    return "'" + std::string(n) + "' is not a name (a letter or _ first, then letters, digits or _)";
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return "'" + std::string(n) + "' is not a name (a letter or _ first, then letters, digits or _)";
  if (n.size() > static_cast<std::size_t>(kMaxExprNameChars))
    return "'" + std::string(n) + "' is " + std::to_string(n.size()) + " characters long; at most " +
           std::to_string(kMaxExprNameChars);
  if (find_expr_function(n)) return "'" + std::string(n) + "' is a function's name";
  return "";
}

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && s[b] == ' ') ++b;
  while (e > b && s[e - 1] == ' ') --e;
  return std::string(s.substr(b, e - b));
}

class Parser {
 public:
  Parser(const Expression& expr, ExpressionGraph& graph, int definition)
      : expr_(expr), graph_(graph), definition_(definition), text_(expr.definitions[definition]),
        field_("definitions[" + std::to_string(definition) + "]") {}

  // Parses "name = sum" and names the node it makes (a Copy node where the
  // right side is only another node's name).
  void parse_definition() {
    skip_space();
    const std::size_t name_at = pos_;
    if (pos_ >= text_.size() || !is_name_start(text_[pos_])) fail(name_at, "expected a name, then '='");
    const std::string name = scan_name();
    skip_space();
    if (!take('=')) fail(pos_, "expected '=' after '" + name + "'");
    std::string problem = name_problem(name);
    if (!problem.empty()) fail(name_at, problem);
    if (expr_.value_index(name) >= 0) fail(name_at, "'" + name + "' is a value; a definition needs a name of its own");
    for (int d = 0; d < definition_; ++d)
      if (graph_.nodes[graph_.named[expr_.values.size() + d]].name == name)
        fail(name_at, "'" + name + "' is already defined (definitions[" + std::to_string(d) + "])");
    skip_space();
    const std::size_t first_node = graph_.nodes.size();
    int root = parse_sum();
    skip_space();
    if (pos_ < text_.size()) fail(pos_, "unexpected '" + std::string(1, text_[pos_]) + "' after the expression");
    // A node made by this definition takes its name; a name alone (d = a)
    // becomes a copy, so each name has a node of its own.
    if (static_cast<std::size_t>(root) < first_node) root = add(ExprOpKind::Copy, root, -1, 0.0, name_at, pos_);
    ExprNode& n = graph_.nodes[root];
    n.name = name;
    n.label = name;
    n.column = static_cast<int>(name_at) + 1;
    graph_.named.push_back(root);
  }

 private:
  [[noreturn]] void fail(std::size_t at, std::string problem) const {
    throw ExprError({field_, static_cast<int>(at) + 1, std::move(problem)});
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  std::string scan_name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  int add(ExprOpKind kind, int a, int b, double number, std::size_t from, std::size_t to) {
    if (graph_.nodes.size() >= static_cast<std::size_t>(kMaxExprNodes))
      fail(from, "the graph would have more than " + std::to_string(kMaxExprNodes) + " nodes");
    ExprNode n;
    n.kind = kind;
    n.a = a;
    n.b = b;
    n.number = number;
    n.label = trim(text_.substr(from, to - from));
    n.definition = definition_;
    n.column = static_cast<int>(from) + 1;
    graph_.nodes.push_back(std::move(n));
    return static_cast<int>(graph_.nodes.size()) - 1;
  }

  int parse_sum() {
    skip_space();
    const std::size_t from = pos_;
    int left = parse_product();
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) return left;
      const ExprOpKind kind = text_[pos_] == '+' ? ExprOpKind::Add : ExprOpKind::Sub;
      ++pos_;
      const int right = parse_product();
      left = add(kind, left, right, 0.0, from, pos_);
    }
  }

  int parse_product() {
    skip_space();
    const std::size_t from = pos_;
    int left = parse_unary();
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || (text_[pos_] != '*' && text_[pos_] != '/')) return left;
      const ExprOpKind kind = text_[pos_] == '*' ? ExprOpKind::Mul : ExprOpKind::Div;
      ++pos_;
      const int right = parse_unary();
      left = add(kind, left, right, 0.0, from, pos_);
    }
  }

  int parse_unary() {
    skip_space();
    const std::size_t from = pos_;
    if (!take('-')) return parse_power();
    if (++unary_depth_ > kMaxExprDefinitionChars) fail(from, "too many minus signs in a row");
    skip_space();
    const std::size_t operand_at = pos_;
    const std::size_t nodes_before = graph_.nodes.size();
    const int operand = parse_unary();
    --unary_depth_;
    ExprNode& o = graph_.nodes[operand];
    // −2 is the number −2: a constant made just now, written as a plain number.
    if (o.kind == ExprOpKind::Constant && static_cast<std::size_t>(operand) == nodes_before &&
        pos_ > operand_at && is_number_start(text_[operand_at])) {
      o.number = -o.number;
      o.label = trim(text_.substr(from, pos_ - from));
      o.column = static_cast<int>(from) + 1;
      return operand;
    }
    return add(ExprOpKind::Neg, operand, -1, 0.0, from, pos_);
  }

  int parse_power() {
    skip_space();
    const std::size_t from = pos_;
    const int base = parse_primary();
    if (!take('^')) return base;
    const double p = parse_exponent();
    return add(ExprOpKind::Pow, base, -1, p, from, pos_);
  }

  double parse_exponent() {
    skip_space();
    const std::size_t at = pos_;
    if (take('-')) {
      if (++unary_depth_ > kMaxExprDefinitionChars) fail(at, "too many minus signs in a row");
      const double p = -parse_exponent();
      --unary_depth_;
      return p;
    }
    if (pos_ >= text_.size() || !is_number_start(text_[pos_]))
      fail(at, "expected a number after '^' (an exponent is a number or −number)");
    const double base = scan_number();
    if (!take('^')) return base;
    const double p = std::pow(base, parse_exponent());
    if (!std::isfinite(p)) fail(at, "the exponent " + trim(text_.substr(at, pos_ - at)) + " is not a finite number");
    return p;
  }

  static bool is_number_start(char c) { return is_digit(c) || c == '.'; }

  // decimal digits, an optional fraction, an optional exponent
  double scan_number() {
    const std::size_t start = pos_;
    bool digits = false;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_, digits = true;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_, digits = true;
    }
    if (!digits) fail(start, "expected a number");
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t e = pos_ + 1;
      if (e < text_.size() && (text_[e] == '+' || text_[e] == '-')) ++e;
      if (e >= text_.size() || !is_digit(text_[e]))
        fail(start, "malformed number '" + std::string(text_.substr(start, e - start)) + "' (expected digits after e)");
      while (e < text_.size() && is_digit(text_[e])) ++e;
      pos_ = e;
    }
    if (pos_ < text_.size() && is_name_char(text_[pos_]))
      fail(start, "malformed number '" + std::string(text_.substr(start, pos_ + 1 - start)) + "'");
    const std::string s(text_.substr(start, pos_ - start));
    const double v = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(v)) fail(start, "the number " + s + " is out of a double's range");
    return v;
  }

  int parse_primary() {
    skip_space();
    const std::size_t from = pos_;
    if (pos_ >= text_.size()) fail(pos_, "expected a number, a name or '(' (the expression ends here)");
    const char c = text_[pos_];
    if (is_number_start(c)) {
      const double v = scan_number();
      return add(ExprOpKind::Constant, -1, -1, v, from, pos_);
    }
    if (c == '(') {
      ++pos_;
      const int inner = parse_nested(from);
      return inner;
    }
    if (is_name_start(c)) {
      const std::string name = scan_name();
      if (name.size() > static_cast<std::size_t>(kMaxExprNameChars))
        fail(from, "'" + name.substr(0, 12) + "…' is " + std::to_string(name.size()) + " characters long; at most " +
                       std::to_string(kMaxExprNameChars));
      if (peek('(')) {
        const ExprOperator* f = find_expr_function(name);
        if (!f)
          fail(from, "unknown function '" + name + "' (expected one of " + std::string(expr_function_names()) + ")");
        take('(');
        const int arg = parse_nested(pos_ - 1);
        return add(f->kind, arg, -1, 0.0, from, pos_);
      }
      if (find_expr_function(name)) fail(from, "'" + name + "' is a function: write " + name + "(…)");
      const int node = graph_.find(name);
      if (node >= 0) return node;
      for (std::size_t d = static_cast<std::size_t>(definition_); d < expr_.definitions.size(); ++d)
        if (defines(expr_.definitions[d], name)) {
          if (static_cast<int>(d) == definition_)
            fail(from, "'" + name + "' is used in its own definition");
          fail(from, "'" + name + "' is used before its definition (definitions[" + std::to_string(d) + "])");
        }
      fail(from, "unknown name '" + name + "' (not a value, nor defined before)");
    }
    if (c == ')') fail(from, "unexpected ')'");
    fail(from, "unexpected '" + std::string(1, c) + "' (expected a number, a name or '(')");
  }

  // After '(' at `open`: a sum and its ')'.
  int parse_nested(std::size_t open) {
    if (++depth_ > kMaxExprNesting)
      fail(open, "parentheses nested more than " + std::to_string(kMaxExprNesting) + " deep");
    const int inner = parse_sum();
    if (!take(')')) fail(pos_, "expected ')'");
    --depth_;
    return inner;
  }

  // Whether a definition's text starts with "name =" (for "used before its definition").
  static bool defines(std::string_view def, std::string_view name) {
    std::size_t k = 0;
    while (k < def.size() && (def[k] == ' ' || def[k] == '\t')) ++k;
    std::size_t e = k;
    while (e < def.size() && is_name_char(def[e])) ++e;
    return def.substr(k, e - k) == name;
  }

  const Expression& expr_;
  ExpressionGraph& graph_;
  int definition_;
  std::string_view text_;
  std::string field_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int unary_depth_ = 0;
};

}  // namespace

ExpressionGraph build_expression_graph(const Expression& expr) {
  const auto fail = [](std::string field, std::string problem) {
    throw ExprError({std::move(field), 0, std::move(problem)});
  };
  if (expr.values.size() != expr.value_names.size()) fail("values", "names and numbers differ in count");
  if (expr.values.size() + expr.definitions.size() > static_cast<std::size_t>(kMaxExprNamed))
    fail("definitions", std::to_string(expr.values.size()) + " values and " + std::to_string(expr.definitions.size()) +
                            " definitions; at most " + std::to_string(kMaxExprNamed) + " together");
  if (expr.definitions.empty()) fail("definitions", "expected at least one definition such as \"f = x * y\"");
  ExpressionGraph g;
  g.nodes.reserve(expr.values.size() + expr.definitions.size() * 4);
  for (std::size_t k = 0; k < expr.values.size(); ++k) {
    const std::string& name = expr.value_names[k];
    const std::string problem = name_problem(name);
    if (!problem.empty()) fail("values." + name, problem);
    if (!std::isfinite(expr.values[k])) fail("values." + name, "must be a finite number");
    for (std::size_t j = 0; j < k; ++j)
      if (expr.value_names[j] == name) fail("values." + name, "'" + name + "' is a value already");
    if (g.nodes.size() >= static_cast<std::size_t>(kMaxExprNodes))
      fail("values", "more than " + std::to_string(kMaxExprNodes) + " nodes");
    ExprNode n;
    n.kind = ExprOpKind::Value;
    n.name = n.label = name;
    n.value = static_cast<int>(k);
    g.nodes.push_back(std::move(n));
    g.named.push_back(static_cast<int>(k));
  }
  for (std::size_t d = 0; d < expr.definitions.size(); ++d) {
    const std::string field = "definitions[" + std::to_string(d) + "]";
    if (expr.definitions[d].size() > static_cast<std::size_t>(kMaxExprDefinitionChars))
      fail(field, std::to_string(expr.definitions[d].size()) + " characters; at most " +
                      std::to_string(kMaxExprDefinitionChars));
    Parser(expr, g, static_cast<int>(d)).parse_definition();
  }
  if (expr.output.empty()) {
    g.output = g.named.back();
  } else {
    g.output = g.find(expr.output);
    if (g.output < 0) fail("output", "'" + expr.output + "' is not a value or a definition");
  }
  for (std::size_t k = 0; k < expr.parameters.size(); ++k) {
    const std::string field = "parameters[" + std::to_string(k) + "]";
    const std::string& p = expr.parameters[k];
    const int node = g.find(p);
    if (node < 0) fail(field, "'" + p + "' is not a value");
    if (g.nodes[node].kind != ExprOpKind::Value) fail(field, "'" + p + "' is a definition; only a value can learn");
    if (g.is_parameter(node)) fail(field, "'" + p + "' is listed twice");
    g.parameters.push_back(node);
  }
  return g;
}

std::optional<ExprProblem> expression_problem(const Expression& expression) {
  try {
    build_expression_graph(expression);
  } catch (const ExprError& e) {
    return e.problem();
  }
  return std::nullopt;
}

}  // namespace bpv
