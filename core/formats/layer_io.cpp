#include "formats/layer_io.hpp"

#include <algorithm>

#include "layers/layer_kind.hpp"

namespace bpv {
namespace layer_io {

using Reader = FieldReader;

int read_int(const Reader& rd, const json& lj, const char* key, const std::string& f, int lo, int hi, int fallback) {
  const json* j = rd.find(lj, key);
  return j ? static_cast<int>(rd.integer(*j, f + "." + key, lo, hi)) : fallback;
}

const Activation* read_activation(const Reader& rd, const json& lj, const std::string& f) {
  const json* j = rd.find(lj, "activation");
  if (!j) return find_activation("identity");
  const std::string name = rd.string(*j, f + ".activation");
  const Activation* act = find_activation(name);
  if (!act) rd.fail(f + ".activation", "unknown activation '" + name + "'");
  if (!act->elementwise()) rd.fail(f + ".activation", "softmax is for the dense output layer");
  return act;
}

void need_image(const Reader& rd, const std::string& f, std::string_view type, const LayerInput& input, int l) {
  if (input.shape.empty())
    rd.fail(f + ".type", "a " + std::string(type) + " layer needs an image below it (input_shape [C, H, W], or a " +
                             "conv or pooling layer), but " + (l == 1 ? std::string("the input has no shape")
                                                                       : "layer " + std::to_string(l - 1) +
                                                                             "'s output is flat (dense)"));
}

// H′ = ⌊(H + 2p − k)/s⌋ + 1, W′ likewise; none left is an error naming the layer.
Shape output_shape(const Reader& rd, const std::string& f, const Shape& in, int channels, int k, int s, int p) {
  const int rows = (in.rows + 2 * p - k) / s + 1, cols = (in.cols + 2 * p - k) / s + 1;
  if (in.rows + 2 * p < k || in.cols + 2 * p < k || rows < 1 || cols < 1)
    rd.fail(f + ".kernel", "a " + std::to_string(k) + "×" + std::to_string(k) + " window does not fit the " +
                               std::to_string(in.rows) + "×" + std::to_string(in.cols) + " input" +
                               (p ? " with padding " + std::to_string(p) : std::string()) + ": no output is left");
  const Shape out{channels, rows, cols};
  if (out.size() > kMaxNeurons)
    rd.fail(f, "its output, " + std::to_string(channels) + "×" + std::to_string(rows) + "×" + std::to_string(cols) +
                   " = " + std::to_string(out.size()) + " values, is over " + std::to_string(kMaxNeurons));
  return out;
}

void no_size_but(const Reader& rd, const json& lj, const std::string& f, int size, const char* why) {
  if (const json* j = rd.find(lj, "size"))
    if (rd.integer(*j, f + ".size", 1, kMaxNeurons) != size)
      rd.fail(f + ".size", std::string(why) + ", " + std::to_string(size));
}

// C′ × C × k × k nested arrays as the (C·k·k) × C′ matrix.
Eigen::MatrixXd read_kernels(const Reader& rd, const json& j, const std::string& f, const Layer& layer) {
  const int c_out = layer.channels, c_in = layer.in_shape.channels, k = layer.kernel;
  Eigen::MatrixXd w(c_in * k * k, c_out);
  auto array_of = [&](const json& a, const std::string& field, int n) {
    if (!a.is_array()) rd.fail(field, "expected an array of " + std::to_string(n) + ", got " + Reader::type_of(a));
    if (static_cast<int>(a.size()) != n)
      rd.fail(field, "expected " + std::to_string(n) + " entries (C′ × C × k × k = " + std::to_string(c_out) + " × " +
                         std::to_string(c_in) + " × " + std::to_string(k) + " × " + std::to_string(k) + "), got " +
                         std::to_string(a.size()));
  };
  array_of(j, f, c_out);
  for (int o = 0; o < c_out; ++o) {
    const std::string fo = f + "[" + std::to_string(o) + "]";
    array_of(j[o], fo, c_in);
    for (int c = 0; c < c_in; ++c) {
      const std::string fc = fo + "[" + std::to_string(c) + "]";
      const Eigen::MatrixXd kernel = rd.matrix(j[o][c], fc, k, k);
      for (int u = 0; u < k; ++u)
        for (int v = 0; v < k; ++v) w((c * k + u) * k + v, o) = kernel(u, v);
    }
  }
  return w;
}

json kernels_json(const Layer& layer, const Eigen::MatrixXd& w) {
  const int k = layer.kernel;
  json all = json::array();
  for (int o = 0; o < layer.channels; ++o) {
    json per_input = json::array();
    for (int c = 0; c < layer.in_shape.channels; ++c) {
      Eigen::MatrixXd kernel(k, k);
      for (int u = 0; u < k; ++u)
        for (int v = 0; v < k; ++v) kernel(u, v) = w((c * k + u) * k + v, o);
      per_input.push_back(matrix_to_json(kernel));
    }
    all.push_back(std::move(per_input));
  }
  return all;
}

Eigen::MatrixXd feature_row(const Reader& rd, const json& lj, const char* key, const std::string& f, int n,
                            double fill, bool positive) {
  const json* j = rd.find(lj, key);
  if (!j) return Eigen::MatrixXd::Constant(1, n, fill);
  Eigen::MatrixXd row = rd.row(*j, f + "." + key, n);
  if (positive && (row.array() < 0.0).any()) rd.fail(f + "." + key, "a variance must not be negative");
  return row;
}

}  // namespace layer_io

using Reader = FieldReader;

Layer read_typed_layer(const Reader& rd, const json& lj, const std::string& f, const LayerKindDef& kind,
                       const LayerInput& input, const Scenario& sc, int l, bool last) {
  if (last) rd.fail(f + ".type", "the last layer is the output the loss reads: it must be dense");
  if (!kind.read) rd.fail(f + ".type", "'" + std::string(kind.type) + "' layers are read as dense ones");
  Layer layer = kind.read(rd, lj, f, input, sc, l);
  layer.kind = &kind;
  return layer;
}

json typed_layer_json(const Layer& layer) {
  const LayerKindDef& kind = layer_kind(layer);
  json j{{"type", std::string(kind.type)}};
  if (kind.write) kind.write(layer, j);
  return j;
}

std::string_view parameter_key(const Layer& layer, bool bias) {
  return bias ? layer_kind(layer).bias_key : layer_kind(layer).weight_key;
}

json parameter_json(const Layer& layer, const Eigen::MatrixXd& m, bool bias) {
  if (bias) return row_to_json(m);
  if (const auto spelled = layer_kind(layer).weights_json) return spelled(layer, m);
  return matrix_to_json(m);
}

Eigen::MatrixXd read_parameter(const Reader& rd, const json& j, const std::string& f, const Layer& layer, bool bias) {
  if (bias) return rd.row(j, f, static_cast<int>(layer.bias.cols()));
  if (const auto spelled = layer_kind(layer).read_weights) return spelled(rd, j, f, layer);
  return rd.matrix(j, f, layer.fan_in(), layer.size());
}

std::string training_batch_problem(const Scenario& sc) {
  // The batch sizes training will use: the whole set, or full mini-batches
  // and an epoch's short last one.
  const int rows = sc.train_rows();
  int smallest = rows;
  if (sc.data.batching) {
    const int size = std::min(sc.data.batching->size, rows);
    smallest = rows % size == 0 ? size : std::min(size, rows % size);
  }
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const Layer& layer = sc.layers[l - 1];
    if (const auto problem = layer_kind(layer).batch_problem)
      if (std::string why = problem(layer, l, smallest); !why.empty()) return why;
  }
  return "";
}

}  // namespace bpv
