#include "layers/layer_kind.hpp"

namespace bpv {

// The kinds, one file each (layer_kind.hpp).
extern const LayerKindDef kDenseLayer, kDropoutLayer, kConvLayer, kMaxPoolLayer, kAvgPoolLayer, kBatchNormLayer;

const std::vector<const LayerKindDef*>& all_layer_kinds() {
  static const std::vector<const LayerKindDef*> kinds{&kDenseLayer,   &kConvLayer,      &kMaxPoolLayer,
                                                      &kAvgPoolLayer, &kBatchNormLayer, &kDropoutLayer};
  return kinds;
}

const LayerKindDef* find_layer_kind(std::string_view type) {
  for (const LayerKindDef* k : all_layer_kinds())
    if (k->type == type) return k;
  return nullptr;
}

const LayerKindDef& layer_kind(const Layer& layer) { return layer.kind ? *layer.kind : kDenseLayer; }

bool shaped(const Layer& layer) { return !layer.out_shape.empty(); }

}  // namespace bpv
