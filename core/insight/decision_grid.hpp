// The decision region of a network with two inputs: its output at every point
// of an n × n grid over the input plane, for a heatmap. All n² points go
// through the layers as one batch (one matrix product per layer, the
// activations' batched forward), not a loop of single forward passes; the
// buffers are kept, so after the first call with a shape nothing is allocated.
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "engine/scenario.hpp"

namespace bpv {

// Whether the network's inputs are computed from two raw inputs x₁, x₂ (so it
// has a decision region over the plane): 2 inputs, or features of 2 raw inputs.
bool has_plane_inputs(const Scenario& scenario);

// The part of the input plane shown: [x1_min, x1_max] × [x2_min, x2_max].
struct PlaneExtent {
  double x1_min = 0.0, x1_max = 1.0;
  double x2_min = 0.0, x2_max = 1.0;
  bool operator==(const PlaneExtent&) const = default;
};

// The training inputs' bounding box, widened by `margin` of its size on each
// side (at least 0.5 when the inputs are all equal). XOR's [0,1]² with 0.25 →
// [−0.25, 1.25]².
PlaneExtent extent_around_inputs(const Eigen::MatrixXd& inputs, double margin = 0.25);

class DecisionGrid {
 public:
  // Point (r, c) of an n × n grid: x1 grows with the column c, x2 with the
  // row counted from the bottom (row 0 is the top of a picture: x2 = x2_max).
  // Its batch row is r·n + c.
  static Eigen::Vector2d point(const PlaneExtent& extent, int n, int r, int c);

  // The network's output (n² × outputs) at the grid points, for the weights of
  // `scenario`, which must see two raw inputs: 2 inputs, or a data set's
  // features of x₁, x₂ (then each point goes in as its features, as a row of
  // the data set would). The reference stays valid until the next call.
  const Eigen::MatrixXd& evaluate(const Scenario& scenario, const PlaneExtent& extent, int n);

  int resolution() const { return n_; }

 private:
  int n_ = 0;
  PlaneExtent extent_;
  Eigen::MatrixXd points_;                   // n² × 2, rebuilt when n or the extent change
  Eigen::MatrixXd features_;                 // n² × features, with a data set's features
  std::vector<Eigen::MatrixXd> pre_, post_;  // per layer: z and a, n² × width
};

}  // namespace bpv
