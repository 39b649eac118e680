// The gradient check run beside the UI, started and polled like the training
// job: on a worker thread on the desktop, in slices between frames in the
// browser (background_work.hpp). A 784-128-64-10 net takes seconds; dropping
// the job stops it within one parameter, so the app never waits for it to
// close or to check newer weights.
#pragma once
#include <atomic>
#include <cstddef>

#include "engine/background_work.hpp"
#include "engine/gradcheck.hpp"

namespace bpv {

class GradCheckJob {
 public:
  explicit GradCheckJob(const Scenario& scenario, std::size_t max_parameters = kGradCheckMaxParameters);
  ~GradCheckJob() = default;  // cancels, and waits for at most one parameter's check
  GradCheckJob(const GradCheckJob&) = delete;
  GradCheckJob& operator=(const GradCheckJob&) = delete;

  const Scenario& scenario() const { return scenario_; }  // what is checked
  bool ready() const { return work_.finished(); }
  // Parameters checked over the subset's size, in [0, 1].
  double progress() const;
  // Only once ready(): the result, its per-parameter maps, the seconds it took.
  const GradCheckResult& result() const { return checker_.result(); }
  const GradCheckMaps& maps() const { return maps_; }
  double seconds() const { return seconds_; }

 private:
  bool slice();
  Scenario scenario_;
  GradChecker checker_;
  GradCheckMaps maps_;
  double seconds_ = 0.0;
  double started_ = 0.0;  // steady clock, seconds
  std::atomic<std::size_t> checked_{0};
  BackgroundWork work_;  // last: it starts once everything above exists
};

}  // namespace bpv
