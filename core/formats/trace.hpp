// The trace of one training step (formats.md §3): every op in stepping order
// with its text, and every layer's values at the end of the step.
#pragma once
#include <nlohmann/json.hpp>

#include "engine/scenario.hpp"

namespace bpv {

// Runs one step op by op through a Stepper. Beyond the contract each step also
// carries "numbers", "explanation", "reads" and "writes"; the document carries
// "first_non_finite" ({index, title}) when some op produced NaN or ±∞.
nlohmann::json trace_json(const Scenario& scenario);

// For the layer kinds' trace functions (LayerKindDef::trace): every tensor
// the optimizer keeps for one parameter, {"m": [[…]], "v": [[…]]}, spelled as
// the file spells the parameter.
nlohmann::json param_state_json(const Layer& layer, const ParamState& ps, bool bias);

}  // namespace bpv
