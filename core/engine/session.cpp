#include "engine/session.hpp"

#include <cmath>
#include <mutex>

#include "engine/background_work.hpp"
#include "engine/edits_json.hpp"
#include "engine/evaluate.hpp"
#include "engine/scenario_compare.hpp"
#include "formats/scenario_io.hpp"
#include "engine/train.hpp"

namespace bpv {

std::uint64_t Session::next_revision() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}


namespace {

// Whether the epoch-end losses are kept: a data set with a test set to compare.
bool keeps_epoch_losses(const Scenario& sc) { return sc.data.active() && sc.data.has_test_set(); }

// The losses (and a classifier's accuracies) of the two sets at an epoch's end.
EpochLoss epoch_end(std::size_t step, const Scenario& after, SetEvaluator& train_set, SetEvaluator& test_set,
                    const Classifier& classifier) {
  EpochLoss e{step, after.progress.epoch - 1, train_set.data_loss(after), test_set.data_loss(after)};
  if (classifier.active) {  // from the outputs data_loss() just computed
    e.train_accuracy = train_set.accuracy(classifier);
    e.test_accuracy = test_set.accuracy(classifier);
  }
  return e;
}

// The step just done ended an epoch: progress now points at the next one's start.
bool epoch_just_ended(const Scenario& sc) { return sc.progress.step_in_epoch == 0 && sc.progress.step > 0; }

}  // namespace

// Trains a copy of the scenario beside the UI (background_work.hpp: a worker
// thread, or slices between frames in the browser); the session keeps
// serving the UI meanwhile and swaps the result in when poll() sees it
// finished.
struct Session::TrainingJob {
  Scenario result;
  std::vector<double> losses;
  std::vector<EpochLoss> epoch_losses;  // step: counted from the job's first step
  int steps = 0;
  std::atomic<int> done{0};
  // The weights mid-run, copied by the worker when the UI asks (one relaxed
  // load per step otherwise), read by the UI under the mutex.
  std::atomic<bool> snapshot_wanted{false};
  std::mutex snapshot_mutex;
  Scenario snapshot;  // sized like the start before the worker runs
  int snapshot_steps = 0;
  double snapshot_loss = 0.0;
  Trainer trainer;
  // Built once for the job: no allocation per epoch (evaluate.hpp).
  std::unique_ptr<SetEvaluator> train_set, test_set;
  Classifier classifier;
  BackgroundWork work;  // last: it starts once everything above exists


  TrainingJob(const Scenario& start, int n)
      : result(start), losses(n), steps(n), snapshot(start), trainer(start),
        train_set(keeps_epoch_losses(start)
                      ? std::make_unique<SetEvaluator>(start, training_raw(start), training_targets(start))
                      : nullptr),
        test_set(keeps_epoch_losses(start)
                     ? std::make_unique<SetEvaluator>(start, start.data.test_raw, start.data.test_targets)
                     : nullptr),
        classifier(classifier_of(start)),
        work([this] { return step(); }) {}

  // One training step; false once the job is done (all steps, or a diverged loss).
  bool step() {
    const int s = done.load(std::memory_order_relaxed);
    if (s >= steps || work.cancelled()) return finish(s);
    losses[s] = trainer.step();
    if (train_set && epoch_just_ended(trainer.scenario()))
      epoch_losses.push_back(
          epoch_end(static_cast<std::size_t>(s + 1), trainer.scenario(), *train_set, *test_set, classifier));
    done.store(s + 1, std::memory_order_relaxed);
    if (snapshot_wanted.load(std::memory_order_relaxed)) {
      std::lock_guard<std::mutex> lock(snapshot_mutex);
      for (std::size_t k = 0; k < snapshot.layers.size(); ++k) {
        snapshot.layers[k].weights = trainer.scenario().layers[k].weights;
        snapshot.layers[k].bias = trainer.scenario().layers[k].bias;
      }
      snapshot_steps = s + 1;
      snapshot_loss = losses[s];
      snapshot_wanted.store(false, std::memory_order_relaxed);
    }
    // Diverged: keep what happened, the stepper will name the op.
    if (!std::isfinite(losses[s]) || s + 1 >= steps) return finish(s + 1);
    return true;
  }

  bool finish(int steps_done) {
    losses.resize(steps_done);
    result = trainer.scenario();
    return false;
  }
};

Session::Session(Scenario scenario, std::string path)
    : stepper_(std::move(scenario)), path_(std::move(path)) {}

Session::Session(Scenario scenario, std::string path, SessionRestore restored)
    : stepper_(std::move(scenario)),
      path_(std::move(path)),
      loss_history_(std::move(restored.loss_history)),
      epoch_losses_(std::move(restored.epoch_losses)),
      modified_(restored.modified) {}

Session::~Session() = default;

double Session::training_progress() const {
  return job_ ? static_cast<double>(job_->done.load()) / std::max(1, job_->steps) : 0.0;
}

int Session::training_snapshot(Scenario& into, double* loss) const {
  if (!job_) return 0;
  int steps = 0;
  {
    std::lock_guard<std::mutex> lock(job_->snapshot_mutex);
    const Scenario& snap = job_->snapshot;
    if (job_->snapshot_steps > 0 && into.layers.size() == snap.layers.size()) {
      for (std::size_t k = 0; k < snap.layers.size(); ++k) {
        into.layers[k].weights = snap.layers[k].weights;
        into.layers[k].bias = snap.layers[k].bias;
      }
      steps = job_->snapshot_steps;
      if (loss) *loss = job_->snapshot_loss;
    }
  }
  job_->snapshot_wanted.store(true, std::memory_order_relaxed);
  return steps;
}

void Session::finish_step() {
  loss_history_.push_back(stepper_.state().loss_value());
  stepper_.begin_next_step();
  const Scenario& next = stepper_.scenario();  // the weights after the step, progress moved on
  if (keeps_epoch_losses(next) && epoch_just_ended(next)) {
    SetEvaluator train_set(next, training_raw(next), training_targets(next));
    SetEvaluator test_set(next, next.data.test_raw, next.data.test_targets);
    epoch_losses_.push_back(epoch_end(loss_history_.size(), next, train_set, test_set, classifier_of(next)));
  }
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
          // Undoable like an edit: the record keeps both networks.
          UndoRecord r;
          r.label = "open " + (c.path.empty() ? c.scenario.name : c.path);
          r.before = std::make_shared<const Scenario>(stepper_.scenario());
          r.after = std::make_shared<const Scenario>(c.scenario);
          r.cursor_before = stepper_.cursor();
          r.is_load = true;
          r.path_before = path_;
          r.path_after = c.path;
          stepper_ = Stepper(c.scenario);
          path_ = c.path;
          loss_history_.clear();
          epoch_losses_.clear();
          last_change_ = {};
          push_undo(std::move(r));
          modified_ = false;
        } else if constexpr (std::is_same_v<T, command::TrainSteps>) {
          if (c.steps < 1) refused = "train at least one step";
          else job_ = std::make_unique<TrainingJob>(stepper_.scenario(), c.steps);
        } else if constexpr (std::is_same_v<T, command::CancelTraining>) {
          if (job_) job_->work.cancel();
        } else if constexpr (std::is_same_v<T, command::ApplyEdit>) {
          refused = edit(c.edit);
        } else if constexpr (std::is_same_v<T, command::Undo>) {
          if (undo_.empty()) refused = "nothing to undo";
          else undo_or_redo(true);
        } else if constexpr (std::is_same_v<T, command::Redo>) {
          if (redo_.empty()) refused = "nothing to redo";
          else undo_or_redo(false);
        } else if constexpr (std::is_same_v<T, command::MarkSaved>) {
          mark_saved(c.path);
        }
      },
      cmd);
  if (refused.empty()) revision_ = next_revision();
  return refused;
}

namespace {

// Element-wise "differs" of two same-shaped matrices, or'ed into flags by column.
void or_columns(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, std::vector<char>& flags) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return;
  for (Eigen::Index c = 0; c < a.cols(); ++c)
    for (Eigen::Index r = 0; r < a.rows(); ++r)
      if (a(r, c) != b(r, c)) flags[c] = 1;
}

ChangeMask compare(const PassState& before, const PassState& after) {
  ChangeMask m;
  const Scenario& sa = before.scenario;
  const Scenario& sb = after.scenario;
  const int L = sb.layer_count();
  m.neurons.resize(L + 1);
  m.neurons[0].assign(sb.input_size, 0);
  or_columns(sa.inputs, sb.inputs, m.neurons[0]);
  for (int l = 1; l <= L; ++l) {
    std::vector<char>& flags = m.neurons[l];
    flags.assign(sb.width(l), 0);
    const LayerState& x = before.layers[l - 1];
    const LayerState& y = after.layers[l - 1];
    or_columns(x.pre_activation, y.pre_activation, flags);
    or_columns(x.activation, y.activation, flags);
    or_columns(x.grad_activation, y.grad_activation, flags);
    or_columns(x.delta, y.delta, flags);
    or_columns(x.grad_bias, y.grad_bias, flags);
    or_columns(sa.layers[l - 1].bias, sb.layers[l - 1].bias, flags);
    if (l == L) or_columns(sa.targets, sb.targets, flags);
    m.weights.push_back((sa.layers[l - 1].weights.array() != sb.layers[l - 1].weights.array() ||
                         x.grad_weights.array() != y.grad_weights.array())
                            .cast<char>());
  }
  m.loss = before.loss(0, 0) != after.loss(0, 0);
  return m;
}

}  // namespace

void Session::replace_start(const Scenario& scenario, std::size_t cursor) {
  const bool comparable = same_shape(stepper_.scenario(), scenario);
  if (comparable) state_before_edit_ = stepper_.state();  // reuses its buffers
  stepper_.replace_scenario(scenario);
  stepper_.jump_to(cursor);
  last_change_ = comparable ? compare(state_before_edit_, stepper_.state()) : ChangeMask{};
  last_change_.revision = revision_ + 1;  // apply() bumps the revision next
}

std::string Session::edit(const Edit& e) {
  const Scenario& current = stepper_.scenario();
  Scenario& next = edit_scratch_;
  next = current;  // into the scratch's storage: no allocation for a value edit
  std::string refused = apply_edit(next, e);
  if (!refused.empty()) return refused;
  UndoRecord r;
  r.label = edit_label(current, e);
  r.edit = e;
  r.value_edit = is_value_edit(e);
  if (r.value_edit) {
    r.old_value = edited_value(current, e);  // indices checked by apply_edit above
  } else {
    r.before = std::make_shared<const Scenario>(current);
    r.after = std::make_shared<const Scenario>(next);
  }
  r.cursor_before = stepper_.cursor();
  // An edit can change the op list (an optimizer, a regularization, a layer):
  // the cursor keeps its place, clamped, except that a finished step stays
  // finished, so the updated weights are still what is shown.
  replace_start(next, stepper_.at_end() ? kEndOfStep : stepper_.cursor());
  r.cursor_after = stepper_.cursor();
  push_undo(std::move(r));
  modified_ = true;
  return "";
}

// A value edit with its value swapped: how a value edit is undone.
static Edit with_value(Edit e, double v) {
  std::visit([v](auto& x) {
    if constexpr (requires { x.value; }) {
      if constexpr (std::is_same_v<decltype(x.value), double>) x.value = v;
    }
  }, e);
  return e;
}

void Session::undo_or_redo(bool undo) {
  std::vector<UndoRecord>& from = undo ? undo_ : redo_;
  std::vector<UndoRecord>& to = undo ? redo_ : undo_;
  UndoRecord r = std::move(from.back());
  from.pop_back();
  Scenario& next = edit_scratch_;
  if (r.value_edit) {
    next = stepper_.scenario();
    apply_edit(next, undo ? with_value(r.edit, r.old_value) : r.edit);
  } else {
    next = undo ? *r.before : *r.after;
  }
  if (same_shape(stepper_.scenario(), next) || r.value_edit) {
    // Where the edit moved the cursor (a shorter op list, the end of a longer
    // one) and it has not moved since, undo and redo move it back too.
    const std::size_t left_at = undo ? r.cursor_after : r.cursor_before;
    const std::size_t back_to = undo ? r.cursor_before : r.cursor_after;
    replace_start(next, !r.value_edit && stepper_.cursor() == left_at ? back_to : stepper_.cursor());
  } else {
    stepper_ = Stepper(next);
    stepper_.jump_to(undo ? r.cursor_before : r.cursor_after);
    last_change_ = {};
  }
  // Undoing an Open returns to the file before it, so Save cannot write the
  // old network over the newly opened file.
  if (r.is_load) path_ = undo ? r.path_before : r.path_after;
  to.push_back(std::move(r));
  modified_ = true;
}

// A new change: the redo history is gone, and the oldest records go while the
// history is over its limit (the newest change always stays undoable). Only a
// snapshot record can add much, so only then is the history measured.
void Session::push_undo(UndoRecord record) {
  const bool snapshot = !record.value_edit;
  undo_.push_back(std::move(record));
  redo_.clear();
  std::size_t drop = undo_.size() > kMaxUndoRecords ? undo_.size() - kMaxUndoRecords : 0;
  if (snapshot) {
    std::size_t bytes = history_bytes();
    while (bytes > history_limit_ && drop + 1 < undo_.size()) bytes -= record_bytes(undo_[drop++]);
  }
  undo_.erase(undo_.begin(), undo_.begin() + static_cast<std::ptrdiff_t>(drop));
}

std::size_t Session::record_bytes(const UndoRecord& r) {
  auto scenario_bytes = [](const Scenario& s) {
    std::size_t n = static_cast<std::size_t>(s.inputs.size() + s.targets.size());
    for (const Layer& l : s.layers) n += static_cast<std::size_t>(l.weights.size() + l.bias.size());
    return n * sizeof(double) + sizeof(Scenario);
  };
  std::size_t bytes = sizeof(UndoRecord) + r.label.capacity();
  // A snapshot shared by neighbouring records is counted once per record: an upper bound.
  if (r.before) bytes += scenario_bytes(*r.before);
  if (r.after) bytes += scenario_bytes(*r.after);
  return bytes;
}

std::size_t Session::history_bytes() const {
  std::size_t bytes = 0;
  for (const auto* stack : {&undo_, &redo_})
    for (const UndoRecord& r : *stack) bytes += record_bytes(r);
  return bytes;
}

nlohmann::json Session::history_json() const {
  auto records = [](const std::vector<UndoRecord>& stack) {
    nlohmann::json out = nlohmann::json::array();
    for (const UndoRecord& r : stack) {
      nlohmann::json j{{"label", r.label},           {"edit", edit_to_json(r.edit)},
                       {"value_edit", r.value_edit}, {"old_value", r.old_value},
                       {"cursor_before", r.cursor_before}, {"cursor_after", r.cursor_after},
                       {"is_load", r.is_load},       {"path_before", r.path_before},
                       {"path_after", r.path_after}};
      if (r.before) j["before"] = scenario_to_json(*r.before);
      if (r.after) j["after"] = scenario_to_json(*r.after);
      out.push_back(std::move(j));
    }
    return out;
  };
  return {{"undo", records(undo_)}, {"redo", records(redo_)}};
}

std::string Session::restore_history(const nlohmann::json& history) {
  std::vector<UndoRecord> stacks[2];
  try {
    const char* names[2] = {"undo", "redo"};
    for (int k = 0; k < 2; ++k) {
      for (const nlohmann::json& j : history.at(names[k])) {
        UndoRecord r;
        r.label = j.at("label").get<std::string>();
        r.edit = edit_from_json(j.at("edit"));
        r.value_edit = j.at("value_edit").get<bool>();
        r.old_value = j.at("old_value").get<double>();
        r.cursor_before = j.at("cursor_before").get<std::size_t>();
        r.cursor_after = j.at("cursor_after").get<std::size_t>();
        r.is_load = j.at("is_load").get<bool>();
        r.path_before = j.at("path_before").get<std::string>();
        r.path_after = j.at("path_after").get<std::string>();
        if (!r.value_edit) {
          r.before = std::make_shared<const Scenario>(parse_scenario(j.at("before").dump(), "history"));
          r.after = std::make_shared<const Scenario>(parse_scenario(j.at("after").dump(), "history"));
        }
        stacks[k].push_back(std::move(r));
      }
    }
  } catch (const std::exception& e) {
    return std::string("the undo history was not restored: ") + e.what();
  }
  undo_ = std::move(stacks[0]);
  redo_ = std::move(stacks[1]);
  return "";
}

void Session::poll() {
  if (!job_ || !job_->work.finished()) return;
  job_->work.join();
  const std::size_t cursor = stepper_.cursor();
  for (EpochLoss e : job_->epoch_losses) {
    e.step += loss_history_.size();
    epoch_losses_.push_back(e);
  }
  loss_history_.insert(loss_history_.end(), job_->losses.begin(), job_->losses.end());
  stepper_.replace_scenario(std::move(job_->result));
  stepper_.jump_to(cursor);
  job_.reset();
  revision_ = next_revision();
}

}  // namespace bpv
