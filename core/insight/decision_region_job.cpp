#include "insight/decision_region_job.hpp"

#include <chrono>
#include <utility>

namespace bpv {

DecisionRegionJob::DecisionRegionJob(const Scenario& scenario, const PlaneExtent& extent, int n, DecisionGrid grid)
    : scenario_(scenario), extent_(extent), n_(n), grid_(std::move(grid)), work_([this] { return slice(); }) {}

bool DecisionRegionJob::slice() {
  const auto t0 = std::chrono::steady_clock::now();
  output_ = &grid_.evaluate(scenario_, extent_, n_);
  milliseconds_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return false;  // one pass: done
}

DecisionGrid DecisionRegionJob::take_grid() {
  work_.join();
  output_ = nullptr;  // it lived in the grid's buffers
  return std::move(grid_);
}

}  // namespace bpv
