#include "expression_lesson.hpp"

#include <cmath>
#include <filesystem>

#include "formats/field_reader.hpp"
#include "expression_io.hpp"

namespace bpv {
namespace {

std::size_t resolve_at(const FieldReader& rd, const json& at, const std::string& field, const ExpressionGraph& g,
                       const std::vector<ExprStepOp>& ops) {
  if (!at.is_object()) rd.fail(field, "expected an object such as {\"node\": \"q\", \"pass\": \"backward\"}");
  rd.only_keys(at, {"node", "pass", "before", "phase", "op"}, field);
  if (const json* op = rd.find(at, "op"))
    return static_cast<std::size_t>(rd.integer(*op, field + ".op", 0, static_cast<long long>(ops.size())));
  if (const json* phase = rd.find(at, "phase")) {
    const std::string p = rd.string(*phase, field + ".phase");
    if (p != "forward" && p != "backward" && p != "update")
      rd.fail(field + ".phase", "expected forward, backward or update, got '" + p + "'");
    std::size_t end = 0;
    for (std::size_t k = 0; k < ops.size(); ++k)
      if (phase_name(ops[k].phase) == p) end = k + 1;
    if (end == 0) rd.fail(field + ".phase", "this graph's step has no " + p + " ops");
    return end;
  }
  const std::string node = rd.string(rd.require(at, "node", field + ".node"), field + ".node");
  const int n = g.find(node);
  if (n < 0) rd.fail(field + ".node", "'" + node + "' is not a value or a definition");
  const std::string pass = rd.string(rd.require(at, "pass", field + ".pass"), field + ".pass");
  const ExprStepKind kind = pass == "forward" ? ExprStepKind::Forward : ExprStepKind::Backward;
  if (pass != "forward" && pass != "backward") rd.fail(field + ".pass", "expected forward or backward, got '" + pass + "'");
  // "before": true stops just before that op (its result not shown yet).
  bool before = false;
  if (const json* b = rd.find(at, "before")) {
    if (!b->is_boolean()) rd.fail(field + ".before", "expected true or false");
    before = b->get<bool>();
  }
  for (std::size_t k = 0; k < ops.size(); ++k)
    if (ops[k].kind == kind && ops[k].node == n) return before ? k : k + 1;
  rd.fail(field + ".node", "'" + node + "' has no " + pass + " op (a value is not computed; a node the output does "
                                                          "not depend on passes nothing back)");
}

}  // namespace

bool is_expression_lesson_text(const std::string& text) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return false;
  const auto it = doc.find("kind");
  return it != doc.end() && it->is_string() && it->get<std::string>() == "expression_lesson";
}

ExprLesson parse_expression_lesson(const std::string& text, const std::string& source) {
  const FieldReader rd{source};
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw ScenarioError(source + ": (document): not valid JSON");
  }
  if (!doc.is_object()) rd.fail("(document)", "expected a JSON object");
  rd.only_keys(doc, {"kind", "title", "summary", "expression", "beats"}, "");
  if (rd.string(rd.require(doc, "kind", "kind"), "kind") != "expression_lesson")
    rd.fail("kind", "expected \"expression_lesson\"");
  ExprLesson lesson;
  lesson.title = rd.string(rd.require(doc, "title", "title"), "title");
  if (const json* s = rd.find(doc, "summary")) lesson.summary = rd.string(*s, "summary");
  // The expression: a file beside the lesson, or (a recorded lesson) written inside it.
  const json& ej = rd.require(doc, "expression", "expression");
  if (ej.is_object()) {  // its errors read "lesson.json: expression: definitions[0]: …"
    // Read again keeping the file's order: the values' order is the graph's.
    const std::string inside = nlohmann::ordered_json::parse(text)["expression"].dump();
    lesson.expression = parse_expression(inside, source + ": expression");
  } else {
    const std::string rel = rd.string(ej, "expression");
    try {
      lesson.expression = load_expression((std::filesystem::path(source).parent_path() / rel).string());
    } catch (const ScenarioError& e) {
      rd.fail("expression", e.what());
    }
  }
  const ExpressionGraph g = build_expression_graph(lesson.expression);
  const std::vector<ExprStepOp> ops = build_expr_ops(lesson.expression, g);
  const json& beats = rd.require(doc, "beats", "beats");
  if (!beats.is_array() || beats.empty()) rd.fail("beats", "expected a non-empty array of beats");
  for (std::size_t b = 0; b < beats.size(); ++b) {
    const std::string f = "beats[" + std::to_string(b) + "]";
    const json& bj = beats[b];
    if (!bj.is_object()) rd.fail(f, "expected an object");
    rd.only_keys(bj, {"text", "at", "trained", "highlight", "question"}, f);
    ExprBeat beat;
    beat.text = rd.string(rd.require(bj, "text", f + ".text"), f + ".text");
    if (beat.text.empty()) rd.fail(f + ".text", "must not be empty");
    if (const json* at = rd.find(bj, "at")) beat.op = resolve_at(rd, *at, f + ".at", g, ops);
    if (const json* t = rd.find(bj, "trained")) beat.trained = static_cast<int>(rd.integer(*t, f + ".trained", 0, 100000));
    if (const json* h = rd.find(bj, "highlight")) {
      beat.highlight = rd.string(*h, f + ".highlight");
      if (g.find(beat.highlight) < 0) rd.fail(f + ".highlight", "'" + beat.highlight + "' is not a value or a definition");
    }
    if (const json* q = rd.find(bj, "question")) {
      const std::string qf = f + ".question";
      if (!q->is_object()) rd.fail(qf, "expected an object");
      rd.only_keys(*q, {"text", "node", "quantity", "tolerance", "answer_at"}, qf);
      ExprLessonQuestion question;
      question.text = rd.string(rd.require(*q, "text", qf + ".text"), qf + ".text");
      question.node = rd.string(rd.require(*q, "node", qf + ".node"), qf + ".node");
      if (g.find(question.node) < 0) rd.fail(qf + ".node", "'" + question.node + "' is not a value or a definition");
      const std::string quantity = rd.string(rd.require(*q, "quantity", qf + ".quantity"), qf + ".quantity");
      if (quantity != "value" && quantity != "grad") rd.fail(qf + ".quantity", "expected value or grad");
      question.gradient = quantity == "grad";
      if (const json* t = rd.find(*q, "tolerance")) {
        question.tolerance = rd.number(*t, qf + ".tolerance");
        if (question.tolerance <= 0 || question.tolerance >= 1) rd.fail(qf + ".tolerance", "must be in (0, 1)");
      }
      question.answer_op = beat.op;
      if (const json* at = rd.find(*q, "answer_at")) question.answer_op = resolve_at(rd, *at, qf + ".answer_at", g, ops);
      beat.question = std::move(question);
    }
    lesson.beats.push_back(std::move(beat));
  }
  return lesson;
}

ExprLesson load_expression_lesson(const std::string& path) {
  return parse_expression_lesson(read_text_file(path), path);
}

ExprStepper enter_beat(const ExprLesson& lesson, std::size_t beat) {
  const ExprBeat& b = lesson.beats.at(beat);
  Expression e = lesson.expression;
  if (b.trained > 0) {
    ExprTrainer trainer(e);
    for (int s = 0; s < b.trained; ++s) trainer.step();
    e = trainer.expression();
  }
  ExprStepper stepper(std::move(e));
  stepper.jump_to(b.op);
  return stepper;
}

double beat_answer(const ExprStepper& stepper, const ExprLessonQuestion& q) {
  ExprStepper at = stepper;
  at.jump_to(q.answer_op);
  const int n = at.graph().find(q.node);
  return q.gradient ? at.state().grad[n] : at.state().value[n];
}

bool lesson_answer_is_right(double guess, double answer, double tolerance) {
  return std::abs(guess - answer) <= std::max(1e-3, tolerance * std::abs(answer));
}

}  // namespace bpv
