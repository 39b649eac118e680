// The decision grid allocates nothing once warmed up (issue 5 §3): it is
// recomputed every frame while training. Same method as test_zero_alloc.cpp
// (alloc_counter.c counts every malloc of the process while armed).
#include <gtest/gtest.h>

#include "alloc_counter.h"
#include "bench_nets.hpp"
#include "insight/decision_grid.hpp"

namespace {

volatile double sink;

std::size_t allocations_per_10_grids(const bpv::Scenario& sc) {
  bpv::DecisionGrid grid;
  const bpv::PlaneExtent extent = bpv::extent_around_inputs(sc.inputs);
  grid.evaluate(sc, extent, 100);  // warm-up: sizes the buffers
  double sum = 0.0;
  alloc_counter_arm();
  for (int i = 0; i < 10; ++i) sum += grid.evaluate(sc, extent, 100)(0, 0);
  const std::size_t count = alloc_counter_disarm();
  sink = sum;
  return count;
}

TEST(DecisionGridAllocation, DeepTanhNetAfterWarmUp) {
  EXPECT_EQ(allocations_per_10_grids(bpv::bench::n2_tanh_net(32)), 0u);
}

TEST(DecisionGridAllocation, SoftmaxNetAfterWarmUp) {
  bpv::InitSpec init;
  init.seed = 5;
  const bpv::Scenario sc = bpv::bench::make_net(
      "2-16-3 relu/softmax", 2, {{16, "relu"}, {3, "softmax"}}, "cross_entropy", 0.1, 8, init, -1.0, 1.0,
      [](int rows, int cols, std::uint64_t) { return Eigen::MatrixXd::Constant(rows, cols, 1.0 / cols).eval(); });
  EXPECT_EQ(allocations_per_10_grids(sc), 0u);
}

}  // namespace
