// Activation functions as table entries: {name, f, df} plus the batched
// forward/backward the engine calls. Adding one = one entry in activations.cpp
// plus its case in tests/test_gradients.cpp (finite differences cover it).
#pragma once
#include <Eigen/Dense>
#include <string_view>
#include <vector>

namespace bpv {

struct Activation {
  std::string_view name;    // as in scenario files: "relu", "sigmoid", ...
  std::string_view symbol;  // as in equations: "ReLU", "σ", "softmax"
  // Elementwise activations: a = f(z), da/dz = df(z, a). Softmax has neither
  // (its Jacobian is full), so both are nullptr there.
  double (*f)(double z);
  double (*df)(double z, double a);
  // How f' is written in equations, e.g. "σ(z)(1−σ(z))".
  std::string_view derivative_text;
  // f and df over n contiguous elements (the same functions, inlined); an
  // entry may leave them null, then f and df are called per element.
  void (*forward_n)(const double* z, double* a, Eigen::Index n);
  void (*backward_n)(const double* z, const double* a, const double* grad_a, double* delta,
                     Eigen::Index n);

  bool elementwise() const { return f != nullptr; }

  // a = f(z), row by row (one row per example). `a` must already have z's shape.
  void forward(const Eigen::MatrixXd& z, Eigen::MatrixXd& a) const;
  // delta = ∂L/∂z from grad_a = ∂L/∂a through the Jacobian ∂a/∂z.
  // For softmax the full Jacobian: delta_j = a_j (g_j − Σ_i a_i g_i).
  void backward(const Eigen::MatrixXd& z, const Eigen::MatrixXd& a,
                const Eigen::MatrixXd& grad_a, Eigen::MatrixXd& delta) const;
};

// nullptr when the name is unknown.
const Activation* find_activation(std::string_view name);
const std::vector<const Activation*>& all_activations();

}  // namespace bpv
