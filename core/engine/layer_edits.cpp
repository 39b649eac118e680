// Inserting a layer of any kind, and changing a layer's settings (formats.md
// §6: a conv layer's channels, kernel, stride, padding; a pooling window; a
// dropout p; batch norm's momentum and eps): done through the file format, so
// every check and every message is the loader's, and a refused edit changes
// nothing. The layer after the changed one gets new weights from the init
// scheme when its input's size changed; the optimizer's state starts again.
#include <functional>
#include <nlohmann/json.hpp>

#include "engine/edits.hpp"
#include "formats/scenario_io.hpp"
#include "layers/layer_kind.hpp"

namespace bpv {
namespace {

using nlohmann::json;

// The loader's message without its "scenario: " source, which names no file here.
std::string short_message(const std::string& what) {
  const std::string prefix = "edited network: ";
  return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
}

// The scenario with `change` made to its file's "layers" (layer `changed`,
// 0-based, is the new or changed one), read back.
std::string rebuild(Scenario& sc, int changed, const std::function<void(json&)>& change) {
  Scenario base = sc;
  base.has_init = true;  // a new layer's weights come from the init scheme (InitSpec's defaults without one)
  json doc = scenario_to_json(base);
  doc.erase("optimizer_state");
  change(doc["layers"]);
  json& layers = doc["layers"];
  // As it is; else the layers after it, up to the first that maps its
  // input anew (dense, conv), with new parameters for their new input; else
  // the changed layer's own too (a new kernel size or channel count).
  // The kind a file object names; an unknown type is the loader's to refuse.
  const auto kind_of = [&](std::size_t k) { return find_layer_kind(layers[k].value("type", "dense")); };
  const auto renew = [&](std::size_t k) {
    const LayerKindDef* kind = kind_of(k);
    if (!kind) return;
    for (const std::string_view key : {kind->weight_key, kind->bias_key, kind->learned_keys[0], kind->learned_keys[1]})
      if (!key.empty()) layers[k].erase(std::string(key));
  };
  std::string why;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt == 1)
      for (std::size_t k = static_cast<std::size_t>(changed) + 1; k < layers.size(); ++k) {
        renew(k);
        if (const LayerKindDef* kind = kind_of(k); kind && kind->maps_input) break;
      }
    if (attempt == 2) renew(static_cast<std::size_t>(changed));
    try {
      sc = parse_scenario(doc.dump(), "edited network");
      return "";
    } catch (const std::exception& e) {
      if (why.empty()) why = short_message(e.what());  // the first reason is the user's
    }
  }
  return why;
}

std::string parse_layer(const std::string& text, json& out) {
  try {
    out = json::parse(text);
  } catch (const std::exception&) {
    return "the layer's settings are not valid JSON";
  }
  if (!out.is_object()) return "a layer is an object such as {\"type\": \"dropout\", \"p\": 0.5}";
  return "";
}

}  // namespace

std::string insert_layer(Scenario& sc, int after, const std::string& layer) {
  if (after < 0 || after >= sc.layer_count()) return "a layer can be added before the output layer only";
  json spec;
  if (std::string why = parse_layer(layer, spec); !why.empty()) return why;
  return rebuild(sc, after, [&](json& layers) { layers.insert(layers.begin() + after, spec); });
}

std::string replace_layer(Scenario& sc, int l, const std::string& layer) {
  if (l < 1 || l > sc.layer_count()) return "no such layer";
  json spec;
  if (std::string why = parse_layer(layer, spec); !why.empty()) return why;
  return rebuild(sc, l - 1, [&](json& layers) { layers[static_cast<std::size_t>(l - 1)] = spec; });
}

}  // namespace bpv
