#include "trace.hpp"

#include "describe.hpp"
#include "scenario_io.hpp"
#include "stepper.hpp"

namespace bpv {
namespace {

nlohmann::json buffer_json(BufferRef ref) {
  return {{"buffer", std::string(buffer_name(ref.buffer))}, {"layer", ref.layer}};
}

}  // namespace

nlohmann::json trace_json(const Scenario& scenario) {
  Stepper stepper(scenario);
  nlohmann::json steps = nlohmann::json::array();
  while (stepper.step_forward()) {
    const std::size_t k = stepper.cursor() - 1;
    const Op& op = stepper.ops()[k];
    const OpText text = describe(op, stepper.state(), &stepper.value_before(k));
    nlohmann::json reads = nlohmann::json::array();
    for (int r = 0; r < op.read_count; ++r) reads.push_back(buffer_json(op.reads[r]));
    steps.push_back({{"index", k},
                     {"phase", std::string(phase_name(op.phase))},
                     {"layer", op.layer},
                     {"op", std::string(op_kind_name(op.kind))},
                     {"title", text.title},
                     {"equation", text.equation},
                     {"numbers", text.numbers},
                     {"explanation", text.explanation},
                     {"reads", std::move(reads)},
                     {"writes", buffer_json(op.writes)}});
  }
  // The loss before the update, and each layer's values after the whole step.
  const PassState& st = stepper.state();
  nlohmann::json layers = nlohmann::json::array();
  for (int l = 1; l <= scenario.layer_count(); ++l) {
    const LayerState& ls = st.layers[l - 1];
    const Layer& after = st.scenario.layers[l - 1];
    layers.push_back({{"z", matrix_to_json(ls.pre_activation)},
                      {"a", matrix_to_json(ls.activation)},
                      {"delta", matrix_to_json(ls.delta)},
                      {"grad_weights", matrix_to_json(ls.grad_weights)},
                      {"grad_bias", row_to_json(ls.grad_bias)},
                      {"weights_after", matrix_to_json(after.weights)},
                      {"bias_after", row_to_json(after.bias)}});
  }
  nlohmann::json doc{{"scenario", scenario.name},
                     {"loss", st.loss_value()},
                     {"layers", std::move(layers)},
                     {"steps", std::move(steps)}};
  if (auto bad = stepper.first_non_finite())
    doc["first_non_finite"] = {{"index", bad->op_index}, {"title", bad->op_title}};
  return doc;
}

}  // namespace bpv
