#pragma once
// Where a plot's axis gets its labelled ticks: round numbers a reader can
// interpolate between (the loss panel's y axis).
#include <vector>

namespace bpv {

// Multiples of one step, 1, 2 or 5 × 10^k, inside [lo, hi]: the finest such
// step that gives at most max_ticks ticks (at least one tick when lo <= hi).
std::vector<double> linear_ticks(double lo, double hi, int max_ticks);

// For a logarithmic axis over [lo, hi] (lo > 0): the powers of ten inside it
// (every second, third… if there are more than max_ticks), or, where fewer
// than two fit, linear_ticks.
std::vector<double> log_ticks(double lo, double hi, int max_ticks);

}  // namespace bpv
