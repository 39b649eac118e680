#include "compare.hpp"

#include <algorithm>
#include <cmath>

#include "optimizer.hpp"
#include "train.hpp"

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
    : start_(start), runs_(std::move(runs)), steps_(std::max(0, steps)), curves_(runs_.size()) {
  worker_ = std::thread([this] {
    for (std::size_t r = 0; r < runs_.size() && !cancel_.load(std::memory_order_relaxed); ++r) {
      Trainer trainer(with_fresh_optimizer(start_, runs_[r].spec));
      std::vector<double>& curve = curves_[r];
      curve.reserve(static_cast<std::size_t>(steps_));
      for (int s = 0; s < steps_ && !cancel_.load(std::memory_order_relaxed); ++s) {
        curve.push_back(trainer.step());
        done_.fetch_add(1, std::memory_order_relaxed);
        if (!std::isfinite(curve.back())) {  // diverged: the rest of the curve would be NaN
          done_.fetch_add(steps_ - s - 1, std::memory_order_relaxed);
          break;
        }
      }
    }
    finished_.store(true, std::memory_order_release);
  });
}

CompareJob::~CompareJob() {
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
}

double CompareJob::progress() const {
  const double total = static_cast<double>(runs_.size()) * steps_;
  return total > 0 ? std::min(1.0, static_cast<double>(done_.load()) / total) : 1.0;
}

}  // namespace bpv
