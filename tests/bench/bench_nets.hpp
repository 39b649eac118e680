// The benchmark nets of issue 2 §7, built in code from seeded draws so the
// benchmark and the allocation test see the same numbers on every run:
//   N1     the seed net 3-3-3-3 (relu/sigmoid/softmax, binary_cross_entropy), batch 1
//   N2     2-8-8-8-8-8-8-1, tanh on every layer, mse, batch 1 and batch 32
//   N3     784-128-64-10, relu/relu/softmax, cross_entropy, batch 32
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/scenario.hpp"

namespace bpv::bench {

struct BenchNet {
  std::string name;  // "N3_b32": net and batch size
  Scenario scenario;
};

// A dense net with weights from `init`, inputs uniform in [input_low,
// input_high] and targets from `make_targets`, every draw seeded.
template <typename MakeTargets>
Scenario make_net(const std::string& name, int input_size,
                  const std::vector<std::pair<int, const char*>>& layers, const char* loss,
                  double learning_rate, int batch, const InitSpec& init, double input_low,
                  double input_high, MakeTargets make_targets) {
  Scenario s;
  s.name = name;
  s.input_size = input_size;
  int fan_in = input_size;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const int l = static_cast<int>(i) + 1;
    Layer layer;
    layer.activation = find_activation(layers[i].second);
    layer.weights = init_weights(init, fan_in, layers[i].first, init_stream(init.seed, l, false));
    layer.bias = init_bias(init, layers[i].first, init_stream(init.seed, l, true));
    s.layers.push_back(std::move(layer));
    fan_in = layers[i].first;
  }
  s.loss = find_loss(loss);
  s.learning_rate = learning_rate;
  InitSpec data;
  data.scheme = "uniform";
  data.low = input_low;
  data.high = input_high;
  s.inputs = init_weights(data, batch, input_size, init.seed ^ 0xDA7Aull);
  s.targets = make_targets(batch, s.output_size(), init.seed ^ 0x7A26E7ull);
  s.has_init = true;
  s.init = init;
  return s;
}

inline Scenario n2_tanh_net(int batch) {
  InitSpec init;
  init.scheme = "xavier_uniform";
  init.seed = 2;
  const char* t = "tanh";
  return make_net("N2 2-8-8-8-8-8-8-1 tanh, mse", 2,
                  {{8, t}, {8, t}, {8, t}, {8, t}, {8, t}, {8, t}, {1, t}}, "mse", 0.05, batch,
                  init, -1.0, 1.0, [](int rows, int cols, std::uint64_t stream) {
                    InitSpec targets;
                    targets.scheme = "uniform";
                    targets.low = -0.8;
                    targets.high = 0.8;
                    return init_weights(targets, rows, cols, stream);
                  });
}

inline Scenario n3_mnist_shaped_net(int batch) {
  InitSpec init;
  init.scheme = "he_normal";
  init.seed = 3;
  return make_net("N3 784-128-64-10 relu/relu/softmax, cross_entropy", 784,
                  {{128, "relu"}, {64, "relu"}, {10, "softmax"}}, "cross_entropy", 0.01, batch,
                  init, 0.0, 1.0, [](int rows, int cols, std::uint64_t) {
                    // One-hot labels, every class used.
                    Eigen::MatrixXd y = Eigen::MatrixXd::Zero(rows, cols);
                    for (int b = 0; b < rows; ++b) y(b, (7 * b) % cols) = 1.0;
                    return y;
                  });
}

// The cases of issue 2 §7, in the order the benchmark prints them.
inline std::vector<BenchNet> benchmark_nets() {
  return {{"N1_b1", seed_scenario()},
          {"N2_b1", n2_tanh_net(1)},
          {"N2_b32", n2_tanh_net(32)},
          {"N3_b32", n3_mnist_shaped_net(32)}};
}

inline long long parameter_count(const Scenario& s) {
  long long n = 0;
  for (const Layer& layer : s.layers) n += layer.weights.size() + layer.bias.size();
  return n;
}

// The usual estimate for one SGD step of a dense net: 2 FLOP per parameter per
// example for each of the forward product, ∂L/∂W and ∂L/∂a_prev.
inline double flops_per_step(const Scenario& s) {
  return 6.0 * static_cast<double>(parameter_count(s)) * s.batch_size();
}

}  // namespace bpv::bench
