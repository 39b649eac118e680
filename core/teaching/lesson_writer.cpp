#include "teaching/lesson_writer.hpp"

#include <filesystem>

#include "formats/scenario_io.hpp"

namespace bpv {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The reader's own spelling of each kind of quantity (lesson.cpp read_quantity).
json quantity_json(const QuantityRef& q) {
  json j{{"quantity", std::string(buffer_name(q.buffer))}};
  switch (q.buffer) {
    case Buffer::LossValue: break;
    case Buffer::Input:
    case Buffer::Target: j["index"] = q.col; j["example"] = q.row; break;
    case Buffer::Weights:
    case Buffer::GradWeights: j["layer"] = q.layer; j["row"] = q.row; j["col"] = q.col; break;
    case Buffer::Bias:
    case Buffer::GradBias: j["layer"] = q.layer; j["index"] = q.col; break;
    default: j["layer"] = q.layer; j["index"] = q.col; j["example"] = q.row; break;
  }
  return j;
}

json neuron_json(const NeuronRef& n) { return json::array({n.layer, n.j}); }

json at_json(const Beat& b, const Scenario& sc) {
  switch (b.at) {
    case BeatAt::Start: return "start";
    case BeatAt::End: return "end";
    case BeatAt::FirstNonFinite: return "first_non_finite";
    case BeatAt::Op: break;
  }
  // The index decides; the op's name is there for the person reading the file.
  const std::vector<Op> ops = build_ops(sc);
  json j{{"index", b.op_index}};
  if (b.op_index < ops.size()) j["op"] = std::string(op_kind_name(ops[b.op_index].kind));
  return j;
}

json beat_json(const Beat& b, const Lesson& lesson) {
  json j{{"text", b.text}};
  if (!b.scenario.empty()) j["scenario"] = b.scenario;
  if (b.trained == kUntilNonFinite) j["trained"] = "until_non_finite";
  else if (b.trained != 0) j["trained"] = b.trained;
  const auto sc = lesson.scenarios.find(b.scenario);
  if (b.at != BeatAt::Start && sc != lesson.scenarios.end()) j["at"] = at_json(b, sc->second);
  if (b.example) j["example"] = *b.example;
  const Highlight& h = b.highlight;
  json hl = json::object();
  if (!h.neurons.empty()) {
    hl["neurons"] = json::array();
    for (const NeuronRef& n : h.neurons) hl["neurons"].push_back(neuron_json(n));
  }
  if (!h.edges.empty()) {
    hl["edges"] = json::array();
    for (const EdgeRef& e : h.edges) hl["edges"].push_back(json::array({e.layer, e.i, e.j}));
  }
  if (h.cell) hl["cell"] = quantity_json(*h.cell);
  if (h.focus) hl["focus"] = neuron_json(*h.focus);
  if (!hl.empty()) j["highlight"] = std::move(hl);
  if (!b.tab.empty()) j["tab"] = b.tab;
  if (!b.panel.empty()) j["panel"] = b.panel;
  if (b.errata) j["errata"] = true;
  if (b.question) {
    json q{{"text", b.question->text}, {"answer", quantity_json(b.question->answer)}};
    if (b.question->tolerance > 0.0) q["tolerance"] = b.question->tolerance;
    j["question"] = std::move(q);
  }
  return j;
}

}  // namespace

json lesson_json(const Lesson& lesson, const std::string& path) {
  json doc{{"title", lesson.title}};
  if (!lesson.summary.empty()) doc["summary"] = lesson.summary;
  if (const auto own = lesson.scenarios.find(""); own != lesson.scenarios.end())
    doc["scenario"] = scenario_to_json(own->second);
  json more = json::object();
  for (const auto& [name, sc] : lesson.scenarios)
    if (!name.empty()) more[name] = scenario_to_json(sc);
  if (!more.empty()) doc["scenarios"] = std::move(more);
  if (!lesson.errata_path.empty()) {
    // Relative to the new file's folder, as the reader resolves it.
    std::error_code ec;
    const fs::path base = fs::absolute(fs::path(path).parent_path(), ec);
    const fs::path errata = fs::absolute(lesson.errata_path, ec);
    doc["errata"] = errata.lexically_relative(base).generic_string();
  }
  if (!lesson.hide.empty()) doc["hide"] = lesson.hide;
  doc["beats"] = json::array();
  for (const Beat& b : lesson.beats) doc["beats"].push_back(beat_json(b, lesson));
  return doc;
}

std::string lesson_problem(const Lesson& lesson, const std::string& path) {
  try {
    parse_lesson(lesson_json(lesson, path).dump(), path);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void save_lesson(const Lesson& lesson, const std::string& path) {
  const std::string text = lesson_json(lesson, path).dump(2) + "\n";
  parse_lesson(text, path);  // throws: never write a file that would not open again
  write_file_atomic(path, text);
}

}  // namespace bpv
