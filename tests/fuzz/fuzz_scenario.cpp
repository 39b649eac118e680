// libFuzzer target (issue 6 §2): arbitrary bytes into the scenario loader; for
// every input that loads, one training step op by op, then back to the start.
//
// What it checks, beyond "no crash, no sanitizer report":
//   1. the loader refuses bad input only with ScenarioError (any other
//      exception escapes and libFuzzer reports it: the CLI would exit 1, not 2);
//   2. after stepping to the end and back to op 0, the state is bit-identical
//      to a fresh Stepper's (exact restore, formats.md / architecture.md);
//   3. the stepped path at the end equals the fast path (Trainer) bit for bit;
//   4. every op can be described (the equation panel's text) at every cursor;
//   5. a loaded scenario saves and loads back to the same numbers.
// A failed check calls abort(), which libFuzzer records as a crash.
//
// Build and run: docs/hardening.md (`cmake --preset fuzz`).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/describe.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"
#include "engine/train.hpp"

namespace {

using bpv::PassState;

// Inputs that load but would take long to step (a 4096-wide layer with a big
// batch is valid, yet costs seconds under the sanitizers) are only loaded:
// above this many multiply-adds per matrix product pass they are skipped.
constexpr double kMaxStepWork = 1 << 22;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_scenario: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool bit_identical(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         (a.size() == 0 ||
          std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0);
}

// "" when every buffer of the two states holds the same bytes.
std::string state_difference(const PassState& a, const PassState& b) {
  if (a.layers.size() != b.layers.size()) return "layer count";
  if (std::memcmp(&a.scenario.learning_rate, &b.scenario.learning_rate, sizeof(double)) != 0)
    return "learning rate";
  if (!bit_identical(a.loss, b.loss)) return "loss";
  if (!bit_identical(a.scenario.inputs, b.scenario.inputs)) return "inputs";
  if (!bit_identical(a.scenario.targets, b.scenario.targets)) return "targets";
  for (std::size_t k = 0; k < a.layers.size(); ++k) {
    const std::string l = "layer " + std::to_string(k + 1) + " ";
    const bpv::LayerState& x = a.layers[k];
    const bpv::LayerState& y = b.layers[k];
    if (!bit_identical(a.scenario.layers[k].weights, b.scenario.layers[k].weights)) return l + "weights";
    if (!bit_identical(a.scenario.layers[k].bias, b.scenario.layers[k].bias)) return l + "bias";
    if (!bit_identical(x.pre_activation, y.pre_activation)) return l + "z";
    if (!bit_identical(x.activation, y.activation)) return l + "a";
    if (!bit_identical(x.grad_activation, y.grad_activation)) return l + "grad_a";
    if (!bit_identical(x.delta, y.delta)) return l + "delta";
    if (!bit_identical(x.grad_weights, y.grad_weights)) return l + "grad_weights";
    if (!bit_identical(x.grad_bias, y.grad_bias)) return l + "grad_bias";
    // formats.md §6's layers: the mask, batch norm's statistics, the windows.
    if (!bit_identical(x.mask, y.mask)) return l + "mask";
    if (!bit_identical(x.mean, y.mean)) return l + "mean";
    if (!bit_identical(x.variance, y.variance)) return l + "variance";
    if (!bit_identical(x.normalized, y.normalized)) return l + "x_hat";
    if (!bit_identical(x.patches, y.patches)) return l + "patches";
    if (!bit_identical(a.scenario.layers[k].running_mean, b.scenario.layers[k].running_mean)) return l + "running_mean";
    if (!bit_identical(a.scenario.layers[k].running_var, b.scenario.layers[k].running_var)) return l + "running_var";
  }
  return "";
}

double step_work(const bpv::Scenario& sc) {
  double work = 0;
  for (int l = 1; l <= sc.layer_count(); ++l)
    work += static_cast<double>(sc.batch_size()) * sc.width(l - 1) * sc.width(l);
  return work;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  bpv::Scenario scenario;
  try {
    scenario = bpv::parse_scenario(text, "fuzz.json");
  } catch (const bpv::ScenarioError& e) {
    if (std::strncmp(e.what(), "fuzz.json: ", 11) != 0) fail("error does not name the file", e.what());
    return 0;
  }
  if (step_work(scenario) > kMaxStepWork) return -1;  // loaded; too big to step here

  // 5. save and load back.
  const bpv::Scenario reloaded =
      bpv::parse_scenario(bpv::scenario_to_json(scenario).dump(), "fuzz-reloaded.json");

  bpv::Stepper stepper(scenario);
  const bpv::Stepper fresh(reloaded);
  if (const std::string d = state_difference(stepper.state(), fresh.state()); !d.empty())
    fail("save and reload changed", d);

  // 4. describe each op right after it ran (what the equation panel shows).
  while (stepper.step_forward()) {
    const std::size_t k = stepper.cursor() - 1;
    const bpv::OpText t = bpv::describe(stepper.ops()[k], stepper.state(), &stepper.value_before(k));
    if (t.title.empty() || t.equation.empty()) fail("empty description", std::to_string(k));
  }
  // 3. stepped == fast path.
  bpv::Trainer trainer(scenario);
  trainer.step();
  if (const std::string d = state_difference(stepper.state(), trainer.state()); !d.empty())
    fail("stepped and fast paths differ", d);
  if (const auto bad = stepper.first_non_finite()) {
    if (bad->op_index >= stepper.op_count() || bad->op_title.empty())
      fail("bad non-finite report", bad->op_title);
  }
  // 2. back to the start: exactly the fresh state.
  stepper.jump_to(0);
  if (const std::string d = state_difference(stepper.state(), fresh.state()); !d.empty())
    fail("step back did not restore", d);
  if (stepper.first_non_finite()) fail("non-finite report survived the step back", "");
  return 0;
}
