#include "insight/compare.hpp"

#include <algorithm>
#include <cmath>

#include "optimizers/optimizer.hpp"
#include "engine/train.hpp"

namespace bpv {

std::vector<CompareRun> compare_candidates() {
  OptimizerSpec momentum = default_spec(*find_optimizer("sgd"));
  momentum.momentum = 0.9;
  return {
      {"sgd", OptimizerSpec{}},
      {"sgd μ = 0.9", momentum},
      {"rmsprop", default_spec(*find_optimizer("rmsprop"))},
      {"adam", default_spec(*find_optimizer("adam"))},
      {"adamw", default_spec(*find_optimizer("adamw"))},
  };
}

Scenario with_fresh_optimizer(const Scenario& start, const OptimizerSpec& spec) {
  Scenario sc = start;
  sc.optimizer = file_spec(spec);
  sc.optimizer_state = OptimizerState{};
  conform_optimizer_state(sc);
  return sc;
}

CompareJob::CompareJob(const Scenario& start, std::vector<CompareRun> runs, int steps)
    : start_(start),
      runs_(std::move(runs)),
      steps_(std::max(0, steps)),
      curves_(runs_.size()),
      work_([this] { return step(); }) {}

bool CompareJob::step() {
  while (run_ < runs_.size() && !work_.cancelled()) {
    std::vector<double>& curve = curves_[run_];
    if (!trainer_) {
      trainer_.emplace(with_fresh_optimizer(start_, runs_[run_].spec));
      curve.reserve(static_cast<std::size_t>(steps_));
    }
    const int s = static_cast<int>(curve.size());
    if (s < steps_) {
      curve.push_back(trainer_->step());
      done_.fetch_add(1, std::memory_order_relaxed);
      if (std::isfinite(curve.back())) return true;
      done_.fetch_add(steps_ - s - 1, std::memory_order_relaxed);  // diverged: the rest of the curve would be NaN
    }
    trainer_.reset();  // this run is done: the next one
    ++run_;
  }
  return false;
}

double CompareJob::progress() const {
  const double total = static_cast<double>(runs_.size()) * steps_;
  return total > 0 ? std::min(1.0, static_cast<double>(done_.load()) / total) : 1.0;
}

}  // namespace bpv
