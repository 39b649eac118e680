#include "engine/edits_json.hpp"

#include <stdexcept>

namespace bpv {
namespace {

using nlohmann::json;

json init_json(const InitSpec& i) {
  return {{"scheme", i.scheme}, {"seed", i.seed}, {"low", i.low}, {"high", i.high}, {"value", i.value}};
}
InitSpec init_from(const json& j) {
  InitSpec i;
  i.scheme = j.at("scheme").get<std::string>();
  i.seed = j.at("seed").get<std::uint64_t>();
  i.low = j.at("low").get<double>();
  i.high = j.at("high").get<double>();
  i.value = j.at("value").get<double>();
  return i;
}

// Every field of the spec, whatever the optimizer: the edit is stored as it
// was made, and apply_edit normalises it the same way on redo.
json spec_json(const OptimizerSpec& o) {
  return {{"name", o.name},       {"momentum", o.momentum}, {"dampening", o.dampening}, {"nesterov", o.nesterov},
          {"alpha", o.alpha},     {"eps", o.eps},           {"centered", o.centered},   {"beta1", o.beta1},
          {"beta2", o.beta2},     {"amsgrad", o.amsgrad},   {"weight_decay", o.weight_decay}};
}
OptimizerSpec spec_from(const json& j) {
  OptimizerSpec o;
  o.name = j.at("name").get<std::string>();
  o.momentum = j.at("momentum").get<double>();
  o.dampening = j.at("dampening").get<double>();
  o.nesterov = j.at("nesterov").get<bool>();
  o.alpha = j.at("alpha").get<double>();
  o.eps = j.at("eps").get<double>();
  o.centered = j.at("centered").get<bool>();
  o.beta1 = j.at("beta1").get<double>();
  o.beta2 = j.at("beta2").get<double>();
  o.amsgrad = j.at("amsgrad").get<bool>();
  o.weight_decay = j.at("weight_decay").get<double>();
  return o;
}

json features_json(const std::vector<Feature>& features) {
  json names = json::array();
  for (const Feature& f : features) names.push_back(feature_name(f));
  return names;
}
std::vector<Feature> features_from(const json& j) {
  std::vector<Feature> out;
  for (const json& name : j) {
    const std::optional<Feature> f = parse_feature(name.get<std::string>());
    if (!f) throw std::runtime_error("bad edit: unknown feature " + name.dump());
    out.push_back(*f);
  }
  return out;
}

struct ToJson {
  json operator()(const edit::SetWeight& e) { return {{"kind", "set_weight"}, {"layer", e.layer}, {"row", e.row}, {"col", e.col}, {"value", e.value}}; }
  json operator()(const edit::SetBias& e) { return {{"kind", "set_bias"}, {"layer", e.layer}, {"col", e.col}, {"value", e.value}}; }
  json operator()(const edit::SetInput& e) { return {{"kind", "set_input"}, {"example", e.example}, {"col", e.col}, {"value", e.value}}; }
  json operator()(const edit::SetTarget& e) { return {{"kind", "set_target"}, {"example", e.example}, {"col", e.col}, {"value", e.value}}; }
  json operator()(const edit::AddExample& e) { return {{"kind", "add_example"}, {"copy_of", e.copy_of}}; }
  json operator()(const edit::RemoveExample& e) { return {{"kind", "remove_example"}, {"example", e.example}}; }
  json operator()(const edit::SetLearningRate& e) { return {{"kind", "set_learning_rate"}, {"value", e.value}}; }
  json operator()(const edit::SetLoss& e) { return {{"kind", "set_loss"}, {"name", e.name}}; }
  json operator()(const edit::SetActivation& e) { return {{"kind", "set_activation"}, {"layer", e.layer}, {"name", e.name}}; }
  json operator()(const edit::AddNeuron& e) { return {{"kind", "add_neuron"}, {"layer", e.layer}}; }
  json operator()(const edit::RemoveNeuron& e) { return {{"kind", "remove_neuron"}, {"layer", e.layer}, {"index", e.index}}; }
  json operator()(const edit::AddLayer& e) { return {{"kind", "add_layer"}, {"after", e.after}, {"size", e.size}, {"activation", e.activation}}; }
  json operator()(const edit::RemoveLayer& e) { return {{"kind", "remove_layer"}, {"layer", e.layer}}; }
  json operator()(const edit::InsertLayer& e) { return {{"kind", "insert_layer"}, {"after", e.after}, {"layer", e.layer}}; }
  json operator()(const edit::ReplaceLayer& e) { return {{"kind", "replace_layer"}, {"layer", e.layer}, {"spec", e.spec}}; }
  json operator()(const edit::Reinitialize& e) { return {{"kind", "reinitialize"}, {"init", init_json(e.init)}}; }
  json operator()(const edit::Rename& e) { return {{"kind", "rename"}, {"name", e.name}, {"description", e.description}}; }
  json operator()(const edit::SetOptimizer& e) { return {{"kind", "set_optimizer"}, {"spec", spec_json(e.spec)}}; }
  json operator()(const edit::SetRegularization& e) { return {{"kind", "set_regularization"}, {"l2", e.reg.l2}, {"l1", e.reg.l1}}; }
  json operator()(const edit::SetDataGenerator& e) {
    const DataGenerator& g = e.generator;
    return {{"kind", "set_data_generator"}, {"generator", g.name}, {"samples", g.samples}, {"noise", g.noise},
            {"seed", g.seed}, {"test_fraction", g.test_fraction}};
  }
  json operator()(const edit::SetFeatures& e) { return {{"kind", "set_features"}, {"features", features_json(e.features)}}; }
  json operator()(const edit::SetBatching& e) {
    if (!e.batching) return {{"kind", "set_batching"}, {"batching", nullptr}};
    return {{"kind", "set_batching"},
            {"batching", {{"size", e.batching->size}, {"shuffle", e.batching->shuffle}, {"seed", e.batching->seed}}}};
  }
  json operator()(const edit::AddDataPoint& e) { return {{"kind", "add_data_point"}, {"x1", e.x1}, {"x2", e.x2}, {"label", e.label}, {"test", e.test}}; }
  json operator()(const edit::RemoveDataPoint& e) { return {{"kind", "remove_data_point"}, {"index", e.index}, {"test", e.test}}; }
  json operator()(const edit::PaintImage& e) { return {{"kind", "paint_image"}, {"example", e.example}, {"pixels", e.pixels}}; }
  json operator()(const edit::UseDataPoint& e) {
    return {{"kind", "use_data_point"}, {"example", e.example}, {"test", e.test}, {"row", e.row}};
  }
};

}  // namespace

json edit_to_json(const Edit& e) { return std::visit(ToJson{}, e); }

Edit edit_from_json(const json& j) {
  try {
    const std::string kind = j.at("kind").get<std::string>();
    auto i = [&](const char* k) { return j.at(k).get<int>(); };
    auto d = [&](const char* k) { return j.at(k).get<double>(); };
    auto s = [&](const char* k) { return j.at(k).get<std::string>(); };
    if (kind == "set_weight") return edit::SetWeight{i("layer"), i("row"), i("col"), d("value")};
    if (kind == "set_bias") return edit::SetBias{i("layer"), i("col"), d("value")};
    if (kind == "set_input") return edit::SetInput{i("example"), i("col"), d("value")};
    if (kind == "set_target") return edit::SetTarget{i("example"), i("col"), d("value")};
    if (kind == "add_example") return edit::AddExample{i("copy_of")};
    if (kind == "remove_example") return edit::RemoveExample{i("example")};
    if (kind == "set_learning_rate") return edit::SetLearningRate{d("value")};
    if (kind == "set_loss") return edit::SetLoss{s("name")};
    if (kind == "set_activation") return edit::SetActivation{i("layer"), s("name")};
    if (kind == "add_neuron") return edit::AddNeuron{i("layer")};
    if (kind == "remove_neuron") return edit::RemoveNeuron{i("layer"), i("index")};
    if (kind == "add_layer") return edit::AddLayer{i("after"), i("size"), s("activation")};
    if (kind == "remove_layer") return edit::RemoveLayer{i("layer")};
    if (kind == "insert_layer") return edit::InsertLayer{i("after"), s("layer")};
    if (kind == "replace_layer") return edit::ReplaceLayer{i("layer"), s("spec")};
    if (kind == "reinitialize") return edit::Reinitialize{init_from(j.at("init"))};
    if (kind == "rename") return edit::Rename{s("name"), s("description")};
    if (kind == "set_optimizer") return edit::SetOptimizer{spec_from(j.at("spec"))};
    if (kind == "set_regularization") return edit::SetRegularization{Regularization{d("l2"), d("l1")}};
    if (kind == "set_data_generator")
      return edit::SetDataGenerator{DataGenerator{s("generator"), i("samples"), d("noise"),
                                                  j.at("seed").get<std::uint64_t>(), d("test_fraction")}};
    if (kind == "set_features") return edit::SetFeatures{features_from(j.at("features"))};
    if (kind == "set_batching") {
      const json& b = j.at("batching");
      if (b.is_null()) return edit::SetBatching{std::nullopt};
      return edit::SetBatching{Batching{b.at("size").get<int>(), b.at("shuffle").get<bool>(), b.at("seed").get<std::uint64_t>()}};
    }
    if (kind == "add_data_point") return edit::AddDataPoint{d("x1"), d("x2"), d("label"), j.at("test").get<bool>()};
    if (kind == "remove_data_point") return edit::RemoveDataPoint{i("index"), j.at("test").get<bool>()};
    if (kind == "paint_image") return edit::PaintImage{i("example"), j.at("pixels").get<std::vector<double>>()};
    if (kind == "use_data_point") return edit::UseDataPoint{i("example"), j.at("test").get<bool>(), i("row")};
    throw std::runtime_error("unknown edit kind '" + kind + "'");
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("bad edit: ") + e.what());
  }
}

}  // namespace bpv
