// The tensors of one training step, registered in one table: each kind has its
// name (the trace's and the lesson files' id), its role, whether it has one row
// per example, and how one of its elements is written ("δ²₁", "m³₁₂").
// A tensor is a kind at a layer (and, for optimizer state, a slot): BufferRef.
// buffer_matrix (ops.hpp) finds its matrix in a PassState.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "engine/ops.hpp"

namespace bpv {

enum class TensorRole {
  Data,            // x, y and the mini-batch's rows: the step reads them, nothing learns them
  Parameter,       // W, b: what training changes
  OptimizerState,  // t, velocity, m, v, …: carried from one step to the next
  Value,           // z, a, L, P: the forward pass and the loss
  Gradient,        // ∂L/∂a, δ, ∂L/∂W, ∂L/∂b
  Hyperparameter,  // η: a number of the scenario, no matrix
};
std::string_view tensor_role_name(TensorRole role);  // "data", "parameter", "optimizer state", …

// How a tensor's elements map onto the network: what the canvas shows one
// element on, and which of an Element's indices pick it.
enum class TensorLayout {
  Neurons,  // column j = neuron j of its layer (B × n, or 1 × n for a bias)
  Edges,    // (i, j) = the edge from neuron i below to neuron j (n_prev × n)
  Scalar,   // 1 × 1
  Row,      // one row of numbers of the step (the mini-batch's rows, 1 − βᵗ)
};

struct TensorInfo {
  Buffer buffer;
  std::string_view name;  // "delta", "grad_weights", …
  TensorRole role;
  TensorLayout layout;
  bool per_example;  // B rows, one per example of the batch
  bool per_layer;    // one per layer 1..L (the input x is layer 0); else one for the step
};

const TensorInfo& tensor_info(Buffer buffer);
// Every kind, in Buffer's order.
const std::vector<TensorInfo>& all_tensor_kinds();

// Every tensor this state holds a matrix for (optimizer state only where kept),
// inputs first, then layer by layer, then the step's scalars.
std::vector<BufferRef> registered_tensors(const PassState& state);

// Element (row, col) of the tensor as the app writes it: x₁, h1₂, o₃, y₁, z²₁,
// ∂L/∂h1₂, δ²₁, W²₁₂, b²₁, ∂L/∂W²₁₂, ∂L/∂b²₁, m³₁₂, v²₁, L, P, t, η. A
// per-example tensor's row is the example (not written: see example_note).
std::string element_symbol(const Scenario& scenario, BufferRef ref, int row, int col);

}  // namespace bpv
