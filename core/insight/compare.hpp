// The same network and data trained with several optimizers side by side:
// the loss curves of the comparison view (ui/panels/compare_panel.cpp). Each run is
// exactly `backprop-viz train` of the scenario with that optimizer, from zero
// optimizer state (t = 0), for the same number of steps. The runs go on one
// worker thread (in the browser: in slices between frames, see
// background_work.hpp); the owner asks ready() and reads the curves once it is.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/background_work.hpp"
#include "engine/train.hpp"

#include "engine/scenario.hpp"

namespace bpv {

struct CompareRun {
  std::string label;  // "sgd", "sgd μ = 0.9", "adam", …
  OptimizerSpec spec;
};

// What the view offers: plain SGD, SGD with momentum 0.9, RMSprop, Adam,
// AdamW, each at PyTorch's defaults.
std::vector<CompareRun> compare_candidates();

// `start` with `spec` as its optimizer and zero optimizer state: where each
// run begins (the learning rate and everything else as in `start`).
Scenario with_fresh_optimizer(const Scenario& start, const OptimizerSpec& spec);

// The loss of each training step of each run. A run that diverges (a
// non-finite loss) stops there, its curve shorter than the others.
class CompareJob {
 public:
  CompareJob(const Scenario& start, std::vector<CompareRun> runs, int steps);
  ~CompareJob() = default;  // cancels a job still running, and waits for its thread
  CompareJob(const CompareJob&) = delete;
  CompareJob& operator=(const CompareJob&) = delete;

  bool ready() const { return work_.finished(); }
  // Steps done over steps asked for, all runs together, in [0, 1].
  double progress() const;
  const std::vector<CompareRun>& runs() const { return runs_; }
  int steps() const { return steps_; }
  // curves()[r][s]: run r's loss at step s (before that step's update). Only once ready().
  const std::vector<std::vector<double>>& curves() const { return curves_; }

 private:
  Scenario start_;
  std::vector<CompareRun> runs_;
  int steps_;
  std::vector<std::vector<double>> curves_;
  bool step();  // one training step of the current run; false when all are done
  std::atomic<long long> done_{0};
  std::size_t run_ = 0;             // the run being trained
  std::optional<Trainer> trainer_;  // its trainer
  BackgroundWork work_;  // last: it starts once everything above exists
};

}  // namespace bpv
