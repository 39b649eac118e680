// How large each layer's weight gradients are in one training step: the
// picture of vanishing (or exploding) gradients. The gradients are the
// engine's own ∂L/∂Wˡ (the op list's grad_weights ops, through apply_op).
#pragma once
#include <string_view>
#include <vector>

#include "engine/scenario.hpp"

namespace bpv {

struct LayerGradientSize {
  double rms = 0.0;      // √(mean of (∂L/∂Wˡᵢⱼ)²)
  double max_abs = 0.0;  // max |∂L/∂Wˡᵢⱼ|
};

// Per layer l = 1..L (index l − 1), for the scenario's weights and batch.
std::vector<LayerGradientSize> layer_gradient_sizes(const Scenario& scenario);

// Whether the sizes show vanishing gradients, as the Insight tab may claim:
// at least 4 layers, each layer's RMS at most 2/3 of the one after it (a
// staircase down towards the input, not one odd layer), and the first at
// least 10× smaller than the last. A 3-layer net whose first layer is small
// for another reason is not called vanishing.
bool gradients_vanish(const std::vector<LayerGradientSize>& sizes);

// The same network with every hidden layer's activation replaced by the one
// named (the output layer keeps its own, so the loss still fits); weights,
// data and everything else unchanged. The scenario itself if the name is unknown.
Scenario with_hidden_activation(const Scenario& scenario, std::string_view activation);

}  // namespace bpv
