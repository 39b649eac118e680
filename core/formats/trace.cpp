#include "formats/trace.hpp"

#include "engine/describe.hpp"
#include "optimizers/optimizer.hpp"
#include "formats/layer_io.hpp"
#include "formats/scenario_io.hpp"
#include "engine/stepper.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

nlohmann::json buffer_json(BufferRef ref) {
  nlohmann::json j{{"buffer", std::string(buffer_name(ref.buffer))}, {"layer", ref.layer}};
  if (ref.slot != StateSlot::None) j["state"] = std::string(state_slot_name(ref.slot));
  return j;
}

}  // namespace

nlohmann::json param_state_json(const Layer& layer, const ParamState& ps, bool bias) {
  nlohmann::json j = nlohmann::json::object();
  for (int s = 0; s < kStateSlotCount; ++s)
    if (ps.tensors[s].size() != 0)
      j[std::string(state_slot_name(static_cast<StateSlot>(s)))] = parameter_json(layer, ps.tensors[s], bias);
  return j;
}

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
  // formats.md §6: a network with a layer other than dense gives every layer
  // its "type" and ∂L/∂a; one of dense layers only keeps §3's fields as they were.
  bool typed = false;
  for (const Layer& layer : scenario.layers) typed = typed || !layer.dense();
  for (int l = 1; l <= scenario.layer_count(); ++l) {
    const LayerState& ls = st.layers[l - 1];
    const Layer& after = st.scenario.layers[l - 1];
    const std::string_view type = layer_kind(after).type;
    const LayerOptimizerState& state_after = st.scenario.optimizer_state.layers[l - 1];
    // A kind whose tensors are not z, a, δ and a W and b of its own writes
    // its own values.
    if (const LayerKindDef& kind = layer_kind(after); kind.trace) {
      nlohmann::json j{{"type", std::string(type)}};
      kind.trace(after, ls, state_after, j);
      layers.push_back(std::move(j));
      continue;
    }
    nlohmann::json j{{"z", matrix_to_json(ls.pre_activation)},
                     {"a", matrix_to_json(ls.activation)},
                     {"delta", matrix_to_json(ls.delta)},
                     {"grad_weights", parameter_json(after, ls.grad_weights, false)},
                     {"grad_bias", row_to_json(ls.grad_bias)},
                     {"weights_after", parameter_json(after, after.weights, false)},
                     {"bias_after", row_to_json(after.bias)},
                     {"optimizer_state_after",
                      {{"weights", param_state_json(after, state_after.weights, false)},
                       {"bias", param_state_json(after, state_after.bias, true)}}}};
    if (typed) {
      j["type"] = std::string(type);
      j["grad_a"] = matrix_to_json(ls.grad_activation);
    }
    layers.push_back(std::move(j));
  }
  // This update's t: plain SGD has no t op, but its update is still the
  // (file's t + 1)-th.
  const double t = is_plain_sgd(scenario.optimizer) ? stepper.scenario().optimizer_state.step() + 1.0
                                                    : st.scenario.optimizer_state.step();
  // formats.md §5: the step's rows as the network saw them, and where they are.
  const Scenario& start = stepper.scenario();
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < st.batch_rows.cols(); ++r) rows.push_back(static_cast<long long>(st.batch_rows(0, r)));
  nlohmann::json doc{{"scenario", scenario.name},
                     {"loss", st.loss_value()},
                     {"inputs", matrix_to_json(st.scenario.inputs)},
                     {"targets", matrix_to_json(st.scenario.targets)},
                     {"batch_rows", std::move(rows)},
                     {"epoch", start.progress.epoch},
                     {"step_in_epoch", start.progress.step_in_epoch},
                     {"t", static_cast<long long>(t)},
                     {"data_loss", st.data_loss()},
                     {"penalty", st.penalty_value()},
                     {"layers", std::move(layers)},
                     {"steps", std::move(steps)}};
  if (auto bad = stepper.first_non_finite())
    doc["first_non_finite"] = {{"index", bad->op_index}, {"title", bad->op_title}};
  return doc;
}

}  // namespace bpv
