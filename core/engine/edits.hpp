// Edits of a scenario as values: each is checked first and either applied
// whole or refused with a reason (nothing half-applied). The Session turns
// them into undoable commands; tests drive them directly.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/scenario.hpp"

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
// A layer of any kind as the file writes one (formats.md §6), e.g.
// {"type": "conv2d", "channels": 4, "kernel": 3}: inserted after layer
// `after` (0..L−1), or in place of layer `layer` (its new settings).
struct InsertLayer { int after; std::string layer; };
struct ReplaceLayer { int layer; std::string spec; };
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

// The data set (formats.md §5). Each leaves Scenario::inputs / targets holding
// the mini-batch `progress` points at, as the loader does; a scenario without
// a data set (rows in inputs / targets) first takes those rows as its
// training set. None of them keeps a data set inactive: where the edit would
// leave no generator, features or batching, the raw inputs are named as
// features, which means the same rows and saves and opens the same.
//
// New points from the generator for the output layer (and test_fraction's
// test set, replacing any test rows); training starts over at step 0.
struct SetDataGenerator { DataGenerator generator; };
// The network's input columns (empty: the raw inputs as they are). The first
// layer gets one weight row per feature: a feature it had keeps its row, a
// new one draws its row from the init scheme and seed.
struct SetFeatures { std::vector<Feature> features; };
// Mini-batches (none: every step takes the whole training set). The epoch
// keeps its number and starts over (step_in_epoch 0): the old cut no longer applies.
struct SetBatching { std::optional<Batching> batching; };
// A point of a data set with two raw inputs. `label` is the class (0 or 1)
// of a classification set, shaped like the other targets (one-hot, 0/1 or
// −1/+1), or the value of a regression set. The generator no longer
// describes the rows afterwards, so it is dropped and a save writes the rows.
struct AddDataPoint { double x1, x2, label; bool test = false; };
struct RemoveDataPoint { int index; bool test = false; };  // 0-based row of that set
// New pixels, row by row, for an image input (Scenario::input_shape): the
// whole image of example `example` of this training step at once, so a brush
// stroke is one undoable edit. With a data set it is the training-set row
// that this step's mini-batch shows as that example, and the mini-batch op
// then writes it into x.
struct PaintImage { int example; std::vector<double> pixels; };
// A point of the data set, training or test row `row` (its inputs and its
// target), put into example `example` of this step: the confusion matrix's
// "as input", so that a class steps through what the net makes of it. With a
// data set it replaces the training row the step's mini-batch reads there;
// without one (test = false), the example's own x and y.
struct UseDataPoint { int example; bool test; int row; };
}  // namespace edit

// core/engine/layer_edits.cpp: through the file format, with the loader's checks.
std::string insert_layer(Scenario& sc, int after, const std::string& layer);
std::string replace_layer(Scenario& sc, int l, const std::string& layer);

using Edit = std::variant<edit::SetWeight, edit::SetBias, edit::SetInput, edit::SetTarget,
                          edit::AddExample, edit::RemoveExample, edit::SetLearningRate,
                          edit::SetLoss, edit::SetActivation, edit::AddNeuron, edit::RemoveNeuron,
                          edit::AddLayer, edit::RemoveLayer, edit::InsertLayer, edit::ReplaceLayer,
                          edit::Reinitialize, edit::Rename,
                          edit::SetOptimizer, edit::SetRegularization, edit::SetDataGenerator,
                          edit::SetFeatures, edit::SetBatching, edit::AddDataPoint, edit::RemoveDataPoint,
                          edit::PaintImage, edit::UseDataPoint>;

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

// Whether the scenario's targets are classes (a classification generator, or
// rows whose targets are one-hot, 0/1 or −1/+1) rather than values: how
// AddDataPoint reads its label.
bool has_class_targets(const Scenario& scenario);
// The class (0 or 1) of one target row of a classification set.
int target_class(const Scenario& scenario, const Eigen::MatrixXd& targets, Eigen::Index row);

}  // namespace bpv
