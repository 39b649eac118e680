// The step an update gives a weight matrix or a bias: the one place the app
// reads "how much did (or will) this parameter move" from, whatever the
// optimizer (formats.md §4).
#pragma once
#include <Eigen/Dense>

#include "engine/stepper.hpp"

namespace bpv {

// Writes into `step` the move of `param` (a Weights or Bias buffer) in this
// training step and returns true: new − old once the op that updates it has
// run; before that, for plain SGD, the move it will make (−η·∂L/∂θ, once the
// gradient is computed). False (step untouched) when it cannot be known yet:
// another optimizer's step depends on state its ops have not updated.
bool parameter_step(const Stepper& stepper, BufferRef param, Eigen::MatrixXd& step);

// Where the op that updates `param` sits in the op list, if it has one.
const Op* parameter_update_op(const Stepper& stepper, BufferRef param, std::size_t* index = nullptr);

}  // namespace bpv
