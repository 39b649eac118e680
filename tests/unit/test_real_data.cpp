// The real data sets (docs/data.md): scikit-learn's iris and digits, fetched
// by .ci/setup and imported by the build (app/CMakeLists.txt). They must be
// there: CI runs .ci/setup first, so a missing file is a set-up that failed.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "data/batching.hpp"
#include "engine/evaluate.hpp"
#include "formats/scenario_io.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

const std::string kRealData = BPV_REAL_DATA_DIR;

// The scenario, or a failure that says what to do.
Scenario real_scenario(const std::string& name) {
  const std::string path = kRealData + "/" + name + ".json";
  if (!std::filesystem::exists(path))
    throw std::runtime_error(path + " is missing: run .ci/setup (it fetches scikit-learn's iris and digits into "
                             "data/sklearn/), then configure and build again");
  return load_scenario(path);
}

struct Expected {
  const char* name;
  int inputs, outputs, train_rows, test_rows;
};

class RealData : public ::testing::TestWithParam<Expected> {};

TEST_P(RealData, LoadsWithTheRightShapeAndRowCounts) {
  const Expected e = GetParam();
  Scenario s;
  ASSERT_NO_THROW(s = real_scenario(e.name)) << [&] {
    try { real_scenario(e.name); } catch (const std::exception& x) { return std::string(x.what()); }
    return std::string();
  }();
  EXPECT_EQ(s.input_size, e.inputs);
  EXPECT_EQ(s.output_size(), e.outputs);
  EXPECT_EQ(s.data.train_rows(), e.train_rows);
  EXPECT_EQ(s.data.test_raw.rows(), e.test_rows);
  EXPECT_EQ(s.loss->name, "cross_entropy");
  ASSERT_TRUE(s.data.batching.has_value());
  EXPECT_LT(s.data.batching->size, e.train_rows);  // mini-batches, not the whole set
  // Every target row one-hot, and every class present in the training set.
  EXPECT_TRUE((s.data.train_targets.rowwise().sum().array() == 1.0).all());
  EXPECT_TRUE((s.data.train_targets.colwise().sum().array() > 0.0).all());
}

TEST_P(RealData, OneEpochOfTrainingLowersTheTestLoss) {
  const Expected e = GetParam();
  Scenario s;
  try {
    s = real_scenario(e.name);
  } catch (const std::exception& x) {
    FAIL() << x.what();
  }
  SetEvaluator test_set(s, s.data.test_raw, s.data.test_targets);
  const double before = test_set.data_loss(s);
  Trainer trainer(s);
  const long long steps = steps_per_epoch(s.train_rows(), s.data.batching);
  for (long long k = 0; k < steps; ++k) trainer.step();
  EXPECT_EQ(trainer.scenario().progress.epoch, 1);
  const double after = test_set.data_loss(trainer.scenario());
  std::printf("%s: test loss %.4f before, %.4f after one epoch (%lld steps)\n", e.name, before, after, steps);
  EXPECT_LT(after, 0.9 * before) << e.name << ": test loss " << before << " before, " << after << " after one epoch";
}

INSTANTIATE_TEST_SUITE_P(SklearnData, RealData,
                         ::testing::Values(Expected{"iris", 4, 3, 120, 30}, Expected{"digits", 64, 10, 1438, 359}),
                         [](const auto& info) { return std::string(info.param.name); });

// The digits scenario, or the test fails saying why (set-up not run).
void load_digits(Scenario& s) {
  try {
    s = real_scenario("digits");
  } catch (const std::exception& x) {
    FAIL() << x.what();
  }
}

TEST(RealDataDigits, PixelsAreScaledToZeroToOne) {
  Scenario s;
  load_digits(s);
  if (HasFatalFailure()) return;
  EXPECT_GE(s.data.train_raw.minCoeff(), 0.0);
  EXPECT_DOUBLE_EQ(s.data.train_raw.maxCoeff(), 1.0);
}

TEST(RealDataDigits, TheInputsAreAnEightByEightImage) {
  Scenario s;
  load_digits(s);
  if (HasFatalFailure()) return;
  EXPECT_TRUE(s.image_input());
  EXPECT_EQ(s.input_shape, (std::vector<int>{8, 8}));
}

}  // namespace
}  // namespace bpv
