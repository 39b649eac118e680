// What each neuron and edge of the canvas shows at the cursor: computed once
// per change of the stepper (or of the example shown), layer by layer, so the
// drawing only looks numbers up.
//
// The rule: what the current op reads or writes is shown as that buffer (the
// affine op of layer 2 shows h1 = a¹ on layer 1 and z² on layer 2); every
// other layer follows the phase of the last applied op (forward and loss: a,
// else z; backward: δ, else ∂L/∂a; update: the step −η·∂L/∂b), and a value
// not computed at the cursor is shown as nothing, never a stale number.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/stepper.hpp"

namespace bpv {

enum class Shown : std::uint8_t {
  Nothing,  // not computed at the cursor
  // Neurons (one value per neuron: the example shown, or the batch mean).
  Input,
  PreActivation,
  Activation,
  GradActivation,
  Delta,
  GradBias,
  BiasUpdate,  // the step Δb = new − old
  // Edges (one value per weight).
  Bias,  // b (the live one: the new value once its update ran); only as a neuron's second value
  Weight,
  GradWeight,
  WeightUpdate,  // the step ΔW = new − old (−η·∂L/∂W for plain SGD)
  // An optimizer's state tensor (LayerView::edge_state / neuron_state says
  // which: m, v, velocity, …), while an op of the update phase reads or
  // writes it: WeightState on the edges, BiasState on the neurons.
  WeightState,
  BiasState,
};

// Quantities that share one colour scale (and one line of the legend).
enum class ScaleGroup : std::uint8_t {
  Values,
  Gradients,
  BiasSteps,
  BiasStates,  // the neurons' optimizer state (one tensor shown at a time)
  Weights,     // the first of the edges' groups
  WeightGradients,
  WeightSteps,
  WeightStates,
  Count
};
inline constexpr int kScaleGroups = static_cast<int>(ScaleGroup::Count);
ScaleGroup scale_group(Shown s);

enum class Role : std::uint8_t { None, Read, Write };  // by the last applied op

struct LayerView {
  Shown neurons = Shown::Nothing;
  Role neuron_role = Role::None;
  StateSlot neuron_state = StateSlot::None;  // which, when neurons == BiasState
  std::vector<double> values;  // one per neuron, when neurons != Nothing
  // A second value per neuron, drawn under its circle, so the forward pass
  // stays in sight: while the neuron shows a gradient, its a (or z); in the
  // update phase, its bias b as it is now. Nothing when there is none.
  Shown below = Shown::Nothing;
  std::vector<double> below_values;

  // The edges into this layer (l ≥ 1): weight (i, j) shows factor · (*matrix)(i, j).
  Shown edges = Shown::Nothing;
  Role edge_role = Role::None;
  StateSlot edge_state = StateSlot::None;  // which, when edges == WeightState
  const Eigen::MatrixXd* matrix = nullptr;
  double factor = 1.0;
  double edge_max = 0.0;  // the largest |edge value|
  double edge(int i, int j) const { return factor * (*matrix)(i, j); }
};

struct CanvasValues {
  bool started = false;           // an op has been applied
  Phase phase = Phase::Forward;   // of the last applied op
  int example = 0;                // the example the neurons show; −1 = the batch mean
  std::vector<LayerView> layers;  // 0 = input … L
  // ±scale[g] is full colour for group g, the same for the whole training
  // step (so one orange means one size from the first op to the last): the
  // largest magnitude the group takes anywhere in this step, rounded up to
  // 1, 2 or 5 × 10ᵏ; 0 when it is 0 throughout.
  std::array<double, kScaleGroups> scale{};
  Role loss_role = Role::None, target_role = Role::None, rate_role = Role::None;

  double scale_of(Shown s) const { return scale[static_cast<int>(scale_group(s))]; }

  // Storage for the steps shown in the update phase (parameter_step.hpp):
  // weight_steps[l] is what LayerView::matrix points at for WeightUpdate.
  std::vector<Eigen::MatrixXd> weight_steps, bias_steps;
};

// `example` is clamped to the batch; −1 (or any negative) = the batch mean.
// step_scales: from compute_step_scales for the same stepper and example.
void compute_canvas_values(const Stepper& stepper, int example, const std::array<double, kScaleGroups>& step_scales,
                           CanvasValues& out);
// The colour scales of the whole training step the stepper is in: its ops
// run once to the end on a copy (the fast path), the largest magnitude of
// each group taken over every layer. Recompute when the step's start changes.
std::array<double, kScaleGroups> compute_step_scales(const Stepper& stepper, int example);

// Whether what a neuron (i < 0) or an edge (i, j) of layer l shows as `s` is,
// or is computed from, the buffer `b` of layer `layer` at column j (and row
// i for edges): a value a question asks for must not be drawn.
bool shown_reveals(Shown s, int l, int i, int j, Buffer b, int layer, int row, int col);

// A value of neuron j of layer l: the example row, or the mean over the batch.
double example_value(const Eigen::MatrixXd& m, int example, int j);

// Short symbols for headers and tooltips, in the notation of the equations
// (describe.hpp): "z²", "h1", "δ²", "∂L/∂h1", "∂L/∂b²", "Δb²", "W²", …
// An optimizer state is written with its parameter: "m of W²", "v of b²",
// "velocity of W²" (state_slot_label).
std::string state_slot_label(StateSlot slot);
std::string shown_symbol(Shown s, const Scenario& sc, int layer, StateSlot slot = StateSlot::None);
// What a scale group means, for the legend: "x, z, a (values)".
// (The state groups name the tensor shown: "m (first moment)"; this gives
// "optimizer state".)
const char* scale_group_name(ScaleGroup g);
// The same as a symbol alone, for a narrow legend: "−η·∂L/∂W".
const char* scale_group_symbol(ScaleGroup g);

// A number in at most `significant` digits and a short exponent ("1.23e-5"),
// for the small space of a circle or an edge. Returns the length.
int format_compact(double v, int significant, char* buf, int size);

}  // namespace bpv
