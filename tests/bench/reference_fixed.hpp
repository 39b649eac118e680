// A second hand-written reference for the smallest nets: the step of
// reference_mlp.hpp with every size known at compile time (Eigen's
// fixed-size matrices: no heap, loops unrolled), the fastest plain Eigen a
// person would write for one net they know. bench_train times the engine
// beside it for the seed net and N2 at batch 1, and for the spiral epoch at
// batch 10; the figures are in README's table.
//
// FixedMlp<B, In, H, Depth, Out>: Depth dense layers, In → H → … → H → Out,
// a batch of B rows; each layer's activation is read from the scenario.
#pragma once
#include <Eigen/Dense>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "data/batching.hpp"
#include "engine/scenario.hpp"

namespace bpv::bench {

enum class FixedAct { Identity, Relu, Sigmoid, Tanh, Softmax };

inline FixedAct fixed_act(std::string_view name) {
  if (name == "identity") return FixedAct::Identity;
  if (name == "relu") return FixedAct::Relu;
  if (name == "sigmoid") return FixedAct::Sigmoid;
  if (name == "tanh") return FixedAct::Tanh;
  if (name == "softmax") return FixedAct::Softmax;
  throw std::invalid_argument("fixed reference: unsupported activation");
}

template <int B, int I, int O>
struct FixedLayer {
  using Rows = Eigen::Matrix<double, B, O>;
  FixedAct act = FixedAct::Identity;
  Eigen::Matrix<double, I, O> w, grad_w;
  Eigen::Matrix<double, 1, O> b, grad_b;
  Rows z, a, grad_a, delta;

  void load(const Layer& src) {
    if (src.weights.rows() != I || src.weights.cols() != O) throw std::invalid_argument("fixed reference: sizes");
    act = fixed_act(src.activation->name);
    w = src.weights;
    b = src.bias.row(0);
  }

  template <typename X>
  void forward(const X& x) {
    z.noalias() = x * w;
    z.rowwise() += b;
    switch (act) {
      case FixedAct::Identity: a = z; break;
      case FixedAct::Relu: a = z.array().max(0.0); break;
      case FixedAct::Sigmoid: a = 1.0 / (1.0 + (-z.array()).exp()); break;
      case FixedAct::Tanh: a = z.array().tanh(); break;
      case FixedAct::Softmax:
        for (int r = 0; r < B; ++r) {
          a.row(r) = (z.row(r).array() - z.row(r).maxCoeff()).exp();
          a.row(r) /= a.row(r).sum();
        }
        break;
    }
  }

  // δ from ∂L/∂a.
  void backward() {
    const Eigen::Array<double, B, O> av = a.array(), g = grad_a.array();
    switch (act) {
      case FixedAct::Identity: delta = grad_a; break;
      case FixedAct::Relu: delta = (z.array() > 0.0).select(g, 0.0); break;
      case FixedAct::Sigmoid: delta = g * av * (1.0 - av); break;
      case FixedAct::Tanh: delta = g * (1.0 - av.square()); break;
      case FixedAct::Softmax:
        for (int r = 0; r < B; ++r) delta.row(r) = av.row(r) * (g.row(r) - (av.row(r) * g.row(r)).sum());
        break;
    }
  }

  template <typename X>
  void gradients(const X& x) {
    grad_w.noalias() = x.transpose() * delta;
    grad_b = delta.colwise().sum();
  }

  void sgd(double lr) {
    w -= lr * grad_w;
    b -= lr * grad_b;
  }
};

template <int B, int In, int H, int Depth, int Out>
class FixedMlp {
  static_assert(Depth >= 2, "a first and a last layer");

 public:
  using Inputs = Eigen::Matrix<double, B, In>;
  using Targets = Eigen::Matrix<double, B, Out>;

  explicit FixedMlp(const Scenario& s) : lr_(s.learning_rate), mse_(s.loss->name == "mse") {
    if (static_cast<int>(s.layers.size()) != Depth || s.input_size != In)
      throw std::invalid_argument("fixed reference: not this net");
    if (!mse_ && s.loss->name != "binary_cross_entropy") throw std::invalid_argument("fixed reference: loss");
    if (!s.optimizer.name.empty() && s.optimizer.name != "sgd") throw std::invalid_argument("fixed reference: SGD");
    first_.load(s.layers.front());
    for (int l = 0; l < Depth - 2; ++l) middle_[l].load(s.layers[l + 1]);
    last_.load(s.layers.back());
    if (s.inputs.rows() == B) {
      x_ = s.inputs;
      y_ = s.targets;
    }
  }

  // Forward, loss, backward, SGD; returns the loss before the update.
  double step() {
    constexpr double inv_batch = 1.0 / B;
    first_.forward(x_);
    for (int l = 0; l < Depth - 2; ++l) middle_[l].forward(l == 0 ? first_.a : middle_[l - 1].a);
    last_.forward(Depth == 2 ? first_.a : middle_[Depth - 3].a);
    const Eigen::Array<double, B, Out> o = last_.a.array(), y = y_.array();
    double loss;
    if (mse_) {
      loss = 0.5 * (o - y).square().sum() * inv_batch;
      last_.grad_a = (o - y) * inv_batch;
    } else {
      constexpr double kMinP = 1e-300;
      loss = -(y * o.max(kMinP).log() + (1.0 - y) * (1.0 - o).max(kMinP).log()).sum() * inv_batch;
      last_.grad_a = (-y / o.max(kMinP) + (1.0 - y) / (1.0 - o).max(kMinP)) * inv_batch;
    }
    last_.backward();
    if constexpr (Depth == 2) {
      last_.gradients(first_.a);
      first_.grad_a.noalias() = last_.delta * last_.w.transpose();
    } else {
      last_.gradients(middle_[Depth - 3].a);
      middle_[Depth - 3].grad_a.noalias() = last_.delta * last_.w.transpose();
      for (int l = Depth - 3; l >= 0; --l) {
        FixedLayer<B, H, H>& m = middle_[l];
        m.backward();
        m.gradients(l == 0 ? first_.a : middle_[l - 1].a);
        (l == 0 ? first_.grad_a : middle_[l - 1].grad_a).noalias() = m.delta * m.w.transpose();
      }
    }
    first_.backward();
    first_.gradients(x_);
    first_.sgd(lr_);
    for (FixedLayer<B, H, H>& m : middle_) m.sgd(lr_);
    last_.sgd(lr_);
    return loss;
  }

  Inputs& inputs() { return x_; }
  Targets& targets() { return y_; }
  // Layer i's weights and bias as dynamic matrices, for the agreement check.
  Eigen::MatrixXd weights(int i) const {
    return i == 0 ? Eigen::MatrixXd(first_.w) : i == Depth - 1 ? Eigen::MatrixXd(last_.w) : Eigen::MatrixXd(middle_[i - 1].w);
  }
  Eigen::MatrixXd bias(int i) const {
    return i == 0 ? Eigen::MatrixXd(first_.b) : i == Depth - 1 ? Eigen::MatrixXd(last_.b) : Eigen::MatrixXd(middle_[i - 1].b);
  }

 private:
  double lr_;
  bool mse_;
  Inputs x_ = Inputs::Zero();
  Targets y_ = Targets::Zero();
  FixedLayer<B, In, H> first_;
  std::array<FixedLayer<B, H, H>, (Depth > 2 ? Depth - 2 : 0)> middle_;
  FixedLayer<B, H, Out> last_;
};

// The seed net 3-3-3-3 and N2 (2-8×6-1) at batch 1.
using FixedSeed = FixedMlp<1, 3, 3, 3, 3>;
using FixedN2 = FixedMlp<1, 2, 8, 7, 1>;

// An epoch of the spiral task (2-8×6-1 at batch 10) with FixedMlp: the rows
// in formats.md §5's order, as ReferenceEpoch takes them.
class FixedSpiralEpoch {
 public:
  using Net = FixedMlp<10, 2, 8, 7, 1>;
  explicit FixedSpiralEpoch(const Scenario& s)
      : net_(s), raw_(s.data.train_raw), targets_(s.data.train_targets), batching_(s.data.batching),
        epoch_(s.progress.epoch) {
    if (!batching_ || batching_->size != 10 || raw_.rows() % 10 != 0 || !s.data.features.empty())
      throw std::invalid_argument("fixed spiral epoch: whole batches of 10 of raw inputs");
    steps_ = static_cast<int>(raw_.rows() / 10);
  }

  // One epoch; returns the mean of its steps' losses.
  double step() {
    epoch_order(static_cast<int>(raw_.rows()), batching_, epoch_++, order_);
    double sum = 0.0;
    for (int k = 0; k < steps_; ++k) {
      for (int r = 0; r < 10; ++r) {
        const int row = order_[static_cast<std::size_t>(k * 10 + r)];
        net_.inputs().row(r) = raw_.row(row);
        net_.targets().row(r) = targets_.row(row);
      }
      sum += net_.step();
    }
    return sum / steps_;
  }
  const Net& net() const { return net_; }

 private:
  Net net_;
  Eigen::MatrixXd raw_, targets_;
  std::optional<Batching> batching_;
  long long epoch_;
  int steps_ = 0;
  std::vector<int> order_;
};

}  // namespace bpv::bench
