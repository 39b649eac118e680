// Loss functions as table entries, exactly as formats.md defines them:
// a per-example loss L_b, and the batch loss (1/B) Σ_b L_b. The gradient is of
// that batch mean, so it carries the 1/B factor.
#pragma once
#include <Eigen/Dense>
#include <string_view>
#include <vector>

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

const Loss* find_loss(std::string_view name);
const std::vector<const Loss*>& all_losses();

}  // namespace bpv
