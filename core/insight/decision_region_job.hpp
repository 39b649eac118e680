// The decision region computed beside the UI, started and polled like the
// gradient check: the network's output over an n × n grid of the input plane
// (decision_grid.hpp), on a worker thread on the desktop and as one slice
// between frames in the browser. The Insight panel keeps at most one running
// and takes the newest weights when it finishes, so a training run's region
// follows it without the grid pass ever sitting inside a frame.
#pragma once
#include <Eigen/Dense>

#include "engine/background_work.hpp"
#include "insight/decision_grid.hpp"
#include "engine/scenario.hpp"

namespace bpv {

class DecisionRegionJob {
 public:
  // `grid` brings its buffers (a grid that evaluated this size before
  // allocates nothing); take it back with take_grid() once ready.
  DecisionRegionJob(const Scenario& scenario, const PlaneExtent& extent, int n, DecisionGrid grid = {});
  ~DecisionRegionJob() = default;  // waits for the pass if it is running (about a millisecond)
  DecisionRegionJob(const DecisionRegionJob&) = delete;
  DecisionRegionJob& operator=(const DecisionRegionJob&) = delete;

  bool ready() const { return work_.finished(); }
  // The weights and the part of the plane it evaluated.
  const Scenario& scenario() const { return scenario_; }
  const PlaneExtent& extent() const { return extent_; }
  int resolution() const { return n_; }
  // Only once ready(): the output at the grid points (n² × outputs, row r·n + c)
  // and the milliseconds the pass took on the thread that ran it.
  const Eigen::MatrixXd& output() const { return *output_; }
  double milliseconds() const { return milliseconds_; }
  // Only once ready(): the grid and its buffers, for the next job. The
  // output lives in them: read it first.
  DecisionGrid take_grid();

 private:
  bool slice();
  Scenario scenario_;
  PlaneExtent extent_;
  int n_;
  DecisionGrid grid_;
  const Eigen::MatrixXd* output_ = nullptr;
  double milliseconds_ = 0.0;
  BackgroundWork work_;  // last: it starts once everything above exists
};

}  // namespace bpv
