#include "engine/edits.hpp"
#include "layers/layer_kind.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "data/batching.hpp"
#include "engine/describe.hpp"
#include "optimizers/optimizer.hpp"
#include "formats/scenario_io.hpp"

namespace bpv {
namespace {

std::string check_finite(double v) { return std::isfinite(v) ? "" : "the value must be a finite number"; }

bool in(int v, int lo, int hi) { return v >= lo && v < hi; }

// Rows `at` of m removed / a row inserted; the same for columns.
Eigen::MatrixXd without_row(const Eigen::MatrixXd& m, int at) {
  Eigen::MatrixXd out(m.rows() - 1, m.cols());
  out << m.topRows(at), m.bottomRows(m.rows() - at - 1);
  return out;
}
Eigen::MatrixXd without_col(const Eigen::MatrixXd& m, int at) {
  Eigen::MatrixXd out(m.rows(), m.cols() - 1);
  out << m.leftCols(at), m.rightCols(m.cols() - at - 1);
  return out;
}

// Draws for new connections: the init scheme's distribution for that shape,
// from a stream of the seed that depends on the layer and the new size, so
// the same edit on the same network gives the same numbers.
Eigen::MatrixXd fresh(const Scenario& sc, int rows, int cols, int fan_in, int fan_out, int layer,
                      int salt, bool bias) {
  const Eigen::MatrixXd full = bias ? init_bias(sc.init, cols, init_stream(sc.init.seed + salt, layer, true))
                                    : init_weights(sc.init, fan_in, fan_out, init_stream(sc.init.seed + salt, layer, false));
  return full.topLeftCorner(rows, cols);
}

// With a data set the inputs are its features, computed from raw rows by the
// mini-batch op, and x and y are written by that op each step: an input
// neuron or a number of the batch edited here would not be what the network sees.
constexpr const char* kDataSetInputs = "the inputs of a data set are its features: choose them in the Data tab";
constexpr const char* kDataSetRows = "the mini-batch op writes x and y from the data set: add or remove its points in the Data tab";

// Neurons are added to and removed from a dense layer (or a plain input)
// whose next layer is dense: the size of a conv, pooling, batch-norm or
// dropout layer follows from its input's shape.
std::string resizable(const Scenario& sc, int l) {
  const auto named = [&](int at) { return "layer " + std::to_string(at) + " (" + std::string(layer_kind(sc.layers[at - 1]).type) + ")"; };
  if (l >= 1 && !sc.layers[l - 1].dense()) return "the size of " + named(l) + " follows from its input: change it in the layer's settings";
  if (l == 0 && sc.input_channels > 1) return "the input is an image of several channels: its size is its shape";
  if (!sc.layers[l].dense()) return named(l + 1) + " takes its shape from this layer: neurons are added to a layer followed by a dense one";
  return "";
}

std::string add_neuron(Scenario& sc, int l) {
  if (!in(l, 0, sc.layer_count())) return "a neuron can be added to the input or a hidden layer, not the output (it must match the targets)";
  if (std::string why = resizable(sc, l); !why.empty()) return why;
  if (l == 0 && sc.data.active()) return kDataSetInputs;
  const int n = sc.width(l);
  if (n >= kMaxNeurons) return "a layer has at most " + std::to_string(kMaxNeurons) + " neurons";
  const int salt = n + 1;
  if (l == 0) {
    sc.inputs.conservativeResize(Eigen::NoChange, n + 1);
    sc.inputs.col(n).setZero();
    sc.input_size = n + 1;
  } else {
    Layer& layer = sc.layers[l - 1];
    layer.weights.conservativeResize(Eigen::NoChange, n + 1);
    layer.weights.col(n) = fresh(sc, layer.fan_in(), 1, layer.fan_in(), n + 1, l, salt, false).col(0);
    layer.bias.conservativeResize(Eigen::NoChange, n + 1);
    layer.bias(0, n) = fresh(sc, 1, 1, 1, n + 1, l, salt, true)(0, 0);
  }
  Layer& next = sc.layers[l];
  next.weights.conservativeResize(n + 1, Eigen::NoChange);
  next.weights.row(n) = fresh(sc, 1, next.size(), n + 1, next.size(), l + 1, salt, false).row(0);
  return "";
}

std::string remove_neuron(Scenario& sc, int l, int j) {
  if (!in(l, 0, sc.layer_count())) return "neurons can be removed from the input or a hidden layer, not the output";
  if (!in(j, 0, sc.width(l))) return "no such neuron";
  if (sc.width(l) == 1) return "a layer needs at least one neuron";
  if (std::string why = resizable(sc, l); !why.empty()) return why;
  if (l == 0 && sc.data.active()) return kDataSetInputs;
  if (l == 0) {
    sc.inputs = without_col(sc.inputs, j);
    sc.input_size -= 1;
  } else {
    Layer& layer = sc.layers[l - 1];
    layer.weights = without_col(layer.weights, j);
    layer.bias = without_col(layer.bias, j);
  }
  sc.layers[l].weights = without_row(sc.layers[l].weights, j);
  return "";
}


// ---- Data set edits (formats.md §5) ----

std::vector<Feature> raw_features(int count) {
  std::vector<Feature> out(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) out[static_cast<std::size_t>(k)].a = k;
  return out;
}

// A scenario without a data set holds its training set in inputs / targets:
// a data edit first moves them into the data set, raw (no features yet).
void adopt_rows_as_data_set(Scenario& sc) {
  DataSet& d = sc.data;
  if (d.active()) return;
  d.train_raw = sc.inputs;
  d.train_targets = sc.targets;
  d.raw_size = sc.input_size;
}

bool tanh_output(const Scenario& sc) {
  return sc.output_size() == 1 && sc.layers.back().activation->name == "tanh";
}

// The target row of class `cls` shaped like the set's targets (formats.md §5:
// one-hot with class 0 → [1, 0]; one neuron 0 / 1, or −1 / +1 where the set
// uses it).
Eigen::RowVectorXd class_target(const Scenario& sc, int cls) {
  const DataSet& d = sc.data;
  const Eigen::Index outs = d.train_targets.cols();
  Eigen::RowVectorXd t = Eigen::RowVectorXd::Zero(outs);
  if (outs == 2) {
    t(cls == 0 ? 0 : 1) = 1.0;
  } else {
    const bool minus_one = d.generator ? tanh_output(sc) : d.train_targets.minCoeff() < 0;
    t.setConstant(cls == 1 ? 1.0 : (minus_one ? -1.0 : 0.0));
  }
  return t;
}

// What every data edit ends with: the data set stays a data set, progress
// stays inside an epoch, and inputs / targets hold the mini-batch it points at.
std::string finish_data_edit(Scenario& sc) {
  DataSet& d = sc.data;
  if (d.train_rows() < 1) return "the training set needs at least one row";
  if (!d.active()) d.features = raw_features(d.raw_size);
  const long long per_epoch = steps_per_epoch(d.train_rows(), d.batching);
  if (sc.progress.step_in_epoch >= per_epoch) sc.progress.step_in_epoch = per_epoch - 1;
  if (batch_span(d.train_rows(), d.batching, sc.progress).count > kMaxBatch)
    return "a step takes at most " + std::to_string(kMaxBatch) + " rows: choose a batch size";
  load_mini_batch(sc);
  return "";
}

std::string set_data_generator(Scenario& sc, const DataGenerator& g) {
  const auto& names = generator_names();
  if (std::find(names.begin(), names.end(), g.name) == names.end()) return "unknown data set '" + g.name + "'";
  if (g.samples < 2 || g.samples > kMaxSamples) return "a data set has 2 to " + std::to_string(kMaxSamples) + " samples";
  if (!(g.noise >= 0 && g.noise <= 0.5)) return "the noise must be between 0 and 0.5";
  if (!(g.test_fraction >= 0 && g.test_fraction < 1)) return "the test fraction must be at least 0 and less than 1";
  if (g.samples - static_cast<long long>(std::floor(g.test_fraction * g.samples)) < 1)
    return "the test fraction leaves no training rows";
  DataSet& d = sc.data;
  if (d.features.empty() && sc.input_size != 2)
    return "the network has " + std::to_string(sc.input_size) +
           " inputs and the data set gives two (x₁, x₂): choose features first";
  if (!d.features.empty() && raw_inputs_needed(d.features) > 2)
    return "the features name x" + std::to_string(raw_inputs_needed(d.features)) + " and the data set has x₁ and x₂ only";
  GeneratedData data;
  try {
    data = generate_data(g, sc.output_size(), tanh_output(sc));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  d.generator = g;
  d.raw_size = 2;
  d.train_raw = std::move(data.train_raw);
  d.train_targets = std::move(data.train_targets);
  d.test_raw = std::move(data.test_raw);
  d.test_targets = std::move(data.test_targets);
  sc.progress = Progress{};  // new points: training starts over
  return finish_data_edit(sc);
}

// Rows of `m` in the order `from` names (−1: the row of `fresh_rows`).
Eigen::MatrixXd pick_rows(const Eigen::MatrixXd& m, const std::vector<int>& from, const Eigen::MatrixXd& fresh_rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(from.size()), m.cols());
  for (std::size_t k = 0; k < from.size(); ++k)
    out.row(static_cast<Eigen::Index>(k)) = from[k] >= 0 ? m.row(from[k]) : fresh_rows.row(static_cast<Eigen::Index>(k));
  return out;
}

std::string set_features(Scenario& sc, const std::vector<Feature>& features) {
  if (static_cast<int>(features.size()) > kMaxNeurons) return "at most " + std::to_string(kMaxNeurons) + " features";
  for (const Feature& f : features)
    if (f.a < 0 || f.b < 0) return "no such raw input";
  adopt_rows_as_data_set(sc);
  DataSet& d = sc.data;
  const int needed = raw_inputs_needed(features);
  if (needed > d.raw_size)
    return "the features name x" + std::to_string(needed) + " but the rows have " + std::to_string(d.raw_size) + " raw inputs";
  const std::vector<Feature> old = d.features.empty() ? raw_features(d.raw_size) : d.features;
  const std::vector<Feature> next = features.empty() ? raw_features(d.raw_size) : features;
  // A feature the network already had keeps its weights (and optimizer
  // state); a new one's row comes from the init scheme, as a new input's does.
  std::vector<int> from(next.size(), -1);
  for (std::size_t k = 0; k < next.size(); ++k) {
    const auto it = std::find(old.begin(), old.end(), next[k]);
    if (it != old.end()) from[k] = static_cast<int>(it - old.begin());
  }
  const int n = static_cast<int>(next.size());
  Layer& first = sc.layers[0];
  const Eigen::MatrixXd fresh_rows = fresh(sc, n, first.size(), n, first.size(), 1, 3000 + n, false);
  first.weights = pick_rows(first.weights, from, fresh_rows);
  if (!sc.optimizer_state.layers.empty())
    for (Eigen::MatrixXd& m : sc.optimizer_state.layers[0].weights.tensors)
      if (m.size() != 0) m = pick_rows(m, from, Eigen::MatrixXd::Zero(n, m.cols()));
  sc.input_size = n;
  d.features = features;
  return finish_data_edit(sc);
}

std::string set_batching(Scenario& sc, const std::optional<Batching>& b) {
  if (b && (b->size < 1 || b->size > kMaxBatch)) return "a batch size is 1 to " + std::to_string(kMaxBatch);
  adopt_rows_as_data_set(sc);
  sc.data.batching = b;
  sc.progress.step_in_epoch = 0;
  return finish_data_edit(sc);
}

std::string point_edit_problem(const Scenario& sc) {
  const int raw = sc.data.active() ? sc.data.raw_size : sc.input_size;
  if (raw != 2) return "points can be added and removed in a data set of two raw inputs (x₁, x₂) only";
  return "";
}

Eigen::MatrixXd with_row(const Eigen::MatrixXd& m, const Eigen::RowVectorXd& row) {
  Eigen::MatrixXd out(m.rows() + 1, row.size());
  if (m.rows() > 0) out.topRows(m.rows()) = m;
  out.row(m.rows()) = row;
  return out;
}

std::string add_data_point(Scenario& sc, const edit::AddDataPoint& e) {
  if (!std::isfinite(e.x1) || !std::isfinite(e.x2) || !std::isfinite(e.label)) return "the point must have finite coordinates and label";
  if (auto err = point_edit_problem(sc); !err.empty()) return err;
  const bool classes = has_class_targets(sc);
  if (classes && e.label != 0 && e.label != 1) return "the class must be 0 or 1";
  adopt_rows_as_data_set(sc);
  DataSet& d = sc.data;
  Eigen::MatrixXd& raw = e.test ? d.test_raw : d.train_raw;
  Eigen::MatrixXd& targets = e.test ? d.test_targets : d.train_targets;
  if (raw.rows() >= kMaxSamples) return "a set has at most " + std::to_string(kMaxSamples) + " rows";
  const Eigen::RowVectorXd target = classes ? class_target(sc, static_cast<int>(e.label))
                                            : Eigen::RowVectorXd::Constant(d.train_targets.cols(), e.label);
  raw = with_row(raw, Eigen::RowVector2d(e.x1, e.x2));
  targets = with_row(targets, target);
  d.generator.reset();  // the rows are no longer the generator's
  return finish_data_edit(sc);
}

// The training row this step's mini-batch reads as `example`; −1 for none.
int mini_batch_row(const Scenario& sc, int example) {
  const std::vector<int> rows = batch_rows(sc.data.train_rows(), sc.data.batching, sc.progress);
  return in(example, 0, static_cast<int>(rows.size())) ? rows[static_cast<std::size_t>(example)] : -1;
}

std::string paint_image(Scenario& sc, const edit::PaintImage& e) {
  if (!sc.image_input()) return "the input layer is not an image (no input_shape)";
  if (static_cast<int>(e.pixels.size()) != sc.input_size)
    return "the image has " + std::to_string(sc.input_size) + " pixels, not " + std::to_string(e.pixels.size());
  for (double v : e.pixels)
    if (auto err = check_finite(v); !err.empty()) return err;
  const Eigen::Map<const Eigen::RowVectorXd> pixels(e.pixels.data(), static_cast<Eigen::Index>(e.pixels.size()));
  if (!sc.data.active()) {
    if (e.example < 0 || e.example >= sc.batch_size()) return "no such example";
    sc.inputs.row(e.example) = pixels;
    return "";
  }
  DataSet& d = sc.data;
  // The pixels are the network's inputs only while no feature is computed from them.
  if (d.raw_size != sc.input_size || (!d.features.empty() && d.features != raw_features(d.raw_size)))
    return "the inputs are features computed from the data: paint needs the raw pixels";
  const int row = mini_batch_row(sc, e.example);
  if (row < 0) return "no such example";
  d.train_raw.row(row) = pixels;
  d.generator.reset();  // the rows are no longer the generator's
  return finish_data_edit(sc);
}

std::string use_data_point(Scenario& sc, const edit::UseDataPoint& e) {
  DataSet& d = sc.data;
  if (e.test && !d.active()) return "the scenario has no test set";
  const Eigen::MatrixXd& raw = e.test ? d.test_raw : d.active() ? d.train_raw : sc.inputs;
  const Eigen::MatrixXd& targets = e.test ? d.test_targets : d.active() ? d.train_targets : sc.targets;
  if (!in(e.row, 0, static_cast<int>(raw.rows()))) return e.test ? "no such test point" : "no such training point";
  // Copies: the point may come from the matrix it is written into.
  const Eigen::RowVectorXd x = raw.row(e.row), y = targets.row(e.row);
  if (!d.active()) {
    if (!in(e.example, 0, sc.batch_size())) return "no such example";
    sc.inputs.row(e.example) = x;
    sc.targets.row(e.example) = y;
    return "";
  }
  const int to = mini_batch_row(sc, e.example);
  if (to < 0) return "no such example";
  d.train_raw.row(to) = x;
  d.train_targets.row(to) = y;
  d.generator.reset();  // the rows are no longer the generator's
  return finish_data_edit(sc);
}

std::string remove_data_point(Scenario& sc, const edit::RemoveDataPoint& e) {
  if (auto err = point_edit_problem(sc); !err.empty()) return err;
  adopt_rows_as_data_set(sc);
  DataSet& d = sc.data;
  Eigen::MatrixXd& raw = e.test ? d.test_raw : d.train_raw;
  Eigen::MatrixXd& targets = e.test ? d.test_targets : d.train_targets;
  if (!in(e.index, 0, static_cast<int>(raw.rows()))) return e.test ? "no such test point" : "no such training point";
  if (!e.test && raw.rows() == 1) return "the training set needs at least one row";
  raw = without_row(raw, e.index);
  targets = without_row(targets, e.index);
  d.generator.reset();
  return finish_data_edit(sc);
}

struct Applier {
  Scenario& sc;

  std::string operator()(const edit::SetWeight& e) {
    if (!in(e.layer, 1, sc.layer_count() + 1)) return "no such layer";
    Layer& layer = sc.layers[e.layer - 1];
    if (!in(e.row, 0, layer.fan_in()) || !in(e.col, 0, static_cast<int>(layer.weights.cols()))) return "no such weight";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    layer.weights(e.row, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::SetBias& e) {
    if (!in(e.layer, 1, sc.layer_count() + 1) || !in(e.col, 0, static_cast<int>(sc.layers[e.layer - 1].bias.cols())))
      return "no such bias";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    sc.layers[e.layer - 1].bias(0, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::SetInput& e) {
    if (sc.data.active()) return kDataSetRows;
    if (!in(e.example, 0, sc.batch_size()) || !in(e.col, 0, sc.input_size)) return "no such input";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    sc.inputs(e.example, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::SetTarget& e) {
    if (sc.data.active()) return kDataSetRows;
    if (!in(e.example, 0, sc.batch_size()) || !in(e.col, 0, sc.output_size())) return "no such target";
    if (auto err = check_finite(e.value); !err.empty()) return err;
    sc.targets(e.example, e.col) = e.value;
    return "";
  }
  std::string operator()(const edit::AddExample& e) {
    if (sc.data.active()) return kDataSetRows;
    if (sc.batch_size() >= kMaxBatch) return "a batch has at most " + std::to_string(kMaxBatch) + " examples";
    if (!in(e.copy_of, 0, sc.batch_size())) return "no such example";
    const int b = sc.batch_size();
    sc.inputs.conservativeResize(b + 1, Eigen::NoChange);
    sc.inputs.row(b) = sc.inputs.row(e.copy_of);
    sc.targets.conservativeResize(b + 1, Eigen::NoChange);
    sc.targets.row(b) = sc.targets.row(e.copy_of);
    return "";
  }
  std::string operator()(const edit::RemoveExample& e) {
    if (sc.data.active()) return kDataSetRows;
    if (!in(e.example, 0, sc.batch_size())) return "no such example";
    if (sc.batch_size() == 1) return "the batch needs at least one example";
    sc.inputs = without_row(sc.inputs, e.example);
    sc.targets = without_row(sc.targets, e.example);
    return "";
  }
  std::string operator()(const edit::SetLearningRate& e) {
    if (auto err = check_finite(e.value); !err.empty()) return err;
    if (e.value < 0) return "the learning rate must not be negative";
    // The loader's rule: a file with an optimizer needs η > 0.
    if (e.value == 0 && !sc.optimizer.name.empty()) return "the learning rate must be > 0 with an optimizer";
    sc.learning_rate = e.value;
    return "";
  }
  std::string operator()(const edit::SetLoss& e) {
    const Loss* loss = find_loss(e.name);
    if (!loss) return "unknown loss '" + e.name + "'";
    sc.loss = loss;
    return "";
  }
  std::string operator()(const edit::SetActivation& e) {
    if (!in(e.layer, 1, sc.layer_count() + 1)) return "no such layer";
    const Activation* act = find_activation(e.name);
    if (!act) return "unknown activation '" + e.name + "'";
    sc.layers[e.layer - 1].activation = act;
    return "";
  }
  std::string operator()(const edit::AddNeuron& e) { return add_neuron(sc, e.layer); }
  std::string operator()(const edit::RemoveNeuron& e) { return remove_neuron(sc, e.layer, e.index); }
  std::string operator()(const edit::AddLayer& e) {
    if (sc.layer_count() >= kMaxLayers) return "a network has at most " + std::to_string(kMaxLayers) + " layers";
    if (!in(e.after, 0, sc.layer_count())) return "a layer can be added before the output layer only";
    if (!in(e.size, 1, kMaxNeurons + 1)) return "a layer has 1 to " + std::to_string(kMaxNeurons) + " neurons";
    const Activation* act = find_activation(e.activation);
    if (!act) return "unknown activation '" + e.activation + "'";
    if (!sc.layers[e.after].dense())
      return "a dense layer goes before a dense layer: layer " + std::to_string(e.after + 1) + " (" +
             std::string(layer_kind(sc.layers[e.after]).type) + ") takes its shape from the layer before it";
    const int l = e.after + 1, fan_in = sc.width(e.after);
    Layer layer;
    layer.activation = act;
    layer.weights = fresh(sc, fan_in, e.size, fan_in, e.size, l, 1000 + e.size, false);
    layer.bias = fresh(sc, 1, e.size, 1, e.size, l, 1000 + e.size, true);
    // The layer after it now takes e.size inputs.
    Layer& next = sc.layers[e.after];
    next.weights = fresh(sc, e.size, next.size(), e.size, next.size(), l + 1, 1000 + e.size, false);
    sc.layers.insert(sc.layers.begin() + e.after, std::move(layer));
    return "";
  }
  std::string operator()(const edit::RemoveLayer& e) {
    if (!in(e.layer, 1, sc.layer_count())) return "only a hidden layer can be removed";
    const Layer& gone = sc.layers[e.layer - 1];
    if (!gone.dense() && gone.out_shape == gone.in_shape && gone.size() == sc.width(e.layer - 1)) {
      sc.layers.erase(sc.layers.begin() + (e.layer - 1));  // dropout, batch norm: what follows sees the same input
      std::vector<LayerOptimizerState>& states = sc.optimizer_state.layers;  // the others keep their own state
      if (states.size() >= static_cast<std::size_t>(e.layer)) states.erase(states.begin() + (e.layer - 1));
      return "";
    }
    if (!gone.dense() || !sc.layers[e.layer].dense())
      return "removing layer " + std::to_string(e.layer) + " would change the shape the layer after it reads: "
             "remove a dense layer between two dense ones, or a dropout or batch-norm layer";
    const int fan_in = sc.width(e.layer - 1);
    Layer& next = sc.layers[e.layer];
    next.weights = fresh(sc, fan_in, next.size(), fan_in, next.size(), e.layer, 2000 + fan_in, false);
    sc.layers.erase(sc.layers.begin() + (e.layer - 1));
    return "";
  }
  std::string operator()(const edit::InsertLayer& e) { return insert_layer(sc, e.after, e.layer); }
  std::string operator()(const edit::ReplaceLayer& e) { return replace_layer(sc, e.layer, e.spec); }
  std::string operator()(const edit::Reinitialize& e) {
    const InitSpec& init = e.init;
    if (!is_init_scheme(init.scheme))
      return "unknown init scheme '" + init.scheme + "'";
    if (!std::isfinite(init.low) || !std::isfinite(init.high) || !std::isfinite(init.value) || init.low > init.high)
      return "the init parameters must be finite, with low ≤ high";
    sc.init = init;
    sc.has_init = true;
    for (int l = 1; l <= sc.layer_count(); ++l) {
      Layer& layer = sc.layers[l - 1];
      const LayerKindDef& kind = layer_kind(layer);
      if (!kind.parameters) continue;  // pooling, dropout
      if (kind.reset_parameters) {
        kind.reset_parameters(layer);
        continue;
      }
      // A conv layer's W is (C·k·k) × C′, a dense one's n_prev × n: init by its own shape.
      const int fan_out = static_cast<int>(layer.weights.cols());
      layer.weights = init_weights(init, layer.fan_in(), fan_out, init_stream(init.seed, l, false));
      layer.bias = init_bias(init, fan_out, init_stream(init.seed, l, true));
    }
    return "";
  }
  std::string operator()(const edit::Rename& e) {
    sc.name = e.name;
    sc.description = e.description;
    return "";
  }
  std::string operator()(const edit::SetOptimizer& e) {
    std::string field;
    if (auto err = optimizer_problem(e.spec, field); !err.empty()) return field + ": " + err;
    if (!e.spec.name.empty() && !(sc.learning_rate > 0))
      return "the learning rate must be > 0 with an optimizer (set η first)";
    const bool same_kind = optimizer_kind(sc.optimizer) == optimizer_kind(e.spec);
    sc.optimizer = file_spec(e.spec);
    if (!same_kind) sc.optimizer_state = OptimizerState{};
    conform_optimizer_state(sc);
    return "";
  }
  std::string operator()(const edit::SetRegularization& e) {
    std::string field;
    if (auto err = regularization_problem(e.reg, field); !err.empty()) return field + ": " + err;
    sc.regularization = e.reg;
    return "";
  }
  std::string operator()(const edit::SetDataGenerator& e) { return set_data_generator(sc, e.generator); }
  std::string operator()(const edit::SetFeatures& e) { return set_features(sc, e.features); }
  std::string operator()(const edit::SetBatching& e) { return set_batching(sc, e.batching); }
  std::string operator()(const edit::AddDataPoint& e) { return add_data_point(sc, e); }
  std::string operator()(const edit::RemoveDataPoint& e) { return remove_data_point(sc, e); }
  std::string operator()(const edit::PaintImage& e) { return paint_image(sc, e); }
  std::string operator()(const edit::UseDataPoint& e) { return use_data_point(sc, e); }

  // "" (no optimizer in the file) and "sgd" are the same optimizer.
  static std::string_view optimizer_kind(const OptimizerSpec& spec) {
    return spec.name.empty() ? std::string_view("sgd") : std::string_view(spec.name);
  }
};

// "β₁ = 0.95", "amsgrad on": the fields the edit changes, or the optimizer's
// name when it changes (or nothing does).
std::string optimizer_label(const OptimizerSpec& now, const OptimizerSpec& next) {
  const std::string name = next.name.empty() ? "sgd" : next.name;
  const Optimizer* optimizer = find_optimizer(name);
  if ((now.name.empty() ? "sgd" : now.name) != name || !optimizer) return "optimizer = " + name;
  std::string changed;
  for (const OptimizerField& f : optimizer->fields) {
    std::string part;
    if (f.number && now.*f.number != next.*f.number)
      part = std::string(field_symbol(f.name)) + " = " + format_number(next.*f.number);
    if (f.flag && now.*f.flag != next.*f.flag) part = std::string(f.name) + (next.*f.flag ? " on" : " off");
    if (!part.empty()) changed += (changed.empty() ? "" : ", ") + part;
  }
  return changed.empty() ? "optimizer = " + name : changed;
}

std::string regularization_label(const Regularization& now, const Regularization& next) {
  std::string changed;
  if (now.l2 != next.l2) changed = "L2 λ = " + format_number(next.l2);
  if (now.l1 != next.l1) changed += (changed.empty() ? "" : ", ") + std::string("L1 λ = ") + format_number(next.l1);
  if (!next.active()) return "no regularization";
  return changed.empty() ? "regularization" : changed;
}

}  // namespace

std::string apply_edit(Scenario& scenario, const Edit& e) {
  // Structural edits work on a copy so a refusal half-way leaves no trace.
  if (is_value_edit(e)) return std::visit(Applier{scenario}, e);
  Scenario copy = scenario;
  std::string err = std::visit(Applier{copy}, e);
  // The loader's resource bounds hold for edited networks too, so an edit can
  // never make a network that could not be saved and opened again.
  if (err.empty()) err = resource_problem(copy);
  if (!err.empty()) return err;
  conform_optimizer_state(copy);  // one state per layer, each the shape of its parameter
  scenario = std::move(copy);
  return err;
}

bool is_value_edit(const Edit& e) {
  return std::holds_alternative<edit::SetWeight>(e) || std::holds_alternative<edit::SetBias>(e) ||
         std::holds_alternative<edit::SetInput>(e) || std::holds_alternative<edit::SetTarget>(e) ||
         std::holds_alternative<edit::SetLearningRate>(e);
}

double edited_value(const Scenario& sc, const Edit& e) {
  if (auto* w = std::get_if<edit::SetWeight>(&e)) return sc.layers[w->layer - 1].weights(w->row, w->col);
  if (auto* b = std::get_if<edit::SetBias>(&e)) return sc.layers[b->layer - 1].bias(0, b->col);
  if (auto* x = std::get_if<edit::SetInput>(&e)) return sc.inputs(x->example, x->col);
  if (auto* y = std::get_if<edit::SetTarget>(&e)) return sc.targets(y->example, y->col);
  if (std::holds_alternative<edit::SetLearningRate>(e)) return sc.learning_rate;
  return 0.0;
}

std::string edit_label(const Scenario& sc, const Edit& e) {
  struct Labeler {
    const Scenario& sc;
    std::string operator()(const edit::SetWeight& e) { return weight_symbol(e.layer, e.row, e.col) + " = " + format_number(e.value); }
    std::string operator()(const edit::SetBias& e) { return "b" + superscript(e.layer) + subscript(e.col + 1) + " = " + format_number(e.value); }
    std::string operator()(const edit::SetInput& e) { return neuron_symbol(sc, 0, e.col) + " of example " + std::to_string(e.example + 1) + " = " + format_number(e.value); }
    std::string operator()(const edit::SetTarget& e) { return "y" + subscript(e.col + 1) + " of example " + std::to_string(e.example + 1) + " = " + format_number(e.value); }
    std::string operator()(const edit::AddExample&) { return "add an example"; }
    std::string operator()(const edit::RemoveExample& e) { return "remove example " + std::to_string(e.example + 1); }
    std::string operator()(const edit::SetLearningRate& e) { return "η = " + format_number(e.value); }
    std::string operator()(const edit::SetLoss& e) { return "loss: " + e.name; }
    std::string operator()(const edit::SetActivation& e) { return "activation of layer " + std::to_string(e.layer) + ": " + e.name; }
    std::string operator()(const edit::AddNeuron& e) { return "add a neuron to " + layer_symbol(sc, e.layer); }
    std::string operator()(const edit::RemoveNeuron& e) { return "remove " + neuron_symbol(sc, e.layer, e.index); }
    std::string operator()(const edit::AddLayer& e) { return "add a layer after " + layer_symbol(sc, e.after); }
    std::string operator()(const edit::RemoveLayer& e) { return "remove layer " + layer_symbol(sc, e.layer); }
    std::string operator()(const edit::InsertLayer& e) { return "add a layer after " + layer_symbol(sc, e.after); }
    std::string operator()(const edit::ReplaceLayer& e) { return "change layer " + layer_symbol(sc, e.layer); }
    std::string operator()(const edit::Reinitialize& e) { return "re-initialise (" + e.init.scheme + ", seed " + std::to_string(e.init.seed) + ")"; }
    std::string operator()(const edit::Rename&) { return "rename"; }
    std::string operator()(const edit::SetOptimizer& e) { return optimizer_label(sc.optimizer, e.spec); }
    std::string operator()(const edit::SetRegularization& e) { return regularization_label(sc.regularization, e.reg); }
    std::string operator()(const edit::SetDataGenerator& e) {
      const DataGenerator& g = e.generator;
      return "data: " + g.name + ", " + std::to_string(g.samples) + " points, noise " + format_number(g.noise) +
             ", seed " + std::to_string(g.seed);
    }
    std::string operator()(const edit::SetFeatures& e) {
      std::string names;
      for (const Feature& f : e.features) names += (names.empty() ? "" : ", ") + feature_label(f);
      return "features: " + (names.empty() ? std::string("the raw inputs") : names);
    }
    std::string operator()(const edit::SetBatching& e) {
      if (!e.batching) return "no mini-batches";
      return "batch size " + std::to_string(e.batching->size) + (e.batching->shuffle ? ", shuffled" : "") +
             (e.batching->shuffle ? ", seed " + std::to_string(e.batching->seed) : "");
    }
    std::string operator()(const edit::AddDataPoint& e) { return e.test ? "add a test point" : "add a training point"; }
    std::string operator()(const edit::RemoveDataPoint& e) {
      return std::string(e.test ? "remove test point " : "remove training point ") + std::to_string(e.index + 1);
    }
    std::string operator()(const edit::PaintImage& e) { return "paint the image of example " + std::to_string(e.example + 1); }
    std::string operator()(const edit::UseDataPoint& e) {
      return std::string(e.test ? "test" : "training") + " row " + std::to_string(e.row + 1) + " as example " +
             std::to_string(e.example + 1);
    }
  };
  return std::visit(Labeler{sc}, e);
}

bool has_class_targets(const Scenario& sc) {
  const DataSet& d = sc.data;
  if (d.generator) return !is_regression(d.generator->name);
  const Eigen::MatrixXd& t = d.active() ? d.train_targets : sc.targets;
  if (t.rows() == 0) return false;
  if (t.cols() == 2)
    return ((t.array() == 0 || t.array() == 1).all() && (t.rowwise().sum().array() == 1).all());
  if (t.cols() != 1) return false;
  return (t.array() == 0 || t.array() == 1).all() || (t.array() == -1 || t.array() == 1).all();
}

int target_class(const Scenario&, const Eigen::MatrixXd& targets, Eigen::Index row) {
  if (targets.cols() >= 2) return targets(row, 1) > targets(row, 0) ? 1 : 0;
  return targets(row, 0) > 0 ? 1 : 0;
}

}  // namespace bpv
