// The Insight tab's decision region (issue 5 §6): the output of a 2-input net
// at 100 × 100 points of the input plane, as DecisionGrid computes it (one
// batch of 10 000 rows through each layer), beside the same points as 10 000
// single forward passes in the same binary (the baseline the batching beats),
// and beside the same batch through the activation table's own functions
// (std::tanh, std::exp one element at a time: how DecisionGrid computed it
// before it took Eigen's vectorised exp; the baseline of README's ratio).
//   XOR    2-4-1 tanh/sigmoid (assets/scenarios/xor.json's shape and init)
//   N2     2-8-8-8-8-8-8-1 tanh (bench_nets.hpp)
#include <benchmark/benchmark.h>

#include "bench_nets.hpp"
#include "insight/decision_grid.hpp"

namespace bpv::bench {
namespace {

constexpr int kGrid = 100;

Scenario xor_net() {
  InitSpec init;
  init.scheme = "xavier_uniform";
  init.seed = 7;
  return make_net("XOR 2-4-1", 2, {{4, "tanh"}, {1, "sigmoid"}}, "binary_cross_entropy", 0.5, 4, init, 0.0, 1.0,
                  [](int rows, int cols, std::uint64_t) { return Eigen::MatrixXd::Zero(rows, cols).eval(); });
}

void batched(benchmark::State& state, const Scenario& sc) {
  DecisionGrid grid;
  const PlaneExtent extent = extent_around_inputs(sc.inputs);
  for (auto _ : state) benchmark::DoNotOptimize(grid.evaluate(sc, extent, kGrid).data());
  state.counters["points"] = kGrid * kGrid;
}

// The batch as before: the same products, the table's activations.
void batched_table_activations(benchmark::State& state, const Scenario& sc) {
  const PlaneExtent extent = extent_around_inputs(sc.inputs);
  const Eigen::Index points = static_cast<Eigen::Index>(kGrid) * kGrid;
  Eigen::MatrixXd x(points, 2);
  for (int r = 0; r < kGrid; ++r)
    for (int c = 0; c < kGrid; ++c) x.row(static_cast<Eigen::Index>(r) * kGrid + c) = DecisionGrid::point(extent, kGrid, r, c);
  std::vector<Eigen::MatrixXd> z, a;
  for (const Layer& layer : sc.layers) {
    z.emplace_back(points, layer.size());
    a.emplace_back(points, layer.size());
  }
  for (auto _ : state) {
    const Eigen::MatrixXd* in = &x;
    for (std::size_t k = 0; k < sc.layers.size(); ++k) {
      z[k].noalias() = *in * sc.layers[k].weights;
      z[k].rowwise() += sc.layers[k].bias.row(0);
      sc.layers[k].activation->forward(z[k], a[k]);
      in = &a[k];
    }
    benchmark::DoNotOptimize(in->data());
  }
  state.counters["points"] = kGrid * kGrid;
}

// The reference: one point at a time, buffers kept (no allocation either).
void point_by_point(benchmark::State& state, const Scenario& sc) {
  const PlaneExtent extent = extent_around_inputs(sc.inputs);
  std::vector<Eigen::MatrixXd> z, a;
  for (const Layer& layer : sc.layers) {
    z.emplace_back(1, layer.size());
    a.emplace_back(1, layer.size());
  }
  Eigen::MatrixXd x(1, 2);
  for (auto _ : state) {
    double sum = 0.0;
    for (int r = 0; r < kGrid; ++r)
      for (int c = 0; c < kGrid; ++c) {
        x.row(0) = DecisionGrid::point(extent, kGrid, r, c).transpose();
        const Eigen::MatrixXd* in = &x;
        for (std::size_t k = 0; k < sc.layers.size(); ++k) {
          z[k].noalias() = *in * sc.layers[k].weights;
          z[k] += sc.layers[k].bias;
          sc.layers[k].activation->forward(z[k], a[k]);
          in = &a[k];
        }
        sum += (*in)(0, 0);
      }
    benchmark::DoNotOptimize(sum);
  }
}

void BM_Grid100_XOR(benchmark::State& s) { batched(s, xor_net()); }
void BM_Grid100_XOR_PointByPoint(benchmark::State& s) { point_by_point(s, xor_net()); }
void BM_Grid100_XOR_TableActivations(benchmark::State& s) { batched_table_activations(s, xor_net()); }
void BM_Grid100_N2(benchmark::State& s) { batched(s, n2_tanh_net(32)); }
void BM_Grid100_N2_TableActivations(benchmark::State& s) { batched_table_activations(s, n2_tanh_net(32)); }
void BM_Grid100_N2_PointByPoint(benchmark::State& s) { point_by_point(s, n2_tanh_net(32)); }

BENCHMARK(BM_Grid100_XOR)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Grid100_XOR_TableActivations)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Grid100_XOR_PointByPoint)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Grid100_N2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Grid100_N2_TableActivations)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Grid100_N2_PointByPoint)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bpv::bench

BENCHMARK_MAIN();
