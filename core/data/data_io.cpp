#include "data/data_io.hpp"

#include <stdexcept>

#include "data/batching.hpp"

namespace bpv {
namespace {

std::string generator_list() {
  std::string s;
  for (const std::string& g : generator_names()) s += (s.empty() ? "" : ", ") + g;
  return s;
}

std::uint64_t read_seed(const FieldReader& rd, const json& j, const std::string& field) {
  if (!j.is_number_unsigned() && !(j.is_number_integer() && j.get<long long>() >= 0))
    rd.fail(field, "expected a non-negative integer, got " + j.dump());
  return j.get<std::uint64_t>();
}

void only_fields(const FieldReader& rd, const json& j, const std::string& field,
                 std::initializer_list<const char*> names) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    std::string list;
    for (const char* n : names) {
      known = known || it.key() == n;
      list += (list.empty() ? "" : ", ") + std::string(n);
    }
    if (!known) rd.fail(field + "." + it.key(), "unknown field (expected " + list + ")");
  }
}

std::vector<Feature> read_features(const FieldReader& rd, const json& j, int input_size) {
  if (!j.is_array()) rd.fail("features", "expected an array of names such as [\"x1\", \"x1^2\"], got " + FieldReader::type_of(j));
  if (j.empty() || j.size() > static_cast<std::size_t>(kMaxNeurons))
    rd.fail("features", "expected 1 to " + std::to_string(kMaxNeurons) + " features, got " + std::to_string(j.size()));
  std::vector<Feature> features;
  for (std::size_t k = 0; k < j.size(); ++k) {
    const std::string f = "features[" + std::to_string(k) + "]";
    const std::string name = rd.string(j[k], f);
    const std::optional<Feature> feature = parse_feature(name);
    if (!feature) rd.fail(f, "unknown feature '" + name + "' (expected xK, xK^2, xK*xJ or sin(xK), K from 1)");
    features.push_back(*feature);
  }
  if (static_cast<int>(features.size()) != input_size)
    rd.fail("input_size", "expected " + std::to_string(features.size()) + " (one per feature), got " +
                              std::to_string(input_size));
  return features;
}

DataGenerator read_generator(const FieldReader& rd, const json& j) {
  if (!j.is_object())
    rd.fail("data", "expected an object such as {\"generator\": \"spiral\"}, got " + FieldReader::type_of(j));
  only_fields(rd, j, "data", {"generator", "samples", "noise", "seed", "test_fraction"});
  DataGenerator g;
  g.name = rd.string(rd.require(j, "generator", "data.generator"), "data.generator");
  const auto& names = generator_names();
  if (std::find(names.begin(), names.end(), g.name) == names.end())
    rd.fail("data.generator", "unknown data set '" + g.name + "' (expected one of " + generator_list() + ")");
  if (const json* s = rd.find(j, "samples"))
    g.samples = static_cast<int>(rd.integer(*s, "data.samples", 2, kMaxSamples));
  if (const json* n = rd.find(j, "noise")) {
    g.noise = rd.number(*n, "data.noise");
    if (g.noise < 0 || g.noise > 0.5) rd.fail("data.noise", "must be between 0 and 0.5, got " + n->dump());
  }
  if (const json* s = rd.find(j, "seed")) g.seed = read_seed(rd, *s, "data.seed");
  if (const json* f = rd.find(j, "test_fraction")) {
    g.test_fraction = rd.number(*f, "data.test_fraction");
    if (g.test_fraction < 0 || g.test_fraction >= 1)
      rd.fail("data.test_fraction", "must be at least 0 and less than 1, got " + f->dump());
    if (g.samples - static_cast<long long>(std::floor(g.test_fraction * g.samples)) < 1)
      rd.fail("data.test_fraction", "leaves no training rows of " + std::to_string(g.samples));
  }
  return g;
}

Batching read_batching(const FieldReader& rd, const json& j) {
  if (!j.is_object())
    rd.fail("batching", "expected an object such as {\"size\": 10, \"shuffle\": true}, got " + FieldReader::type_of(j));
  only_fields(rd, j, "batching", {"size", "shuffle", "seed"});
  Batching b;
  b.size = static_cast<int>(rd.integer(rd.require(j, "size", "batching.size"), "batching.size", 1, kMaxBatch));
  if (const json* s = rd.find(j, "shuffle")) {
    if (!s->is_boolean()) rd.fail("batching.shuffle", "expected true or false, got " + FieldReader::type_of(*s));
    b.shuffle = s->get<bool>();
  }
  if (const json* s = rd.find(j, "seed")) b.seed = read_seed(rd, *s, "batching.seed");
  return b;
}

Progress read_progress(const FieldReader& rd, const json& j, long long per_epoch) {
  if (!j.is_object())
    rd.fail("progress", "expected an object such as {\"step\": 0, \"epoch\": 0, \"step_in_epoch\": 0}, got " +
                            FieldReader::type_of(j));
  only_fields(rd, j, "progress", {"step", "epoch", "step_in_epoch"});
  Progress p;
  constexpr long long kMax = 1LL << 53;
  if (const json* s = rd.find(j, "step")) p.step = rd.integer(*s, "progress.step", 0, kMax);
  if (const json* s = rd.find(j, "epoch")) p.epoch = rd.integer(*s, "progress.epoch", 0, kMax);
  if (const json* s = rd.find(j, "step_in_epoch"))
    p.step_in_epoch = rd.integer(*s, "progress.step_in_epoch", 0, per_epoch - 1);
  return p;
}

// Rows of raw inputs: the width is the first row's (with features) or input_size.
Eigen::MatrixXd read_raw_rows(const FieldReader& rd, const json& j, const std::string& field, int width,
                              int max_rows) {
  return rd.matrix(j, field, -1, width, max_rows);
}

}  // namespace

void read_data_fields(const FieldReader& rd, const json& doc, Scenario& sc, long long neurons) {
  DataSet& d = sc.data;
  if (const json* j = rd.find(doc, "features")) d.features = read_features(rd, *j, sc.input_size);
  if (const json* j = rd.find(doc, "batching")) d.batching = read_batching(rd, *j);
  if (const json* j = rd.find(doc, "data")) d.generator = read_generator(rd, *j);
  const int outputs = sc.output_size();
  const bool has_test_rows = rd.find(doc, "test_inputs") || rd.find(doc, "test_targets");

  if (d.generator) {
    for (const char* key : {"inputs", "targets"})
      if (rd.find(doc, key)) rd.fail(key, "not allowed with \"data\": the generator makes the training rows");
    d.raw_size = 2;
    if (d.features.empty() && sc.input_size != 2)
      rd.fail("input_size", "expected 2 (the data set's x1 and x2), got " + std::to_string(sc.input_size));
    if (has_test_rows && d.generator->test_fraction > 0)
      rd.fail("test_inputs", "not allowed with data.test_fraction: the generator makes the test rows");
    const bool tanh_output = outputs == 1 && sc.layers.back().activation->name == "tanh";
    try {
      GeneratedData g = generate_data(*d.generator, outputs, tanh_output);
      d.train_raw = std::move(g.train_raw);
      d.train_targets = std::move(g.train_targets);
      d.test_raw = std::move(g.test_raw);
      d.test_targets = std::move(g.test_targets);
    } catch (const std::invalid_argument& e) {
      rd.fail("data.generator", e.what());
    }
  } else {
    const json& inputs = rd.require(doc, "inputs", "inputs");
    // Without a data set the rows are the batch (§1's limits); with batching
    // a training set may be larger than one batch.
    const int max_rows = d.batching ? kMaxSamples : kMaxBatch;
    d.raw_size = sc.input_size;
    if (!d.features.empty()) {
      // Rows are raw inputs: as wide as the first row, enough for every feature.
      d.raw_size = inputs.is_array() && !inputs.empty() && inputs[0].is_array() ? static_cast<int>(inputs[0].size()) : 0;
      const int needed = raw_inputs_needed(d.features);
      if (inputs.is_array() && !inputs.empty() && inputs[0].is_array() && d.raw_size < needed)
        rd.fail("inputs[0]", "expected at least " + std::to_string(needed) + " raw inputs (the features name x" +
                                 std::to_string(needed) + "), got " + std::to_string(d.raw_size));
      d.raw_size = std::max(d.raw_size, 1);
    }
    if (inputs.is_array() && static_cast<long long>(inputs.size()) * neurons > kMaxExampleValues &&
        inputs.size() <= static_cast<std::size_t>(kMaxBatch) && !d.batching)
      rd.fail("inputs", too_many_values(static_cast<long long>(inputs.size()), neurons));
    Eigen::MatrixXd rows = read_raw_rows(rd, inputs, "inputs", d.raw_size, max_rows);
    Eigen::MatrixXd targets = rd.matrix(rd.require(doc, "targets", "targets"), "targets",
                                        static_cast<int>(rows.rows()), outputs);
    if (d.active()) {
      d.train_raw = std::move(rows);
      d.train_targets = std::move(targets);
    } else {
      sc.inputs = std::move(rows);
      sc.targets = std::move(targets);
    }
  }
  if (d.generator && d.features.empty() && sc.input_size != 2) rd.fail("input_size", "expected 2");
  if (!d.features.empty() && raw_inputs_needed(d.features) > d.raw_size)
    rd.fail("features", "names x" + std::to_string(raw_inputs_needed(d.features)) + " but the rows have " +
                            std::to_string(d.raw_size) + " raw inputs");

  if (has_test_rows && !(d.generator && d.generator->test_fraction > 0)) {
    d.test_raw = rd.matrix(rd.require(doc, "test_inputs", "test_inputs"), "test_inputs", -1, d.raw_size, kMaxSamples);
    d.test_targets = rd.matrix(rd.require(doc, "test_targets", "test_targets"), "test_targets",
                               static_cast<int>(d.test_raw.rows()), outputs);
  }
  if (d.batching) {
    const long long batch = std::min(d.batching->size, sc.train_rows());
    if (batch * neurons > kMaxExampleValues) rd.fail("batching.size", too_many_values(batch, neurons));
  }
  if (const json* j = rd.find(doc, "progress"))
    sc.progress = read_progress(rd, *j, steps_per_epoch(sc.train_rows(), d.batching));
  if (d.active()) load_mini_batch(sc);
}

void write_data_fields(const Scenario& sc, json& j) {
  const DataSet& d = sc.data;
  const bool generated_test = d.generator && d.generator->test_fraction > 0;
  if (d.generator) {
    j["data"] = {{"generator", d.generator->name},
                 {"samples", d.generator->samples},
                 {"noise", d.generator->noise},
                 {"seed", d.generator->seed},
                 {"test_fraction", d.generator->test_fraction}};
  } else {
    j["inputs"] = matrix_to_json(d.active() ? d.train_raw : sc.inputs);
    j["targets"] = matrix_to_json(d.active() ? d.train_targets : sc.targets);
  }
  if (d.has_test_set() && !generated_test) {
    j["test_inputs"] = matrix_to_json(d.test_raw);
    j["test_targets"] = matrix_to_json(d.test_targets);
  }
  if (!d.features.empty()) {
    json names = json::array();
    for (const Feature& f : d.features) names.push_back(feature_name(f));
    j["features"] = std::move(names);
  }
  if (d.batching)
    j["batching"] = {{"size", d.batching->size}, {"shuffle", d.batching->shuffle}, {"seed", d.batching->seed}};
  if (sc.progress != Progress{})
    j["progress"] = {{"step", sc.progress.step}, {"epoch", sc.progress.epoch},
                     {"step_in_epoch", sc.progress.step_in_epoch}};
}

}  // namespace bpv
