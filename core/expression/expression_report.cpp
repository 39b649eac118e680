#include "expression_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/gradcheck.hpp"
#include "expression_describe.hpp"

namespace bpv {
namespace {

nlohmann::ordered_json ref_json(const ExpressionGraph& g, ExprRef ref) {
  static constexpr const char* kTensor[] = {"value", "grad", "t", "state"};
  nlohmann::ordered_json j{{"tensor", kTensor[static_cast<int>(ref.tensor)]}};
  if (ref.node >= 0) j["node"] = expr_node_symbol(g, ref.node);
  if (ref.slot != StateSlot::None) j["state"] = std::string(state_slot_name(ref.slot));
  return j;
}

}  // namespace

void walk_expression_step(const Expression& expression,
                          const std::function<void(const ExprStepper&, std::size_t, const ExprStepOp&, const OpText&)>& visit) {
  ExprStepper stepper(expression);
  Eigen::MatrixXd before_tensor;
  while (!stepper.at_end()) {
    const std::size_t k = stepper.cursor();
    const ExprStepOp& op = stepper.ops()[k];
    // An optimizer state op's old tensor: the stepper keeps numbers, not tensors.
    if (op.kind == ExprStepKind::OptimizerState) before_tensor = stepper.state().optimizer_state[op.parameter][op.writes[0].slot];
    stepper.step_forward();
    const OpText text = describe_expr_op(op, stepper.expression(), stepper.graph(), stepper.state(), stepper.before(k),
                                         op.kind == ExprStepKind::OptimizerState ? &before_tensor : nullptr);
    visit(stepper, k, op, text);
  }
}

nlohmann::ordered_json expression_trace_json(const Expression& expression) {
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  nlohmann::ordered_json values = nlohmann::ordered_json::object(), grads = nlohmann::ordered_json::object(),
                         after = nlohmann::ordered_json::object();
  std::string output;
  double output_value = 0.0;
  bool recorded = false;
  const auto record = [&](const ExprStepper& s) {  // before the update phase
    const ExpressionGraph& g = s.graph();
    output = g.nodes[g.output].name;
    output_value = s.state().value[g.output];
    for (int n : g.named) values[g.nodes[n].name] = s.state().value[n];
    for (int n : g.named) grads[g.nodes[n].name] = s.state().grad[n];
    recorded = true;
  };
  walk_expression_step(expression, [&](const ExprStepper& s, std::size_t k, const ExprStepOp& op, const OpText& text) {
    if (!recorded && op.phase == Phase::Update) {
      // Values and gradients before the first update moved a parameter.
      ExprStepper before = s;
      before.jump_to(k);
      record(before);
    }
    nlohmann::ordered_json reads = nlohmann::ordered_json::array(), writes = nlohmann::ordered_json::array();
    for (int r = 0; r < op.read_count; ++r) reads.push_back(ref_json(s.graph(), op.reads[r]));
    for (int w = 0; w < op.write_count; ++w) writes.push_back(ref_json(s.graph(), op.writes[w]));
    steps.push_back({{"index", k},
                     {"phase", std::string(phase_name(op.phase))},
                     {"node", op.node >= 0 ? expr_node_symbol(s.graph(), op.node) : std::string("t")},
                     {"op", expr_op_name(op, s.graph())},
                     {"title", text.title},
                     {"equation", text.equation},
                     {"numbers", text.numbers},
                     {"explanation", text.explanation},
                     {"reads", std::move(reads)},
                     {"writes", std::move(writes)}});
    if (s.at_end()) {
      if (!recorded) record(s);
      for (int p : s.graph().parameters) after[s.graph().nodes[p].name] = s.state().value[p];
    }
  });
  nlohmann::ordered_json j;
  j["kind"] = "expression";
  j["scenario"] = expression.name;
  j["output"] = output;
  j["value"] = output_value;
  j["values"] = std::move(values);
  j["grads"] = std::move(grads);
  j["values_after"] = std::move(after);
  j["steps"] = std::move(steps);
  return j;
}

std::string expression_markdown(const Expression& expression) {
  std::ostringstream md;
  ExprStepper start(expression);
  const ExpressionGraph& g = start.graph();
  md << "# " << expression.name << "\n\n";
  if (!expression.description.empty()) md << expression.description << "\n\n";
  md << "A scalar expression graph, worked for one step: the forward pass node by node, then the backward pass "
        "from ∂"
     << g.nodes[g.output].name << "/∂" << g.nodes[g.output].name << " = 1, each node passing its gradient to its inputs"
     << (g.parameters.empty() ? "." : ", then the parameters' updates.") << "\n\n## The graph\n\n";
  md << "| value | number |" << (g.parameters.empty() ? "" : " learns |") << "\n|---|---|"
     << (g.parameters.empty() ? "" : "---|") << "\n";
  for (std::size_t k = 0; k < expression.values.size(); ++k) {
    md << "| " << expression.value_names[k] << " | " << format_number(expression.values[k], 10) << " |";
    if (!g.parameters.empty()) md << (g.is_parameter(g.find(expression.value_names[k])) ? " yes |" : " |");
    md << "\n";
  }
  md << "\nDefinitions, in order:\n\n";
  for (const std::string& d : expression.definitions) md << "    " << d << "\n";
  md << "\nOutput: " << g.nodes[g.output].name;
  if (!g.parameters.empty())
    md << "; learning rate η = " << format_number(expression.learning_rate)
       << (expression.optimizer.name.empty() ? "" : ", optimizer " + expression.optimizer.name);
  md << ".\n";
  Phase phase = Phase::Loss;  // none of an expression's: the first op opens a section
  int number = 0;
  walk_expression_step(expression, [&](const ExprStepper&, std::size_t, const ExprStepOp& op, const OpText& text) {
    if (op.phase != phase) {
      phase = op.phase;
      md << "\n## " << (phase == Phase::Forward ? "Forward pass" : phase == Phase::Backward ? "Backward pass" : "Update")
         << "\n\n";
    }
    md << ++number << ". **" << text.title << "**  \n   " << text.equation << "  \n   " << text.numbers << "\n";
  });
  ExprStepper done(expression);
  done.jump_to(done.op_count());
  md << "\n## Result\n\n| node | value | gradient ∂" << g.nodes[g.output].name << "/∂node |\n|---|---|---|\n";
  ExprStepper before_update(expression);
  before_update.jump_to(first_update_op(before_update.ops()));
  for (int n : g.named)
    md << "| " << g.nodes[n].name << " | " << format_number(before_update.state().value[n], 10) << " | "
       << format_number(before_update.state().grad[n], 10) << " |\n";
  if (!g.parameters.empty()) {
    md << "\nAfter the update:";
    for (int p : g.parameters)
      md << " " << g.nodes[p].name << " = " << format_number(done.state().value[p], 10)
         << (p == g.parameters.back() ? "." : ",");
    md << "\n";
  }
  return md.str();
}

double expression_output(const ExpressionGraph& g, const std::vector<double>& values) {
  std::vector<double> v(g.nodes.size(), 0.0);
  for (std::size_t n = 0; n < g.nodes.size(); ++n) {
    const ExprNode& node = g.nodes[n];
    if (node.kind == ExprOpKind::Value) v[n] = values[node.value];
    else if (node.kind == ExprOpKind::Constant) v[n] = node.number;
    else v[n] = expr_operator(node.kind).forward({v[node.a], node.b >= 0 ? v[node.b] : 0.0, node.number, 0.0});
  }
  return v[g.output];
}

namespace {

// The signs of every kinked operator's input (relu, abs): a probe that flips one crossed a kink.
std::vector<int> kink_signs(const ExpressionGraph& g, const std::vector<double>& values) {
  std::vector<double> v(g.nodes.size(), 0.0);
  std::vector<int> signs;
  for (std::size_t n = 0; n < g.nodes.size(); ++n) {
    const ExprNode& node = g.nodes[n];
    if (node.kind == ExprOpKind::Value) v[n] = values[node.value];
    else if (node.kind == ExprOpKind::Constant) v[n] = node.number;
    else {
      v[n] = expr_operator(node.kind).forward({v[node.a], node.b >= 0 ? v[node.b] : 0.0, node.number, 0.0});
      if (expr_operator(node.kind).has_kink_at_zero) signs.push_back(v[node.a] > 0 ? 1 : v[node.a] < 0 ? -1 : 0);
    }
  }
  return signs;
}

}  // namespace

ExprGradCheckResult expression_gradcheck(const Expression& expression) {
  ExprStepper stepper(expression);
  stepper.jump_to(first_update_op(stepper.ops()));
  const ExpressionGraph& g = stepper.graph();
  ExprGradCheckResult r;
  r.value_count = expression.values.size();
  std::vector<double> values = stepper.expression().values;
  const std::vector<int> base_signs = kink_signs(g, values);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const double v = values[k];
    const double h = 1e-4 * std::max(1.0, std::abs(v));
    bool smooth = true;
    const auto central = [&](double step) {
      values[k] = v + step;
      const double up = expression_output(g, values);
      smooth = smooth && kink_signs(g, values) == base_signs;
      values[k] = v - step;
      const double down = expression_output(g, values);
      smooth = smooth && kink_signs(g, values) == base_signs;
      return (up - down) / (2.0 * step);
    };
    const double numeric = (4.0 * central(h / 2) - central(h)) / 3.0;
    values[k] = v;
    if (!smooth) {
      ++r.skipped_at_kinks;
      continue;
    }
    const double analytic = stepper.state().grad[g.named[k]];
    const double err =
        std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), kGradCheckFloor});
    r.entries.push_back({expression.value_names[k], analytic, numeric, err});
    if (!(err <= r.max_relative_error)) {
      r.max_relative_error = err;
      r.worst = static_cast<int>(r.entries.size()) - 1;
    }
  }
  return r;
}

}  // namespace bpv
