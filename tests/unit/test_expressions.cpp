// Expression graphs (formats.md §7): the lessons' graphs against numbers
// worked by hand, every operator against a finite difference, gradients that
// add, the stepped path against the fast path, step back, save → load.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "expression/expression_describe.hpp"
#include "expression/expression_io.hpp"
#include "expression/expression_report.hpp"
#include "expression/expression_predict.hpp"
#include "expression/expression_session.hpp"
#include "expression/expression_text.hpp"
#include "optimizers/optimizer.hpp"
#include "temp_dir.hpp"

namespace bpv {
namespace {

const std::string kExamples = std::string(BPV_ASSETS_DIR) + "/expressions";

Expression make(std::vector<std::pair<std::string, double>> values, std::vector<std::string> definitions,
                std::vector<std::string> parameters = {}) {
  Expression e;
  e.name = "test";
  for (auto& [n, v] : values) {
    e.value_names.push_back(n);
    e.values.push_back(v);
  }
  e.definitions = std::move(definitions);
  e.parameters = std::move(parameters);
  return e;
}

// The stepper at the end of the backward pass (before any update).
ExprStepper after_backward(const Expression& e) {
  ExprStepper s(e);
  while (!s.at_end() && s.ops()[s.cursor()].phase != Phase::Update) s.step_forward();
  return s;
}

double value_of(const ExprStepper& s, const std::string& name) { return s.state().value[s.graph().find(name)]; }
double grad_of(const ExprStepper& s, const std::string& name) { return s.state().grad[s.graph().find(name)]; }

TEST(Expressions, Cs231nCircuitGivesTheLectureNumbers) {
  const ExprStepper s = after_backward(load_expression(kExamples + "/cs231n_circuit.json"));
  EXPECT_EQ(value_of(s, "q"), 3.0);
  EXPECT_EQ(value_of(s, "f"), -12.0);
  EXPECT_EQ(grad_of(s, "f"), 1.0);
  EXPECT_EQ(grad_of(s, "z"), 3.0);
  EXPECT_EQ(grad_of(s, "q"), -4.0);
  EXPECT_EQ(grad_of(s, "x"), -4.0);
  EXPECT_EQ(grad_of(s, "y"), -4.0);
}

TEST(Expressions, MicrogradLGivesTheVideoNumbers) {
  const ExprStepper s = after_backward(load_expression(kExamples + "/micrograd_L.json"));
  EXPECT_EQ(value_of(s, "e"), -6.0);
  EXPECT_EQ(value_of(s, "d"), 4.0);
  EXPECT_EQ(value_of(s, "L"), -8.0);
  EXPECT_EQ(grad_of(s, "d"), -2.0);
  EXPECT_EQ(grad_of(s, "f"), 4.0);
  EXPECT_EQ(grad_of(s, "c"), -2.0);
  EXPECT_EQ(grad_of(s, "e"), -2.0);
  EXPECT_EQ(grad_of(s, "a"), 6.0);
  EXPECT_EQ(grad_of(s, "b"), -4.0);
}

TEST(Expressions, MicrogradNeuronGivesTheVideoNumbersAndLearns) {
  const Expression e = load_expression(kExamples + "/micrograd_neuron.json");
  const ExprStepper s = after_backward(e);
  EXPECT_NEAR(value_of(s, "n"), 0.8813735870195432, 1e-15);
  EXPECT_NEAR(value_of(s, "o"), std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(grad_of(s, "n"), 0.5, 1e-15);
  EXPECT_NEAR(grad_of(s, "b"), 0.5, 1e-15);
  EXPECT_NEAR(grad_of(s, "x1"), -1.5, 1e-15);
  EXPECT_NEAR(grad_of(s, "w1"), 1.0, 1e-15);
  EXPECT_NEAR(grad_of(s, "x2"), 0.5, 1e-15);
  EXPECT_EQ(grad_of(s, "w2"), 0.0);
  ExprStepper done(e);
  done.jump_to(done.op_count());
  EXPECT_EQ(value_of(done, "w1"), -3.0 - 0.1 * grad_of(s, "w1"));
  EXPECT_EQ(value_of(done, "b"), e.values[4] - 0.1 * grad_of(s, "b"));
  EXPECT_EQ(value_of(done, "x1"), 2.0) << "only parameters learn";
  // Gradient descent on o lowers o, step after step.
  ExprTrainer trainer(e);
  double last = trainer.step();
  for (int k = 0; k < 5; ++k) {
    const double now = trainer.step();
    EXPECT_LT(now, last);
    last = now;
  }
}

TEST(Expressions, AValueUsedTwiceCollectsBothContributions) {
  const ExprStepper s = after_backward(load_expression(kExamples + "/value_used_twice.json"));
  EXPECT_EQ(value_of(s, "f"), -6.0);
  EXPECT_EQ(grad_of(s, "a"), -3.0);  // b·e + d·1 = 3 − 6
  EXPECT_EQ(grad_of(s, "b"), -8.0);  // a·e + d·1 = −2 − 6
  const ExprStepper twice = after_backward(make({{"a", 3.0}}, {"b = a + a"}));
  EXPECT_EQ(grad_of(twice, "a"), 2.0);
  const ExprStepper square = after_backward(make({{"a", 3.0}}, {"q = a * a"}));
  EXPECT_EQ(grad_of(square, "a"), 6.0);
}

TEST(Expressions, TheBackwardStepThatFinishesANodeShowsTheSum) {
  ExprStepper s(make({{"a", 3.0}}, {"q = a * a"}));
  s.jump_to(s.op_count());
  const std::size_t k = s.op_count() - 1;
  const OpText t = describe_expr_op(s.ops()[k], s.expression(), s.graph(), s.state(), s.before(k));
  EXPECT_NE(t.numbers.find("3 + 3 = 6"), std::string::npos) << t.numbers;
  EXPECT_NE(t.explanation.find("add"), std::string::npos);
  ExprStepper n(load_expression(kExamples + "/micrograd_neuron.json"));
  // The tanh node's backward: ∂o/∂n = 1 × (1 − 0.70711²) = 0.5
  for (std::size_t j = 0; j < n.op_count(); ++j) {
    n.step_forward();
    if (n.ops()[j].kind == ExprStepKind::Backward && n.graph().nodes[n.ops()[j].node].name == "o") {
      const OpText b = describe_expr_op(n.ops()[j], n.expression(), n.graph(), n.state(), n.before(j));
      EXPECT_NE(b.equation.find("∂o/∂n += ∂o/∂o · (1 − o²)"), std::string::npos) << b.equation;
      EXPECT_NE(b.numbers.find("1 × (1 − 0.70711²) = 0.5"), std::string::npos) << b.numbers;
    }
  }
}

// f(x) (and f(x, y)) against a central difference at points away from kinks.
TEST(Expressions, EveryOperatorMatchesAFiniteDifference) {
  const std::vector<std::string> unary = {"relu(x)", "tanh(x)", "sigmoid(x)", "exp(x)", "log(x)", "sin(x)",
                                          "cos(x)",  "sqrt(x)", "abs(x)",     "-x",     "x^3",    "x^-1.5",
                                          "x^0.5"};
  const std::vector<std::string> binary = {"x + y", "x - y", "x * y", "x / y"};
  int checked = 0;
  for (double x : {0.37, 1.9, -0.8}) {
    for (const std::string& f : unary) {
      if (x < 0 && (f == "log(x)" || f == "sqrt(x)" || f == "x^-1.5" || f == "x^0.5")) continue;
      const Expression e = make({{"x", x}}, {"f = " + f});
      const ExprGradCheckResult r = expression_gradcheck(e);
      ASSERT_EQ(r.entries.size(), 1u) << f;
      EXPECT_LT(r.max_relative_error, 1e-8) << f << " at " << x << ": " << r.entries[0].analytic << " vs "
                                            << r.entries[0].numeric;
      ++checked;
    }
    for (const std::string& f : binary) {
      const Expression e = make({{"x", x}, {"y", 1.3}}, {"f = " + f});
      EXPECT_LT(expression_gradcheck(e).max_relative_error, 1e-8) << f;
      ++checked;
    }
  }
  // Every operator that computes appears above.
  int computing = 0;
  for (const ExprOperator& op : all_expr_operators()) computing += op.arity > 0 && op.kind != ExprOpKind::Copy;
  EXPECT_EQ(computing, 15);
  EXPECT_GT(checked, 40);
  // And a composite graph of the lessons.
  for (const char* file : {"micrograd_neuron.json", "cs231n_circuit.json", "micrograd_L.json", "value_used_twice.json",
                           "sigmoid_vanishing.json"})
    EXPECT_LT(expression_gradcheck(load_expression(kExamples + "/" + file)).max_relative_error, 1e-6) << file;
}

TEST(Expressions, KinksFollowPyTorch) {
  const ExprStepper relu = after_backward(make({{"x", 0.0}}, {"f = relu(x)"}));
  EXPECT_EQ(grad_of(relu, "x"), 0.0);
  const ExprStepper abs = after_backward(make({{"x", 0.0}}, {"f = abs(x)"}));
  EXPECT_EQ(grad_of(abs, "x"), 0.0);
  const ExprStepper neg = after_backward(make({{"x", -2.0}}, {"f = abs(x)"}));
  EXPECT_EQ(grad_of(neg, "x"), -1.0);
  // At the kink the gradient check skips the value instead of failing.
  EXPECT_EQ(expression_gradcheck(make({{"x", 0.0}}, {"f = relu(x)"})).skipped_at_kinks, 1u);
}

TEST(Expressions, PrecedenceAndAssociativityFollowTheGrammar) {
  const auto out = [](const std::string& def, double x = 3.0) {
    const ExprStepper s = after_backward(make({{"x", x}, {"y", 2.0}}, {"f = " + def}));
    return value_of(s, "f");
  };
  EXPECT_EQ(out("-x^2"), -9.0);      // ^ above unary minus
  EXPECT_EQ(out("2^3^2"), 512.0);    // right-associative
  EXPECT_EQ(out("x - y - 1"), 0.0);  // left to right
  EXPECT_EQ(out("x / y / 2"), 0.75);
  EXPECT_EQ(out("x + y * 2"), 7.0);
  EXPECT_EQ(out("(x + y) * 2"), 10.0);
  EXPECT_EQ(out("x * -y"), -6.0);
  EXPECT_EQ(out("x^-1"), 1.0 / 3.0);
  EXPECT_EQ(out("--x"), 3.0);
  EXPECT_EQ(out("1.5e1 + .5"), 15.5);
  // −2 is a number, not a negation node; −x is a node.
  const ExpressionGraph g = build_expression_graph(make({{"x", 1.0}}, {"f = -2 * -x"}));
  int negations = 0, constants = 0;
  for (const ExprNode& n : g.nodes) {
    negations += n.kind == ExprOpKind::Neg;
    constants += n.kind == ExprOpKind::Constant;
  }
  EXPECT_EQ(negations, 1);
  EXPECT_EQ(constants, 1);
}

TEST(Expressions, ANameAloneIsACopyWithItsOwnNode) {
  const ExprStepper s = after_backward(make({{"a", 4.0}}, {"b = a", "c = b * b"}));
  EXPECT_EQ(value_of(s, "b"), 4.0);
  EXPECT_EQ(grad_of(s, "b"), 8.0);
  EXPECT_EQ(grad_of(s, "a"), 8.0);
  EXPECT_NE(s.graph().find("a"), s.graph().find("b"));
}

TEST(Expressions, OnlyTheOutputsAncestorsPassGradientsBack) {
  const ExprStepper s = after_backward(make({{"a", 2.0}, {"b", 5.0}}, {"f = a * 3", "g = b * 2"}, {}));
  EXPECT_EQ(value_of(s, "g"), 10.0);
  EXPECT_EQ(grad_of(s, "b"), 2.0);
  EXPECT_EQ(grad_of(s, "a"), 0.0) << "the output is the last definition, g";
  Expression e = make({{"a", 2.0}, {"b", 5.0}}, {"f = a * 3", "g = b * 2"});
  e.output = "f";
  const ExprStepper f = after_backward(e);
  EXPECT_EQ(grad_of(f, "a"), 3.0);
  EXPECT_EQ(grad_of(f, "b"), 0.0);
}

Expression with_optimizer(const std::string& name) {
  Expression e = load_expression(kExamples + "/micrograd_neuron.json");
  if (!name.empty()) e.optimizer = default_spec(*find_optimizer(name));
  if (name == "sgd") e.optimizer.momentum = 0.9;
  conform_expr_optimizer_state(e);
  return e;
}

TEST(Expressions, TheSteppedPathEqualsTheFastPathBitForBit) {
  for (const std::string name : {"", "sgd", "rmsprop", "adam", "adamw"}) {
    const Expression e = with_optimizer(name);
    ExprTrainer fast(e);
    Expression stepped = e;
    for (int step = 0; step < 4; ++step) {
      const double fast_out = fast.step();
      ExprStepper s(stepped);
      s.jump_to(s.op_count());
      EXPECT_EQ(s.state().value[s.graph().output], fast_out) << name;
      EXPECT_EQ(s.state().value, fast.state().value) << name << " step " << step;
      EXPECT_EQ(s.state().grad, fast.state().grad) << name;
      stepped = expression_after(s.expression(), s.graph(), s.state());
    }
    EXPECT_EQ(stepped.values, fast.expression().values) << name;
  }
}

TEST(Expressions, StepBackRestoresEveryNode) {
  for (const std::string name : {"", "sgd", "adam"}) {
    ExprStepper s(with_optimizer(name));
    std::vector<ExprState> seen;
    seen.push_back(s.state());
    while (s.step_forward()) seen.push_back(s.state());
    for (std::size_t k = s.op_count(); k-- > 0;) {
      ASSERT_TRUE(s.step_back());
      EXPECT_EQ(s.state().value, seen[k].value) << name << " op " << k;
      EXPECT_EQ(s.state().grad, seen[k].grad) << name << " op " << k;
      EXPECT_EQ(s.state().t, seen[k].t);
      for (std::size_t p = 0; p < s.state().optimizer_state.size(); ++p)
        for (int slot = 0; slot < kStateSlotCount; ++slot)
          EXPECT_EQ(s.state().optimizer_state[p].tensors[slot], seen[k].optimizer_state[p].tensors[slot]);
    }
    EXPECT_FALSE(s.step_back());
  }
}

TEST(Expressions, AdamMovesEachParameterByAboutTheLearningRateOnItsFirstStep) {
  const Expression e = with_optimizer("adam");
  ExprStepper s(e);
  s.jump_to(s.op_count());
  // m̂/√v̂ = g/|g| on the first step: θ moves by η against the gradient's sign (w2's gradient is 0).
  EXPECT_NEAR(value_of(s, "w1"), -3.0 - 0.1, 1e-7);
  EXPECT_EQ(value_of(s, "w2"), 1.0);
  EXPECT_NEAR(value_of(s, "b"), e.values[4] - 0.1, 1e-7);
  EXPECT_EQ(s.state().t, 1.0);
}

class ExpressionFiles : public test::TempDirTest {};

TEST_F(ExpressionFiles, SaveLoadContinueIsBitForBit) {
  for (const std::string name : {"", "sgd", "rmsprop", "adam"}) {
    ExprTrainer straight(with_optimizer(name));
    for (int k = 0; k < 6; ++k) straight.step();
    ExprTrainer first(with_optimizer(name));
    for (int k = 0; k < 3; ++k) first.step();
    const std::string path = (dir_ / "trained.json").string();
    save_expression(first.expression(), path);
    ExprTrainer resumed(load_expression(path));
    for (int k = 0; k < 3; ++k) resumed.step();
    EXPECT_EQ(resumed.expression().values, straight.expression().values) << name;
    EXPECT_EQ(resumed.state().t, straight.state().t) << name;
  }
}

TEST_F(ExpressionFiles, AFileKeepsItsTextAndOrderThroughARoundTrip) {
  const Expression e = load_expression(kExamples + "/micrograd_neuron.json");
  const std::string text = expression_file_text(e);
  const Expression again = parse_expression(text, "again.json");
  EXPECT_EQ(again.value_names, e.value_names);
  EXPECT_EQ(again.values, e.values);
  EXPECT_EQ(again.definitions, e.definitions);
  EXPECT_EQ(again.parameters, e.parameters);
  EXPECT_EQ(expression_file_text(again), text);
  EXPECT_EQ(std::vector<std::string>({"x1", "x2", "w1", "w2", "b"}), e.value_names) << "the file's order, not sorted";
}

TEST(Expressions, TheTraceListsEveryNamedNodeAndEveryOp) {
  const nlohmann::ordered_json t = expression_trace_json(load_expression(kExamples + "/micrograd_neuron.json"));
  EXPECT_EQ(t["kind"], "expression");
  EXPECT_EQ(t["output"], "o");
  EXPECT_NEAR(t["value"].get<double>(), std::sqrt(0.5), 1e-15);
  EXPECT_EQ(t["values"].size(), 9u);  // 5 values, 4 definitions
  EXPECT_EQ(t["grads"]["w1"].get<double>(), t["grads"]["n"].get<double>() * 2.0);
  EXPECT_EQ(t["values"]["w1"], -3.0) << "values are before the update";
  EXPECT_EQ(t["values_after"].size(), 3u);
  EXPECT_NEAR(t["values_after"]["w1"].get<double>(), -3.1, 1e-15);
  std::vector<std::string> phases;
  for (const auto& s : t["steps"])
    if (phases.empty() || phases.back() != s["phase"]) phases.push_back(s["phase"]);
  EXPECT_EQ(phases, (std::vector<std::string>{"forward", "backward", "update"}));
  // 5 forward nodes (two products, two sums, tanh), the seed, 5 backward, 3 updates.
  EXPECT_EQ(t["steps"].size(), 14u);
}

TEST(Expressions, TheMarkdownExportWorksEveryStep) {
  const std::string md = expression_markdown(load_expression(kExamples + "/micrograd_L.json"));
  for (const char* part : {"## Forward pass", "## Backward pass", "## Result", "e = a · b", "∂L/∂a += ∂L/∂e · b",
                           "∂L/∂a += (-2) × (-3) = 6"})
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
}

// A chain of 1,000 nodes builds, steps and checks.
TEST(Expressions, AThousandNodesStepAndStayExact) {
  Expression e = make({{"x", 0.5}, {"w", 0.9}}, {});
  std::string def = "h0 = x";
  e.definitions.push_back(def);
  for (int k = 1; k < 249; ++k)
    e.definitions.push_back("h" + std::to_string(k) + " = tanh(h" + std::to_string(k - 1) + " * w + 0.1)");
  const ExpressionGraph g = build_expression_graph(e);
  EXPECT_GT(g.nodes.size(), 990u);
  EXPECT_LE(g.nodes.size(), static_cast<std::size_t>(kMaxExprNodes));
  EXPECT_LT(expression_gradcheck(e).max_relative_error, 1e-6);
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// The editor's text (core/expression/expression_text.hpp): a round trip, and
// each problem at the line and column the user sees.
TEST(ExpressionText, TheEditorsTextRoundTripsAndPlacesProblemsAtTheirLine) {
  const Expression e = load_expression(kExamples + "/micrograd_neuron.json");
  const ExpressionText t = expression_text(e);
  EXPECT_EQ(t.parameters, "w1, w2, b");
  const ExprTextResult back = parse_expression_text(t, e);
  ASSERT_TRUE(back.expression.has_value());
  EXPECT_EQ(back.expression->values, e.values);
  EXPECT_EQ(back.expression->definitions, e.definitions);
  EXPECT_EQ(back.expression->parameters, e.parameters);

  ExpressionText bad = t;
  bad.definitions = "x1w1 = x1*w1\n\nx2w2 = x2*w2\nn = x1w1 + (x2w2 + b\no = tanh(n)";
  const ExprTextResult r = parse_expression_text(bad, e);
  ASSERT_TRUE(r.problem.has_value());
  EXPECT_EQ(r.problem->text(), "definitions, line 4, column 21: expected ')'");
  bad = t;
  bad.values = "x1 = 2\nx2 = oops";
  EXPECT_EQ(parse_expression_text(bad, e).problem->text(),
            "values, line 2, column 5: expected a finite number after '=', got 'oops'");
  bad = t;
  bad.parameters = "w1, n";
  EXPECT_EQ(parse_expression_text(bad, e).problem->text(), "parameters: 'n' is a definition; only a value can learn");
}

TEST(ExpressionText, ReplacingTheGraphIsOneUndoableEdit) {
  ExpressionSession session(load_expression(kExamples + "/cs231n_circuit.json"));
  ExpressionText t = expression_text(session.expression());
  t.definitions = "q = x + y\nf = q * z\ng = f^2";
  t.output = "";  // the last definition, g
  const ExprTextResult r = parse_expression_text(t, session.expression());
  ASSERT_TRUE(r.expression.has_value());
  EXPECT_EQ(session.apply(expr_command::ReplaceExpression{*r.expression}), "");
  session.apply(expr_command::RunToEnd{});
  const ExpressionGraph& g = session.stepper().graph();
  EXPECT_EQ(session.stepper().state().value[g.output], 144.0);
  EXPECT_EQ(session.stepper().state().grad[g.find("x")], 2.0 * -12.0 * -4.0);
  EXPECT_EQ(session.apply(expr_command::Undo{}), "");
  EXPECT_EQ(session.stepper().expression().definitions.size(), 2u);
  EXPECT_EQ(session.apply(expr_command::SetValue{"x", 1.0}), "");
  EXPECT_EQ(session.apply(expr_command::SetValue{"nope", 1.0}), "'nope' is not a value");
  session.apply(expr_command::Undo{});
  EXPECT_EQ(session.expression().values[0], -2.0);
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// Predict-then-reveal: every op's question is answered by what the op then writes, and hides it.
TEST(ExpressionPredict, EachQuestionsAnswerIsWhatTheOpWritesAndIsHidden) {
  for (const std::string name : {"", "adam"}) {
    ExprStepper s(with_optimizer(name));
    while (!s.at_end()) {
      const std::optional<ExprPredictQuestion> q = ask_next_expr_op(s);
      ASSERT_TRUE(q.has_value());
      const ExprRef asked = s.ops()[s.cursor()].writes[0];
      s.step_forward();
      const double written = asked.tensor == ExprTensor::State
                                 ? s.state().optimizer_state[s.ops()[q->op_index].parameter][asked.slot](0, 0)
                                 : expr_number(s.state(), s.graph(), asked);
      EXPECT_EQ(q->answer, written) << q->title;
      EXPECT_EQ(q->hidden_numbers.substr(q->hidden_numbers.size() - 3), "= ?") << q->hidden_numbers;
      EXPECT_FALSE(q->symbol.empty());
    }
    EXPECT_FALSE(ask_next_expr_op(s).has_value());
  }
}

}  // namespace
}  // namespace bpv

namespace bpv {
namespace {

// A node of numbers only (the fuzzer's "q = 1e-30 * 1e-320") passes nothing
// back: it has no backward op, and every op of the step says what it does.
TEST(Expressions, ANodeOfNumbersOnlyHasNoBackwardOp) {
  ExprStepper s(make({}, {"q = 1e-30 * 1e-320", "f = q * 2 + 3"}));
  while (s.step_forward()) {
    const std::size_t k = s.cursor() - 1;
    EXPECT_NE(s.ops()[k].kind == ExprStepKind::Backward ? s.ops()[k].write_count : 1, 0);
    const OpText t = describe_expr_op(s.ops()[k], s.expression(), s.graph(), s.state(), s.before(k));
    EXPECT_FALSE(t.equation.empty()) << t.title;
  }
  EXPECT_EQ(s.state().grad[s.graph().find("q")], 2.0);
}

}  // namespace
}  // namespace bpv
