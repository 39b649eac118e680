#include "engine/gradcheck_job.hpp"

#include <algorithm>
#include <chrono>

namespace bpv {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Parameters per slice: a few milliseconds of work on a large net, so the
// browser's frame keeps its budget and a cancel lands soon.
constexpr int kParametersPerSlice = 8;

}  // namespace

GradCheckJob::GradCheckJob(const Scenario& scenario, std::size_t max_parameters)
    : scenario_(scenario), checker_(scenario_, max_parameters), started_(now_seconds()),
      work_([this] { return slice(); }) {}

bool GradCheckJob::slice() {
  for (int k = 0; k < kParametersPerSlice; ++k) {
    if (work_.cancelled()) return false;
    if (!checker_.check_next()) {
      maps_ = gradcheck_maps(checker_.result(), scenario_);
      seconds_ = now_seconds() - started_;
      checked_.store(checker_.checked(), std::memory_order_relaxed);
      return false;
    }
  }
  checked_.store(checker_.checked(), std::memory_order_relaxed);
  return true;
}

double GradCheckJob::progress() const {
  const std::size_t n = std::max<std::size_t>(1, checker_.to_check());
  return std::min(1.0, static_cast<double>(checked_.load(std::memory_order_relaxed)) / static_cast<double>(n));
}

}  // namespace bpv
