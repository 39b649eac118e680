// The hand-written reference of bench_train: one training step as formats.md
// defines it, written the way one would write it by hand with Eigen (no op
// list, no activation or loss tables, only array expressions). It borrows
// nothing from core/ except the starting weights and data, and allocates
// nothing per step (scratch matrices are members, sized for the scenario's
// batch), so timing it beside the engine is fair.
//
// With `engine_loss` it takes one thing from core/: the output layer's loss,
// ∂L/∂o and δ through losses.hpp (from the logits for sigmoid and softmax
// under a cross-entropy loss, stable where the output saturates), so both
// compute the same formulas and the ratio measures what the op list costs.
#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "layers/losses.hpp"
#include "engine/scenario.hpp"

namespace bpv::bench {

using Eigen::MatrixXd;
using Eigen::RowVectorXd;
using Eigen::VectorXd;

class ReferenceMlp {
 public:
  explicit ReferenceMlp(const bpv::Scenario& s, bool engine_loss = false)
      : x_(s.inputs), y_(s.targets), lr_(s.learning_rate), loss_kind_(loss_of(s.loss->name)),
        adam_(s.optimizer.name == "adam"), beta1_(s.optimizer.beta1), beta2_(s.optimizer.beta2),
        eps_(s.optimizer.eps), loss_(s.loss), output_(s.layers.back().activation),
        engine_loss_(engine_loss && bpv::uses_logits(*s.loss, *s.layers.back().activation)) {
    if (!s.optimizer.name.empty() && !adam_) throw std::invalid_argument("reference: only plain SGD and adam");
    const Eigen::Index batch = s.inputs.rows();
    for (const bpv::Layer& src : s.layers) {
      Layer l;
      l.act = activation_of(src.activation->name);
      l.w = src.weights;
      l.b = src.bias.row(0);
      const Eigen::Index n = src.weights.cols();
      l.z.resize(batch, n);
      l.a.resize(batch, n);
      l.grad_a.resize(batch, n);
      l.delta.resize(batch, n);
      l.grad_w.resize(src.weights.rows(), n);
      l.grad_b.resize(n);
      l.m_w = MatrixXd::Zero(src.weights.rows(), n);
      l.v_w = l.m_w;
      l.m_b = RowVectorXd::Zero(n);
      l.v_b = l.m_b;
      layers_.push_back(std::move(l));
    }
    row_scratch_.resize(batch);
    row_scratch2_.resize(batch);
  }

  // Forward, loss, backward, SGD; returns the loss before the update.
  double step() {
    const double inv_batch = 1.0 / static_cast<double>(x_.rows());
    // Forward: z = a_prev · W + b, a = f(z).
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      Layer& l = layers_[i];
      l.z.noalias() = input_of(i) * l.w;
      l.z.rowwise() += l.b;
      forward(l);
    }
    // Loss and ∂L/∂a of the last layer (batch mean).
    Layer& out = layers_.back();
    const auto o = out.a.array();
    const auto y = y_.array();
    double loss = 0.0;
    if (engine_loss_) {
      loss = bpv::output_loss(*loss_, *output_, out.z, out.a, y_);
      bpv::output_loss_gradient(*loss_, *output_, out.z, out.a, y_, out.grad_a);
    } else switch (loss_kind_) {
      case LossKind::CrossEntropy:
        loss = -(y * o.max(kMinP).log()).sum() * inv_batch;
        out.grad_a = -(y / o.max(kMinP)) * inv_batch;
        break;
      case LossKind::BinaryCrossEntropy:
        loss = -(y * o.max(kMinP).log() + (1.0 - y) * (1.0 - o).max(kMinP).log()).sum() *
               inv_batch;
        out.grad_a = (-y / o.max(kMinP) + (1.0 - y) / (1.0 - o).max(kMinP)) * inv_batch;
        break;
      case LossKind::Mse:
        loss = 0.5 * (o - y).square().sum() * inv_batch;
        out.grad_a = (o - y) * inv_batch;
        break;
    }
    // Backward, last layer first.
    for (std::size_t i = layers_.size(); i-- > 0;) {
      Layer& l = layers_[i];
      if (!(engine_loss_ && i + 1 == layers_.size() && bpv::output_delta(*loss_, *output_, l.z, l.a, y_, l.delta)))
        backward(l);
      l.grad_w.noalias() = input_of(i).transpose() * l.delta;
      l.grad_b.noalias() = l.delta.colwise().sum();
      if (i > 0) layers_[i - 1].grad_a.noalias() = l.delta * l.w.transpose();
    }
    if (adam_) {
      // Adam as torch.optim.Adam (1.13) writes it, one line per state update.
      ++t_;
      const double bc1 = 1.0 - std::pow(beta1_, t_), bc2_sqrt = std::sqrt(1.0 - std::pow(beta2_, t_));
      const double step_size = lr_ / bc1;
      for (Layer& l : layers_) {
        l.m_w = beta1_ * l.m_w + (1.0 - beta1_) * l.grad_w;
        l.v_w = beta2_ * l.v_w + (1.0 - beta2_) * l.grad_w.cwiseAbs2();
        l.w.array() -= step_size * l.m_w.array() / (l.v_w.array().sqrt() / bc2_sqrt + eps_);
        l.m_b = beta1_ * l.m_b + (1.0 - beta1_) * l.grad_b;
        l.v_b = beta2_ * l.v_b + (1.0 - beta2_) * l.grad_b.cwiseAbs2();
        l.b.array() -= step_size * l.m_b.array() / (l.v_b.array().sqrt() / bc2_sqrt + eps_);
      }
      return loss;
    }
    // SGD.
    for (Layer& l : layers_) {
      l.w.noalias() -= lr_ * l.grad_w;
      l.b.noalias() -= lr_ * l.grad_b;
    }
    return loss;
  }

  // The batch the next step learns from (rows × inputs, rows × outputs):
  // an epoch loop gathers each mini-batch into these. The row count is fixed
  // at construction.
  MatrixXd& inputs() { return x_; }
  MatrixXd& targets() { return y_; }

  std::size_t layer_count() const { return layers_.size(); }
  const MatrixXd& weights(std::size_t i) const { return layers_[i].w; }
  const RowVectorXd& bias(std::size_t i) const { return layers_[i].b; }
  const MatrixXd& grad_weights(std::size_t i) const { return layers_[i].grad_w; }
  const RowVectorXd& grad_bias(std::size_t i) const { return layers_[i].grad_b; }

 private:
  enum class Act { Identity, Relu, LeakyRelu, Sigmoid, Tanh, Softmax };
  enum class LossKind { CrossEntropy, BinaryCrossEntropy, Mse };
  static constexpr double kMinP = 1e-300;  // log(max(p, kMinP)), as formats.md's guard

  struct Layer {
    Act act = Act::Identity;
    MatrixXd w, z, a, grad_a, delta, grad_w, m_w, v_w;
    RowVectorXd b, grad_b, m_b, v_b;
  };

  static Act activation_of(std::string_view name) {
    if (name == "identity") return Act::Identity;
    if (name == "relu") return Act::Relu;
    if (name == "leaky_relu") return Act::LeakyRelu;
    if (name == "sigmoid") return Act::Sigmoid;
    if (name == "tanh") return Act::Tanh;
    if (name == "softmax") return Act::Softmax;
    throw std::invalid_argument("reference: unknown activation");
  }
  static LossKind loss_of(std::string_view name) {
    if (name == "cross_entropy") return LossKind::CrossEntropy;
    if (name == "binary_cross_entropy") return LossKind::BinaryCrossEntropy;
    if (name == "mse") return LossKind::Mse;
    throw std::invalid_argument("reference: unknown loss");
  }

  const MatrixXd& input_of(std::size_t i) const { return i == 0 ? x_ : layers_[i - 1].a; }

  void forward(Layer& l) {
    const auto z = l.z.array();
    switch (l.act) {
      case Act::Identity: l.a = l.z; break;
      case Act::Relu: l.a = z.max(0.0); break;
      case Act::LeakyRelu: l.a = (z > 0.0).select(z, 0.01 * z); break;
      case Act::Sigmoid: {
        // e = exp(−|z|) ≤ 1 never overflows: σ = 1/(1+e) for z ≥ 0, e/(1+e) below.
        l.a = (-z.abs()).exp();
        l.a = (z >= 0.0).select(1.0 / (1.0 + l.a.array()), l.a.array() / (1.0 + l.a.array()));
        break;
      }
      case Act::Tanh: l.a = z.tanh(); break;
      case Act::Softmax:
        row_scratch_.noalias() = l.z.rowwise().maxCoeff();
        l.a = (l.z.colwise() - row_scratch_).array().exp();
        row_scratch_.noalias() = l.a.rowwise().sum();
        l.a.array().colwise() /= row_scratch_.array();
        break;
    }
  }

  void backward(Layer& l) {
    const auto z = l.z.array();
    const auto a = l.a.array();
    const auto g = l.grad_a.array();
    switch (l.act) {
      case Act::Identity: l.delta = l.grad_a; break;
      case Act::Relu: l.delta = (z > 0.0).select(g, 0.0); break;
      case Act::LeakyRelu: l.delta = (z > 0.0).select(g, 0.01 * g); break;
      case Act::Sigmoid: l.delta = g * a * (1.0 - a); break;
      case Act::Tanh: l.delta = g * (1.0 - a.square()); break;
      case Act::Softmax:
        // The full Jacobian ∂a_i/∂z_j = a_i(1[i=j] − a_j) applied to g:
        // δ_j = a_j (g_j − Σ_i a_i g_i), one row per example.
        row_scratch2_.noalias() = (a * g).rowwise().sum().matrix();
        l.delta = a * (l.grad_a.colwise() - row_scratch2_).array();
        break;
    }
  }

  MatrixXd x_, y_;
  double lr_;
  LossKind loss_kind_;
  bool adam_;
  double beta1_, beta2_, eps_;
  const bpv::Loss* loss_;
  const bpv::Activation* output_;
  bool engine_loss_;
  int t_ = 0;
  std::vector<Layer> layers_;
  VectorXd row_scratch_, row_scratch2_;  // one value per example
};

}  // namespace bpv::bench
