// µs per training step through the fast path (bpv::Trainer::step()), each case
// beside a hand-written Eigen implementation of the same step, in one run.
// See docs/performance.md for how to run it and the figures.
//
// [SECTION] The hand-written reference (ReferenceMlp)
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
#include <stdexcept>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "bench_nets.hpp"
#include "optimizer.hpp"
#include "train.hpp"

namespace {

using Eigen::MatrixXd;
using Eigen::RowVectorXd;
using Eigen::VectorXd;

// ---------------------------------------------------------------------------
// [SECTION] The hand-written reference
//
// The same training step as formats.md defines it, written the way one would
// write it by hand with Eigen: no op list, no activation or loss tables, only
// array expressions. It borrows nothing from core/ except the starting
// weights and data. It allocates nothing per step either (scratch vectors are
// members), so the comparison with the engine is fair.
class ReferenceMlp {
 public:
  explicit ReferenceMlp(const bpv::Scenario& s)
      : x_(s.inputs), y_(s.targets), lr_(s.learning_rate), loss_kind_(loss_of(s.loss->name)),
        adam_(s.optimizer.name == "adam"), beta1_(s.optimizer.beta1), beta2_(s.optimizer.beta2),
        eps_(s.optimizer.eps) {
    if (!s.optimizer.name.empty() && !adam_) throw std::invalid_argument("reference: only plain SGD and adam");
    const Eigen::Index batch = s.inputs.rows();
    for (const bpv::Layer& src : s.layers) {
      Layer l;
      l.act = activation_of(src.activation->name);
      l.w = src.weights;
      l.b = src.bias.row(0);
      const Eigen::Index n = src.weights.cols();
      l.z.resize(batch, n);
      l.a.resize(batch, n);
      l.grad_a.resize(batch, n);
      l.delta.resize(batch, n);
      l.grad_w.resize(src.weights.rows(), n);
      l.grad_b.resize(n);
      l.m_w = MatrixXd::Zero(src.weights.rows(), n);
      l.v_w = l.m_w;
      l.m_b = RowVectorXd::Zero(n);
      l.v_b = l.m_b;
      layers_.push_back(std::move(l));
    }
    row_scratch_.resize(batch);
    row_scratch2_.resize(batch);
  }

  // Forward, loss, backward, SGD; returns the loss before the update.
  double step() {
    const double inv_batch = 1.0 / static_cast<double>(x_.rows());
    // Forward: z = a_prev · W + b, a = f(z).
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      Layer& l = layers_[i];
      l.z.noalias() = input_of(i) * l.w;
      l.z.rowwise() += l.b;
      forward(l);
    }
    // Loss and ∂L/∂a of the last layer (batch mean).
    Layer& out = layers_.back();
    const auto o = out.a.array();
    const auto y = y_.array();
    double loss = 0.0;
    switch (loss_kind_) {
      case LossKind::CrossEntropy:
        loss = -(y * o.max(kMinP).log()).sum() * inv_batch;
        out.grad_a = -(y / o.max(kMinP)) * inv_batch;
        break;
      case LossKind::BinaryCrossEntropy:
        loss = -(y * o.max(kMinP).log() + (1.0 - y) * (1.0 - o).max(kMinP).log()).sum() *
               inv_batch;
        out.grad_a = (-y / o.max(kMinP) + (1.0 - y) / (1.0 - o).max(kMinP)) * inv_batch;
        break;
      case LossKind::Mse:
        loss = 0.5 * (o - y).square().sum() * inv_batch;
        out.grad_a = (o - y) * inv_batch;
        break;
    }
    // Backward, last layer first.
    for (std::size_t i = layers_.size(); i-- > 0;) {
      Layer& l = layers_[i];
      backward(l);
      l.grad_w.noalias() = input_of(i).transpose() * l.delta;
      l.grad_b.noalias() = l.delta.colwise().sum();
      if (i > 0) layers_[i - 1].grad_a.noalias() = l.delta * l.w.transpose();
    }
    if (adam_) {
      // Adam as torch.optim.Adam (1.13) writes it, one line per state update.
      ++t_;
      const double bc1 = 1.0 - std::pow(beta1_, t_), bc2_sqrt = std::sqrt(1.0 - std::pow(beta2_, t_));
      const double step_size = lr_ / bc1;
      for (Layer& l : layers_) {
        l.m_w = beta1_ * l.m_w + (1.0 - beta1_) * l.grad_w;
        l.v_w = beta2_ * l.v_w + (1.0 - beta2_) * l.grad_w.cwiseAbs2();
        l.w.array() -= step_size * l.m_w.array() / (l.v_w.array().sqrt() / bc2_sqrt + eps_);
        l.m_b = beta1_ * l.m_b + (1.0 - beta1_) * l.grad_b;
        l.v_b = beta2_ * l.v_b + (1.0 - beta2_) * l.grad_b.cwiseAbs2();
        l.b.array() -= step_size * l.m_b.array() / (l.v_b.array().sqrt() / bc2_sqrt + eps_);
      }
      return loss;
    }
    // SGD.
    for (Layer& l : layers_) {
      l.w.noalias() -= lr_ * l.grad_w;
      l.b.noalias() -= lr_ * l.grad_b;
    }
    return loss;
  }

  std::size_t layer_count() const { return layers_.size(); }
  const MatrixXd& weights(std::size_t i) const { return layers_[i].w; }
  const RowVectorXd& bias(std::size_t i) const { return layers_[i].b; }
  const MatrixXd& grad_weights(std::size_t i) const { return layers_[i].grad_w; }
  const RowVectorXd& grad_bias(std::size_t i) const { return layers_[i].grad_b; }

 private:
  enum class Act { Identity, Relu, LeakyRelu, Sigmoid, Tanh, Softmax };
  enum class LossKind { CrossEntropy, BinaryCrossEntropy, Mse };
  static constexpr double kMinP = 1e-300;  // log(max(p, kMinP)), as formats.md's guard

  struct Layer {
    Act act = Act::Identity;
    MatrixXd w, z, a, grad_a, delta, grad_w, m_w, v_w;
    RowVectorXd b, grad_b, m_b, v_b;
  };

  static Act activation_of(std::string_view name) {
    if (name == "identity") return Act::Identity;
    if (name == "relu") return Act::Relu;
    if (name == "leaky_relu") return Act::LeakyRelu;
    if (name == "sigmoid") return Act::Sigmoid;
    if (name == "tanh") return Act::Tanh;
    if (name == "softmax") return Act::Softmax;
    throw std::invalid_argument("reference: unknown activation");
  }
  static LossKind loss_of(std::string_view name) {
    if (name == "cross_entropy") return LossKind::CrossEntropy;
    if (name == "binary_cross_entropy") return LossKind::BinaryCrossEntropy;
    if (name == "mse") return LossKind::Mse;
    throw std::invalid_argument("reference: unknown loss");
  }

  const MatrixXd& input_of(std::size_t i) const { return i == 0 ? x_ : layers_[i - 1].a; }

  void forward(Layer& l) {
    const auto z = l.z.array();
    switch (l.act) {
      case Act::Identity: l.a = l.z; break;
      case Act::Relu: l.a = z.max(0.0); break;
      case Act::LeakyRelu: l.a = (z > 0.0).select(z, 0.01 * z); break;
      case Act::Sigmoid: {
        // e = exp(−|z|) ≤ 1 never overflows: σ = 1/(1+e) for z ≥ 0, e/(1+e) below.
        l.a = (-z.abs()).exp();
        l.a = (z >= 0.0).select(1.0 / (1.0 + l.a.array()), l.a.array() / (1.0 + l.a.array()));
        break;
      }
      case Act::Tanh: l.a = z.tanh(); break;
      case Act::Softmax:
        row_scratch_.noalias() = l.z.rowwise().maxCoeff();
        l.a = (l.z.colwise() - row_scratch_).array().exp();
        row_scratch_.noalias() = l.a.rowwise().sum();
        l.a.array().colwise() /= row_scratch_.array();
        break;
    }
  }

  void backward(Layer& l) {
    const auto z = l.z.array();
    const auto a = l.a.array();
    const auto g = l.grad_a.array();
    switch (l.act) {
      case Act::Identity: l.delta = l.grad_a; break;
      case Act::Relu: l.delta = (z > 0.0).select(g, 0.0); break;
      case Act::LeakyRelu: l.delta = (z > 0.0).select(g, 0.01 * g); break;
      case Act::Sigmoid: l.delta = g * a * (1.0 - a); break;
      case Act::Tanh: l.delta = g * (1.0 - a.square()); break;
      case Act::Softmax:
        // The full Jacobian ∂a_i/∂z_j = a_i(1[i=j] − a_j) applied to g:
        // δ_j = a_j (g_j − Σ_i a_i g_i), one row per example.
        row_scratch2_.noalias() = (a * g).rowwise().sum().matrix();
        l.delta = a * (l.grad_a.colwise() - row_scratch2_).array();
        break;
    }
  }

  MatrixXd x_, y_;
  double lr_;
  LossKind loss_kind_;
  bool adam_;
  double beta1_, beta2_, eps_;
  int t_ = 0;
  std::vector<Layer> layers_;
  VectorXd row_scratch_, row_scratch2_;  // one value per example
};

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

double worst_disagreement(const bpv::Scenario& scenario) {
  bpv::Trainer engine(scenario);
  ReferenceMlp reference(scenario);
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

// Two warm-up steps (first touch of every buffer), then the timed loop.
template <typename Net>
void run_steps(benchmark::State& state, const bpv::Scenario& scenario, Net& net) {
  net.step();
  net.step();
  double loss = 0.0;
  const double start_us = thread_cpu_us();
  for (auto _ : state) {
    // A const value: DoNotOptimize on a mutable double uses a "+m" asm
    // constraint that GCC miscompiles (google/benchmark#903; here it
    // turned the loss into NaN).
    const double step_loss = net.step();
    benchmark::DoNotOptimize(step_loss);
    loss = step_loss;
  }
  const double used_us = thread_cpu_us() - start_us;
  if (!std::isfinite(loss)) state.SkipWithError("non-finite loss");
  const double steps = static_cast<double>(state.iterations());
  state.counters["us_per_step"] = benchmark::Counter(used_us, benchmark::Counter::kAvgIterations);
  state.counters["flops"] =
      benchmark::Counter(steps * bpv::bench::flops_per_step(scenario), benchmark::Counter::kIsRate);
}

void run_engine(benchmark::State& state, const bpv::Scenario& scenario) {
  bpv::Trainer trainer(scenario);
  run_steps(state, scenario, trainer);
}

void run_reference(benchmark::State& state, const bpv::Scenario& scenario) {
  ReferenceMlp reference(scenario);
  run_steps(state, scenario, reference);
}

// ---------------------------------------------------------------------------
// [SECTION] The summary
//
// After the usual console table, one line per case: engine and reference µs
// per step (the median over repetitions when there are several) and their
// ratio, which issue 2 wants at most 1.25.
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
      Entry& e = name.substr(slash + 1) == "engine" ? t.engine : t.reference;
      if (e.from_median && !median) continue;
      e.us = run.GetAdjustedCPUTime();  // the benchmarks use microseconds
      e.from_median = median;
      const auto flops = run.counters.find("flops");
      if (flops != run.counters.end()) e.gflops = flops->second.value * 1e-9;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-8s %14s %14s %8s %12s %12s\n", "case", "engine_us", "reference_us",
                "ratio", "engine_GF/s", "ref_GF/s");
    for (const auto& [name, t] : timings_) {
      if (t.engine.us <= 0.0 || t.reference.us <= 0.0) continue;
      const double ratio = t.engine.us / t.reference.us;
      std::printf("%-8s %14.3f %14.3f %8.3f %12.2f %12.2f%s\n", name.c_str(), t.engine.us,
                  t.reference.us, ratio, t.engine.gflops, t.reference.gflops,
                  ratio > 1.25 ? "  (over the 1.25 goal)" : "");
    }
  }

 private:
  struct Entry {
    double us = 0.0, gflops = 0.0;
    bool from_median = false;
  };
  struct Timing {
    Entry engine, reference;
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
    const double diff = worst_disagreement(net.scenario);
    std::fprintf(stderr, "agreement %-7s engine vs reference: max relative difference %.2e%s\n",
                 net.name.c_str(), diff, diff <= kAgreementTolerance ? "" : "  FAIL");
    agree = agree && diff <= kAgreementTolerance;
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
                                 [s](benchmark::State& st) { run_reference(st, s); })
        ->Unit(benchmark::kMicrosecond);
  }

  SummaryReporter summary(color);
  if (console)
    benchmark::RunSpecifiedBenchmarks(&summary);
  else
    benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
