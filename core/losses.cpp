#include "losses.hpp"

#include <algorithm>
#include <cmath>

namespace bpv {
namespace {

double guarded(double p) { return std::max(p, kMinProbability); }

double ce_term(double o, double y) { return y == 0.0 ? 0.0 : -y * std::log(guarded(o)); }
double ce_grad(double o, double y) { return y == 0.0 ? 0.0 : -y / guarded(o); }

// The seed's loss: −[y ln o + (1−y) ln(1−o)], summed over the outputs.
double bce_term(double o, double y) {
  double t = 0.0;
  if (y != 0.0) t -= y * std::log(guarded(o));
  if (y != 1.0) t -= (1.0 - y) * std::log(guarded(1.0 - o));
  return t;
}
double bce_grad(double o, double y) {
  double g = 0.0;
  if (y != 0.0) g -= y / guarded(o);
  if (y != 1.0) g += (1.0 - y) / guarded(1.0 - o);
  return g;
}

double mse_term(double o, double y) { return 0.5 * (o - y) * (o - y); }
double mse_grad(double o, double y) { return o - y; }

const Loss kCrossEntropy{"cross_entropy", "L = −Σᵢ yᵢ ln oᵢ", "∂L/∂oᵢ = −(1/B)·yᵢ/oᵢ",
                         ce_term, ce_grad};
const Loss kBinaryCrossEntropy{"binary_cross_entropy",
                               "L = −Σᵢ [yᵢ ln oᵢ + (1−yᵢ) ln(1−oᵢ)]",
                               "∂L/∂oᵢ = (1/B)·(−yᵢ/oᵢ + (1−yᵢ)/(1−oᵢ))", bce_term, bce_grad};
const Loss kMse{"mse", "L = ½ Σᵢ (oᵢ − yᵢ)²", "∂L/∂oᵢ = (1/B)·(oᵢ − yᵢ)", mse_term,
                mse_grad};

}  // namespace

double Loss::value(const Eigen::MatrixXd& output, const Eigen::MatrixXd& target) const {
  double sum = 0.0;
  const Eigen::Index n = output.size();
  for (Eigen::Index k = 0; k < n; ++k) sum += term(output.data()[k], target.data()[k]);
  return sum / static_cast<double>(output.rows());
}

void Loss::gradient(const Eigen::MatrixXd& output, const Eigen::MatrixXd& target,
                    Eigen::MatrixXd& grad) const {
  const double inv_batch = 1.0 / static_cast<double>(output.rows());
  const Eigen::Index n = output.size();
  for (Eigen::Index k = 0; k < n; ++k)
    grad.data()[k] = inv_batch * term_gradient(output.data()[k], target.data()[k]);
}

const std::vector<const Loss*>& all_losses() {
  static const std::vector<const Loss*> table{&kCrossEntropy, &kBinaryCrossEntropy, &kMse};
  return table;
}

const Loss* find_loss(std::string_view name) {
  for (const Loss* loss : all_losses())
    if (loss->name == name) return loss;
  return nullptr;
}

}  // namespace bpv
