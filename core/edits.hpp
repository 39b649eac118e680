// Edits of a scenario as values: each is checked first and either applied
// whole or refused with a reason (nothing half-applied). The Session turns
// them into undoable commands; tests drive them directly.
#pragma once
#include <string>
#include <variant>

#include "scenario.hpp"

namespace bpv {

namespace edit {
// Layers are 1..L as everywhere; neuron and example indices are 0-based.
struct SetWeight { int layer, row, col; double value; };
struct SetBias { int layer, col; double value; };
struct SetInput { int example, col; double value; };
struct SetTarget { int example, col; double value; };
struct AddExample { int copy_of; };        // appends a copy of that example
struct RemoveExample { int example; };
struct SetLearningRate { double value; };
struct SetLoss { std::string name; };
struct SetActivation { int layer; std::string name; };
// A new neuron's weights and bias come from the scenario's init scheme and
// seed (InitSpec defaults when the file had none). layer 0 = an input.
struct AddNeuron { int layer; };
struct RemoveNeuron { int layer, index; };
struct AddLayer { int after; int size; std::string activation; };  // after = 0..L−1 (not after the output)
struct RemoveLayer { int layer; };                                  // a hidden layer, 1..L−1
struct Reinitialize { InitSpec init; };   // every weight and bias, from this scheme and seed
struct Rename { std::string name, description; };
// The whole optimizer (formats.md §4): name ("" = plain SGD, no "optimizer" in
// the file) and every hyperparameter; the fields of other optimizers are set
// to their defaults, as a file would hold it. Another optimizer (sgd and ""
// count as one) starts from zero state and t = 0: its state would not apply.
// The same optimizer with other hyperparameters keeps its state and t, as
// PyTorch does when a param group's lr or betas change; a tensor it now keeps
// and did not (amsgrad's vₘₐₓ, say) starts at zero.
struct SetOptimizer { OptimizerSpec spec; };
struct SetRegularization { Regularization reg; };  // L1 and L2 λ, both ≥ 0
}  // namespace edit

using Edit = std::variant<edit::SetWeight, edit::SetBias, edit::SetInput, edit::SetTarget,
                          edit::AddExample, edit::RemoveExample, edit::SetLearningRate,
                          edit::SetLoss, edit::SetActivation, edit::AddNeuron, edit::RemoveNeuron,
                          edit::AddLayer, edit::RemoveLayer, edit::Reinitialize, edit::Rename,
                          edit::SetOptimizer, edit::SetRegularization>;

// Applies the edit to `scenario`. Returns "" on success; otherwise the reason,
// and `scenario` is unchanged.
std::string apply_edit(Scenario& scenario, const Edit& e);

// Whether the edit changes one number only (the undo history then keeps the
// old number, not a copy of the scenario).
bool is_value_edit(const Edit& e);
// For a value edit: the number it overwrites in `scenario`.
double edited_value(const Scenario& scenario, const Edit& e);
// A short description for the undo menu: "W²₁₃ = 0.5", "add a neuron to h1", …
std::string edit_label(const Scenario& scenario, const Edit& e);

}  // namespace bpv
