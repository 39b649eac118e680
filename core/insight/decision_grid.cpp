#include "insight/decision_grid.hpp"

#include <algorithm>
#include <stdexcept>

namespace bpv {
namespace {

// The picture needs each value to about 1e-13, not the last bit std::tanh and
// std::exp give one element at a time (10 000 × width calls per layer were
// most of a refresh). Eigen's exp is vectorised for doubles; written with it:
//   tanh z = 1 − 2 / (e^{2z} + 1),  σ(z) = 1 / (1 + e^{−z}).
// Both saturate cleanly where e^… overflows to ∞ or underflows to 0. The
// absolute error is a few ulp of 1 (tests/unit/test_decision_grid.cpp checks
// 1e-13 against the table's own functions); other activations use the table.
void forward_for_picture(const Activation& activation, const Eigen::MatrixXd& z, Eigen::MatrixXd& a) {
  if (activation.name == "tanh") {
    a.array() = 1.0 - 2.0 / ((2.0 * z.array()).exp() + 1.0);
  } else if (activation.name == "sigmoid") {
    a.array() = 1.0 / (1.0 + (-z.array()).exp());
  } else {
    activation.forward(z, a);
  }
}

}  // namespace

PlaneExtent extent_around_inputs(const Eigen::MatrixXd& inputs, double margin) {
  PlaneExtent e;
  if (inputs.rows() == 0 || inputs.cols() < 2) return e;
  auto widen = [margin](double lo, double hi, double& out_lo, double& out_hi) {
    const double pad = hi > lo ? margin * (hi - lo) : 0.5;
    out_lo = lo - pad;
    out_hi = hi + pad;
  };
  widen(inputs.col(0).minCoeff(), inputs.col(0).maxCoeff(), e.x1_min, e.x1_max);
  widen(inputs.col(1).minCoeff(), inputs.col(1).maxCoeff(), e.x2_min, e.x2_max);
  return e;
}

bool has_plane_inputs(const Scenario& sc) {
  if (sc.layers.empty()) return false;
  if (!sc.data.features.empty()) return sc.data.raw_size == 2;
  return sc.input_size == 2;
}

Eigen::Vector2d DecisionGrid::point(const PlaneExtent& e, int n, int r, int c) {
  // Cell centres, so the picture's pixels sit over the points they show.
  const double u = (c + 0.5) / n, v = (r + 0.5) / n;
  return {e.x1_min + u * (e.x1_max - e.x1_min), e.x2_max - v * (e.x2_max - e.x2_min)};
}

const Eigen::MatrixXd& DecisionGrid::evaluate(const Scenario& sc, const PlaneExtent& extent, int n) {
  if (!has_plane_inputs(sc) || n < 1)
    throw std::invalid_argument("decision grid: needs a network with 2 raw inputs and a grid of n ≥ 1");
  const Eigen::Index points = static_cast<Eigen::Index>(n) * n;
  if (n != n_ || !(extent == extent_) || points_.rows() != points) {
    points_.resize(points, 2);
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) points_.row(static_cast<Eigen::Index>(r) * n + c) = point(extent, n, r, c);
    n_ = n;
    extent_ = extent;
  }
  pre_.resize(sc.layers.size());
  post_.resize(sc.layers.size());
  const Eigen::MatrixXd* in = &points_;
  if (!sc.data.features.empty()) {
    compute_features(sc.data.features, points_, features_);  // resized only when the shape changes
    in = &features_;
  }
  for (std::size_t k = 0; k < sc.layers.size(); ++k) {
    const Layer& layer = sc.layers[k];
    // resize() keeps the storage when the shape is the same: no allocation.
    pre_[k].resize(points, layer.size());
    post_[k].resize(points, layer.size());
    if (!layer.dense()) {  // dropout: nothing dropped in evaluation, as PyTorch's eval()
      post_[k] = *in;
      in = &post_[k];
      continue;
    }
    pre_[k].noalias() = *in * layer.weights;
    pre_[k].rowwise() += layer.bias.row(0);
    forward_for_picture(*layer.activation, pre_[k], post_[k]);
    in = &post_[k];
  }
  return post_.back();
}

}  // namespace bpv
