#include "expression_text.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "engine/describe.hpp"

namespace bpv {
namespace {

std::string trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

struct Line {
  std::string text;
  int number;  // 1-based line in the box
};

std::vector<Line> non_blank_lines(const std::string& box) {
  std::vector<Line> lines;
  std::istringstream in(box);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (!trim(line).empty()) lines.push_back({line, n});
  }
  return lines;
}

}  // namespace

std::string ExprTextProblem::text() const {
  std::string s = box;
  if (line > 0) s += ", line " + std::to_string(line);
  if (column > 0) s += ", column " + std::to_string(column);
  return s + ": " + problem;
}

ExpressionText expression_text(const Expression& e) {
  ExpressionText t;
  for (std::size_t k = 0; k < e.values.size(); ++k) {
    std::ostringstream v;
    v.precision(17);
    v << e.values[k];
    t.values += (k ? "\n" : "") + e.value_names[k] + " = " + v.str();
  }
  for (std::size_t k = 0; k < e.definitions.size(); ++k) t.definitions += (k ? "\n" : "") + e.definitions[k];
  t.output = e.output;
  for (std::size_t k = 0; k < e.parameters.size(); ++k) t.parameters += (k ? ", " : "") + e.parameters[k];
  return t;
}

ExprTextResult parse_expression_text(const ExpressionText& text, const Expression& base) {
  ExprTextResult r;
  const auto fail = [&](std::string box, int line, int column, std::string problem) {
    r.problem = ExprTextProblem{std::move(box), line, column, std::move(problem)};
    return r;
  };
  Expression e = base;
  e.value_names.clear();
  e.values.clear();
  e.definitions.clear();
  e.parameters.clear();
  const std::vector<Line> values = non_blank_lines(text.values);
  for (const Line& l : values) {
    const std::size_t eq = l.text.find('=');
    if (eq == std::string::npos) return fail("values", l.number, 1, "expected name = number");
    const std::string name = trim(l.text.substr(0, eq));
    const std::string number = trim(l.text.substr(eq + 1));
    const std::string problem = name_problem(name);
    if (!problem.empty()) return fail("values", l.number, 1, problem);
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || !std::isfinite(v))
      return fail("values", l.number, static_cast<int>(eq) + 2, "expected a finite number after '=', got '" + number + "'");
    e.value_names.push_back(name);
    e.values.push_back(v);
  }
  const std::vector<Line> definitions = non_blank_lines(text.definitions);
  for (const Line& l : definitions) e.definitions.push_back(l.text);
  e.output = trim(text.output);
  std::string p;
  std::istringstream params(text.parameters);
  while (std::getline(params, p, ','))
    if (!trim(p).empty()) e.parameters.push_back(trim(p));
  if (const std::optional<ExprProblem> problem = expression_problem(e)) {
    const std::string& f = problem->field;
    // Map the loader's field back to the box and the line the user sees.
    const auto index = [&](const std::string& prefix) {
      return std::atoi(f.c_str() + prefix.size());
    };
    if (f.rfind("definitions[", 0) == 0)
      return fail("definitions", definitions[static_cast<std::size_t>(index("definitions["))].number, problem->column,
                  problem->problem);
    if (f == "definitions") return fail("definitions", 0, 0, problem->problem);
    if (f.rfind("values.", 0) == 0) {
      const std::string name = f.substr(7);
      for (const Line& l : values)
        if (trim(l.text.substr(0, l.text.find('='))) == name) return fail("values", l.number, 1, problem->problem);
      return fail("values", 0, 0, problem->problem);
    }
    if (f.rfind("parameters[", 0) == 0) return fail("parameters", 0, 0, problem->problem);
    return fail(f, 0, problem->column, problem->problem);
  }
  if (e.parameters != base.parameters) {
    e.optimizer_state.clear();
    e.step = 0.0;
  }
  r.expression = std::move(e);
  return r;
}

}  // namespace bpv
