// The comparison view's job (core/insight/compare.hpp): each curve is exactly what
// `backprop-viz train` prints for a file with that optimizer, bit for bit.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "insight/compare.hpp"
#include "optimizers/optimizer.hpp"
#include "formats/scenario_io.hpp"
#include "test_helpers.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

void wait_for(const CompareJob& job) {
  for (int k = 0; k < 60000 && !job.ready(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(job.ready());
}

// The file `train` would read: the scenario's JSON with this optimizer in
// it, written the way formats.md §4 spells it, and no optimizer state.
Scenario file_with(const std::string& scenario_file, const OptimizerSpec& spec) {
  nlohmann::json j = nlohmann::json::parse(read_text_file(test::scenario_path(scenario_file)));
  j.erase("optimizer_state");
  if (spec.name.empty()) {
    j.erase("optimizer");
  } else {
    nlohmann::json o{{"name", spec.name}};
    for (const OptimizerField& f : find_optimizer(spec.name)->fields) {
      if (f.flag) o[std::string(f.name)] = spec.*f.flag;
      else o[std::string(f.name)] = spec.*f.number;
    }
    j["optimizer"] = o;
  }
  return parse_scenario(j.dump(), scenario_file);
}

// `train FILE --steps N`: the loss of each step from the fast path.
std::vector<double> train_losses(const Scenario& sc, int steps) {
  Trainer trainer(sc);
  std::vector<double> losses;
  for (int s = 0; s < steps; ++s) losses.push_back(trainer.step());
  return losses;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(Compare, EachCurveEqualsASeparateTrainRunOfThatOptimizerBitForBit) {
  for (const char* file : {"batch.json", "seed_adam.json", "xor.json"}) {
    SCOPED_TRACE(file);
    const std::vector<CompareRun> runs = compare_candidates();
    // The start has some other optimizer with trained state: every run starts fresh anyway.
    Scenario start = load_scenario(test::scenario_path(file));
    Trainer warm(start);
    for (int k = 0; k < 3; ++k) warm.step();
    Scenario trained_start = start;
    trained_start.optimizer_state = warm.scenario().optimizer_state;
    CompareJob job(trained_start, runs, 60);
    wait_for(job);
    ASSERT_EQ(job.curves().size(), runs.size());
    EXPECT_EQ(job.progress(), 1.0);
    for (std::size_t r = 0; r < runs.size(); ++r) {
      SCOPED_TRACE(runs[r].label);
      EXPECT_TRUE(same_bits(job.curves()[r], train_losses(file_with(file, runs[r].spec), 60)));
    }
    // The runs differ from each other: the comparison shows something.
    EXPECT_FALSE(same_bits(job.curves()[0], job.curves()[3])) << "sgd and adam gave the same curve";
  }
}

TEST(Compare, TheCandidatesAreSgdMomentumRmspropAdamAndAdamw) {
  const std::vector<CompareRun> runs = compare_candidates();
  ASSERT_EQ(runs.size(), 5u);
  EXPECT_TRUE(is_plain_sgd(runs[0].spec));
  EXPECT_EQ(runs[1].spec.momentum, 0.9);
  EXPECT_EQ(runs[2].spec.name, "rmsprop");
  EXPECT_EQ(runs[3].spec, default_spec(*find_optimizer("adam")));
  EXPECT_EQ(runs[4].spec.name, "adamw");
  std::string field;
  for (const CompareRun& r : runs) EXPECT_EQ(optimizer_problem(r.spec, field), "") << r.label;
}

TEST(Compare, ADivergingRunStopsAtItsFirstNonFiniteLoss) {
  // Plain SGD on this file reaches ∞ in step 11 (`train` says so too).
  const Scenario sc = load_scenario(test::scenario_path("lr_too_large.json"));
  CompareJob job(sc, {compare_candidates()[0]}, 500);
  wait_for(job);
  const std::vector<double>& curve = job.curves()[0];
  ASSERT_FALSE(curve.empty());
  EXPECT_EQ(curve.size(), 11u);
  EXPECT_FALSE(std::isfinite(curve.back()));
  EXPECT_EQ(job.progress(), 1.0);
}

TEST(Compare, DestroyingARunningJobCancelsIt) {
  const Scenario sc = load_scenario(test::scenario_path("mnist_shaped.json"));
  const auto t0 = std::chrono::steady_clock::now();
  { CompareJob job(sc, compare_candidates(), 1000000); }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
}

}  // namespace
}  // namespace bpv
