#include "formats/scenario_io.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

#include "data/data_io.hpp"
#include "formats/field_reader.hpp"
#include "formats/layer_io.hpp"
#include "layers/layer_kind.hpp"
#include "optimizers/optimizer.hpp"

namespace bpv {
namespace {

using nlohmann::json;

using Reader = FieldReader;

// nlohmann's parser rejects a number that overflows a double (1e999) with an
// out_of_range exception that says neither the file nor the field. On that
// path only, re-read the text with this SAX handler to find where it was.
class FieldLocator : public nlohmann::json_sax<json> {
 public:
  std::string field;  // "layers[0].weights[1][2]" of the value that failed

  bool null() override { return element(); }
  bool boolean(bool) override { return element(); }
  bool number_integer(number_integer_t) override { return element(); }
  bool number_unsigned(number_unsigned_t) override { return element(); }
  bool number_float(number_float_t, const string_t&) override { return element(); }
  bool string(string_t&) override { return element(); }
  bool binary(binary_t&) override { return element(); }
  bool start_object(std::size_t) override { element(); frames_.push_back({false, -1, {}}); return true; }
  bool key(string_t& k) override { frames_.back().key = k; return true; }
  bool end_object() override { frames_.pop_back(); return true; }
  bool start_array(std::size_t) override { element(); frames_.push_back({true, -1, {}}); return true; }
  bool end_array() override { frames_.pop_back(); return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    // The failing value has not been counted yet: it is the next element.
    for (std::size_t f = 0; f < frames_.size(); ++f) {
      const Frame& fr = frames_[f];
      const long long index = fr.index + (f + 1 == frames_.size() ? 1 : 0);
      if (fr.is_array) {
        field += '[';
        field += std::to_string(index);
        field += ']';
      } else {
        if (!field.empty()) field += '.';
        field += fr.key;
      }
    }
    if (field.empty()) field = "(document)";
    return false;
  }

 private:
  struct Frame {
    bool is_array;
    long long index;  // arrays: index of the element being read
    std::string key;  // objects: the key being read
  };
  bool element() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return true;
  }
  std::vector<Frame> frames_;
};

std::string join_names(bool activations) {
  std::string s;
  if (activations)
    for (const Activation* a : all_activations()) s += (s.empty() ? "" : ", ") + std::string(a->name);
  else
    for (const Loss* l : all_losses()) s += (s.empty() ? "" : ", ") + std::string(l->name);
  return s;
}

InitSpec read_init(const Reader& rd, const json& j) {
  if (!j.is_object()) rd.fail("init", "expected an object, got " + Reader::type_of(j));
  InitSpec init;
  init.scheme = rd.string(rd.require(j, "scheme", "init.scheme"), "init.scheme");
  if (!is_init_scheme(init.scheme))
    rd.fail("init.scheme", "unknown scheme '" + init.scheme +
                               "' (expected xavier_uniform, he_normal, uniform or constant)");
  if (const json* s = rd.find(j, "seed")) {
    if (!s->is_number_unsigned() && !(s->is_number_integer() && s->get<long long>() >= 0))
      rd.fail("init.seed", "expected a non-negative integer");
    init.seed = s->get<std::uint64_t>();
  }
  if (init.scheme == "uniform") {
    init.low = rd.number(rd.require(j, "low", "init.low"), "init.low");
    init.high = rd.number(rd.require(j, "high", "init.high"), "init.high");
    if (init.low > init.high) rd.fail("init.low", "must not be greater than init.high");
  }
  if (init.scheme == "constant") init.value = rd.number(rd.require(j, "value", "init.value"), "init.value");
  return init;
}

std::string with_commas(long long n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return out;
}

std::string too_many_parameters(long long n) {
  return "the network would have " + with_commas(n) + " weights and biases; at most " +
         with_commas(kMaxParameters);
}


std::string optimizer_names() {
  std::string s;
  for (const Optimizer* o : all_optimizers()) s += (s.empty() ? "" : ", ") + std::string(o->name);
  return s;
}

Regularization read_regularization(const Reader& rd, const json& j) {
  if (!j.is_object())
    rd.fail("regularization", "expected an object such as {\"l2\": 0.001}, got " + Reader::type_of(j));
  Regularization reg;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string field = "regularization." + it.key();
    if (it.key() != "l1" && it.key() != "l2") rd.fail(field, "unknown field (expected l1 or l2)");
    (it.key() == "l1" ? reg.l1 : reg.l2) = rd.number(*it, field);
  }
  std::string field;
  const std::string problem = regularization_problem(reg, field);
  if (!problem.empty()) {
    const json& given = j.at(field == "regularization.l1" ? "l1" : "l2");
    rd.fail(field, problem + ", got " + given.dump());
  }
  return reg;
}

void read_optimizer_state(const Reader& rd, const json& j, Scenario& sc) {
  if (!j.is_object())
    rd.fail("optimizer_state", "expected an object such as {\"t\": 1, \"layers\": […]}, got " + Reader::type_of(j));
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "t" && it.key() != "layers")
      rd.fail("optimizer_state." + it.key(), "unknown field (expected t or layers)");
  OptimizerState& os = sc.optimizer_state;
  os.t = Eigen::MatrixXd::Zero(1, 1);
  os.layers.assign(sc.layers.size(), LayerOptimizerState{});
  // t is kept as a double: every integer up to 2^53 is exact.
  if (const json* t = rd.find(j, "t"))
    os.t(0, 0) = static_cast<double>(rd.integer(*t, "optimizer_state.t", 0, 1LL << 53));
  const json* layers = rd.find(j, "layers");
  if (!layers) return;
  if (!layers->is_array())
    rd.fail("optimizer_state.layers", "expected an array, got " + Reader::type_of(*layers));
  if (layers->size() != sc.layers.size())
    rd.fail("optimizer_state.layers", "expected " + std::to_string(sc.layers.size()) + " layers (one per layer), got " +
                                          std::to_string(layers->size()));
  const std::array<bool, kStateSlotCount> keep = kept_state(sc.optimizer);
  const std::string keeper = sc.optimizer.name.empty() ? "plain SGD" : sc.optimizer.name;
  for (std::size_t k = 0; k < layers->size(); ++k) {
    const std::string f = "optimizer_state.layers[" + std::to_string(k) + "]";
    const json& lj = (*layers)[k];
    const Layer& layer = sc.layers[k];
    const std::string w_key(parameter_key(layer, false)), b_key(parameter_key(layer, true));
    if (!lj.is_object())
      rd.fail(f, "expected an object with \"" + w_key + "\" and \"" + b_key + "\", got " + Reader::type_of(lj));
    for (auto it = lj.begin(); it != lj.end(); ++it) {
      const bool bias = it.key() == b_key;
      const std::string pf = f + "." + it.key();
      if (!bias && it.key() != w_key) rd.fail(pf, "unknown field (expected " + w_key + " or " + b_key + ")");
      if (!it->is_object()) rd.fail(pf, "expected an object of state tensors, got " + Reader::type_of(*it));
      ParamState& ps = bias ? os.layers[k].bias : os.layers[k].weights;
      if (!layer_kind(layer).parameters && !it->empty())
        rd.fail(pf, "this layer has no parameters, so no optimizer state");
      for (auto t = it->begin(); t != it->end(); ++t) {
        const std::string tf = pf + "." + t.key();
        int slot = -1;
        for (int s = 0; s < kStateSlotCount; ++s)
          if (state_slot_name(static_cast<StateSlot>(s)) == t.key()) slot = s;
        if (slot < 0) rd.fail(tf, "unknown state tensor (expected velocity, square_avg, grad_avg, m, v or v_max)");
        if (!keep[slot]) rd.fail(tf, keeper + " with these settings does not keep " + t.key());
        ps.tensors[slot] = read_parameter(rd, *t, tf, layer, bias);
      }
    }
  }
}

bool all_zero(const Eigen::MatrixXd& m) { return m.size() == 0 || (m.array() == 0.0).all(); }

json optimizer_state_json(const Scenario& sc, bool& any) {
  const bool sgd = sc.optimizer.name == "sgd";
  json layers = json::array();
  for (std::size_t k = 0; k < sc.optimizer_state.layers.size(); ++k) {
    const LayerOptimizerState& ls = sc.optimizer_state.layers[k];
    const Layer& param = sc.layers[k];
    const std::string w_key(parameter_key(param, false)), b_key(parameter_key(param, true));
    json layer{{w_key, json::object()}, {b_key, json::object()}};
    for (const bool bias : {false, true}) {
      const ParamState& ps = bias ? ls.bias : ls.weights;
      for (int s = 0; s < kStateSlotCount; ++s) {
        const Eigen::MatrixXd& m = ps.tensors[s];
        // Zeros are left out, as a missing tensor starts at zero. SGD's velocity
        // is the exception: a missing one means "none yet" (b ← g), so one that
        // exists is written even when it is zero.
        const bool velocity_exists = sgd && s == static_cast<int>(StateSlot::Velocity) && m.size() != 0;
        if (m.size() == 0 || (all_zero(m) && !velocity_exists)) continue;
        any = true;
        layer[bias ? b_key : w_key][std::string(state_slot_name(static_cast<StateSlot>(s)))] =
            parameter_json(param, m, bias);
      }
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

}  // namespace

OptimizerSpec read_optimizer_field(const FieldReader& rd, const json& j, double learning_rate) {
  if (!j.is_object())
    rd.fail("optimizer", "expected an object such as {\"name\": \"adam\"}, got " + Reader::type_of(j));
  const std::string name = rd.string(rd.require(j, "name", "optimizer.name"), "optimizer.name");
  const Optimizer* optimizer = find_optimizer(name);
  if (!optimizer)
    rd.fail("optimizer.name", "unknown optimizer '" + name + "' (expected one of " + optimizer_names() + ")");
  OptimizerSpec spec = default_spec(*optimizer);
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "name") continue;
    const std::string field = "optimizer." + it.key();
    const OptimizerField* f = nullptr;
    std::string own;
    for (const OptimizerField& candidate : optimizer->fields) {
      if (candidate.name == it.key()) f = &candidate;
      own += (own.empty() ? "" : ", ") + std::string(candidate.name);
    }
    if (!f) rd.fail(field, "not a field of " + name + " (its fields: " + own + ")");
    if (f->flag) {
      if (!it->is_boolean()) rd.fail(field, "expected true or false, got " + Reader::type_of(*it));
      spec.*f->flag = it->get<bool>();
      continue;
    }
    const double v = rd.number(*it, field);
    if (!in_range(*f, v)) rd.fail(field, range_text(*f) + ", got " + it->dump());
    spec.*f->number = v;
  }
  std::string field;
  const std::string problem = optimizer->check(spec, field);
  if (!problem.empty()) rd.fail(field, problem);
  if (learning_rate <= 0) rd.fail("learning_rate", "must be > 0 with an optimizer");
  return spec;
}

std::string too_many_values(long long batch, long long neurons) {
  return std::to_string(batch) + " examples × " + with_commas(neurons) + " neurons = " +
         with_commas(batch * neurons) + " values per buffer; at most " + with_commas(kMaxExampleValues);
}

std::string resource_problem(const Scenario& sc) {
  long long parameters = 0, neurons = sc.input_size;
  for (int l = 1; l <= sc.layer_count(); ++l) {
    const Layer& layer = sc.layers[l - 1];
    parameters += layer.dense() ? static_cast<long long>(sc.width(l - 1) + 1) * sc.width(l)
                                : static_cast<long long>(layer.weights.size() + layer.bias.size());
    neurons += sc.width(l);
  }
  if (parameters > kMaxParameters) return too_many_parameters(parameters);
  if (sc.batch_size() * neurons > kMaxExampleValues) return too_many_values(sc.batch_size(), neurons);
  return "";
}

Scenario parse_scenario(const std::string& text, const std::string& source) {
  const Reader rd{source};
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ScenarioError(source + ": (document): not valid JSON at byte " + std::to_string(e.byte));
  } catch (const json::out_of_range&) {  // a number beyond a double's range, e.g. 1e999
    FieldLocator locator;
    json::sax_parse(text, &locator);
    rd.fail(locator.field, "must be a finite number (out of a double's range)");
  }
  if (!doc.is_object()) rd.fail("(document)", "expected a JSON object, got " + Reader::type_of(doc));
  if (const json* k = rd.find(doc, "kind")) {
    const std::string kind = rd.string(*k, "kind");
    // Expressions (formats.md §7) have their own loader (core/expression/expression_io.hpp).
    if (kind == "expression")
      rd.fail("kind", "an expression graph, not a network: open it as `backprop-viz FILE` (File ▸ Open reads "
                      "networks only)");
    if (kind != "network") rd.fail("kind", "expected \"network\" or \"expression\", got \"" + kind + "\"");
  }

  Scenario sc;
  if (const json* j = rd.find(doc, "name")) sc.name = rd.string(*j, "name");
  else sc.name = std::filesystem::path(source).stem().string();
  if (const json* j = rd.find(doc, "description")) sc.description = rd.string(*j, "description");
  sc.input_size = static_cast<int>(rd.integer(rd.require(doc, "input_size", "input_size"),
                                              "input_size", 1, kMaxNeurons));
  if (const json* j = rd.find(doc, "input_shape")) {
    if (!j->is_array() || (j->size() != 2 && j->size() != 3))
      rd.fail("input_shape", "expected [rows, columns] or [channels, rows, columns]");
    // [C, H, W] (formats.md §6); [1, H, W] is [H, W].
    const std::size_t first = j->size() - 2;
    if (first == 1) sc.input_channels = static_cast<int>(rd.integer((*j)[0], "input_shape[0]", 1, kMaxChannels));
    for (std::size_t k = first; k < j->size(); ++k)
      sc.input_shape.push_back(static_cast<int>(
          rd.integer((*j)[k], "input_shape[" + std::to_string(k) + "]", 1, kMaxNeurons)));
    const long long values = static_cast<long long>(sc.input_channels) * sc.input_shape[0] * sc.input_shape[1];
    if (values != sc.input_size)
      rd.fail("input_shape", (sc.input_channels > 1 ? std::to_string(sc.input_channels) + " x " : std::string()) +
                                 std::to_string(sc.input_shape[0]) + " x " + std::to_string(sc.input_shape[1]) +
                                 " = " + std::to_string(values) + (sc.input_channels > 1 ? " values" : " pixels") +
                                 ", but input_size is " + std::to_string(sc.input_size));
  }
  if (const json* j = rd.find(doc, "init")) {
    sc.has_init = true;
    sc.init = read_init(rd, *j);
  }

  const json& layers = rd.require(doc, "layers", "layers");
  if (!layers.is_array()) rd.fail("layers", "expected an array, got " + Reader::type_of(layers));
  if (layers.empty() || layers.size() > static_cast<std::size_t>(kMaxLayers))
    rd.fail("layers", "expected 1 to " + std::to_string(kMaxLayers) + " layers, got " +
                          std::to_string(layers.size()));
  int prev = sc.input_size;
  Shape prev_shape = sc.input_image();
  long long parameters = 0, neurons = sc.input_size;  // for the resource bounds
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const std::string f = "layers[" + std::to_string(k) + "]";
    const json& lj = layers[k];
    if (!lj.is_object()) rd.fail(f, "expected an object, got " + Reader::type_of(lj));
    // "type" left out is dense (formats.md §1, §6).
    const LayerKindDef* kind = find_layer_kind("dense");
    if (const json* t = rd.find(lj, "type")) {
      const std::string type = rd.string(*t, f + ".type");
      kind = find_layer_kind(type);
      if (!kind)
        rd.fail(f + ".type", "unknown layer type '" + type +
                                 "' (expected dense, conv2d, max_pool, avg_pool, batch_norm or dropout)");
    }
    if (kind->type != "dense") {
      Layer layer = read_typed_layer(rd, lj, f, *kind, {prev, prev_shape}, sc, static_cast<int>(k) + 1,
                                     k + 1 == layers.size());
      parameters += layer.weights.size() + layer.bias.size();
      if (parameters > kMaxParameters) rd.fail(f, too_many_parameters(parameters));
      prev = layer.size();
      prev_shape = layer.out_shape;
      neurons += prev;
      sc.layers.push_back(std::move(layer));
      continue;
    }
    prev_shape = {};
    const int size = static_cast<int>(rd.integer(rd.require(lj, "size", f + ".size"), f + ".size", 1, kMaxNeurons));
    parameters += static_cast<long long>(prev + 1) * size;
    neurons += size;
    if (parameters > kMaxParameters) rd.fail(f + ".size", too_many_parameters(parameters));
    Layer layer;
    const std::string act = rd.string(rd.require(lj, "activation", f + ".activation"), f + ".activation");
    layer.activation = find_activation(act);
    if (!layer.activation)
      rd.fail(f + ".activation", "unknown activation '" + act + "' (expected one of " + join_names(true) + ")");
    const int l = static_cast<int>(k) + 1;
    if (const json* w = rd.find(lj, "weights")) layer.weights = rd.matrix(*w, f + ".weights", prev, size);
    else if (sc.has_init) layer.weights = init_weights(sc.init, prev, size, init_stream(sc.init.seed, l, false));
    else rd.fail(f + ".weights", "missing, and there is no \"init\" block to fill it");
    if (const json* b = rd.find(lj, "bias")) layer.bias = rd.row(*b, f + ".bias", size);
    else if (sc.has_init) layer.bias = init_bias(sc.init, size, init_stream(sc.init.seed, l, true));
    else layer.bias = Eigen::MatrixXd::Zero(1, size);
    sc.layers.push_back(std::move(layer));
    prev = size;
  }

  const std::string loss = rd.string(rd.require(doc, "loss", "loss"), "loss");
  sc.loss = find_loss(loss);
  if (!sc.loss) rd.fail("loss", "unknown loss '" + loss + "' (expected one of " + join_names(false) + ")");
  sc.learning_rate = rd.number(rd.require(doc, "learning_rate", "learning_rate"), "learning_rate");
  if (sc.learning_rate < 0) rd.fail("learning_rate", "must not be negative");

  read_data_fields(rd, doc, sc, neurons);
  if (const std::string problem = training_batch_problem(sc); !problem.empty())
    rd.fail(sc.data.batching ? "batching.size" : "inputs", problem);
  if (const json* j = rd.find(doc, "optimizer")) sc.optimizer = read_optimizer_field(rd, *j, sc.learning_rate);
  if (const json* j = rd.find(doc, "regularization")) sc.regularization = read_regularization(rd, *j);
  if (const json* j = rd.find(doc, "optimizer_state")) read_optimizer_state(rd, *j, sc);
  conform_optimizer_state(sc);
  return sc;
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ScenarioError(path + ": (file): is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": (file): cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ScenarioError(path + ": (file): cannot read: " + std::strerror(errno));
  return ss.str();
}

Scenario load_scenario(const std::string& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (!ec && bytes > static_cast<std::uintmax_t>(kMaxScenarioFileBytes))
    throw ScenarioError(path + ": (file): " + with_commas(static_cast<long long>(bytes)) +
                        " bytes; a scenario file has at most " + with_commas(kMaxScenarioFileBytes));
  return parse_scenario(read_text_file(path), path);
}

json matrix_to_json(const Eigen::MatrixXd& m) {
  json rows = json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    json row = json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

json row_to_json(const Eigen::MatrixXd& m) {
  json row = json::array();
  for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(m(0, c));
  return row;
}

json scenario_to_json(const Scenario& sc) {
  json j;
  j["name"] = sc.name;
  j["description"] = sc.description;
  j["input_size"] = sc.input_size;
  if (sc.image_input()) j["input_shape"] = sc.input_shape;
  else if (!sc.input_image().empty()) j["input_shape"] = {sc.input_channels, sc.input_shape[0], sc.input_shape[1]};
  json layers = json::array();
  for (const Layer& layer : sc.layers) {
    if (!layer.dense()) {
      layers.push_back(typed_layer_json(layer));
      continue;
    }
    layers.push_back({{"size", layer.size()},
                      {"activation", std::string(layer.activation->name)},
                      {"weights", matrix_to_json(layer.weights)},
                      {"bias", row_to_json(layer.bias)}});
  }
  j["layers"] = std::move(layers);
  j["loss"] = std::string(sc.loss->name);
  j["learning_rate"] = sc.learning_rate;
  write_data_fields(sc, j);
  if (sc.has_init) {
    json init{{"scheme", sc.init.scheme}, {"seed", sc.init.seed}};
    if (sc.init.scheme == "uniform") {
      init["low"] = sc.init.low;
      init["high"] = sc.init.high;
    }
    if (sc.init.scheme == "constant") init["value"] = sc.init.value;
    j["init"] = std::move(init);
  }
  if (!sc.optimizer.name.empty()) {
    json o{{"name", sc.optimizer.name}};
    if (const Optimizer* optimizer = find_optimizer(sc.optimizer.name))
      for (const OptimizerField& f : optimizer->fields) {
        if (f.flag) o[std::string(f.name)] = sc.optimizer.*f.flag;
        else o[std::string(f.name)] = sc.optimizer.*f.number;
      }
    j["optimizer"] = std::move(o);
  }
  if (sc.regularization.active())
    j["regularization"] = {{"l2", sc.regularization.l2}, {"l1", sc.regularization.l1}};
  bool any_state = false;
  json state_layers = optimizer_state_json(sc, any_state);
  const double t = sc.optimizer_state.step();
  if (any_state || t != 0.0) {
    json state{{"t", static_cast<long long>(t)}};
    if (any_state) state["layers"] = std::move(state_layers);
    j["optimizer_state"] = std::move(state);
  }
  return j;
}

void write_file_atomic(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  const bool written = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  const bool flushed = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !flushed || !closed) {
    std::remove(tmp.c_str());
    throw std::runtime_error(path + ": cannot write: " + std::strerror(saved_errno ? saved_errno : EIO));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error(path + ": cannot replace: " + std::strerror(e));
  }
}

void save_scenario(const Scenario& scenario, const std::string& path) {
  write_file_atomic(path, scenario_to_json(scenario).dump(2) + "\n");
}

}  // namespace bpv
