// µs per training step through the fast path (bpv::Trainer::step()), each case
// beside a hand-written Eigen implementation of the same step, in one run
// (the reference is in reference_mlp.hpp); and µs per epoch of Playground's
// spiral task, engine beside a hand-written epoch loop (reference_epoch.hpp);
// the seed net, N2 at batch 1 and the spiral epoch also beside the same step
// with every size fixed at compile time (reference_fixed.hpp).
// See docs/performance.md for how to run it and the figures.
//
// [SECTION] Agreement: engine and reference compute the same numbers
// [SECTION] The benchmarks and their counters
// [SECTION] The summary (engine / reference ratio per case)
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "bench_nets.hpp"
#include "optimizers/optimizer.hpp"
#include "reference_epoch.hpp"
#include "reference_fixed.hpp"
#include "reference_mlp.hpp"
#include "engine/train.hpp"

namespace {

using Eigen::MatrixXd;
using bpv::bench::ReferenceMlp;

// ---------------------------------------------------------------------------
// [SECTION] Agreement
//
// Three steps of each from the same start; compares the losses, the last
// step's gradients and the weights after it, each as max|engine − ref| over
// max|ref| of the matrix. Both do the same operations in nearly the same
// order, so only rounding (vectorised vs scalar exp/log) separates them.
constexpr double kAgreementTolerance = 1e-12;

double relative_difference(const MatrixXd& engine, const MatrixXd& reference) {
  const double scale = std::max(reference.cwiseAbs().maxCoeff(), 1e-300);
  return (engine - reference).cwiseAbs().maxCoeff() / scale;
}

// The same for a fixed-size reference (FixedMlp or FixedSpiralEpoch, whose
// steps are epochs: `engine_steps` engine steps each).
template <typename Fixed>
double fixed_disagreement(const bpv::Scenario& scenario, int runs, long long engine_steps = 1) {
  bpv::Trainer engine(scenario);
  Fixed fixed(scenario);
  double worst = 0.0;
  for (int r = 0; r < runs; ++r) {
    double le = 0.0;
    for (long long s = 0; s < engine_steps; ++s) le += engine.step();
    le /= static_cast<double>(engine_steps);
    const double lf = fixed.step();
    worst = std::max(worst, std::abs(le - lf) / std::max(std::abs(lf), 1e-300));
  }
  const auto& net = [&]() -> const auto& {
    if constexpr (std::is_same_v<Fixed, bpv::bench::FixedSpiralEpoch>) return fixed.net();
    else return fixed;
  }();
  for (std::size_t i = 0; i < engine.scenario().layers.size(); ++i) {
    const bpv::Layer& layer = engine.scenario().layers[i];
    worst = std::max({worst, relative_difference(layer.weights, net.weights(static_cast<int>(i))),
                      relative_difference(layer.bias, net.bias(static_cast<int>(i)))});
  }
  return worst;
}

double worst_disagreement(const bpv::Scenario& scenario, bool engine_loss) {
  bpv::Trainer engine(scenario);
  ReferenceMlp reference(scenario, engine_loss);
  double worst = 0.0;
  for (int s = 0; s < 3; ++s) {
    const double le = engine.step(), lr = reference.step();
    worst = std::max(worst, std::abs(le - lr) / std::max(std::abs(lr), 1e-300));
  }
  for (std::size_t i = 0; i < reference.layer_count(); ++i) {
    const bpv::LayerState& ls = engine.state().layers[i];
    const bpv::Layer& layer = engine.scenario().layers[i];
    worst = std::max({worst, relative_difference(ls.grad_weights, reference.grad_weights(i)),
                      relative_difference(ls.grad_bias, reference.grad_bias(i)),
                      relative_difference(layer.weights, reference.weights(i)),
                      relative_difference(layer.bias, reference.bias(i))});
  }
  return worst;
}

// ---------------------------------------------------------------------------
// [SECTION] The benchmarks and their counters
//
// Time is CPU time (less disturbed by other jobs on a shared machine than wall
// time). Counters: us_per_step (CPU µs, the same as the CPU column), and
// flops = 6·params·batch FLOP per step as a rate (printed as G/s).

// This thread's CPU time in µs: the clock behind the library's CPU column.
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

// Every case starts again from its starting weights every kRestartSteps
// timed steps (the restart itself is not timed), so what is timed is the
// start of training, where the numbers move. Left running, N2 at batch 1
// fits its one example exactly within about 10,000 steps: from then on every
// gradient is exactly 0 and Adam's m decays into subnormal numbers, which the
// CPU handles slowly, so the figure would time the subnormals, not a step.
constexpr benchmark::IterationCount kRestartSteps = 1000;

// Two warm-up steps after each start (first touch of every buffer), then
// timed steps. A "step" of an epoch runner is a whole epoch, of
// `steps_per_run` steps. `make` builds a runner at the scenario's start.
template <typename Make>
void run_steps(benchmark::State& state, const bpv::Scenario& scenario, Make make, double steps_per_run = 1.0) {
  auto net = make();
  net->step();
  net->step();
  double loss = 0.0, used_us = 0.0, start_us = thread_cpu_us();
  benchmark::IterationCount since_start = 0;
  for (auto _ : state) {
    if (since_start == kRestartSteps) {
      used_us += thread_cpu_us() - start_us;
      state.PauseTiming();
      net = make();
      net->step();
      net->step();
      since_start = 0;
      state.ResumeTiming();
      start_us = thread_cpu_us();
    }
    ++since_start;
    // A const value: DoNotOptimize on a mutable double uses a "+m" asm
    // constraint that GCC miscompiles (google/benchmark#903; here it
    // turned the loss into NaN).
    const double step_loss = net->step();
    benchmark::DoNotOptimize(step_loss);
    loss = step_loss;
  }
  used_us += thread_cpu_us() - start_us;
  if (!std::isfinite(loss)) state.SkipWithError("non-finite loss");
  const double steps = static_cast<double>(state.iterations());
  state.counters["us_per_step"] = benchmark::Counter(used_us, benchmark::Counter::kAvgIterations);
  state.counters["flops"] =
      benchmark::Counter(steps * steps_per_run * bpv::bench::flops_per_step(scenario), benchmark::Counter::kIsRate);
}

void run_engine(benchmark::State& state, const bpv::Scenario& scenario) {
  run_steps(state, scenario, [&] { return std::make_unique<bpv::Trainer>(scenario); });
}

void run_reference(benchmark::State& state, const bpv::Scenario& scenario, bool engine_loss) {
  run_steps(state, scenario, [&] { return std::make_unique<ReferenceMlp>(scenario, engine_loss); });
}

// Engine and reference taking turns from the same start: blocks of `block`
// steps each, one after the other, each block timed on this thread's CPU
// clock, both restarted every kRestartSteps steps as above. The counter
// "paired_ratio" is the median of the blocks' engine / reference ratios.
// Both see the same moment of a shared machine, so a neighbour's burst
// slows both and cancels out of the ratio, where separate benchmarks (run
// seconds apart) carry it whole. The reference is the same-loss one where it
// differs (uses_logits): the engine's step, done by hand.
// `block` steps of `net`; the last step's loss.
template <typename Net>
double time_block(Net& net, int block) {
  double loss = 0.0;
  for (int s = 0; s < block; ++s) {
    const double step_loss = net.step();
    benchmark::DoNotOptimize(step_loss);
    loss = step_loss;
  }
  return loss;
}

template <typename MakeEngine, typename MakeReference>
void run_paired_with(benchmark::State& state, MakeEngine make_engine, MakeReference make_reference) {
  auto engine = make_engine();
  auto reference = make_reference();
  // Blocks of about 50 µs: long against the clock's resolution, short
  // against a neighbour's burst.
  const double probe_start = thread_cpu_us();
  for (int s = 0; s < 16; ++s) engine->step();
  const double step_us = std::max((thread_cpu_us() - probe_start) / 16.0, 1e-3);
  const int block = static_cast<int>(std::clamp(50.0 / step_us, 1.0, static_cast<double>(kRestartSteps)));
  std::vector<double> ratios;
  double loss = 0.0;
  int since_start = static_cast<int>(kRestartSteps);
  for (auto _ : state) {
    if (since_start + block > kRestartSteps) {
      state.PauseTiming();
      engine = make_engine();
      reference = make_reference();
      for (int s = 0; s < 2; ++s) {
        engine->step();
        reference->step();
      }
      since_start = 0;
      state.ResumeTiming();
    }
    since_start += block;
    // Each goes first every other block, so neither always finds the
    // other's data in the cache.
    const bool engine_first = ratios.size() % 2 == 0;
    const double first_start = thread_cpu_us();
    if (engine_first) loss = time_block(*engine, block);
    else time_block(*reference, block);
    const double second_start = thread_cpu_us();
    if (engine_first) time_block(*reference, block);
    else loss = time_block(*engine, block);
    const double end = thread_cpu_us();
    const double engine_us = engine_first ? second_start - first_start : end - second_start;
    const double reference_us = engine_first ? end - second_start : second_start - first_start;
    if (reference_us > 0.0) ratios.push_back(engine_us / reference_us);
  }
  if (!std::isfinite(loss) || ratios.empty()) return state.SkipWithError("non-finite loss or no blocks timed");
  std::nth_element(ratios.begin(), ratios.begin() + static_cast<std::ptrdiff_t>(ratios.size() / 2), ratios.end());
  state.counters["paired_ratio"] = ratios[ratios.size() / 2];
  state.counters["block_steps"] = block;
}

void run_paired(benchmark::State& state, const bpv::Scenario& scenario) {
  const bool same_loss = bpv::uses_logits(*scenario.loss, *scenario.layers.back().activation);
  run_paired_with(state, [&] { return std::make_unique<bpv::Trainer>(scenario); },
                  [&] { return std::make_unique<ReferenceMlp>(scenario, same_loss); });
}

// The engine beside a fixed-size reference: per step, or per epoch.
template <typename Fixed>
void run_fixed(benchmark::State& state, const bpv::Scenario& scenario, double steps_per_run = 1.0) {
  run_steps(state, scenario, [&] { return std::make_unique<Fixed>(scenario); }, steps_per_run);
}

template <typename Fixed>
void run_paired_fixed(benchmark::State& state, const bpv::Scenario& scenario) {
  if constexpr (std::is_same_v<Fixed, bpv::bench::FixedSpiralEpoch>)
    run_paired_with(state, [&] { return std::make_unique<bpv::bench::EngineEpoch>(scenario); },
                    [&] { return std::make_unique<Fixed>(scenario); });
  else
    run_paired_with(state, [&] { return std::make_unique<bpv::Trainer>(scenario); },
                    [&] { return std::make_unique<Fixed>(scenario); });
}

void run_engine_epoch(benchmark::State& state, const bpv::Scenario& scenario) {
  const double steps = static_cast<double>(bpv::bench::EngineEpoch(scenario).steps());
  run_steps(state, scenario, [&] { return std::make_unique<bpv::bench::EngineEpoch>(scenario); }, steps);
}

void run_reference_epoch(benchmark::State& state, const bpv::Scenario& scenario) {
  run_steps(state, scenario, [&] { return std::make_unique<bpv::bench::ReferenceEpoch>(scenario); },
            static_cast<double>(bpv::steps_per_epoch(scenario.train_rows(), scenario.data.batching)));
}

// ---------------------------------------------------------------------------
// [SECTION] The summary
//
// After the usual console table, one line per case: engine and reference µs
// per step (per epoch for spiral_epoch; the median over repetitions when
// there are several) and their ratio, which issue 2 wants at most 1.25.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  explicit SummaryReporter(bool color)
      : ConsoleReporter(color ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      // Names are "N3_b32/engine": the case, then the implementation.
      const std::string& name = run.run_name.function_name;
      const std::size_t slash = name.rfind('/');
      Timing& t = timings_[name.substr(0, slash)];
      const std::string which = name.substr(slash + 1);
      if (which == "paired" || which == "paired_fixed") {
        const auto ratio = run.counters.find("paired_ratio");
        Paired& p = which == "paired" ? t.paired : t.paired_fixed;
        if (ratio != run.counters.end() && (median || !p.from_median)) {
          p.ratio = ratio->second.value;
          p.from_median = median;
        }
        continue;
      }
      Entry& e = which == "engine"                ? t.engine
                 : which == "reference_same_loss" ? t.same_loss
                 : which == "fixed"               ? t.fixed
                                                  : t.reference;
      if (e.from_median && !median) continue;
      e.us = run.GetAdjustedCPUTime();  // the benchmarks use microseconds
      e.from_median = median;
      const auto flops = run.counters.find("flops");
      if (flops != run.counters.end()) e.gflops = flops->second.value * 1e-9;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    // same_loss: the reference with the engine's stable output loss, where
    // the two differ (sigmoid or softmax under a cross-entropy loss).
    // paired: the median ratio of engine and reference blocks taking turns
    // (run_paired), the figure the goal is judged on where it was run.
    std::printf("\n%-12s %14s %14s %8s %12s %12s %14s %10s %8s\n", "case", "engine_us", "reference_us",
                "ratio", "engine_GF/s", "ref_GF/s", "same_loss_us", "ratio", "paired");
    for (const auto& [name, t] : timings_) {
      if (t.engine.us <= 0.0 || t.reference.us <= 0.0) continue;
      const double ratio = t.engine.us / t.reference.us;
      std::printf("%-12s %14.3f %14.3f %8.3f %12.2f %12.2f", name.c_str(), t.engine.us, t.reference.us, ratio,
                  t.engine.gflops, t.reference.gflops);
      if (t.same_loss.us > 0.0) std::printf(" %14.3f %10.3f", t.same_loss.us, t.engine.us / t.same_loss.us);
      else std::printf(" %14s %10s", "", "");
      if (t.paired.ratio > 0.0) std::printf(" %8.3f", t.paired.ratio);
      else std::printf(" %8s", "");
      const double judged = t.paired.ratio > 0.0 ? t.paired.ratio : ratio;
      std::printf("%s\n", judged > 1.25 ? "  (over the 1.25 goal)" : "");
    }
    // Beside the step with every size fixed at compile time (reference_fixed.hpp).
    std::printf("\n%-12s %14s %14s %8s %8s\n", "case", "engine_us", "fixed_us", "ratio", "paired");
    for (const auto& [name, t] : timings_) {
      if (t.engine.us <= 0.0 || t.fixed.us <= 0.0) continue;
      const double ratio = t.engine.us / t.fixed.us;
      std::printf("%-12s %14.3f %14.3f %8.3f", name.c_str(), t.engine.us, t.fixed.us, ratio);
      if (t.paired_fixed.ratio > 0.0) std::printf(" %8.3f", t.paired_fixed.ratio);
      else std::printf(" %8s", "");
      const double judged = t.paired_fixed.ratio > 0.0 ? t.paired_fixed.ratio : ratio;
      std::printf("%s\n", judged > 1.25 ? "  (over the 1.25 goal)" : "");
    }
  }

 private:
  struct Entry {
    double us = 0.0, gflops = 0.0;
    bool from_median = false;
  };
  struct Paired {
    double ratio = 0.0;
    bool from_median = false;
  };
  struct Timing {
    Entry engine, reference, same_loss, fixed;
    Paired paired, paired_fixed;
  };
  std::map<std::string, Timing> timings_;
};

}  // namespace

int main(int argc, char** argv) {
  // Another output format asked for: leave the reporter to the library.
  bool console = true;
  bool color = isatty(STDOUT_FILENO) != 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_format", 18) == 0 &&
        std::strstr(argv[i], "console") == nullptr)
      console = false;
    if (std::strncmp(argv[i], "--benchmark_color", 17) == 0)
      color = std::strstr(argv[i], "=false") == nullptr && std::strstr(argv[i], "=no") == nullptr;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  std::vector<bpv::bench::BenchNet> nets = bpv::bench::benchmark_nets();
  // Every case again with Adam (formats.md §4, PyTorch's defaults).
  const std::size_t plain = nets.size();
  for (std::size_t k = 0; k < plain; ++k) {
    bpv::bench::BenchNet adam = nets[k];
    adam.name += "_adam";
    adam.scenario.optimizer = bpv::default_spec(*bpv::find_optimizer("adam"));
    bpv::conform_optimizer_state(adam.scenario);
    nets.push_back(std::move(adam));
  }
  bool agree = true;
  for (const bpv::bench::BenchNet& net : nets) {
    const double diff = std::max(worst_disagreement(net.scenario, false), worst_disagreement(net.scenario, true));
    std::fprintf(stderr, "agreement %-7s engine vs reference: max relative difference %.2e%s\n",
                 net.name.c_str(), diff, diff <= kAgreementTolerance ? "" : "  FAIL");
    agree = agree && diff <= kAgreementTolerance;
  }
  // The spiral epoch: every step's loss over three epochs, then the weights.
  const bpv::Scenario spiral = bpv::bench::spiral_scenario();
  const double epoch_diff = bpv::bench::epoch_disagreement(spiral, 3);
  std::fprintf(stderr, "agreement %-7s engine vs reference: max relative difference %.2e%s\n", "spiral_epoch",
               epoch_diff, epoch_diff <= kAgreementTolerance ? "" : "  FAIL");
  agree = agree && epoch_diff <= kAgreementTolerance;
  const double fixed_diffs[] = {fixed_disagreement<bpv::bench::FixedSeed>(nets[0].scenario, 3),
                                fixed_disagreement<bpv::bench::FixedN2>(nets[1].scenario, 3),
                                fixed_disagreement<bpv::bench::FixedSpiralEpoch>(
                                    spiral, 3, bpv::steps_per_epoch(spiral.train_rows(), spiral.data.batching))};
  const char* fixed_names[] = {"N1_b1", "N2_b1", "spiral_epoch"};
  for (int k = 0; k < 3; ++k) {
    std::fprintf(stderr, "agreement %-7s engine vs fixed-size reference: max relative difference %.2e%s\n",
                 fixed_names[k], fixed_diffs[k], fixed_diffs[k] <= kAgreementTolerance ? "" : "  FAIL");
    agree = agree && fixed_diffs[k] <= kAgreementTolerance;
  }
  if (!agree) {
    std::fprintf(stderr, "engine and reference disagree beyond %.0e: timings not comparable\n",
                 kAgreementTolerance);
    return 1;
  }

  for (const bpv::bench::BenchNet& net : nets) {
    const bpv::Scenario& s = net.scenario;
    benchmark::RegisterBenchmark((net.name + "/engine").c_str(),
                                 [s](benchmark::State& st) { run_engine(st, s); })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((net.name + "/reference").c_str(),
                                 [s](benchmark::State& st) { run_reference(st, s, false); })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((net.name + "/paired").c_str(), [s](benchmark::State& st) { run_paired(st, s); })
        ->Unit(benchmark::kMicrosecond);
    if (bpv::uses_logits(*s.loss, *s.layers.back().activation))
      benchmark::RegisterBenchmark((net.name + "/reference_same_loss").c_str(),
                                   [s](benchmark::State& st) { run_reference(st, s, true); })
          ->Unit(benchmark::kMicrosecond);
  }
  // µs per epoch: 25 steps of 10 rows each, mini-batch gathering included.
  benchmark::RegisterBenchmark("spiral_epoch/engine", [spiral](benchmark::State& st) { run_engine_epoch(st, spiral); })
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("spiral_epoch/reference",
                               [spiral](benchmark::State& st) { run_reference_epoch(st, spiral); })
      ->Unit(benchmark::kMicrosecond);

  // The smallest nets beside the same step with compile-time sizes.
  const bpv::Scenario n1 = nets[0].scenario, n2 = nets[1].scenario;
  benchmark::RegisterBenchmark("N1_b1/fixed", [n1](benchmark::State& st) { run_fixed<bpv::bench::FixedSeed>(st, n1); })
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("N1_b1/paired_fixed",
                               [n1](benchmark::State& st) { run_paired_fixed<bpv::bench::FixedSeed>(st, n1); })
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("N2_b1/fixed", [n2](benchmark::State& st) { run_fixed<bpv::bench::FixedN2>(st, n2); })
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("N2_b1/paired_fixed",
                               [n2](benchmark::State& st) { run_paired_fixed<bpv::bench::FixedN2>(st, n2); })
      ->Unit(benchmark::kMicrosecond);
  const double spiral_steps = static_cast<double>(bpv::steps_per_epoch(spiral.train_rows(), spiral.data.batching));
  benchmark::RegisterBenchmark("spiral_epoch/fixed", [spiral, spiral_steps](benchmark::State& st) {
    run_fixed<bpv::bench::FixedSpiralEpoch>(st, spiral, spiral_steps);
  })->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("spiral_epoch/paired_fixed", [spiral](benchmark::State& st) {
    run_paired_fixed<bpv::bench::FixedSpiralEpoch>(st, spiral);
  })->Unit(benchmark::kMicrosecond);

  SummaryReporter summary(color);
  if (console)
    benchmark::RunSpecifiedBenchmarks(&summary);
  else
    benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
