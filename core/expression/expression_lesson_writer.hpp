// Recording a lesson on an expression in the app (ui/expressions/expression_recorder.cpp):
// the window as it is now becomes a beat of a draft, placed by node and pass
// as a hand-written lesson is, and the draft is written as a lesson file that
// load_expression_lesson reads back to the same beats.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "expression_lesson.hpp"

namespace bpv {

// A question the teacher picked: a node's value or ∂out/∂node.
struct ExprQuestionAsk {
  std::string text;
  std::string node;
  bool gradient = false;
};

// A new draft on `expression` (the graph at the start of its current step).
ExprLesson new_expression_lesson_draft(const Expression& expression, std::string title);

// Adds the beat the window shows: `now` at its cursor, `trained` training
// steps after the draft's expression. "" when added, else why not (nothing
// changed): the graph was edited since the recording began, so training the
// draft's expression does not give this one; or the question's answer is
// already on the screen.
std::string add_expression_beat(ExprLesson& draft, const ExprStepper& now, int trained, const std::string& text,
                                const std::string& highlight, const std::optional<ExprQuestionAsk>& ask);

// The lesson file: the expression written inside it, each beat's place as a
// node and a pass where one names it ("at": {"node": "q", "pass": "backward"}).
nlohmann::ordered_json expression_lesson_to_json(const ExprLesson& lesson);
// Written atomically; throws std::runtime_error when it cannot be.
void save_expression_lesson(const ExprLesson& lesson, const std::string& path);

}  // namespace bpv
