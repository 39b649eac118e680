// A hand-written training step of a small conv net, the way one writes it
// with im2col: conv (k × k, stride 1, zero padding) as one matrix product of
// the unfolded windows with the kernels, ReLU, max pooling (k × k, stride k),
// a dense softmax output under cross-entropy, its backward and plain SGD. It
// is what bench_conv times the engine's conv layers against (formats.md §6's
// math, PyTorch's flattening), and reads the same scenario.
#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "engine/scenario.hpp"

namespace bpv::bench {

class ReferenceConvNet {
 public:
  // layers: conv2d (stride 1, relu), max_pool, dense softmax; cross-entropy.
  explicit ReferenceConvNet(const Scenario& sc)
      : conv_(sc.layers[0]), pool_(sc.layers[1]), w2_(sc.layers[2].weights), b2_(sc.layers[2].bias),
        x_(sc.inputs), y_(sc.targets), lr_(sc.learning_rate) {
    in_ = conv_.in_shape;
    out_ = conv_.out_shape;
    k_ = conv_.kernel;
    positions_ = out_.plane();
    const Eigen::Index rows = x_.rows() * positions_;
    patches_.setZero(rows, in_.channels * k_ * k_);
    z_.resize(rows, out_.channels);
    dz_.resize(rows, out_.channels);
    grad_w_.resize(conv_.weights.rows(), conv_.weights.cols());
    pooled_.resize(x_.rows(), pool_.out_shape.size());
    winner_.resize(static_cast<std::size_t>(pooled_.size()));
    logits_.resize(x_.rows(), w2_.cols());
    d_pooled_.resize(x_.rows(), pool_.out_shape.size());
  }

  double step() {
    unfold();
    return train();
  }

 private:
  // im2col: row b·P + (i·W′ + j) holds the window of output pixel (i, j) of
  // example b. Redone every step, as a new mini-batch would need.
  void unfold() {
    for (Eigen::Index b = 0; b < x_.rows(); ++b)
      for (int i = 0; i < out_.rows; ++i)
        for (int j = 0; j < out_.cols; ++j)
          for (int c = 0; c < in_.channels; ++c)
            for (int u = 0; u < k_; ++u)
              for (int v = 0; v < k_; ++v) {
                const int yy = i + u - conv_.padding, xx = j + v - conv_.padding;
                if (yy < 0 || yy >= in_.rows || xx < 0 || xx >= in_.cols) continue;
                patches_(b * positions_ + i * out_.cols + j, (c * k_ + u) * k_ + v) =
                    x_(b, (c * in_.rows + yy) * in_.cols + xx);
              }
  }

  double train() {
    const Eigen::Index batch = x_.rows();
    // Forward: z = patches · W + b, ReLU, max pooling, softmax.
    z_.noalias() = patches_ * conv_.weights;
    z_.rowwise() += conv_.bias.row(0);
    z_ = z_.cwiseMax(0.0);
    const Shape& p = pool_.out_shape;
    const int pk = pool_.kernel;
    for (Eigen::Index b = 0; b < batch; ++b)
      for (int c = 0; c < p.channels; ++c)
        for (int i = 0; i < p.rows; ++i)
          for (int j = 0; j < p.cols; ++j) {
            Eigen::Index best = b * positions_ + (i * pk) * out_.cols + j * pk;
            for (int u = 0; u < pk; ++u)
              for (int v = 0; v < pk; ++v) {
                const Eigen::Index at = b * positions_ + (i * pk + u) * out_.cols + j * pk + v;
                if (z_(at, c) > z_(best, c)) best = at;
              }
            const Eigen::Index flat = (c * p.rows + i) * p.cols + j;
            pooled_(b, flat) = z_(best, c);
            winner_[static_cast<std::size_t>(b * pooled_.cols() + flat)] = best;
          }
    logits_.noalias() = pooled_ * w2_;
    logits_.rowwise() += b2_.row(0);
    double loss = 0.0;
    for (Eigen::Index b = 0; b < batch; ++b) {
      const double top = logits_.row(b).maxCoeff();
      double sum = 0.0;
      for (Eigen::Index j = 0; j < logits_.cols(); ++j) sum += std::exp(logits_(b, j) - top);
      for (Eigen::Index j = 0; j < logits_.cols(); ++j) {
        const double o = std::exp(logits_(b, j) - top) / sum;
        if (y_(b, j) != 0.0) loss -= y_(b, j) * std::log(o);
        logits_(b, j) = (o - y_(b, j)) / static_cast<double>(batch);  // now δ of the output
      }
    }
    // Backward: the dense layer, the pooling's winners, ReLU, the kernels.
    d_pooled_.noalias() = logits_ * w2_.transpose();
    w2_.noalias() -= lr_ * (pooled_.transpose() * logits_);
    b2_ -= lr_ * logits_.colwise().sum();
    dz_.setZero();
    for (Eigen::Index b = 0; b < batch; ++b)
      for (int c = 0; c < p.channels; ++c)
        for (Eigen::Index q = 0; q < p.plane(); ++q) {
          const Eigen::Index flat = c * p.plane() + q;
          const Eigen::Index at = winner_[static_cast<std::size_t>(b * pooled_.cols() + flat)];
          if (z_(at, c) > 0.0) dz_(at, c) += d_pooled_(b, flat);
        }
    grad_w_.noalias() = patches_.transpose() * dz_;
    conv_.weights.noalias() -= lr_ * grad_w_;
    conv_.bias -= lr_ * dz_.colwise().sum();
    return loss / static_cast<double>(batch);
  }

  Layer conv_, pool_;

 public:
  const Layer& conv() const { return conv_; }
  const Eigen::MatrixXd& dense_weights() const { return w2_; }

 private:
  Eigen::MatrixXd w2_, b2_, x_, y_;
  double lr_;
  Shape in_, out_;
  int k_ = 0, positions_ = 0;
  Eigen::MatrixXd patches_, z_, dz_, grad_w_, pooled_, logits_, d_pooled_;
  std::vector<Eigen::Index> winner_;
};

}  // namespace bpv::bench
