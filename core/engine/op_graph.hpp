// A training step as its computational graph: the step's tensors (x, W¹, b¹,
// z¹, h1, …, L, the gradients) as nodes with their shapes, and each op as a
// node between what it reads and what it writes, built from the ops'
// declared reads and writes alone, so no op kind draws itself. A tensor an op
// overwrites (W after its update, ∂L/∂W after the penalty's term) is a new
// version of it (W¹′), which keeps the graph acyclic and in step order.
#pragma once
#include <string>
#include <vector>

#include "engine/ops.hpp"

namespace bpv {

struct OpGraphNode {
  bool is_op = false;
  std::size_t op_index = 0;  // is_op: its index in the op list
  BufferRef tensor{};        // a tensor node: which tensor
  int version = 0;           // 0: its value at the start of the step; k: after its k-th write
  std::string label;         // "W¹", "z²", "∂L/∂W¹′"; an op's math, short ("a·W + b", "aᵀ·δ")
  std::string shape;         // "3 × 3"; "" for an op
  std::vector<int> inputs;   // an op: the tensors it reads; a written tensor: its op
};

struct OpGraph {
  std::vector<OpGraphNode> nodes;  // every input before its node
  std::vector<int> op_node;        // the node of op k
};

// The tensor as the app names it: x, y, z¹, h1 (the activation of layer 1, as
// on the canvas), o, ∂L/∂h1, δ¹, W¹, b¹, ∂L/∂W¹, ∂L/∂b¹, L, P, η, t, "m of W¹".
std::string tensor_symbol(const Scenario& scenario, BufferRef ref);

OpGraph build_op_graph(const PassState& state, const std::vector<Op>& ops);

}  // namespace bpv
