// Zero heap allocations per fast-path training step after warm-up (issue 2 §3
// and §7), for every benchmark net.
//
// Method: this test binary links alloc_counter.c, which replaces malloc,
// calloc, realloc and the aligned allocators for the whole process and counts
// every call while armed (operator new and Eigen's aligned_malloc end in
// malloc, so they are counted too). Each test builds a Trainer, runs two
// warm-up steps, arms the counter, runs 100 steps and asserts the count is 0.
// Nothing else runs between arm and disarm. A first test proves the counter
// sees the kinds of allocation a step could make (Eigen, operator new, a
// std::vector), so a zero is not the counter missing them. The data-set tests
// warm up for a whole epoch instead and count over the epochs after it.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <memory>
#include <vector>

#include "alloc_counter.h"
#include "bench_nets.hpp"
#include "data/batching.hpp"
#include "optimizers/optimizer.hpp"
#include "formats/scenario_io.hpp"
#include "engine/train.hpp"

namespace {

constexpr int kWarmUpSteps = 2;
constexpr int kMeasuredSteps = 100;

// volatile: the compiler may not drop the allocations the sanity test makes.
volatile double sink;

TEST(AllocCounter, SeesEigenNewAndVectorAllocations) {
  alloc_counter_arm();
  {
    Eigen::MatrixXd m = Eigen::MatrixXd::Constant(64, 64, 1.0);
    sink = m.sum();
  }
  const std::size_t eigen = alloc_counter_disarm();
  EXPECT_GE(eigen, 1u);

  alloc_counter_arm();
  {
    auto p = std::make_unique<double[]>(1000);
    p[999] = 2.0;
    sink = p[999];
  }
  const std::size_t by_new = alloc_counter_disarm();
  EXPECT_GE(by_new, 1u);

  alloc_counter_arm();
  {
    std::vector<double> v;
    for (int i = 0; i < 100; ++i) v.push_back(i);
    sink = v.back();
  }
  const std::size_t by_vector = alloc_counter_disarm();
  EXPECT_GE(by_vector, 1u);

  // A matrix product too large for the stack buffer (core sets
  // EIGEN_STACK_ALLOCATION_LIMIT) must be seen to allocate its blocking buffers.
  const Eigen::MatrixXd a = Eigen::MatrixXd::Constant(1024, 1024, 1.0);
  const Eigen::MatrixXd b = Eigen::MatrixXd::Constant(1024, 1024, 1.0);
  Eigen::MatrixXd c(1024, 1024);
  alloc_counter_arm();
  c.noalias() = a * b;
  const std::size_t by_product = alloc_counter_disarm();
  sink = c(0, 0);
  EXPECT_GE(by_product, 1u);
}

std::size_t allocations_per_100_steps(const bpv::Scenario& scenario) {
  bpv::Trainer trainer(scenario);
  for (int i = 0; i < kWarmUpSteps; ++i) trainer.step();
  double loss_sum = 0.0;
  alloc_counter_arm();
  for (int i = 0; i < kMeasuredSteps; ++i) loss_sum += trainer.step();
  const std::size_t count = alloc_counter_disarm();
  sink = loss_sum;
  return count;
}

TEST(ZeroAllocation, SeedNetBatch1) {
  EXPECT_EQ(allocations_per_100_steps(bpv::seed_scenario()), 0u);
}

TEST(ZeroAllocation, DeepTanhNetBatch1) {
  EXPECT_EQ(allocations_per_100_steps(bpv::bench::n2_tanh_net(1)), 0u);
}

TEST(ZeroAllocation, DeepTanhNetBatch32) {
  EXPECT_EQ(allocations_per_100_steps(bpv::bench::n2_tanh_net(32)), 0u);
}

TEST(ZeroAllocation, MnistShapedNetBatch32) {
  EXPECT_EQ(allocations_per_100_steps(bpv::bench::n3_mnist_shaped_net(32)), 0u);
}

// Every optimizer, with L1 and L2 on: the state tensors are sized once (SGD's
// velocity on its first step, inside the warm-up) and updated in place.
bpv::Scenario with_optimizer(bpv::Scenario sc, const char* name, void (*set)(bpv::OptimizerSpec&)) {
  sc.optimizer = bpv::default_spec(*bpv::find_optimizer(name));
  set(sc.optimizer);
  sc.regularization = {0.001, 0.0005};
  return sc;
}

struct OptimizerCase {
  const char* label;
  const char* name;
  void (*set)(bpv::OptimizerSpec&);
};
const OptimizerCase kOptimizerCases[] = {
    {"sgd momentum", "sgd", [](bpv::OptimizerSpec& p) { p.momentum = 0.9; }},
    {"sgd nesterov", "sgd", [](bpv::OptimizerSpec& p) { p.momentum = 0.9; p.nesterov = true; }},
    {"rmsprop centered momentum", "rmsprop", [](bpv::OptimizerSpec& p) { p.centered = true; p.momentum = 0.5; }},
    {"rmsprop", "rmsprop", [](bpv::OptimizerSpec&) {}},
    {"adam", "adam", [](bpv::OptimizerSpec&) {}},
    {"adam amsgrad", "adam", [](bpv::OptimizerSpec& p) { p.amsgrad = true; }},
    {"adamw", "adamw", [](bpv::OptimizerSpec&) {}},
};

TEST(ZeroAllocation, EveryOptimizerWithRegularizationOnTheSeedAndTheDeepNet) {
  for (const OptimizerCase& c : kOptimizerCases) {
    EXPECT_EQ(allocations_per_100_steps(with_optimizer(bpv::seed_scenario(), c.name, c.set)), 0u) << c.label;
    EXPECT_EQ(allocations_per_100_steps(with_optimizer(bpv::bench::n2_tanh_net(32), c.name, c.set)), 0u) << c.label;
  }
}

TEST(ZeroAllocation, AdamOnTheMnistShapedNetBatch32) {
  EXPECT_EQ(allocations_per_100_steps(
                with_optimizer(bpv::bench::n3_mnist_shaped_net(32), "adam", [](bpv::OptimizerSpec&) {})),
            0u);
}

// A data set with mini-batches: every step gathers its rows, each epoch end
// draws a new shuffled order, and where the batch size does not divide N the
// short last batch changes the size of every B-row buffer and the next step
// changes it back. The first epoch is the warm-up (it meets both sizes); the
// next three epochs must allocate nothing.
struct EpochCount {
  std::size_t allocations = 0;
  long long epochs_crossed = 0;
  bool met_short_batch = false;
};

EpochCount allocations_over_3_epochs_after_the_first(const bpv::Scenario& scenario) {
  bpv::Trainer trainer(scenario);
  const long long per_epoch = bpv::steps_per_epoch(scenario.train_rows(), scenario.data.batching);
  for (long long i = 0; i < per_epoch; ++i) trainer.step();
  const long long first_epoch = trainer.scenario().progress.epoch;
  const int full = scenario.data.batching->size;
  EpochCount result;
  double loss_sum = 0.0;
  for (long long i = 0; i < 3 * per_epoch; ++i) {
    alloc_counter_arm();
    loss_sum += trainer.step();
    result.allocations += alloc_counter_disarm();
    // Read outside the armed span: the batch this step trained on.
    result.met_short_batch = result.met_short_batch || trainer.scenario().inputs.rows() < full;
  }
  result.epochs_crossed = trainer.scenario().progress.epoch - first_epoch;
  sink = loss_sum;
  return result;
}

bpv::Scenario spiral_with_batch(int size) {
  bpv::Scenario sc = bpv::load_scenario(std::string(BPV_ASSETS_DIR) + "/scenarios/spiral.json");
  sc.data.batching->size = size;
  bpv::load_mini_batch(sc);
  return sc;
}

TEST(ZeroAllocation, SpiralShuffledBatchesOf10AcrossEpochEnds) {
  const bpv::Scenario sc = spiral_with_batch(10);
  ASSERT_TRUE(sc.data.batching->shuffle);
  ASSERT_EQ(sc.train_rows() % 10, 0);  // 250 rows: 25 full batches
  const EpochCount n = allocations_over_3_epochs_after_the_first(sc);
  EXPECT_EQ(n.epochs_crossed, 3);
  EXPECT_FALSE(n.met_short_batch);
  EXPECT_EQ(n.allocations, 0u);
}

TEST(ZeroAllocation, SpiralWithAShortLastBatchAcrossEpochEnds) {
  const bpv::Scenario sc = spiral_with_batch(32);
  ASSERT_EQ(sc.train_rows() % 32, 250 % 32);  // 7 batches of 32, then one of 26
  const EpochCount n = allocations_over_3_epochs_after_the_first(sc);
  EXPECT_EQ(n.epochs_crossed, 3);
  EXPECT_TRUE(n.met_short_batch);
  EXPECT_EQ(n.allocations, 0u);
}

TEST(ZeroAllocation, SpiralWithAShortLastBatchAndAdamAcrossEpochEnds) {
  const bpv::Scenario sc =
      with_optimizer(spiral_with_batch(32), "adam", [](bpv::OptimizerSpec&) {});
  EXPECT_EQ(allocations_over_3_epochs_after_the_first(sc).allocations, 0u);
}

}  // namespace

// formats.md §6's layers: conv, both poolings, batch norm (1-d and 2-d) and
// dropout, with Adam; and the layer examples, whose mini-batches cross epochs.
namespace {

bpv::Scenario every_layer_kind() {
  std::string rows, targets;
  for (int b = 0; b < 6; ++b) {
    rows += b ? ", [" : "[";
    for (int k = 0; k < 64; ++k) rows += (k ? ", " : "") + std::to_string(((k * 11 + b * 7) % 13) / 6.0 - 1.0);
    rows += "]";
    targets += std::string(b ? ", " : "") + (b % 2 ? "[1, 0, 0, 0]" : "[0, 0, 1, 0]");
  }
  return bpv::parse_scenario(R"({"input_size": 64, "input_shape": [1, 8, 8],
    "init": {"scheme": "he_normal", "seed": 6},
    "layers": [{"type": "conv2d", "channels": 4, "kernel": 3, "padding": 1, "activation": "identity"},
               {"type": "batch_norm", "activation": "relu"},
               {"type": "max_pool", "kernel": 2},
               {"type": "conv2d", "channels": 3, "kernel": 2, "stride": 2, "activation": "tanh"},
               {"type": "avg_pool", "kernel": 2},
               {"type": "dropout", "p": 0.3, "seed": 2},
               {"size": 8, "activation": "identity"},
               {"type": "batch_norm", "activation": "sigmoid"},
               {"size": 4, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.05, "optimizer": {"name": "adam"},
    "inputs": [)" + rows + R"(], "targets": [)" + targets + "]}",
                             "layers.json");
}

}  // namespace

TEST(ZeroAllocation, EveryLayerKindWithAdam) {
  EXPECT_EQ(allocations_per_100_steps(every_layer_kind()), 0u);
  bpv::Scenario sc = bpv::load_scenario(std::string(BPV_ASSETS_DIR) + "/layer_examples/mnist_shaped_conv.json");
  EXPECT_EQ(allocations_per_100_steps(with_optimizer(sc, "adam", [](bpv::OptimizerSpec&) {})), 0u);
  for (const char* file : {"spiral_batch_norm.json", "overfit_dropout.json", "deep_sigmoid_batch_norm.json",
                           "batch_norm_backward_graph.json"}) {
    const bpv::Scenario example = bpv::load_scenario(std::string(BPV_ASSETS_DIR) + "/layer_examples/" + file);
    EXPECT_EQ(allocations_per_100_steps(example), 0u) << file;
  }
}
