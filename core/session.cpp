#include "session.hpp"

#include <cmath>

#include "train.hpp"

namespace bpv {

// Trains a copy of the scenario on a worker thread; the session keeps serving
// the UI meanwhile and swaps the result in when poll() sees it finished.
struct Session::TrainingJob {
  Scenario result;
  std::vector<double> losses;
  int steps = 0;
  std::atomic<int> done{0};
  std::atomic<bool> cancel{false};
  std::atomic<bool> finished{false};
  std::thread worker;

  TrainingJob(const Scenario& start, int n) : result(start), losses(n), steps(n) {
    worker = std::thread([this] {
      Trainer trainer(result);
      int s = 0;
      for (; s < steps && !cancel.load(std::memory_order_relaxed); ++s) {
        losses[s] = trainer.step();
        done.store(s + 1, std::memory_order_relaxed);
        if (!std::isfinite(losses[s])) {
          ++s;
          break;  // diverged: keep what happened, the stepper will name the op
        }
      }
      losses.resize(s);
      result = trainer.scenario();
      finished.store(true, std::memory_order_release);
    });
  }
  ~TrainingJob() {
    cancel = true;
    if (worker.joinable()) worker.join();
  }
};

Session::Session(Scenario scenario, std::string path)
    : stepper_(std::move(scenario)), path_(std::move(path)) {}

Session::~Session() = default;

double Session::training_progress() const {
  return job_ ? static_cast<double>(job_->done.load()) / std::max(1, job_->steps) : 0.0;
}

void Session::finish_step() {
  loss_history_.push_back(stepper_.state().loss_value());
  stepper_.begin_next_step();
}

std::string Session::apply(const Command& cmd) {
  const bool is_cancel = std::holds_alternative<command::CancelTraining>(cmd);
  if (job_ && !is_cancel) return "training is running; wait for it or cancel it";
  std::string refused;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, command::StepForward>) {
          if (stepper_.at_end()) finish_step();
          else stepper_.step_forward();
        } else if constexpr (std::is_same_v<T, command::StepBack>) {
          stepper_.step_back();
        } else if constexpr (std::is_same_v<T, command::JumpTo>) {
          stepper_.jump_to(c.op);
        } else if constexpr (std::is_same_v<T, command::RunToPhaseEnd>) {
          stepper_.run_to_phase_end();
        } else if constexpr (std::is_same_v<T, command::RunToEnd>) {
          stepper_.jump_to(stepper_.op_count());
        } else if constexpr (std::is_same_v<T, command::Reset>) {
          stepper_.reset();
        } else if constexpr (std::is_same_v<T, command::NextTrainingStep>) {
          stepper_.jump_to(stepper_.op_count());
          finish_step();
        } else if constexpr (std::is_same_v<T, command::LoadScenario>) {
          stepper_ = Stepper(c.scenario);
          path_ = c.path;
          loss_history_.clear();
        } else if constexpr (std::is_same_v<T, command::TrainSteps>) {
          if (c.steps < 1) refused = "train at least one step";
          else job_ = std::make_unique<TrainingJob>(stepper_.scenario(), c.steps);
        } else if constexpr (std::is_same_v<T, command::CancelTraining>) {
          if (job_) job_->cancel = true;
        }
      },
      cmd);
  if (refused.empty()) ++revision_;
  return refused;
}

void Session::poll() {
  if (!job_ || !job_->finished.load(std::memory_order_acquire)) return;
  job_->worker.join();
  const std::size_t cursor = stepper_.cursor();
  loss_history_.insert(loss_history_.end(), job_->losses.begin(), job_->losses.end());
  stepper_.replace_scenario(std::move(job_->result));
  stepper_.jump_to(cursor);
  job_.reset();
  ++revision_;
}

}  // namespace bpv
