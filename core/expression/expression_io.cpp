#include "expression_io.hpp"

#include <filesystem>

#include "formats/field_reader.hpp"
#include "optimizers/optimizer.hpp"
#include "expression_step.hpp"

namespace bpv {
namespace {

constexpr const char* kFields[] = {"kind",       "name",          "description",  "values",
                                   "definitions", "output",       "parameters",   "learning_rate",
                                   "optimizer",  "optimizer_state"};

json parse_document(const std::string& text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw ScenarioError(source + ": (document): not valid JSON at byte " + std::to_string(e.byte));
  } catch (const json::out_of_range&) {
    throw ScenarioError(source + ": (document): a number is out of a double's range (every value must be finite)");
  }
}

void read_state(const FieldReader& rd, const json& j, Expression& e) {
  if (!j.is_object())
    rd.fail("optimizer_state", "expected an object such as {\"t\": 1, \"parameters\": {…}}, got " + FieldReader::type_of(j));
  rd.only_keys(j, {"t", "parameters"}, "optimizer_state");
  if (const json* t = rd.find(j, "t")) e.step = static_cast<double>(rd.integer(*t, "optimizer_state.t", 0, 1LL << 53));
  const json* params = rd.find(j, "parameters");
  if (!params) return;
  if (!params->is_object())
    rd.fail("optimizer_state.parameters", "expected an object, got " + FieldReader::type_of(*params));
  const std::array<bool, kStateSlotCount> keep = kept_state(e.optimizer);
  e.optimizer_state.assign(e.parameters.size(), {});
  for (auto it = params->begin(); it != params->end(); ++it) {
    const std::string f = "optimizer_state.parameters." + it.key();
    std::size_t k = 0;
    while (k < e.parameters.size() && e.parameters[k] != it.key()) ++k;
    if (k == e.parameters.size()) rd.fail(f, "'" + it.key() + "' is not a parameter");
    if (!it->is_object()) rd.fail(f, "expected an object such as {\"m\": 0.1}, got " + FieldReader::type_of(*it));
    for (auto s = it->begin(); s != it->end(); ++s) {
      int slot = 0;
      while (slot < kStateSlotCount && state_slot_name(static_cast<StateSlot>(slot)) != s.key()) ++slot;
      if (slot == kStateSlotCount || !keep[slot])
        rd.fail(f + "." + s.key(), "not a state that " + (e.optimizer.name.empty() ? std::string("plain SGD") : e.optimizer.name) +
                                       " keeps here");
      e.optimizer_state[k].tensors[slot] = Eigen::MatrixXd::Constant(1, 1, rd.number(*s, f + "." + s.key()));
    }
  }
}

std::vector<std::string> string_list(const FieldReader& rd, const json& j, const std::string& field) {
  if (!j.is_array()) rd.fail(field, "expected an array of strings, got " + FieldReader::type_of(j));
  std::vector<std::string> out;
  for (std::size_t k = 0; k < j.size(); ++k) out.push_back(rd.string(j[k], field + "[" + std::to_string(k) + "]"));
  return out;
}

}  // namespace

bool is_expression_text(const std::string& text) {
  // Only the top-level "kind" matters; a malformed document is the network loader's to report.
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return false;
  const auto it = doc.find("kind");
  return it != doc.end() && it->is_string() &&
         (it->get<std::string>() == "expression" || it->get<std::string>() == "expression_lesson");
}

bool is_expression_file(const std::string& path) {
  try {
    return is_expression_text(read_text_file(path));
  } catch (const ScenarioError&) {
    return false;  // the network loader reports why the file cannot be read
  }
}

namespace {
Expression parse_fields(const std::string& text, const std::string& source);

// A message quotes names from the file, which may hold control characters
// (a key "defi\nitions"): they are written escaped, so the error stays one line.
std::string one_line(const std::string& message) {
  std::string out;
  for (const char c : message) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) out += '?';
    else out += c;
  }
  return out;
}
}  // namespace

Expression parse_expression(const std::string& text, const std::string& source) {
  try {
    return parse_fields(text, source);
  } catch (const ScenarioError& e) {
    throw ScenarioError(one_line(e.what()));
  }
}

namespace {
Expression parse_fields(const std::string& text, const std::string& source) {
  const FieldReader rd{source};
  const json doc = parse_document(text, source);
  if (!doc.is_object()) rd.fail("(document)", "expected a JSON object, got " + FieldReader::type_of(doc));
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    bool known = false;
    for (const char* f : kFields) known = known || it.key() == f;
    if (!known)
      rd.fail(it.key(), "unknown field of an expression (expected kind, name, description, values, definitions, "
                        "output, parameters, learning_rate, optimizer or optimizer_state)");
  }
  if (rd.string(rd.require(doc, "kind", "kind"), "kind") != "expression")
    rd.fail("kind", "expected \"expression\"");
  Expression e;
  e.name = doc.contains("name") ? rd.string(doc["name"], "name") : std::filesystem::path(source).stem().string();
  if (const json* j = rd.find(doc, "description")) e.description = rd.string(*j, "description");
  if (const json* j = rd.find(doc, "values")) {
    if (!j->is_object()) rd.fail("values", "expected an object of names and numbers, got " + FieldReader::type_of(*j));
    // The file's order is the order the leaves are drawn in: read it from an
    // order-keeping parse (json sorts keys).
    const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(text);
    for (auto it = ordered["values"].begin(); it != ordered["values"].end(); ++it) {
      const std::string field = "values." + it.key();
      const std::string problem = name_problem(it.key());
      if (!problem.empty()) rd.fail(field, problem);
      e.value_names.push_back(it.key());
      e.values.push_back(rd.number((*j)[it.key()], field));
    }
  }
  e.definitions = string_list(rd, rd.require(doc, "definitions", "definitions"), "definitions");
  if (const json* j = rd.find(doc, "output")) {
    e.output = rd.string(*j, "output");
    if (e.output.empty()) rd.fail("output", "expected a name");
  }
  if (const json* j = rd.find(doc, "parameters")) e.parameters = string_list(rd, *j, "parameters");
  if (const json* j = rd.find(doc, "learning_rate")) {
    e.learning_rate = rd.number(*j, "learning_rate");
    if (e.learning_rate < 0) rd.fail("learning_rate", "must not be negative");
  }
  try {
    build_expression_graph(e);
  } catch (const ExprError& err) {
    rd.fail(err.problem().field, (err.problem().column > 0 ? "column " + std::to_string(err.problem().column) + ": " : "") +
                                      err.problem().problem);
  }
  if (const json* j = rd.find(doc, "optimizer")) e.optimizer = read_optimizer_field(rd, *j, e.learning_rate);
  if (const json* j = rd.find(doc, "optimizer_state")) read_state(rd, *j, e);
  conform_expr_optimizer_state(e);
  return e;
}
}  // namespace

Expression load_expression(const std::string& path) { return parse_expression(read_text_file(path), path); }

nlohmann::ordered_json expression_to_json(const Expression& e) {
  nlohmann::ordered_json j;
  j["kind"] = "expression";
  j["name"] = e.name;
  if (!e.description.empty()) j["description"] = e.description;
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < e.values.size(); ++k) values[e.value_names[k]] = e.values[k];
  j["values"] = std::move(values);
  j["definitions"] = e.definitions;
  if (!e.output.empty()) j["output"] = e.output;
  if (!e.parameters.empty()) j["parameters"] = e.parameters;
  j["learning_rate"] = e.learning_rate;
  if (!e.optimizer.name.empty()) {
    nlohmann::ordered_json o{{"name", e.optimizer.name}};
    if (const Optimizer* optimizer = find_optimizer(e.optimizer.name))
      for (const OptimizerField& f : optimizer->fields) {
        if (f.flag) o[std::string(f.name)] = e.optimizer.*f.flag;
        else o[std::string(f.name)] = e.optimizer.*f.number;
      }
    j["optimizer"] = std::move(o);
  }
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < e.parameters.size() && k < e.optimizer_state.size(); ++k) {
    nlohmann::ordered_json s = nlohmann::ordered_json::object();
    for (int slot = 0; slot < kStateSlotCount; ++slot)
      if (e.optimizer_state[k].tensors[slot].size() == 1)
        s[std::string(state_slot_name(static_cast<StateSlot>(slot)))] = e.optimizer_state[k].tensors[slot](0, 0);
    if (!s.empty()) params[e.parameters[k]] = std::move(s);
  }
  if (e.step > 0 || !params.empty()) {
    nlohmann::ordered_json state;
    state["t"] = static_cast<long long>(e.step);
    if (!params.empty()) state["parameters"] = std::move(params);
    j["optimizer_state"] = std::move(state);
  }
  return j;
}

std::string expression_file_text(const Expression& e) { return expression_to_json(e).dump(2) + "\n"; }

void save_expression(const Expression& e, const std::string& path) { write_file_atomic(path, expression_file_text(e)); }

}  // namespace bpv
