// The engine as the app sees it: a Stepper, the loss history, a background
// training job, and one way in for every change — apply(Command). The UI
// queues commands and draws what the session publishes; it never writes
// engine state itself (docs/architecture.md).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "stepper.hpp"

namespace bpv {

namespace command {
struct StepForward {};    // at the end of a step: begins the next training step
struct StepBack {};
struct JumpTo { std::size_t op; };
struct RunToPhaseEnd {};  // apply ops while they share the next op's phase
struct RunToEnd {};
struct Reset {};          // back to op 0 of this training step
struct NextTrainingStep {};
struct LoadScenario { Scenario scenario; std::string path; };
struct TrainSteps { int steps; };  // runs on a worker thread through the fast path
struct CancelTraining {};
}  // namespace command

using Command =
    std::variant<command::StepForward, command::StepBack, command::JumpTo, command::RunToPhaseEnd,
                 command::RunToEnd, command::Reset, command::NextTrainingStep,
                 command::LoadScenario, command::TrainSteps, command::CancelTraining>;

class Session {
 public:
  explicit Session(Scenario scenario, std::string path = "");
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Applies one command. Returns "" when applied, else why it was refused
  // (nothing changes then).
  std::string apply(const Command& command);
  // Once a frame: takes in a finished training job.
  void poll();

  const Stepper& stepper() const { return stepper_; }
  const Scenario& scenario() const { return stepper_.scenario(); }
  const std::string& path() const { return path_; }
  // Loss of every completed training step, oldest first.
  const std::vector<double>& loss_history() const { return loss_history_; }
  // Training steps completed since the scenario was loaded.
  std::size_t training_step() const { return loss_history_.size(); }
  // Changes whenever anything published changes (for caches such as textures).
  std::uint64_t revision() const { return revision_; }

  bool training() const { return job_ != nullptr; }
  // Fraction done of the running job, 0 when none.
  double training_progress() const;

 private:
  struct TrainingJob;
  void finish_step();  // records the loss, starts the next step from the updated weights

  Stepper stepper_;
  std::string path_;
  std::vector<double> loss_history_;
  std::uint64_t revision_ = 1;
  std::unique_ptr<TrainingJob> job_;
};

}  // namespace bpv
