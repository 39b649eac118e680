#include "insight/plot_ticks.hpp"

#include <cmath>

namespace bpv {

std::vector<double> linear_ticks(double lo, double hi, int max_ticks) {
  std::vector<double> ticks;
  if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi) || max_ticks < 1) return ticks;
  if (hi - lo <= 0.0) return {lo};
  const double base = std::pow(10.0, std::floor(std::log10((hi - lo) / max_ticks)));
  double step = base;
  for (double scale = 1.0;; scale *= 10.0) {  // 1, 2, 5, 10, 20, 50, … × base: the first that fits
    bool found = false;
    for (double m : {1.0, 2.0, 5.0}) {
      step = base * scale * m;
      if (std::floor(hi / step) - std::ceil(lo / step) + 1 <= max_ticks) {
        found = true;
        break;
      }
    }
    if (found) break;
  }
  // Counting multiples (not adding steps) keeps 0.1 × 3 from printing 0.30000000000000004.
  for (double k = std::ceil(lo / step); k * step <= hi * (1 + 1e-12) + 1e-300; k += 1.0) {
    const double v = k * step;
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    if (static_cast<int>(ticks.size()) > max_ticks) break;
  }
  if (ticks.empty()) ticks.push_back(0.5 * (lo + hi));
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
  if (!(lo > 0.0) || !(lo <= hi) || !std::isfinite(hi) || max_ticks < 1) return linear_ticks(lo, hi, max_ticks);
  const int first = static_cast<int>(std::ceil(std::log10(lo) - 1e-12));
  const int last = static_cast<int>(std::floor(std::log10(hi) + 1e-12));
  if (last - first + 1 < 2) return linear_ticks(lo, hi, max_ticks);
  const int every = (last - first) / max_ticks + 1;
  std::vector<double> ticks;
  for (int e = first; e <= last; e += every) ticks.push_back(std::pow(10.0, e));
  return ticks;
}

}  // namespace bpv
