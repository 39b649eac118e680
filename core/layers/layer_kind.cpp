#include "layers/layer_kind.hpp"

#include <array>

namespace bpv {

// The kinds, one file each (layer_kind.hpp).
extern const LayerKindDef kDenseLayer, kDropoutLayer;

const std::vector<const LayerKindDef*>& all_layer_kinds() {
  static const std::vector<const LayerKindDef*> kinds{&kDenseLayer, &kDropoutLayer};
  return kinds;
}

const LayerKindDef* find_layer_kind(std::string_view type) {
  for (const LayerKindDef* k : all_layer_kinds())
    if (k->type == type) return k;
  return nullptr;
}

const LayerKindDef& layer_kind(const Layer& layer) { return layer.kind ? *layer.kind : kDenseLayer; }

bool is_planned_layer_type(std::string_view type) {
  static constexpr std::array<std::string_view, 5> kPlanned{"conv2d", "max_pool", "avg_pool", "batch_norm",
                                                            "dropout"};
  for (std::string_view p : kPlanned)
    if (p == type && !find_layer_kind(type)) return true;
  return false;
}

}  // namespace bpv
