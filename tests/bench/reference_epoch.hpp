// One epoch of a data set with mini-batches, two ways:
//   EngineEpoch     Trainer::step() once per mini-batch (the fast path: the
//                   mini-batch op gathers the rows, progress moves on)
//   ReferenceEpoch  a hand-written loop: gather the batch's rows into the
//                   reference's x and y, then ReferenceMlp::step()
// Both take the rows in the order formats.md §5 defines (bpv::epoch_order,
// drawn once per epoch by each), so they learn from the same batches in the
// same order; epoch_disagreement() checks that they compute the same losses.
#pragma once
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/batching.hpp"
#include "reference_mlp.hpp"
#include "engine/scenario.hpp"
#include "formats/scenario_io.hpp"
#include "engine/train.hpp"

namespace bpv::bench {

// TensorFlow Playground's default task as the app ships it: spiral, 500
// points, half kept for testing, 2-8-8-8-8-8-8-1 tanh, squared error, batches
// of 10 shuffled, learning rate 0.03 (tests/bench/test_reference_epoch.cpp
// checks the file says so).
inline Scenario spiral_scenario() { return load_scenario(std::string(BPV_ASSETS_DIR) + "/scenarios/spiral.json"); }

class EngineEpoch {
 public:
  explicit EngineEpoch(const Scenario& s)
      : trainer_(s), steps_(steps_per_epoch(s.train_rows(), s.data.batching)) {}

  // One epoch; returns the mean of its steps' losses.
  double step() {
    double sum = 0.0;
    for (long long k = 0; k < steps_; ++k) sum += trainer_.step();
    return sum / static_cast<double>(steps_);
  }
  long long steps() const { return steps_; }
  const Trainer& trainer() const { return trainer_; }

 private:
  Trainer trainer_;
  long long steps_;
};

class ReferenceEpoch {
 public:
  explicit ReferenceEpoch(const Scenario& s)
      : mlp_(s), raw_(s.data.train_raw), targets_(s.data.train_targets), batching_(s.data.batching),
        epoch_(s.progress.epoch) {
    if (!s.data.features.empty()) throw std::invalid_argument("reference epoch: raw inputs only, no features");
    if (!batching_ || raw_.rows() % batching_->size != 0 || s.progress.step_in_epoch != 0)
      throw std::invalid_argument("reference epoch: whole batches from an epoch's start");
    step_losses_.resize(static_cast<std::size_t>(raw_.rows() / batching_->size));
  }

  // One epoch; returns the mean of its steps' losses.
  double step() {
    epoch_order(static_cast<int>(raw_.rows()), batching_, epoch_++, order_);
    const int batch = batching_->size;
    MatrixXd& x = mlp_.inputs();
    MatrixXd& y = mlp_.targets();
    double sum = 0.0;
    for (std::size_t k = 0; k < step_losses_.size(); ++k) {
      for (int r = 0; r < batch; ++r) {
        const int row = order_[k * batch + r];
        x.row(r) = raw_.row(row);
        y.row(r) = targets_.row(row);
      }
      step_losses_[k] = mlp_.step();
      sum += step_losses_[k];
    }
    return sum / static_cast<double>(step_losses_.size());
  }
  // The losses of the last epoch's steps, in order.
  const std::vector<double>& step_losses() const { return step_losses_; }
  const ReferenceMlp& mlp() const { return mlp_; }

  // For the agreement test's check that it notices a wrong order: every
  // epoch in file order instead.
  void use_file_order() { batching_->shuffle = false; }

 private:
  ReferenceMlp mlp_;
  MatrixXd raw_, targets_;
  std::optional<Batching> batching_;
  long long epoch_;
  std::vector<int> order_;
  std::vector<double> step_losses_;
};

// The largest relative difference over `epochs` epochs of every step's loss,
// and of the weights and biases after them: |engine − ref| / max|ref|.
inline double epoch_disagreement(const Scenario& s, int epochs, bool reference_in_file_order = false) {
  Trainer engine(s);
  ReferenceEpoch reference(s);
  if (reference_in_file_order) reference.use_file_order();
  double worst = 0.0;
  auto relative = [](const MatrixXd& e, const MatrixXd& r) {
    return (e - r).cwiseAbs().maxCoeff() / std::max(r.cwiseAbs().maxCoeff(), 1e-300);
  };
  for (int e = 0; e < epochs; ++e) {
    reference.step();
    for (double ref_loss : reference.step_losses()) {
      const double engine_loss = engine.step();
      worst = std::max(worst, std::abs(engine_loss - ref_loss) / std::max(std::abs(ref_loss), 1e-300));
    }
  }
  for (std::size_t i = 0; i < reference.mlp().layer_count(); ++i) {
    const Layer& layer = engine.scenario().layers[i];
    worst = std::max({worst, relative(layer.weights, reference.mlp().weights(i)),
                      relative(layer.bias, reference.mlp().bias(i))});
  }
  return worst;
}

}  // namespace bpv::bench
