// Loss functions as table entries, exactly as formats.md defines them:
// a per-example loss L_b, and the batch loss (1/B) Σ_b L_b. The gradient is of
// that batch mean, so it carries the 1/B factor.
#pragma once
#include <Eigen/Dense>
#include <string_view>
#include <vector>

#include "layers/activations.hpp"

namespace bpv {

struct Loss {
  std::string_view name;     // as in scenario files
  std::string_view formula;  // per example, as shown in the app
  std::string_view gradient_formula;  // ∂L/∂oᵢ of the batch mean
  // Per-example term for one output: L_b = Σ_i term(o_i, y_i).
  double (*term)(double o, double y);
  // ∂L_b/∂o_i for one output (without the 1/B).
  double (*term_gradient)(double o, double y);

  // (1/B) Σ_b Σ_i term(o, y).
  double value(const Eigen::MatrixXd& output, const Eigen::MatrixXd& target) const;
  // grad = ∂L/∂o of the batch mean; must already have output's shape.
  void gradient(const Eigen::MatrixXd& output, const Eigen::MatrixXd& target,
                Eigen::MatrixXd& grad) const;
};

// Logs of probabilities are taken of max(p, kMinProbability), so a saturated
// output gives a large finite loss rather than −ln 0 = ∞.
inline constexpr double kMinProbability = 1e-300;

// [SECTION] The output layer from its logits (issue 6 §3).
//
// With a sigmoid or softmax output and cross_entropy or binary_cross_entropy,
// ln o and ln(1−o) are taken from the output layer's pre-activation z
// (log-sum-exp, softplus), never from o itself: a saturated output (o = 1 or
// 0 to the last bit, logits of ±1e4) still gives the exact loss and a finite
// gradient, where ln o would be ln 0. δ = ∂L/∂z of the output layer then has a
// closed form (softmax + cross_entropy: δ = o·Σy − y; sigmoid +
// binary_cross_entropy: δ = o − y; all over B) and is computed directly, so
// it stays finite even where ∂L/∂o itself overflows (∂L/∂o = −y/o with o
// below 1e-308 is ±∞, and the engine reports it as the first non-finite op).
// On ordinary inputs these agree with the elementwise formulas to rounding.
// Every other pair uses Loss::value / Loss::gradient and the activation's own
// backward, with the guarded logs above.
bool uses_logits(const Loss& loss, const Activation& output);
// The batch loss (1/B) Σ_b L_b of the output layer (z, o) against the targets y.
double output_loss(const Loss& loss, const Activation& output, const Eigen::MatrixXd& z,
                   const Eigen::MatrixXd& o, const Eigen::MatrixXd& y);
// ∂L/∂o of the batch mean; `grad` must already have o's shape.
void output_loss_gradient(const Loss& loss, const Activation& output, const Eigen::MatrixXd& z,
                          const Eigen::MatrixXd& o, const Eigen::MatrixXd& y,
                          Eigen::MatrixXd& grad);
// δ = ∂L/∂z of the output layer straight from (z, o, y) when uses_logits();
// returns false (and leaves delta alone) otherwise: then δ comes from ∂L/∂o
// through Activation::backward.
bool output_delta(const Loss& loss, const Activation& output, const Eigen::MatrixXd& z,
                  const Eigen::MatrixXd& o, const Eigen::MatrixXd& y, Eigen::MatrixXd& delta);

const Loss* find_loss(std::string_view name);
const std::vector<const Loss*>& all_losses();

}  // namespace bpv
