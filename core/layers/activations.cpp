#include "layers/activations.hpp"

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

// The batched loops, each compiled with its own f and df inlined: an indirect
// call per element costs more than relu itself, and inlined relu vectorises.
// They call the same f and df, so the numbers equal one-at-a-time calls.
template <double (*F)(double)>
void forward_loop(const double* z, double* a, Eigen::Index n) {
  for (Eigen::Index k = 0; k < n; ++k) a[k] = F(z[k]);
}
template <double (*DF)(double, double)>
void backward_loop(const double* z, const double* a, const double* grad_a, double* delta,
                   Eigen::Index n) {
  for (Eigen::Index k = 0; k < n; ++k) delta[k] = grad_a[k] * DF(z[k], a[k]);
}

template <double (*F)(double), double (*DF)(double, double)>
constexpr Activation elementwise(std::string_view name, std::string_view symbol,
                                 std::string_view derivative_text) {
  return Activation{name, symbol, F, DF, derivative_text, forward_loop<F>, backward_loop<DF>};
}

const Activation kIdentity = elementwise<identity_f, identity_df>("identity", "id", "1");
const Activation kRelu = elementwise<relu_f, relu_df>("relu", "ReLU", "1 if z > 0, else 0");
const Activation kLeakyRelu =
    elementwise<leaky_relu_f, leaky_relu_df>("leaky_relu", "LeakyReLU", "1 if z > 0, else 0.01");
const Activation kSigmoid = elementwise<sigmoid_f, sigmoid_df>("sigmoid", "σ", "σ(z)(1−σ(z))");
const Activation kTanh = elementwise<tanh_f, tanh_df>("tanh", "tanh", "1−tanh²(z)");
const Activation kSoftmax{"softmax", "softmax", nullptr, nullptr, "∂oᵢ/∂zⱼ = oᵢ(1[i=j] − oⱼ)",
                          nullptr, nullptr};

}  // namespace

void Activation::forward(const Eigen::MatrixXd& z, Eigen::MatrixXd& a) const {
  if (elementwise()) {
    const Eigen::Index n = z.size();
    const double* in = z.data();
    double* out = a.data();
    if (forward_n) forward_n(in, out, n);
    else for (Eigen::Index k = 0; k < n; ++k) out[k] = f(in[k]);  // an entry built by hand
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
    if (backward_n) {
      backward_n(z.data(), a.data(), grad_a.data(), delta.data(), n);
    } else {
      for (Eigen::Index k = 0; k < n; ++k)
        delta.data()[k] = grad_a.data()[k] * df(z.data()[k], a.data()[k]);
    }
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
