#include "engine/scenario.hpp"

#include <cmath>
#include <random>

#include "data/batching.hpp"
#include "engine/random.hpp"

namespace bpv {
namespace {

Eigen::MatrixXd fill(const InitSpec& init, int rows, int cols, int fan_in, int fan_out,
                     std::uint64_t stream, bool bias) {
  Eigen::MatrixXd m(rows, cols);
  std::mt19937_64 rng(stream);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      double v = 0.0;
      if (init.scheme == "constant") {
        v = init.value;
      } else if (init.scheme == "uniform") {
        v = init.low + (init.high - init.low) * unit_uniform(rng);
      } else if (bias) {
        v = 0.0;  // xavier / he: biases start at zero
      } else if (init.scheme == "he_normal") {
        v = std::sqrt(2.0 / fan_in) * standard_normal(rng);
      } else {  // xavier_uniform
        const double limit = std::sqrt(6.0 / (fan_in + fan_out));
        v = -limit + 2.0 * limit * unit_uniform(rng);
      }
      m(r, c) = v;
    }
  }
  return m;
}

}  // namespace

std::uint64_t init_stream(std::uint64_t seed, int layer, bool bias) {
  // Independent streams per layer and kind.
  return mix_seed(seed, static_cast<std::uint64_t>(2 * layer + (bias ? 1 : 0)));
}

Eigen::MatrixXd init_weights(const InitSpec& init, int fan_in, int fan_out, std::uint64_t stream) {
  return fill(init, fan_in, fan_out, fan_in, fan_out, stream, false);
}

Eigen::MatrixXd init_bias(const InitSpec& init, int size, std::uint64_t stream) {
  return fill(init, 1, size, 1, size, stream, true);
}

const std::vector<std::string_view>& init_schemes() {
  static const std::vector<std::string_view> schemes = {"xavier_uniform", "he_normal", "uniform", "constant"};
  return schemes;
}

bool is_init_scheme(std::string_view scheme) {
  for (std::string_view s : init_schemes())
    if (s == scheme) return true;
  return false;
}

Scenario seed_scenario() {
  Scenario s;
  s.name = "Seed example (3-3-3-3)";
  s.description =
      "The worked example of the blog post 'Understanding Back Propagation': "
      "ReLU, sigmoid, softmax, binary cross-entropy, one example.";
  s.input_size = 3;
  auto layer = [](const char* act, std::initializer_list<std::initializer_list<double>> w) {
    Layer l;
    l.activation = find_activation(act);
    l.weights = Eigen::MatrixXd(3, 3);
    int r = 0;
    for (auto row : w) {
      int c = 0;
      for (double v : row) l.weights(r, c++) = v;
      ++r;
    }
    l.bias = Eigen::MatrixXd::Constant(1, 3, 1.0);
    return l;
  };
  s.layers.push_back(layer("relu", {{0.1, 0.2, 0.3}, {0.3, 0.2, 0.7}, {0.4, 0.3, 0.9}}));
  s.layers.push_back(layer("sigmoid", {{0.2, 0.3, 0.5}, {0.3, 0.5, 0.7}, {0.6, 0.4, 0.8}}));
  s.layers.push_back(layer("softmax", {{0.1, 0.4, 0.8}, {0.3, 0.7, 0.2}, {0.5, 0.2, 0.9}}));
  s.loss = find_loss("binary_cross_entropy");
  s.learning_rate = 0.01;
  s.inputs = Eigen::MatrixXd(1, 3);
  s.inputs << 0.1, 0.2, 0.7;
  s.targets = Eigen::MatrixXd(1, 3);
  s.targets << 1.0, 0.0, 0.0;
  return s;
}

void advance_progress(Scenario& sc) {
  sc.progress = next_progress(sc.train_rows(), sc.data.batching, sc.progress);
}

void fill_mini_batch(const Scenario& sc, const std::vector<int>& order, Eigen::MatrixXd& inputs,
                     Eigen::MatrixXd& targets, Eigen::MatrixXd& rows) {
  const BatchSpan span = batch_span(sc.data.train_rows(), sc.data.batching, sc.progress);
  const Eigen::Index cols = sc.input_size, outs = sc.data.train_targets.cols();
  if (inputs.rows() != span.count || inputs.cols() != cols) inputs.resize(span.count, cols);
  if (targets.rows() != span.count || targets.cols() != outs) targets.resize(span.count, outs);
  if (rows.rows() != 1 || rows.cols() != span.count) rows.resize(1, span.count);
  for (int r = 0; r < span.count; ++r) {
    const int row = order[static_cast<std::size_t>(span.first + r)];
    compute_features_row(sc.data.features, sc.data.train_raw, row, inputs, r);
    targets.row(r) = sc.data.train_targets.row(row);
    rows(0, r) = row;
  }
}

void load_mini_batch(Scenario& sc) {
  std::vector<int> order;
  epoch_order(sc.data.train_rows(), sc.data.batching, sc.progress.epoch, order);
  Eigen::MatrixXd rows;
  fill_mini_batch(sc, order, sc.inputs, sc.targets, rows);
}

}  // namespace bpv
