// Expression graphs through the fast path (ExprTrainer::step): a chain of
// about 1,000 nodes (a 248-deep tanh "network" of one unit) and micrograd's
// neuron, beside a hand-written tape of the same nodes (a switch per node
// forward, then per node backward), in the same binary. The goal: one step of
// 1,000 nodes ≤ 50 µs. The layout the canvas computes once per edit is timed too.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "expression/expression_io.hpp"
#include "expression/expression_layout.hpp"
#include "expression/expression_step.hpp"

namespace bpv {
namespace {

Expression chain() {
  Expression e;
  e.name = "chain";
  e.value_names = {"x", "w"};
  e.values = {0.5, 0.9};
  e.parameters = {"w"};
  e.learning_rate = 0.01;
  e.definitions.push_back("h0 = x");
  for (int k = 1; k < 249; ++k)
    e.definitions.push_back("h" + std::to_string(k) + " = tanh(h" + std::to_string(k - 1) + " * w + 0.1)");
  return e;
}

Expression neuron() { return load_expression(std::string(BPV_ASSETS_DIR) + "/expressions/micrograd_neuron.json"); }

void BM_ExpressionStep(benchmark::State& state, Expression (*make)()) {
  ExprTrainer trainer(make());
  for (auto _ : state) benchmark::DoNotOptimize(trainer.step());
  state.counters["nodes"] = static_cast<double>(trainer.graph().nodes.size());
}

// The reference: the same graph's nodes as a plain tape, forward then
// backward with the derivatives written inline, then SGD on the parameters.
void BM_ReferenceTape(benchmark::State& state, Expression (*make)()) {
  const Expression e = make();
  const ExpressionGraph g = build_expression_graph(e);
  std::vector<double> v(g.nodes.size()), d(g.nodes.size());
  for (std::size_t n = 0; n < g.nodes.size(); ++n)
    if (g.nodes[n].kind == ExprOpKind::Value) v[n] = e.values[g.nodes[n].value];
    else if (g.nodes[n].kind == ExprOpKind::Constant) v[n] = g.nodes[n].number;
  for (auto _ : state) {
    for (std::size_t n = 0; n < g.nodes.size(); ++n) {
      const ExprNode& x = g.nodes[n];
      switch (x.kind) {
        case ExprOpKind::Copy: v[n] = v[x.a]; break;
        case ExprOpKind::Add: v[n] = v[x.a] + v[x.b]; break;
        case ExprOpKind::Mul: v[n] = v[x.a] * v[x.b]; break;
        case ExprOpKind::Tanh: v[n] = std::tanh(v[x.a]); break;
        default: break;
      }
    }
    std::fill(d.begin(), d.end(), 0.0);
    d[g.output] = 1.0;
    for (int n = g.output; n >= 0; --n) {
      const ExprNode& x = g.nodes[n];
      switch (x.kind) {
        case ExprOpKind::Copy: d[x.a] += d[n]; break;
        case ExprOpKind::Add: d[x.a] += d[n]; d[x.b] += d[n]; break;
        case ExprOpKind::Mul: d[x.a] += d[n] * v[x.b]; d[x.b] += d[n] * v[x.a]; break;
        case ExprOpKind::Tanh: d[x.a] += d[n] * (1.0 - v[n] * v[n]); break;
        default: break;
      }
    }
    for (int p : g.parameters) v[p] -= e.learning_rate * d[p];
    benchmark::DoNotOptimize(v[g.output]);
  }
}

void BM_ExpressionLayout(benchmark::State& state) {
  const ExpressionGraph g = build_expression_graph(chain());
  for (auto _ : state) benchmark::DoNotOptimize(layout_expression(g).crossings);
}

BENCHMARK_CAPTURE(BM_ExpressionStep, chain_1000_nodes, chain)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ReferenceTape, chain_1000_nodes, chain)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ExpressionStep, micrograd_neuron, neuron)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ReferenceTape, micrograd_neuron, neuron)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExpressionLayout)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bpv

BENCHMARK_MAIN();
