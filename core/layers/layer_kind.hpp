// A layer kind as a table entry: its "type" in the scenario file
// (formats.md §1, §6) and the ops it adds to one training step. build_ops
// (engine/ops.cpp) asks each layer's kind for its ops at each point of the
// step; it knows no kind by name.
//
//   dense_layer.cpp     dense     affine, activation; activation_backward,
//                                 grad_weights, (penalty_gradient), grad_bias,
//                                 grad_input; update_weights, update_bias
//   dropout_layer.cpp   dropout   dropout_mask, dropout; dropout_backward
//
// The other kinds formats.md §6 names (conv2d, max_pool, avg_pool,
// batch_norm) are known to the loader, which refuses them with a clear
// message until their entries are here.
#pragma once
#include <string_view>
#include <vector>

#include "engine/ops.hpp"

namespace bpv {

struct LayerKindDef {
  std::string_view type;  // the file's "type"
  bool parameters;        // W and b that the optimizer updates
  bool mask;              // a mask tensor m drawn each step (dropout)
  // Layer l's forward ops: read a_{l-1}, write a_l.
  void (*forward_ops)(const Scenario& scenario, int l, std::vector<Op>& ops);
  // Its backward ops, from ∂L/∂a_l (or δ_l, which the loss gradient of a
  // stable output writes): its parameters' gradients (with the penalty's
  // when `regularized`) and, for l > 1, ∂L/∂a_{l-1}.
  void (*backward_ops)(const Scenario& scenario, int l, bool regularized, std::vector<Op>& ops);
  // Plain SGD's update of its parameters (an optimizer with state builds
  // its own update phase, op_update.cpp).
  void (*update_ops)(const Scenario& scenario, int l, std::vector<Op>& ops);
};

// Every kind the engine steps, and the layer's own.
const std::vector<const LayerKindDef*>& all_layer_kinds();
const LayerKindDef* find_layer_kind(std::string_view type);  // nullptr: none of ours
const LayerKindDef& layer_kind(const Layer& layer);

// The §6 kinds this version reads the name of but does not step yet.
bool is_planned_layer_type(std::string_view type);

}  // namespace bpv
