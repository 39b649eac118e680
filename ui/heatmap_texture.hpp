// A weight matrix drawn as an image: one texel per weight, row i = neuron i
// of the layer before, column j = neuron j of this layer, coloured with the
// canvas' diverging colour map. One GL texture per matrix, uploaded again only
// when what it shows changes (its key), drawn with ImDrawList::AddImage.
#pragma once
#include <imgui.h>

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace bpv {

class HeatmapTexture {
 public:
  // Shows factor · m(i, j) with ±scale as full colour. Uploads only when `key`
  // (which must change whenever m, factor, scale or the theme do) differs
  // from the last upload's.
  void update(const Eigen::MatrixXd& m, double factor, double scale, std::uint64_t key);
  ImTextureID id() const;
  bool ready() const { return texture_ != 0; }

 private:
  unsigned texture_ = 0;
  int rows_ = 0, cols_ = 0;
  std::uint64_t key_ = 0;
  std::vector<std::uint32_t> pixels_;
};

// One texture per layer for the whole process: GL objects live as long as the
// context, and a static destructor would run after the context is gone.
HeatmapTexture& heatmap_for_layer(int layer);

}  // namespace bpv
