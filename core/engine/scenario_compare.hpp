// "Is it still the same network?" in one place. Each question compares
// exactly what a result depends on, bit for bit, so a cached result is reused
// only when recomputing it would give the same numbers:
//
//   same_shape         the sizes: every buffer and the op list keep their shapes
//   same_gradients     + the loss, activations, batch, weights, biases and the
//                      regularization: every value and gradient of one pass
//   same_network       + the learning rate, the optimizer and its state: the
//                      next training steps too
#pragma once
#include "engine/scenario.hpp"

namespace bpv {

// Same input size, layer widths and batch size.
bool same_shape(const Scenario& a, const Scenario& b);
// The forward and backward pass of one step give the same numbers.
bool same_gradients(const Scenario& a, const Scenario& b);
// Training on from either gives the same numbers, step after step.
bool same_network(const Scenario& a, const Scenario& b);

}  // namespace bpv
