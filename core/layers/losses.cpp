#include "layers/losses.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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

// ---------------------------------------------------------------- [SECTION] from the logits
namespace {

bool is_ce(const Loss& loss) { return &loss == &kCrossEntropy; }
bool is_bce(const Loss& loss) { return &loss == &kBinaryCrossEntropy; }
bool is_sigmoid(const Activation& act) { return act.name == "sigmoid"; }
bool is_softmax(const Activation& act) { return act.name == "softmax"; }

// softplus(x) = ln(1 + eˣ), without overflow: −ln σ(z) = softplus(−z) and
// −ln(1 − σ(z)) = softplus(z).
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

// One softmax row seen from its logits: with m = max z and S = Σ e^(z−m),
// ln oᵢ = zᵢ − m − ln S. For the largest output w, 1 − o_w = Σ_{k≠w} oₖ is
// taken as a log-sum-exp of the other logits (m2 = their max, S2 their sum),
// since 1 − o_w by subtraction is 0 once o_w rounds to 1. For the others
// oᵢ ≤ ½ and ln(1 − oᵢ) = log1p(−oᵢ) is exact to rounding.
struct SoftmaxRow {
  Eigen::Index w = 0;  // the largest logit (the first, on ties)
  double m = 0, log_s = 0;
  double m2 = 0, log_s2 = 0;                                   // of the logits k ≠ w
  double log_c_w = -std::numeric_limits<double>::infinity();  // ln(1 − o_w); −∞ with one output

  SoftmaxRow(const Eigen::MatrixXd& z, Eigen::Index r) {
    const Eigen::Index n = z.cols();
    for (Eigen::Index c = 1; c < n; ++c)
      if (z(r, c) > z(r, w)) w = c;
    m = z(r, w);
    double s = 0.0;
    for (Eigen::Index c = 0; c < n; ++c) s += std::exp(z(r, c) - m);
    log_s = std::log(s);
    if (n == 1) return;
    m2 = -std::numeric_limits<double>::infinity();
    for (Eigen::Index c = 0; c < n; ++c)
      if (c != w) m2 = std::max(m2, z(r, c));
    double s2 = 0.0;
    for (Eigen::Index c = 0; c < n; ++c)
      if (c != w) s2 += std::exp(z(r, c) - m2);
    log_s2 = std::log(s2);
    log_c_w = (m2 - m) + log_s2 - log_s;
  }
  double log_o(const Eigen::MatrixXd& z, Eigen::Index r, Eigen::Index c) const {
    return z(r, c) - m - log_s;
  }
  // ln(1 − o_c) and 1 − o_c.
  double log_c(const Eigen::MatrixXd& o, Eigen::Index r, Eigen::Index c) const {
    return c == w ? log_c_w : std::log1p(-o(r, c));
  }
  double c_of(const Eigen::MatrixXd& o, Eigen::Index r, Eigen::Index c) const {
    return c == w ? std::exp(log_c_w) : 1.0 - o(r, c);
  }
};

// −[y ln o + (1−y) ln(1−o)] from the two logs; a zero weight drops its log
// (0·ln 0 = 0, as in the elementwise terms).
double log_term(const Loss& loss, double log_o, double log_c, double y) {
  double t = 0.0;
  if (y != 0.0) t -= y * log_o;
  if (is_bce(loss) && y != 1.0) t -= (1.0 - y) * log_c;
  return t;
}

// ∂L_b/∂o = −y/o (+ (1−y)/(1−o) for binary cross-entropy), with 1 − o given.
// No guard: where o or 1 − o is 0 the true value overflows and is ±∞.
double log_term_gradient(const Loss& loss, double o, double c, double y) {
  double g = 0.0;
  if (y != 0.0) g -= y / o;
  if (is_bce(loss) && y != 1.0) g += (1.0 - y) / c;
  return g;
}

}  // namespace

bool uses_logits(const Loss& loss, const Activation& output) {
  return (is_ce(loss) || is_bce(loss)) && (is_sigmoid(output) || is_softmax(output));
}

double output_loss(const Loss& loss, const Activation& output, const Eigen::MatrixXd& z,
                   const Eigen::MatrixXd& o, const Eigen::MatrixXd& y) {
  if (!uses_logits(loss, output)) return loss.value(o, y);
  double sum = 0.0;
  for (Eigen::Index r = 0; r < z.rows(); ++r) {
    if (is_sigmoid(output)) {
      for (Eigen::Index c = 0; c < z.cols(); ++c)
        sum += log_term(loss, -softplus(-z(r, c)), -softplus(z(r, c)), y(r, c));
    } else {
      const SoftmaxRow row(z, r);
      for (Eigen::Index c = 0; c < z.cols(); ++c)
        sum += log_term(loss, row.log_o(z, r, c), row.log_c(o, r, c), y(r, c));
    }
  }
  return sum / static_cast<double>(o.rows());
}

void output_loss_gradient(const Loss& loss, const Activation& output, const Eigen::MatrixXd& z,
                          const Eigen::MatrixXd& o, const Eigen::MatrixXd& y,
                          Eigen::MatrixXd& grad) {
  if (!uses_logits(loss, output)) return loss.gradient(o, y, grad);
  const double inv_batch = 1.0 / static_cast<double>(o.rows());
  for (Eigen::Index r = 0; r < z.rows(); ++r) {
    if (is_sigmoid(output)) {
      for (Eigen::Index c = 0; c < z.cols(); ++c)
        grad(r, c) = inv_batch * log_term_gradient(loss, o(r, c), output.f(-z(r, c)), y(r, c));
    } else {
      const SoftmaxRow row(z, r);
      for (Eigen::Index c = 0; c < z.cols(); ++c)
        grad(r, c) = inv_batch * log_term_gradient(loss, o(r, c), row.c_of(o, r, c), y(r, c));
    }
  }
}

bool output_delta(const Loss& loss, const Activation& output, const Eigen::MatrixXd& z,
                  const Eigen::MatrixXd& o, const Eigen::MatrixXd& y, Eigen::MatrixXd& delta) {
  if (!uses_logits(loss, output)) return false;
  const double inv_batch = 1.0 / static_cast<double>(o.rows());
  const Eigen::Index n = z.cols();
  for (Eigen::Index r = 0; r < z.rows(); ++r) {
    if (is_sigmoid(output)) {
      // −y ln σ(z): δ = −y(1 − σ(z)); binary: δ = σ(z) − y.
      for (Eigen::Index c = 0; c < n; ++c)
        delta(r, c) = inv_batch * (is_bce(loss) ? o(r, c) - y(r, c) : -y(r, c) * output.f(-z(r, c)));
      continue;
    }
    if (n == 1) {  // a one-output softmax is the constant 1: ∂o/∂z = 0
      delta(r, 0) = 0.0;
      continue;
    }
    double sum_y = 0.0;
    for (Eigen::Index c = 0; c < n; ++c) sum_y += y(r, c);
    if (is_ce(loss)) {  // δⱼ = oⱼ·Σy − yⱼ
      for (Eigen::Index c = 0; c < n; ++c) delta(r, c) = inv_batch * (o(r, c) * sum_y - y(r, c));
      continue;
    }
    // Binary cross-entropy on softmax: with gᵢ = ∂L_b/∂oᵢ and the odds
    // qᵢ = oᵢ/(1 − oᵢ), δⱼ = oⱼ(gⱼ − Σᵢ oᵢgᵢ) becomes
    //   δⱼ = −yⱼ + oⱼΣy + (1−yⱼ)oⱼ − oⱼ Σ_{i≠j} (1−yᵢ) qᵢ,
    // where every product oⱼ·qᵢ is at most 1: for i ≠ w, qᵢ ≤ 1; for i = w,
    // oⱼ·q_w = o_w · e^(zⱼ)/Σ_{k≠w} e^(zₖ), taken from the logits.
    const SoftmaxRow row(z, r);
    const Eigen::Index w = row.w;
    double odds_sum = 0.0;  // T = Σ_{i≠w} (1−yᵢ) qᵢ
    for (Eigen::Index c = 0; c < n; ++c)
      if (c != w) odds_sum += (1.0 - y(r, c)) * (o(r, c) / (1.0 - o(r, c)));
    for (Eigen::Index c = 0; c < n; ++c) {
      const double oc = o(r, c), yc = y(r, c);
      double d = -yc + oc * sum_y + (1.0 - yc) * oc;
      if (c == w) {
        d -= oc * odds_sum;
      } else {
        d -= oc * (odds_sum - (1.0 - yc) * (oc / (1.0 - oc)));
        d -= (1.0 - y(r, w)) * o(r, w) * std::exp(z(r, c) - row.m2 - row.log_s2);
      }
      delta(r, c) = inv_batch * d;
    }
  }
  return true;
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
