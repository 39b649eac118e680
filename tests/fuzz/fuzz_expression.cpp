// libFuzzer target for expression graphs (formats.md §7): arbitrary bytes
// into the expression loader (a document starting with '{') or, line by
// line, into the definitions' parser over the values x, y and z.
//
// What it checks, beyond "no crash, no sanitizer report, no hang":
//   1. bad input is refused only with ScenarioError naming the file (or
//      ExprError for bare definitions), one line;
//   2. every op of a loaded expression can be described after it ran;
//   3. the stepped path equals the fast path bit for bit;
//   4. stepping back to op 0 restores every number exactly;
//   5. a loaded expression saves and loads back to the same file text.
// A failed check calls abort(), which libFuzzer records as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "expression/expression_describe.hpp"
#include "expression/expression_io.hpp"
#include "formats/scenario_io.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_expression: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0);
}

void check_steps(const bpv::Expression& e) {
  bpv::ExprStepper stepper(e);
  const bpv::ExprState fresh = stepper.state();
  while (!stepper.at_end()) {
    const std::size_t k = stepper.cursor();
    Eigen::MatrixXd before_tensor;
    const bpv::ExprStepOp& op = stepper.ops()[k];
    if (op.kind == bpv::ExprStepKind::OptimizerState)
      before_tensor = stepper.state().optimizer_state[op.parameter][op.writes[0].slot];
    stepper.step_forward();
    const bpv::OpText t = bpv::describe_expr_op(op, stepper.expression(), stepper.graph(), stepper.state(),
                                                stepper.before(k), &before_tensor);
    if (t.title.empty() || t.equation.empty()) fail("empty description", std::to_string(k));
  }
  bpv::ExprTrainer trainer(e);
  trainer.step();
  if (!same_bits(stepper.state().value, trainer.state().value)) fail("stepped and fast paths differ", "values");
  if (!same_bits(stepper.state().grad, trainer.state().grad)) fail("stepped and fast paths differ", "grads");
  stepper.jump_to(0);
  if (!same_bits(stepper.state().value, fresh.value) || !same_bits(stepper.state().grad, fresh.grad))
    fail("step back did not restore", "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text[0] == '{') {
    bpv::Expression e;
    try {
      e = bpv::parse_expression(text, "fuzz.json");
    } catch (const bpv::ScenarioError& err) {
      const std::string what = err.what();
      if (what.rfind("fuzz.json: ", 0) != 0) fail("error does not name the file", what);
      if (what.find('\n') != std::string::npos) fail("error is not one line", what);
      return 0;
    }
    const std::string saved = bpv::expression_file_text(e);
    if (bpv::expression_file_text(bpv::parse_expression(saved, "fuzz-reloaded.json")) != saved)
      fail("save and reload changed the file", saved);
    check_steps(e);
    return 0;
  }
  // Bare definitions, one per line, over x, y, z.
  bpv::Expression e;
  e.value_names = {"x", "y", "z"};
  e.values = {0.5, -1.25, 3.0};
  std::size_t start = 0;
  while (start <= text.size() && e.definitions.size() < 300) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    e.definitions.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  try {
    bpv::build_expression_graph(e);
  } catch (const bpv::ExprError& err) {
    if (err.problem().field.empty() || err.problem().problem.empty()) fail("empty problem", err.what());
    if (std::string(err.what()).find('\n') != std::string::npos) fail("problem is not one line", err.what());
    return 0;
  }
  check_steps(e);
  return 0;
}
