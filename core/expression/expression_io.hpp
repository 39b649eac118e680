// Expression files (formats.md §7): load with one precise error per bad file
// ("f.json: definitions[2]: column 9: expected ')'", a ScenarioError like a
// network's), save atomically. A file is an expression when its "kind" is
// "expression"; without "kind" it is a network.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "expression_graph.hpp"

namespace bpv {

// Whether the document's "kind" is "expression" or "expression_lesson" (a
// lesson on one, core/expression/expression_lesson.hpp): false for anything
// that is not a JSON object with such a field (the network loader reports the rest).
bool is_expression_text(const std::string& text);
bool is_expression_file(const std::string& path);

// Checks the definitions too: a loaded expression always builds its graph.
Expression parse_expression(const std::string& text, const std::string& source);
Expression load_expression(const std::string& path);

// The file's fields in formats.md §7's order, the optimizer state included
// once there is any (so training continues exactly after a reload).
nlohmann::ordered_json expression_to_json(const Expression& expression);
std::string expression_file_text(const Expression& expression);
void save_expression(const Expression& expression, const std::string& path);

}  // namespace bpv
