// What batch norm's two files (batch_norm_layer.cpp: the forward, the compact
// backward, the running statistics; batch_norm_graph.cpp: the backward as its
// graph's steps) share: how a layer's values group into features.
#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <vector>

#include "engine/describe_text.hpp"
#include "engine/ops.hpp"

namespace bpv::batch_norm {

// Values per feature in one example's row: a channel's positions, or 1.
inline int per_feature(const Layer& layer) { return layer.in_shape.empty() ? 1 : layer.in_shape.plane(); }
inline int features(const Layer& layer) { return static_cast<int>(layer.running_mean.cols()); }
// n: the values each feature's statistics are taken over.
inline double count(const Layer& layer, Eigen::Index rows) { return static_cast<double>(rows * per_feature(layer)); }
inline int feature_of(const Layer& layer, int col) { return col / per_feature(layer); }

// Calls f(b, index) for every value of feature `feature` in the batch.
template <class F>
void for_each_value(const Layer& layer, Eigen::Index rows, int feature, F f) {
  const int per = per_feature(layer);
  for (Eigen::Index b = 0; b < rows; ++b)
    for (int q = 0; q < per; ++q) f(b, feature * per + q);
}

// Σ term(b, index) over feature `feature`'s values, in for_each_value's order.
template <class Term>
double feature_sum(const Layer& layer, Eigen::Index rows, int feature, Term term) {
  double sum = 0.0;
  for_each_value(layer, rows, feature, [&](Eigen::Index b, int at) { sum += term(b, at); });
  return sum;
}

// Σ over feature `feature`'s values written out, "t₁ + t₂ + …", each term's
// text from term_text(b, index), in for_each_value's order.
template <class TermText>
std::string written_feature_sum(const Layer& layer, Eigen::Index rows, int feature, TermText term_text) {
  std::vector<std::string> terms;
  for_each_value(layer, rows, feature, [&](Eigen::Index b, int at) { terms.push_back(term_text(b, at)); });
  return written_sum(static_cast<int>(terms.size()), [](int) { return std::string(); }, [&](int k) { return terms[k]; })
      .numbers;
}

inline std::string feature_words(const Layer& layer) { return layer.in_shape.empty() ? "feature" : "channel"; }
inline std::string sub(int j) { return subscript(j + 1); }
// 1/√(σ² + ε) of feature f.
inline double inverse_std(const Eigen::MatrixXd& variance, int f, double eps) {
  return 1.0 / std::sqrt(variance(0, f) + eps);
}

// The closed form's sums over feature f: Σδ and Σδ·x̂.
struct FeatureSums {
  double delta = 0.0, delta_x_hat = 0.0;
};

inline FeatureSums sums(const Layer& layer, const LayerState& ls, int f) {
  FeatureSums s;
  for_each_value(layer, ls.delta.rows(), f, [&](Eigen::Index b, int at) {
    s.delta += ls.delta(b, at);
    s.delta_x_hat += ls.delta(b, at) * ls.normalized(b, at);
  });
  return s;
}

// The closed form of ∂L/∂x at (b, at): γ/√(σ² + ε)·(δ − (1/n)Σδ − x̂·(1/n)Σ δ·x̂).
inline double grad_x(const Layer& layer, const LayerState& ls, int f, const FeatureSums& s, double n, Eigen::Index b, int at) {
  return layer.weights(0, f) * inverse_std(ls.variance, f, layer.eps) *
         (ls.delta(b, at) - s.delta / n - ls.normalized(b, at) * (s.delta_x_hat / n));
}

}  // namespace bpv::batch_norm
