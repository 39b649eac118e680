#include "expression_lesson_writer.hpp"

#include <cstring>

#include "expression_io.hpp"
#include "formats/scenario_io.hpp"

namespace bpv {
namespace {

using nlohmann::ordered_json;

bool named(const ExpressionGraph& g, int node) { return node >= 0 && !g.nodes[node].name.empty(); }

bool names_a_node(const ExprStepOp& op) {
  return op.kind == ExprStepKind::Forward || op.kind == ExprStepKind::Backward;
}

// Where `cursor` ops applied stands, as a lesson file says it: after a named
// node's op, before one, at the end of a phase, or (the last resort) the op's
// number. Each form resolves back to `cursor` (expression_lesson.cpp resolve_at).
ordered_json at_json(const ExpressionGraph& g, const std::vector<ExprStepOp>& ops, std::size_t cursor) {
  const auto pass = [](const ExprStepOp& op) { return op.kind == ExprStepKind::Forward ? "forward" : "backward"; };
  if (cursor > 0 && names_a_node(ops[cursor - 1]) && named(g, ops[cursor - 1].node))
    return {{"node", g.nodes[ops[cursor - 1].node].name}, {"pass", pass(ops[cursor - 1])}};
  if (cursor < ops.size() && names_a_node(ops[cursor]) && named(g, ops[cursor].node))
    return {{"node", g.nodes[ops[cursor].node].name}, {"pass", pass(ops[cursor])}, {"before", true}};
  if (cursor > 0 && (cursor == ops.size() || ops[cursor].phase != ops[cursor - 1].phase))
    return {{"phase", std::string(phase_name(ops[cursor - 1].phase))}};
  return {{"op", cursor}};
}

// The op after which the node's value or gradient is final: its forward op
// (a value never computed: 0), or the last backward op that adds to its gradient.
std::size_t answer_op(const std::vector<ExprStepOp>& ops, int node, bool gradient) {
  std::size_t at = 0;
  for (std::size_t k = 0; k < ops.size(); ++k) {
    const ExprStepOp& op = ops[k];
    if (!gradient && op.kind == ExprStepKind::Forward && op.node == node) return k + 1;
    if (gradient && op.kind != ExprStepKind::Update)
      for (int w = 0; w < op.write_count; ++w)
        if (op.writes[w].tensor == ExprTensor::Grad && op.writes[w].node == node) at = k + 1;
  }
  return at;
}

bool same_numbers(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

ExprLesson new_expression_lesson_draft(const Expression& expression, std::string title) {
  ExprLesson draft;
  draft.title = title.empty() ? expression.name : std::move(title);
  draft.expression = expression;
  return draft;
}

std::string add_expression_beat(ExprLesson& draft, const ExprStepper& now, int trained, const std::string& text,
                                const std::string& highlight, const std::optional<ExprQuestionAsk>& ask) {
  if (text.empty()) return "write what the beat says first";
  ExprBeat beat;
  beat.text = text;
  beat.op = now.cursor();
  beat.trained = trained;
  const ExpressionGraph& g = now.graph();
  if (!highlight.empty() && g.find(highlight) < 0) return "'" + highlight + "' is not a node of this graph";
  beat.highlight = highlight;
  // A lesson replays: the draft's expression trained `trained` steps must be
  // the graph on screen, bit for bit.
  ExprLesson probe = draft;
  probe.beats = {beat};
  const ExprStepper replayed = enter_beat(probe, 0);
  if (replayed.expression().definitions != now.expression().definitions ||
      replayed.expression().value_names != now.expression().value_names ||
      !same_numbers(replayed.expression().values, now.expression().values))
    return "the graph was edited since the recording began: save this lesson, then record a new one from here";
  if (ask) {
    const int n = g.find(ask->node);
    if (n < 0) return "'" + ask->node + "' is not a node of this graph";
    if (ask->text.empty()) return "write the question first";
    const std::size_t answer = answer_op(now.ops(), n, ask->gradient);
    if (answer == 0)
      return ask->gradient ? "no op passes a gradient back to '" + ask->node + "'"
                           : "'" + ask->node + "' is a value of the file: its number is on the screen";
    if (answer <= beat.op)
      return "the answer is already on the screen: step back before op " + std::to_string(answer) + " to ask it";
    ExprLessonQuestion q;
    q.text = ask->text;
    q.node = ask->node;
    q.gradient = ask->gradient;
    q.answer_op = answer;
    beat.question = std::move(q);
  }
  draft.beats.push_back(std::move(beat));
  return "";
}

ordered_json expression_lesson_to_json(const ExprLesson& lesson) {
  const ExpressionGraph g = build_expression_graph(lesson.expression);
  const std::vector<ExprStepOp> ops = build_expr_ops(lesson.expression, g);
  ordered_json beats = ordered_json::array();
  for (const ExprBeat& b : lesson.beats) {
    ordered_json j{{"text", b.text}};
    if (b.op > 0) j["at"] = at_json(g, ops, b.op);
    if (b.trained > 0) j["trained"] = b.trained;
    if (!b.highlight.empty()) j["highlight"] = b.highlight;
    if (b.question) {
      const ExprLessonQuestion& q = *b.question;
      ordered_json qj{{"text", q.text}, {"node", q.node}, {"quantity", q.gradient ? "grad" : "value"},
                      {"tolerance", q.tolerance}};
      if (q.answer_op != b.op) qj["answer_at"] = at_json(g, ops, q.answer_op);
      j["question"] = std::move(qj);
    }
    beats.push_back(std::move(j));
  }
  ordered_json doc{{"kind", "expression_lesson"}, {"title", lesson.title}};
  if (!lesson.summary.empty()) doc["summary"] = lesson.summary;
  doc["expression"] = expression_to_json(lesson.expression);
  doc["beats"] = std::move(beats);
  return doc;
}

void save_expression_lesson(const ExprLesson& lesson, const std::string& path) {
  if (lesson.beats.empty()) throw std::runtime_error("a lesson needs at least one beat");
  write_file_atomic(path, expression_lesson_to_json(lesson).dump(2) + "\n");
}

}  // namespace bpv
