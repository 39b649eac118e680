#include "formats/layer_io.hpp"

#include <algorithm>

#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

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

bool is_conv(const Layer& layer) { return layer.kind && layer.kind->type == "conv2d"; }
bool is_batch_norm(const Layer& layer) { return layer.kind && layer.kind->type == "batch_norm"; }

Layer read_conv(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input, const Scenario& sc,
                int l) {
  need_image(rd, f, "conv2d", input, l);
  rd.only_keys(lj, {"type", "channels", "kernel", "stride", "padding", "activation", "weights", "bias", "size"}, f);
  Layer layer;
  layer.channels = static_cast<int>(rd.integer(rd.require(lj, "channels", f + ".channels"), f + ".channels", 1, kMaxChannels));
  layer.kernel = static_cast<int>(rd.integer(rd.require(lj, "kernel", f + ".kernel"), f + ".kernel", 1, kMaxKernel));
  layer.stride = read_int(rd, lj, "stride", f, 1, kMaxNeurons, 1);
  layer.padding = read_int(rd, lj, "padding", f, 0, kMaxKernel, 0);
  layer.activation = read_activation(rd, lj, f);
  layer.in_shape = input.shape;
  layer.out_shape = output_shape(rd, f, input.shape, layer.channels, layer.kernel, layer.stride, layer.padding);
  layer.width = layer.out_shape.size();
  no_size_but(rd, lj, f, layer.width, "a conv2d layer's size is C′·H′·W′");
  const int fan_in = input.shape.channels * layer.kernel * layer.kernel;
  if (const json* w = rd.find(lj, "weights")) layer.weights = read_kernels(rd, *w, f + ".weights", layer);
  else if (sc.has_init) layer.weights = init_weights(sc.init, fan_in, layer.channels, init_stream(sc.init.seed, l, false));
  else rd.fail(f + ".weights", "missing, and there is no \"init\" block to fill it");
  if (const json* b = rd.find(lj, "bias")) layer.bias = rd.row(*b, f + ".bias", layer.channels);
  else if (sc.has_init) layer.bias = init_bias(sc.init, layer.channels, init_stream(sc.init.seed, l, true));
  else layer.bias = Eigen::MatrixXd::Zero(1, layer.channels);
  return layer;
}

Layer read_pool(const Reader& rd, const json& lj, const std::string& f, std::string_view type,
                const LayerInput& input, int l) {
  need_image(rd, f, type, input, l);
  rd.only_keys(lj, {"type", "kernel", "stride", "size"}, f);
  Layer layer;
  layer.activation = find_activation("identity");
  layer.kernel = static_cast<int>(rd.integer(rd.require(lj, "kernel", f + ".kernel"), f + ".kernel", 1, kMaxKernel));
  layer.stride = read_int(rd, lj, "stride", f, 1, kMaxNeurons, layer.kernel);
  layer.in_shape = input.shape;
  layer.out_shape = output_shape(rd, f, input.shape, input.shape.channels, layer.kernel, layer.stride, 0);
  layer.width = layer.out_shape.size();
  no_size_but(rd, lj, f, layer.width, "a pooling layer's size is C·H′·W′");
  return layer;
}

Eigen::MatrixXd feature_row(const Reader& rd, const json& lj, const char* key, const std::string& f, int n,
                            double fill, bool positive) {
  const json* j = rd.find(lj, key);
  if (!j) return Eigen::MatrixXd::Constant(1, n, fill);
  Eigen::MatrixXd row = rd.row(*j, f + "." + key, n);
  if (positive && (row.array() < 0.0).any()) rd.fail(f + "." + key, "a variance must not be negative");
  return row;
}

Layer read_batch_norm(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input) {
  if (rd.find(lj, "weights") || rd.find(lj, "bias")) rd.fail(f, "a batch_norm layer's parameters are gamma and beta");
  rd.only_keys(lj, {"type", "activation", "momentum", "eps", "gamma", "beta", "running_mean", "running_var", "size", "backward"}, f);
  Layer layer;
  layer.activation = read_activation(rd, lj, f);
  layer.in_shape = layer.out_shape = input.shape;
  layer.width = input.width;
  no_size_but(rd, lj, f, layer.width, "a batch_norm layer keeps its input's size");
  if (const json* m = rd.find(lj, "momentum")) {
    layer.momentum = rd.number(*m, f + ".momentum");
    if (layer.momentum < 0.0 || layer.momentum > 1.0) rd.fail(f + ".momentum", "must be in [0, 1]");
  }
  if (const json* e = rd.find(lj, "eps")) {
    layer.eps = rd.number(*e, f + ".eps");
    if (!(layer.eps > 0.0)) rd.fail(f + ".eps", "must be > 0");
  }
  const int n = input.shape.empty() ? input.width : input.shape.channels;
  layer.weights = feature_row(rd, lj, "gamma", f, n, 1.0, false);
  layer.bias = feature_row(rd, lj, "beta", f, n, 0.0, false);
  layer.running_mean = feature_row(rd, lj, "running_mean", f, n, 0.0, false);
  layer.running_var = feature_row(rd, lj, "running_var", f, n, 1.0, true);
  if (const json* b = rd.find(lj, "backward")) {
    const std::string mode = rd.string(*b, f + ".backward");
    if (mode != "compact" && mode != "graph") rd.fail(f + ".backward", "expected \"compact\" or \"graph\"");
    layer.graph_backward = mode == "graph";
  }
  return layer;
}

// {"type": "dropout", "p": 0.25, "seed": 9}: the layer keeps its input's size.
Layer read_dropout(const Reader& rd, const json& lj, const std::string& f, const LayerInput& input) {
  if (rd.find(lj, "weights") || rd.find(lj, "bias")) rd.fail(f, "a dropout layer has no weights or bias");
  Layer layer;
  layer.activation = find_activation("identity");
  layer.width = input.width;
  layer.in_shape = layer.out_shape = input.shape;
  no_size_but(rd, lj, f, layer.width, "a dropout layer keeps its input's size");
  if (const json* p = rd.find(lj, "p")) {
    layer.dropout_p = rd.number(*p, f + ".p");
    if (!(layer.dropout_p >= 0.0 && layer.dropout_p < 1.0)) rd.fail(f + ".p", "must be in [0, 1)");
  }
  if (const json* seed = rd.find(lj, "seed")) {
    if (!seed->is_number_unsigned() && !(seed->is_number_integer() && seed->get<long long>() >= 0))
      rd.fail(f + ".seed", "expected a non-negative integer");
    layer.dropout_seed = seed->get<std::uint64_t>();
  }
  return layer;
}

}  // namespace

Layer read_typed_layer(const Reader& rd, const json& lj, const std::string& f, const LayerKindDef& kind,
                       const LayerInput& input, const Scenario& sc, int l, bool last) {
  if (last) rd.fail(f + ".type", "the last layer is the output the loss reads: it must be dense");
  Layer layer = kind.type == "conv2d"       ? read_conv(rd, lj, f, input, sc, l)
                : kind.type == "batch_norm" ? read_batch_norm(rd, lj, f, input)
                : kind.type == "dropout"    ? read_dropout(rd, lj, f, input)
                                            : read_pool(rd, lj, f, kind.type, input, l);
  layer.kind = &kind;
  return layer;
}

json typed_layer_json(const Layer& layer) {
  const std::string type(layer_kind(layer).type);
  json j{{"type", type}};
  if (type == "dropout") {
    j["p"] = layer.dropout_p;
    j["seed"] = layer.dropout_seed;
  } else if (type == "conv2d") {
    j["channels"] = layer.channels;
    j["kernel"] = layer.kernel;
    j["stride"] = layer.stride;
    j["padding"] = layer.padding;
    j["activation"] = std::string(layer.activation->name);
    j["weights"] = kernels_json(layer, layer.weights);
    j["bias"] = row_to_json(layer.bias);
  } else if (type == "batch_norm") {
    j["activation"] = std::string(layer.activation->name);
    j["momentum"] = layer.momentum;
    j["eps"] = layer.eps;
    j["gamma"] = row_to_json(layer.weights);
    j["beta"] = row_to_json(layer.bias);
    j["running_mean"] = row_to_json(layer.running_mean);
    j["running_var"] = row_to_json(layer.running_var);
    if (layer.graph_backward) j["backward"] = "graph";  // "compact", the default, is not written
  } else {
    j["kernel"] = layer.kernel;
    j["stride"] = layer.stride;
  }
  return j;
}

std::string_view parameter_key(const Layer& layer, bool bias) {
  if (is_batch_norm(layer)) return bias ? "beta" : "gamma";
  return bias ? "bias" : "weights";
}

json parameter_json(const Layer& layer, const Eigen::MatrixXd& m, bool bias) {
  if (bias || is_batch_norm(layer)) return row_to_json(m);
  if (is_conv(layer)) return kernels_json(layer, m);
  return matrix_to_json(m);
}

Eigen::MatrixXd read_parameter(const Reader& rd, const json& j, const std::string& f, const Layer& layer, bool bias) {
  if (bias || is_batch_norm(layer)) return rd.row(j, f, static_cast<int>(bias ? layer.bias.cols() : layer.weights.cols()));
  if (is_conv(layer)) return read_kernels(rd, j, f, layer);
  return rd.matrix(j, f, layer.fan_in(), layer.size());
}

std::string batch_norm_batch_problem(const Scenario& sc) {
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
    if (!is_batch_norm(layer)) continue;
    const int per = layer.in_shape.empty() ? 1 : layer.in_shape.plane();
    if (static_cast<long long>(smallest) * per < 2)
      return "layer " + std::to_string(l) + " (batch_norm) would normalise over a training batch of " +
             std::to_string(smallest) + " example" + (smallest == 1 ? "" : "s") +
             ": batch norm needs at least 2 values per feature";
  }
  return "";
}

}  // namespace bpv
