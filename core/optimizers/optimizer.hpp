// The optimizers of formats.md §4 as table entries. Each optimizer is one
// file (core/optimizers/optimizer_sgd.cpp, optimizer_rmsprop.cpp, optimizer_adam.cpp)
// holding its fields, the state it keeps, and the ops it adds to the update
// phase: per parameter (every W and every b), one op per state tensor it
// updates, then the op that moves the parameter. Every op writes exactly one
// tensor, so the Stepper's one snapshot per op steps back exactly.
//
// build_ops (core/engine/ops.cpp) asks the table for the ops, apply_op runs their
// apply, describe() (core/engine/describe.cpp) their describe; the loader and the
// writer (core/formats/scenario_io.cpp) read the fields and the state from here.
#pragma once
#include <Eigen/Dense>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "optimizers/optimizer_state.hpp"

namespace bpv {

struct Scenario;

// One hyperparameter: its name in the file, the member it sets, its default
// and valid range ("[0, 1)" is low 0 included, high 1 excluded).
struct OptimizerField {
  std::string_view name;
  double OptimizerSpec::*number = nullptr;  // a number field…
  bool OptimizerSpec::*flag = nullptr;      // …or a boolean one
  double default_number = 0.0;
  bool default_flag = false;
  double low = 0.0, high = 0.0;
  bool low_included = true, high_included = false;
  bool has_high = true;
};

// What one op of an optimizer sees: one parameter θ (a W or a b), its
// gradient g of this step, its state, the learning rate and this update's t.
struct OptimizerTensors {
  Eigen::MatrixXd& param;
  const Eigen::MatrixXd& grad;
  ParamState& state;
};
struct OptimizerScalars {
  const OptimizerSpec& spec;
  double learning_rate;
  double t;  // this update's t (the t op has run)
  // 1 − β₁ᵗ and 1 − β₂ᵗ of this t (Adam and AdamW; their op has run).
  double bias_correction1 = 1.0, bias_correction2 = 1.0;
};

// One element of those tensors, for the equation with its numbers. "now" is
// after the op (the value it wrote is read back, never recomputed), "before"
// the old value of what it wrote (equal to now for everything else).
struct OptimizerElement {
  const OptimizerSpec& spec;
  double learning_rate, t;
  std::string param_symbol;  // "W²₁₂" or "b²₁"
  std::string index;         // "²₁₂": state symbols are written m + index
  double param, param_before, grad;
  std::array<double, kStateSlotCount> state, state_before;
  bool had_velocity;  // SGD: a velocity existed before this op
};

struct OptimizerText {
  std::string equation, numbers, explanation;
};

struct OptimizerOpDef {
  StateSlot writes;  // the state tensor it writes; None: the parameter itself
  // The title's formula with θ for the parameter: "m ← β₁·m + (1 − β₁)·g".
  std::string_view formula;
  void (*apply)(OptimizerTensors& tensors, const OptimizerScalars& scalars);
  OptimizerText (*describe)(const OptimizerElement& element);
  // Reads t and the bias corrections 1 − βᵗ (Adam's step): declared, so what it used is highlighted.
  bool reads_bias_corrections = false;
};

struct Optimizer {
  std::string_view name;
  std::vector<OptimizerField> fields;
  // Which state tensors it keeps for this spec, indexed by StateSlot.
  std::array<bool, kStateSlotCount> (*keeps)(const OptimizerSpec& spec);
  // Its ops for one parameter, in PyTorch's order.
  std::vector<const OptimizerOpDef*> (*param_ops)(const OptimizerSpec& spec);
  // Rules between fields ("nesterov needs momentum > 0"): "" or the problem,
  // with `field` set to the field it names.
  std::string (*check)(const OptimizerSpec& spec, std::string& field);
  // 1 − β₁ᵗ and 1 − β₂ᵗ, from its fields beta1 and beta2: an op after t's
  // works them out once per step (Adam, AdamW).
  bool bias_corrections = false;
};

// sgd, rmsprop, adam, adamw, in that order.
const std::vector<const Optimizer*>& all_optimizers();
const Optimizer* find_optimizer(std::string_view name);

// Plain SGD of §1: no "optimizer" in the file, or sgd with momentum 0. It
// keeps no state, has no t op and stays bit for bit what it always was.
bool is_plain_sgd(const OptimizerSpec& spec);
// The optimizer the ops come from; nullptr for plain SGD.
const Optimizer* stateful_optimizer(const OptimizerSpec& spec);
std::array<bool, kStateSlotCount> kept_state(const OptimizerSpec& spec);

// A spec with every field at the named optimizer's default.
OptimizerSpec default_spec(const Optimizer& optimizer);

// The loader's rules for a spec (formats.md §4), shared with the edits so an
// edited scenario is always one that saves and opens again.
// "must be in [0, 1)" / "must be > 0": the field's valid range in words.
std::string range_text(const OptimizerField& field);
bool in_range(const OptimizerField& field, double value);
// "" when every field of the named optimizer is finite and in range and the
// rules between fields hold; else the problem, with `field` set to the file's
// name of the field ("optimizer.beta1"). The name must be "" or in the table.
std::string optimizer_problem(const OptimizerSpec& spec, std::string& field);
// The spec as a file holds it: the named optimizer's own fields kept, every
// other field at its default (a file cannot hold another optimizer's fields).
OptimizerSpec file_spec(const OptimizerSpec& spec);
// "" or why l1 / l2 is not allowed ("must be ≥ 0"), `field` set to
// "regularization.l1" or "regularization.l2" (l1 first, as a file is read).
std::string regularization_problem(const Regularization& reg, std::string& field);
// The symbol of a field in the equations and the UI: "β₁", "μ", "ε", …
// (the field's file name for the flags: "nesterov", "amsgrad", "centered").
std::string_view field_symbol(std::string_view field_name);

// Gives every kept tensor its parameter's shape (zeros where it was missing
// or misshapen; SGD's velocity stays as it is when its shape fits, else it is
// dropped) and empties the tensors not kept. Allocates nothing when the
// shapes are already right.
void conform_optimizer_state(Scenario& scenario);

// Helpers for the optimizer files' equations.
std::string slot_symbol(const OptimizerElement& e, StateSlot s);  // "m²₁₂"

}  // namespace bpv
