// Bad expression files (formats.md §7): each gives one line naming the file,
// the field and, inside a definition, the column; nothing is half-loaded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expression/expression_io.hpp"
#include "formats/scenario_io.hpp"

namespace bpv {
namespace {

struct BadCase {
  std::string body;      // the fields after "kind"
  std::string expected;  // the whole message after "f.json: "
};

std::string doc(const std::string& body) { return R"({"kind": "expression", )" + body + "}"; }

std::string def(const std::string& d) { return R"("values": {"x": 1, "y": 2}, "definitions": [")" + d + R"("])"; }

std::string error_of(const std::string& text) {
  try {
    parse_expression(text, "f.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(ExpressionMalformed, EachProblemIsOneLineWithItsFieldAndColumn) {
  const std::string long_name(33, 'a');
  std::string deep = "f = ";
  for (int k = 0; k < 65; ++k) deep += "(";
  deep += "x";
  for (int k = 0; k < 65; ++k) deep += ")";
  std::string many_defs = R"("values": {"x": 1}, "definitions": [)";
  for (int k = 0; k < 256; ++k) many_defs += (k ? ", \"d" : "\"d") + std::to_string(k) + " = x\"";
  many_defs += "]";
  std::string big_defs = R"("values": {"x": 1}, "definitions": [)";
  for (int k = 0; k < 80; ++k) big_defs += (k ? ", \"d" : "\"d") + std::to_string(k) + " = x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x\"";
  big_defs += "]";
  const std::string long_def = "f = x" + std::string(1030, ' ');
  const std::vector<BadCase> cases = {
      {def("f = (x + y"), "definitions[0]: column 11: expected ')'"},
      {def("f = x +"), "definitions[0]: column 8: expected a number, a name or '(' (the expression ends here)"},
      {def("f = x + q"), "definitions[0]: column 9: unknown name 'q' (not a value, nor defined before)"},
      {def("f = foo(x)"),
       "definitions[0]: column 5: unknown function 'foo' (expected one of relu, tanh, sigmoid, exp, log, sin, cos, sqrt, abs)"},
      {def("f = tanh"), "definitions[0]: column 5: 'tanh' is a function: write tanh(…)"},
      {def("f = x ^ y"), "definitions[0]: column 9: expected a number after '^' (an exponent is a number or −number)"},
      {def("f = x * * y"), "definitions[0]: column 9: unexpected '*' (expected a number, a name or '(')"},
      {def("f = x y"), "definitions[0]: column 7: unexpected 'y' after the expression"},
      {def("f = x)"), "definitions[0]: column 6: unexpected ')' after the expression"},
      {def("f = )"), "definitions[0]: column 5: unexpected ')'"},
      {def("f = 1e"), "definitions[0]: column 5: malformed number '1e' (expected digits after e)"},
      {def("f = 12abc"), "definitions[0]: column 5: malformed number '12a'"},
      {def("f = 1e999"), "definitions[0]: column 5: the number 1e999 is out of a double's range"},
      {def("f = x $ y"), "definitions[0]: column 7: unexpected '$' after the expression"},
      {def("x + y"), "definitions[0]: column 3: expected '=' after 'x'"},
      {def("= x"), "definitions[0]: column 1: expected a name, then '='"},
      {def("x = y"), "definitions[0]: column 1: 'x' is a value; a definition needs a name of its own"},
      {def("tanh = x"), "definitions[0]: column 1: 'tanh' is a function's name"},
      {def(long_name + " = x"), "definitions[0]: column 1: '" + long_name + "' is 33 characters long; at most 32"},
      {def("f = f + 1"), "definitions[0]: column 5: 'f' is used in its own definition"},
      {def(deep), "definitions[0]: column 69: parentheses nested more than 64 deep"},
      {def(long_def), "definitions[0]: 1035 characters; at most 1024"},
      {R"("values": {"x": 1}, "definitions": ["f = g * 2", "g = x"])",
       "definitions[0]: column 5: 'g' is used before its definition (definitions[1])"},
      {R"("values": {"x": 1}, "definitions": ["f = x", "f = x * 2"])",
       "definitions[1]: column 1: 'f' is already defined (definitions[0])"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "output": "g")",
       "output: 'g' is not a value or a definition"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "parameters": ["f"])",
       "parameters[0]: 'f' is a definition; only a value can learn"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "parameters": ["w"])", "parameters[0]: 'w' is not a value"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "parameters": ["x", "x"])", "parameters[1]: 'x' is listed twice"},
      {R"("values": {"x": "one"}, "definitions": ["f = x"])", "values.x: expected a number, got a string"},
      {R"("values": {"x": 1e999}, "definitions": ["f = x"])",
       "(document): a number is out of a double's range (every value must be finite)"},
      {R"("values": {"2x": 1}, "definitions": ["f = 1"])",
       "values.2x: '2x' is not a name (a letter or _ first, then letters, digits or _)"},
      {R"("values": {"exp": 1}, "definitions": ["f = 1"])", "values.exp: 'exp' is a function's name"},
      {R"("values": [1, 2], "definitions": ["f = 1"])", "values: expected an object of names and numbers, got an array"},
      {R"("values": {"x": 1})", "definitions: missing"},
      {R"("values": {"x": 1}, "definitions": [])", "definitions: expected at least one definition such as \"f = x * y\""},
      {R"("values": {"x": 1}, "definitions": "f = x")", "definitions: expected an array of strings, got a string"},
      {R"("values": {"x": 1}, "definitions": [3])", "definitions[0]: expected a string, got a number"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "layers": [])",
       "layers: unknown field of an expression (expected kind, name, description, values, definitions, output, "
       "parameters, learning_rate, optimizer or optimizer_state)"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "learning_rate": -1)", "learning_rate: must not be negative"},
      // A name from the file with a newline in it is quoted escaped: the message stays one line.
      {R"("values": {"x": 1}, "definitions": ["f = x"], "defi\nitions": 1)",
       "defi\\nitions: unknown field of an expression (expected kind, name, description, values, definitions, output, "
       "parameters, learning_rate, optimizer or optimizer_state)"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "parameters": ["x"], "optimizer": {"name": "adagrad"})",
       "optimizer.name: unknown optimizer 'adagrad' (expected one of sgd, rmsprop, adam, adamw)"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "parameters": ["x"], "optimizer": {"name": "adam", "beta1": 1})",
       "optimizer.beta1: must be in [0, 1), got 1"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "parameters": ["x"], "optimizer": {"name": "adam"}, "optimizer_state": {"t": 1, "parameters": {"y": {"m": 0}}})",
       "optimizer_state.parameters.y: 'y' is not a parameter"},
      {R"("values": {"x": 1}, "definitions": ["f = x"], "output": "")", "output: expected a name"},
      {many_defs, "definitions: 1 values and 256 definitions; at most 256 together"},
      {big_defs, "definitions[68]: column 7: the graph would have more than 1024 nodes"},
      {def("f = 2^2^2^2^2^2"), "definitions[0]: column 7: the exponent 2^2^2^2^2 is not a finite number"},
  };
  EXPECT_GE(cases.size(), 30u);
  for (const BadCase& c : cases) {
    const std::string message = error_of(doc(c.body));
    EXPECT_EQ(message, "f.json: " + c.expected) << c.body;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

TEST(ExpressionMalformed, NotAnExpressionDocument) {
  EXPECT_EQ(error_of("[1]"), "f.json: (document): expected a JSON object, got an array");
  EXPECT_EQ(error_of("{\"kind\": \"expression\""), "f.json: (document): not valid JSON at byte 22");
  EXPECT_EQ(error_of(R"({"kind": "network", "values": {}, "definitions": ["f = 1"]})"),
            "f.json: kind: expected \"expression\"");
  // The network loader names an expression for what it is.
  try {
    parse_scenario(R"({"kind": "expression", "definitions": ["f = 1"]})", "f.json");
    FAIL() << "loaded an expression as a network";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("f.json: kind: an expression graph, not a network"), std::string::npos);
  }
  EXPECT_TRUE(is_expression_text(R"({"kind": "expression"})"));
  EXPECT_FALSE(is_expression_text(R"({"input_size": 3})"));
  EXPECT_FALSE(is_expression_text("not json"));
}

// The editor's check: the first problem with its column, or none.
TEST(ExpressionMalformed, TheEditorSeesTheColumnAsTheUserTypes) {
  Expression e;
  e.value_names = {"x"};
  e.values = {1.0};
  e.definitions = {"f = tanh(x"};
  const std::optional<ExprProblem> p = expression_problem(e);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "definitions[0]");
  EXPECT_EQ(p->column, 11);
  e.definitions = {"f = tanh(x)"};
  EXPECT_FALSE(expression_problem(e).has_value());
}

}  // namespace
}  // namespace bpv
