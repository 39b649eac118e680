// µs per training step of a conv net through the fast path (Trainer::step()),
// beside a hand-written im2col + Eigen step of the same net
// (reference_conv.hpp), in one run: the digits conv net (1×8×8 → conv
// 4×3×3, padding 1, ReLU → max pool 2 → 10) and the MNIST-shaped one
// (1×28×28 → conv 8×7×7 → max pool 2 → 10), both at batch 32. The paired
// ratio (engine and reference taking turns) is the figure the 1.5× goal is
// judged on; docs/performance.md has the method.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <time.h>

#include "engine/train.hpp"
#include "formats/scenario_io.hpp"
#include "reference_conv.hpp"

namespace {

using bpv::bench::ReferenceConvNet;

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

bpv::Scenario digits_conv_b32() {
  std::string rows, targets;
  for (int b = 0; b < 32; ++b) {
    rows += b ? ", [" : "[";
    for (int k = 0; k < 64; ++k) rows += (k ? ", " : "") + std::to_string(((k * 37 + b * 11) % 17) / 16.0);
    rows += "]";
    targets += b ? ", [" : "[";
    for (int c = 0; c < 10; ++c) targets += std::string(c ? ", " : "") + (c == (b * 7) % 10 ? "1" : "0");
    targets += "]";
  }
  return bpv::parse_scenario(R"({"name": "digits_conv", "input_size": 64, "input_shape": [1, 8, 8],
    "init": {"scheme": "he_normal", "seed": 1},
    "layers": [{"type": "conv2d", "channels": 4, "kernel": 3, "padding": 1, "activation": "relu"},
               {"type": "max_pool", "kernel": 2}, {"size": 10, "activation": "softmax"}],
    "loss": "cross_entropy", "learning_rate": 0.05, "inputs": [)" + rows + R"(], "targets": [)" + targets + "]}",
                             "digits_conv.json");
}

bpv::Scenario mnist_conv_b32() {
  return bpv::load_scenario(std::string(BPV_ASSETS_DIR) + "/layer_examples/mnist_shaped_conv.json");
}

// Three steps of each from the same start: the losses and the kernels after
// them, as relative differences (sums in another order: rounding only).
double disagreement(const bpv::Scenario& sc) {
  bpv::Trainer engine(sc);
  ReferenceConvNet reference(sc);
  double worst = 0.0;
  for (int s = 0; s < 3; ++s) {
    const double a = engine.step(), b = reference.step();
    worst = std::max(worst, std::abs(a - b) / std::abs(b));
  }
  const Eigen::MatrixXd& w = engine.scenario().layers[0].weights;
  worst = std::max(worst, (w - reference.conv().weights).cwiseAbs().maxCoeff() / w.cwiseAbs().maxCoeff());
  const Eigen::MatrixXd& w2 = engine.scenario().layers[2].weights;
  worst = std::max(worst, (w2 - reference.dense_weights()).cwiseAbs().maxCoeff() / w2.cwiseAbs().maxCoeff());
  return worst;
}

template <typename Net>
void run(benchmark::State& state, const bpv::Scenario& sc) {
  Net net(sc);
  double used = 0.0;
  for (auto _ : state) {
    const double start = thread_cpu_us();
    const double loss = net.step();
    used += thread_cpu_us() - start;
    benchmark::DoNotOptimize(loss);
  }
  state.counters["us_per_step"] = benchmark::Counter(used, benchmark::Counter::kAvgIterations);
}

// Engine and reference take turns, one step each, and the median of the
// per-pair ratios is kept: a neighbour's burst slows both alike.
std::vector<double> g_ratios;
void run_paired(benchmark::State& state, const bpv::Scenario& sc) {
  bpv::Trainer engine(sc);
  ReferenceConvNet reference(sc);
  std::vector<double> ratios;
  for (auto _ : state) {
    const double t0 = thread_cpu_us();
    const double a = engine.step();
    const double t1 = thread_cpu_us();
    const double b = reference.step();
    const double t2 = thread_cpu_us();
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    if (t2 > t1) ratios.push_back((t1 - t0) / (t2 - t1));
  }
  if (ratios.empty()) return state.SkipWithError("no pair timed");
  std::nth_element(ratios.begin(), ratios.begin() + static_cast<std::ptrdiff_t>(ratios.size() / 2), ratios.end());
  state.counters["paired_ratio"] = ratios[ratios.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  const std::vector<std::pair<std::string, bpv::Scenario>> nets = {{"digits_conv_b32", digits_conv_b32()},
                                                                   {"mnist_conv_b32", mnist_conv_b32()}};
  for (const auto& [name, sc] : nets) {
    const double diff = disagreement(sc);
    std::fprintf(stderr, "agreement %-16s engine vs im2col reference: max relative difference %.2e%s\n", name.c_str(),
                 diff, diff <= 1e-9 ? "" : "  FAIL");
    if (diff > 1e-9) return 1;
  }
  for (const auto& [name, sc] : nets) {
    const bpv::Scenario s = sc;
    benchmark::RegisterBenchmark((name + "/engine").c_str(), [s](benchmark::State& st) { run<bpv::Trainer>(st, s); })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((name + "/reference").c_str(),
                                 [s](benchmark::State& st) { run<ReferenceConvNet>(st, s); })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((name + "/paired").c_str(), [s](benchmark::State& st) { run_paired(st, s); })
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
