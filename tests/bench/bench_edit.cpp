// From an edit to every value recomputed (issue 4 §6): a weight edit through
// Session::apply on 784-128-64-10, batch 32, with the cursor at the end of the
// step (the whole pass replays), beside one fast-path training step of the
// same net in the same run as the baseline. Also the seed net.
#include <benchmark/benchmark.h>

#include "bench_nets.hpp"
#include "engine/session.hpp"
#include "engine/train.hpp"

namespace bpv::bench {
namespace {

void edit_and_recompute(benchmark::State& state, const Scenario& scenario) {
  Session session(scenario);
  session.apply(command::RunToEnd{});
  double value = 0.1;
  for (auto _ : state) {
    value = -value;  // a real change every time
    session.apply(command::ApplyEdit{edit::SetWeight{1, 0, 0, value}});
    benchmark::DoNotOptimize(session.stepper().state().loss.data());
  }
}

void training_step(benchmark::State& state, const Scenario& scenario) {
  Trainer trainer(scenario);
  for (auto _ : state) benchmark::DoNotOptimize(trainer.step());
}

void BM_Edit_N3_b32(benchmark::State& s) { edit_and_recompute(s, n3_mnist_shaped_net(32)); }
void BM_Step_N3_b32(benchmark::State& s) { training_step(s, n3_mnist_shaped_net(32)); }
void BM_Edit_seed(benchmark::State& s) { edit_and_recompute(s, seed_scenario()); }
void BM_Step_seed(benchmark::State& s) { training_step(s, seed_scenario()); }

BENCHMARK(BM_Edit_N3_b32)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Step_N3_b32)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Edit_seed)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Step_seed)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bpv::bench

BENCHMARK_MAIN();
