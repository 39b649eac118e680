// Where the circuit drawing puts each node, computed once per graph (not per
// frame): leaves on the left, the output on the right, one column per depth
// (the longest path from a leaf), and within a column an order that keeps
// wire crossings few (a few sweeps of the barycentre heuristic). Units are
// columns and rows; the canvas scales them to its rectangle.
#pragma once
#include <vector>

#include "expression_graph.hpp"

namespace bpv {

struct ExprLayout {
  std::vector<float> column;  // per node: 0 for the values, the output's column last
  std::vector<float> row;     // per node: centred, so columns of different heights line up
  int columns = 0;
  float rows = 0.0f;          // the tallest column's height
  // Wire crossings between neighbouring columns (what the ordering minimises; tests read it).
  int crossings = 0;
};

ExprLayout layout_expression(const ExpressionGraph& graph);
// The same for any graph given as each node's inputs (every input before its
// node); `beside_reader` marks nodes placed just left of their first reader
// (a number in a definition; a weight beside the product that reads it).
ExprLayout layered_layout(const std::vector<std::vector<int>>& inputs, const std::vector<char>& beside_reader);

}  // namespace bpv
