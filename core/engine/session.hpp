// The engine as the app sees it: a Stepper, the loss history, a background
// training job, and one way in for every change — apply(Command). The UI
// queues commands and draws what the session publishes; it never writes
// engine state itself (docs/architecture.md).
#pragma once
#include <limits>
#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "engine/edits.hpp"
#include "engine/stepper.hpp"

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
struct ApplyEdit { Edit edit; };  // undoable
struct Undo {};
struct Redo {};
// The app wrote the scenario to `path` (app/file_actions.cpp): it is now the
// session's file and nothing is unsaved. A command rather than a call from the
// UI, so "saved" changes the engine the same one way as everything else.
struct MarkSaved { std::string path; };
}  // namespace command

using Command =
    std::variant<command::StepForward, command::StepBack, command::JumpTo, command::RunToPhaseEnd,
                 command::RunToEnd, command::Reset, command::NextTrainingStep,
                 command::LoadScenario, command::TrainSteps, command::CancelTraining,
                 command::ApplyEdit, command::Undo, command::Redo, command::MarkSaved>;

// Which values an edit changed, for the UI to flash them: per layer l = 0..L,
// a flag per neuron (any of its z, a, ∂L/∂a, δ, b, ∂L/∂b, input or target
// changed) and per weight (W or ∂L/∂W changed). Empty after an edit that
// changed the architecture (then everything is new).
struct ChangeMask {
  std::uint64_t revision = 0;  // the session revision the edit produced
  std::vector<std::vector<char>> neurons;                                   // [l][j]
  std::vector<Eigen::Array<char, Eigen::Dynamic, Eigen::Dynamic>> weights;  // [l−1](i, j)
  bool loss = false;
  bool empty() const { return neurons.empty(); }
};

// The whole training set's and the test set's data loss (no penalty) with the
// weights after the last step of an epoch, as `train --csv` reports them.
struct EpochLoss {
  std::size_t step = 0;  // training steps completed then (1-based index into loss_history)
  long long epoch = 0;   // the epoch that ended (from 0)
  double train = 0.0, test = 0.0;
  // A classifier's accuracy on both sets then (evaluate.hpp); NaN for a
  // network that is not one.
  double train_accuracy = std::numeric_limits<double>::quiet_NaN();
  double test_accuracy = std::numeric_limits<double>::quiet_NaN();
};

// What the app brings back from its session file on start (app/app_session.hpp):
// the losses of the training steps already done (and of the epochs ended),
// and whether the scenario had unsaved edits (so quitting asks again).
struct SessionRestore {
  std::vector<double> loss_history;
  std::vector<EpochLoss> epoch_losses;
  bool modified = false;
};


class Session {
 public:
  explicit Session(Scenario scenario, std::string path = "");
  Session(Scenario scenario, std::string path, SessionRestore restored);
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
  // With a test set: one record per epoch completed since the load, oldest first.
  const std::vector<EpochLoss>& epoch_losses() const { return epoch_losses_; }
  // Training steps completed since the scenario was loaded.
  std::size_t training_step() const { return loss_history_.size(); }
  // Changes whenever anything published changes (for caches such as
  // textures), and is never the same in two sessions of one process: a cache
  // keyed by it alone knows a newly opened file from the old one.
  std::uint64_t revision() const { return revision_; }

  bool training() const { return job_ != nullptr; }
  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  // "W²₁₃ = 0.5", for the Edit menu; "" when there is nothing to undo/redo.
  std::string undo_label() const { return undo_.empty() ? "" : undo_.back().label; }
  std::string redo_label() const { return redo_.empty() ? "" : redo_.back().label; }
  // Edits applied since the last load or save (the app asks before discarding them).
  bool modified() const { return modified_; }
  void mark_saved(std::string path) { path_ = std::move(path); modified_ = false; }
  const ChangeMask& last_change() const { return last_change_; }
  // Approximate bytes held by the undo and redo history (an upper bound).
  std::size_t history_bytes() const;
  // The history is kept under this many bytes (and 100,000 records) by
  // forgetting the oldest changes: a lecture's worth of edits of a wide net
  // must not grow without bound. Default 256 MB.
  void set_history_limit(std::size_t bytes) { history_limit_ = bytes; }
  std::size_t undo_depth() const { return undo_.size(); }
  // The undo and redo history as JSON, so it outlives the app (session file),
  // and back. restore_history() returns "" or why the JSON was not taken
  // (then the history stays empty).
  nlohmann::json history_json() const;
  std::string restore_history(const nlohmann::json& history);
  // Fraction done of the running job, 0 when none.
  double training_progress() const;
  // While a job runs: its weights as of a recent step, for views that follow
  // the training (the decision region, ui/panels/insight_panel.cpp). Copies each
  // layer's W and b into `into` (which must have the scenario's shape; no
  // allocation then) and returns how many steps the job had done; 0 when no
  // job runs or no copy is ready yet. Every call asks the worker for a fresh
  // copy, which it makes after its current step.
  int training_snapshot(Scenario& into, double* loss = nullptr) const;

 private:
  struct TrainingJob;
  // One undoable change. A value edit keeps two numbers; anything else keeps
  // the start-of-step scenario before and after (shared, never copied again).
  struct UndoRecord {
    std::string label;
    Edit edit;                  // for a value edit: the edit with the new value
    double old_value = 0.0;     // for a value edit
    bool value_edit = false;
    std::shared_ptr<const Scenario> before, after;  // otherwise
    std::size_t cursor_before = 0, cursor_after = 0;  // an op list may shrink and grow back
    bool is_load = false;  // an Open: undo/redo also swap the file path
    std::string path_before, path_after;
  };
  static constexpr std::size_t kMaxUndoRecords = 100'000;
  void push_undo(UndoRecord record);
  static std::size_t record_bytes(const UndoRecord& r);
  void finish_step();  // records the loss, starts the next step from the updated weights
  std::string edit(const Edit& e);
  // Recomputes from `scenario` up to `cursor` (clamped to its op list) and records what changed.
  void replace_start(const Scenario& scenario, std::size_t cursor);
  static constexpr std::size_t kEndOfStep = static_cast<std::size_t>(-1);
  void undo_or_redo(bool undo);

  Stepper stepper_;
  std::string path_;
  std::vector<double> loss_history_;
  std::vector<EpochLoss> epoch_losses_;
  static std::uint64_t next_revision();  // process-wide, from 1
  std::uint64_t revision_ = next_revision();
  std::unique_ptr<TrainingJob> job_;
  std::vector<UndoRecord> undo_, redo_;
  std::size_t history_limit_ = std::size_t{256} << 20;
  bool modified_ = false;
  ChangeMask last_change_;
  // Scratch storage kept between edits so a weight edit of a wide net
  // allocates nothing: the edited copy, and the state before it (for the mask).
  Scenario edit_scratch_;
  PassState state_before_edit_;
};

}  // namespace bpv
