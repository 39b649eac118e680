// Lessons on expression graphs: an expression and a list of beats, each one
// idea: a text, where the step should be (an op named by its node and pass,
// never by number), how many training steps first, a node to point at, and
// optionally a question whose answer is a node's value or gradient looked up
// in the engine when the beat is entered. No number the engine computes is
// written in a lesson file (as docs/lessons.md says of network lessons).
//
//   {"kind": "expression_lesson", "title": …, "summary": …,
//    "expression": "../cs231n_circuit.json",   (or the expression's object itself)
//    "beats": [{"text": …, "at": {"node": "q", "pass": "backward"}, "trained": 0,
//               "highlight": "q",
//               "question": {"text": "∂f/∂x?", "node": "x", "quantity": "grad", "tolerance": 0.01,
//                            "answer_at": {"node": "q", "pass": "backward"}}}]}
//
// "at" is {"node": NAME, "pass": "forward" | "backward"} (just after that
// node's op; with "before": true just before it), {"phase": "forward" | "backward" | "update"} (the end of that
// phase) or {"op": K}; without "at" the beat starts at op 0.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "expression_step.hpp"

namespace bpv {

struct ExprLessonQuestion {
  std::string text;
  std::string node;     // a value or a definition
  bool gradient = false;  // ∂out/∂node; else its value
  double tolerance = 0.01;  // relative, with 0.001 absolute near 0 (as network lessons)
  // Where the answer is read: "answer_at" (the same forms as "at"), by
  // default the beat's own op. A question asked before the op that computes
  // it reads the answer after that op, so the screen does not give it away.
  std::size_t answer_op = 0;
};

struct ExprBeat {
  std::string text;
  // Where the beat stands, resolved against the lesson's graph when loaded.
  std::size_t op = 0;
  int trained = 0;
  std::string highlight;  // a node's name, or ""
  std::optional<ExprLessonQuestion> question;
};

struct ExprLesson {
  std::string title, summary;
  Expression expression;
  std::vector<ExprBeat> beats;
};

bool is_expression_lesson_text(const std::string& text);
// Throws ScenarioError ("FILE: FIELD: problem"), one line.
ExprLesson parse_expression_lesson(const std::string& text, const std::string& source);
ExprLesson load_expression_lesson(const std::string& path);

// The expression as the beat shows it: the lesson's, trained for the beat's
// steps through the fast path, and the stepper at the beat's op.
ExprStepper enter_beat(const ExprLesson& lesson, std::size_t beat);
// The question's answer: the node's number once the step reaches answer_op
// (from the beat's stepper, on a copy).
double beat_answer(const ExprStepper& stepper, const ExprLessonQuestion& question);
bool lesson_answer_is_right(double guess, double answer, double tolerance);

}  // namespace bpv
