#include "activations.hpp"

#include <cmath>

namespace bpv {
namespace {

double identity_f(double z) { return z; }
double identity_df(double, double) { return 1.0; }

// relu'(0) = 0, as formats.md fixes it.
double relu_f(double z) { return z > 0.0 ? z : 0.0; }
double relu_df(double z, double) { return z > 0.0 ? 1.0 : 0.0; }

constexpr double kLeakySlope = 0.01;
double leaky_relu_f(double z) { return z > 0.0 ? z : kLeakySlope * z; }
double leaky_relu_df(double z, double) { return z > 0.0 ? 1.0 : kLeakySlope; }

// Written so that exp() never overflows: for z < 0 use e^z / (1 + e^z).
double sigmoid_f(double z) {
  if (z >= 0.0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}
double sigmoid_df(double, double a) { return a * (1.0 - a); }

double tanh_f(double z) { return std::tanh(z); }
double tanh_df(double, double a) { return 1.0 - a * a; }

const Activation kIdentity{"identity", "id", identity_f, identity_df, "1"};
const Activation kRelu{"relu", "ReLU", relu_f, relu_df, "1 if z > 0, else 0"};
const Activation kLeakyRelu{"leaky_relu", "LeakyReLU", leaky_relu_f, leaky_relu_df,
                            "1 if z > 0, else 0.01"};
const Activation kSigmoid{"sigmoid", "σ", sigmoid_f, sigmoid_df, "σ(z)(1−σ(z))"};
const Activation kTanh{"tanh", "tanh", tanh_f, tanh_df, "1−tanh²(z)"};
const Activation kSoftmax{"softmax", "softmax", nullptr, nullptr,
                          "∂oᵢ/∂zⱼ = oᵢ(1[i=j] − oⱼ)"};

}  // namespace

void Activation::forward(const Eigen::MatrixXd& z, Eigen::MatrixXd& a) const {
  if (elementwise()) {
    const Eigen::Index n = z.size();
    const double* in = z.data();
    double* out = a.data();
    for (Eigen::Index k = 0; k < n; ++k) out[k] = f(in[k]);
    return;
  }
  // Softmax, shifted by the row maximum so exp() never overflows.
  for (Eigen::Index r = 0; r < z.rows(); ++r) {
    const double shift = z.row(r).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index c = 0; c < z.cols(); ++c) {
      const double e = std::exp(z(r, c) - shift);
      a(r, c) = e;
      sum += e;
    }
    for (Eigen::Index c = 0; c < z.cols(); ++c) a(r, c) /= sum;
  }
}

void Activation::backward(const Eigen::MatrixXd& z, const Eigen::MatrixXd& a,
                          const Eigen::MatrixXd& grad_a, Eigen::MatrixXd& delta) const {
  if (elementwise()) {
    const Eigen::Index n = z.size();
    for (Eigen::Index k = 0; k < n; ++k)
      delta.data()[k] = grad_a.data()[k] * df(z.data()[k], a.data()[k]);
    return;
  }
  // Full softmax Jacobian: ∂a_i/∂z_j = a_i(1[i=j] − a_j), so
  // delta_j = Σ_i g_i a_i (1[i=j] − a_j) = a_j (g_j − Σ_i a_i g_i).
  for (Eigen::Index r = 0; r < z.rows(); ++r) {
    double weighted = 0.0;
    for (Eigen::Index c = 0; c < z.cols(); ++c) weighted += a(r, c) * grad_a(r, c);
    for (Eigen::Index c = 0; c < z.cols(); ++c)
      delta(r, c) = a(r, c) * (grad_a(r, c) - weighted);
  }
}

const std::vector<const Activation*>& all_activations() {
  static const std::vector<const Activation*> table{&kIdentity, &kRelu,  &kLeakyRelu,
                                                    &kSigmoid,  &kTanh, &kSoftmax};
  return table;
}

const Activation* find_activation(std::string_view name) {
  for (const Activation* act : all_activations())
    if (act->name == name) return act;
  return nullptr;
}

}  // namespace bpv
